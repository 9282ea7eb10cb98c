"""The doses of the second wave: reps that hold, rep phases, hold and set ranges.

Loaded from YAML (the contract's own words), compiled, and run on a FakeClock.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hiptimer import cues, display
from hiptimer.clock import FakeClock
from hiptimer.durations import ParseError, parse_duration_range
from hiptimer.engine import Session
from hiptimer.events import (
    BreathPhase,
    Event,
    PhaseStarted,
    RepTick,
    StepEnded,
    StepStarted,
)
from hiptimer.loader import RoutineErrors, load_routine, load_routine_text
from hiptimer.plan import Plan, Step, compile_plan
from hiptimer.resources import routines_dir
from hiptimer.routine import Routine

HEAD = "name: R\ndefaults: {prep: 5, rest: 10, set_rest: 30, switch: 4, breath: 6, countdown: 0}\n"


def routine(body: str) -> Routine:
    return load_routine_text(HEAD + "exercises:\n" + body, "r.yaml")


def errors(body: str) -> list[tuple[int, int, str]]:
    with pytest.raises(RoutineErrors) as info:
        routine(body)
    return [(e.line, e.col, e.message) for e in info.value.errors]


def run(plan: Plan, seconds: float, clock: FakeClock, s: Session) -> list[Event]:
    out: list[Event] = []
    for _ in range(int(seconds)):
        clock.advance(1)
        out += s.tick()
    return out


BIRD_DOG = """\
  - name: Bird dog
    reps: 5-7
    hold: 5-10s
    sides: alternate
"""

BRIDGE = """\
  - name: Bridge
    reps: 8
    phases:
      - name: Lift
        hold: 5 breaths
      - name: Hover
        hold: 3 breaths
    sides: each
"""

LUNGE = """\
  - name: Lunge
    reps: 8
    tempo: 2s
    sets: 3-4
    set_rest: 30s
    sides: each
