"""Session log figures (run by hand: ``python benchmarks/history.py [--sessions N]``).

The log: N sessions (default 100,000, about 270 years of daily use) over five
routines of 4 to 10 exercises, each side recorded as the app records it, with
0 to 3 sets done at their planned length (and in a session stopped or
interrupted, exercises skipped or cut short in a set of random length), notes
and ratings on some, 5 % rehearsals; written straight into the store's schema
(generating it is not timed). Nearly every session's exercises differ from
every other's, as when sets are skipped or repeated, while an exercise with its
sets recurs across sessions (the CSV parses each distinct one once). Left out:
a log in which no two exercises are alike (every set of a different length),
whose CSV takes about 4 s at 100,000 sessions (13.7 s before issue 14's work).

* ``hiptimer history`` as the table, ``--csv`` and ``--json``: each the whole
  process, ``python -m hiptimer history ... --db LOG`` started by this script
  (bytecode compiled first, as an installed app has it) until it exits, its
  stdout a pipe this script reads and throws away; so interpreter start-up,
  imports, opening and reading the log, formatting and writing are in, and a
  terminal drawing the text is not. Wall time, and CPU time (user + system) of
  the process. Each against references started in the same rounds:
  ``python -m hiptimer --version`` (interpreter and CLI start-up, the floor)
  and the sqlite3 shell printing the same rows' columns in its own column, csv
  or json mode (reading the data and printing it, without HipTimer's checks or
  escaping; left out when the shell is not installed). The runs are
  interleaved round by round, so a load that comes and goes hits all of them.
  The log file is in the page cache (just written and read): a cold disk is
  not measured. Goals: table and CSV < 1.5 s, JSON < 1 s.
* Opening the HistoryWindow (offscreen) over the same log: Store.open, the
  window built, shown and painted. Goal: < 1 s.
* A step-boundary write (SessionRecorder handling StepEnded -> UPDATE in a
  BEGIN IMMEDIATE transaction, WAL, synchronous=NORMAL), on the big log.
  Goal: median < 5 ms.

The log has been opened by the app (``Store.open``), so it has the indexes the
app adds (see ``store.FLAG_INDEXES``); ``--without-indexes`` drops them, as in a
log this version's app has not opened yet, which the table and JSON then check
row by row.

``--cli-only`` leaves out the last two; ``--without-sets`` writes no record of
each set (the log this script made when issue 14 was measured: exercises text
about 60 % the size). The code timed is the ``hiptimer`` that ``python -m hiptimer``
finds from a neutral folder (PYTHONPATH first), so another checkout can be
measured with the same log and script: ``PYTHONPATH=/path/to/other python
benchmarks/history.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from hiptimer.engine import Progress as EngineProgress  # noqa: E402
from hiptimer.events import StepEnded, StepStarted  # noqa: E402
from hiptimer.plan import compile_plan  # noqa: E402
from hiptimer.results import ExerciseResult, ExerciseStatus, SetResult  # noqa: E402
from hiptimer.routine import Dose, Exercise, Routine, Timings  # noqa: E402
from hiptimer.store import SessionRecorder, Store, _exercises_json  # noqa: E402

ROUTINES = [
    ("Hip flexor release", 8),
    ("Gentle lower back", 6),
    ("Hip strengthening", 10),
    ("Desk break", 4),
    ("Mobility warm-up", 7),
]


def _exercise(
    rnd: random.Random,
    name: str,
    side: str | None,
    status: ExerciseStatus,
    planned: float,
    with_sets: bool,
) -> ExerciseResult:
    """0 to 3 sets done at their planned length; a partial exercise also has a set cut
    short (its seconds to the tenth, as the store rounds them). ``with_sets`` False:
    the sets' count only, no record of each (the log of the first benchmark)."""
    done = rnd.randint(0, 3)
    if not with_sets:
        return ExerciseResult(name, side, status, done)
    sets = [SetResult(j + 1, "done", planned) for j in range(done)]
    if status == "partial":
        sets.append(SetResult(done + 1, "partial", round(rnd.uniform(1, planned), 1)))
    return ExerciseResult(name, side, status, done, tuple(sets))


