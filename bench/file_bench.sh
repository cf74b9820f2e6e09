#!/bin/bash
# make bench, file row: one 1 GiB file from one `duet --cli` to another through duet-relay on
# this machine, beside magic-wormhole (its own mailbox server and transit relay on 127.0.0.1)
# and a plain socat forwarder moving the same bytes, all in the same run, each RUNS times
# (median and range). Prints figures; never passes or fails on time.
#
#   bench/file_bench.sh BUILD_DIR [SIZE_MIB] [RUNS]
#
# Duet's wall time runs from typing `/file` to the receiver's `file` event (written, SHA-256
# checked, renamed). Wormhole's runs from starting `wormhole send` to the receiver's exit;
# socat's from the first byte sent to the sink's exit.
set -u
BUILD=${1:-build}
MIB=${2:-1024}
RUNS=${3:-3}
BYTES=$((MIB * 1024 * 1024))
BUILD=$(cd "$BUILD" && pwd)
WORK=$(mktemp -d /tmp/duet-file-bench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

now() { date +%s.%N; }
# Arithmetic on decimals (awk is everywhere; bc is not).
calc() { awk "BEGIN { print $1 }"; }
# CPU seconds (user + system) a process has used so far.
cpu() { awk -v t="$(getconf CLK_TCK)" '{ print ($14 + $15) / t }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# Waits (at most $3 seconds) until file $1 holds a line containing $2.
wait_for() {
  local deadline=$(( $(date +%s) + $3 ))
  until grep -q -- "$2" "$1" 2>/dev/null; do
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 0.01
  done
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# The median of its arguments, then "(min-max)".
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
  m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m, v[1], v[NR] }'; }
# A row: label, then the wall times of the runs.
row() {
  local label=$1; shift
  read -r m lo hi <<< "$(median "$@")"
  printf '  %-44s %7.2f s (%.2f-%.2f) %6.0f MB/s\n' "$label" "$m" "$lo" "$hi" \
    "$(calc "$BYTES / $m / 1000000")"
}

# The same for files: label, then the wall times of the runs.
row_files() {
  local label=$1; shift
  read -r m lo hi <<< "$(median "$@")"
  printf '  %-44s %7.2f s (%.2f-%.2f) %6.0f files/s\n' "$label" "$m" "$lo" "$hi" \
    "$(calc "$NFILES / $m")"
}

echo "file transfer: ${MIB} MiB of random data, this machine ($(nproc) cores), $RUNS runs each"
head -c "$BYTES" /dev/urandom > "$WORK/payload.bin"
SUM=$(sha256sum "$WORK/payload.bin" | cut -d' ' -f1)
# Many small files: a folder of NFILES (default 10 000) files of 4 KiB.
NFILES=${NFILES:-10000}
mkdir -p "$WORK/folder"
python3 -c 'import os, sys
for i in range(int(sys.argv[2])):
    with open(os.path.join(sys.argv[1], "f%05d.bin" % i), "wb") as f: f.write(os.urandom(4096))'   "$WORK/folder" "$NFILES"
FOLDER_MB=$(calc "$NFILES * 4096 / 1000000")

# --- where the time goes: SHA-256 of the whole file on one core ----------------------------
# Each Duet peer hashes the file once, as it reads (sender) or writes (receiver) each chunk.
HASH_S=""
if command -v openssl >/dev/null; then
  t0=$(now)
  openssl dgst -sha256 "$WORK/payload.bin" > /dev/null && HASH_S=$(calc "$(now) - $t0")
fi

# --- socat: the bytes through a plain forwarder (the ceiling for any relay) ----------------
SOCAT_S=(); TAR_S=()
if command -v socat >/dev/null; then
  for run in $(seq "$RUNS"); do
    P1=$(free_port); P2=$(free_port)
    socat -b 262144 -u TCP-LISTEN:$P2,bind=127.0.0.1,reuseaddr OPEN:/dev/null &
    SINK=$!; PIDS+=($SINK)
    socat -b 262144 TCP-LISTEN:$P1,bind=127.0.0.1,reuseaddr TCP:127.0.0.1:$P2 &
    PIDS+=($!)
    sleep 0.3
    t0=$(now)
    socat -b 262144 -u OPEN:"$WORK/payload.bin" TCP:127.0.0.1:$P1
    wait $SINK
    SOCAT_S+=("$(calc "$(now) - $t0")")
  done
  # The folder: tar | socat forwarder | tar, the ceiling for many small files.
  for run in $(seq "$RUNS"); do
    rm -rf "$WORK/untar"; mkdir -p "$WORK/untar"
    P1=$(free_port); P2=$(free_port)
    (socat -b 262144 -u TCP-LISTEN:$P2,bind=127.0.0.1,reuseaddr - | tar -x -C "$WORK/untar") &
    SINK=$!; PIDS+=($SINK)
    socat -b 262144 TCP-LISTEN:$P1,bind=127.0.0.1,reuseaddr TCP:127.0.0.1:$P2 &
    PIDS+=($!)
    sleep 0.3
    t0=$(now)
    tar -C "$WORK/folder" -cf - . | socat -b 262144 -u - TCP:127.0.0.1:$P1
    wait $SINK
    TAR_S+=("$(calc "$(now) - $t0")")
  done
  rm -rf "$WORK/untar"
fi

# --- duet: duet --cli -> duet-relay -> duet --cli ------------------------------------------
"$BUILD/duet-relay" --listen 127.0.0.1:0 > "$WORK/relay.log" 2>&1 &
RELAY_PID=$!; PIDS+=($RELAY_PID)
wait_for "$WORK/relay.log" "listening on" 10 || { echo "bench: duet-relay did not start"; exit 1; }
ADDR=$(head -1 "$WORK/relay.log" | sed 's/listening on //')
mkfifo "$WORK/a.in" "$WORK/b.in"
# The receiver's output goes through a read loop, which counts `file` and `folder` events (a
# folder goes whole: one event once every file in it is saved) and notes the
# moment the count reaches the number in $WORK/target: the clock stops there, without polling
# the log (a poller would take CPU from the transfer) and without a process per file.
echo 1 > "$WORK/target"
"$BUILD/duet" --cli --json --relay "$ADDR" --room bench --name bob --home "$WORK/bob" \
  --accept-files "$WORK/dl" --wait 120 < "$WORK/b.in" 2>&1 \
  > >(n=0; while IFS= read -r line; do
         printf '%s\n' "$line"
         if [[ $line == *'"event":"file"'* || $line == *'"event":"folder"'* ]]; then
           n=$((n + 1))
           read -r target < "$WORK/target"
           [ "$n" -ge "$target" ] && echo "$EPOCHREALTIME" > "$WORK/file.t.tmp" &&
             mv "$WORK/file.t.tmp" "$WORK/file.t"
         fi
       done > "$WORK/b.log") &
BOB_PID=$!; PIDS+=($BOB_PID)
"$BUILD/duet" --cli --json --relay "$ADDR" --room bench --name alice --home "$WORK/alice" \
  --wait 120 < "$WORK/a.in" > "$WORK/a.log" 2>&1 &
ALICE_PID=$!; PIDS+=($ALICE_PID)
exec 3>"$WORK/a.in" 4>"$WORK/b.in"
SAVED=0  # `file` and `folder` events so far

# One transfer: `/file $1`, $2 files (a folder counts one); appends the wall time to DUET_S and the CPU seconds of
# each process to CPU_A, CPU_R, CPU_B. False if it did not finish within 10 minutes.
duet_send() {
  SAVED=$((SAVED + $2))
  echo "$SAVED" > "$WORK/target"
  rm -f "$WORK/file.t"
  local c0=("$(cpu $ALICE_PID)" "$(cpu $RELAY_PID)" "$(cpu $BOB_PID)")
  local t0; t0=$(now)
  echo "/file $1" >&3
  local deadline=$(( $(date +%s) + 600 ))
  until [ -f "$WORK/file.t" ] || [ "$(date +%s)" -ge "$deadline" ]; do sleep 0.2; done
  [ -f "$WORK/file.t" ] || return 1
  DUET_S+=("$(calc "$(cat "$WORK/file.t") - $t0")")
  CPU_A+=("$(calc "$(cpu $ALICE_PID) - ${c0[0]}")")
  CPU_R+=("$(calc "$(cpu $RELAY_PID) - ${c0[1]}")")
  CPU_B+=("$(calc "$(cpu $BOB_PID) - ${c0[2]}")")
}

DUET_S=(); CPU_A=(); CPU_R=(); CPU_B=()
DIR_S=(); DIR_CPU_A=(); DIR_CPU_R=(); DIR_CPU_B=()
GIB=$(calc "$BYTES / 1073741824")
if wait_for "$WORK/a.log" '"event":"secure"' 60 && wait_for "$WORK/b.log" '"event":"secure"' 60; then
  for run in $(seq "$RUNS"); do
    duet_send "$WORK/payload.bin" 1 || break
    GOT=$(sha256sum "$WORK/dl/payload.bin" | cut -d' ' -f1)
    [ "$GOT" = "$SUM" ] || echo "bench: the received file differs!"
    rm -f "$WORK/dl/payload.bin"  # the folder stays: bob holds it open
  done
  # The folder rows, from the same two peers: the arrays are kept apart.
  F_S=("${DUET_S[@]}"); F_A=("${CPU_A[@]}"); F_R=("${CPU_R[@]}"); F_B=("${CPU_B[@]}")
  DUET_S=(); CPU_A=(); CPU_R=(); CPU_B=()
  for run in $(seq "$RUNS"); do
    duet_send "$WORK/folder" 1 || break
    [ "$(ls "$WORK/dl/folder" | wc -l)" -eq "$NFILES" ] || echo "bench: files are missing from the folder!"
    find "$WORK/dl" -mindepth 1 -delete
  done
  DIR_S=("${DUET_S[@]}"); DIR_CPU_A=("${CPU_A[@]}"); DIR_CPU_R=("${CPU_R[@]}")
  DIR_CPU_B=("${CPU_B[@]}")
  DUET_S=("${F_S[@]}"); CPU_A=(); CPU_R=(); CPU_B=()
  for c in "${F_A[@]}"; do CPU_A+=("$(calc "$c / $GIB")"); done
  for c in "${F_R[@]}"; do CPU_R+=("$(calc "$c / $GIB")"); done
  for c in "${F_B[@]}"; do CPU_B+=("$(calc "$c / $GIB")"); done
fi
exec 3>&- 4>&-
rm -rf "$WORK/dl"

# --- magic-wormhole through its own mailbox server and transit relay -----------------------
WH_S=(); WH_DIR_S=()
WH_NOTE=""
# Debian's python, whatever python3 comes first on PATH (the servers are Debian packages).
PY=/usr/bin/python3
if command -v wormhole >/dev/null && [ -x $PY ] &&
   $PY -c 'import twisted, wormhole_mailbox_server, wormhole_transit_relay' 2>/dev/null; then
  MP=$(free_port); TP=$(free_port)
  (cd "$WORK" && exec $PY -m twisted wormhole-mailbox --port "tcp:$MP:interface=127.0.0.1" > mailbox.log 2>&1) &
  PIDS+=($!)
  (cd "$WORK" && exec $PY -m twisted transitrelay --port "tcp:$TP:interface=127.0.0.1" > transit.log 2>&1) &
  PIDS+=($!)
  sleep 2
  WH=(wormhole --relay-url "ws://127.0.0.1:$MP/v1" --transit-helper "tcp:127.0.0.1:$TP")
  for run in $(seq "$RUNS"); do
    rm -rf "$WORK/wh"; mkdir -p "$WORK/wh"
    t0=$(now)
    # --no-listen on both sides: no direct connection, every byte goes through the transit relay.
    "${WH[@]}" send --no-listen --hide-progress --code "$run-duet-bench" "$WORK/payload.bin" \
      > "$WORK/wh-send.log" 2>&1 &
    SEND=$!; PIDS+=($SEND)
    (cd "$WORK/wh" && "${WH[@]}" receive --no-listen --hide-progress --accept-file \
      -o "$WORK/wh/payload.bin" "$run-duet-bench" > "$WORK/wh-recv.log" 2>&1)
    RC=$?
    if [ $RC -eq 0 ] && [ -f "$WORK/wh/payload.bin" ]; then
      WH_S+=("$(calc "$(now) - $t0")")
      [ "$(sha256sum "$WORK/wh/payload.bin" | cut -d' ' -f1)" = "$SUM" ] || WH_NOTE="(file differs!)"
    else
      WH_NOTE="failed: $(tail -1 "$WORK/wh-recv.log")"
    fi
    wait $SEND 2>/dev/null
  done
  rm -rf "$WORK/wh"
  # The folder: wormhole zips it, sends the zip and unzips it.
  for run in $(seq "$RUNS"); do
    rm -rf "$WORK/whd"; mkdir -p "$WORK/whd"
    t0=$(now)
    "${WH[@]}" send --no-listen --hide-progress --code "$run-duet-dir" "$WORK/folder" \
      > "$WORK/wh-send.log" 2>&1 &
    SEND=$!; PIDS+=($SEND)
    (cd "$WORK/whd" && "${WH[@]}" receive --no-listen --hide-progress --accept-file \
      -o "$WORK/whd/folder" "$run-duet-dir" > "$WORK/wh-recv.log" 2>&1)
    if [ $? -eq 0 ] && [ "$(ls "$WORK/whd/folder" 2>/dev/null | wc -l)" -eq "$NFILES" ]; then
      WH_DIR_S+=("$(calc "$(now) - $t0")")
    fi
    wait $SEND 2>/dev/null
  done
  rm -rf "$WORK/whd"
else
  WH_NOTE="not installed (apt-get install magic-wormhole python3-magic-wormhole-mailbox-server magic-wormhole-transit-relay)"
fi

echo
printf '  %-44s %19s %11s\n' "path" "wall: median (range)" "throughput"
if [ ${#DUET_S[@]} -gt 0 ]; then
  row "duet --cli -> duet-relay -> duet --cli" "${DUET_S[@]}"
  read -r ca _ <<< "$(median "${CPU_A[@]}")"; read -r cr _ <<< "$(median "${CPU_R[@]}")"
  read -r cb _ <<< "$(median "${CPU_B[@]}")"
  printf '    CPU seconds per GiB (median): sender %.2f, relay %.2f, receiver %.2f\n' "$ca" "$cr" "$cb"
else
  echo "  duet: the transfer did not finish"
fi
if [ ${#WH_S[@]} -gt 0 ]; then
  row "magic-wormhole via its transit relay $WH_NOTE" "${WH_S[@]}"
else
  echo "  magic-wormhole: $WH_NOTE"
fi
if [ ${#SOCAT_S[@]} -gt 0 ]; then
  row "plain bytes via socat -b 262144 (no crypto)" "${SOCAT_S[@]}"
else
  echo "  socat: not installed"
fi
[ -n "$HASH_S" ] && printf '  %-44s %7.2f s  (each duet peer does this once, while bytes move)\n' \
  "SHA-256 of the file on one core (openssl)" "$HASH_S"
if [ ${#DUET_S[@]} -gt 0 ]; then
  read -r dm _ <<< "$(median "${DUET_S[@]}")"
  if [ ${#WH_S[@]} -gt 0 ]; then
    read -r wm _ <<< "$(median "${WH_S[@]}")"
    printf '  duet / magic-wormhole: %.1fx (medians; target >= 6x)\n' "$(calc "$wm / $dm")"
  fi
  if [ ${#SOCAT_S[@]} -gt 0 ]; then
    read -r sm _ <<< "$(median "${SOCAT_S[@]}")"
    printf '  duet / socat:          %.2fx (medians; target >= 0.6x)\n' "$(calc "$sm / $dm")"
  fi
fi

echo
echo "many small files: a folder of $NFILES files of 4 KiB ($FOLDER_MB MB), $RUNS runs each"
printf '  %-44s %19s %11s\n' "path" "wall: median (range)" "files/s"
if [ ${#DIR_S[@]} -gt 0 ]; then
  row_files "duet --cli -> duet-relay -> duet --cli" "${DIR_S[@]}"
  read -r ca _ <<< "$(median "${DIR_CPU_A[@]}")"; read -r cr _ <<< "$(median "${DIR_CPU_R[@]}")"
  read -r cb _ <<< "$(median "${DIR_CPU_B[@]}")"
  printf '    CPU seconds (median): sender %.2f, relay %.2f, receiver %.2f\n' "$ca" "$cr" "$cb"
else
  echo "  duet: the folder did not arrive"
fi
if [ ${#WH_DIR_S[@]} -gt 0 ]; then
  row_files "magic-wormhole (zips the folder)" "${WH_DIR_S[@]}"
else
  echo "  magic-wormhole: $WH_NOTE"
fi
[ ${#TAR_S[@]} -gt 0 ] && row_files "tar | socat -b 262144 | tar (no crypto)" "${TAR_S[@]}"
if [ ${#DIR_S[@]} -gt 0 ] && [ ${#WH_DIR_S[@]} -gt 0 ]; then
  read -r dm _ <<< "$(median "${DIR_S[@]}")"; read -r wm _ <<< "$(median "${WH_DIR_S[@]}")"
  printf '  duet / magic-wormhole: %.1fx (medians; target >= 3x)\n' "$(calc "$wm / $dm")"
fi
