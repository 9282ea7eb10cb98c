"""The session log against files that are not logs, bad rows and hostile text (issue #11)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import sqlite3
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from hiptimer import store as store_mod
from hiptimer.cli import main
from hiptimer.history import csv_text
from hiptimer.results import ExerciseResult
from hiptimer.routine import Dose, Exercise, Routine, Timings
from hiptimer.store import Store, StoreError

CET = timezone(timedelta(hours=1))
START = datetime(2025, 3, 1, 9, tzinfo=CET)
RESULTS = [ExerciseResult("Lunge", "left", "done", 2)]
posix_only = pytest.mark.skipif(os.name != "posix", reason="needs FIFOs")


def routine(name: str = "Hips") -> Routine:
    ex = Exercise(name="Lunge", dose=Dose("hold", 30, 30, "30s"), timings=Timings())
    return Routine(name=name, exercises=(ex,), path=Path("/r/hips.yaml"), content_hash="h")


def snapshot(folder: Path) -> dict[str, str]:
    """Every file in ``folder`` with its content hash: 'left untouched' means equal."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else p.name
        for p in sorted(folder.iterdir())
    }


def log_with_sessions(path: Path, n: int = 3) -> list[int]:
    ids = []
    with Store.open(path) as s:
        for i in range(n):
            sid = s.begin_session(routine(f"R{i}"), started_at=START + timedelta(days=i), speed=1)
            s.finish_session(
                sid,
                status="completed",
                ended_at=START + timedelta(days=i, minutes=20),
                active_s=600,
                exercises=RESULTS,
            )
            ids.append(sid)
    return ids


# --------------------------------------------------------------------------- refusing files


@pytest.mark.parametrize("readonly", [False, True])
def test_an_explicit_non_sqlite_file_is_refused_and_left_untouched(
    tmp_path: Path, readonly: bool
) -> None:
    db = tmp_path / "notes.txt"
    db.write_bytes(b"my precious notes\n" * 300)
    before = snapshot(tmp_path)
    with pytest.raises(StoreError) as err:
        Store.open(db, readonly=readonly)
    assert str(db) in str(err.value)
    if not readonly:
        assert "not a HipTimer session log" in str(err.value)
        assert "left as it is" in str(err.value)
    assert snapshot(tmp_path) == before


def test_another_programs_sqlite_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    db = tmp_path / "places.sqlite"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE bookmarks (url TEXT)")
    conn.execute("INSERT INTO bookmarks VALUES ('https://example.org')")
    conn.commit()
    conn.close()
    before = snapshot(tmp_path)
    for kw in ({}, {"recover": True}, {"readonly": True}):
        with pytest.raises(StoreError, match="another program"):
            Store.open(db, **kw)  # type: ignore[arg-type]
    assert snapshot(tmp_path) == before


def test_a_damaged_explicit_log_is_refused_but_the_default_one_is_moved_aside(
    tmp_path: Path,
) -> None:
    db = tmp_path / "log.sqlite3"
    log_with_sessions(db, 200)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for side in ("-wal", "-shm"):
        Path(str(db) + side).unlink(missing_ok=True)
    data = bytearray(db.read_bytes())
    data[2 * 4096 : 4 * 4096] = b"\xa5" * (2 * 4096)
    db.write_bytes(bytes(data))
    before = snapshot(tmp_path)
    with pytest.raises(StoreError, match="left as it is"):
        Store.open(db)
    assert snapshot(tmp_path) == before
    with Store.open(db, recover=True) as s:
        assert s.recovered_from is not None and s.sessions() == []


