"""The studio in a real X server with two screens and a window manager: a 1366×768
laptop (X screen 0) and a 1920×1080 projector (X screen 1), openbox on each. The
installed app runs with default settings; keys go through the X server (xdotool) to
whichever window has the focus, as a presentation clicker's keys do.

Xvfb's two X screens are what gives Qt two QScreens here: with ``+xinerama`` Qt sees
one screen, and Xvfb does not list RandR monitors added with ``xrandr --setmonitor``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.xhelpers import end_app, start_app, start_xvfb, xdotool

pytestmark = pytest.mark.xvfb

ROUTINE = """\
name: Xvfb studio routine
defaults: {prep: 3, rest: 3, switch: 3, countdown: 0}
exercises:
  - name: Pigeon pose
    hold: 60s
    sides: each
  - name: Bridge
    hold: 60s
"""


@pytest.fixture
def display() -> Iterator[str]:
    for tool in ("Xvfb", "xdotool", "import"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    xvfb, number = start_xvfb(
        "-nolisten", "tcp", "-screen", "0", "1366x768x24", "-screen", "1", "1920x1080x24"
    )
    procs = [xvfb]
    if shutil.which("openbox"):
        for screen in (0, 1):
            procs.append(
                subprocess.Popen(
                    ["openbox"],
                    env={**os.environ, "DISPLAY": f":{number}.{screen}"},
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
    try:
        yield f":{number}"
    finally:
        for p in reversed(procs):
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


def _windows(display: str, screen: int, name: str) -> list[str]:
    return xdotool(
        display, "search", "--screen", str(screen), "--onlyvisible", "--name", name
    ).split()


def _wait(what: str, predicate: object, deadline_s: float = 40) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _black(display: str, screen: int, tmp: Path) -> bool:
    shot = tmp / f"screen{screen}.png"
    subprocess.run(
        ["import", "-display", f"{display}.{screen}", "-window", "root", str(shot)],
        check=True, timeout=30,
    )  # fmt: skip
    out = subprocess.run(
        ["convert", str(shot), "-format", "%[fx:maxima]", "info:"],
        capture_output=True, text=True, check=True, timeout=30,
    )  # fmt: skip
    return float(out.stdout.strip() or "1") == 0.0


def test_two_screens_keys_run_the_whole_class(display: str, tmp_path: Path) -> None:
    routine = tmp_path / "studio.yaml"
    routine.write_text(ROUTINE, encoding="utf-8")
    proc = start_app(routine, display, tmp_path)
    try:
        _wait("the app's window", lambda: _windows(display, 0, "^HipTimer — Xvfb studio"))
        win = _windows(display, 0, "^HipTimer — Xvfb studio")[-1]
        # the default window, under the window manager's title bar, fits the laptop
        geo = dict(
            line.split("=", 1)
            for line in xdotool(display, "getwindowgeometry", "--shell", win).splitlines()
            if "=" in line
        )
        assert int(geo["Y"]) + int(geo["HEIGHT"]) <= 768, geo
        assert int(geo["X"]) + int(geo["WIDTH"]) <= 1366, geo
        xdotool(display, "windowfocus", "--sync", win)
        # the clicker's PageDown starts from the overview: the player goes to screen 1
        xdotool(display, "key", "--clearmodifiers", "Next")
        _wait("the projector on screen 1", lambda: _windows(display, 1, "^HipTimer — Projector$"))
        assert _windows(display, 0, "^HipTimer — Projector$") == []
        _wait("a picture on the projector", lambda: not _black(display, 1, tmp_path))
        assert not _black(display, 0, tmp_path)  # the presenter view, here
        # B blanks the class's screen whichever window has the focus; B again brings it back
        xdotool(display, "key", "--clearmodifiers", "b")
        _wait("a black projector", lambda: _black(display, 1, tmp_path))
        xdotool(display, "key", "--clearmodifiers", "b")
        _wait("the projector back", lambda: not _black(display, 1, tmp_path))
        # PageDown through the routine to the summary, then PageDown is Done
        for _ in range(12):
            if not _windows(display, 0, "^HipTimer — Summary$"):
                xdotool(display, "key", "--clearmodifiers", "Next")
                time.sleep(0.3)
        _wait("the summary", lambda: _windows(display, 0, "^HipTimer — Summary$"))
        xdotool(display, "key", "--clearmodifiers", "Next")
        _wait("the library", lambda: _windows(display, 0, "^HipTimer — Library$"))
        _wait("an empty projector", lambda: not _windows(display, 1, "HipTimer"))
        # Ctrl+Q at the library quits at once
        win = _windows(display, 0, "^HipTimer — Library$")[-1]
        xdotool(display, "windowfocus", "--sync", win)
        xdotool(display, "key", "--clearmodifiers", "ctrl+q")
        assert proc.wait(timeout=20) == 0
    finally:
        err = end_app(proc)
    assert "Traceback" not in err, err


def test_two_screens_esc_twice_ends_the_session(display: str, tmp_path: Path) -> None:
    routine = tmp_path / "studio.yaml"
    routine.write_text(ROUTINE, encoding="utf-8")
    proc = start_app(routine, display, tmp_path)
    try:
        _wait("the app's window", lambda: _windows(display, 0, "^HipTimer — Xvfb studio"))
        xdotool(
            display, "windowfocus", "--sync", _windows(display, 0, "^HipTimer — Xvfb studio")[-1]
        )
        xdotool(display, "key", "--clearmodifiers", "shift+F5")  # a clicker's other start
        _wait("the projector on screen 1", lambda: _windows(display, 1, "^HipTimer — Projector$"))
        xdotool(display, "key", "--clearmodifiers", "Escape")
        time.sleep(0.5)
        assert _windows(display, 0, "^HipTimer — Summary$") == []  # once only asks
        xdotool(display, "key", "--clearmodifiers", "Escape")
        _wait("the summary", lambda: _windows(display, 0, "^HipTimer — Summary$"))
        xdotool(display, "key", "--clearmodifiers", "Next")
        _wait("an empty projector", lambda: not _windows(display, 1, "HipTimer"))
        _wait("the library", lambda: _windows(display, 0, "^HipTimer — Library$"))
        xdotool(display, "windowfocus", "--sync", _windows(display, 0, "^HipTimer — Library$")[-1])
        xdotool(display, "key", "--clearmodifiers", "ctrl+q")
        assert proc.wait(timeout=20) == 0
    finally:
        err = end_app(proc)
    assert "Traceback" not in err, err
    con = sqlite3.connect(tmp_path / "log.sqlite3")
    try:
        assert [r[0] for r in con.execute("SELECT status FROM sessions")] == ["stopped"]
    finally:
        con.close()
