"""The engine on a FakeClock: every control and dose kind.

Routines are built from the model directly (no loader, see builders.py).
No test waits in real time.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from builders import breaths, ex, hold, plan_of, reps, time_dose

from hiptimer.clock import FakeClock
from hiptimer.engine import BreathState, Session, SessionSummary
from hiptimer.events import (
    BreathPhase,
    CountdownTick,
    Event,
    Paused,
    RepTick,
    Resumed,
    SessionFinished,
    SetDone,
    SideSwitch,
    StepEnded,
    StepStarted,
)
from hiptimer.plan import Plan
from hiptimer.results import SetResult
from hiptimer.routine import Exercise, Timings

T0 = 1000.0  # FakeClock's default start


def started(
    *exercises: Exercise, clock: FakeClock | None = None, **kw: float | None
) -> tuple[Session, FakeClock, list[Event]]:
    clock = clock or FakeClock()
    s = Session(plan_of(*exercises), clock, **kw)  # type: ignore[arg-type]
    return s, clock, s.start()


def names(events: Sequence[Event]) -> list[str]:
    return [type(e).__name__ for e in events]


def advance_to(s: Session, clock: FakeClock, at: float) -> list[Event]:
    """Advance the clock to engine instant ``at`` and tick once."""
    clock.advance(at - clock.now())
    return s.tick()


def run_ticking(s: Session, clock: FakeClock, until: float, every: float = 0.5) -> list[Event]:
    """Tick every ``every`` seconds up to ``until`` (engine instant)."""
    out: list[Event] = []
    while clock.now() < until - 1e-12:
        clock.advance(min(every, until - clock.now()))
        out += s.tick()
    return out


def state(s: Session) -> str:
    """The session's state, read through a call so mypy does not keep a narrowed value."""
    return s.state


def started_at(events: Sequence[Event]) -> list[tuple[str, float]]:
    """(step kind, at) of every StepStarted, relative to T0."""
    return [(e.step.kind, e.at - T0) for e in events if isinstance(e, StepStarted)]


# --------------------------------------------------------------------------- start, ready, finished


def test_start_emits_first_step_at_now_and_runs() -> None:
    s, clock, events = started(ex("Hold", hold(10)))
    assert state(s) == "running"
    assert events == [StepStarted(s.plan.steps[0], T0)]
    assert s.index == 0 and s.step is s.plan.steps[0]
    assert s.remaining() == 5.0 and s.step_elapsed() == 0.0
    assert s.start() == []  # already started: no-op


def test_controls_that_make_no_sense_are_no_ops() -> None:
    s = Session(plan_of(ex("Hold", hold(10))), FakeClock())
    for control in (s.pause, s.resume, s.next, s.previous, s.extend, s.stop, s.tick):
        assert control() == []
    assert state(s) == "ready"
    assert s.remaining() == 5.0  # the first step's full length before start
    assert s.next_wakeup() is None
    s.start()
    assert s.resume() == []  # running: nothing to resume
    s.stop()
    assert state(s) == "finished" and s.step is None
    for control in (s.start, s.pause, s.resume, s.toggle, s.next, s.previous, s.extend, s.stop):
        assert control() == []
    assert s.remaining() is None and s.next_wakeup() is None


def test_empty_plan_finishes_at_once() -> None:

    s = Session(Plan(plan_of(ex("H", hold(1))).routine, ()), FakeClock())
    assert s.start() == [SessionFinished(T0, "completed")]
    assert state(s) == "finished" and s.step is None


def test_toggle_starts_pauses_and_resumes() -> None:
    clock = FakeClock()
    s = Session(plan_of(ex("Hold", hold(10))), clock)
    assert names(s.toggle()) == ["StepStarted"]
    clock.advance(1)
    assert s.toggle() == [Paused(T0 + 1, "user")]
    assert state(s) == "paused"
    clock.advance(5)
    assert s.toggle() == [Resumed(T0 + 6)]
    assert state(s) == "running"


# --------------------------------------------------------------------------- natural run


