#!/usr/bin/env python3
"""CPU while a hold runs: the app AND the sound server, as a user runs it.

What it runs: ``hiptimer ROUTINE --start`` (the installed app, a real X server
from DISPLAY, the real cue backend) on a 90 s plain hold, and on a breath hold
(the pacer animates on purpose), each for a measured window in the middle of
the hold (``--seconds``, default 30, after a settling time so start-up and the
first cue are left out). CPU time comes from /proc: the app's process (every
thread) and the PulseAudio server's (its pid file from .ci/pulse.sh), as a
share of one core; the server's own idle rate, measured in the same run with
no client, is subtracted to give its EXTRA work (/proc counts in 10 ms ticks: over
a 30 s window a figure is good to about 0.03 %). Context switches per second
(voluntary + involuntary, every thread of the app) count the wake-ups.

Configurations, in turns, ``--runs`` times: the qt backend in "open" mode
(cues written ahead into one long-buffered stream, PulseAudio asked for a
long buffer too: the default), the same with Qt's own PulseAudio buffer
("open-qtbuf", HIPTIMER_CUE_SERVER_MS=0: 21 ms, how it was before), in "gaps"
mode (the stream closed between cues) and ``--audio-backend none`` (the
reference: the same window with no sound at all). Prints median, min and max.
``--plain`` leaves out the breath holds. ``breaths-picture`` is the breath hold
with the catalogue's child's pose beside the pacer, swelling with each breath (the
picture's share is its difference from ``breaths``). ``--only TEXT`` runs the
configurations whose label contains TEXT; ``--reference DIR`` runs each of them also
with the app's code from the source tree DIR (PYTHONPATH), in turns with this one:
the code before a change, measured in the same run. ``--fullscreen`` shows the
player fullscreen (the picture is then as large as the screen allows) instead of
in its 1100x720 window.

Frames: the X DAMAGE extension (python-xlib, the ``bench`` extra) counts the frames
each configuration puts on the screen during its window (damage reports closer than
5 ms apart are one frame) and the pixels they cover. With a breath hold measured, a
second reference runs after it in each run: **qt-floor**, a bare PySide6 window of
the same size whose C++ QTimer repaints a plain square, no Python per frame, at the
frame rate and frame size the breath hold (no sound) just showed. It is what any
Qt animation of that many frames costs on this machine, the price of the frames
alone: the app's breath hold less the floor is what HipTimer's own code adds.

Leaves out: the X server's and the compositor's work (Xvfb has no GPU), the
voice (HIPTIMER_NO_VOICE=1: a speech engine only works while it speaks), the
start-up, and the hold's last seconds (countdown ticks and the stop cue).

    Xvfb :26 & export DISPLAY=:26
    eval "$(bash .ci/pulse.sh start)"
    python benchmarks/cpu_hold.py [--runs 3] [--seconds 30]
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# benchmarks/startup.py: SIGTERM (the app's quit), then kill; the X screen's DAMAGE reports
from startup import Screen, launcher, quit_app

HOLD = """\
name: CPU hold
defaults: {prep: 0, countdown: 3}
exercises:
  - name: Plain hold
    hold: 90s
"""
BREATHS = """\
name: CPU breaths
defaults: {prep: 0, countdown: 3, breath: 5}
exercises:
  - name: Breath hold
    hold: 20 breaths
"""
BREATHS_PICTURE = """\
name: CPU breaths with a picture
defaults: {prep: 0, countdown: 3, breath: 5}
exercises:
  - use: childs-pose
    hold: 20 breaths
