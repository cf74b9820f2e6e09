#!/bin/bash
# make bench, file row: one 1 GiB file from one `duet --cli` to another through duet-relay on
# this machine, beside magic-wormhole (its own mailbox server and transit relay on 127.0.0.1)
# and a plain socat forwarder moving the same bytes, all in the same run. Prints figures; never
# passes or fails on time.
#
#   bench/file_bench.sh BUILD_DIR [SIZE_MIB]
#
# Duet's wall time runs from typing `/file` (so it includes hashing the file) to the receiver's
# `file` event (written, SHA-256 checked, renamed). Wormhole's runs from starting `wormhole send`
# to the receiver's exit; socat's from the first byte sent to the sink's exit.
set -u
BUILD=${1:-build}
MIB=${2:-1024}
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
row() { printf '  %-44s %8.2f s %9.0f MB/s\n' "$1" "$2" "$(calc "$BYTES / $2 / 1000000")"; }

echo "file transfer: ${MIB} MiB of random data, this machine ($(nproc) cores), one run"
head -c "$BYTES" /dev/urandom > "$WORK/payload.bin"
SUM=$(sha256sum "$WORK/payload.bin" | cut -d' ' -f1)

# --- where the time must go: SHA-256 of the whole file on one core -------------------------
# Duet hashes the file twice (the sender before the offer, the receiver before the rename), and
# the sender's hash is done before a byte moves: a floor no relay or cipher choice removes.
HASH_S=""
if command -v openssl >/dev/null; then
  t0=$(now)
  openssl dgst -sha256 "$WORK/payload.bin" > /dev/null && HASH_S=$(calc "$(now) - $t0")
fi

# --- socat: the bytes through a plain forwarder (the ceiling for any relay) ----------------
SOCAT_S=""
if command -v socat >/dev/null; then
  P1=$(free_port); P2=$(free_port)
  socat -b 262144 -u TCP-LISTEN:$P2,bind=127.0.0.1,reuseaddr OPEN:/dev/null &
  SINK=$!; PIDS+=($SINK)
  socat -b 262144 TCP-LISTEN:$P1,bind=127.0.0.1,reuseaddr TCP:127.0.0.1:$P2 &
  PIDS+=($!)
  sleep 0.3
  t0=$(now)
  socat -b 262144 -u OPEN:"$WORK/payload.bin" TCP:127.0.0.1:$P1
  wait $SINK
  SOCAT_S=$(calc "$(now) - $t0")
fi

# --- duet: duet --cli -> duet-relay -> duet --cli ------------------------------------------
"$BUILD/duet-relay" --listen 127.0.0.1:0 > "$WORK/relay.log" 2>&1 &
RELAY_PID=$!; PIDS+=($RELAY_PID)
wait_for "$WORK/relay.log" "listening on" 10 || { echo "bench: duet-relay did not start"; exit 1; }
ADDR=$(head -1 "$WORK/relay.log" | sed 's/listening on //')
mkfifo "$WORK/a.in" "$WORK/b.in"
# The receiver's output goes through a read loop, which notes the moment the `file` event appears: the
# clock stops there, without polling the log (a poller would take CPU from the transfer).
"$BUILD/duet" --cli --json --relay "$ADDR" --room bench --name bob --home "$WORK/bob" \
  --accept-files "$WORK/dl" --wait 120 < "$WORK/b.in" 2>&1 \
  > >(while IFS= read -r line; do
         printf '%s\n' "$line"
         if [[ $line == *'"event":"file"'* ]]; then
           date +%s.%N > "$WORK/file.t.tmp" && mv "$WORK/file.t.tmp" "$WORK/file.t"
         fi
       done > "$WORK/b.log") &
BOB_PID=$!; PIDS+=($BOB_PID)
"$BUILD/duet" --cli --json --relay "$ADDR" --room bench --name alice --home "$WORK/alice" \
  --wait 120 < "$WORK/a.in" > "$WORK/a.log" 2>&1 &
