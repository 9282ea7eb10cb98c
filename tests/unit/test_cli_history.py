"""``hiptimer history``: json, csv, table, --all, --since, and read-only failures."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from hiptimer.cli import main
from hiptimer.cli_history import cmd_history
from hiptimer.history import CSV_HEADER
from hiptimer.results import ExerciseResult
from hiptimer.routine import Routine
from hiptimer.store import SCHEMA_VERSION, Store

CET = timezone(timedelta(hours=1))
EXS = [ExerciseResult("Lunge", "left", "done", 3), ExerciseResult("Lunge", "right", "partial", 1)]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "log.sqlite3"
    r = Routine(name="Hips", exercises=(), path=Path("/r/hips.yaml"), content_hash="h1")
    with Store.open(path) as s:
        a = s.begin_session(r, started_at=datetime(2025, 3, 1, 9, 0, tzinfo=CET), speed=1)
        s.finish_session(
            a,
            status="completed",
            ended_at=datetime(2025, 3, 1, 9, 20, tzinfo=CET),
            active_s=1150.0,
            exercises=EXS,
        )
        s.rate_session(a, effort=7, pain=2, note='tight, "left"')
        b = s.begin_session(r, started_at=datetime(2025, 3, 3, 18, 0, tzinfo=CET), speed=1)
        s.finish_session(
            b,
            status="stopped",
            ended_at=datetime(2025, 3, 3, 18, 5, tzinfo=CET),
            active_s=300,
            exercises=EXS[:1],
        )
        s.begin_session(r, started_at=datetime(2025, 3, 4, 8, 0, tzinfo=CET), speed=20)
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["history", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", str(db), "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert [d["status"] for d in data] == ["stopped", "completed"]  # newest first, no rehearsal
    first = data[1]
    assert set(first) == {
        "id",
        "routine",
        "routine_path",
        "status",
        "started_at",
        "ended_at",
        "active_s",
        "speed",
        "effort",
        "pain",
        "note",
        "exercises",
    }
    assert first["routine"] == "Hips" and first["routine_path"] == "/r/hips.yaml"
    assert first["started_at"] == "2025-03-01T09:00:00+01:00"
    assert first["ended_at"] == "2025-03-01T09:20:00+01:00"
    assert (first["active_s"], first["speed"]) == (1150.0, 1.0)
    assert (first["effort"], first["pain"], first["note"]) == (7, 2, 'tight, "left"')
    assert first["exercises"] == [
        {"name": "Lunge", "side": "left", "status": "done", "sets_done": 3, "sets": []},
        {"name": "Lunge", "side": "right", "status": "partial", "sets_done": 1, "sets": []},
    ]


def test_all_includes_rehearsals(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(db), "--json", "--all")
    data = json.loads(out)
    assert code == 0 and len(data) == 3
    assert data[0]["speed"] == 20.0


def test_since(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(db), "--json", "--since", "2025-03-02")
    assert code == 0 and [d["status"] for d in json.loads(out)] == ["stopped"]
    code, out, _ = run(capsys, "--db", str(db), "--json", "--since", "2025-03-04", "--all")
    assert [d["speed"] for d in json.loads(out)] == [20.0]


@pytest.mark.parametrize("bad", ["yesterday", "2025-13-01", "03/01/2025", ""])
def test_bad_since_is_a_clear_error(db: Path, capsys: pytest.CaptureFixture[str], bad: str) -> None:
    code, out, err = run(capsys, "--db", str(db), "--since", bad)
    assert code == 2 and out == ""
    assert "YYYY-MM-DD" in err and "Traceback" not in err


def test_csv(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(db), "--csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0
    assert tuple(rows[0]) == CSV_HEADER
    assert len(rows) == 3
    completed = dict(zip(CSV_HEADER, rows[2], strict=True))
    assert completed["status"] == "completed" and completed["note"] == 'tight, "left"'
    assert completed["exercises"] == "Lunge (left): done 3 sets; Lunge (right): partial 1 set"


def test_table(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(db))
    lines = out.splitlines()
    assert code == 0 and len(lines) == 3
    assert lines[0].split()[:4] == ["ID", "Started", "Routine", "Status"]
    assert "2025-03-03 18:00" in lines[1] and "stopped" in lines[1] and "5 min" in lines[1]
    assert "completed" in lines[2] and "19 min" in lines[2]


def test_missing_db_says_no_sessions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "none.sqlite3"
    code, out, _ = run(capsys, "--db", str(missing))
    assert code == 0 and out.startswith("no sessions yet")
    assert json.loads(run(capsys, "--db", str(missing), "--json")[1]) == []
    assert not missing.exists() and list(tmp_path.iterdir()) == []


def test_only_rehearsals_hints_at_all(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "log.sqlite3"
    with Store.open(path) as s:
        s.begin_session(Routine(name="R", exercises=()), started_at=datetime.now(CET), speed=5)
    code, out, _ = run(capsys, "--db", str(path))
    assert code == 0 and "no sessions yet" in out and "--all" in out


def test_default_db_path(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("hiptimer.paths.default_db_path", lambda create=True: db)
    assert cmd_history(None, True, False, False, None) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2


def digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_corrupt_db_exit_1_untouched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "log.sqlite3"
    path.write_bytes(b"definitely not sqlite" * 100)
    before = digest(path)
    code, out, err = run(capsys, "--db", str(path), "--json")
    assert code == 1 and out == ""
    assert str(path) in err and "damaged" in err and "Traceback" not in err
    assert digest(path) == before and [p.name for p in tmp_path.iterdir()] == ["log.sqlite3"]


def test_newer_db_exit_1_untouched(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = digest(db)
    code, out, err = run(capsys, "--db", str(db))
    assert code == 1 and out == "" and "newer version" in err
    assert digest(db) == before


def test_installed_command_has_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    path.write_bytes(b"garbage" * 100)
    p = subprocess.run(
        [sys.executable, "-m", "hiptimer", "history", "--db", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 1 and "Traceback" not in p.stderr and "damaged" in p.stderr


def test_json_list_written_in_chunks_is_one_valid_list(capsys: pytest.CaptureFixture[str]) -> None:
    from hiptimer.cli_history import _write_json_list

    for n in (0, 1, 2, 5):
        _write_json_list([json.dumps({"i": i}) for i in range(n)], chunk=2)
        assert json.loads(capsys.readouterr().out) == [{"i": i} for i in range(n)]
