"""User images: formats read from their bytes, every bad file a located error at ``image:``."""

from __future__ import annotations

import struct
from pathlib import Path

import imagefiles
import pytest

from hiptimer import images
from hiptimer.images import ImageInfo, ImageProblem, sniff, sniff_bytes
from hiptimer.loader import RoutineErrors, load_routine


def test_each_format_is_read_from_its_header() -> None:
    assert sniff_bytes(imagefiles.png(5, 3)) == ImageInfo("png", 5, 3)
    assert sniff_bytes(imagefiles.jpeg_header(640, 480)) == ImageInfo("jpeg", 640, 480)
    assert sniff_bytes(imagefiles.gif([0])) == ImageInfo("gif", 4, 4, animated=False)
    assert sniff_bytes(imagefiles.gif([0, 1, 2])) == ImageInfo("gif", 4, 4, animated=True)
    assert sniff_bytes(imagefiles.webp_header(30, 20, "VP8 ")) == ImageInfo("webp", 30, 20)
    assert sniff_bytes(imagefiles.webp_header(31, 21, "VP8L")) == ImageInfo("webp", 31, 21)
    assert sniff_bytes(imagefiles.webp_header(32, 22)) == ImageInfo("webp", 32, 22)
    assert sniff_bytes(imagefiles.webp_header(32, 22, animated=True)) == ImageInfo(
        "webp", 32, 22, animated=True
    )
    assert sniff_bytes(imagefiles.SVG.encode()) == ImageInfo("svg", 40, 20)
    no_size = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>'
    assert sniff_bytes(no_size) == ImageInfo("svg", 0, 0)


def _problem(data: bytes) -> str:
    with pytest.raises(ImageProblem) as info:
        sniff_bytes(data)
    return str(info.value)


def test_broken_files_are_refused() -> None:
    good_png = imagefiles.png()
    assert "truncated" in _problem(good_png[:-12])
    corrupted = bytearray(good_png)
    corrupted[40] ^= 0xFF  # inside IDAT
    assert "corrupted" in _problem(bytes(corrupted))
    assert "truncated" in _problem(imagefiles.jpeg_header(10, 10)[:30])
    assert "truncated" in _problem(imagefiles.gif([0, 1])[:-20])
    assert "truncated" in _problem(imagefiles.webp_header(10, 10)[:20])
    assert "not well-formed SVG" in _problem(b"<svg xmlns='http://www.w3.org/2000/svg'><g></svg>")
    assert "root is <html>" in _problem(b"<?xml version='1.0'?><html/>")
    assert "empty" in _problem(b"")


def test_non_images_are_refused() -> None:
    for data in (b"hello, not a picture", b"RIFF\x00\x00\x00\x00WAVEfmt ", b"%PDF-1.4"):
        assert _problem(data) == "is not a picture HipTimer can show (PNG, JPEG, GIF, WebP or SVG)"


def test_svg_with_entities_is_refused_before_they_expand() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg">&b;</svg>'
    )
    assert "DOCTYPE" in _problem(laughs)


def test_pixel_and_side_caps() -> None:
    assert "megapixels" in _problem(imagefiles.png_header_only(6000, 5000))
    assert "pixels a side" in _problem(imagefiles.png_header_only(20000, 10))
    assert "megapixels" in _problem(imagefiles.jpeg_header(6000, 5000))
    assert "megapixels" in _problem(imagefiles.webp_header(6000, 5000))
    gif = bytearray(imagefiles.gif([0]))
    gif[6:10] = struct.pack("<HH", 0, 4)
    assert "broken GIF" in _problem(bytes(gif))
    ok = imagefiles.png_header_only(4000, 3000)  # 12 megapixels: fine
    assert sniff_bytes(ok).width == 4000


def test_svg_byte_cap() -> None:
    pad = b"<!-- " + b"x" * images.MAX_SVG_BYTES + b" -->"
    big = imagefiles.SVG.encode().replace(b"</svg>", pad + b"</svg>")
    assert "SVG pictures are at most 2 MiB" in _problem(big)
    assert sniff_bytes(imagefiles.SVG.encode()).format == "svg"


def test_byte_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "MAX_IMAGE_BYTES", 100)
    f = tmp_path / "big.png"
    f.write_bytes(imagefiles.png(40, 40) + b"\x00" * 200)
    with pytest.raises(ImageProblem, match="bytes; pictures are at most"):
        sniff(f)


# ---------------------------------------------------------------- through the loader


def routine(tmp_path: Path, image: str, extra: str = "") -> Path:
    f = tmp_path / "r.yaml"
    f.write_text(f"name: R\nexercises:\n  - name: E\n    hold: 30s\n    image: {image}\n{extra}")
    return f


def located(f: Path) -> list[tuple[int, int, str]]:
    with pytest.raises(RoutineErrors) as info:
        load_routine(f)
    for e in info.value.errors:
        assert str(e).startswith(f"{f}:{e.line}:{e.col}: ")
    return [(e.line, e.col, e.message) for e in info.value.errors]


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("broken.png", imagefiles.png()[:30], "is a broken PNG"),
        ("fake.png", b"just text", "is not a picture HipTimer can show"),
        ("huge.png", imagefiles.png_header_only(9000, 9000), "megapixels"),
        ("bad.svg", b"<svg", "is not well-formed SVG"),
        ("notes.xml", b"<?xml version='1.0'?><notes/>", "not <svg>"),
        ("cut.gif", imagefiles.gif([0, 1])[:40], "is a broken GIF"),
        ("cut.jpg", imagefiles.jpeg_header(10, 10)[:20], "is a broken JPEG"),
        ("cut.webp", imagefiles.webp_header(10, 10)[:24], "is a broken WebP"),
        ("empty.png", b"", "is an empty file"),
    ],
)
def test_bad_image_is_located_at_the_image_line(
    tmp_path: Path, name: str, data: bytes, needle: str
) -> None:
    (tmp_path / name).write_bytes(data)
    ((line, col, message),) = located(routine(tmp_path, name))
    assert (line, col) == (5, 12)
    assert message.startswith(f"image '{name}' ")
    assert needle in message


