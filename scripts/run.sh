#!/usr/bin/env bash
# `make run`: a relay and two peers (alice and bob) on this machine.
#
# With a display it opens two desktop apps side by side, already connected to each other through
# the relay, and shows the relay's console here; closing both windows (or Ctrl-C) ends it.
# Without a display (or with DUET_DEMO=terminal) it plays a scripted terminal conversation and
# shows both transcripts and the relay's console, which holds only ciphertext. It stops by
# itself (or on Ctrl-C) and leaves no process behind.
set -euo pipefail
BUILD=${BUILD:-build}
RELAY="$BUILD/duet-relay"
DUET="$BUILD/duet"

work=$(mktemp -d "${TMPDIR:-/tmp}/duet-run.XXXXXX")
pids=()
cleanup() {
  trap - EXIT INT TERM
  exec 3>&- 4>&- 2>/dev/null || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits (at most $3 seconds) until file $1 has a line matching $2.
wait_for() {
  local deadline=$((SECONDS + ${3:-15}))
  until grep -q -- "$2" "$1" 2>/dev/null; do
    if ((SECONDS >= deadline)); then echo "run: timed out waiting for '$2' in $(basename "$1")" >&2; return 1; fi
    sleep 0.1
  done
}

# Shows a file's new lines with a prefix, as they come.
show() { tail -n +1 -F "$2" 2>/dev/null | sed -u "s/^/$1/" & pids+=($!); }

"$RELAY" --listen 127.0.0.1:0 --stats-interval 0 >"$work/relay.log" 2>&1 &
pids+=($!)
wait_for "$work/relay.log" '^listening on ' 10
addr=$(sed -n 's/^listening on //p' "$work/relay.log" | head -n 1)

if [[ -n "${DISPLAY:-}" && "${DUET_DEMO:-}" != terminal ]]; then
  # A code as the app's New code makes one (four digits, three words of the EFF list): both apps
  # type it, and its words check each other's key, so nobody needs to compare digits.
  words=$(cut -f2 third_party/eff-wordlist/eff_short_wordlist_1.txt | grep -x '[a-z]*' |
    shuf -n 3 | paste -sd- -)
  code="$(printf '%04d' $((RANDOM % 10000)))-$words"
  echo "== Duet: relay on $addr; the desktop apps of alice and bob join with the code $code =="
  echo "== The code checks their keys: both show 'checked by the code'. Close both windows to end. =="
  echo "== The relay's console below shows only sizes and ciphertext: =="
  show "relay | " "$work/relay.log"
  "$DUET" --home "$work/alice" --relay "$addr" --room "$code" --name alice --connect \
    --position 40,60 >"$work/alice.out" 2>&1 &
  alice_pid=$!
  pids+=($!)
  "$DUET" --home "$work/bob" --relay "$addr" --room "$code" --name bob --connect \
    --position 830,60 >"$work/bob.out" 2>&1 &
  bob_pid=$!
  pids+=($!)
  wait "$alice_pid" "$bob_pid" 2>/dev/null || true
  kill -TERM "${pids[0]}" 2>/dev/null || true   # the relay prints its totals and exits
  wait "${pids[0]}" 2>/dev/null || true
  sleep 0.3  # let the console lines reach the screen
  echo "== Both windows closed; the relay saw only ciphertext. =="
  exit 0
fi

echo "== Duet demo: relay on $addr; alice makes a code, bob joins with it =="
echo "== The relay's lines show only sizes and ciphertext; it never sees names or text. =="
show "relay | " "$work/relay.log"

mkfifo "$work/alice.in" "$work/bob.in"
: >"$work/alice.out"
: >"$work/bob.out"
show "alice | " "$work/alice.out"
show "bob   | " "$work/bob.out"
# Each peer reads its own FIFO; only this script holds the write ends (fds 3 and 4), so closing
# them is the peers' end of input.
"$DUET" --cli --relay "$addr" --name alice --home "$work/alice" \
  <"$work/alice.in" >"$work/alice.out" 2>&1 &
alice_pid=$!
pids+=($!)
exec 3>"$work/alice.in"
# alice's duet made a code and printed it; bob "hears" it (here: reads it off her screen).
wait_for "$work/alice.out" 'Your code: ' 30
code=$(sed -n 's/.*Your code: //p' "$work/alice.out" | head -n 1)
"$DUET" --cli --relay "$addr" --room "$code" --name bob --home "$work/bob" \
  <"$work/bob.in" >"$work/bob.out" 2>&1 &
bob_pid=$!
pids+=($!)
exec 4>"$work/bob.in"

wait_for "$work/alice.out" 'Secure session' 30
wait_for "$work/bob.out" 'Secure session' 30
say() {  # say FD TEXT: type a line, then pause so a person can follow
  echo "$2" >&"$1"
  sleep "${DUET_DEMO_PACE:-1}"
}
say 3 "Hi Bob! This goes through the relay, but only we can read it."
wait_for "$work/bob.out" 'only we can read it'
say 4 "Hi Alice 👋 The relay only sees ciphertext, and the code you read me checked our keys."
say 3 "/verify"
say 3 "Great, we are verified without comparing a digit. Bye!"
wait_for "$work/bob.out" 'we are verified'
exec 3>&- 4>&-   # end of input: each peer delivers what is pending, then leaves
wait "$alice_pid" "$bob_pid" 2>/dev/null || true
kill -TERM "${pids[0]}" 2>/dev/null || true   # the relay prints its totals and exits
wait "${pids[0]}" 2>/dev/null || true
sleep 0.3  # let the console lines reach the screen
echo "== Demo finished: both peers delivered everything and left; the relay saw only ciphertext. =="
