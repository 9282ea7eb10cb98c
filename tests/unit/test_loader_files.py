"""The loader on hostile files and paths: only its own located errors (issue #11)."""

from __future__ import annotations

import os
import struct
import threading
from pathlib import Path

import pytest

from hiptimer.loader import RoutineError, RoutineErrors, load_routine
from hiptimer.resources import sounds_dir

posix_only = pytest.mark.skipif(os.name != "posix", reason="needs symlinks and FIFOs")


def errors_of(path: Path) -> list[RoutineError]:
    with pytest.raises(RoutineErrors) as info:
        load_routine(path)
    return info.value.errors


def routine(tmp_path: Path, extra: str = "", ex: str = "") -> Path:
    f = tmp_path / "r.yaml"
    f.write_text(f"name: R\n{extra}exercises:\n  - name: E\n    hold: 30s\n{ex}")
    return f


def one(path: Path) -> tuple[int, int, str]:
    (e,) = errors_of(path)
    return e.line, e.col, e.message


@posix_only
def test_a_fifo_routine_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    got: list[list[RoutineError]] = []
    t = threading.Thread(target=lambda: got.append(errors_of(fifo)), daemon=True)
    t.start()
    t.join(5)
    assert not t.is_alive(), "load_routine waited on a FIFO"
    assert [(e.line, e.col) for e in got[0]] == [(1, 1)]
    assert "named pipe (FIFO), not a routine file" in got[0][0].message


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_is_a_device_not_an_empty_file() -> None:
    (e,) = errors_of(Path("/dev/zero"))
    assert "character device" in e.message and "0 bytes" not in e.message


@posix_only
def test_a_symlink_loop_routine(tmp_path: Path) -> None:
    (tmp_path / "loop.yaml").symlink_to("loop.yaml")
    assert one(tmp_path / "loop.yaml") == (1, 1, "cannot read the file: it is a symbolic link loop")


def test_nul_and_overlong_routine_paths(tmp_path: Path) -> None:
    assert "NUL" in one(Path(str(tmp_path) + "/a\0.yaml"))[2]
    assert "too long" in one(tmp_path / ("x" * 300 + ".yaml"))[2]


def test_a_sparse_routine_reports_its_real_size(tmp_path: Path) -> None:
    f = tmp_path / "big.yaml"
    with f.open("wb") as fh:
        fh.truncate(3 * 1024 * 1024 * 1024)
    line, col, msg = one(f)
    assert (line, col) == (1, 1) and "3,221,225,472 bytes" in msg and "at most 1 MiB" in msg


@posix_only
def test_image_and_sound_symlink_loops_are_located(tmp_path: Path) -> None:
    (tmp_path / "pic.png").symlink_to("pic.png")
    (tmp_path / "go.wav").symlink_to("go.wav")
    f = routine(tmp_path, extra="sounds:\n  go: go.wav\n", ex="    image: pic.png\n")
    errs = errors_of(f)
    assert [(e.line, e.col) for e in errs] == [(3, 7), (7, 12)]
    assert all("symbolic link loop" in e.message for e in errs)


def test_nul_and_overlong_image_and_sound_paths(tmp_path: Path) -> None:
    long = "x" * 300
    f = routine(
        tmp_path,
        extra=f'sounds:\n  go: "a\\0.wav"\n  stop: {long}.wav\n',
        ex=f'    image: "b\\0.png"\n  - name: F\n    hold: 5\n    image: {long}.png\n',
    )
    errs = errors_of(f)
    assert [(e.line, e.col) for e in errs] == [(3, 7), (4, 9), (8, 12), (11, 12)]
    assert "NUL" in errs[0].message and "NUL" in errs[2].message
    assert "too long" in errs[1].message and "too long" in errs[3].message


def test_a_sound_with_a_lying_header_is_a_located_error(tmp_path: Path) -> None:
    good = (sounds_dir() / "go.wav").read_bytes()
    fmt = struct.pack("<HHIIHH", 1, 65535, 48000, 48000 * 2, 2, 16)
    (tmp_path / "many.wav").write_bytes(good[:20] + fmt + good[36:])
    (tmp_path / "rate0.wav").write_bytes(good[:24] + struct.pack("<I", 0) + good[28:])
    (tmp_path / "go.wav").write_bytes(good)
    f = routine(tmp_path, extra="sounds:\n  go: go.wav\n  tick: many.wav\n  stop: rate0.wav\n")
    errs = errors_of(f)
    assert [(e.line, e.col) for e in errs] == [(4, 9), (5, 9)]
    assert "65535 channels" in errs[0].message and "'many.wav'" in errs[0].message
    assert "sample rate of 0 Hz" in errs[1].message


@posix_only
def test_a_sound_that_is_a_fifo_or_folder(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "p.wav")
    (tmp_path / "d.wav").mkdir()
    f = routine(tmp_path, extra="sounds:\n  go: p.wav\n  stop: d.wav\n")
    errs = errors_of(f)
    assert "named pipe" in errs[0].message and "folder" in errs[1].message
