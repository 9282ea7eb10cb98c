"""PlayerWidget, PresenterWidget and SummaryWidget against a FakeClock: keys drive
the session, and the labels show what the engine says at given instants."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QWidget

from hiptimer.clock import FakeClock
from hiptimer.engine import Session
from hiptimer.plan import compile_plan
from hiptimer.qt.controller import SessionController
from hiptimer.qt.player import PlayerWidget
from hiptimer.qt.presenter import PresenterWidget
from hiptimer.qt.summary import SummaryWidget
from hiptimer.qt.widgets import phase_color
from hiptimer.routine import Dose, Exercise, Routine, Timings

T = Timings(prep=5, rest=10, set_rest=30, switch=5, breath=4, countdown=3)


def hold(name: str, seconds: float, *, sides: str = "none", sets: int = 1, **kw: str) -> Exercise:
    return Exercise(
        name,
        Dose("hold", seconds, seconds, f"{seconds:g}s"),
        T,
        sets=sets,
        sides=sides,
        **kw,  # type: ignore[arg-type]
    )


def breaths(name: str, low: int, high: int) -> Exercise:
    text = f"{low}–{high} breaths" if low != high else f"{high} breaths"
    return Exercise(name, Dose("breaths", low, high, text), T)


def reps(
    name: str, n: int, tempo: float | None = None, *, sets: int = 1, sides: str = "none"
) -> Exercise:
    return Exercise(
        name,
        Dose("reps", n, n, f"{n} reps", tempo),
        T,
        sets=sets,
        sides=sides,  # type: ignore[arg-type]
    )


class Rig:
    def __init__(self, qtbot, exercises: Sequence[Exercise], size: tuple[int, int] = (1280, 720)):  # type: ignore[no-untyped-def]
        self.clock = FakeClock()
        self.session = Session(compile_plan(Routine("R", tuple(exercises))), self.clock)
        self.controller = SessionController(self.session)
        self.player = PlayerWidget(self.controller)
        qtbot.addWidget(self.player)
        self.player.resize(*size)
        self.player.show()
        qtbot.waitExposed(self.player)
        self.player.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is self.player, timeout=2000)
        self.qtbot = qtbot

    def at(self, t: float) -> None:
        """Move the clock to ``t`` engine seconds after the start and wake the controller."""
        start = 1000.0
        self.clock.advance(start + t - self.clock.now())
        self.controller.poll()

    def key(
        self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    ) -> None:
        self.qtbot.keyClick(self.player, key, modifier)


@pytest.fixture
def hip(qtbot):  # type: ignore[no-untyped-def]
    return Rig(qtbot, [hold("Pigeon", 30, sides="each", how="Square the hips."), hold("Fold", 20)])


def test_space_starts_pauses_resumes(hip: Rig) -> None:
    assert hip.session.state == "ready"
    assert hip.player.banner.text() == "Press Space to start"
    hip.key(Qt.Key.Key_Space)
    assert hip.session.state == "running"
    assert not hip.player.banner.isVisible()
    hip.at(2.0)
    hip.key(Qt.Key.Key_Space)
    assert hip.session.state == "paused"
    assert hip.player.banner.isVisible()
    assert hip.player.banner.text() == "PAUSED — press Space"
    assert hip.player.dial.dimmed
    assert hip.player.play_button.text().endswith("Resume")
    hip.key(Qt.Key.Key_Space)
    assert hip.session.state == "running"
    assert not hip.player.dial.dimmed
    assert not hip.player.banner.isVisible()


def test_next_previous_keys_and_clicker_keys(hip: Rig) -> None:
    hip.key(Qt.Key.Key_Space)
    hip.key(Qt.Key.Key_Right)
    assert hip.session.index == 1  # work, left
    assert hip.player.side_label.text() == "◀ LEFT"
    hip.key(Qt.Key.Key_PageDown)
    assert hip.session.index == 2  # switch
    hip.at(3.0)
    hip.key(Qt.Key.Key_PageUp)  # more than 2 s in: restart this step
    assert hip.session.index == 2
    assert hip.session.step_elapsed() == 0.0
    hip.key(Qt.Key.Key_Left)  # within 2 s: previous work step
    assert hip.session.index == 1


@pytest.mark.parametrize(
    ("key", "modifier"),
    [
        (Qt.Key.Key_Plus, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Plus, Qt.KeyboardModifier.ShiftModifier),
        (Qt.Key.Key_Plus, Qt.KeyboardModifier.KeypadModifier),
    ],
)
def test_plus_extends_by_ten_seconds(hip: Rig, key: Qt.Key, modifier: Qt.KeyboardModifier) -> None:
    hip.key(Qt.Key.Key_Space)
    hip.at(1.0)
    assert hip.player.dial.text == "4"
    hip.key(key, modifier)
    assert hip.session.remaining() == pytest.approx(14.0)
    assert hip.player.dial.text == "14"


def test_labels_follow_the_engine_at_fake_instants(hip: Rig) -> None:
    p = hip.player
    assert p.dial.text == "5"  # ready: the first step's length
    hip.key(Qt.Key.Key_Space)
    assert p.badge.text() == "GET READY ◔"
    assert p.name_label.text() == "Pigeon"
    assert p.side_label.text() == "◀ LEFT"  # prep: the first side
    assert p.next_label.text() == "Next: Pigeon, left side, 30s"
    hip.at(2.5)
    assert p.dial.text == "3"
    hip.at(5.0)
    assert p.badge.text() == "WORK ●"
    assert p.dial.text == "30"
    assert p.dial.fraction == pytest.approx(1.0)
    assert p.how_label.text() == "Square the hips."
    assert p.next_label.text() == "Next: right side"
    hip.at(20.0)
    assert p.dial.text == "15"
    assert p.dial.fraction == pytest.approx(0.5)
    hip.at(35.0)
    assert p.badge.text() == "SWITCH SIDES ⇄"
    assert p.side_label.text() == "RIGHT ▶"
    assert p.side_caption.text() == "Switch sides"
    hip.at(40.0)
    assert p.side_label.text() == "RIGHT ▶"
    assert p.badge.text() == "WORK ●"
    hip.at(70.0)
    assert p.badge.text() == "REST ◌"
    assert p.name_label.text() == "Up next: Fold"
    assert p.side_label.text() == ""
    assert p.next_label.text() == "Next: Fold, 20s"
    assert p.how_label.text() != "Square the hips."  # the rest shows what comes next
    hip.at(85.5)
    assert p.name_label.text() == "Fold"
    assert p.next_label.text() == "Next: finish"
    assert p.dial.text == "20"
    total = hip.session.plan.duration_s
    assert p.time_left_label.text() == "0:20 left"
    assert hip.session.session_remaining() == pytest.approx(19.5)
    assert p.progress.value() == round(1000 * (1 - 19.5 / total))


def test_minutes_show_as_m_ss(qtbot) -> None:  # type: ignore[no-untyped-def]
    rig = Rig(qtbot, [hold("Walk", 600)])
    rig.key(Qt.Key.Key_Space)
    rig.at(5.0)
    assert rig.player.dial.text == "10:00"
    rig.at(5.0 + 510.2)
    assert rig.player.dial.text == "1:30"
    rig.at(5.0 + 541.0)
    assert rig.player.dial.text == "59"


def test_sets_and_tempo_reps(qtbot) -> None:  # type: ignore[no-untyped-def]
    rig = Rig(qtbot, [reps("Bridge", 8, tempo=4.0, sets=3)])
    p = rig.player
    rig.key(Qt.Key.Key_Space)
    rig.at(5.0)
    assert p.set_label.text() == "Set 1 of 3"
    assert p.rep_label.text() == "Rep 1 of 8"
    rig.at(5.0 + 4 * 2 + 0.5)
    assert p.rep_label.text() == "Rep 3 of 8"
    assert p.dial.text == "24"
    rig.at(5.0 + 32 + 1)
    assert p.badge.text() == "REST ◌"
    assert p.set_label.text() == "Set 2 of 3 next"
    assert p.rep_label.text() == ""
    rig.at(5.0 + 32 + 30 + 0.1)
    assert p.set_label.text() == "Set 2 of 3"


def test_the_side_column_keeps_to_the_sides_edge(hip: Rig) -> None:
    """Seen at 1366x768: "RIGHT ▶" and "First side" on the right, "30s, each side"
    below them still on the left."""
    p = hip.player

    def edges() -> set[str]:
        labels = (p.side_label, p.side_caption, p.dose_label, p.set_label, p.rep_label)
        right = Qt.AlignmentFlag.AlignRight
        return {"right" if lbl.alignment() & right else "left" for lbl in labels}

    hip.key(Qt.Key.Key_Space)
    assert p.side_label.text() == "◀ LEFT" and p.dose_label.text() == "30s, each side"
    assert edges() == {"left"}
    hip.at(40.0)
    assert p.side_label.text() == "RIGHT ▶"
    assert edges() == {"right"}
    hip.at(70.0)  # a rest, then an exercise with no side: back on the left
    assert p.side_label.text() == ""
    assert edges() == {"left"}


def test_alternate_reps_show_the_side_of_each_rep(qtbot) -> None:  # type: ignore[no-untyped-def]
    rig = Rig(qtbot, [reps("Lunge", 4, tempo=3.0, sides="alternate")])
    p = rig.player
    rig.key(Qt.Key.Key_Space)
    rig.at(5.1)
    assert p.rep_label.text() == "Rep 1 of 8"
    assert p.side_label.text() == "◀ LEFT"
    rig.at(8.1)
    assert p.rep_label.text() == "Rep 2 of 8"
    assert p.side_label.text() == "RIGHT ▶"


def test_self_paced_reps_wait_for_next(qtbot) -> None:  # type: ignore[no-untyped-def]
    rig = Rig(qtbot, [reps("Squat", 8), hold("Fold", 20)])
    p = rig.player
    rig.key(Qt.Key.Key_Space)
    rig.at(5.0)
    assert p.rep_label.text() == "8 reps — press Next when done"
    assert p.dial.text == "8"
    assert p.dial.caption == "reps"
    assert not rig.controller.timer.isActive()
    rig.at(500.0)  # nothing moves on its own
    assert rig.session.index == 1
    rig.key(Qt.Key.Key_Right)
    assert p.badge.text() == "REST ◌"


def test_breath_pacer_follows_the_engine(qtbot) -> None:  # type: ignore[no-untyped-def]
    rig = Rig(qtbot, [breaths("Fold", 3, 5)])  # breath = 4 s: in 2 s, out 2 s
    p = rig.player
    pacer = p.pacer
    rig.key(Qt.Key.Key_Space)
    assert not pacer.isVisible()  # prep
    rig.at(5.0)
    assert pacer.isVisible()
    assert pacer.phase == "inhale" and pacer.phase_text == "Breathe in"
    assert p.breath_label.text() == "Breath 1 of 5"
    assert pacer.target == 1.0
    assert pacer.animating
    rig.at(7.0)
    assert pacer.phase == "exhale" and pacer.phase_text == "Breathe out"
    assert pacer.target < 0.5
    rig.at(9.5)
    b = rig.session.breath()
    assert b is not None
    assert (pacer.phase, p.breath_label.text()) == (b.phase, f"Breath {b.breath} of {b.of}")
    assert p.breath_label.text() == "Breath 2 of 5"
    # paused: the circle stops where the engine is, faded as the dial is
    running = pacer.color
    rig.key(Qt.Key.Key_Space)
    assert not pacer.animating
    assert pacer.value == pytest.approx(pacer.value_at("inhale", 0.25))
    assert p.dial.dimmed
    assert pacer.color != running
    assert pacer.color.name(QColor.NameFormat.HexArgb) in p.breath_phase_label.styleSheet()
    rig.key(Qt.Key.Key_Space)
    assert pacer.animating
    assert pacer.color == running and not p.dial.dimmed
    # reduced motion: sizes switch, nothing animates
    p.set_reduced_motion(True)
    rig.at(11.0)
    assert pacer.phase == "exhale"
    assert not pacer.animating
    assert pacer.value == pacer.target


def test_blank_toggles_with_b(hip: Rig) -> None:
    hip.key(Qt.Key.Key_Space)
    assert not hip.player.blank_overlay.isVisible()
    hip.key(Qt.Key.Key_B)
    assert hip.player.blanked
    assert hip.player.blank_overlay.isVisible()
    assert hip.player.blank_overlay.findChildren(QWidget) == []
    hip.key(Qt.Key.Key_Right)  # the clicker still drives the session while blank
    assert hip.session.index == 1
    hip.key(Qt.Key.Key_B)
    assert not hip.player.blank_overlay.isVisible()


def test_flash_at_each_boundary_unless_disabled(hip: Rig) -> None:
    p = hip.player
    hip.key(Qt.Key.Key_Space)
    assert p.flash_overlay.flash_count == 1
    hip.at(5.0)
    assert p.flash_overlay.flash_count == 2
    p.set_flash_enabled(False)
    hip.at(35.0)
    assert p.flash_overlay.flash_count == 2
    p.set_flash_enabled(True)
    p.set_reduced_motion(True)
    hip.at(40.0)
    assert p.flash_overlay.flash_count == 2


def test_mute_button_and_indicator(hip: Rig) -> None:
    p = hip.player
    with hip.qtbot.waitSignal(p.mute_toggle_requested, timeout=500):
        p.mute_button.click()
    assert not p.muted_label.isVisible()
    p.set_muted(True)
    assert p.muted_label.isVisible()
    assert p.mute_button.text() == "Unmute"


def test_buttons_drive_the_session(hip: Rig) -> None:
    p = hip.player
    p.play_button.click()
    assert hip.session.state == "running"
    p.next_button.click()
    assert hip.session.index == 1
    p.extend_button.click()
    assert hip.session.remaining() == pytest.approx(40.0)
    p.stop_button.click()
    assert hip.session.state == "finished"
    assert not p.next_button.isEnabled()


def test_end_screen_badge_follows_the_headline(hip: Rig) -> None:
    """Stopped with nothing done: no green "DONE ✓" over a huge "0"."""
    p = hip.player
    done_green = phase_color("finished").name()
    p.play_button.click()
    p.stop_button.click()
    assert hip.session.state == "finished"
    assert p.badge.text() == "STOPPED"
    assert done_green not in p.badge.styleSheet()
    assert p.dial.text == "Stopped: 0 of 2 exercises done"
    # beside the badge the routine's name, not the headline a second time
    assert p.name_label.text() == hip.session.plan.routine.name


def test_end_screen_of_a_complete_session_says_done(hip: Rig) -> None:
    p = hip.player
    p.play_button.click()
    hip.at(500.0)
    assert hip.session.state == "finished"
    assert p.badge.text() == "DONE ✓"
    assert phase_color("finished").name() in p.badge.styleSheet()
    assert p.dial.text == "Session complete"


def test_presenter_badge_follows_the_headline_too(hip: Rig, qtbot) -> None:  # type: ignore[no-untyped-def]
    """The trainer's console must not say "DONE ✓" when the class stopped with work left."""
    w = PresenterWidget(hip.controller)
    qtbot.addWidget(w)
    w.show()
    hip.player.play_button.click()
    hip.player.stop_button.click()
    hip.controller.poll()
    assert hip.session.state == "finished"
    assert w.badge.text() == "STOPPED"
    assert phase_color("finished").name() not in w.badge.styleSheet()


