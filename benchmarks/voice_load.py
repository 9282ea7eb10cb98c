#!/usr/bin/env python3
"""How long the GUI thread stalls while the real speech engine starts.

What it measures: each run is a fresh process (a QApplication on the offscreen
platform) whose GUI thread runs a 5 ms precise QTimer; the figure is the longest
gap between two of its ticks from just before the engine is asked for until
200 ms after it is ready (a timer that fires on time gives about 5 ms). Also
the time until the engine was ready. Three ways of making the engine, in turns,
``--runs`` times each:

* ``gui``: ``QTextToSpeech(engine)`` on the GUI thread (how HipTimer did it);
* ``pythread``: the same constructor in a Python slot on a worker QThread (the
  obvious fix; PySide6 holds the GIL through the call, so the GUI thread, which
  needs the GIL to run its Python, stalls all the same);
* ``voice``: ``hiptimer.qt.cues.Voice``, which loads the engine on its own
  thread as a queued Qt meta-call, in C++, with the GIL free.

Prints the median, min and max of each, and each median's ratio to ``gui``'s.

Leaves out: the speech probe (a child process, already off the GUI thread),
speech itself (nothing is said), and whether speech-dispatcher was already
running: the first run may also start it (it stays up between runs), so that
run's load is longer for whichever way came first. Needs a working speech
engine (speech-dispatcher with espeak-ng); ``--engine mock`` checks the
plumbing anywhere (it loads in microseconds, so every way is near 5 ms).

    python benchmarks/voice_load.py [--runs 5] [--engine speechd]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WAYS = ("gui", "pythread", "voice")

CHILD = r"""
import json, os, sys, time
from PySide6.QtCore import QObject, QThread, QTimer, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication

way, engine = sys.argv[1], sys.argv[2]
app = QApplication([])
gaps: list[float] = []
last = [0.0]
result: dict[str, float] = {}


def tick() -> None:
    now = time.monotonic()
    if last[0]:
        gaps.append(now - last[0])
    last[0] = now


timer = QTimer()
timer.setTimerType(Qt.TimerType.PreciseTimer)
timer.setInterval(5)
timer.timeout.connect(tick)


def finish() -> None:
    result["ready_s"] = time.monotonic() - t0
    QTimer.singleShot(200, done)


def done() -> None:
    result["max_gap_ms"] = max(gaps) * 1000
    print(json.dumps(result), flush=True)
    if way == "voice":
        app.quit()  # joins the voice's thread on the way out
    else:  # the engine on a worker thread, made from Python, can hang the exit: not measured
        os._exit(0)


class Maker(QObject):
    made = Signal()

    @Slot()
    def make(self) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        self.tts = QTextToSpeech(engine, self)
        self.made.emit()


keep: list[object] = []


def go() -> None:
    global t0
    from PySide6.QtTextToSpeech import QTextToSpeech  # imported before the clock starts

    from hiptimer.qt import cues

    t0 = time.monotonic()
    gaps.clear()  # only what follows counts (not the imports above)
    last[0] = t0
    if way == "gui":
        keep.append(QTextToSpeech(engine))
        finish()
    elif way == "pythread":
        thread, maker = QThread(), Maker()
        maker.moveToThread(thread)
        thread.started.connect(maker.make)
        maker.made.connect(finish)  # queued back to the GUI thread
        app.aboutToQuit.connect(lambda: (thread.quit(), thread.wait()))
        keep.extend((thread, maker))
        thread.start()
    else:
        cues.Voice._available = True  # the probe is not what is measured
        voice = cues.Voice(engine)
        voice.engine_ready.connect(finish)
        voice.engine_failed.connect(lambda why: (print(why, file=sys.stderr), app.exit(1)))
        app.aboutToQuit.connect(voice.close)  # joins the thread
        keep.append(voice)


timer.start()
QTimer.singleShot(100, go)
sys.exit(app.exec())
"""


def run_once(way: str, engine: str) -> dict[str, float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    env.pop("HIPTIMER_NO_VOICE", None)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, way, engine],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def summary(values: list[float]) -> str:
    med = statistics.median(values)
    return f"median {med:7.1f}  min {min(values):7.1f}  max {max(values):7.1f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--engine", default="speechd", help="QtTextToSpeech engine (default speechd)")
    args = ap.parse_args()
    got: dict[str, list[dict[str, float]]] = {w: [] for w in WAYS}
    for _ in range(args.runs):
        for way in WAYS:
            got[way].append(run_once(way, args.engine))
    base = statistics.median(r["max_gap_ms"] for r in got["gui"])
    print(f"engine {args.engine!r}, {args.runs} runs each, GUI timer every 5 ms")
    for way in WAYS:
        gaps = [r["max_gap_ms"] for r in got[way]]
        ready = [r["ready_s"] * 1000 for r in got[way]]
        ratio = statistics.median(gaps) / base if base else float("nan")
        print(f"{way:9s} longest GUI stall ms: {summary(gaps)}  ({ratio:.2f}x gui)")
        print(f"{'':9s} engine ready after ms: {summary(ready)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
