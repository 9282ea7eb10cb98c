"""Editing routine files the way a person would: round-trip YAML. Pure, no Qt.

The loader (:mod:`hiptimer.loader`) stays the reader and the judge; this module
only writes. It holds a routine file as a ruamel.yaml round-trip tree, so a
hand-written file keeps its comments, key order, quoting and layout everywhere
outside what changed, and a new key lands where a person would put it (``hold``
after ``name`` and ``how``, ``sets`` after the dose...). Long text is written as a
folded block (``>-``) wrapped like the bundled routines.

The editor (``hiptimer.qt.editor``) keeps one :class:`RoutineDoc`, changes it
field by field, and asks the loader about ``text()`` after every change.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import FoldedScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from hiptimer.routine import TIMING_KEYS

#: Where a key goes among its siblings: the order the bundled routines use.
ROUTINE_ORDER: tuple[str, ...] = (
    "name",
    "description",
    "tags",
    "defaults",
    "sounds",
    "exercises",
)
EXERCISE_ORDER: tuple[str, ...] = (
    "use",
    "name",
    "how",
    "note",
    "coach",
    "image",
    "mirror",
    "reps",
    "hold",
    "phases",
    "tempo",
    "time",
    "sets",
    "sides",
    "set_rest",
    *(k for k in TIMING_KEYS if k != "set_rest"),
)
#: Text keys written as a folded block when they are long.
LONG_TEXT_KEYS: frozenset[str] = frozenset({"how", "note", "coach", "description"})
WRAP = 88  # the bundled routines' width
SCHEMA_LINE = "# yaml-language-server: $schema=routine.schema.json"

STARTER = """\
{schema}
# A HipTimer routine: change it, copy exercises, delete what you do not need.
# `hiptimer validate FILE` checks it; `hiptimer plan FILE` shows its timeline.
name: {name}
description: What this routine is for, in a sentence or two.
tags: [hips]
defaults:        # every key optional
  prep: 5        # seconds to get ready before each exercise
  rest: 10       # seconds between exercises
exercises:
  # A hold, on each side in turn:
  - name: Kneeling hip flexor stretch
    how: >-
      Kneel on one knee, the other foot planted ahead. Tuck the tailbone and ease the
      hips forward until the front of the back hip stretches.
    hold: 30s
    sides: each
  # Reps, 4 seconds each:
  - name: Glute bridge
    how: Lie on your back, knees bent; lift the hips, then lower them slowly.
    reps: 10
    tempo: 4s
  # A hold counted in breaths:
  - name: Child's pose
    hold: 5 breaths
  # An exercise from the catalogue (`hiptimer catalogue` lists them); keys beside
  # `use` change it:
  - use: pigeon-pose
    hold: 45s
"""


class EditError(ValueError):
    """The text cannot be edited as a routine (not YAML, or not a mapping)."""


def _yaml(mapping: int = 2, sequence: int = 4, offset: int = 2) -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap a person's lines; long text is folded by us
    y.indent(mapping=mapping, sequence=max(sequence, offset + 2), offset=offset)
    return y


def _mapping_indent(text: str) -> int:
    """How far a person indents a nested mapping (``defaults:`` then its keys)."""
    lines = [ln for ln in text.split("\n") if ln.strip() and not ln.lstrip().startswith("#")]
    for a, b in zip(lines, lines[1:], strict=False):
        if re.match(r"^( *)[^\s#-][^:]*:\s*(#.*)?$", a) and not b.lstrip().startswith("-"):
            step = (len(b) - len(b.lstrip(" "))) - (len(a) - len(a.lstrip(" ")))
            if step > 0:
                return step
    return 2


def starter_text(name: str) -> str:
    """A commented starter routine named ``name`` (valid as it stands)."""
    return STARTER.format(schema=SCHEMA_LINE, name=_plain_or_quoted(name))


def _plain_or_quoted(text: str) -> str:
    buf = io.StringIO()
    _yaml().dump({"k": text}, buf)
    return buf.getvalue().split(":", 1)[1].strip()


def folded(text: str, indent: int) -> FoldedScalarString | str:
    """``text`` as a folded block wrapped at :data:`WRAP` with its lines at
    ``indent`` columns, or as it is when it fits on the key's line."""
    text = " ".join(text.split())
    if len(text) + indent + 8 <= WRAP or not text:
        return text
    width = max(40, WRAP - indent)
    lines = textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)
    s = FoldedScalarString(" ".join(lines))
    pos, fold = 0, []
    for line in lines[:-1]:
        pos += len(line)
        fold.append(pos)
        pos += 1
    s.fold_pos = fold
    return cast("FoldedScalarString | str", s)


