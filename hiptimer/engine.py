"""The guided session: a pure state machine over a Plan, driven by a Clock.

No Qt, no thread. Everything is derived from a few stored facts and
``clock.now()``:

* ``_anchor``: the engine instant that plan time 0 maps to for the current
  stretch of the plan. Natural boundaries keep it (plus any extension), so
  each step starts exactly at the previous step's deadline and every
  boundary sits exactly at the plan's cumulative instant however late the
  wake-up that noticed it (deadline-to-deadline, no accumulated drift).
  Pauses, ``extend`` and jumps (Next, Previous, self-paced steps) move it.
* ``_start``: the engine instant the current step started (shifted by pauses).
* ``_extra``: seconds ``extend`` added to the current step.
* the deadline of a timed step is ``(_anchor + _extra) + step.end_s``, the
  very float the next step's start is computed as;
  ``remaining = deadline - now``; pausing freezes ``now`` at ``_paused_at``;
  resuming shifts the anchor by the pause, i.e. sets a new deadline
  ``now + frozen remaining``. Nothing is ever decremented per tick.
* ``_emitted_off``: how far into the current step (seconds from its start)
  its events (countdown, breath phases, rep ticks) have been emitted.

Every event carries its planned instant (``at``) on the engine clock.

Sleep: on Linux/macOS the monotonic clock stops during suspend while the
wall clock runs on, so the two gaps since the previous tick part. On Windows
both run on, so only a wake-up far later than the one the engine asked for
gives it away: with ``missed_wakeup_s`` set, a tick that many real seconds
past :meth:`Session.next_wakeup` counts as a sleep too (opt-in, since a late
tick otherwise crosses every boundary it missed). Either way the session
pauses where it was at the previous tick and emits ``Paused(reason="sleep")``.
``clock.speed`` is read only there, to turn engine seconds into real seconds.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from hiptimer.clock import Clock
from hiptimer.events import (
    BreathPhase,
    CountdownTick,
    Event,
    Paused,
    PhaseStarted,
    RepTick,
    Resumed,
    SessionFinished,
    SetDone,
    SideSwitch,
    StepEnded,
    StepOutcome,
    StepStarted,
)
from hiptimer.plan import Plan, Side, Step
from hiptimer.results import ExerciseResult, ExerciseStatus, SessionStatus, SetResult, better
from hiptimer.routine import Phase

__all__ = [
    "BreathState",
    "PhaseState",
    "Progress",
    "Session",
    "SessionState",
    "SessionSummary",
]

SessionState = Literal["ready", "running", "paused", "finished"]

#: Float tolerance when comparing instants: an event due at ``t`` counts as
#: due when ``now >= t - EPS``, so a timer aimed exactly at ``t`` never wakes
#: up one rounding error too early and spins.
EPS = 1e-9


@dataclass(frozen=True)
class BreathState:
    phase: Literal["inhale", "exhale"]
    breath: int  # 1-based
    of: int
    fraction: float  # 0..1 within the phase


@dataclass(frozen=True)
class PhaseState:
    """Where a rep with named phases is: ``Hover``, phase 2 of 2, of rep 3."""

    name: str
    phase: int  # 1-based
    of: int
    rep: int  # 1-based
    remaining: float  # seconds left in this phase


@dataclass(frozen=True)
class SessionSummary:
    active_s: float  # running time, pauses excluded (engine seconds)
    exercises_done: int  # every side of the exercise done
    exercises_skipped: int  # no set done on any side
    exercises_partial: int  # the rest
    status: SessionStatus  # "running" until finished, then "completed" or "stopped"


@dataclass(frozen=True)
class Progress:
    """Where a session is, enough to continue it later (after a crash):
    the step to go on at, what each set begun so far did (work step index ->
    record, the set under way included) and the active seconds so far."""

    index: int
    sets: tuple[tuple[int, SetResult], ...]
    active_s: float


# An event of the current step, relative to the step's start:
# (offset seconds, rank among events at the same offset, factory(at) -> event).
_Pending = tuple[float, int, Callable[[float], Event]]


class Session:
    """A routine being run. See ``docs/engine-api.md`` for the contract."""

    def __init__(
        self,
        plan: Plan,
        clock: Clock,
        *,
        sleep_gap_s: float = 5.0,
        missed_wakeup_s: float | None = None,
        previous_window_s: float = 2.0,
    ) -> None:
        """``sleep_gap_s``: real seconds the wall and monotonic gaps between two
        ticks may differ by before the session counts the machine as having
        slept. ``missed_wakeup_s``: real seconds a tick may come after the
        wake-up the engine asked for (:meth:`next_wakeup`) before it counts as
        a sleep too (Windows, where the monotonic clock runs during suspend).
        It is off by default (None) because a late tick must otherwise cross
        every boundary it missed (tests jump a FakeClock far ahead); the app
        turns it on for real sessions (60 s is a good value).
        ``previous_window_s``: engine seconds after a step's start within which
        Previous goes back to the previous work step instead of restarting the
        current one."""
        self.plan = plan
        self.clock = clock
        self.sleep_gap_s = sleep_gap_s
        self.missed_wakeup_s = missed_wakeup_s
        self.previous_window_s = previous_window_s
        self.state: SessionState = "ready"
        self.index = 0
        #: "completed" or "stopped" once finished, None before.
        self.finish_status: Literal["completed", "stopped"] | None = None
        self._anchor = 0.0
        self._start = 0.0
        self._extra = 0.0
        self._emitted_off = -math.inf
        self._paused_at = 0.0
        self._started_at: float | None = None
        self._finished_at = 0.0
        self._active_banked = 0.0  # active seconds of finished running stretches
        self._run_from = 0.0  # where the current running stretch began
        self._outcomes: dict[int, StepOutcome] = {}  # step index -> latest outcome
        self._sets: dict[int, SetResult] = {}  # work step index -> its best attempt
        self._last_mono = 0.0
        self._last_wall = 0.0
        self._expected_wakeup: float | None = None
        self._last_at = -math.inf  # the latest instant of an event let out

    # ------------------------------------------------------------------ queries

    @property
    def step(self) -> Step | None:
        if self.state == "finished" or not self.plan.steps:
            return None
        return self.plan.steps[self.index]

    def now(self) -> float:
        """The engine instant the session is at: the clock while running,
        frozen while paused, the finishing instant once finished."""
        if self.state == "paused":
            return self._paused_at
        if self.state == "finished":
            return self._finished_at
        return self.clock.now()

    def remaining(self) -> float | None:
        """Seconds left in the current step; None when self-paced or finished."""
        step = self.step
        if step is None or step.duration_s is None:
            return None
        if self.state == "ready":
            return step.duration_s
        deadline = self._deadline()
        assert deadline is not None
        return max(0.0, deadline - self.now())

    def step_elapsed(self) -> float:
        if self.state in ("ready", "finished") or self.step is None:
            return 0.0
        return max(0.0, self.now() - self._step_start())

    def step_duration(self) -> float | None:
        """The current step's length including extensions; None if self-paced."""
        step = self.step
        if step is None or step.duration_s is None:
            return None
        return step.duration_s + self._extra

    def next_wakeup(self) -> float | None:
        """Engine instant of the next change: the next event of the current step,
        its deadline, or the next whole second of :meth:`remaining`. None unless
        running a timed step."""
        if self.state != "running":
            return None
        deadline = self._deadline()
        if deadline is None:
            return None
        now = self.clock.now()
        start = self._step_start()
        candidates = [deadline]
        pending = self._pending_events()
        if pending:
            candidates.append(start + pending[0][0])
        left = deadline - now
        if left > EPS:
            candidates.append(deadline - (math.ceil(left - EPS) - 1))
        return min(candidates)

    def session_elapsed(self) -> float:
        """Engine seconds since start, pauses included (frozen once finished)."""
        if self._started_at is None:
            return 0.0
        end = self._finished_at if self.state == "finished" else self.clock.now()
        return max(0.0, end - self._started_at)

    def session_remaining(self) -> float:
        """Estimated seconds left: the current step's remaining time (self-paced:
        what is left of its estimate), then the estimates of the later steps."""
        step = self.step
        if step is None:
            return 0.0
        if self.state == "ready":  # from the step it starts at (a restored session: not 0)
            return self.plan.duration_s - step.start_s
        later = self.plan.duration_s - step.end_s
        rem = self.remaining()
        if rem is None:
            rem = max(0.0, step.estimate_s - self.step_elapsed())
        return max(0.0, rem + later)

    def progress(self) -> float:
        """Fraction 0..1 of the plan behind us (for a whole-session bar)."""
        if self.state == "finished":
            return 1.0
        total = self.plan.duration_s
        if total <= 0:
            return 0.0
        return min(1.0, max(0.0, 1.0 - self.session_remaining() / total))

    def breath(self) -> BreathState | None:
        """During a breath hold, or a rep's phase counted in breaths: inhale is the
        first half of each breath."""
        step = self.step
        if step is None or self.state == "ready":
            return None
        half = step.exercise.timings.breath / 2
        if not _is_breath_hold(step):
            at = self._phase_at(step, self.step_elapsed())
            if at is None or at[0].kind != "breaths":
                return None
            ph, _j, _rep, into = at
            of = int(ph.high)
            j = min(int(math.floor((into + EPS) / half)), 2 * of - 1)
            fraction = min(1.0, max(0.0, (into - j * half) / half))
            return BreathState("inhale" if j % 2 == 0 else "exhale", j // 2 + 1, of, fraction)
        of = self._breaths_of(step)
        elapsed = self.step_elapsed()
        j = min(int(math.floor((elapsed + EPS) / half)), 2 * of - 1)
        fraction = min(1.0, max(0.0, (elapsed - j * half) / half))
        return BreathState("inhale" if j % 2 == 0 else "exhale", j // 2 + 1, of, fraction)

    def rep(self) -> tuple[int, int] | None:
        """(rep n, of N) during a tempo reps set (alternate: both sides counted)."""
        step = self.step
        if step is None or self.state == "ready" or not _is_tempo_reps(step):
            return None
        tempo = step.exercise.dose.tempo
        assert tempo is not None
        of = _reps_of(step)
        n = int(math.floor((self.step_elapsed() + EPS) / tempo)) + 1
        return (min(max(n, 1), of), of)

    def phase(self) -> PhaseState | None:
        """The current named phase of a rep (``phases:``), None otherwise."""
        step = self.step
        if step is None or self.state == "ready" or not step.exercise.dose.named_phases:
            return None
        at = self._phase_at(step, self.step_elapsed())
        if at is None:
            return None
        ph, j, rep, into = at
        of = len(step.exercise.dose.phases)
        left = max(0.0, ph.seconds(step.exercise.timings.breath) - into)
        return PhaseState(ph.name, j + 1, of, rep + 1, left)

    def _phase_at(self, step: Step, elapsed: float) -> tuple[Phase, int, int, float] | None:
        """(phase, 0-based phase index, 0-based rep, seconds into the phase) at
        ``elapsed`` seconds into a work step of reps that hold."""
        dose = step.exercise.dose
        if not (step.is_work and dose.holds and dose.tempo):
            return None
        breath = step.exercise.timings.breath
        rep = min(int(math.floor((elapsed + EPS) / dose.tempo)), _reps_of(step) - 1)
        into = elapsed - rep * dose.tempo
        for j, ph in enumerate(dose.phases):
            length = ph.seconds(breath)
            if into < length - EPS or j == len(dose.phases) - 1:
                return (ph, j, rep, max(0.0, into))
            into -= length
        return None  # pragma: no cover - the loop returns at the last phase

    def rep_side(self) -> Side | None:
        """The side of the current rep (alternate reps), else the step's side."""
        step = self.step
        r = self.rep()
        if step is None or r is None:
            return step.side if step is not None else None
        return _rep_side(step, r[0] - 1)

    def active_seconds(self) -> float:
        """Running time only (pauses excluded), engine seconds."""
        if self.state == "running":
            return self._active_banked + (self.clock.now() - self._run_from)
        return self._active_banked

    def outcome(self, index: int) -> StepOutcome | None:
        """The latest outcome of step ``index``; None if it has not ended."""
        return self._outcomes.get(index)

    def results(self) -> list[ExerciseResult]:
        """The exact log: one per exercise and side that was reached, in plan
        order, with a :class:`SetResult` per set begun (the set under way
        counts as it stands: partial with its seconds, or done past a range's
        lower bound). Status done when the sets that count the exercise
        (``fewest_sets``) are done, partial when any set is done or partial,
        skipped otherwise."""
        return [r for _ei, r in self._results() if r is not None]

    def summary(self) -> SessionSummary:
        """Exercises counted across their sides: done when every side is done,
        skipped when every side reached was skipped, partial otherwise;
        exercises never reached count in none of the three."""
        by_exercise: dict[int, list[ExerciseResult | None]] = {}
        for ei, r in self._results():
            by_exercise.setdefault(ei, []).append(r)
        done = skipped = partial = 0
        for results in by_exercise.values():
            reached = [r for r in results if r is not None]
            if not reached:
                continue
            if len(reached) == len(results) and all(r.status == "done" for r in reached):
                done += 1
            elif all(r.status == "skipped" for r in reached):
                skipped += 1
            else:
                partial += 1
        status: SessionStatus = self.finish_status or "running"
        return SessionSummary(self.active_seconds(), done, skipped, partial, status)

    def progress_snapshot(self) -> Progress:
        """What :meth:`restore` needs to continue this session later."""
        index = self.index if self.state != "finished" else len(self.plan.steps)
        return Progress(index, tuple(sorted(self._live_sets().items())), self.active_seconds())

    def restore(self, progress: Progress) -> None:
        """Before start: continue a session from ``progress`` (same plan). The
        session starts at the beginning of the step it had reached, with the
        sets it had done and its active time."""
        if self.state != "ready":
            raise ValueError("restore() comes before start()")
        steps = self.plan.steps
        if not 0 <= progress.index < len(steps):
            raise ValueError(f"no step {progress.index} in this routine")
        for i, _rec in progress.sets:
            if not (0 <= i < len(steps) and steps[i].is_work):
                raise ValueError(f"step {i} is not a set of this routine")
        self.index = progress.index
        self._sets = dict(progress.sets)
        self._active_banked = max(0.0, progress.active_s)

    def preview(self, until: float) -> list[Event]:
        """The events a running session will emit up to engine instant ``until``
        if nobody touches a control, in time order, without changing anything.

        The sound path schedules its cues from this ahead of time (each cue at
        its sample position); a control changes the future, so the caller asks
        again after every one. Empty unless running. Sleep detection plays no
        part: the preview assumes the clock runs on as planned.
        """
        if self.state != "running":
            return []
        return self._twin()._advance(until)

    def preview_start(self, at: float, until: float) -> list[Event]:
        """What ``start(at=at)`` and then ticking up to ``until`` will emit, in
        order, without starting anything (empty unless ready)."""
        if self.state != "ready":
            return []
        twin = self._twin()
        return twin.start(at=at) + twin._advance(until)

    def _twin(self) -> Session:
        """A copy to run ahead on: the containers it changes are its own."""
        twin = copy.copy(self)
        twin._outcomes = dict(self._outcomes)
        twin._sets = dict(self._sets)
        return twin

    # ----------------------------------------------------------------- controls

    def start(self, at: float | None = None) -> list[Event]:
        """StepStarted(step 0) and its first breath phase / rep tick.

        ``at``: the engine instant the session starts at (default: now). The
        app starts it on the instant its sound path has the first cue queued
        for, which its timer reaches within a millisecond or so."""
        if self.state != "ready":
            return []
        now = self.clock.now() if at is None else at
        self._last_at = now
        self._started_at = now
        self._run_from = now
        self.state = "running"
        if not self.plan.steps:
            out = self._finish("completed", now)
        else:
            # start_s of step 0 is 0.0: exact; a restored session starts at its step
            self._anchor = now - self.plan.steps[self.index].start_s
            out = self._enter(self.index, now, prev=None)
            out += self._advance(now)  # a plan may start with zero-length work
        self._mark(now, self.clock.wall())
        return self._emitted(out)

    def pause(self) -> list[Event]:
        """Paused(reason="user"); the remaining time is frozen."""
        out, slept = self._sync()
        if slept or self.state != "running":
            return out
        now = self._instant()
        self._pause_at(now)
        out.append(Paused(now, "user"))
        return self._emitted(out)

    def resume(self) -> list[Event]:
        """Resumed; the new deadline is now + the frozen remaining time."""
        if self.state != "paused":
            return []
        now = self._instant()
        shift = now - self._paused_at
        self._anchor += shift
        self._start += shift
        self._run_from = now
        self.state = "running"
        out: list[Event] = [Resumed(now)]
        self._mark(now, self.clock.wall())
        return self._emitted(out)

    def toggle(self) -> list[Event]:
        """ready -> start, running -> pause, paused -> resume."""
        if self.state == "ready":
            return self.start()
        if self.state == "running":
            return self.pause()
        if self.state == "paused":
            return self.resume()
        return []

    def next(self) -> list[Event]:
        """End the current step now ("done" for self-paced reps and for a range
        dose at or past its lower bound, else "skipped") and start the next.
        While paused the session stays paused, at the start of the next step."""
        out, slept = self._sync()
        if slept or self.state not in ("running", "paused"):
            return out
        step = self.step
        assert step is not None
        now = self._instant()
        record = self._attempt(step)
        if record is None and step.is_work:
            record = SetResult(step.set, "skipped", 0.0)  # Next before the set began
        outcome: StepOutcome = record.status if record is not None else "skipped"
        out += self._end(step, outcome, now, record)
        out += self._forward(now, natural=False, to=self._optional_sets_end(step))
        self._mark(now, self.clock.wall())
        return self._emitted(out)

    def skip(self) -> list[Event]:
        """Skip the current step: a work step is logged skipped (a set done in
        an earlier attempt stays done), and the next step starts."""
        out, slept = self._sync()
        if slept or self.state not in ("running", "paused"):
            return out
        step = self.step
        assert step is not None
        now = self._instant()
        record = SetResult(step.set, "skipped", 0.0) if step.is_work else None
        out += self._end(step, "skipped", now, record)
        out += self._forward(now, natural=False, to=self._optional_sets_end(step))
        self._mark(now, self.clock.wall())
        return self._emitted(out)

    def previous(self) -> list[Event]:
        """Restart the current step; within ``previous_window_s`` of its start,
        go back to the previous work step instead (from its beginning)."""
        out, slept = self._sync()
        if slept or self.state not in ("running", "paused"):
            return out
        step = self.step
        assert step is not None
        now = self._instant()
        target = step.index
        if self.step_elapsed() < self.previous_window_s - EPS:
            for s in reversed(self.plan.steps[: step.index]):
                if s.is_work:
                    target = s.index
                    break
        if target != step.index:
            self._outcomes[step.index] = "skipped"
        record = self._attempt(step)  # what this attempt did stays in the log
        if record is not None:
            self._keep(step, record)
        out.append(StepEnded(step, now, "skipped"))
        out += self._jump(target, now)
        self._mark(now, self.clock.wall())
        return self._emitted(out)

    def extend(self, seconds: float = 10.0) -> list[Event]:
        """Add ``seconds`` to the current timed step (no-op when self-paced)."""
        out, slept = self._sync()
        step = self.step
        if (
            slept
            or self.state not in ("running", "paused")
            or step is None
            or step.duration_s is None
            or seconds <= 0
        ):
            return out
        self._extra += seconds
        self._mark(self.clock.now(), self.clock.wall())
        return self._emitted(out)

    def stop(self) -> list[Event]:
        """StepEnded(outcome="partial") (+ SetDone if a work step had progress)
        and SessionFinished("stopped")."""
        out, _slept = self._sync()
        if self.state not in ("running", "paused"):
            return out
        step = self.step
        assert step is not None
        now = self._instant()
        out += self._end(step, "partial", now, self._attempt(step))
        out += self._finish("stopped", now)
        return self._emitted(out)

    def tick(self) -> list[Event]:
        """Every event due up to ``clock.now()``, in time order (or a sleep pause)."""
        out, _slept = self._sync()
        return self._emitted(out)

    # ----------------------------------------------------------------- internals

    def _step_start(self) -> float:
        return self._start

    def _deadline(self) -> float | None:
        step = self.plan.steps[self.index]
        if step.duration_s is None:
            return None
        return (self._anchor + self._extra) + step.end_s

    def _sync(self) -> tuple[list[Event], bool]:
        """Notice a sleep (pause at the previous tick), else catch up to now."""
        now, wall = self.clock.now(), self.clock.wall()
        out: list[Event] = []
        slept = False
        if self.state == "running":
            if self._slept(now, wall):
                at = max(self._last_mono, self._last_at)
                self._pause_at(at)
                out.append(Paused(at, "sleep"))
                slept = True
            else:
                out = self._advance(now)
        self._mark(now, wall)
        return self._emitted(out), slept

    def _instant(self) -> float:
        """The instant a control acts at: now, never before an event already out
        (events are let out up to EPS early, see ``EPS``)."""
        return max(self.clock.now(), self._last_at)

    def _emitted(self, out: list[Event]) -> list[Event]:
        for e in out:
            self._last_at = max(self._last_at, e.at)
        return out

    def _slept(self, now: float, wall: float) -> bool:
        speed = self.clock.speed
        mono_gap = (now - self._last_mono) / speed
        wall_gap = wall - self._last_wall
        if abs(wall_gap - mono_gap) > self.sleep_gap_s:
            return True
        if self.missed_wakeup_s is not None and self._expected_wakeup is not None:
            late = (now - self._expected_wakeup) / speed
            return late > self.missed_wakeup_s
        return False

    def _mark(self, now: float, wall: float) -> None:
        self._last_mono = now
        self._last_wall = wall
        self._expected_wakeup = self.next_wakeup()

    def _advance(self, now: float) -> list[Event]:
        """Emit everything due up to ``now``, crossing boundaries at their
        planned instants."""
        out: list[Event] = []
        while self.state == "running":
            start = self._step_start()
            deadline = self._deadline()
            if deadline is None or deadline > now + EPS:
                out += self._emit_due(now - start)
                break
            step = self.plan.steps[self.index]
            out += self._emit_due(deadline - start)
            ran = SetResult(step.set, "done", deadline - start)
            out += self._end(step, "done", deadline, ran if step.is_work else None)
            out += self._forward(deadline, natural=True)
        return out

    def _pending_events(self) -> list[_Pending]:
        """The current step's events not yet emitted, in order."""
        step = self.plan.steps[self.index]
        return [p for p in self._step_events(step) if p[0] > self._emitted_off]

    def _emit_due(self, until_off: float) -> list[Event]:
        start = self._step_start()
        out: list[Event] = []
        for off, _rank, make in self._pending_events():
            if off > until_off + EPS:
                break
            out.append(make(start + off))
            self._emitted_off = max(self._emitted_off, off)
        self._emitted_off = max(self._emitted_off, until_off)
        return out

    def _step_events(self, step: Step) -> list[_Pending]:
        """Countdown ticks, breath phases and rep ticks of ``step``, relative to
        its start, with the current extension applied."""
        if step.duration_s is None:
            return []
        duration = step.duration_s + self._extra
        events: list[_Pending] = []
        if _is_breath_hold(step):
            half = step.exercise.timings.breath / 2
            of = self._breaths_of(step)
            for j in range(2 * of):
                off = j * half
                if off >= duration - EPS:
                    break
                kind: Literal["inhale", "exhale"] = "inhale" if j % 2 == 0 else "exhale"
                events.append((off, 3, _breath_factory(step, kind, j // 2 + 1, of, half)))
        elif _is_tempo_reps(step):
            dose = step.exercise.dose
            tempo = dose.tempo
            assert tempo is not None
            of = _reps_of(step)
            half = step.exercise.timings.breath / 2
            for i in range(of):
                off = i * tempo
                if off >= duration - EPS:
                    break
                events.append((off, 1, _rep_factory(step, i + 1, of, _rep_side(step, i))))
                for j, ph in enumerate(dose.phases):
                    # the parts of a rep that holds: named phases, breaths guided
                    if off >= duration - EPS:
                        break
                    length = ph.seconds(step.exercise.timings.breath)
                    if ph.name:
                        make = _phase_factory(step, ph, j + 1, len(dose.phases), i + 1, of)
                        events.append((off, 2, make))
                    if ph.kind == "breaths":
                        n = int(ph.high)
                        for k in range(2 * n):
                            boff = off + k * half
                            if boff >= duration - EPS:
                                break
                            phase: Literal["inhale", "exhale"] = (
                                "inhale" if k % 2 == 0 else "exhale"
                            )
                            events.append(
                                (boff, 3, _breath_factory(step, phase, k // 2 + 1, n, half))
                            )
                    off += length
        for n in range(step.exercise.timings.countdown, 0, -1):
            off = duration - n
            if off >= -EPS:
                events.append((max(off, 0.0), 4, _countdown_factory(step, n)))
        events.sort(key=lambda p: (p[0], p[1]))
        return events

    def _breaths_of(self, step: Step) -> int:
        of = int(step.exercise.dose.high)
        if step.duration_s is not None and self._extra > 0 and step.index == self.index:
            breath = step.exercise.timings.breath
            of = max(of, math.ceil((step.duration_s + self._extra) / breath - EPS))
        return of

    def _counts_as_done(self, step: Step) -> bool:
        if not step.is_work:
            return False
        dose = step.exercise.dose
        if dose.self_paced:
            return True
        if step.duration_s is not None and self.step_elapsed() >= step.duration_s - EPS:
            return True  # extended (+10 s) and ended past the planned length
        if not dose.any_range:
            return False
        if dose.kind == "breaths":
            low_s = dose.low * step.exercise.timings.breath
        elif dose.kind == "reps":
            rep_low = dose.rep_low_s
            assert rep_low is not None
            low_s = step.exercise.reps_per_set(dose.low) * rep_low
        else:
            low_s = dose.low
        return self.step_elapsed() >= low_s - EPS

    def _attempt(self, step: Step) -> SetResult | None:
        """The current attempt at work step ``step`` if it ended now: done at or
        past a range's lower bound (and for self-paced reps), partial with the
        seconds done, None before it began (or for other steps)."""
        if not step.is_work:
            return None
        elapsed = self.step_elapsed()
        if self._counts_as_done(step):
            return SetResult(step.set, "done", elapsed)
        if elapsed > EPS:
            return SetResult(step.set, "partial", elapsed)
        return None

    def _keep(self, step: Step, record: SetResult) -> None:
        self._sets[step.index] = better(self._sets.get(step.index), record)

    def _live_sets(self) -> dict[int, SetResult]:
        """The set records with the set under way counted as it stands."""
        sets = dict(self._sets)
        step = self.step
        if step is not None and self.state in ("running", "paused"):
            now = self._attempt(step)
            if now is not None:
                sets[step.index] = better(sets.get(step.index), now)
        return sets

    def _end(
        self, step: Step, outcome: StepOutcome, at: float, record: SetResult | None
    ) -> list[Event]:
        """StepEnded (+ SetDone for a work step done, or cut short with progress);
        ``record``, if any, goes into the log."""
        if record is not None:
            self._keep(step, record)
        progressed = self.step_elapsed() > EPS
        recorded: StepOutcome = outcome
        if outcome == "partial" and not progressed:
            recorded = "skipped"  # stopped before the set began: nothing was done
        self._outcomes[step.index] = recorded
        out: list[Event] = [StepEnded(step, at, outcome)]
        if step.is_work and (outcome == "done" or (outcome == "partial" and progressed)):
            out.append(SetDone(step, at, step.set, step.sets))
        return out

    def _forward(self, at: float, *, natural: bool, to: int | None = None) -> list[Event]:
        """Start the step after the current one (or step ``to``) at ``at`` (or finish)."""
        target = self.index + 1 if to is None else to
        if target >= len(self.plan.steps):
            return self._finish("completed", at)
        if natural:
            self._anchor += self._extra  # the plan's instants, shifted only by extensions
        else:
            self._anchor = at - self.plan.steps[target].start_s
        prev = self.plan.steps[self.index]
        self._extra = 0.0
        # natural: ``at`` is the deadline, (anchor + extra) + end_s, and end_s is
        # exactly the next step's start_s, so this start is on plan to the bit
        return self._enter(target, at, prev=prev)

    def _optional_sets_end(self, step: Step) -> int | None:
        """With ``sets: 3-4``, Next in a set rest once the lower bound of sets is
        done leaves out the optional sets of this side: the index of the step
        after this side's last set. None when Next just goes one step on."""
        ex = step.exercise
        if step.kind != "set_rest" or ex.sets_low is None:
            return None
        group = [
            s
            for s in self.plan.steps
            if s.is_work and s.exercise_index == step.exercise_index and s.side == step.side
        ]
        done = sum(1 for s in group if (r := self._sets.get(s.index)) and r.status == "done")
        if done < ex.fewest_sets:
            return None
        return group[-1].index + 1

    def _jump(self, index: int, at: float) -> list[Event]:
        """Start step ``index`` from its beginning at ``at`` (Previous)."""
        self._anchor = at - self.plan.steps[index].start_s
        self._extra = 0.0
        return self._enter(index, at, prev=None)

    def _enter(self, index: int, start: float, *, prev: Step | None) -> list[Event]:
        """Make ``index`` current, started at ``start``: SideSwitch (if any),
        StepStarted, then the events at its start. While paused, the session
        stays paused there."""
        self.index = index
        self._start = start
        step = self.plan.steps[index]
        if self.state == "paused":
            self._paused_at = start
        out: list[Event] = []
        if step.kind == "switch" and step.side is not None:
            out.append(SideSwitch(step, start, step.side))
        elif (
            prev is not None
            and prev.kind != "switch"
            and prev.exercise_index == step.exercise_index
            and prev.side is not None
            and step.side is not None
            and prev.side != step.side
        ):
            out.append(SideSwitch(step, start, step.side))  # sides change with no switch step
        out.append(StepStarted(step, start))
        self._emitted_off = -math.inf
        out += self._emit_due(0.0)
        return out

    def _pause_at(self, at: float) -> None:
        self._active_banked += max(0.0, at - self._run_from)
        self._paused_at = at
        self.state = "paused"

    def _finish(self, status: Literal["completed", "stopped"], at: float) -> list[Event]:
        if self.state == "running":
            self._active_banked += max(0.0, at - self._run_from)
        self.state = "finished"
        self.finish_status = status
        self._finished_at = at
        self._extra = 0.0
        return [SessionFinished(at, status)]

    def _results(self) -> list[tuple[int, ExerciseResult | None]]:
        """(exercise index, result) per exercise and side of the plan, in plan
        order; the result is None when no set of it was reached."""
        groups: dict[tuple[int, Side | None], list[Step]] = {}
        for s in self.plan.steps:
            if s.is_work:
                groups.setdefault((s.exercise_index, s.side), []).append(s)
        sets = self._live_sets()
        out: list[tuple[int, ExerciseResult | None]] = []
        for (ei, side), work in groups.items():
            records = [sets[s.index] for s in work if s.index in sets]
            if not records:
                out.append((ei, None))
                continue
            done = sum(1 for r in records if r.status == "done")
            status: ExerciseStatus
            if done >= work[0].exercise.fewest_sets:
                status = "done"
            elif any(r.status != "skipped" for r in records):
                status = "partial"
            else:
                status = "skipped"
            name = work[0].exercise.name
            out.append((ei, ExerciseResult(name, side, status, done, tuple(records))))
        return out


def _is_breath_hold(step: Step) -> bool:
    return step.is_work and step.exercise.dose.kind == "breaths"


def _is_tempo_reps(step: Step) -> bool:
    dose = step.exercise.dose
    return step.is_work and dose.kind == "reps" and dose.tempo is not None


def _reps_of(step: Step) -> int:
    return int(step.exercise.reps_per_set())


def _rep_side(step: Step, i: int) -> Side | None:
    """Side of the 0-based rep ``i``: alternate reps go left, right, left..."""
    if step.exercise.alternates_reps:
        return "left" if i % 2 == 0 else "right"
    return step.side


def _breath_factory(
    step: Step, phase: Literal["inhale", "exhale"], breath: int, of: int, half: float
) -> Callable[[float], Event]:
    return lambda at: BreathPhase(step, at, phase, breath, of, half)


def _phase_factory(
    step: Step, ph: Phase, phase: int, of: int, rep: int, reps: int
) -> Callable[[float], Event]:
    seconds = ph.seconds(step.exercise.timings.breath)
    return lambda at: PhaseStarted(step, at, ph.name, phase, of, rep, reps, seconds)


def _rep_factory(step: Step, rep: int, of: int, side: Side | None) -> Callable[[float], Event]:
    return lambda at: RepTick(step, at, rep, of, side)


def _countdown_factory(step: Step, n: int) -> Callable[[float], Event]:
    return lambda at: CountdownTick(step, at, n)
