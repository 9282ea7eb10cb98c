"""Cues placed at their sample positions in one output stream. Pure (no Qt).

The engine knows every boundary in advance (``Session.preview``), so the
sound path does not wait for the instant to come: each cue is written into
the output stream ahead of time at the sample that plays at its planned
instant, and the stream's buffer can be long (the app wakes a few times a
second to top it up, not 30 times).

A :class:`CueTrack` is one opened stream. Sample 0 is the first sample
written, and the track maps a monotonic time ``t`` to the sample
``round((t - anchor) * rate)``; ``anchor`` is the moment the first write
went out. Once the stream plays without a gap, sample ``k`` is heard at
``anchor + k / rate + L`` for one constant latency ``L`` (the sound server's
own), so every cue of the track keeps the same offset to its planned instant
and the offset between cues is exact to the sample.

Samples already written cannot be taken back (Qt exposes no rewind). So
:meth:`CueTrack.replan` tells the caller when a new plan disagrees with what
is already written and not yet heard (a pause drops a cue that is queued, a
Next needs one now): the caller then opens a fresh stream, whose track starts
at the present instant.
"""

from __future__ import annotations

import array
from collections.abc import Sequence
from dataclasses import dataclass

#: A cue to sound: (monotonic instant, cue name).
Planned = tuple[float, str]


@dataclass
class _Placed:
    cue: str
    at: float  # the planned monotonic instant
    frame: int  # first sample, in the track's frames
    pcm: bytes  # in the track's format

    @property
    def key(self) -> tuple[float, str]:
        return (self.at, self.cue)


class CueTrack:
    """The samples of one output stream: silence with the cues mixed in at their frames.

    ``pcm`` maps a cue name to its samples in the stream's format (signed
    16-bit native, ``channels`` interleaved). :meth:`render` returns the next
    ``frames`` samples and advances the write position; :meth:`replan` swaps
    in a new plan when the written part allows it.
    """

    def __init__(self, anchor: float, rate: int, channels: int, pcm: dict[str, bytes]) -> None:
        self.anchor = anchor
        self.rate = rate
        self.channels = channels
        self.frame_bytes = 2 * channels
        self.pcm = pcm
        self.written = 0  # frames written so far
        self._placed: list[_Placed] = []  # cues due, or written and not yet heard in full
        self._done: set[tuple[float, str]] = set()  # cues written in full (recent ones)
        self._last_end = 0  # the frame after the last written cue's last sample

    # ---------------------------------------------------------------- time

    def frame_at(self, t: float) -> int:
        return int(round((t - self.anchor) * self.rate))

    def time_at(self, frame: int) -> float:
        return self.anchor + frame / self.rate

    @property
    def written_until(self) -> float:
        """The monotonic instant the end of the written samples maps to."""
        return self.time_at(self.written)

    # ---------------------------------------------------------------- plan

    def replan(self, plan: Sequence[Planned], now: float) -> bool:
        """Take ``plan`` as the cues from now on; False if the written samples
        disagree with it (a cue written and not yet started that the plan no
        longer has, or a planned cue that should already be written and is
        not): then this track cannot follow it and a fresh one must."""
        # cues heard in full leave the list (their keys stay a while, for the checks below)
        now_frame = self.frame_at(now)
        still = []
        for p in self._placed:
            if p.frame < self.written and p.frame + len(p.pcm) // self.frame_bytes < now_frame:
                self._done.add(p.key)
            else:
                still.append(p)
        self._placed = still
        self._done = {k for k in self._done if k[0] > now - 10.0}
        written_keys = self._done | {p.key for p in self._placed if p.frame < self.written}
        for at, cue in plan:
            if cue not in self.pcm:
                continue
            if self.frame_at(at) < self.written and (at, cue) not in written_keys:
                return False
        wanted = {(at, cue) for at, cue in plan}
        for p in self._placed:
            if p.frame < self.written and p.frame >= now_frame and p.key not in wanted:
                return False
        self._set_plan(plan, now)
        return True

    def start_with(self, plan: Sequence[Planned], now: float) -> None:
        """The plan of a fresh track: a cue whose instant is already past
        sounds at once (frame 0), the rest at their frames."""
        self._set_plan(plan, now, late_at_once=True)

    def _set_plan(self, plan: Sequence[Planned], now: float, *, late_at_once: bool = False) -> None:
        keep = [p for p in self._placed if p.frame < self.written]
        have = self._done | {p.key for p in keep}
        for at, cue in sorted(plan):
            pcm = self.pcm.get(cue)
            if pcm is None or (at, cue) in have:
                continue
            frame = self.frame_at(at)
            if frame < self.written:
                if not late_at_once:
                    continue
                frame = self.written
            keep.append(_Placed(cue, at, frame, pcm))
        self._placed = keep

    # -------------------------------------------------------------- queries

    def next_cue_at(self) -> float | None:
        """The instant of the first cue not yet written (None if there is none)."""
        later = [p.at for p in self._placed if p.frame >= self.written]
        return min(later) if later else None

    def sounding_until(self) -> float:
        """The instant the last written cue ends (the anchor if none)."""
        return self.time_at(self._last_end)

    def cue_begun(self, now: float) -> bool:
        """Whether a cue of this track has begun by ``now`` (its first sample is
        written and due): until then the track holds nothing but silence that
        has sounded, and a fresh one could take over without losing a sound."""
        if self._done:
            return True
        now_frame = self.frame_at(now)
        return any(p.frame < self.written and p.frame <= now_frame for p in self._placed)

    def pending(self) -> list[Planned]:
        """Cues planned and not yet written, (instant, cue), in order."""
        return sorted((p.at, p.cue) for p in self._placed if p.frame >= self.written)

    # -------------------------------------------------------------- samples

    def render(self, frames: int) -> bytes:
        """The next ``frames`` frames: silence, with every cue that overlaps them."""
        start, end = self.written, self.written + max(0, frames)
        self.written = end
        fb = self.frame_bytes
        parts: list[tuple[int, bytes]] = []  # (byte offset in the chunk, bytes)
        for p in self._placed:
            p_end = p.frame + len(p.pcm) // fb
            if p_end <= start or p.frame >= end:
                continue
            lo = max(start, p.frame)
            hi = min(end, p_end)
            parts.append(((lo - start) * fb, p.pcm[(lo - p.frame) * fb : (hi - p.frame) * fb]))
            self._last_end = max(self._last_end, p_end)
        size = (end - start) * fb
        if not parts:
            return bytes(size)
        if len(parts) == 1:
            off, data = parts[0]
            return bytes(off) + data + bytes(size - off - len(data))
        mixed = array.array("i", bytes(4 * (size // 2)))
        for off, data in parts:
            a = array.array("h")
            a.frombytes(data)
            base = off // 2
            for i, v in enumerate(a):
                mixed[base + i] += v
        out = array.array("h", (-32768 if x < -32768 else 32767 if x > 32767 else x for x in mixed))
        return out.tobytes()
