"""The app in a real X window (Xvfb): found by its title, it answers keys."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

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
    r, w = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(w), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(w,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(w)
    with os.fdopen(r) as f:
        number = f.readline().strip()
    if not number:
        proc.kill()
        pytest.skip("Xvfb did not start")
    try:
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _xdotool(display: str, *args: str, timeout: float = 15) -> str:
    r = subprocess.run(
        ["xdotool", *args],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return r.stdout.strip()


def _find(display: str, pattern: str, deadline_s: float = 20) -> str:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        ids = _xdotool(display, "search", "--onlyvisible", "--name", pattern).split()
        if ids:
            return ids[-1]
        time.sleep(0.2)
    return ""


def test_real_window_answers_keys(display: str, tmp_path: Path) -> None:
    routine = tmp_path / "tiny.yaml"
    routine.write_text(TINY, encoding="utf-8")
    env = dict(os.environ)
    env.update(
        DISPLAY=display,
        QT_QPA_PLATFORM="xcb",
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "hiptimer", str(routine),
            "--db", str(tmp_path / "log.sqlite3"), "--audio-backend", "none",
        ],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        win = _find(display, "^HipTimer")
        assert win, "no window named HipTimer appeared"
        assert _xdotool(display, "getwindowname", win) == "HipTimer — Xvfb test routine"
        _xdotool(display, "windowfocus", "--sync", win)
        # H opens the history window: a second top-level window appears
        _xdotool(display, "key", "--clearmodifiers", "h")
        assert _find(display, "^HipTimer — History$"), "H did not open the history window"
        _xdotool(display, "windowfocus", "--sync", win)
        # Ctrl+Q quits cleanly
        _xdotool(display, "key", "--clearmodifiers", "ctrl+q")
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        out, err = proc.communicate(timeout=10)
    assert "Traceback" not in err
