"""What a session did, per exercise and side: shared by the engine and the store."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

ExerciseStatus = Literal["done", "skipped", "partial"]
SessionStatus = Literal["running", "completed", "stopped", "interrupted"]

#: A set's seconds are logged in tenths (``hiptimer history --json``'s ``seconds``).
SET_SECONDS_DECIMALS = 1


def logged_seconds(seconds: float) -> float:
    """A set's seconds as the log keeps them."""
    return round(float(seconds), SET_SECONDS_DECIMALS)


def whole_seconds(seconds: float) -> int:
    """A set's seconds as a screen shows them: whole seconds, rounded half up from the
    logged tenths, so that the summary (from the session) and the history (from the
    log) say the same. Rounding the exact 1.46 s gave 1 on the summary; the log's 1.5
    gave 2 in the history."""
    return math.floor(logged_seconds(seconds) + 0.5)


@dataclass(frozen=True)
class SetResult:
    """One set of one exercise on one side: done, partial (with the seconds
    done) or skipped. ``seconds`` is the time spent in the set (the longest
    attempt when it was begun more than once)."""

    set: int  # 1-based
    status: ExerciseStatus
    seconds: float


@dataclass(frozen=True)
class ExerciseResult:
    """An exercise on one side. Sets never reached (a session stopped or
    interrupted before them) have no :class:`SetResult`; an exercise none of
    whose sets was reached has no ExerciseResult."""

    name: str
    side: str | None  # "left", "right" or None
    status: ExerciseStatus
    sets_done: int
    sets: tuple[SetResult, ...] = ()


#: Rank of a set's status when it was begun more than once: the best attempt counts.
STATUS_RANK: dict[ExerciseStatus, int] = {"skipped": 0, "partial": 1, "done": 2}


def better(a: SetResult | None, b: SetResult) -> SetResult:
    """The record of a set begun twice: done beats partial beats skipped;
    between equals, the longer attempt."""
    if a is None:
        return b
    ra, rb = STATUS_RANK[a.status], STATUS_RANK[b.status]
    if ra != rb:
        return a if ra > rb else b
    return a if a.seconds >= b.seconds else b
