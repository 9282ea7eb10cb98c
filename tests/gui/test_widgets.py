"""The player's painted pieces and text helpers."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QWidget

from hiptimer.plan import compile_plan
from hiptimer.qt.widgets import (
    PACER_MAX,
    PACER_MIN,
    BlankOverlay,
    BreathPacer,
    CountdownDial,
    FlashOverlay,
    countdown_seconds,
    dose_summary,
    format_countdown,
    next_exercise_text,
    phase_label,
    side_text,
)
from hiptimer.routine import Dose, Exercise, Routine, Timings

T = Timings()


@pytest.mark.parametrize(
    ("remaining", "shown"),
    [
        (30.0, "30"),
        (29.2, "30"),
        (29.0, "29"),
        (0.4, "1"),
        (0.0, "0"),
        (59.5, "1:00"),
        (60.0, "1:00"),
        (90.0, "1:30"),
        (600.0, "10:00"),
        (3723.0, "1:02:03"),
    ],
)
def test_format_countdown(remaining: float, shown: str) -> None:
    assert format_countdown(remaining) == shown


def test_countdown_tolerates_float_noise_at_whole_seconds() -> None:
    assert countdown_seconds(2.0000000001) == 2
    assert countdown_seconds(1.9999999) == 2
    assert countdown_seconds(2.01) == 3


def test_phase_labels_differ_by_text_and_symbol() -> None:
    labels = {k: phase_label(k) for k in ("prep", "work", "switch", "rest")}
    assert labels["prep"] == "GET READY ◔"
    assert labels["work"] == "WORK ●"
    assert len(set(labels.values())) == 4
    assert side_text("left") == "◀ LEFT" and side_text("right") == "RIGHT ▶"
    assert side_text(None) == ""


def test_dose_and_next_texts() -> None:
    a = Exercise("Lunge", Dose("reps", 8, 8, "8 reps"), T, sets=3, sides="each")
    b = Exercise("Fold", Dose("breaths", 8, 10, "8–10 breaths"), T)
    c = Exercise("Walk", Dose("time", 600, 600, "10 min"), T, sides="none")
    assert dose_summary(a) == "8 reps × 3 sets, each side"
    assert dose_summary(b) == "8–10 breaths"
    plan = compile_plan(Routine("R", (a, b, c)))
    assert next_exercise_text(plan, plan.steps[0]) == "Next: Fold — 8–10 breaths"
    last_a = max(s.index for s in plan.steps if s.exercise_index == 0)
    assert next_exercise_text(plan, plan.steps[last_a]) == "Next: Fold — 8–10 breaths"
    assert next_exercise_text(plan, plan.steps[-1]) == "Next: finish"


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
    assert BreathPacer.value_at("inhale", 0.0) == pytest.approx(PACER_MIN)
    assert BreathPacer.value_at("inhale", 1.0) == pytest.approx(PACER_MAX)
    assert BreathPacer.value_at("exhale", 0.0) == pytest.approx(PACER_MAX)
    assert BreathPacer.value_at("exhale", 0.5) == pytest.approx((PACER_MIN + PACER_MAX) / 2)
    phases: list[str] = []
    p.phase_changed.connect(phases.append)
    p.sync("inhale", 1, 5, 0.0, 2.5, running=True)
    assert p.animating and p.target == PACER_MAX
    assert p._anim.duration() == 2500
    p.sync("inhale", 1, 5, 0.6, 2.5, running=True)  # a late tick: only the rest of the phase
    assert p._anim.duration() == 1000
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
    assert blank.hint.text() == "B to return"
