"""hiptimer.wav: a WAV header is checked against itself and the file before decoding."""

from __future__ import annotations

import os
import struct
import time
from pathlib import Path

import pytest

from hiptimer.resources import sounds_dir
from hiptimer.wav import MAX_SECONDS, WavError, check_wav, parse_header, read_wav


def wav_bytes(
    *,
    channels: int = 1,
    rate: int = 48_000,
    bits: int = 16,
    frames: int = 480,
    tag: int = 1,
    block_align: int | None = None,
    byte_rate: int | None = None,
    data_size: int | None = None,
    extra: bytes = b"",
) -> bytes:
    align = channels * bits // 8 if block_align is None else block_align
    brate = (rate * align if byte_rate is None else byte_rate) & 0xFFFFFFFF
    data = bytes(frames * channels * bits // 8)
    size = len(data) if data_size is None else data_size
    fmt = struct.pack("<HHIIHH", tag, channels, rate, brate, align, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + extra
    body += b"data" + struct.pack("<I", size) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def write(tmp_path: Path, data: bytes, name: str = "cue.wav") -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def refused(path: Path, needle: str) -> WavError:
    with pytest.raises(WavError) as info:
        check_wav(path)
    assert needle in info.value.reason, info.value.reason
    assert str(path) in str(info.value)  # the message names the file
    return info.value


def test_the_bundled_sounds_pass() -> None:
    for p in sorted(sounds_dir().glob("*.wav")):
        info = check_wav(p)
        assert 0 < info.seconds <= MAX_SECONDS


def test_a_plain_wav_reads_its_samples(tmp_path: Path) -> None:
    p = write(tmp_path, wav_bytes(channels=2, frames=100, extra=b"LIST\x04\x00\x00\x00abcd"))
    info, data = read_wav(p)
    assert (info.channels, info.rate, info.bits, info.frames) == (2, 48_000, 16, 100)
    assert len(data) == 400
    assert info.seconds == pytest.approx(100 / 48_000)


def test_65535_channels_on_a_2_gib_sparse_file_is_refused_at_once(tmp_path: Path) -> None:
    head = wav_bytes(channels=65_535, frames=0, block_align=0xFFFE, data_size=2**31 - 2)
    p = write(tmp_path, head, "huge.wav")
    with p.open("r+b") as f:
        f.truncate(2**31)
    t = time.perf_counter()
    refused(p, "sound file is 2,147,483,648 bytes")
    assert time.perf_counter() - t < 1.0
    # and the same header in a small file: the channel cap speaks
    refused(write(tmp_path, head), "65535 channels")


def test_a_header_claiming_74_hours_is_refused(tmp_path: Path) -> None:
    rate = 8_000
    claimed = 74 * 3600 * rate * 2
    refused(write(tmp_path, wav_bytes(rate=rate, frames=10, data_size=claimed)), "file holds 20")


def test_a_real_sound_over_the_length_cap_is_refused(tmp_path: Path) -> None:
    p = write(tmp_path, wav_bytes(rate=8_000, bits=8, frames=8_000 * 31))
    refused(p, "lasts 31.0 s")


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"rate": 0}, "sample rate of 0 Hz"),
        ({"rate": 10_000_000}, "sample rate of 10000000 Hz"),
        ({"channels": 0}, "0 channels"),
        ({"bits": 12}, "12-bit"),
        ({"block_align": 4}, "frame size (4 bytes)"),
        ({"byte_rate": 1}, "byte rate (1)"),
        ({"data_size": 961}, "not a whole number of frames"),
        ({"tag": 3, "bits": 32}, "float"),
        ({"tag": 0x55}, "MP3"),
    ],
)
def test_header_values_that_disagree_are_refused(
    tmp_path: Path, kwargs: dict[str, int], needle: str
) -> None:
    refused(write(tmp_path, wav_bytes(**kwargs)), needle)


def test_not_a_wav_and_broken_chunks(tmp_path: Path) -> None:
    refused(write(tmp_path, b"ID3\x03" + bytes(100)), "not a WAV file")
    refused(write(tmp_path, b""), "not a WAV file")
    good = wav_bytes()
    refused(write(tmp_path, good[:36]), "no audio data chunk")
    no_fmt = b"RIFF" + struct.pack("<I", 12) + b"WAVEdata" + struct.pack("<I", 0)
    refused(write(tmp_path, no_fmt), "before its format chunk")
    huge_chunk = good[:12] + b"JUNK" + struct.pack("<I", 2**32 - 1) + good[12:]
    refused(write(tmp_path, huge_chunk), "'JUNK' chunk claims more bytes")


def test_extensible_pcm_is_accepted(tmp_path: Path) -> None:
    guid_pcm = struct.pack("<H", 1) + bytes(14)
    fmt = struct.pack("<HHIIHH", 0xFFFE, 2, 44_100, 44_100 * 4, 4, 16)
    fmt += struct.pack("<HHI", 22, 16, 3) + guid_pcm
    data = bytes(400)
    body = b"WAVEfmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", 400)
    p = write(tmp_path, b"RIFF" + struct.pack("<I", len(body) + 400) + body + data)
    assert check_wav(p).frames == 100


def test_parse_header_is_pure() -> None:
    data = wav_bytes(frames=10)
    assert parse_header(data, len(data)).frames == 10
    with pytest.raises(WavError):
        parse_header(data, len(data) - 1)  # the header claims one byte more than there is


@pytest.mark.skipif(os.name != "posix", reason="needs symlinks and FIFOs")
def test_files_that_are_not_sounds_are_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "loop.wav").symlink_to("loop.wav")
    refused(tmp_path / "loop.wav", "symbolic link loop")
    os.mkfifo(tmp_path / "pipe.wav")
    refused(tmp_path / "pipe.wav", "named pipe")
    refused(tmp_path, "folder")


@pytest.mark.skipif(os.name != "posix", reason="needs symlinks")
def test_read_wav_with_a_root_refuses_a_link_out(tmp_path: Path) -> None:
    root = tmp_path / "r"
    root.mkdir()
    write(tmp_path, wav_bytes(), "outside.wav")
    inside = write(root, wav_bytes())
    assert read_wav(inside, root)[0].frames == 480
    inside.unlink()
    inside.symlink_to(tmp_path / "outside.wav")
    with pytest.raises(WavError, match="outside"):
        read_wav(inside, root)
    assert read_wav(inside)[0].frames == 480  # without a root, links are followed
