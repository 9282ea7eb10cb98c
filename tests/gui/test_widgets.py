"""The player's painted pieces and text helpers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QRect
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QWidget

from hiptimer.qt.widgets import (
    PACER_FPS,
    PACER_MAX,
    PACER_MIN,
    PACER_STEPS,
    BlankOverlay,
    BreathPacer,
    CountdownDial,
    FlashOverlay,
    phase_label,
)
from hiptimer.routine import Timings

T = Timings()


def test_phase_labels_differ_by_text_and_symbol() -> None:
    labels = {k: phase_label(k) for k in ("prep", "work", "switch", "rest")}
    assert labels["prep"] == "GET READY ◔"
    assert labels["work"] == "WORK ●"
    assert len(set(labels.values())) == 4


def test_dial_repaints_only_on_change(qtbot) -> None:  # type: ignore[no-untyped-def]
    d = CountdownDial()
    qtbot.addWidget(d)
    d.resize(600, 400)
    d.show()
    qtbot.waitExposed(d)
    green = QColor("#3ecf6e")
    assert d.set_state("30", 1.0, green)
    QApplication.processEvents()
    n = d.paint_count
    assert not d.set_state("30", 1.0, green)
    assert not d.set_state("30", 1.0002, green)  # below what the ring can show
    QApplication.processEvents()
    assert d.paint_count == n
    assert d.set_state("29", 29 / 30, green)
    QApplication.processEvents()
    assert d.paint_count == n + 1
    assert d.set_state("29", 29 / 30, green, dimmed=True)


def test_dial_digits_fill_the_ring_and_stay_inside(qtbot) -> None:  # type: ignore[no-untyped-def]
    d = CountdownDial()
    qtbot.addWidget(d)
    for size in ((1200, 600), (500, 500), (300, 600)):
        d.resize(*size)
        for text in ("5", "45", "1:30", "10:00"):
            d.set_state(text, 0.5, QColor("white"))
            box = d.digit_rect()
            ring = d.ring_rect()
            assert ring.contains(box), (size, text)
            assert box.height() > ring.height() * 0.2, (size, text)
    d.resize(1200, 600)
    d.set_state("45", 1, QColor("white"))
    big = d.digit_pixel_size()
    d.resize(600, 300)
    assert d.digit_pixel_size() == pytest.approx(big / 2, rel=0.05)  # scales with the widget


def test_pacer_values_and_sync(qtbot) -> None:  # type: ignore[no-untyped-def]
    p = BreathPacer()
    qtbot.addWidget(p)
    p.resize(200, 200)
    p.show()
    assert BreathPacer.value_at("inhale", 0.0) == pytest.approx(PACER_MIN)
    assert BreathPacer.value_at("inhale", 1.0) == pytest.approx(PACER_MAX)
    assert BreathPacer.value_at("exhale", 0.0) == pytest.approx(PACER_MAX)
    assert BreathPacer.value_at("exhale", 0.5) == pytest.approx((PACER_MIN + PACER_MAX) / 2)
    phases: list[str] = []
    p.phase_changed.connect(phases.append)
    p.sync("inhale", 1, 5, 0.0, 2.5, running=True)
    assert p.animating and p.target == PACER_MAX
    assert p.phase_left_ms == 2500
    p.sync("inhale", 1, 5, 0.6, 2.5, running=True)  # a late tick: only the rest of the phase
    assert p.phase_left_ms == 1000
    assert p.value == pytest.approx(BreathPacer.value_at("inhale", 0.6))
    p.sync("exhale", 1, 5, 0.0, 2.5, running=False)
    assert not p.animating and p.value == pytest.approx(PACER_MAX)
    assert phases == ["Breathe in", "Breathe out"]
    p.set_reduced_motion(True)
    p.sync("inhale", 2, 5, 0.1, 2.5, running=True)
    assert not p.animating and p.value == PACER_MAX
    assert p.breath_text == "Breath 2 of 5"
    p.sync(None, 0, 0, 0.0, 0.0, running=False)
    assert p.phase_text == ""


def test_overlays_cover_their_parent(qtbot) -> None:  # type: ignore[no-untyped-def]
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.resize(800, 450)
    flash = FlashOverlay(parent)
    blank = BlankOverlay(parent)
    parent.show()
    qtbot.waitExposed(parent)
    flash.flash(QColor("#3ecf6e"))
    assert flash.isVisible() and flash.geometry() == parent.rect()
    qtbot.waitUntil(lambda: not flash.isVisible(), timeout=2000)  # fades out and hides
    parent.resize(1024, 600)
    blank.show()
    assert blank.geometry() == parent.rect()
    assert blank.findChildren(QWidget) == []  # nothing written on a blank screen


class _Steps:
    """A fake clock for the pacer's frames: tests move it to each frame the pacer asks for."""

    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def _shown_pacer(qtbot, size: tuple[int, int] = (400, 400)) -> tuple[BreathPacer, _Steps]:  # type: ignore[no-untyped-def]
    p = BreathPacer()
    qtbot.addWidget(p)
    p.resize(*size)
    p.set_colors(QColor("#3ecf6e"), QColor("#0b0d10"), QColor("#0b0d10"))
    p.show()
    qtbot.waitExposed(p)
    clock = _Steps()
    p.clock = clock
    return p, clock


