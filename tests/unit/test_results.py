"""A partial set's seconds: the same on the summary (the session's exact figure) as in
the history (the log's tenths)."""

from __future__ import annotations

from hiptimer.results import ExerciseResult, SetResult, logged_seconds, whole_seconds
from hiptimer.store import _exercises_json, exercises_from_json


def test_whole_seconds_are_the_same_from_the_exact_figure_as_from_the_log() -> None:
    # seen: a set left after 1.46 s said "1 s" on the summary and "2 s" in the history
    assert logged_seconds(1.46) == 1.5
    assert whole_seconds(1.46) == whole_seconds(1.5) == 2
    for hundredths in range(0, 2000):
        exact = hundredths / 100 + 0.004
        assert whole_seconds(exact) == whole_seconds(logged_seconds(exact)), exact


def test_whole_seconds_round_half_up() -> None:
    assert [whole_seconds(s) for s in (0.44, 0.45, 0.5, 1.5, 2.5, 2.44)] == [0, 1, 1, 2, 3, 2]


def test_the_log_keeps_a_sets_seconds_in_tenths() -> None:
    result = ExerciseResult("Pigeon", "left", "partial", 0, (SetResult(1, "partial", 1.46),))
    (back,) = exercises_from_json(_exercises_json([result]))
    assert back.sets[0].seconds == logged_seconds(1.46) == 1.5
    assert whole_seconds(back.sets[0].seconds) == whole_seconds(result.sets[0].seconds)