def test_natural_run_chains_boundaries_and_orders_events() -> None:
    s, clock, first = started(ex("Hold", hold(10), sides="each"))
    events = first + run_ticking(s, clock, T0 + 40)
    assert started_at(events) == [("prep", 0), ("work", 5), ("switch", 15), ("work", 19)]
    # at the left->right boundary: StepEnded(old), SetDone, SideSwitch, StepStarted(new)
    at15 = [e for e in events if e.at == T0 + 15]
    assert names(at15) == ["StepEnded", "SetDone", "SideSwitch", "StepStarted"]
    switch = s.plan.steps[2]
    assert at15[2] == SideSwitch(switch, T0 + 15, "right")
    assert names(events[-3:]) == ["StepEnded", "SetDone", "SessionFinished"]
    assert events[-1] == SessionFinished(T0 + 29, "completed")
    assert state(s) == "finished" and s.finish_status == "completed"
    assert s.active_seconds() == 29.0  # finished at its planned instant, not at the last tick
    assert s.session_elapsed() == 29.0 and s.session_remaining() == 0.0 and s.progress() == 1.0
    ats = [e.at for e in events]
    assert ats == sorted(ats)


def test_one_late_tick_crosses_several_boundaries_at_planned_instants() -> None:
    s, clock, _ = started(ex("A", hold(10)), ex("B", hold(20)))
    events = advance_to(s, clock, T0 + 33.7)  # one wake-up, 33.7 s late
    assert started_at(events) == [("work", 5), ("rest", 15), ("prep", 25), ("work", 30)]
    assert s.remaining() == pytest.approx(16.3)
    assert [e.remaining for e in events if isinstance(e, CountdownTick)] == [3, 2, 1] * 4
    ats = [e.at for e in events]
    assert ats == sorted(ats) and max(ats) <= clock.now()


def test_countdown_ticks_in_last_seconds_only_from_step_start() -> None:
    short = Timings(prep=2, rest=10, set_rest=30, switch=4, breath=6, countdown=3)
    s, clock, first = started(ex("A", hold(10), timings=short))
    events = first + run_ticking(s, clock, T0 + 12, every=0.25)
    ticks = [(e.step.kind, e.at - T0, e.remaining) for e in events if isinstance(e, CountdownTick)]
    # the 2 s prep gets only 2 and 1 (3 would be before its start); the tick at the start
    # instant comes right after StepStarted
    assert ticks == [
        ("prep", 0, 2),
        ("prep", 1, 1),
        ("work", 9, 3),
        ("work", 10, 2),
        ("work", 11, 1),
    ]
    assert names(first) == ["StepStarted", "CountdownTick"]


def test_no_countdown_when_zero() -> None:
    quiet = Timings(prep=5, rest=10, set_rest=30, switch=4, breath=6, countdown=0)
    s, clock, first = started(ex("A", hold(10), timings=quiet))
    events = first + run_ticking(s, clock, T0 + 20)
    assert not any(isinstance(e, CountdownTick) for e in events)
    assert state(s) == "finished"


# --------------------------------------------------------------------------- pause / resume


def test_pause_during_prep_freezes_remaining_and_resume_sets_new_deadline() -> None:
    s, clock, _ = started(ex("Hold", hold(10)))
    clock.advance(1.5)
    assert s.pause() == [Paused(T0 + 1.5, "user")]
    assert state(s) == "paused"
    clock.advance(100)
    assert s.tick() == []
    assert s.remaining() == 3.5 and s.step_elapsed() == 1.5
    assert s.next_wakeup() is None
    assert s.pause() == []  # already paused
    assert s.resume() == [Resumed(T0 + 101.5)]
    assert s.remaining() == 3.5  # deadline = now + frozen remaining
    events = run_ticking(s, clock, T0 + 120)
    # prep ends 3.5 s after resuming; the work step is shifted by exactly the pause
    assert started_at(events) == [("work", 105)]
    ends = [e for e in events if isinstance(e, StepEnded)]
    assert [e.at - T0 for e in ends] == [105, 115]
    assert [e.at - T0 for e in events if isinstance(e, CountdownTick)][:3] == [102, 103, 104]
    assert s.active_seconds() == 15.0  # the 100 s pause is not active time
    assert s.session_elapsed() == 115.0


def test_countdown_tick_due_before_pause_is_emitted_by_pause() -> None:
    s, clock, _ = started(ex("Hold", hold(10)))
    clock.advance(2.5)  # the tick "3" was due at 2 but nobody ticked
    assert names(s.pause()) == ["CountdownTick", "Paused"]


# --------------------------------------------------------------------------- next


