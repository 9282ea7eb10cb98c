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


# --------------------------------------------------------------------------- YAML content

H = "name: R\nexercises:\n  - name: E\n"


def text_errors(text: str | bytes) -> list[tuple[int, int, str]]:
    from hiptimer.loader import load_routine_text

    with pytest.raises(RoutineErrors) as info:
        load_routine_text(text, "r.yaml")
    return [(e.line, e.col, e.message) for e in info.value.errors]


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("!!float abc", "'abc' is not a valid float"),
        ("!!bool maybe", "'maybe' is not a valid bool"),
        ("!!bool", "'' is not a valid bool"),
        ("!!int _", "'_' is not a valid int"),
        ("!!int 0x" + "f" * 400, "far too large a number"),
        ("9" * 310, "far too large a number"),
        ("!!int " + "9" * 5000, "not a valid int"),
    ],
)
def test_tags_on_bad_content_and_huge_integers_are_located(value: str, needle: str) -> None:
    ((line, col, msg),) = text_errors(H + f"    hold: {value}\n")
    assert (line, col) == (4, 11)
    assert needle in msg and len(msg) < 120  # a 310-digit number is not echoed whole


def test_huge_numbers_inside_text_are_located() -> None:
    got = text_errors(H + "    reps: 1-" + "9" * 5000 + "\n")
    assert [(g[0], g[1]) for g in got] == [(4, 11)] and "far too large" in got[0][2]
    got = text_errors(H + "    reps: 3\n    tempo: " + "9" * 310 + "\n")
    assert [(g[0], g[1]) for g in got] == [(5, 12)]


def test_an_unterminated_flow_collection_at_eof_is_on_the_last_line() -> None:
    got = text_errors("name: R\nexercises: [{name: E, hold: 3}")
    assert [(g[0], g[1]) for g in got] == [(2, 31)]  # just after the last character
    got = text_errors("name: R\nexercises: [")
    assert [(g[0], g[1]) for g in got] == [(2, 13)]
    # with a final newline the position after it is a real line
    got = text_errors("name: R\nexercises: [\n")
    assert [(g[0], g[1]) for g in got] == [(3, 1)]


def test_cr_only_files_count_lines_one_way() -> None:
    yaml_error = text_errors("name: R\rexercises:\r  - name: E\r    hold: x\r")
    utf8_error = text_errors(b"name: R\rexercises:\r  - name: E\r    how: \xff\r")
    control = text_errors("name: R\rexercises:\r  - name: E\r    how: \x01\r")
    assert [(g[0], g[1]) for g in yaml_error] == [(4, 11)]
    assert [(g[0], g[1]) for g in utf8_error] == [(4, 10)]
    assert [(g[0], g[1]) for g in control] == [(4, 10)]
    crlf = text_errors(b"name: R\r\nexercises:\r\n  - name: E\r\n    how: \xff\r\n")
    assert [(g[0], g[1]) for g in crlf] == [(4, 10)]


# --------------------------------------------------------------------------- folders


@posix_only
def test_a_folder_with_a_loop_a_fifo_and_a_dangling_link_still_loads_the_rest(
    tmp_path: Path,
) -> None:
    from hiptimer import library

    good = tmp_path / "good.yaml"
    good.write_text("name: Good\nexercises:\n  - {name: E, hold: 30}\n")
    (tmp_path / "loop.yaml").symlink_to("loop.yaml")
    (tmp_path / "dangling.yml").symlink_to(tmp_path / "nowhere")
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "sub.yaml").mkdir()  # a folder with a routine's name is not a routine
    (tmp_path / ".hidden.yaml").symlink_to(".hidden.yaml")
    entries = {e.path.name: e for e in library.scan([tmp_path])}
    assert sorted(entries) == ["dangling.yml", "good.yaml", "loop.yaml", "pipe.yaml"]
    assert entries["good.yaml"].ok and entries["good.yaml"].duration_s == 35
    for name in ("dangling.yml", "loop.yaml", "pipe.yaml"):
        (err,) = entries[name].errors
        assert (err.line, err.col) == (1, 1) and "internal error" not in err.message
    assert "symbolic link loop" in entries["loop.yaml"].errors[0].message
    assert "named pipe" in entries["pipe.yaml"].errors[0].message


