"""The plan compiler against the contract's "Timeline and duration" rules.

Routines are built from the model directly, so these tests need no loader.
"""

from __future__ import annotations

import math

import pytest
from builders import T, breaths, ex, hold, plan_of, reps, time_dose
from hypothesis import given, settings
from hypothesis import strategies as st

from hiptimer.plan import Plan, Step, compile_plan, format_clock
from hiptimer.routine import (
    SELF_PACED_REP_S,
    Dose,
    DoseKind,
    Exercise,
    Routine,
    Timings,
)


def shape(plan: Plan) -> list[tuple[str, str | None, int, float | None]]:
    """(kind, side, set, duration) per step: the timeline without offsets."""
    return [(s.kind, s.side, s.set, s.duration_s) for s in plan.steps]


def assert_contiguous(plan: Plan) -> None:
    t = 0.0
    for i, s in enumerate(plan.steps):
        assert s.index == i
        assert s.start_s == pytest.approx(t)
        t += s.estimate_s
    assert plan.duration_s == pytest.approx(t)


# --- dose kinds -------------------------------------------------------------------------------


def test_hold_seconds() -> None:
    p = plan_of(ex("Stretch", hold(30)))
    assert shape(p) == [("prep", None, 1, 5), ("work", None, 1, 30)]
    assert p.duration_s == 35
    assert not p.has_estimates


def test_breath_hold_lasts_count_times_breath_seconds() -> None:
    p = plan_of(ex("Fold", breaths(5)))
    work = p.steps[-1]
    assert work.kind == "work"
    assert work.duration_s == 5 * T.breath == 30
    assert p.duration_s == 35


def test_timed_reps_last_reps_times_tempo() -> None:
    p = plan_of(ex("Bridge", reps(8, tempo=4)))
    assert p.steps[-1].duration_s == 32
    assert p.steps[-1].estimate_s == 32
    assert p.duration_s == 37
    assert not p.has_estimates


def test_self_paced_reps_have_no_duration_and_count_three_seconds_a_rep() -> None:
    p = plan_of(ex("Lunge", reps(8)), ex("Hold", hold(20)))
    work = p.steps[1]
    assert work.kind == "work"
    assert work.duration_s is None
    assert work.estimate_s == 8 * SELF_PACED_REP_S == 24
    assert p.has_estimates
    # The estimate places the steps that follow it.
    assert p.steps[2].kind == "rest"
    assert p.steps[2].start_s == 5 + 24
    assert p.duration_s == 5 + 24 + 10 + 5 + 20


def test_time_dose_is_continuous_work() -> None:
    p = plan_of(ex("Brisk walk", time_dose(600)))
    assert shape(p) == [("prep", None, 1, 5), ("work", None, 1, 600)]
    assert p.duration_s == 605


# --- sides ------------------------------------------------------------------------------------


def test_each_does_left_then_right_with_a_switch_between() -> None:
    p = plan_of(ex("Lunge stretch", hold(30), sides="each"))
    assert shape(p) == [
        ("prep", None, 1, 5),
        ("work", "left", 1, 30),
        ("switch", "right", 1, 4),
        ("work", "right", 1, 30),
    ]
    assert p.duration_s == 5 + 30 + 4 + 30


def test_each_with_sets_does_all_sets_on_the_left_then_all_on_the_right() -> None:
    p = plan_of(ex("Hip hikers", reps(10, tempo=3), sets=2, sides="each"))
    assert shape(p) == [
        ("prep", None, 1, 5),
        ("work", "left", 1, 30),
        ("set_rest", "left", 2, 30),
        ("work", "left", 2, 30),
        ("switch", "right", 1, 4),
        ("work", "right", 1, 30),
        ("set_rest", "right", 2, 30),
        ("work", "right", 2, 30),
    ]


def test_alternate_reps_is_one_pass_with_twice_the_reps() -> None:
    p = plan_of(ex("Leg raise", reps(10, tempo=3), sides="alternate"))
    assert shape(p) == [("prep", None, 1, 5), ("work", None, 1, 60)]


def test_alternate_self_paced_reps_estimate_both_sides() -> None:
    p = plan_of(ex("Leg raise", reps(10), sides="alternate"))
    work = p.steps[-1]
    assert work.duration_s is None
    assert work.estimate_s == 2 * 10 * SELF_PACED_REP_S


