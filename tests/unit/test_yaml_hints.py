"""Mistakes in words: YAML syntax errors a person makes by hand, and "did you mean"."""

from __future__ import annotations

import itertools
import re

import pytest

from hiptimer.loader import RoutineErrors, load_routine_text
from hiptimer.yaml_hints import did_you_mean


def first_error(text: str) -> tuple[int, int, str]:
    with pytest.raises(RoutineErrors) as info:
        load_routine_text(text, "r.yaml")
    e = info.value.errors[0]
    return e.line, e.col, e.message


def test_a_tab_says_use_spaces_at_the_tab() -> None:
    line, col, msg = first_error("name: R\nexercises:\n  - name: A\n\thold: 30s\n")
    assert (line, col) == (4, 1)
    assert msg == "YAML cannot indent with tabs; use spaces"


def test_a_tab_after_a_dash_is_found_too() -> None:
    line, col, msg = first_error("name: R\nexercises:\n  -\tname: A\n    hold: 30s\n")
    assert line == 3 and "tabs" in msg


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        (  # one space short
            "name: R\nexercises:\n  - name: A\n    hold: 30s\n   sides: each\n",
            (5, 4),
            ["'sides' on line 5 is indented by 3 spaces", "'hold' on line 4", "by 4 spaces"],
        ),
        (  # two spaces too many
            "name: R\nexercises:\n  - name: A\n    hold: 30s\n      sides: each\n",
            (5, 7),
            ["'sides' on line 5 is indented by 6 spaces", "'hold' on line 4", "by 4 spaces"],
        ),
        (  # a top-level key indented
            "name: R\n  exercises:\n  - name: A\n    hold: 30s\n",
            (2, 3),
            ["'exercises' on line 2 is indented by 2 spaces", "'name' on line 1"],
        ),
        (  # list items that do not line up
            "name: R\nexercises:\n - name: A\n   hold: 30s\n  - name: B\n    hold: 30s\n",
            (5, 3),
            ["this '-' on line 5 is indented by 2 spaces", "'-' on line 3", "1 space"],
        ),
        (  # far left
            "name: R\nexercises:\n  - name: A\n    hold: 30s\n sides: each\n",
            (5, 2),
            ["'sides' on line 5 is indented by 1 space", "by 4 spaces"],
        ),
    ],
)
def test_bad_indentation_names_the_line_and_both_indents(
    text: str, where: tuple[int, int], words: list[str]
) -> None:
    line, col, msg = first_error(text)
    assert (line, col) == where, msg
    assert msg.startswith("bad indentation: ")
    for w in words:
        assert w in msg


def test_an_unquoted_colon_in_text_says_put_it_in_quotes() -> None:
    line, col, msg = first_error(
        "name: R\nexercises:\n  - name: A\n    how: Lie down: knees bent\n    hold: 30s\n"
    )
    assert (line, col) == (4, 10)  # where the text starts, where the quote goes
    assert "put text that contains ': ' in quotes" in msg
    assert 'how: "Lie down: knees bent"' in msg


def test_a_colon_in_text_on_a_continuation_line_is_text_not_a_key() -> None:
    line, _col, msg = first_error(
        "name: R\nexercises:\n  - name: A\n    how: Lie down and\n      relax: now\n    hold: 30s\n"
    )
    assert line == 5
    assert "put text that contains ': ' in quotes" in msg and "'how' (line 4)" in msg


