"""The routine model: frozen dataclasses, no I/O and no Qt.

A loader (``hiptimer.loader``) builds these from YAML; the plan
(``hiptimer.plan``) compiles them to a timeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

DoseKind = Literal["hold", "breaths", "reps", "time"]
Sides = Literal["none", "each", "alternate"]

#: The sound cues, one per kind of boundary; a routine's ``sounds:`` may override any.
CUE_NAMES: tuple[str, ...] = (
    "ready",
    "go",
    "tick",
    "stop",
    "switch",
    "set_done",
    "rep",
    "complete",
)

#: Seconds a self-paced rep counts for in estimates (routine-format contract).
SELF_PACED_REP_S = 3.0


@dataclass(frozen=True)
class Timings:
    """The ``defaults`` keys; every value in seconds except ``countdown`` (ticks)."""

    prep: float = 5.0
    rest: float = 10.0
    set_rest: float = 30.0
    switch: float = 5.0
    breath: float = 5.0
    countdown: int = 3


TIMING_KEYS: tuple[str, ...] = ("prep", "rest", "set_rest", "switch", "breath", "countdown")


PhaseKind = Literal["hold", "breaths"]


@dataclass(frozen=True)
class Phase:
    """One part of a rep that holds: a ``hold`` of seconds or breaths, maybe named.

    A rep with ``hold:`` has one unnamed phase; ``phases:`` gives named ones
    (Lift 5 breaths, Hover 5 breaths), done in order for every rep. ``low`` and
    ``high`` are seconds for ``hold``, counts for ``breaths``.
    """

    name: str  # "" for the single phase of ``reps`` + ``hold``
    kind: PhaseKind
    low: float
    high: float
    text: str  # the hold as written, for display

    def seconds(self, breath: float, *, low: bool = False) -> float:
        n = self.low if low else self.high
        return n * breath if self.kind == "breaths" else n

    @property
    def is_range(self) -> bool:
        return self.low != self.high


@dataclass(frozen=True)
class Dose:
    """One exercise's dose.

    ``low``/``high`` are seconds for ``hold`` and ``time``, counts for
    ``breaths`` and ``reps``; they are equal unless the dose is a range
    (``8-10 breaths``). ``text`` is the dose as written, for display.
    ``tempo`` is seconds per rep for timed reps, None for self-paced reps
    and for other kinds. Reps that hold (``reps`` with ``hold`` or
    ``phases``) carry their ``phases``; their ``tempo`` is a rep's length at
    the phases' upper bounds and ``tempo_low`` at their lower bounds.
    """

    kind: DoseKind
    low: float
    high: float
    text: str
    tempo: float | None = None
    phases: tuple[Phase, ...] = ()
    tempo_low: float | None = None

    @property
    def any_range(self) -> bool:
        """The count or a rep's hold is a range (Next can end the work early as done)."""
        return self.is_range or any(p.is_range for p in self.phases)

    @property
    def holds(self) -> bool:
        """Reps that hold: each rep is a hold (or a sequence of named phases)."""
        return bool(self.phases)

    @property
    def named_phases(self) -> bool:
        return any(p.name for p in self.phases)

    @property
    def rep_low_s(self) -> float | None:
        """Seconds of the shortest rep (``tempo`` unless a rep's hold is a range)."""
        return self.tempo_low if self.tempo_low is not None else self.tempo

    @property
    def is_range(self) -> bool:
        return self.low != self.high

    @property
    def self_paced(self) -> bool:
        return self.kind == "reps" and self.tempo is None


@dataclass(frozen=True)
class Exercise:
    name: str
    dose: Dose
    timings: Timings  # routine defaults with this exercise's overrides applied
    how: str = ""
    note: str = ""
    coach: str = ""  # private note for the trainer: presenter view and overview, never projected
    sets: int = 1  # the upper bound when ``sets`` is a range
    sides: Sides = "none"
    image: Path | None = None  # resolved, checked to stay inside allowed folders
    sets_low: int | None = None  # the lower bound of ``sets: 3-4``; None: not a range
    # ``mirror:`` as written: flip the picture for the right side (None: the picture's own
    # rule, which for a catalogue pose is to mirror unless the pose says otherwise)
    mirror: bool | None = None
    catalogue_id: str | None = None  # ``use:``: the catalogue entry this came from
    picture: str | None = None  # the catalogue picture's id (assets/pictures/<id>.svg)

    @property
    def fewest_sets(self) -> int:
        """Sets that count the exercise (or a side of it) as done."""
        return self.sets if self.sets_low is None else self.sets_low

    @property
    def sets_text(self) -> str:
        """``3`` or ``3–4``."""
        if self.sets_low is None or self.sets_low == self.sets:
            return str(self.sets)
        return f"{self.sets_low}\u2013{self.sets}"

    @property
    def alternates_reps(self) -> bool:
        """Reps that alternate left and right inside each set."""
        return self.sides == "alternate" and self.dose.kind == "reps"

    def reps_per_set(self, per_side: float | None = None) -> float:
        """Reps in one set, for ``per_side`` reps (default: the dose's upper
        bound). The one rule for alternating reps: ``reps: 8`` with
        ``sides: alternate`` is 8 a side, so a set holds 16 reps."""
        n = self.dose.high if per_side is None else per_side
        return n * 2 if self.alternates_reps else n

    def work_seconds(self) -> float | None:
        """Duration of one work step (one set on one side), None if self-paced.

        Ranges use the upper bound. ``alternate`` reps do ``high`` reps per
        side inside one set, so a set lasts twice as long.
        """
        d = self.dose
        if d.kind in ("hold", "time"):
            return d.high
        if d.kind == "breaths":
            return d.high * self.timings.breath
        if d.tempo is None:
            return None
        return self.reps_per_set() * d.tempo

    def estimate_seconds(self) -> float:
        """Like :meth:`work_seconds`, with self-paced reps at 3 s per rep."""
        s = self.work_seconds()
        if s is not None:
            return s
        return self.reps_per_set() * SELF_PACED_REP_S


@dataclass(frozen=True)
class Routine:
    name: str
    exercises: tuple[Exercise, ...]
    description: str = ""
    tags: tuple[str, ...] = ()
    defaults: Timings = field(default_factory=Timings)
    path: Path | None = None
    content_hash: str = ""  # sha256 hex of the file's bytes
    # cue name -> WAV file inside the routine's folder (overrides the bundled sound)
    sounds: dict[str, Path] = field(default_factory=dict)


def phases_text(dose: Dose) -> str:
    """What a rep holds, for display: ``5–10s hold`` or ``Lift 5 breaths, Hover 5 breaths``;
    empty for doses whose reps do not hold."""
    if not dose.phases:
        return ""
    if not dose.named_phases:
        return f"{dose.phases[0].text} hold"
    return ", ".join(f"{p.name} {p.text}" for p in dose.phases)