@pytest.mark.parametrize("dose", [hold(30), breaths(5), time_dose(60)])
def test_alternate_hold_is_like_each(dose: Dose) -> None:
    alt = plan_of(ex("X", dose, sides="alternate", sets=2))
    each = plan_of(ex("X", dose, sides="each", sets=2))
    assert shape(alt) == shape(each)
    assert [s.side for s in alt.steps if s.is_work] == ["left", "left", "right", "right"]


# --- sets -------------------------------------------------------------------------------------


def test_sets_are_separated_by_set_rest() -> None:
    p = plan_of(ex("Reverse lunge", reps(8, tempo=4), sets=3))
    assert shape(p) == [
        ("prep", None, 1, 5),
        ("work", None, 1, 32),
        ("set_rest", None, 2, 30),
        ("work", None, 2, 32),
        ("set_rest", None, 3, 30),
        ("work", None, 3, 32),
    ]
    assert all(s.sets == 3 for s in p.steps)
    assert p.duration_s == 5 + 3 * 32 + 2 * 30


# --- ranges -----------------------------------------------------------------------------------


def test_breath_range_plans_the_upper_bound() -> None:
    p = plan_of(ex("Fold", breaths(8, 10)))
    assert p.steps[-1].duration_s == 10 * T.breath
    assert p.steps[-1].exercise.dose.is_range


def test_rep_range_plans_the_upper_bound() -> None:
    timed = plan_of(ex("Bird dog", reps(5, 7, tempo=8), sides="alternate"))
    assert timed.steps[-1].duration_s == 7 * 8 * 2
    paced = plan_of(ex("Bird dog", reps(5, 7)))
    assert paced.steps[-1].estimate_s == 7 * SELF_PACED_REP_S


# --- between exercises and overrides ----------------------------------------------------------


def test_rest_between_exercises_and_none_after_the_last() -> None:
    p = plan_of(ex("A", hold(20)), ex("B", hold(20)), ex("C", hold(20)))
    assert [s.kind for s in p.steps] == [
        "prep",
        "work",
        "rest",
        "prep",
        "work",
        "rest",
        "prep",
        "work",
    ]
    assert [s.exercise_index for s in p.steps] == [0, 0, 0, 1, 1, 1, 2, 2]
    assert p.steps[-1].kind == "work"
    assert p.duration_s == 3 * (5 + 20) + 2 * 10


def test_an_exercises_own_rest_follows_it_and_its_own_prep_precedes_it() -> None:
    own = Timings(prep=12, rest=25, set_rest=30, switch=4, breath=6)
    p = plan_of(ex("A", hold(20)), ex("B", hold(20), timings=own), ex("C", hold(20)))
    assert shape(p) == [
        ("prep", None, 1, 5),
        ("work", None, 1, 20),
        ("rest", None, 1, 10),  # A's rest
        ("prep", None, 1, 12),  # B's own prep
        ("work", None, 1, 20),
        ("rest", None, 1, 25),  # B's own rest
        ("prep", None, 1, 5),
        ("work", None, 1, 20),
    ]
    assert p.steps[5].exercise.name == "B"


def test_per_exercise_set_rest_switch_and_breath_overrides() -> None:
    own = Timings(prep=5, rest=10, set_rest=15, switch=8, breath=4)
    p = plan_of(ex("Bridge hold", breaths(5), sets=2, sides="each", timings=own))
    assert shape(p) == [
        ("prep", None, 1, 5),
        ("work", "left", 1, 20),
        ("set_rest", "left", 2, 15),
        ("work", "left", 2, 20),
        ("switch", "right", 1, 8),
        ("work", "right", 1, 20),
        ("set_rest", "right", 2, 15),
        ("work", "right", 2, 20),
    ]


def test_zero_second_steps_are_left_out() -> None:
    zero = Timings(prep=0, rest=0, set_rest=0, switch=0, breath=5)
    p = plan_of(
        ex("Warm-up walk", time_dose(180), timings=zero),
        ex("Brisk walk", time_dose(600), sets=2, sides="each", timings=zero),
        ex("Stretch", hold(30)),
    )
    assert all(s.estimate_s > 0 for s in p.steps)
    assert shape(p) == [
        ("work", None, 1, 180),
        ("work", "left", 1, 600),
        ("work", "left", 2, 600),
        ("work", "right", 1, 600),
        ("work", "right", 2, 600),
        ("prep", None, 1, 5),
        ("work", None, 1, 30),
    ]
    assert_contiguous(p)
    assert p.duration_s == 180 + 4 * 600 + 5 + 30


