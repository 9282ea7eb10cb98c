"""SessionController: the Qt side of a running session.

The engine (:class:`hiptimer.engine.Session`) knows what time it is and what
is due; this object only wakes it up. One single-shot ``Qt.PreciseTimer`` is
aimed at ``session.next_wakeup()`` (the next event or the next whole second
of the countdown), converted to real milliseconds by the clock's speed, and
re-armed after every tick and every control. There is no free-running timer:
while paused, or waiting for a self-paced set, nothing wakes up at all.

Listeners (cues, the session recorder) get each batch of events first, then
the ``events_emitted`` / ``state_changed`` / ``finished`` signals fire.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from hiptimer.engine import Session
from hiptimer.events import Event, SessionFinished

log = logging.getLogger(__name__)

Listener = Callable[[list[Event]], None]


class SessionController(QObject):
    events_emitted = Signal(list)  # every batch of engine events, in order
    state_changed = Signal()  # after any control or tick (views compare before repainting)
    finished = Signal(str)  # "completed" | "stopped", once

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._listeners: list[Listener] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._target: float | None = None
        self._finished_sent = False
        self._dispatching = False
        self._deferred: list[Callable[[], None]] = []
        self._starting = False
        #: Asked before a Stop button or key ends a running session; None: no question.
        self.confirm_stop: Callable[[], bool] | None = None

    # ------------------------------------------------------------------ access
    @property
    def session(self) -> Session:
        return self._session

    @property
    def timer(self) -> QTimer:
        """The one wake-up timer (tests read its interval and type)."""
        return self._timer

    @property
    def wakeup_target(self) -> float | None:
        """Engine instant the timer is aimed at; None when not armed."""
        return self._target if self._timer.isActive() else None

    @property
    def starting(self) -> bool:
        """Start was asked for and the session waits for its sound path to be ready:
        the views say "Starting…" and Space does not pause (or start it early)."""
        return self._starting and self._session.state == "ready"

    def begin_start(self) -> None:
        """Start is requested; :meth:`start` follows when the sound path is ready."""
        if self._session.state == "ready" and not self._starting:
            self._starting = True
            self.state_changed.emit()

    def add_listener(self, fn: Listener) -> None:
        """``fn(events)`` is called with every batch, before the signals."""
        self._listeners.append(fn)

    # ---------------------------------------------------------------- controls
    def start(self, at: float | None = None) -> None:
        """Start the session (at engine instant ``at``, default now)."""
        self._starting = False
        self._control(lambda: self._session.start(at))

    def toggle(self) -> None:
        """Space: start, pause or resume; nothing while a requested start waits for
        the sound path (the key meant to start it must not pause it a moment later)."""
        if self.starting:
            return
        self._control(self._session.toggle)

    def pause(self) -> None:
        self._control(self._session.pause)

    def resume(self) -> None:
        self._control(self._session.resume)

    def next(self) -> None:
        self._control(self._session.next)

    def previous(self) -> None:
        self._control(self._session.previous)

    def skip(self) -> None:
        self._control(self._session.skip)

    def extend(self, seconds: float = 10.0) -> None:
        self._control(lambda: self._session.extend(seconds))

    def stop(self) -> None:
        self._control(self._session.stop)

    def request_stop(self) -> None:
        """Stop, after :attr:`confirm_stop` agrees (the Stop button)."""
        if self._session.state not in ("running", "paused"):
            return
        if self.confirm_stop is None or self.confirm_stop():
            self.stop()

    def poll(self) -> None:
        """Ask the engine what is due now (the timer calls this; so can tests)."""
        if self._dispatching:
            self._deferred.append(self.poll)
            return
        self._dispatch(self._session.tick())

    def shutdown(self) -> None:
        """Stop the wake-ups (the window is closing)."""
        self._timer.stop()
        self._target = None

    # --------------------------------------------------------------- internals
    def _control(self, fn: Callable[[], list[Event]]) -> None:
        if self._dispatching:
            # a listener or slot pressed a control: run it after this batch,
            # so every listener sees the batches in order
            self._deferred.append(lambda: self._control(fn))
            return
        self._dispatch(fn())

    def _dispatch(self, events: list[Event]) -> None:
        self._dispatching = True
        try:
            for fn in list(self._listeners):
                try:
                    fn(events)
                except Exception:  # a broken cue or log must not stop the session
                    log.exception("session listener %r failed", fn)
            if events:
                self.events_emitted.emit(events)
            self.state_changed.emit()
            for e in events:
                if isinstance(e, SessionFinished) and not self._finished_sent:
                    self._finished_sent = True
                    self.finished.emit(e.status)
        finally:
            self._dispatching = False
            self._rearm()
        while self._deferred:
            self._deferred.pop(0)()

    def _rearm(self) -> None:
        s = self._session
        target = s.next_wakeup() if s.state == "running" else None
        if target is None:
            self._timer.stop()
            self._target = None
            return
        delay_s = (target - s.clock.now()) / s.clock.speed
        ms = max(0, math.ceil(delay_s * 1000 - 1e-6))
        self._target = target
        self._timer.start(min(ms, 2**31 - 1))

    def _on_timer_timeout(self) -> None:
        self.poll()
