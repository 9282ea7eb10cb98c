"""What every screen and the voice present, computed from the engine. Pure.

One model for the player, the projector and presenter views, the routine
overview and the spoken guidance: the widgets draw a :class:`DisplayState`,
they compute nothing themselves. There is one step describer
(:func:`describe_step`) and one rule for reps per set
(:meth:`hiptimer.routine.Exercise.reps_per_set`).

What is shown when
------------------
* The exercise on screen (:attr:`DisplayState.exercise`) is the one being
  done during work, set rests and switches, and the one coming during prep
  and rest: a rest after Pelvic tilt shows Knee to chest's picture, how and
  note, since that is what the user gets ready for.
* "Next" (:attr:`DisplayState.next`) names the next thing to do exactly: the
  next set of the same side ("Next: set 2 of 3"), the other side ("Next:
  right side"), or the next exercise in full; "Next: finish" at the end.
* Sides are values (:data:`hiptimer.plan.Side`); every text naming a side
  goes through :func:`side_word`, so ``mirror=True`` swaps left and right in
  words (a trainer facing the class) while the values stay true.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from hiptimer.engine import Session, SessionState, SessionSummary
from hiptimer.events import Event, PhaseStarted, SessionFinished, SideSwitch, StepStarted
from hiptimer.pictures import exercise_picture
from hiptimer.plan import Plan, Side, Step, StepKind, format_clock
from hiptimer.routine import Dose, Exercise, phases_text

__all__ = [
    "BreathView",
    "Count",
    "DisplayState",
    "ExerciseCard",
    "UpcomingStep",
    "countdown_seconds",
    "describe_step",
    "display_state",
    "dose_summary",
    "dose_text",
    "exercise_card",
    "finished_badge",
    "format_countdown",
    "headline",
    "next_text",
    "outcome",
    "side_word",
    "speech_for",
    "spoken_duration",
    "spoken_text",
    "upcoming_steps",
]

DisplayKind = Literal["prep", "work", "set_rest", "switch", "rest", "finished"]

#: How a session ended: every exercise done, ended with some left, or stopped.
Outcome = Literal["complete", "finished", "stopped"]

#: How many steps :attr:`DisplayState.upcoming` lists by default.
UPCOMING = 5

_EPS = 1e-4


# --------------------------------------------------------------------- pieces


@dataclass(frozen=True)
class Count:
    """``i`` of ``n`` (1-based)."""

    i: int
    n: int


@dataclass(frozen=True)
class BreathView:
    phase: Literal["inhale", "exhale"]
    breath: int  # 1-based
    of: int
    fraction: float  # 0..1 within the phase
    phase_s: float  # engine seconds one phase (half a breath) lasts


@dataclass(frozen=True)
class ExerciseCard:
    """An exercise as a screen shows it."""

    name: str
    dose: str  # "8 reps × 3 sets, each side"
    how: str
    note: str  # a caution, "" if none
    picture: str | None  # a catalogue picture id, a file path, or None
    mirrored: bool  # draw the picture flipped (the other side of a ``mirror`` picture)
    coach: str = ""  # the trainer's private note: presenter view only, never the projector


@dataclass(frozen=True)
class UpcomingStep:
    """One row of an up-next list."""

    index: int
    kind: StepKind
    side: Side | None
    text: str  # describe_step
    starts_in_s: float  # seconds from now until it starts
    starts_estimated: bool  # a self-paced step lies before it
    duration_s: float  # its length (the estimate when self-paced)
    duration_estimated: bool
    picture: str | None = None  # the exercise's picture (not for a rest), as ExerciseCard's
    mirrored: bool = False  # drawn flipped, as ExerciseCard's


@dataclass(frozen=True)
class DisplayState:
    """Everything a screen shows at one instant. Equal states draw the same."""

    state: SessionState  # ready, running, paused, finished
    kind: DisplayKind  # the current step's kind, "finished" at the end
    step_index: int | None
    title: str  # the headline: the exercise's name, "Up next: X" during rest
    exercise: ExerciseCard | None  # the exercise shown (the next one in prep and rest)
    side: Side | None  # the side to show: the step's, the rep's (alternate), the first in prep
    side_caption: str  # "First side", "Switch sides", "Alternate sides"
    countdown_s: float | None  # seconds left in the step; None when self-paced or finished
    countdown_text: str  # "45", "1:30"; the rep count when self-paced
    countdown_caption: str  # "reps", "reps each side" when self-paced
    countdown_fraction: float  # 0..1 of the step still to go (ring)
    self_paced: bool  # waits for Next
    set: Count | None  # the set (during a set rest: the set coming)
    set_text: str  # "Set 1 of 3", "Set 2 of 3 next"
    rep: Count | None  # timed reps: the rep under way
    rep_text: str  # "Rep 3 of 8", "8 reps", "8 reps — press Next when done"
    breath: BreathView | None
    breath_text: str  # "Breath 2 of 8"
    next: str  # "Next: right side", "Next: set 2 of 3", "Next: finish"
    upcoming: tuple[UpcomingStep, ...]
    elapsed_s: float  # since start, pauses included
    remaining_s: float  # estimated seconds left in the session
    remaining_estimated: bool  # self-paced reps make it an estimate
    time_left_text: str  # "~12:30 left"
    progress: float  # 0..1 of the plan behind us
    banner: str  # "PAUSED — press Space", "Press Space to start", ""
    phase: str = ""  # reps with named phases: the part under way ("Hover"), else ""
    outcome: Outcome | None = None  # at the end: how it ended (see headline), else None


# ---------------------------------------------------------------- text rules


def countdown_seconds(remaining: float) -> int:
    """Whole seconds shown for ``remaining``: 2.4 s left shows 3, 2.0 shows 2."""
    return max(0, math.ceil(remaining - _EPS))


def format_countdown(remaining: float) -> str:
    """``45`` under a minute, ``1:30`` / ``10:00`` above, ``1:02:03`` above an hour."""
    s = countdown_seconds(remaining)
    if s < 60:
        return str(s)
    return format_clock(s)


def side_word(side: Side | None, *, mirror: bool = False) -> str:
    """``left`` / ``right`` (swapped when ``mirror``), ``""`` for None."""
    if side is None:
        return ""
    if mirror:
        return "right" if side == "left" else "left"
    return side


def dose_text(ex: Exercise) -> str:
    """The dose as written, with its unit when the file gave a bare number
    (``reps: 12`` -> ``12 reps``, ``hold: 30`` -> ``30 s``)."""
    text = ex.dose.text.strip()
    holds = phases_text(ex.dose)
    if holds:  # reps that hold: "5–7 reps × 5–10s hold", "8 reps of Lift 5 breaths, ..."
        reps = text if any(ch.isalpha() for ch in text) else f"{text} reps"
        return f"{reps} of {holds}" if ex.dose.named_phases else f"{reps} × {holds}"
    if any(ch.isalpha() for ch in text):
        return text
    if ex.dose.kind == "reps":
        return f"{text} reps"
    if ex.dose.kind == "breaths":
        return f"{text} breaths"
    return f"{text} s"


def _per_side(ex: Exercise) -> str:
    return " each side" if ex.alternates_reps else ""


def dose_summary(ex: Exercise) -> str:
    """``8 reps × 3 sets, each side``: the dose as written plus sets and sides."""
    parts = [dose_text(ex)]
    if ex.sets > 1:
        parts[0] += f" × {ex.sets_text} sets"
    if ex.alternates_reps:
        parts.append("each side, alternating")
    elif ex.sides != "none":  # each, or alternate holds: one side, then the other
        parts.append("each side")
    return ", ".join(parts)


def _plural(n: float, word: str) -> str:
    k = int(n) if float(n).is_integer() else n
    return f"{k} {word}" if k == 1 else f"{k} {word}s"


def spoken_duration(seconds: float) -> str:
    """30 -> "30 seconds", 90 -> "1 minute 30 seconds", 600 -> "10 minutes"."""
    s = int(round(seconds))
    if s < 60:
        return _plural(s, "second")
    m, sec = divmod(s, 60)
    if m >= 60:
        h, m = divmod(m, 60)
        parts = [_plural(h, "hour")] + ([_plural(m, "minute")] if m else [])
        return " ".join(parts)
    return _plural(m, "minute") + (f" {_plural(sec, 'second')}" if sec else "")


def _spoken_count(d: Dose, word: str) -> str:
    if d.is_range:
        return f"{int(d.low)} to {int(d.high)} {word}s"
    return _plural(d.high, word)


def _spoken_hold(kind: str, low: float, high: float) -> str:
    """``5 breaths``, ``5 to 10 seconds``, ``1 minute``."""
    if kind == "breaths":
        return f"{int(low)} to {int(high)} breaths" if low != high else _plural(high, "breath")
    if low != high:
        return f"{spoken_duration(low).split()[0]} to {spoken_duration(high)}"
    return spoken_duration(high)


def spoken_dose(ex: Exercise) -> str:
    d = ex.dose
    if d.kind in ("hold", "time"):
        return _spoken_hold("hold", d.low, d.high)
    if d.kind == "breaths":
        return _spoken_count(d, "breath")
    text = _spoken_count(d, "rep") + _per_side(ex)
    if d.named_phases:
        parts = ", ".join(f"{p.name} {_spoken_hold(p.kind, p.low, p.high)}" for p in d.phases)
        return f"{text}: {parts}"
    if d.phases:
        p = d.phases[0]
        return f"{text}, holding {_spoken_hold(p.kind, p.low, p.high)}"
    return text


def _sets_of(step: Step, *, spoken: bool = False) -> str:
    """``3`` or, for ``sets: 3-4``, ``3–4`` (spoken ``3 to 4``)."""
    ex = step.exercise
    if ex.fewest_sets == step.sets:
        return str(step.sets)
    return f"{ex.fewest_sets} to {step.sets}" if spoken else ex.sets_text


def describe_step(step: Step, *, spoken: bool = False, mirror: bool = False) -> str:
    """The one step describer, for lists, the overview, "Next" and the voice.

    work: ``Pigeon pose, left side, set 1 of 2, 30s`` (spoken: ``30 seconds``);
    prep: ``Get ready: Pigeon pose``; rest: ``Rest``; set rest: ``Rest before
    set 2 of 3``; switch: ``Switch to the right side``.
    """
    ex = step.exercise
    side = side_word(step.side, mirror=mirror)
    if step.kind == "prep":
        return f"Get ready: {ex.name}"
    if step.kind == "rest":
        return "Rest"
    if step.kind == "set_rest":
        on = f", {side} side" if side else ""
        return f"Rest before set {step.set} of {_sets_of(step)}{on}"
    if step.kind == "switch":
        return f"Switch to the {side or 'other'} side"
    parts = [ex.name]
    if side:
        parts.append(f"{side} side")
    elif ex.alternates_reps:
        parts.append("alternating sides")
    if step.sets > 1:
        parts.append(f"set {step.set} of {_sets_of(step, spoken=spoken)}")
    parts.append(spoken_dose(ex) if spoken else dose_text(ex) + _per_side(ex))
    return ", ".join(parts)


def _next_work_text(current: Step, upcoming: Step, *, spoken: bool, mirror: bool) -> str:
    """The next work step relative to the current step: only what changes when
    it is the same exercise (the set, the side), in full otherwise."""
    if upcoming.exercise_index == current.exercise_index and current.kind != "prep":
        side = side_word(upcoming.side, mirror=mirror)
        new_side = upcoming.side != current.side or current.kind == "switch"
        if new_side and side:
            if upcoming.sets > 1:
                return f"{side} side, set {upcoming.set} of {upcoming.sets}"
            return f"{side} side"
        if upcoming.sets > 1:
            return f"set {upcoming.set} of {upcoming.sets}"
    return describe_step(upcoming, spoken=spoken, mirror=mirror)


def next_text(plan: Plan, step: Step | None, *, mirror: bool = False) -> str:
    """``Next: right side`` / ``Next: set 2 of 3`` / ``Next: Knee to chest, 30s``
    / ``Next: finish``: the next work step after ``step``, named exactly."""
    if step is None:
        return ""
    upcoming = plan.next_work(step.index)
    if upcoming is None:
        return "Next: finish"
    return "Next: " + _next_work_text(step, upcoming, spoken=False, mirror=mirror)


def exercise_card(ex: Exercise, side: Side | None = None, *, mirror: bool = False) -> ExerciseCard:
    """``side``: the side the exercise is done on now; the picture is drawn flipped
    on the second (right) side when it mirrors (see :mod:`hiptimer.pictures`).
    ``mirror`` (a class facing the trainer) flips every picture once more, as it
    swaps left and right in words."""
    ref = exercise_picture(ex)
    return ExerciseCard(
        name=ex.name,
        dose=dose_summary(ex),
        how=ex.how,
        note=ex.note,
        picture=ref.ref if ref is not None else None,
        mirrored=ref is not None and ref.mirrored(side) != mirror,
        coach=ex.coach,
    )


def upcoming_steps(
    session: Session, count: int = UPCOMING, *, mirror: bool = False
) -> tuple[UpcomingStep, ...]:
    """The ``count`` steps after the current one, with when each starts."""
    step = session.step
    if step is None or count <= 0:
        return ()
    rem = session.remaining()
    if rem is None:
        rem = max(0.0, step.estimate_s - session.step_elapsed())
    t = rem
    estimated = step.duration_s is None
    out: list[UpcomingStep] = []
    for nxt in session.plan.steps[step.index + 1 : step.index + 1 + count]:
        ref = exercise_picture(nxt.exercise) if nxt.kind != "rest" else None
        out.append(
            UpcomingStep(
                index=nxt.index,
                kind=nxt.kind,
                side=nxt.side,
                text=describe_step(nxt, mirror=mirror),
                starts_in_s=t,
                starts_estimated=estimated,
                duration_s=nxt.estimate_s,
                duration_estimated=nxt.duration_s is None,
                picture=ref.ref if ref is not None else None,
                mirrored=ref is not None and ref.mirrored(nxt.side) != mirror,
            )
        )
        t += nxt.estimate_s
        estimated = estimated or nxt.duration_s is None
    return tuple(out)


def outcome(summary: SessionSummary, exercises: int) -> Outcome:
    """How it ended: "complete" only when every exercise was done; "stopped" when
    the session was stopped; else "finished" (it ran to the end, some skipped)."""
    if summary.status == "completed" and summary.exercises_done == exercises:
        return "complete"
    return "stopped" if summary.status == "stopped" else "finished"


def finished_badge(how: Outcome) -> str:
    """The end screen's badge: a tick only for a complete session."""
    return "DONE ✓" if how == "complete" else how.upper()


