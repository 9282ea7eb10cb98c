"""SessionRecorder on the real engine with a FakeClock: what the log holds at each moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from hiptimer.clock import FakeClock
from hiptimer.engine import Session
from hiptimer.plan import compile_plan
from hiptimer.results import ExerciseResult, SetResult
from hiptimer.routine import Dose, Exercise, Routine, Timings
from hiptimer.store import SessionRecorder, Store

T = Timings(prep=5, rest=10, set_rest=5, switch=5, countdown=3)
ROUTINE = Routine(
    name="Two",
    exercises=(
        Exercise("Hold", Dose("hold", 30, 30, "30s"), T, sides="each"),
        Exercise("Walk", Dose("time", 60, 60, "1 min"), T),
    ),
    path=Path("/r/two.yaml"),
    content_hash="c" * 64,
)


def run(tmp_path: Path) -> tuple[Store, Session, FakeClock, SessionRecorder, list[str]]:
    store = Store.open(tmp_path / "log.sqlite3")
    clock = FakeClock()
    session = Session(compile_plan(ROUTINE), clock)
    wall = [datetime(2025, 6, 1, 7, 0, tzinfo=UTC)]
    errors: list[str] = []

    def now() -> datetime:
        return wall[0] + timedelta(seconds=clock.now() - 1000.0)

    rec = SessionRecorder(store, ROUTINE, session, speed=1.0, on_error=errors.append, now=now)
    rec.handle(session.start())
    return store, session, clock, rec, errors


def step(session: Session, clock: FakeClock, rec: SessionRecorder, seconds: float) -> None:
    clock.advance(seconds)
    rec.handle(session.tick())


def test_progress_is_in_the_log_at_every_boundary(tmp_path: Path) -> None:
    store, session, clock, rec, errors = run(tmp_path)
    (r,) = store.sessions()
    assert r.status == "running" and r.active_s == 0
    step(session, clock, rec, 5 + 30 + 1)  # prep, left side done, into the switch
    r = store.sessions()[0]
    assert r.active_s == 36.0  # written at the left side's end (clock already 1 s on)
    assert ExerciseResult("Hold", "left", "done", 1, (SetResult(1, "done", 30.0),)) in r.exercises
    step(session, clock, rec, 3)  # still in the 5 s switch: nothing new is written mid-step
    assert store.sessions()[0].active_s == 36.0
    step(session, clock, rec, 10)  # the switch ended (noticed 9 s late): written then
    assert store.sessions()[0].active_s == 49.0
    step(session, clock, rec, 200)  # to the end
    r = store.sessions()[0]
    assert r.status == "completed"
    assert r.active_s == session.active_seconds()
    assert [e.status for e in r.exercises] == ["done", "done", "done"]
    assert errors == []
    store.close()


def test_pauses_are_not_active_time(tmp_path: Path) -> None:
    store, session, clock, rec, errors = run(tmp_path)
    step(session, clock, rec, 10)
    rec.handle(session.pause())
    clock.advance(600)  # ten minutes on the phone
    rec.handle(session.tick())
    rec.handle(session.resume())
    step(session, clock, rec, 500)
    r = store.sessions()[0]
    assert r.status == "completed"
    total = compile_plan(ROUTINE).duration_s
    assert r.active_s == session.active_seconds()
    assert abs(r.active_s - total) < 1e-6  # the plan's 145 s; the 600 s pause is not in it
    assert r.ended_at is not None and (r.ended_at - r.started_at).total_seconds() >= 600
    store.close()


def test_stop_records_stopped_with_partial_work(tmp_path: Path) -> None:
    store, session, clock, rec, errors = run(tmp_path)
    step(session, clock, rec, 5 + 12)  # 12 s into the left hold
    rec.handle(session.stop())
    r = store.sessions()[0]
    assert r.status == "stopped" and r.active_s == 17.0
    assert r.exercises[0] == ExerciseResult(
        "Hold", "left", "partial", 0, (SetResult(1, "partial", 12.0),)
    )
    assert rec.finished
    rec.handle(session.tick())  # nothing after the end
    assert store.sessions()[0] == r
    store.close()
