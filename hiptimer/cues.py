"""Which cue sounds, and what the voice says, for the engine's events. Pure.

The Qt side (``hiptimer.qt.cues``) plays what this module decides; every
rule lives here so it can be tested without a sound card.

Cues and their events
---------------------
=========  ==============================================================
ready      StepStarted of a ``prep`` step (get into position)
go         StepStarted of a ``work`` step
switch     StepStarted of a ``switch`` step (change sides)
stop       StepEnded of a work step with outcome done or partial
set_done   SetDone of an exercise with more than one set (a set is over)
tick       CountdownTick (the last ``countdown`` seconds of a timed step)
rep        RepTick (each rep of a tempo set), PhaseStarted (each named part of a rep)
complete   SessionFinished with status completed
=========  ==============================================================

One sound per instant
---------------------
Several events share one instant at a boundary (a work step ends, a set is
done, a switch starts). Playing all their cues at once would be a jumble, so
:func:`select_cues` keeps, for each instant, the single cue with the highest
:data:`PRIORITY`: ``complete`` > ``switch`` > ``go`` > ``set_done`` > ``stop``
> ``ready`` > ``rep`` > ``tick``. So the last work step ends with
``complete`` rather than ``stop``; a set of a multi-set exercise ends with
``set_done`` (it tells more than ``stop``, and is still a work-end sound);
rep 1 of a tempo set is covered by ``go``; and the boundary into a switch
step sounds ``switch``. Every work start and every work end sounds exactly
one cue, on the planned instant.

A batch that spans several instants (the app woke late, or a control
raced through steps) plays only its latest instant: stale cues played late
in a burst would mislead more than silence.

Speech
------
What the voice says comes from the display model
(:func:`hiptimer.display.speech_for`), like everything the screens show. The
Qt director speaks it after the instant's cue has finished (see
``hiptimer.qt.cues.CueDirector`` for the no-talking-over rule).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from hiptimer.events import (
    CountdownTick,
    Event,
    PhaseStarted,
    RepTick,
    SessionFinished,
    SetDone,
    StepEnded,
    StepStarted,
)
from hiptimer.routine import CUE_NAMES

#: Higher wins when several cues fall on one instant.
PRIORITY: dict[str, int] = {
    "complete": 8,
    "switch": 7,
    "go": 6,
    "set_done": 5,
    "stop": 4,
    "ready": 3,
    "rep": 2,
    "tick": 1,
}

#: Minor cues: skipped while the voice is speaking (boundary cues interrupt it instead).
MINOR_CUES: frozenset[str] = frozenset({"tick", "rep"})

BACKENDS: tuple[str, ...] = ("qt", "playsound", "none")
AUTO_ORDER: tuple[str, ...] = ("qt", "playsound", "none")


def cues_for(event: Event) -> list[str]:
    """The cues one event asks for (before the one-per-instant priority)."""
    if isinstance(event, StepStarted):
        kind = event.step.kind
        if kind == "prep":
            return ["ready"]
        if kind == "work":
            return ["go"]
        if kind == "switch":
            return ["switch"]
        return []
    if isinstance(event, StepEnded):
        if event.step.is_work and event.outcome in ("done", "partial"):
            return ["stop"]
        return []
    if isinstance(event, CountdownTick):
        return ["tick"]
    if isinstance(event, SetDone):
        return ["set_done"] if event.of > 1 else []
    if isinstance(event, RepTick | PhaseStarted):
        return ["rep"]
    if isinstance(event, SessionFinished):
        return ["complete"] if event.status == "completed" else []
    return []


def _at(event: Event) -> float:
    return event.at


def select_cues(events: Sequence[Event]) -> list[tuple[float, str]]:
    """The cue to play for a batch of events: ``[(instant, cue)]``, at most one.

    Only the batch's latest instant that asks for a cue counts; among the cues
    of that instant the highest :data:`PRIORITY` wins.
    """
    every = cues_by_instant(events)
    return every[-1:]


# ---------------------------------------------------------------- backends


def choose_backend(requested: str, available: Callable[[str], bool]) -> list[str]:
    """The backends to try, in order, for ``--audio-backend requested``.

    ``auto`` tries qt, then playsound, then none (only those ``available``
    says exist, but always ending with ``none``). A named backend is tried
    first even if ``available`` doubts it, then falls back the same way.
    Unknown names raise ValueError.
    """
    if requested != "auto" and requested not in BACKENDS:
        raise ValueError(
            f"unknown audio backend {requested!r}; choose one of auto, " + ", ".join(BACKENDS)
        )
    order: list[str] = []
    if requested != "auto":
        order.append(requested)
    for name in AUTO_ORDER:
        if name not in order and (name == "none" or available(name)):
            order.append(name)
    if order[0] == "none":
        return ["none"]
    return order


def resolve_sounds(
    routine_sounds: dict[str, Path] | None, sounds_dir: Path
) -> tuple[dict[str, Path], list[str]]:
    """Cue name -> WAV file: the routine's own file where it names one (and it
    exists), else ``sounds_dir/<cue>.wav``. Returns the map and a list of
    problems (a routine sound that is missing, a cue with no file at all)."""
    out: dict[str, Path] = {}
    problems: list[str] = []
    own = routine_sounds or {}
    for cue in CUE_NAMES:
        p = own.get(cue)
        if p is not None:
            if p.is_file():
                out[cue] = p
                continue
            problems.append(f"routine sound for {cue!r} not found: {p}; using the built-in one")
        default = sounds_dir / f"{cue}.wav"
        if default.is_file():
            out[cue] = default
        else:
            problems.append(f"no sound file for cue {cue!r} ({default})")
    return out, problems


def cues_by_instant(events: Sequence[Event]) -> list[tuple[float, str]]:
    """Every instant's cue for a run of events that spans many instants (a
    preview of what is to come): ``[(instant, cue)]`` in time order, one per
    instant, by the same :data:`PRIORITY` as :func:`select_cues`."""
    by_instant: dict[float, str] = {}
    for e in events:
        for cue in cues_for(e):
            at = _at(e)
            best = by_instant.get(at)
            if best is None or PRIORITY[cue] > PRIORITY[best]:
                by_instant[at] = cue
    return sorted(by_instant.items())
