"""hiptimer.safefile: regular files only, real sizes, paths confined when opened."""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path

import pytest

from hiptimer.safefile import (
    SafeFileError,
    is_confined,
    open_confined,
    open_regular,
    read_regular,
)

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and symlinks need POSIX")


def _refused(call: object, needle: str) -> SafeFileError:
    assert callable(call)
    with pytest.raises(SafeFileError) as info:
        call()
    assert needle in info.value.reason, info.value.reason
    return info.value


def test_a_regular_file_is_read(tmp_path: Path) -> None:
    f = tmp_path / "a.yaml"
    f.write_bytes(b"name: x\n")
    with open_regular(f) as fh:
        assert fh.read() == b"name: x\n"
    assert read_regular(f, 100) == b"name: x\n"


@posix_only
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    result: list[BaseException | None] = []

    def attempt() -> None:
        try:
            open_regular(fifo)
            result.append(None)
        except BaseException as e:  # noqa: BLE001 - what it raised is the test
            result.append(e)

    t = threading.Thread(target=attempt, daemon=True)
    t.start()
    t.join(5)
    assert not t.is_alive(), "opening a FIFO blocked"
    assert isinstance(result[0], SafeFileError)
    assert "named pipe (FIFO)" in result[0].reason


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_is_refused_for_what_it_is() -> None:
    e = _refused(lambda: read_regular("/dev/zero", 1024), "character device")
    assert "0 bytes" not in str(e)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    _refused(lambda: open_regular(tmp_path), "a folder")


@posix_only
def test_a_symlink_loop_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").symlink_to("b.yaml")
    (tmp_path / "b.yaml").symlink_to("a.yaml")
    e = _refused(lambda: open_regular(tmp_path / "a.yaml"), "symbolic link loop")
    assert e.errno == errno.ELOOP


def test_a_nul_in_the_path_is_refused(tmp_path: Path) -> None:
    _refused(lambda: open_regular(str(tmp_path / "a\0b.yaml")), "NUL")


def test_a_path_part_over_255_bytes_is_refused(tmp_path: Path) -> None:
    _refused(lambda: open_regular(tmp_path / ("x" * 300)), "too long")


def test_a_missing_file_and_an_unreadable_one(tmp_path: Path) -> None:
    _refused(lambda: open_regular(tmp_path / "nope"), "no such file")
    f = tmp_path / "locked"
    f.write_bytes(b"x")
    f.chmod(0)
    try:
        if os.access(f, os.R_OK):
            pytest.skip("running as root: permissions are not enforced")
        _refused(lambda: open_regular(f), "permission denied")
    finally:
        f.chmod(0o600)


def test_too_big_reports_the_real_size(tmp_path: Path) -> None:
    f = tmp_path / "big"
    with f.open("wb") as fh:
        fh.truncate(5_000_000)  # sparse: the size is what fstat says, not what was read
    e = _refused(lambda: read_regular(f, 1000, "routine file"), "5,000,000 bytes")
    assert "at most 1,000 bytes" in e.reason


# --------------------------------------------------------------------------- confinement


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "routines"
    (root / "sounds").mkdir(parents=True)
    (root / "sounds" / "go.wav").write_bytes(b"inside")
    outside = tmp_path / "secret.wav"
    outside.write_bytes(b"outside")
    return root, outside


def _read(path: Path | str, root: Path) -> bytes:
    with open_confined(path, root) as f:
        return f.read()


def test_confined_files_inside_open(tree: tuple[Path, Path]) -> None:
    root, _ = tree
    assert _read("sounds/go.wav", root) == b"inside"
    assert _read(root / "sounds" / "go.wav", root) == b"inside"
    assert _read("sounds/../sounds/./go.wav", root) == b"inside"


@posix_only
def test_links_that_stay_inside_are_followed(tree: tuple[Path, Path]) -> None:
    root, _ = tree
    (root / "alias.wav").symlink_to("sounds/go.wav")
    (root / "abs.wav").symlink_to(root / "sounds" / "go.wav")
    (root / "dir").symlink_to("sounds")
    assert _read("alias.wav", root) == b"inside"
    assert _read("abs.wav", root) == b"inside"
    assert _read("dir/go.wav", root) == b"inside"


def test_dotdot_and_absolute_paths_out_of_the_root_are_refused(tree: tuple[Path, Path]) -> None:
    root, outside = tree
    _refused(lambda: _read("../secret.wav", root), "outside")
    _refused(lambda: _read(outside, root), "outside")


@posix_only
def test_a_file_swapped_for_a_link_out_is_refused_at_open(tree: tuple[Path, Path]) -> None:
    root, outside = tree
    target = root / "sounds" / "go.wav"
    assert _read(target, root) == b"inside"  # checked at load ...
    target.unlink()
    target.symlink_to(outside)  # ... then replaced
    _refused(lambda: _read(target, root), "outside")
    relative = root / "sounds" / "rel.wav"
    relative.symlink_to("../../secret.wav")
    _refused(lambda: _read(relative, root), "outside")


@posix_only
def test_a_folder_link_out_of_the_root_is_refused(tree: tuple[Path, Path]) -> None:
    root, outside = tree
    (root / "out").symlink_to(outside.parent)
    _refused(lambda: _read("out/secret.wav", root), "outside")


@posix_only
def test_confined_loops_fifos_and_folders_are_refused(tree: tuple[Path, Path]) -> None:
    root, _ = tree
    (root / "l1.wav").symlink_to("l2.wav")
    (root / "l2.wav").symlink_to("l1.wav")
    _refused(lambda: _read("l1.wav", root), "symbolic link loop")
    os.mkfifo(root / "pipe.wav")
    _refused(lambda: _read("pipe.wav", root), "named pipe")
    _refused(lambda: _read("sounds", root), "folder")
    _refused(lambda: _read(".", root), "folder")
    _refused(lambda: _read("a\0.wav", root), "NUL")


@posix_only
def test_is_confined_never_raises(tree: tuple[Path, Path]) -> None:
    root, outside = tree
    (root / "l1").symlink_to("l1")
    assert is_confined(root / "sounds" / "go.wav", [root])
    assert not is_confined(outside, [root])
    assert is_confined(root / "l1", [root]) in (True, False)
    assert not is_confined("a\0b", [root])
