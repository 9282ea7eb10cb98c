"""The key poses of every bundled exercise, keyed by picture id (the slug of its name).

Key pose 0 is the pose that names the exercise (what a still picture or a thumbnail
shows). A rep moves through the key poses in order and back to 0; a hold shows key 0.
``mirror`` says whether the other side is this picture flipped left-right; exercises that
work both sides at once (or the same way each side) have ``mirror=False``.

Side views face right. The figure's right side is the near side in a side view, so the
picture shows the right side worked; the left side is the mirror image.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Final

from hiptimer.figure.kinematics import (
    FLOOR_Y,
    FOREARM,
    POINT_RADIUS,
    SHIN,
    THIGH,
    UPPER_ARM,
    WIDTH,
    Point,
    Shape,
    bounds,
    shapes,
    solve,
)
from hiptimer.figure.model import Angles, Arc, Pose, Prop, View


def picture_id(name: str) -> str:
    """The picture id for an exercise name: lowercase, runs of other characters -> '-'.

    >>> picture_id("Child's pose")
    'childs-pose'
    >>> picture_id("Runner's lunge with arms overhead")
    'runners-lunge-with-arms-overhead'
    """
    return re.sub("[^a-z0-9]+", "-", name.lower().replace("'", "")).strip("-")


@dataclass(frozen=True)
class Picture:
    """An exercise's picture: its key poses, how the other side looks."""

    id: str
    name: str
    keys: tuple[Pose, ...]
    mirror: bool

    @property
    def view(self) -> View:
        return self.keys[0].view


def _prop_span(pose: Pose, p: Prop) -> tuple[float, float] | None:
    x = pose.x + p.dx
    if p.kind == "chair" and p.facing == 0:
        half = (p.width or 84.0) / 2 + 4
        return (x - half, x + half)
    if p.kind == "chair":
        back = x - p.facing * ((p.width or 50.0) + 8)
        return (min(x, back) - 4, max(x, back) + 4)
    if p.kind == "desk":
        w = p.width or 110.0
        return (x, x + w) if p.facing > 0 else (x - w, x)
    if p.kind == "wall":
        w = p.width or 12.0
        return (x - 2, x + w + 2) if p.facing > 0 else (x - w - 2, x + 2)
    if p.kind in ("step", "cushion"):
        half = (p.width or (90.0 if p.kind == "step" else 46.0)) / 2 + 2
        return (x - half, x + half)
    return None


