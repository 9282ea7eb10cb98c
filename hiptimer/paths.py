"""Per-user locations (platform app data), created on demand, and how a cache
file in them is replaced."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

APP = "HipTimer"

#: Where platformdirs follows the XDG Base Directory spec (its Unix class): everywhere
#: but Windows, macOS, iOS and what may be Android (platformdirs decides there).
XDG = (
    sys.platform not in ("win32", "darwin", "ios")
    and not hasattr(sys, "getandroidapilevel")
    and (os.environ.get("ANDROID_DATA"), os.environ.get("ANDROID_ROOT")) != ("/data", "/system")
)


def _xdg_home(variable: str, default: str) -> str:
    """An XDG base folder as platformdirs gives it (its Unix class): ``$variable`` when it
    is an absolute path (the spec ignores a relative one), else ``default`` under the
    home folder (``$HOME`` when it is absolute, else the user's entry in the password
    database).

    Read here rather than by platformdirs on these systems: importing platformdirs took
    2.2 ms on the way to the app's first paint (README, Performance). platformdirs still
    answers where the rules differ, and a test holds the two equal here."""
    value = os.environ.get(variable, "")
    if os.path.isabs(value):
        return value
    home = os.environ.get("HOME", "")
    if not os.path.isabs(home):
        try:
            import pwd

            home = pwd.getpwuid(os.getuid()).pw_dir
        except (ImportError, KeyError):
            home = ""
    if not os.path.isabs(home):
        raise OSError(f"no home folder for {default!r}: set HOME or {variable} to an absolute path")
    return os.path.join(home.rstrip("/") or "/", default)


def user_data_dir() -> str:
    """The user's data folder for the app (``~/.local/share/HipTimer`` on Linux)."""
    if XDG:
        return os.path.join(_xdg_home("XDG_DATA_HOME", ".local/share"), APP)
    import platformdirs

    return platformdirs.user_data_dir(APP, appauthor=False)


def user_cache_dir() -> str:
    """The user's cache folder for the app (``~/.cache/HipTimer`` on Linux)."""
    if XDG:
        return os.path.join(_xdg_home("XDG_CACHE_HOME", ".cache"), APP)
    import platformdirs

    return platformdirs.user_cache_dir(APP, appauthor=False)


def data_dir(create: bool = True) -> Path:
    """The app data folder; ``create=False`` only names it (for commands that only read)."""
    p = Path(user_data_dir())
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
    p = Path(user_cache_dir())
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
