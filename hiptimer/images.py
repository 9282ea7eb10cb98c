"""What kind of picture a file is, and how big, read from its bytes (pure Python, no Qt).

A routine's ``image:`` may name a PNG, JPEG, GIF, WebP or SVG file. The loader calls
:func:`sniff` so that ``hiptimer validate`` reports a missing, broken, oversized or
non-image file at the ``image:`` line, before the app ever tries to decode it. Only
headers and the block structure are read, never the pixels:

- PNG: the signature, IHDR (width, height), then every chunk's length and CRC up to IEND
  (a truncated or corrupted file fails here);
- JPEG: the SOI marker, segments up to a start-of-frame (width, height), then a
  start-of-scan;
- GIF: the header and logical screen, then the block structure to the trailer, counting
  image descriptors (more than one: animated);
- WebP: the RIFF container and its first chunk: ``VP8`` (lossy), ``VP8L`` (lossless) or
  ``VP8X`` (extended; the animation flag says animated);
- SVG: well-formed XML whose root element is ``<svg>`` in the SVG namespace (or without
  one). A DOCTYPE (and so any entity) is refused, which shuts out entity expansion and
  external references without needing defusedxml; expat does the parsing.

The format is judged from the content, not the file name, so a JPEG saved as ``.png``
still shows. Limits: :data:`MAX_IMAGE_BYTES` on disk (:data:`MAX_SVG_BYTES` for SVG,
which is parsed whole on the UI thread) and :data:`MAX_IMAGE_PIXELS` per frame (and
:data:`MAX_IMAGE_SIDE` per side), which keeps a decoded frame (4 bytes a pixel) under
100 MiB.
"""

from __future__ import annotations

import struct
import xml.parsers.expat
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from hiptimer import safefile

ImageFormat = Literal["png", "jpeg", "gif", "webp", "svg"]
FORMATS: tuple[ImageFormat, ...] = ("png", "jpeg", "gif", "webp", "svg")

MAX_IMAGE_BYTES = 16 * 1024 * 1024
MAX_IMAGE_PIXELS = 24_000_000
MAX_IMAGE_SIDE = 16384
#: SVG is parsed and drawn on the UI thread, whole: a smaller cap than for pixels.
MAX_SVG_BYTES = 2 * 1024 * 1024

_SVG_NS = "http://www.w3.org/2000/svg"
_KINDS = "PNG, JPEG, GIF, WebP or SVG"


@dataclass(frozen=True)
class ImageInfo:
    format: ImageFormat
    width: int  # pixels; for SVG the width it declares, 0 if none
    height: int
    animated: bool = False


class ImageProblem(Exception):
    """Why a file is not a usable picture (the message completes "image 'x' ...")."""


def sniff(path: Path, root: Path | None = None) -> ImageInfo:
    """Read ``path``'s format and size; raise :class:`ImageProblem` if it is unusable.

    With ``root`` the file must be inside it when it is opened now (a picture
    swapped for a link to elsewhere after the routine was loaded is refused).
    """
    if root is not None:
        try:
            with safefile.open_confined(path, root) as f:
                return sniff_bytes(safefile.read_capped(f, path, MAX_IMAGE_BYTES, "picture"))
        except OSError as e:
            raise ImageProblem(f"cannot be read: {safefile.reason_for(e)}") from None
    try:
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            raise ImageProblem(
                f"is {size:,} bytes; pictures are at most {MAX_IMAGE_BYTES // (1024 * 1024)} MiB"
            )
        # regular files only, opened without blocking, never more than the cap read
        data = safefile.read_regular(path, MAX_IMAGE_BYTES, "picture")
    except OSError as e:
        raise ImageProblem(f"cannot be read: {safefile.reason_for(e)}") from None
    return sniff_bytes(data)


def sniff_bytes(data: bytes) -> ImageInfo:
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageProblem(
            f"is {len(data):,} bytes; pictures are at most {MAX_IMAGE_BYTES // (1024 * 1024)} MiB"
        )
    if not data:
        raise ImageProblem("is an empty file, not a picture")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        info = _png(data)
    elif data.startswith(b"\xff\xd8"):
        info = _jpeg(data)
    elif data[:6] in (b"GIF87a", b"GIF89a"):
        info = _gif(data)
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        info = _webp(data)
    elif _looks_like_xml(data):
        if len(data) > MAX_SVG_BYTES:
            raise ImageProblem(
                f"is an SVG of {len(data):,} bytes; SVG pictures are at most "
                f"{MAX_SVG_BYTES // (1024 * 1024)} MiB"
            )
        info = _svg(data)
    else:
        raise ImageProblem(f"is not a picture HipTimer can show ({_KINDS})")
    if info.format != "svg":
        _check_pixels(info)
    return info