def test_a_folder_is_refused_never_moved(tmp_path: Path) -> None:
    folder = tmp_path / "log.sqlite3"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    with pytest.raises(StoreError, match="is a folder"):
        Store.open(folder, recover=True)
    assert (folder / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.sqlite3"]


@posix_only
@pytest.mark.parametrize("readonly", [False, True])
def test_a_fifo_is_refused_without_hanging(tmp_path: Path, readonly: bool) -> None:
    fifo = tmp_path / "log.sqlite3"
    os.mkfifo(fifo)
    got: list[BaseException] = []

    def attempt() -> None:
        try:
            Store.open(fifo, readonly=readonly, recover=True)
        except BaseException as e:  # noqa: BLE001 - what it raised is the test
            got.append(e)

    t = threading.Thread(target=attempt, daemon=True)
    t.start()
    t.join(5)
    assert not t.is_alive(), "opening a FIFO as the log blocked"
    assert isinstance(got[0], StoreError) and "named pipe" in str(got[0])


def test_an_unreadable_log_is_cannot_read_not_corrupt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "log.sqlite3"
    log_with_sessions(db)
    before = snapshot(tmp_path)
    # (as root, chmod 000 does not stop reading: stand in for the permission check)
    monkeypatch.setattr(store_mod, "_readable", lambda p: False)
    with pytest.raises(StoreError) as err:
        Store.open(db, recover=True)
    assert "cannot read" in str(err.value) and "damaged" not in str(err.value)
    assert snapshot(tmp_path) == before


def test_empty_and_nul_db_paths_are_clear_cli_errors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as ex:
        main(["history", "--db", ""])
    assert ex.value.code == 2
    assert "--db: the path is empty" in capsys.readouterr().err


# --------------------------------------------------------------------------- bad rows


def spoil(db: Path) -> dict[int, str]:
    """Rows written wrong by hand (another tool, a bad disk): id -> the field spoiled."""
    conn = sqlite3.connect(db)
    spoils = {
        2: ("started_at", "'yesterday-ish'"),
        3: ("exercises", "'[{\"name\": oops'"),
        4: ("active_s", "'a lot'"),
        5: ("effort", "'high'"),
        6: ("status", "'exploded'"),
        7: ("exercises", '\'{"not": "a list"}\''),
        8: ("ended_at", "42"),
    }
    for sid, (col, value) in spoils.items():
        conn.execute(f"UPDATE sessions SET {col} = {value} WHERE id = ?", (sid,))
    conn.commit()
    conn.close()
    return {sid: col for sid, (col, _v) in spoils.items()}


def test_bad_rows_are_skipped_and_said(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    log_with_sessions(db, 9)
    spoiled = spoil(db)
    with Store.open(db, readonly=True) as s:
        assert [r.id for r in s.sessions()] == [9, 1]
        # the light rows read no exercises or end: only their own columns can be bad
        assert [r.id for r in s.rows()] == [9, 8, 7, 3, 1]
        texts = s.sessions_json()
        assert [json.loads(t)["id"] for t in texts] == [9, 1]
        problems = s.problems()
    for sid, col in spoiled.items():
        (line,) = [p for p in problems if p.startswith(f"session {sid} skipped:")]
        assert col in line, line


def test_bad_rows_in_the_app_do_not_stop_a_new_session(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    log_with_sessions(db, 9)
    spoil(db)
    with Store.open(db) as s:
        s.resumable(since=datetime(2000, 1, 1, tzinfo=CET))
        sid = s.begin_session(routine(), started_at=datetime.now(CET), speed=1)
        s.finish_session(
            sid, status="stopped", ended_at=datetime.now(CET), active_s=1, exercises=RESULTS
        )
        assert s.session(sid) is not None
        assert s.session(2) is None and any("session 2 " in p for p in s.problems())


@pytest.mark.parametrize("fmt", ["--json", "--csv", None])
def test_history_command_with_bad_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str | None
) -> None:
    db = tmp_path / "log.sqlite3"
    log_with_sessions(db, 9)
    spoil(db)
    code = main(["history", "--db", str(db), *([fmt] if fmt else [])])
    out, err = capsys.readouterr()
    assert code == 0
    assert "Traceback" not in err
    assert "session 3 skipped: exercises" in err and "session 2 skipped: started_at" in err
    if fmt == "--json":
        assert [d["id"] for d in json.loads(out)] == [9, 1]
    elif fmt == "--csv":
        rows = list(csv.reader(io.StringIO(out, newline="")))
        assert [r[0] for r in rows[1:]] == ["9", "1"]
    else:
        assert "R8" in out and "R0" in out


# --------------------------------------------------------------------------- output


def test_csv_cells_never_run_as_formulas_and_a_bare_cr_stays_in_its_cell(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    with Store.open(db) as s:
        sid = s.begin_session(
            routine('=HYPERLINK("http://x","y")'), started_at=datetime.now(CET), speed=1
        )
        s.finish_session(
            sid,
            status="completed",
            ended_at=datetime.now(CET),
            active_s=5,
            exercises=[ExerciseResult("@SUM(A1)", None, "done", 1)],
        )
        s.rate_session(sid, effort=3, pain=0, note="-2+3\rsecond line")
        text = csv_text(s.sessions())
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 2  # the CR did not split the row
    header, row = rows
    cell = dict(zip(header, row, strict=True))
    assert cell["routine"].startswith("'=HYPERLINK")
    assert cell["note"] == "'-2+3\rsecond line"
    assert '"\'-2+3\rsecond line"' in text  # quoted, as RFC 4180 wants for a CR
    assert all(not c.startswith(("=", "+", "-", "@")) for c in row)


def test_control_characters_in_names_are_escaped_in_the_history_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "log.sqlite3"
    with Store.open(db) as s:
        s.begin_session(
            routine("Evil\x1b]0;pwned\x07\nfake row"), started_at=datetime.now(CET), speed=1
        )
    assert main(["history", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "Evil\\x1b]0;pwned\\x07\\nfake row" in out
    assert len(out.strip().splitlines()) == 2
