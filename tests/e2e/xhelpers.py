"""What the real-X and real-process tests share: an Xvfb server on a free display,
xdotool against it, the app started with its own data, config and log, and the log's
sessions read from outside the app."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest


def start_xvfb(*args: str) -> tuple[subprocess.Popen[bytes], str]:
    """Xvfb with ``args`` on the display it picks (-displayfd); skips the test if it
    does not start. Returns the server and its display number; the caller stops it."""
    r, w = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(w), *args],
        pass_fds=(w,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(w)
    with os.fdopen(r) as f:
        number = f.readline().strip()
    if not number:
        proc.kill()
        pytest.skip("Xvfb did not start")
    return proc, number


def xdotool(display: str, *args: str, timeout: float = 15) -> str:
    r = subprocess.run(
        ["xdotool", *args],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return r.stdout.strip()


def app_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """This process's environment with the app's data, config and cache folders under
    ``tmp_path`` (and ``extra`` on top)."""
    env = dict(os.environ)
    env.update(
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        **extra,
    )
    return env


def start_app(routine: Path, display: str, tmp_path: Path) -> subprocess.Popen[str]:
    """``python -m hiptimer ROUTINE`` on ``display`` (xcb), silent, its data, config,
    cache and log under ``tmp_path``."""
    env = app_env(tmp_path, DISPLAY=display, QT_QPA_PLATFORM="xcb")
    return subprocess.Popen(
        [
            sys.executable, "-m", "hiptimer", str(routine),
            "--db", str(tmp_path / "log.sqlite3"), "--audio-backend", "none",
        ],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def end_app(proc: subprocess.Popen[str]) -> str:
    """Kill the app if it still runs; returns what it wrote to stderr."""
    if proc.poll() is None:
        proc.kill()
    _out, err = proc.communicate(timeout=10)
    return err


def session_statuses(db: Path) -> list[str]:
    """The status of each session in the log at ``db``, read-only ([] while the log is
    not there or cannot be read yet)."""
    try:
        con = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
        try:
            return [r[0] for r in con.execute("SELECT status FROM sessions")]
        finally:
            con.close()
    except sqlite3.Error:
        return []


def wait_until_running(proc: subprocess.Popen[str], db: Path, limit_s: float = 30) -> None:
    """Wait until the app ``proc`` has begun its one session and logged it (running);
    fails with its stderr if it ends first."""
    deadline = time.monotonic() + limit_s
    while session_statuses(db) != ["running"]:
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline, "the session never started"
        time.sleep(0.05)
