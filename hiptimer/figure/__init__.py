"""Exercise pictures drawn from pose data (pure Python, no Qt).

    from hiptimer.figure import PICTURES, interpolate, render_svg
    pic = PICTURES["glute-bridge"]
    svg = render_svg(interpolate(pic.keys[0], pic.keys[1], 0.5))

model.py holds the pose data types and interpolation, kinematics.py turns a pose into
joint positions and flat shapes, svg.py writes the SVG, poses.py has every bundled
exercise's key poses. tools/make_pictures.py writes them to assets/pictures/.
"""

from hiptimer.figure.kinematics import interpolate
from hiptimer.figure.model import Angles, Arc, Pose, Prop
from hiptimer.figure.poses import PICTURES, Picture, picture_id
from hiptimer.figure.svg import PALETTE, Palette, render_svg

__all__ = [
    "PALETTE",
    "PICTURES",
    "Angles",
    "Arc",
    "Palette",
    "Picture",
    "Pose",
    "Prop",
    "interpolate",
    "picture_id",
    "render_svg",
]
