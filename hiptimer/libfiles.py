"""Where the routine files are: the library's folders and the files in them. Pure.

Kept apart from :mod:`hiptimer.library` (which parses) so that the app's first
window can name its folders without importing the YAML loader.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

ROUTINE_SUFFIXES = (".yaml", ".yml")


def routine_files(folder: Path) -> list[Path]:
    """The routine files directly inside ``folder``, sorted by name.

    Every entry named ``*.yaml``/``*.yml`` (not hidden, not a folder) is listed,
    whatever it is: a symbolic link loop, a FIFO or an unreadable file then
    becomes one located error of its own when loaded, and the rest still loads.
    """
    return [f for f, _link in _routine_entries(folder)]


def _routine_entries(folder: Path) -> list[tuple[Path, bool]]:
    """:func:`routine_files`, each with whether it is a symbolic link."""
    found: list[tuple[str, bool]] = []
    try:
        with os.scandir(folder) as it:
            for entry in it:
                name = entry.name
                if name.startswith(".") or os.path.splitext(name)[1].lower() not in (
                    ROUTINE_SUFFIXES
                ):
                    continue
                try:
                    if entry.is_dir():  # follows links; False for a loop
                        continue
                    link = entry.is_symlink()
                except OSError:
                    link = True  # not known: resolved as a link would be
                found.append((name, link))
    except (OSError, ValueError):
        return []
    found.sort(key=lambda e: (e[0].lower(), e[0]))
    join = Path(folder).joinpath  # a name from the folder: no parsing of the whole path
    return [(join(name), link) for name, link in found]


def is_folder(p: Path) -> bool:
    """``p.is_dir()`` that never raises (a name too long, a NUL, a loop: False)."""
    return os.path.isdir(p)


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given, folders replaced by their routine files; duplicates dropped
    (two names for one file, through links, are one)."""
    out: list[Path] = []
    seen: set[str] = set()
    for p in paths:
        if is_folder(p):
            # the folder resolved once; a file in it that is not a link is the
            # resolved folder plus its name (a realpath costs a system call a folder)
            real = _realpath(p)
            entries = [
                (f, _realpath(f) if link else os.path.join(real, f.name))
                for f, link in _routine_entries(p)
            ]
        else:
            entries = [(p, _realpath(p))]
        for f, key in entries:
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def _realpath(p: Path) -> str:
    try:
        return os.path.realpath(p)
    except (OSError, ValueError):
        return str(p)


def library_paths(extra_dirs: Sequence[Path] = ()) -> list[Path]:
    """The bundled routines, the user's routine folder, then ``extra_dirs``."""
    from hiptimer.paths import user_routines_dir
    from hiptimer.resources import routines_dir

    out = [routines_dir()]
    try:
        out.append(user_routines_dir())
    except OSError:
        pass  # an unwritable app data folder must not hide the bundled routines
    out.extend(extra_dirs)
    return out
