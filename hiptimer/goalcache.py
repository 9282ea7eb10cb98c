"""The weekly goal as the library last showed it, for the next start's first paint. Pure.

The library window shows the week's progress from the session log, which is
opened in the background after the first paint. So that the first paint is
already complete, the progress shown at exit is saved here with what it was
computed from: the log's files (size and modification time of the database
and its write-ahead log), the day, the time zone and the goal. The next start
shows it only if all of these are unchanged, so it is exactly what reading the
log would show; otherwise the progress appears when the log has been read.
A damaged or foreign file is ignored. Imports nothing heavy.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import NamedTuple

FORMAT = 1
MAX_BYTES = 64 * 1024


class GoalState(NamedTuple):
    """What the weekly goal widget shows."""

    text: str
    tooltip: str
    value: int
    maximum: int


def _stat(path: Path) -> list[int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return [st.st_size, st.st_mtime_ns]


def today() -> str:
    """The local date as ISO text (without importing datetime: it is on the way to the
    first paint, and after PySide6's import hook datetime alone takes over 1 ms)."""
    return time.strftime("%Y-%m-%d")


def key(db: Path, day: str, minutes: float, days: int) -> list[object]:
    """What the shown progress depends on, as of ``day`` (ISO, :func:`today`)."""
    wal = db.with_name(db.name + "-wal")
    return [
        str(db),
        _stat(db),
        _stat(wal),
        day,
        list(time.tzname),
        time.timezone,
        float(minutes),
        int(days),
    ]


def load(path: Path | None, current_key: list[object]) -> GoalState | None:
    """The saved state if it was saved under exactly ``current_key``."""
    if path is None:
        return None
    try:
        if os.stat(path).st_size > MAX_BYTES:
            return None
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None
        if data.get("key") != json.loads(json.dumps(current_key)):
            return None
        text, tooltip, value, maximum = data["state"]
        if not (
            isinstance(text, str)
            and isinstance(tooltip, str)
            and isinstance(value, int)
            and isinstance(maximum, int)
        ):
            return None
        return GoalState(text, tooltip, value, maximum)
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None


def save(path: Path | None, current_key: list[object], state: GoalState) -> bool:
    """Write atomically; False when it could not be written."""
    from hiptimer.paths import replace_cache_file

    if path is None:
        return False
    try:
        data = json.dumps({"format": FORMAT, "key": current_key, "state": list(state)})
    except ValueError:
        return False
    return replace_cache_file(path, data.encode("utf-8"))


def default_path() -> Path | None:
    from hiptimer.paths import cache_dir

    try:
        return cache_dir() / "weekly-goal.json"
    except OSError:
        return None
