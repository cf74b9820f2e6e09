#!/usr/bin/env bash
# Installs the Debian packages Duet needs to build, test and run: only what is missing, with
# sudo when not root. Does nothing (and needs no network) when everything is there.
set -euo pipefail

packages=(
  build-essential pkg-config g++ clang libclang-rt-dev
  libssl-dev libfltk1.3-dev libgtest-dev libgmock-dev
  libasio-dev libcli11-dev nlohmann-json3-dev
  libicu-dev                               # name normalisation and confusables (UTS #39)
  libsodium-dev                            # the code's PAKE: CPace over ristretto255
  libedit-dev                              # line editing and word completion for --join
  xvfb xauth xdotool socat procps psmisc
  fonts-dejavu-core fonts-symbola          # the desktop app's text and emoji faces
  imagemagick xterm x11-utils              # make screenshots (import, the relay console, xwininfo)
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "deps: installing ${missing[*]}"
sudo=()
if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
