"""The routine library: scan files and folders, never stopped by a bad file."""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from hiptimer.libfiles import ROUTINE_SUFFIXES as ROUTINE_SUFFIXES
from hiptimer.libfiles import expand as expand
from hiptimer.libfiles import is_folder as is_folder
from hiptimer.libfiles import library_paths as library_paths
from hiptimer.libfiles import routine_files as routine_files
from hiptimer.loader import RoutineError, RoutineErrors, load_routine
from hiptimer.plan import plan_size
from hiptimer.routine import Routine

if TYPE_CHECKING:
    from hiptimer.libindex import FileKey, IndexRow, RowInfo
    from hiptimer.parsecache import ParseCache
    from hiptimer.plan import Plan


@dataclass(frozen=True)
class LibraryEntry:
    """One routine file: loaded (``routine``) or broken (``errors``)."""

    path: Path
    routine: Routine | None
    errors: list[RoutineError] = field(default_factory=list)
    duration: float | None = None  # estimated seconds (plan duration), None if broken

    @property
    def ok(self) -> bool:
        return self.routine is not None and not self.errors

    @property
    def name(self) -> str:
        """The routine's name, or the file name for a broken file."""
        return self.routine.name if self.routine is not None else self.path.stem

    @property
    def duration_s(self) -> float | None:
        """Estimated seconds (self-paced reps at 3 s a rep); None for a broken file."""
        if self.duration is not None or self.routine is None:
            return self.duration
        return plan_size(self.routine)[1]

    @property
    def exercise_count(self) -> int | None:
        return len(self.routine.exercises) if self.routine is not None else None

    @property
    def first_error(self) -> str | None:
        return str(self.errors[0]) if self.errors else None


def load_entry(path: Path, *, with_duration: bool = True) -> LibraryEntry:
    """Load one file into an entry; never raises for any file content.

    ``with_duration=False`` skips compiling the plan (validation only).
    """
    try:
        routine = load_routine(path)
        duration = plan_size(routine)[1] if with_duration else None
    except RoutineErrors as e:
        return LibraryEntry(path, None, e.errors)
    except Exception as e:  # a bug must not hide the rest of the library
        msg = f"internal error while reading this file: {type(e).__name__}: {e}"
        return LibraryEntry(path, None, [RoutineError(path, 1, 1, msg)])
    return LibraryEntry(path, routine, [], duration)


def entry_row(
    entry: LibraryEntry, *, with_plan: bool = True
) -> tuple[RowInfo | None, tuple[str, ...], Plan | None]:
    """What the library's row shows of a loaded file: its info (None when the file
    has errors, or its plan cannot be compiled), its errors, and its plan.
    ``with_plan=False``: no plan is made (the row's total is the plan's all the same)."""
    from hiptimer.libindex import row_info
    from hiptimer.plan import compile_plan

    errors = tuple(str(e) for e in entry.errors)
    if entry.routine is None or errors:
        return None, errors, None
    if not with_plan:
        return row_info(entry.routine), errors, None
    try:
        plan = compile_plan(entry.routine)
        return row_info(entry.routine, plan), errors, plan
    except Exception:  # the routine's page compiles it again and shows why
        return None, errors, None


def read_rows(files: Sequence[tuple[str, FileKey, bool]]) -> list[IndexRow]:
    """The library rows of ``(path, (size, mtime_ns), bundled)`` files, in order: the
    work of one process of a many-file scan (rows, unlike routines, are small to
    send back), without making the routines' plans."""
    from hiptimer.libindex import IndexRow

    rows: list[IndexRow] = []
    for path, key, bundled in files:
        entry = load_entry(Path(path), with_duration=False)
        info, errors, _plan = entry_row(entry, with_plan=False)
        rows.append(IndexRow(path, key, bundled, info, errors))
    return rows


def scan(paths: Sequence[Path]) -> list[LibraryEntry]:
    """Load every routine file among ``paths`` (files, or folders scanned one level)."""
    return [load_entry(f) for f in expand(paths)]


class RoutineNotFound(LookupError):
    """A ROUTINE argument that is neither a file nor a routine in the library."""


def _looks_like_path(arg: str) -> bool:
    return os.sep in arg or (os.altsep is not None and os.altsep in arg)


def free_name(name: str, taken: Iterable[str]) -> str:
    """``name``, or ``name 2``, ``name 3``... : the first that is not in ``taken``
    (compared case-insensitively, as a routine's name is looked up)."""
    used = {t.casefold() for t in taken}
    candidate, n = name, 2
    while candidate.casefold() in used:
        candidate, n = f"{name} {n}", n + 1
    return candidate


