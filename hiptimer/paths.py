"""Per-user locations (platform app data), created on demand."""

from __future__ import annotations

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