def test_next_on_fixed_timed_work_is_partial_and_starts_next_step_now() -> None:
    s, clock, _ = started(ex("A", hold(10)), ex("B", hold(20)))
    advance_to(s, clock, T0 + 7)
    events = s.next()
    work = s.plan.steps[1]
    assert events == [
        StepEnded(work, T0 + 7, "partial"),
        SetDone(work, T0 + 7, 1, 1),
        StepStarted(s.plan.steps[2], T0 + 7),
    ]
    assert s.step is not None and s.step.kind == "rest" and s.remaining() == 10.0
    assert s.outcome(1) == "partial"
    assert s.results()[0].sets == (SetResult(1, "partial", 2.0),)


def test_next_before_a_set_begins_and_skip_are_skipped() -> None:
    s, clock, _ = started(ex("A", hold(10)), ex("B", hold(20)))
    s.next()  # prep
    assert [e.outcome for e in s.next() if isinstance(e, StepEnded)] == ["skipped"]
    assert s.results()[0].sets == (SetResult(1, "skipped", 0.0),)
    s, clock, _ = started(ex("A", hold(10)), ex("B", hold(20)))
    advance_to(s, clock, T0 + 9)
    assert [e.outcome for e in s.skip() if isinstance(e, StepEnded)] == ["skipped"]
    assert s.results()[0].status == "skipped"


def test_next_on_range_hold_below_and_at_lower_bound() -> None:
    s, clock, _ = started(ex("A", hold(30, low=20)))
    advance_to(s, clock, T0 + 5 + 19.5)
    assert names(s.next()) == ["StepEnded", "SetDone", "SessionFinished"]
    assert s.results()[0].status == "partial"
    assert s.results()[0].sets == (SetResult(1, "partial", 19.5),)

    s, clock, _ = started(ex("A", hold(30, low=20)))
    advance_to(s, clock, T0 + 5 + 20)
    events = s.next()
    assert names(events) == ["StepEnded", "SetDone", "SessionFinished"]
    assert isinstance(events[0], StepEnded) and events[0].outcome == "done"
    assert s.results()[0].status == "done" and s.results()[0].sets_done == 1


@pytest.mark.parametrize(
    ("elapsed", "outcome"),
    [(12 * 6 - 0.5, "partial"), (12 * 6, "done"), (14 * 6, "done")],
)
def test_next_on_range_breaths(elapsed: float, outcome: str) -> None:
    s, clock, _ = started(ex("Fold", breaths(12, 15)))  # 15 breaths x 6 s planned
    run_ticking(s, clock, T0 + 5 + elapsed)
    ended = [e for e in s.next() if isinstance(e, StepEnded)]
    assert [e.outcome for e in ended] == [outcome]


def test_next_on_range_tempo_reps_counts_both_sides_for_alternate() -> None:
    # 5-7 reps a side, alternate, 2 s a rep: the lower bound is 5*2*2 = 20 s
    s, clock, _ = started(ex("Lunge", reps(5, 7, tempo=2), sides="alternate"))
    advance_to(s, clock, T0 + 5 + 19)
    assert [e.outcome for e in s.next() if isinstance(e, StepEnded)] == ["partial"]
    s, clock, _ = started(ex("Lunge", reps(5, 7, tempo=2), sides="alternate"))
    advance_to(s, clock, T0 + 5 + 20)
    assert [e.outcome for e in s.next() if isinstance(e, StepEnded)] == ["done"]


def test_next_on_non_work_steps_is_skipped_and_not_a_set() -> None:
    s, clock, _ = started(ex("A", hold(10)))
    events = s.next()  # skip the prep
    assert names(events) == ["StepEnded", "StepStarted"]
    assert isinstance(events[0], StepEnded) and events[0].outcome == "skipped"


def test_next_while_paused_moves_and_stays_paused() -> None:
    s, clock, _ = started(ex("A", hold(10)))
    clock.advance(1)
    s.pause()
    clock.advance(10)
    events = s.next()
    assert names(events) == ["StepEnded", "StepStarted"]
    assert state(s) == "paused" and s.step is not None and s.step.kind == "work"
    assert s.remaining() == 10.0 and s.step_elapsed() == 0.0
    clock.advance(50)
    assert s.remaining() == 10.0
    s.resume()
    clock.advance(4)
    assert s.remaining() == 6.0
    assert s.active_seconds() == 5.0


