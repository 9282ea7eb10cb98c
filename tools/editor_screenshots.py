"""Screenshots of the routine editor under Xvfb at 1366x768, for docs/screenshots/.

    python tools/editor_screenshots.py [--out docs/screenshots] [--display :25]

Starts ``Xvfb`` on the display given (and openbox as the window manager when it
is installed), runs this script again inside it as the driver, and captures the
X root window with ImageMagick's ``import -window root``: the form for a
catalogue exercise with the live plan, a mistake shown beside its field, and the
reps-with-phases dose. The routines are copies in a temporary folder; nothing
is written to the user's own folders.
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
WIDTH, HEIGHT = 1366, 768


def outer(out: Path, display: str) -> int:
    for tool in ("Xvfb", "import"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is needed (apt install xvfb imagemagick)")
    number = display.lstrip(":")
    xvfb = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", f"{WIDTH}x{HEIGHT}x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wm: subprocess.Popen[bytes] | None = None
    try:
        for _ in range(50):
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                break
            time.sleep(0.1)
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", QT_SCALE_FACTOR="1")
        if shutil.which("openbox"):
            wm = subprocess.Popen(
                ["openbox"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            time.sleep(0.5)
        with tempfile.TemporaryDirectory() as tmp:
            env["XDG_DATA_HOME"] = str(Path(tmp) / "data")
            env["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")
            cmd = [sys.executable, __file__, "--driver", "--out", str(out), "--tmp", tmp]
            return subprocess.run(cmd, env=env, check=False).returncode
    finally:
        if wm is not None:
            wm.terminate()
        xvfb.terminate()


def driver(out: Path, tmp: Path) -> int:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from hiptimer.qt.editor import RoutineEditor

    app = QApplication(sys.argv)
    out.mkdir(parents=True, exist_ok=True)
    folder = tmp / "routines"
    folder.mkdir()

    def settle(seconds: float = 0.5) -> None:
        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()

    def shoot(name: str) -> None:
        settle()
        target = out / f"{name}.png"
        subprocess.run(["import", "-window", "root", str(target)], check=True)
        print(target)

    def editor_for(file: str) -> RoutineEditor:
        src = ROOT / "routines" / file
        path = folder / file
        shutil.copy(src, path)
        ed = RoutineEditor(path.read_text(encoding="utf-8"), path)
        ed.setGeometry(0, 0, WIDTH, HEIGHT - 30)
        ed.showMaximized()
        ed.activateWindow()
        return ed

    ed = editor_for("hip-strengthening.yaml")
    ed.select_exercise(1)  # bird dog, from the catalogue
    ed.focus_field("note")
    shoot("editor")

    ed.select_exercise(5)  # the lunge: sets 3-4; a mistake in its rest
    ed.focus_field("set_rest")
    w = ed._fields["set_rest"].widget
    w.selectAll()  # type: ignore[attr-defined]
    w.insert("30 sex")  # type: ignore[attr-defined]
    w.textEdited.emit(w.text())  # type: ignore[attr-defined]
    shoot("editor-message")
    ed.stack.setClean()
    ed.close()

    ed2 = editor_for("breath-stretch-flow.yaml")
    ed2.select_exercise(3)  # the one-leg bridge: 8 reps of Lift and Hover
    combo = ed2.kind_combo  # write the catalogue's dose here, to change it
    combo.setCurrentIndex(combo.findData("phases"))
    combo.activated.emit(combo.currentIndex())
    ed2.focus_field("phases")
    shoot("editor-phases")
    ed2.stack.setClean()
    ed2.close()
    app.quit()
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    p.add_argument("--display", default=":25")
    p.add_argument("--driver", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--tmp", type=Path, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.driver:
        return driver(a.out, a.tmp)
    return outer(a.out, a.display)


if __name__ == "__main__":
    raise SystemExit(main())
