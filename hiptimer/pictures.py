"""Which picture a step shows, and whether it is mirrored (pure, no Qt).

A picture is either a catalogue pose picture (``assets/pictures/<id>.svg``, key pose 0,
with further key poses in ``<id>.<n>.svg``), taken from the exercise's catalogue entry,
or a user image (``image:``), which wins when both are given. Prep and rest show the
picture of the exercise that comes next, since that is what the person gets ready for.

Mirroring: a picture shows the left side (the side worked first). For the right side a
catalogue pose is mirrored unless its pose data says otherwise (``"mirror": false`` in
``assets/pictures/index.json``); a user image only with ``mirror: true``. ``mirror:`` on
the exercise overrides both.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from hiptimer.engine import Session
from hiptimer.plan import Plan, Side, Step
from hiptimer.routine import Exercise

INDEX_FILE = "index.json"
_POSE_FILE = re.compile(r"^(?P<id>[a-z0-9-]+)\.(?P<n>\d+)\.svg$")


@dataclass(frozen=True)
class PictureRef:
    """What to draw: ``kind`` catalogue (``ref`` is the picture id) or file (a path)."""

    kind: Literal["catalogue", "file"]
    ref: str  # the catalogue picture id, or the file's path as text
    path: Path  # the file to draw (a catalogue picture: its key pose 0)
    mirror: bool  # drawn flipped for the right side
    poses: tuple[Path, ...] = ()  # catalogue: every key pose's SVG, in order

    @property
    def is_catalogue(self) -> bool:
        return self.kind == "catalogue"

    def mirrored(self, side: Side | None) -> bool:
        """Whether to draw it flipped while ``side`` is being worked."""
        return self.mirror and side == "right"


def pictures_dir() -> Path:
    from hiptimer.resources import assets_dir

    return assets_dir() / "pictures"


_index_cache: dict[tuple[Path, int], dict[str, dict[str, object]]] = {}


def _index(folder: Path) -> dict[str, dict[str, object]]:
    """``index.json``'s per-picture data, by id (empty if absent or unreadable).

    Accepts ``{"pictures": {id: {...}}}``, ``{id: {...}}`` or ``[{"id": ...}, ...]``.
    """
    path = folder / INDEX_FILE
    try:
        key = (path, path.stat().st_mtime_ns)
    except OSError:
        return {}
    if key in _index_cache:
        return _index_cache[key]
    try:
        data: object = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    if isinstance(data, dict) and isinstance(data.get("pictures"), dict | list):
        data = data["pictures"]
    out: dict[str, dict[str, object]] = {}
    if isinstance(data, list):
        for item in data:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                out[item["id"]] = item
    elif isinstance(data, dict):
        out = {k: v for k, v in data.items() if isinstance(v, dict)}
    _index_cache.clear()
    _index_cache[key] = out
    return out


#: catalogue_picture's answers for one folder as it was (its mtime): a session asks for
#: the same pictures every second, and each answer listed the folder (60 files).
_found: dict[tuple[str, bool | None], PictureRef | None] = {}
_found_in: list[tuple[Path, int, int]] = []  # the one folder state they hold for


def _mtime_ns(path: Path) -> int:
    """``path``'s mtime; -1 when it is not there."""
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return -1


def catalogue_picture(
    picture_id: str, folder: Path | None = None, mirror: bool | None = None
) -> PictureRef | None:
    """The catalogue picture ``picture_id``, None if its SVG is not there. Remembered
    until a file is added to, removed from or renamed in the folder (its mtime), or
    its ``index.json`` (the mirror flags) changes."""
    d = folder if folder is not None else pictures_dir()
    stamp: tuple[Path, int, int] | None
    try:
        stamp = (d, d.stat().st_mtime_ns, _mtime_ns(d / INDEX_FILE))
    except OSError:
        stamp = None
    if stamp is not None:
        if _found_in != [stamp]:
            _found.clear()
            _found_in[:] = [stamp]
        elif (picture_id, mirror) in _found:
            return _found[picture_id, mirror]
    ref = _catalogue_picture(d, picture_id, mirror)
    if stamp is not None:
        _found[picture_id, mirror] = ref
    return ref


