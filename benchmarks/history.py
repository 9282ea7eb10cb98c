"""Session log figures (run by hand: ``python benchmarks/history.py [--sessions N]``).

* ``hiptimer history --json`` over N logged sessions (default 100,000), as a
  subprocess, wall time including interpreter start-up. Goal: < 1 s.
* Opening the HistoryWindow (offscreen) over the same log: Store.open, the
  window built, shown and painted. Goal: < 1 s.
* A step-boundary write (SessionRecorder handling StepEnded -> UPDATE in a
  BEGIN IMMEDIATE transaction, WAL, synchronous=NORMAL), on the big log.
  Goal: median < 5 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from hiptimer.events import StepEnded, StepStarted  # noqa: E402
from hiptimer.plan import compile_plan  # noqa: E402
from hiptimer.results import ExerciseResult  # noqa: E402
from hiptimer.routine import Dose, Exercise, Routine, Timings  # noqa: E402
from hiptimer.store import SessionRecorder, Store, _exercises_json  # noqa: E402

ROUTINES = [
    ("Hip flexor release", 8),
    ("Gentle lower back", 6),
    ("Hip strengthening", 10),
    ("Desk break", 4),
    ("Mobility warm-up", 7),
]


def generate(path: Path, n: int, seed: int = 1) -> None:
    """N varied sessions over ~10 years, written in the store's own format."""
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
            st = "done" if status == "completed" else rnd.choice(["done", "partial", "skipped"])
            for side in ("left", "right") if k % 2 == 0 else (None,):
                exs.append(ExerciseResult(f"{name} exercise {k + 1}", side, st, rnd.randint(0, 3)))
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


def time_cli(db: Path, runs: int) -> tuple[list[float], int, int]:
    times = []
    count = size = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(
            [sys.executable, "-m", "hiptimer", "history", "--json", "--db", str(db)],
            capture_output=True,
            check=True,
        )
        times.append(time.perf_counter() - t0)
        size = len(p.stdout)
        count = len(json.loads(p.stdout))
    return times, count, size


def time_startup(runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import hiptimer.cli"], check=True)
        out.append(time.perf_counter() - t0)
    return out


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
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--writes", type=int, default=300)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite3"
        t0 = time.perf_counter()
        generate(db, args.sessions)
        print(
            f"generated {args.sessions:,} sessions in {time.perf_counter() - t0:.1f} s"
            f" ({db.stat().st_size / 1e6:.0f} MB)"
        )
        startup = time_startup(args.runs)
        cli, count, size = time_cli(db, args.runs)
        print(
            f"hiptimer history --json: median {statistics.median(cli):.3f} s, best {min(cli):.3f} s"
            f" ({count:,} sessions, {size / 1e6:.0f} MB of JSON; interpreter + import alone"
            f" {statistics.median(startup):.3f} s)   goal < 1 s"
        )
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
