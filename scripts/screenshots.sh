#!/usr/bin/env bash
# `make screenshots`: runs the desktop app under Xvfb through its real flows (two instances
# through a real duet-relay, driven with real X events by xdotool) and writes PNGs to
# screenshots/: the first-run setup, the connect screen, a conversation with a verified peer, the
# verify dialog, a file transfer under way, an image received with its preview, the key-change
# warning, a code being typed with its words completed, the verify dialog of a session the code
# checked, and the relay's console (only ciphertext).
#
# Needs Xvfb, xdotool, ImageMagick (import, convert) and xterm (scripts/deps.sh installs them).
set -euo pipefail
BUILD=${BUILD:-build}
OUT=${OUT:-screenshots}

if [[ "${1:-}" != --inner ]]; then
  # Our own X server, so the shots never depend on the desktop they are made on.
  exec xvfb-run -a -s "-screen 0 1600x1000x24 -nolisten tcp" "$0" --inner
fi

RELAY="$BUILD/duet-relay"
DUET="$BUILD/duet"
mkdir -p "$OUT"
work=$(mktemp -d "${TMPDIR:-/tmp}/duet-shots.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Waits (at most $3 s, default 30) until the app whose output is $1 shows a state containing $2.
wait_state() {
  local deadline=$((SECONDS + ${3:-30}))
  until grep '^STATE ' "$1" 2>/dev/null | tail -n 1 | grep -qF -- "$2"; do
    if ((SECONDS >= deadline)); then
      echo "screenshots: timed out waiting for $2 in $(basename "$1")" >&2
      grep '^STATE ' "$1" | tail -n 1 >&2 || true
      exit 1
    fi
    sleep 0.1
  done
}
# The same with an extended regular expression.
wait_regex() {
  local deadline=$((SECONDS + ${3:-30}))
  until grep '^STATE ' "$1" 2>/dev/null | tail -n 1 | grep -qE -- "$2"; do
    if ((SECONDS >= deadline)); then
      echo "screenshots: timed out waiting for $2 in $(basename "$1")" >&2
      exit 1
    fi
    sleep 0.05
  done
}
# The X id of an app's main window (or its dialog, with dialog_xid).
xid() { grep '^STATE ' "$1" | tail -n 1 | grep -o "\"${2:-xid}\":[0-9]*" | cut -d: -f2; }
key() { xdotool windowfocus --sync "$(xid "$1")" key "$2"; }
type_line() {
  # (slowly: xdotool maps each emoji to a spare key and back, and must not outrun the app)
  xdotool windowfocus --sync "$(xid "$1")" type --delay 40 "$2"
  xdotool key Return
}
# Clicks the centre of widget $2 (from the state dump) in window $3 (xid or dialog_xid).
click() {
  local box
  box=$(grep '^STATE ' "$1" | tail -n 1 | grep -o "\"$2\":\[[0-9,]*\]" | grep -o '[0-9,]*\]' | tr -d ']')
  IFS=, read -r x y w h <<<"$box"
  local win
  win=$(xid "$1" "${3:-xid}")
  xdotool windowraise "$win" mousemove --window "$win" $((x + w / 2)) $((y + h / 2)) click 1
}
# Saves window $1 (an X id) as $2, or with $3 the screen area of window $1 including what lies
# over it (a dialog).
shot() {
  sleep 0.3  # the last repaint reaches the X server
  if [[ -n "${3:-}" ]]; then
    local geo
    geo=$(xwininfo -id "$1" | awk '/Absolute upper-left X/{x=$4} /Absolute upper-left Y/{y=$4}
      /Width:/{w=$2} /Height:/{h=$2} END{printf "%dx%d+%d+%d", w, h, x, y}')
    import -window root -crop "$geo" +repage "$2"
  else
    import -window "$1" "$2"
  fi
  echo "screenshots: wrote $2"
}
start_app() {  # [ROOM=...] start_app NAME HOME POSITION [FLAGS...]
  local name=$1 home=$2 pos=$3
  shift 3
  DUET_TEST_STATE=1 "$DUET" --home "$home" --relay "$addr" --room "${ROOM:-lunch-table-7}" --name "$name" \
    --position "$pos" "$@" >"$work/$name.out" 2>&1 &
  pids+=($!)
}

"$RELAY" --listen 127.0.0.1:0 --stats-interval 0 >"$work/relay.log" 2>&1 &
relay_pid=$!
pids+=($!)
# What the Attach button sends (instead of asking with the file chooser) and where files go.
truncate -s 1500M "$work/holiday-video.mkv"
convert -size 480x300 gradient:'#FDE68A-#F97316' -fill '#FEF3C7' -draw 'circle 330,130 330,168' \
  -fill '#7C2D12' -draw 'polygon 0,300 0,200 90,140 170,210 260,120 380,220 480,160 480,300' \
  -fill '#134E4A' -draw 'polygon 0,300 0,250 120,220 240,258 360,226 480,254 480,300' \
  -quality 90 "$work/sunset.jpg"
export DUET_TEST_ATTACH="$work/holiday-video.mkv" DUET_DOWNLOADS="$work/alice-downloads"
until grep -q '^listening on ' "$work/relay.log" 2>/dev/null; do sleep 0.1; done
addr=$(sed -n 's/^listening on //p' "$work/relay.log" | head -n 1)

# 1. First run (setup) and the connect screen, as alice sees them.
start_app Alice "$work/alice" 20,20
A="$work/Alice.out"
wait_state "$A" '"key":"ready","peer":"","sas":"","screen":"setup"'
shot "$(xid "$A")" "$OUT/setup.png"
key "$A" Return
wait_state "$A" '"screen":"connect"'
shot "$(xid "$A")" "$OUT/connect.png"
key "$A" Return
DUET_TEST_ATTACH="$work/sunset.jpg" DUET_DOWNLOADS="$work/bob-downloads" \
  start_app Bob "$work/bob" 800,20 --connect
B="$work/Bob.out"
wait_state "$A" '"peer":"Bob"'
wait_state "$B" '"peer":"Alice"'

# 2. A conversation, then both verify.
type_line "$A" "Hi Bob! Lunch at the usual place? 🍜"
wait_state "$B" 'usual place'
type_line "$B" "Yes 👍 12:30. Let me check the codes first."
key "$A" ctrl+k
wait_state "$A" '"dialog":"verify"'
shot "$(xid "$A")" "$OUT/verify.png" over
click "$A" match dialog_xid
wait_state "$A" '"trust":"verified"'
key "$B" ctrl+k
wait_state "$B" '"dialog":"verify"'
click "$B" match dialog_xid
wait_state "$B" '"trust":"verified"'
type_line "$B" "Codes match: 🔒 verified on my side."
wait_state "$A" 'verified on my side'
type_line "$A" "Same here ✅ See you at 12:30!"
wait_state "$B" 'See you at'
wait_state "$A" '"delivered":true,"text":"Same here'
shot "$(xid "$A")" "$OUT/chat.png"

# 3. Files: Alice sends a big video, Bob accepts; the relay is paused for a moment mid-way so the
# picture shows the bar part-way (and the rate and time left it had). Then Bob sends a photo.
click "$A" attach
wait_state "$B" '"file0_accept"' 60
click "$B" file0_accept
wait_regex "$B" '"progress":0\.[45]' 60
kill -STOP "$relay_pid"
shot "$(xid "$B")" "$OUT/transfer.png"
kill -CONT "$relay_pid"
wait_regex "$B" '"state":"done"' 120
click "$B" attach
wait_state "$A" '"file1_accept"' 60
click "$A" file1_accept
wait_regex "$A" '"name":"sunset.jpg","path":"[^"]*","preview":true'
type_line "$A" "What a view 😍"
wait_state "$A" '"delivered":true,"text":"What a view'
shot "$(xid "$A")" "$OUT/image-preview.png"

# 4. Bob comes back with a new key (a new install): Alice is warned and cannot send.
key "$B" ctrl+q
wait_state "$A" '"conn":"peer left"'
start_app Bob "$work/bob-new" 800,20 --connect
wait_state "$A" '"banner":"key_changed"'
shot "$(xid "$A")" "$OUT/key-change.png"

key "$A" ctrl+q
key "$B" ctrl+q

# 5. A code typed with its words completed, then a session the code checked: no digits to compare.
start_app Carol "$work/carol" 20,20
C="$work/Carol.out"
wait_state "$C" '"key":"ready"' 60
key "$C" Return
wait_state "$C" '"screen":"connect"'
click "$C" code
xdotool key End key --repeat 20 BackSpace type --delay 40 "7301-acorn-gra"
wait_state "$C" '"completions":["grab","grain","grant","grape","graph","grasp"]'
shot "$(xid "$C")" "$OUT/code-completion.png"
xdotool type --delay 40 "vy-petal"
wait_state "$C" '"completions":[]'
key "$C" Return
ROOM=7301-acorn-gravy-petal start_app Dave "$work/dave" 800,20 --connect
D="$work/Dave.out"
wait_state "$C" '"code_checked":true' 60
wait_state "$D" '"code_checked":true' 60
key "$C" ctrl+k
wait_state "$C" '"dialog":"verify"'
shot "$(xid "$C")" "$OUT/checked-by-code.png" over
key "$D" ctrl+q
wait_state "$C" '"conn":"peer left"'
key "$C" ctrl+q

# 6. The relay's console, rendered in a terminal: sizes and ciphertext, no names, no text.
sleep 0.5
xterm -T relay-console -geometry 118x27+20+20 -fa 'DejaVu Sans Mono' -fs 10 -bg '#1e222a' \
  -fg '#d6dae2' -e sh -c "echo '\$ duet-relay --listen $addr'; grep -m 3 -E '^listening|  (join|pair) ' \
    '$work/relay.log'; echo '…'; tail -n 20 '$work/relay.log'; exec sleep 60" &
pids+=($!)
for _ in $(seq 100); do
  term=$(xdotool search --name '^relay-console$' 2>/dev/null | head -n 1 || true)
  [[ -n "$term" ]] && break
  sleep 0.1
done
[[ -n "$term" ]] || { echo "screenshots: the terminal did not open" >&2; exit 1; }
sleep 0.5
shot "$term" "$OUT/relay-console.png"