# --------------------------------------------------------------------------- self-paced


def test_self_paced_reps_wait_for_next() -> None:
    s, clock, _ = started(ex("Squat", reps(8), sets=2))
    advance_to(s, clock, T0 + 5)
    assert s.step is not None and s.step.kind == "work" and s.step.duration_s is None
    assert s.remaining() is None and s.next_wakeup() is None and s.rep() is None
    assert s.extend() == []  # no-op on self-paced
    for _ in range(10):  # the step waits, however long
        clock.advance(30)
        assert s.tick() == []
    assert state(s) == "running" and s.step_elapsed() == 300.0
    assert s.session_remaining() == 30.0 + 24.0  # set rest + the other set's estimate
    events = s.next()
    assert names(events) == ["StepEnded", "SetDone", "StepStarted"]
    assert isinstance(events[0], StepEnded) and events[0].outcome == "done"
    assert events[1] == SetDone(s.plan.steps[1], T0 + 305, 1, 2)
    assert events[2] == StepStarted(s.plan.steps[2], T0 + 305)  # set rest starts now
    assert s.remaining() == 30.0


# --------------------------------------------------------------------------- previous


def test_previous_restarts_current_step_after_two_seconds() -> None:
    s, clock, _ = started(ex("A", hold(10)), ex("B", hold(20)))
    advance_to(s, clock, T0 + 5 + 6)
    events = s.previous()
    work = s.plan.steps[1]
    assert events == [StepEnded(work, T0 + 11, "skipped"), StepStarted(work, T0 + 11)]
    assert s.remaining() == 10.0
    assert s.outcome(1) is None  # restarted, not ended
    ends = [e.at - T0 for e in run_ticking(s, clock, T0 + 30) if isinstance(e, StepEnded)]
    assert ends[0] == 21


def test_previous_within_two_seconds_goes_to_previous_work_step() -> None:
    s, clock, _ = started(ex("A", hold(10)), ex("B", hold(20)))
    advance_to(s, clock, T0 + 16.5)  # 1.5 s into the rest after A
    events = s.previous()
    assert names(events) == ["StepEnded", "StepStarted"]
    assert isinstance(events[1], StepStarted) and events[1].step == s.plan.steps[1]
    assert events[1].at == T0 + 16.5
    assert s.remaining() == 10.0


def test_previous_at_a_side_switch() -> None:
    s, clock, _ = started(ex("Lunge", hold(10), sides="each", sets=2))
    kinds = [(st.kind, st.side) for st in s.plan.steps]
    assert kinds[4] == ("switch", "right")
    switch_start = s.plan.steps[4].start_s  # prep 5 + 10 + 30 + 10 = 55
    # within 2 s of the switch: back to the left side's last set
    advance_to(s, clock, T0 + switch_start + 1)
    events = s.previous()
    assert isinstance(events[-1], StepStarted)
    back = events[-1].step
    assert (back.kind, back.side, back.set) == ("work", "left", 2)
    # after 2 s in the switch: restart the switch itself
    s, clock, _ = started(ex("Lunge", hold(10), sides="each", sets=2))
    advance_to(s, clock, T0 + switch_start + 3)
    events = s.previous()
    assert isinstance(events[-1], StepStarted) and events[-1].step.kind == "switch"
    assert s.remaining() == 4.0


def test_previous_within_two_seconds_of_first_step_restarts_it() -> None:
    s, clock, _ = started(ex("A", hold(10)))
    clock.advance(1)
    events = s.previous()
    assert events == [
        StepEnded(s.plan.steps[0], T0 + 1, "skipped"),
        StepStarted(s.plan.steps[0], T0 + 1),
    ]


def test_previous_within_two_seconds_of_a_work_step_goes_to_the_set_before() -> None:
    s, clock, _ = started(ex("A", hold(10), sets=2))  # prep 0-5, w1 5-15, rest 15-45, w2 45-55
    advance_to(s, clock, T0 + 46)
    events = s.previous()
    assert isinstance(events[-1], StepStarted) and events[-1].step.set == 1
    assert s.outcome(3) == "skipped"  # the set we left was not done


# --------------------------------------------------------------------------- extend


