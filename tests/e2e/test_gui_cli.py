"""The GUI command end to end, offscreen: start, run faster, quit on finish, exit 0."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from hiptimer.resources import routines_dir

TINY = """\
name: Tiny e2e routine
defaults: {prep: 2, rest: 2}
exercises:
  - name: Hold
    hold: 10s
    sides: each
  - name: Reps
    reps: 3
    tempo: 2s
"""


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")  # QSettings
    env.pop("HIPTIMER_BENCH_STARTUP", None)
    return env


def _sessions(db: Path) -> list[tuple[str, str, float]]:
    con = sqlite3.connect(db)
    try:
        return list(con.execute("SELECT routine, status, speed FROM sessions"))
    finally:
        con.close()


def _run(cmd: list[str], tmp_path: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd, env=_env(tmp_path), capture_output=True, text=True, timeout=timeout, check=False
    )


def test_bundled_routine_start_speed_quit_on_finish(tmp_path: Path) -> None:
    routine = routines_dir() / "desk-break.yaml"  # about five minutes: six seconds at x50
    db = tmp_path / "log.sqlite3"
    r = _run(
        [
            sys.executable, "-m", "hiptimer", str(routine), "--start", "--speed", "50",
            "--quit-on-finish", "--db", str(db), "--audio-backend", "none",
        ],
        tmp_path,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert _sessions(db) == [("Desk break", "completed", 50.0)]


@pytest.mark.skipif(shutil.which("hiptimer") is None, reason="the hiptimer script is not on PATH")
def test_installed_command(tmp_path: Path) -> None:
    routine = tmp_path / "tiny.yaml"
    routine.write_text(TINY, encoding="utf-8")
    db = tmp_path / "log.sqlite3"
    exe = shutil.which("hiptimer")
    assert exe is not None
    r = _run(
        [
            exe, str(routine), "--start", "--speed", "40", "--quit-on-finish",
            "--db", str(db), "--audio-backend", "none", "--mute", "--screen", "7",
        ],
        tmp_path,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "no screen 7" in r.stderr  # a bad screen is a warning, not a failure
    assert _sessions(db) == [("Tiny e2e routine", "completed", 40.0)]


def test_broken_routine_with_start_exits_with_located_error(tmp_path: Path) -> None:
    routine = tmp_path / "bad.yaml"
    routine.write_text("name: Bad\nexercises:\n  - name: X\n    hold: -5s\n", encoding="utf-8")
    r = _run(
        [
            sys.executable, "-m", "hiptimer", str(routine), "--start", "--quit-on-finish",
            "--db", str(tmp_path / "log.sqlite3"), "--audio-backend", "none",
        ],
        tmp_path,
    )  # fmt: skip
    assert r.returncode == 2
    assert f"{routine}:4:" in r.stderr
    assert "Traceback" not in r.stderr


TWO_SCREENS = {
    "synchronousWindowSystemEvents": False,
    "windowFrameMargins": False,
    "screens": [
        {"name": "laptop", "x": 0, "y": 0, "width": 1280, "height": 800,
         "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1},
        {"name": "projector", "x": 1280, "y": 0, "width": 1920, "height": 1080,
         "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1},
    ],
}  # fmt: skip

PRESENT = """
import json, sys
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from hiptimer.clock import FakeClock
from hiptimer.qt.app import AppOptions, MainWindow
from hiptimer.qt.settings import Settings
tmp = Path(sys.argv[1]); routine = Path(sys.argv[2]); screen = int(sys.argv[3])
app = QApplication([])
s = Settings(QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
opts = AppOptions(db=tmp / "db.sqlite3", audio_backend="none", fullscreen=True,
                  screen=screen if screen >= 0 else None)
w = MainWindow(opts, s, clock_factory=lambda speed: FakeClock(speed=speed))
w.confirm_end = lambda _action: True
w.show()
w.open_routine_path(routine)
w.start_session()
app.processEvents()
proj = w.projector
out = {
    "projector": None if proj is None else proj.screen().name(),
    "projector_fullscreen": bool(proj and proj.isFullScreen()),
    "projector_has_player": bool(proj and w.player_widget.window() is proj),
    "main_shows": type(w.presenter_widget or w.player_widget).__name__,
    "main_fullscreen": w.isFullScreen(),
}
w.close()
print(json.dumps(out))
"""


@pytest.mark.parametrize(("screen", "expect"), [(1, "projector"), (-1, "projector")])
def test_two_screens_projector_and_presenter(tmp_path: Path, screen: int, expect: str) -> None:
    import json

    cfg = tmp_path / "screens.json"
    cfg.write_text(json.dumps(TWO_SCREENS), encoding="utf-8")
    routine = tmp_path / "tiny.yaml"
    routine.write_text(TINY, encoding="utf-8")
    env = _env(tmp_path)
    env["QT_QPA_PLATFORM"] = f"offscreen:configfile={cfg}"
    r = subprocess.run(
        [sys.executable, "-c", PRESENT, str(tmp_path), str(routine), str(screen)],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["projector"] == expect
    assert out["projector_fullscreen"] and out["projector_has_player"]
    assert out["main_shows"] == "PresenterWidget"
    assert not out["main_fullscreen"]