def headline(summary: SessionSummary, exercises: int) -> str:
    """The summary's headline, saying what happened: "Session complete" only
    when every exercise was done; otherwise "Finished: 4 of 6 exercises done"
    (or "Stopped: ..." when the session was stopped)."""
    done = summary.exercises_done
    how = outcome(summary, exercises)
    if how == "complete":
        return "Session complete"
    verb = "Stopped" if how == "stopped" else "Finished"
    noun = "exercise" if exercises == 1 else "exercises"
    return f"{verb}: {done} of {exercises} {noun} done"


# ------------------------------------------------------------- the state


def _shown_exercise(plan: Plan, step: Step) -> tuple[Exercise, Side | None]:
    """The exercise a screen shows for ``step`` and the side it is done on:
    during prep and rest the next exercise, on its first side."""
    if step.kind in ("prep", "rest"):
        upcoming = plan.next_work(step.index)
        if upcoming is not None:
            return upcoming.exercise, upcoming.side
    return step.exercise, step.side


def _side(session: Session, step: Step) -> tuple[Side | None, str]:
    ex = step.exercise
    if step.kind == "switch":
        return step.side, "Switch sides"
    if step.kind == "prep":
        upcoming = session.plan.next_work(step.index)
        if upcoming is not None and upcoming.exercise_index == step.exercise_index:
            if upcoming.side is not None:
                return upcoming.side, "First side"
        return None, ""
    if step.kind == "work" and ex.alternates_reps:
        if session.rep() is not None:
            return session.rep_side(), "Alternate sides"
        return None, "Alternate sides each rep"
    if step.kind in ("work", "set_rest"):
        return step.side, ""
    return None, ""


