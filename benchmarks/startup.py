#!/usr/bin/env python3
"""Start-up as a user sees it: from launch until the window shows its content.

What it measures, from OUTSIDE the app: each configuration is launched as a
fresh process on a real X server (DISPLAY, e.g. Xvfb, no window manager) while
this script watches the screen with the X DAMAGE extension (python-xlib, the
``bench`` extra). Times are from just before the process is started to

* **mapped**: the first top-level window of the screen is mapped;
* **first paint**: the first screen damage after that map;
* **settled**: the last damage before the screen stays still for ``--quiet``
  seconds (default 0.35 s, under a text cursor's blink): the window has
  painted its content and stopped changing (for the app, the routine list
  filled and the weekly goal shown).

The reference is a bare PySide6 window (a QMainWindow with a label, the same
size), measured the same way in the same run, in turns with the app. A second
reference, for context, is the library window's widgets built with Qt alone
(SAME_WIDGETS: menus with a shortcut, the search box, the list with the bundled
routines' count of rows, the buttons, the app's theme): the app's ratio
to it is what HipTimer's own code adds. The app
runs as installed and as its desktop entry starts it: the ``hiptimer`` command
pip put beside this Python (``python -m hiptimer`` where there is none, which
also imports runpy, about 2 ms more), its bytecode compiled first as pip does
on install, with a private data, config and cache folder per
configuration, with no arguments, as the desktop entry starts it (the log is the
data folder's; the 100,000-session log is linked there), and HIPTIMER_NO_VOICE=1.
(Until 26 Nov 15:30 it passed ``--db PATH --audio-backend none``, which also builds the
argument parser, about 2 ms.) Its caches are warm unless a configuration says cold: one
unmeasured launch, run until the library's index is written, fills the index,
the parse cache and the weekly goal it showed (each launch ends with SIGTERM,
which the app handles as a quit, so the log is closed and the goal remembered
as a user's quit does).

Configurations: the bundled routines and an empty log; 1,000 routines; 10,000
routines (first paint and the list filled); 10,000 routines with no cache (a first
start: every file parsed, by worker processes when the machine has more than one
core; also **scan done**, when the app says its scan has finished and every row
is in the list, from its own HIPTIMER_LIBRARY_READY marker, printed once the
library's index is saved, since rows then arrive in bursts with pauses longer
than ``--quiet``); the
bundled routines with a 100,000-session log (``--big-log``, made once with
benchmarks/history.py's generator, ~1 min). Prints median, min and max, and
each median's ratio to the bare window's.

``--reference DIR`` runs each configuration also with the app's code from the source
tree DIR (PYTHONPATH, its bytecode compiled first; its own data, config and cache
folders), in turns with the installed app: the code before a change, in the same run.
The PYTHONPATH entry is one more folder for every import to look in; an A/A run (DIR
the installed code's own tree) shows what that and the machine's noise amount to: on
26 Nov the two medians of 9 runs differed by 3 ms, about what one change of 2 ms is
worth, so a change that small is timed in the app's process instead.

Leaves out: a window manager and a compositor (Xvfb has neither; both add the
same to the app and the reference), the GPU, a cold disk cache (the files were
read by the warm-up launch), and anything after the screen settles.

    Xvfb :26 -screen 0 1366x768x24 &
    DISPLAY=:26 python benchmarks/startup.py [--runs 5] [--big-log PATH] [--reference DIR]
"""

from __future__ import annotations

import argparse
import os
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

#: Where every launch runs from: ``python -m`` puts the working folder first on sys.path,
#: so a launch from the source tree would import the tree instead of the installed app.
OUTSIDE = tempfile.gettempdir()

