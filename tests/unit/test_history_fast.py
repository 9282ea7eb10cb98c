"""The shortcuts ``history --csv`` takes say exactly what the slow, checked path says.

Each is compared with the code it stands in for, over hostile input: the CSV
quoting with the csv module, the date text with ``datetime``, an exercise's
summary part with the store's own parse (raising where it raises), a whole
``exercises`` column with :func:`exercises_summary`.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from hiptimer.history import (
    _csv_field,
    _exercise_part,
    _ExerciseParts,
    _exercises_cell,
    _iso_text,
    exercises_summary,
)
from hiptimer.store import SessionRecord, exercises_from_json

SPECIAL = ",\"\r\n\t \x00'=+-@;:"


def csv_module(field: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(["x", field])
    return buf.getvalue()[2:-2]


@given(st.text(alphabet=st.sampled_from(SPECIAL) | st.characters(), max_size=30))
@example("")
@example('"')
@example("a,b")
@example("\r")
@example(" ")
def test_csv_field_quotes_as_the_csv_module(field: str) -> None:
    assert _csv_field(field) == csv_module(field)


DATE_CHARS = "0123456789-T:+ .WZ,"


def slow_iso(text: str) -> str | None:
    try:
        return datetime.fromisoformat(text).isoformat()
    except ValueError:
        return None


def fast_iso(text: str) -> str | None:
    try:
        return _iso_text(text)
    except ValueError:
        return None


@settings(max_examples=500)
@given(
    st.builds(
        lambda base, edits: _edit(base, edits),
        st.sampled_from(
            [
                "2025-01-31T07:00:00+01:00",
                "2025-01-31T07:00:00-00:00",
                "2025-01-31T07:00:00-05:30",
                "0999-01-31T07:00:00+00:00",
                "2025-W05-5T07:00:00+00:00",
                "2025-01-31T07:00:00.123456+01:00",
                "2025-01-31 07:00:00Z",
            ]
        ),
        st.lists(st.tuples(st.integers(0, 30), st.sampled_from(DATE_CHARS)), max_size=3),
    )
)
@example("2025-01-31T07:00:00-00:00")
@example("2025-01-31T24:00:00+00:00")
@example("2025-01-31T07:00:00+24:00")
@example("2025-02-30T07:00:00+01:00")
@example("2025-01-31T07:00:60+01:00")
@example("2025-01-31X07:00:00+01:00")
@example("2025-01-31T07:00:00+01:00\n")
@example("２０２５-01-31T07:00:00+01:00")
@example("2025-01-31T07:00:00+01:60")
@example("2025-01-31T07:00:00-01:99")
def test_iso_text_is_fromisoformat_then_isoformat(text: str) -> None:
    assert fast_iso(text) == slow_iso(text)


def _edit(base: str, edits: list[tuple[int, str]]) -> str:
    chars = list(base)
    for at, ch in edits:
        if at < len(chars):
            chars[at] = ch
    return "".join(chars)


# --- an exercise's part, and a whole exercises column ----------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.integers(10**20, 10**21),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet='ab"\\}{],[ :\n\x00é', max_size=6),
    st.sampled_from(["done", "partial", "skipped", "3", "1.5", "", "x"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["set", "status", "seconds", "name", "x"]), inner)
    ),
    max_leaves=8,
)
STATUSES = st.sampled_from(["done", "partial", "skipped"])


@st.composite
def mostly(draw: st.DrawFn, fields: dict[str, st.SearchStrategy[Any]]) -> dict[str, Any]:
    """An object with these keys in this order, each usually of the kind the store
    writes, sometimes missing or any other JSON (so that one wrong part is common)."""
    out: dict[str, Any] = {}
    for key, good in fields.items():
        if key != "name" and draw(st.integers(0, 7)) == 0:
            continue
        out[key] = draw(good if draw(st.integers(0, 5)) else json_values)
    return out


set_objects = mostly(
    {
        "set": st.integers(1, 4),
        "status": STATUSES,
        "seconds": st.floats(0, 100, allow_nan=False),
    }
)
exercise_objects = mostly(
    {
        "name": st.text(max_size=6),
        "side": st.sampled_from([None, "left", "right", ""]),
        "status": STATUSES,
        "sets_done": st.integers(0, 4),
        "sets": st.lists(set_objects, max_size=3),
    }
)
plain_objects = st.builds(
    lambda name, side, status, sets_done, sets: {
        "name": name,
        "side": side,
        "status": status,
        "sets_done": sets_done,
        "sets": sets,
    },
    st.text(max_size=8),
    st.sampled_from([None, "left", "right", ""]),
    st.sampled_from(["done", "partial", "skipped"]),
    st.integers(0, 4),
    st.lists(
        st.builds(
            lambda n, status, seconds: {"set": n, "status": status, "seconds": seconds},
            st.integers(1, 4),
            st.sampled_from(["done", "partial", "skipped"]),
            st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 1)),
        ),
        max_size=3,
    ),
)


def dumps(value: Any) -> str:
    """As the store writes the column (and as other programs might: any JSON)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def slow_summary(text: str) -> str | None:
    """What the checked path shows for the column, None where it refuses the row."""
    try:
        exercises = exercises_from_json(text)
    except Exception:  # noqa: BLE001 - the store's reader refuses it, whatever it raised
        return None
    record = SessionRecord(
        1,
        "r",
        None,
        "",
        "completed",
        datetime(2025, 1, 1),
        None,
        0.0,
        1.0,
        None,
        None,
        "",
        exercises,
    )
    return exercises_summary(record)


@settings(max_examples=150)
@given(exercise_objects)
def test_an_exercise_part_is_the_stores_parse(obj: dict[str, Any]) -> None:
    text = dumps(obj)
    assert text.startswith('{"name":')
    parts = _ExerciseParts()
    try:
        (e,) = exercises_from_json("[" + text + "]")
        expected: str | None = _exercise_part(e)
    except Exception:  # noqa: BLE001 - the store refuses it
        expected = None
    assert parts[text[len('{"name":') : -1]] == expected


@settings(max_examples=100)
@given(st.lists(exercise_objects | plain_objects, max_size=4))
def test_a_column_summary_is_the_stores_or_none(objs: list[dict[str, Any]]) -> None:
    text = dumps(objs)
    fast = _exercises_cell(text, _ExerciseParts())
    if fast is not None:  # None: the row goes the checked way
        assert fast == slow_summary(text)


@given(st.lists(plain_objects, max_size=4))
def test_what_the_store_writes_takes_the_short_way(objs: list[dict[str, Any]]) -> None:
    text = dumps(objs)
    assert _exercises_cell(text, _ExerciseParts()) == slow_summary(text) is not None


def test_a_cut_inside_a_nested_list_falls_back() -> None:
    """``},{"name":`` also occurs where a set object is followed by one with a name."""
    text = dumps(
        [{"name": "a", "side": None, "status": "done", "sets_done": 1, "sets": [{}, {"name": 1}]}]
    )
    assert '},{"name":' in text
    assert _exercises_cell(text, _ExerciseParts()) is None
    assert slow_summary(text) is None
    spaced = (
        '[{"name":"a","status":"done","sets_done":1} , {"name":"b","status":"x","sets_done":0}]'
    )
    assert _exercises_cell(spaced, _ExerciseParts()) is None
    assert slow_summary(spaced) == "a: done 1 set; b: x"
