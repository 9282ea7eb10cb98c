"""Routines built from the model directly (no loader), shared by the plan,
engine and cue tests. Distinct, easy timings: prep 5, rest 10, set_rest 30,
switch 4, breath 6, countdown 3. Also the one YAML routine the cue and speech
tests both read (CUE_ROUTINE, loaded by cue_plan)."""

from __future__ import annotations

from hiptimer.loader import load_routine_text
from hiptimer.plan import Plan, compile_plan
from hiptimer.routine import Dose, Exercise, Routine, Sides, Timings

T = Timings(prep=5, rest=10, set_rest=30, switch=4, breath=6, countdown=3)


def _count_text(low: int, high: int) -> str:
    return f"{low}" if low == high else f"{low}-{high}"


def hold(seconds: float, low: float | None = None) -> Dose:
    low = seconds if low is None else low
    return Dose("hold", low, seconds, f"{seconds:g}s")


def breaths(low: int, high: int | None = None) -> Dose:
    high = low if high is None else high
    return Dose("breaths", low, high, f"{_count_text(low, high)} breaths")


def reps(low: int, high: int | None = None, tempo: float | None = None) -> Dose:
    high = low if high is None else high
    return Dose("reps", low, high, _count_text(low, high), tempo)


def time_dose(seconds: float) -> Dose:
    return Dose("time", seconds, seconds, f"{seconds:g}s")


def ex(
    name: str,
    dose: Dose,
    *,
    sets: int = 1,
    sides: Sides = "none",
    timings: Timings = T,
) -> Exercise:
    return Exercise(name=name, dose=dose, timings=timings, sets=sets, sides=sides)


def plan_of(*exercises: Exercise) -> Plan:
    return compile_plan(Routine(name="R", exercises=tuple(exercises), defaults=T))


#: One of each kind of step, loaded from YAML (the cue and the speech tests read it).
CUE_ROUTINE = """
name: Cue test
defaults: {prep: 5, rest: 10, set_rest: 20, switch: 5, countdown: 3, breath: 4}
exercises:
  - name: Pigeon pose
    hold: 30s
    sides: each
  - name: Squat
    reps: 8
    tempo: 3s
    sets: 3
  - name: Forward fold
    hold: 8-10 breaths
  - name: Lunge twist
    reps: 6
    sides: alternate
  - name: Walk
    time: 90 s
"""


def cue_plan() -> Plan:
    return compile_plan(load_routine_text(CUE_ROUTINE, "cue-test.yaml"))
