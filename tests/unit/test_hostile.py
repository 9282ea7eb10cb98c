"""Hostile routine files: a located error, no traceback, bounded time and memory.

The real figures (< 1 s, < 200 MB) are measured by benchmarks/library.py; the
bounds here are generous so a busy CI machine does not make them flaky.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hiptimer.loader import RoutineErrors, load_routine

LOCATED = re.compile(r"^.+:\d+:\d+: .+$")

BOMB = textwrap.dedent(
    """\
    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
    i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
    """
)


def hostile_files(folder: Path) -> dict[str, Path]:
    """Write the hostile files the issue lists; shared with benchmarks/library.py."""
    rng = random.Random(1234)
    contents: dict[str, bytes] = {
        "alias-bomb": BOMB.encode(),
        "two-mib": b"name: big\nexercises:\n" + b"  - {name: a, hold: 30}\n" * 95_000,
        "nesting-flow": b"name: deep\nexercises: " + b"[" * 20_000 + b"]" * 20_000 + b"\n",
        "nesting-block": b"".join(b" " * i + b"a:\n" for i in range(0, 1400)),
        "nesting-dash": b"- " * 20_000 + b"x\n",
        "random-bytes": bytes(rng.randrange(256) for _ in range(64 * 1024)),
        "many-errors": b"name: x\nexercises:\n" + b"  - {name: a, hold: 0}\n" * 9_000,
        # 46 KB that would plan to millions of steps (4,000 an exercise)
        "sets-46k": b"name: x\nexercises:\n"
        + b"  - {name: a, hold: 1s, sets: 1000, sides: each}\n" * 1000,
        # 1 MiB of the same: the limit is met at the third exercise
        "sets-1mib": b"name: x\nexercises:\n"
        + b"  - {name: a, hold: 1s, sets: 1000, sides: each}\n" * 21_000,
        # 40,000 steps that together last under a second
        "plans-to-1s": b"name: x\ndefaults: {prep: 0, rest: 0}\nexercises:\n"
        + b"  - {name: a, hold: 0.00002s}\n" * 30_000,
    }
    out = {}
    for name, data in contents.items():
        p = folder / f"{name}.yaml"
        p.write_bytes(data)
        out[name] = p
    return out


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return hostile_files(tmp_path_factory.mktemp("hostile"))


def test_files_are_what_they_claim(files: dict[str, Path]) -> None:
    assert files["two-mib"].stat().st_size > 2 * 1024 * 1024
    assert files["many-errors"].stat().st_size < 1024 * 1024


@pytest.mark.parametrize(
    ("name", "pos", "needle"),
    [
        ("alias-bomb", (2, 8), "aliases"),
        ("two-mib", (1, 1), "at most 1 MiB"),
        ("nesting-flow", (2, 12 + 63), "nesting deeper"),
        ("nesting-dash", (1, 129), "nesting deeper"),
        ("nesting-block", (65, 65), "nesting deeper"),
        ("sets-46k", (4, 5), "passes 24 hours at this exercise"),
        # 21,000 exercises: refused at the 10,001st while parsing, the rest never read
        ("sets-1mib", (10_003, 5), "exercise 10,001: a routine has at most 10,000 steps"),
        ("plans-to-1s", (10_004, 5), "exercise 10,001: a routine has at most 10,000 steps"),
    ],
)
def test_located_error(
    files: dict[str, Path], name: str, pos: tuple[int, int], needle: str
) -> None:
    with pytest.raises(RoutineErrors) as info:
        load_routine(files[name])
    first = info.value.errors[0]
    assert (first.line, first.col) == pos
    assert needle in first.message


def test_random_bytes_located(files: dict[str, Path]) -> None:
    with pytest.raises(RoutineErrors) as info:
        load_routine(files["random-bytes"])
    (e,) = info.value.errors
    assert "UTF-8" in e.message and e.line >= 1 and e.col >= 1


def test_many_errors_are_capped(files: dict[str, Path]) -> None:
    with pytest.raises(RoutineErrors) as info:
        load_routine(files["many-errors"])
    errs = info.value.errors
    assert len(errs) == 201
    assert (errs[0].line, errs[0].col) == (3, 21) and "more than zero" in errs[0].message
    assert "more than 200 errors" in errs[-1].message


def test_random_text_never_raises_anything_else() -> None:
    rng = random.Random(99)
    alphabet = "ab: -[]{}&*!|>'\"#\n\t?,%@`0123456789.~"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 80)))
        try:
            from hiptimer.loader import load_routine_text

            load_routine_text(text, "fuzz.yaml")
        except RoutineErrors as e:
            assert all(LOCATED.match(str(x)) for x in e.errors)


_CHILD = """
import runpy, sys, time
t = time.perf_counter()
sys.argv = ["hiptimer", *sys.argv[1:]]
try:
    runpy.run_module("hiptimer", run_name="__main__")
except SystemExit as e:
    code = e.code
# VmHWM is this program's own peak: ru_maxrss would also count the parent's peak,
# which Linux carries across fork and exec (a big pytest process failed every file).
with open("/proc/self/status") as f:
    rss_kb = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
print(f"@@ {code} {time.perf_counter() - t:.3f} {rss_kb}", file=sys.stderr)
"""


@pytest.mark.parametrize(
    ("command", "name"),
    [
        ("validate", "alias-bomb"),
        ("validate", "two-mib"),
        ("validate", "nesting-flow"),
        ("validate", "nesting-dash"),
        ("validate", "random-bytes"),
        ("validate", "many-errors"),
        ("validate", "sets-46k"),
        ("plan", "sets-1mib"),
        ("plan", "plans-to-1s"),
    ],
)
def test_validate_command_bounded(files: dict[str, Path], command: str, name: str) -> None:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, command, str(files[name])],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert "Traceback" not in proc.stdout + proc.stderr
    lines = (proc.stdout if command == "validate" else proc.stderr).splitlines()
    lines = [line for line in lines if not line.startswith("@@ ")]
    assert lines and all(LOCATED.match(line) for line in lines), proc.stdout[:500]
    stats = [line for line in proc.stderr.splitlines() if line.startswith("@@ ")]
    code, seconds, rss_kb = stats[-1].split()[1:]
    assert code == "1"
    assert float(seconds) < 10
    assert int(rss_kb) < 500 * 1024


@pytest.mark.parametrize("name", ["alias-bomb", "nesting-flow", "nesting-dash", "random-bytes"])
def test_same_errors_without_libyaml(
    files: dict[str, Path], name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PyYAML without its C extension gives the same located errors."""
    import yaml

    import hiptimer.loader as loader

    with pytest.raises(RoutineErrors) as fast:
        load_routine(files[name])
    monkeypatch.setattr(loader, "_PARSER", yaml.SafeLoader)
    with pytest.raises(RoutineErrors) as slow:
        load_routine(files[name])
    assert [str(e) for e in slow.value.errors] == [str(e) for e in fast.value.errors]
