"""YAML routine files -> :class:`hiptimer.routine.Routine`, every error located.

The file is read as bytes (at most 1 MiB), decoded as UTF-8 and parsed
event by event (libyaml's C parser when available). The node tree is built
here, iteratively, so that:

- deep nesting never recurses (nesting is capped, with a located error);
- aliases are refused where they are written, so nothing can expand;
- tags that would construct objects are refused; scalars are resolved
  with YAML's own rules but only to text, numbers, true/false and null;
- a key given twice is reported at its second occurrence.

Then the tree is checked against the routine contract
(``shared/routine-format.md``, documented in ``docs/routine-format.md``)
and every problem found is collected, so an author sees all of a file's
errors at once as ``path:line:col: message`` (1-based, at the offending
value, or at the key for unknown and duplicate keys).
"""

from __future__ import annotations

import dataclasses
import difflib
import errno
import functools
import gc
import hashlib
import os
import re
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from hiptimer import durations, plan, safefile, wav, yaml_hints
from hiptimer.durations import BREATH_UNITS, Count, ParseError
from hiptimer.routine import (
    CUE_NAMES,
    TIMING_KEYS,
    Dose,
    Exercise,
    Phase,
    Routine,
    Sides,
    Timings,
)

if TYPE_CHECKING:
    from hiptimer.catalogue import Catalogue

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64
MAX_ERRORS = 200
MAX_HOLD_S = 3600.0
MAX_TIME_S = 12 * 3600.0
MAX_TIMING_S = 3600.0
MAX_BREATH_S = 60.0
MAX_TEMPO_S = 600.0
MAX_COUNT = 1000
MAX_COUNTDOWN = 60

ROUTINE_KEYS: tuple[str, ...] = ("name", "description", "tags", "defaults", "exercises", "sounds")
DOSE_KEYS: tuple[str, ...] = ("hold", "reps", "time")
EXERCISE_KEYS: tuple[str, ...] = (
    "use",
    "name",
    "how",
    "note",
    "coach",
    *DOSE_KEYS,
    "tempo",
    "phases",
    "sets",
    "sides",
    "image",
    "mirror",
    *TIMING_KEYS,
)
SIDES: tuple[str, ...] = ("none", "each", "alternate")
REP_UNITS: tuple[str, ...] = ("rep", "reps")
PHASE_KEYS: tuple[str, ...] = ("name", "hold")
MAX_PHASES = 20

_PARSER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_C_PARSER = _PARSER is not yaml.SafeLoader
_RESOLVER: Any = Resolver()
_CONSTRUCTOR = SafeConstructor()
#: Plain scalar -> its resolved tag (a function of the text alone): keys and common
#: values repeat within a file and across a library. Only short texts are kept,
#: and it is emptied when it grows past the limit.
_PLAIN_TAGS: dict[str, str] = {}
_PLAIN_TAGS_MAX = 4096
_PLAIN_TAG_TEXT = 40
_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null")}
_ALLOWED_TAGS = _SCALAR_TAGS | {_STD + "seq", _STD + "map", "!"}
# The characters YAML refuses (yaml.reader.Reader.NON_PRINTABLE).
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


@dataclass(frozen=True)
class RoutineError:
    """One problem in a routine file; ``str()`` is ``path:line:col: message``."""

    path: Path | str
    line: int  # 1-based
    col: int  # 1-based
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class RoutineErrors(Exception):
    """All the problems found in one routine file."""

    def __init__(self, errors: Sequence[RoutineError]) -> None:
        self.errors: list[RoutineError] = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


# --------------------------------------------------------------------------- nodes


class _Node:
    """A YAML node with its 1-based position (lighter than yaml.Node, no recursion)."""

    __slots__ = ("kind", "line", "col", "value", "items", "pairs", "reported")

    def __init__(
        self,
        kind: Literal["scalar", "seq", "map"],
        line: int,
        col: int,
        value: object = None,
        reported: bool = False,
    ) -> None:
        self.kind = kind
        self.line = line
        self.col = col
        self.value = value  # scalars: str, int, float, bool or None
        self.items: list[_Node] = [] if kind == "seq" else _NO_ITEMS
        # map: key text -> (key node, value node); first occurrence wins
        self.pairs: dict[str, tuple[_Node, _Node]] = {} if kind == "map" else _NO_PAIRS
        # already reported (an alias, a refused tag): later checks stay silent on it
        self.reported = reported


_NO_ITEMS: list[_Node] = []  # shared by nodes that are not lists; never filled
_NO_PAIRS: dict[str, tuple[_Node, _Node]] = {}


def _describe(node: _Node) -> str:
    if node.kind == "seq":
        return "a list"
    if node.kind == "map":
        return "a mapping"
    v = node.value
    if v is None:
        return "nothing"
    if isinstance(v, bool):
        return "true/false"
    if isinstance(v, int | float):
        return "a number"
    return "text"


def _show(value: object, limit: int = 40) -> str:
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)


def _suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word.lower(), choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class _Abort(Exception):
    """Stop reading the file: the error is already recorded."""


class _Ctx:
    def __init__(self, path: Path | str) -> None:
        self.path = path
        self.errors: list[RoutineError] = []

    def err(self, line: int, col: int, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RoutineError(self.path, line, col, message))
        elif len(self.errors) == MAX_ERRORS:
            self.errors.append(
                RoutineError(self.path, line, col, f"more than {MAX_ERRORS} errors; stopped")
            )
            raise _Abort

    def at(self, node: _Node, message: str) -> None:
        if not node.reported:
            self.err(node.line, node.col, message)