def test_nothing_repaints_while_paused(hip: Rig) -> None:
    hip.key(Qt.Key.Key_Space)
    hip.at(3.2)
    hip.key(Qt.Key.Key_Space)
    QApplication.processEvents()
    count = hip.player.dial.paint_count
    for t in (4.0, 10.0, 60.0):
        hip.at(t)
        QApplication.processEvents()
    assert hip.player.dial.paint_count == count
    assert not hip.controller.timer.isActive()


def test_dial_repaints_once_per_displayed_second(hip: Rig) -> None:
    hip.key(Qt.Key.Key_Space)
    hip.at(5.0)
    QApplication.processEvents()
    count = hip.player.dial.paint_count
    hip.at(5.2)  # same second, same ring position to the thousandth? no: ring moved
    hip.at(5.2)
    QApplication.processEvents()
    after_same = hip.player.dial.paint_count
    assert after_same - count <= 1
    hip.at(5.2)
    QApplication.processEvents()
    assert hip.player.dial.paint_count == after_same


@pytest.mark.parametrize("seconds", [30, 90])
def test_countdown_digits_take_a_third_of_a_1080p_screen(qtbot, seconds: int) -> None:  # type: ignore[no-untyped-def]
    rig = Rig(qtbot, [hold("Long hip flexor stretch with a long name", seconds)], (1920, 1080))
    rig.key(Qt.Key.Key_Space)
    rig.at(5.0)
    digits = rig.player.dial_digit_rect()
    assert digits.height() >= 1080 / 3
    assert rig.player.rect().contains(digits)
    # and it scales down with the window
    rig.player.resize(1280, 720)
    assert rig.player.dial_digit_rect().height() >= 720 / 3


