"""Routine -> Plan: the flat timeline of steps.

Timeline rules (routine-format contract): for one exercise, ``prep``, then
for each side in order (left, right for ``each``; one pass otherwise) its
sets separated by ``set_rest``, with ``switch`` between the two sides.
``rest`` comes between exercises, not after the last; an exercise's own
``rest`` follows it, its own ``prep`` precedes it. Zero-second steps are
left out. Self-paced reps have no fixed duration; their estimate (3 s a
rep) places the steps after them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from hiptimer.routine import Exercise, Routine

StepKind = Literal["prep", "work", "set_rest", "switch", "rest"]
Side = Literal["left", "right"]


@dataclass(frozen=True)
class Step:
    index: int
    kind: StepKind
    exercise: Exercise
    exercise_index: int
    side: Side | None
    set: int  # 1-based set number this step belongs to
    sets: int
    start_s: float  # planned offset from session start (estimates for self-paced)
    duration_s: float | None  # None: self-paced, waits for Next
    estimate_s: float  # duration_s, or the self-paced estimate

    @property
    def is_work(self) -> bool:
        return self.kind == "work"

    @property
    def end_s(self) -> float:
        return self.start_s + self.estimate_s


@dataclass(frozen=True)
class Plan:
    routine: Routine
    steps: tuple[Step, ...]

    @property
    def duration_s(self) -> float:
        """Estimated total (self-paced reps at 3 s a rep)."""
        return self.steps[-1].end_s if self.steps else 0.0

    @property
    def has_estimates(self) -> bool:
        return any(s.duration_s is None for s in self.steps)

    def next_work(self, index: int) -> Step | None:
        """The first work step after ``index``."""
        for s in self.steps[index + 1 :]:
            if s.is_work:
                return s
        return None


def _sides(ex: Exercise) -> tuple[Side | None, ...]:
    # ``alternate`` alternates inside each set, so the steps carry no side
    # for reps; for holds and continuous work it can only mean one side, then
    # the other, exactly as ``each``.
    if ex.sides == "each" or (ex.sides == "alternate" and ex.dose.kind != "reps"):
        return ("left", "right")
    return (None,)


#: The routine contract's limits, checked by the loader before anything is expanded.
MAX_STEPS = 10_000
MAX_DURATION_S = 24 * 3600.0


def exercise_size(ex: Exercise, last: bool) -> tuple[int, float]:
    """Steps and estimated seconds :func:`compile_plan` gives ``ex`` (``last``: no
    ``rest`` after it), computed arithmetically: nothing is expanded, so the loader
    can refuse a routine of millions of steps in microseconds. Must agree with
    :func:`compile_plan` exactly (a test holds the two together)."""
    tm = ex.timings
    steps = 0
    seconds = 0.0

    def add(count: int, each: float) -> None:
        nonlocal steps, seconds
        if each > 0 and count > 0:
            steps += count
            seconds += count * each

    sides = len(_sides(ex))
    add(1, tm.prep)
    add(sides - 1, tm.switch)
    add(sides * (ex.sets - 1), tm.set_rest)
    add(sides * ex.sets, ex.estimate_seconds())
    if not last:
        add(1, tm.rest)
    return steps, seconds


def plan_size(routine: Routine) -> tuple[int, float]:
    """``(len(plan.steps), plan.duration_s)`` of the routine's plan, without planning."""
    steps = 0
    seconds = 0.0
    last = len(routine.exercises) - 1
    for i, ex in enumerate(routine.exercises):
        n, s = exercise_size(ex, i == last)
        steps += n
        seconds += s
    return steps, seconds


def _timeline(
    routine: Routine,
) -> Iterator[tuple[StepKind, Exercise, int, Side | None, int, float | None, float]]:
    """The plan's steps in order, each as ``(kind, exercise, exercise index, side, set,
    duration or None, estimate)``; zero-second steps are left out. What
    :func:`compile_plan` makes its steps of and :func:`plan_total` adds up."""
    last = len(routine.exercises) - 1
    for ei, ex in enumerate(routine.exercises):
        tm = ex.timings
        work, est = ex.work_seconds(), ex.estimate_seconds()
        if tm.prep > 0:
            yield "prep", ex, ei, None, 1, tm.prep, tm.prep
        for si, side in enumerate(_sides(ex)):
            if si and tm.switch > 0:
                yield "switch", ex, ei, side, 1, tm.switch, tm.switch
            for set_no in range(1, ex.sets + 1):
                if set_no > 1 and tm.set_rest > 0:
                    yield "set_rest", ex, ei, side, set_no, tm.set_rest, tm.set_rest
                if est > 0:
                    yield "work", ex, ei, side, set_no, work, est
        if ei != last and tm.rest > 0:
            yield "rest", ex, ei, None, ex.sets, tm.rest, tm.rest


def plan_total(routine: Routine) -> tuple[float, bool]:
    """``(plan.duration_s, plan.has_estimates)`` of :func:`compile_plan`'s plan without
    making its steps: the same additions in the same order, so the same float (a
    list row's duration is the overview's to the second)."""
    t = 0.0
    estimates = False
    for _kind, _ex, _ei, _side, _set, dur, est in _timeline(routine):
        t += est
        estimates = estimates or dur is None
    return t, estimates


def compile_plan(routine: Routine) -> Plan:
    steps: list[Step] = []
    t = 0.0
    for kind, ex, ei, side, set_no, dur, est in _timeline(routine):
        steps.append(Step(len(steps), kind, ex, ei, side, set_no, ex.sets, t, dur, est))
        t += est
    return Plan(routine, tuple(steps))


def format_clock(seconds: float) -> str:
    """0:05, 1:30, 1:02:03."""
    s = int(round(seconds))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"
