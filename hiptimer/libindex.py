"""The library's index: what each row of the library shows, saved for the next start. Pure.

The first window shows the routine list from this index, read in one go
(a few ms for 1,000 routines), instead of waiting for the folders to be
scanned and the files parsed. The scan still runs (in the background, after
the first paint) and checks every file against the index by its size and
modification time (nanoseconds); only a file that changed, appeared or went
away is parsed, and only then does the list change on screen.

Like the parse cache it is tied to the code that parses (the app's version and
the parsing modules' size and mtime) and to the library's folders, so an
upgraded app, another ``--routines`` folder or an edited file is never shown
from an old index. A damaged, foreign or oversized file is ignored (the scan
rebuilds it); it is written to a temporary file and renamed over the old one.
Imports nothing heavy: it is read before the window is built.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from hiptimer.plan import Plan
    from hiptimer.routine import Routine

FORMAT = 2
#: An index larger than this is not read (100,000 rows take about 20 MB).
MAX_BYTES = 64 * 1024 * 1024

FileKey = tuple[int, int]  # (size, mtime_ns)


def file_key(path: Path) -> FileKey | None:
    """(size, mtime_ns) of ``path``, or None when it cannot be stat'ed."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_size, st.st_mtime_ns)


def code_stamp() -> list[object]:
    """What a parsed routine depends on besides its file: the parsing code."""
    import hiptimer

    here = Path(__file__).resolve().parent
    stamp: list[object] = [hiptimer.__version__]
    for name in ("loader.py", "routine.py", "durations.py", "library.py", "plan.py", "display.py"):
        try:
            st = (here / name).stat()
            stamp.append([name, st.st_size, st.st_mtime_ns])
        except OSError:
            stamp.append([name, None])
    return stamp


class RowInfo(NamedTuple):
    """What the library shows of a routine that loaded."""

    name: str
    duration: str  # "12:30", "~5:00" when self-paced reps make it an estimate
    exercises: int
    tags: tuple[str, ...] = ()
    description: str = ""


def duration_text(plan: Plan) -> str:
    """Total time, with ``~`` when self-paced reps make it an estimate."""
    return _duration_text(plan.duration_s, plan.has_estimates)


def _duration_text(seconds: float, estimates: bool) -> str:
    from hiptimer.plan import format_clock

    return ("~" if estimates else "") + format_clock(seconds)


def row_info(routine: Routine, plan: Plan | None = None) -> RowInfo:
    """The row of a loaded routine (from its plan when given; its total otherwise,
    the same to the second without making the plan's steps)."""
    from hiptimer.plan import plan_total

    return RowInfo(
        routine.name,
        duration_text(plan) if plan is not None else _duration_text(*plan_total(routine)),
        len(routine.exercises),
        tuple(routine.tags),
        routine.description,
    )


class IndexRow(NamedTuple):
    """One routine file as the index remembers it: its row, or its errors."""

    path: str
    key: FileKey
    bundled: bool
    info: RowInfo | None  # None for a file with errors
    errors: tuple[str, ...] = ()


def row_to_json(r: IndexRow) -> list[object]:
    i = r.info
    info = None if i is None else [i.name, i.duration, i.exercises, list(i.tags), i.description]
    return [r.path, r.key[0], r.key[1], r.bundled, info, list(r.errors)]


def row_from_json(v: object) -> IndexRow:
    if not isinstance(v, list) or len(v) != 6:
        raise ValueError("bad row")
    path, size, mtime, bundled, info, errors = v
    if not (
        isinstance(path, str)
        and isinstance(size, int)
        and isinstance(mtime, int)
        and isinstance(bundled, bool)
        and isinstance(errors, list)
        and all(isinstance(e, str) for e in errors)
    ):
        raise ValueError("bad row")
    row_info_: RowInfo | None = None
    if info is not None:
        if not (isinstance(info, list) and len(info) == 5):
            raise ValueError("bad row")
        name, duration, count, tags, description = info
        if not (
            isinstance(name, str)
            and isinstance(duration, str)
            and isinstance(count, int)
            and isinstance(tags, list)
            and all(isinstance(t, str) for t in tags)
            and isinstance(description, str)
        ):
            raise ValueError("bad row")
        row_info_ = RowInfo(name, duration, count, tuple(tags), description)
    elif not errors:
        raise ValueError("bad row")
    return IndexRow(path, (size, mtime), bundled, row_info_, tuple(errors))


def _roots(roots: Sequence[Path]) -> list[str]:
    return [os.path.abspath(r) for r in roots]


class SavedIndex:
    """An index as read from disk: one JSON row per line, parsed when asked for (the
    first screenful before the first paint, the other 9,700 of 10,000 after it)."""

    def __init__(self, lines: list[bytes]) -> None:
        self._lines = lines

    def __len__(self) -> int:
        return len(self._lines)

    def rows(self, start: int = 0, stop: int | None = None) -> list[IndexRow]:
        """Rows ``start:stop``; the rows up to a damaged line (the scan redoes the rest)."""
        lines = self._lines[start:stop]
        try:  # all at once (half the time of a json.loads per line), when nothing is amiss
            values = json.loads(b"[" + b",".join(lines) + b"]")
            if isinstance(values, list) and len(values) == len(lines):
                return [row_from_json(v) for v in values]
        except (ValueError, RecursionError):  # JSON errors are ValueErrors
            pass
        out: list[IndexRow] = []
        for line in lines:
            try:
                out.append(row_from_json(json.loads(line)))
            except (ValueError, RecursionError):
                break
        return out


def load(path: Path | None, roots: Sequence[Path]) -> SavedIndex | None:
    """The rows saved for exactly these library folders by this code, in scan
    order; None when there is no usable index (missing, damaged, other folders,
    another version)."""
    if path is None:
        return None
    try:
        if os.stat(path).st_size > MAX_BYTES:
            return None
        with open(path, "rb") as f:
            lines = f.read().split(b"\n")
        head = json.loads(lines[0])
        body = [line for line in lines[1:] if line]
        if (
            not isinstance(head, dict)
            or head.get("format") != FORMAT
            or head.get("stamp") != code_stamp()
            or head.get("roots") != _roots(roots)
            or head.get("rows") != len(body)
        ):
            return None
        return SavedIndex(body)
    except (OSError, ValueError, RecursionError):  # JSON errors are ValueErrors
        return None


def save(path: Path | None, roots: Sequence[Path], rows: Sequence[IndexRow]) -> bool:
    """Write the index atomically; False when it could not be written."""
    from hiptimer.paths import replace_cache_file

    if path is None:
        return False
    head = {"format": FORMAT, "stamp": code_stamp(), "roots": _roots(roots), "rows": len(rows)}
    # one row a line (JSON escapes any newline inside a string)
    lines = [json.dumps(head, ensure_ascii=False)]
    lines += [json.dumps(row_to_json(r), ensure_ascii=False, separators=(",", ":")) for r in rows]
    return replace_cache_file(path, ("\n".join(lines) + "\n").encode("utf-8"))


def default_path() -> Path | None:
    """The index in the user's cache folder (None when that folder is unusable)."""
    from hiptimer.paths import cache_dir

    try:
        return cache_dir() / "library-index.json"
    except OSError:
        return None