ALICE_PID=$!; PIDS+=($ALICE_PID)
exec 3>"$WORK/a.in" 4>"$WORK/b.in"
DUET_S=""
DUET_CPU=""
if wait_for "$WORK/a.log" '"event":"secure"' 60 && wait_for "$WORK/b.log" '"event":"secure"' 60; then
  c0=("$(cpu $ALICE_PID)" "$(cpu $RELAY_PID)" "$(cpu $BOB_PID)")
  t0=$(now)
  echo "/file $WORK/payload.bin" >&3
  deadline=$(( $(date +%s) + 600 ))
  until [ -f "$WORK/file.t" ] || [ "$(date +%s)" -ge "$deadline" ]; do sleep 0.2; done
  if [ -f "$WORK/file.t" ]; then
    DUET_S=$(calc "$(cat "$WORK/file.t") - $t0")
    # Where the time went: CPU seconds of each process during the transfer.
    DUET_CPU=$(printf 'sender %.2f s, relay %.2f s, receiver %.2f s of CPU' \
      "$(calc "$(cpu $ALICE_PID) - ${c0[0]}")" "$(calc "$(cpu $RELAY_PID) - ${c0[1]}")" \
      "$(calc "$(cpu $BOB_PID) - ${c0[2]}")")
    GOT=$(sha256sum "$WORK/dl/payload.bin" | cut -d' ' -f1)
    [ "$GOT" = "$SUM" ] || echo "bench: the received file differs!"
  fi
fi
exec 3>&- 4>&-
rm -rf "$WORK/dl"

# --- magic-wormhole through its own mailbox server and transit relay -----------------------
WH_S=""
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
  mkdir -p "$WORK/wh"
  t0=$(now)
  # --no-listen on both sides: no direct connection, every byte goes through the transit relay.
  "${WH[@]}" send --no-listen --hide-progress --code 7-duet-bench "$WORK/payload.bin" \
    > "$WORK/wh-send.log" 2>&1 &
  SEND=$!; PIDS+=($SEND)
  (cd "$WORK/wh" && "${WH[@]}" receive --no-listen --hide-progress --accept-file \
    -o "$WORK/wh/payload.bin" 7-duet-bench > "$WORK/wh-recv.log" 2>&1)
  RC=$?
  if [ $RC -eq 0 ] && [ -f "$WORK/wh/payload.bin" ]; then
    WH_S=$(calc "$(now) - $t0")
    [ "$(sha256sum "$WORK/wh/payload.bin" | cut -d' ' -f1)" = "$SUM" ] || WH_NOTE="(file differs!)"
  else
    WH_NOTE="failed: $(tail -1 "$WORK/wh-recv.log")"
  fi
  wait $SEND 2>/dev/null
else
  WH_NOTE="not installed (apt-get install magic-wormhole python3-magic-wormhole-mailbox-server magic-wormhole-transit-relay)"
fi

echo
printf '  %-44s %10s %14s\n' "path" "wall" "throughput"
if [ -n "$DUET_S" ]; then
  row "duet --cli -> duet-relay -> duet --cli" "$DUET_S"
  echo "    ($DUET_CPU; the sender's includes hashing the file before the offer)"
else
  echo "  duet: the transfer did not finish"
fi
[ -n "$WH_S" ] && row "magic-wormhole via its transit relay $WH_NOTE" "$WH_S" || echo "  magic-wormhole: $WH_NOTE"
[ -n "$SOCAT_S" ] && row "plain bytes via socat -b 262144 (no crypto)" "$SOCAT_S" || echo "  socat: not installed"
[ -n "$HASH_S" ] && printf '  %-44s %8.2f s  (duet does this twice, once before any byte moves)\n' \
  "SHA-256 of the file on one core (openssl)" "$HASH_S"
if [ -n "$DUET_S" ] && [ -n "$WH_S" ]; then
  printf '  duet / magic-wormhole: %.1fx (target >= 6x)\n' "$(calc "$WH_S / $DUET_S")"
fi
if [ -n "$DUET_S" ] && [ -n "$SOCAT_S" ]; then
  printf '  duet / socat:          %.2fx (target >= 0.6x)\n' "$(calc "$SOCAT_S / $DUET_S")"
fi