def _set(step: Step) -> tuple[Count | None, str]:
    if step.sets <= 1:
        return None, ""
    of = _sets_of(step)
    optional = " (optional)" if step.set > step.exercise.fewest_sets else ""
    if step.kind == "work":
        return Count(step.set, step.sets), f"Set {step.set} of {of}{optional}"
    if step.kind == "set_rest":
        return Count(step.set, step.sets), f"Set {step.set} of {of} next{optional}"
    return None, ""


def _rep(session: Session, step: Step) -> tuple[Count | None, str]:
    ex = step.exercise
    if step.kind != "work" or ex.dose.kind != "reps":
        return None, ""
    if ex.dose.self_paced:
        return None, f"{dose_text(ex)}{_per_side(ex)} — press Next when done"
    r = session.rep()
    if r is None:  # not counting yet (a resumed set before Space): the dose says "10 reps"
        return None, ""
    ph = session.phase()
    if ph is not None:
        return Count(r[0], r[1]), f"Rep {r[0]} of {r[1]} · {ph.name}"
    return Count(r[0], r[1]), f"Rep {r[0]} of {r[1]}"


def _countdown(session: Session, step: Step) -> tuple[float | None, str, str, float]:
    rem = session.remaining()
    if rem is None:  # self-paced reps: show the count, wait for Next
        d = step.exercise.dose
        n = f"{int(d.high)}" if not d.is_range else f"{int(d.low)}–{int(d.high)}"
        return None, n, "reps" + _per_side(step.exercise), 1.0
    total = session.step_duration() or 0.0
    return rem, format_countdown(rem), "", rem / total if total > 0 else 0.0


