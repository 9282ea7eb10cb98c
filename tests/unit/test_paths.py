"""The per-user folders: on XDG systems read from the environment by hiptimer.paths,
and the same folders platformdirs names (it still answers on Windows and macOS)."""

from __future__ import annotations

import os
import sys

import platformdirs
import pytest

from hiptimer import paths

pytestmark = pytest.mark.skipif(not paths.XDG, reason="the XDG rules are read on Linux and BSD")

HOME = "/home/someone"
UNSET = None

#: (HOME, XDG_DATA_HOME, XDG_CACHE_HOME): every way a desktop, a service or a shell
#: leaves them, the spec's "relative: ignore it" and "empty: the default" included.
CASES = [
    (HOME, UNSET, UNSET),
    (HOME, "/data/xdg", "/cache/xdg"),
    (HOME, "/data/xdg/", "/cache/xdg/"),
    (HOME, "", ""),
    (HOME, "relative/data", "relative/cache"),
    (HOME, "~/data", "~/cache"),
    (HOME + "/", UNSET, UNSET),
    ("/", UNSET, UNSET),
    ("relative-home", UNSET, UNSET),
    ("", UNSET, UNSET),
    (UNSET, UNSET, UNSET),
    (UNSET, "/data/xdg", UNSET),
]


def _set(monkeypatch: pytest.MonkeyPatch, name: str, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv(name, raising=False)
    else:
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize(("home", "data", "cache"), CASES)
def test_the_folders_are_the_ones_platformdirs_names(
    monkeypatch: pytest.MonkeyPatch, home: str | None, data: str | None, cache: str | None
) -> None:
    _set(monkeypatch, "HOME", home)
    _set(monkeypatch, "XDG_DATA_HOME", data)
    _set(monkeypatch, "XDG_CACHE_HOME", cache)
    expected_data = platformdirs.user_data_dir(paths.APP, appauthor=False)
    expected_cache = platformdirs.user_cache_dir(paths.APP, appauthor=False)
    assert paths.user_data_dir() == expected_data
    assert paths.user_cache_dir() == expected_cache
    assert paths.data_dir(create=False) == paths.Path(expected_data)
    assert paths.cache_dir(create=False) == paths.Path(expected_cache)


def test_a_relative_home_falls_back_to_the_users_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    pwd = pytest.importorskip("pwd")
    monkeypatch.setenv("HOME", "not/absolute")
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    entry = pwd.getpwuid(os.getuid()).pw_dir
    assert paths.user_data_dir() == os.path.join(entry, ".local/share", "HipTimer")


def test_no_home_at_all_is_an_oserror_that_names_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    import pwd

    def no_entry(uid: int) -> object:
        raise KeyError(uid)

    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    with pytest.raises(OSError, match="XDG_CACHE_HOME"):
        paths.user_cache_dir()
    # an absolute XDG folder needs no home
    monkeypatch.setenv("XDG_CACHE_HOME", "/cache/xdg")
    assert paths.user_cache_dir() == "/cache/xdg/HipTimer"


def test_importing_the_paths_does_not_import_platformdirs() -> None:
    """The point of reading the folders here: platformdirs' import (2.2 ms) is off the
    way to the first paint. A fresh interpreter, as the app starts."""
    import subprocess

    code = (
        "import sys, hiptimer.paths as p; p.data_dir(create=False); p.cache_dir(create=False);"
        " print('platformdirs' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"