# --------------------------------------------------------------------------- composing


def _scalar_value(tag: str, raw: str) -> object:
    if tag == _STD + "str" or tag == "!":
        return raw
    ctor = SafeConstructor.yaml_constructors[tag]
    return ctor(_CONSTRUCTOR, ScalarNode(tag, raw))


def _compose(text: str, ctx: _Ctx) -> _Node | None:
    """Build the node tree from the event stream, iteratively."""
    stack: list[list[Any]] = []  # [collection node, pending map key node or None]
    root: _Node | None = None
    documents = 0
    aliases = 0
    exercises = 0  # mappings in the top-level 'exercises' list so far
    resolve = _RESOLVER.resolve
    str_tag = _STD + "str"
    tags = _PLAIN_TAGS
    if len(tags) > _PLAIN_TAGS_MAX:
        tags.clear()

    def attach(node: _Node) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        top = stack[-1]
        parent: _Node = top[0]
        if parent.kind == "seq":
            parent.items.append(node)
            return
        key: _Node | None = top[1]
        if key is None:
            top[1] = node
            return
        top[1] = None
        if key.kind != "scalar":
            ctx.at(key, "a key must be a plain word, not " + _describe(key))
            return
        name = "" if key.value is None else str(key.value)
        first = parent.pairs.get(name)
        if first is not None:
            ctx.at(key, f"key '{name}' given twice (first on line {first[0].line})")
            return
        parent.pairs[name] = (key, node)

    def check_tag(event: Any, line: int, col: int) -> bool:
        tag = event.tag
        if tag is None or tag in _ALLOWED_TAGS:
            return True
        shown = tag.replace(_STD, "!!")
        ctx.err(line, col, f"YAML tag {shown} is not allowed; only plain YAML is read")
        return False

    # the parser's own loop, not a generator over it: a resumed frame per event
    parser = _PARSER(text)
    more, take = parser.check_event, parser.get_event
    try:
        while more():
            event = take()
            cls = type(event)
            if cls is yaml.ScalarEvent:
                mark = event.start_mark
                line, col = mark.line + 1, mark.column + 1
                raw = event.value
                tag = event.tag
                ok = True
                if tag is None or tag == "!":
                    implicit = event.implicit
                    if not implicit[0]:
                        tag = str_tag
                    else:
                        tag = tags.get(raw)
                        if tag is None:
                            tag = resolve(ScalarNode, raw, implicit)
                            if len(raw) <= _PLAIN_TAG_TEXT:
                                tags[raw] = tag
                elif tag not in _ALLOWED_TAGS:
                    ok = check_tag(event, line, col)
                value: object = raw
                reported = not ok
                if ok and tag != str_tag:
                    if tag in _SCALAR_TAGS:
                        try:
                            value = _scalar_value(tag, raw)
                        except Exception:  # PyYAML's constructors raise KeyError, IndexError...
                            ctx.err(line, col, f"{_show(raw)} is not a valid {tag[len(_STD) :]}")
                            reported = True
                        else:
                            if _huge(value):
                                ctx.err(line, col, f"{_show(raw)} is far too large a number")
                                reported = True
                    elif tag in (_STD + "seq", _STD + "map"):
                        ctx.err(
                            line, col, f"a plain value cannot be tagged {tag.replace(_STD, '!!')}"
                        )
                        reported = True
                attach(_Node("scalar", line, col, None if reported else value, reported))
            elif cls is yaml.MappingStartEvent or cls is yaml.SequenceStartEvent:
                mark = event.start_mark
                line, col = mark.line + 1, mark.column + 1
                ok = check_tag(event, line, col)
                if len(stack) >= MAX_DEPTH:
                    ctx.err(line, col, f"nesting deeper than {MAX_DEPTH} levels; a routine is flat")
                    raise _Abort
                node = _Node(
                    "map" if cls is yaml.MappingStartEvent else "seq", line, col, None, not ok
                )
                attach(node)
                if len(stack) == 2 and cls is yaml.MappingStartEvent and _is_exercises(stack):
                    exercises += 1
                    if exercises > plan.MAX_STEPS:  # each exercise is at least one step
                        ctx.err(
                            line,
                            col,
                            f"exercise {exercises:,}: a routine has at most {plan.MAX_STEPS:,} "
                            "steps, and every exercise is at least one; split it into shorter "
                            "routines",
                        )
                        raise _Abort  # the rest of a huge file need not even be parsed
                stack.append([node, None])
            elif cls is yaml.MappingEndEvent or cls is yaml.SequenceEndEvent:
                stack.pop()
            elif cls is yaml.AliasEvent:
                mark = event.start_mark
                line, col = mark.line + 1, mark.column + 1
                aliases += 1
                ctx.err(
                    line,
                    col,
                    f"YAML aliases (*{event.anchor}) are not allowed in routine files; "
                    "write the value out",
                )
                if aliases >= 20:
                    raise _Abort
                attach(_Node("scalar", line, col, None, True))
            elif cls is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    mark = event.start_mark
                    ctx.err(
                        mark.line + 1,
                        mark.column + 1,
                        "only one YAML document per file; remove the second '---'",
                    )
                    raise _Abort
    finally:
        parser.dispose()
    return root


