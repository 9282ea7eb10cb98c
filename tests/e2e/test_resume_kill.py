"""The real app killed with SIGKILL mid-hold, then ``hiptimer --resume``: the same
session row goes on from the step it reached and ends completed (offscreen Qt,
real clock at a rehearsal speed)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

SPEED = 4.0
ROUTINE = """\
name: Kill and resume
defaults: {prep: 1, rest: 1, switch: 1, countdown: 0}
exercises:
  - name: Pelvic tilt
    hold: 4s
    sides: each
  - name: Knee to chest
    hold: 20s
  - name: Bridge
    hold: 2s
"""


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_DATA_HOME=str(tmp_path / "xdg"),
        XDG_CONFIG_HOME=str(tmp_path / "cfg"),
        HIPTIMER_NO_VOICE="1",
        PYTHONPATH=str(Path(__file__).resolve().parents[2]),
    )
    return env


def _row(db: Path) -> tuple[int, str, str, str] | None:
    if not db.exists():
        return None
    con = sqlite3.connect(db, timeout=5)
    try:
        return con.execute("SELECT id, status, exercises, progress FROM sessions").fetchone()
    except sqlite3.Error:
        return None
    finally:
        con.close()


def test_killed_mid_hold_then_resumed_is_one_completed_session(tmp_path: Path) -> None:
    routine = tmp_path / "kill.yaml"
    routine.write_text(ROUTINE, encoding="utf-8")
    db = tmp_path / "log.sqlite3"
    env = _env(tmp_path)
    base = [sys.executable, "-m", "hiptimer", str(routine), "--db", str(db)]
    base += ["--audio-backend", "none", "--speed", str(SPEED)]

    child = subprocess.Popen(
        [*base, "--start"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        # wait until a checkpoint shows the Knee to chest hold under way (partial)
        deadline = time.monotonic() + 60
        while True:
            assert child.poll() is None, child.stderr.read().decode() if child.stderr else ""
            assert time.monotonic() < deadline, f"no checkpoint in the hold: {_row(db)}"
            row = _row(db)
            knee = [e for e in json.loads(row[2]) if e["name"] == "Knee to chest"] if row else []
            if knee and knee[0]["status"] == "partial" and knee[0]["sets"][0]["seconds"] >= 1:
                break
            time.sleep(0.2)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stderr is not None:
            child.stderr.close()
    sid, status, exercises, progress = _row(db) or (0, "", "", "")
    assert status == "running" and progress  # as it died: a resume point saved
    knee = next(e for e in json.loads(exercises) if e["name"] == "Knee to chest")
    assert knee["status"] == "partial" and knee["sets"][0]["seconds"] > 0

    done = subprocess.run(
        [*base, "--resume", "--start", "--quit-on-finish"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    con = sqlite3.connect(db)
    rows = con.execute("SELECT id, status, exercises, progress FROM sessions").fetchall()
    con.close()
    assert [(r[0], r[1]) for r in rows] == [(sid, "completed")]  # one row, never two
    log = json.loads(rows[0][2])
    assert [(e["name"], e["side"], e["status"]) for e in log] == [
        ("Pelvic tilt", "left", "done"),
        ("Pelvic tilt", "right", "done"),
        ("Knee to chest", None, "done"),
        ("Bridge", None, "done"),
    ]
    assert rows[0][3] == ""  # finished: nothing left to resume

    again = subprocess.run(
        [*base, "--resume", "--quit-on-finish"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert again.returncode == 1
    assert "Nothing to resume" in again.stderr
