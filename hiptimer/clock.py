"""Time: a Clock protocol, the real monotonic clock and a fake for tests.

The engine never counts ticks: it reads ``now()`` and compares with
deadlines. ``--speed`` lives here and nowhere else. ``wall()`` lets the
engine notice a machine that slept (monotonic and wall gaps part).
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Monotonic seconds (scaled by the clock's speed)."""
        ...

    def wall(self) -> float:
        """Wall-clock seconds (time.time()), unscaled."""
        ...

    @property
    def speed(self) -> float: ...


class MonotonicClock:
    """time.monotonic(), optionally running ``speed`` times faster."""

    def __init__(self, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._speed = speed
        self._origin = time.monotonic()

    @property
    def speed(self) -> float:
        return self._speed

    def now(self) -> float:
        return (time.monotonic() - self._origin) * self._speed

    def wall(self) -> float:
        return time.time()


class FakeClock:
    """A clock the test moves. ``sleep_machine`` models a laptop suspend on
    Linux/macOS: wall time passes, the monotonic clock does not."""

    def __init__(self, start: float = 1000.0, wall_start: float = 1.7e9, speed: float = 1.0):
        self._now = start
        self._wall = wall_start
        self._speed = speed

    @property
    def speed(self) -> float:
        return self._speed

    def now(self) -> float:
        return self._now

    def wall(self) -> float:
        return self._wall

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a monotonic clock never goes back")
        self._now += seconds
        self._wall += seconds / self._speed

    def sleep_machine(self, seconds: float, monotonic_runs: bool = False) -> None:
        """Suspend for ``seconds`` of wall time (Windows: monotonic runs on too)."""
        self._wall += seconds
        if monotonic_runs:
            self._now += seconds * self._speed