def _is_exercises(stack: list[list[Any]]) -> bool:
    """Is the list open at the top of ``stack`` (two deep) the routine's 'exercises'?"""
    root, seq = stack[0][0], stack[1][0]
    if root.kind != "map" or seq.kind != "seq":
        return False
    pair = root.pairs.get("exercises")
    return pair is not None and pair[1] is seq


def _too_many_steps(so_far: str) -> str:
    return (
        f"the routine passes {plan.MAX_STEPS:,} steps at this exercise "
        f"({so_far} so far); split it into shorter routines"
    )


def _flow_depth_crossing(text: str, limit: int) -> tuple[int, int] | None:
    """Line and column of the flow bracket that opens nesting level ``limit + 1``.

    Brackets inside quoted scalars and comments are skipped; the count follows
    the bracket tokens the way the YAML scanner does for flow collections.
    """
    depth = 0
    quote = ""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t\n"):
            nl = text.find("\n", i)
            i = n if nl < 0 else nl
            continue
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return _locate_offset(text, i)
        elif ch in "]}":
            depth = max(0, depth - 1)
        i += 1
    return None


#: YAML's line breaks (PyYAML and libyaml alike): a CR-only file has lines too.
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _locate_offset(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of ``text[index]``, counting lines as YAML does."""
    line, start = 1, 0
    for m in _BREAK.finditer(text, 0, index):
        line += 1
        start = m.end()
    return line, index - start + 1


def _huge(value: object) -> bool:
    """An integer no routine field could use (and too long to even print)."""
    return isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64


def _inside_text(text: str, line: int, col: int) -> bool:
    """Is 1-based (line, col) a place in ``text`` (or just after a line's end)?"""
    lines = _BREAK.split(text)
    return 1 <= line <= len(lines) and 1 <= col <= len(lines[line - 1]) + 1


def _clamp_mark(text: str, line: int, col: int, index: int | None) -> tuple[int, int]:
    """A parser mark at or past the end of a file without a final line break points
    one line past the end; put it after the last character instead."""
    if index is None or index < len(text) or not text or _BREAK.match(text[-1]):
        return line, col
    return _locate_offset(text, len(text))


def _parse(text: str, ctx: _Ctx) -> _Node | None:
    """The root node, or None after a syntax error (recorded in ``ctx``)."""
    try:
        return _compose(text, ctx)
    except _Abort:
        return None
    except yaml.reader.ReaderError as e:
        bad = _NON_PRINTABLE.search(text)
        line, col = _locate_offset(text, bad.start()) if bad else (1, 1)
        code = ord(bad.group()) if bad else e.character
        ctx.err(line, col, f"character U+{code:04X} is not allowed in YAML")
    except yaml.MarkedYAMLError as e:
        if e.problem and "nesting depth" in e.problem:
            # PyYAML 6.0.4 caps flow nesting in its scanner, which reads tokens
            # ahead of the events: report it as our own cap, where it is crossed
            # (counting the routine's top-level mapping as the first level).
            line, col = _flow_depth_crossing(text, MAX_DEPTH - 1) or (1, 1)
            ctx.err(line, col, f"nesting deeper than {MAX_DEPTH} levels; a routine is flat")
            return None
        hint = _syntax_hint(text, e)
        if hint is not None:
            ctx.err(*hint)
            return None
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if mark is not None:
            line, col = _clamp_mark(text, line, col, getattr(mark, "index", None))
        problem = e.problem or "cannot be read"
        context = f" ({e.context})" if e.context and e.problem else ""
        ctx.err(line, col, f"YAML syntax error: {problem}{context}")
    except yaml.YAMLError as e:
        ctx.err(1, 1, f"YAML error: {e}")
    return None


def _moved(node: _Node, line: int, col: int) -> _Node:
    """A copy of ``node`` (and what it holds) placed at ``line``:``col``."""
    out = _Node(node.kind, line, col, node.value, node.reported)
    if node.kind == "seq":
        out.items = [_moved(i, line, col) for i in node.items]
    elif node.kind == "map":
        out.pairs = {k: (kn, _moved(vn, line, col)) for k, (kn, vn) in node.pairs.items()}
    return out


def _replaced_by(own: Mapping[str, object], entry: Mapping[str, object]) -> set[str]:
    """The catalogue entry's dose keys that the routine's own keys replace.

    ``hold`` or ``time`` here: the whole dose is this one. ``reps`` here: the count
    changes, the pace stays (the entry's ``tempo``, ``phases``, or ``hold`` when the
    entry is reps that hold). ``phases`` here: the entry's reps stay, paced by these.
    ``tempo`` alone: only the pace changes.
    """
    if "hold" in own or "time" in own:
        return {*DOSE_KEYS, "tempo", "phases"}
    drop: set[str] = set()
    if "reps" in own:
        drop.add("time")
        if "reps" not in entry:
            drop.add("hold")
    if "phases" in own:
        drop |= {"hold", "tempo", "time"}
    return drop


def _syntax_hint(text: str, e: yaml.MarkedYAMLError) -> tuple[int, int, str] | None:
    """The usual hand-writing mistakes in words (see :mod:`hiptimer.yaml_hints`)."""
    pm, cm = e.problem_mark, e.context_mark
    keys = {*ROUTINE_KEYS, *EXERCISE_KEYS, *PHASE_KEYS, *CUE_NAMES}
    try:
        hint = yaml_hints.explain(
            text,
            e.problem,
            (pm.line, pm.column) if pm else None,
            (cm.line, cm.column) if cm else None,
            keys,
        )
    except Exception:  # a hint is a nicety: never an internal error in its place
        return None
    if hint is not None:
        line, col, message = hint
        if not _inside_text(text, line, col):
            return None
    return hint


# --------------------------------------------------------------------------- checking


def _real(p: Path) -> Path | None:
    """``p`` with links resolved (a loop stays as written); None for a NUL in it."""
    try:
        return Path(os.path.realpath(p))
    except (OSError, ValueError):
        return None


def _unusable(p: Path) -> str | None:
    """Why ``p`` cannot be read as a file (links followed), or None if it can."""
    try:
        st = os.stat(p)
    except (OSError, ValueError) as e:
        return safefile.reason_for(e)
    if not stat.S_ISREG(st.st_mode):
        return f"it is {safefile.kind_of(st.st_mode)}, not a file"
    return None


class _Checker:
    def __init__(self, ctx: _Ctx, path: Path | str) -> None:
        self.ctx = ctx
        self.path = path
        self._catalogue: Catalogue | None = None  # the bundled one, asked for once a file

    @functools.cached_property
    def base(self) -> Path:
        """The folder the file really is in, which relative ``image`` and ``sounds``
        paths start from: resolved only for a file that has them (a realpath is a
        system call per folder in the path)."""
        path = Path(self.path)
        return (_real(path) or path.absolute()).parent

    # ---- generic helpers

    def keys(self, node: _Node, allowed: Sequence[str], where: str) -> None:
        for name, (key, _value) in node.pairs.items():
            if name not in allowed:
                hint = yaml_hints.did_you_mean(name, allowed)
                self.ctx.at(key, f"unknown key '{name}' in {where}{hint}")

    def text(self, node: _Node, key: str, *, allow_empty: bool = True) -> str | None:
        v = node.value
        if node.kind != "scalar" or not isinstance(v, str | None):
            quote = " (put it in quotes)" if node.kind == "scalar" else ""
            self.ctx.at(node, f"'{key}' must be text, not {_describe(node)}{quote}")
            return None
        text = (v or "").strip()
        if not text and not allow_empty:
            self.ctx.at(node, f"'{key}' must not be empty")
            return None
        return text

    def scalar(self, node: _Node, key: str, expected: str) -> object | None:
        if node.kind != "scalar":
            self.ctx.at(node, f"'{key}' must be {expected}, not {_describe(node)}")
            return None
        if node.value is None:
            self.ctx.at(node, f"'{key}' has no value; expected {expected}")
            return None
        if isinstance(node.value, bool):
            self.ctx.at(node, f"'{key}' must be {expected}, not true/false")
            return None
        return node.value

    def duration(
        self, node: _Node, key: str, *, allow_zero: bool = False, most: float | None = None
    ) -> float | None:
        value = self.scalar(node, key, "a duration like 30s or 1 min")
        if value is None:
            return None
        try:
            seconds = durations.parse_duration(value, allow_zero=allow_zero)
        except ParseError as e:
            self.ctx.at(node, f"'{key}': {e}")
            return None
        if most is not None and seconds > most:
            self.ctx.at(
                node,
                f"'{key}' of {durations.format_seconds(seconds)} is too long "
                f"(at most {durations.format_seconds(most)})",
            )
            return None
        return seconds

    def duration_range(
        self, node: _Node, key: str, *, most: float
    ) -> durations.DurationRange | None:
        value = self.scalar(node, key, "a duration like 30s or a range like 5-10s")
        if value is None:
            return None
        try:
            r = durations.parse_duration_range(value)
        except ParseError as e:
            self.ctx.at(node, f"'{key}': {e}")
            return None
        if r.high > most:
            self.ctx.at(
                node,
                f"'{key}' of {durations.format_seconds(r.high)} is too long "
                f"(at most {durations.format_seconds(most)})",
            )
            return None
        return r

    def count(
        self, node: _Node, key: str, units: tuple[str, ...] = (), *, ranges: bool = True
    ) -> Count | None:
        value = self.scalar(node, key, "a count like 8" + (" or 5-7" if ranges else ""))
        if value is None:
            return None
        try:
            c = durations.parse_count(value, units)
        except ParseError as e:
            self.ctx.at(node, f"'{key}': {e}")
            return None
        if c.is_range and not ranges:
            self.ctx.at(node, f"'{key}' must be one number, not a range")
            return None
        if c.high > MAX_COUNT:
            self.ctx.at(node, f"'{key}' of {c.high} is too many (at most {MAX_COUNT})")
            return None
        return c

    # ---- timings

    def timings(self, node: _Node, base: Timings, where: str) -> Timings:
        """``base`` with the timing keys present in mapping ``node`` applied."""
        changes: dict[str, Any] = {}
        for key in TIMING_KEYS:
            pair = node.pairs.get(key)
            if pair is None:
                continue
            value_node = pair[1]
            if key == "countdown":
                n = self.countdown(value_node)
                if n is not None:
                    changes[key] = n
            elif key == "breath":
                s = self.duration(value_node, key, most=MAX_BREATH_S)
                if s is not None:
                    changes[key] = s
            else:
                s = self.duration(value_node, key, allow_zero=True, most=MAX_TIMING_S)
                if s is not None:
                    changes[key] = s
        return dataclasses.replace(base, **changes) if changes else base

    def countdown(self, node: _Node) -> int | None:
        value = self.scalar(node, "countdown", f"a whole number from 0 to {MAX_COUNTDOWN}")
        if value is None:
            return None
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int):
            self.ctx.at(node, f"'countdown' must be a whole number of ticks, not {_show(value)}")
            return None
        if not 0 <= value <= MAX_COUNTDOWN:
            self.ctx.at(node, f"'countdown' must be from 0 to {MAX_COUNTDOWN}, not {value}")
            return None
        return value

    # ---- files

    def inside(self, target: Path, roots: Sequence[Path]) -> bool:
        return any(target == r or target.is_relative_to(r) for r in roots)

    def image(self, node: _Node) -> Path | None:
        found = self._image_path(node)
        if found is None:
            return None
        from hiptimer.images import ImageProblem, sniff

        try:
            sniff(found)
        except ImageProblem as e:
            self.ctx.at(node, f"image {_show(node.value)} {e}")
            return None
        return found

    def _image_path(self, node: _Node) -> Path | None:
        text = self.text(node, "image", allow_empty=False)
        if text is None:
            return None
        from hiptimer.resources import assets_dir

        if "\0" in text:
            self.ctx.at(node, f"image {_show(text)}: the path contains a NUL character")
            return None
        assets = _real(assets_dir()) or assets_dir()
        roots = [self.base, assets]
        given = Path(text)
        first = _real(self.base / given)
        if first is not None and self.inside(first, roots) and _unusable(first) is None:
            return first
        if not given.is_absolute():
            # also looked up in the app's assets, for routines outside the app
            alt = _real(assets / given)
            if alt is not None and self.inside(alt, [assets]) and _unusable(alt) is None:
                return alt
        if first is None or not self.inside(first, roots):
            self.ctx.at(
                node,
                f"image {_show(text)} is outside the routine's folder and the app's assets",
            )
        elif (problem := _unusable(first)) != "no such file":
            self.ctx.at(node, f"image {_show(text)} cannot be used: {problem}")
        else:
            self.ctx.at(
                node,
                f"image {_show(text)} not found (looked next to the routine and in the "
                "app's assets)",
            )
        return None

    def sounds(self, node: _Node) -> dict[str, Path]:
        if node.kind != "map":
            self.ctx.at(
                node, f"'sounds' must be a mapping of cue name to WAV file, not {_describe(node)}"
            )
            return {}
        out: dict[str, Path] = {}
        for name, (key, value) in node.pairs.items():
            if name not in CUE_NAMES:
                hint = _suggest(name, CUE_NAMES) or f" (cues: {', '.join(CUE_NAMES)})"
                self.ctx.at(key, f"unknown cue '{name}' in sounds{hint}")
                continue
            text = self.text(value, f"sounds.{name}", allow_empty=False)
            if text is None:
                continue
            if "\0" in text:
                self.ctx.at(value, f"sound {_show(text)}: the path contains a NUL character")
                continue
            target = _real(self.base / text)
            problem = None if target is None else _unusable(target)
            if target is None or not self.inside(target, [self.base]):
                self.ctx.at(value, f"sound {_show(text)} is outside the routine's folder")
            elif target.suffix.lower() != ".wav":
                self.ctx.at(value, f"sound {_show(text)} must be a .wav file")
            elif problem == "no such file":
                self.ctx.at(value, f"sound {_show(text)} not found next to the routine")
            elif problem is not None:
                self.ctx.at(value, f"sound {_show(text)} cannot be used: {problem}")
            else:
                try:
                    # the header, checked now (cheap), so a bad sound is a located
                    # error here and not a frozen or silent session later
                    wav.check_wav(target, self.base)
                except wav.WavError as e:
                    self.ctx.at(value, f"sound {_show(text)} cannot be used: {e.reason}")
                    continue
                out[name] = target
        return out

    # ---- routine

    def routine(self, root: _Node) -> Routine | None:
        if root.kind != "map":
            self.ctx.at(
                root,
                f"a routine must be a mapping with 'name' and 'exercises', not {_describe(root)}",
            )
            return None
        self.keys(root, ROUTINE_KEYS, "the routine")
        p = root.pairs
        name = None
        if "name" in p:
            name = self.text(p["name"][1], "name", allow_empty=False)
        else:
            self.ctx.at(root, "missing 'name': every routine needs a name")
        description = ""
        if "description" in p:
            description = self.text(p["description"][1], "description") or ""
        tags: list[str] = []
        if "tags" in p:
            tags = self.tags(p["tags"][1])
        defaults = Timings()
        if "defaults" in p:
            dnode = p["defaults"][1]
            if dnode.kind != "map":
                self.ctx.at(dnode, f"'defaults' must be a mapping, not {_describe(dnode)}")
            else:
                self.keys(dnode, TIMING_KEYS, "defaults")
                defaults = self.timings(dnode, defaults, "defaults")
        sounds: dict[str, Path] = {}
        if "sounds" in p:
            sounds = self.sounds(p["sounds"][1])
        exercises: list[Exercise] = []
        if "exercises" not in p:
            self.ctx.at(root, "missing 'exercises': a routine needs a list of exercises")
        else:
            enode = p["exercises"][1]
            if enode.kind != "seq":
                self.ctx.at(enode, f"'exercises' must be a list, not {_describe(enode)}")
            elif not enode.items:
                self.ctx.at(enode, "'exercises' is empty; add at least one exercise")
            else:
                limits = _Limits(self.ctx)
                last = len(enode.items) - 1
                for i, item in enumerate(enode.items):
                    ex = self.exercise(item, defaults)
                    if ex is not None:
                        exercises.append(ex)
                        if limits.add(item, ex, i == last):
                            raise _Abort  # the rest would only make it longer
        if self.ctx.errors or name is None:
            return None
        return Routine(
            name=name,
            exercises=tuple(exercises),
            description=description,
            tags=tuple(tags),
            defaults=defaults,
            sounds=sounds,
        )

    def tags(self, node: _Node) -> list[str]:
        if node.kind != "seq":
            self.ctx.at(node, f"'tags' must be a list like [hips, desk], not {_describe(node)}")
            return []
        out: list[str] = []
        for item in node.items:
            t = self.text(item, "tags", allow_empty=False)
            if t is not None:
                out.append(t)
        return out

    def exercise(self, node: _Node, defaults: Timings) -> Exercise | None:
        if node.kind != "map":
            self.ctx.at(
                node, f"an exercise must be a mapping with 'name' and a dose, not {_describe(node)}"
            )
            return None
        self.keys(node, EXERCISE_KEYS, "an exercise")
        entry_id: str | None = None
        picture: str | None = None
        if "use" in node.pairs:
            used = self.use(node)
            if used is None:
                return None
            node, entry_id, picture = used
        p = node.pairs
        name = None
        if "name" in p:
            name = self.text(p["name"][1], "name", allow_empty=False)
        else:
            self.ctx.at(node, "missing 'name': every exercise needs a name")
        label = f"exercise {_show(name)}" if name else "this exercise"
        timings = self.timings(node, defaults, label)
        how = self.text(p["how"][1], "how") if "how" in p else ""
        note = self.text(p["note"][1], "note") if "note" in p else ""
        coach = self.text(p["coach"][1], "coach") if "coach" in p else ""

        sets, sets_low = 1, None
        if "sets" in p:
            c = self.count(p["sets"][1], "sets")
            if c is not None:
                sets, sets_low = c.high, (c.low if c.is_range else None)
        sides: str = "none"
        if "sides" in p:
            sides = self.sides(p["sides"][1]) or "none"
        image = self.image(p["image"][1]) if "image" in p else None
        mirror: bool | None = None
        if "mirror" in p:
            mnode = p["mirror"][1]
            if mnode.kind == "scalar" and isinstance(mnode.value, bool):
                mirror = mnode.value
            else:
                self.ctx.at(mnode, f"'mirror' must be true or false, not {_describe(mnode)}")

        present = [k for k in p if k in DOSE_KEYS]
        # reps that hold: ``reps`` with ``hold`` (one hold per rep) or with ``phases``
        holds = "reps" in present and ("hold" in present or "phases" in p)
        doses = [k for k in present if not (holds and k == "hold")]
        checked = [self.dose(kind, p[kind][1], timings) for kind in doses]
        dose: Dose | None = None
        if not doses:
            if "phases" in p:
                self.ctx.at(
                    p["phases"][0],
                    "'phases' are the parts of each rep: add 'reps' (how many reps)",
                )
            else:
                self.ctx.at(node, f"{label} has no dose: give one of hold, reps or time")
        elif len(doses) > 1:
            second = p[doses[1]][1]
            self.ctx.err(
                second.line,
                second.col,
                f"{label} has two doses ({doses[0]} and {doses[1]}); give exactly one",
            )
        else:
            dose = checked[0]
        if "phases" in p and doses and doses[0] != "reps":
            self.ctx.at(p["phases"][0], "'phases' only applies to reps")
        elif holds:
            phases = self.rep_phases(p, timings)
            if dose is not None and phases is not None:
                dose = dataclasses.replace(
                    dose,
                    phases=phases,
                    tempo=sum(ph.seconds(timings.breath) for ph in phases),
                    tempo_low=sum(ph.seconds(timings.breath, low=True) for ph in phases),
                )
            elif phases is None:
                dose = None
        if "tempo" in p:
            tnode = p["tempo"][1]
            if doses and doses[0] != "reps":
                self.ctx.at(tnode, "'tempo' only applies to reps")
            elif holds:
                given = "'hold'" if "hold" in p else "'phases'"
                self.ctx.at(
                    tnode, f"'tempo' and {given} both give a rep's length; keep one of them"
                )
                dose = None
            else:
                tempo = self.duration(tnode, "tempo", most=MAX_TEMPO_S)
                if dose is not None and tempo is not None:
                    dose = dataclasses.replace(dose, tempo=tempo)
        if name is None or dose is None or how is None or note is None or coach is None:
            return None
        return Exercise(
            name=name,
            dose=dose,
            timings=timings,
            how=how,
            note=note,
            coach=coach,
            sets=sets,
            sides=cast(Sides, sides),
            image=image,
            sets_low=sets_low,
            mirror=mirror,
            catalogue_id=entry_id,
            picture=picture,
        )

    def rep_phases(
        self, p: dict[str, tuple[_Node, _Node]], timings: Timings
    ) -> tuple[Phase, ...] | None:
        """The phases of one rep: ``hold`` (one unnamed phase) or ``phases``."""
        if "hold" in p and "phases" in p:
            self.ctx.at(
                p["phases"][0],
                "give either 'hold' (one hold per rep) or 'phases' (named parts), not both",
            )
            return None
        if "hold" in p:
            one = self.phase_hold(p["hold"][1], "hold", "", timings)
            return (one,) if one is not None else None
        node = p["phases"][1]
        if node.kind != "seq" or not node.items:
            what = "empty" if node.kind == "seq" else _describe(node)
            self.ctx.at(
                node,
                "'phases' must be a list of parts like '- {name: Lift, hold: 5 breaths}', "
                f"not {what}",
            )
            return None
        if len(node.items) > MAX_PHASES:
            self.ctx.at(node.items[MAX_PHASES], f"more than {MAX_PHASES} phases in one rep")
            return None
        out: list[Phase] = []
        ok = True
        for item in node.items:
            if item.kind != "map":
                self.ctx.at(
                    item, f"a phase must be a mapping with 'name' and 'hold', not {_describe(item)}"
                )
                ok = False
                continue
            self.keys(item, PHASE_KEYS, "a phase")
            ip = item.pairs
            name = None
            if "name" in ip:
                name = self.text(ip["name"][1], "name", allow_empty=False)
            else:
                self.ctx.at(item, "missing 'name': every phase needs a name (e.g. Lift)")
            if "hold" not in ip:
                self.ctx.at(item, "missing 'hold': how long the phase lasts (e.g. 5 breaths)")
                ok = False
                continue
            ph = self.phase_hold(ip["hold"][1], "hold", name or "", timings)
            if ph is None or name is None:
                ok = False
                continue
            out.append(ph)
        return tuple(out) if ok else None

    def phase_hold(self, node: _Node, key: str, name: str, timings: Timings) -> Phase | None:
        """A rep's hold: seconds (a range allowed) or breaths (a range allowed)."""
        if durations.is_breath_text(node.value):
            c = self.count(node, key, BREATH_UNITS)
            if c is None:
                return None
            if c.high * timings.breath > MAX_HOLD_S:
                self.ctx.at(node, f"'{key}' of {c.high} breaths lasts over 1 hour")
                return None
            return Phase(name, "breaths", c.low, c.high, c.text)
        r = self.duration_range(node, key, most=MAX_HOLD_S)
        if r is None:
            return None
        return Phase(name, "hold", r.low, r.high, r.text)

    def use(self, node: _Node) -> tuple[_Node, str, str | None] | None:
        """``use: ID``: the catalogue entry's fields with this exercise's own on top.

        Returns the merged mapping, the entry's id and its picture; None after an
        error. The entry's values are placed at the ``use:`` value, so anything
        they cause (a breath hold made too long by this routine's ``breath``) is
        reported there. A dose given here replaces the entry's (see
        :func:`_replaced_by`).
        """
        from hiptimer import catalogue

        unode = node.pairs["use"][1]
        wanted = self.text(unode, "use", allow_empty=False)
        if wanted is None:
            return None
        try:
            # once a file, not once an exercise (each asks whether the file changed)
            cat = self._catalogue = self._catalogue or catalogue.bundled()
        except RoutineErrors as e:
            self.ctx.at(unode, f"the exercise catalogue cannot be read: {e.errors[0]}")
            return None
        entry = cat.get(wanted)
        if entry is None:
            self.ctx.at(unode, f"no exercise {_show(wanted)} in the catalogue{cat.suggest(wanted)}")
            return None
        own = {k: v for k, v in node.pairs.items() if k != "use"}
        drop = _replaced_by(own, entry.fields)
        merged = _Node("map", node.line, node.col)
        for key, (knode, vnode) in entry.fields.items():
            if key in own or key in drop:
                continue
            merged.pairs[key] = (knode, _moved(vnode, unode.line, unode.col))
        merged.pairs.update(own)
        return merged, entry.id, entry.picture

    def sides(self, node: _Node) -> str | None:
        expected = "none, each or alternate"
        value = self.scalar(node, "sides", expected)
        if value is None:
            return None
        text = str(value).strip().lower()
        if text not in SIDES:
            hint = _suggest(text, SIDES)
            self.ctx.at(node, f"'sides' must be {expected}, not {_show(value)}{hint}")
            return None
        return text

    def dose(self, kind: str, node: _Node, timings: Timings) -> Dose | None:
        if kind == "reps":
            c = self.count(node, "reps", REP_UNITS)
            return Dose("reps", c.low, c.high, c.text) if c else None
        if kind == "hold" and durations.is_breath_text(node.value):
            c = self.count(node, "hold", BREATH_UNITS)
            if c is None:
                return None
            if c.high * timings.breath > MAX_HOLD_S:
                self.ctx.at(
                    node,
                    f"'hold' of {c.high} breaths × {durations.format_seconds(timings.breath)}"
                    " lasts over 1 hour",
                )
                return None
            return Dose("breaths", c.low, c.high, c.text)
        if kind == "time" and durations.is_breath_text(node.value):
            self.ctx.at(node, "'time' takes a duration; a breath count goes under 'hold'")
            return None
        if kind == "hold":
            r = self.duration_range(node, kind, most=MAX_HOLD_S)
            return Dose("hold", r.low, r.high, r.text) if r else None
        most = MAX_TIME_S
        seconds = self.duration(node, kind, most=most)
        if seconds is None:
            return None
        value = node.value
        text = " ".join(value.split()) if isinstance(value, str) else f"{seconds:g}s"
        return Dose("hold" if kind == "hold" else "time", seconds, seconds, text)


class _Limits:
    """The routine's size so far (arithmetic, nothing expanded); the exercise that
    takes it past :data:`plan.MAX_STEPS` or :data:`plan.MAX_DURATION_S` is reported."""

    def __init__(self, ctx: _Ctx) -> None:
        self.ctx = ctx
        self.steps = 0
        self.seconds = 0.0
        self.crossed = False

    def add(self, node: _Node, ex: Exercise, last: bool) -> bool:
        """Count ``ex``; True when it takes the routine past a limit (reported)."""
        steps, seconds = plan.exercise_size(ex, last)
        self.steps += steps
        self.seconds += seconds
        if self.steps > plan.MAX_STEPS:
            self.crossed = True
            self.ctx.err(node.line, node.col, _too_many_steps(f"{self.steps:,}"))
        elif self.seconds > plan.MAX_DURATION_S:
            self.crossed = True
            self.ctx.err(
                node.line,
                node.col,
                f"the routine passes {plan.MAX_DURATION_S / 3600:g} hours at this exercise "
                f"({durations.format_seconds(self.seconds)} so far); "
                "split it into shorter routines",
            )
        return self.crossed


# --------------------------------------------------------------------------- entry points


def _decode(data: bytes, ctx: _Ctx) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        start = e.start
        before = data[:start].decode("utf-8", errors="replace")
        line, col = _locate_offset(before, len(before))
        ctx.err(
            line,
            col,
            f"not UTF-8: byte 0x{data[start]:02x} cannot be read; save the file as UTF-8",
        )
        return None
    return text[1:] if text.startswith("\ufeff") else text


def load_routine_text(data: str | bytes, path: Path | str) -> Routine:
    """Load a routine from its text (or bytes) as if read from ``path``.

    ``path`` names the file in errors and anchors relative ``image`` and
    ``sounds`` paths. Raises :class:`RoutineErrors`.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    ctx = _Ctx(path)
    # The node tree holds no cycles; the collector would only rescan it again
    # and again as it grows (half the time for a 1 MiB file).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        routine = _load(raw, path, ctx)
    finally:
        if was_enabled:
            gc.enable()
    ctx.errors.sort(key=lambda e: (e.line, e.col))
    if routine is None or ctx.errors:
        if not ctx.errors:  # pragma: no cover - every failure records an error
            ctx.err(1, 1, "the routine could not be read")
        raise RoutineErrors(ctx.errors)
    return routine


def _too_big(size: int) -> str:
    return f"file is {size:,} bytes; routine files are at most 1 MiB ({MAX_BYTES:,} bytes)"


def _load(raw: bytes, path: Path | str, ctx: _Ctx) -> Routine | None:
    if len(raw) > MAX_BYTES:
        ctx.err(1, 1, _too_big(len(raw)))
        return None
    text = _decode(raw, ctx)
    if text is None:
        return None
    if not text.strip():
        ctx.err(1, 1, "the file is empty; a routine needs a name and exercises")
        return None
    root = _parse(text, ctx)
    if root is None and ctx.errors:
        return None
    if root is None or (root.kind == "scalar" and root.value is None):
        ctx.err(1, 1, "the file has no content; a routine needs a name and exercises")
        return None
    try:
        routine = _Checker(ctx, path).routine(root)
    except _Abort:
        return None
    if routine is None:
        return None
    return dataclasses.replace(
        routine, path=Path(path), content_hash=hashlib.sha256(raw).hexdigest()
    )


def load_routine(path: Path) -> Routine:
    """Read and check one routine file. Raises :class:`RoutineErrors`.

    Only a regular file is read (a FIFO, a device, a folder or a link loop is
    refused without waiting on it), and never more than :data:`MAX_BYTES`.
    """
    try:
        with safefile.open_regular(path) as f:
            size = os.fstat(f.fileno()).st_size
            raw = b""
            if size <= MAX_BYTES:
                # the size the file says, and a byte more to see it grow (or a procfs
                # file, which says 0); reading MAX_BYTES at once would allocate 1 MiB
                raw = f.read(size + 1)
                if len(raw) > size:
                    raw += f.read(MAX_BYTES + 1 - len(raw))
            if size > MAX_BYTES or len(raw) > MAX_BYTES:
                f.seek(0, os.SEEK_END)
                size = max(size, f.tell(), len(raw))
                raise RoutineErrors([RoutineError(path, 1, 1, _too_big(size))])
    except (OSError, ValueError) as e:
        reason = safefile.reason_for(e)
        if isinstance(e, OSError) and e.errno == errno.EISDIR:
            message = "is a folder, not a routine file"
        elif isinstance(e, safefile.SafeFileError) and e.errno == errno.EINVAL:
            message = f"{reason.replace('not a file', 'not a routine file')}"
        else:
            message = f"cannot read the file: {reason}"
        raise RoutineErrors([RoutineError(path, 1, 1, message)]) from None
    return load_routine_text(raw, path)