def test_presenter_lists_upcoming_steps_and_shares_keys(qtbot) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock()
    session = Session(
        compile_plan(
            Routine(
                "R", (hold("Pigeon", 30, sides="each", note="Knee pain: stop"), hold("Fold", 20))
            )
        ),
        clock,
    )
    c = SessionController(session)
    w = PresenterWidget(c)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=2000)
    qtbot.keyClick(w, Qt.Key.Key_Space)
    assert session.state == "running"
    clock.advance(2.0)
    c.poll()
    rows = w.upcoming()
    assert rows[0] == ("in 0:03", "WORK ●", "Pigeon, left side, 30s  (0:30)")
    assert rows[1] == ("in 0:33", "SWITCH SIDES ⇄", "Switch to the right side  (0:05)")
    assert rows[2][0] == "in 0:38"
    assert len(rows) == 3  # the next three steps
    assert w.note.text() == "⚠ Knee pain: stop"
    assert w.countdown.text() == "3"
    with qtbot.waitSignal(w.blank_toggle_requested, timeout=500):
        qtbot.keyClick(w, Qt.Key.Key_B)
    qtbot.keyClick(w, Qt.Key.Key_Right)
    assert session.index == 1


def test_summary_counts(qtbot) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock()
    session = Session(
        compile_plan(Routine("R", (hold("A", 10), hold("B", 10, sides="each"), hold("C", 10)))),
        clock,
    )
    session.start()
    clock.advance(15.0)  # prep + A done
    session.tick()
    session.next()  # rest
    session.next()  # prep B
    session.next()  # B left skipped
    clock.advance(5.0)
    session.tick()  # switch -> right starts
    clock.advance(3.0)
    session.tick()
    session.stop()  # right cut short: partial; C never ran
    w = SummaryWidget(session)
    qtbot.addWidget(w)
    assert w.title_label.text() == "Stopped: 1 of 3 exercises done"
    assert (w.done_count, w.partial_count, w.skipped_count) == (1, 1, 0)
    assert "1 done · 1 partial · 0 skipped · 1 not reached" in w.counts_label.text()
    assert w.result_rows[2] == ("B (right)", "◐ partial  ·  0 sets  ·  set 1: 3 s")
    assert w.result_rows[0] == ("A", "✓ done  ·  1 set")
    assert w.result_rows[1][0] == "B (left)"
    with qtbot.waitSignal(w.done_clicked, timeout=500):
        w.done_button.click()


