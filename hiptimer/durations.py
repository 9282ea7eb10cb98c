"""Durations and counts as trainers write them: pure parsing, no I/O.

Durations: ``30`` (seconds), ``30s``, ``45 sec``, ``1m``, ``1 min 30 s``,
``90 seconds``, ``10 min``, ``1h``, ``1.5 min``. Several ``number unit``
parts add up; the units are case-insensitive.

Counts: ``8``, ``5-7``, ``5–7`` (en dash), ``5 to 7``, optionally followed
by a unit word (``8-10 breaths``). A range is kept as written for display,
with a hyphen shown as an en dash (``8–10 breaths``).

Every failure raises :class:`ParseError` with a message the author can read;
the loader adds the file position.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from dataclasses import dataclass

SECONDS_UNITS: tuple[str, ...] = ("s", "sec", "secs", "second", "seconds")
MINUTES_UNITS: tuple[str, ...] = ("m", "min", "mins", "minute", "minutes")
HOURS_UNITS: tuple[str, ...] = ("h", "hr", "hrs", "hour", "hours")
BREATH_UNITS: tuple[str, ...] = ("breath", "breaths")

#: unit word -> seconds it stands for
UNIT_SECONDS: dict[str, float] = {
    **dict.fromkeys(SECONDS_UNITS, 1.0),
    **dict.fromkeys(MINUTES_UNITS, 60.0),
    **dict.fromkeys(HOURS_UNITS, 3600.0),
}

EN_DASH = "\u2013"
_NUMBER = r"\d+(?:\.\d+)?|\.\d+"
_PART = re.compile(rf"\s*({_NUMBER})\s*([^\W\d_]*)\s*", re.UNICODE)
_INT = r"\d+"
_RANGE = re.compile(r"\d\s*(?:-|\u2013|\u2014|to\b)\s*\d", re.IGNORECASE)
_COUNT = re.compile(
    rf"^\s*(?P<low>{_INT})(?:\s*(?P<sep>-|{EN_DASH}|\u2014|to)\s*(?P<high>{_INT}))?"
    r"\s*(?P<unit>[^\W\d_]*)\s*$",
    re.UNICODE | re.IGNORECASE,
)


#: Digits read in a count; more is far beyond any limit (and Python's int() refuses 4,300+).
MAX_COUNT_DIGITS = 15


def _short(text: str, limit: int = 24) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


class ParseError(ValueError):
    """A duration or count that does not parse; ``str()`` is the message."""


@dataclass(frozen=True)
class Count:
    """A count or a range of counts; ``low == high`` unless it is a range."""

    low: int
    high: int
    text: str  # as written, hyphen shown as an en dash
    unit: str = ""  # the unit word as written (lowercase), e.g. "breaths"

    @property
    def is_range(self) -> bool:
        return self.low != self.high


def _suggest(word: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


#: Texts remembered by each parser. A library repeats the same few values ("30s",
#: "8-10 breaths") thousands of times over, and a first scan parses every file.
_CACHED_TEXTS = 512


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def parse_duration(value: object, *, allow_zero: bool = False) -> float:
    """Seconds from a number (seconds) or a text like ``1 min 30 s``.

    Raises :class:`ParseError` for anything else, negative included, and
    zero unless ``allow_zero``. Upper bounds (a hold over an hour) are the
    caller's business.
    """
    if isinstance(value, bool):
        raise ParseError("expected a duration like 30s or 1 min, not true/false")
    if _is_number(value):
        try:
            seconds = float(value)  # type: ignore[arg-type]
        except OverflowError:  # an int too large for a float
            raise ParseError("duration is far too large") from None
        _check_positive(seconds, str(value), allow_zero)
        return seconds
    if not isinstance(value, str):
        raise ParseError("expected a duration like 30s or 1 min")
    return _duration_text(value, allow_zero)


@functools.lru_cache(maxsize=_CACHED_TEXTS)
def _duration_text(value: str, allow_zero: bool) -> float:
    text = value.strip()
    if not text:
        raise ParseError("empty duration; write e.g. 30s or 1 min")
    if text.startswith("-"):
        raise ParseError(f"duration must be positive, not {text!r}")
    if _RANGE.search(text):
        raise ParseError(f"a duration cannot be a range: {text!r}; give one value")
    total = 0.0
    pos = 0
    seen_units: set[float] = set()
    while pos < len(text):
        m = _PART.match(text, pos)
        if m is None or m.end() == pos:
            raise ParseError(
                f"cannot read duration {text!r}; write e.g. 30, 30s, 45 sec, 1 min 30 s"
            )
        number, unit = m.group(1), m.group(2).lower()
        if unit == "":
            if m.end() != len(text) or pos != 0:
                raise ParseError(
                    f"cannot read duration {text!r}: {number} has no unit; write e.g. 1 min 30 s"
                )
            factor = 1.0
        elif unit in UNIT_SECONDS:
            factor = UNIT_SECONDS[unit]
        elif unit in BREATH_UNITS:
            raise ParseError(f"{text!r} is a breath count, not a duration")
        else:
            hint = _suggest(unit, list(UNIT_SECONDS))
            raise ParseError(f"unknown unit {unit!r} in duration {text!r}{hint}")
        if factor in seen_units:
            raise ParseError(f"duration {text!r} gives the same unit twice")
        seen_units.add(factor)
        total += float(number) * factor
        pos = m.end()
    _check_positive(total, text, allow_zero)
    return total


_DURATION_RANGE = re.compile(
    r"^(?P<low>.*?\S)\s*(?P<sep>-|\u2013|\u2014|\bto\b)\s*(?P<high>\d.*)$", re.IGNORECASE
)


@dataclass(frozen=True)
class DurationRange:
    """A duration or a range of durations, in seconds; ``low == high`` unless a range."""

    low: float
    high: float
    text: str  # as written, a hyphen between the numbers shown as an en dash

    @property
    def is_range(self) -> bool:
        return self.low != self.high


def parse_duration_range(value: object) -> DurationRange:
    """A duration (see :func:`parse_duration`) or a range of them: ``5-10s``,
    ``5 to 10 seconds``, ``30s-1 min``. When only the upper end has a unit
    (``5-10s``) the lower end takes it. Reversed ranges raise :class:`ParseError`.
    """
    if isinstance(value, str):
        return _duration_range_text(value)
    seconds = parse_duration(value)
    return DurationRange(seconds, seconds, f"{seconds:g}s")


@functools.lru_cache(maxsize=_CACHED_TEXTS)
def _duration_range_text(value: str) -> DurationRange:
    m = _DURATION_RANGE.match(" ".join(value.split()))
    if m is not None and re.match(r"\s*\d", m.group("low")):
        text = " ".join(str(value).split())
        low_text, high_text = m.group("low").strip(), m.group("high").strip()
        if _DURATION_RANGE.match(high_text):
            raise ParseError(f"cannot read duration range {text!r}; write e.g. 5-10s")
        high = parse_duration(high_text)
        if re.fullmatch(_NUMBER, low_text):
            # ``5-10s``: the lower end takes the upper end's unit
            unit = re.sub(rf"^\s*(?:{_NUMBER})\s*", "", high_text)
            if re.search(r"\d", unit):
                raise ParseError(f"cannot read duration range {text!r}: give {low_text} a unit")
            low = parse_duration(f"{low_text} {unit}" if unit else low_text)
        else:
            low = parse_duration(low_text)
        if high < low:
            raise ParseError(
                f"range {text!r} is reversed; write the shorter duration first "
                f"({format_seconds(high)}-{format_seconds(low)})"
            )
        sep = m.group("sep")
        shown = f"{low_text}{EN_DASH}{high_text}" if sep in ("-", "\u2014") else text
        return DurationRange(low, high, shown)
    seconds = parse_duration(value)
    return DurationRange(seconds, seconds, " ".join(value.split()))


def _check_positive(seconds: float, text: str, allow_zero: bool = False) -> None:
    if math.isnan(seconds):
        raise ParseError("duration is not a number")
    if math.isinf(seconds):
        raise ParseError("duration is infinite")
    if seconds < 0:
        raise ParseError(f"duration must be positive, not {text}")
    if seconds == 0 and not allow_zero:
        raise ParseError(f"duration must be more than zero, not {text}")


def parse_count(value: object, units: tuple[str, ...] = ()) -> Count:
    """A whole count or range: ``8``, ``5-7``, ``5–7``, ``5 to 7``, ``8-10 breaths``.

    ``units`` are the unit words allowed after the number (none by
    default). Zero, negative and reversed ranges raise :class:`ParseError`.
    Upper bounds are the caller's business.
    """
    if isinstance(value, bool):
        raise ParseError("expected a count like 8 or 5-7, not true/false")
    if isinstance(value, float):
        if value.is_integer():
            value = int(value)
        else:
            raise ParseError(f"expected a whole number, not {value}")
    if isinstance(value, int):
        if value <= 0:
            raise ParseError(f"count must be at least 1, not {value}")
        return Count(value, value, str(value))
    if not isinstance(value, str):
        raise ParseError("expected a count like 8 or a range like 5-7")
    return _count_text(value, units)


@functools.lru_cache(maxsize=_CACHED_TEXTS)
def _count_text(value: str, units: tuple[str, ...]) -> Count:
    text = " ".join(value.split())
    if not text:
        raise ParseError("empty count; write e.g. 8 or 5-7")
    if text.startswith("-"):
        raise ParseError(f"count must be at least 1, not {text!r}")
    m = _COUNT.match(text)
    if m is None:
        if re.search(r"\d\.\d", text):
            raise ParseError(f"expected a whole number, not {text!r}")
        raise ParseError(f"cannot read count {text!r}; write e.g. 8 or 5-7")
    unit = m.group("unit").lower()
    if unit and unit not in units:
        if units:
            hint = _suggest(unit, units) or f" (expected {' or '.join(units)})"
        else:
            # no unit is allowed here: suggesting a near unit would suggest an error
            hint = " (write only a number or a range)"
        raise ParseError(f"unexpected word {unit!r} in {text!r}{hint}")
    if max(len(m.group("low")), len(m.group("high") or "")) > MAX_COUNT_DIGITS:
        raise ParseError(f"count {_short(text)} is far too large")
    low = int(m.group("low"))
    high = int(m.group("high")) if m.group("high") is not None else low
    if low <= 0:
        raise ParseError(f"count must be at least 1, not {low}")
    if high < low:
        raise ParseError(
            f"range {text!r} is reversed; write the smaller number first ({high}-{low})"
        )
    sep = m.group("sep")
    if sep is not None and sep in ("-", "\u2014"):
        shown = text.replace(sep, EN_DASH, 1) if sep == "\u2014" else _en_dash(text)
    else:
        shown = text
    return Count(low, high, shown, unit)


def _en_dash(text: str) -> str:
    return re.sub(r"(\d)\s*-\s*(\d)", rf"\1{EN_DASH}\2", text, count=1)


def is_breath_text(value: object) -> bool:
    """True when ``value`` is text ending in a breath unit (``5 breaths``)."""
    return isinstance(value, str) and _breath_text(value)


@functools.lru_cache(maxsize=_CACHED_TEXTS)
def _breath_text(value: str) -> bool:
    words = value.strip().lower().split()
    if not words:
        return False
    last = re.sub(r"^[\d.\-\u2013\u2014]+", "", words[-1])
    if not last or last in UNIT_SECONDS:
        return False
    return last in BREATH_UNITS or bool(difflib.get_close_matches(last, BREATH_UNITS, 1, 0.75))


def format_seconds(seconds: float) -> str:
    """Short human form: ``30s``, ``1m 30s``, ``10m``, ``1h 5m``."""
    s = int(round(seconds))
    if abs(seconds - s) > 1e-9 and seconds < 60:
        return f"{seconds:g}s"
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    parts = []
    if h:
        parts.append(f"{h}h")
    if m:
        parts.append(f"{m}m")
    if sec or not parts:
        parts.append(f"{sec}s")
    return " ".join(parts)