def test_oversized_file_is_located(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "MAX_IMAGE_BYTES", 1000)
    (tmp_path / "big.gif").write_bytes(imagefiles.gif([0] * 40))
    ((line, col, message),) = located(routine(tmp_path, "big.gif"))
    assert (line, col) == (5, 12)
    assert "bytes; pictures are at most" in message


def test_missing_and_outside_images_are_located(tmp_path: Path) -> None:
    assert located(routine(tmp_path, "nope.png"))[0][:2] == (5, 12)
    assert "not found" in located(routine(tmp_path, "nope.png"))[0][2]
    (tmp_path.parent / "outside.png").write_bytes(imagefiles.png())
    ((line, col, message),) = located(routine(tmp_path, "../outside.png"))
    assert (line, col) == (5, 12) and "outside the routine's folder" in message


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("a.png", imagefiles.png()),
        ("a.jpg", imagefiles.jpeg_header(20, 10)),
        ("a.gif", imagefiles.gif([0, 1])),
        ("a.webp", imagefiles.webp_header(20, 10)),
        ("a.svg", imagefiles.SVG.encode()),
        ("really-a-gif.png", imagefiles.gif([0])),  # judged by content, not by name
    ],
)
def test_every_format_loads(tmp_path: Path, name: str, data: bytes) -> None:
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / name).write_bytes(data)
    (ex,) = load_routine(routine(tmp_path, f"pics/{name}")).exercises
    assert ex.image == (tmp_path / "pics" / name).resolve()
    assert ex.mirror is None


def test_mirror_flag(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(imagefiles.png())
    (ex,) = load_routine(routine(tmp_path, "a.png", "    mirror: true\n")).exercises
    assert ex.mirror is True
    (ex,) = load_routine(routine(tmp_path, "a.png", "    mirror: false\n")).exercises
    assert ex.mirror is False
    ((line, col, message),) = located(routine(tmp_path, "a.png", "    mirror: left\n"))
    assert (line, col, message) == (6, 13, "'mirror' must be true or false, not text")


def test_picture_refs_and_mirroring(tmp_path: Path) -> None:
    from hiptimer.pictures import exercise_picture

    (tmp_path / "a.png").write_bytes(imagefiles.png())
    (ex,) = load_routine(routine(tmp_path, "a.png", "    mirror: true\n")).exercises
    ref = exercise_picture(ex)
    assert ref is not None and ref.kind == "file" and ref.path == (tmp_path / "a.png").resolve()
    assert (ref.mirrored("left"), ref.mirrored("right"), ref.mirrored(None)) == (False, True, False)
    (plain,) = load_routine(routine(tmp_path, "a.png")).exercises
    ref2 = exercise_picture(plain)
    assert ref2 is not None and not ref2.mirrored("right"), "a user image mirrors only if asked"


def test_a_routine_anywhere_can_show_a_catalogue_picture_as_its_image(tmp_path: Path) -> None:
    from hiptimer.pictures import exercise_picture
    from hiptimer.resources import assets_dir

    f = routine(tmp_path, "pictures/pigeon-pose.svg", "    mirror: true\n")
    (ex,) = load_routine(f).exercises
    assert ex.image == (assets_dir() / "pictures" / "pigeon-pose.svg").resolve()
    ref = exercise_picture(ex)
    assert ref is not None and ref.kind == "file" and ref.mirrored("right")


def test_a_catalogue_picture_is_looked_up_once_until_its_folder_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A session asks for the same pictures every second: the folder is listed once,
    and again when a pose file or the mirror flags change."""
    import os

    from hiptimer import pictures

    svg = "<svg xmlns='http://www.w3.org/2000/svg'/>"
    (tmp_path / "cat.svg").write_text(svg)
    listed: list[str] = []
    real_glob = Path.glob

    def counting_glob(self: Path, pattern: str):  # type: ignore[no-untyped-def]
        listed.append(pattern)
        return real_glob(self, pattern)

    monkeypatch.setattr(Path, "glob", counting_glob)
    first = pictures.catalogue_picture("cat", tmp_path)
    assert first is not None and first.poses == (tmp_path / "cat.svg",) and first.mirror
    for _ in range(5):
        assert pictures.catalogue_picture("cat", tmp_path) == first
    assert len(listed) == 1
    assert pictures.catalogue_picture("dog", tmp_path) is None  # not there: also kept

    def touch_later(p: Path) -> None:  # a new mtime even on a coarse clock
        st = tmp_path.stat()
        os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))

    (tmp_path / "cat.1.svg").write_text(svg)  # a second key pose
    touch_later(tmp_path)
    again = pictures.catalogue_picture("cat", tmp_path)
    assert again is not None and again.poses == (tmp_path / "cat.svg", tmp_path / "cat.1.svg")
    (tmp_path / "index.json").write_text('{"cat": {"mirror": false}}')
    touch_later(tmp_path)
    flagged = pictures.catalogue_picture("cat", tmp_path)
    assert flagged is not None and not flagged.mirror
    (tmp_path / "index.json").write_text('{"cat": {"mirror": true}}')  # edited in place
    touch_later(tmp_path / "index.json")
    flagged = pictures.catalogue_picture("cat", tmp_path)
    assert flagged is not None and flagged.mirror
