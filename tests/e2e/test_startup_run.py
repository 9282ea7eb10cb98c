"""The GUI start-up as ``hiptimer`` runs it (a child process, offscreen): what it
puts off until after the first paint, and what it sets up before."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.e2e.xhelpers import app_env

# Runs hiptimer.cli.main() in the child and reports, as JSON, what held while the
# window was built and what holds once the app quit (HIPTIMER_BENCH_STARTUP quits it
# when the log has opened, which follows the first paint).
CHILD = """
import gc, json, sys
at_start = set(sys.modules)  # (a .pth file may import some at the interpreter's start)
from hiptimer import cli
from hiptimer.qt import app as qtapp
seen = {}
build = qtapp.MainWindow.__init__
def spy(self, *a, **k):
    from PySide6.QtWidgets import QApplication
    seen["gc_while_building"] = gc.isenabled()
    seen["icon_while_building"] = not QApplication.instance().windowIcon().isNull()
    seen["desktop_id_while_building"] = QApplication.desktopFileName()
    build(self, *a, **k)
qtapp.MainWindow.__init__ = spy
after = qtapp.AfterFirstPaint._fire
def fire(self):
    # the first paint's callbacks: was PySide6's Qt namespace made on the way?
    from PySide6 import QtCore
    seen.setdefault("qt_namespace_before_paint", "Qt" in vars(QtCore))
    seen.setdefault("qevent_before_paint", "QEvent" in vars(QtCore))
    seen.setdefault("modules_before_paint", sorted(
        m for m in ("datetime", "importlib.resources", "dataclasses", "locale", "yaml",
                  "sqlite3")
        if m in sys.modules and m not in at_start))
    after(self)
qtapp.AfterFirstPaint._fire = fire
code = cli.main(sys.argv[1:])
from PySide6.QtWidgets import QApplication
app = QApplication.instance()
app.setStyleSheet("")  # the style under the app's style sheet
seen.update(
    code=code,
    gc_after=gc.isenabled(),
    frozen=gc.get_freeze_count(),
    style=app.style().name(),
    icon_after=not app.windowIcon().isNull(),
)
print("RESULT " + json.dumps(seen))
"""


def _start(tmp_path: Path) -> dict[str, object]:
    env = app_env(
        tmp_path,
        QT_QPA_PLATFORM="offscreen",
        HIPTIMER_BENCH_STARTUP="1",
        HIPTIMER_NO_VOICE="1",
        QT_STYLE_OVERRIDE="Windows",  # the user's default style: HipTimer still uses Fusion
    )
    # no arguments, as the desktop entry starts it (the log in the data folder above)
    r = subprocess.run(
        [sys.executable, "-c", CHILD],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("RESULT ")]
    assert lines, r.stdout + r.stderr
    result: dict[str, object] = json.loads(lines[-1][len("RESULT ") :])
    return result


def test_start_up_defers_the_collector_and_the_icon_until_the_first_paint(
    tmp_path: Path,
) -> None:
    seen = _start(tmp_path)
    assert seen["code"] == 0
    # start-up's objects are not walked by the cyclic collector on the way to the
    # first paint; then they are frozen and the collector runs again
    assert seen["gc_while_building"] is False
    assert seen["gc_after"] is True
    assert isinstance(seen["frozen"], int) and seen["frozen"] > 10_000
    # the icon (it loads Qt's image plugins) follows the paint; the desktop entry's id,
    # which names the window to Wayland, is set before the window is made
    assert seen["icon_while_building"] is False
    assert seen["icon_after"] is True
    assert seen["desktop_id_while_building"] == "io.github.hiptimer.HipTimer"
    # its first use makes 92 Python enums (~8 ms): nothing before the paint uses it
    assert seen["qt_namespace_before_paint"] is False
    # nor does any Python event handler run before it: the first one makes QEvent's 179
    # Python enums (1.3 ms)
    assert seen["qevent_before_paint"] is False
    # modules the first paint does not need (datetime and importlib.resources took
    # 1.3-1.4 ms each after PySide6's import hook, dataclasses 1.2 ms and 0.5 ms per
    # frozen class, locale 1 ms for the argument parser's messages; the YAML loader and
    # the log follow)
    assert seen["modules_before_paint"] == []


def test_the_app_is_fusion_even_when_the_desktop_asks_for_another_style(
    tmp_path: Path,
) -> None:
    assert _start(tmp_path)["style"] == "fusion"
