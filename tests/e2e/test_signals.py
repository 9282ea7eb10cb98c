"""SIGINT, SIGTERM and SIGHUP stop a running session, log it as stopped and exit quietly."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROUTINE = """\
name: Long hold
defaults: {prep: 1}
exercises:
  - name: Hold
    hold: 10 min
"""

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")


def _status(db: Path) -> list[str]:
    if not db.exists():
        return []
    con = sqlite3.connect(db)
    try:
        return [r[0] for r in con.execute("SELECT status FROM sessions")]
    except sqlite3.Error:
        return []
    finally:
        con.close()


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM", "SIGHUP"])
def test_a_signal_stops_and_logs_the_session(tmp_path: Path, sig: str) -> None:
    routine = tmp_path / "long.yaml"
    routine.write_text(ROUTINE)
    db = tmp_path / "log.sqlite3"
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    cmd = [sys.executable, "-m", "hiptimer", str(routine), "--start", "--db", str(db)]
    proc = subprocess.Popen(
        [*cmd, "--audio-backend", "none"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while _status(db) != ["running"]:  # the session has begun and is logged
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() < deadline, "the session never started"
            time.sleep(0.1)
        proc.send_signal(getattr(signal, sig))
        _out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert f"{sig}: stopping" in err
    assert proc.returncode == 128 + getattr(signal, sig)
    assert _status(db) == ["stopped"]
