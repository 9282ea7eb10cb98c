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
