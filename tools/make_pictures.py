#!/usr/bin/env python3
"""Write the bundled exercise pictures (assets/pictures/) from hiptimer/figure/poses.py.

    python tools/make_pictures.py                  # rewrite assets/pictures/
    python tools/make_pictures.py --out DIR        # somewhere else
    python tools/make_pictures.py --contact-sheet  # also docs/pictures.png and -dark.png
    python tools/make_pictures.py --png DIR [--size 200] [ID ...]   # PNGs to look at

Each exercise gets ``<id>.svg`` (key pose 0) and ``<id>.<n>.svg`` for its further key poses,
plus ``index.json`` listing every id with its name, files, view and mirror flag. The output
is deterministic: re-running writes the same bytes, and tests/unit/test_figure.py fails when
the committed files differ from what this script would write.

The PNG outputs render through QSvgRenderer offscreen (PySide6, already a dependency), the
same renderer the app uses, so what you look at is what the app shows.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hiptimer.figure import PICTURES, render_svg  # noqa: E402

OUT = ROOT / "assets" / "pictures"
DOCS = ROOT / "docs"


def files_for(pid: str, n_keys: int) -> list[str]:
    return [f"{pid}.svg"] + [f"{pid}.{i}.svg" for i in range(1, n_keys)]


def build() -> dict[str, str]:
    """File name -> contents, for every picture and the index."""
    out: dict[str, str] = {}
    index = []
    for pid in sorted(PICTURES):
        pic = PICTURES[pid]
        names = files_for(pid, len(pic.keys))
        for name, pose in zip(names, pic.keys, strict=True):
            out[name] = render_svg(pose)
        index.append(
            {"id": pid, "name": pic.name, "files": names, "view": pic.view, "mirror": pic.mirror}
        )
    out["index.json"] = json.dumps(index, indent=2, ensure_ascii=False) + "\n"
    return out


def write(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    wanted = build()
    for old in out_dir.glob("*.svg"):
        if old.name not in wanted:
            old.unlink()
    written = []
    for name, text in wanted.items():
        path = out_dir / name
        path.write_bytes(text.encode("utf-8"))
        written.append(path)
    return written


# -- looking at them (Qt) -------------------------------------------------------------------


def _qt() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        QGuiApplication(sys.argv[:1])


def png(svg: str, path: Path, width: int, background: str | None = None) -> None:
    _qt()
    from PySide6.QtCore import QByteArray, Qt
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    height = width * 3 // 4
    img = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(QColor(background) if background else Qt.GlobalColor.transparent)
    r = QSvgRenderer(QByteArray(svg.encode()))
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    r.render(p)
    p.end()
    img.save(str(path))


def contact_sheet(path: Path, theme: str) -> None:
    """Every picture in a grid with its name: key pose 0 large, the others small beside it."""
    _qt()
    from PySide6.QtCore import QByteArray, QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    bg, fg = ("#15171a", "#eceff1") if theme == "dark" else ("#f6f7f9", "#15171a")
    cols, big_w = 4, 280
    big_h = big_w * 3 // 4
    small_w, small_h = big_w // 2, big_h // 2
    cell_w, cell_h = big_w + small_w + 24, big_h + 44
    ids = sorted(PICTURES)
    rows = (len(ids) + cols - 1) // cols
    img = QImage(cols * cell_w, rows * cell_h, QImage.Format.Format_RGB32)
    img.fill(QColor(bg))
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont("DejaVu Sans")
    font.setPixelSize(17)
    p.setFont(font)
    for i, pid in enumerate(ids):
        pic = PICTURES[pid]
        x0 = (i % cols) * cell_w + 8
        y0 = (i // cols) * cell_h + 6
        for k, pose in enumerate(pic.keys[:3]):
            r = QSvgRenderer(QByteArray(render_svg(pose).encode()))
            if k == 0:
                r.render(p, QRectF(x0, y0, big_w, big_h))
            else:
                r.render(p, QRectF(x0 + big_w + 8, y0 + (k - 1) * small_h, small_w, small_h))
        p.setPen(QColor(fg))
        label = pic.name + ("  ⇄" if pic.mirror else "")
        p.drawText(
            QRectF(x0, y0 + big_h + 2, cell_w - 16, 30),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            label,
        )
    p.end()
    img.save(str(path))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--out", type=Path, default=OUT, help="where to write the SVGs")
    ap.add_argument("--contact-sheet", action="store_true", help="also write docs/pictures.png")
    ap.add_argument("--png", type=Path, help="render PNGs of the pictures into this folder")
    ap.add_argument("--size", type=int, default=200, help="PNG width for --png")
    ap.add_argument("ids", nargs="*", help="with --png: only these pictures")
    args = ap.parse_args(argv)
    if args.png:
        args.png.mkdir(parents=True, exist_ok=True)
        for pid in args.ids or sorted(PICTURES):
            for k, pose in enumerate(PICTURES[pid].keys):
                for theme, bg in (("light", "#f6f7f9"), ("dark", "#15171a")):
                    png(render_svg(pose), args.png / f"{pid}.{k}.{theme}.png", args.size, bg)
        return 0
    paths = write(args.out)
    print(f"wrote {len(paths)} files to {args.out}")
    if args.contact_sheet:
        contact_sheet(DOCS / "pictures.png", "light")
        contact_sheet(DOCS / "pictures-dark.png", "dark")
        print(f"wrote {DOCS / 'pictures.png'} and {DOCS / 'pictures-dark.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
