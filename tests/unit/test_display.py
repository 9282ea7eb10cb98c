"""The display model: what every screen and the voice show, step kind by step
kind, computed from a Session on a FakeClock."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from hiptimer import display
from hiptimer.clock import FakeClock
from hiptimer.display import Count, DisplayState, display_state
from hiptimer.engine import Session
from hiptimer.events import (
    CountdownTick,
    Event,
    SessionFinished,
    SideSwitch,
    StepEnded,
    StepStarted,
)
from hiptimer.plan import Plan, compile_plan
from hiptimer.routine import Dose, Exercise, Routine
from tests.unit.builders import T, breaths, cue_plan, ex, hold, plan_of, reps, time_dose


def _with(e: Exercise, **changes: object) -> Exercise:
    return dataclasses.replace(e, **changes)  # type: ignore[arg-type]


def _plan(*exercises: Exercise) -> Plan:
    return compile_plan(Routine(name="R", exercises=tuple(exercises), defaults=T))


def run_to(plan: Plan, kind: str, *, nth: int = 0, into: float = 0.0) -> tuple[Session, FakeClock]:
    """A running session ``into`` seconds into the ``nth`` step of ``kind``,
    reached by letting the clock run (Next on self-paced steps)."""
    clock = FakeClock()
    s = Session(plan, clock)
    s.start()
    seen = 0
    for _ in range(1000):
        step = s.step
        assert step is not None, f"no {kind} #{nth}"
        if step.kind == kind:
            if seen == nth:
                clock.advance(into)
                s.tick()
                return s, clock
            seen += 1
        if step.duration_s is None:
            s.next()
        else:
            rem = s.remaining()
            assert rem is not None
            clock.advance(rem)
            s.tick()
    raise AssertionError("never got there")


PELVIC = _with(
    ex("Pelvic tilt", hold(6), sides="each"),
    how="Lie on your back, knees bent.",
    note="Stop if your back hurts.",
    image=Path("/pics/pelvic.png"),
)
KNEE = _with(
    ex("Knee to chest", hold(20), sets=3),
    how="Hug one knee to your chest.",
    note="Keep the other leg long.",
    image=Path("/pics/knee.svg"),
    mirror=True,
)


# ------------------------------------------------------------- step kinds


def test_ready_shows_the_first_step_and_the_start_banner() -> None:
    s = Session(_plan(PELVIC, KNEE), FakeClock())
    d = display_state(s)
    assert d.state == "ready" and d.kind == "prep"
    assert d.banner == "Press Space to start"
    assert d.countdown_text == "5" and d.countdown_fraction == 1.0
    assert d.exercise is not None and d.exercise.name == "Pelvic tilt"


def test_prep_shows_the_exercise_coming_on_its_first_side() -> None:
    s, _ = run_to(_plan(PELVIC, KNEE), "prep", into=2.0)
    d = display_state(s)
    assert d.kind == "prep" and d.title == "Pelvic tilt"
    assert d.side == "left" and d.side_caption == "First side"
    assert d.countdown_s == pytest.approx(3.0) and d.countdown_text == "3"
    assert d.countdown_fraction == pytest.approx(0.6)
    assert d.exercise == display.ExerciseCard(
        name="Pelvic tilt",
        dose="6s, each side",
        how="Lie on your back, knees bent.",
        note="Stop if your back hurts.",
        picture="/pics/pelvic.png",
        mirrored=False,
    )
    assert d.next == "Next: Pelvic tilt, left side, 6s"
    assert d.banner == ""


def test_work_hold_left_names_the_right_side_next() -> None:
    s, _ = run_to(_plan(PELVIC, KNEE), "work", into=1.5)
    d = display_state(s)
    assert d.kind == "work" and d.title == "Pelvic tilt"
    assert d.side == "left" and d.side_caption == ""
    assert d.countdown_text == "5" and d.countdown_s == pytest.approx(4.5)
    assert d.next == "Next: right side"
    assert d.set is None and d.set_text == "" and d.rep is None and d.breath is None


def test_work_right_side_names_the_next_exercise_in_full() -> None:
    s, _ = run_to(_plan(PELVIC, KNEE), "work", nth=1)
    d = display_state(s)
    assert d.side == "right"
    assert d.next == "Next: Knee to chest, set 1 of 3, 20s"


def test_sets_name_the_next_set_exactly() -> None:
    plan = _plan(KNEE, PELVIC)
    s, _ = run_to(plan, "work")
    d = display_state(s)
    assert d.set == Count(1, 3) and d.set_text == "Set 1 of 3"
    assert d.next == "Next: set 2 of 3"
    s, _ = run_to(plan, "work", nth=2)
    assert display_state(s).next == "Next: Pelvic tilt, left side, 6s"


def test_sets_on_each_side_name_side_and_set() -> None:
    two = ex("Lunge", hold(10), sets=2, sides="each")
    plan = _plan(two)
    s, _ = run_to(plan, "work", nth=1)  # left, set 2 of 2
    assert display_state(s).next == "Next: right side, set 1 of 2"
    s, _ = run_to(plan, "work", nth=3)
    assert display_state(s).next == "Next: finish"


def test_set_rest_shows_the_set_coming() -> None:
    s, _ = run_to(_plan(KNEE, PELVIC), "set_rest", into=10.0)
    d = display_state(s)
    assert d.kind == "set_rest" and d.title == "Knee to chest"
    assert d.set == Count(2, 3) and d.set_text == "Set 2 of 3 next"
    assert d.countdown_text == "20"
    assert d.next == "Next: set 2 of 3"
    assert d.exercise is not None and d.exercise.how == "Hug one knee to your chest."


def test_switch_shows_the_side_coming() -> None:
    s, _ = run_to(_plan(PELVIC, KNEE), "switch", into=1.0)
    d = display_state(s)
    assert d.kind == "switch" and d.side == "right" and d.side_caption == "Switch sides"
    assert d.next == "Next: right side"
    assert d.countdown_text == "3"


def test_rest_shows_the_next_exercise_its_picture_how_and_note() -> None:
    s, _ = run_to(_plan(PELVIC, KNEE), "rest", into=4.0)
    d = display_state(s)
    assert d.kind == "rest" and d.title == "Up next: Knee to chest"
    assert d.exercise is not None
    assert d.exercise.name == "Knee to chest"
    assert d.exercise.how == "Hug one knee to your chest."
    assert d.exercise.note == "Keep the other leg long."
    assert d.exercise.picture == "/pics/knee.svg"
    assert d.exercise.dose == "20s × 3 sets"
    assert d.next == "Next: Knee to chest, set 1 of 3, 20s"
    assert d.side is None


def test_prep_of_a_later_exercise_shows_that_exercise() -> None:
    s, _ = run_to(_plan(PELVIC, KNEE), "prep", nth=1)
    d = display_state(s)
    assert d.title == "Knee to chest"
    assert d.exercise is not None and d.exercise.note == "Keep the other leg long."


def test_time_dose_counts_down_in_minutes() -> None:
    s, _ = run_to(_plan(ex("Walk", time_dose(600))), "work", into=30.0)
    d = display_state(s)
    assert d.countdown_text == "9:30" and d.countdown_caption == ""
    assert d.next == "Next: finish"


def test_breath_hold_guides_breath_by_breath() -> None:
    # breath = 6 s: inhale 3 s, exhale 3 s
    plan = _plan(ex("Fold", breaths(8, 10)))
    s, _ = run_to(plan, "work", into=1.0)
    d = display_state(s)
    assert d.breath is not None
    assert (d.breath.phase, d.breath.breath, d.breath.of) == ("inhale", 1, 10)
    assert d.breath.phase_s == 3.0 and d.breath.fraction == pytest.approx(1 / 3)
    assert d.breath_text == "Breath 1 of 10"
    s, _ = run_to(plan, "work", into=10.0)
    d = display_state(s)
    assert d.breath is not None and (d.breath.phase, d.breath.breath) == ("exhale", 2)
    assert d.countdown_text == "50"


def test_timed_reps_count_rep_by_rep() -> None:
    s, _ = run_to(_plan(ex("Squat", reps(8, tempo=3.0), sets=2)), "work", into=7.0)
    d = display_state(s)
    assert d.rep == Count(3, 8) and d.rep_text == "Rep 3 of 8"
    assert d.countdown_text == "17" and not d.self_paced


def test_a_resumed_set_of_reps_says_its_reps_once_before_it_starts() -> None:
    """Resumed at a set of timed reps, before Space: "10 reps" stood twice beside the
    picture (the dose, and the rep count that had not begun)."""
    from hiptimer.engine import Progress

    plan = _plan(PELVIC, ex("Squat", reps(8, tempo=3.0)))
    work = next(i for i, st in enumerate(plan.steps) if st.is_work and st.exercise.name == "Squat")
    s = Session(plan, FakeClock())
    s.restore(Progress(work, (), 30.0))
    d = display_state(s)
    assert d.state == "ready" and d.kind == "work"
    assert d.rep is None and d.rep_text == ""
    assert d.exercise is not None and d.exercise.dose == "8 reps"  # said once, by the dose


def test_alternate_timed_reps_count_both_sides_and_show_the_rep_side() -> None:
    s, _ = run_to(_plan(ex("Lunge", reps(4, tempo=2.0), sides="alternate")), "work", into=2.5)
    d = display_state(s)
    assert d.rep == Count(2, 8)
    assert d.side == "right" and d.side_caption == "Alternate sides"
    assert d.countdown_text == "14"  # 8 reps of 2 s, 2.5 s in


def test_self_paced_reps_wait_for_next() -> None:
    plan = _plan(ex("Bridge", reps(8, 10), sides="alternate"), PELVIC)
    s, clock = run_to(plan, "work")
    clock.advance(40.0)
    s.tick()
    d = display_state(s)
    assert d.self_paced and d.countdown_s is None
    assert d.countdown_text == "8–10" and d.countdown_caption == "reps each side"
    assert d.rep is None and d.rep_text == "8-10 reps each side — press Next when done"
    assert d.side is None and d.side_caption == "Alternate sides each rep"
    assert d.step_index == 1  # still there: nothing ends it but Next
    assert d.remaining_estimated and d.time_left_text.startswith("~")


def test_paused_freezes_the_countdown_and_says_so() -> None:
    s, clock = run_to(_plan(PELVIC, KNEE), "work", into=2.0)
    s.pause()
    clock.advance(100.0)
    d = display_state(s)
    assert d.state == "paused" and d.kind == "work"
    assert d.countdown_text == "4"
    assert d.banner == "PAUSED — press Space"
    assert display_state(s, pause_reason="sleep").banner == (
        "PAUSED — the computer slept · press Space"
    )


def test_finished_headline_is_honest() -> None:
    plan = _plan(PELVIC, KNEE)
    s, clock = run_to(plan, "work", nth=len([x for x in plan.steps if x.is_work]) - 1)
    clock.advance(20.0)
    s.tick()
    d = display_state(s)
    assert d.kind == "finished" and d.title == "Session complete"
    assert d.exercise is None and d.next == "" and d.upcoming == ()
    assert d.progress == 1.0

    clock2 = FakeClock()
    s2 = Session(plan, clock2)
    s2.start()
    s2.next()  # prep
    s2.next()  # left side, skipped
    s2.stop()
    assert display_state(s2).title == "Stopped: 0 of 2 exercises done"


def test_finished_state_names_its_outcome_and_shows_no_zero() -> None:
    """The end screen once read "DONE ✓" over a huge "0" even with nothing done:
    its badge now follows the headline, and no countdown digit is left on it."""
    plan = _plan(PELVIC, KNEE)
    s, clock = run_to(plan, "work", nth=len([x for x in plan.steps if x.is_work]) - 1)
    clock.advance(20.0)
    s.tick()
    d = display_state(s)
    assert (d.outcome, display.finished_badge(d.outcome)) == ("complete", "DONE ✓")
    assert d.countdown_text == "" and d.countdown_s is None

    s2 = Session(plan, FakeClock())
    s2.start()
    s2.stop()
    d2 = display_state(s2)
    assert d2.title == "Stopped: 0 of 2 exercises done"
    assert (d2.outcome, display.finished_badge(d2.outcome)) == ("stopped", "STOPPED")
    assert d2.countdown_text == ""

    summary = display.SessionSummary(60.0, 4, 2, 0, "completed")
    assert display.outcome(summary, 6) == "finished"
    assert display.finished_badge("finished") == "FINISHED"
    assert display.outcome(dataclasses.replace(summary, exercises_done=6), 6) == "complete"
    assert display_state(run_to(plan, "work")[0]).outcome is None  # only the end has one


def test_headline_counts_exercises() -> None:
    summary = display.SessionSummary(60.0, 4, 2, 0, "completed")
    assert display.headline(summary, 6) == "Finished: 4 of 6 exercises done"
    assert display.headline(dataclasses.replace(summary, exercises_done=6), 6) == (
        "Session complete"
    )
    stopped = dataclasses.replace(summary, status="stopped")
    assert display.headline(stopped, 6) == "Stopped: 4 of 6 exercises done"


def test_upcoming_lists_the_next_steps_with_when_they_start() -> None:
    s, _ = run_to(_plan(PELVIC, KNEE), "work", into=2.0)
    d = display_state(s, upcoming=3)
    assert [(u.kind, u.text, u.starts_in_s) for u in d.upcoming] == [
        ("switch", "Switch to the right side", pytest.approx(4.0)),
        ("work", "Pelvic tilt, right side, 6s", pytest.approx(8.0)),
        ("rest", "Rest", pytest.approx(14.0)),
    ]
    assert not any(u.starts_estimated for u in d.upcoming)


def test_mirror_swaps_sides_in_words_only() -> None:
    s, _ = run_to(_plan(PELVIC, KNEE), "work", into=1.0)
    d = display_state(s, mirror=True)
    assert d.side == "left"  # the value stays true
    assert d.next == "Next: left side"
    assert d.upcoming[0].text == "Switch to the left side"


def test_a_mirror_picture_flips_on_the_right_side() -> None:
    knee_each = _with(KNEE, sides="each", sets=1)
    plan = _plan(knee_each)
    s, _ = run_to(plan, "work")
    d = display_state(s)
    assert d.exercise is not None and not d.exercise.mirrored
    s, _ = run_to(plan, "work", nth=1)
    d = display_state(s)
    assert d.exercise is not None and d.exercise.mirrored


def test_mirror_mode_flips_the_pictures_too() -> None:
    """A class facing the trainer sees left and right swapped in the pictures as in
    the words: every picture is flipped once more, whichever side it shows."""
    knee_each = _with(KNEE, sides="each", sets=1)
    plan = _plan(knee_each)
    for nth, plain in ((0, False), (1, True)):
        s, _ = run_to(plan, "work", nth=nth)
        d = display_state(s, mirror=True)
        assert d.exercise is not None and d.exercise.mirrored is (not plain)
    s, _ = run_to(_plan(PELVIC), "work")  # a picture without mirror: flipped in mirror mode
    d = display_state(s, mirror=True)
    assert d.exercise is not None and d.exercise.mirrored


def test_equal_instants_give_equal_states() -> None:
    plan = _plan(PELVIC, KNEE)
    a, _ = run_to(plan, "work", into=2.0)
    b, _ = run_to(plan, "work", into=2.0)
    assert display_state(a) == display_state(b)
    assert isinstance(display_state(a), DisplayState)


def test_describe_step_covers_every_kind() -> None:
    plan = plan_of(ex("Lunge", reps(6, tempo=2.0), sets=2, sides="each"), ex("Walk", hold(30)))
    texts = [display.describe_step(s) for s in plan.steps]
    assert texts[:4] == [
        "Get ready: Lunge",
        "Lunge, left side, set 1 of 2, 6 reps",
        "Rest before set 2 of 2, left side",
        "Lunge, left side, set 2 of 2, 6 reps",
    ]
    assert "Switch to the right side" in texts and "Rest" in texts
    assert display.describe_step(plan.steps[1], spoken=True) == (
        "Lunge, left side, set 1 of 2, 6 reps"
    )


def test_reps_per_set_is_one_rule() -> None:
    alt = ex("Lunge", reps(4, 6, tempo=2.0), sides="alternate")
    assert alt.reps_per_set() == 12 and alt.reps_per_set(4) == 8
    assert alt.work_seconds() == 24
    assert ex("Squat", reps(8)).reps_per_set() == 8
    assert ex("Hold", hold(30), sides="alternate").reps_per_set() == 30  # not reps: no doubling


# ------------------------------------------------------------------ speech


@pytest.fixture
def plan() -> Plan:
    return cue_plan()


def test_spoken_text_for_each_kind_of_step(plan: Plan) -> None:
    st = plan.steps
    prep0 = st[0]
    assert display.spoken_text(StepStarted(prep0, 0.0), plan) == (
        "Next: Pigeon pose, left side, 30 seconds"
    )
    switch = next(s for s in st if s.kind == "switch")
    assert display.spoken_text(SideSwitch(switch, 1.0, "right"), plan) == "Switch sides"
    assert display.spoken_text(StepStarted(switch, 1.0), plan) is None  # SideSwitch says it
    rest = next(s for s in st if s.kind == "rest")
    assert display.spoken_text(StepStarted(rest, 1.0), plan) == (
        "Rest. Next: Squat, set 1 of 3, 8 reps"
    )
    prep1 = next(s for s in st if s.kind == "prep" and s.exercise_index == 1)
    assert display.spoken_text(StepStarted(prep1, 1.0), plan) == "Get ready"
    set_rests = [s for s in st if s.kind == "set_rest"]
    assert display.spoken_text(StepStarted(set_rests[0], 1.0), plan) == "Rest. Next: set 2 of 3"
    assert display.spoken_text(StepStarted(set_rests[1], 1.0), plan) == "Rest. Last set next"
    squat_sets = [s for s in st if s.is_work and s.exercise_index == 1]
    assert display.spoken_text(StepStarted(squat_sets[0], 1.0), plan) is None
    assert display.spoken_text(StepStarted(squat_sets[2], 1.0), plan) == "Last set"
    rests = [s for s in st if s.kind == "rest"]
    assert display.spoken_text(StepStarted(rests[1], 1.0), plan) == (
        "Rest. Next: Forward fold, 8 to 10 breaths"
    )
    assert display.spoken_text(StepStarted(rests[2], 1.0), plan) == (
        "Rest. Next: Lunge twist, alternating sides, 6 reps each side"
    )
    assert display.spoken_text(StepStarted(rests[3], 1.0), plan) == (
        "Rest. Next: Walk, 1 minute 30 seconds"
    )
    assert display.spoken_text(SessionFinished(1.0, "completed"), plan) == "Session complete"
    assert display.spoken_text(SessionFinished(1.0, "stopped"), plan) is None
    skipped = display.SessionSummary(60.0, 3, 2, 0, "completed")
    assert display.spoken_text(SessionFinished(1.0, "completed"), plan, summary=skipped) == (
        "Finished: 3 of 5 exercises done"
    )
    assert display.spoken_text(CountdownTick(st[1], 1.0, 3), plan) is None
    assert display.spoken_text(StepStarted(prep0, 0.0), plan, mirror=True) == (
        "Next: Pigeon pose, right side, 30 seconds"
    )


def test_speech_for_a_batch_joins_the_latest_instant(plan: Plan) -> None:
    work = plan.steps[1]
    switch = next(s for s in plan.steps if s.kind == "switch")
    batch: list[Event] = [
        StepEnded(work, 35.0, "done"),
        SideSwitch(switch, 35.0, "right"),
        StepStarted(switch, 35.0),
    ]
    assert display.speech_for(batch, plan) == "Switch sides"
    assert display.speech_for([CountdownTick(work, 1.0, 2)], plan) is None


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (1, "1 second"),
        (30, "30 seconds"),
        (60, "1 minute"),
        (90, "1 minute 30 seconds"),
        (600, "10 minutes"),
        (3600, "1 hour"),
        (3720, "1 hour 2 minutes"),
    ],
)
def test_spoken_duration(seconds: float, text: str) -> None:
    assert display.spoken_duration(seconds) == text


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
    assert display.format_countdown(remaining) == shown


def test_countdown_tolerates_float_noise_at_whole_seconds() -> None:
    assert display.countdown_seconds(2.0000000001) == 2
    assert display.countdown_seconds(1.9999999) == 2
    assert display.countdown_seconds(2.01) == 3


def test_dose_summary() -> None:
    a = Exercise("Lunge", Dose("reps", 8, 8, "8 reps"), T, sets=3, sides="each")
    b = Exercise("Fold", Dose("breaths", 8, 10, "8–10 breaths"), T)
    c = Exercise("Twist", Dose("reps", 6, 6, "6"), T, sides="alternate")
    assert display.dose_summary(a) == "8 reps × 3 sets, each side"
    assert display.dose_summary(b) == "8–10 breaths"
    assert display.dose_summary(c) == "6 reps, each side, alternating"


def test_the_coach_note_rides_on_the_card_of_the_exercise_shown() -> None:
    """The trainer's note travels with the exercise shown (the next one during a
    rest), so the presenter view reads it from the model like everything else."""
    a = _with(ex("Bridge", hold(10)), coach="Ribs down.")
    b = _with(ex("Fold", hold(10)), coach="Soft knees.")
    s, _ = run_to(_plan(a, b), "work", into=1.0)
    assert display_state(s).exercise is not None
    assert display_state(s).exercise.coach == "Ribs down."  # type: ignore[union-attr]
    s, _ = run_to(_plan(a, b), "rest", into=1.0)
    assert display_state(s).exercise.coach == "Soft knees."  # type: ignore[union-attr]


def test_upcoming_steps_carry_their_pictures() -> None:
    """The presenter's up-next rows show each step's picture (none for a rest)."""
    s, _ = run_to(_plan(PELVIC, KNEE), "work", into=1.0)  # Pelvic tilt, left side
    rows = display_state(s, upcoming=4).upcoming
    assert [(u.kind, u.picture) for u in rows] == [
        ("switch", "/pics/pelvic.png"),
        ("work", "/pics/pelvic.png"),
        ("rest", None),
        ("prep", "/pics/knee.svg"),
    ]
    assert not any(u.mirrored for u in rows)  # Pelvic tilt's picture does not mirror
    flipped = display_state(s, upcoming=4, mirror=True).upcoming
    assert [u.mirrored for u in flipped if u.picture] == [True, True, True]