def test_extend_adds_ten_seconds_and_retargets_countdown() -> None:
    s, clock, _ = started(ex("A", hold(10)), ex("B", hold(20)))
    events = run_ticking(s, clock, T0 + 13.5)  # work 5-15, ticks 3 and 2 out
    assert [e.remaining for e in events if isinstance(e, CountdownTick) and e.step.is_work] == [
        3,
        2,
    ]
    assert s.extend() == []
    assert s.remaining() == pytest.approx(11.5)
    assert s.step_duration() == 20.0
    events = run_ticking(s, clock, T0 + 39)
    ticks = [(e.at - T0, e.remaining) for e in events if isinstance(e, CountdownTick)]
    assert ticks[:3] == [(22, 3), (23, 2), (24, 1)]
    assert started_at(events) == [("rest", 25), ("prep", 35)]  # shifted by exactly 10 s
    assert s.extend(5) == []
    assert s.remaining() == pytest.approx(6.0)  # prep 35..40, at 39: 1 + 5 s left


def test_extend_while_paused_and_on_breaths() -> None:
    s, clock, _ = started(ex("Fold", breaths(2)))  # 2 breaths x 6 s
    advance_to(s, clock, T0 + 5 + 7)
    s.pause()
    s.extend()
    assert s.remaining() == pytest.approx(15.0)
    state = s.breath()
    assert state is not None and state.of == 4  # 22 s of 6 s breaths: the pacer keeps going
    s.resume()
    events = run_ticking(s, clock, T0 + 40)
    phases = [(e.breath, e.of, e.phase) for e in events if isinstance(e, BreathPhase)]
    assert phases[:1] == [(2, 4, "exhale")]
    assert len(phases) == 5  # 2 exhale, 3 in/out, 4 in (its exhale would end past the deadline)


# --------------------------------------------------------------------------- breath holds, reps


def test_breath_phases_sequence() -> None:
    s, clock, first = started(ex("Fold", breaths(3)))  # breath 6 s: 3 s in, 3 s out
    events = first + run_ticking(s, clock, T0 + 30, every=0.7)
    phases = [
        (e.at - T0, e.phase, e.breath, e.of, e.duration_s)
        for e in events
        if isinstance(e, BreathPhase)
    ]
    assert phases == [
        (5, "inhale", 1, 3, 3.0),
        (8, "exhale", 1, 3, 3.0),
        (11, "inhale", 2, 3, 3.0),
        (14, "exhale", 2, 3, 3.0),
        (17, "inhale", 3, 3, 3.0),
        (20, "exhale", 3, 3, 3.0),
    ]
    # the first phase comes right after the work step's StepStarted
    i = next(i for i, e in enumerate(events) if isinstance(e, StepStarted) and e.step.is_work)
    assert isinstance(events[i + 1], BreathPhase)


def test_breath_state_follows_the_clock() -> None:
    s, clock, _ = started(ex("Fold", breaths(8, 10)))
    assert s.breath() is None  # prep
    advance_to(s, clock, T0 + 5 + 1.5)
    assert s.breath() == BreathState("inhale", 1, 10, 0.5)
    advance_to(s, clock, T0 + 5 + 3)
    assert s.breath() == BreathState("exhale", 1, 10, 0.0)
    run_ticking(s, clock, T0 + 5 + 6 * 9 + 4.5)
    assert s.breath() == BreathState("exhale", 10, 10, 0.5)
    s.pause()
    clock.advance(100)
    assert s.breath() == BreathState("exhale", 10, 10, 0.5)


def test_rep_ticks_alternate_sides() -> None:
    s, clock, first = started(ex("Lunge", reps(3, tempo=2), sides="alternate"))
    assert [(st.kind, st.side, st.duration_s) for st in s.plan.steps] == [
        ("prep", None, 5),
        ("work", None, 12),
    ]
    events = first + run_ticking(s, clock, T0 + 20, every=0.3)
    ticks = [(e.at - T0, e.rep, e.of, e.side) for e in events if isinstance(e, RepTick)]
    assert ticks == [
        (5, 1, 6, "left"),
        (7, 2, 6, "right"),
        (9, 3, 6, "left"),
        (11, 4, 6, "right"),
        (13, 5, 6, "left"),
        (15, 6, 6, "right"),
    ]