def _banner(state: SessionState, pause_reason: str) -> str:
    if state == "paused":
        if pause_reason == "sleep":
            return "PAUSED — the computer slept · press Space"
        return "PAUSED — press Space"
    if state == "ready":
        return "Press Space to start"
    return ""


def display_state(
    session: Session,
    *,
    upcoming: int = UPCOMING,
    mirror: bool = False,
    pause_reason: Literal["user", "sleep"] = "user",
) -> DisplayState:
    """What the screens show at the engine's current instant.

    ``mirror`` swaps left and right in every text (the side values stay
    true); ``pause_reason`` picks the paused banner (the engine reports it in
    its Paused event)."""
    plan = session.plan
    step = session.step
    remaining = session.session_remaining()
    est = "~" if plan.has_estimates else ""
    if step is None:
        summary = session.summary()
        exercises = len(plan.routine.exercises)
        return DisplayState(
            state=session.state,
            kind="finished",
            step_index=None,
            title=headline(summary, exercises),
            exercise=None,
            side=None,
            side_caption="",
            countdown_s=None,
            countdown_text="",  # no "0" left on the end screen: the headline says it
            countdown_caption="",
            countdown_fraction=0.0,
            self_paced=False,
            set=None,
            set_text="",
            rep=None,
            rep_text="",
            breath=None,
            breath_text="",
            next="",
            upcoming=(),
            elapsed_s=session.session_elapsed(),
            remaining_s=remaining,
            remaining_estimated=plan.has_estimates,
            time_left_text=f"{est}{format_clock(remaining)} left",
            progress=session.progress(),
            banner=_banner(session.state, pause_reason),
            outcome=outcome(summary, exercises),
        )
    shown, shown_side = _shown_exercise(plan, step)
    if step.kind == "rest":
        title = f"Up next: {shown.name}" if shown is not step.exercise else "Rest"
    else:
        title = step.exercise.name
    side, side_caption = _side(session, step)
    count_s, count_text, count_caption, fraction = _countdown(session, step)
    set_count, set_text = _set(step)
    rep_count, rep_text = _rep(session, step)
    b = session.breath()
    breath = (
        BreathView(b.phase, b.breath, b.of, b.fraction, step.exercise.timings.breath / 2)
        if b is not None
        else None
    )
    return DisplayState(
        state=session.state,
        kind=step.kind,
        step_index=step.index,
        title=title,
        exercise=exercise_card(shown, side if side is not None else shown_side, mirror=mirror),
        side=side,
        side_caption=side_caption,
        countdown_s=count_s,
        countdown_text=count_text,
        countdown_caption=count_caption,
        countdown_fraction=fraction,
        self_paced=step.duration_s is None,
        set=set_count,
        set_text=set_text,
        rep=rep_count,
        rep_text=rep_text,
        breath=breath,
        breath_text=f"Breath {b.breath} of {b.of}" if b is not None else "",
        next=next_text(plan, step, mirror=mirror),
        upcoming=upcoming_steps(session, upcoming, mirror=mirror),
        elapsed_s=session.session_elapsed(),
        remaining_s=remaining,
        remaining_estimated=plan.has_estimates,
        time_left_text=f"{est}{format_clock(remaining)} left",
        progress=session.progress(),
        banner=_banner(session.state, pause_reason),
        phase=ph.name if (ph := session.phase()) is not None else "",
    )


