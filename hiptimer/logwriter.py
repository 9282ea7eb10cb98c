"""Writes to the session log on a thread of their own. Pure, no Qt.

The GUI thread hands jobs over (:meth:`LogWriter.submit`) and never waits on
the disk: a slow disk, or another process holding SQLite's lock for seconds,
delays the log, not the timer (``submit`` takes a lock for microseconds).

* Jobs run in the order given, on one connection opened by the thread.
* A job that fails (a full disk, a lock held too long, a folder gone) stays
  first in line and is tried again every :attr:`LogWriter.retry_s` seconds and
  whenever a new job arrives, so the log catches up when space returns. Only
  the first failure of a run of failures is reported (:meth:`take_errors`).
* A job submitted with a ``key`` replaces a queued, not yet started job with
  the same key (only the latest progress of a session matters), so a long
  outage does not pile up thousands of writes.
* :meth:`close` waits a bounded time for what is queued (a finished session
  is written before the app exits whenever the disk allows).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar


class Closable(Protocol):
    def close(self) -> object: ...


S = TypeVar("S", bound=Closable)
Job = Callable[[S], object]


class LogWriter(Generic[S]):
    """One thread that owns a store (made by ``opener``) and runs jobs on it in order."""

    def __init__(
        self,
        opener: Callable[[], S],
        *,
        retry_s: float = 2.0,
        describe: Callable[[BaseException], str] = str,
        name: str = "hiptimer-log",
    ) -> None:
        self._opener = opener
        self.retry_s = retry_s
        self._describe = describe
        self._cond = threading.Condition()
        self._jobs: deque[tuple[str | None, Job[S]]] = deque()
        self._busy = False  # a job is running right now
        self._closing = False
        self._failing = False  # the first job has failed and waits for its retry
        self._errors: list[str] = []
        self._store: S | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    # ---------------------------------------------------------------- the GUI side

    def submit(self, job: Job[S], key: str | None = None) -> None:
        """Queue ``job(store)``; a queued job with the same ``key`` is replaced in place."""
        with self._cond:
            if self._closing:
                return
            if key is not None:
                for i, (k, _j) in enumerate(self._jobs):
                    if k == key:
                        self._jobs[i] = (key, job)
                        self._cond.notify_all()
                        return
            self._jobs.append((key, job))
            self._cond.notify_all()

    def take_errors(self) -> list[str]:
        """Failures not yet reported (the first of each run of failures), oldest first."""
        with self._cond:
            out, self._errors = self._errors, []
            return out

    @property
    def failing(self) -> bool:
        """The first queued job failed and is waiting to be tried again."""
        with self._cond:
            return self._failing

    @property
    def pending(self) -> int:
        """Jobs not yet written (the one being written included: it stays first until done)."""
        with self._cond:
            return len(self._jobs)

    def flush(self, timeout: float) -> bool:
        """Wait at most ``timeout`` seconds until every queued job is written."""
        end = time.monotonic() + timeout
        with self._cond:
            self._cond.notify_all()  # a failing job: try it now rather than at its retry
            while self._jobs or self._busy:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))
            return True

    def close(self, timeout: float = 3.0) -> bool:
        """Write what is queued (waiting at most ``timeout`` s), then stop the thread.

        Returns False when something could not be written in time.
        """
        done = self.flush(timeout)
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._thread.join(max(0.1, timeout))
        return done

    # ---------------------------------------------------------------- the thread

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._jobs and not self._closing:
                    self._cond.wait()
                if not self._jobs:
                    break
                key, job = self._jobs[0]
                self._busy = True
            ok = self._attempt(job)
            with self._cond:
                self._busy = False
                if ok:
                    if self._jobs and self._jobs[0][1] is job:
                        self._jobs.popleft()
                    self._failing = False
                elif not self._closing:
                    self._failing = True
                    self._cond.wait(self.retry_s)  # a new job or a flush also wakes it
                else:
                    break  # closing and still failing: leave the rest
                self._cond.notify_all()
        store, self._store = self._store, None
        if store is not None:
            try:
                store.close()
            except Exception:  # noqa: BLE001 - closing must not fail the exit
                pass

    def _attempt(self, job: Job[S]) -> bool:
        try:
            if self._store is None:
                self._store = self._opener()
            job(self._store)
        except Exception as e:  # noqa: BLE001 - a failing disk must never end the thread
            with self._cond:
                if not self._failing:
                    self._errors.append(self._describe(e))
            if self._store is not None and _connection_lost(e):
                try:
                    self._store.close()
                finally:
                    self._store = None
            return False
        return True


def _connection_lost(e: BaseException) -> bool:
    text = str(e).lower()
    return "closed database" in text or "disk i/o error" in text