def test_rep_ticks_each_side_and_rep_query() -> None:
    s, clock, _ = started(ex("Bridge", reps(4, tempo=4), sides="each"))
    advance_to(s, clock, T0 + 5)
    assert s.rep() == (1, 4) and s.rep_side() == "left"
    advance_to(s, clock, T0 + 5 + 9)
    assert s.rep() == (3, 4)
    events = run_ticking(s, clock, T0 + 60)
    sides = [(e.rep, e.side) for e in events if isinstance(e, RepTick)]
    assert sides == [(4, "left"), (1, "right"), (2, "right"), (3, "right"), (4, "right")]


def test_set_done_and_side_switch_ordering_over_sets_and_sides() -> None:
    s, clock, first = started(ex("Lunge", hold(10), sides="each", sets=2))
    events = first + run_ticking(s, clock, T0 + 200)
    seq = [
        (type(e).__name__, getattr(e, "set", None), getattr(e, "to_side", None))
        for e in events
        if isinstance(e, SetDone | SideSwitch | SessionFinished)
    ]
    assert seq == [
        ("SetDone", 1, None),
        ("SetDone", 2, None),
        ("SideSwitch", None, "right"),
        ("SetDone", 1, None),
        ("SetDone", 2, None),
        ("SessionFinished", None, None),
    ]
    assert [(r.side, r.status, r.sets_done) for r in s.results()] == [
        ("left", "done", 2),
        ("right", "done", 2),
    ]


def test_side_switch_without_a_switch_step() -> None:
    no_switch = Timings(prep=5, rest=10, set_rest=30, switch=0, breath=6, countdown=3)
    s, clock, first = started(ex("Lunge", hold(10), sides="each", timings=no_switch))
    events = first + run_ticking(s, clock, T0 + 30)
    at15 = [e for e in events if e.at == T0 + 15]
    assert names(at15) == ["StepEnded", "SetDone", "SideSwitch", "StepStarted"]


# --------------------------------------------------------------------------- sleep


def test_sleep_linux_style_pauses_at_previous_tick() -> None:
    s, clock, _ = started(ex("A", hold(60)), ex("B", hold(60)))
    advance_to(s, clock, T0 + 20.4)  # 15.4 s into A's work
    before = s.remaining()
    clock.advance(0.3)
    clock.sleep_machine(3600)  # monotonic stops, wall runs on
    clock.advance(0.2)
    events = s.tick()
    assert events == [Paused(T0 + 20.4, "sleep")]
    assert state(s) == "paused"
    assert s.remaining() == before  # restored to the previous tick
    assert s.step is not None and s.step.index == 1
    resumed_at = clock.now()
    s.resume()
    assert s.remaining() == before
    assert s.active_seconds() == pytest.approx(20.4)
    assert before is not None
    events = run_ticking(s, clock, resumed_at + 60)
    kind, at = started_at(events)[0]
    assert kind == "rest" and at == pytest.approx(resumed_at - T0 + before)


def test_sleep_windows_style_pauses_at_previous_tick() -> None:
    # both clocks run on during a Windows suspend: only the missed wake-up shows it
    s, clock, _ = started(ex("A", hold(60)), ex("B", hold(60)), missed_wakeup_s=60.0)
    advance_to(s, clock, T0 + 20.4)
    before = s.remaining()
    clock.sleep_machine(3600, monotonic_runs=True)
    events = s.tick()
    assert events == [Paused(T0 + 20.4, "sleep")]  # nothing raced through
    assert s.remaining() == before and s.step is not None and s.step.index == 1


def test_missed_wakeup_threshold_is_in_real_seconds() -> None:
    s, clock, _ = started(ex("A", hold(600)), missed_wakeup_s=60.0, clock=FakeClock(speed=10))
    clock.advance(500)  # 50 real seconds late: a busy machine, not a sleep
    assert state(s) == "running" and "StepStarted" in names(s.tick())
    clock.advance(700)  # 70 real seconds late
    assert names(s.tick()) == ["Paused"]


def test_without_missed_wakeup_check_a_late_tick_crosses_every_boundary() -> None:
    # the default: a Windows-style suspend looks like one very late wake-up
    s, clock, _ = started(ex("A", hold(60)), ex("B", hold(60)))
    clock.sleep_machine(3600, monotonic_runs=True)
    events = s.tick()
    assert started_at(events) == [("work", 5), ("rest", 65), ("prep", 75), ("work", 80)]
    assert events[-1] == SessionFinished(T0 + 140, "completed")


