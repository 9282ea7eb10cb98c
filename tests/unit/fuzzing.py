"""Hypothesis strategies for the loader fuzz tests, and the one check every input must pass.

Shared by tests/unit/test_fuzz_loader.py and tools/fuzz_loader.py (a longer run
that saves what it finds under tests/unit/fixtures/fuzz/).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from hiptimer.loader import RoutineErrors, load_routine_text
from hiptimer.plan import MAX_DURATION_S, MAX_STEPS, compile_plan, plan_size

BUNDLED: list[bytes] = [
    p.read_bytes() for p in sorted((Path(__file__).parents[2] / "routines").glob("*.yaml"))
]
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")

#: Bits of YAML and text that have broken YAML loaders (and this one) before.
HOSTILE: list[str] = [
    "!!float ",
    "!!bool ",
    "!!int ",
    "!!str ",
    "!!null ",
    "!!binary ",
    "!!timestamp ",
    "!!python/object:os.system ",
    "!custom ",
    "&a ",
    "*a",
    "<<: ",
    "? ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    ": ",
    " #",
    "'",
    '"',
    "|\n",
    ">-\n",
    "\t",
    "\r",
    "\r\n",
    "\n",
    "\x85",
    "\u2028",
    "\0",
    "\x1b[31m",
    "\ufeff",
    "9" * 310,
    "0b" + "1" * 300,
    "1e400",
    ".nan",
    "-.inf",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "%TAG ! tag:yaml.org,2002:\n",
    "sets: 1000",
    "sides: each",
    "hold: 1h",
    "reps: 1000",
    "tempo: 600s",
    "8-10 breaths",
    "5 to 7",
    "1 min 30 s",
    "image: /etc/passwd",
    "image: ../../x.png",
    "image: " + "x" * 300 + ".png",
    'image: "a\\0b.png"',
    "sounds: {go: ../x.wav}",
    "sounds: {go: go.wav}",
    "=cmd|' /C calc'!A0",
    "é",
    "\U0001f600",
]


def check_loader(data: bytes | str, path: str = "fuzz.yaml") -> None:
    """Loads to a routine within the limits, or raises only located RoutineErrors."""
    try:
        routine = load_routine_text(data, path)
    except RoutineErrors as e:
        raw = data if isinstance(data, str) else data.decode("utf-8", errors="replace")
        raw = raw.removeprefix("\ufeff")
        lines = _BREAK.split(raw)
        assert e.errors
        for err in e.errors:
            assert err.message and "internal error" not in err.message, err
            assert 1 <= err.line <= len(lines), (err, len(lines))
            assert 1 <= err.col <= len(lines[err.line - 1]) + 1, (err, lines[err.line - 1])
        return
    steps, seconds = plan_size(routine)
    assert steps <= MAX_STEPS and seconds <= MAX_DURATION_S
    plan = compile_plan(routine)
    assert steps == len(plan.steps)
    assert abs(seconds - plan.duration_s) <= 1e-6 * max(1.0, seconds)


@st.composite
def mutated_bundled(draw: st.DrawFn) -> bytes:
    """A bundled routine with a few insertions, deletions, swaps or truncations."""
    text = draw(st.sampled_from(BUNDLED)).decode("utf-8")
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["insert", "delete", "replace", "dup-line", "truncate"]))
        at = draw(st.integers(0, len(text)))
        if op == "insert":
            bit = draw(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=8)))
            text = text[:at] + bit + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        elif op == "replace":
            bit = draw(st.sampled_from(HOSTILE))
            text = text[:at] + bit + text[at + len(bit) :]
        elif op == "dup-line":
            lines = text.splitlines(keepends=True)
            if lines:
                i = draw(st.integers(0, len(lines) - 1))
                lines[i:i] = [lines[i]] * draw(st.integers(1, 50))
                text = "".join(lines)
        else:
            text = text[:at]
    raw = text.encode("utf-8", errors="surrogatepass")
    if draw(st.booleans()) and raw:
        i = draw(st.integers(0, len(raw) - 1))  # one raw byte: bad UTF-8 too
        raw = raw[:i] + bytes([draw(st.integers(0, 255))]) + raw[i + 1 :]
    return raw


_NUMBERS = st.one_of(
    st.integers(-5, 5000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**320), max_value=10**320),
)
_DURATIONS = st.one_of(
    _NUMBERS,
    st.sampled_from(["30s", "1 min 30 s", "45 sec", "1h", "0", "-3s", "2 to 3 s", "5-10s"]),
    st.builds(lambda n, u: f"{n} {u}", st.integers(0, 10**12), st.sampled_from(["s", "min", "h"])),
)
_COUNTS = st.one_of(
    _NUMBERS,
    st.builds(lambda a, b: f"{a}-{b}", st.integers(0, 2000), st.integers(0, 2000)),
    st.builds(lambda a, b: f"{a}-{b} breaths", st.integers(0, 200), st.integers(0, 200)),
)
_ANY = st.one_of(
    st.none(),
    st.booleans(),
    _NUMBERS,
    st.text(max_size=12),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


def _maybe(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(value, value, value, _ANY)


_EXERCISE = st.fixed_dictionaries(
    {"name": _maybe(st.text(min_size=1, max_size=20))},
    optional={
        "hold": _maybe(st.one_of(_DURATIONS, _COUNTS)),
        "reps": _maybe(_COUNTS),
        "time": _maybe(_DURATIONS),
        "tempo": _maybe(_DURATIONS),
        "sets": _maybe(st.one_of(st.integers(1, 1000), _COUNTS)),
        "sides": _maybe(st.sampled_from(["none", "each", "alternate", "both"])),
        "prep": _maybe(_DURATIONS),
        "rest": _maybe(_DURATIONS),
        "set_rest": _maybe(_DURATIONS),
        "switch": _maybe(_DURATIONS),
        "breath": _maybe(_DURATIONS),
        "countdown": _maybe(st.integers(-2, 100)),
        "how": _maybe(st.text(max_size=30)),
        "image": _maybe(st.sampled_from(["../x.png", "missing.png", "a\0.png", "x" * 300])),
        "bogus": _ANY,
    },
)
_ROUTINE = st.fixed_dictionaries(
    {
        "name": _maybe(st.text(min_size=1, max_size=20)),
        "exercises": _maybe(st.lists(_maybe(_EXERCISE), min_size=0, max_size=12)),
    },
    optional={
        "description": _maybe(st.text(max_size=40)),
        "tags": _maybe(st.lists(st.text(max_size=6), max_size=3)),
        "defaults": _maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    k: _maybe(_DURATIONS) for k in ("prep", "rest", "set_rest", "switch", "breath")
                },
            )
        ),
        "sounds": _maybe(st.dictionaries(st.sampled_from(["go", "stop", "gong"]), st.text())),
    },
)


@st.composite
def structured_routine(draw: st.DrawFn) -> str:
    """A routine-shaped mapping (valid or nearly so), written out by PyYAML."""
    data = draw(_ROUTINE)
    style = draw(st.sampled_from([None, True, False]))
    return yaml.safe_dump(
        data, allow_unicode=draw(st.booleans()), sort_keys=False, default_flow_style=style
    )


def save_case(data: bytes | str, folder: Path, name: str) -> Path:
    """Keep a failing input as a regression file."""
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / f"{name}.yaml"
    p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    return p
