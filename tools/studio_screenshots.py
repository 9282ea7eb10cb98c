"""Screenshots of the studio: a 1366x768 laptop and a 1920x1080 projector, for
docs/screenshots/.

    python tools/studio_screenshots.py [--out docs/screenshots] [--display 28]

Starts ``Xvfb :N -screen 0 1366x768x24 -screen 1 1920x1080x24`` (two X screens, which
Qt shows as two QScreens; ``+xinerama`` gives Qt one screen and RandR monitors set
with ``xrandr --setmonitor`` are not listed by Xvfb, so this is the two-screen setup
that works), ``openbox`` on each screen as the window manager, runs this script again
inside as the app's driver, and captures each screen's root window with ImageMagick's
``import``. The driver builds the real MainWindow with a FakeClock and leaves the
Presentation settings at their defaults (Automatic), so the player goes to the
projector and the presenter view stays on the laptop by itself.
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
LAPTOP = (1366, 768)
PROJECTOR = (1920, 1080)

ROUTINE = "hip-flexor-release.yaml"


def start_two_screens(number: int | None = None) -> tuple[list[subprocess.Popen[bytes]], str]:
    """Xvfb with a laptop and a projector screen, and openbox on each; (processes, display)."""
    numbers = [number] if number is not None else [99, *range(100, 120)]
    for n in numbers:
        if Path(f"/tmp/.X11-unix/X{n}").exists() or Path(f"/tmp/.X{n}-lock").exists():
            continue
        xvfb = subprocess.Popen(
            [
                "Xvfb", f":{n}", "-nolisten", "tcp",
                "-screen", "0", f"{LAPTOP[0]}x{LAPTOP[1]}x24",
                "-screen", "1", f"{PROJECTOR[0]}x{PROJECTOR[1]}x24",
            ],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(50):
            if Path(f"/tmp/.X11-unix/X{n}").exists():
                break
            if xvfb.poll() is not None:
                break
            time.sleep(0.1)
        else:
            xvfb.kill()
            continue
        if xvfb.poll() is not None:
            continue
        procs: list[subprocess.Popen[bytes]] = [xvfb]
        if shutil.which("openbox"):
            for screen in (0, 1):
                procs.append(
                    subprocess.Popen(
                        ["openbox"],
                        env={**os.environ, "DISPLAY": f":{n}.{screen}"},
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )
            time.sleep(0.8)
        return procs, f":{n}"
    raise SystemExit("could not start Xvfb")


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in reversed(procs):
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()


def outer(out: Path, number: int | None) -> int:
    for tool in ("Xvfb", "import"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is needed (apt install xvfb imagemagick)")
    procs, display = start_two_screens(number)
    try:
        env = dict(os.environ)
        env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", QT_SCALE_FACTOR="1")
        cmd = [sys.executable, __file__, "--driver", "--out", str(out)]
        return subprocess.run(cmd, env=env, check=False).returncode
    finally:
        stop(procs)


# ---------------------------------------------------------------------------- driver
def driver(out: Path) -> int:
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from hiptimer.clock import FakeClock
    from hiptimer.qt.app import AppOptions, MainWindow
    from hiptimer.qt.settings import Settings
    from hiptimer.qt.theme import apply_theme
    from hiptimer.resources import routines_dir

    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="hiptimer-studio-shots-"))
    os.environ["XDG_DATA_HOME"] = str(tmp / "data")
    app = QApplication(sys.argv[:1])
    app.setOrganizationName("HipTimer")
    app.setApplicationName("HipTimer")
    settings = Settings(QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat))
    apply_theme(app, settings.theme)
    screens = QGuiApplication.screens()
    print("screens:", [(s.name(), s.geometry().getRect()) for s in screens])
    if len(screens) < 2:
        raise SystemExit("Qt sees one screen: no studio to show")
    clocks: list[FakeClock] = []

    def clock_factory(speed: float) -> FakeClock:
        clocks.append(FakeClock(speed=speed))
        return clocks[-1]

    opts = AppOptions(db=tmp / "log.sqlite3", audio_backend="none")
    w = MainWindow(opts, settings, clock_factory=clock_factory, open_store_later=False)
    display = os.environ["DISPLAY"]

    def settle(seconds: float = 0.8) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    def shoot(name: str) -> None:
        settle()
        for screen, what in ((0, "laptop"), (1, "projector")):
            path = out / f"studio-{name}-{what}.png"
            subprocess.run(
                ["import", "-display", f"{display}.{screen}", "-window", "root", str(path)],
                check=True,
            )
            print(f"wrote {path}")

    def goto(predicate: object, offset: float) -> None:
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

    w.show()
    w.move(0, 0)
    settle(0.5)
    w.open_routine_path(routines_dir() / ROUTINE)
    w.start_session()  # as Space or a clicker's PageDown would
    goto(lambda s: s.kind == "work" and s.side == "left", 11.4)
    shoot("hold")
    w.toggle_blank()
    shoot("blanked")
    w.toggle_blank()
    w.mirror_action.trigger()
    goto(lambda s: s.kind == "switch", 1.5)
    shoot("mirrored-switch")
    w.mirror_action.trigger()
    w.close()
    settle(0.2)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    ap.add_argument("--display", type=int, default=None, help="X display number to use")
    ap.add_argument("--driver", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.driver:
        return driver(a.out)
    return outer(a.out, a.display)


if __name__ == "__main__":
    raise SystemExit(main())
