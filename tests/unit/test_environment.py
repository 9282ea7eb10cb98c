"""A bad environment gets a sentence and a documented exit status, never a traceback.

The CLI runs in a child process here (the way a person meets it). Folders that cannot be
written are made so that root (CI) cannot write them either: a path through a file, and,
where this runs as root, a read-only or full tmpfs mounted for the test.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hiptimer import environment
from hiptimer.environment import (
    EXIT_CANNOT_WRITE,
    EXIT_CODES,
    EXIT_NO_DISPLAY,
    check_writable,
    describe_os_error,
    display_problem,
)
from hiptimer.resources import routines_dir

ROOT = Path(__file__).resolve().parents[2]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def run_cli(
    *args: str, env: dict[str, str] | None = None, **kw: object
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "QT_QPA"))}
    base["PYTHONPATH"] = str(ROOT) + os.pathsep + base.get("PYTHONPATH", "")
    base.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "hiptimer", *args],
        capture_output=True,
        text=True,
        errors="replace",
        env={k: v for k, v in base.items() if v is not None},
        timeout=120,
        cwd=str(ROOT),
        **kw,  # type: ignore[arg-type]
    )


def no_traceback(r: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in r.stderr + r.stdout, r.stderr
    assert r.returncode >= 0, f"killed by signal {-r.returncode}: {r.stderr}"


@pytest.fixture
def blocked_home(tmp_path: Path) -> Path:
    """A HOME nothing can be created in, not even by root: it runs through a file."""
    f = tmp_path / "a-file"
    f.write_text("not a folder\n")
    return f / "home"


def _mount_tmpfs(target: Path, options: str) -> Iterator[Path]:
    if not IS_ROOT or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    target.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)])
    if r.returncode != 0:
        pytest.skip("this machine does not let the test mount a tmpfs")
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A real file system with no room left (root only)."""
    for mnt in _mount_tmpfs(tmp_path / "full", "size=64k"):
        fd = os.open(mnt / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError:
            pass
        finally:
            os.close(fd)
        yield mnt


# ------------------------------------------------------------------ the documented statuses


def test_exit_codes_are_documented() -> None:
    text = (ROOT / "docs" / "exit-codes.md").read_text(encoding="utf-8")
    documented = {int(m) for m in re.findall(r"^\| (\d) \|", text, flags=re.M)}
    assert documented == set(EXIT_CODES)


# ------------------------------------------------------------------ display


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({}, "neither DISPLAY nor WAYLAND_DISPLAY"),
        ({"DISPLAY": ":987"}, "cannot be reached"),
        ({"WAYLAND_DISPLAY": "wayland-0"}, None),
        ({"QT_QPA_PLATFORM": "offscreen"}, None),
        ({"DISPLAY": "otherhost:0"}, None),  # remote displays are left to Qt
    ],
)
def test_display_problem(env: dict[str, str], problem: str | None) -> None:
    found = display_problem(env)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


PROC_LIST = """\
Num       RefCount Protocol Flags    Type St Inode Path
0000000058a24e13: 00000002 00000000 00010000 0001 01 787746 /run/user/1000/bus
0000000049ad7a6c: 00000002 00000000 00000000 0001 03 767683 /tmp/.X11-unix/X7
000000006a1da43b: 00000002 00000000 00010000 0001 01 767682 @/tmp/.X11-unix/X5
00000000e7679a5a: 00000003 00000000 00000000 0001 03  1056
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland are Linux's")
def test_a_listed_x_server_is_not_connected_to(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A connection that says nothing holds the X server up (20 ms under Xvfb) just
    before the app's own: a server the kernel lists as listening is taken as is."""
    import socket

    listing = tmp_path / "unix"
    listing.write_text(PROC_LIST, encoding="ascii")
    monkeypatch.setattr(environment, "PROC_NET_UNIX", str(listing))
    tried: list[object] = []

    class NoConnect(socket.socket):
        def connect(self, address: object) -> None:
            tried.append(address)
            raise OSError("refused")

    monkeypatch.setattr(socket, "socket", NoConnect)
    assert display_problem({"DISPLAY": ":5"}) is None  # listening, abstract address
    assert display_problem({"DISPLAY": ":5.1"}) is None
    assert tried == []
    # listed but not listening (a connected end), or not listed: tried, and refused
    problem = display_problem({"DISPLAY": ":7"})
    assert problem is not None and "cannot be reached" in problem
    assert "\0/tmp/.X11-unix/X7" in tried and "/tmp/.X11-unix/X7" in tried
    # no list to read (no /proc, or another namespace's): tried too
    monkeypatch.setattr(environment, "PROC_NET_UNIX", str(tmp_path / "missing"))
    tried.clear()
    assert display_problem({"DISPLAY": ":5"}) is not None
    assert len(tried) == 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland are Linux's")
@pytest.mark.parametrize("display", [None, ":987"])
def test_no_display_is_a_sentence_and_status_3_not_a_core_dump(display: str | None) -> None:
    r = run_cli(
        env={"DISPLAY": display, "WAYLAND_DISPLAY": None, "QT_QPA_PLATFORM": None}  # type: ignore[dict-item]
    )
    no_traceback(r)
    assert r.returncode == EXIT_NO_DISPLAY
    assert r.stderr.startswith("hiptimer: no display")
    assert "QT_QPA_PLATFORM=offscreen" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


# ------------------------------------------------------------------ folders


