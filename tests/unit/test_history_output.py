"""``hiptimer history`` prints exactly what it printed before it was made fast.

A log of a few hundred sessions full of hostile text (terminal escapes, bidi
overrides, spreadsheet formula starters, quotes, commas, CR/LF, non-ASCII,
names around the table's 40-character cut) is built from a fixed seed; the
table, ``--csv`` and ``--json`` outputs (with ``--all`` and ``--since``, and
over a copy with broken rows, whose stderr counts too) are compared byte for
byte with outputs recorded from the implementation as it was before the
speed-up (fixtures/history-output/). The command runs as a subprocess, so the
bytes compared are the bytes a terminal, a pipe or a spreadsheet gets.

Recording replaces the fixtures with what the CURRENT code prints: do it only
when an output change is intended, and say so in the commit:
``PYTHONPATH=$PWD python tests/unit/test_history_output.py --record``.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from hiptimer.history import csv_text, log_csv
from hiptimer.store import FLAG_INDEXES, Store

FIXTURES = Path(__file__).parent / "fixtures" / "history-output"
SESSIONS = 200

#: Text a routine file, a note or another program may put in the log.
HOSTILE = (
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2",
    "@SUM(A1:A9)",
    "\tstarts with a tab",
    "\rstarts with a CR",
    'quote " inside',
    '"quoted"',
    "comma, separated",
    "line\nbreak",
    "crlf\r\nline",
    "\x1b[31mred\x1b[0m\x1b]0;title\x07",
    "\x07bell\x00nul\x08bs",
    "\x7fdel\x85nel\x9fc1",
    "bidi \u202eevil\u202c end",
    "\u2028line sep\u2029para sep",
    "\u200emarks\u200f \u2066iso\u2069",
    "Hüftbeuger – dehnen",
    "股関節ストレッチ",
    "e\u0301 combining, 🧘\u200d♀️ emoji",
    "x" * 39,
    "y" * 40,
    "z" * 41,
    "long name " * 8,
    "\x1b" + "w" * 45,
    "",
    " leading space",
    "trailing space ",
    "'already quoted",
    "back\\slash \\n not a newline",
    "semi; colon: summary separators",
    '{"json": [1, 2]}',
    "tab\tinside",
)
PLAIN = ("Hip flexor release", "Gentle lower back", "Desk break", "Mobility warm-up")
OFFSETS = [timezone(timedelta(minutes=m)) for m in (0, 60, -300, 330, 825, -570)]
ACTIVE_EDGES = (0.0, 0.05, 0.049999, 0.0005, 2.0005, 1.25, 59.5, 60.5, 3599.5, 3600.0, 123456.789)
SPEEDS = (0.5, 2.0, 10.0, 1.25, 0.01, 1000.0, 1 / 3)


def _text(rnd: random.Random, plain: float = 0.5) -> str:
    return rnd.choice(PLAIN) if rnd.random() < plain else rnd.choice(HOSTILE)


def _exercises(rnd: random.Random) -> tuple[str, bool]:
    """The ``exercises`` column as the store writes it, and whether one was worked."""
    out = []
    for _ in range(rnd.randrange(3)):
        status = rnd.choice(["done", "partial", "skipped"])
        sets = [
            {
                "set": k + 1,
                "status": rnd.choice(["done", "partial", "skipped"]),
                "seconds": round(rnd.uniform(0, 90), 1),
            }
            for k in range(rnd.randrange(3))
        ]
        out.append(
            {
                "name": _text(rnd, 0.3),
                "side": rnd.choice([None, "left", "right"]),
                "status": status,
                "sets_done": rnd.choice([0, 1, 2, 3]),
                "sets": sets,
            }
        )
    worked = any(e["status"] in ("done", "partial") for e in out)
    return json.dumps(out, ensure_ascii=False, separators=(",", ":")), worked


def build_log(path: Path, n: int = SESSIONS, seed: int = 14) -> None:
    """``n`` sessions from a fixed seed, written in the store's schema and format."""
    rnd = random.Random(seed)
    Store.open(path).close()
    rows = []
    start = datetime(2024, 1, 1, 6, 0, tzinfo=UTC)
    for i in range(n):
        tz = rnd.choice(OFFSETS)
        t = (start + timedelta(hours=29 * i + rnd.randrange(20))).astimezone(tz)
        status = rnd.choices(["completed", "stopped", "interrupted", "running"], [70, 15, 8, 7])[0]
        active = rnd.choice(ACTIVE_EDGES) if rnd.random() < 0.2 else rnd.uniform(0, 7200)
        started = t.isoformat(timespec="seconds")
        if i % 37 == 5:  # written by something else: microseconds, 'Z', no offset
            started = rnd.choice(
                [
                    t.isoformat(),
                    t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    t.replace(tzinfo=None).isoformat(timespec="seconds"),
                ]
            )
        ended_t = t + timedelta(seconds=active + rnd.uniform(0, 300))
        ended = None if status == "running" else ended_t.isoformat(timespec="seconds")
        if status == "completed" and rnd.random() < 0.05:
            ended = None  # an old row that never recorded its end
        updated = None if rnd.random() < 0.3 else ended_t.isoformat(timespec="seconds")
        exercises, worked = _exercises(rnd)
        every = HOSTILE[(i // 3) % len(HOSTILE)]  # each hostile text as a name and a note
        rows.append(
            (
                every if i % 3 == 0 else _text(rnd),
                rnd.choice([None, f"/home/me/routines/{_text(rnd)}.yaml"]),
                rnd.choice(["", f"{rnd.getrandbits(256):064x}"]),
                status,
                started,
                t.timestamp(),
                ended,
                updated,
                active,
                1.0 if rnd.random() > 0.15 else rnd.choice(SPEEDS),
                rnd.choice([None, rnd.randint(1, 10)]),
                rnd.choice([None, rnd.randint(0, 10)]),
                every
                if i % 3 == 1
                else rnd.choice(
                    ["", "", _text(rnd, 0.0), _text(rnd, 0.0) + "\n" + _text(rnd, 0.0)]
                ),
                exercises,
                int(worked),
                rnd.choice(["", "not/a/live/owner", "x"]),  # owners no process has
            )
        )
    conn = sqlite3.connect(path)
    conn.executemany(
        "INSERT INTO sessions (routine, routine_path, routine_hash, status, started_at,"
        " started_ts, ended_at, updated_at, active_s, speed, effort, pain, note, exercises,"
        " worked, owner) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    conn.commit()
    conn.close()


def break_rows(path: Path) -> None:
    """Rows another program (or a bad disk) wrote wrong: skipped and reported."""
    conn = sqlite3.connect(path)
    for sql in (
        "UPDATE sessions SET exercises = 'not json' WHERE id = 3",
        "UPDATE sessions SET exercises = '{\"a\": 1}' WHERE id = 10",
        "UPDATE sessions SET started_at = 'yesterday' WHERE id = 20",
        "UPDATE sessions SET effort = 'seven' WHERE id = 30",
        "UPDATE sessions SET status = 'paused' WHERE id = 40",
        "UPDATE sessions SET active_s = 'long' WHERE id = 50",
        "UPDATE sessions SET routine = 12 WHERE id = 60",
    ):
        conn.execute(sql)
    conn.commit()
    conn.close()


#: name -> (log, arguments). "clean" has hostile text only; "broken" also broken rows.
CASES = {
    "table": ("clean", ()),
    "table-all": ("clean", ("--all",)),
    "table-since": ("clean", ("--since", "2024-06-01")),
    "table-none-since": ("clean", ("--since", "2099-01-01")),
    "csv": ("clean", ("--csv",)),
    "csv-all": ("clean", ("--csv", "--all")),
    "csv-since": ("clean", ("--csv", "--since", "2024-06-01")),
    "json": ("clean", ("--json",)),
    "json-all": ("clean", ("--json", "--all")),
    "json-since": ("clean", ("--json", "--since", "2024-06-01")),
    "broken-table": ("broken", ("--all",)),
    "broken-csv": ("broken", ("--csv", "--all")),
    "broken-json": ("broken", ("--json", "--all")),
}


def build_logs(folder: Path) -> dict[str, Path]:
    """The two logs, and each without the indexes the app adds (``NAME-bare``): a log
    this version's app has not opened yet, which reads check row by row."""
    clean = folder / "clean.sqlite3"
    build_log(clean)
    broken = folder / "broken.sqlite3"
    shutil.copyfile(clean, broken)
    break_rows(broken)
    logs = {"clean": clean, "broken": broken}
    for name, path in list(logs.items()):
        bare = folder / f"{name}-bare.sqlite3"
        shutil.copyfile(path, bare)
        conn = sqlite3.connect(bare)
        for index, _where in FLAG_INDEXES:
            conn.execute(f"DROP INDEX {index}")
        conn.commit()
        conn.close()
        logs[f"{name}-bare"] = bare
    return logs


def run_history(db: Path, args: tuple[str, ...]) -> tuple[bytes, bytes]:
    env = {**os.environ, "PYTHONUTF8": "1"}
    p = subprocess.run(
        [sys.executable, "-m", "hiptimer", "history", "--db", str(db), *args],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr.decode(errors="replace")
    return p.stdout, p.stderr


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_logs(tmp_path_factory.mktemp("history-output"))


@pytest.mark.e2e
@pytest.mark.parametrize("case", sorted(CASES))
def test_output_is_byte_for_byte_as_recorded(case: str, logs: dict[str, Path]) -> None:
    log, args = CASES[case]
    out, err = run_history(logs[log], args)
    assert out == (FIXTURES / f"{case}.out").read_bytes()
    assert err == (FIXTURES / f"{case}.err").read_bytes()


@pytest.mark.e2e
@pytest.mark.parametrize("case", ["table-all", "json-all", "broken-table", "broken-json"])
def test_without_the_apps_indexes_the_output_is_the_same(case: str, logs: dict[str, Path]) -> None:
    log, args = CASES[case]
    out, err = run_history(logs[f"{log}-bare"], args)
    assert out == (FIXTURES / f"{case}.out").read_bytes()
    assert err == (FIXTURES / f"{case}.err").read_bytes()


@pytest.mark.parametrize("log", ["clean", "broken"])
@pytest.mark.parametrize("everything", [False, True])
def test_the_csv_shortcut_writes_what_write_csv_writes(
    log: str, everything: bool, logs: dict[str, Path]
) -> None:
    """log_csv against the reference it stands in for (write_csv over the records),
    rows skipped and problems reported included."""
    with Store.open(logs[log], readonly=True) as store:
        chunks, n = log_csv(store, include_rehearsals=everything)
        problems = store.problems()
    with Store.open(logs[log], readonly=True) as store:
        records = store.sessions(include_rehearsals=everything)
        assert "".join(chunks) == csv_text(records)
        assert n == len(records)
        assert problems == store.problems()
    assert (log == "broken") == bool(problems)


def test_the_log_is_as_hostile_as_it_claims(logs: dict[str, Path]) -> None:
    """Every hostile text reached the log, and the recorded outputs cover the
    cases the escaping handles (so a comparison of them can fail)."""
    conn = sqlite3.connect(logs["clean"])
    texts: list[str] = []
    for routine, path, note, exercises in conn.execute(
        "SELECT routine, routine_path, note, exercises FROM sessions"
    ):
        texts += [routine, path or "", note, *(e["name"] for e in json.loads(exercises))]
    conn.close()
    joined = "\n".join(texts)
    assert [h for h in HOSTILE if h not in joined] == []
    csv_out = (FIXTURES / "csv-all.out").read_bytes().decode()
    for start in ("=", "+", "-", "@", "\t", "\r"):
        # a formula start made harmless (in a quoted field when it is a CR or a tab)
        assert f",'{start}" in csv_out or f",\"'{start}" in csv_out
    assert "\r\n" in csv_out and '""' in csv_out
    table = (FIXTURES / "table-all.out").read_bytes().decode()
    assert "\\x1b[31m" in table and "\\u202e" in table and "\x1b" not in table
    assert "…" in table
    assert b"skipped" in (FIXTURES / "broken-json.err").read_bytes()


def record() -> None:
    import tempfile

    FIXTURES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        paths = build_logs(Path(tmp))
        for case, (log, args) in sorted(CASES.items()):
            out, err = run_history(paths[log], args)
            (FIXTURES / f"{case}.out").write_bytes(out)
            (FIXTURES / f"{case}.err").write_bytes(err)
            print(f"{case}: {len(out):,} bytes, {len(err):,} on stderr")


if __name__ == "__main__":
    if sys.argv[1:] != ["--record"]:
        raise SystemExit(__doc__)
    record()


def test_the_app_indexes_the_rows_reads_would_refuse(tmp_path: Path) -> None:
    """Opening a log in app mode adds the partial indexes; SQLite keeps them as rows
    are written, and a read-only store finds the flagged rows through them."""
    from hiptimer.store import _NOT_A_LIST, _NOT_A_LIST_INDEX, _NOT_JSON, _NOT_JSON_INDEX

    path = tmp_path / "log.sqlite3"
    build_log(path, n=5)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE sessions SET exercises = 'nope' WHERE id = 2")
    conn.execute("UPDATE sessions SET exercises = '{}' WHERE id = 4")
    conn.commit()
    conn.close()
    with Store.open(path, readonly=True) as store:
        assert store._flagged(_NOT_JSON_INDEX, _NOT_JSON) == [(2,)]
        assert store._flagged(_NOT_A_LIST_INDEX, _NOT_A_LIST) == [(2,), (4,)]
        assert store._flagged("no_such_index", _NOT_JSON) is None
