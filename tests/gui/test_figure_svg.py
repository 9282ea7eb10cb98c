"""The shipped pictures through Qt's own SVG renderer, as the app draws them."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from hiptimer.figure import PALETTE, PICTURES, render_svg

ROOT = Path(__file__).resolve().parents[2]
SVGS = sorted((ROOT / "assets" / "pictures").glob("*.svg"))


def _draw(svg: bytes, width: int = 400) -> QImage:
    r = QSvgRenderer(QByteArray(svg))
    assert r.isValid()
    img = QImage(width, width * 3 // 4, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    r.render(p, QRectF(0, 0, img.width(), img.height()))
    p.end()
    return img


def _colours(img: QImage) -> set[str]:
    return {
        img.pixelColor(x, y).name()
        for y in range(0, img.height(), 2)
        for x in range(0, img.width(), 2)
        if img.pixelColor(x, y).alpha() == 255
    }


@pytest.mark.parametrize("path", SVGS, ids=lambda p: p.name)
def test_qt_draws_every_shipped_picture(qapp: object, path: Path) -> None:
    img = _draw(path.read_bytes(), 200)
    seen = _colours(img)
    assert PALETTE.trunk in seen, "the figure is drawn"
    # The background stays transparent: the corners are untouched.
    assert img.pixelColor(0, 0).alpha() == 0
    assert img.pixelColor(img.width() - 1, 0).alpha() == 0


def test_highlight_is_drawn_in_the_accent_and_mirror_flips(qapp: object) -> None:
    pose = PICTURES["kneeling-hip-flexor-stretch"].keys[0]
    left = _draw(render_svg(pose).encode())
    right = _draw(render_svg(pose, mirror=True).encode())
    assert QColor(PALETTE.hi_near).name() in _colours(left)
    # Mirror images pixel for pixel, up to antialiasing at the edges.
    differ = total = 0
    for y in range(0, left.height(), 3):
        for x in range(0, left.width(), 3):
            a, b = left.pixelColor(x, y), right.pixelColor(left.width() - 1 - x, y)
            total += 1
            if max(abs(a.red() - b.red()), abs(a.alpha() - b.alpha())) > 40:
                differ += 1
    assert differ < total * 0.01, (differ, total)
    assert left != right