def test_a_mixed_routine_has_contiguous_offsets_and_its_total() -> None:
    p = plan_of(
        ex("Kneeling stretch", hold(30), sides="each"),
        ex("Fold", breaths(8, 10)),
        ex("Bird dog", reps(5, 7, tempo=8), sides="alternate"),
        ex("Reverse lunge", reps(8), sets=3, sides="each"),
        ex("Walk", time_dose(600)),
    )
    assert_contiguous(p)
    expected = (
        (5 + 30 + 4 + 30)
        + 10
        + (5 + 60)
        + 10
        + (5 + 112)
        + 10
        + (5 + 2 * (3 * 24 + 2 * 30) + 4)
        + 10
        + (5 + 600)
    )
    assert p.duration_s == expected
    assert p.has_estimates
    assert [s.end_s for s in p.steps[:-1]] == [s.start_s for s in p.steps[1:]]


def test_next_work_finds_the_following_work_step() -> None:
    p = plan_of(ex("A", hold(20)), ex("B", hold(20)))
    assert p.next_work(0) is p.steps[1]
    assert p.next_work(1) is p.steps[4]
    assert p.next_work(len(p.steps) - 1) is None


def test_empty_routine_has_an_empty_plan() -> None:
    p = compile_plan(Routine(name="Empty", exercises=()))
    assert p.steps == ()
    assert p.duration_s == 0


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0:00"), (5, "0:05"), (90, "1:30"), (599.6, "10:00"), (3723, "1:02:03")],
)
def test_format_clock(seconds: float, text: str) -> None:
    assert format_clock(seconds) == text


# --- properties -------------------------------------------------------------------------------

DOSE_KINDS: tuple[DoseKind, ...] = ("hold", "breaths", "reps", "time")
seconds = st.integers(min_value=0, max_value=120).map(float)
timings = st.builds(
    Timings,
    prep=seconds,
    rest=seconds,
    set_rest=seconds,
    switch=seconds,
    breath=st.integers(min_value=1, max_value=12).map(float),
)


@st.composite
def doses(draw: st.DrawFn) -> Dose:
    kind: DoseKind = draw(st.sampled_from(DOSE_KINDS))
    if kind in ("hold", "time"):
        v = float(draw(st.integers(min_value=1, max_value=3600)))
        return Dose(kind, v, v, f"{v:g}s")
    low = draw(st.integers(min_value=1, max_value=50))
    high = draw(st.integers(min_value=low, max_value=60))
    tempo = None
    if kind == "reps":
        tempo = draw(st.none() | st.integers(min_value=1, max_value=10).map(float))
    return Dose(kind, low, high, f"{low}-{high}", tempo)


exercises = st.builds(
    Exercise,
    name=st.text(min_size=1, max_size=10),
    dose=doses(),
    timings=timings,
    sets=st.integers(min_value=1, max_value=5),
    sides=st.sampled_from(["none", "each", "alternate"]),
)
routines = st.builds(
    Routine,
    name=st.just("R"),
    exercises=st.lists(exercises, min_size=1, max_size=6).map(tuple),
)


def _passes(e: Exercise) -> int:
    """Sides the plan walks through: two for each, and for alternate holds/time."""
    if e.sides == "each" or (e.sides == "alternate" and e.dose.kind != "reps"):
        return 2
    return 1


@settings(max_examples=300, deadline=None)
@given(routines)
def test_property_steps_are_contiguous_and_sum_to_the_duration(r: Routine) -> None:
    p = compile_plan(r)
    assert_contiguous(p)
    assert math.isclose(sum(s.estimate_s for s in p.steps), p.duration_s, rel_tol=1e-9)


@settings(max_examples=300, deadline=None)
@given(routines)
def test_property_no_zero_steps_and_durations_match_estimates(r: Routine) -> None:
    p = compile_plan(r)
    for s in p.steps:
        assert s.estimate_s > 0
        assert s.duration_s is None or s.duration_s == s.estimate_s
        assert (s.duration_s is None) == (s.is_work and s.exercise.dose.self_paced)


@settings(max_examples=300, deadline=None)
@given(routines)
def test_property_work_steps_per_exercise_are_sets_times_sides(r: Routine) -> None:
    p = compile_plan(r)
    for i, e in enumerate(r.exercises):
        work: list[Step] = [s for s in p.steps if s.is_work and s.exercise_index == i]
        assert len(work) == e.sets * _passes(e)
        assert [s.set for s in work] == list(range(1, e.sets + 1)) * _passes(e)
        assert all(s.exercise is e for s in work)
    # Rest never follows the last exercise, and exercises come in order.
    assert p.steps[-1].kind != "rest"
    assert [s.exercise_index for s in p.steps] == sorted(s.exercise_index for s in p.steps)