# ---------------------------------------------------------------- the picture


def test_picture_beside_the_countdown_mirrored_and_next_in_rest(qtbot) -> None:  # type: ignore[no-untyped-def]
    from hiptimer.catalogue import bundled

    pigeon = bundled().get("pigeon-pose")
    fold = bundled().get("wide-legged-forward-fold")
    assert pigeon is not None and fold is not None and pigeon.picture and fold.picture
    ex1 = hold("Pigeon", 30, sides="each", picture=pigeon.picture)  # type: ignore[arg-type]
    ex2 = hold("Fold", 20, picture=fold.picture)  # type: ignore[arg-type]
    rig = Rig(qtbot, [ex1, ex2])
    pic = rig.player.picture
    rig.key(Qt.Key.Key_Space)
    rig.at(1.0)  # prep shows the exercise coming, on its first side
    assert pic.isVisible() and pic.status == "pose"
    assert pic.picture is not None and pic.picture.ref == "pigeon-pose" and not pic.mirrored
    dial, p = rig.player.dial.geometry(), pic.geometry()
    assert p.left() >= dial.right() and p.height() >= dial.height() * 0.9, "large, beside"
    assert p.right() <= rig.player.side_label.geometry().left()
    rig.at(6.0)  # left side
    assert not pic.mirrored
    rig.at(5 + 30 + 5 + 1)  # right side: the picture flips
    assert pic.mirrored and pic.picture.ref == "pigeon-pose"
    rig.at(5 + 30 + 5 + 30 + 1)  # rest: the next exercise's picture, not flipped
    assert pic.picture is not None and pic.picture.ref == "wide-legged-forward-fold"
    assert not pic.mirrored


