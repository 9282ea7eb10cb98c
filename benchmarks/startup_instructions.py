#!/usr/bin/env python3
"""Start-up in instructions: what ``startup.py`` times, counted instead of timed.

``startup.py`` times the window from outside, and its ratio to a bare PySide6 window
moves with the machine's hour (1.26-1.37x for the same code on the same day). This
counts the instructions the app's main thread executes from launch to its first idle
moment with the window painted, with ``valgrind --tool=callgrind`` (Debian's
``valgrind``), which gives the same count from run to run whatever else the machine
is doing. The same is counted for the two references of ``startup.py``: the bare
PySide6 window and the library window's widgets built with Qt alone (SAME_WIDGETS).

How each stops: at the first moment the event loop is about to wait with the window
exposed (Qt paints a window as it handles its exposure, so this follows the first
paint), it quits: the references through a hook added to their code, the app through
its own ``AfterFirstPaint`` (the moment its after-the-paint work would start), which
this script's launcher makes quit instead. The app runs as ``hiptimer`` with no
arguments, HIPTIMER_NO_VOICE=1, a private HOME whose caches one ordinary launch filled
first, as ``startup.py``'s warm-up does (the library's index, so the rows are painted;
the weekly goal), on the X server of DISPLAY, PYTHONHASHSEED=0. Each runs as a script
alone in a folder of its own, as pip's ``hiptimer`` script does. (A stale index, left by
other code, gives an empty list at the first paint: some 30 M instructions fewer.)

Leaves out: other threads (the app starts none before its first paint; Qt's own are
idle), the time an instruction takes (cache misses, page faults, the X server's work:
``startup.py`` has those), and what valgrind's slower run changes (timers that fire
during it; none of the three sets one before its first paint).

    Xvfb :26 -screen 0 1366x768x24 &
    DISPLAY=:26 python benchmarks/startup_instructions.py [--runs 2]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from startup import BARE, SAME_WIDGETS, fill_caches, launcher  # noqa: E402

#: Appended in place of a reference's ``sys.exit(app.exec())``: quit at the first idle
#: moment with the window ``w`` exposed.
QUIT_AT_FIRST_IDLE = """
from PySide6.QtCore import QAbstractEventDispatcher, QTimer
_idle_dispatcher = QAbstractEventDispatcher.instance()
def _quit_when_painted():
    handle = w.windowHandle()
    if handle is not None and handle.isExposed():
        _idle_dispatcher.aboutToBlock.disconnect(_quit_when_painted)
        QTimer.singleShot(0, app.quit)
_idle_dispatcher.aboutToBlock.connect(_quit_when_painted)
sys.exit(app.exec())
"""

#: The app as its ``hiptimer`` script starts it, but its AfterFirstPaint (the app's
#: own "first idle moment with the window painted") quits instead of going on.
APP = """
import sys
from PySide6.QtWidgets import QApplication
import hiptimer.qt.app as qtapp
_init = qtapp.AfterFirstPaint.__init__
def _quit_instead(self, widget, then, fallback_ms=1000):
    _init(self, widget, QApplication.quit, fallback_ms)
qtapp.AfterFirstPaint.__init__ = _quit_instead
from hiptimer.cli import main
sys.argv = ["hiptimer"]
sys.exit(main())
"""


def reference(code: str) -> str:
    tail = "sys.exit(app.exec())"
    assert code.rstrip().endswith(tail), "the reference no longer ends as expected"
    return code.rstrip()[: -len(tail)] + QUIT_AT_FIRST_IDLE


def count(code: str, env: dict[str, str], out: Path) -> int:
    """Instructions of the main thread of ``python SCRIPT`` under callgrind, the script
    ``code`` alone in a folder of its own (as pip's ``hiptimer`` script is the first
    place its imports look, not the working folder)."""
    for old in out.parent.glob(out.name + ".*"):
        old.unlink()
    folder = out.parent / "launch"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    script = folder / "launch.py"
    script.write_text(code, encoding="utf-8")
    # one file per process (%p): Qt forks a child to look for dbus-launch when there is
    # no session bus, and that child, a copy of the counts at its fork, writes its own
    proc = subprocess.Popen(
        [
            "valgrind",
            "--tool=callgrind",
            "--separate-threads=yes",
            f"--callgrind-out-file={out}.%p",
            sys.executable,
            str(script),
        ],
        env=env,
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if proc.wait(timeout=600) != 0:
        raise SystemExit(f"startup_instructions: the run failed ({proc.returncode})")
    main = Path(f"{out}.{proc.pid}-01")  # the launched process; its threads from 1, main first
    found = re.search(r"^(?:summary|totals): (\d+)", main.read_text(), re.MULTILINE)
    if found is None:
        raise SystemExit(f"startup_instructions: no total in {main}")
    return int(found.group(1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args()
    if not os.environ.get("DISPLAY"):
        raise SystemExit("startup_instructions: needs DISPLAY (e.g. Xvfb :26)")
    if shutil.which("valgrind") is None:
        raise SystemExit("startup_instructions: needs valgrind (apt-get install valgrind)")
    work = Path(tempfile.mkdtemp(prefix="hiptimer-instr-"))
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "HIPTIMER_"))}
        env.update(HOME=str(work / "home"), HIPTIMER_NO_VOICE="1", PYTHONHASHSEED="0")
        (work / "home").mkdir()
        # one ordinary launch fills the caches (the library's index, the weekly goal),
        # as startup.py's warm-up does
        fill_caches(launcher(), env, work / "home" / ".cache" / "HipTimer")
        if not (work / "home" / ".cache" / "HipTimer" / "weekly-goal.json").exists():
            raise SystemExit("startup_instructions: the warm-up launch left no weekly goal")
        configs = {
            "bare PySide6": reference(BARE),
            "same widgets": reference(SAME_WIDGETS),
            "HipTimer": APP,
        }
        counts: dict[str, list[int]] = {label: [] for label in configs}
        for _ in range(args.runs):
            for label, code in configs.items():
                counts[label].append(count(code, env, work / "cg"))
        bare = statistics.median(counts["bare PySide6"])
        same = statistics.median(counts["same widgets"])
        print(f"instructions of the main thread to the first painted idle, {args.runs} run(s)")
        for label, values in counts.items():
            med = statistics.median(values)
            line = f"{label:13s} median {med / 1e6:8.1f} M  min {min(values) / 1e6:8.1f} M"
            line += f"  max {max(values) / 1e6:8.1f} M  ({med / bare:.2f}x bare"
            line += f", {med / same:.2f}x same widgets)" if label == "HipTimer" else ")"
            print(line)
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
