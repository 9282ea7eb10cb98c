"""Per-user locations (platform app data), created on demand, and how a cache
file in them is replaced."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import platformdirs

APP = "HipTimer"


def data_dir(create: bool = True) -> Path:
    """The app data folder; ``create=False`` only names it (for commands that only read)."""
    p = Path(platformdirs.user_data_dir(APP, appauthor=False))
    if create:
        p.mkdir(parents=True, exist_ok=True)
    return p


def user_routines_dir(create: bool = True) -> Path:
    p = data_dir(create) / "routines"
    if create:
        p.mkdir(parents=True, exist_ok=True)
    return p


def default_db_path(create: bool = True) -> Path:
    return data_dir(create) / "hiptimer.sqlite3"


def cache_dir(create: bool = True) -> Path:
    """The user's cache folder for the app (safe to delete at any time)."""
    p = Path(platformdirs.user_cache_dir(APP, appauthor=False))
    if create:
        p.mkdir(parents=True, exist_ok=True)
    return p


def replace_cache_file(path: Path, data: bytes) -> bool:
    """Write ``data`` to a temporary file beside ``path`` and rename it over
    ``path``: a crash mid-write leaves the old file or none, never half of one.
    False when it could not be written (a cache is rebuilt, so no fsync)."""
    tmp_name = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp_name, path)
        tmp_name = None
        return True
    except OSError:
        return False
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
