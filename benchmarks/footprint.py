"""What an installation of HipTimer weighs, and how long it takes to start.

Measures the virtual environment tools/install.sh made (or any venv with HipTimer in it):

- installed size: the whole venv, each distribution in it (from its RECORD), and in
  PySide6-Addons the part HipTimer uses (QtMultimedia with its FFmpeg plugin,
  QtTextToSpeech) against the rest (QtWebEngine, Qt 3D, Quick 3D, ...);
- start-up: `hiptimer --version` and `hiptimer list` against `python -c pass`, and the
  first window (offscreen) against a bare PySide6 window, all with the venv's Python,
  alternating in the same run; the ratios are the figures to compare between runs.

    python benchmarks/footprint.py [--venv DIR] [--runs 5]

Default venv: ${XDG_DATA_HOME:-~/.local/share}/hiptimer-venv.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

USED_BY_HIPTIMER = (
    "multimedia",
    "texttospeech",
    "ffmpeg",
    "avcodec",
    "avformat",
    "avutil",
    "swresample",
    "swscale",
)
WINDOW_MARKER = "HIPTIMER_WINDOW_SHOWN"
BARE = f"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.setCentralWidget(QLabel("hello")); w.resize(1100, 720); w.show()
QTimer.singleShot(0, lambda: (print("{WINDOW_MARKER}", flush=True), app.quit()))
sys.exit(app.exec())
"""


def tree_size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            p = Path(root) / f
            if not p.is_symlink():
                total += p.stat().st_size
    return total


def distributions(site: Path) -> dict[str, tuple[int, list[tuple[str, int]]]]:
    """name -> (bytes, [(file, bytes)]) from each dist-info's RECORD."""
    out: dict[str, tuple[int, list[tuple[str, int]]]] = {}
    for info in sorted(site.glob("*.dist-info")):
        record = info / "RECORD"
        if not record.is_file():
            continue
        files = []
        with record.open(newline="", encoding="utf-8") as fh:
            for row in csv.reader(fh):
                f = site / row[0]
                if row and f.is_file() and not f.is_symlink():
                    files.append((row[0], f.stat().st_size))
        out[info.name.split("-")[0]] = (sum(s for _, s in files), files)
    return out


def mb(n: float) -> str:
    return f"{n / 1e6:7.1f} MB"


def timed(cmd: list[str], env: dict[str, str], marker: str | None = None) -> float:
    t0 = time.perf_counter()
    if marker is None:
        subprocess.run(cmd, env=env, capture_output=True, check=True, timeout=120)
        return time.perf_counter() - t0
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert proc.stdout is not None
    seen = None
    for line in proc.stdout:
        if seen is None and line.split(" ", 1)[0].strip() == marker:
            seen = time.perf_counter() - t0
    proc.wait(timeout=120)
    if seen is None:
        raise SystemExit(f"no {marker} from {cmd}")
    return seen


def main() -> int:
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--venv",
        type=Path,
        default=data_home / "hiptimer-venv",
        help="the virtual environment to measure",
    )
    ap.add_argument("--runs", type=int, default=5, help="start-up runs of each command")
    args = ap.parse_args()
    venv: Path = args.venv
    py = venv / "bin" / "python"
    if not py.exists():
        print(
            f"no virtual environment at {venv}; run tools/install.sh or pass --venv",
            file=sys.stderr,
        )
        return 1
    site = next((venv / "lib").glob("python3*/site-packages"))

    print(f"== installed size: {venv}")
    print(f"venv total            {mb(tree_size(venv))}")
    dists = distributions(site)
    for name, (size, _files) in sorted(dists.items(), key=lambda kv: -kv[1][0]):
        print(f"  {name:<20}{mb(size)}")
    addons = dists.get("pyside6_addons") or dists.get("PySide6_Addons")
    if addons:
        used = sum(s for f, s in addons[1] if any(k in f.lower() for k in USED_BY_HIPTIMER))
        print(
            f"PySide6-Addons: used by HipTimer (QtMultimedia, QtTextToSpeech, FFmpeg) "
            f"{mb(used)}, the rest {mb(addons[0] - used)}"
        )

    env = dict(
        os.environ, QT_QPA_PLATFORM="offscreen", HIPTIMER_BENCH_STARTUP="1", HIPTIMER_NO_VOICE="1"
    )
    hip = [str(venv / "bin" / "hiptimer")]
    cases = {
        "python -c pass": ([str(py), "-c", "pass"], None),
        "hiptimer --version": (hip + ["--version"], None),
        "hiptimer list": (hip + ["list"], None),
        "bare PySide6 window": ([str(py), "-c", BARE], WINDOW_MARKER),
        "hiptimer first window": (hip, WINDOW_MARKER),
    }
    times: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(args.runs):
        for name, (cmd, marker) in cases.items():
            times[name].append(timed(cmd, env, marker))
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"== start-up, median of {args.runs} (offscreen)")
    for name, t in med.items():
        base = "bare PySide6 window" if "window" in name else "python -c pass"
        ratio = "" if name == base else f"  {t / med[base]:5.2f}x {base}"
        print(f"{name:<24}{t * 1000:7.0f} ms{ratio}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