def test_check_writable_says_why(tmp_path: Path, blocked_home: Path) -> None:
    assert check_writable(tmp_path / "new" / "folder") is None
    assert (tmp_path / "new" / "folder").is_dir()
    problem = check_writable(blocked_home / "data")
    assert problem is not None and "not a folder" in problem
    # without creating: judged by the folder above that exists
    assert check_writable(tmp_path / "later", create=False) is None
    assert not (tmp_path / "later").exists()
    later = check_writable(blocked_home / "data", create=False)
    assert later is not None and "is not a folder" in later


def test_a_full_disk_is_said_in_words(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def full(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(environment.os, "fsync", full)
    problem = check_writable(tmp_path)
    assert problem == f"cannot write in {tmp_path}: the disk is full"
    assert describe_os_error(OSError(errno.EROFS, "x"), "save") == (
        "cannot save: the file system is read-only"
    )


def test_a_really_full_disk(full_disk: Path) -> None:
    problem = check_writable(full_disk)
    assert problem is not None and "the disk is full" in problem
    r = run_cli("install-desktop", env={"XDG_DATA_HOME": str(full_disk)})
    no_traceback(r)
    assert r.returncode == EXIT_CANNOT_WRITE
    assert "the disk is full" in r.stderr and "still runs" in r.stderr


def test_history_with_a_home_that_cannot_be_written(blocked_home: Path) -> None:
    env = {"HOME": str(blocked_home), "XDG_DATA_HOME": None, "XDG_CONFIG_HOME": None}
    for args in (["history"], ["history", "--json"], ["list"]):
        r = run_cli(*args, env=env)  # type: ignore[arg-type]
        no_traceback(r)
        assert r.returncode == 0, r.stderr
    assert run_cli("history", "--json", env=env).stdout.strip() == "[]"  # type: ignore[arg-type]
    assert "no sessions yet" in run_cli("history", env=env).stdout  # type: ignore[arg-type]


def test_install_desktop_with_a_home_that_cannot_be_written(blocked_home: Path) -> None:
    r = run_cli("install-desktop", env={"HOME": str(blocked_home), "XDG_DATA_HOME": None})  # type: ignore[dict-item]
    no_traceback(r)
    assert r.returncode == EXIT_CANNOT_WRITE
    assert "a part of the path is a file, not a folder" in r.stderr


def test_doctor_reports_unwritable_folders(blocked_home: Path) -> None:
    import json

    env = {"HOME": str(blocked_home), "XDG_DATA_HOME": None, "XDG_CONFIG_HOME": None}
    r = run_cli("doctor", "--json", env=env)  # type: ignore[arg-type]
    no_traceback(r)
    assert r.returncode == 0
    folders = json.loads(r.stdout)["folders"]
    assert folders["data"]["writable"] is False
    assert folders["routines"]["writable"] is False
    assert "not a folder" in folders["data"]["problem"]


@pytest.fixture
def read_only_routines(tmp_path: Path) -> Iterator[Path]:
    """A routine folder with routines in it that cannot be written (a read-only mount as
    root, where permission bits would not stop root; a folder without write bits otherwise)."""
    src = routines_dir()
    if IS_ROOT:
        for mnt in _mount_tmpfs(tmp_path / "ro", "size=1m"):
            for f in src.glob("*.yaml"):
                shutil.copy(f, mnt / f.name)
            subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
            yield mnt
        return
    d = tmp_path / "ro"
    d.mkdir()
    for f in src.glob("*.yaml"):
        shutil.copy(f, d / f.name)
    d.chmod(0o555)
    try:
        yield d
    finally:
        d.chmod(0o755)


def test_a_read_only_routine_folder_still_lists_and_plans(read_only_routines: Path) -> None:
    assert check_writable(read_only_routines) is not None
    n = len(list(read_only_routines.glob("*.yaml")))
    r = run_cli("list", str(read_only_routines))
    no_traceback(r)
    assert r.returncode == 0
    assert len(r.stdout.strip().splitlines()) == n + 1  # a header and one row each
    first = sorted(read_only_routines.glob("*.yaml"))[0]
    assert run_cli("plan", str(first)).returncode == 0
    assert run_cli("validate", str(read_only_routines)).returncode == 0


# ------------------------------------------------------------------ locale


@pytest.fixture
def non_utf8_routine(tmp_path: Path) -> Path:
    folder = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9"))  # Latin-1 bytes: not UTF-8
    folder.mkdir()
    text = (routines_dir() / sorted(p.name for p in routines_dir().glob("*.yaml"))[0]).read_text(
        encoding="utf-8"
    )
    path = folder / "étirements.yaml"
    path.write_text(text.replace("name: ", "name: Étirement … ", 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "locale_env",
    [
        {"LANG": "C", "LC_ALL": "POSIX"},
        {"LANG": "C", "LC_ALL": None, "PYTHONIOENCODING": "ascii"},  # a non-UTF-8 stdout
        {"LANG": "C.UTF-8", "LC_ALL": None},
    ],
    ids=["posix", "ascii-stdout", "utf8"],
)
def test_non_utf8_locale_and_file_names(
    non_utf8_routine: Path, locale_env: dict[str, str | None]
) -> None:
    env = dict(locale_env, PYTHONUTF8=None)
    for args in (
        ["list", str(non_utf8_routine.parent)],
        ["plan", str(non_utf8_routine)],
        ["validate", str(non_utf8_routine)],
        ["list", "--json", str(non_utf8_routine.parent)],
    ):
        r = run_cli(*args, env=env)  # type: ignore[arg-type]
        no_traceback(r)
        assert r.returncode == 0, (args, r.stderr)
    listed = run_cli("list", str(non_utf8_routine.parent), env=env).stdout  # type: ignore[arg-type]
    assert "tirement" in listed and "yaml" in listed
