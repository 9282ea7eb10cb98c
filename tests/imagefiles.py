"""Small real picture files built byte by byte (no imaging library), for the tests.

PNG and GIF come out complete and decodable (Qt reads them); the JPEG and WebP
builders write only the headers the sniffer reads, with the size given.
"""

from __future__ import annotations

import struct
import zlib


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    """An opaque RGB PNG of one colour."""
    row = b"\x00" + bytes(rgb) * width
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(row * height))
        + _chunk(b"IEND", b"")
    )


def png_halves(width: int = 8, height: int = 4) -> bytes:
    """Left half red, right half blue: its mirror image is told apart at a glance."""
    half = width // 2
    row = b"\x00" + bytes((255, 0, 0)) * half + bytes((0, 0, 255)) * (width - half)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(row * height))
        + _chunk(b"IEND", b"")
    )


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose IHDR claims ``width`` × ``height`` (a tiny IDAT, for size checks)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(b""))
        + _chunk(b"IEND", b"")
    )


def _gif_frame_data(pixels: list[int]) -> bytes:
    """LZW data (minimum code size 2) with a clear code every two pixels, so the code
    width stays 3 bits: valid, uncompressed-style GIF data."""
    codes: list[int] = []
    for i in range(0, len(pixels), 2):
        codes.append(4)  # clear
        codes.extend(pixels[i : i + 2])
    codes.append(5)  # end of information
    bits = 0
    nbits = 0
    out = bytearray()
    for c in codes:
        bits |= c << nbits
        nbits += 3
        while nbits >= 8:
            out.append(bits & 0xFF)
            bits >>= 8
            nbits -= 8
    if nbits:
        out.append(bits & 0xFF)
    blocks = bytearray([2])  # LZW minimum code size
    for i in range(0, len(out), 255):
        part = out[i : i + 255]
        blocks.append(len(part))
        blocks += part
    blocks.append(0)
    return bytes(blocks)


def gif(frames: list[int], width: int = 4, height: int = 4, delay_cs: int = 5) -> bytes:
    """A GIF with one frame per colour index in ``frames`` (0 red, 1 green, 2 blue,
    3 white), each filling the picture; more than one frame loops forever."""
    palette = bytes((255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255))
    out = bytearray(b"GIF89a")
    out += struct.pack("<HHBBB", width, height, 0x81, 0, 0)  # global table of 4 colours
    out += palette
    if len(frames) > 1:
        out += b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
    for colour in frames:
        out += b"\x21\xf9\x04\x00" + struct.pack("<H", delay_cs) + b"\x00\x00"
        out += b"\x2c" + struct.pack("<HHHHB", 0, 0, width, height, 0)
        out += _gif_frame_data([colour] * (width * height))
    out += b"\x3b"
    return bytes(out)


def jpeg_header(width: int, height: int) -> bytes:
    """SOI, a baseline SOF0 with the size, and a start of scan."""
    sof = struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"
    sos = b"\x01\x01\x00\x00\x3f\x00"
    return (
        b"\xff\xd8"
        + b"\xff\xe0"
        + struct.pack(">H", 16)
        + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + b"\xff\xc0"
        + struct.pack(">H", 2 + len(sof))
        + sof
        + b"\xff\xda"
        + struct.pack(">H", 2 + len(sos))
        + sos
        + b"\x00" * 16
        + b"\xff\xd9"
    )


def webp_header(width: int, height: int, kind: str = "VP8X", animated: bool = False) -> bytes:
    if kind == "VP8X":
        body = bytes([0x02 if animated else 0, 0, 0, 0])
        body += (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    elif kind == "VP8L":
        bits = (width - 1) | ((height - 1) << 14)
        body = b"\x2f" + struct.pack("<I", bits) + b"\x00" * 5
    else:
        body = b"\x00\x00\x00\x9d\x01\x2a" + struct.pack("<HH", width, height) + b"\x00" * 4
    chunk = kind.encode().ljust(4) + struct.pack("<I", len(body)) + body
    payload = b"WEBP" + chunk
    return b"RIFF" + struct.pack("<I", len(payload)) + payload


SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" viewBox="0 0 40 20">'
    '<rect x="0" y="0" width="20" height="20" fill="#ff0000"/>'
    '<rect x="20" y="0" width="20" height="20" fill="#0000ff"/></svg>'
)