"""


# ------------------------------------------------------------------ durations


@pytest.mark.parametrize(
    ("text", "low", "high", "shown"),
    [
        ("5-10s", 5, 10, "5\u201310s"),
        ("5 to 10 seconds", 5, 10, "5 to 10 seconds"),
        ("30s-1 min", 30, 60, "30s\u20131 min"),
        ("1-2 min", 60, 120, "1\u20132 min"),
        ("5\u201310 s", 5, 10, "5\u201310 s"),
        ("45 sec", 45, 45, "45 sec"),
        (30, 30, 30, "30s"),
    ],
)
def test_duration_ranges_read_as_written(text: object, low: float, high: float, shown: str) -> None:
    r = parse_duration_range(text)
    assert (r.low, r.high, r.text) == (low, high, shown)


@pytest.mark.parametrize(
    ("text", "needle"),
    [("10-5s", "reversed"), ("5-10 breaths", "breath count"), ("5-x-2s", "cannot read")],
)
def test_bad_duration_ranges_say_why(text: str, needle: str) -> None:
    with pytest.raises(ParseError, match=needle):
        parse_duration_range(text)


# ------------------------------------------------------------------ loader


def test_reps_that_hold_load_with_the_rep_length() -> None:
    ex = routine(BIRD_DOG).exercises[0]
    d = ex.dose
    assert (d.kind, d.low, d.high) == ("reps", 5, 7)
    assert d.holds and not d.named_phases
    assert (d.tempo, d.tempo_low) == (10, 5)  # a rep lasts its hold, upper / lower bound
    assert d.phases[0].text == "5\u201310s"


def test_rep_phases_load_in_order_with_breaths_in_seconds() -> None:
    d = routine(BRIDGE).exercises[0].dose
    assert [(p.name, p.kind, p.high) for p in d.phases] == [
        ("Lift", "breaths", 5),
        ("Hover", "breaths", 3),
    ]
    assert d.tempo == (5 + 3) * 6  # breath: 6 s


def test_set_and_hold_ranges_keep_both_bounds() -> None:
    lunge = routine(LUNGE).exercises[0]
    assert (lunge.sets, lunge.sets_low, lunge.fewest_sets, lunge.sets_text) == (4, 3, 3, "3\u20134")
    held = routine("  - name: H\n    hold: 5-10s\n").exercises[0]
    assert (held.dose.kind, held.dose.low, held.dose.high) == ("hold", 5, 10)


@pytest.mark.parametrize(
    ("body", "where", "needle"),
    [
        ("  - name: A\n    phases:\n      - {name: L, hold: 5s}\n", (5, 5), "add 'reps'"),
        ("  - name: A\n    reps: 8\n    hold: 5s\n    tempo: 3s\n", (7, 12), "keep one"),
        (
            "  - name: A\n    reps: 8\n    hold: 5s\n    phases:\n      - {name: L, hold: 5s}\n",
            (7, 5),
            "not both",
        ),
        ("  - name: A\n    reps: 8\n    phases: []\n", (6, 13), "list of parts"),
        ("  - name: A\n    reps: 8\n    phases:\n      - {name: L}\n", (7, 9), "missing 'hold'"),
        ("  - name: A\n    reps: 8\n    phases:\n      - {hold: 5s}\n", (7, 9), "missing 'name'"),
        (
            "  - name: A\n    reps: 8\n    phases:\n      - {name: L, hodl: 5s}\n",
            (7, 19),
            "did you mean 'hold'",
        ),
        ("  - name: A\n    reps: 8\n    hold: 10-5s\n", (6, 11), "reversed"),
        ("  - name: A\n    reps: 8\n    hold: 2 hours\n", (6, 11), "too long"),
        ("  - name: A\n    hold: 30s\n    phases:\n      - {name: L, hold: 5s}\n", (6, 5), "reps"),
        ("  - name: A\n    reps: 8\n    sets: 4-3\n", (6, 11), "reversed"),
        ("  - name: A\n    time: 5-10 min\n", (5, 11), "cannot be a range"),
    ],
)
def test_dose_mistakes_are_located(body: str, where: tuple[int, int], needle: str) -> None:
    found = errors(body)
    assert any((line, col) == where and needle in msg for line, col, msg in found), found


# ------------------------------------------------------------------ plan and engine


def test_the_plan_counts_every_rep_at_the_upper_bound() -> None:
    plan = compile_plan(routine(BIRD_DOG + BRIDGE + LUNGE))
    work = [s for s in plan.steps if s.is_work]
    assert work[0].duration_s == 7 * 10 * 2  # 7 reps a side, alternating, 10 s each
    assert [s.duration_s for s in work[1:3]] == [8 * 8 * 6] * 2  # 8 reps of 8 breaths
    lunge = [s for s in work if s.exercise.name == "Lunge"]
    assert len(lunge) == 8 and {s.sets for s in lunge} == {4}


def started(body: str) -> tuple[Session, FakeClock, Plan]:
    plan = compile_plan(routine(body))
    clock = FakeClock()
    s = Session(plan, clock)
    s.start()
    run(plan, 5, clock, s)  # through prep
    assert s.step is not None and s.step.is_work
    return s, clock, plan


def test_each_rep_of_a_hold_is_counted_and_lasts_its_hold() -> None:
    s, clock, plan = started(BIRD_DOG)
    events = run(plan, 140, clock, s)
    ticks = [e for e in events if isinstance(e, RepTick)]
    assert [t.rep for t in ticks] == list(range(2, 15))  # rep 1 came with the start
    assert [t.at - 1005 for t in ticks[:3]] == [10, 20, 30]
    assert [t.side for t in ticks[:2]] == ["right", "left"]


@pytest.mark.parametrize(("after", "outcome"), [(49, "partial"), (50, "done")])
def test_next_after_the_lower_bound_of_reps_and_hold_is_done(after: int, outcome: str) -> None:
    s, clock, plan = started(BIRD_DOG)
    run(plan, after, clock, s)  # 5 reps a side of 5 s: 50 s
    ended = [e for e in s.next() if isinstance(e, StepEnded)]
    assert ended[0].outcome == outcome


@pytest.mark.parametrize(("after", "outcome"), [(4, "partial"), (5, "done")])
def test_a_hold_range_ends_as_done_after_its_lower_bound(after: int, outcome: str) -> None:
    s, clock, plan = started("  - name: H\n    hold: 5-10s\n")
    assert s.remaining() == 10
    run(plan, after, clock, s)
    assert [e for e in s.next() if isinstance(e, StepEnded)][0].outcome == outcome


def test_phases_are_announced_and_breathed_through_every_rep() -> None:
    s, clock, plan = started(BRIDGE)
    assert s.rep() == (1, 8)
    ph = s.phase()
    assert ph is not None and (ph.name, ph.phase, ph.of, ph.rep) == ("Lift", 1, 2, 1)
    events = run(plan, 2 * 48, clock, s)  # two reps of (5 + 3) breaths × 6 s
    starts = [(e.at - 1005, e.name, e.rep) for e in events if isinstance(e, PhaseStarted)]
    assert starts[:3] == [(30, "Hover", 1), (48, "Lift", 2), (78, "Hover", 2)]
    breaths = [e for e in events if isinstance(e, BreathPhase) and e.at - 1005 < 48]
    # the Lift breaths 2-5 and the Hover breaths 1-3, each an inhale and an exhale
    assert [(b.breath, b.of) for b in breaths if b.phase == "inhale"] == [
        (2, 5),
        (3, 5),
        (4, 5),
        (5, 5),
        (1, 3),
        (2, 3),
        (3, 3),
    ]
    clock.advance(31)  # rep 3, Hover
    s.tick()
    ph = s.phase()
    assert ph is not None and (ph.name, ph.rep) == ("Hover", 3)
    b = s.breath()
    assert b is not None and (b.breath, b.of) == (1, 3)


def test_next_after_the_fewest_sets_leaves_out_the_optional_one() -> None:
    s, clock, plan = started(LUNGE)
    set_time = 8 * 2
    for _ in range(2):  # sets 1 and 2, and their rests
        run(plan, set_time + 30, clock, s)
    assert s.step is not None and (s.step.kind, s.step.set) == ("work", 3)
    run(plan, set_time, clock, s)
    assert s.step is not None and (s.step.kind, s.step.set) == ("set_rest", 4)
    events = s.next()
    started_steps = [e.step for e in events if isinstance(e, StepStarted)]
    assert started_steps[0].kind == "switch" and started_steps[0].side == "right"
    results = {(r.side): r for r in s.results()}
    assert results["left"].status == "done" and results["left"].sets_done == 3


def test_next_in_a_set_rest_before_the_lower_bound_goes_to_the_next_set() -> None:
    s, clock, plan = started(LUNGE)
    run(plan, 16, clock, s)
    assert s.step is not None and s.step.kind == "set_rest"
    started_steps = [e.step for e in s.next() if isinstance(e, StepStarted)]
    assert (started_steps[0].kind, started_steps[0].set) == ("work", 2)


# ------------------------------------------------------------------ cues and voice


def test_cues_and_voice_name_each_phase() -> None:
    s, clock, plan = started(BRIDGE)
    events = run(plan, 48 + 30, clock, s)
    phases = [e for e in events if isinstance(e, PhaseStarted)]
    assert [display.spoken_text(e, plan) for e in phases] == ["Hover", "Rep 2. Lift", "Hover"]
    assert display.display_state(s).phase == "Hover"
    assert display.display_state(s).rep_text == "Rep 2 of 8 · Hover"
    assert all(cues.cues_for(e) == ["rep"] for e in phases)


def test_the_voice_reads_the_new_doses() -> None:
    plan = compile_plan(routine(BIRD_DOG + BRIDGE + LUNGE))
    work = [s for s in plan.steps if s.is_work]

    def said(step: Step) -> str:
        return display.describe_step(step, spoken=True)

    assert said(work[0]) == (
        "Bird dog, alternating sides, 5 to 7 reps each side, holding 5 to 10 seconds"
    )
    assert said(work[1]) == "Bridge, left side, 8 reps: Lift 5 breaths, Hover 3 breaths"
    assert "set 1 of 3 to 4" in said(work[3])
    assert display.describe_step(work[3]).endswith("set 1 of 3\u20134, 8 reps")
    assert display.dose_summary(work[0].exercise) == (
        "5\u20137 reps × 5\u201310s hold, each side, alternating"
    )
    assert display.dose_text(work[1].exercise) == "8 reps of Lift 5 breaths, Hover 3 breaths"
    rest = next(s for s in plan.steps if s.kind == "set_rest" and s.set == 4)
    assert display.spoken_text(StepStarted(rest, 0.0), plan) == (
        "Rest. Set 4 is optional: Next skips it"
    )


# ------------------------------------------------------------------ the bundled routines


def _bundled(name: str) -> Routine:
    # this checkout's routines (an editable install elsewhere may point routines_dir away)
    here = Path(__file__).resolve().parents[2] / "routines"
    return load_routine((here if here.is_dir() else routines_dir()) / name)


def test_the_bundled_routines_write_the_seeds_doses() -> None:
    strength = {e.name: e for e in _bundled("hip-strengthening.yaml").exercises}
    bird = strength["Bird dog"]
    assert (bird.dose.low, bird.dose.high, bird.sides) == (5, 7, "alternate")
    assert [(p.low, p.high) for p in bird.dose.phases] == [(5, 10)]
    lunge = strength["Reverse lunge with twist"]
    assert (lunge.dose.high, lunge.sides, lunge.sets_low, lunge.sets) == (8, "each", 3, 4)
    assert lunge.timings.set_rest == 30
    flow = {e.name: e for e in _bundled("breath-stretch-flow.yaml").exercises}
    bridge = flow["Bridge with one leg extended"]
    assert bridge.dose.high == 8 and bridge.sides == "each"
    assert [(p.name, p.kind, p.high) for p in bridge.dose.phases] == [
        ("Lift", "breaths", 5),
        ("Hover", "breaths", 5),
    ]
