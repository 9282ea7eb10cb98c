"""Where the bundled routines and assets are, installed or in a source checkout."""

from __future__ import annotations

import functools
from pathlib import Path

#: The desktop entry's id: its file names, the icon's name and Wayland's app_id.
APP_ID = "io.github.hiptimer.HipTimer"


@functools.cache
def _package_dir(package: str, fallback: str) -> Path:
    # Asked for every routine file read (the bundled catalogue's path) and every picture
    # shown: kept for the process, as the code's own folder does not move under it.
    # In a source checkout the folders beside hiptimer/ are the ones that belong to this
    # code, even when an editable install of another checkout maps the package elsewhere.
    # Installed, they are folders inside the package (the wheel's hiptimer.routines and
    # hiptimer.assets): found without importlib.resources, whose import (1.4 ms, after
    # PySide6's import hook) would be on the way to the first paint.
    here = Path(__file__).resolve().parent
    checkout = here.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / fallback).is_dir():
        return checkout / fallback
    inside = here / package.rpartition(".")[2]
    if inside.is_dir():
        return inside
    from importlib import resources  # a zipped or otherwise unusual install

    try:
        p = Path(str(resources.files(package)))
        if p.is_dir():
            return p
    except ModuleNotFoundError:
        pass
    return checkout / fallback


def routines_dir() -> Path:
    """The bundled routines folder."""
    return _package_dir("hiptimer.routines", "routines")


def assets_dir() -> Path:
    return _package_dir("hiptimer.assets", "assets")


def sounds_dir() -> Path:
    return assets_dir() / "sounds"