def test_no_picture_gives_the_dial_its_room(hip) -> None:  # type: ignore[no-untyped-def]
    hip.key(Qt.Key.Key_Space)
    hip.at(6.0)
    assert not hip.player.picture.isVisible()
    assert hip.player.dial.width() > hip.player.width() * 0.5


def test_timed_reps_move_the_picture_and_reduced_motion_stops_it(qtbot) -> None:  # type: ignore[no-untyped-def]
    from hiptimer.catalogue import bundled

    bridge = bundled().get("glute-bridge")
    assert bridge is not None and bridge.picture
    ex = Exercise("Bridge", Dose("reps", 5, 5, "5 reps", 4.0), T, picture=bridge.picture)
    rig = Rig(qtbot, [ex])
    pic = rig.player.picture
    rig.key(Qt.Key.Key_Space)
    rig.at(2.0)  # prep: still
    assert not pic.animating and pic.frame == (0, 0, 0)
    rig.at(5.0 + 2.0)  # halfway through rep 1: up
    assert pic.key_poses >= 2 and pic.animating
    qtbot.waitUntil(lambda: pic.frame[0] == 1 or pic.frame[1] == 1, timeout=1000)
    rig.player.set_reduced_motion(True)
    assert not pic.animating and pic.frame == (0, 0, 0)
    rig.player.set_reduced_motion(False)
    rig.key(Qt.Key.Key_Space)  # pause: the figure holds where it is
    assert not pic.animating