BARE = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
app = QApplication(sys.argv[:1])
w = QMainWindow()
w.setWindowTitle("bare")
w.setCentralWidget(QLabel("hello"))
w.resize(1100, 720)
w.show()
sys.exit(app.exec())
"""

#: A second reference, for context (the goals are against BARE): the library window's
#: widgets built with Qt alone, none of HipTimer's code but its theme (palette and style
#: sheet). The
#: app's ratio to it is what HipTimer itself adds; its ratio to BARE is what any PySide6
#: window with these widgets costs (their classes' Python enums, fontconfig, the image
#: plugins the search box's clear button loads, ...). Its shortcuts are set as the app
#: sets them (setShortcuts: setShortcut's overloads make Qt's namespace, 92 enums).
SAME_WIDGETS = """
import sys
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QApplication, QHBoxLayout, QLabel, QLineEdit, QMainWindow, QProgressBar, QPushButton,
    QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)
from hiptimer.qt.theme import FUSION_ARGS, apply_theme
app = QApplication([sys.argv[0], *FUSION_ARGS])
apply_theme(app, "dark", set_style=False)
w = QMainWindow()
w.setWindowTitle("same widgets")
for name in ("&File", "&Routine", "&View", "&Presentation", "&Sound", "&Goal"):
    menu = w.menuBar().addMenu(name)
    for i in range(5):
        act = menu.addAction(f"Action {i}")
    act.setShortcuts([QKeySequence("Ctrl+" + name[1])])  # as the app: no Qt enums
central = QWidget()
lay = QVBoxLayout(central)
top = QHBoxLayout()
title = QLabel("Routines")
title.setProperty("role", "title")
top.addWidget(title)
top.addStretch(1)
goal = QVBoxLayout()
goal.addWidget(QLabel("This week: 0/5 days of 30 min, 0 min"))
bar = QProgressBar()
bar.setTextVisible(False)
goal.addWidget(bar)
top.addLayout(goal)
lay.addLayout(top)
search = QLineEdit()
search.setPlaceholderText("Search by name, tag or description  (Ctrl+F)")
search.setClearButtonEnabled(True)
lay.addWidget(search)
tree = QTreeWidget()
tree.setObjectName("library")
tree.setHeaderLabels(["Routine", "Duration", "Exercises", "Tags"])
tree.setRootIsDecorated(False)
tree.setAlternatingRowColors(True)
rows = [QTreeWidgetItem([f"Routine {i}", "5:09", "5", "desk, hips, quick"]) for i in range(7)]
tree.addTopLevelItems(rows)
tree.setCurrentItem(rows[0])
lay.addWidget(tree, 1)
buttons = QHBoxLayout()
detail = QLabel("A calm floor sequence timed by your breath instead of the clock.")
detail.setWordWrap(True)
buttons.addWidget(detail, 1)
for text in ("Open in editor", "Show in folder", "History", "Open"):
    buttons.addWidget(QPushButton(text))
lay.addLayout(buttons)
w.setCentralWidget(central)
w.statusBar().showMessage("Ready")
w.resize(1100, 720)
w.show()
sys.exit(app.exec())
"""


@dataclass
class Times:
    mapped: float
    first_paint: float
    settled: float
    scanned: float | None = None  # the library scan finished (the app's own marker)


class Screen:
    """Map and damage events of the whole X screen, as they arrive."""

    def __init__(self) -> None:
        from Xlib import X, display
        from Xlib.ext import damage

        self.X = X
        self.dpy = display.Display()
        if not self.dpy.has_extension("DAMAGE"):
            raise SystemExit("startup: the X server has no DAMAGE extension")
        self.dpy.damage_query_version()
        self.root = self.dpy.screen().root
        self.root.change_attributes(event_mask=X.SubstructureNotifyMask)
        self.damage = self.root.damage_create(damage.DamageReportRawRectangles)
        self.notify = self.dpy.extension_event.DamageNotify
        self.dpy.flush()

    def events(self, timeout: float) -> list[tuple[str, float]]:
        """("map" | "damage", monotonic time) for the events within ``timeout``."""
        out: list[tuple[str, float]] = []
        end = time.monotonic() + timeout
        while True:
            if not self.dpy.pending_events():
                left = end - time.monotonic()
                if left <= 0 or not select.select([self.dpy.fileno()], [], [], left)[0]:
                    return out
            while self.dpy.pending_events():
                e = self.dpy.next_event()
                now = time.monotonic()
                if e.type == self.X.MapNotify and not e.override:
                    out.append(("map", now))
                elif e.type == self.notify:
                    out.append(("damage", now))
            if time.monotonic() >= end:
                return out

    def drain(self, quiet: float = 0.3) -> None:
        while self.events(quiet):
            pass

    def frames(self, seconds: float, gap: float = 0.005) -> tuple[int, int]:
        """(frames, pixels) damaged over the next ``seconds`` (benchmarks/cpu_hold.py):
        damage reports closer than ``gap`` seconds are one frame's rectangles."""
        while self.dpy.pending_events():  # what came before the window
            self.dpy.next_event()
        frames = pixels = 0
        last = -1.0
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            if not self.dpy.pending_events():
                select.select([self.dpy.fileno()], [], [], left)
            while self.dpy.pending_events():
                e = self.dpy.next_event()
                if e.type != self.notify:
                    continue
                now = time.monotonic()
                if now - last > gap:
                    frames += 1
                last = now
                pixels += e.area.width * e.area.height
        return frames, pixels