def extent(pose: Pose) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of everything the pose draws except the floor."""
    figure: list[Shape] = shapes(pose, solve(pose))
    x0, y0, x1, y1 = bounds(figure)
    for p in pose.props:
        span = _prop_span(pose, p)
        if span is not None:
            x0, x1 = (min(x0, span[0]), max(x1, span[1]))
    return (x0, y0, x1, y1)


def _centred(keys: tuple[Pose, ...]) -> tuple[Pose, ...]:
    """Shift all key poses alike so that together they sit in the middle of the picture."""
    boxes = [extent(k) for k in keys]
    left = min(b[0] for b in boxes)
    right = max(b[2] for b in boxes)
    shift = WIDTH / 2 - (left + right) / 2
    return tuple(replace(k, x=k.x + shift) for k in keys)


def _pose(
    angles: Mapping[str, float],
    view: View = "side",
    anchor: str = "heel_n",
    lift: float = 0.0,
    rotate: float = 0.0,
    scale: dict[str, float] | None = None,
    props: tuple[Prop, ...] = (),
    hi: tuple[str, ...] = (),
    mat: bool = False,
    on: tuple[str, ...] = (),
    fit: Mapping[str, str] | None = None,
    arcs: tuple[Arc, ...] = (),
) -> Pose:
    """A pose from angles; ``fit`` maps a point to the angle turned until it meets the floor.

    The anchor rests on the floor (raised by ``lift``); each ``fit`` entry then turns one
    angle ("a,b": two angles together) by bisection from the written value until that
    point rests on the floor too, so a second foot, a hand or the head touches down.
    ``on`` lists points that already rest on the floor. All become the pose's ``contacts``.
    """
    pose = Pose(
        angles=Angles(**angles),
        view=view,
        anchor=anchor,
        lift=lift,
        rotate=rotate,
        scale=dict(scale or {}),
        props=props,
        highlight=frozenset(hi),
        mat=mat,
        contacts=frozenset(on) | frozenset(fit or {}),
        arcs=arcs,
    )
    for point, angle in (fit or {}).items():
        pose = _fit(pose, point, angle)
    return pose


def floor_gap(pose: Pose, point: str) -> float:
    """How far above the floor the lowest edge at ``point`` is (negative: below it)."""
    return FLOOR_Y - (solve(pose)[point][1] + POINT_RADIUS[point])


def _fit(pose: Pose, point: str, angle: str, level: float = 0.0) -> Pose:
    """Turn ``angle`` until ``point`` rests at ``level`` above the floor (see _pose)."""
    names = angle.split(",")
    start = float(getattr(pose.angles, names[0]))

    def turned(v: float) -> Pose:
        return pose.with_angles(**dict.fromkeys(names, v))

    def above(v: float) -> bool:
        return floor_gap(turned(v), point) > level

    if abs(floor_gap(pose, point) - level) < 0.05:
        return pose
    side = above(start)
    # Walk outward from the written value, both ways, to the nearest change of sign.
    for step in range(1, 121):
        for sign in (1.0, -1.0):
            v = start + sign * step * 0.5
            prev = v - sign * 0.5
            if above(v) != side:
                lo, hi = prev, v
                for _ in range(40):
                    mid = (lo + hi) / 2
                    if above(mid) == side:
                        lo = mid
                    else:
                        hi = mid
                return turned(round((lo + hi) / 2, 2))
    raise ValueError(f"turning {angle} does not bring {point} to {level} above the floor")


_LENGTH: Final = {
    "upper_arm": UPPER_ARM,
    "forearm": FOREARM,
    "thigh": THIGH,
    "shin": SHIN,
}


def _aim(pose: Pose, seg: str, target: Point) -> Pose:
    """Turn and stretch (foreshorten) segment ``seg`` so that it ends at ``target``.

    For a limb that leaves the picture plane, such as the crossed shin of a figure-four
    whose knee drops toward the viewer. The segment's start must not move with it.
    """
    start_point = {"upper_arm": "shoulder", "forearm": "elbow", "thigh": "hip", "shin": "knee"}
    kind, side = seg.rsplit("_", 1)
    sx, sy = solve(pose)[f"{start_point[kind]}_{side}"]
    dx, dy = target[0] - sx, target[1] - sy
    deg = round(math.degrees(math.atan2(dx, -dy)), 2)
    k = round(math.hypot(dx, dy) / _LENGTH[kind], 3)
    return replace(pose.with_angles(**{seg: deg}), scale={**pose.scale, seg: k})


def _seat(pose: Pose, dx: float = 0.0, facing: int = 1) -> Pose:
    """The pose with a chair whose seat is right under its pelvis."""
    pts = solve(pose)
    anchor_x = pts[pose.anchor][0]
    front = pts["pelvis"][0] - anchor_x + facing * 10.0 + dx
    if pose.view != "side":
        facing = 0
    height = floor_gap(pose, "pelvis") - 3.5
    return replace(pose, props=(*pose.props, Prop("chair", dx=front, height=height, facing=facing)))


def _wall_at(pose: Pose, point: str, facing: int = 1, width: float = 0.0) -> Pose:
    """The pose with a wall touching ``point`` (a hand) on the side it faces."""
    pts = solve(pose)
    x = pts[point][0] - pts[pose.anchor][0] + facing * POINT_RADIUS[point]
    return replace(pose, props=(*pose.props, Prop("wall", dx=x, facing=facing, width=width)))


PICTURES: dict[str, Picture] = {}


def _add(name: str, *keys: Pose, mirror: bool = True) -> None:
    pid = picture_id(name)
    PICTURES[pid] = Picture(pid, name, _centred(keys), mirror)


def _swap(d: Mapping[str, float]) -> dict[str, float]:
    """The same angles with near and far limbs exchanged (the other half of a step)."""
    out = {}
    for k, v in d.items():
        if k.endswith("_n"):
            out[k[:-2] + "_f"] = v
        elif k.endswith("_f"):
            out[k[:-2] + "_n"] = v
        else:
            out[k] = v
    return out


# -- reused bodies ------------------------------------------------------------------------

#: Hands and knees (tabletop), side view, facing right; hands flat, fingers forward.
TABLE: Final = dict(
    torso=76.0,
    neck=100.0,
    upper_arm_n=180.0,
    forearm_n=180.0,
    wrist_n=-90.0,
    upper_arm_f=180.0,
    forearm_f=180.0,
    wrist_f=-90.0,
    thigh_n=180.0,
    shin_n=270.0,
    foot_n=254.0,
    thigh_f=180.0,
    shin_f=270.0,
    foot_f=254.0,
)

#: Lying on the back, head to the left, knees bent and feet flat, arms by the sides.
HOOK: Final = dict(
    torso=270.0,
    neck=272.0,
    upper_arm_n=95.0,
    forearm_n=90.0,
    upper_arm_f=95.0,
    forearm_f=90.0,
    thigh_n=48.0,
    shin_n=160.0,
    thigh_f=48.0,
    shin_f=160.0,
)

#: Hands on the hips, elbows back (side view).
HANDS_ON_HIPS: Final = dict(upper_arm_n=204.0, forearm_n=148.0, upper_arm_f=204.0, forearm_f=148.0)

#: Walking mid-stride: right (near) leg forward, left arm forward.
STRIDE: Final = dict(
    torso=2.0,
    neck=6.0,
    thigh_n=160.0,
    shin_n=172.0,
    foot_n=80.0,
    thigh_f=202.0,
    shin_f=222.0,
    foot_f=122.0,
    upper_arm_n=200.0,
    forearm_n=192.0,
    upper_arm_f=162.0,
    forearm_f=140.0,
)

#: Front view feet, turned out a little.
FRONT_FEET: Final = dict(foot_n=94.0, foot_f=266.0)

STAND: Final = _pose({})
#: Pelvis height (as an anchor lift) of a person standing straight.
STAND_LIFT: Final = floor_gap(STAND, "pelvis")


# -- on hands and knees -------------------------------------------------------------------

_add(
    "Bird dog",
    _pose(
        {
            **TABLE,
            "thigh_n": 272.0,
            "shin_n": 272.0,
            "foot_n": 268.0,
            "upper_arm_f": 84.0,
            "forearm_f": 86.0,
            "wrist_f": 0.0,
        },
        anchor="knee_f",
        mat=True,
        hi=("pelvis", "thigh_n"),
        fit={"hand_n": "torso"},
    ),
    _pose(TABLE, anchor="knee_f", mat=True, hi=("pelvis",), fit={"hand_n": "torso"}),
)

_add(
    "Cat-cow",
    _pose(
        {**TABLE, "torso": 80.0, "back": -46.0, "neck": 40.0},
        anchor="knee_n",
        mat=True,
        hi=("pelvis", "chest"),
        fit={"hand_n": "torso"},
    ),
    _pose(
        {**TABLE, "back": 60.0, "neck": 165.0},
        anchor="knee_n",
        mat=True,
        hi=("pelvis", "chest"),
        fit={"hand_n": "torso"},
    ),
    mirror=False,
)

_add(
    "Child's pose",
    _pose(
        {
            "torso": 108.0,
            "back": 40.0,
            "neck": 140.0,
            "thigh_n": 124.0,
            "shin_n": 270.0,
            "foot_n": 258.0,
            "thigh_f": 124.0,
            "shin_f": 270.0,
            "foot_f": 258.0,
            "upper_arm_n": 100.0,
            "forearm_n": 92.0,
            "upper_arm_f": 100.0,
            "forearm_f": 92.0,
        },
        anchor="knee_n",
        mat=True,
        hi=("pelvis",),
        fit={"head": "torso", "hand_n": "upper_arm_n,forearm_n,upper_arm_f,forearm_f"},
    ),
    mirror=False,
)

# -- lying on the back --------------------------------------------------------------------

_BRIDGE_UP = {
    **HOOK,
    "torso": 252.0,
    "thigh_n": 74.0,
    "thigh_f": 74.0,
    "shin_n": 168.0,
    "shin_f": 168.0,
}

_add(
    "Glute bridge",
    _pose(
        _BRIDGE_UP,
        mat=True,
        hi=("pelvis",),
        fit={"neck": "torso", "hand_n": "upper_arm_n,upper_arm_f"},
    ),
    _pose(HOOK, mat=True, hi=("pelvis",), fit={"pelvis": "shin_n,shin_f"}),
    mirror=False,
)


def _one_leg_bridge() -> Pose:
    pose = _pose(
        {**_BRIDGE_UP, "foot_n": 0.0},
        anchor="heel_f",
        mat=True,
        hi=("pelvis", "thigh_f"),
        fit={"neck": "torso", "hand_n": "upper_arm_n,upper_arm_f"},
    )
    line = pose.angles.torso - 180.0  # the lifted leg continues the line of the trunk
    return pose.with_angles(thigh_n=line, shin_n=line, foot_n=line - 75.0)


def _one_leg_hover(lifted: Pose) -> Pose:
    """The lifted leg lowered until it floats just above the floor, hips still up."""
    down = _fit(lifted, "heel_n", "thigh_n,shin_n")
    a = down.angles.thigh_n - 3.0
    return replace(down.with_angles(thigh_n=a, shin_n=a, foot_n=a - 75.0), contacts=lifted.contacts)


_add("Bridge with one leg extended", _one_leg_bridge(), _one_leg_hover(_one_leg_bridge()))

_add(
    "Pelvic tilt",
    _pose(
        {**HOOK, "back": 0.0},
        mat=True,
        hi=("pelvis",),
        fit={"pelvis": "shin_n,shin_f"},
        arcs=(Arc("pelvis", 34.0, -50.0, 40.0, both=True),),
    ),
    _pose({**HOOK, "back": -14.0}, mat=True, hi=("pelvis",), fit={"pelvis": "shin_n,shin_f"}),
    mirror=False,
)

_add(
    "Resting breath",
    _pose(
        {
            **HOOK,
            "upper_arm_n": 55.0,
            "forearm_n": 125.0,
            "wrist_n": -20.0,
            "thigh_n": 40.0,
            "thigh_f": 40.0,
            "shin_n": 152.0,
            "shin_f": 152.0,
        },
        mat=True,
        hi=("chest",),
        fit={"pelvis": "shin_n,shin_f"},
    ),
    mirror=False,
)

_add(
    "Knee to chest",
    _pose(
        {
            **HOOK,
            "thigh_n": -30.0,
            "shin_n": 92.0,
            "foot_n": 15.0,
            "thigh_f": 90.0,
            "shin_f": 90.0,
            "foot_f": 5.0,
            "upper_arm_n": 35.0,
            "forearm_n": 95.0,
            "upper_arm_f": 40.0,
            "forearm_f": 95.0,
        },
        anchor="pelvis",
        mat=True,
        hi=("pelvis", "thigh_n"),
        fit={"heel_f": "thigh_f,shin_f"},
    ),
)


def _lying_figure_four() -> Pose:
    """On the back, the far thigh upright and its shin level; the near knee out toward the
    viewer and its shin across the far thigh: a "4" lying down."""
    pose = _pose(
        {
            **HOOK,
            "thigh_f": -12.0,
            "shin_f": 82.0,
            "foot_f": 5.0,
            "shin_n": 94.0,
            "foot_n": 10.0,
            "upper_arm_n": 40.0,
            "forearm_n": 62.0,
            "upper_arm_f": 44.0,
            "forearm_f": 64.0,
        },
        anchor="pelvis",
        mat=True,
        hi=("pelvis", "thigh_n"),
    )
    pts = solve(pose)
    (hx, hy), (kx, ky) = pts["hip_n"], pts["knee_f"]
    return _aim(pose, "thigh_n", (hx + (kx - hx) - 18.0, hy + (ky - hy) * 0.62))


_add("Lying figure-four stretch", _lying_figure_four())

_LTR_ARMS: Final = dict(upper_arm_n=100.0, forearm_n=95.0, upper_arm_f=260.0, forearm_f=265.0)
_LTR_MARK: Final = (Arc("pelvis", 92.0, 52.0, 128.0),)
_add(
    "Lower trunk rotation",
    # Seen from above, head to the left: knees together dropped to one side, then back up
    # (thighs and shins pointing at the viewer look short). The right side is the mirror.
    _pose(
        {
            **_LTR_ARMS,
            "thigh_n": 230.0,
            "shin_n": 140.0,
            "thigh_f": 230.0,
            "shin_f": 140.0,
            "foot_n": 140.0,
            "foot_f": 140.0,
        },
        view="top",
        anchor="pelvis",
        rotate=-90.0,
        hi=("pelvis",),
        scale={"thigh_n": 0.85, "thigh_f": 0.85},
        arcs=_LTR_MARK,
    ),
    _pose(
        {**_LTR_ARMS, "foot_n": 170.0, "foot_f": 190.0},
        view="top",
        anchor="pelvis",
        rotate=-90.0,
        hi=("pelvis",),
        scale={"thigh_n": 0.3, "thigh_f": 0.3, "shin_n": 0.75, "shin_f": 0.75},
        arcs=_LTR_MARK,
    ),
)

# -- kneeling and lunging ------------------------------------------------------------------

#: Kneeling lunge: the far foot forward, the near knee down behind, its foot flat; so the
#: near, darker leg is the one whose hip flexor stretches.
KNEELING_LUNGE: Final = dict(
    torso=0.0,
    neck=4.0,
    thigh_n=212.0,
    shin_n=272.0,
    foot_n=262.0,
    thigh_f=96.0,
    shin_f=178.0,
    foot_f=90.0,
)

_add(
    "Kneeling hip flexor stretch",
    _pose(
        {**KNEELING_LUNGE, "torso": -4.0, **HANDS_ON_HIPS},
        anchor="knee_n",
        lift=11.0,
        mat=True,
        props=(Prop("cushion"),),
        hi=("thigh_n", "pelvis"),
        fit={"heel_f": "shin_f"},
    ),
)

_add(
    "Low lunge",
    _pose(
        {
            **KNEELING_LUNGE,
            "torso": 10.0,
            "neck": 12.0,
            "thigh_n": 232.0,
            "thigh_f": 103.0,
            "shin_f": 160.0,
            "upper_arm_n": 150.0,
            "forearm_n": 140.0,
            "upper_arm_f": 150.0,
            "forearm_f": 140.0,
        },
        anchor="knee_n",
        mat=True,
        hi=("thigh_n", "pelvis"),
        fit={"heel_f": "shin_f"},
    ),
)

_add(
    "Runner's lunge with arms overhead",
    _pose(
        {
            **KNEELING_LUNGE,
            "torso": -3.0,
            "neck": 0.0,
            "thigh_n": 222.0,
            "thigh_f": 100.0,
            "upper_arm_n": 26.0,
            "forearm_n": 20.0,
            "upper_arm_f": 26.0,
            "forearm_f": 20.0,
        },
        anchor="knee_n",
        mat=True,
        hi=("thigh_n", "pelvis"),
        fit={"heel_f": "shin_f"},
    ),
)

_add(
    "Pigeon pose",
    _pose(
        {
            "torso": 6.0,
            "neck": 8.0,
            "thigh_n": 104.0,
            "shin_n": 250.0,
            "foot_n": 250.0,
            "thigh_f": 258.0,
            "shin_f": 266.0,
            "foot_f": 256.0,
            "upper_arm_n": 172.0,
            "forearm_n": 172.0,
            "upper_arm_f": 172.0,
            "forearm_f": 172.0,
            "wrist_n": -80.0,
            "wrist_f": -80.0,
        },
        anchor="knee_n",
        mat=True,
        hi=("pelvis", "thigh_n"),
        scale={"shin_n": 0.55},
        fit={"knee_f": "thigh_f", "ankle_n": "shin_n", "hand_n": "upper_arm_n,upper_arm_f"},
    ),
)

# -- sitting --------------------------------------------------------------------------------


def _figure_four(base: dict[str, float], view: View = "side", **kw: object) -> Pose:
    """The near ankle rests on top of the far knee and the near shin lies across it.

    Side view: the crossed shin is drawn lying over the far knee, the foot beyond it (in
    life it crosses the body, which a side view would hide); front view: the near knee
    out to the side and the shin across the far knee draw a "4".
    """
    pose = _pose(base, view=view, **kw)  # type: ignore[arg-type]
    if view == "front":
        pose = replace(pose, legs_in_front=True)
    kx, ky = solve(pose)["knee_f"]
    if view == "front":
        pose = _aim(pose, "shin_n", (kx - 2.0, ky - 13.0))
        return pose.with_angles(foot_n=pose.angles.shin_n - 10.0)
    pose = _aim(pose, "shin_n", (kx + 8.0, ky - 16.0))
    return pose.with_angles(foot_n=pose.angles.shin_n + 5.0)


_FLOOR_FOUR: Final = dict(thigh_f=55.0, shin_f=168.0, thigh_n=28.0)

_add(
    "Seated figure-four stretch",
    _figure_four(
        {
            **_FLOOR_FOUR,
            "torso": 10.0,
            "neck": 18.0,
            "upper_arm_n": 202.0,
            "forearm_n": 202.0,
            "wrist_n": -105.0,
            "upper_arm_f": 202.0,
            "forearm_f": 202.0,
            "wrist_f": -105.0,
        },
        anchor="pelvis",
        mat=True,
        hi=("pelvis", "thigh_n"),
        scale={"thigh_n": 0.66},
        fit={"heel_f": "shin_f", "hand_n": "upper_arm_n,forearm_n,upper_arm_f,forearm_f"},
    ),
)

_add(
    "Seated figure-four fold",
    _figure_four(
        {
            **_FLOOR_FOUR,
            "torso": 52.0,
            "back": 16.0,
            "neck": 80.0,
            "upper_arm_n": 100.0,
            "forearm_n": 105.0,
            "upper_arm_f": 100.0,
            "forearm_f": 105.0,
        },
        anchor="pelvis",
        mat=True,
        hi=("pelvis", "thigh_n", "chest"),
        scale={"thigh_n": 0.66},
        fit={"heel_f": "shin_f", "hand_n": "upper_arm_n,forearm_n,upper_arm_f,forearm_f"},
    ),
)

_add(
    "Chair figure-four stretch",
    _seat(
        _figure_four(
            {
                "thigh_f": 180.0,
                "shin_f": 180.0,
                "foot_f": 266.0,
                "thigh_n": 76.0,
                "upper_arm_n": 165.0,
                "forearm_n": 150.0,
                "upper_arm_f": 200.0,
                "forearm_f": 190.0,
            },
            view="front",
            anchor="heel_f",
            hi=("pelvis", "thigh_n"),
            scale={"thigh_f": 0.3, "thigh_n": 0.62, "torso": 0.88, "neck": 0.92},
        )
    ),
)


def _sit_to_stand() -> tuple[Pose, Pose]:
    sitting = _seat(
        _pose(
            {
                "torso": 28.0,
                "neck": 36.0,
                "thigh_n": 90.0,
                "shin_n": 172.0,
                "thigh_f": 90.0,
                "shin_f": 172.0,
                "upper_arm_n": 120.0,
                "forearm_n": 105.0,
                "upper_arm_f": 120.0,
                "forearm_f": 105.0,
            },
            hi=("thigh_n", "thigh_f", "pelvis"),
            on=("heel_f",),
        )
    )
    standing = replace(_pose({}, hi=("thigh_n", "thigh_f", "pelvis")), props=sitting.props)
    return sitting, standing


_add("Sit to stand", *_sit_to_stand(), mirror=False)

_add(
    "Wide-legged forward fold",
    _pose(
        {
            "torso": 0.0,
            "neck": 0.0,
            "thigh_n": 104.0,
            "shin_n": 104.0,
            "foot_n": 15.0,
            "thigh_f": 256.0,
            "shin_f": 256.0,
            "foot_f": 345.0,
            "upper_arm_n": 160.0,
            "forearm_n": 168.0,
            "upper_arm_f": 200.0,
            "forearm_f": 192.0,
        },
        view="front",
        anchor="pelvis",
        mat=True,
        hi=("pelvis", "thigh_n", "thigh_f"),
        scale={"torso": 0.6, "neck": 0.75, "foot_n": 0.8, "foot_f": 0.8},
        fit={
            "ankle_n": "thigh_n,shin_n",
            "ankle_f": "thigh_f,shin_f",
            "hand_n": "upper_arm_n,forearm_n",
            "hand_f": "upper_arm_f,forearm_f",
        },
    ),
    mirror=False,
)

# -- standing, side view ---------------------------------------------------------------------

_add(
    "Bodyweight squat",
    _pose(
        {
            "torso": 36.0,
            "neck": 40.0,
            "thigh_n": 100.0,
            "shin_n": 150.0,
            "thigh_f": 100.0,
            "shin_f": 150.0,
            "upper_arm_n": 88.0,
            "forearm_n": 90.0,
            "upper_arm_f": 88.0,
            "forearm_f": 90.0,
        },
        hi=("thigh_n", "thigh_f", "pelvis"),
        on=("heel_f",),
    ),
    _pose(
        {"upper_arm_n": 88.0, "forearm_n": 90.0, "upper_arm_f": 88.0, "forearm_f": 90.0},
        hi=("thigh_n", "thigh_f", "pelvis"),
        on=("heel_f",),
    ),
    mirror=False,
)

_add(
    "Standing hip flexor stretch",
    _fit(
        _pose(
            {
                "torso": -5.0,
                "neck": 0.0,
                "thigh_f": 150.0,
                "shin_f": 186.0,
                "thigh_n": 214.0,
                "shin_n": 218.0,
                "foot_n": 128.0,
                "upper_arm_n": 204.0,
                "forearm_n": 148.0,
                "upper_arm_f": 150.0,
                "forearm_f": 120.0,
            },
            anchor="heel_f",
            props=(Prop("desk", dx=40.0, height=100.0, width=90.0),),
            hi=("thigh_n", "pelvis"),
            fit={"toe_n": "foot_n"},
        ),
        "hand_f",
        "upper_arm_f",
        level=104.0,
    ),
)

_add(
    "Standing calf stretch",
    _wall_at(
        _pose(
            {
                "torso": 14.0,
                "neck": 20.0,
                "thigh_f": 162.0,
                "shin_f": 184.0,
                "thigh_n": 208.0,
                "shin_n": 208.0,
                "upper_arm_n": 68.0,
                "forearm_n": 62.0,
                "wrist_n": -62.0,
                "upper_arm_f": 68.0,
                "forearm_f": 62.0,
                "wrist_f": -62.0,
            },
            anchor="heel_f",
            hi=("shin_n",),
            fit={"heel_n": "thigh_n,shin_n"},
        ),
        "hand_n",
    ),
)

_add(
    "Reverse lunge with twist",
    _pose(
        {
            "torso": 18.0,
            "neck": 24.0,
            "thigh_f": 122.0,
            "shin_f": 168.0,
            "thigh_n": 198.0,
            "shin_n": 246.0,
            "foot_n": 150.0,
            "upper_arm_n": 150.0,
            "forearm_n": 140.0,
            "upper_arm_f": 200.0,
            "forearm_f": 195.0,
        },
        anchor="heel_f",
        hi=("pelvis", "thigh_f"),
        fit={"toe_n": "foot_n"},
        arcs=(Arc("shoulder_n", 36.0, 110.0, 250.0, flat=0.32),),
    ),
    _pose(
        {"upper_arm_n": 90.0, "forearm_n": 90.0, "upper_arm_f": 90.0, "forearm_f": 90.0},
        anchor="heel_f",
        hi=("pelvis", "thigh_f"),
    ),
)

_MARCH = {
    "thigh_n": 92.0,
    "shin_n": 178.0,
    "foot_n": 110.0,
    "upper_arm_n": 215.0,
    "forearm_n": 200.0,
    "upper_arm_f": 150.0,
    "forearm_f": 95.0,
}

_add(
    "March in place",
    # Knee up, both feet down, the other knee up, both down: no frame floats off the floor.
    _pose(_MARCH, anchor="heel_f", hi=("thigh_n",)),
    _pose({"upper_arm_n": 185.0, "upper_arm_f": 175.0}, hi=("thigh_n",), on=("heel_f",)),
    _pose(_swap(_MARCH), anchor="heel_n", hi=("thigh_f",)),
    _pose({"upper_arm_n": 175.0, "upper_arm_f": 185.0}, hi=("thigh_n",), on=("heel_f",)),
    mirror=False,
)

for _walk in ("Easy walk", "Walk around"):
    _add(
        _walk,
        _pose(STRIDE, anchor="heel_n", on=("toe_f",), fit={"toe_f": "shin_f"}),
        _pose(_swap(STRIDE), anchor="heel_f", fit={"toe_n": "shin_n"}),
        mirror=False,
    )

_BRISK = {
    **STRIDE,
    "torso": 7.0,
    "neck": 10.0,
    "thigh_n": 152.0,
    "thigh_f": 208.0,
    "shin_f": 230.0,
    "upper_arm_n": 220.0,
    "forearm_n": 130.0,
    "upper_arm_f": 150.0,
    "forearm_f": 60.0,
}
_add(
    "Brisk walk",
    _pose(_BRISK, anchor="heel_n", fit={"toe_f": "shin_f"}),
    _pose(_swap(_BRISK), anchor="heel_f", fit={"toe_n": "shin_n"}),
    mirror=False,
)

_SLOW = {
    **STRIDE,
    "torso": 0.0,
    "neck": 3.0,
    "thigh_n": 168.0,
    "shin_n": 176.0,
    "thigh_f": 194.0,
    "shin_f": 208.0,
    "upper_arm_n": 190.0,
    "forearm_n": 185.0,
    "upper_arm_f": 172.0,
    "forearm_f": 165.0,
}
_add(
    "Cool-down walk",
    _pose(_SLOW, anchor="heel_n", fit={"toe_f": "shin_f"}),
    _pose(_swap(_SLOW), anchor="heel_f", fit={"toe_n": "shin_n"}),
    mirror=False,
)

_SWING = dict(upper_arm_f=150.0, forearm_f=150.0, upper_arm_n=180.0, forearm_n=175.0)
_add(
    "Front-to-back leg swings",
    _pose(
        {**_SWING, "thigh_n": 130.0, "shin_n": 135.0, "foot_n": 60.0},
        anchor="heel_f",
        hi=("thigh_n",),
        arcs=(Arc("hip_n", 96.0, 215.0, 135.0, both=True),),
    ),
    _pose(
        {**_SWING, "thigh_n": 215.0, "shin_n": 222.0, "foot_n": 130.0},
        anchor="heel_f",
        hi=("thigh_n",),
        arcs=(Arc("hip_n", 96.0, 215.0, 135.0, both=True),),
    ),
)

# -- standing, front view ----------------------------------------------------------------------
# _n limbs hang at the viewer's right, _f at the viewer's left.

_add(
    "Side-to-side leg swings",
    *(
        _pose(
            {
                **FRONT_FEET,
                "thigh_n": thigh,
                "shin_n": thigh,
                "upper_arm_n": 140.0,
                "forearm_n": 150.0,
                "upper_arm_f": 220.0,
                "forearm_f": 210.0,
            },
            view="front",
            anchor="heel_f",
            hi=("thigh_n", "pelvis"),
            scale={"upper_arm_n": 0.7, "upper_arm_f": 0.7, "forearm_n": 0.45, "forearm_f": 0.45},
            arcs=(Arc("hip_n", 100.0, 212.0, 140.0, both=True),),
        )
        for thigh in (145.0, 205.0)
    ),
)


def _side_raise(prop: Prop) -> tuple[Pose, Pose]:
    up = {
        **FRONT_FEET,
        "thigh_n": 148.0,
        "shin_n": 148.0,
        "foot_n": 100.0,
        "upper_arm_n": 168.0,
        "forearm_n": 170.0,
        "upper_arm_f": 212.0,
        "forearm_f": 200.0,
    }
    down = {**up, "thigh_n": 180.0, "shin_n": 180.0, "foot_n": 94.0}
    marks = (Arc("hip_n", 104.0, 176.0, 146.0),)
    return (
        _pose(
            up, view="front", anchor="heel_f", props=(prop,), hi=("thigh_n", "pelvis"), arcs=marks
        ),
        _pose(down, view="front", anchor="heel_f", props=(prop,), hi=("thigh_n", "pelvis")),
    )


_add("Standing leg raise", *_side_raise(Prop("chair", dx=-64.0, facing=-1)))
_add("Standing side leg raise", *_side_raise(Prop("desk", dx=-40.0, facing=-1)))

_HIKE = {**FRONT_FEET, "upper_arm_f": 240.0, "forearm_f": 250.0}
_STEP_PROPS = (Prop("step", dx=-29.0, width=80.0, height=30.0), Prop("wall", dx=-96.0, facing=-1))
_add(
    "Hip hikers",
    _pose(
        {**_HIKE, "pelvis_tilt": 30.0, "thigh_n": 176.0, "shin_n": 178.0},
        view="front",
        anchor="heel_f",
        lift=30.0,
        props=_STEP_PROPS,
        hi=("pelvis", "thigh_f"),
        arcs=(Arc("ankle_f", 54.0, 62.0, 118.0, both=True),),
    ),
    _pose(
        _HIKE,
        view="front",
        anchor="heel_f",
        lift=30.0,
        props=_STEP_PROPS,
        hi=("pelvis", "thigh_f"),
    ),
)

_SHALLOW_SQUAT = {
    **FRONT_FEET,
    "upper_arm_n": 150.0,
    "forearm_n": 235.0,
    "upper_arm_f": 210.0,
    "forearm_f": 125.0,
}
_add(
    "Lateral band walk",
    _pose(
        {**_SHALLOW_SQUAT, "thigh_n": 150.0, "shin_n": 176.0, "thigh_f": 210.0, "shin_f": 184.0},
        view="front",
        anchor="heel_f",
        props=(Prop("band"),),
        hi=("pelvis", "thigh_n", "thigh_f"),
        scale={"thigh_n": 0.8, "thigh_f": 0.8, "torso": 0.93},
        arcs=(Arc("ankle_n", 40.0, 300.0, 400.0),),
    ),
    _pose(
        {**_SHALLOW_SQUAT, "thigh_n": 166.0, "shin_n": 178.0, "thigh_f": 194.0, "shin_f": 182.0},
        view="front",
        anchor="heel_f",
        props=(Prop("band"),),
        hi=("pelvis", "thigh_n", "thigh_f"),
        scale={"thigh_n": 0.8, "thigh_f": 0.8, "torso": 0.93},
    ),
)

_CIRCLE = {**FRONT_FEET, "upper_arm_f": 235.0, "forearm_f": 215.0}
_CIRCLE_MARK = (Arc("hip_n", 62.0, 200.0, 470.0),)
_WALL_LEFT = (Prop("wall", dx=-66.0, facing=-1),)
_add(
    "Standing hip circles",
    _pose(
        {**_CIRCLE, "thigh_n": 100.0, "shin_n": 178.0},
        view="front",
        anchor="heel_f",
        props=_WALL_LEFT,
        hi=("thigh_n", "pelvis"),
        arcs=_CIRCLE_MARK,
    ),
    _pose(
        {**_CIRCLE, "thigh_n": 170.0, "shin_n": 180.0},
        view="front",
        anchor="heel_f",
        props=_WALL_LEFT,
        hi=("thigh_n", "pelvis"),
        scale={"thigh_n": 0.4},
        arcs=_CIRCLE_MARK,
    ),
    _pose(
        {**_CIRCLE, "thigh_n": 150.0, "shin_n": 180.0},
        view="front",
        anchor="heel_f",
        props=_WALL_LEFT,
        hi=("thigh_n", "pelvis"),
        arcs=_CIRCLE_MARK,
    ),
)
