"""Qt cue players, the voice and the CueDirector (offscreen, no sound needed)."""

from __future__ import annotations

import array
import math
import os
import sys
import threading
import time
import wave
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from hiptimer.cues import CUE_NAMES
from hiptimer.events import (
    CountdownTick,
    Paused,
    RepTick,
    SessionFinished,
    SetDone,
    SideSwitch,
    StepEnded,
    StepStarted,
)
from hiptimer.loader import load_routine_text
from hiptimer.plan import Plan, compile_plan
from hiptimer.qt import cues as qcues
from hiptimer.resources import sounds_dir

pytestmark = pytest.mark.gui

ROUTINE = """
name: Director test
defaults: {prep: 5, rest: 5, switch: 3}
exercises:
  - name: Pigeon pose
    hold: 30s
    sides: each
  - name: Squat
    reps: 4
    tempo: 2s
    sets: 2
"""


@pytest.fixture
def plan() -> Plan:
    return compile_plan(load_routine_text(ROUTINE, "director.yaml"))


class FakePlayer:
    name = "fake"

    def __init__(self) -> None:
        self.played: list[str] = []

    def play(self, cue: str) -> None:
        self.played.append(cue)

    def warm_up(self) -> None:
        pass

    def set_volume(self, volume: float) -> None:
        pass

    def set_muted(self, muted: bool) -> None:
        pass

    def length(self, cue: str) -> float:
        return 0.2

    def close(self) -> None:
        pass


class FakeVoice:
    def __init__(self) -> None:
        self.enabled = True
        self.speaking = False
        self.said: list[tuple[float, str]] = []
        self.stops = 0

    def say(self, text: str) -> None:
        self.said.append((time.monotonic(), text))
        self.speaking = True

    def stop(self) -> None:
        self.stops += 1
        self.speaking = False


# ------------------------------------------------------------------ players

needs_output = pytest.mark.skipif(
    "not __import__('hiptimer.qt.cues', fromlist=['x']).qt_output_available()",
    reason="opening the stream needs an audio output: none here "
    '(eval "$(bash .ci/pulse.sh start)" gives one)',
)

BUILTIN = {c: sounds_dir() / f"{c}.wav" for c in CUE_NAMES}


def _write_wav(
    path: Path, samples: list[int], rate: int, channels: int = 1, width: int = 2
) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        if width == 1:
            w.writeframes(bytes((v >> 8) + 128 for v in samples))
        else:
            w.writeframes(array.array("h", samples).tobytes())
    return path


def test_qt_player_decodes_every_cue_once(qapp: Any) -> None:
    p = qcues.QtCuePlayer(BUILTIN, require_device=False)
    try:
        assert set(p.pcm) == set(CUE_NAMES)
        for cue, path in BUILTIN.items():
            with wave.open(str(path), "rb") as w:
                assert p.pcm[cue] == w.readframes(w.getnframes())  # 48 kHz mono int16 as is
        assert 0.04 < p.length("tick") < 0.2 and p.length("complete") > 1.0
        assert p.sink is None  # nothing opened before warm_up/play
    finally:
        p.close()


