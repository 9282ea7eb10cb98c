#!/usr/bin/env bash
# Run HipTimer's tests (README's test command). Arguments go to pytest.
#   1. the Debian/Ubuntu packages the tests need (tools/install-system-packages.sh --test;
#      nothing happens when they are all installed),
#   2. a Python with the test extras: the current python3 when it has them already (CI, a
#      developer's own venv), else .venv in this checkout, made with the system Python
#      (pip never installs into the system Python: PEP 668), with `pip install -e '.[test]'`,
#   3. python -m pytest.
# The real-sound tests need a PulseAudio server (`eval "$(.ci/pulse.sh start)"` first);
# without one they are skipped and say why.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-system-packages.sh --test
PY="${PYTHON:-python3}"
NEEDS='import pytest, pytestqt, hypothesis, jsonschema, PySide6.QtMultimedia, yaml, platformdirs, playsound3'
if ! "$PY" -c "$NEEDS" 2>/dev/null; then
  if ! .venv/bin/python -c "$NEEDS" 2>/dev/null; then
    [ -x .venv/bin/python ] || "$PY" -m venv .venv
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
  fi
  PY=.venv/bin/python
fi
exec "$PY" -m pytest "$@"
