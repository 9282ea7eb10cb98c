"""Durations and counts as trainers write them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hiptimer.durations import (
    BREATH_UNITS,
    EN_DASH,
    HOURS_UNITS,
    MINUTES_UNITS,
    SECONDS_UNITS,
    ParseError,
    format_seconds,
    is_breath_text,
    parse_count,
    parse_duration,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30", 30),
        ("30s", 30),
        ("45 sec", 45),
        ("1m", 60),
        ("1 min 30 s", 90),
        ("90 seconds", 90),
        ("10 min", 600),
        ("1h", 3600),
        ("1.5 min", 90),
        ("1m30s", 90),
        ("2 Minutes", 120),
        ("  20 SEC ", 20),
        ("1 hour 1 minute 1 second", 3661),
        (".5 min", 30),
        (30, 30),
        (2.5, 2.5),
    ],
)
def test_duration_forms(text: object, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "empty"),
        ("0", "more than zero"),
        ("0s", "more than zero"),
        (0, "more than zero"),
        (-5, "positive"),
        ("-5s", "positive"),
        ("30 sex", "did you mean 'sec'"),
        ("1 30", "no unit"),
        ("30-45s", "range"),
        ("5 to 7 min", "range"),
        ("5 breaths", "breath count"),
        ("1 min 2 min", "same unit twice"),
        ("abc", "cannot read"),
        (True, "true/false"),
        (None, "expected a duration"),
        ([30], "expected a duration"),
        (float("inf"), "infinite"),
        (float("nan"), "not a number"),
    ],
)
def test_duration_errors(text: object, needle: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_duration(text)
    assert needle in str(info.value)


def test_zero_allowed_when_asked() -> None:
    assert parse_duration("0s", allow_zero=True) == 0
    assert parse_duration(0, allow_zero=True) == 0
    with pytest.raises(ParseError):
        parse_duration(-1, allow_zero=True)


@pytest.mark.parametrize(
    ("text", "low", "high", "shown", "unit"),
    [
        ("8", 8, 8, "8", ""),
        (8, 8, 8, "8", ""),
        (8.0, 8, 8, "8", ""),
        ("5-7", 5, 7, f"5{EN_DASH}7", ""),
        (f"5{EN_DASH}7", 5, 7, f"5{EN_DASH}7", ""),
        ("5 to 7", 5, 7, "5 to 7", ""),
        ("8-10 breaths", 8, 10, f"8{EN_DASH}10 breaths", "breaths"),
        ("8 - 10  breaths", 8, 10, f"8{EN_DASH}10 breaths", "breaths"),
        ("5 breaths", 5, 5, "5 breaths", "breaths"),
        ("1 breath", 1, 1, "1 breath", "breath"),
        ("3-3", 3, 3, f"3{EN_DASH}3", ""),
    ],
)
def test_count_forms(text: object, low: int, high: int, shown: str, unit: str) -> None:
    c = parse_count(text, BREATH_UNITS)
    assert (c.low, c.high, c.text, c.unit) == (low, high, shown, unit)
    assert c.is_range == (low != high)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("0", "at least 1"),
        (0, "at least 1"),
        (-3, "at least 1"),
        ("-3", "at least 1"),
        ("0-5", "at least 1"),
        ("10-8", "reversed"),
        ("7 to 5", "reversed"),
        ("8.5", "whole number"),
        (8.5, "whole number"),
        ("8-10 breathes", "did you mean 'breaths'"),
        ("5 reps", "unexpected word"),
        ("many", "cannot read"),
        ("", "empty"),
        (True, "true/false"),
        (None, "expected a count"),
    ],
)
def test_count_errors(text: object, needle: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_count(text, BREATH_UNITS)
    assert needle in str(info.value)


def test_is_breath_text() -> None:
    assert is_breath_text("5 breaths")
    assert is_breath_text("8-10 breaths")
    assert is_breath_text("8-10 breathes")  # a near miss still reads as breaths
    assert not is_breath_text("30s")
    assert not is_breath_text(5)
    assert not is_breath_text("")


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(30, "30s"), (90, "1m 30s"), (600, "10m"), (3900, "1h 5m"), (0, "0s"), (2.5, "2.5s")],
)
def test_format_seconds(seconds: float, text: str) -> None:
    assert format_seconds(seconds) == text


# ---------------------------------------------------------------- properties

units = {1: SECONDS_UNITS, 60: MINUTES_UNITS, 3600: HOURS_UNITS}


@given(
    h=st.integers(0, 5),
    m=st.integers(0, 59),
    s=st.integers(0, 59),
    unit_pick=st.integers(0, 4),
    space=st.sampled_from(["", " ", "  "]),
    upper=st.booleans(),
)
def test_duration_round_trip(
    h: int, m: int, s: int, unit_pick: int, space: str, upper: bool
) -> None:
    parts = []
    for amount, factor in ((h, 3600), (m, 60), (s, 1)):
        if amount:
            word = units[factor][unit_pick]
            parts.append(f"{amount}{space}{word.upper() if upper else word}")
    total = h * 3600 + m * 60 + s
    if not parts:
        with pytest.raises(ParseError):
            parse_duration("0s")
        return
    assert parse_duration(" ".join(parts)) == total
    assert parse_duration(format_seconds(total)) == total


@given(st.integers(1, 10**6))
def test_plain_number_is_seconds(n: int) -> None:
    assert parse_duration(str(n)) == n
    assert parse_duration(n) == n


@given(
    a=st.integers(1, 2000),
    b=st.integers(1, 2000),
    sep=st.sampled_from(["-", EN_DASH, " - ", " to ", f" {EN_DASH} "]),
    unit=st.sampled_from(["", " breaths", " breath"]),
)
def test_range_order(a: int, b: int, sep: str, unit: str) -> None:
    text = f"{a}{sep}{b}{unit}"
    if b < a:
        with pytest.raises(ParseError, match="reversed"):
            parse_count(text, BREATH_UNITS)
        return
    c = parse_count(text, BREATH_UNITS)
    assert (c.low, c.high) == (a, b)
    assert "-" not in c.text  # hyphen shown as an en dash
    assert str(a) in c.text and str(b) in c.text


@given(st.text(max_size=30))
def test_parsers_raise_only_parse_error(text: str) -> None:
    for fn in (parse_duration, lambda t: parse_count(t, BREATH_UNITS)):
        try:
            value = fn(text)
        except ParseError:
            continue
        assert value is not None


def test_remembered_texts_keep_their_own_answers() -> None:
    """The parsers remember texts they have read (a library repeats them): the answer
    still depends on every argument, and a text that failed fails again."""
    from hiptimer.durations import parse_duration_range

    for _ in range(2):
        assert parse_duration("0s", allow_zero=True) == 0
        with pytest.raises(ParseError):
            parse_duration("0s")
        assert parse_count("8 breaths", ("breath", "breaths")).unit == "breaths"
        with pytest.raises(ParseError):
            parse_count("8 breaths")
        with pytest.raises(ParseError):
            parse_duration("30 sex")
        assert parse_duration_range("5-10s").text == "5\u201310s"
        assert parse_duration_range(5).text == "5s"
        assert is_breath_text("8 breaths") and not is_breath_text("8 reps")
        assert not is_breath_text(8)