def generate(path: Path, n: int, seed: int = 1, with_sets: bool = True) -> None:
    """N varied sessions over ~270 years, written in the store's own format."""
    rnd = random.Random(seed)
    Store.open(path).close()  # schema
    tz = ZoneInfo("Europe/London")
    start = datetime(2016, 1, 1, 7, 0, tzinfo=tz)
    rows = []
    for i in range(n):
        name, count = ROUTINES[rnd.randrange(len(ROUTINES))]
        t = (start + timedelta(minutes=53 * i + rnd.randrange(40))).astimezone(tz)
        status = rnd.choices(["completed", "stopped", "interrupted"], [90, 8, 2])[0]
        exs = []
        for k in range(count):
            planned = 30.0 if k % 3 else 45.0
            st: ExerciseStatus = (
                "done" if status == "completed" else rnd.choice(["done", "partial", "skipped"])
            )
            for side in ("left", "right") if k % 2 == 0 else (None,):
                exs.append(_exercise(rnd, f"{name} exercise {k + 1}", side, st, planned, with_sets))
        active = rnd.uniform(300, 2400)
        ended = t + timedelta(seconds=active + rnd.uniform(0, 600))
        rows.append(
            (
                name,
                f"/home/me/routines/{name.lower().replace(' ', '-')}.yaml",
                f"{rnd.getrandbits(256):064x}",
                status,
                t.isoformat(timespec="seconds"),
                t.timestamp(),
                ended.isoformat(timespec="seconds"),
                ended.isoformat(timespec="seconds"),
                active,
                1.0 if rnd.random() > 0.05 else 10.0,
                rnd.choice([None, rnd.randint(1, 10)]),
                rnd.choice([None, rnd.randint(0, 10)]),
                rnd.choice(["", "", "", "left hip tight", "felt great, more range today"]),
                _exercises_json(exs),
                int(any(e.status != "skipped" for e in exs)),
            )
        )
    import sqlite3

    conn = sqlite3.connect(path)
    conn.executemany(
        "INSERT INTO sessions (routine, routine_path, routine_hash, status, started_at,"
        " started_ts, ended_at, updated_at, active_s, speed, effort, pain, note, exercises,"
        " worked) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


#: The columns each output shows, for the sqlite3 shell's reference print.
SHELL_QUERIES = {
    "table": ("-column", "id, started_at, routine, status, active_s, speed, effort, pain"),
    "csv": (
        "-csv",
        "id, routine, routine_path, routine_hash, status, started_at, ended_at, active_s,"
        " speed, effort, pain, note, exercises",
    ),
    "json": (
        "-json",
        "id, routine, routine_path, status, started_at, ended_at, active_s, speed, effort,"
        " pain, note, exercises",
    ),
}
FLAGS = {"table": [], "csv": ["--csv"], "json": ["--json"]}
#: The commands run in a folder of their own: ``python -m`` would import a ``hiptimer``
#: found in the current folder before the one on PYTHONPATH.
RUN_DIR = tempfile.gettempdir()
GOALS = {"table": 1.5, "csv": 1.5, "json": 1.0}


def run_timed(cmd: list[str]) -> tuple[float, float, int]:
    """(wall s, CPU s of the process, bytes on stdout) of one run, stdout read and dropped."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=RUN_DIR)
    assert p.stdout is not None
    size = 0
    while chunk := p.stdout.read(1 << 20):
        size += len(chunk)
    _pid, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    err = p.stderr.read() if p.stderr else b""
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}): {err.decode()[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime, size


def check_outputs(db: Path) -> int:
    """Run each output once (not timed): the JSON parses, the CSV and table have a line per
    session; returns the number of sessions shown."""
    base = [sys.executable, "-m", "hiptimer", "history", "--db", str(db)]
    out = subprocess.run([*base, "--json"], capture_output=True, check=True, cwd=RUN_DIR).stdout
    count = len(json.loads(out))
    csv_out = subprocess.run([*base, "--csv"], capture_output=True, check=True, cwd=RUN_DIR).stdout
    table = subprocess.run(base, capture_output=True, check=True, cwd=RUN_DIR).stdout
    if not (csv_out.count(b"\r\n") > count and table.count(b"\n") == count + 1):
        raise SystemExit("the CSV or the table does not have a line per session")
    return count


def time_outputs(db: Path, runs: int) -> dict[str, list[tuple[float, float, int]]]:
    """Round-robin runs of every command; name -> [(wall, cpu, bytes)]."""
    py = sys.executable
    cmds: dict[str, list[str]] = {"start-up": [py, "-m", "hiptimer", "--version"]}
    shell = shutil.which("sqlite3")
    for what in ("table", "csv", "json"):
        cmds[what] = [py, "-m", "hiptimer", "history", *FLAGS[what], "--db", str(db)]
        if shell:
            mode, cols = SHELL_QUERIES[what]
            cmds[f"sqlite3 {mode}"] = [
                shell,
                "-readonly",
                mode,
                str(db),
                f"SELECT {cols} FROM sessions WHERE speed = 1 ORDER BY started_ts DESC, id DESC",
            ]
    results: dict[str, list[tuple[float, float, int]]] = {k: [] for k in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            results[name].append(run_timed(cmd))
    return results


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} s ({min(values):.3f}-{max(values):.3f})"


def report_outputs(results: dict[str, list[tuple[float, float, int]]], runs: int) -> None:
    start = [w for w, _c, _s in results["start-up"]]
    print(f"start-up, python -m hiptimer --version: {spread(start)} wall")
    for what in ("table", "csv", "json"):
        walls = [w for w, _c, _s in results[what]]
        cpus = [c for _w, c, _s in results[what]]
        size = results[what][0][2]
        med = statistics.median(walls)
        goal = GOALS[what]
        line = (
            f"history {what:5}: {spread(walls)} wall, CPU {statistics.median(cpus):.3f} s,"
            f" {size / 1e6:.0f} MB; {med / statistics.median(start):.1f}x start-up"
        )
        mode = SHELL_QUERIES[what][0]
        ref = results.get(f"sqlite3 {mode}")
        if ref:
            ref_walls = [w for w, _c, _s in ref]
            line += (
                f", {med / statistics.median(ref_walls):.2f}x sqlite3 {mode}"
                f" ({spread(ref_walls)}, {ref[0][2] / 1e6:.0f} MB)"
            )
        line += f"   goal < {goal:g} s: {'met' if med < goal else 'NOT met'}"
        print(line)
    print(f"  ({runs} interleaved runs each; medians, min-max in brackets)")


def time_window(db: Path, runs: int) -> tuple[list[float], list[float], int]:
    """(Store.open times, window build+show+paint times, rows shown)."""
    from PySide6.QtWidgets import QApplication

    from hiptimer.qt.history import HistoryWindow

    app = QApplication.instance() or QApplication([])
    opens, builds = [], []
    rows = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        store = Store.open(db)  # the app does this once, at start-up
        t1 = time.perf_counter()
        w = HistoryWindow(store)
        w.show()
        app.processEvents()
        w.grab()  # make sure it painted
        t2 = time.perf_counter()
        opens.append(t1 - t0)
        builds.append(t2 - t1)
        rows = w.shown_rows()
        w.close()
        w.deleteLater()
        app.processEvents()
        store.close()
    return opens, builds, rows


def time_boundary_writes(db: Path, n: int) -> list[float]:
    t = Timings(prep=5, rest=10, set_rest=10, switch=5, countdown=3)
    routine = Routine(
        name="Bench",
        exercises=tuple(
            Exercise(f"Exercise {i}", Dose("hold", 30, 30, "30s"), t, sets=2, sides="each")
            for i in range(8)
        ),
        path=Path("/tmp/bench.yaml"),
        content_hash="b" * 64,
    )
    steps = compile_plan(routine).steps

    class Progress:
        def __init__(self) -> None:
            self.k = 0

        def active_seconds(self) -> float:
            return self.k * 17.5

        def progress_snapshot(self) -> EngineProgress:
            return EngineProgress(self.k, (), self.active_seconds())

        def results(self) -> list[ExerciseResult]:
            return [
                ExerciseResult(f"Exercise {i}", side, "done" if i < self.k // 4 else "skipped", 2)
                for i in range(8)
                for side in ("left", "right")
            ]

    prog = Progress()
    errors: list[str] = []
    with Store.open(db) as store:
        rec = SessionRecorder(store, routine, prog, speed=1.0, on_error=errors.append)
        rec.handle([StepStarted(steps[0], 0.0)])
        times = []
        for k in range(n):
            prog.k = k
            step = steps[k % len(steps)]
            t0 = time.perf_counter()
            rec.handle([StepEnded(step, float(k), "done")])
            times.append(time.perf_counter() - t0)
        assert rec.last_session_id is not None
        saved = store.session(rec.last_session_id)
        assert saved is not None and saved.active_s == (n - 1) * 17.5, "writes did not land"
    if errors:
        raise SystemExit(f"write failed: {errors[0]}")
    return times


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--writes", type=int, default=300)
    ap.add_argument("--cli-only", action="store_true", help="only the history command's figures")
    ap.add_argument(
        "--without-indexes",
        action="store_true",
        help="drop the indexes the app adds when it opens a log (a log it has not opened yet)",
    )
    ap.add_argument(
        "--without-sets",
        action="store_true",
        help="no record of each set in the log (as when issue 14 was measured)",
    )
    args = ap.parse_args()
    found = subprocess.run(
        [sys.executable, "-c", "import hiptimer; print(hiptimer.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=RUN_DIR,
    )
    pkg = Path(found.stdout.strip()).parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(pkg)], check=True)
    print(f"timing the hiptimer in {pkg}; load average {os.getloadavg()[0]:.2f} at the start")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite3"
        t0 = time.perf_counter()
        generate(db, args.sessions, with_sets=not args.without_sets)
        if args.without_indexes:
            import sqlite3

            conn = sqlite3.connect(db)
            for name in ("sessions_not_json", "sessions_not_a_list"):  # store.FLAG_INDEXES
                conn.execute(f"DROP INDEX IF EXISTS {name}")
            conn.commit()
            conn.close()
        print(
            f"generated {args.sessions:,} sessions"
            + (" without set records" if args.without_sets else "")
            + (", the app's indexes dropped" if args.without_indexes else "")
            + f" in {time.perf_counter() - t0:.1f} s"
            f" ({db.stat().st_size / 1e6:.0f} MB)"
        )
        shown = check_outputs(db)
        print(f"{shown:,} sessions shown (rehearsals left out)")
        report_outputs(time_outputs(db, args.runs), args.runs)
        print(f"load average {os.getloadavg()[0]:.2f} at the end")
        if args.cli_only:
            return 0
        opens, win, rows = time_window(db, args.runs)
        total = [a + b for a, b in zip(opens, win, strict=True)]
        print(
            f"HistoryWindow open (offscreen, build + show + paint): median"
            f" {statistics.median(win):.3f} s, best {min(win):.3f} s ({rows:,} rows)   goal < 1 s"
            f"\n  + Store.open (app start-up: quick_check, migrations):"
            f" median {statistics.median(opens):.3f} s;"
            f" both: median {statistics.median(total):.3f} s"
        )
        writes = sorted(time_boundary_writes(db, args.writes))
        ms = [w * 1000 for w in writes]
        print(
            f"step-boundary write ({len(ms)} writes on the {args.sessions:,}-session log):"
            f" median {statistics.median(ms):.2f} ms, p95 {ms[int(len(ms) * 0.95)]:.2f} ms,"
            f" max {ms[-1]:.2f} ms   goal median < 5 ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
