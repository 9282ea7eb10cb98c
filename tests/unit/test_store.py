"""The session log: migrations, round trip, interrupted sessions, damaged files, concurrency."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from hiptimer.engine import Progress
from hiptimer.events import SessionFinished, StepEnded, StepStarted
from hiptimer.plan import compile_plan
from hiptimer.results import ExerciseResult
from hiptimer.routine import Dose, Exercise, Routine, Timings
from hiptimer.store import (
    MIGRATIONS,
    SCHEMA_V1,
    SCHEMA_VERSION,
    SessionRecorder,
    Store,
    StoreError,
    migrate,
    owner_alive,
    owner_token,
)

CET = timezone(timedelta(hours=1))
EST = timezone(timedelta(hours=-5))


def make_routine(name: str = "Hip flexor release") -> Routine:
    ex = Exercise(name="Kneeling stretch", dose=Dose("hold", 30, 30, "30s"), timings=Timings())
    return Routine(
        name=name, exercises=(ex,), path=Path("/routines/hips.yaml"), content_hash="ab" * 32
    )


RESULTS = [
    ExerciseResult("Kneeling stretch", "left", "done", 2),
    ExerciseResult("Kneeling stretch", "right", "partial", 1),
    ExerciseResult("Bridge", None, "skipped", 0),
]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def columns(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[1] for r in conn.execute("PRAGMA table_info(sessions)")}
    finally:
        conn.close()


def user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def build_version(path: Path, version: int) -> None:
    """A file at schema ``version`` with one finished session, written the way that version did."""
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=version)
    if version >= 1:
        conn.execute(
            "INSERT INTO sessions (routine, routine_path, routine_hash, status, started_at,"
            " ended_at, active_s, speed, exercises) VALUES"
            " ('Old', '/r/old.yaml', 'h', 'completed', '2024-03-30T23:30:00+00:00',"
            " '2024-03-31T00:10:00+00:00', 1800, 1,"
            ' \'[{"name":"A","side":null,"status":"done","sets_done":1}]\')'
        )
    if version >= 3:  # version 3 writes the UTC instant and the worked flag itself
        conn.execute(
            "UPDATE sessions SET started_ts = round((julianday(started_at) - 2440587.5)"
            " * 86400.0, 3), worked = 1"
        )
    conn.close()


# --- migrations ---------------------------------------------------------------------------


def test_fresh_file_gets_the_current_schema(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "log.sqlite3"
    with Store.open(db) as store:
        assert store.sessions() == []
        assert store.recovered_from is None
    assert user_version(db) == SCHEMA_VERSION
    assert {"effort", "pain", "note", "owner", "updated_at", "started_ts"} <= columns(db)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_upgrade_from_every_earlier_version_keeps_sessions(tmp_path: Path, version: int) -> None:
    db = tmp_path / "old.sqlite3"
    build_version(db, version)
    assert user_version(db) == version
    with Store.open(db) as store:
        (rec,) = store.sessions()
    assert user_version(db) == SCHEMA_VERSION
    assert rec.routine == "Old" and rec.status == "completed" and rec.active_s == 1800
    assert rec.started_at == datetime(2024, 3, 30, 23, 30, tzinfo=UTC)
    assert rec.effort is None and rec.pain is None and rec.note == ""
    assert rec.exercises == (ExerciseResult("A", None, "done", 1),)
    conn = sqlite3.connect(db)
    ts, worked = conn.execute("SELECT started_ts, worked FROM sessions").fetchone()
    conn.close()
    assert ts == pytest.approx(rec.started_at.timestamp(), abs=0.01)
    assert worked == 1  # backfilled from the exercises


def test_v1_schema_sql_is_kept_verbatim() -> None:
    assert MIGRATIONS[0] == SCHEMA_V1 and "CREATE TABLE sessions" in SCHEMA_V1


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_readonly_reads_an_old_file_without_upgrading_it(tmp_path: Path, version: int) -> None:
    db = tmp_path / "old.sqlite3"
    build_version(db, version)
    before = digest(db)
    with Store.open(db, readonly=True) as store:
        assert [r.routine for r in store.sessions()] == ["Old"]
    assert digest(db) == before
    assert user_version(db) == version
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.sqlite3"]


def test_newer_version_is_refused_in_both_modes(tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite3"
    build_version(db, SCHEMA_VERSION)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    before = digest(db)
    for readonly in (False, True):
        with pytest.raises(StoreError, match="newer version of HipTimer"):
            Store.open(db, readonly=readonly)
    assert digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.sqlite3"]


# --- round trip ---------------------------------------------------------------------------


def test_session_round_trip(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    started = datetime(2025, 3, 30, 0, 30, 15, tzinfo=CET)
    with Store.open(db) as store:
        sid = store.begin_session(make_routine(), started_at=started, speed=1.0)
        store.update_session(sid, active_s=40.5, exercises=RESULTS[:1])
        store.finish_session(
            sid,
            status="completed",
            ended_at=started + timedelta(minutes=12),
            active_s=700.25,
            exercises=RESULTS,
        )
        store.rate_session(sid, effort=6, pain=0, note="left hip tight — better")
    with Store.open(db, readonly=True) as store:
        (rec,) = store.sessions()
        assert store.session(sid) == rec
    assert rec.id == sid
    assert rec.routine == "Hip flexor release"
    assert rec.routine_path == "/routines/hips.yaml"
    assert rec.routine_hash == "ab" * 32
    assert rec.status == "completed"
    assert rec.started_at == started and rec.started_at.utcoffset() == timedelta(hours=1)
    assert rec.ended_at == started + timedelta(minutes=12)
    assert rec.active_s == 700.25 and rec.speed == 1.0 and not rec.is_rehearsal
    assert (rec.effort, rec.pain, rec.note) == (6, 0, "left hip tight — better")
    assert rec.exercises == tuple(RESULTS)


def test_times_are_stored_as_iso_with_offset(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    with Store.open(db) as store:
        store.begin_session(make_routine(), started_at=datetime(2025, 1, 2, 3, 4, 5), speed=1)
        store.begin_session(
            make_routine(), started_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=EST), speed=1
        )
    conn = sqlite3.connect(db)
    texts = [r[0] for r in conn.execute("SELECT started_at FROM sessions ORDER BY id")]
    conn.close()
    assert texts[1] == "2025-01-02T03:04:05-05:00"
    assert datetime.fromisoformat(texts[0]).utcoffset() is not None  # naive taken as local


def test_rating_is_validated(tmp_path: Path) -> None:
    with Store.open(tmp_path / "log.sqlite3") as store:
        sid = store.begin_session(make_routine(), started_at=datetime.now(CET), speed=1)
        for effort, pain in ((0, 0), (11, 0), (5, -1), (5, 11)):
            with pytest.raises(StoreError):
                store.rate_session(sid, effort=effort, pain=pain, note="")
        store.rate_session(sid, effort=None, pain=None, note="just a note")
        store.rate_session(sid, effort=10, pain=10, note="")
        rec = store.session(sid)
        assert rec is not None and (rec.effort, rec.pain) == (10, 10)
        with pytest.raises(StoreError, match="no session 999"):
            store.rate_session(999, effort=1, pain=0, note="")


def test_order_filters_and_limit(tmp_path: Path) -> None:
    with Store.open(tmp_path / "log.sqlite3") as store:
        r = make_routine()
        # 2025-01-01 20:00 in New York is 2025-01-02 01:00 UTC: later than 00:30 CET on the 2nd.
        a = store.begin_session(r, started_at=datetime(2025, 1, 1, 20, 0, tzinfo=EST), speed=1)
        b = store.begin_session(r, started_at=datetime(2025, 1, 2, 0, 30, tzinfo=CET), speed=1)
        c = store.begin_session(r, started_at=datetime(2025, 1, 3, 9, 0, tzinfo=CET), speed=4)
        assert [s.id for s in store.sessions()] == [a, b]
        assert [s.id for s in store.sessions(include_rehearsals=True)] == [c, a, b]
        assert [s.id for s in store.sessions(include_rehearsals=True, limit=1)] == [c]
        # since compares the local date the session started, as recorded
        assert [s.id for s in store.sessions(since=date(2025, 1, 2))] == [b]
        assert [s.id for s in store.sessions(since=date(2025, 1, 2), include_rehearsals=True)] == [
            c,
            b,
        ]
        assert store.count() == 3


def test_readonly_store_refuses_writes(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    Store.open(db).close()
    with Store.open(db, readonly=True) as store, pytest.raises(StoreError, match="read-only"):
        store.begin_session(make_routine(), started_at=datetime.now(CET), speed=1)


def test_readonly_missing_file_is_an_error_and_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no session log"):
        Store.open(tmp_path / "missing.sqlite3", readonly=True)
    assert list(tmp_path.iterdir()) == []


# --- interrupted sessions -----------------------------------------------------------------

CHILD = textwrap.dedent(
    """
    import os, sys
    from datetime import datetime, timezone
    from pathlib import Path
    from hiptimer.results import ExerciseResult
    from hiptimer.routine import Routine
    from hiptimer.store import Store
    store = Store.open(Path(sys.argv[1]))
    sid = store.begin_session(Routine(name="Crashy", exercises=()),
                              started_at=datetime(2025, 5, 1, 8, 0, tzinfo=timezone.utc), speed=1)
    store.update_session(sid, active_s=95.0,
                         exercises=[ExerciseResult("A", None, "done", 3)],
                         at=datetime(2025, 5, 1, 8, 2, tzinfo=timezone.utc))
    print(sid, flush=True)
    sys.stdin.readline()   # stay alive until told
    os._exit(0)            # never finishes the session
    """
)


def test_running_session_of_a_live_process_is_running_then_interrupted(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdin is not None
        sid = int(child.stdout.readline())
        with Store.open(db, readonly=True) as ro:
            assert ro.sessions()[0].status == "running"
        with Store.open(db) as app:  # opening the app must not close a live session
            assert app.sessions()[0].status == "running"
        child.stdin.write("\n")
        child.stdin.flush()
        assert child.wait(timeout=30) == 0
    finally:
        child.kill()
        child.wait()
    with Store.open(db, readonly=True) as ro:
        (rec,) = ro.sessions()
    assert rec.id == sid and rec.status == "interrupted"
    assert rec.active_s == 95.0
    assert rec.exercises == (ExerciseResult("A", None, "done", 3),)
    assert rec.ended_at == datetime(2025, 5, 1, 8, 2, tzinfo=UTC)  # the last write
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT status FROM sessions").fetchone()[0] == "running"
    conn.close()
    with Store.open(db) as app:  # app mode records it
        assert app.sessions()[0].status == "interrupted"
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT status, ended_at FROM sessions").fetchone() == (
        "interrupted",
        "2025-05-01T08:02:00+00:00",
    )
    conn.close()


def test_owner_tokens() -> None:
    assert owner_alive(owner_token())
    boot, pid, start, token = owner_token().split("/")
    assert not owner_alive(f"{boot}/{pid}/{start}/someone-else")  # same pid, another process run
    assert not owner_alive("")
    assert not owner_alive("not/a/token")
    if boot:
        assert not owner_alive(f"another-boot/{pid}/{start}/{token}")
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert not owner_alive(f"{boot}/{child.pid}//x")


def test_a_session_left_running_by_an_old_version_is_interrupted(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(db, isolation_level=None)
    migrate(conn, target=1)
    conn.execute(
        "INSERT INTO sessions (routine, status, started_at, active_s)"
        " VALUES ('R', 'running', '2024-01-01T10:00:00+00:00', 60)"
    )
    conn.close()
    with Store.open(db) as store:
        (rec,) = store.sessions()
    assert rec.status == "interrupted" and rec.active_s == 60


# --- damaged files ------------------------------------------------------------------------


def damaged_db(path: Path) -> None:
    """A real log whose table pages are overwritten with garbage (the header survives)."""
    with Store.open(path) as store:
        for i in range(300):
            sid = store.begin_session(make_routine(f"R{i}"), started_at=datetime.now(CET), speed=1)
            store.rate_session(sid, effort=5, pain=1, note="x" * 200)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for side in ("-wal", "-shm"):
        Path(str(path) + side).unlink(missing_ok=True)
    data = bytearray(path.read_bytes())
    assert len(data) > 8 * 4096
    data[2 * 4096 : 6 * 4096] = b"\xa5" * (4 * 4096)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("kind", ["garbage", "damaged"])
def test_corrupt_file_readonly_reports_and_leaves_it_untouched(tmp_path: Path, kind: str) -> None:
    db = tmp_path / "log.sqlite3"
    if kind == "garbage":
        db.write_bytes(b"this is not a database\n" * 500)
    else:
        damaged_db(db)
    before = digest(db)
    with pytest.raises(StoreError) as err:
        with Store.open(db, readonly=True) as store:
            store.sessions()
    assert str(db) in str(err.value)
    assert "damaged" in str(err.value) or "malformed" in str(err.value)
    assert digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.sqlite3"]


@pytest.mark.parametrize("kind", ["garbage", "damaged"])
def test_corrupt_file_app_mode_moves_it_aside(tmp_path: Path, kind: str) -> None:
    db = tmp_path / "log.sqlite3"
    if kind == "garbage":
        db.write_bytes(b"this is not a database\n" * 500)
        Path(str(db) + "-wal").write_bytes(b"junk wal")
    else:
        damaged_db(db)
    before = digest(db)
    with Store.open(db, recover=True) as store:  # the app's default log only
        moved = store.recovered_from
        assert moved is not None and moved.parent == tmp_path
        assert moved.name.startswith("log.sqlite3.corrupt-")
        assert digest(moved) == before
        assert store.sessions() == []
        store.begin_session(make_routine(), started_at=datetime.now(CET), speed=1)
        assert len(store.sessions()) == 1
    if kind == "garbage":
        assert Path(str(moved) + "-wal").read_bytes() == b"junk wal"


def test_two_corrupt_files_in_one_second_get_distinct_names(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    names = set()
    for _ in range(2):
        db.write_bytes(b"nope" * 1000)
        with Store.open(db, recover=True) as store:
            assert store.recovered_from is not None
            names.add(store.recovered_from.name)
    assert len(names) == 2


# --- concurrency and full disks -----------------------------------------------------------


def test_two_connections_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    Store.open(db).close()
    n = 60
    errors: list[BaseException] = []

    def writer(tag: str) -> None:
        try:
            with Store.open(db) as store:
                for i in range(n):
                    sid = store.begin_session(
                        make_routine(f"{tag}{i}"), started_at=datetime.now(CET), speed=1
                    )
                    store.update_session(sid, active_s=i, exercises=RESULTS)
                    store.finish_session(
                        sid,
                        status="completed",
                        ended_at=datetime.now(CET),
                        active_s=i + 1,
                        exercises=RESULTS,
                    )
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(t,)) for t in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Store.open(db, readonly=True) as store:
        recs = store.sessions()
    assert len(recs) == 2 * n
    assert {r.routine for r in recs} == {f"{t}{i}" for t in "ab" for i in range(n)}
    assert all(r.status == "completed" and r.exercises == tuple(RESULTS) for r in recs)


def fill_up(store: Store) -> None:
    """Simulate a full disk: the file may not grow past its current size."""
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages}")


def test_full_disk_raises_store_error(tmp_path: Path) -> None:
    with Store.open(tmp_path / "log.sqlite3") as store:
        sid = store.begin_session(make_routine(), started_at=datetime.now(CET), speed=1)
        fill_up(store)
        with pytest.raises(StoreError, match="could not save the rating.*full"):
            store.rate_session(sid, effort=3, pain=0, note="n" * 200_000)
        with pytest.raises(StoreError, match="full"):
            for i in range(2000):
                store.begin_session(make_routine("x" * 500), started_at=datetime.now(CET), speed=i)


# --- the recorder -------------------------------------------------------------------------


class FakeSession:
    def __init__(self) -> None:
        self.active = 0.0
        self.res: list[ExerciseResult] = []

    def active_seconds(self) -> float:
        return self.active

    def results(self) -> list[ExerciseResult]:
        return list(self.res)

    def progress_snapshot(self) -> Progress:
        return Progress(1, (), self.active)


def steps() -> tuple:  # type: ignore[type-arg]
    return compile_plan(make_routine()).steps


def test_recorder_writes_at_start_each_boundary_and_end(tmp_path: Path) -> None:
    prep, work = steps()[:2]
    sess = FakeSession()
    clock = iter(datetime(2025, 6, 1, 7, 0, tzinfo=CET) + timedelta(seconds=s) for s in range(99))
    errors: list[str] = []
    with Store.open(tmp_path / "log.sqlite3") as store:
        rec = SessionRecorder(
            store, make_routine(), sess, speed=1.0, on_error=errors.append, now=lambda: next(clock)
        )
        rec.handle([])
        assert store.sessions() == []
        rec.handle([StepStarted(prep, 0.0)])
        sid = rec.last_session_id
        assert sid is not None
        (r,) = store.sessions()
        assert r.status == "running" and r.active_s == 0 and r.started_at.hour == 7
        sess.active, sess.res = 5.0, [ExerciseResult("Kneeling stretch", None, "skipped", 0)]
        rec.handle([StepEnded(prep, 5.0, "done"), StepStarted(work, 5.0)])
        assert store.sessions()[0].active_s == 5.0
        assert rec.last_session_id == sid
        sess.active, sess.res = 35.0, [ExerciseResult("Kneeling stretch", None, "done", 1)]
        rec.handle([StepEnded(work, 35.0, "done"), SessionFinished(35.0, "completed")])
        (r,) = store.sessions()
    assert errors == []
    assert r.status == "completed" and r.active_s == 35.0 and r.ended_at is not None
    assert r.exercises == (ExerciseResult("Kneeling stretch", None, "done", 1),)


@pytest.mark.parametrize("background", [False, True])
def test_recorder_says_once_when_the_sessions_row_exists(tmp_path: Path, background: bool) -> None:
    """``on_begun`` gets the new row's id once, from the thread that wrote it (the log's
    own thread in the app), so the summary can offer the rating without polling."""
    prep, work = steps()[:2]
    begun: list[tuple[int, str]] = []
    with Store.open(tmp_path / "log.sqlite3", background=background) as store:
        rec = SessionRecorder(
            store,
            make_routine(),
            FakeSession(),
            speed=1.0,
            on_error=pytest.fail,
            on_begun=lambda sid: begun.append((sid, threading.current_thread().name)),
        )
        rec.handle([StepStarted(prep, 0.0)])
        rec.handle([StepEnded(prep, 5.0, "done"), StepStarted(work, 5.0)])
        rec.handle([StepEnded(work, 35.0, "done"), SessionFinished(35.0, "completed")])
        if store.writer is not None:
            assert store.writer.flush(5.0)
        (row,) = store.sessions()
    assert [sid for sid, _thread in begun] == [row.id] == [rec.last_session_id]
    on_gui_thread = begun[0][1] == threading.main_thread().name
    assert on_gui_thread is not background


def test_recorder_without_a_store_does_nothing() -> None:
    errors: list[str] = []
    rec = SessionRecorder(None, make_routine(), FakeSession(), speed=1.0, on_error=errors.append)
    rec.handle([StepStarted(steps()[0], 0.0), SessionFinished(1.0, "stopped")])
    assert rec.last_session_id is None and errors == []


def test_recorder_reports_a_full_disk_once_and_keeps_going(tmp_path: Path) -> None:
    prep, work = steps()[:2]
    errors: list[str] = []
    sess = FakeSession()
    with Store.open(tmp_path / "log.sqlite3") as store:
        fill_up(store)
        # a long routine name no longer fits: the very first write fails
        rec = SessionRecorder(
            store, make_routine("n" * 300_000), sess, speed=1.0, on_error=errors.append
        )
        rec.handle([StepStarted(prep, 0.0)])
        rec.handle([StepEnded(prep, 5.0, "done"), StepStarted(work, 5.0)])
        rec.handle([StepEnded(work, 35.0, "done"), SessionFinished(35.0, "completed")])
        assert len(errors) == 1
        assert "could not be saved" in errors[0] and "full" in errors[0]
        assert rec.last_session_id is None


def test_recorder_reports_a_failure_after_the_start_once(tmp_path: Path) -> None:
    prep, work = steps()[:2]
    errors: list[str] = []
    sess = FakeSession()
    with Store.open(tmp_path / "log.sqlite3") as store:
        rec = SessionRecorder(store, make_routine(), sess, speed=1.0, on_error=errors.append)
        rec.handle([StepStarted(prep, 0.0)])
        store._conn.close()  # the file went away under us (unplugged drive, ...)
        for _ in range(3):
            rec.handle([StepEnded(prep, 5.0, "done"), StepStarted(work, 5.0)])
        rec.handle([SessionFinished(35.0, "stopped")])
    assert len(errors) == 1 and "could not be saved" in errors[0]


def test_store_errors_are_readable_not_sqlite_leaks(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    store = Store.open(db)
    store._conn.close()
    with pytest.raises(StoreError, match=str(db)):
        store.sessions()
    with pytest.raises(StoreError):
        store.begin_session(make_routine(), started_at=datetime.now(CET), speed=1)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_read_only_folder(tmp_path: Path) -> None:  # pragma: no cover - not as root
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(StoreError):
            Store.open(folder / "log.sqlite3")
    finally:
        folder.chmod(0o755)


# --- fast read paths ----------------------------------------------------------------------


def mixed_log(path: Path) -> Store:
    store = Store.open(path)
    r = make_routine()
    tricky = ExerciseResult('Name with "status":"done" inside', None, "skipped", 0)
    cases = [
        ("completed", [RESULTS[2]]),
        ("stopped", [RESULTS[2], tricky]),  # nothing done: the name must not fool the SQL
        ("stopped", [RESULTS[1]]),
        ("running", RESULTS),
    ]
    for i, (status, exs) in enumerate(cases):
        sid = store.begin_session(
            r, started_at=datetime(2025, 1, 1 + i, 8, 0, tzinfo=CET), speed=1 + (i == 2)
        )
        store.update_session(sid, active_s=12.3456789 * i, exercises=exs)
        if status != "running":
            store.finish_session(
                sid,
                status=status,  # type: ignore[arg-type]
                ended_at=datetime(2025, 1, 1 + i, 8, 30, tzinfo=CET),
                active_s=12.3456789 * i,
                exercises=exs,
            )
        store.rate_session(sid, effort=i + 1, pain=None, note=f"n\u00e9 {i}")
    # a session left running by a process that is gone
    store._conn.execute("UPDATE sessions SET owner = 'gone/1/1/x' WHERE status = 'running'")
    return store


def test_sessions_json_matches_the_records(tmp_path: Path) -> None:
    import json

    from hiptimer.store import record_json

    with mixed_log(tmp_path / "log.sqlite3") as store:
        for kw in ({}, {"include_rehearsals": True}, {"since": date(2025, 1, 3), "limit": 1}):
            texts = store.sessions_json(**kw)  # type: ignore[arg-type]
            records = store.sessions(**kw)  # type: ignore[arg-type]
            assert [json.loads(t) for t in texts] == [record_json(r) for r in records]
        statuses = [json.loads(t)["status"] for t in store.sessions_json(include_rehearsals=True)]
        assert statuses == ["interrupted", "stopped", "stopped", "completed"]


def test_sessions_json_without_sqlite_json_functions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from hiptimer import store as store_mod

    with mixed_log(tmp_path / "log.sqlite3") as store:
        fast = [json.loads(t) for t in store.sessions_json(include_rehearsals=True)]
        monkeypatch.setattr(store_mod, "_JSON1", [False])
        slow = [json.loads(t) for t in store.sessions_json(include_rehearsals=True)]
    assert fast == slow and len(fast) == 4


def test_rows_match_the_records(tmp_path: Path) -> None:
    with mixed_log(tmp_path / "log.sqlite3") as store:
        rows = store.rows(include_rehearsals=True)
        records = store.sessions(include_rehearsals=True)
    assert [r.did_something for r in rows] == [True, True, False, True]
    for row, rec in zip(rows, records, strict=True):
        assert row.did_something == rec.did_something
        assert (row.id, row.routine, row.status, row.started_at, row.active_s, row.speed) == (
            rec.id,
            rec.routine,
            rec.status,
            rec.started_at,
            rec.active_s,
            rec.speed,
        )
        assert (row.effort, row.pain, row.is_rehearsal) == (rec.effort, rec.pain, rec.is_rehearsal)


def test_readonly_beside_a_running_app_sees_its_writes_and_creates_nothing(
    tmp_path: Path,
) -> None:
    db = tmp_path / "log.sqlite3"
    Store.open(db).close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.sqlite3"]
    with Store.open(db, readonly=True) as ro:
        assert ro.sessions() == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.sqlite3"]  # clean file: nothing made
    with Store.open(db) as app:
        sid = app.begin_session(make_routine(), started_at=datetime.now(CET), speed=1)
        app.update_session(sid, active_s=7.0, exercises=RESULTS)
        with Store.open(db, readonly=True) as ro:  # shares the app's -wal/-shm
            (rec,) = ro.sessions()
            assert rec.active_s == 7.0 and rec.status == "running"
        app.update_session(sid, active_s=9.0, exercises=RESULTS)  # the app is unharmed
        assert app.sessions()[0].active_s == 9.0
