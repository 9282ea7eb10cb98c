"""Where the bundled routines and assets are, installed or in a source checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _package_dir(package: str, fallback: str) -> Path:
    try:
        p = Path(str(resources.files(package)))
        if p.is_dir():
            return p
    except ModuleNotFoundError:
        pass
    # Source checkout run without installing: the folders sit beside hiptimer/.
    return Path(__file__).resolve().parent.parent / fallback


def routines_dir() -> Path:
    """The bundled routines folder."""
    return _package_dir("hiptimer.routines", "routines")


def assets_dir() -> Path:
    return _package_dir("hiptimer.assets", "assets")


def sounds_dir() -> Path:
    return assets_dir() / "sounds"
