"""Which cue for which event, the spoken text, backend choice, sound lookup."""

from __future__ import annotations

from pathlib import Path

import pytest

from hiptimer import cues
from hiptimer.clock import FakeClock
from hiptimer.engine import Session
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
from hiptimer.loader import load_routine_text
from hiptimer.plan import Plan, compile_plan
from hiptimer.resources import sounds_dir
from tests.unit.builders import cue_plan


@pytest.fixture
def plan() -> Plan:
    return cue_plan()


def run_all(plan: Plan) -> list[list[Event]]:
    """Drive a whole session with a FakeClock, one batch per wake-up; self-paced
    steps get Next after 10 s."""
    clock = FakeClock()
    s = Session(plan, clock)
    batches = [s.start()]
    for _ in range(10_000):
        if s.state == "finished":
            break
        w = s.next_wakeup()
        if w is None:
            clock.advance(10.0)
            batches.append(s.next())
        else:
            clock.advance(max(0.0, w - clock.now()))
            batches.append(s.tick())
    assert s.state == "finished"
    return [b for b in batches if b]


# ------------------------------------------------------------ cue mapping


def test_every_cue_has_a_shipped_sound_and_a_priority() -> None:
    for name in cues.CUE_NAMES:
        assert (sounds_dir() / f"{name}.wav").is_file(), name
    assert set(cues.PRIORITY) == set(cues.CUE_NAMES)


def test_cues_for_each_event_kind(plan: Plan) -> None:
    prep, work = plan.steps[0], plan.steps[1]
    switch = next(s for s in plan.steps if s.kind == "switch")
    rest = next(s for s in plan.steps if s.kind == "rest")
    set_rest = next(s for s in plan.steps if s.kind == "set_rest")
    assert cues.cues_for(StepStarted(prep, 0.0)) == ["ready"]
    assert cues.cues_for(StepStarted(work, 5.0)) == ["go"]
    assert cues.cues_for(StepStarted(switch, 35.0)) == ["switch"]
    assert cues.cues_for(StepStarted(rest, 1.0)) == []
    assert cues.cues_for(StepStarted(set_rest, 1.0)) == []
    assert cues.cues_for(StepEnded(work, 35.0, "done")) == ["stop"]
    assert cues.cues_for(StepEnded(work, 35.0, "partial")) == ["stop"]
    assert cues.cues_for(StepEnded(work, 35.0, "skipped")) == []
    assert cues.cues_for(StepEnded(prep, 5.0, "done")) == []
    assert cues.cues_for(CountdownTick(work, 32.0, 3)) == ["tick"]
    assert cues.cues_for(RepTick(work, 1.0, 2, 8, None)) == ["rep"]
    assert cues.cues_for(SetDone(work, 1.0, 1, 3)) == ["set_done"]
    assert cues.cues_for(SetDone(work, 1.0, 1, 1)) == []  # single set: stop says it
    assert cues.cues_for(SessionFinished(9.0, "completed")) == ["complete"]
    assert cues.cues_for(SessionFinished(9.0, "stopped")) == []
    assert cues.cues_for(SideSwitch(switch, 35.0, "right")) == []  # the switch step's start sounds
    assert cues.cues_for(BreathPhase(work, 1.0, "inhale", 1, 8, 2.0)) == []
    assert cues.cues_for(Paused(1.0, "user")) == []
    assert cues.cues_for(Resumed(1.0)) == []


def test_one_cue_per_instant_by_priority(plan: Plan) -> None:
    work = plan.steps[1]
    switch = next(s for s in plan.steps if s.kind == "switch")
    # end of a work step into a switch: stop and switch at once -> switch
    batch: list[Event] = [
        StepEnded(work, 35.0, "done"),
        SetDone(work, 35.0, 1, 1),
        SideSwitch(switch, 35.0, "right"),
        StepStarted(switch, 35.0),
    ]
    assert cues.select_cues(batch) == [(35.0, "switch")]
    # last work ends and the session completes on the same instant -> complete
    assert cues.select_cues([StepEnded(work, 9.0, "done"), SessionFinished(9.0, "completed")]) == [
        (9.0, "complete")
    ]
    # a set of several is done -> set_done instead of stop
    assert cues.select_cues([StepEnded(work, 9.0, "done"), SetDone(work, 9.0, 2, 3)]) == [
        (9.0, "set_done")
    ]
    # rep 1 shares the instant with go -> only go
    assert cues.select_cues([StepStarted(work, 5.0), RepTick(work, 5.0, 1, 8, None)]) == [
        (5.0, "go")
    ]
    # a late batch crossing two instants plays only the latest
    assert cues.select_cues([CountdownTick(work, 32.0, 3), CountdownTick(work, 33.0, 2)]) == [
        (33.0, "tick")
    ]
    assert cues.select_cues([Paused(1.0, "user")]) == []