# ---------------------------------------------------------------- speech


def spoken_text(
    event: Event, plan: Plan, *, mirror: bool = False, summary: SessionSummary | None = None
) -> str | None:
    """What the voice says for one event, or None.

    - rest start: "Rest. Next: <upcoming work>"
    - prep start: "Next: <upcoming work>"; "Get ready" when a rest just
      announced the same exercise
    - set rest start: "Rest. Next: set 2 of 3"; "Rest. Last set next" before the last
    - the last set of a multi-set exercise starts: "Last set"
    - a switch step starts (SideSwitch): "Switch sides"
    - the session completes: "Session complete"; given its ``summary``, the
      summary's honest headline instead ("Finished: 4 of 6 exercises done")
    - a named phase of a rep starts: its name ("Lift"), with the rep from
      rep 2 on ("Rep 2. Lift")
    - a set rest before an optional set (``sets: 3-4``): "Rest. Set 4 is optional: ..."
    """
    if isinstance(event, PhaseStarted):
        if event.phase == 1 and event.rep > 1:
            return f"Rep {event.rep}. {event.name}"
        return event.name
    if isinstance(event, SideSwitch):
        return "Switch sides"
    if isinstance(event, SessionFinished):
        if event.status != "completed":
            return None
        if summary is None:
            return "Session complete"
        return headline(summary, len(plan.routine.exercises))
    if not isinstance(event, StepStarted):
        return None
    step = event.step
    upcoming = plan.next_work(step.index)
    if step.kind == "prep":
        prev = plan.steps[step.index - 1] if step.index > 0 else None
        if prev is not None and prev.kind == "rest":
            return "Get ready"
        if upcoming is None:
            return None
        return "Next: " + describe_step(upcoming, spoken=True, mirror=mirror)
    if step.kind == "rest":
        if upcoming is None:
            return "Rest"
        return "Rest. Next: " + describe_step(upcoming, spoken=True, mirror=mirror)
    if step.kind == "set_rest":
        if upcoming is None or upcoming.exercise_index != step.exercise_index:
            return "Rest"
        if upcoming.set > upcoming.exercise.fewest_sets and upcoming.side == step.side:
            return f"Rest. Set {upcoming.set} is optional: Next skips it"
        if upcoming.set == upcoming.sets and upcoming.side == step.side:
            return "Rest. Last set next"
        return "Rest. Next: " + _next_work_text(step, upcoming, spoken=True, mirror=mirror)
    if step.kind == "work" and step.sets > 1 and step.set == step.sets:
        return "Last set"
    return None


def speech_for(
    events: Sequence[Event],
    plan: Plan,
    *,
    mirror: bool = False,
    summary: SessionSummary | None = None,
) -> str | None:
    """One announcement for a batch: the texts of its latest instant, joined."""
    texts: list[tuple[float, str]] = []
    for e in events:
        t = spoken_text(e, plan, mirror=mirror, summary=summary)
        if t:
            texts.append((e.at, t))
    if not texts:
        return None
    latest = max(at for at, _ in texts)
    chosen = [t for at, t in texts if at == latest]
    return ". ".join(dict.fromkeys(chosen))  # no repeats, order kept