def test_a_set_cut_short_within_its_first_second_says_so() -> None:
    """Paging through a class with PageDown leaves sets partial after a fraction of a
    second; the summary said 'partial · set 1: 0 s', which reads as nothing done."""
    from hiptimer.qt.summary import status_line
    from hiptimer.results import ExerciseResult, SetResult

    quick = ExerciseResult("Cat-cow", None, "partial", 0, (SetResult(1, "partial", 0.3),))
    assert status_line(quick).endswith("set 1: under 1 s")
    held = ExerciseResult("Pigeon", "left", "partial", 0, (SetResult(1, "partial", 12.4),))
    assert status_line(held).endswith("set 1: 12 s")


class _PaintCounter(QObject):
    """Counts paint events of every widget in the application, by widget."""

    def __init__(self) -> None:
        super().__init__()
        self.paints: dict[str, int] = {}

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            name = type(watched).__name__
            self.paints[name] = self.paints.get(name, 0) + 1
        return False


def test_a_plain_hold_repaints_at_most_once_a_second(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Ten seconds of a plain hold, woken as the app wakes it (at the controller's
    wake-up instants): the dial repaints once per displayed second, and nothing moves
    in between (no pacer, no frame timers)."""
    rig = Rig(qtbot, [hold("Pigeon", 60)])
    rig.key(Qt.Key.Key_Space)
    rig.at(6.0)
    qtbot.waitUntil(lambda: not rig.player.flash_overlay.active, timeout=2000)
    QApplication.processEvents()
    counter = _PaintCounter()
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(counter)
    wakeups = 0
    try:
        while True:
            target = rig.controller.wakeup_target
            assert target is not None
            if target > 1000.0 + 16.0:
                break
            rig.clock.advance(target - rig.clock.now())
            rig.controller.poll()
            wakeups += 1
            QApplication.processEvents()
    finally:
        app.removeEventFilter(counter)
    assert wakeups <= 10
    assert 9 <= counter.paints.get("CountdownDial", 0) <= 11, counter.paints
    assert counter.paints.get("BreathPacer", 0) == 0, counter.paints
    assert not rig.player.pacer.animating and not rig.player.picture.animating


def test_a_breath_hold_stops_moving_while_blanked_or_hidden(qtbot) -> None:  # type: ignore[no-untyped-def]
    rig = Rig(qtbot, [breaths("Fold", 6, 6)])
    p = rig.player
    rig.key(Qt.Key.Key_Space)
    rig.at(5.5)
    assert p.pacer.animating
    rig.key(Qt.Key.Key_B)  # the class's screen goes black
    assert p.blanked and not p.pacer.animating
    rig.at(7.5)  # the next phase: still nothing moves under the black screen
    assert p.pacer.phase == "exhale" and not p.pacer.animating
    rig.key(Qt.Key.Key_B)
    assert p.pacer.animating
    p.hide()
    rig.at(9.5)
    assert not p.pacer.animating
    p.show()
    qtbot.waitExposed(p)
    assert p.pacer.animating


def test_a_breath_holds_pose_swells_on_the_pacers_frames(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The pose beside the pacer samples the engine's breath on the pacer's frames:
    no timer of its own waking the app ten times a second, yet it swells as the
    circle grows and stops when the circle stops (paused)."""
    from hiptimer.catalogue import bundled

    childs = bundled().get("childs-pose")
    assert childs is not None and childs.picture
    rig = Rig(
        qtbot, [Exercise("Child", Dose("breaths", 6, 6, "6 breaths"), T, picture=childs.picture)]
    )
    p = rig.player
    frames = [500.0]
    p.pacer.clock = lambda: frames[0]
    rig.key(Qt.Key.Key_Space)
    rig.at(5.0)  # work: breath 1 breathes in for 2 s
    assert p.pacer.animating and p.picture.isVisible() and p.picture.status == "pose"
    assert not p.picture.animating, "the pose runs a timer of its own"
    assert p.picture.breath_swell == 1.0
    rig.clock.advance(1.0)  # half the inhale, on both clocks
    frames[0] += 1.0
    p.pacer.catch_up()  # the pacer's circle where the breath is now
    half = p.picture.breath_swell
    assert 1.0 < half < 1.025
    rig.key(Qt.Key.Key_Space)  # paused: neither moves
    rig.clock.advance(0.9)
    frames[0] += 0.9
    p.pacer.catch_up()
    assert p.picture.breath_swell == half and not p.picture.animating


def test_a_second_of_a_hold_paints_its_progress_bar_with_the_rest(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The progress bar grows inside the controller's once-a-second refresh; it is
    painted on the next turn of the event loop with the dial and the labels (one
    repaint and one flush to the screen), not there and then in a flush of its own."""
    rig = Rig(qtbot, [hold("Pigeon", 60)])
    rig.key(Qt.Key.Key_Space)
    rig.at(6.0)
    QApplication.processEvents()
    bar = rig.player.progress
    counter = _PaintCounter()
    bar.installEventFilter(counter)
    before = bar.value()
    rig.at(16.0)  # the refresh: the bar grows
    assert bar.value() > before
    assert counter.paints == {}, "the bar was painted inside the refresh"
    QApplication.processEvents()
    assert counter.paints.get("QProgressBar", 0) >= 1


def test_an_unseen_presenter_catches_up_when_shown(hip: Rig, qtbot) -> None:  # type: ignore[no-untyped-def]
    """With no second screen the presenter view exists but is never shown: it does not
    redo its labels each second of the session for nobody, and shows the session as it
    is the moment it appears."""
    w = PresenterWidget(hip.controller)
    qtbot.addWidget(w)
    before = w.countdown.text()
    hip.key(Qt.Key.Key_Space)
    hip.at(3.0)
    assert hip.player.dial.text != "" and w.countdown.text() == before
    w.show()
    qtbot.waitExposed(w)
    assert w.countdown.text() != before
    assert w.countdown.text().startswith(hip.player.dial.text)
    hip.at(4.0)  # seen: it follows each second again
    assert w.countdown.text().startswith(hip.player.dial.text)