def _check_pixels(info: ImageInfo) -> None:
    name = info.format.upper() if info.format != "webp" else "WebP"
    if info.width <= 0 or info.height <= 0:
        raise ImageProblem(f"is a broken {name}: it says it is {info.width}×{info.height} pixels")
    if info.width > MAX_IMAGE_SIDE or info.height > MAX_IMAGE_SIDE:
        raise ImageProblem(
            f"is {info.width}×{info.height} pixels; at most {MAX_IMAGE_SIDE} pixels a side"
        )
    if info.width * info.height > MAX_IMAGE_PIXELS:
        mp = info.width * info.height / 1e6
        raise ImageProblem(
            f"is {info.width}×{info.height} pixels ({mp:.0f} megapixels); "
            f"at most {MAX_IMAGE_PIXELS / 1e6:.0f} megapixels"
        )


# --------------------------------------------------------------------------- PNG


def _png(data: bytes) -> ImageInfo:
    pos = 8
    width = height = 0
    first = True
    animated = False
    while True:
        if pos + 12 > len(data):
            raise ImageProblem("is a broken PNG: it ends before its IEND chunk (truncated?)")
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 8 + length
        if length > 0x7FFFFFFF or end + 4 > len(data):
            raise ImageProblem("is a broken PNG: a chunk runs past the end (truncated?)")
        body = data[pos + 8 : end]
        (crc,) = struct.unpack(">I", data[end : end + 4])
        if zlib.crc32(kind + body) != crc:
            raise ImageProblem(f"is a broken PNG: chunk {kind.decode('latin-1')!r} is corrupted")
        if first:
            if kind != b"IHDR" or length != 13:
                raise ImageProblem("is a broken PNG: it does not start with an IHDR chunk")
            width, height = struct.unpack(">II", body[:8])
            first = False
        elif kind == b"acTL":
            animated = True
        elif kind == b"IEND":
            return ImageInfo("png", width, height, animated)
        pos = end + 4


# --------------------------------------------------------------------------- JPEG

_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg(data: bytes) -> ImageInfo:
    pos = 2
    size: tuple[int, int] | None = None
    n = len(data)
    while pos < n:
        if data[pos] != 0xFF:
            raise ImageProblem("is a broken JPEG: its segments are corrupted")
        while pos < n and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= n:
            break
        marker = data[pos]
        pos += 1
        if marker in (0x01, *range(0xD0, 0xD8)):  # no length
            continue
        if marker == 0xD9:  # EOI before any scan
            break
        if pos + 2 > n:
            break
        (length,) = struct.unpack(">H", data[pos : pos + 2])
        if length < 2 or pos + length > n:
            break
        if marker in _SOF:
            if length < 7:
                raise ImageProblem("is a broken JPEG: its frame header is too short")
            height, width = struct.unpack(">HH", data[pos + 3 : pos + 7])
            size = (width, height)
        elif marker == 0xDA:  # start of scan: the pixels follow
            if size is None:
                raise ImageProblem("is a broken JPEG: no frame header before the image data")
            return ImageInfo("jpeg", size[0], size[1])
        pos += length
    raise ImageProblem("is a broken JPEG: it ends before its image data (truncated?)")


# --------------------------------------------------------------------------- GIF