def number_or_text(text: str) -> int | float | str:
    """What a person would write: ``30`` stays a number, ``30s`` text."""
    t = text.strip()
    if re.fullmatch(r"\d+", t):
        return int(t)
    if re.fullmatch(r"\d+\.\d+", t):
        return float(t)
    return t


def plain(value: Any) -> Any:
    """A ruamel value as plain Python (str, int, float, bool, None, list, dict)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def _insert_at(cm: CommentedMap, key: str, order: Sequence[str]) -> int:
    """The position a new ``key`` takes in ``cm``: after the keys that come before it."""
    rank = {k: i for i, k in enumerate(order)}
    mine = rank.get(key, len(order))
    keys = list(cm.keys())
    for i, k in enumerate(keys):
        if rank.get(str(k), len(order)) > mine:
            return i
    return len(keys)


class RoutineDoc:
    """One routine file held as a round-trip YAML tree."""

    def __init__(self, text: str) -> None:
        try:
            data, indent, block_seq = load_yaml_guess_indent(text)
        except YAMLError as e:
            raise EditError(f"not YAML the editor can read: {e}") from None
        if data is None:
            data = CommentedMap()
        if not isinstance(data, CommentedMap):
            raise EditError("a routine file is a mapping with 'name' and 'exercises'")
        self._indent = _mapping_indent(text)
        self._seq = block_seq if block_seq is not None else 2
        self._key_col = max(indent or self._seq + 2, self._seq + 2)  # an item's keys
        self._yaml = _yaml(self._indent, self._key_col, self._seq)
        # re-read with the file's own indentation so dumping keeps it
        self._data: CommentedMap = self._yaml.load(text) or CommentedMap()

    @classmethod
    def starter(cls, name: str) -> RoutineDoc:
        return cls(starter_text(name))

    def text(self) -> str:
        buf = io.StringIO()
        self._yaml.dump(self._data, buf)
        return buf.getvalue()

    # ---------------------------------------------------------------- routine

    def get(self, key: str) -> Any:
        return plain(self._data.get(key))

    @property
    def _item_text_col(self) -> int:
        """The column an exercise's folded text lines start at (``- `` + a level)."""
        return self._key_col + self._indent

    def set(self, key: str, value: Any) -> None:
        """Set a routine key (None or "" removes it); text as a person writes it."""
        self._set(self._data, key, value, ROUTINE_ORDER, self._indent)

    def set_default(self, key: str, value: Any) -> None:
        """Set (or remove) one key of ``defaults:``; an emptied ``defaults`` goes too."""
        defaults = self._data.get("defaults")
        if not isinstance(defaults, CommentedMap):
            if value is None or (isinstance(value, str) and not value.strip()):
                return
            defaults = CommentedMap()
            self._set(self._data, "defaults", defaults, ROUTINE_ORDER, 0)
        self._set(defaults, key, value, TIMING_KEYS, self._indent)
        if not defaults:
            del self._data["defaults"]

    def set_tags(self, tags: Iterable[str]) -> None:
        words = [t.strip() for t in tags if t.strip()]
        if not words:
            self.set("tags", None)
            return
        seq = CommentedSeq(words)
        seq.fa.set_flow_style()
        self._set(self._data, "tags", seq, ROUTINE_ORDER, 0)

    # ---------------------------------------------------------------- exercises

    def _exercises(self, create: bool = False) -> CommentedSeq:
        seq = self._data.get("exercises")
        if not isinstance(seq, CommentedSeq):
            if not create:
                return CommentedSeq()
            seq = CommentedSeq()
            self._set(self._data, "exercises", seq, ROUTINE_ORDER, 0)
        return seq

    def exercise_count(self) -> int:
        return len(self._exercises())

    def exercise(self, i: int) -> dict[str, Any]:
        item = self._exercises()[i]
        return plain(item) if isinstance(item, Mapping) else {}

    def exercises(self) -> list[dict[str, Any]]:
        return [self.exercise(i) for i in range(self.exercise_count())]

    def set_field(self, i: int, key: str, value: Any) -> None:
        """Set (or, with None or "", remove) one key of exercise ``i``."""
        item = self._exercises()[i]
        if not isinstance(item, CommentedMap):
            raise EditError(f"exercise {i + 1} is not a mapping")
        self._set(item, key, value, EXERCISE_ORDER, self._item_text_col)

    def set_phases(self, i: int, phases: Sequence[tuple[str, str]]) -> None:
        """``phases:`` of exercise ``i`` as (name, hold) pairs; empty removes it."""
        if not phases:
            self.set_field(i, "phases", None)
            return
        seq = CommentedSeq()
        for name, hold in phases:
            part = CommentedMap()
            part["name"] = name
            part["hold"] = number_or_text(hold)
            seq.append(part)
        self.set_field(i, "phases", seq)

    def add_exercise(self, fields: Mapping[str, Any], at: int | None = None) -> int:
        """Insert an exercise (keys put in the usual order); returns its index."""
        seq = self._exercises(create=True)
        item = CommentedMap()
        for key in sorted(fields, key=lambda k: _rank(k, EXERCISE_ORDER)):
            value = fields[key]
            if value is None or value == "":
                continue
            item[key] = self._value(key, value, self._item_text_col)
        index = len(seq) if at is None else max(0, min(at, len(seq)))
        seq.insert(index, item)
        return index

    def remove_exercise(self, i: int) -> dict[str, Any]:
        seq = self._exercises()
        removed = plain(seq[i])
        del seq[i]
        return removed if isinstance(removed, dict) else {}

    def move_exercise(self, src: int, dst: int) -> None:
        """Move exercise ``src`` to position ``dst``; its own comments go with it."""
        seq = self._exercises()
        if src == dst or not (0 <= src < len(seq)) or not (0 <= dst < len(seq)):
            return
        item = seq[src]
        del seq[src]
        seq.insert(dst, item)

    # ---------------------------------------------------------------- where

    def field_at(self, line: int) -> tuple[int | None, str | None]:
        """(exercise index or None for the routine, key or None) for a 1-based
        ``line`` of :meth:`text`, to put a loader message beside its field."""
        data = self._yaml.load(self.text())
        if not isinstance(data, CommentedMap):
            return (None, None)
        seq = data.get("exercises")
        if isinstance(seq, CommentedSeq) and len(seq):
            starts = [seq.lc.item(i)[0] + 1 for i in range(len(seq))]
            index = None
            for i, start in enumerate(starts):
                if start <= line:
                    index = i
            if index is not None and line >= starts[0]:
                item = seq[index]
                if isinstance(item, CommentedMap):
                    return (index, _key_at(item, line))
                return (index, None)
        return (None, _key_at(data, line))

    # ---------------------------------------------------------------- writing

    def _value(self, key: str, value: Any, indent: int) -> Any:
        if isinstance(value, str):
            if key in LONG_TEXT_KEYS:
                return folded(value, indent)
            if key in ("name", "image", "use", "sides"):
                return value.strip()
            return number_or_text(value)
        return value

    def _set(
        self, cm: CommentedMap, key: str, value: Any, order: Sequence[str], indent: int
    ) -> None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if key in cm:
                del cm[key]
            return
        new = self._value(key, value, indent)
        if key in cm:
            old = cm[key]
            if plain(old) == plain(new) and type(old) is type(new):
                return  # unchanged: keep the very scalar (and its style) as written
            cm[key] = new
            return
        cm.insert(_insert_at(cm, key, order), key, new)


