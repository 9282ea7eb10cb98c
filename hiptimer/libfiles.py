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
    found: list[Path] = []
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
                except OSError:
                    pass
                found.append(Path(entry.path))
    except (OSError, ValueError):
        return []
    return sorted(found, key=lambda p: (p.name.lower(), p.name))


def is_folder(p: Path) -> bool:
    """``p.is_dir()`` that never raises (a name too long, a NUL, a loop: False)."""
    return os.path.isdir(p)


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given, folders replaced by their routine files; duplicates dropped."""
    out: list[Path] = []
    seen: set[str] = set()
    for p in paths:
        files = routine_files(p) if is_folder(p) else [p]
        for f in files:
            try:
                key = os.path.realpath(f)
            except (OSError, ValueError):
                key = str(f)
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


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