def test_sleep_noticed_by_a_control_swallows_it_except_stop() -> None:
    s, clock, _ = started(ex("A", hold(60)))
    advance_to(s, clock, T0 + 10)
    clock.sleep_machine(600)
    assert s.next() == [Paused(T0 + 10, "sleep")]
    assert state(s) == "paused" and s.index == 1  # the press did not skip anything
    s, clock, _ = started(ex("A", hold(60)))
    advance_to(s, clock, T0 + 10)
    clock.sleep_machine(600)
    assert names(s.stop()) == ["Paused", "StepEnded", "SetDone", "SessionFinished"]


def test_wall_clock_step_of_a_few_seconds_is_not_sleep() -> None:
    s, clock, _ = started(ex("A", hold(60)))
    clock.advance(1)
    clock.sleep_machine(4.0)  # e.g. an NTP correction under the threshold
    assert s.tick() == [] and state(s) == "running"


def test_speed_is_not_mistaken_for_sleep() -> None:
    clock = FakeClock(speed=50)
    s, clock, _ = started(ex("A", hold(600)), clock=clock)
    events = advance_to(s, clock, T0 + 500)  # 10 real seconds, one late wake-up
    assert state(s) == "running"
    assert started_at(events) == [("work", 5)]
    clock.sleep_machine(30)  # 30 real seconds of suspend at 50x
    assert names(s.tick()) == ["Paused"]


def test_self_paced_sleep_pauses_only_when_clocks_part() -> None:
    s, clock, _ = started(ex("Squat", reps(8)))
    advance_to(s, clock, T0 + 6)
    clock.advance(3600)  # no wake-up was asked for: a long wait is fine
    assert s.tick() == [] and state(s) == "running"
    clock.sleep_machine(600)
    assert names(s.tick()) == ["Paused"]
    assert s.step_elapsed() == 3601.0


# --------------------------------------------------------------------------- stop, results, summary


def test_stop_mid_work_is_partial_with_progress() -> None:
    s, clock, _ = started(ex("A", hold(10), sets=2), ex("B", hold(10)))
    advance_to(s, clock, T0 + 8)
    events = s.stop()
    work = s.plan.steps[1]
    assert events == [
        StepEnded(work, T0 + 8, "partial"),
        SetDone(work, T0 + 8, 1, 2),
        SessionFinished(T0 + 8, "stopped"),
    ]
    assert state(s) == "finished" and s.finish_status == "stopped"
    # B was never reached: not in the log, and not counted as skipped
    assert [(r.name, r.status, r.sets_done) for r in s.results()] == [("A", "partial", 0)]
    assert s.results()[0].sets == (SetResult(1, "partial", 3.0),)
    assert s.summary() == SessionSummary(8.0, 0, 0, 1, "stopped")
    assert s.tick() == []


def test_stop_during_prep_and_while_paused() -> None:
    s, clock, _ = started(ex("A", hold(10)))
    clock.advance(2)
    assert names(s.stop()) == ["CountdownTick", "StepEnded", "SessionFinished"]
    assert s.results() == []  # stopped in the prep: no set was reached
    s, clock, _ = started(ex("A", hold(10)))
    clock.advance(2)
    s.pause()
    clock.advance(50)
    events = s.stop()
    assert events[-1] == SessionFinished(T0 + 52, "stopped")
    assert s.active_seconds() == 2.0


def test_results_per_exercise_and_side() -> None:
    s, clock, _ = started(
        ex("Lunge", hold(10), sides="each", sets=2),
        ex("Fold", breaths(2)),
        ex("Walk", time_dose(20)),
    )
    # left: both sets run out; right: set 1 skipped with Next, set 2 runs out;
    # the breath hold is skipped; the walk runs out
    right1 = next(st for st in s.plan.steps if st.is_work and st.side == "right")
    run_ticking(s, clock, T0 + right1.start_s + 1)
    s.next()
    fold = next(st for st in s.plan.steps if st.exercise.name == "Fold" and st.is_work)
    while s.index < fold.index:
        clock.advance(0.5)
        s.tick()
    s.next()
    run_ticking(s, clock, clock.now() + 60)
    assert state(s) == "finished"
    assert [(r.name, r.side, r.status, r.sets_done) for r in s.results()] == [
        ("Lunge", "left", "done", 2),
        ("Lunge", "right", "partial", 1),
        ("Fold", None, "skipped", 0),
        ("Walk", None, "done", 1),
    ]
    summary = s.summary()
    assert (summary.exercises_done, summary.exercises_skipped, summary.exercises_partial) == (
        1,
        1,
        1,
    )
    assert summary.status == "completed"