class _Paints(QObject):
    """Counts the paint events of a widget and keeps their rectangles."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.rects: list[QRect] = []
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.rects.append(event.rect())  # type: ignore[attr-defined]
        return False


def test_pacer_moves_along_the_engines_ease_through_a_whole_phase(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Stepped through an inhale on a fake clock, the circle drawn is exactly where
    value_at() puts the breath (Qt's ease and the engine's are one curve), it grows
    steadily, and the phase ends at full size with the motion over."""
    p, clock = _shown_pacer(qtbot)
    phase_s = 2.5
    p.sync("inhale", 1, 5, 0.0, phase_s, running=True)
    assert p.animating and p.value == pytest.approx(PACER_MIN)
    assert 1000 / p._timeline.updateInterval() <= 20  # frames a second
    values = [p.value]
    for _ in range(50):
        clock.t += phase_s / 50
        p.catch_up()
        f = min(1.0, (clock.t - 100.0) / phase_s)
        assert p.value == pytest.approx(BreathPacer.value_at("inhale", f), abs=2e-3)
        values.append(p.value)
    assert all(b >= a for a, b in zip(values, values[1:], strict=False))
    assert p.value == PACER_MAX and not p.moving and not p.animating
    # a late sync, in the middle of an exhale, starts from where the engine says
    p.sync("exhale", 1, 5, 0.25, phase_s, running=True)
    assert p.value == pytest.approx(BreathPacer.value_at("exhale", 0.25), abs=2e-3)


def test_pacer_frames_are_drawn_by_qt_at_its_frame_rate(qtbot) -> None:  # type: ignore[no-untyped-def]
    """On the real clock: the circle moves frame by frame at about PACER_FPS, each
    frame repainting only the square the circle covers and nothing behind the pacer,
    with no Python slot per frame (frame_asked fires once a step, not once a frame)."""
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(300, 500)
    p = BreathPacer(window)
    p.setGeometry(0, 0, 300, 500)
    p.set_colors(QColor("#3ecf6e"), QColor("#0b0d10"), QColor("#0b0d10"))
    window.show()
    qtbot.waitExposed(window)
    paints = _Paints(p._view.viewport())
    behind = _Paints(window)
    asked: list[bool] = []
    p.frame_asked.connect(lambda: asked.append(True))
    p.sync("exhale", 1, 5, 0.3, 4.0, running=True)
    QApplication.processEvents()
    paints.rects.clear()
    behind.rects.clear()
    asked.clear()
    step = p._timeline.currentFrame()
    start = p.value
    qtbot.wait(600)
    assert p.value < start, "the circle did not shrink"
    frames = len(paints.rects)
    assert 0.6 * PACER_FPS * 0.4 <= frames <= 0.6 * PACER_FPS * 1.5, frames
    full = min(p.width(), p.height()) / 2 * 0.96
    for r in paints.rects:
        assert r.width() <= 2 * full + 8 and r.height() <= 2 * full + 8, r
        assert r.height() < p.height() - 100, "the whole pacer was repainted"
    assert behind.rects == [], "an opaque pacer's frames repainted the window behind it"
    # Python heard of the steps the circle passed (at most once each), not of every frame
    assert 0 < len(asked) <= p._timeline.currentFrame() - step
    assert len(asked) < frames


def test_pacer_arrow_turns_with_the_phase(qtbot) -> None:  # type: ignore[no-untyped-def]
    p, _clock = _shown_pacer(qtbot)
    p.sync("inhale", 1, 5, 0.0, 2.0, running=True)
    assert p._arrow.text() == "▲" and p._arrow.isVisible() and p._disc.isVisible()
    p.sync("exhale", 1, 5, 0.0, 2.0, running=True)
    assert p._arrow.text() == "▼"
    p.sync(None, 0, 0, 0.0, 0.0, running=False)
    assert not p._arrow.isVisible() and not p._disc.isVisible()


def test_pacer_stops_while_unseen_and_picks_up_where_the_breath_is(qtbot) -> None:  # type: ignore[no-untyped-def]
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(400, 400)
    p = BreathPacer(window)
    p.setGeometry(0, 0, 400, 400)
    clock = _Steps()
    p.clock = clock
    window.show()
    qtbot.waitExposed(window)
    p.sync("inhale", 1, 5, 0.0, 2.0, running=True)
    assert p.animating
    # minimised: the window still "isVisible", but nobody sees the pacer
    window.showMinimized()
    qtbot.waitUntil(lambda: not p.animating, timeout=2000)
    assert p.moving
    p.sync("inhale", 1, 5, 0.0, 2.0, running=True)  # the engine moves on meanwhile
    assert not p.animating and p.moving
    clock.t += 1.0  # half the inhale went by unseen
    window.showNormal()
    qtbot.waitUntil(lambda: p.animating, timeout=2000)
    assert p.value == pytest.approx(BreathPacer.value_at("inhale", 0.5), abs=0.02)
    # hidden
    window.hide()
    assert not p.animating
    window.show()
    assert p.animating
    # covered (the blanked screen)
    p.set_covered(True)
    assert not p.animating and p.moving
    p.set_covered(False)
    assert p.animating