def time_launch(
    screen: Screen,
    cmd: list[str],
    env: dict[str, str],
    quiet: float,
    limit: float = 60.0,
    *,
    until_scanned: bool = False,
) -> Times:
    """``until_scanned``: also wait for the app's "library scan finished" marker
    (HIPTIMER_BENCH_STARTUP=library: printed with its CLOCK_MONOTONIC time, the same
    clock as this script's, and the app quits then). A first scan of 10,000 files adds
    rows in bursts with quiet gaps longer than --quiet, so the screen alone cannot
    tell when the list is complete."""
    screen.drain()
    if until_scanned:
        env = dict(env, HIPTIMER_BENCH_STARTUP="library")
    t0 = time.monotonic()
    proc = subprocess.Popen(
        cmd,
        env=env,
        cwd=OUTSIDE,
        stdout=subprocess.PIPE if until_scanned else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    mapped = first = last = scanned = None
    try:
        while time.monotonic() - t0 < limit:
            evs = screen.events(quiet if last is not None else 1.0)
            if not evs:
                if last is not None:
                    break
                if proc.poll() is not None:
                    err = proc.stderr.read().decode() if proc.stderr else ""
                    raise SystemExit(f"startup: {cmd[:4]} exited: {err[-600:]}")
                continue
            for kind, t in evs:
                if kind == "map" and mapped is None:
                    mapped = t
                elif kind == "damage" and mapped is not None:
                    first = first if first is not None else t
                    last = t
        if until_scanned and proc.stdout is not None:
            for line in proc.stdout:  # the app quits after the marker
                word, _, stamp = line.decode().partition(" ")
                if word == "HIPTIMER_LIBRARY_READY":
                    scanned = float(stamp)
                    break
    finally:
        quit_app(proc)
    if mapped is None or first is None or last is None:
        raise SystemExit(f"startup: no window seen from {cmd[:4]}")
    if until_scanned and scanned is None:
        raise SystemExit(f"startup: no end of the library scan from {cmd[:4]}")
    return Times(mapped - t0, first - t0, last - t0, scanned - t0 if scanned is not None else None)


def make_routines(folder: Path, n: int) -> None:
    """``n`` routine files (the bundled ones, renamed) in ``folder``."""
    from hiptimer.resources import routines_dir

    sources = sorted(routines_dir().glob("*.yaml"))
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        src = sources[i % len(sources)].read_text(encoding="utf-8")
        lines = src.splitlines()
        for j, line in enumerate(lines):
            if line.startswith("name:"):
                lines[j] = f"name: Routine {i:05d}"
                break
        (folder / f"r{i:05d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def launcher() -> list[str]:
    """How a user starts the installed app: the ``hiptimer`` command its desktop entry
    runs (pip's script beside this Python), else ``python -m hiptimer``."""
    script = Path(sys.executable).with_name("hiptimer")
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "hiptimer"]


def stats(values: list[float], ref: float | None = None) -> str:
    v = sorted(values)
    med = statistics.median(v)
    ratio = f"  ({med / ref:.2f}x bare)" if ref else ""
    return (
        f"median {med * 1000:7.0f} ms  min {v[0] * 1000:7.0f} ms  max {v[-1] * 1000:7.0f} ms"
        + ratio
    )


def quit_app(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM, which the app handles as a quit (the log closed, the goal remembered);
    killed if it has not gone in 10 s."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def fill_caches(cmd: list[str], env: dict[str, str], cache: Path, limit_s: float = 300) -> None:
    """Run the app until its library index is written, then quit it as a user would."""
    index = cache / "library-index.json"
    proc = subprocess.Popen(
        cmd, env=env, cwd=OUTSIDE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        end = time.monotonic() + limit_s
        while not index.exists() and time.monotonic() < end and proc.poll() is None:
            time.sleep(0.2)
        time.sleep(1.0)  # the log opened and the goal remembered
    finally:
        quit_app(proc)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quiet", type=float, default=0.35)
    ap.add_argument("--big-log", type=Path, help="a 100k-session log (made if missing)")
    ap.add_argument("--skip", nargs="*", default=[], help="configurations to leave out")
    ap.add_argument("--reference", type=Path, help="also run them with the code of this tree")
    args = ap.parse_args(argv)
    if not os.environ.get("DISPLAY"):
        print("startup: needs an X server (DISPLAY), e.g. Xvfb", file=sys.stderr)
        return 2
    reference = str(args.reference.resolve()) if args.reference is not None else None
    if reference is not None and not (Path(reference) / "hiptimer" / "__main__.py").is_file():
        print(f"startup: {reference} has no hiptimer package", file=sys.stderr)
        return 2
    # An installed app has its bytecode (pip compiles it); a checkout run with
    # PYTHONDONTWRITEBYTECODE would compile every module at every launch.
    import compileall

    import hiptimer

    compileall.compile_dir(Path(hiptimer.__file__).parent, quiet=1)
    if reference is not None:
        compileall.compile_dir(Path(reference) / "hiptimer", quiet=1)
    print(f"HipTimer {hiptimer.__file__}, started as: {' '.join(launcher())}", flush=True)
    screen = Screen()
    base = Path(tempfile.mkdtemp(prefix="hiptimer-startup-"))
    try:
        homes: dict[str, Path] = {}
        configs = [("bundled", 0), ("1k", 1000), ("10k", 10_000), ("10k-cold", 10_000)]
        if args.big_log is not None:
            configs.append(("100k-log", 0))  # the bundled routines, its own data and cache
        for name, n in configs:
            if name in args.skip:
                continue
            home = base / name
            make_routines(home / "data" / "HipTimer" / "routines", n)
            homes[name] = home
            if reference is not None:  # its own folders: its caches are its own code's
                shutil.copytree(home / "data", base / f"{name}-ref" / "data")
                homes[f"{name} @reference"] = base / f"{name}-ref"
        if args.big_log is not None and "100k-log" not in args.skip and reference is not None:
            print("startup: --big-log with --reference is not supported", file=sys.stderr)
            return 2
        if args.big_log is not None and "100k-log" not in args.skip:
            if not args.big_log.exists():
                sys.path.insert(0, str(Path(__file__).parent))
                from history import generate  # benchmarks/history.py

                print(f"making a 100,000-session log at {args.big_log} ...", flush=True)
                generate(args.big_log, 100_000)
            # the big log where the app looks for its log (a hard link: no copy of it)
            db = homes["100k-log"] / "data" / "HipTimer" / "hiptimer.sqlite3"
            try:
                os.link(args.big_log, db)
            except OSError:  # another file system
                shutil.copyfile(args.big_log, db)

        def env_for(home: Path, cold: bool) -> dict[str, str]:
            env = dict(os.environ)
            env.update(
                XDG_DATA_HOME=str(home / "data"),
                XDG_CONFIG_HOME=str(home / "config"),
                XDG_CACHE_HOME=str(home / ("cold-cache" if cold else "cache")),
                HIPTIMER_NO_VOICE="1",
                QT_QPA_PLATFORM="xcb",
            )
            env.pop("HIPTIMER_BENCH_STARTUP", None)
            if reference is not None and home.name.endswith("-ref"):
                env["PYTHONPATH"] = reference
            return env

        def app_cmd(name: str, home: Path) -> list[str]:
            # no arguments, as the desktop entry starts it: the log is the data folder's
            return launcher()

        bare_cmd = [sys.executable, "-c", BARE]
        bare_env = env_for(base / "bare", False)
        same_cmd = [sys.executable, "-c", SAME_WIDGETS]
        # warm-up: bytecode, font cache, and each configuration's caches (the app runs
        # until its library index is written: a slow first scan pauses longer than
        # --quiet, and a launch stopped then would leave the next one cold)
        time_launch(screen, bare_cmd, bare_env, args.quiet)
        time_launch(screen, same_cmd, bare_env, args.quiet)
        for name, home in homes.items():
            env = env_for(home, False)
            if not name.startswith("10k-cold"):
                fill_caches(app_cmd(name, home), env, home / "cache" / "HipTimer")
            time_launch(screen, app_cmd(name, home), env, args.quiet)
        bare: list[Times] = []
        same: list[Times] = []
        app: dict[str, list[Times]] = {name: [] for name in homes}
        for i in range(args.runs):
            bare.append(time_launch(screen, bare_cmd, bare_env, args.quiet))
            same.append(time_launch(screen, same_cmd, bare_env, args.quiet))
            for name, home in homes.items():
                cold = name.startswith("10k-cold")
                if cold:
                    shutil.rmtree(home / "cold-cache", ignore_errors=True)
                t = time_launch(
                    screen,
                    app_cmd(name, home),
                    env_for(home, cold),
                    args.quiet,
                    limit=600,
                    until_scanned=cold,
                )
                app[name].append(t)
            print(
                f"run {i + 1}: bare {bare[-1].settled * 1000:.0f} ms; "
                f"same widgets {same[-1].settled * 1000:.0f} ms; "
                + "; ".join(
                    f"{n} {v[-1].first_paint * 1000:.0f}/{v[-1].settled * 1000:.0f} ms"
                    for n, v in app.items()
                ),
                flush=True,
            )
    finally:
        shutil.rmtree(base, ignore_errors=True)

    ref_first = statistics.median(t.first_paint for t in bare)
    ref_settled = statistics.median(t.settled for t in bare)
    same_settled = statistics.median(t.settled for t in same)
    print(f"\n{args.runs} run(s) each, in turns, after one warm-up launch each")
    print(f"{'bare PySide6':14s} mapped      {stats([t.mapped for t in bare])}")
    print(f"{'':14s} first paint {stats([t.first_paint for t in bare])}")
    print(f"{'':14s} settled     {stats([t.settled for t in bare])}")
    print(f"{'same widgets':14s} settled     {stats([t.settled for t in same], ref_settled)}")
    for name, times in app.items():
        settled = [t.settled for t in times]
        print(f"{'HipTimer ' + name:14s} mapped      {stats([t.mapped for t in times])}")
        print(f"{'':14s} first paint {stats([t.first_paint for t in times], ref_first)}")
        print(
            f"{'':14s} settled     {stats(settled, ref_settled)}"
            f"  ({statistics.median(settled) / same_settled:.2f}x same widgets)"
        )
        scanned = [t.scanned for t in times if t.scanned is not None]
        if scanned:
            print(f"{'':14s} scan done   {stats(scanned)}  (every row in the list)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
