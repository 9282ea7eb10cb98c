"""Resuming after a crash: the same session row continues from the step it reached."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from hiptimer import loader
from hiptimer.clock import FakeClock
from hiptimer.plan import compile_plan
from hiptimer.results import SetResult
from hiptimer.session import SessionRun, find_resumable, load_for_resume
from hiptimer.store import Store, progress_from_json, progress_json

ROUTINE = """\
name: Resume me
defaults: {prep: 5, rest: 10, set_rest: 10, switch: 4, countdown: 0}
exercises:
  - name: Pelvic tilt
    hold: 6s
    sides: each
  - name: Knee to chest
    hold: 20s
    sets: 3
  - name: Bridge
    reps: 8
"""


def crash(db: Path) -> None:
    """The process that ran the session died: its owner is gone."""
    conn = sqlite3.connect(db)
    conn.execute("UPDATE sessions SET owner = 'boot/999999999/1/dead' WHERE status = 'running'")
    conn.commit()
    conn.close()


def run_until(run: SessionRun, clock: FakeClock, seconds: float, every: float = 1.0) -> None:
    t = 0.0
    while t < seconds:
        clock.advance(every)
        t += every
        run.handle(run.session.tick())


@pytest.fixture
def routine_file(tmp_path: Path) -> Path:
    p = tmp_path / "resume.yaml"
    p.write_text(ROUTINE)
    return p


def start_and_crash(routine_file: Path, db: Path, seconds: float) -> int:
    routine = loader.load_routine(routine_file)
    store = Store.open(db)
    clock = FakeClock()
    errors: list[str] = []
    run = SessionRun(
        routine, compile_plan(routine), clock, store=store, speed=1.0, on_error=errors.append
    )
    run.handle(run.session.start())
    run_until(run, clock, seconds)
    run.checkpoint()
    sid = run.session_id
    assert sid is not None and errors == []
    store.close()  # the app is killed: nothing else is written
    crash(db)
    return sid


def test_progress_round_trips_through_json() -> None:
    from hiptimer.engine import Progress

    p = Progress(7, ((1, SetResult(1, "done", 6.0)), (3, SetResult(1, "partial", 2.5))), 42.5)
    assert progress_from_json(progress_json(p)) == p
    assert progress_from_json("") is None
    assert progress_from_json('{"index": "x"}') is None


def test_a_crashed_session_resumes_on_the_same_row(routine_file: Path, tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    # prep 5, left 6, switch 4, right 6, rest 10, prep 5, then 8 s into set 1 of Knee to chest
    sid = start_and_crash(routine_file, db, 5 + 6 + 4 + 6 + 10 + 5 + 8)

    store = Store.open(db)  # the next start
    (rec,) = store.sessions()
    assert rec.status == "interrupted"
    assert rec.active_s == pytest.approx(44.0)
    knee = [e for e in rec.exercises if e.name == "Knee to chest"]
    assert knee[0].status == "partial" and knee[0].sets == (SetResult(1, "partial", 8.0),)
    assert [e.name for e in rec.exercises] == ["Pelvic tilt", "Pelvic tilt", "Knee to chest"]

    candidate = find_resumable(store)
    assert candidate is not None and candidate.session_id == sid
    assert find_resumable(store, routine_path=routine_file) == candidate
    assert find_resumable(store, routine_path=tmp_path / "other.yaml") is None
    later = datetime.now().astimezone() + timedelta(hours=13)
    assert find_resumable(store, now=later) is None  # outside the 12 h window
    assert find_resumable(store, window_h=24, now=later) == candidate

    res = load_for_resume(candidate)
    assert not isinstance(res, str)
    assert res.where() == "Knee to chest, set 1 of 3, 20s"
    clock = FakeClock(start=5000.0)
    run = SessionRun(
        res.routine, res.plan, clock, store=store, speed=1.0, on_error=print, resume=candidate
    )
    assert run.session.step is not None and run.session.step.exercise.name == "Knee to chest"
    # what is left is counted from there, not from the start of the routine
    assert run.session.session_remaining() == pytest.approx(
        res.plan.duration_s - run.session.step.start_s
    )
    assert run.session.progress() > 0.2
    run.handle(run.session.start())
    assert store.sessions()[0].status == "running"
    run_until(run, clock, 20 + 10 + 20 + 10 + 20 + 10 + 5 + 3)  # 3 sets, rest, prep, 3 s
    step = run.session.step
    assert step is not None and (step.exercise.name, step.kind) == ("Bridge", "work"), step
    run.handle(run.session.next())  # the self-paced Bridge: done
    assert run.session.state == "finished"

    (rec,) = store.sessions()  # one row, never two
    assert rec.id == sid and rec.status == "completed"
    assert all(e.status == "done" for e in rec.exercises)
    knee = next(e for e in rec.exercises if e.name == "Knee to chest")
    assert knee.sets == (
        SetResult(1, "done", 20.0),
        SetResult(2, "done", 20.0),
        SetResult(3, "done", 20.0),
    )
    assert rec.active_s == pytest.approx(44.0 + 98.0)  # before the crash, then since
    assert find_resumable(store) is None  # finished: nothing to resume
    assert run.headline() == "Session complete"
    store.close()


def test_a_changed_routine_is_not_resumed(routine_file: Path, tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    start_and_crash(routine_file, db, 12)
    routine_file.write_text(ROUTINE.replace("20s", "25s"))
    store = Store.open(db)
    candidate = find_resumable(store)
    assert candidate is not None
    msg = load_for_resume(candidate)
    assert isinstance(msg, str) and "changed since" in msg
    store.discard_resume(candidate.session_id)
    assert find_resumable(store) is None
    assert store.sessions()[0].status == "interrupted"  # still in the history
    store.close()


def test_a_running_session_of_a_live_process_is_not_offered(
    routine_file: Path, tmp_path: Path
) -> None:
    routine = loader.load_routine(routine_file)
    store = Store.open(tmp_path / "log.sqlite3")
    clock = FakeClock()
    run = SessionRun(routine, compile_plan(routine), clock, store=store, speed=1.0, on_error=print)
    run.handle(run.session.start())
    run_until(run, clock, 8)
    run.checkpoint()
    assert find_resumable(store) is None  # it is this process's, and alive
    store.close()


def test_checkpoint_saves_active_time_between_boundaries(
    routine_file: Path, tmp_path: Path
) -> None:
    routine = loader.load_routine(routine_file)
    store = Store.open(tmp_path / "log.sqlite3")
    clock = FakeClock()
    run = SessionRun(routine, compile_plan(routine), clock, store=store, speed=1.0, on_error=print)
    run.handle(run.session.start())
    run.handle(run.session.next())  # into the left hold
    for _ in range(5):
        run.handle(run.session.next())  # to the Knee to chest set 1
    assert run.session.step is not None and run.session.step.exercise.name == "Knee to chest"
    clock.advance(4)
    run.handle(run.session.tick())  # no boundary: nothing written yet
    assert store.sessions()[0].active_s == 0.0
    run.checkpoint()
    rec = store.sessions()[0]
    assert rec.active_s == pytest.approx(4.0)
    knee = next(e for e in rec.exercises if e.name == "Knee to chest")
    assert knee.sets == (SetResult(1, "partial", 4.0),)
    store.close()
