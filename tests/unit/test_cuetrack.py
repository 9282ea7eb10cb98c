"""CueTrack: cues written at their sample positions, and when a new plan needs a fresh stream."""

from __future__ import annotations

import array

from hiptimer.cuetrack import CueTrack

RATE = 1000  # 1 frame = 1 ms keeps the arithmetic readable


def pcm(*values: int) -> bytes:
    return array.array("h", values).tobytes()


def samples(data: bytes) -> list[int]:
    a = array.array("h")
    a.frombytes(data)
    return list(a)


def track(anchor: float = 100.0) -> CueTrack:
    return CueTrack(anchor, RATE, 1, {"go": pcm(5, 6, 7), "tick": pcm(30000, 30000)})


def test_a_cue_lands_on_its_sample_across_chunk_boundaries() -> None:
    t = track()
    assert t.replan([(100.004, "go")], now=100.0)
    assert samples(t.render(5)) == [0, 0, 0, 0, 5]
    assert samples(t.render(3)) == [6, 7, 0]
    assert t.written == 8 and abs(t.written_until - 100.008) < 1e-12
    assert samples(t.render(4)) == [0, 0, 0, 0]
    assert t.sounding_until() == t.time_at(7)


def test_overlapping_cues_are_summed_with_clipping() -> None:
    t = track()
    t.replan([(100.001, "go"), (100.002, "tick")], now=100.0)
    assert samples(t.render(5)) == [0, 5, 30006, 30007, 0]
    assert t.replan([(100.006, "tick"), (100.0062, "tick")], now=100.005)
    assert samples(t.render(4)) == [0, 32767, 32767, 0]


def test_replan_keeps_the_track_while_the_written_part_agrees() -> None:
    t = track()
    t.replan([(100.002, "go"), (100.050, "tick")], now=100.0)
    t.render(20)  # "go" written in full
    # the live batch's own cue (already written) plus the future: nothing to redo
    assert t.replan([(100.002, "go"), (100.050, "tick")], now=100.010)
    assert t.pending() == [(100.050, "tick")]
    # a later cue may move freely while it is not written yet
    assert t.replan([(100.060, "tick")], now=100.010)
    assert t.next_cue_at() == 100.060


def test_replan_refuses_when_written_samples_disagree() -> None:
    t = track()
    t.replan([(100.015, "tick")], now=100.0)
    t.render(20)  # the tick is written but not heard yet at 100.005
    assert not t.replan([], now=100.005)  # a pause: the queued tick must not sound
    t2 = track()
    t2.render(20)
    assert not t2.replan([(100.004, "go")], now=100.004)  # Next: a cue needed now, not written


def test_a_fresh_track_sounds_a_late_cue_at_once_and_the_rest_on_time() -> None:
    t = track(anchor=200.0)
    t.start_with([(199.990, "go"), (200.005, "tick")], now=200.0)
    assert samples(t.render(8)) == [5, 6, 7, 0, 0, 30000, 30000, 0]


def test_cues_without_samples_are_ignored() -> None:
    t = track()
    assert t.replan([(100.001, "nope")], now=100.0)
    assert samples(t.render(3)) == [0, 0, 0]


def test_a_cue_has_begun_only_once_its_first_sample_is_written_and_due() -> None:
    t = track()
    t.start_with([(100.010, "go")], now=100.0)
    assert not t.cue_begun(100.020)  # due, but not written: nothing of it has sounded
    t.render(20)  # written ahead (the cue's first sample is frame 10)
    assert not t.cue_begun(100.009)  # written, not due yet: a fresh track loses nothing
    assert t.cue_begun(100.010)
    assert t.replan([], now=100.030)  # heard in full: it leaves the list, still begun
    assert t.cue_begun(100.030)
    silent = track()
    silent.render(50)
    assert not silent.cue_begun(100.040)  # only silence so far