def test_pacer_says_when_the_circle_passes_a_step(qtbot) -> None:  # type: ignore[no-untyped-def]
    """frame_asked fires as the circle passes each of the phase's PACER_STEPS steps (what
    rides on it, the pose's swell, wakes with it), not on a wake-up that moved nothing,
    and not while the circle rests."""
    p, clock = _shown_pacer(qtbot)
    asked: list[bool] = []
    p.frame_asked.connect(lambda: asked.append(True))
    p.sync("inhale", 1, 5, 0.0, 2.0, running=True)
    assert asked == []  # the engine's sync at the phase's start is not a step
    clock.t += 0.5
    p.catch_up()
    assert len(asked) == 1  # one wake-up that passed several steps: one call
    passed = p._timeline.currentFrame()
    assert passed > 1
    p.catch_up()  # no time went by: the circle did not move
    assert len(asked) == 1
    while p.moving:  # a millisecond at a time: every further step on its own
        clock.t += 0.001
        p.catch_up()
    assert p.value == PACER_MAX
    assert len(asked) == 1 + PACER_STEPS - passed
    count = len(asked)
    p.sync("exhale", 1, 5, 0.0, 2.0, running=False)
    clock.t += 0.5
    p.catch_up()
    assert len(asked) == count


_POOL_PROBE = """
import sys, time
from pathlib import Path
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from hiptimer.qt.app import serial_painting
from hiptimer.qt.widgets import BreathPacer
if sys.argv[1] == "app":
    serial_painting()
app = QApplication(["probe"])
p = BreathPacer()
p.resize(300, 300)
p.set_colors(QColor("#3ecf6e"), QColor("#0b0d10"), QColor("#0b0d10"))
p.show()
paints = []
class Count(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            paints.append(1)
        return False
count = Count()
p._view.viewport().installEventFilter(count)
p.sync("inhale", 1, 5, 0.0, 0.8, running=True)
end = time.monotonic() + 0.8
while time.monotonic() < end:
    app.processEvents()
pooled = [t for t in Path("/proc/self/task").iterdir() if "pooled" in (t / "comm").read_text()]
print(len(paints), len(pooled))
"""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_the_app_paints_its_pacer_frames_without_helper_threads() -> None:
    """The app turns off Qt's painting thread pool (serial_painting, called by run()):
    a breath's frames wake no helper threads. Qt's default is checked alongside, so the
    test shows the setting is what makes the difference where Qt would use the pool."""
    env = {k: v for k, v in os.environ.items() if k != "QT_NO_GUI_THREADPOOL"}
    env["QT_QPA_PLATFORM"] = "offscreen"

    def probe(mode: str) -> tuple[int, int]:
        out = subprocess.run(
            [sys.executable, "-c", _POOL_PROBE, mode],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout.split()
        return int(out[0]), int(out[1])

    paints, pooled = probe("app")
    assert paints >= 5, "the pacer did not move"
    assert pooled == 0
    if (os.cpu_count() or 1) >= 2:  # Qt's default: its pool wakes with the frames
        assert probe("qt-default")[1] > 0


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_the_button_with_the_keyboard_shows_it(qtbot, theme: str) -> None:  # type: ignore[no-untyped-def]
    """The theme's buttons draw their own borders, which hides Qt's focus frame: the
    button Enter would press (Start on the overview, Done on the summary) wears a
    border in the text's colour, primary or not."""
    from PySide6.QtWidgets import QHBoxLayout, QPushButton

    from hiptimer.qt.theme import SURFACE_COLORS, stylesheet

    box = QWidget()
    box.setStyleSheet(stylesheet(theme))
    plain, primary = QPushButton("History"), QPushButton("Start")
    primary.setProperty("primary", True)
    row = QHBoxLayout(box)
    for b in (plain, primary):
        row.addWidget(b)
    qtbot.addWidget(box)
    box.show()
    box.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is box, timeout=5_000)
    text = QColor(SURFACE_COLORS[theme]["text"])

    def edge(b: QPushButton) -> QColor:  # the middle of the left border's inner pixel
        return b.grab().toImage().pixelColor(1, b.height() // 2)

    for focused, other in ((plain, primary), (primary, plain)):
        focused.setFocus()
        qtbot.waitUntil(focused.hasFocus, timeout=5_000)
        assert edge(focused) == text
        assert edge(other) != text