def test_redoing_a_set_with_previous_counts_it_once() -> None:
    s, clock, _ = started(ex("A", hold(10)))
    run_ticking(s, clock, T0 + 15)  # the whole thing; finished
    assert s.results()[0].sets_done == 1
    s, clock, _ = started(ex("A", hold(10), sets=2))
    run_ticking(s, clock, T0 + 15.5)  # set 1 done, 0.5 s into the set rest
    s.previous()  # back to set 1
    run_ticking(s, clock, clock.now() + 10 + 30 + 10)
    assert state(s) == "finished"
    assert s.results()[0].sets_done == 2 and s.results()[0].status == "done"


# --------------------------------------------------------------------------- queries


def test_next_wakeup_values() -> None:
    slow = Timings(prep=5, rest=10, set_rest=30, switch=4, breath=5, countdown=3)
    s, clock, _ = started(ex("Fold", breaths(4), timings=slow))
    assert s.next_wakeup() == T0 + 1  # the next whole second of the prep's remaining
    clock.advance(0.25)
    assert s.next_wakeup() == T0 + 1
    advance_to(s, clock, T0 + 1)
    assert s.next_wakeup() == T0 + 2  # remaining 4.0 now; changes to 3.x after a second
    advance_to(s, clock, T0 + 4.6)
    assert s.next_wakeup() == T0 + 5  # deadline
    advance_to(s, clock, T0 + 5 + 2.2)  # breath hold, 2.5 s phases
    assert s.next_wakeup() == T0 + 7.5  # exhale comes before the next whole second
    advance_to(s, clock, T0 + 5 + 2.6)
    assert s.next_wakeup() == T0 + 8
    s.pause()
    assert s.next_wakeup() is None
    s.resume()
    assert s.next_wakeup() == T0 + 8
    # aiming a timer exactly at each wake-up hits every event on time
    seen: list[Event] = []
    while state(s) == "running":
        wake = s.next_wakeup()
        assert wake is not None and wake > clock.now()
        due = advance_to(s, clock, wake)
        assert all(e.at == wake for e in due)
        seen += due
    assert seen[-1] == SessionFinished(T0 + 25, "completed")


def test_session_remaining_and_progress() -> None:
    s, clock, _ = started(ex("A", hold(10)), ex("B", hold(20)))
    assert s.plan.duration_s == 50
    assert s.session_remaining() == 50 and s.progress() == 0
    advance_to(s, clock, T0 + 10)
    assert s.session_remaining() == 40 and s.progress() == pytest.approx(0.2)
    s.extend()
    assert s.session_remaining() == 50
    assert s.session_elapsed() == 10


# ------------------------------------------------------------------ preview


def test_preview_is_what_ticking_will_emit_and_changes_nothing() -> None:
    t = Timings(prep=2, rest=3, set_rest=2, switch=1, breath=4, countdown=3)
    s, clock, _ = started(ex("A", hold(5), sets=2, timings=t), ex("B", breaths(3), timings=t))
    clock.advance(1.0)
    s.tick()
    before = (s.index, s.state, s.remaining(), s.next_wakeup())
    ahead = s.preview(T0 + 60.0)
    assert (s.index, s.state, s.remaining(), s.next_wakeup()) == before
    assert ahead == s.preview(T0 + 60.0)  # asking twice gives the same answer
    ticked = run_ticking(s, clock, T0 + 60.0, every=0.37)
    assert ahead == ticked
    assert isinstance(ahead[-1], SessionFinished) and ahead[-1].status == "completed"


def test_preview_stops_at_until_and_follows_controls() -> None:
    s, clock, _ = started(ex("A", hold(10), timings=Timings(prep=0, countdown=3)))
    assert [e.at - T0 for e in s.preview(T0 + 8.0) if isinstance(e, CountdownTick)] == [7.0, 8.0]
    clock.advance(2.0)
    s.extend(10.0)
    ticks = [e.at - T0 for e in s.preview(T0 + 30.0) if isinstance(e, CountdownTick)]
    assert ticks == [17.0, 18.0, 19.0]
    s.pause()
    assert s.preview(T0 + 30.0) == []
