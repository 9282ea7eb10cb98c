#!/usr/bin/env python3
"""Synthesise HipTimer's cue sounds into assets/sounds/ (stdlib only).

    python tools/make_sounds.py            # rewrite assets/sounds/*.wav
    python tools/make_sounds.py --out DIR  # somewhere else

Every cue is 48 kHz, 16-bit mono, built from a few soft bell partials with
a fast attack (3 ms) that starts at sample 0, so a recording of the cue can
be timed from its first loud sample, and an exponential decay that ends
in a short fade to exact silence (no click at the end). The output is
deterministic: the same script always writes the same bytes.

The cues differ in pitch, contour and length so they can be told apart
without looking:

    ready     one soft low bell (get into position)
    go        two quick rising notes, bright (work starts)
    tick      a short wooden tick (last seconds of a step)
    stop      two falling notes (work ends)
    switch    up-down-up triplet (change sides)
    set_done  a rising major third, warm (a set is done)
    rep       a very short soft pluck (one rep of a tempo set)
    complete  a rising major arpeggio with a long tail (session complete)

silence.wav (not a cue) is 200 ms of digital silence: the playsound backend
plays it once at warm-up so its player program starts warm (the Qt backend
keeps its own stream open instead).
"""

from __future__ import annotations

import argparse
import math
import struct
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

RATE = 48_000
ATTACK_S = 0.003
END_FADE_S = 0.010
PEAK = 0.55  # of full scale: loud enough to hear, headroom for summing partials


@dataclass(frozen=True)
class Note:
    start: float  # seconds from the start of the cue
    freq: float  # Hz, fundamental
    length: float  # seconds until the note has faded out
    gain: float = 1.0
    decay: float = 6.0  # exponential decay rate (1/s)
    partials: Sequence[tuple[float, float]] = ((1.0, 1.0), (2.0, 0.35), (3.0, 0.12))


def _note_samples(n: Note, total: int) -> list[float]:
    out = [0.0] * total
    first = int(round(n.start * RATE))
    count = min(int(n.length * RATE), total - first)
    attack = max(1, int(ATTACK_S * RATE))
    fade = max(1, int(END_FADE_S * RATE))
    for i in range(count):
        t = i / RATE
        env = math.exp(-n.decay * t)
        if i < attack:
            env *= math.sin(0.5 * math.pi * i / attack)  # 0 at sample 0, smooth to 1
        if i >= count - fade:
            env *= (count - i) / fade
        v = 0.0
        for mult, amp in n.partials:
            # higher partials die away faster, as in a struck bell
            v += (
                amp
                * math.exp(-n.decay * (mult - 1.0) * 0.5 * t)
                * math.sin(2 * math.pi * n.freq * mult * t)
            )
        out[first + i] = n.gain * env * v
    return out


def render(notes: Sequence[Note]) -> list[float]:
    total = max(int(round((n.start + n.length) * RATE)) for n in notes)
    mix = [0.0] * total
    for n in notes:
        for i, v in enumerate(_note_samples(n, total)):
            mix[i] += v
    peak = max(abs(v) for v in mix) or 1.0
    return [v * PEAK / peak for v in mix]


def _hz(semitones_from_a4: float) -> float:
    return 440.0 * 2 ** (semitones_from_a4 / 12)


C5, E5, G5, A5, C6, E6, G6 = (_hz(s) for s in (3, 7, 10, 12, 15, 19, 22))
D5, A4, F5 = _hz(5), _hz(0), _hz(8)

WOOD = ((1.0, 1.0), (2.76, 0.25))
PLUCK = ((1.0, 1.0), (2.0, 0.2))

CUES: dict[str, list[Note]] = {
    "ready": [Note(0.0, A4, 0.45, decay=7.0)],
    "go": [Note(0.0, E5, 0.16, decay=8.0), Note(0.09, A5, 0.35, decay=7.0)],
    "tick": [Note(0.0, 1320.0, 0.06, gain=0.8, decay=55.0, partials=WOOD)],
    "stop": [Note(0.0, A5, 0.16, decay=8.0), Note(0.10, D5, 0.40, decay=6.5)],
    "switch": [
        Note(0.0, E5, 0.12, decay=10.0),
        Note(0.08, A5, 0.12, decay=10.0),
        Note(0.16, E5, 0.25, decay=8.0),
    ],
    "set_done": [Note(0.0, C5, 0.25, decay=5.0), Note(0.12, E5, 0.45, decay=5.0)],
    "rep": [Note(0.0, 880.0, 0.05, gain=0.6, decay=60.0, partials=PLUCK)],
    "complete": [
        Note(0.0, C5, 0.45, decay=4.0),
        Note(0.13, E5, 0.45, decay=4.0),
        Note(0.26, G5, 0.50, decay=3.5),
        Note(0.39, C6, 0.90, decay=3.0),
    ],
}


def write_wav(path: Path, samples: Sequence[float]) -> None:
    frames = b"".join(
        struct.pack("<h", max(-32767, min(32767, int(round(v * 32767))))) for v in samples
    )
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(frames)


def main(argv: Sequence[str] | None = None) -> int:
    here = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--out", type=Path, default=here / "assets" / "sounds")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, notes in CUES.items():
        samples = render(notes)
        write_wav(args.out / f"{name}.wav", samples)
        print(f"{name:9s} {len(samples) / RATE * 1000:5.0f} ms  -> {args.out / (name + '.wav')}")
    write_wav(args.out / "silence.wav", [0.0] * (RATE // 5))
    print(f"silence    200 ms  -> {args.out / 'silence.wav'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
