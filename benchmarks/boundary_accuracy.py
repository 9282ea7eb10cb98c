"""Step-boundary accuracy at real speed: when does each StepStarted arrive?

Runs a routine (default: about 10 minutes of real time) offscreen with the
real SessionController and PlayerWidget on the monotonic clock, and records
for every StepStarted the real time it reached the controller's listeners
against the instant the plan gives it. Prints each boundary's error and the
worst. Goal: every boundary within 5 ms of plan.

    python benchmarks/boundary_accuracy.py                 # 10 min, real speed
    python benchmarks/boundary_accuracy.py --minutes 1     # shorter
    python benchmarks/boundary_accuracy.py --speed 10      # 10x faster clock
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from hiptimer.clock import MonotonicClock  # noqa: E402
from hiptimer.engine import Session  # noqa: E402
from hiptimer.events import Event, StepStarted  # noqa: E402
from hiptimer.plan import Plan, compile_plan  # noqa: E402
from hiptimer.qt.controller import SessionController  # noqa: E402
from hiptimer.qt.player import PlayerWidget  # noqa: E402
from hiptimer.routine import Dose, Exercise, Routine, Timings  # noqa: E402

GOAL_MS = 5.0


def build_plan(engine_seconds: float) -> Plan:
    """Holds (one side and each side), breath holds and tempo reps, repeated
    until the plan lasts ``engine_seconds``."""
    t = Timings(prep=5, rest=10, set_rest=15, switch=5, breath=5, countdown=3)
    kinds = [
        Exercise("Hold", Dose("hold", 30, 30, "30s"), t),
        Exercise("Sided hold", Dose("hold", 20, 20, "20s"), t, sides="each"),
        Exercise("Breathing", Dose("breaths", 4, 6, "4–6 breaths"), t),
        Exercise("Tempo reps", Dose("reps", 6, 6, "6 reps", 3.0), t, sets=2),
    ]
    exercises: list[Exercise] = []
    while True:
        exercises.append(kinds[len(exercises) % len(kinds)])
        plan = compile_plan(Routine("Boundary benchmark", tuple(exercises)))
        if plan.duration_s >= engine_seconds:
            return plan


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=10.0, help="real minutes to run (default 10)")
    ap.add_argument("--speed", type=float, default=1.0, help="clock speed (default 1: real time)")
    ap.add_argument("--quiet", action="store_true", help="print only the summary")
    args = ap.parse_args(argv)

    app = QApplication(sys.argv[:1])
    clock = MonotonicClock(args.speed)
    plan = build_plan(args.minutes * 60 * args.speed)
    session = Session(plan, clock)
    controller = SessionController(session)
    player = PlayerWidget(controller)
    player.resize(1920, 1080)
    player.show()

    rows: list[tuple[int, str, float, float]] = []  # index, kind, planned real s, error ms

    def listener(events: list[Event]) -> None:
        now = clock.now()  # read once, as the batch arrives
        for e in events:
            if isinstance(e, StepStarted):
                late_ms = (now - e.at) / args.speed * 1000
                rows.append((e.step.index, e.step.kind, e.step.start_s / args.speed, late_ms))

    controller.add_listener(listener)
    controller.finished.connect(lambda _status: app.quit())
    real_total = plan.duration_s / args.speed
    print(
        f"{len(plan.steps)} steps, {real_total / 60:.1f} min real at speed {args.speed:g}; "
        f"running offscreen with the player shown at 1920x1080…",
        flush=True,
    )
    t0 = time.monotonic()
    controller.start()
    app.exec()
    wall = time.monotonic() - t0

    errors = [r[3] for r in rows[1:]]  # the first StepStarted is the Start press itself
    if not args.quiet:
        print(f"{'step':>5} {'kind':<9} {'planned (s)':>12} {'error (ms)':>11}")
        for idx, kind, planned, err in rows:
            print(f"{idx:>5} {kind:<9} {planned:>12.3f} {err:>11.3f}")
    worst = max(errors, key=abs) if errors else 0.0
    print(
        f"boundaries: {len(errors)}  ran {wall:.1f} s  "
        f"mean {statistics.fmean(errors) if errors else 0:.3f} ms  "
        f"median {statistics.median(errors) if errors else 0:.3f} ms  "
        f"worst {worst:.3f} ms  (goal: every boundary within {GOAL_MS:g} ms)"
    )
    ok = all(abs(e) <= GOAL_MS for e in errors)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
