"""SIGINT, SIGTERM and SIGHUP end the app the way closing its window does.

Python runs a signal handler only between bytecodes, and while Qt's event
loop waits in C++ no bytecode runs, so Ctrl+C used to do nothing until the
next timer, then raise KeyboardInterrupt with a traceback out of a slot.
Here the signal only writes its number to a pipe (``signal.set_wakeup_fd``)
that a ``QSocketNotifier`` watches; the notifier wakes the event loop at once
and :attr:`SignalWatcher.received` is emitted on the GUI thread, where the
app can stop the session (logging it as stopped) and close normally.
"""

from __future__ import annotations

import os
import signal
from types import FrameType

from PySide6.QtCore import QObject, QSocketNotifier, Signal

#: The signals that end the app (SIGHUP: the terminal went away).
STOP_SIGNALS: tuple[signal.Signals, ...] = tuple(
    s for s in (getattr(signal, n, None) for n in ("SIGINT", "SIGTERM", "SIGHUP")) if s is not None
)


class SignalWatcher(QObject):
    """Turns STOP_SIGNALS into a Qt signal on the GUI thread. Create it on the main thread."""

    received = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # a pipe, not socket.socketpair(): importing socket (its enums) costs ~2 ms on the
        # way to the first paint, and set_wakeup_fd takes any non-blocking fd on POSIX
        self._reader, self._writer = os.pipe()
        os.set_blocking(self._reader, False)
        os.set_blocking(self._writer, False)
        self._old_fd = signal.set_wakeup_fd(self._writer, warn_on_full_buffer=False)
        self._old: dict[signal.Signals, object] = {}
        for s in STOP_SIGNALS:
            self._old[s] = signal.signal(s, self._on_signal)
        self._notifier = QSocketNotifier(self._reader, QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_notifier_activated)

    @staticmethod
    def _on_signal(_signum: int, _frame: FrameType | None) -> None:
        """Nothing to do here: the wake-up fd already carries the signal number."""

    def _on_notifier_activated(self) -> None:
        try:
            data = os.read(self._reader, 64)
        except OSError:
            return
        for signum in data:
            self.received.emit(int(signum))

    def close(self) -> None:
        """Give the signals back to whoever had them before."""
        self._notifier.setEnabled(False)
        signal.set_wakeup_fd(self._old_fd)
        for s, old in self._old.items():
            signal.signal(s, old)  # type: ignore[arg-type]
        os.close(self._reader)
        os.close(self._writer)


def signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"
