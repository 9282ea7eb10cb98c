"""The player's painted pieces and text helpers."""

from __future__ import annotations

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