def test_wav_conversion_to_the_common_format(tmp_path: Path) -> None:
    # stereo 8-bit at 24 kHz -> mono int16 at 48 kHz, channels averaged, length kept
    left = [0, 8192, 16384, 8192] * 600
    right = [0, -8192, 0, 8192] * 600
    inter = [v for pair in zip(left, right, strict=True) for v in pair]
    path = _write_wav(tmp_path / "s8.wav", inter, 24_000, channels=2, width=1)
    out = qcues.decode_wav(path)
    assert len(out) == 2 * len(left)
    assert out[0] == 0 and out[2] == 0  # frame 1 averages to 0
    assert abs(out[4] - 8192) <= 256  # frame 2: (16384 + 0) / 2
    assert abs(out[6] - 8192) <= 256  # frame 3: (8192 + 8192) / 2
    assert abs(out[3] - 4096) <= 256  # interpolated halfway between frames 1 and 2
    # the same samples at 44.1 kHz, mono 16-bit: resampled to 48 kHz
    tone = [int(8000 * math.sin(2 * math.pi * 440 * k / 44_100)) for k in range(44_100 // 4)]
    out = qcues.decode_wav(_write_wav(tmp_path / "t.wav", tone, 44_100))
    assert len(out) == 12_000  # 0.25 s at 48 kHz
    assert (
        max(out) > 7900
        and abs(out[12] - int(8000 * math.sin(2 * math.pi * 440 * 12 / 48_000))) < 60
    )
    # stereo output of a mono cue duplicates each sample
    assert list(qcues.convert_pcm(array.array("h", [1, 2, 3]), 48_000, 1, 48_000, 2)) == [
        1,
        1,
        2,
        2,
        3,
        3,
    ]


def test_unusable_wavs_are_refused_with_the_reason(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF....not a wav at all")
    with pytest.raises(qcues.SoundFormatError, match="not a plain PCM WAV"):
        qcues.decode_wav(bad)
    with pytest.raises(qcues.SoundFormatError, match="cannot be read"):
        qcues.decode_wav(tmp_path / "missing.wav")
    long = _write_wav(tmp_path / "long.wav", [0] * (8000 * 31), 8000)
    with pytest.raises(qcues.SoundFormatError, match="at most 30 s"):
        qcues.decode_wav(long)


def test_a_routine_wav_in_another_rate_plays(qapp: Any, tmp_path: Path) -> None:
    own = _write_wav(tmp_path / "go22.wav", [1000, -1000] * 2205, 22_050)  # 0.2 s
    p = qcues.QtCuePlayer(BUILTIN | {"go": own}, require_device=False)
    try:
        assert len(p.pcm["go"]) == 2 * 9600  # 0.2 s at 48 kHz, 2 bytes a sample
        assert abs(p.length("go") - 0.2) < 0.001
    finally:
        p.close()


def test_qt_player_reports_a_broken_sound_and_keeps_the_rest(qapp: Any, tmp_path: Path) -> None:
    bad = tmp_path / "go.wav"
    bad.write_bytes(b"RIFF....not a wav at all")
    msgs: list[str] = []
    p = qcues.QtCuePlayer(BUILTIN | {"go": bad}, on_message=msgs.append, require_device=False)
    try:
        assert "go" not in p.pcm and "stop" in p.pcm
        assert any("'go'" in m and str(bad) in m for m in msgs)
        p.play("go")  # a missing cue is silently skipped
        assert not p.playing and p.sink is None
    finally:
        p.close()
    with pytest.raises(qcues.CueBackendError, match="none of the cue sounds"):
        qcues.QtCuePlayer({"go": bad}, require_device=False)


def test_mute_and_volume(qapp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    p = qcues.QtCuePlayer(BUILTIN, require_device=False)
    opened: list[bool] = []
    monkeypatch.setattr(p, "open_stream", lambda **_k: opened.append(True) or True)
    try:
        now = time.monotonic()
        p.set_muted(True)
        p.play("go")  # muted: nothing planned, nothing opens
        assert p._audible_plan(now) == [] and not opened
        p.set_muted(False)
        p.set_volume(0.0)
        p.play("go")
        assert p._audible_plan(now) == [] and not opened
        p.set_volume(0.5)
        p.play("go")
        assert [c for _at, c in p._audible_plan(now)] == ["go"] and opened
        p.set_muted(True)  # muting drops what is planned
        assert p._audible_plan(now) == []
    finally:
        p.close()


@needs_output
def test_warm_up_opens_one_stream_that_plays_the_cues(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = qcues.QtCuePlayer(BUILTIN, volume=0.5)
    try:
        p.warm_up()
        sink = p.sink
        assert sink is not None
        qtbot.waitUntil(lambda: sink.state() == qcues._QtAudio.State.ActiveState, timeout=3000)
        # the perceptual 0.5 is a smaller linear gain
        assert 0.0 < sink.volume() < 0.5
        fmt = sink.format()
        assert (fmt.sampleRate(), fmt.channelCount()) == (48_000, 1)
        # a long buffer: the app tops it up a few times a second
        assert fmt.bytesForDuration(500_000) <= sink.bufferSize() <= fmt.bytesForDuration(1_500_000)
        p.warm_up()
        assert p.sink is sink and p.opened == 1  # idempotent
        # a cue planned beyond what is queued waits for its turn in the same stream
        assert p.track is not None
        at = p.track.written_until + 0.2
        p.schedule([(at, "tick")])
        assert p.sink is sink and p.opened == 1 and p.track.pending() == [(at, "tick")]
        # one due inside what is already queued needs a fresh stream, which starts with it
        soon = time.monotonic() + 0.5
        p.schedule([(soon, "tick")])
        assert p.opened == 2 and p.sink is not sink and p.track is not None
        assert p.track.written > p.track.frame_at(soon)  # written into the first samples
        # taking a queued cue back (a pause) needs a fresh stream too; so does a cue due now
        p.schedule([])
        assert p.opened == 3
        p.play("tick")
        assert p.opened == 4 and p.playing
        qtbot.waitUntil(lambda: not p.playing, timeout=3000)  # written and sounded
        assert p.sink is not None and p.sink.error() == qcues._QtAudio.Error.NoError
    finally:
        p.close()
    assert p.sink is None


def test_the_server_buffer_is_asked_for_only_while_a_stream_connects(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PULSE_LATENCY_MSEC", raising=False)
    with qcues._server_buffer(500):
        assert os.environ["PULSE_LATENCY_MSEC"] == "500"
    assert "PULSE_LATENCY_MSEC" not in os.environ  # no other stream or child process gets it
    with qcues._server_buffer(0):  # 0: Qt's own buffer
        assert "PULSE_LATENCY_MSEC" not in os.environ
    monkeypatch.setenv("PULSE_LATENCY_MSEC", "60")  # the user's own choice wins
    with qcues._server_buffer(500):
        assert os.environ["PULSE_LATENCY_MSEC"] == "60"
    assert os.environ["PULSE_LATENCY_MSEC"] == "60"


class _FakeIO:
    def __init__(self) -> None:
        self.written: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.written.append(data)
        return len(data)


class _FakeSink:
    """Qt's view of a stream: room in its buffer, and what the server has read
    (processedUSecs; 0 before the server's first timing report)."""

    def __init__(self, free: int, size: int = 2 * qcues.RATE) -> None:
        self.free, self.size = free, size
        self.processed_s = 0.0

    def bytesFree(self) -> int:  # noqa: N802
        return self.free

    def bufferSize(self) -> int:  # noqa: N802
        return self.size

    def processedUSecs(self) -> int:  # noqa: N802
        return int(self.processed_s * 1_000_000)


@pytest.fixture
def unplugged(
    qapp: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[qcues.QtCuePlayer, list[bool]]]:
    """A qt player whose stream a test sets by hand (fakes), and the fresh streams it
    asked for (recorded, not opened)."""
    p = qcues.QtCuePlayer(BUILTIN, require_device=False)
    restarts: list[bool] = []
    monkeypatch.setattr(p, "_restart", lambda: restarts.append(True))
    yield p, restarts
    p.sink = p._io = p.track = None
    p.close()


def test_fill_tops_the_buffer_up_and_reopens_a_stream_that_ran_dry(
    unplugged: tuple[qcues.QtCuePlayer, list[bool]],
) -> None:
    from hiptimer.cuetrack import CueTrack

    p, restarts = unplugged
    io = _FakeIO()
    now = time.monotonic()
    track = CueTrack(now, qcues.RATE, 1, p.pcm)
    track.render(qcues.RATE)  # one second written ahead
    p.sink, p._io, p.track = _FakeSink(4800), io, track  # type: ignore[assignment]
    p._fill()
    assert [len(b) for b in io.written] == [4800] and track.written == qcues.RATE + 2400
    assert not restarts
    # the samples written end in the past, but the server has not read them: it is
    # holding the stream back, not starved of samples; a fresh stream would not help
    track.anchor = now - 5.0
    p.sink.free = 0  # type: ignore[union-attr]
    p._fill()
    assert not restarts and len(io.written) == 1
    # the app stalled: the server read all there was, and played silence in the
    # gap, so the rest would sound late by it
    p.sink.free = p.sink.size  # type: ignore[union-attr]
    p._fill()
    assert restarts == [True] and len(io.written) == 1  # nothing written into it


def test_a_stream_the_server_held_back_is_replaced_once_it_reads_again(
    unplugged: tuple[qcues.QtCuePlayer, list[bool]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from hiptimer.cuetrack import CueTrack

    p, restarts = unplugged
    from hiptimer.clock import FakeClock

    clock = FakeClock()
    monkeypatch.setattr(qcues, "time", SimpleNamespace(monotonic=clock.now))
    io = _FakeIO()

    def stream(read_s: float, written_s: float = 1.0) -> tuple[_FakeSink, CueTrack]:
        """A stream opened 12 ms ago that the server has read ``read_s`` of."""
        track = CueTrack(clock.now() - 0.012, qcues.RATE, 1, p.pcm)
        track.render(int(written_s * qcues.RATE))
        sink = _FakeSink(0)
        p.sink, p._io, p.track = sink, io, track  # type: ignore[assignment]
        p._read_s, p._read_at, p._held_since = 0.0, track.anchor, None
        sink.processed_s = read_s
        p._read_ahead(clock.now())
        return sink, track

    def feed(dt: float, read_s: float, free: int = 0) -> None:
        clock.advance(dt)
        sink.processed_s, sink.free = read_s, free
        p._fill()

    # on time: the server reads ahead of the stream's time, and keeps reading
    sink, track = stream(0.27)
    for k in range(1, 8):
        feed(0.3, 0.27 + 0.3 * k, free=4800)
    assert not restarts and p._held_since is None
    # the server reads its next block: later leads run up to the whole buffer, and
    # are not what a fresh stream's first report is checked against
    feed(0.3, sink.processed_s + 0.55, free=4800)
    assert p.lead_s == pytest.approx(0.258)
    # held back: it read 270 ms and then nothing for 1.3 s, while samples waited
    sink, track = stream(0.27)
    read_cue = (track.anchor + 0.1, "ready")  # in the 270 ms read: it has sounded
    unread_cue = (track.anchor + 0.9, "tick")  # written, never read
    p._plan = [read_cue, unread_cue, (track.anchor + 3.0, "go")]
    feed(0.3, 0.27, free=25920)  # (the server's first read is not topped up yet)
    assert p._held_since == track.anchor + 0.012  # held since the server's first read
    for _ in range(3):
        feed(0.3, 0.27)
    assert not restarts  # a fresh stream now would be held back too
    feed(0.3, 0.5, free=4800)  # it reads again, 1.3 s behind the stream's own time
    assert restarts == [True] and p.held_back == 1
    # the fresh stream sounds what the server had not read (at once), not what it had
    assert p._plan == [unread_cue, (track.anchor + 3.0, "go")]
    p._plan = []
    # a stream that only paused for a moment, and is not behind, is kept
    sink, track = stream(0.27)
    feed(0.3, 0.27)
    feed(0.3, 0.27)
    feed(0.3, 1.0, free=4800)
    assert restarts == [True]
    # behind its time from its first report on, but never held (a slow output's
    # latency): kept
    sink, track = stream(0.0)
    for k in range(1, 5):
        feed(0.3, 0.3 * k - 0.14, free=4800)
    assert p._read_ahead(clock.now()) == pytest.approx(-0.152) and p._held_since is None
    assert restarts == [True]
    # held only until just after the first top-up: caught all the same
    sink, track = stream(0.27)
    feed(0.3, 0.27, free=25920)
    feed(0.3, 0.45, free=30000)  # 160 ms behind
    assert restarts == [True, True] and p.held_back == 2
    # not moving because the server has read all there was (the app stalled): the
    # stream ran dry, which is not this
    sink, track = stream(0.27, written_s=0.3)
    clock.advance(0.2)
    assert not p._held_back(clock.now()) and p._held_since is None
    # a server that keeps doing it is left as it is after HELD_BACK_MAX
    p.held_back = qcues.HELD_BACK_MAX
    sink, track = stream(0.27)
    for _ in range(5):
        feed(0.3, 0.27)
    feed(0.3, 0.5, free=4800)
    assert restarts == [True, True]


def test_a_stream_the_server_started_late_is_reopened_before_its_first_cue(
    unplugged: tuple[qcues.QtCuePlayer, list[bool]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from hiptimer.cuetrack import CueTrack

    p, restarts = unplugged
    sink = _FakeSink(0)  # no room left; what the server has read is set by hand

    def fresh_stream(cue_in_s: float) -> CueTrack:
        now = time.monotonic()
        track = CueTrack(now - 0.012, qcues.RATE, 1, p.pcm)  # opened 12 ms ago
        track.start_with([(now + cue_in_s, "go")], now)
        track.render(qcues.RATE)  # one second written ahead
        p.sink, p.track = sink, track  # type: ignore[assignment]
        p._checks_left = 3
        return track

    monkeypatch.setattr(qcues, "SERVER_BUFFER_MS", 500)
    monkeypatch.delenv("PULSE_LATENCY_MSEC", raising=False)
    # the first stream on this output: no report yet, so look again soon
    fresh_stream(0.1)
    p._check_start()
    assert p._checks_left == 2 and p._start_check.isActive() and not restarts
    # no stream seen yet, so half the buffer asked for is what to expect: 5 ms is late
    sink.processed_s = 0.012 + 0.005
    p._check_start()
    assert restarts == [True] and p.late_starts == 1
    restarts.clear()
    p.late_starts = 0
    p._reopened_late = False
    # its report: the server read ~260 ms ahead at once, as it does when on time
    sink.processed_s = 0.012 + 0.26
    p._check_start()
    assert not restarts and 0.25 < p.lead_s < 0.27
    # the next stream's read position only keeps pace with its time:
    # the server played ~260 ms of silence first, and every cue would be late by it
    fresh_stream(0.1)
    sink.processed_s = 0.012
    p._check_start()
    assert restarts == [True] and p.late_starts == 1
    # the stream that replaced it is late too: left as it is (no reopening in a loop)
    p._check_start()
    assert restarts == [True] and p.late_starts == 1
    # on time again, and later late again: reopened again
    sink.processed_s = 0.012 + 0.26
    p._check_start()
    fresh_stream(0.1)
    sink.processed_s = 0.012
    p._check_start()
    assert restarts == [True, True] and p.late_starts == 2
    # late, but its first cue has begun: a fresh stream would cut it, so it stays
    track = fresh_stream(0.0)
    p._reopened_late = False
    sink.processed_s = 0.012
    assert track.cue_begun(time.monotonic())
    p._check_start()
    assert restarts == [True, True]
    # Qt's own small server buffer, on an output never seen: no read-ahead to expect
    p.lead_s = 0.0
    monkeypatch.setattr(qcues, "SERVER_BUFFER_MS", 0)
    fresh_stream(0.1)
    p._reopened_late = False
    sink.processed_s = 0.012 + 0.005
    p._check_start()
    assert restarts == [True, True]
    # the user's own PULSE_LATENCY_MSEC is what the stream asked for
    monkeypatch.setenv("PULSE_LATENCY_MSEC", "400")
    p._check_start()
    assert restarts == [True, True, True]


@needs_output
def test_a_fresh_stream_connects_before_the_one_it_replaces_stops(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An output left with no stream may render far ahead at once (PulseAudio's
    null sink renders 2 s ahead), and the fresh stream would wait that long to be
    read: so the old stream stops only once the fresh one has started."""
    stopped = qcues._QtAudio.State.StoppedState
    p = qcues.QtCuePlayer(BUILTIN)
    try:
        p.warm_up()
        old = p.sink
        assert old is not None
        seen: list[Any] = []
        open_stream = p.open_stream

        def opening() -> bool:
            seen.append(old.state())
            return open_stream()

        monkeypatch.setattr(p, "open_stream", opening)
        p._restart()  # what a pause, Next or +10 s does
        assert seen and seen[0] != stopped  # it still played while the fresh one opened
        assert p.sink is not None and p.sink is not old and old.state() == stopped
        assert p._retiring is None
        # the session's start: the warm stream plays on until the session's own has started
        warm = p.sink
        p.ready_at()
        assert p.sink is None and warm.state() != stopped
        p.schedule([(time.monotonic() + 0.1, "go")])
        assert p.sink is not None and p.sink is not warm and warm.state() == stopped
        # no fresh stream after all: the retired one goes soon anyway
        p.ready_at()
        retired = p._retiring
        assert retired is not None and retired.state() != stopped
        timer = p._retire_timer
        assert timer.isActive() and timer.interval() == 2 * qcues.START_MARGIN_S * 1000
        timer.stop()
        timer.timeout.emit()  # its time has come (no waiting in real time)
        assert p._retiring is None and retired.state() == stopped
    finally:
        p.close()


@needs_output
def test_the_first_cue_of_a_session_lands_on_its_sample(qtbot: Any) -> None:
    p = qcues.QtCuePlayer(BUILTIN)
    try:
        p.warm_up()
        first = p.sink
        at = p.ready_at()
        assert p.sink is None  # what the warm stream has queued would come first
        assert 0 < at - time.monotonic() <= qcues.START_MARGIN_S
        p.schedule([(at, "ready"), (at + 2.0, "go")])
        track = p.track
        assert p.sink is not None and p.sink is not first and track is not None
        assert track.anchor < at  # the stream's first sample comes before the cue ...
        # ... and the cue sits at its own sample, not at the stream's start
        assert abs(track.sounding_until() - (at + p.length("ready"))) <= 1 / qcues.RATE
        assert track.pending() == [(at + 2.0, "go")]
    finally:
        p.close()


@needs_output
def test_a_late_started_stream_is_replaced_and_its_cue_stays_on_its_sample(qtbot: Any) -> None:
    """The real server's timing reports drive the check; the output is made to look
    as if it read far ahead, so the session's fresh stream looks late and is replaced."""
    p = qcues.QtCuePlayer(BUILTIN)
    try:
        p.warm_up()
        at = p.ready_at()
        p.lead_s = 10.0  # no real stream reads ahead this far: this one "started late"
        p.schedule([(at, "ready")])
        first = p.sink
        qtbot.waitUntil(lambda: p.late_starts == 1, timeout=2000)
        track = p.track
        assert p.sink is not None and p.sink is not first and track is not None
        assert time.monotonic() < at  # replaced before its cue was due ...
        # ... and the cue sits at its own sample in the stream that took over
        assert abs(track.sounding_until() - (at + p.length("ready"))) <= 1 / qcues.RATE
        # that stream "looks late" too, and is kept: no reopening in a loop
        opened = p.opened
        qtbot.wait(200)
        assert p.opened == opened and p.late_starts == 1
    finally:
        p.close()


def test_qt_player_without_a_device_refuses(monkeypatch: pytest.MonkeyPatch, qapp: Any) -> None:
    monkeypatch.setattr(qcues, "qt_output_available", lambda: False)
    with pytest.raises(qcues.CueBackendError, match="no audio output device"):
        qcues.QtCuePlayer(BUILTIN)


def test_no_device_at_all_never_crashes(monkeypatch: pytest.MonkeyPatch, qapp: Any) -> None:
    from PySide6.QtMultimedia import QAudioDevice

    monkeypatch.setattr(qcues, "qt_output_available", lambda: False)
    monkeypatch.setattr(qcues.QMediaDevices, "defaultAudioOutput", staticmethod(QAudioDevice))
    msgs: list[str] = []
    p = qcues.QtCuePlayer(BUILTIN, on_message=msgs.append, require_device=False)
    try:
        p.warm_up()
        p.play("go")
        p.play("stop")
        assert p.sink is None
        assert msgs == ["No audio output: carrying on with visual cues only."]
    finally:
        p.close()


def test_device_lost_mid_session_is_said_once(monkeypatch: pytest.MonkeyPatch, qapp: Any) -> None:
    msgs: list[str] = []
    p = qcues.QtCuePlayer(BUILTIN, on_message=msgs.append, require_device=False)
    reopened: list[bool] = []
    closed: list[bool] = []
    monkeypatch.setattr(p, "open_stream", lambda: reopened.append(True) or True)
    real_close = p.close_stream
    monkeypatch.setattr(p, "close_stream", lambda: closed.append(True) or real_close())
    try:
        p._had_output = True
        p._want_open = True  # warm_up ran
        monkeypatch.setattr(qcues, "qt_output_available", lambda: False)
        p._on_devices_audio_outputs_changed()
        p._on_devices_audio_outputs_changed()
        p.play("go")  # no raise
        assert sum("went away" in m for m in msgs) == 1 and closed
        monkeypatch.setattr(qcues, "qt_output_available", lambda: True)
        p._on_devices_audio_outputs_changed()
        assert any("back" in m for m in msgs)
        assert reopened  # the stream comes back with the output
    finally:
        p.close()


def test_a_failing_sink_is_reported_once_and_stays_quiet(
    monkeypatch: pytest.MonkeyPatch, qapp: Any
) -> None:
    msgs: list[str] = []
    p = qcues.QtCuePlayer(BUILTIN, on_message=msgs.append, require_device=False)

    class BrokenSink:
        def error(self) -> Any:
            return qcues._QtAudio.Error.IOError

        def stop(self) -> None:
            pass

        def deleteLater(self) -> None:  # noqa: N802
            pass

        stateChanged = type("S", (), {"disconnect": lambda *_a: None})()  # noqa: N815

    try:
        p.sink = BrokenSink()  # type: ignore[assignment]
        p._on_sink_state_changed(None)
        assert p.sink is None and p._broken
        p.play("go")
        p.play("go")
        assert not p.playing and p.sink is None  # silent, no reopen while broken
        assert sum("Sound stopped working" in m for m in msgs) == 1
    finally:
        p.close()


def test_factory_falls_back_and_says_which_backend(qapp: Any) -> None:
    made: list[str] = []

    def broken(*_a: Any) -> Any:
        made.append("qt")
        raise qcues.CueBackendError("no audio output device found")

    def fake(*_a: Any) -> Any:
        made.append("playsound")
        return FakePlayer()

    msgs: list[str] = []
    p = qcues.create_cue_player(
        "auto",
        on_message=msgs.append,
        factories={"qt": broken, "playsound": fake, "none": qcues.NullCuePlayer},
        available=lambda n: True,
    )
    assert isinstance(p, FakePlayer) and made == ["qt", "playsound"]
    assert msgs == [
        "Audio backend qt is not usable: no audio output device found",
        "Sound cues: playsound",
    ]


def test_factory_ends_with_none_when_everything_fails(qapp: Any) -> None:
    def broken(*_a: Any) -> Any:
        raise RuntimeError("boom")

    msgs: list[str] = []
    p = qcues.create_cue_player(
        "qt",
        on_message=msgs.append,
        factories={"qt": broken, "playsound": broken, "none": qcues.NullCuePlayer},
        available=lambda n: True,
    )
    assert p.name == "none"
    assert msgs[-1] == "Sound cues: none (no working audio backend)"
    p.play("go")


def test_routine_sounds_reach_the_player(qapp: Any, tmp_path: Path) -> None:
    own = tmp_path / "my-go.wav"
    own.write_bytes((sounds_dir() / "set_done.wav").read_bytes())
    got: dict[str, Path] = {}

    def spy(sounds: dict[str, Path], *_a: Any) -> Any:
        got.update(sounds)
        return FakePlayer()

    qcues.create_cue_player(
        "qt", sounds={"go": own}, factories={"qt": spy}, available=lambda n: n == "qt"
    )
    assert got["go"] == own and got["stop"] == sounds_dir() / "stop.wav"


def test_playsound_player_never_blocks(monkeypatch: pytest.MonkeyPatch, qapp: Any) -> None:
    monkeypatch.setattr(qcues, "_playsound_backend", lambda: "fake")
    calls: list[tuple[Path, bool]] = []
    release = threading.Event()

    class Snd:
        def is_alive(self) -> bool:
            return False

    def slow(path: Path, block: bool = True, backend: Any = None) -> Snd:
        release.wait(5)  # a player program that takes its time to start
        calls.append((path, block))
        return Snd()

    msgs: list[str] = []
    p = qcues.PlaysoundCuePlayer(
        {c: sounds_dir() / f"{c}.wav" for c in CUE_NAMES}, on_message=msgs.append
    )

    def drain() -> None:
        # one worker, first in first out: when this no-op ran, every earlier cue had
        assert p._pool is not None
        p._pool.submit(lambda: None).result(timeout=5)

    p._playsound = slow
    t = time.monotonic()
    p.play("go")
    p.play("stop")
    assert time.monotonic() - t < 0.1  # the UI thread went on while the player hung
    assert calls == []
    release.set()
    drain()
    assert calls == [(sounds_dir() / "go.wav", False), (sounds_dir() / "stop.wav", False)]

    def failing(*_a: Any, **_k: Any) -> Any:
        raise OSError("device gone")

    p._playsound = failing
    p.play("go")
    p.play("go")
    drain()
    assert len([m for m in msgs if "device gone" in m]) == 1
    p.close()


# ------------------------------------------------------------------ director


def test_director_plays_one_cue_per_boundary_and_speaks_after_it(qtbot: Any, plan: Plan) -> None:
    player, voice = FakePlayer(), FakeVoice()
    d = qcues.CueDirector(player, voice, plan)  # type: ignore[arg-type]
    st = plan.steps
    t = time.monotonic()
    d.handle([StepStarted(st[0], 0.0)])
    assert player.played == ["ready"]
    assert voice.said == []  # waits for the cue to finish
    qtbot.waitUntil(lambda: len(voice.said) == 1, timeout=2000)
    assert voice.said[0][1] == "Next: Pigeon pose, left side, 30 seconds"
    assert voice.said[0][0] - t >= 0.2 + qcues.SPEECH_GAP_S - 0.02

    # while speaking: a tick is skipped, a boundary cue cuts the speech
    d.handle([CountdownTick(st[0], 2.0, 3)])
    assert player.played == ["ready"]
    d.handle([StepEnded(st[0], 5.0, "done"), StepStarted(st[1], 5.0)])
    assert player.played == ["ready", "go"] and voice.stops == 1

    switch = next(s for s in st if s.kind == "switch")
    d.handle(
        [
            StepEnded(st[1], 35.0, "done"),
            SetDone(st[1], 35.0, 1, 1),
            SideSwitch(switch, 35.0, "right"),
            StepStarted(switch, 35.0),
        ]
    )
    assert player.played[-1] == "switch"
    qtbot.waitUntil(lambda: voice.said[-1][1] == "Switch sides", timeout=2000)

    voice.speaking = False
    d.handle([RepTick(st[1], 40.0, 2, 4, None)])
    assert player.played[-1] == "rep"


def test_director_in_mirror_names_sides_as_the_class_sees_them(qtbot: Any, plan: Plan) -> None:
    player, voice = FakePlayer(), FakeVoice()
    d = qcues.CueDirector(player, voice, plan)  # type: ignore[arg-type]
    d.mirror = True
    d.handle([StepStarted(plan.steps[0], 0.0)])
    qtbot.waitUntil(lambda: len(voice.said) == 1, timeout=2000)
    assert voice.said[0][1] == "Next: Pigeon pose, right side, 30 seconds"


def test_director_pause_drops_pending_speech(qtbot: Any, plan: Plan) -> None:
    player, voice = FakePlayer(), FakeVoice()
    d = qcues.CueDirector(player, voice, plan)  # type: ignore[arg-type]
    d.handle([StepStarted(plan.steps[0], 0.0)])
    d.handle([Paused(0.1, "user")])
    qtbot.wait(400)
    assert voice.said == []
    d.handle([SessionFinished(1.0, "completed")])
    assert player.played[-1] == "complete"
    qtbot.waitUntil(lambda: bool(voice.said), timeout=2000)
    assert voice.said[-1][1] == "Session complete"


def test_director_without_player_or_voice(plan: Plan, qapp: Any) -> None:
    d = qcues.CueDirector(None, None, plan)
    d.handle([StepStarted(plan.steps[0], 0.0), StepStarted(plan.steps[1], 5.0)])
    assert d.played == ["go"]


# ------------------------------------------------------------------ voice


def _needs_mock_engine() -> None:
    from PySide6.QtTextToSpeech import QTextToSpeech

    if "mock" not in QTextToSpeech.availableEngines():
        pytest.skip("PySide6 ships no mock speech engine here")


class GatedLoad:
    """An engine load that waits for ``gate`` (at most 5 s) on the voice's thread, then
    loads the engine as the default does: a slow engine start, made controllable."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.released: list[bool] = []  # whether the gate opened while the load waited
        self.threads: list[object] = []  # the QThread each load ran on
        self.engine_threads: list[object] = []  # the QThread setEngine ran on
        # The Python code running when setEngine ran: [] means Qt's event loop called it
        # from C++, so no Python code held the GIL through the engine's start.
        self.engine_callers: list[list[str]] = []

    def __call__(self, tts: Any, engine: str) -> None:
        from PySide6.QtCore import Qt, QThread

        self.threads.append(QThread.currentThread())
        self.released.append(self.gate.wait(5))
        tts.engineChanged.connect(self._on_engine_changed, Qt.ConnectionType.DirectConnection)
        qcues.load_engine_without_gil(tts, engine)

    def _on_engine_changed(self, _name: str) -> None:
        from PySide6.QtCore import QThread

        self.engine_threads.append(QThread.currentThread())
        callers: list[str] = []
        frame = sys._getframe().f_back
        while frame is not None:
            callers.append(frame.f_code.co_name)
            frame = frame.f_back
        self.engine_callers.append(callers)


def test_voice_speaks_with_the_mock_engine(qtbot: Any) -> None:
    _needs_mock_engine()
    v = qcues.Voice("mock")
    try:
        qtbot.waitUntil(lambda: v.ready, timeout=5000)
        v.say("Switch sides")
        assert v.spoken == ["Switch sides"] and v.speaking
        qtbot.waitUntil(lambda: not v.speaking, timeout=5000)  # the mock engine finished
        v.say("Hold it")
        v.stop()
        assert not v.speaking
        v.set_muted(True)
        v.say("Last set")
        assert v.spoken == ["Switch sides", "Hold it"]
        v.set_muted(False)
        v.enabled = False
        v.say("Last set")
        assert v.spoken == ["Switch sides", "Hold it"]
    finally:
        v.close()


def test_the_engine_is_called_from_cpp_so_a_wedged_one_cannot_hold_the_gil(qtbot: Any) -> None:
    """say, stop and the volume reach the engine as Qt meta-calls run by the voice's
    thread in C++: no Python frame is on that thread's stack while the engine works, so a
    speech service that never answers blocks that thread only, not the GIL (a Python
    slot calling the engine froze the GUI thread at its next line)."""
    from PySide6.QtCore import Qt

    _needs_mock_engine()
    v = qcues.Voice("mock")
    try:
        qtbot.waitUntil(lambda: v.ready, timeout=5000)
        tts = v._speech.worker._tts
        assert tts is not None
        callers: dict[str, list[list[str]]] = {"state": [], "volume": []}

        def record(kind: str) -> None:
            stack: list[str] = []
            frame = sys._getframe().f_back
            while frame is not None:
                stack.append(frame.f_code.co_name)
                frame = frame.f_back
            callers[kind].append(stack)

        direct = Qt.ConnectionType.DirectConnection
        tts.stateChanged.connect(lambda _s: record("state"), direct)
        tts.volumeChanged.connect(lambda _v: record("volume"), direct)
        v.say("Switch sides")
        qtbot.waitUntil(lambda: len(callers["state"]) >= 1, timeout=5000)
        v.stop()
        qtbot.waitUntil(lambda: not v.speaking and len(callers["state"]) >= 2, timeout=5000)
        v.set_volume(0.3)
        qtbot.waitUntil(lambda: bool(callers["volume"]), timeout=5000)
        assert all(stack == ["<lambda>"] for stack in callers["state"] + callers["volume"])
    finally:
        v.close()
    assert v._speech not in qcues._SPEECH_THREADS  # the engine deleted, its thread ended


def test_the_engine_is_stopped_and_deleted_on_its_thread_by_qt_alone(qtbot: Any) -> None:
    """Closing a voice posts the engine's stop and deletion as Qt meta-calls from the GUI
    thread (a Python slot on the voice's thread once deadlocked with the GUI thread
    closing the window), and the voice's thread ends when the engine is destroyed. The
    engine is destroyed there, from C++, and never on the GUI thread: Python made it, so
    dropping its last Python reference there would delete it under the voice thread's
    feet (a crash, seen while making this change)."""
    from PySide6.QtCore import Qt, QThread

    _needs_mock_engine()
    v = qcues.Voice("mock")
    qtbot.waitUntil(lambda: v.ready, timeout=5000)
    tts = v._speech.worker._tts
    assert tts is not None
    where: list[tuple[object, list[str]]] = []

    def destroyed(*_a: object) -> None:
        stack: list[str] = []
        frame = sys._getframe().f_back
        while frame is not None:
            stack.append(frame.f_code.co_name)
            frame = frame.f_back
        where.append((QThread.currentThread(), stack))

    tts.destroyed.connect(destroyed, Qt.ConnectionType.DirectConnection)
    voice_thread = v._speech.thread
    del tts
    v.close()  # joins the thread: it ended, so the engine is gone
    assert v._speech not in qcues._SPEECH_THREADS
    assert len(where) == 1
    thread, stack = where[0]
    assert thread is voice_thread and thread is not QThread.currentThread()
    assert stack == []


def test_the_gui_thread_runs_while_the_engine_loads(qtbot: Any) -> None:
    """The engine loads on the voice's thread: the load below only ends when a timer on
    the GUI thread opens its gate, which it cannot do if the load blocks that thread."""
    from PySide6.QtCore import QThread, QTimer

    _needs_mock_engine()
    load = GatedLoad()
    v = qcues.Voice("mock", load=load)
    try:
        v.say("Get ready")
        assert not v.ready and v.spoken == [] and not v.speaking  # waits for the engine
        QTimer.singleShot(20, load.gate.set)
        with qtbot.waitSignal(v.engine_ready, timeout=10_000):
            pass
        assert load.released == [True]  # the GUI thread ran its timer during the load
        gui = QThread.currentThread()
        assert load.threads and load.threads[0] is not gui
        assert load.engine_threads == [load.threads[0]]  # setEngine ran there too
        assert v.spoken == ["Get ready"] and v.speaking  # the fresh announcement is said
    finally:
        v.close()


def test_the_default_load_starts_the_engine_on_the_voices_thread(qtbot: Any) -> None:
    from PySide6.QtCore import QThread

    _needs_mock_engine()
    load = GatedLoad()
    load.gate.set()
    v = qcues.Voice("mock", load=load)
    try:
        with qtbot.waitSignal(v.engine_ready, timeout=10_000):
            pass
        assert load.engine_threads and load.engine_threads[0] is not QThread.currentThread()
        assert load.engine_callers == [[]]  # from C++: no Python held the GIL meanwhile
    finally:
        v.close()


def test_before_the_engine_is_ready_only_the_newest_fresh_announcement_waits(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QTimer

    _needs_mock_engine()
    load = GatedLoad()
    v = qcues.Voice("mock", load=load)
    try:
        v.say("Next: Pigeon pose, left side, 30 seconds")
        v.say("Switch sides")
        QTimer.singleShot(0, load.gate.set)
        with qtbot.waitSignal(v.engine_ready, timeout=10_000):
            pass
        assert v.spoken == ["Switch sides"]
    finally:
        v.close()

    monkeypatch.setattr(qcues, "PENDING_FRESH_S", -1.0)  # every waiting one is stale
    load = GatedLoad()
    v = qcues.Voice("mock", load=load)
    try:
        v.say("30 seconds")
        QTimer.singleShot(0, load.gate.set)
        with qtbot.waitSignal(v.engine_ready, timeout=10_000):
            pass
        assert v.spoken == [] and not v.speaking  # late guidance is dropped
    finally:
        v.close()

    monkeypatch.setattr(qcues, "PENDING_FRESH_S", 60.0)
    load = GatedLoad()
    v = qcues.Voice("mock", load=load)
    try:
        v.say("30 seconds")
        v.stop()  # a pause or a stop drops what waits
        QTimer.singleShot(0, load.gate.set)
        with qtbot.waitSignal(v.engine_ready, timeout=10_000):
            pass
        assert v.spoken == []
    finally:
        v.close()


def test_an_engine_that_fails_to_start_is_reported_and_its_thread_joined(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(qcues.Voice, "available", classmethod(lambda cls: True))
    v = qcues.Voice("no-such-engine")
    thread = v._speech.thread
    with qtbot.waitSignal(v.engine_failed, timeout=10_000) as blocker:
        pass
    assert str(blocker.args[0]).startswith("speech engine failed: ")
    assert not v.ready and v.error == blocker.args[0]
    assert thread.isFinished() and v._speech not in qcues._SPEECH_THREADS
    v.say("Go")
    assert v.spoken == [] and not v.speaking


def test_an_engine_that_does_not_answer_in_time_is_given_up_on(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A speech service that wedges after the probe answered: the voice says so instead of
    staying silent for good, and no other engine is tried in this run."""
    _needs_mock_engine()
    monkeypatch.setattr(qcues, "LOAD_TIMEOUT_S", 0.05)
    monkeypatch.setattr(qcues.Voice, "_available", True)
    load = GatedLoad()  # the gate stays shut: the load waits (up to 5 s) like a wedged service
    v = qcues.Voice("mock", load=load)
    thread = v._speech.thread
    try:
        v.say("Get ready")
        with qtbot.waitSignal(v.engine_failed, timeout=5000) as blocker:
            pass
        assert blocker.args == [qcues.NOT_IN_TIME] and v.error == qcues.NOT_IN_TIME
        assert not v.ready and v.spoken == [] and not v.speaking
        assert qcues.Voice._available is False
        assert thread.isRunning()  # still stuck in the load: not waited for here
    finally:
        load.gate.set()  # the wedged service lets go: the thread ends and is joined
        assert qcues.join_speech_threads(timeout_s=10)
    assert thread.isFinished() and v.spoken == []


def test_closing_joins_the_voices_thread_even_while_the_engine_loads(qtbot: Any) -> None:
    _needs_mock_engine()
    v = qcues.Voice("mock")
    qtbot.waitUntil(lambda: v.ready, timeout=5000)
    v.say("Session complete")
    thread = v._speech.thread
    v.close()
    assert thread.isFinished() and v._speech not in qcues._SPEECH_THREADS
    v.say("Again")
    v.stop()
    v.set_volume(0.5)  # all harmless once closed
    assert v.spoken == ["Session complete"] and not v.speaking

    load = GatedLoad()
    v = qcues.Voice("mock", load=load)
    thread = v._speech.thread
    qtbot.waitUntil(lambda: bool(load.threads), timeout=5000)  # the load is under way
    threading.Timer(0.2, load.gate.set).start()  # the engine finishes loading meanwhile
    v.close()  # waits for the load, then deletes the engine on its thread
    assert load.released == [True]
    assert thread.isFinished() and v._speech not in qcues._SPEECH_THREADS


def test_speech_probe_is_bounded_and_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    t = time.monotonic()
    ok, why = qcues.check_speech("no-such-engine", timeout=10)
    assert not ok and "no-such-engine engine did not start" in why
    assert qcues.check_speech("mock", timeout=10) == (True, "")
    assert time.monotonic() - t < 10
    monkeypatch.setenv("HIPTIMER_NO_VOICE", "1")
    assert qcues.Voice.available() is False


# The probe's own code, run with an engine that never answers (a wedged
# speech-dispatcher) and no caller left to kill it.
_HUNG_ENGINE = """
import os, sys, time
import PySide6.QtTextToSpeech as tts
class Hung:
    State = tts.QTextToSpeech.State
    def __init__(self, *args):
        time.sleep(60)
tts.QTextToSpeech = Hung
exec(os.environ["PROBE"])
"""


def test_a_speech_probe_child_left_behind_ends_itself() -> None:
    import signal
    import subprocess

    args = qcues.probe_args("speechd", 0.5)
    assert args[:3] == ["-c", qcues._PROBE, "speechd"]
    assert int(args[3]) >= 1  # a little after its caller gives up on it (0.5 s)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PROBE=qcues._PROBE)
    t = time.monotonic()
    r = subprocess.run(
        [sys.executable, "-c", _HUNG_ENGINE, "speechd", "1"], env=env, timeout=30, check=False
    )
    assert r.returncode == -signal.SIGALRM
    assert time.monotonic() - t < 30


@pytest.mark.parametrize(
    ("engine", "timeout_s", "expected"),
    [("mock", 20.0, True), ("no-such-engine", 20.0, False), ("mock", 0.001, False)],
)
def test_speech_probe_answers_without_blocking(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, engine: str, timeout_s: float, expected: bool
) -> None:
    monkeypatch.delenv("HIPTIMER_NO_VOICE", raising=False)
    monkeypatch.setattr(qcues.Voice, "_available", None)
    probe = qcues.SpeechProbe(engine, timeout_s=timeout_s)
    t = time.monotonic()
    with qtbot.waitSignal(probe.finished, timeout=30_000) as blocker:
        probe.start()
        assert time.monotonic() - t < 0.5  # start() only launches the child
    assert blocker.args == [expected]
    assert qcues.Voice.known_available() is expected


def test_speech_probe_turned_off(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HIPTIMER_NO_VOICE", "1")
    monkeypatch.setattr(qcues.Voice, "_available", None)
    probe = qcues.SpeechProbe("mock")
    with qtbot.waitSignal(probe.finished, timeout=5_000) as blocker:
        probe.start()
    assert blocker.args == [False]


class FakeScheduler(FakePlayer):
    """A player that takes its cues ahead of time, like the qt backend."""

    def __init__(self) -> None:
        super().__init__()
        self.plans: list[list[tuple[float, str]]] = []

    def schedule(self, plan: Any) -> None:
        self.plans.append(list(plan))

    def ready_at(self) -> float:
        return time.monotonic() + 0.03

    def busy_for(self) -> float:
        return 0.0


def test_director_plans_the_cues_ahead_and_starts_when_the_sound_is_ready(
    plan: Plan, qapp: Any
) -> None:
    from hiptimer.clock import FakeClock
    from hiptimer.engine import Session

    clock = FakeClock(start=0.0)
    session = Session(plan, clock)
    player = FakeScheduler()
    d = qcues.CueDirector(player, None, plan, session=session)
    at = d.arm_start()
    assert at is not None and 0.02 < at < 0.05  # engine instant of the sound path's "ready"
    first = player.plans[-1]
    # the start's cue and those of the next few seconds, on the monotonic clock, in order
    assert [c for _t, c in first] == ["ready", "tick", "tick"]  # prep 5 s, countdown 3
    assert [round(t - first[0][0], 6) for t, _c in first] == [0.0, 2.0, 3.0]
    clock.advance(at)
    d.handle(session.start(at=at))
    assert player.plans[-1] == first  # the live batch agrees with what was queued
    assert player.played == []  # nothing played "now": all of it is planned
    clock.advance(4.9)
    d.handle(session.tick())
    assert [c for _t, c in player.plans[-1]][:2] == ["tick", "go"]
    d.handle(session.pause())
    assert player.plans[-1] == []  # paused: nothing to come


_EXIT_CHILD = """
import sys, threading
from PySide6.QtCore import QCoreApplication
from hiptimer.qt import cues

app = QCoreApplication([])
how = sys.argv[1]
if how == "open":  # left open: the atexit hook joins it
    v = cues.Voice("mock")
    while not v.ready:
        app.processEvents()
    v.say("Session complete")
else:  # an engine that never returns, closed once it is loading (closed before its
    # thread has begun, a voice never loads its engine at all)
    loading = threading.Event()

    def load(_tts, _engine):
        loading.set()
        threading.Event().wait()

    v = cues.Voice("mock", load=load)
    assert loading.wait(10)
    v.close(wait=False)
    print(cues.join_speech_threads(timeout_s=0.2), flush=True)
    if how == "exit_now":
        cues.exit_now(3)
"""


@pytest.mark.parametrize(("how", "code"), [("open", 0), ("wedged", 1), ("exit_now", 3)])
def test_the_process_ends_cleanly_even_with_a_voice_thread_that_never_ends(
    how: str, code: int
) -> None:
    """No "QThread: Destroyed while thread is still running" (an abort) at exit: a voice
    left open is joined; one whose engine never returns ends with the process."""
    import subprocess

    _needs_mock_engine()
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(root))
    r = subprocess.run(
        [sys.executable, "-c", _EXIT_CHILD, how],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert "Destroyed while thread" not in r.stderr
    assert r.returncode == code, r.stderr
    if how != "open":
        assert r.stdout.strip() == "False"
        assert "did not end within 0.2 s" in r.stderr
