#!/usr/bin/env bash
# Install HipTimer for the current user with the system's own Python:
#   1. the Debian/Ubuntu packages it needs (tools/install-system-packages.sh; sudo when not root),
#   2. a virtual environment of its own under the XDG data folder
#      (${XDG_DATA_HOME:-~/.local/share}/hiptimer-venv), so pip never touches the system
#      Python (PEP 668 forbids that on Debian 12 and Ubuntu 23.04+),
#   3. a `hiptimer` launcher in ~/.local/bin (/usr/local/bin for root), and
#   4. the desktop entry, icon and AppStream metadata (`hiptimer install-desktop`).
# Run it again to update. `tools/install.sh --uninstall` removes all four's user parts
# (your routines, settings and session log stay).
# Environment: PYTHON (default python3) picks the interpreter for the venv.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: tools/install.sh [--uninstall] [--no-system-packages] [--help]

Installs HipTimer and its system packages, and puts `hiptimer` on PATH.
  --uninstall            remove the virtual environment, the launcher and the desktop entry
                         (routines, settings and the session log are kept)
  --no-system-packages   skip the apt step (you installed the packages yourself)
  --help                 show this help
EOF
}

UNINSTALL=0
SYSTEM_PACKAGES=1
for arg in "$@"; do
  case "$arg" in
    --uninstall) UNINSTALL=1 ;;
    --no-system-packages) SYSTEM_PACKAGES=0 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "tools/install.sh: unknown option: $arg" >&2; usage >&2; exit 2 ;;
  esac
done

REPO="$(cd "$(dirname "$0")/.." && pwd)"
: "${HOME:?HOME is not set}"
DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}"
VENV="$DATA_HOME/hiptimer-venv"
if [ "$(id -u)" -eq 0 ]; then BIN=/usr/local/bin; else BIN="$HOME/.local/bin"; fi
LAUNCHER="$BIN/hiptimer"
PY="${PYTHON:-python3}"

say() { printf '%s\n' "$*"; }

if [ "$UNINSTALL" -eq 1 ]; then
  if [ -x "$VENV/bin/hiptimer" ]; then
    "$VENV/bin/hiptimer" install-desktop --uninstall || true
  fi
  if [ -L "$LAUNCHER" ] && [ "$(readlink "$LAUNCHER")" = "$VENV/bin/hiptimer" ]; then
    rm -f "$LAUNCHER"
    say "removed $LAUNCHER"
  fi
  if [ -d "$VENV" ]; then
    rm -rf "$VENV"
    say "removed $VENV"
  fi
  say "HipTimer is uninstalled (your routines, settings and session log are kept)."
  exit 0
fi

if [ "$SYSTEM_PACKAGES" -eq 1 ]; then
  say "== system packages (tools/install-system-packages.sh)"
  "$REPO/tools/install-system-packages.sh"
fi

if ! command -v "$PY" >/dev/null; then
  echo "tools/install.sh: $PY not found; install python3 (3.11 or newer)" >&2
  exit 1
fi
if ! "$PY" -c 'import sys; raise SystemExit(sys.version_info < (3, 11))'; then
  echo "tools/install.sh: HipTimer needs Python 3.11 or newer; $PY is $("$PY" -V 2>&1)" >&2
  exit 1
fi

say "== virtual environment: $VENV ($("$PY" -V 2>&1))"
# A venv whose interpreter went away (a system upgrade) is made anew.
if [ -d "$VENV" ] && ! "$VENV/bin/python" -c '' 2>/dev/null; then
  rm -rf "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
  mkdir -p "$DATA_HOME"
  "$PY" -m venv "$VENV"
fi
say "== HipTimer and its Python packages (pip, into the virtual environment)"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$REPO"

mkdir -p "$BIN"
if [ -e "$LAUNCHER" ] && ! [ -L "$LAUNCHER" ]; then
  say "replacing $LAUNCHER (it was not HipTimer's launcher)"
fi
ln -sfn "$VENV/bin/hiptimer" "$LAUNCHER"
say "== launcher: $LAUNCHER"

say "== desktop entry and icon"
"$VENV/bin/hiptimer" install-desktop || say "(the desktop entry was not installed; HipTimer still runs)"

say "HipTimer $("$VENV/bin/hiptimer" --version | awk '{print $2}') is installed: $(du -sh "$VENV" | cut -f1) in $VENV"
case ":$PATH:" in
  *":$BIN:"*) say "Start it with: hiptimer" ;;
  *)
    say "Note: $BIN is not on your PATH, so the shell will not find \`hiptimer\` yet."
    say "  Debian and Ubuntu add ~/.local/bin to PATH at login once it exists: log in again,"
    say "  or run:  export PATH=\"$BIN:\$PATH\"   (add that line to ~/.profile to keep it)"
    say "  Until then start it with: $LAUNCHER"
    ;;
esac
