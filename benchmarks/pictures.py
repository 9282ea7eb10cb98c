"""How long a moving exercise picture takes to draw, frame by frame.

For every bundled picture with more than one key pose, each frame of a rep is an
interpolated pose (hiptimer.figure.interpolate) written as SVG (render_svg) and drawn by
QSvgRenderer. This script times, over all those pictures and many blend steps:

  build    interpolate + render_svg: the SVG string of one frame (goal: well under 1 ms)
  parse    QSvgRenderer(bytes): Qt reading that string
  paint    QSvgRenderer.render into a 1920x1080 QImage, the figure filling the height
  frame    parse + paint, what an uncached frame costs the app (goal: under 2 ms)

against a baseline measured in the same run: filling the same 1920x1080 QImage with a
colour (the least any full-screen frame costs). Prints median, min and max per step, in
wall time and in this process's CPU time. On a shared machine the wall medians carry the
waits for a core; the CPU medians and the wall minimums are what drawing itself costs,
and the goals are judged on the CPU medians.

    python benchmarks/pictures.py
    python benchmarks/pictures.py --frames 400
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

from PySide6.QtCore import QByteArray, QRectF  # noqa: E402
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

from hiptimer.figure import PICTURES, Pose, interpolate, render_svg  # noqa: E402

GOAL_BUILD_MS = 1.0
GOAL_FRAME_MS = 2.0
W, H = 1920, 1080


def frames(n: int) -> list[Pose]:
    """n poses spread over every moving picture's key-pose transitions."""
    pairs = [
        (p.keys[i], p.keys[(i + 1) % len(p.keys)])
        for p in PICTURES.values()
        if len(p.keys) > 1
        for i in range(len(p.keys))
    ]
    return [interpolate(*pairs[i % len(pairs)], (i * 7 % 23) / 22) for i in range(n)]


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000.0)
    return out


def row(name: str, ms: list[float], base: float | None = None) -> str:
    med = statistics.median(ms)
    ratio = f"  {med / base:6.1f}x fill" if base else ""
    return f"{name:<8} median {med:7.3f} ms   min {min(ms):7.3f}   max {max(ms):7.3f}{ratio}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--frames", type=int, default=300)
    args = ap.parse_args()
    QGuiApplication(sys.argv[:1])

    poses = frames(args.frames)
    # Warm up imports, caches and Qt's SVG module.
    for p in poses[:20]:
        QSvgRenderer(QByteArray(render_svg(p).encode()))

    wall: dict[str, list[float]] = {k: [] for k in ("fill", "build", "parse", "paint")}
    cpu: dict[str, list[float]] = {k: [] for k in ("fill", "build", "parse", "paint")}
    img = QImage(W, H, QImage.Format.Format_ARGB32_Premultiplied)
    target = QRectF((W - H * 4 / 3) / 2, 0, H * 4 / 3, H)  # the 4:3 picture, full height
    bg = QColor("#15171a")
    svg = ""
    r = QSvgRenderer()

    def step(name: str, fn: Callable[[], None]) -> None:
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall[name].append((time.perf_counter() - w0) * 1000)
        cpu[name].append((time.process_time() - c0) * 1000)

    for a, b in zip(poses, poses[1:] + poses[:1], strict=True):

        def build(a: Pose = a, b: Pose = b) -> None:
            nonlocal svg
            svg = render_svg(interpolate(a, b, 0.5))

        def parse() -> None:
            nonlocal r
            r = QSvgRenderer(QByteArray(svg.encode()))

        def paint() -> None:
            img.fill(bg)
            p = QPainter(img)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            r.render(p, target)
            p.end()

        step("build", build)
        step("parse", parse)
        step("paint", paint)
        step("fill", lambda: img.fill(bg))
    for d in (wall, cpu):
        d["frame"] = [x + y for x, y in zip(d["parse"], d["paint"], strict=True)]
    moving = sum(len(p.keys) > 1 for p in PICTURES.values())
    print(f"{len(poses)} frames of {moving} moving pictures, {W}x{H}, QSvgRenderer, offscreen")
    for label, d in (("wall", wall), ("cpu", cpu)):
        print(f"-- {label} time")
        base = statistics.median(d["fill"])
        for name in ("fill", "build", "parse", "paint", "frame"):
            print(row(name, d[name], base if name in ("paint", "frame") else None))
    ok_build = statistics.median(cpu["build"]) < GOAL_BUILD_MS
    ok_frame = statistics.median(cpu["frame"]) < GOAL_FRAME_MS
    print(
        f"goals (CPU medians): build < {GOAL_BUILD_MS} ms {'met' if ok_build else 'MISSED'}; "
        f"frame < {GOAL_FRAME_MS} ms {'met' if ok_frame else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
