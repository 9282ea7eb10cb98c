"""Screenshots of the app under Xvfb at 1920x1080 and 1366x768, for docs/screenshots/.

    python tools/screenshots.py [--out docs/screenshots] [--theme dark|light]
                                [--display N] [--size WxH]

Starts ``Xvfb :99 -screen 0 1920x1080x24`` (or ``:N``; another display number if
:99 is taken), runs this script again inside it as the app's driver, and captures the
X root window with ImageMagick's ``import -window root`` at each state: the
library, the overview, the player windowed (getting ready, a hold) and
fullscreen, a side switch, a rest, a breath hold, the summary and a reps set.
Then the same on a 1366x768 laptop screen for the screens in the app's own
window (``*-laptop.png``), at the size the app opens its window there. openbox
is the window manager when installed. It is driven as a person would: Space on
the focused Start button, F for fullscreen, Esc to leave it.
The driver builds the real MainWindow with a FakeClock, so each shot is taken
at an exact instant of the session (no waiting in real time for the session,
no flakiness); everything else (widgets, fonts, X) is real.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 1920, 1080
LAPTOP = (1366, 768)
# The screens a home user sees in the app's own window: also taken on a laptop.
HOME_WINDOW = {"library", "overview", "get-ready", "player-windowed", "summary"}


# ----------------------------------------------------------------------------- outer
def _start_xvfb(width: int, height: int, wanted: int | None) -> tuple[subprocess.Popen[bytes], str]:
    for number in [wanted] if wanted is not None else (99, *range(100, 120)):
        if Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists():
            continue
        proc = subprocess.Popen(
            ["Xvfb", f":{number}", "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
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
    raise SystemExit("could not start Xvfb")


def outer(out: Path, theme: str, size: tuple[int, int], number: int | None) -> int:
    for tool in ("Xvfb", "import"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is needed (apt install xvfb imagemagick)")
    xvfb, display = _start_xvfb(*size, number)
    wm: subprocess.Popen[bytes] | None = None
    try:
        env = dict(os.environ)
        env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", QT_SCALE_FACTOR="1")
        if shutil.which("openbox"):  # a real window manager: title bars, placement
            wm = subprocess.Popen(
                ["openbox"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            time.sleep(0.5)
        cmd = [sys.executable, __file__, "--driver", "--out", str(out), "--theme", theme]
        cmd += ["--size", f"{size[0]}x{size[1]}"]
        return subprocess.run(cmd, env=env, check=False).returncode
    finally:
        if wm is not None:
            wm.terminate()
            wm.wait(timeout=10)
        xvfb.terminate()
        xvfb.wait(timeout=10)


# ---------------------------------------------------------------------------- driver
def driver(out: Path, theme: str, size: tuple[int, int]) -> int:
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from hiptimer.clock import FakeClock
    from hiptimer.qt.app import AppOptions, MainWindow
    from hiptimer.qt.settings import Settings
    from hiptimer.qt.theme import apply_theme
    from hiptimer.resources import routines_dir

    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="hiptimer-shots-"))
    os.environ["XDG_DATA_HOME"] = str(tmp / "data")
    app = QApplication(sys.argv[:1])
    app.setOrganizationName("HipTimer")
    app.setApplicationName("HipTimer")
    settings = Settings(QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat))
    settings.theme = theme
    apply_theme(app, theme)
    clocks: list[FakeClock] = []

    def clock_factory(speed: float) -> FakeClock:
        clocks.append(FakeClock(speed=speed))
        return clocks[-1]

    opts = AppOptions(db=tmp / "log.sqlite3", audio_backend="none")
    w = MainWindow(opts, settings, clock_factory=clock_factory, open_store_later=False)
    display = os.environ["DISPLAY"]

    def settle(seconds: float = 0.6) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    def shoot(name: str) -> None:
        if laptop and name not in HOME_WINDOW:
            return
        settle()
        player = getattr(w, "player_widget", None)
        deadline = time.monotonic() + 5
        while player is not None and player.flash_overlay.active and time.monotonic() < deadline:
            settle(0.05)  # a boundary flash is a real-time wash: let it fade first
        path = out / f"{name}{suffix}.png"
        subprocess.run(["import", "-display", display, "-window", "root", str(path)], check=True)
        print(f"wrote {path}")

    laptop = size != (WIDTH, HEIGHT)
    suffix = "-laptop" if laptop else ""

    def key(k: Qt.Key) -> None:
        """Press a key in the window, as a person would: it goes to the focused
        widget, and the menus' shortcuts see it first."""
        w.activateWindow()
        settle(0.1)
        QTest.keyClick(app.focusWidget() or w, k)
        settle(0.3)

    def windowed(width: int, height: int) -> None:
        if w.isFullScreen():
            key(Qt.Key.Key_Escape)  # Esc leaves fullscreen
        if laptop:  # the window as the app opens it on a laptop
            w.setGeometry(home)
        else:
            w.setGeometry((WIDTH - width) // 2, (HEIGHT - height) // 2, width, height)

    def fullscreen() -> None:
        if not w.isFullScreen():
            key(Qt.Key.Key_F)  # View > Fullscreen
        assert w.isFullScreen(), "F did not make the player fullscreen"

    def goto(predicate: object, offset: float) -> None:
        """Advance the session to ``offset`` seconds into the first step matching."""
        session = w.session
        step = next(s for s in session.plan.steps if predicate(s))  # type: ignore[operator]
        while session.state == "running" and session.index < step.index:
            rem = session.remaining()
            if rem is None:
                w.controller.next()
            else:
                clocks[-1].advance(rem + 1e-6)
                w.controller.poll()
        clocks[-1].advance(offset)
        w.controller.poll()

    def open_routine(file: str) -> None:
        w.open_routine_path(routines_dir() / file)

    # 1. the library, window filling the screen
    w.show()
    settle(0.5)
    home = w.geometry()
    windowed(1600, 940)
    settle(0.5)  # the weekly goal appears once the log is open
    w.library.select_title("Hip flexor release for desk workers")
    shoot("library")

    # 2. overview
    open_routine("hip-flexor-release.yaml")
    shoot("overview")

    # 3. player windowed: the first hold, left side
    key(Qt.Key.Key_Space)  # the focused Start button
    assert w.session is not None, "Enter on the overview did not start the session"
    windowed(1280, 800)
    goto(lambda s: s.kind == "prep", 2.0)
    shoot("get-ready")
    goto(lambda s: s.kind == "work" and s.side == "left", 11.4)
    shoot("player-windowed")

    # 4. the same fullscreen
    fullscreen()
    shoot("player-fullscreen")

    # 5. a side switch
    goto(lambda s: s.kind == "switch", 1.5)
    shoot("side-switch")

    # 5b. the rest before the next exercise (its picture and instructions)
    goto(lambda s: s.kind == "rest", 4.0)
    shoot("rest")

    # 6. a breath hold, mid-inhale
    goto(lambda s: s.kind == "work" and s.exercise.dose.kind == "breaths", 6 * 5 + 1.2)
    shoot("breath-hold")

    # 7. the summary, after the whole routine
    clocks[-1].advance(w.session.session_remaining() + 5)
    w.controller.poll()
    windowed(1280, 860)
    shoot("summary")
    w._on_summary_done()

    # 8. a reps set: set 2 of a timed-reps exercise
    open_routine("hip-strengthening.yaml")
    w.start_session()
    fullscreen()
    goto(
        lambda s: s.kind == "work" and s.set == 2 and s.exercise.dose.tempo is not None,
        7.0,
    )
    shoot("reps-set")

    w.stop_session()  # no "end the session?" question on close
    w.close()
    settle(0.2)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _size(text: str) -> tuple[int, int]:
    w, _, h = text.partition("x")
    return int(w), int(h)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    ap.add_argument("--theme", choices=("dark", "light"), default="dark")
    ap.add_argument(
        "--size",
        type=_size,
        default=None,
        help="one screen size, e.g. 1366x768 (default: 1920x1080, then 1366x768)",
    )
    ap.add_argument("--display", type=int, default=None, help="X display number for Xvfb")
    ap.add_argument("--driver", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.driver:
        return driver(a.out, a.theme, a.size or (WIDTH, HEIGHT))
    for size in [a.size] if a.size else [(WIDTH, HEIGHT), LAPTOP]:
        rc = outer(a.out, a.theme, size, a.display)
        if rc:
            return rc
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
