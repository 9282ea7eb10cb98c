"""A session's assembly, without Qt: the engine, the log and the listeners.

The window (``hiptimer.qt.app.MainWindow``) only shows it: it builds a
:class:`SessionRun`, hands its :meth:`SessionRun.handle` to the Qt
controller, adds the cue and voice listeners, and calls
:meth:`SessionRun.checkpoint` every few seconds so a crash loses at most
those seconds of active time.

Resuming after a crash: :func:`find_resumable` names the newest interrupted
session of the last hours that saved its progress, :func:`load_for_resume`
reads its routine again (refusing a file that changed since, whose steps may
no longer line up), and a SessionRun built with it continues the same log
row from the step it had reached.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from hiptimer.clock import Clock
from hiptimer.display import describe_step, headline
from hiptimer.engine import Session, SessionSummary
from hiptimer.events import Event
from hiptimer.plan import Plan, compile_plan
from hiptimer.results import ExerciseResult
from hiptimer.routine import Routine
from hiptimer.store import ResumeCandidate, SessionRecorder, Store, StoreError

Listener = Callable[[Sequence[Event]], None]

#: Sessions interrupted within this many hours are offered for resuming (a setting).
RESUME_WINDOW_H = 12.0

#: Seconds between checkpoints of a running session (the most a crash can lose).
CHECKPOINT_S = 4.0


class SessionRun:
    """One routine being run: the engine :class:`Session`, its
    :class:`SessionRecorder`, and listeners that get every batch of events
    after the log has written it. ``on_begun(session_id)``: the session's row
    exists (called on the log's thread; see :class:`SessionRecorder`)."""

    def __init__(
        self,
        routine: Routine,
        plan: Plan,
        clock: Clock,
        *,
        store: Store | None,
        speed: float,
        on_error: Callable[[str], None],
        missed_wakeup_s: float | None = None,
        resume: ResumeCandidate | None = None,
        on_begun: Callable[[int], None] | None = None,
    ) -> None:
        self.routine = routine
        self.plan = plan
        self.session = Session(plan, clock, missed_wakeup_s=missed_wakeup_s)
        session_id: int | None = None
        if resume is not None:
            if store is None:
                raise StoreError("no session log to resume from")
            self.session.restore(resume.progress)
            store.reopen_session(resume.session_id)
            session_id = resume.session_id
        self.recorder = SessionRecorder(
            store,
            routine,
            self.session,
            speed=speed,
            on_error=on_error,
            session_id=session_id,
            on_begun=on_begun,
        )
        self._listeners: list[Listener] = []

    def add_listener(self, fn: Listener) -> None:
        """``fn(events)`` gets every batch, after the log."""
        self._listeners.append(fn)

    def handle(self, events: Sequence[Event]) -> None:
        """The controller's listener: the log first, then the others."""
        self.recorder.handle(events)
        for fn in list(self._listeners):
            fn(events)

    def checkpoint(self) -> None:
        """Save the active time and where the session is (a no-op when nothing changed)."""
        self.recorder.checkpoint()

    @property
    def session_id(self) -> int | None:
        return self.recorder.last_session_id

    @property
    def active(self) -> bool:
        """Running or paused: quitting now would end it."""
        return self.session.state in ("running", "paused")

    def results(self) -> list[ExerciseResult]:
        return self.session.results()

    def summary(self) -> SessionSummary:
        return self.session.summary()

    def headline(self) -> str:
        """ "Session complete" only when every exercise was done."""
        return headline(self.summary(), len(self.routine.exercises))


def find_resumable(
    store: Store,
    *,
    window_h: float = RESUME_WINDOW_H,
    routine_path: Path | None = None,
    now: datetime | None = None,
) -> ResumeCandidate | None:
    """The newest interrupted session started within ``window_h`` hours that
    can be resumed (of ``routine_path`` when given)."""
    now = now or datetime.now().astimezone()
    path = Path(os.path.abspath(routine_path)) if routine_path is not None else None
    return store.resumable(since=now - timedelta(hours=window_h), routine_path=path)


@dataclass(frozen=True)
class Resumable:
    """An interrupted session ready to continue: its routine, plan and progress."""

    candidate: ResumeCandidate
    routine: Routine
    plan: Plan

    def where(self) -> str:
        """Where it stopped, in words: ``Knee to chest, set 2 of 3, 20s``."""
        steps = self.plan.steps
        step = steps[self.candidate.progress.index]
        if not step.is_work:
            upcoming = self.plan.next_work(step.index)
            step = upcoming if upcoming is not None else step
        return describe_step(step)


def load_for_resume(candidate: ResumeCandidate) -> Resumable | str:
    """Read the routine of ``candidate`` again; a message instead when it is gone,
    broken, or changed since the session ran (its steps may not line up)."""
    from hiptimer import loader

    path = candidate.routine_path
    try:
        routine = loader.load_routine(path)
    except loader.RoutineErrors as e:
        return f"{path} cannot be read now, so the session cannot be resumed: {e.errors[0]}"
    except OSError as e:
        return f"{path} cannot be read now, so the session cannot be resumed: {e}"
    if candidate.routine_hash and routine.content_hash != candidate.routine_hash:
        return f"{path} changed since the session ran, so it cannot be resumed where it stopped"
    plan = compile_plan(routine)
    if not 0 <= candidate.progress.index < len(plan.steps):
        return f"{path} no longer has the step the session stopped at"
    return Resumable(candidate, routine, plan)
