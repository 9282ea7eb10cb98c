"""The exercise figure renderer (hiptimer/figure) and the pictures it ships."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
import xml.etree.ElementTree as ET
from dataclasses import fields, replace
from pathlib import Path

import pytest
import yaml

from hiptimer.figure import PICTURES, Angles, Pose, interpolate, picture_id, render_svg
from hiptimer.figure import kinematics as kin
from hiptimer.figure.poses import floor_gap

ROOT = Path(__file__).resolve().parents[2]
KEYS = [(pid, i, pose) for pid, pic in sorted(PICTURES.items()) for i, pose in enumerate(pic.keys)]
KEY_IDS = [f"{pid}.{i}" for pid, i, _ in KEYS]


def _make_pictures():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_pictures", ROOT / "tools/make_pictures.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_pictures", module)
    spec.loader.exec_module(module)
    return module


def _catalogue() -> list[dict[str, object]]:
    path = ROOT / "assets" / "catalogue.yaml"
    if not path.exists():
        return []
    return list(yaml.safe_load(path.read_text(encoding="utf-8"))["exercises"])


def _bundled_exercises() -> list[tuple[str, str]]:
    """(where, picture id) for every bundled routine's exercise and catalogue entry."""
    out = []
    for path in sorted((ROOT / "routines").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for ex in doc["exercises"]:
            if "image" not in ex:
                out.append((path.name, picture_id(str(ex.get("use") or ex.get("name")))))
    for entry in _catalogue():
        out.append(("catalogue.yaml", str(entry.get("picture") or entry["id"])))
    return out


def _reps_ids() -> set[str]:
    """Picture ids of the bundled exercises dosed in reps (the catalogue, or the routines)."""
    ids = {str(e.get("picture") or e["id"]) for e in _catalogue() if "reps" in e}
    for path in sorted((ROOT / "routines").glob("*.yaml")):
        for ex in yaml.safe_load(path.read_text(encoding="utf-8"))["exercises"]:
            if "reps" in ex and "name" in ex and "use" not in ex and "image" not in ex:
                ids.add(picture_id(str(ex["name"])))
    return ids


# -- the bundled pictures ------------------------------------------------------------------


def test_picture_id_is_the_slug_of_the_name() -> None:
    assert picture_id("Child's pose") == "childs-pose"
    assert picture_id("Runner's lunge with arms overhead") == "runners-lunge-with-arms-overhead"
    assert picture_id("Cat-cow") == "cat-cow"
    assert picture_id("  Seated figure-four  fold ") == "seated-figure-four-fold"


@pytest.mark.parametrize(("where", "pid"), _bundled_exercises())
def test_every_bundled_exercise_has_a_picture(where: str, pid: str) -> None:
    assert pid in PICTURES, f"{where}: no pose for {pid!r}"


def test_every_routine_exercise_is_covered() -> None:
    assert len({pid for _, pid in _bundled_exercises()}) >= 35


def test_every_picture_names_its_exercise() -> None:
    for pid, pic in PICTURES.items():
        assert picture_id(pic.name) == pid
        assert pic.keys


def test_committed_pictures_are_current() -> None:
    """assets/pictures/ is what tools/make_pictures.py writes today (regenerate if not)."""
    wanted = _make_pictures().build()
    folder = ROOT / "assets" / "pictures"
    have = {p.name for p in folder.iterdir() if p.suffix in (".svg", ".json")}
    assert have == set(wanted), "regenerate: python tools/make_pictures.py"
    stale = [n for n, text in wanted.items() if (folder / n).read_bytes() != text.encode()]
    assert not stale, f"regenerate: python tools/make_pictures.py ({stale[:5]} differ)"


def test_index_lists_every_picture_with_its_files() -> None:
    index = json.loads(_make_pictures().build()["index.json"])
    by_id = {e["id"]: e for e in index}
    assert set(by_id) == set(PICTURES)
    for pid, pic in PICTURES.items():
        entry = by_id[pid]
        assert entry["files"][0] == f"{pid}.svg"
        assert len(entry["files"]) == len(pic.keys)
        assert entry["mirror"] is pic.mirror and entry["view"] == pic.view


def test_reps_have_more_than_one_key_pose() -> None:
    reps = _reps_ids()
    assert len(reps) >= 10, reps
    for pid in reps:
        assert len(PICTURES[pid].keys) >= 2, pid


# -- every key pose ------------------------------------------------------------------------


@pytest.mark.parametrize(("pid", "i", "pose"), KEYS, ids=KEY_IDS)
def test_svg_parses_and_has_the_fixed_viewbox(pid: str, i: int, pose: Pose) -> None:
    for mirror in (False, True):
        root = ET.fromstring(render_svg(pose, mirror=mirror))
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert root.get("viewBox") == "0 0 400 300"
        assert len(list(root.iter())) > 15


@pytest.mark.parametrize(("pid", "i", "pose"), KEYS, ids=KEY_IDS)
def test_figure_stays_inside_the_picture(pid: str, i: int, pose: Pose) -> None:
    x0, y0, x1, y1 = kin.bounds(kin.shapes(pose))
    assert x0 >= 4 and x1 <= kin.WIDTH - 4, (x0, x1)
    assert y0 >= 4 and y1 <= kin.HEIGHT - 4, (y0, y1)


@pytest.mark.parametrize(("pid", "i", "pose"), KEYS, ids=KEY_IDS)
def test_contacts_rest_on_the_floor_and_nothing_sinks(pid: str, i: int, pose: Pose) -> None:
    if pose.view == "top":
        return
    assert abs(floor_gap(pose, pose.anchor) - pose.lift) < 0.01
    for point in pose.contacts:
        assert abs(floor_gap(pose, point)) < 1.0, point
    # Nothing of the figure goes through the floor (a few units of round cap aside).
    _, _, _, bottom = kin.bounds(kin.shapes(pose))
    assert bottom <= kin.FLOOR_Y + 1.5


@pytest.mark.parametrize(("pid", "i", "pose"), KEYS, ids=KEY_IDS)
def test_pose_names_only_real_points_and_areas(pid: str, i: int, pose: Pose) -> None:
    from hiptimer.figure.model import HIGHLIGHTABLE

    assert pose.highlight <= HIGHLIGHTABLE
    assert pose.anchor in kin.POINT_RADIUS
    assert pose.contacts <= set(kin.POINT_RADIUS)
    assert all(a.at in kin.POINT_RADIUS for a in pose.arcs)
    for prop in pose.props:
        if prop.kind == "band":
            assert set(prop.between) <= set(kin.POINT_RADIUS)


def test_key_poses_of_a_picture_share_view_and_stand_still_where_they_should() -> None:
    for pid, pic in PICTURES.items():
        assert len({k.view for k in pic.keys}) == 1, pid
        # Props stay put while the figure moves (a chair does not slide under a squat).
        spans = {tuple((p.kind, round(k.x + p.dx, 1)) for p in k.props) for k in pic.keys}
        assert len(spans) == 1, pid


# -- the renderer ---------------------------------------------------------------------------


def test_rendering_is_deterministic() -> None:
    for _, _, pose in KEYS:
        assert render_svg(pose) == render_svg(pose)
    assert _make_pictures().build() == _make_pictures().build()


def test_pictures_show_the_left_side_and_mirror_shows_the_right() -> None:
    """The model faces right (near side: right); the picture is it flipped (the left side,
    worked first); mirror=True draws the model as it is, the same pose on the right side."""
    pose = PICTURES["pigeon-pose"].keys[0]
    flip = '<g transform="matrix(-1 0 0 1 400 0)">'
    left, right = render_svg(pose), render_svg(pose, mirror=True)
    assert flip in left and flip not in right
    assert left.replace(flip, "").replace("</g>", "") == right


SEGMENT_ENDS = {
    "upper_arm": ("shoulder", "elbow", kin.UPPER_ARM),
    "forearm": ("elbow", "wrist", kin.FOREARM),
    "thigh": ("hip", "knee", kin.THIGH),
    "shin": ("knee", "ankle", kin.SHIN),
}


@pytest.mark.parametrize("view", ["side", "front", "top"])
@pytest.mark.parametrize("seed", range(12))
def test_kinematics_keeps_limb_lengths_and_angles(view: str, seed: int) -> None:
    # Deterministic pseudo-random angles (no hypothesis: the cases stay the same).
    values = {f.name: (seed * 97.0 + k * 41.0) % 360.0 for k, f in enumerate(fields(Angles))}
    pose = Pose(angles=Angles(**values), view=view, anchor="pelvis")  # type: ignore[arg-type]
    pts = kin.solve(pose)
    for seg, (a, b, length) in SEGMENT_ENDS.items():
        for s in "nf":
            (xa, ya), (xb, yb) = pts[f"{a}_{s}"], pts[f"{b}_{s}"]
            assert math.hypot(xb - xa, yb - ya) == pytest.approx(length)
            deg = math.degrees(math.atan2(xb - xa, -(yb - ya))) % 360.0
            want = (getattr(pose.angles, f"{seg}_{s}") + pose.rotate) % 360.0
            assert min(abs(deg - want), 360 - abs(deg - want)) < 1e-6
    (px, py), (nx, ny) = pts["pelvis"], pts["neck"]
    bend = abs(math.cos(math.radians(values["back"] / 2)))
    assert math.hypot(nx - px, ny - py) == pytest.approx(kin.TORSO * bend)


def test_standing_figure_has_natural_proportions() -> None:
    pts = kin.solve(Pose())
    top = pts["head"][1] - kin.HEAD_R
    height = kin.FLOOR_Y - top
    assert 220 <= height <= 250
    hip = (kin.FLOOR_Y - pts["hip_n"][1]) / height
    assert 0.48 <= hip <= 0.56  # the hip joint a little above half the height
    assert 0.11 <= 2 * kin.HEAD_R / height <= 0.15  # the head about an eighth
    fingertips = (kin.FLOOR_Y - pts["hand_n"][1]) / height
    assert 0.33 <= fingertips <= 0.45  # arms hanging reach mid-thigh
    assert pts["heel_n"][1] + kin.FOOT_W / 2 == pytest.approx(kin.FLOOR_Y)


def test_scale_foreshortens_a_segment() -> None:
    pose = Pose(scale={"thigh_n": 0.5}, anchor="pelvis")
    pts = kin.solve(pose)
    (hx, hy), (kx, ky) = pts["hip_n"], pts["knee_n"]
    assert math.hypot(kx - hx, ky - hy) == pytest.approx(kin.THIGH * 0.5)


# -- interpolation --------------------------------------------------------------------------


@pytest.mark.parametrize("pid", sorted(p for p in PICTURES if len(PICTURES[p].keys) > 1))
def test_interpolation_hits_both_key_poses_and_goes_between(pid: str) -> None:
    a, b = PICTURES[pid].keys[:2]
    assert interpolate(a, b, 0.0) == a
    assert interpolate(a, b, 1.0) == b
    assert interpolate(a, b, -1.0) == a and interpolate(a, b, 2.0) == b
    mid = interpolate(a, b, 0.5)
    for f in fields(Angles):
        va, vb, vm = (getattr(p.angles, f.name) for p in (a, b, mid))
        d = (vb - va + 180.0) % 360.0 - 180.0
        assert vm == pytest.approx(va + d / 2), f.name
    # In between, the figure moves smoothly: no point jumps more than a step's worth.
    frames = [kin.solve(interpolate(a, b, i / 20)) for i in range(21)]
    for f0, f1 in zip(frames, frames[1:], strict=False):
        jump = max(math.dist(f0[k], f1[k]) for k in f0)
        assert jump < 30, jump
    render_svg(mid)


def test_angles_interpolate_the_short_way_round() -> None:
    a = Pose(angles=Angles(torso=350.0))
    b = Pose(angles=Angles(torso=10.0))
    assert interpolate(a, b, 0.5).angles.torso % 360.0 == pytest.approx(0.0)


def test_interpolating_different_anchors_glides_the_pelvis() -> None:
    pic = PICTURES["easy-walk"]
    a, b = pic.keys
    assert a.anchor != b.anchor
    pa, pb = kin.solve(a)["pelvis"], kin.solve(b)["pelvis"]
    pm = kin.solve(interpolate(a, b, 0.5))["pelvis"]
    assert pm[0] == pytest.approx((pa[0] + pb[0]) / 2)
    assert pm[1] == pytest.approx((pa[1] + pb[1]) / 2)


def test_pose_with_angles_changes_only_those() -> None:
    pose = replace(Pose(), x=123.0).with_angles(thigh_n=90.0)
    assert pose.angles.thigh_n == 90.0 and pose.angles.thigh_f == 180.0 and pose.x == 123.0
