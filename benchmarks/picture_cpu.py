"""CPU of the running app while an exercise picture moves with timed reps, against holds.

    python benchmarks/picture_cpu.py                 # 3 runs of 10 s each
    python benchmarks/picture_cpu.py --runs 5 --seconds 20

What it measures: the real app (``python -m hiptimer ROUTINE --start --fullscreen``) in
its own process, on a 1920x1080 Xvfb screen it starts for itself (offscreen Qt when Xvfb
is missing), playing one of three one-exercise routines written to a temporary folder:

- ``reps, animated``: 200 timed reps of the catalogue's glute bridge at 3 s a rep; the
  picture moves between its key poses in time with every rep;
- ``hold, still picture``: the catalogue's pigeon pose held for 10 minutes; the picture
  does not move;
- ``breath hold, breathing``: the catalogue's child's pose as a breath hold; the pacer
  animates and the picture swells gently with each breath; ``breath hold, no picture``
  is the same without a picture (the pacer alone), to tell the picture's share;
- ``hold, no picture``: the same hold without a picture (``image`` and ``use`` absent),
  the player as it was before pictures.

For each run the app is started, given ``--warm-up`` seconds (start-up, the first
frames and the first pass through the frame cache), then its CPU time (user + system,
from ``/proc/PID/stat``) is read at the start and end of a ``--seconds`` window and
divided by the wall time: percent of one core. The scenarios are interleaved run by run
(A, B, C, A, B, C, ...) so drift on a shared machine hits them alike, and the median,
minimum and maximum over the runs are printed. Goal: the animated reps under 5% of a
core; the still hold close to the hold without a picture.

What it leaves out: Xvfb's own CPU and any compositor or GPU work (a real desktop adds
its own); sound (``--audio-backend none``) and speech (``HIPTIMER_NO_VOICE=1``); the
app's start-up before the window; memory. The time one frame takes to draw is measured
separately (the figures benchmark); here only the whole process's share of a core.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_PERCENT = 5.0
TICK = os.sysconf("SC_CLK_TCK")

ROUTINES = {
    "reps, animated": (
        "name: Reps\ndefaults: {prep: 0}\nexercises:\n"
        "  - use: glute-bridge\n    reps: 200\n    tempo: 3s\n"
    ),
    "hold, still picture": (
        "name: Hold\ndefaults: {prep: 0}\nexercises:\n  - use: pigeon-pose\n    hold: 10 min\n"
        "    sides: none\n"
    ),
    "breath hold, breathing": (
        "name: Breaths\ndefaults: {prep: 0}\nexercises:\n  - use: childs-pose\n"
        "    hold: 100 breaths\n"
    ),
    "breath hold, no picture": (
        "name: Breaths\ndefaults: {prep: 0}\nexercises:\n  - name: Plain breaths\n"
        "    hold: 100 breaths\n"
    ),
    "hold, no picture": (
        "name: Plain\ndefaults: {prep: 0}\nexercises:\n  - name: Plain hold\n    hold: 10 min\n"
    ),
}


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` (fields 14 and 15 of /proc/PID/stat)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def start_xvfb() -> tuple[subprocess.Popen[bytes] | None, str | None]:
    if shutil.which("Xvfb") is None:
        return None, None
    for number in range(140, 170):
        if Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists():
            continue
        proc = subprocess.Popen(
            ["Xvfb", f":{number}", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(50):
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                return proc, f":{number}"
            if proc.poll() is not None:
                break
            time.sleep(0.1)
        proc.kill()
        proc.wait()
    return None, None


def one_run(routine: Path, env: dict[str, str], warm_up: float, seconds: float) -> float:
    """Percent of one core the app used over ``seconds`` after ``warm_up``."""
    cmd = [
        sys.executable,
        "-m",
        "hiptimer",
        str(routine),
        "--start",
        "--fullscreen",
        "--mute",
        "--audio-backend",
        "none",
        "--db",
        str(routine.with_suffix(".sqlite")),
    ]
    app = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        time.sleep(warm_up)
        if app.poll() is not None:
            err = app.stderr.read().decode(errors="replace") if app.stderr else ""
            raise SystemExit(f"the app ended early ({app.returncode}):\n{err}")
        c0, t0 = cpu_seconds(app.pid), time.monotonic()
        time.sleep(seconds)
        c1, t1 = cpu_seconds(app.pid), time.monotonic()
        return 100.0 * (c1 - c0) / (t1 - t0)
    finally:
        app.terminate()
        try:
            app.wait(5)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=10.0, help="measured window per run")
    ap.add_argument("--warm-up", type=float, default=4.0, help="seconds before measuring")
    ap.add_argument("--only", default="", help="run only scenarios whose name contains this")
    args = ap.parse_args(argv)

    xvfb, display = start_xvfb()
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["HIPTIMER_NO_VOICE"] = "1"
    if display is not None:
        env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", QT_SCALE_FACTOR="1")
        where = f"Xvfb {display} at 1920x1080"
    else:
        env["QT_QPA_PLATFORM"] = "offscreen"
        where = "offscreen Qt (no Xvfb)"
    chosen = [name for name in ROUTINES if args.only in name]
    results: dict[str, list[float]] = {name: [] for name in chosen}
    try:
        with tempfile.TemporaryDirectory(prefix="hiptimer-picture-cpu-") as tmp:
            home = Path(tmp)
            env["XDG_DATA_HOME"] = str(home / "data")
            env["XDG_CONFIG_HOME"] = str(home / "config")
            files = {}
            for i, name in enumerate(chosen):
                text = ROUTINES[name]
                f = home / f"routine-{i}.yaml"
                f.write_text(text)
                files[name] = f
            print(
                f"{where}; {args.runs} runs x {args.seconds:g} s after {args.warm_up:g} s "
                f"warm-up, CPU of the app's process (/proc), percent of one core",
                flush=True,
            )
            for run in range(args.runs):
                for name, f in files.items():
                    pct = one_run(f, env, args.warm_up, args.seconds)
                    results[name].append(pct)
                    print(f"  run {run + 1}  {name:<20} {pct:6.2f}%", flush=True)
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait()

    print(f"{'scenario':<22}{'median':>9}{'min':>9}{'max':>9}")
    for name, values in results.items():
        print(f"{name:<22}{statistics.median(values):8.2f}%{min(values):8.2f}%{max(values):8.2f}%")
    med = {name: statistics.median(values) for name, values in results.items()}
    if "hold, still picture" in med and "hold, no picture" in med:
        diff = med["hold, still picture"] - med["hold, no picture"]
        print(f"still picture vs no picture: {diff:+.2f} points")
    if "breath hold, breathing" in med and "breath hold, no picture" in med:
        diff = med["breath hold, breathing"] - med["breath hold, no picture"]
        print(f"breathing picture vs breath hold without one: {diff:+.2f} points")
    animated = med.get("reps, animated")
    if animated is None:
        return 0
    print(f"animated reps: {animated:.2f}% of a core (goal < {GOAL_PERCENT:g}%)")
    ok = animated < GOAL_PERCENT
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
