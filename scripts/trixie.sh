#!/usr/bin/env bash
# make test-trixie: Debian 13 (trixie) as a first-class platform, tested from a Debian 12 machine.
#
#   1. a Debian 13 root made with debootstrap from the mirror apt already uses, kept in
#      build-trixie/root so that later runs reuse it (delete the folder to start afresh);
#   2. the source tree (git ls-files) copied into it as /src, then the project's own `make deps`
#      run inside it: that is what proves `make deps` works on Debian 13;
#   3. the binaries and the test binaries built there (-j2), and the suite's process tests run
#      there;
#   4. the mixed sessions: this machine's build (BUILD, default build/, which `make test-trixie`
#      builds first) meets the Debian 13 build through either release's relay
#      (tests/peer/cli/mixed_release_test.cc).
#
# What runs inside the root, and why (CI runs all of this after the Debian 12 suite, its
# sanitizers and fuzzing, and the whole run must stay under 60 minutes):
#   - the unit binary under Xvfb, as `make test` runs it: the crypto tests (OpenSSL 3.5:
#     tampering, handshake failures), the relay's and the terminal client's process tests (real
#     duet-relay and duet processes), the desktop app's process tests (FLTK 1.3.11; about 15 s
#     there, and they once caught a checkbox that only Debian 13 can tick) and the unit tests;
#   - the adversarial suite (a hostile relay against real Debian 13 peers).
#   DUET_TRIXIE_GUI=0 leaves the desktop app's tests out (no X display: they skip themselves).
#   No sanitizer builds and no fuzzing in the root: they test our code, not the release, and
#   Debian 12's CI stages run them.
#
# `scripts/trixie.sh prepare` does only the root: debootstrap and `make deps` inside (network and
# disk, little CPU). CI starts it in the background at the beginning, so that it overlaps the
# Debian 12 build, and waits for it before `make test-trixie`, which then finds it done.
#
# Needs root (debootstrap, mount, chroot). Every mount made here is undone on exit, whatever
# happens.
set -euo pipefail
PREPARE_ONLY=0
if [[ "${1:-}" == prepare ]]; then PREPARE_ONLY=1; fi
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
TOP=build-trixie
ROOT=$PWD/$TOP/root
READY=$ROOT/.duet-root-ready  # written once debootstrap finished: a half-made root is redone
GUI=${DUET_TRIXIE_GUI:-1}

if [[ $(id -u) -ne 0 ]]; then
  echo "test-trixie: needs root (debootstrap, mount and chroot); run it with sudo" >&2
  exit 2
fi
for bin in duet duet-relay duet_tests; do
  if [[ $PREPARE_ONLY == 0 && ! -x "$BUILD/$bin" ]]; then
    echo "test-trixie: $BUILD/$bin is missing: run make test-trixie (it builds it first)" >&2
    exit 2
  fi
done

# Seconds per step, said as each ends and summed at the end.
timings=()
step_start=0
begin() {
  step_name=$1
  step_start=$(date +%s)
  echo "test-trixie: $step_name"
}
end() {
  local took=$(($(date +%s) - step_start))
  timings+=("$step_name: ${took}s")
  echo "test-trixie: $step_name took ${took}s"
}
all_start=$(date +%s)

# The mirror apt already uses (deb822 .sources first, then sources.list): the Debian archive,
# not the security one.
mirror() {
  local uri
  uri=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk '{for (i = 2; i <= NF; i++) print $i}' | grep -v -- '-security' | head -n 1 || true)
  if [[ -z "$uri" ]]; then
    uri=$(grep -hE '^deb[[:space:]]' /etc/apt/sources.list 2>/dev/null |
      awk '{for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break }}' |
      grep -v -- '-security' | head -n 1 || true)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

# --- 1. the root -------------------------------------------------------------------------------
if ! command -v debootstrap >/dev/null; then
  begin "install debootstrap on this machine"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap
  end
fi

# Mounts left by an earlier run that was killed before its trap ran.
unmount_all() {
  local m
  for m in "$ROOT/dev/pts" "$ROOT/dev" "$ROOT/proc"; do
    if mountpoint -q "$m" 2>/dev/null; then umount "$m" || umount -l "$m"; fi
  done
}
unmount_all

if [[ ! -f "$READY" ]]; then
  begin "debootstrap trixie from $(mirror)"
  rm -rf "$ROOT"
  mkdir -p "$TOP"
  debootstrap --variant=minbase --include=make,ca-certificates trixie "$ROOT" "$(mirror)" \
    >"$TOP/debootstrap.log" 2>&1 || {
    tail -n 30 "$TOP/debootstrap.log"
    echo "test-trixie: debootstrap failed (whole log: $TOP/debootstrap.log)" >&2
    exit 1
  }
  touch "$READY"
  end
fi

trap unmount_all EXIT
mount -t proc proc "$ROOT/proc"
mount --bind /dev "$ROOT/dev"
# Pseudo-terminals: CliCodeTest drives duet --join on a terminal through script(1).
mount --bind /dev/pts "$ROOT/dev/pts"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  LANG=C.UTF-8 /bin/bash -c "cd /src && $*"; }

# --- 2. the source, and make deps inside ------------------------------------------------------
begin "copy the source tree into the root"
# The build folder stays for an incremental build, so a file is written only when its content
# changed, and then with a new time: a copy that kept the tree's times could be older than a
# stale object and make would skip it.
stage=$TOP/src-stage
rm -rf "$stage"
mkdir -p "$stage" "$ROOT/src"
git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$stage"
(cd "$stage" && find . -type f -print0) | while IFS= read -r -d '' f; do
  if ! cmp -s "$stage/$f" "$ROOT/src/$f"; then
    mkdir -p "$(dirname "$ROOT/src/$f")"
    cp "$stage/$f" "$ROOT/src/$f"
  fi
done
(cd "$ROOT/src" && find . -path ./build -prune -o -type f -print0) | while IFS= read -r -d '' f; do
  [[ -e "$stage/$f" ]] || rm -f "$ROOT/src/$f"
done
rm -rf "$stage"
end

begin "make deps inside the root"
in_root make deps
end
if [[ $PREPARE_ONLY == 1 ]]; then
  echo "test-trixie: the root is ready (prepare only) in $(($(date +%s) - all_start))s"
  exit 0
fi

# --- 3. build and run the suite inside -------------------------------------------------------
begin "build inside the root (make -j2 test-build)"
# test-build, and the handshake row of `make bench` (which runs it from here when present).
in_root make -j2 --no-print-directory test-build "$BUILD/bench/handshake_bench"
end

begin "unit and process tests inside the root"
if [[ "$GUI" == 1 ]]; then
  in_root 'xvfb-run -a -s "-screen 0 1600x1000x24" build/duet_tests'
else
  in_root build/duet_tests
fi
end

begin "adversarial suite inside the root"
in_root build/duet_adversary_tests
end

# --- 4. this release meets Debian 13 ----------------------------------------------------------
begin "mixed sessions: $BUILD/duet_tests (this machine) with the Debian 13 build"
DUET_OTHER_RELEASE_ROOT=$ROOT "$BUILD/duet_tests" --gtest_filter='MixedRelease*'
end

echo "test-trixie: timings"
for t in "${timings[@]}"; do echo "  $t"; done
echo "test-trixie: done in $(($(date +%s) - all_start))s"
