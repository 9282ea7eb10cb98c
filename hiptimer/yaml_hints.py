"""YAML syntax errors in words a routine author understands, with the fix. Pure.

The YAML parser reports where it gave up, in its own terms ("mapping values
are not allowed in this context", "found character that cannot start any
token"), often a line after the mistake. :func:`explain` looks at the text
around that place and names the usual mistakes of hand-written routines:

- a tab in the indentation ("YAML cannot indent with tabs; use spaces");
- a key that is indented more or less than the keys it belongs with (which
  line, how it is indented, against which line);
- text that contains ``': '`` without quotes;
- a key without its colon, reported at its own line.

It returns None when none of these fits; the loader then keeps the parser's
words. Lines and columns are 1-based, like every routine error.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection

Hint = tuple[int, int, str]

_KEY_LINE = re.compile(
    r"^(?P<indent> *)(?P<dash>- +)?(?P<key>[^\s:#'\"{}\[\],&*!|>-][^:#]*?)\s*:(?:\s|$)"
)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _content(line: str) -> bool:
    s = line.strip()
    return bool(s) and not s.startswith("#")


def _show(text: str, limit: int = 40) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _spaces(n: int) -> str:
    return "1 space" if n == 1 else f"{n} spaces"


#: Words authors write for a key, and the key(s) they mean.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "instructions": ("how",),
    "instruction": ("how",),
    "howto": ("how",),
    "how_to": ("how",),
    "cue": ("how",),
    "cues": ("how",),
    "rest_between_sets": ("set_rest",),
    "rest_between": ("set_rest",),
    "between_sets": ("set_rest",),
    "set_pause": ("set_rest",),
    "rest_sets": ("set_rest",),
    "duration": ("hold", "time"),
    "length": ("hold", "time"),
    "seconds": ("hold", "time"),
    "minutes": ("time",),
    "hold_time": ("hold",),
    "repetitions": ("reps",),
    "repeats": ("reps",),
    "count": ("reps",),
    "rounds": ("sets",),
    "side": ("sides",),
    "notes": ("note",),
    "caution": ("note",),
    "warning": ("note",),
    "picture": ("image",),
    "photo": ("image",),
    "img": ("image",),
    "title": ("name",),
    "preparation": ("prep",),
    "get_ready": ("prep",),
    "ready": ("prep",),
    "pause": ("rest",),
    "breaths": ("hold",),
    "breath_length": ("breath",),
    "switch_sides": ("switch",),
    "coach_note": ("coach",),
    "trainer": ("coach",),
    "exercise": ("exercises",),
    "tag": ("tags",),
    "parts": ("phases",),
}


def did_you_mean(word: str, allowed: Collection[str]) -> str:
    """`` (did you mean 'how'?)`` for a close or synonymous key that ``allowed``
    holds; "" when there is none (a suggestion is always a key allowed here)."""
    w = word.strip().lower().replace("-", "_").replace(" ", "_")
    choices = [c for c in SYNONYMS.get(w, ()) if c in allowed]
    if not choices:
        choices = difflib.get_close_matches(w, list(allowed), n=1, cutoff=0.6)
    if not choices:
        return ""
    return " (did you mean " + " or ".join(f"'{c}'" for c in choices) + "?)"


def _previous_content(lines: list[str], index: int) -> int | None:
    """0-based index of the nearest content line before ``index``."""
    for i in range(index - 1, -1, -1):
        if _content(lines[i]):
            return i
    return None


def _key_of(line: str) -> tuple[int, str] | None:
    """(0-based column, key) of a ``key: value`` line, after an optional '- '."""
    m = _KEY_LINE.match(line)
    if m is None:
        return None
    return m.start("key"), m.group("key").strip()


def _tab(lines: list[str], upto: int) -> Hint | None:
    for i, line in enumerate(lines[: upto + 1]):
        lead = line[: len(line) - len(line.lstrip(" \t-"))]
        if "\t" in lead and _content(line):
            return (i + 1, lead.index("\t") + 1, "YAML cannot indent with tabs; use spaces")
    return None


_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_BLOCK_SCALAR = re.compile(r":\s*[|>][-+]?\d?\s*(?:#.*)?$")


def _text_above(lines: list[str], index: int) -> int | None:
    """0-based line of the ``key:`` whose text the line at ``index`` would
    continue (the lines between are text), or None."""
    for i in range(index - 1, -1, -1):
        above = lines[i]
        if not _content(above):
            continue
        if _key_of(above) is not None:
            value = above.split(":", 1)[1].strip()
            return i if value and not value.startswith("#") else None
        if _BLOCK_SCALAR.search(above):
            return i
    return None


def _missing_colon(
    lines: list[str], index: int, col: int, keys: Collection[str] = ()
) -> Hint | None:
    line = lines[index]
    rest = line[col:].strip()
    word, _, value = rest.partition(" ")
    if not word:
        return None
    owner = _text_above(lines, index)
    if owner is not None and not _is_key(word, keys) and index > owner + 1:
        # a line of text that slipped left of the text it belongs to
        p = _previous_content(lines, index)
        y = _indent(lines[p]) if p is not None else 0
        key = _key_of(lines[owner])
        name = f"'{key[1]}'" if key else "the text"
        return (
            index + 1,
            _indent(line) + 1,
            f"bad indentation: line {index + 1} reads as more of the text of {name} "
            f"(line {owner + 1}) but is indented by {_spaces(_indent(line))}, not "
            f"{_spaces(y)} like the line above; indent it like the rest of the text",
        )
    fix = f"{word}: {value.strip()}" if value.strip() else f"{word}:"
    return (index + 1, col + 1, f"missing ':' after '{_show(word)}'; write '{_show(fix)}'")


def _is_key(word: str, keys: Collection[str]) -> bool:
    w = word.strip().lower()
    return w in keys or bool(difflib.get_close_matches(w, list(keys), n=1, cutoff=0.8))


def _bad_indent(lines: list[str], index: int) -> Hint | None:
    """The line at ``index`` does not line up: compare it with the nearest line
    above of the same kind (a list '-' with a '-', a key with a key)."""
    line = lines[index]
    x = _indent(line)
    dash = line.lstrip(" ").startswith("- ") or line.strip() == "-"
    for i in range(index - 1, -1, -1):
        above = lines[i]
        if not _content(above):
            continue
        if dash:
            if not above.lstrip(" ").startswith("-"):
                continue
            y = _indent(above)
            what, ref = "this '-'", "the '-'"
            why = "the items of one list start in the same column"
        else:
            found = _key_of(above)
            if found is None:
                continue
            y, key = found
            here = _key_of(line)
            what = f"'{_show(here[1])}'" if here else "this line"
            ref = f"'{_show(key)}'"
            why = "the keys of one mapping start in the same column"
        if y == x:
            return None
        return (
            index + 1,
            x + 1,
            f"bad indentation: {what} on line {index + 1} is indented by {_spaces(x)}, but "
            f"{ref} on line {i + 1} is indented by {_spaces(y)}; line them up ({why})",
        )
    return None


def _mapping_values(lines: list[str], index: int, col: int, keys: Collection[str]) -> Hint | None:
    """``mapping values are not allowed``: a ': ' where YAML expected none."""
    line = lines[index]
    before = line[:col]
    found = _key_of(line)
    if found is not None and found[0] + len(found[1]) < col - 1:
        # a second ': ' on a line that already has its key: text with a colon
        key_col, key = found
        value_col = line.index(":", key_col + len(key)) + 1
        while value_col < len(line) and line[value_col] == " ":
            value_col += 1
        value = line[value_col:].strip()
        return (
            index + 1,
            value_col + 1,
            f"put text that contains ': ' in quotes: {key}: \"{_show(value)}\"",
        )
    # the line is a key that YAML read as more of the text above it
    p = _previous_content(lines, index)
    if p is None:
        return None
    above = lines[p]
    if _key_of(above) is None and not above.rstrip().endswith(":"):
        start = _indent(above)
        if above.lstrip(" ").startswith("- "):
            start += len(above.lstrip(" ")) - len(above.lstrip(" ")[1:].lstrip(" "))
        return _missing_colon(lines, p, start, keys)
    word = before.strip().lstrip("-").strip()
    if _is_key(word, keys):
        return _bad_indent(lines, index)
    found_above = _key_of(above)
    if found_above is not None:
        return (
            index + 1,
            col + 1,
            f"the text of '{found_above[1]}' (line {p + 1}) goes on with ': ' here; put text "
            "that contains ': ' in quotes",
        )
    return None


def explain(
    text: str,
    problem: str | None,
    problem_mark: tuple[int, int] | None,
    context_mark: tuple[int, int] | None,
    keys: Collection[str] = (),
) -> Hint | None:
    """A plain-words hint for a YAML syntax error, or None.

    ``problem_mark`` and ``context_mark`` are the parser's 0-based (line,
    column); ``keys`` the keys a routine may use (to tell a misplaced key from
    text)."""
    lines = _LINE_BREAK.split(text)  # as the parser counts lines (CR, NEL, LS, PS too)
    if problem_mark is None:
        return None
    pline, pcol = problem_mark
    pline = min(pline, len(lines) - 1)
    tab = _tab(lines, pline)
    if tab is not None:
        return tab
    problem = problem or ""
    if "could not find expected ':'" in problem and context_mark is not None:
        cline, ccol = context_mark
        return _missing_colon(lines, cline, ccol, keys)
    if "mapping values are not allowed" in problem:
        return _mapping_values(lines, pline, pcol, keys)
    if (
        "expected '-' indicator" in problem
        or "expected key" in problem
        or "expected <block end>" in problem
    ):
        return _bad_indent(lines, pline)
    return None