def test_every_work_start_and_end_sounds_once_in_a_whole_session(plan: Plan) -> None:
    played: dict[float, str] = {}
    starts: list[float] = []
    ends: list[float] = []
    first = finish = None
    for batch in run_all(plan):
        for at, cue in cues.select_cues(batch):
            assert at not in played
            played[at] = cue
        for e in batch:
            if isinstance(e, StepStarted) and e.step.is_work:
                starts.append(e.at)
            elif isinstance(e, StepEnded) and e.step.is_work:
                ends.append(e.at)
            if isinstance(e, StepStarted) and first is None:
                first = e.at
            if isinstance(e, SessionFinished):
                finish = e.at
    assert len(starts) == len(ends) == sum(1 for s in plan.steps if s.is_work)
    for t in starts:
        assert played[t] == "go", t
    for t in ends:
        assert played[t] in {"stop", "set_done", "switch", "complete"}, t
    assert first is not None and played[first] == "ready"
    assert finish is not None and played[finish] == "complete"
    assert "tick" in played.values() and "rep" in played.values()
    assert sum(1 for c in played.values() if c == "set_done") == 3  # squat: 3 sets
    assert sum(1 for c in played.values() if c == "switch") == 1  # pigeon pose sides


# ------------------------------------------------------------ backends


def test_auto_prefers_qt_then_playsound_then_none() -> None:
    assert cues.choose_backend("auto", lambda n: True) == ["qt", "playsound", "none"]
    assert cues.choose_backend("auto", lambda n: n == "playsound") == ["playsound", "none"]
    assert cues.choose_backend("auto", lambda n: False) == ["none"]


def test_a_named_backend_goes_first_and_falls_back() -> None:
    assert cues.choose_backend("playsound", lambda n: True) == ["playsound", "qt", "none"]
    assert cues.choose_backend("qt", lambda n: False) == ["qt", "none"]
    assert cues.choose_backend("none", lambda n: True) == ["none"]
    with pytest.raises(ValueError, match="unknown audio backend 'alsa'"):
        cues.choose_backend("alsa", lambda n: True)


def test_routine_sounds_override_the_built_in_ones(tmp_path: Path) -> None:
    own = tmp_path / "bell.wav"
    own.write_bytes((sounds_dir() / "go.wav").read_bytes())
    got, problems = cues.resolve_sounds({"go": own}, sounds_dir())
    assert got["go"] == own
    assert got["stop"] == sounds_dir() / "stop.wav"
    assert set(got) == set(cues.CUE_NAMES)
    assert problems == []


def test_missing_sounds_are_reported_not_fatal(tmp_path: Path) -> None:
    got, problems = cues.resolve_sounds({"go": tmp_path / "gone.wav"}, tmp_path)
    assert got == {}
    assert any("routine sound for 'go' not found" in p for p in problems)
    assert any("no sound file for cue 'tick'" in p for p in problems)


def test_cues_by_instant_keeps_one_cue_per_instant_in_order() -> None:
    from hiptimer.clock import FakeClock
    from hiptimer.cues import cues_by_instant
    from hiptimer.engine import Session

    plan = compile_plan(
        load_routine_text(
            "name: R\ndefaults: {prep: 2, countdown: 2}\nexercises:\n"
            "  - name: A\n    hold: 5s\n    sets: 2\n    set_rest: 3\n",
            "r.yaml",
        )
    )
    s = Session(plan, FakeClock(start=0.0))
    got = cues_by_instant(s.preview_start(0.0, 100.0))
    assert got == [
        (0.0, "ready"),  # the prep's own countdown tick at 0 gives way to "ready"
        (1.0, "tick"),
        (2.0, "go"),
        (5.0, "tick"),
        (6.0, "tick"),
        (7.0, "set_done"),
        (8.0, "tick"),
        (9.0, "tick"),
        (10.0, "go"),
        (13.0, "tick"),
        (14.0, "tick"),
        (15.0, "complete"),
    ]
