"""WAV headers checked before anything is decoded. Pure, no Qt.

A cue sound is a short PCM WAV. Before a byte of audio is read (and before a
player is handed the file), :func:`check_wav` reads the RIFF header and
refuses a file whose header values do not agree with each other or with the
file's real size, or that is beyond the caps a cue needs:

* channels 1 to :data:`MAX_CHANNELS`, a rate from :data:`MIN_RATE` to
  :data:`MAX_RATE`, 8, 16, 24 or 32-bit integer PCM;
* ``block_align == channels * bits / 8`` and ``byte_rate == rate * block_align``;
* the data chunk is a whole number of frames and lies inside the file (a
  header may not claim more audio than the file holds);
* at most :data:`MAX_SECONDS` of audio and :data:`MAX_BYTES` on disk.

So a 2 GiB sparse file that claims 65,535 channels, a "complete" sound that
claims 74 hours, or a rate of 0 is one sentence naming the file, checked in
microseconds, instead of a frozen app. :func:`read_wav` returns the checked
header and the PCM bytes (read through :func:`hiptimer.safefile.open_confined`
when a root is given, so the file is confined when it is opened, not only
when the routine was loaded).
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from hiptimer import safefile

MAX_SECONDS = 30.0  # a longer "cue" is a mistake (a song?)
MAX_CHANNELS = 8
MIN_RATE = 8_000
MAX_RATE = 192_000
MAX_BYTES = 32 * 1024 * 1024  # on disk, header and all other chunks included
SAMPLE_BITS = (8, 16, 24, 32)
HEADER_SCAN = 64 * 1024  # chunks before 'data' (LIST, bext, ...) read at most this far

_PCM = 1
_EXTENSIBLE = 0xFFFE
_FORMATS = {3: "32-bit float", 2: "ADPCM", 6: "A-law", 7: "mu-law", 0x55: "MP3"}


class WavError(Exception):
    """A sound file that will not be played; ``str()`` is ``path: reason``."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


@dataclass(frozen=True)
class WavInfo:
    """A checked PCM WAV header."""

    channels: int
    rate: int
    bits: int
    data_offset: int  # bytes from the start of the file to the first sample
    data_size: int  # bytes of samples (a whole number of frames)
    file_size: int

    @property
    def block_align(self) -> int:
        return self.channels * self.bits // 8

    @property
    def frames(self) -> int:
        return self.data_size // self.block_align

    @property
    def seconds(self) -> float:
        return self.frames / self.rate


def parse_header(head: bytes, file_size: int, path: Path | str = "<wav>") -> WavInfo:
    """Check a WAV header (``head``: the first bytes of the file, at least up to the
    'data' chunk's header) against itself and the real ``file_size``.

    Raises :class:`WavError` naming ``path`` and what is wrong.
    """

    def bad(reason: str) -> WavError:
        return WavError(path, reason)

    if file_size > MAX_BYTES:
        raise bad(f"{safefile.too_big(file_size, MAX_BYTES, 'sound file')}; a cue is short")
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        raise bad("not a WAV file (no RIFF/WAVE header)")
    pos = 12
    fmt: tuple[int, int, int, int, int, int] | None = None
    while True:
        if pos + 8 > len(head):
            if pos + 8 > file_size:
                raise bad("no audio data chunk ('data') in the file")
            raise bad(f"no audio data chunk ('data') in the first {HEADER_SCAN // 1024} KiB")
        cid = head[pos : pos + 4]
        (size,) = struct.unpack_from("<I", head, pos + 4)
        body = pos + 8
        if cid == b"fmt ":
            if size < 16 or body + 16 > len(head):
                raise bad("the format chunk ('fmt ') is too short")
            tag, channels, rate, byte_rate, block_align, bits = struct.unpack_from(
                "<HHIIHH", head, body
            )
            if tag == _EXTENSIBLE:
                if size < 40 or body + 26 > len(head):
                    raise bad("the extensible format chunk is too short")
                (tag,) = struct.unpack_from("<H", head, body + 24)
            fmt = (tag, channels, rate, byte_rate, block_align, bits)
        elif cid == b"data":
            if fmt is None:
                raise bad("the audio data comes before its format chunk ('fmt ')")
            return _check(fmt, body, size, file_size, path)
        if body + size > file_size:
            raise bad(f"the {cid.decode('latin-1')!r} chunk claims more bytes than the file has")
        pos = body + size + (size & 1)  # chunks are padded to an even length