@pytest.mark.parametrize(
    ("text", "where", "fix"),
    [
        ("name: R\nexercises:\n  - name: A\n    hold 30s\n    sides: each\n", (4, 5), "hold: 30s"),
        (
            "name: R\nexercises:\n  - name: A\n    hold: 30s\n    sides each\n",
            (5, 5),
            "sides: each",
        ),
        ("name: R\nexercises:\n  - name: A\n    hold: 30s\n    sides each", (5, 5), "sides: each"),
        ("name: R\ndescription Hello\nexercises:\n  - name: A\n    hold: 30s\n", (2, 1), None),
        ("name: R\nexercises:\n  - name A\n    hold: 30s\n", (3, 5), "name: A"),
    ],
)
def test_a_missing_colon_is_reported_at_its_own_line(
    text: str, where: tuple[int, int], fix: str | None
) -> None:
    line, col, msg = first_error(text)
    assert (line, col) == where, msg
    assert msg.startswith("missing ':' after ")
    if fix:
        assert f"write '{fix}'" in msg


@pytest.mark.parametrize(
    ("key", "meant"),
    [
        ("instructions", "'how'"),
        ("rest_between_sets", "'set_rest'"),
        ("duration", "'hold' or 'time'"),
        ("repetitions", "'reps'"),
        ("picture", "'image'"),
        ("hodl", "'hold'"),
    ],
)
def test_did_you_mean_covers_synonyms(key: str, meant: str) -> None:
    _line, _col, msg = first_error(
        f"name: R\nexercises:\n  - name: A\n    hold: 5s\n    {key}: 3\n"
    )
    assert f"unknown key '{key}' in an exercise (did you mean {meant}?)" == msg


def test_a_synonym_is_only_suggested_where_its_key_is_allowed() -> None:
    assert did_you_mean("duration", ("prep", "rest", "set_rest")) == ""
    assert did_you_mean("rest_between_sets", ("prep", "rest", "set_rest")) == (
        " (did you mean 'set_rest'?)"
    )


FIELDS = ("hold", "reps", "time", "tempo", "sets", "sides", "countdown", "prep", "breath")
WRONG = (
    "3x",
    "30 sex",
    "8 breathes",
    "5 reps",
    "3 sec",
    "eachh",
    "8 rep",
    "10 minn",
    "3 sets",
    "5 seconds",
    "3 breaths",
    "5-10 secs",
    "3 tims",
    "alternat",
    "8 repz",
    "5 breth",
    "3 to 4 sets",
)


def _doc(field: str, value: str) -> str:
    dose = "" if field in ("hold", "reps", "time") else "    reps: 8\n"
    return f"name: R\nexercises:\n  - name: E\n{dose}    {field}: {value}\n"


def test_no_message_suggests_what_the_field_cannot_take() -> None:
    """Every "did you mean X" for a value, written back in, is a value the field takes
    (it may still be too large; it is never again a word the field does not know)."""
    suggestions = 0
    for field, value in itertools.product(FIELDS, WRONG):
        try:
            load_routine_text(_doc(field, value), "r.yaml")
            continue
        except RoutineErrors as e:
            messages = [x.message for x in e.errors]
        for m in messages:
            for word in re.findall(r"did you mean '([^']+)'", m):
                suggestions += 1
                fixed = re.sub(r"[A-Za-z]+$", word, value) if re.search(r"\d", value) else word
                try:
                    load_routine_text(_doc(field, fixed), "r.yaml")
                except RoutineErrors as again:
                    for x in again.errors:
                        assert not re.search(
                            r"unknown|unexpected|cannot read|did you mean|must be", x.message
                        ), (field, value, m, fixed, x.message)
    assert suggestions >= 8  # the check saw real suggestions


def test_sets_with_a_unit_word_suggests_no_unit() -> None:
    _line, _col, msg = first_error(_doc("sets", "3 sec"))
    assert "did you mean" not in msg
    assert "write only a number or a range" in msg


def test_a_text_line_that_slipped_left_is_bad_indentation_not_a_missing_colon() -> None:
    line, col, msg = first_error(
        "name: R\nexercises:\n  - name: A\n    how: >-\n      Lie down,\n    and relax\n"
        "    hold: 30s\n"
    )
    assert (line, col) == (6, 5)
    assert "more of the text of 'how' (line 4)" in msg
    assert "indented by 4 spaces, not 6 spaces" in msg
