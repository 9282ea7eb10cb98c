"""The player's painted pieces and text helpers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QWidget

from hiptimer.qt.widgets import (
    PACER_MAX,
    PACER_MIN,
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


def test_pacer_frames_move_a_pixel_at_most_20_a_second(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Through a whole inhale, stepped frame by frame as the pacer asks: every frame
    moves the edge at least a pixel (none wasted), none comes sooner than 1/20 s after
    the last, no gap is long enough to look stuck, and the phase ends at full size."""
    p, clock = _shown_pacer(qtbot)
    full = min(p.width(), p.height()) / 2 * 0.96
    phase_s = 2.5
    p.sync("inhale", 1, 5, 0.0, phase_s, running=True)
    start = clock.t
    radii = [p.value * full]
    times = [clock.t]
    while p.animating:
        clock.t += p._timer.interval() / 1000
        p._timer.stop()
        p._on_timer_timeout()
        radii.append(p.value * full)
        times.append(clock.t)
        assert len(radii) < 500
    assert p.value == PACER_MAX
    assert clock.t - start == pytest.approx(phase_s, abs=0.06)
    frames = len(radii) - 1
    assert frames <= phase_s * 20 + 1
    steps = [b - a for a, b in zip(radii, radii[1:], strict=False)]
    assert all(s >= 1.0 - 1e-6 for s in steps[:-1]), ("a frame that moved under a pixel", steps)
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 1 / 20 - 1e-3
    # the eased breath is slow at its turns and quick in its middle: frames follow it
    assert max(gaps) > 2 * min(gaps)
    assert max(steps) < (PACER_MAX - PACER_MIN) * full / 8, "jumps too big to read as motion"


def test_pacer_repaints_only_the_circle_and_draws_its_parts_once(qtbot) -> None:  # type: ignore[no-untyped-def]
    p, clock = _shown_pacer(qtbot, (300, 500))
    rects = []
    real_paint = p.paintEvent

    def paint(event) -> None:  # type: ignore[no-untyped-def]
        rects.append(event.rect())
        real_paint(event)

    p.paintEvent = paint  # type: ignore[method-assign]
    p.sync("exhale", 1, 5, 0.5, 2.0, running=True)
    QApplication.processEvents()
    layers = p._layers
    assert layers is not None
    rects.clear()
    clock.t += 0.2
    p._on_timer_timeout()
    p.repaint(p._disc_rect(p.value * layers.full))  # as the event loop would
    QApplication.processEvents()
    assert rects, "the frame was not painted"
    full = min(p.width(), p.height()) / 2 * 0.96
    for r in rects:
        assert r.width() <= 2 * full * 0.85 and r.height() < p.height() / 2
    assert p._layers is layers, "the guide and the arrow were drawn again"
    p.sync("inhale", 2, 5, 0.0, 2.0, running=True)
    QApplication.processEvents()
    assert p._layers is not layers, "the arrow did not turn with the phase"


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
    assert p.value == pytest.approx(BreathPacer.value_at("inhale", 0.5))
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


def test_pacer_says_when_it_asks_for_a_moving_frame(qtbot) -> None:  # type: ignore[no-untyped-def]
    """frame_asked fires once for each frame that moved the edge a whole pixel (what
    rides on the pacer's frames, the pose's swell, wakes with it), not on a wake-up that
    moved nothing, and not while the circle rests."""
    p, clock = _shown_pacer(qtbot)
    asked: list[bool] = []
    p.frame_asked.connect(lambda: asked.append(True))
    p.sync("inhale", 1, 5, 0.0, 2.0, running=True)
    assert asked == []  # the engine's sync is not a frame
    clock.t += 0.5
    p._on_timer_timeout()
    assert len(asked) == 1
    p._on_timer_timeout()  # no time went by: the edge did not move
    assert len(asked) == 1
    frames = 1
    while p.animating:
        clock.t += p._timer.interval() / 1000
        p._timer.stop()
        p._on_timer_timeout()
        frames += 1
    assert len(asked) == frames and p.value == PACER_MAX
    p.sync("exhale", 1, 5, 0.0, 2.0, running=False)
    assert len(asked) == frames


_POOL_PROBE = """
import sys, time
from pathlib import Path
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
p.sync("inhale", 1, 5, 0.0, 0.5, running=True)
end = time.monotonic() + 0.8
while time.monotonic() < end:
    app.processEvents()
pooled = [t for t in Path("/proc/self/task").iterdir() if "pooled" in (t / "comm").read_text()]
print(p.paint_count, len(pooled))
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