def _check(
    fmt: tuple[int, int, int, int, int, int],
    offset: int,
    size: int,
    file_size: int,
    path: Path | str,
) -> WavInfo:
    def bad(reason: str) -> WavError:
        return WavError(path, reason)

    tag, channels, rate, byte_rate, block_align, bits = fmt
    if tag != _PCM:
        kind = _FORMATS.get(tag, f"format {tag}")
        raise bad(f"{kind} audio; save it as plain PCM (16-bit) WAV")
    if not 1 <= channels <= MAX_CHANNELS:
        raise bad(f"the header claims {channels} channels; at most {MAX_CHANNELS}")
    if not MIN_RATE <= rate <= MAX_RATE:
        raise bad(f"the header claims a sample rate of {rate} Hz; from {MIN_RATE} to {MAX_RATE}")
    if bits not in SAMPLE_BITS:
        raise bad(f"the header claims {bits}-bit samples; 8, 16, 24 or 32-bit PCM only")
    if block_align != channels * bits // 8:
        raise bad(
            f"the header's frame size ({block_align} bytes) does not match "
            f"{channels} channels of {bits}-bit samples"
        )
    if byte_rate != rate * block_align:
        raise bad(
            f"the header's byte rate ({byte_rate}) does not match {rate} Hz × "
            f"{block_align}-byte frames"
        )
    if size % block_align:
        raise bad(f"the audio data ({size:,} bytes) is not a whole number of frames")
    if offset + size > file_size:
        raise bad(
            f"the header claims {size:,} bytes of audio but the file holds "
            f"{max(0, file_size - offset):,}"
        )
    info = WavInfo(channels, rate, bits, offset, size, file_size)
    if info.seconds > MAX_SECONDS:
        raise bad(f"it lasts {info.seconds:,.1f} s; a cue may last at most {MAX_SECONDS:g} s")
    return info


def _open(path: Path | str, root: Path | str | None) -> BinaryIO:
    return safefile.open_confined(path, root) if root is not None else safefile.open_regular(path)


def _header(f: BinaryIO, path: Path | str) -> WavInfo:
    size = os.fstat(f.fileno()).st_size
    return parse_header(f.read(min(HEADER_SCAN, size)), size, path)


def check_wav(path: Path | str, root: Path | str | None = None) -> WavInfo:
    """The checked header of the WAV file at ``path`` (inside ``root`` if given).

    Reads at most :data:`HEADER_SCAN` bytes. Raises :class:`WavError`.
    """
    try:
        with _open(path, root) as f:
            return _header(f, path)
    except OSError as e:
        raise WavError(path, f"cannot be read: {safefile.reason_for(e)}") from None


def read_wav(path: Path | str, root: Path | str | None = None) -> tuple[WavInfo, bytes]:
    """The checked header and the PCM bytes (little-endian, interleaved) of a WAV file.

    The file is opened once (confined to ``root`` if given) and only the
    data the header promised is read. Raises :class:`WavError`.
    """
    try:
        with _open(path, root) as f:
            info = _header(f, path)
            f.seek(info.data_offset)
            data = f.read(info.data_size)
    except OSError as e:
        raise WavError(path, f"cannot be read: {safefile.reason_for(e)}") from None
    if len(data) != info.data_size:  # shrank while being read
        raise WavError(path, "the file changed while being read")
    return info, data
