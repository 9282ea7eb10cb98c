"""The exercise catalogue: the bundled exercises a routine can take by id (``use:``).

``assets/catalogue.yaml`` lists them: each entry is an exercise written exactly as in a
routine (name, how, note, one dose, tempo, sides, sets) plus ``id`` and an optional
``picture`` (the id of a picture in ``assets/pictures/``; by default the entry's id, when
that picture exists). It is read by the routine loader's own parser and checks, so a
mistake in it is reported as ``path:line:col`` like any routine error. Timing keys,
``image`` and ``mirror`` stay with routines; ``use`` inside the catalogue is refused.

The loader merges an entry into a routine's exercise (see ``loader._Checker.use``);
this module only reads, checks and looks up.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hiptimer import loader
from hiptimer.loader import RoutineErrors
from hiptimer.routine import TIMING_KEYS, Exercise, Timings

CATALOGUE_FILE = "catalogue.yaml"
_NOT_IN_ENTRIES = ("use", "image", "mirror", *TIMING_KEYS)
#: Keys of a catalogue entry: id, picture and the exercise keys that describe the exercise.
ENTRY_KEYS: tuple[str, ...] = ("id", "picture") + tuple(
    k for k in loader.EXERCISE_KEYS if k not in _NOT_IN_ENTRIES
)
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slug(name: str) -> str:
    """A picture or catalogue id from a name: "Child's pose" -> ``childs-pose``."""
    text = re.sub(r"['\u2019]", "", name.lower())
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


@dataclass(frozen=True)
class CatalogueEntry:
    id: str
    exercise: Exercise  # with the built-in default timings
    picture: str | None  # picture id, None while the entry has no picture
    line: int  # where the entry starts in the catalogue file
    # the entry's fields as parsed (key -> (key node, value node)), for the loader's merge
    fields: Mapping[str, tuple[loader._Node, loader._Node]] = field(repr=False, compare=False)


@dataclass(frozen=True)
class Catalogue:
    path: Path
    entries: tuple[CatalogueEntry, ...]

    def get(self, entry_id: str) -> CatalogueEntry | None:
        for e in self.entries:
            if e.id == entry_id:
                return e
        return None

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.entries)

    def suggest(self, wanted: str) -> str:
        """`` (did you mean 'x'?)`` for a mistyped id or a name given instead of an id."""
        ids = self.ids
        by_name = {slug(e.exercise.name): e.id for e in self.entries}
        key = slug(wanted)
        if key in ids:
            return f" (did you mean '{key}'?)"
        if key in by_name:
            return f" (did you mean '{by_name[key]}'?)"
        close = difflib.get_close_matches(key, ids, n=1, cutoff=0.6)
        return f" (did you mean '{close[0]}'?)" if close else ""


def pictures_dir() -> Path:
    from hiptimer.resources import assets_dir

    return assets_dir() / "pictures"


def load_catalogue_text(
    data: str | bytes, path: Path | str, pictures: Path | None = None
) -> Catalogue:
    """Read a catalogue from its text as if from ``path``. Raises :class:`RoutineErrors`."""
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    pics = pictures if pictures is not None else pictures_dir()
    ctx = loader._Ctx(path)
    entries: list[CatalogueEntry] = []
    try:
        if len(raw) > loader.MAX_BYTES:
            ctx.err(1, 1, loader._too_big(len(raw)))
        else:
            text = loader._decode(raw, ctx)
            root = loader._parse(text, ctx) if text is not None else None
            if root is not None:
                entries = _check(root, ctx, path, pics)
            elif not ctx.errors:
                ctx.err(1, 1, "the catalogue is empty; it needs a list of exercises")
    except loader._Abort:
        pass
    if ctx.errors:
        ctx.errors.sort(key=lambda e: (e.line, e.col))
        raise RoutineErrors(ctx.errors)
    return Catalogue(Path(path), tuple(entries))


def _check(
    root: loader._Node, ctx: loader._Ctx, path: Path | str, pics: Path
) -> list[CatalogueEntry]:
    chk = loader._Checker(ctx, path)
    if root.kind != "map" or "exercises" not in root.pairs:
        ctx.at(root, "the catalogue must be a mapping with a list under 'exercises'")
        return []
    chk.keys(root, ("exercises",), "the catalogue")
    seq = root.pairs["exercises"][1]
    if seq.kind != "seq" or not seq.items:
        ctx.at(seq, "'exercises' must be a non-empty list")
        return []
    out: list[CatalogueEntry] = []
    seen: dict[str, int] = {}
    for item in seq.items:
        if item.kind != "map":
            ctx.at(item, f"a catalogue entry must be a mapping, not {loader._describe(item)}")
            continue
        for name, (key, _value) in item.pairs.items():
            if name == "use":
                ctx.at(key, "'use' takes an entry from the catalogue; it has no place inside it")
            elif name in _NOT_IN_ENTRIES:
                ctx.at(key, f"'{name}' belongs in the routine that uses the entry, not here")
        rest = loader._Node("map", item.line, item.col)
        rest.pairs = {k: v for k, v in item.pairs.items() if k not in _NOT_IN_ENTRIES}
        chk.keys(rest, ENTRY_KEYS, "a catalogue entry")
        entry_id = _entry_id(item, ctx, chk, seen)
        picture = _picture(item, ctx, chk, pics, entry_id)
        fields = {
            k: v for k, v in item.pairs.items() if k not in ("id", "picture", *_NOT_IN_ENTRIES)
        }
        body = loader._Node("map", item.line, item.col)
        body.pairs = dict(fields)
        ex = chk.exercise(body, Timings())
        if ex is not None and entry_id is not None:
            ex = dataclasses.replace(ex, catalogue_id=entry_id, picture=picture)
            out.append(CatalogueEntry(entry_id, ex, picture, item.line, fields))
    return out


def _entry_id(
    item: loader._Node, ctx: loader._Ctx, chk: loader._Checker, seen: dict[str, int]
) -> str | None:
    if "id" not in item.pairs:
        ctx.at(item, "missing 'id': every catalogue entry needs one, like pigeon-pose")
        return None
    node = item.pairs["id"][1]
    text = chk.text(node, "id", allow_empty=False)
    if text is None:
        return None
    if not _ID.match(text):
        ctx.at(node, f"id {text!r} must be lowercase letters and digits joined by '-'")
        return None
    if text in seen:
        ctx.at(node, f"id '{text}' given twice (first on line {seen[text]})")
        return None
    seen[text] = node.line
    return text


def _picture(
    item: loader._Node,
    ctx: loader._Ctx,
    chk: loader._Checker,
    pics: Path,
    entry_id: str | None,
) -> str | None:
    if "picture" not in item.pairs:
        if entry_id is not None and (pics / f"{entry_id}.svg").is_file():
            return entry_id
        return None
    node = item.pairs["picture"][1]
    text = chk.text(node, "picture", allow_empty=False)
    if text is None:
        return None
    if not _ID.match(text):
        ctx.at(node, f"picture {text!r} must be a picture id like pigeon-pose")
        return None
    if not (pics / f"{text}.svg").is_file():
        ctx.at(node, f"picture '{text}' not found ({text}.svg in {pics})")
        return None
    return text


def catalogue_path() -> Path:
    from hiptimer.resources import assets_dir

    return assets_dir() / CATALOGUE_FILE


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read and check a catalogue file (the bundled one by default)."""
    p = path if path is not None else catalogue_path()
    try:
        raw = p.read_bytes()
    except OSError as e:
        msg = f"cannot read the catalogue: {e.strerror or e}"
        raise RoutineErrors([loader.RoutineError(p, 1, 1, msg)]) from None
    return load_catalogue_text(raw, p)


_cache: dict[tuple[Path, int, int], Catalogue] = {}


def bundled() -> Catalogue:
    """The bundled catalogue, read once (again only if the file changes)."""
    p = catalogue_path()
    try:
        st = p.stat()
        key = (p, st.st_mtime_ns, st.st_size)
    except OSError:
        return load_catalogue(p)  # raises with the reason
    found = _cache.get(key)
    if found is None:
        _cache.clear()
        found = _cache[key] = load_catalogue(p)
    return found
