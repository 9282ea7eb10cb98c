#!/usr/bin/env bash
# Debian/Ubuntu packages HipTimer needs beside its Python packages.
#   (no option)  what the app needs to run: Qt's X11 platform plugin libraries, QtMultimedia's
#                PulseAudio client, playsound3's GStreamer player (the fallback sound path),
#                a speech engine for the spoken guidance, and python3-venv for tools/install.sh.
#   --test       also what the tests need: Xvfb, openbox, xdotool, ImageMagick, a PulseAudio
#                server to record from, and the desktop-file and AppStream validators. (The PulseAudio
#                server is test-only on purpose: on Ubuntu 24.04 it would replace the desktop's
#                PipeWire sound server.)
#   --print      print the package names and install nothing.
# Uses sudo when not run as root; does nothing (no apt-get update) when all are installed.
set -euo pipefail
RUNTIME=(
  # Qt on the offscreen platform and in an X11 window
  fonts-dejavu-core
  libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
  libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 libxcb-render-util0
  libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-xfixes0 libxcb-sync1 libxcb-xkb1
  # QtMultimedia's sound output (the desktop's PulseAudio or PipeWire server)
  libpulse0
  # playsound3's own player on Linux (the fallback audio path), with PulseAudio output
  gstreamer1.0-tools gstreamer1.0-plugins-base-apps gstreamer1.0-plugins-good
  gstreamer1.0-pulseaudio
  # spoken guidance: QtTextToSpeech's speechd plugin talks to speech-dispatcher,
  # which speaks with espeak-ng through its espeak-ng output module
  speech-dispatcher espeak-ng speech-dispatcher-espeak-ng
  # tools/install.sh makes a virtual environment with the system Python
  python3-venv
)
TEST=(
  xvfb xauth xdotool imagemagick
  # a window manager on each screen of the two-screen studio test (tests/e2e/test_xvfb_studio.py)
  openbox
  pulseaudio pulseaudio-utils
  desktop-file-utils appstream
)
PACKAGES=("${RUNTIME[@]}")
PRINT=0
# A desktop whose sound server is PipeWire's PulseAudio (Ubuntu 24.04) keeps it: installing
# pulseaudio would remove pipewire-pulse. The real-sound tests then skip and say why.
if dpkg-query -W -f='${db:Status-Abbrev}' pipewire-pulse 2>/dev/null | grep -q '^ii'; then
  kept=()
  for pkg in "${TEST[@]}"; do [ "$pkg" = pulseaudio ] || kept+=("$pkg"); done
  TEST=("${kept[@]}")
fi
for arg in "$@"; do
  case "$arg" in
    --test) PACKAGES+=("${TEST[@]}") ;;
    --print) PRINT=1 ;;
    *) echo "usage: tools/install-system-packages.sh [--test] [--print]" >&2; exit 2 ;;
  esac
done
if [ "$PRINT" -eq 1 ] || ! command -v apt-get >/dev/null; then
  echo "${PACKAGES[*]}"
  exit 0
fi
installed=$(dpkg-query -W -f='${db:Status-Abbrev}\n' "${PACKAGES[@]}" 2>/dev/null | grep -c '^ii' || true)
if [ "$installed" -eq "${#PACKAGES[@]}" ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null; then
    echo "tools/install-system-packages.sh: needs root or sudo to install: ${PACKAGES[*]}" >&2
    exit 1
  fi
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
