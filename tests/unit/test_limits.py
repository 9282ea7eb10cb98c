"""Routine limits (issue #11): 10,000 steps and 24 hours, checked before expanding."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from builders import T, breaths, ex, hold, reps, time_dose
from hypothesis import given, settings
from hypothesis import strategies as st

from hiptimer.loader import RoutineErrors, load_routine, load_routine_text
from hiptimer.plan import MAX_DURATION_S, MAX_STEPS, compile_plan, plan_size, plan_total
from hiptimer.routine import Routine, Timings

ROUTINES = sorted((Path(__file__).parents[2] / "routines").glob("*.yaml"))


def errors(text: str) -> list[tuple[int, int, str]]:
    with pytest.raises(RoutineErrors) as info:
        load_routine_text(text, "r.yaml")
    return [(e.line, e.col, e.message) for e in info.value.errors]


@pytest.mark.parametrize("path", ROUTINES, ids=[p.stem for p in ROUTINES])
def test_plan_size_agrees_with_the_plan_for_the_bundled_routines(path: Path) -> None:
    r = load_routine(path)
    plan = compile_plan(r)
    assert plan_size(r) == (len(plan.steps), pytest.approx(plan.duration_s))
    assert plan_total(r) == (plan.duration_s, plan.has_estimates)


_DOSES = st.one_of(
    st.builds(hold, st.floats(0.5, 3600)),
    st.builds(breaths, st.integers(1, 60)),
    st.builds(reps, st.integers(1, 50), st.none(), st.one_of(st.none(), st.floats(0.5, 10))),
    st.builds(time_dose, st.floats(1, 3600)),
)
_TIMINGS = st.builds(
    Timings,
    prep=st.sampled_from([0.0, 5.0]),
    rest=st.sampled_from([0.0, 10.0]),
    set_rest=st.sampled_from([0.0, 30.0]),
    switch=st.sampled_from([0.0, 4.0]),
    breath=st.just(6.0),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.builds(
            ex,
            st.just("E"),
            _DOSES,
            sets=st.integers(1, 12),
            sides=st.sampled_from(["none", "each", "alternate"]),
            timings=_TIMINGS,
        ),
        min_size=1,
        max_size=8,
    )
)
def test_plan_size_agrees_with_the_plan(exercises: list[object]) -> None:
    r = Routine(name="R", exercises=tuple(exercises), defaults=T)  # type: ignore[arg-type]
    plan = compile_plan(r)
    steps, seconds = plan_size(r)
    assert steps == len(plan.steps)
    assert seconds == pytest.approx(plan.duration_s)
    # the library row's total: the very same float, and whether any step is an estimate
    assert plan_total(r) == (plan.duration_s, plan.has_estimates)


def _routine(lines: list[str], head: str = "") -> str:
    return "name: R\n" + head + "exercises:\n" + "".join(f"  - {x}\n" for x in lines)


def test_exactly_10000_steps_loads_and_one_more_is_located() -> None:
    # prep 0, rest 0: one step an exercise; 10,000 of them is the limit itself
    head = "defaults: {prep: 0, rest: 0}\n"
    ok = load_routine_text(_routine(["{name: a, hold: 1s}"] * MAX_STEPS, head), "r.yaml")
    assert plan_size(ok) == (MAX_STEPS, MAX_STEPS)
    (err,) = errors(_routine(["{name: a, hold: 1s}"] * (MAX_STEPS + 1), head))
    assert err[:2] == (3 + MAX_STEPS + 1, 5)
    assert f"exercise 10,001: a routine has at most {MAX_STEPS:,} steps" in err[2]


def test_exactly_24_hours_loads_and_a_second_more_is_located() -> None:
    head = "defaults: {prep: 0, rest: 0}\n"
    ok = load_routine_text(_routine(["{name: a, time: 12h}"] * 2, head), "r.yaml")
    assert plan_size(ok)[1] == MAX_DURATION_S
    got = errors(
        _routine(["{name: a, time: 12h}", "{name: b, time: 1s}", "{name: c, time: 12h}"], head)
    )
    assert got == [(6, 5, got[0][2])]
    assert "passes 24 hours at this exercise (24h 1s so far)" in got[0][2]


def test_the_limit_is_at_the_exercise_that_crosses_it_not_the_first_big_one() -> None:
    big = "{name: big, hold: 1s, sets: 1000, sides: each}"  # 2,003 steps, 34 min
    head = "defaults: {set_rest: 0}\n"
    got = errors(_routine(["{name: small, hold: 5s}"] + [big] * 6, head))
    assert [(g[0], g[1]) for g in got] == [(9, 5)]  # the fifth big one: 10,018 steps
    assert "steps" in got[0][2]


def test_errors_before_the_crossing_are_kept() -> None:
    big = "{name: big, hold: 1h, sets: 1000, sides: each}"
    got = errors(_routine(["{name: bad, hold: 0}", big]))
    assert [(g[0], g[1]) for g in got] == [(3, 23), (4, 5)]


def test_a_46_kb_routine_of_sets_1000_is_refused_without_expanding() -> None:
    text = _routine(["{name: a, hold: 1h, sets: 1000, sides: each}"] * 1000)
    assert 40_000 < len(text) < 60_000
    tracemalloc.start()
    try:
        got = errors(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [(g[0], g[1]) for g in got] == [(3, 5)]
    assert peak < 50 * 1024 * 1024  # a plan of 4,000,000 steps would take gigabytes
