"""SIGINT, SIGTERM and SIGHUP stop a running session, log it as stopped and exit quietly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.xhelpers import app_env, session_statuses, wait_until_running

ROUTINE = """\
name: Long hold
defaults: {prep: 1}
exercises:
  - name: Hold
    hold: 10 min
"""

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")


def _signal_a_running_session(tmp_path: Path, launch: list[str], sig: str, **env: str) -> None:
    """Run ``launch`` (a Python command line that starts hiptimer) on a long routine with
    --start, send ``sig`` once its session is logged as running, and check that the app
    stopped the session, logged it as stopped and exited quietly with 128 + ``sig``."""
    routine = tmp_path / "long.yaml"
    routine.write_text(ROUTINE)
    db = tmp_path / "log.sqlite3"
    args = [str(routine), "--start", "--db", str(db), "--audio-backend", "none"]
    proc = subprocess.Popen(
        [*launch, *args],
        env=app_env(tmp_path, QT_QPA_PLATFORM="offscreen", **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_running(proc, db)  # the session has begun and is logged
        proc.send_signal(getattr(signal, sig))
        _out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert f"{sig}: stopping" in err, (proc.returncode, err[-500:])
    assert proc.returncode == 128 + getattr(signal, sig)
    assert session_statuses(db) == ["stopped"]


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM", "SIGHUP"])
def test_a_signal_stops_and_logs_the_session(tmp_path: Path, sig: str) -> None:
    _signal_a_running_session(tmp_path, [sys.executable, "-m", "hiptimer"], sig)


#: ``hiptimer`` with its first paint never noticed: a session that --start begins on the
#: loop's first turn then always begins before it (on a slow machine it can, by chance).
LATE_PAINT = """
import sys
import hiptimer.qt.app as app_mod
app_mod.AfterFirstPaint = lambda window, callback: None
from hiptimer.cli import main
sys.argv = ["hiptimer", *sys.argv[1:]]
sys.exit(main())
"""


def test_a_session_begun_before_the_first_paint_is_stopped_and_logged(tmp_path: Path) -> None:
    """The signal watcher is set up after the first paint, or when a session begins if
    that comes first: --start begins it on the first turn of the event loop and opens
    the log then. Ctrl+C used to kill the app there and leave the session "running"."""
    late_paint = [sys.executable, "-c", LATE_PAINT]
    _signal_a_running_session(tmp_path, late_paint, "SIGINT", HIPTIMER_NO_VOICE="1")


def test_ctrl_c_while_the_app_starts_ends_it_at_once(tmp_path: Path) -> None:
    """Ctrl+C in the first moments (Qt being imported, the window being built, before
    its first paint) ends the app. Python's KeyboardInterrupt used to abort the process
    inside PySide6's import, or print a traceback from a Qt callback and leave the app
    running. Later, the signal watcher stops it as closing the window does."""
    env = app_env(tmp_path, QT_QPA_PLATFORM="offscreen", HIPTIMER_NO_VOICE="1")
    bad = []
    for delay in (0.02, 0.05, 0.08, 0.11, 0.14, 0.17, 0.2, 0.25, 0.3, 0.4, 0.6):
        proc = subprocess.Popen(
            [sys.executable, "-m", "hiptimer"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        try:
            _out, err = proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            _out, err = proc.communicate()
            bad.append((delay, "still running", err[-300:]))
            continue
        # the default action (-SIGINT); "interrupted" or "SIGINT: stopping" with 130; or,
        # in Python's own start (importing hiptimer.cli), its KeyboardInterrupt: never
        # an abort or a crash inside Qt
        startup_interrupt = (
            proc.returncode == 1
            and err.rstrip().endswith("KeyboardInterrupt")
            and "shiboken" not in err
            and "PySide6" not in err
        )
        if proc.returncode not in (-signal.SIGINT, 130) and not startup_interrupt:
            bad.append((delay, proc.returncode, err[-300:]))
    assert not bad
