"""Events a running session emits (see hiptimer.engine.Session).

Pure data. The Qt controller turns them into signals; cues and the log
subscribe to them. ``at`` is the engine-clock time the event is due (the
planned instant), not the time it was noticed, so listeners can measure
their own lateness.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from hiptimer.plan import Side, Step

StepOutcome = Literal["done", "skipped", "partial"]


@dataclass(frozen=True)
class StepStarted:
    step: Step
    at: float


@dataclass(frozen=True)
class StepEnded:
    step: Step
    at: float
    outcome: StepOutcome  # done: ran out or Next at/after a range's lower bound; skipped; partial


@dataclass(frozen=True)
class CountdownTick:
    step: Step
    at: float
    remaining: int  # N, N-1, ... 1 seconds left (defaults.countdown)


@dataclass(frozen=True)
class BreathPhase:
    step: Step
    at: float
    phase: Literal["inhale", "exhale"]
    breath: int  # 1-based
    of: int
    duration_s: float  # length of this phase


@dataclass(frozen=True)
class RepTick:
    step: Step
    at: float
    rep: int  # 1-based, within the set (alternate: counts every rep of both sides)
    of: int
    side: Side | None  # alternate reps: which side this rep is on


@dataclass(frozen=True)
class PhaseStarted:
    """A named part of a rep begins (``phases:``, e.g. Lift, then Hover)."""

    step: Step
    at: float
    name: str
    phase: int  # 1-based within the rep
    of: int
    rep: int  # 1-based, as RepTick counts
    reps: int
    duration_s: float  # length of this phase (its upper bound)


@dataclass(frozen=True)
class SetDone:
    step: Step
    at: float
    set: int
    of: int


@dataclass(frozen=True)
class SideSwitch:
    step: Step  # the switch step
    at: float
    to_side: Side


@dataclass(frozen=True)
class Paused:
    at: float
    reason: Literal["user", "sleep"]


@dataclass(frozen=True)
class Resumed:
    at: float


@dataclass(frozen=True)
class SessionFinished:
    at: float
    status: Literal["completed", "stopped"]


Event = (
    StepStarted
    | StepEnded
    | CountdownTick
    | BreathPhase
    | RepTick
    | PhaseStarted
    | SetDone
    | SideSwitch
    | Paused
    | Resumed
    | SessionFinished
)
