"""The app in a real X window (Xvfb): found by its title, it answers keys."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.xhelpers import end_app, start_app, start_xvfb, xdotool

pytestmark = pytest.mark.xvfb

TINY = """\
name: Xvfb test routine
defaults: {prep: 3}
exercises:
  - name: Hold
    hold: 30s
"""


@pytest.fixture
def display() -> Iterator[str]:
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed")
    if shutil.which("xdotool") is None:
        pytest.skip("xdotool is not installed")
    proc, number = start_xvfb("-screen", "0", "1280x800x24", "-nolisten", "tcp")
    try:
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _find(display: str, pattern: str, deadline_s: float = 20) -> str:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        ids = xdotool(display, "search", "--onlyvisible", "--name", pattern).split()
        if ids:
            return ids[-1]
        time.sleep(0.2)
    return ""


def test_real_window_answers_keys(display: str, tmp_path: Path) -> None:
    routine = tmp_path / "tiny.yaml"
    routine.write_text(TINY, encoding="utf-8")
    proc = start_app(routine, display, tmp_path)
    try:
        win = _find(display, "^HipTimer")
        assert win, "no window named HipTimer appeared"
        assert xdotool(display, "getwindowname", win) == "HipTimer — Xvfb test routine"
        xdotool(display, "windowfocus", "--sync", win)
        # H opens the history window: a second top-level window appears
        xdotool(display, "key", "--clearmodifiers", "h")
        assert _find(display, "^HipTimer — History$"), "H did not open the history window"
        xdotool(display, "windowfocus", "--sync", win)
        # Ctrl+Q quits cleanly
        xdotool(display, "key", "--clearmodifiers", "ctrl+q")
        assert proc.wait(timeout=20) == 0
    finally:
        err = end_app(proc)
    assert "Traceback" not in err
