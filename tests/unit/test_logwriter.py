"""The session log's background writer: never waits on the disk, catches up, loses nothing."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta, timezone
from pathlib import Path

import pytest

from hiptimer.engine import Progress
from hiptimer.events import SessionFinished, StepEnded, StepStarted
from hiptimer.logwriter import LogWriter
from hiptimer.results import ExerciseResult
from hiptimer.routine import Dose, Exercise, Routine, Timings
from hiptimer.store import SessionRecorder, Store

CET = timezone(timedelta(hours=1))


class FakeStore:
    def __init__(self) -> None:
        self.done: list[str] = []
        self.fail = 0
        self.closed = False

    def close(self) -> None:
        self.closed = True


def test_jobs_run_in_order_and_a_failing_one_is_retried_until_it_works() -> None:
    fake = FakeStore()
    fake.fail = 3
    w: LogWriter[FakeStore] = LogWriter(lambda: fake, retry_s=0.01)

    def job(name: str) -> object:
        def run(s: FakeStore) -> None:
            if name == "b" and s.fail:
                s.fail -= 1
                raise sqlite3.OperationalError("database or disk is full")
            s.done.append(name)

        return run

    for name in "abc":
        w.submit(job(name))  # type: ignore[arg-type]
    assert w.flush(10)
    assert fake.done == ["a", "b", "c"]
    assert w.take_errors() == ["database or disk is full"]  # once for the whole run
    assert w.take_errors() == []
    assert w.close(1) and fake.closed


def test_submit_never_waits_for_a_job_in_progress() -> None:
    fake = FakeStore()
    release = threading.Event()
    w: LogWriter[FakeStore] = LogWriter(lambda: fake)
    w.submit(lambda s: release.wait(10))
    submitted = threading.Event()

    def gui() -> None:
        for i in range(100):
            w.submit(lambda s, i=i: s.done.append(str(i)), key="progress")
        submitted.set()

    t = threading.Thread(target=gui)
    t.start()
    assert submitted.wait(5), "submit waited for the disk"
    assert w.pending == 2  # the held job, and one 'progress' job: the others replaced it
    release.set()
    assert w.flush(5)
    assert fake.done == ["99"]
    w.close(1)


def test_close_is_bounded_when_the_disk_never_comes_back() -> None:
    fake = FakeStore()

    def never(s: FakeStore) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    w: LogWriter[FakeStore] = LogWriter(lambda: fake, retry_s=0.05)
    w.submit(never)
    assert w.close(0.3) is False
    assert fake.closed


# --------------------------------------------------------------------------- with SQLite


class FakeSession:
    def __init__(self) -> None:
        self.active = 0.0

    def active_seconds(self) -> float:
        return self.active

    def results(self) -> list[ExerciseResult]:
        return [ExerciseResult("Lunge", None, "done", 1)]

    def progress_snapshot(self) -> Progress:
        return Progress(0, (), self.active)


def routine() -> Routine:
    ex = Exercise(name="Lunge", dose=Dose("hold", 30, 30, "30s"), timings=Timings())
    return Routine(name="Hips", exercises=(ex,), path=Path("/r/hips.yaml"), content_hash="h")


def statuses(db: Path) -> list[tuple[str, float]]:
    con = sqlite3.connect(db)
    try:
        return [(r[0], r[1]) for r in con.execute("SELECT status, active_s FROM sessions")]
    finally:
        con.close()


def events(step: object) -> list[list[object]]:
    return [[StepStarted(step, 0.0)], [StepEnded(step, 5.0, "done")]]  # type: ignore[arg-type]


def test_another_process_holding_the_lock_never_blocks_the_recorder(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    store = Store.open(db, background=True)
    errors: list[str] = []
    sess = FakeSession()
    rec = SessionRecorder(store, routine(), sess, speed=1.0, on_error=errors.append)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # holds the write lock, as a second app might
    step = object()
    rec.handle([StepStarted(step, 0.0)])  # type: ignore[arg-type]
    for i in range(5):
        sess.active = float(i)
        rec.handle([StepEnded(step, 5.0, "done")])  # type: ignore[arg-type]
    sess.active = 42.0
    rec.handle([SessionFinished(42.0, "completed")])
    # everything above returned while the lock was held: nothing written yet, no error
    assert store.writer is not None and store.writer.pending >= 1
    assert errors == []
    other.execute("ROLLBACK")
    other.close()
    assert store.writer.flush(20)
    assert statuses(db) == [("completed", 42.0)]
    assert store.close()


def test_a_full_disk_is_reported_once_and_the_session_saved_when_space_returns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SQLite error a full disk gives, on every write while the disk is full (a real
    full disk: tests/e2e/test_full_disk.py, where a tmpfs can be mounted)."""
    db = tmp_path / "log.sqlite3"
    full = {"on": True}
    real_write = Store._write

    def write(self: Store, what: str):  # type: ignore[no-untyped-def]
        if full["on"] and self.writer is None:  # the writer thread's own connection
            raise sqlite3.OperationalError("database or disk is full")
        return real_write(self, what)

    monkeypatch.setattr(Store, "_write", write)
    store = Store.open(db, background=True)
    assert store.writer is not None
    store.writer.retry_s = 0.05
    errors: list[str] = []
    sess = FakeSession()
    rec = SessionRecorder(store, routine(), sess, speed=1.0, on_error=errors.append)
    step = object()
    for batch in events(step):
        rec.handle(batch)  # type: ignore[arg-type]
    sess.active = 9.0
    rec.handle([SessionFinished(9.0, "completed")])
    assert not store.writer.flush(0.5)  # cannot be written yet
    rec.poll()
    rec.poll()
    assert len(errors) == 1 and "full" in errors[0] and "saved as soon as" in errors[0]
    assert statuses(db) == []
    full["on"] = False  # space returns
    assert store.writer.flush(10)
    assert statuses(db) == [("completed", 9.0)]  # begun, updated and finished, in order
    rec.poll()
    assert len(errors) == 1
    assert store.close()


def test_the_log_keeps_room_for_a_session_once_it_has_begun(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    store = Store.open(db, background=True)
    rec = SessionRecorder(store, routine(), FakeSession(), speed=1.0, on_error=print)
    rec.handle([StepStarted(object(), 0.0)])  # type: ignore[arg-type]
    assert store.writer is not None and store.writer.flush(10)
    wal = Path(str(db) + "-wal")
    assert wal.stat().st_size >= 64 * 4096  # reserved: later writes reuse this space
    store.close()


def test_the_write_ahead_log_stays_bounded_over_a_long_session(tmp_path: Path) -> None:
    """It grew about 3 KB a step before; now it cycles within WAL_FRAMES pages."""
    from hiptimer.store import WAL_FRAMES

    db = tmp_path / "log.sqlite3"
    store = Store.open(db, background=True)
    sess = FakeSession()
    rec = SessionRecorder(store, routine(), sess, speed=1.0, on_error=print)
    step = object()
    rec.handle([StepStarted(step, 0.0)])  # type: ignore[arg-type]
    assert store.writer is not None
    for i in range(600):
        sess.active = float(i)
        rec.handle([StepEnded(step, 5.0, "done")])  # type: ignore[arg-type]
        store.writer.flush(10)  # each step written on its own, as in a real session
    wal = Path(str(db) + "-wal").stat().st_size
    assert wal <= (WAL_FRAMES + 8) * (4096 + 24) + 32, wal
    store.close()
