"""Forward kinematics: a Pose -> joint positions and the flat shapes that draw the figure.

Everything is in viewBox units (the picture is 400 x 300, the floor at FLOOR_Y). Lengths
are for a figure about 235 units tall standing, in natural adult proportions: the hip
joint a little above half the height, the head about an eighth of it, fingertips at
mid-thigh when the arms hang.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Final, Literal

from hiptimer.figure.model import Pose, blend

WIDTH: Final = 400.0
HEIGHT: Final = 300.0
FLOOR_Y: Final = 272.0
TOP_CENTRE_Y: Final = 150.0

# Segment lengths (joint to joint).
TORSO: Final = 64.0  # pelvis (hip joint height) to the base of the neck
SHOULDER_DROP: Final = 9.0  # shoulder joint below the base of the neck
HEAD_GAP: Final = 33.0  # base of the neck to the centre of the head
HEAD_R: Final = 15.5
UPPER_ARM: Final = 41.0
FOREARM: Final = 35.0
HAND: Final = 11.0
THIGH: Final = 57.0
SHIN: Final = 54.0
ANKLE_H: Final = 8.0  # ankle joint above the sole
FOOT: Final = 27.0  # heel to toe
HEEL_BACK: Final = 5.0  # heel behind the ankle

# Widths (the shapes are round-capped strokes of these widths).
TORSO_W: Final = 36.0  # side view depth of the trunk
FRONT_SHOULDER: Final = 20.0  # half the distance between the shoulder joints, front view
FRONT_HIP: Final = 11.0  # half the distance between the hip joints, front view
FRONT_TORSO_STROKE: Final = 14.0  # rounding of the front-view trunk outline
THIGH_W: Final = 22.0
SHIN_W: Final = 17.0
FOOT_W: Final = 10.0
UPPER_ARM_W: Final = 15.0
FOREARM_W: Final = 13.0
HAND_W: Final = 16.0

#: How far below (or around) each named point the body reaches: what rests on the floor
#: when that point is a pose's anchor.
POINT_RADIUS: Final[dict[str, float]] = {
    "pelvis": TORSO_W / 2,
    "chest": TORSO_W / 2,
    "neck": TORSO_W / 2,
    "head": HEAD_R,
    **{f"shoulder_{s}": TORSO_W / 2 for s in "nf"},
    **{f"elbow_{s}": UPPER_ARM_W / 2 for s in "nf"},
    **{f"wrist_{s}": FOREARM_W / 2 for s in "nf"},
    **{f"hand_{s}": HAND_W / 2 for s in "nf"},
    **{f"hip_{s}": THIGH_W / 2 for s in "nf"},
    **{f"knee_{s}": THIGH_W / 2 for s in "nf"},
    **{f"ankle_{s}": SHIN_W / 2 for s in "nf"},
    **{f"heel_{s}": FOOT_W / 2 for s in "nf"},
    **{f"toe_{s}": FOOT_W / 2 for s in "nf"},
}

Point = tuple[float, float]
#: Colour roles: the SVG writer maps them to colours.
Role = Literal["far", "near", "trunk", "hi_far", "hi_near", "hi_trunk"]


@dataclass(frozen=True, slots=True)
class Capsule:
    """A round-capped stroke from a to b (a == b draws a disc)."""

    a: Point
    b: Point
    width: float
    role: Role


@dataclass(frozen=True, slots=True)
class Blob:
    """A filled polygon with rounded corners (a stroke of ``width`` round its outline)."""

    points: tuple[Point, ...]
    width: float
    role: Role


@dataclass(frozen=True, slots=True)
class Curve:
    """A round-capped stroke along the quadratic Bezier curve a -> (control c) -> b."""

    a: Point
    c: Point
    b: Point
    width: float
    role: Role

    def at(self, t: float) -> Point:
        u = 1.0 - t
        return (
            u * u * self.a[0] + 2 * u * t * self.c[0] + t * t * self.b[0],
            u * u * self.a[1] + 2 * u * t * self.c[1] + t * t * self.b[1],
        )


Shape = Capsule | Blob | Curve


def _dir(deg: float) -> Point:
    r = math.radians(deg)
    return (math.sin(r), -math.cos(r))


def _add(p: Point, d: Point, k: float) -> Point:
    return (p[0] + d[0] * k, p[1] + d[1] * k)


def solve(pose: Pose) -> dict[str, Point]:
    """Joint positions of ``pose`` in viewBox units, placed on the floor by its anchor."""
    pts = _local(pose)
    ax, ay = pts[pose.anchor]
    if pose.view == "top":
        dx, dy = pose.x - ax, TOP_CENTRE_Y - pose.lift - ay
    else:
        dx = pose.x - ax
        dy = FLOOR_Y - pose.lift - (ay + POINT_RADIUS[pose.anchor])
    return {k: (x + dx, y + dy) for k, (x, y) in pts.items()}


def _pelvis_place(pose: Pose) -> tuple[float, float]:
    """(x, lift) that place ``pose`` where it is when anchored by its pelvis instead."""
    x, y = solve(pose)["pelvis"]
    if pose.view == "top":
        return x, TOP_CENTRE_Y - y
    return x, FLOOR_Y - (y + POINT_RADIUS["pelvis"])


def interpolate(a: Pose, b: Pose, t: float) -> Pose:
    """The pose a fraction ``t`` (0..1, clamped) of the way from key pose ``a`` to ``b``.

    Angles turn the shorter way round. When both keys rest on the same anchor (a squat's
    heels) it stays put; otherwise (a walk, from one foot to the other) the pelvis glides
    from where it is in ``a`` to where it is in ``b``. t=0 gives ``a`` and t=1 gives ``b``.
    """
    t = 0.0 if t < 0.0 else 1.0 if t > 1.0 else t
    if t == 0.0:
        return a
    if t == 1.0:
        return b
    mid = blend(a, b, t)
    if a.anchor == b.anchor and a.view == b.view:
        return mid
    (xa, la), (xb, lb) = _pelvis_place(a), _pelvis_place(b)
    return replace(mid, anchor="pelvis", x=xa + (xb - xa) * t, lift=la + (lb - la) * t)


def _local(pose: Pose) -> dict[str, Point]:
    """Joint positions with the pelvis at the origin."""
    a = pose.angles
    rot = pose.rotate
    sc = pose.scale
    front = pose.view != "side"

    def k(seg: str) -> float:
        return sc.get(seg, 1.0)

    p: dict[str, Point] = {}
    pelvis: Point = (0.0, 0.0)
    chest = _add(pelvis, _dir(a.torso - a.back / 2 + rot), TORSO * k("torso") * 0.5)
    neck = _add(chest, _dir(a.torso + a.back / 2 + rot), TORSO * k("torso") * 0.5)
    p["pelvis"] = pelvis
    p["chest"] = chest
    p["neck"] = neck
    p["head"] = _add(neck, _dir(a.neck + rot), HEAD_GAP * k("neck"))
    shoulder_c = _add(neck, _dir(a.torso + a.back / 2 + rot), -SHOULDER_DROP * k("torso"))
    if front:
        perp = _dir(a.torso + rot + 90.0)
        hip_perp = _dir(a.torso + a.pelvis_tilt + rot + 90.0)
        shoulders = {
            "n": _add(shoulder_c, perp, FRONT_SHOULDER),
            "f": _add(shoulder_c, perp, -FRONT_SHOULDER),
        }
        hips = {"n": _add(pelvis, hip_perp, FRONT_HIP), "f": _add(pelvis, hip_perp, -FRONT_HIP)}
    else:
        shoulders = {"n": shoulder_c, "f": shoulder_c}
        hips = {"n": pelvis, "f": pelvis}
    foot_default = 0.45 if front else 1.0
    for s in "nf":
        sh = shoulders[s]
        fa = getattr(a, f"forearm_{s}")
        elbow = _add(sh, _dir(getattr(a, f"upper_arm_{s}") + rot), UPPER_ARM * k(f"upper_arm_{s}"))
        wrist = _add(elbow, _dir(fa + rot), FOREARM * k(f"forearm_{s}"))
        hand = _add(wrist, _dir(fa + getattr(a, f"wrist_{s}") + rot), HAND)
        hip = hips[s]
        knee = _add(hip, _dir(getattr(a, f"thigh_{s}") + rot), THIGH * k(f"thigh_{s}"))
        shin_deg = getattr(a, f"shin_{s}") + rot
        ankle = _add(knee, _dir(shin_deg), SHIN * k(f"shin_{s}"))
        foot_deg = getattr(a, f"foot_{s}") + rot
        fd = _dir(foot_deg)
        if front:
            # The foot points at the viewer: a short stub below the ankle.
            heel = _add(ankle, _dir(shin_deg), ANKLE_H)
        else:
            heel = _add(_add(ankle, fd, -HEEL_BACK), _dir(foot_deg + 90.0), ANKLE_H)
        toe = _add(heel, fd, FOOT * sc.get(f"foot_{s}", foot_default))
        p[f"shoulder_{s}"] = sh
        p[f"elbow_{s}"] = elbow
        p[f"wrist_{s}"] = wrist
        p[f"hand_{s}"] = hand
        p[f"hip_{s}"] = hip
        p[f"knee_{s}"] = knee
        p[f"ankle_{s}"] = ankle
        p[f"heel_{s}"] = heel
        p[f"toe_{s}"] = toe
    return p


def shapes(pose: Pose, pts: dict[str, Point] | None = None) -> list[Shape]:
    """The figure as flat shapes, back to front."""
    if pts is None:
        pts = solve(pose)
    hi = pose.highlight
    front = pose.view != "side"

    def role(part: str, base: Role) -> Role:
        if part in hi:
            return "hi_trunk" if base == "trunk" else "hi_far" if base == "far" else "hi_near"
        return base

    def arm(s: str, base: Role) -> list[Shape]:
        return [
            Capsule(
                pts[f"shoulder_{s}"], pts[f"elbow_{s}"], UPPER_ARM_W, role(f"upper_arm_{s}", base)
            ),
            Capsule(pts[f"elbow_{s}"], pts[f"wrist_{s}"], FOREARM_W, role(f"forearm_{s}", base)),
            Capsule(pts[f"wrist_{s}"], pts[f"hand_{s}"], HAND_W, role(f"hand_{s}", base)),
        ]

    def leg(s: str, base: Role) -> list[Shape]:
        foot: Shape = (
            Capsule(pts[f"heel_{s}"], pts[f"toe_{s}"], FOOT_W, role(f"foot_{s}", base))
            if front
            else Blob(
                (pts[f"ankle_{s}"], pts[f"heel_{s}"], pts[f"toe_{s}"]),
                FOOT_W,
                role(f"foot_{s}", base),
            )
        )
        return [
            foot,
            Capsule(pts[f"knee_{s}"], pts[f"ankle_{s}"], SHIN_W, role(f"shin_{s}", base)),
            Capsule(pts[f"hip_{s}"], pts[f"knee_{s}"], THIGH_W, role(f"thigh_{s}", base)),
        ]

    head = Capsule(pts["head"], pts["head"], HEAD_R * 2, role("head", "trunk"))
    if not front:
        # The trunk is one smooth curve through pelvis, chest and neck (a rounded or arched
        # back reads as a curve), drawn as its two halves so each can be highlighted.
        (px, py), (cx, cy), (nx, ny) = pts["pelvis"], pts["chest"], pts["neck"]
        q = (2 * cx - (px + nx) / 2, 2 * cy - (py + ny) / 2)
        trunk: list[Shape] = [
            Curve(
                pts["chest"],
                ((q[0] + nx) / 2, (q[1] + ny) / 2),
                pts["neck"],
                TORSO_W,
                role("chest", "trunk"),
            ),
            Curve(
                pts["pelvis"],
                ((px + q[0]) / 2, (py + q[1]) / 2),
                pts["chest"],
                TORSO_W,
                role("pelvis", "trunk"),
            ),
        ]
        return [
            *arm("f", "far"),
            *leg("f", "far"),
            *trunk,
            head,
            *leg("n", "near"),
            *arm("n", "near"),
        ]
    # Front/top view: the trunk is a rounded trapezoid, shoulders wider than hips.
    px, py = pts["pelvis"]
    nx, ny = pts["neck"]
    t = (nx - px, ny - py)
    length = math.hypot(*t) or 1.0
    perp = (-t[1] / length, t[0] / length)
    half_s = FRONT_SHOULDER + UPPER_ARM_W / 2 - FRONT_TORSO_STROKE / 2
    half_h = FRONT_HIP + THIGH_W / 2 - FRONT_TORSO_STROKE / 2
    half_m = (half_s + half_h) / 2
    inset = FRONT_TORSO_STROKE / 2
    top = _add(pts["neck"], (t[0] / length, t[1] / length), -inset)
    bottom = _add(pts["pelvis"], (t[0] / length, t[1] / length), inset * 0.3)
    mid = pts["chest"]
    upper = Blob(
        (
            _add(mid, perp, half_m),
            _add(top, perp, half_s),
            _add(top, perp, -half_s),
            _add(mid, perp, -half_m),
        ),
        FRONT_TORSO_STROKE,
        role("chest", "trunk"),
    )
    lower = Blob(
        (
            _add(bottom, perp, half_h),
            _add(mid, perp, half_m),
            _add(mid, perp, -half_m),
            _add(bottom, perp, -half_h),
        ),
        FRONT_TORSO_STROKE,
        role("pelvis", "trunk"),
    )
    legs = [*leg("f", "near"), *leg("n", "near")]
    if pose.legs_in_front:  # sitting facing the viewer: the thighs come toward us, and
        # the far leg is drawn lighter so that two crossed legs stay apart
        legs = [*leg("f", "far"), *leg("n", "near")]
        return [lower, upper, head, *legs, *arm("f", "near"), *arm("n", "near")]
    return [*legs, lower, upper, head, *arm("f", "near"), *arm("n", "near")]


def bounds(items: list[Shape]) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of the drawn shapes, strokes included."""
    xs0: list[float] = []
    ys0: list[float] = []
    xs1: list[float] = []
    ys1: list[float] = []
    for s in items:
        r = s.width / 2
        if isinstance(s, Capsule):
            pts: tuple[Point, ...] = (s.a, s.b)
        elif isinstance(s, Curve):
            pts = tuple(s.at(i / 8) for i in range(9))
        else:
            pts = s.points
        for x, y in pts:
            xs0.append(x - r)
            ys0.append(y - r)
            xs1.append(x + r)
            ys1.append(y + r)
    return min(xs0), min(ys0), max(xs1), max(ys1)
