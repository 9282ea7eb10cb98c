"""CPU while a hold runs, and repaints when nothing moves.

Shows the player offscreen at 1920x1080, runs a plain hold at real speed for
``--seconds`` (default 30) and prints the process CPU time used as a share of
one core (goal: under 3%), with the paint events per second of the countdown
dial and of the whole window. Then pauses for a few seconds (nothing moves:
the goal is zero repaints) and, for comparison, runs a breath hold, whose
pacer animates on purpose.

    python benchmarks/cpu_hold.py
    python benchmarks/cpu_hold.py --seconds 10
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from hiptimer.clock import MonotonicClock  # noqa: E402
from hiptimer.engine import Session  # noqa: E402
from hiptimer.plan import compile_plan  # noqa: E402
from hiptimer.qt.controller import SessionController  # noqa: E402
from hiptimer.qt.player import PlayerWidget  # noqa: E402
from hiptimer.routine import Dose, Exercise, Routine, Timings  # noqa: E402

GOAL_PERCENT = 3.0


class PaintCounter(QObject):
    """Counts Paint events delivered to any widget."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run_for(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def measure(
    label: str, player: PlayerWidget, counter: PaintCounter, seconds: float
) -> tuple[float, float, float]:
    """(CPU % of one core, dial paints/s, window paints/s) over ``seconds``."""
    run_for(0.6)  # let the boundary flash finish first
    dial0, all0 = player.dial.paint_count, counter.count
    cpu0, pt0, t0 = cpu_seconds(), time.process_time(), time.monotonic()
    run_for(seconds)
    wall = time.monotonic() - t0
    cpu = cpu_seconds() - cpu0
    pt = time.process_time() - pt0
    dial = (player.dial.paint_count - dial0) / wall
    every = (counter.count - all0) / wall
    pct = 100 * cpu / wall
    print(
        f"{label:<26} {wall:6.1f} s  CPU {pct:5.2f}% of one core "
        f"(process_time {100 * pt / wall:5.2f}%)  dial {dial:5.2f} paints/s  "
        f"window {every:6.2f} paints/s",
        flush=True,
    )
    return pct, dial, every


def session_for(exercise: Exercise) -> Session:
    return Session(compile_plan(Routine("CPU benchmark", (exercise,))), MonotonicClock())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=30.0, help="length of the measured hold")
    args = ap.parse_args(argv)
    app = QApplication(sys.argv[:1])
    counter = PaintCounter()
    app.installEventFilter(counter)
    t = Timings(prep=0, rest=0, set_rest=0, switch=0, breath=5, countdown=3)

    hold_s = args.seconds + 10
    session = session_for(Exercise("Hold", Dose("hold", hold_s, hold_s, f"{hold_s:g}s"), t))
    controller = SessionController(session)
    player = PlayerWidget(controller)
    player.resize(1920, 1080)
    player.show()
    controller.start()
    pct, dial, _ = measure("hold (running)", player, counter, args.seconds)
    controller.toggle()
    _p, paused_dial, paused_all = measure("hold (paused)", player, counter, 5.0)
    controller.stop()
    player.close()

    breaths = int(args.seconds / 5) + 4
    s2 = session_for(
        Exercise("Breaths", Dose("breaths", breaths, breaths, f"{breaths} breaths"), t)
    )
    c2 = SessionController(s2)
    p2 = PlayerWidget(c2)
    p2.resize(1920, 1080)
    p2.show()
    c2.start()
    measure("breath hold (pacer moves)", p2, counter, min(args.seconds, 15.0))
    p2.set_reduced_motion(True)
    measure("breath hold, reduced motion", p2, counter, min(args.seconds, 15.0))
    c2.stop()

    ok = pct < GOAL_PERCENT and paused_dial == 0 and paused_all == 0 and dial <= 1.1
    print(
        f"hold: {pct:.2f}% of one core (goal < {GOAL_PERCENT:g}%), dial {dial:.2f} paints/s "
        f"(once per displayed second), paused: {paused_all:.2f} paints/s (goal 0)"
    )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