def routine_names(files: Sequence[Path], roots: Sequence[Path]) -> list[tuple[Path, str | None]]:
    """Each file's routine name (None for a file with errors), in order: from the
    library's index for a file unchanged since the app's last scan of exactly
    ``roots``, else read from the file. Naming a routine in a library of 10,000 files
    read every one of them (about 3 s); the index answers for the files the app has
    seen."""
    from hiptimer import libindex

    known: dict[str, tuple[FileKey, str | None]] = {}
    saved = libindex.load(libindex.default_path(), roots)
    if saved is not None:
        for row in saved.rows():
            known[row.path] = (row.key, row.info.name if row.info is not None else None)
    out: list[tuple[Path, str | None]] = []
    for f in files:
        hit = known.get(str(f))
        if hit is not None and hit[0] == libindex.file_key(f):
            out.append((f, hit[1]))
            continue
        entry = load_entry(f, with_duration=False)
        out.append((f, entry.routine.name if entry.routine is not None else None))
    return out


def _named(names: Iterable[tuple[Path, str | None]], want: str) -> list[Path]:
    """The files among ``names`` whose routine's name, casefolded, is ``want`` (the
    loader strips names)."""
    return [path for path, name in names if name is not None and name.casefold() == want]


def routines_named(name: str, extra_dirs: Sequence[Path] = ()) -> list[Path]:
    """The library's routine files (bundled, the user's folder, ``extra_dirs``) whose
    routine has this name, case-insensitively, in the library's order."""
    roots = library_paths(extra_dirs)
    return _named(routine_names(expand(roots), roots), name.strip().casefold())


def is_bundled(path: Path) -> bool:
    """A routine file that came with the app (it is in the bundled routines' folder)."""
    from hiptimer.resources import routines_dir

    try:
        return path.resolve().is_relative_to(routines_dir().resolve())
    except OSError:
        return False


def resolve_routine(
    arg: Path, extra_dirs: Sequence[Path] = (), *, note: Callable[[str], object] | None = None
) -> Path:
    """The routine file a command-line ROUTINE names: an existing path as given;
    otherwise the library routine (bundled, the user's folder, ``extra_dirs``)
    whose file stem or routine name matches, case-insensitively (``desk-break``,
    ``"Desk break"``). A stem match wins over a name match, and the user's folder
    over the bundled routines. A path with a folder in it is returned as given,
    so its own "cannot read the file" error still names it.

    When a name is shared by more than one of the user's routines, the last one in
    the library's order is taken and ``note`` is told which, and how to name another
    (a bundled routine of that name is not mentioned: the user's copy is meant to
    shadow it).

    Raises :class:`RoutineNotFound` with the close matches (did you mean) when
    nothing matches."""
    text = str(arg)
    if os.path.lexists(arg) or _looks_like_path(text):
        return arg
    want = text.casefold()
    stem = os.path.splitext(text)[0].casefold() if arg.suffix.lower() in ROUTINE_SUFFIXES else want
    roots = library_paths(extra_dirs)
    files = expand(roots)
    for f in reversed(files):  # later roots (the user's) shadow the bundled ones
        if f.stem.casefold() == stem:
            return f
    names = routine_names(files, roots)
    named = _named(names, want)
    if named:
        chosen = named[-1]
        others = [p for p in named[:-1] if not is_bundled(p)]
        if others and note is not None:
            note(
                f"{len(others) + 1} routines are named {text!r}; opening {chosen}"
                f" (also: {', '.join(str(p) for p in others)}). Give a file's name to open"
                f" another, e.g. {others[0].stem!r}"
            )
        return chosen
    labels: dict[str, str] = {}
    for path, name in names:
        labels.setdefault(path.stem.casefold(), path.stem)
        if name is not None:
            labels.setdefault(name.casefold(), name)
    close = difflib.get_close_matches(want, list(labels), n=4, cutoff=0.6)
    msg = f"{text}: no such file, and no routine in the library has that name or file name"
    if close:
        msg += "; did you mean: " + ", ".join(repr(labels[c]) for c in close) + "?"
    else:
        msg += " (hiptimer list shows them)"
    raise RoutineNotFound(msg)


def load_cached(path: Path, key: tuple[int, int] | None, cache: ParseCache | None) -> LibraryEntry:
    """:func:`load_entry`, or the cache's entry while the file's ``key`` (size,
    mtime) is unchanged (a parse fills the cache; the caller saves it)."""
    entry = cache.get(path, key) if cache is not None else None
    if entry is None:
        entry = load_entry(path)
        if cache is not None:
            cache.put(path, key, entry)
    return entry


def scan_batches(
    paths: Sequence[Path], cache: ParseCache | None = None, batch: int = 100
) -> Iterator[list[LibraryEntry]]:
    """:func:`scan` in batches of up to ``batch`` entries, in the same order,
    reusing ``cache`` for files unchanged since they were parsed (and filling
    it with the rest; the caller saves it)."""
    from hiptimer.parsecache import file_key

    out: list[LibraryEntry] = []
    seen: set[str] = set()
    for f in expand(paths):
        entry = load_cached(f, file_key(f) if cache is not None else None, cache)
        seen.add(str(f))
        out.append(entry)
        if len(out) >= batch:
            yield out
            out = []
    if out:
        yield out
    if cache is not None:
        cache.keep_only(seen)