def _catalogue_picture(d: Path, picture_id: str, mirror: bool | None) -> PictureRef | None:
    first = d / f"{picture_id}.svg"
    if not first.is_file():
        return None
    more: list[tuple[int, Path]] = []
    for p in d.glob(f"{picture_id}.*.svg"):
        m = _POSE_FILE.match(p.name)
        if m and m["id"] == picture_id:
            more.append((int(m["n"]), p))
    poses = (first, *(p for _n, p in sorted(more)))
    if mirror is None:
        flag = _index(d).get(picture_id, {}).get("mirror", True)
        mirror = flag if isinstance(flag, bool) else True
    return PictureRef("catalogue", picture_id, first, mirror, poses)


def exercise_picture(ex: Exercise) -> PictureRef | None:
    """The exercise's own picture: its image, else its catalogue picture, else None."""
    if ex.image is not None:
        return PictureRef("file", str(ex.image), ex.image, bool(ex.mirror), (ex.image,))
    if ex.picture is not None:
        return catalogue_picture(ex.picture, mirror=ex.mirror)
    return None


def shown_exercise(plan: Plan, step: Step) -> Exercise:
    """The exercise a step's picture belongs to: rest shows the next exercise."""
    if step.kind == "rest":
        for later in plan.steps[step.index + 1 :]:
            return later.exercise
    return step.exercise


def step_picture(plan: Plan, step: Step) -> PictureRef | None:
    return exercise_picture(shown_exercise(plan, step))


def step_side(plan: Plan, step: Step) -> Side | None:
    """The side a step's picture shows: its own, or for prep and rest the first side
    of the exercise that comes next."""
    if step.kind in ("prep", "rest"):
        for later in plan.steps[step.index + 1 :]:
            if later.kind == "work":
                return later.side
        return None
    return step.side


# --------------------------------------------------------------------------- motion


def _ease(u: float) -> float:
    """0..1 -> 0..1, slow at both ends (a limb speeds up and slows down)."""
    return (1.0 - math.cos(math.pi * min(1.0, max(0.0, u)))) / 2.0


def pose_blend(t: float, keys: int, *, holds: bool = False) -> tuple[int, int, float]:
    """Where the figure is ``t`` (0..1) into one rep, as (key pose a, key pose b, blend).

    Plain timed reps go round the key poses and back to the first: with two key poses
    (down, up) a rep is down -> up -> down. Reps that hold (``holds``) move into the last
    key pose in the first fifth of the rep, stay there, and come back in the last fifth.
    With one key pose (or none) the figure stays still.
    """
    if keys <= 1:
        return (0, 0, 0.0)
    t = min(1.0, max(0.0, t))
    if holds:
        last = keys - 1
        if 0.2 <= t <= 0.8:
            return (last, last, 0.0)
        u = t / 0.2 if t < 0.2 else (1.0 - t) / 0.2  # 0 at the rest pose, 1 at the held one
        pos = last * u
        a = min(int(pos), last - 1)
        return (a, a + 1, _ease(pos - a))
    pos = t * keys
    i = min(int(pos), keys - 1)
    return (i, (i + 1) % keys, _ease(pos - i))


def rep_progress(session: Session) -> tuple[float, bool] | None:
    """(fraction 0..1 of the rep under way, whether each rep is a hold) during timed
    reps, from the engine's own clock; None otherwise (holds, prep, paused or not)."""
    step = session.step
    r = session.rep()
    if step is None or r is None or step.kind != "work":
        return None
    tempo = step.exercise.dose.tempo
    if not tempo:
        return None
    into = session.step_elapsed() - (r[0] - 1) * tempo
    return (min(1.0, max(0.0, into / tempo)), step.exercise.dose.holds)


_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def resolve_ref(text: str, mirror: bool | None = None) -> PictureRef | None:
    """A picture from the text a display model or ``plan --json`` carries: a catalogue
    picture id (None if it has no SVG) or a file path (its existence is the caller's
    to check; a missing file then shows a placeholder)."""
    if _ID.match(text) and not Path(text).is_absolute():
        return catalogue_picture(text, mirror=mirror)
    path = Path(text)
    return PictureRef("file", text, path, bool(mirror), (path,))


def breath_level(session: Session) -> float | None:
    """How full the breath is during a guided breath (0 empty .. 1 full): rising through
    each inhale, falling through each exhale, eased; None when no breath is guided."""
    b = session.breath()
    if b is None or session.step is None or session.step.kind != "work":
        return None
    up = _ease(b.fraction)
    return up if b.phase == "inhale" else 1.0 - up