@posix_only
def test_the_bundled_routines_survive_a_loop_in_the_user_folder(tmp_path: Path) -> None:
    from hiptimer import library
    from hiptimer.resources import routines_dir

    (tmp_path / "loop.yaml").symlink_to("loop.yaml")
    entries = library.scan([routines_dir(), tmp_path])
    assert sum(e.ok for e in entries) == len(list(routines_dir().glob("*.yaml")))
    assert [e.path.name for e in entries if not e.ok] == ["loop.yaml"]


@posix_only
def test_one_file_under_two_names_is_listed_once(tmp_path: Path) -> None:
    from hiptimer import library

    real = tmp_path / "real"
    real.mkdir()
    for name in ("a.yaml", "b.yaml"):
        (real / name).write_text("name: x\n", encoding="utf-8")
    (real / "c.yaml").symlink_to("a.yaml")  # a second name for a.yaml, in the same folder
    (tmp_path / "alias").symlink_to("real")  # the whole folder again, through a link
    nested = tmp_path / "via"
    nested.mkdir()
    (nested / "d.yaml").symlink_to(real / "b.yaml")
    (nested / "e.yaml").write_text("name: e\n", encoding="utf-8")
    got = library.expand([tmp_path / "alias", real, nested, real / "a.yaml"])
    assert got == [tmp_path / "alias" / "a.yaml", tmp_path / "alias" / "b.yaml", nested / "e.yaml"]


def test_folder_checks_never_raise_on_odd_names(tmp_path: Path) -> None:
    from hiptimer import library

    assert not library.is_folder(tmp_path / ("x" * 300))
    assert library.routine_files(tmp_path / ("x" * 300)) == []
    assert library.expand([tmp_path / ("x" * 300)]) == [tmp_path / ("x" * 300)]


def test_an_unreadable_file_in_a_folder_is_one_error_and_the_rest_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from hiptimer import library, safefile

    good = tmp_path / "good.yaml"
    good.write_text("name: Good\nexercises:\n  - {name: E, hold: 30}\n")
    locked = tmp_path / "locked.yaml"
    locked.write_text("name: Locked\nexercises:\n  - {name: E, hold: 30}\n")
    real_open = os.open

    def deny(path: object, flags: int, *args: object, **kw: object) -> int:
        # chmod 000 does not stop root, who runs these tests here: deny it in open()
        if str(path) == str(locked):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(safefile.os, "open", deny)
    entries = {e.path.name: e for e in library.scan([tmp_path])}
    assert entries["good.yaml"].ok
    (err,) = entries["locked.yaml"].errors
    assert (err.line, err.col) == (1, 1)
    assert err.message == "cannot read the file: permission denied"


@pytest.mark.parametrize("said", [0, 10])
def test_a_file_longer_than_its_size_says_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, said: int
) -> None:
    """The loader reads the size fstat gives and a byte more; a file that says less
    (a procfs file says 0, or it grew since) is still read to its end."""
    import hiptimer.loader as loader_mod

    f = routine(tmp_path, ex="    how: " + "slowly " * 100 + "\n")
    real_fstat = os.fstat

    def fstat(fd: int) -> os.stat_result:
        st = list(real_fstat(fd))
        st[6] = said  # st_size
        return os.stat_result(st)

    monkeypatch.setattr(loader_mod.os, "fstat", fstat)
    r = load_routine(f)
    assert r.exercises[0].how.count("slowly") == 100


def test_a_file_past_the_limit_that_says_it_is_small_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hiptimer.loader as loader_mod
    from hiptimer.loader import MAX_BYTES

    f = tmp_path / "big.yaml"
    f.write_bytes(b"name: R\n" + b"#" * MAX_BYTES)
    real_fstat = os.fstat

    def fstat(fd: int) -> os.stat_result:
        st = list(real_fstat(fd))
        st[6] = 100
        return os.stat_result(st)

    monkeypatch.setattr(loader_mod.os, "fstat", fstat)
    line, col, msg = one(f)
    assert (line, col) == (1, 1) and "at most 1 MiB" in msg
