"""The SVG writer: a Pose -> one small, deterministic SVG document.

One flat pictogram style for every picture: round-capped limbs, a round head, mitten hands
and feet; far-side limbs lighter than near-side ones so a side view reads; the worked or
stretched area in the accent colour; props and the floor in a quiet grey. The background
is transparent and every colour keeps contrast on both the dark and the light theme
(hiptimer/qt/theme.py): mid-tone body colours, darker in front, and an accent between the
two themes' accents.

Only elements and attributes that QSvgRenderer (SVG Tiny 1.2) draws are used: line,
circle, polygon, rect and path with presentation attributes, no CSS, filters or masks.
Coordinates are written with one decimal, so the same pose always gives the same bytes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from hiptimer.figure.kinematics import (
    FLOOR_Y,
    HEIGHT,
    WIDTH,
    Blob,
    Capsule,
    Curve,
    Point,
    Role,
    Shape,
    bounds,
    shapes,
    solve,
)
from hiptimer.figure.model import Arc, Pose, Prop


@dataclass(frozen=True)
class Palette:
    near: str
    trunk: str
    far: str
    hi_near: str
    hi_trunk: str
    hi_far: str
    prop: str
    band: str

    def of(self, role: Role) -> str:
        return str(getattr(self, role))


#: Reads on the dark (#15171a) and the light (#f6f7f9) window alike.
PALETTE: Final = Palette(
    near="#5f6b78",
    trunk="#76828f",
    far="#98a3af",
    hi_near="#1f72d6",
    hi_trunk="#2f80e0",
    hi_far="#6fb0f7",
    prop="#8e959c",
    band="#e07a2e",
)

_HEAD = (
    f'<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny" '
    f'width="{WIDTH:g}" height="{HEIGHT:g}" viewBox="0 0 {WIDTH:g} {HEIGHT:g}">'
)
_MIRROR = f'<g transform="matrix(-1 0 0 1 {WIDTH:g} 0)">'


def _f(v: float) -> str:
    s = f"{v:.1f}"
    if s.endswith(".0"):
        s = s[:-2]
    return "0" if s == "-0" else s


def _capsule(c: Capsule, color: str) -> str:
    (x1, y1), (x2, y2) = c.a, c.b
    if abs(x1 - x2) < 0.05 and abs(y1 - y2) < 0.05:
        return f'<circle cx="{_f(x1)}" cy="{_f(y1)}" r="{_f(c.width / 2)}" fill="{color}"/>'
    return (
        f'<line x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}" stroke="{color}" '
        f'stroke-width="{_f(c.width)}" stroke-linecap="round"/>'
    )


def _blob(b: Blob, color: str) -> str:
    pts = " ".join(f"{_f(x)},{_f(y)}" for x, y in b.points)
    return (
        f'<polygon points="{pts}" fill="{color}" stroke="{color}" '
        f'stroke-width="{_f(b.width)}" stroke-linejoin="round"/>'
    )


def _curve(c: Curve, color: str) -> str:
    (x0, y0), (x1, y1), (x2, y2) = c.a, c.c, c.b
    return (
        f'<path d="M{_f(x0)} {_f(y0)}Q{_f(x1)} {_f(y1)} {_f(x2)} {_f(y2)}" fill="none" '
        f'stroke="{color}" stroke-width="{_f(c.width)}" stroke-linecap="round"/>'
    )


def _shape(s: Shape, pal: Palette) -> str:
    color = pal.of(s.role)
    if isinstance(s, Capsule):
        return _capsule(s, color)
    if isinstance(s, Curve):
        return _curve(s, color)
    return _blob(s, color)


def _ground(pose: Pose, figure: list[Shape], pal: Palette) -> list[str]:
    if pose.view == "top":
        x0, y0, x1, y1 = bounds(figure)
        return [
            f'<rect x="{_f(x0 - 14)}" y="{_f(y0 - 14)}" width="{_f(x1 - x0 + 28)}" '
            f'height="{_f(y1 - y0 + 28)}" rx="8" fill="none" stroke="{pal.prop}" '
            f'stroke-width="4"/>'
        ]
    out = []
    if pose.mat:
        out.append(
            f'<rect x="34" y="{_f(FLOOR_Y)}" width="332" height="7" rx="3.5" '
            f'fill="{pal.prop}" fill-opacity="0.55"/>'
        )
    out.append(
        f'<line x1="14" y1="{_f(FLOOR_Y + 8.5)}" x2="386" y2="{_f(FLOOR_Y + 8.5)}" '
        f'stroke="{pal.prop}" stroke-width="3" stroke-linecap="round"/>'
    )
    return out


def _prop(pose: Pose, p: Prop, pal: Palette) -> str:
    x = pose.x + p.dx
    c = pal.prop
    if p.kind == "chair" and p.facing == 0:
        # Seen from the front: seat, two legs, the backrest's posts and top rail behind.
        h = p.height or 57.0
        half = (p.width or 84.0) / 2
        seat = FLOOR_Y - h
        top = seat - 70.0
        return (
            f'<path d="M{_f(x - half)} {_f(FLOOR_Y + 6)}V{_f(top)}H{_f(x + half)}'
            f'V{_f(FLOOR_Y + 6)}M{_f(x - half)} {_f(seat)}H{_f(x + half)}" fill="none" '
            f'stroke="{c}" stroke-width="7" stroke-linecap="round" stroke-linejoin="round"/>'
        )
    if p.kind == "chair":
        h = p.height or 57.0
        depth = p.width or 50.0
        f = p.facing
        seat = FLOOR_Y - h
        back = x - f * depth
        return (
            f'<path d="M{_f(x)} {_f(seat)}H{_f(back)}l{_f(-f * 4)} -64'
            f"M{_f(x - f * 5)} {_f(seat)}V{_f(FLOOR_Y + 6)}"
            f'M{_f(back + f * 3)} {_f(seat)}V{_f(FLOOR_Y + 6)}" fill="none" stroke="{c}" '
            f'stroke-width="7" stroke-linecap="round" stroke-linejoin="round"/>'
        )
    if p.kind == "desk":
        h = p.height or 100.0
        w = p.width or 110.0
        top = FLOOR_Y - h
        x0 = x if p.facing > 0 else x - w
        return (
            f'<path d="M{_f(x0)} {_f(top)}h{_f(w)}M{_f(x0 + 8)} {_f(top)}V{_f(FLOOR_Y + 6)}'
            f'M{_f(x0 + w - 8)} {_f(top)}V{_f(FLOOR_Y + 6)}" fill="none" stroke="{c}" '
            f'stroke-width="8" stroke-linecap="round"/>'
        )
    if p.kind == "step":
        w = p.width or 90.0
        h = p.height or pose.lift or 30.0
        return (
            f'<rect x="{_f(x - w / 2)}" y="{_f(FLOOR_Y + 7 - h)}" width="{_f(w)}" '
            f'height="{_f(h)}" rx="3" fill="{c}" fill-opacity="0.4" stroke="{c}" '
            f'stroke-width="3"/>'
        )
    if p.kind == "wall":
        # One thick stroke, no translucent fill: a big translucent area costs every frame.
        h = p.height or 250.0
        w = p.width or 10.0
        mid = x + p.facing * w / 2
        return (
            f'<line x1="{_f(mid)}" y1="{_f(FLOOR_Y + 8 - h)}" x2="{_f(mid)}" '
            f'y2="{_f(FLOOR_Y + 7)}" stroke="{c}" stroke-width="{_f(w)}" stroke-linecap="round"/>'
        )
    if p.kind == "cushion":
        w = p.width or 46.0
        h = p.height or 12.0
        return (
            f'<rect x="{_f(x - w / 2)}" y="{_f(FLOOR_Y + 1 - h)}" width="{_f(w)}" '
            f'height="{_f(h)}" rx="{_f(h / 2)}" fill="{c}" fill-opacity="0.75"/>'
        )
    raise ValueError(f"unknown prop {p.kind!r}")


def _band(p: Prop, pts: dict[str, Point], pal: Palette) -> str:
    (x1, y1), (x2, y2) = pts[p.between[0]], pts[p.between[1]]
    return (
        f'<line x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}" stroke="{pal.band}" '
        f'stroke-width="7" stroke-linecap="round"/>'
    )


def _arc(a: Arc, pts: dict[str, Point], pal: Palette) -> str:
    cx, cy = pts[a.at]
    r = a.radius
    ry = r * a.flat

    def at(deg: float) -> Point:
        t = math.radians(deg)
        return (cx + r * math.sin(t), cy - ry * math.cos(t))

    # Leave room for the arrowheads, so the line does not poke through their tips.
    trim = math.degrees(9.0 / r)
    sign = 1.0 if a.end >= a.start else -1.0
    s_deg = a.start + (sign * trim if a.both else 0.0)
    e_deg = a.end - sign * trim
    (x0, y0), (x1, y1) = at(s_deg), at(e_deg)
    large = 1 if abs(e_deg - s_deg) > 180 else 0
    sweep = 1 if sign > 0 else 0
    out = [
        f'<path d="M{_f(x0)} {_f(y0)}A{_f(r)} {_f(ry)} 0 {large} {sweep} {_f(x1)} {_f(y1)}" '
        f'fill="none" stroke="{pal.hi_far}" stroke-width="4.5" stroke-linecap="round"/>'
    ]
    heads = [(a.end, sign)] + ([(a.start, -sign)] if a.both else [])
    for deg, sg in heads:
        tip = at(deg)
        # Tangent at the tip, pointing the way of travel.
        t = math.radians(deg)
        tx, ty = math.cos(t) * sg, math.sin(t) * a.flat * sg
        norm = math.hypot(tx, ty) or 1.0
        tx, ty = tx / norm, ty / norm
        nx, ny = -ty, tx
        back = (tip[0] - tx * 13, tip[1] - ty * 13)
        p1 = (back[0] + nx * 7, back[1] + ny * 7)
        p2 = (back[0] - nx * 7, back[1] - ny * 7)
        out.append(
            f'<polygon points="{_f(tip[0])},{_f(tip[1])} {_f(p1[0])},{_f(p1[1])} '
            f'{_f(p2[0])},{_f(p2[1])}" fill="{pal.hi_far}" stroke="{pal.hi_far}" '
            f'stroke-width="2" stroke-linejoin="round"/>'
        )
    return "".join(out)


def render_svg(pose: Pose, mirror: bool = False, palette: Palette = PALETTE) -> str:
    """The SVG document for ``pose`` showing the left side; ``mirror``: the right side.

    Poses are modelled facing right with the near limbs the figure's right ones (see
    model.py). HipTimer works the left side first, so the picture is that model flipped:
    the figure faces left and its near, darker, highlighted limbs are its left ones.
    ``mirror=True`` draws the model as it is: the same pose on the right side.
    """
    pts = solve(pose)
    figure = shapes(pose, pts)
    parts = [_HEAD]
    if not mirror:
        parts.append(_MIRROR)
    parts.extend(_ground(pose, figure, palette))
    parts.extend(_prop(pose, p, palette) for p in pose.props if p.kind != "band")
    parts.extend(_shape(s, palette) for s in figure)
    parts.extend(_band(p, pts, palette) for p in pose.props if p.kind == "band")
    parts.extend(_arc(a, pts, palette) for a in pose.arcs)
    if not mirror:
        parts.append("</g>")
    parts.append("</svg>\n")
    return "".join(parts)
