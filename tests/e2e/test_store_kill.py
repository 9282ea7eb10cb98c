"""A real session on the real clock, logged by a SessionRecorder, in a child process.

* killed with SIGKILL in the middle of a long hold: the log shows it as
  interrupted with what it had done up to the last step boundary, and the
  file passes ``PRAGMA integrity_check``;
* paused for a while: ``active_s`` excludes the pause.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from hiptimer.store import Store

pytestmark = pytest.mark.e2e

SPEED = 20.0

DRIVER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from hiptimer.clock import MonotonicClock
    from hiptimer.engine import Session
    from hiptimer.events import SessionFinished, StepStarted
    from hiptimer.plan import compile_plan
    from hiptimer.routine import Dose, Exercise, Routine, Timings
    from hiptimer.store import SessionRecorder, Store

    db, mode, speed = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    t = Timings(prep=1, rest=1, set_rest=1, switch=1, countdown=0)
    routine = Routine(
        name="Kill me",
        exercises=(
            Exercise("Warm-up", Dose("hold", 2, 2, "2s"), t, sets=2),
            Exercise("Long hold", Dose("hold", 600, 600, "10 min"), t),
        ) if mode == "kill" else (Exercise("Short", Dose("hold", 3, 3, "3s"), t),),
        path=Path("/routines/kill.yaml"),
        content_hash="k" * 64,
    )
    clock = MonotonicClock(speed)
    session = Session(compile_plan(routine), clock)
    store = Store.open(db)
    errors = []
    rec = SessionRecorder(store, routine, session, speed=1.0, on_error=errors.append)

    def handle(events):
        rec.handle(events)
        for ev in events:
            if isinstance(ev, StepStarted) and ev.step.exercise.name == "Long hold" \\
                    and ev.step.kind == "work":
                print("HOLDING", rec.last_session_id, session.active_seconds(), flush=True)
            if isinstance(ev, SessionFinished):
                print("FINISHED", rec.last_session_id, flush=True)
                sys.exit(1 if errors else 0)

    handle(session.start())
    paused = False
    while True:
        if mode == "pause" and not paused and session.step_elapsed() >= 1.0:
            handle(session.pause())
            time.sleep(1.0)  # 1 s real = SPEED engine seconds of pause
            handle(session.resume())
            paused = True
        wake = session.next_wakeup()
        delay = 0.005 if wake is None else max(0.0, (wake - clock.now()) / speed)
        time.sleep(min(delay, 0.05))
        handle(session.tick())
    """
)


def start(db: Path, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(db), mode, str(SPEED)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX only")
def test_sigkill_mid_hold_leaves_an_interrupted_session(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    child = start(db, "kill")
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.startswith("HOLDING"), line + (child.stderr.read() if child.stderr else "")
        _, sid_text, active_text = line.split()
        time.sleep(0.5)  # 10 engine seconds into the 600 s hold
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT status FROM sessions").fetchone()[0] == "running"  # as it died
    conn.close()

    with Store.open(db, readonly=True) as store:
        (rec,) = store.sessions()
    assert rec.id == int(sid_text)
    assert rec.status == "interrupted"
    assert rec.routine == "Kill me" and rec.routine_path == "/routines/kill.yaml"
    assert rec.ended_at is not None and rec.ended_at >= rec.started_at
    # progress up to the last boundary: prep 1 + 2 x hold 2 + set_rest 1 + rest 1 + prep 1 = 8 s
    assert 8.0 <= rec.active_s <= float(active_text) + 0.5
    # the hold under way at the last write is partial, with the seconds it had done
    assert [(e.name, e.status, e.sets_done) for e in rec.exercises] == [
        ("Warm-up", "done", 2),
        ("Long hold", "partial", 0),
    ]

    with Store.open(db) as app:  # the app records it as interrupted for good
        assert app.sessions()[0].status == "interrupted"
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT status FROM sessions").fetchone()[0] == "interrupted"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_a_paused_session_active_time_excludes_the_pause(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    child = start(db, "pause")
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert "FINISHED" in out
    with Store.open(db, readonly=True) as store:
        (rec,) = store.sessions()
    assert rec.status == "completed"
    assert rec.exercises[0].status == "done"
    assert rec.ended_at is not None
    wall = (rec.ended_at - rec.started_at).total_seconds()
    # plan: prep 1 + hold 3 = 4 engine seconds; the pause was 1 s real = 20 engine seconds
    assert 4.0 <= rec.active_s < 4.0 + 2.0
    assert wall >= 1.0  # the pause did happen (seconds precision in the log)
