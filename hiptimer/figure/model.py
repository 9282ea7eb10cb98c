"""The pose model: a human figure as segment angles, plus where it stands and what is around it.

A pose is data, not drawing. Every angle is absolute, in degrees, measured in the picture
plane: 0 points straight up, 90 points the way the figure faces (to the right in a side
view, to the viewer's right in a front view), 180 points straight down, -90 (or 270)
backward. Absolute angles make poses easy to write down from a photograph or a description
("thigh horizontal forward" is 90 whatever the torso does) and easy to interpolate.

Limbs come in pairs with the suffixes ``_n`` and ``_f``: in a side view the near limb
(nearer the viewer, drawn darker and in front) and the far limb; in a front or top view
``_n`` is the limb that hangs from the figure's side at +x (the viewer's right) and ``_f``
the one at -x.

Views:

- ``side``: the figure seen from its side, facing right.
- ``front``: seen from the front; hips and shoulders have width.
- ``top``: seen from above (a front view of a lying figure), on a mat, no floor line.

Segments can be foreshortened with ``scale`` (for a limb that points toward the viewer,
such as the torso of a seated person folding forward in a front view).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Final, Literal

View = Literal["side", "front", "top"]
PropKind = Literal["chair", "desk", "step", "wall", "band", "cushion"]

#: The segments whose angles a pose gives, in drawing-independent order.
SEGMENTS: Final = (
    "torso",
    "neck",
    "upper_arm_n",
    "forearm_n",
    "upper_arm_f",
    "forearm_f",
    "thigh_n",
    "shin_n",
    "foot_n",
    "thigh_f",
    "shin_f",
    "foot_f",
)

#: What ``highlight`` may name: the segments above, plus "pelvis" (the lower half of the
#: trunk: hips, buttocks, lower back), "chest" (its upper half), "head" and the hands.
HIGHLIGHTABLE: Final = frozenset(
    {"pelvis", "chest", "head", "hand_n", "hand_f"} | set(SEGMENTS) - {"torso", "neck"}
)


@dataclass(frozen=True)
class Angles:
    """Absolute segment angles in degrees (0 up, 90 facing direction, 180 down).

    The defaults are a person standing upright, arms hanging, feet flat. ``torso`` is the
    direction from the pelvis to the base of the neck; ``back`` bends the trunk at its
    middle (positive rounds it, as in "cat"; negative arches it, as in "cow"): the lower
    half turns by -back/2 and the upper half by +back/2.
    ``pelvis_tilt`` (front/top view) tilts the line through the hips relative to the
    torso, e.g. for a hip hike; ``wrist_n``/``wrist_f`` bend the hand relative to the
    forearm.
    """

    torso: float = 0.0
    back: float = 0.0
    neck: float = 0.0
    upper_arm_n: float = 180.0
    forearm_n: float = 180.0
    upper_arm_f: float = 180.0
    forearm_f: float = 180.0
    thigh_n: float = 180.0
    shin_n: float = 180.0
    foot_n: float = 90.0
    thigh_f: float = 180.0
    shin_f: float = 180.0
    foot_f: float = 90.0
    pelvis_tilt: float = 0.0
    wrist_n: float = 0.0
    wrist_f: float = 0.0


@dataclass(frozen=True)
class Prop:
    """Something beside the figure, placed relative to the pose's anchor.

    ``dx`` is the horizontal offset in viewBox units from the anchor point (positive: the
    way the figure faces). ``width`` and ``height`` size the prop; zero means the kind's
    default. A ``band`` ignores both and runs between the points named in ``between``.
    ``facing`` turns a chair: +1 the seat's front edge faces the way the figure faces, -1
    the other way, 0 a chair seen from the front (``dx`` is then its middle).
    """

    kind: PropKind
    dx: float = 0.0
    width: float = 0.0
    height: float = 0.0
    facing: int = 1
    between: tuple[str, str] = ("ankle_n", "ankle_f")


@dataclass(frozen=True)
class Arc:
    """A motion mark: an arrow along a circle round a point of the figure.

    It shows which way a limb moves in a still picture (a swing, a circle, a tilt). The
    circle has ``radius`` round the named point, runs from angle ``start`` to ``end``
    (same convention as the segment angles, clockwise when ``end > start``) and ends in an
    arrowhead; ``both`` puts one at the start too. ``flat`` squashes the circle into an
    ellipse (e.g. 0.3: a turn round the body's long axis, seen from the side).
    """

    at: str
    radius: float
    start: float
    end: float
    both: bool = False
    flat: float = 1.0


@dataclass(frozen=True)
class Pose:
    """One key pose of a figure: angles, view, placement, props and highlight.

    Placement: the point named ``anchor`` (see kinematics.POINT_RADIUS for the names)
    is put at horizontal position ``x`` with its lowest edge resting on the floor, raised
    by ``lift`` (e.g. standing on a step). A top view puts the anchor at (x, 150 - lift).
    ``legs_in_front`` draws the legs over the trunk (a front view of someone sitting),
    the far one lighter.
    ``contacts`` names further points that rest on the floor itself (the tests check that
    they do, so a pose cannot float or sink through the floor unnoticed).
    """

    angles: Angles = Angles()
    view: View = "side"
    anchor: str = "heel_n"
    x: float = 200.0
    lift: float = 0.0
    rotate: float = 0.0
    scale: Mapping[str, float] = field(default_factory=dict)
    props: tuple[Prop, ...] = ()
    highlight: frozenset[str] = frozenset()
    mat: bool = False
    contacts: frozenset[str] = frozenset()
    arcs: tuple[Arc, ...] = ()
    legs_in_front: bool = False

    def with_angles(self, **changes: float) -> Pose:
        """This pose with some angles changed (keyword per Angles field)."""
        return replace(self, angles=replace(self.angles, **changes))


def _lerp(a: float, b: float, t: float) -> float:
    return a + (b - a) * t


def _lerp_angle(a: float, b: float, t: float) -> float:
    """Interpolate along the shorter way round, so 350 -> 10 passes 0, not 180."""
    d = (b - a + 180.0) % 360.0 - 180.0
    return a + d * t


def blend(a: Pose, b: Pose, t: float) -> Pose:
    """Angles, placement and props a fraction ``t`` of the way from ``a`` to ``b``.

    Angles turn the shorter way round; placement, foreshortening and props' offsets move
    linearly. View, anchor, highlight, marks and the kinds of props come from ``a``.
    Use kinematics.interpolate, which also handles key poses with different anchors.
    """
    angles = Angles(
        **{
            f.name: _lerp_angle(getattr(a.angles, f.name), getattr(b.angles, f.name), t)
            for f in fields(Angles)
        }
    )
    keys = sorted(set(a.scale) | set(b.scale))
    scale = {k: _lerp(a.scale.get(k, 1.0), b.scale.get(k, 1.0), t) for k in keys}
    props = a.props
    if len(a.props) == len(b.props) and all(
        p.kind == q.kind for p, q in zip(a.props, b.props, strict=True)
    ):
        props = tuple(
            replace(
                p,
                dx=_lerp(p.dx, q.dx, t),
                width=_lerp(p.width, q.width, t),
                height=_lerp(p.height, q.height, t),
            )
            for p, q in zip(a.props, b.props, strict=True)
        )
    return replace(
        a,
        angles=angles,
        x=_lerp(a.x, b.x, t),
        lift=_lerp(a.lift, b.lift, t),
        rotate=_lerp_angle(a.rotate, b.rotate, t),
        scale=scale,
        props=props,
    )
