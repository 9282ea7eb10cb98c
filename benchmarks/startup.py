"""Time from launch to the first window shown: HipTimer against a bare PySide6 window.

Both run as fresh subprocesses in the same run, alternating, so disk caches and
CPU load affect them alike. Each prints a marker from a zero-delay timer after
``show()`` (the first event-loop turn once the window is mapped); the time is
measured from just before ``Popen`` to the marker on stdout. Goal: HipTimer
within 1.5x of the bare window.

    python benchmarks/startup.py [--runs 7] [--platform offscreen|xcb]

With ``--platform xcb`` run it under X (for example ``xvfb-run -a``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MARKER = "HIPTIMER_WINDOW_SHOWN"
MARKERS = (MARKER, "HIPTIMER_LIBRARY_READY", "HIPTIMER_READY")

BARE = f"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
app = QApplication(sys.argv[:1])
w = QMainWindow()
w.setWindowTitle("bare")
w.setCentralWidget(QLabel("hello"))
w.resize(1100, 720)
w.show()
def done():
    print("{MARKER}", flush=True)
    app.quit()
QTimer.singleShot(0, done)
sys.exit(app.exec())
"""


def _time_once(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    """Seconds from launch to each marker the process prints."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    seen: dict[str, float] = {}
    for line in proc.stdout:
        word = line.split(" ", 1)[0].strip()
        if word in MARKERS:
            seen[word] = time.perf_counter() - t0
    proc.wait(timeout=60)
    if MARKER not in seen:
        err = proc.stderr.read() if proc.stderr else ""
        raise SystemExit(f"no window marker from {cmd[:3]}...: {err.strip()[-500:]}")
    return seen


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--platform", default=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    a = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        env["QT_QPA_PLATFORM"] = a.platform
        env["XDG_DATA_HOME"] = str(Path(tmp) / "data")
        env["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")
        env["HIPTIMER_BENCH_STARTUP"] = "1"
        # An installed package has its bytecode compiled (pip does it); a checkout run with
        # PYTHONDONTWRITEBYTECODE would recompile every module on every launch. Let the
        # warm-up write __pycache__ (git-ignored) so both sides start from bytecode.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        bare_cmd = [sys.executable, "-c", BARE]
        app_cmd = [
            sys.executable, "-m", "hiptimer", "--db", str(Path(tmp) / "log.sqlite3"),
            "--audio-backend", "none",
        ]  # fmt: skip
        # one warm-up of each (bytecode compile, font cache)
        _time_once(bare_cmd, env)
        _time_once(app_cmd, env)
        bare: list[float] = []
        app: dict[str, list[float]] = {m: [] for m in MARKERS}
        for _ in range(a.runs):
            bare.append(_time_once(bare_cmd, env)[MARKER])
            for m, t in _time_once(app_cmd, env).items():
                app[m].append(t)

    mb = statistics.median(bare)
    print(f"platform: {a.platform}, runs: {a.runs} each (alternating, after one warm-up)")
    print(f"bare PySide6 window shown:        median {mb * 1000:7.1f} ms")
    labels = {
        MARKER: "HipTimer window shown:",
        "HIPTIMER_LIBRARY_READY": "HipTimer routines listed:",
        "HIPTIMER_READY": "HipTimer session log open:",
    }
    for m in MARKERS:
        if app[m]:
            med = statistics.median(app[m])
            print(f"{labels[m]:33s} median {med * 1000:7.1f} ms  ({med / mb:.2f}x bare)")
    ratio = statistics.median(app[MARKER]) / mb
    verdict = "OK" if ratio <= 1.5 else "OVER"
    print(f"first window ratio: {ratio:.2f}x (goal: within 1.5x) -> {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