def _rank(key: str, order: Sequence[str]) -> int:
    return order.index(key) if key in order else len(order)


def _key_at(cm: CommentedMap, line: int) -> str | None:
    best: str | None = None
    best_line = -1
    for k in cm:
        try:
            kl = cm.lc.key(k)[0] + 1
        except (KeyError, TypeError, AttributeError):
            continue
        if best_line < kl <= line:
            best, best_line = str(k), kl
    return best


# -------------------------------------------------------------------- files


def unique_path(folder: Path, name: str) -> Path:
    """``folder/<slug>.yaml``, with ``-2``, ``-3``... when it is taken."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "routine"
    path = folder / f"{base}.yaml"
    n = 2
    while path.exists():
        path = folder / f"{base}-{n}.yaml"
        n += 1
    return path


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, so
    a crash never leaves half a routine behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def ensure_schema(folder: Path) -> None:
    """Put ``routine.schema.json`` in ``folder`` (for editors that read the
    ``$schema`` comment) unless it is there already."""
    from hiptimer.schema import SCHEMA_FILE, schema_text

    target = folder / SCHEMA_FILE
    if not target.exists():
        write_text_atomic(target, schema_text())


def copy_text(text: str, new_name: str) -> str:
    """A routine's text as the user's own copy: renamed, its ``$schema`` comment
    pointing at the schema beside it; every other line as it was."""
    doc = RoutineDoc(text)
    doc.set("name", new_name)
    out = doc.text()
    lines = out.split("\n")
    if lines and lines[0].startswith("# yaml-language-server: $schema="):
        lines[0] = SCHEMA_LINE
        out = "\n".join(lines)
    return out


def new_routine_file(folder: Path, name: str) -> Path:
    """Write a starter routine named ``name`` into ``folder``; returns its path."""
    path = unique_path(folder, name)
    write_text_atomic(path, starter_text(name))
    ensure_schema(folder)
    return path