"""
#: The floor: Qt alone drawing frames. A C++ QTimer connected to a C++ slot (update), so
#: no Python runs per frame; the square has a style sheet background, as the app's
#: widgets do, and sits in the middle of a window the size of the player's.
FLOOR = """
import os, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv[:1])
w = QWidget()
w.setWindowTitle("qt-floor")
w.setStyleSheet("background: #0b0d10;")
w.resize(1100, 720)
side = int(os.environ["FLOOR_SIDE"])
square = QWidget(w)
square.setStyleSheet("background: #3ecf6e;")
timer = QTimer()
timer.setInterval(max(1, round(1000 / float(os.environ["FLOOR_FPS"]))))
timer.timeout.connect(square.update)
def place():
    square.setGeometry((w.width() - side) // 2, (w.height() - side) // 2, side, side)
w.resizeEvent = lambda _e: place()
w.showFullScreen() if os.environ.get("FLOOR_FULLSCREEN") else w.show()
place()
timer.start()
sys.exit(app.exec())
"""
TICK = os.sysconf("SC_CLK_TCK")


def cpu_s(pid: int) -> float:
    """utime + stime of a process, all its threads, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def switches(pid: int) -> int:
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            for line in (task / "status").read_text().splitlines():
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def pulse_pid() -> int | None:
    folder = Path(os.environ.get("HIPTIMER_PULSE_DIR", "/tmp/hiptimer-pulse"))
    try:
        pid = int((folder / "pulseaudio.pid").read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def measure(
    routine: Path,
    backend: str,
    mode: str,
    settle: float,
    seconds: float,
    tmp: Path,
    extra_env: dict[str, str] | None = None,
    fullscreen: bool = False,
    screen: Screen | None = None,
    cmd: list[str] | None = None,
) -> tuple[float, float, float, float, float]:
    """(app % of a core, sound server % of a core, app context switches a second,
    frames a second, pixels a frame). ``cmd``: run this instead of the app."""
    env = dict(os.environ)
    env["HIPTIMER_CUE_MODE"] = mode
    env.update(extra_env or {})
    env["HIPTIMER_NO_VOICE"] = "1"
    env["XDG_CONFIG_HOME"] = str(tmp / "config")
    env["XDG_DATA_HOME"] = str(tmp / "data")
    env.setdefault("QT_QPA_PLATFORM", "xcb" if env.get("DISPLAY") else "offscreen")
    if cmd is None:
        cmd = [
            *launcher(), str(routine), "--start",
            "--audio-backend", backend, "--db", str(tmp / "log.sqlite3"),
        ]  # fmt: skip
        if fullscreen:
            cmd.append("--fullscreen")
    # run from the temporary folder: where there is no hiptimer script, ``python -m``
    # puts the working folder first on sys.path, so from a source tree it would import
    # that tree, not the installed app (nor the --reference tree, which PYTHONPATH puts
    # only after it)
    proc = subprocess.Popen(
        cmd, env=env, cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    server = pulse_pid()
    try:
        time.sleep(settle)
        a0, s0 = cpu_s(proc.pid), cpu_s(server) if server else 0.0
        c0, t0 = switches(proc.pid), time.monotonic()
        if screen is not None:
            n, px = screen.frames(seconds)
        else:
            n = px = 0
            time.sleep(seconds)
        wall = time.monotonic() - t0
        app = cpu_s(proc.pid) - a0
        srv = (cpu_s(server) - s0) if server else 0.0
        ctx = switches(proc.pid) - c0
    finally:
        quit_app(proc)
    return 100 * app / wall, 100 * srv / wall, ctx / wall, n / wall, px / max(1, n)


def stats(values: list[float], unit: str = "%") -> str:
    v = sorted(values)
    return (
        f"median {statistics.median(v):6.2f}{unit}  min {v[0]:6.2f}{unit}  max {v[-1]:6.2f}{unit}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=30.0, help="measured window")
    ap.add_argument("--settle", type=float, default=5.0, help="seconds after launch left out")
    ap.add_argument("--plain", action="store_true", help="the plain hold only")
    ap.add_argument("--only", default="", help="the configurations whose label has this")
    ap.add_argument("--reference", type=Path, help="also run them with the code of this tree")
    ap.add_argument("--fullscreen", action="store_true", help="the player fullscreen")
    args = ap.parse_args(argv)
    server = pulse_pid()
    if server is None:
        print(
            "cpu_hold: no PulseAudio server from .ci/pulse.sh (HIPTIMER_PULSE_DIR)", file=sys.stderr
        )
        return 2
    if not os.environ.get("DISPLAY"):
        print("cpu_hold: no DISPLAY: run it under X (Xvfb)", file=sys.stderr)
        return 2
    qtbuf = {"HIPTIMER_CUE_SERVER_MS": "0"}
    # (routine, backend, mode, label suffix, extra environment)
    configs: list[tuple[str, str, str, str, dict[str, str]]] = [
        ("hold", "qt", "open", "/open", {}),
        ("hold", "qt", "open", "/open-qtbuf", qtbuf),
        ("hold", "qt", "gaps", "/gaps", {}),
        ("hold", "none", "open", "", {}),
        ("breaths", "qt", "open", "/open", {}),
        ("breaths", "none", "open", "", {}),
        ("breaths-picture", "qt", "open", "/open", {}),
        ("breaths-picture", "none", "open", "", {}),
        ("qt-floor", "", "", "", {}),  # at the frame rate the breath hold showed
    ]
    if args.plain:
        configs = [c for c in configs if c[0] == "hold"]
    configs = [c for c in configs if args.only in f"{c[0]} {c[1]}{c[3]}" or c[0] == "qt-floor"]
    if not any(c[0].startswith("breaths") for c in configs):
        configs = [c for c in configs if c[0] != "qt-floor"]
    if args.reference is not None:
        tree = str(args.reference.resolve())
        if not (Path(tree) / "hiptimer" / "__main__.py").is_file():
            print(f"cpu_hold: {tree} has no hiptimer package", file=sys.stderr)
            return 2
        configs = [
            c
            for here in configs
            for c in (here, (*here[:3], f"{here[3]} @reference", {**here[4], "PYTHONPATH": tree}))
            if here[0] != "qt-floor" or c is here
        ]
    try:
        screen: Screen | None = Screen()
    except (ImportError, SystemExit, OSError) as e:  # python-xlib missing, no DAMAGE
        print(f"cpu_hold: frames not counted ({e}); no qt-floor", file=sys.stderr)
        screen = None
        configs = [c for c in configs if c[0] != "qt-floor"]
    app: dict[str, list[float]] = {}
    srv: dict[str, list[float]] = {}
    ctx: dict[str, list[float]] = {}
    fps: dict[str, list[float]] = {}
    area: dict[str, list[float]] = {}
    idle: list[float] = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        (tmp / "hold.yaml").write_text(HOLD, encoding="utf-8")
        (tmp / "breaths.yaml").write_text(BREATHS, encoding="utf-8")
        (tmp / "breaths-picture.yaml").write_text(BREATHS_PICTURE, encoding="utf-8")
        for i in range(args.runs):
            s0, t0 = cpu_s(server), time.monotonic()
            time.sleep(min(10.0, args.seconds))
            idle.append(100 * (cpu_s(server) - s0) / (time.monotonic() - t0))
            shown: tuple[float, float] | None = None  # this run's breath hold: fps, px
            for routine, backend, mode, suffix, extra in configs:
                key = f"{routine} {backend}{suffix}".strip()
                cmd = None
                if routine == "qt-floor":
                    if shown is None or shown[0] <= 0:
                        continue
                    cmd = [sys.executable, "-c", FLOOR]
                    extra = {
                        "FLOOR_FPS": f"{shown[0]:.2f}",
                        "FLOOR_SIDE": str(max(1, round(math.sqrt(shown[1])))),
                        **({"FLOOR_FULLSCREEN": "1"} if args.fullscreen else {}),
                    }
                a, s, c, f, px = measure(
                    tmp / f"{routine}.yaml",
                    backend,
                    mode,
                    args.settle,
                    args.seconds,
                    tmp,
                    extra,
                    args.fullscreen,
                    screen,
                    cmd,
                )
                if key == "breaths none" or (shown is None and routine.startswith("breaths")):
                    shown = (f, px)  # the floor follows the silent breath hold when there is one
                app.setdefault(key, []).append(a)
                srv.setdefault(key, []).append(s)
                ctx.setdefault(key, []).append(c)
                fps.setdefault(key, []).append(f)
                area.setdefault(key, []).append(px)
                print(
                    f"run {i + 1} {key:36s} app {a:5.2f}%  sound server {s:5.2f}%  "
                    f"switches {c:6.1f}/s  frames {f:5.1f}/s of {px:8.0f} px",
                    flush=True,
                )
    base = statistics.median(idle)
    print(f"\nsound server idle, no client: {stats(idle)}")
    print(f"{args.runs} run(s), {args.seconds:g} s windows; server = its CPU less its idle median")
    for key in app:
        extra = [max(0.0, s - base) for s in srv[key]]
        total = [a + e for a, e in zip(app[key], extra, strict=True)]
        print(f"{key:36s} app          {stats(app[key])}")
        print(f"{'':36s} server extra {stats(extra)}")
        print(f"{'':36s} together     {stats(total)}")
        print(f"{'':36s} switches     {stats(ctx[key], '/s')}")
        if screen is not None:
            print(f"{'':36s} frames       {stats(fps[key], '/s')}")
            print(f"{'':36s} px a frame   {stats(area[key], '')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
