"""Render HipTimer's icon (assets/icons/APP_ID.svg) to the PNG sizes of the hicolor theme.

    QT_QPA_PLATFORM=offscreen python tools/make_icons.py          # writes assets/icons/NxN/
    QT_QPA_PLATFORM=offscreen python tools/make_icons.py --check  # exit 1 if any PNG is stale

Deterministic: Qt's SVG renderer into a transparent ARGB image, saved as PNG without
text chunks, so the same SVG and Qt version give the same bytes (what --check relies on).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
APP_ID = "io.github.hiptimer.HipTimer"
ICONS = ROOT / "assets" / "icons"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


def render(svg: Path, size: int) -> bytes:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    img = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    painter = QPainter(img)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.convertToFormat(QImage.Format.Format_ARGB32).save(buf, "PNG")
    return bytes(data.data())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only check the PNGs are up to date")
    args = ap.parse_args(argv)
    _app = QGuiApplication.instance() or QGuiApplication([])
    svg = ICONS / f"{APP_ID}.svg"
    stale = []
    for size in SIZES:
        out = ICONS / f"{size}x{size}" / f"{APP_ID}.png"
        png = render(svg, size)
        if out.exists() and out.read_bytes() == png:
            continue
        stale.append(out)
        if not args.check:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(png)
            print(f"wrote {out.relative_to(ROOT)}")
    if args.check and stale:
        print("stale (run tools/make_icons.py):", *(str(p) for p in stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