def _gif(data: bytes) -> ImageInfo:
    if len(data) < 13:
        raise ImageProblem("is a broken GIF: it ends inside its header (truncated?)")
    width, height, flags = struct.unpack("<HHB", data[6:11])
    pos = 13
    if flags & 0x80:
        pos += 3 * (2 << (flags & 0x07))
    frames = 0
    n = len(data)

    def skip_sub_blocks(p: int) -> int:
        while True:
            if p >= n:
                raise ImageProblem("is a broken GIF: it ends inside a block (truncated?)")
            size = data[p]
            p += 1
            if size == 0:
                return p
            p += size

    while True:
        if pos >= n:
            if frames:  # a missing trailer is common and harmless once a frame is whole
                return ImageInfo("gif", width, height, frames > 1)
            raise ImageProblem("is a broken GIF: it has no image (truncated?)")
        tag = data[pos]
        if tag == 0x3B:  # trailer
            if not frames:
                raise ImageProblem("is a broken GIF: it has no image")
            return ImageInfo("gif", width, height, frames > 1)
        if tag == 0x21:  # extension: label, then sub-blocks
            pos = skip_sub_blocks(pos + 2)
        elif tag == 0x2C:  # image descriptor
            if pos + 10 > n:
                raise ImageProblem("is a broken GIF: it ends inside a frame (truncated?)")
            local = data[pos + 9]
            pos += 10
            if local & 0x80:
                pos += 3 * (2 << (local & 0x07))
            pos = skip_sub_blocks(pos + 1)  # LZW minimum code size, then the data
            frames += 1
        else:
            raise ImageProblem(f"is a broken GIF: unexpected block 0x{tag:02x}")


# --------------------------------------------------------------------------- WebP


def _webp(data: bytes) -> ImageInfo:
    if len(data) < 30:
        raise ImageProblem("is a broken WebP: it ends inside its header (truncated?)")
    (riff_size,) = struct.unpack("<I", data[4:8])
    if riff_size + 8 > len(data):
        raise ImageProblem("is a broken WebP: shorter than its header says (truncated?)")
    chunk = data[12:16]
    body = data[20:]
    if chunk == b"VP8 ":
        if body[3:6] != b"\x9d\x01\x2a":
            raise ImageProblem("is a broken WebP: bad VP8 frame start code")
        w, h = struct.unpack("<HH", body[6:10])
        return ImageInfo("webp", w & 0x3FFF, h & 0x3FFF)
    if chunk == b"VP8L":
        if body[0] != 0x2F:
            raise ImageProblem("is a broken WebP: bad VP8L signature")
        (bits,) = struct.unpack("<I", body[1:5])
        return ImageInfo("webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    if chunk == b"VP8X":
        flags = body[0]
        w = int.from_bytes(body[4:7], "little") + 1
        h = int.from_bytes(body[7:10], "little") + 1
        return ImageInfo("webp", w, h, bool(flags & 0x02))
    raise ImageProblem(f"is a broken WebP: unknown chunk {chunk.decode('latin-1')!r}")


# --------------------------------------------------------------------------- SVG


def _looks_like_xml(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((b"<?xml", b"<svg", b"<!--", b"<!DOCTYPE", b"<!doctype"))


def _length(text: str | None) -> int:
    """An SVG width/height attribute in whole pixels; 0 for none, %, or units we skip."""
    if not text:
        return 0
    t = text.strip()
    if t.endswith("px"):
        t = t[:-2]
    try:
        v = float(t)
    except ValueError:
        return 0
    return int(v) if 0 < v < 1e9 else 0


def _svg(data: bytes) -> ImageInfo:
    root: list[tuple[str, dict[str, str]]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if not root:
            root.append((name, attrs))

    def doctype(*_args: object) -> None:
        raise ImageProblem("is an SVG with a DOCTYPE; HipTimer reads plain SVG only")

    def entity(*_args: object) -> None:
        raise ImageProblem("is an SVG that declares entities; HipTimer reads plain SVG only")

    p = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    p.StartElementHandler = start
    p.StartDoctypeDeclHandler = doctype
    p.EntityDeclHandler = entity
    try:
        p.Parse(data, True)
    except xml.parsers.expat.ExpatError as e:
        raise ImageProblem(
            f"is not well-formed SVG: {xml.parsers.expat.ErrorString(e.code)} "
            f"at line {e.lineno}, column {e.offset + 1}"
        ) from None
    if not root:
        raise ImageProblem("is an XML file without an <svg> element")
    name, attrs = root[0]
    ns, _, local = name.rpartition(" ")
    if local != "svg" or ns not in ("", _SVG_NS):
        raise ImageProblem(f"is XML whose root is <{local}>, not <svg>")
    return ImageInfo("svg", _length(attrs.get("width")), _length(attrs.get("height")))
