#!/usr/bin/env bash
# Debian/Ubuntu system libraries HipTimer needs beside its Python packages:
# Qt's X11/offscreen platform plugins, QtMultimedia's PulseAudio client, and
# for the tests Xvfb, xdotool, ImageMagick and a PulseAudio server.
# Usage: tools/install-system-packages.sh [--print]
set -euo pipefail
PACKAGES=(
  # Qt on the offscreen platform and in a real X window (Xvfb)
  xvfb xauth xdotool imagemagick fonts-dejavu-core
  libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
  libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 libxcb-render-util0
  libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-xfixes0 libxcb-sync1 libxcb-xkb1
  # QtMultimedia's sound output, and the sound server the audio tests record from
  libpulse0 pulseaudio pulseaudio-utils
  # playsound3's own player on Linux (the fallback audio path), with PulseAudio output
  gstreamer1.0-tools gstreamer1.0-plugins-base-apps gstreamer1.0-plugins-good
  gstreamer1.0-pulseaudio
)
if [ "${1:-}" = "--print" ] || ! command -v apt-get >/dev/null; then
  echo "${PACKAGES[*]}"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
