#!/usr/bin/env python3
"""What the presenter's live copy of the class's screen costs.

The presenter view shows a picture of the projector's player: after each change
(once a second while a countdown runs, and at each event) it grabs the player as
drawn at the projector's size and scales it into its box. This measures one such
copy (grab + smooth scaling into a 480×270 box) of the real PlayerWidget at
1920×1080 during a hold with a picture, against a baseline measured in the same run:
filling and scaling a plain 1920×1080 pixmap (what any copy costs at least), and
the player's own repaint at that size (what the projector costs anyway).

Prints per-copy wall and CPU time (median of ``--runs`` batches of ``--count``), the
ratio to each baseline, and the share of one core at one copy a second.

    QT_QPA_PLATFORM=offscreen python benchmarks/presenter_copy.py [--runs 5] [--count 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSize, Qt  # noqa: E402
from PySide6.QtGui import QColor, QPixmap  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from hiptimer import loader  # noqa: E402
from hiptimer.clock import FakeClock  # noqa: E402
from hiptimer.engine import Session  # noqa: E402
from hiptimer.plan import compile_plan  # noqa: E402
from hiptimer.qt.controller import SessionController  # noqa: E402
from hiptimer.qt.player import PlayerWidget  # noqa: E402
from hiptimer.resources import routines_dir  # noqa: E402

BOX = QSize(480, 270)


def timed(fn: Callable[[], object], count: int) -> tuple[float, float]:
    """(wall ms, CPU ms) per call."""
    w0, c0 = time.perf_counter(), time.process_time()
    for _ in range(count):
        fn()
    return (
        (time.perf_counter() - w0) * 1000 / count,
        (time.process_time() - c0) * 1000 / count,
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--count", type=int, default=30)
    a = ap.parse_args()
    app = QApplication(sys.argv[:1])
    routine = loader.load_routine(routines_dir() / "hip-flexor-release.yaml")
    clock = FakeClock()
    session = Session(compile_plan(routine), clock)
    controller = SessionController(session)
    player = PlayerWidget(controller)
    player.set_presenting(True)
    player.resize(1920, 1080)
    player.show()
    controller.start()
    while session.step is not None and session.step.kind != "work":
        controller.next()
    clock.advance(3.0)
    controller.poll()
    app.processEvents()

    def copy() -> None:
        player.grab().scaled(
            BOX, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )

    def plain() -> None:
        pix = QPixmap(1920, 1080)
        pix.fill(QColor("#0a0b0d"))
        pix.scaled(
            BOX, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )

    def repaint() -> None:
        player.repaint()

    results: dict[str, list[tuple[float, float]]] = {"copy": [], "plain": [], "repaint": []}
    for _ in range(a.runs):
        for name, fn in (("copy", copy), ("plain", plain), ("repaint", repaint)):
            results[name].append(timed(fn, a.count))
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
           for k, v in results.items()}  # fmt: skip
    print(f"presenter copy of a 1920x1080 player into {BOX.width()}x{BOX.height()}, "
          f"{a.runs} runs x {a.count}")  # fmt: skip
    for name, label in (
        ("copy", "grab + scale (the copy)"),
        ("plain", "fill + scale a plain pixmap (baseline)"),
        ("repaint", "the player's own repaint (baseline)"),
    ):
        w, c = med[name]
        print(f"  {label:42s} {w:7.2f} ms wall  {c:7.2f} ms CPU")
    cw, cc = med["copy"]
    print(f"  copy / plain pixmap: {cw / med['plain'][0]:.1f}x wall")
    print(f"  copy / player repaint: {cw / med['repaint'][0]:.1f}x wall")
    print(f"  at one copy a second: {cc / 10:.2f} % of one core")
    player.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
