"""A disk that fills up during a session: the session goes on and ends logged, not 'running'.

Needs a small tmpfs, so root (mount) on Linux; skipped where it cannot be mounted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.xhelpers import session_statuses, wait_until_running

ROUTINE = """\
name: Filling up
defaults: {prep: 1, rest: 1}
exercises:
  - name: One
    hold: 60s
  - name: Two
    hold: 60s
"""


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mnt = tmp_path / "small"
    mnt.mkdir()
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root on Linux")
    r = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)], capture_output=True
    )
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode().strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 65536)
    except OSError:
        pass
    try:
        while True:
            os.write(fd, b"\0" * 512)
    except OSError:
        pass
    finally:
        os.close(fd)
    return filler


def test_the_disk_fills_mid_session_and_the_end_is_still_logged(
    small_disk: Path, tmp_path: Path
) -> None:
    routine = tmp_path / "r.yaml"
    routine.write_text(ROUTINE)
    db = small_disk / "log.sqlite3"
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    args = [str(routine), "--start", "--speed", "15", "--quit-on-finish", "--db", str(db)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "hiptimer", *args, "--audio-backend", "none"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_running(proc, db)
        time.sleep(0.3)  # the writer reserves the log's room right after the first write
        _fill(small_disk)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert session_statuses(db) == ["completed"]
