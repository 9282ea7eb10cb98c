"""Per-user locations (platform app data), created on demand."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP = "HipTimer"


def data_dir() -> Path:
    p = Path(platformdirs.user_data_dir(APP, appauthor=False))
    p.mkdir(parents=True, exist_ok=True)
    return p


def user_routines_dir() -> Path:
    p = data_dir() / "routines"
    p.mkdir(parents=True, exist_ok=True)
    return p


def default_db_path() -> Path:
    return data_dir() / "hiptimer.sqlite3"
