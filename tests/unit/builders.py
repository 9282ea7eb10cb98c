"""Routines built from the model directly (no loader), shared by the plan,
engine and cue tests. Distinct, easy timings: prep 5, rest 10, set_rest 30,
switch 4, breath 6, countdown 3."""

from __future__ import annotations

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
