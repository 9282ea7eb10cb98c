"""What a step boundary costs the GUI thread while another process holds the log's lock.

Run by hand: ``python benchmarks/log_writes.py``. A child process takes SQLite's
write lock (BEGIN IMMEDIATE) for HOLD_S seconds; meanwhile the recorder handles
step boundaries as the app does. Printed: the time each ``handle()`` call took on
the calling (GUI) thread, with the app's background writer and, as the baseline
in the same run, with a store written synchronously (as before the writer).
Goal: the background writer's max under 50 ms.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hiptimer.engine import Progress  # noqa: E402
from hiptimer.events import SessionFinished, StepEnded, StepStarted  # noqa: E402
from hiptimer.results import ExerciseResult  # noqa: E402
from hiptimer.routine import Dose, Exercise, Routine, Timings  # noqa: E402
from hiptimer.store import SessionRecorder, Store  # noqa: E402

HOLD_S = 2.0
STEPS = 20

_HOLDER = """
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
c.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
c.execute("ROLLBACK")
"""


class _Session:
    def __init__(self) -> None:
        self.t = 0.0

    def active_seconds(self) -> float:
        return self.t

    def results(self) -> list[ExerciseResult]:
        return [ExerciseResult("Lunge", "left", "done", 2)]

    def progress_snapshot(self) -> Progress:
        return Progress(0, (), self.t)


def _routine() -> Routine:
    ex = Exercise(name="Lunge", dose=Dose("hold", 30, 30, "30s"), timings=Timings())
    return Routine(name="Bench", exercises=(ex,), path=Path("/r.yaml"), content_hash="h")


def measure(db: Path, background: bool) -> list[float]:
    store = Store.open(db, background=background)
    sess = _Session()
    errors: list[str] = []
    rec = SessionRecorder(store, _routine(), sess, speed=1.0, on_error=errors.append)
    step = object()
    rec.handle([StepStarted(step, 0.0)])  # type: ignore[arg-type]
    if store.writer is not None:
        store.writer.flush(10)
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(db), str(HOLD_S)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    times: list[float] = []
    for i in range(STEPS):
        sess.t = float(i)
        t = time.perf_counter()
        rec.handle([StepEnded(step, 5.0, "done"), StepStarted(step, 5.0)])  # type: ignore[arg-type]
        times.append(time.perf_counter() - t)
        time.sleep(HOLD_S / STEPS)  # steps arrive over the time the lock is held
    rec.handle([SessionFinished(float(STEPS), "completed")])
    holder.wait()
    store.close(timeout=10)
    return times


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "log.sqlite3"
        Store.open(db).close()
        bg = measure(db, background=True)
        sync = measure(db, background=False)
    for name, ts in (("background writer (the app)", bg), ("synchronous (baseline)", sync)):
        ms = [t * 1000 for t in ts]
        print(
            f"{name:28} handle() on the GUI thread: median {statistics.median(ms):7.2f} ms,"
            f" max {max(ms):8.2f} ms over {len(ms)} boundaries"
        )
    ratio = max(sync) / max(bg) if max(bg) else float("inf")
    print(f"worst case, synchronous / background: {ratio:,.0f}x   goal: background max < 50 ms")
    return 0 if max(bg) < 0.05 else 1


if __name__ == "__main__":
    raise SystemExit(main())
