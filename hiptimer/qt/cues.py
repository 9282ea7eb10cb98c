"""Cue sounds and spoken guidance (the Qt side of ``hiptimer.cues``).

Backends (``--audio-backend`` / the setting), all behind :class:`CuePlayer`:

* ``qt``: the cues written AHEAD OF TIME into a ``QAudioSink`` (push mode, a
  1 s buffer topped up about three times a second; PulseAudio asked for a
  500 ms buffer, see SERVER_BUFFER_MS). Every cue WAV is decoded
  once, at construction, with the stdlib ``wave`` module into 48 kHz mono
  int16 PCM (other rates, channel counts and 8/24/32-bit PCM are converted;
  compressed or float WAVs and files over 30 s are refused, with the reason,
  and the other cues still play). The :class:`CueDirector` plans the cues of
  the next seconds from ``Session.preview`` and hands them over with their
  instants; a :class:`~hiptimer.cuetrack.CueTrack` puts each at the sample
  that plays at its instant, so the cues of one stream keep one constant
  offset to the plan (exact to the sample), and the session's clock starts
  on the instant its first cue is queued for (``ready_at``), never before. A
  control that changes what is already queued (pause, Next, Previous, +10 s,
  mute) opens a fresh stream at once. Overlapping cues are mixed, with
  clipping. Volume is the sink's (perceptual slider -> linear gain).

  Two designs were measured (issue #14; benchmarks/cue_timing.py and
  benchmarks/cpu_hold.py, figures in the README): "open", one stream for the
  whole session, and "gaps", the stream closed between cues and a fresh one
  opened WARM_S before the next. With the long server buffer "open" puts every
  cue of a session on its sample, relative to the session's stream, through
  PulseAudio and through PipeWire's PulseAudio service; a plain hold costs
  about 0.2 % of a core more than no sound in "open" and nothing measurable in
  "gaps". "open" is the default (HIPTIMER_CUE_MODE=gaps selects the other):
  only the session's first stream and the controls' fresh streams depend on
  how soon a new stream starts, where "gaps" depends on it for every cue after
  a pause in the cues. Fresh streams start a few ms apart (up to 8 ms on
  PulseAudio, 18 ms on PipeWire, measured with the stream really reopened) and
  on PulseAudio now and then some 260 ms late: the read position Qt reports
  shows that, and such a stream is replaced before its first cue
  (:meth:`QtCuePlayer._check_start`; README, Performance).

  Why not QSoundEffect (one per cue, as before): on PySide6 6.10/6.11 it
  sometimes left the app spinning forever on "QSocketNotifier: Socket
  notifiers cannot be enabled or disabled from another thread" after a few
  cues (3 of 16 short runs on 6.11.3, 1 of 8 on 6.10.3); on 6.9.3 a
  re-played effect started late (+10 to +70 ms on later cues), over the
  15 ms bound, and the first play opened a stream (0.1-0.5 s late).
* ``playsound``: ``playsound3.playsound(path, block=False)`` from a worker
  thread, so a slow backend never stalls the UI. It has no volume control
  (volume 0 or mute skip the cue). Where none of playsound3's own Linux
  backends is installed but ``paplay`` is, that is used as its backend.
* ``none``: silent.

``auto`` tries qt, then playsound, then none, and says which one it uses.
No output device, or one that goes away mid-session, never raises out of
here: the player says so once (``on_message``) and the session goes on,
guided visually; the qt stream is reopened when an output comes back (or
the default output changes), and a sink that fails (an error state) is
reported once and left silent until the outputs change.

Speech (:class:`Voice`, QtTextToSpeech, the engine started and driven on a
thread of its own, so the seconds it takes to start never freeze the window)
and cues never talk over each other (:class:`CueDirector`): the cue sounds on its instant, the
announcement waits until the cue has finished; a boundary cue due while the
voice speaks cuts the speech short (the boundary matters more), and the
minor cues (tick, rep) are skipped while the voice speaks.
"""

from __future__ import annotations

import array
import atexit
import contextlib
import logging
import math
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from PySide6.QtCore import (
    Q_ARG,
    SIGNAL,
    SLOT,
    QGenericArgumentHolder,
    QIODevice,
    QMetaObject,
    QObject,
    QProcess,
    QProcessEnvironment,
    Qt,
    QThread,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtMultimedia import QAudioDevice, QAudioFormat, QAudioSink, QMediaDevices

try:  # Qt >= 6.7 calls the namespace QtAudio, older QAudio
    from PySide6.QtMultimedia import QtAudio as _QtAudio  # type: ignore[attr-defined,unused-ignore]
except ImportError:  # pragma: no cover
    from PySide6.QtMultimedia import QAudio as _QtAudio  # type: ignore[assignment,unused-ignore]

from hiptimer import cues as rules
from hiptimer import wav as wavfile
from hiptimer.cuetrack import CueTrack, Planned
from hiptimer.display import speech_for
from hiptimer.engine import Session
from hiptimer.events import Event, Paused, SessionFinished
from hiptimer.plan import Plan
from hiptimer.resources import sounds_dir

if TYPE_CHECKING:
    from PySide6.QtTextToSpeech import QTextToSpeech

log = logging.getLogger(__name__)

Message = Callable[[str], None]
SPEECH_GAP_S = 0.08  # silence between a cue's end and the announcement


class CueBackendError(Exception):
    """A backend cannot be used here (the message says why, for the user)."""


class CuePlayer(Protocol):
    name: str

    def play(self, cue: str) -> None: ...
    def warm_up(self) -> None: ...
    def set_volume(self, volume: float) -> None: ...
    def set_muted(self, muted: bool) -> None: ...
    def length(self, cue: str) -> float: ...
    def close(self) -> None: ...


def wav_length(path: Path) -> float:
    """Seconds of audio in a WAV file (0.0 if it cannot be read or its header lies;
    never more than hiptimer.wav.MAX_SECONDS)."""
    try:
        return wavfile.check_wav(path).seconds
    except wavfile.WavError:
        return 0.0


class _Once:
    """Says each distinct message once."""

    def __init__(self, on_message: Message | None) -> None:
        self._fn = on_message
        self._said: set[str] = set()

    def __call__(self, msg: str, key: str | None = None) -> None:
        k = key or msg
        if k in self._said:
            return
        self._said.add(k)
        log.info("cues: %s", msg)
        if self._fn is not None:
            try:
                self._fn(msg)
            except Exception:  # a broken status bar must not break sound
                log.exception("on_message failed")

    def forget(self, key: str) -> None:
        self._said.discard(key)


def _clamp(v: float) -> float:
    return 0.0 if v != v else max(0.0, min(1.0, float(v)))


class _BasePlayer:
    name = "none"

    def __init__(
        self,
        sounds: dict[str, Path],
        volume: float = 0.8,
        muted: bool = False,
        on_message: Message | None = None,
    ) -> None:
        self.sounds = dict(sounds)
        self.volume = _clamp(volume)
        self.muted = muted
        self._say = _Once(on_message)
        self._lengths = {cue: wav_length(p) for cue, p in self.sounds.items()}

    def length(self, cue: str) -> float:
        return self._lengths.get(cue, 0.0)

    def set_volume(self, volume: float) -> None:
        self.volume = _clamp(volume)

    def set_muted(self, muted: bool) -> None:
        self.muted = bool(muted)

    def warm_up(self) -> None:
        pass

    def close(self) -> None:
        pass

    @property
    def audible(self) -> bool:
        return not self.muted and self.volume > 0.0


class NullCuePlayer(_BasePlayer):
    """Plays nothing (``--audio-backend none``, or no sound system at all)."""

    name = "none"

    def play(self, cue: str) -> None:
        pass


# --------------------------------------------------------------------- qt

#: The one PCM format every cue is converted to when loaded (and the stream's
#: format whenever the output takes it): the built-in sounds are already this.
RATE = 48_000
CHANNELS = 1
SAMPLE_BYTES = 2  # signed 16-bit, native byte order
#: Qt's own buffer for the stream (QAudioSink.setBufferSize: in Qt 6.9 the ring buffer
#: between the app and Qt's sound thread): how far ahead the app writes the cues.
BUFFER_S = 1.0
#: How often the app tops that buffer up (a few times a second, not 30).
FEED_S = 0.3
#: PulseAudio's buffer for the stream (its target length; SERVER_BUFFER_MS <= BUFFER_S,
#: so the server's first request is served from what the app wrote, never padded).
#: Qt 6.9 asks for 1024 frames (21 ms) and has no API to change that, so the server and
#: Qt's sound thread woke every few ms: about 600 context switches a second and 4-5 % of
#: a core, app and server, on a plain hold (issue #14). libpulse's documented
#: PULSE_LATENCY_MSEC, set only while the stream connects (:func:`_server_buffer`),
#: asks for this instead: the server mixes in large blocks, and a new stream still
#: starts within a few ms (the server rewinds to mix it in). The cues do not mind,
#: they are written ahead at their samples. A PULSE_LATENCY_MSEC the user set wins;
#: HIPTIMER_CUE_SERVER_MS=0 keeps Qt's own (the benchmarks compare both).
SERVER_BUFFER_MS = int(os.environ.get("HIPTIMER_CUE_SERVER_MS", "500"))
#: The session's clock starts this long after Start: room to open the fresh stream
#: that carries its first cue, and to check that it started on time (and to open
#: another if it did not) before that cue is due.
START_MARGIN_S = 0.100
#: A fresh stream is checked for a late start (:meth:`QtCuePlayer._check_start`) this
#: often, until the sound server's first timing report comes (at most START_CHECKS times).
START_CHECK_S = 0.010
START_CHECKS = 12
#: A stream whose written samples end this far in the past, and that the server
#: has read to the end, ran dry (the app was stalled longer than the buffers hold,
#: and the server played silence in the gap, so the rest would sound late by it): a
#: fresh stream takes over. Samples that end in the past but that the server has not
#: read yet are not dry: the server is holding the stream back (see HELD_BACK_S).
DRY_S = 0.010
#: A stream the server stopped reading for at least HELD_S while it had samples to
#: read, and whose read position is then more than HELD_BACK_S behind its own time,
#: sounds late by that much: once the server reads again, a fresh stream takes over
#: (at most HELD_BACK_MAX times for one player: a server that keeps doing it is left
#: as it is). PulseAudio's null sink does this to a stream that connects while the
#: sink has rendered far ahead: it renders as far ahead as its clients' latency allows
#: (2 s with a recorder of its monitor at the default latency) and rewinds a new
#: stream in only as far as that stream's own latency.
HELD_S = 0.5
HELD_BACK_S = 0.1
HELD_BACK_MAX = 3
#: What the sound server may still hold after the last written sample (closing waits for it).
LATENCY_MARGIN_S = 0.25
#: "gaps" mode: close the stream when no cue is due for this long ...
GAP_CLOSE_S = 2.0
#: ... and open a fresh one this long before the next cue.
WARM_S = 0.5
#: The better of the two designs measured (benchmarks/cpu_hold.py, cue_timing.py).
DEFAULT_MODE = "open"


class SoundFormatError(Exception):
    """A WAV file that cannot be turned into cue samples (the message says why)."""


def _single_shot(
    slot: Callable[[], None], seconds: float = 0.0, *, precise: bool = False
) -> QTimer:
    """A single-shot timer calling ``slot``, ``seconds`` after each start()."""
    timer = QTimer()
    timer.setSingleShot(True)
    if precise:
        timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(int(seconds * 1000))
    timer.timeout.connect(slot)
    return timer


def _stop_sink(sink: QAudioSink | None) -> None:
    if sink is None:
        return
    with contextlib.suppress(RuntimeError, TypeError):  # (nothing connected)
        sink.stateChanged.disconnect()
    with contextlib.suppress(RuntimeError):
        sink.stop()
        sink.deleteLater()


def _to_int16(raw: bytes, width: int) -> array.array[int]:
    """Little-endian PCM of ``width`` bytes per sample -> int16 samples (top bits kept)."""
    if width == 2:
        b = raw[: len(raw) - len(raw) % 2]
    elif width == 1:  # unsigned 8-bit: the offset byte becomes the high byte
        hi = raw.translate(bytes((i - 128) & 0xFF for i in range(256)))
        buf = bytearray(2 * len(hi))
        buf[1::2] = hi
        b = bytes(buf)
    elif width in (3, 4):  # keep the two most significant bytes
        n = len(raw) // width
        buf = bytearray(2 * n)
        buf[0::2] = raw[width - 2 :: width][:n]
        buf[1::2] = raw[width - 1 :: width][:n]
        b = bytes(buf)
    else:
        raise SoundFormatError(f"{8 * width}-bit samples are not supported")
    out = array.array("h")
    out.frombytes(b)
    if sys.byteorder != "little":
        out.byteswap()
    return out


def convert_pcm(
    samples: array.array[int], rate: int, channels: int, to_rate: int, to_channels: int
) -> array.array[int]:
    """Interleaved int16 ``samples`` -> ``to_rate``/``to_channels`` (linear
    interpolation; channels averaged down or the mono signal copied up)."""
    if channels != 1 and (channels != to_channels or rate != to_rate):
        frames = len(samples) // channels
        cols = [samples[k : frames * channels : channels] for k in range(channels)]
        samples = array.array("h", (sum(t) // channels for t in zip(*cols, strict=True)))
        channels = 1
    if rate != to_rate and len(samples) > 1:
        n = len(samples)
        out_n = max(1, int(round(n * to_rate / rate)))
        step = rate / to_rate
        res = array.array("h", bytes(2 * out_n))
        for i in range(out_n):
            x = i * step
            j = int(x)
            if j >= n - 1:
                res[i] = samples[n - 1]
            else:
                f = x - j
                res[i] = int(samples[j] + (samples[j + 1] - samples[j]) * f)
        samples = res
    if channels == 1 and to_channels > 1:
        wide = array.array("h", bytes(2 * len(samples) * to_channels))
        for k in range(to_channels):
            wide[k::to_channels] = samples
        samples = wide
    return samples


def decode_wav(path: Path, rate: int = RATE) -> array.array[int]:
    """A PCM WAV file as mono int16 samples at ``rate`` (converted if need be).

    The header is checked before a sample is read (hiptimer.wav: channels, rate,
    bits and sizes must agree with each other and the file; at most wav.MAX_SECONDS),
    and the file is opened confined to its folder, so a sound swapped for a link
    to elsewhere after the routine was loaded is refused. Raises
    :class:`SoundFormatError` saying why a file cannot be used.
    """
    try:
        info, raw = wavfile.read_wav(path, path.parent)
    except wavfile.WavError as e:
        if e.reason.startswith(("cannot be read", "it lasts")):
            raise SoundFormatError(e.reason) from None
        raise SoundFormatError(f"not a plain PCM WAV file ({e.reason})") from None
    samples = _to_int16(raw, info.bits // 8)
    return convert_pcm(samples, info.rate, info.channels, rate, 1)


def qt_output_available() -> bool:
    try:
        return bool(QMediaDevices.audioOutputs())
    except Exception:
        return False


def _asked_buffer_s() -> float:
    """The server buffer a stream asks for: the user's PULSE_LATENCY_MSEC, else
    SERVER_BUFFER_MS (0: Qt's own, which the server reads ahead hardly at all)."""
    try:
        ms = float(os.environ.get("PULSE_LATENCY_MSEC", SERVER_BUFFER_MS))
    except ValueError:
        ms = SERVER_BUFFER_MS
    return max(0.0, ms) / 1000


@contextlib.contextmanager
def _server_buffer(ms: int) -> Iterator[None]:
    """libpulse reads PULSE_LATENCY_MSEC when a stream connects: a stream started
    inside this block asks PulseAudio for a buffer of ``ms`` (SERVER_BUFFER_MS says
    why). A value the user set stays as it is; 0 asks for nothing; other sound
    systems ignore it."""
    key = "PULSE_LATENCY_MSEC"
    if ms <= 0 or key in os.environ:
        yield
        return
    os.environ[key] = str(ms)
    try:
        yield
    finally:
        os.environ.pop(key, None)


class QtCuePlayer(_BasePlayer):
    """All cues preloaded as PCM, written AHEAD OF TIME into a ``QAudioSink``.

    The sink runs in push mode with a long buffer (BUFFER_S), and PulseAudio
    is asked for a long one too (SERVER_BUFFER_MS). A
    :class:`~hiptimer.cuetrack.CueTrack` maps monotonic instants to samples of
    the open stream; :meth:`schedule` gives the player the cues to come
    ((monotonic instant, cue) pairs, from ``Session.preview``), and a coarse
    timer tops the buffer up every FEED_S with silence and those cues at their
    sample positions. So the app wakes a few times a second, the sound server
    mixes in large blocks, and every cue of a stream keeps one constant
    offset to its plan (exact to the sample). A stream's first samples are
    made before it starts and written the moment it has started, so the
    server's first request finds them (an empty buffer there is filled with
    silence by Qt, and would shift the whole stream).

    Qt's pull mode (a QIODevice that renders on request) was tried first: it
    would fill Qt's buffer before the stream connects, but Qt 6.9 now and then
    stopped asking for samples for about 1.5 s and the stream ran dry.

    What is written cannot be taken back: when a new plan disagrees with the
    samples already queued (a pause drops a queued cue, Next needs one now,
    +10 s moves one), the stream is closed and a fresh one opened at once
    (a few milliseconds), starting with the cue that is due now. So is a
    stream that ran dry (the app stalled for longer than the buffers hold,
    and the server read all it had), and one the server held back (see
    :meth:`_held_back`). The fresh stream connects before the old one stops:
    an output left with no stream may render far ahead at once (PulseAudio's
    null sink, up to 2 s), and the fresh one would wait for that.

    ``mode``: ``"open"`` keeps one stream open from :meth:`warm_up` to
    :meth:`close` (design A of issue #14); ``"gaps"`` closes it whenever no
    cue is due for GAP_CLOSE_S and opens a fresh one WARM_S before the next
    (design B). benchmarks/cpu_hold.py and benchmarks/cue_timing.py measure
    both; DEFAULT_MODE is the better one.
    """

    name = "qt"

    def __init__(
        self,
        sounds: dict[str, Path],
        volume: float = 0.8,
        muted: bool = False,
        on_message: Message | None = None,
        *,
        require_device: bool = True,
        mode: str | None = None,
    ) -> None:
        super().__init__(sounds, volume, muted, on_message)
        if require_device and not qt_output_available():
            raise CueBackendError("no audio output device found")
        self.mode = mode or os.environ.get("HIPTIMER_CUE_MODE") or DEFAULT_MODE
        if self.mode not in ("open", "gaps"):
            raise ValueError(f"unknown cue stream mode {self.mode!r}")
        #: cue -> mono int16 samples at RATE (the canonical, decoded copy)
        self.samples: dict[str, array.array[int]] = {}
        for cue, path in self.sounds.items():
            try:
                self.samples[cue] = decode_wav(path)
            except SoundFormatError as e:
                self._say(f"The sound for {cue!r} could not be loaded ({path}): {e}.")
        if self.sounds and not self.samples:
            raise CueBackendError("none of the cue sounds could be loaded")
        self._lengths = {c: len(a) / RATE for c, a in self.samples.items()}
        #: cue -> bytes in the open stream's format (refilled when it opens)
        self.pcm: dict[str, bytes] = {c: a.tobytes() for c, a in self.samples.items()}
        self.sink: QAudioSink | None = None
        self.track: CueTrack | None = None
        self._io: QIODevice | None = None
        self._plan: list[Planned] = []  # the cues to come, monotonic instants
        self.opened = 0  # streams opened so far (benchmarks and tests read it)
        self._device_id: bytes | None = None
        self._want_open = False  # warm_up/play asked for the stream
        self._broken = False  # the sink failed: silent until an output changes
        self._feed = QTimer()
        self._feed.setInterval(int(FEED_S * 1000))
        self._feed.timeout.connect(self._on_feed_timeout)
        # "gaps": reopen before the next cue / close after the last
        self._wake = _single_shot(self._on_wake_timeout, precise=True)
        # a fresh stream: did the server start it on time?
        self._start_check = _single_shot(self._check_start, START_CHECK_S, precise=True)
        self._checks_left = 0
        self._reopened_late = False  # this stream replaced a late one: it is not replaced
        #: the largest read-ahead a stream on this output has shown (see _check_start)
        self.lead_s = 0.0
        self.late_starts = 0  # streams found late and replaced (benchmarks and tests read it)
        #: streams the server held back and that were replaced (benchmarks and tests read it)
        self.held_back = 0
        self._read_s = 0.0  # the open stream's read position (processedUSecs) at the last look
        self._read_at = 0.0  # ... and when that look was (monotonic)
        self._held_since: float | None = None  # the server stopped reading it then
        self._retiring: QAudioSink | None = None  # the stream a fresh one replaces (see ready_at)
        self._retire_timer = _single_shot(self._drop_retiring, 2 * START_MARGIN_S)
        self._devices = QMediaDevices()
        self._devices.audioOutputsChanged.connect(self._on_devices_audio_outputs_changed)
        self._had_output = qt_output_available()

    # -------------------------------------------------------------- stream

    def _format_for(self, device: QAudioDevice) -> QAudioFormat | None:
        fmt = QAudioFormat()
        fmt.setSampleRate(RATE)
        fmt.setChannelCount(CHANNELS)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        if device.isFormatSupported(fmt):
            return fmt
        pref = device.preferredFormat()
        fmt.setSampleRate(pref.sampleRate() or RATE)
        fmt.setChannelCount(pref.channelCount() or 2)
        return fmt if device.isFormatSupported(fmt) else None

    @property
    def playing(self) -> bool:
        """A cue is queued or sounding in the open stream."""
        t = self.track
        return t is not None and (bool(t.pending()) or t.sounding_until() > time.monotonic())

    def open_stream(self) -> bool:
        """Open the output stream now (idempotent); False if there is none.

        Its first sample is the present instant: the cues planned so far are
        written at their samples (one already due sounds at once)."""
        self._want_open = True
        if self.sink is not None:
            return True
        if self._broken:
            return False
        device = QMediaDevices.defaultAudioOutput()
        if device.isNull():
            self._say("No audio output: carrying on with visual cues only.", "lost")
            return False
        fmt = self._format_for(device)
        if fmt is None:
            self._say("The audio output takes no 16-bit sound: carrying on without cues.", "format")
            self._broken = True
            return False
        rate, ch = fmt.sampleRate(), fmt.channelCount()
        if (rate, ch) != (RATE, CHANNELS) or not self.pcm:
            self.pcm = {
                c: convert_pcm(a, RATE, 1, rate, ch).tobytes() for c, a in self.samples.items()
            }
        size = fmt.bytesForDuration(int(BUFFER_S * 1_000_000))
        sink = QAudioSink(device, fmt)
        sink.setBufferSize(size)
        sink.stateChanged.connect(self._on_sink_state_changed)
        self._apply_volume(sink)
        # the first samples are made before the stream starts and written right after
        now = time.monotonic()
        track = CueTrack(now, rate, ch, self.pcm)
        track.start_with(self._audible_plan(now), now)
        first = track.render(size // track.frame_bytes)
        with _server_buffer(SERVER_BUFFER_MS):
            io = sink.start()
        if io is None or sink.error() != _QtAudio.Error.NoError:
            self._drop_retiring()
            self.sink = sink
            self._sink_failed(sink.error())
            return False
        n = io.write(first)
        self.sink, self._io, self.track = sink, io, track
        self._drop_retiring()  # the fresh stream is connected: the old one can go
        self._read_s, self._read_at, self._held_since = 0.0, now, None
        device_id = bytes(device.id().data())
        if device_id != self._device_id:
            self.lead_s = 0.0  # another output: its own read-ahead
        self._device_id = device_id
        self.opened += 1
        if os.environ.get("HIPTIMER_DEBUG_CUES"):  # benchmarks/cue_timing.py counts them
            print(f"cues: stream opened at {now:.3f}", file=sys.stderr)
        self._feed.start()
        self._checks_left = START_CHECKS
        self._start_check.start()
        if n != len(first):  # the stream would be off its own clock: start afresh
            log.info("cues: short first write (%d of %d bytes); reopening", n, len(first))
            self._restart()
        return True

    def close_stream(self) -> None:
        self._drop_retiring()
        _stop_sink(self._detach_stream())

    def _detach_stream(self) -> QAudioSink | None:
        """The open stream, no longer fed or checked (the caller stops it)."""
        self._feed.stop()
        self._start_check.stop()
        self._read_ahead(time.monotonic())  # what it reads ahead, for the next stream's check
        sink, self.sink = self.sink, None
        self._io = None
        self.track = None
        return sink

    def _retire_stream(self) -> None:
        """Stop feeding the open stream; it is stopped once the next one has
        connected (or at once, by :meth:`close_stream`). A sink whose only
        stream goes away may render far ahead at once (PulseAudio's null sink
        does, up to 2 s, when what remains is a recorder at its default
        latency), and the next stream then waits that long to be read."""
        sink = self._detach_stream()
        if sink is not None:
            self._drop_retiring()
            self._retiring = sink
            self._retire_timer.start()  # no fresh stream after all: it goes anyway

    def _drop_retiring(self) -> None:
        self._retire_timer.stop()
        sink, self._retiring = self._retiring, None
        _stop_sink(sink)

    def _restart(self) -> None:
        """A fresh stream whose first sample is now (the written one disagrees with
        the plan). It is connected before the old one is stopped (see _retire_stream)."""
        if os.environ.get("HIPTIMER_DEBUG_CUES"):
            print(f"cues: restart at {time.monotonic():.3f}", file=sys.stderr)
        self._retire_stream()
        self.open_stream()
        self._drop_retiring()

    def _check_start(self) -> None:
        """Did the sound server start this stream on time? Reopen it if not.

        PulseAudio normally reads a fresh stream's first block (some half of
        the buffer asked for: 258-279 ms of SERVER_BUFFER_MS's 500, 114-128 of
        200; 310-319 ms on PipeWire) the moment it connects and plays it at
        once, so the read position Qt reports (``processedUSecs``: the
        server's read index less the output's latency) runs that far ahead of
        the stream's own time. Now and then it plays that much silence first
        instead: every cue of the stream would sound ~260 ms late, and the
        read position then only keeps pace with the stream's time (-5 to +5
        ms). The app's first stream of all showed that too (4-9 ms ahead at
        30 ms). So a stream whose read-ahead, at the server's first timing
        report, is under half what is expected (the larger of the largest
        seen on this output and half the buffer asked for) started late:
        while none of its cues has begun, a fresh stream takes over (once in
        a row: an output that never reads ahead is left as it is).
        """
        track = self.track
        if self.sink is None or track is None:
            return
        now = time.monotonic()
        lead = self._read_ahead(now)
        if lead is None:  # no timing report from the server yet
            self._checks_left -= 1
            if self._checks_left > 0:
                self._start_check.start()
            return
        # lead_s now counts this stream too: it only raises what is expected above a
        # lead that was not late anyway
        expected = max(self.lead_s, _asked_buffer_s() / 2)
        if os.environ.get("HIPTIMER_DEBUG_CUES"):
            print(f"cues: read-ahead {lead * 1000:.1f} ms at {(now - track.anchor) * 1000:.1f} ms"
                  f" (expected {expected * 1000:.1f} ms)", file=sys.stderr)  # fmt: skip
        late = lead < expected / 2
        if late and not self._reopened_late and not track.cue_begun(now):
            late_ms = (expected - lead) * 1000
            log.info("cues: the stream started about %.0f ms late; reopening", late_ms)
            if os.environ.get("HIPTIMER_DEBUG_CUES"):  # benchmarks/cue_timing.py counts them
                print(f"cues: late start, about {late_ms:.0f} ms", file=sys.stderr)
            self.late_starts += 1
            self._reopened_late = True
            self._restart()
            return
        self._reopened_late = False

    def _read_ahead(self, now: float) -> float | None:
        """How far the server's read position runs ahead of the open stream's
        own time at ``now``, in seconds (None before its first timing report);
        the largest is kept in :attr:`lead_s`."""
        lead = self._look(now)
        if lead is not None:
            self.lead_s = max(self.lead_s, lead)
        return lead

    def _look(self, now: float) -> float | None:
        """:meth:`_read_ahead` without noting it in :attr:`lead_s` (the leads a
        stream shows later, as the server reads in blocks, run up to its whole
        buffer: the late-start check compares first reports with first reports)."""
        sink, track = self.sink, self.track
        if sink is None or track is None:
            return None
        processed = sink.processedUSecs() / 1_000_000
        if processed <= 0:
            return None
        self._read_s, self._read_at = processed, now
        return processed - (now - track.anchor)

    def _held_back(self, now: float) -> bool:
        """Has the server held this stream back, and is it reading again? Then
        a fresh stream takes over (True), so the cues to come sound on time.

        An on-time stream's read position moves on at least as fast as time
        (the server reads ahead). A stream the server stopped reading while it
        had samples to read (more than until the next top-up; the first read
        alone may end before the first top-up) waits: its cues would sound
        late by the time lost, and a fresh stream opened while the server
        still holds it back would wait too. So the stream is replaced when the
        server reads again, if it was held for HELD_S and its read position is
        more than HELD_BACK_S behind its own time."""
        before, before_at = self._read_s, self._read_at
        lead, track = self._look(now), self.track
        if lead is None or track is None:
            return False
        if self._read_s - before < (now - before_at) / 2:  # it hardly moved ...
            waiting = track.written_until - track.anchor - self._read_s
            if self._held_since is None and waiting > FEED_S:  # ... with samples to read
                self._held_since = before_at
            return False
        held_since, self._held_since = self._held_since, None
        if held_since is None or now - held_since < HELD_S or lead >= -HELD_BACK_S:
            return False
        if self.held_back >= HELD_BACK_MAX:
            return False
        late_ms = -lead * 1000
        log.info("cues: the sound server held the stream back %.0f ms; reopening", late_ms)
        if os.environ.get("HIPTIMER_DEBUG_CUES"):  # benchmarks/cue_timing.py counts them
            print(f"cues: held back, about {late_ms:.0f} ms late", file=sys.stderr)
        self.held_back += 1
        # what the server has read of it has sounded (late): the fresh stream must not
        # sound it again; a cue it had not read yet sounds at once in the fresh one
        read_until = track.anchor + self._read_s
        self._plan = [(at, c) for at, c in self._plan if at >= read_until]
        self._restart()
        return True

    def _fill(self) -> None:
        """Top the sink's buffer up: silence, with the planned cues at their samples."""
        sink, io, track = self.sink, self._io, self.track
        if sink is None or io is None or track is None:
            return
        now = time.monotonic()
        free = sink.bytesFree()
        if track.written_until < now - DRY_S and free >= sink.bufferSize():
            # the server read all there was (this thread was stalled) and played
            # silence in the gap: what is written now would sound late by it
            log.info("cues: the output ran dry; reopening")
            self._restart()
            return
        if self._held_back(now):
            return
        frames = free // track.frame_bytes
        if frames <= 0:
            return
        data = track.render(frames)
        n = io.write(data)
        if n != len(data):  # the stream would now be off its own clock: start afresh
            log.info("cues: short write (%d of %d bytes); reopening", n, len(data))
            self._restart()

    def _sink_failed(self, err: Any) -> None:
        self._say(
            f"Sound stopped working ({getattr(err, 'name', err)}); carrying on without it.",
            "play-error",
        )
        self._broken = True
        self.close_stream()
        self._want_open = True  # reopen when an output changes

    def _on_sink_state_changed(self, _state: Any) -> None:
        sink = self.sink
        if sink is None:
            return
        err = sink.error()
        if err == _QtAudio.Error.UnderrunError:
            # the app did not top the buffer up in time (a stalled GUI thread):
            # _fill() finds the stream behind its track and opens a fresh one
            log.info("cues: the output ran dry")
            QTimer.singleShot(0, self._fill)
        elif err != _QtAudio.Error.NoError:
            self._sink_failed(err)

    def _on_feed_timeout(self) -> None:
        self._fill()
        if self.mode == "gaps":
            self._plan_gap()

    # --------------------------------------------------------- "gaps" mode

    def _plan_gap(self) -> None:
        """Close the stream once its last cue has sounded and the next is far
        off; set the wake-up that reopens it WARM_S before that next cue."""
        now = time.monotonic()
        upcoming = [at for at, _c in self._audible_plan(now) if at > now]
        nxt = min(upcoming) if upcoming else None
        track = self.track
        if track is not None:
            busy = max(track.sounding_until(), max((a for a, _ in track.pending()), default=0.0))
            idle_from = max(busy + LATENCY_MARGIN_S, now)
            if (nxt is None or nxt - idle_from > GAP_CLOSE_S) and busy + LATENCY_MARGIN_S <= now:
                self.close_stream()
            elif nxt is None or nxt - idle_from > GAP_CLOSE_S:
                self._wake.start(max(1, int((busy + LATENCY_MARGIN_S - now) * 1000) + 1))
                return
        if self.track is None and self._want_open and nxt is not None:
            self._wake.start(max(0, int((nxt - WARM_S - now) * 1000)))

    def _on_wake_timeout(self) -> None:
        now = time.monotonic()
        if self.track is None:
            upcoming = [at for at, _c in self._audible_plan(now) if at > now]
            if upcoming and min(upcoming) - now <= WARM_S + 0.05:
                self.open_stream()
                return
        self._plan_gap()

    # --------------------------------------------------------------- API

    def _apply_volume(self, sink: QAudioSink | None = None) -> None:
        # the slider is perceptual; the sink wants linear gain
        linear = _QtAudio.convertVolume(
            self.volume,
            _QtAudio.VolumeScale.LogarithmicVolumeScale,
            _QtAudio.VolumeScale.LinearVolumeScale,
        )
        sink = sink or self.sink
        if sink is not None:
            sink.setVolume(linear)

    def set_volume(self, volume: float) -> None:
        super().set_volume(volume)
        self._apply_volume()

    def set_muted(self, muted: bool) -> None:
        super().set_muted(muted)
        self._replan(time.monotonic())

    def warm_up(self) -> None:
        """Open the output stream now (and, in "open" mode, keep it open until close())."""
        self.open_stream()

    def ready_at(self) -> float:
        """The earliest monotonic instant a cue planned now lands on its exact
        sample: START_MARGIN_S from now, in the fresh stream the next
        :meth:`schedule` opens (now when there is no sound). The session's clock
        starts there, so its first cue is as exact as the rest."""
        if not self.audible or self._broken:
            return time.monotonic()
        self._retire_stream()  # what the open stream has queued would come first
        return time.monotonic() + START_MARGIN_S

    def schedule(self, plan: Sequence[Planned]) -> None:
        """The cues to sound from now on: (monotonic instant, cue) pairs. A cue
        whose instant is already past and that the stream has not queued
        sounds at once."""
        self._plan = sorted(plan)
        self._replan(time.monotonic())

    def busy_for(self) -> float:
        """Seconds until every queued cue has sounded (0 when none)."""
        t = self.track
        if t is None:
            return 0.0
        ends = [t.sounding_until()] + [at + self.length(c) for at, c in t.pending()]
        return max(0.0, max(ends) + LATENCY_MARGIN_S - time.monotonic())

    def _audible_plan(self, now: float) -> list[Planned]:
        if not self.audible:
            return []
        return [(at, c) for at, c in self._plan if at > now - 10.0 and c in self.pcm]

    def _replan(self, now: float) -> None:
        plan = self._audible_plan(now)
        try:
            track = self.track
            if track is None:
                if self.mode == "gaps" and self._want_open:
                    if any(at <= now + WARM_S for at, _c in plan):
                        self.open_stream()
                    else:
                        self._plan_gap()
                elif plan and not self._broken:
                    # a cue with no stream (no warm_up, or a gap): open one now
                    self.open_stream()
                return
            if not track.replan(plan, now):
                self._restart()
            elif self.mode == "gaps":
                self._plan_gap()
        except Exception as e:  # never let a sound problem reach the session
            self._say(f"Sound stopped working ({e}); carrying on without it.", "play-error")

    def play(self, cue: str) -> None:
        """Sound ``cue`` now (not planned ahead: it comes a few ms late)."""
        if not self.audible or cue not in self.pcm:
            return
        now = time.monotonic()
        self._plan = sorted([p for p in self._plan if p[0] > now] + [(now, cue)])
        self._replan(now)

    def close(self) -> None:
        self._want_open = False
        self._wake.stop()
        self._plan = []
        self.close_stream()
        with contextlib.suppress(RuntimeError):
            self._devices.audioOutputsChanged.disconnect(self._on_devices_audio_outputs_changed)

    def _on_devices_audio_outputs_changed(self) -> None:
        has = qt_output_available()
        if self._had_output and not has:
            self._say("The audio output went away: carrying on with visual cues only.", "lost")
            self._say.forget("back")
            self.close_stream()
        elif has and not self._had_output:
            self._say("An audio output is back: sound cues resume.", "back")
            self._say.forget("lost")
        if has and self._want_open:
            default = QMediaDevices.defaultAudioOutput()
            moved = not default.isNull() and bytes(default.id().data()) != self._device_id
            if self.sink is None or moved or self._broken:
                self._broken = False
                self._say.forget("play-error")
                self.close_stream()
                self.open_stream()
        self._had_output = has


# --------------------------------------------------------------- playsound


def _playsound_backend() -> Any:
    """playsound3's backend to use: its own choice, else paplay; None if none."""
    try:
        import playsound3  # noqa: F401
        from playsound3 import playsound3 as ps3
    except Exception:
        return None
    if getattr(ps3, "DEFAULT_BACKEND", None):
        return ps3.DEFAULT_BACKEND
    if shutil.which("paplay"):

        class Paplay(ps3.SoundBackend):
            """PulseAudio's own player, for systems with no gst-play/ffplay/aplay."""

            def check(self) -> bool:
                return shutil.which("paplay") is not None

            def play(self, sound: str) -> Any:
                return ps3.run_as_subprocess(["paplay", "--latency-msec=30", sound])

        return Paplay()
    return None


def playsound_available() -> bool:
    return _playsound_backend() is not None


class PlaysoundCuePlayer(_BasePlayer):
    """``playsound3.playsound(path, block=False)`` on a worker thread."""

    name = "playsound"

    def __init__(
        self,
        sounds: dict[str, Path],
        volume: float = 0.8,
        muted: bool = False,
        on_message: Message | None = None,
    ) -> None:
        super().__init__(sounds, volume, muted, on_message)
        try:
            from playsound3 import playsound
        except Exception as e:
            raise CueBackendError(f"playsound3 is not installed ({e})") from None
        backend = _playsound_backend()
        if backend is None:
            raise CueBackendError("playsound3 found no program to play sound with")
        self._playsound = playsound
        self._backend = backend
        self.backend_name = backend if isinstance(backend, str) else type(backend).__name__
        self._pool: ThreadPoolExecutor | None = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="hiptimer-playsound"
        )
        self._live: list[Any] = []
        self._lock = threading.Lock()

    def _run(self, path: Path) -> None:
        try:
            # the player program opens the file by name: check it (and that it is
            # still inside its folder) just before, not only when the routine loaded
            wavfile.check_wav(path, path.parent)
        except wavfile.WavError as e:
            self._say(f"A cue sound is not played: {e}.", str(path))
            return
        try:
            snd = self._playsound(path, block=False, backend=self._backend)
        except Exception as e:
            self._say(f"playsound could not play a cue ({e}); carrying on without sound.", "err")
            return
        with self._lock:
            self._live = [s for s in self._live if s.is_alive()] + [snd]

    def play(self, cue: str) -> None:
        if not self.audible or self._pool is None:
            return
        path = self.sounds.get(cue)
        if path is None:
            return
        try:
            self._pool.submit(self._run, path)
        except RuntimeError:
            pass

    def warm_up(self) -> None:
        """Start the player program once on silence so its first real start is warm."""
        silence = sounds_dir() / "silence.wav"
        if silence.is_file() and self._pool is not None and self.audible:
            self._pool.submit(self._run, silence)

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            for s in self._live:
                with contextlib.suppress(Exception):
                    if s.is_alive():
                        s.stop()
            self._live.clear()


# ---------------------------------------------------------------- factory

_FACTORIES: dict[str, Callable[..., CuePlayer]] = {
    "qt": QtCuePlayer,
    "playsound": PlaysoundCuePlayer,
    "none": NullCuePlayer,
}
_AVAILABLE: dict[str, Callable[[], bool]] = {
    "qt": qt_output_available,
    "playsound": playsound_available,
    "none": lambda: True,
}


def create_cue_player(
    backend: str = "auto",
    *,
    sounds: dict[str, Path] | None = None,
    volume: float = 0.8,
    muted: bool = False,
    on_message: Message | None = None,
    factories: dict[str, Callable[..., Any]] | None = None,
    available: Callable[[str], bool] | None = None,
) -> CuePlayer:
    """The first backend that works, in :func:`hiptimer.cues.choose_backend` order.

    ``sounds`` are the routine's own WAVs (cue -> path); they override the
    built-in ones. Each failure, and the backend finally used, is reported
    through ``on_message``. Never raises for a sound problem (an unknown
    backend name is a ValueError: that is a bug, the CLI restricts choices).
    ``factories``/``available`` replace the real backends (tests).
    """
    say = on_message or (lambda _m: None)
    facs = factories or _FACTORIES
    avail = available or (lambda n: _AVAILABLE.get(n, lambda: False)())
    resolved, problems = rules.resolve_sounds(sounds, sounds_dir())
    for p in problems:
        say(p)
    order = rules.choose_backend(backend or "auto", avail)
    for name in order:
        try:
            player: CuePlayer = facs[name](resolved, volume, muted, on_message)
        except Exception as e:
            say(f"Audio backend {name} is not usable: {e}")
            continue
        if name == "none":
            say(
                "Sound cues: none (no working audio backend)"
                if backend != "none"
                else "Sound cues: off"
            )
        else:
            say(f"Sound cues: {name}")
        return player
    return NullCuePlayer(resolved, volume, muted, on_message)


# ------------------------------------------------------------------ voice


_PROBE = """
import signal, sys
# the caller kills this child when the engine has not answered in time, but only
# while the caller runs: an app gone first must not leave it behind, blocked on a
# wedged speech-dispatcher (SIGALRM's default action ends it wherever it waits)
signal.alarm(int(sys.argv[2]) if len(sys.argv) > 2 else 60)
from PySide6.QtCore import QCoreApplication
from PySide6.QtTextToSpeech import QTextToSpeech
app = QCoreApplication([])
tts = QTextToSpeech(sys.argv[1]) if sys.argv[1] else QTextToSpeech()
print("error" if tts.state() == QTextToSpeech.State.Error else "ok", flush=True)
"""


# speech-dispatcher's engine takes 2.5 to 4.5 s to start here (QTextToSpeech() with speechd,
# espeak-ng's voices listed): a 4 s limit called a working engine dead on a busy machine.
SPEECH_PROBE_TIMEOUT_S = 15.0


def probe_said_ok(exit_code: int, stdout: str | bytes) -> bool:
    """Whether the speech probe child (:func:`probe_args`) found its engine started."""
    out = stdout.decode(errors="replace") if isinstance(stdout, bytes) else stdout
    return exit_code == 0 and out.strip().endswith("ok")


def probe_args(engine: str, timeout_s: float) -> list[str]:
    """The speech probe child's arguments: ``engine``, and the seconds after which the
    child ends itself (a little after its caller gives up on it)."""
    return ["-c", _PROBE, engine, str(math.ceil(timeout_s) + 5)]


#: Why there is no voice, in the Sound menu and ``hiptimer doctor``.
NO_ENGINE = "no speech engine found; install speech-dispatcher"


def check_speech(engine: str = "", timeout: float = SPEECH_PROBE_TIMEOUT_S) -> tuple[bool, str]:
    """Whether a speech engine starts, tried in a child process with a time limit:
    (True, "") or (False, why not in words, for ``hiptimer doctor``).

    Some engines block the caller when their service is wedged (speechd
    waiting on a speech-dispatcher that does not answer); the app must never
    hang on that, so the first try happens where it can be killed. (The app's
    own check, :class:`SpeechProbe`, runs the same child without waiting.)
    """
    import os
    import subprocess
    import sys

    name = engine or "default speech"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    try:
        r = subprocess.run(
            [sys.executable, *probe_args(engine, timeout)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
        )
    except subprocess.TimeoutExpired:
        return False, (
            f"the {name} engine did not answer within {timeout:g} s "
            "(is speech-dispatcher working? try `spd-say hello`)"
        )
    except OSError as e:
        return False, f"the speech probe could not run ({e})"
    if probe_said_ok(r.returncode, r.stdout):
        return True, ""
    return False, (
        f"the {name} engine did not start (speech-dispatcher cannot be reached or has no "
        "voice; try `spd-say hello`; the espeak-ng voice is in speech-dispatcher-espeak-ng)"
    )


def voice_disabled() -> bool:
    """HIPTIMER_NO_VOICE turns the voice off (set and not "0")."""
    import os

    return os.environ.get("HIPTIMER_NO_VOICE", "") not in ("", "0")


class SpeechProbe(QObject):
    """:func:`check_speech` without blocking: the same child process, run by a
    QProcess, so the window stays live while a wedged speech service times out.
    ``finished(ok)`` fires once; the answer is also what :meth:`Voice.available`
    returns from then on, and ``reason`` says in words why not."""

    finished = Signal(bool)

    def __init__(
        self,
        engine: str = "",
        timeout_s: float = SPEECH_PROBE_TIMEOUT_S,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._engine = engine
        self._timeout_ms = int(timeout_s * 1000)
        self._proc: QProcess | None = None
        self._done = False
        self.reason = ""  # why no voice, once finished(False)

    def start(self) -> None:
        if voice_disabled() or not (self._engine or Voice.engines()):
            self.reason = "turned off (HIPTIMER_NO_VOICE)" if voice_disabled() else NO_ENGINE
            QTimer.singleShot(0, lambda: self._finish(False))
            return
        proc = QProcess(self)
        env = QProcessEnvironment.systemEnvironment()
        env.insert("QT_QPA_PLATFORM", "offscreen")
        proc.setProcessEnvironment(env)
        proc.finished.connect(self._on_proc_finished)
        proc.errorOccurred.connect(self._on_proc_error_occurred)
        self._proc = proc
        proc.start(sys.executable, probe_args(self._engine, self._timeout_ms / 1000))
        QTimer.singleShot(self._timeout_ms, self._on_timeout)

    def _finish(self, ok: bool) -> None:
        if self._done:
            return
        self._done = True
        Voice._available = ok
        self.finished.emit(ok)

    def _on_proc_finished(self, code: int, _status: object) -> None:
        out = bytes(self._proc.readAllStandardOutput().data()) if self._proc else b""
        ok = probe_said_ok(code, out)
        if not ok:
            self.reason = "the speech engine did not start; check speech-dispatcher"
        self._finish(ok)

    def _on_proc_error_occurred(self, _error: object) -> None:
        self.reason = "the speech check could not run"
        self._finish(False)

    def _on_timeout(self) -> None:
        if self._proc is not None and self._proc.state() != QProcess.ProcessState.NotRunning:
            self._proc.kill()
        if not self._done:
            self.reason = "the speech engine did not answer in time; check speech-dispatcher"
        self._finish(False)


#: An announcement asked for while the engine is still loading is said once it is ready only
#: if it is at most this old: a "30 seconds" said seconds late is worse than nothing.
PENDING_FRESH_S = 1.5
#: An engine not ready this long after it was asked for is given up on (a speech service
#: that wedged after the probe answered): reported like one that failed, and no other is
#: made in this run.
LOAD_TIMEOUT_S = 15.0
NOT_IN_TIME = "the speech engine did not answer in time; check speech-dispatcher"
#: How long quitting waits for the voice's thread (an engine still loading cannot be
#: interrupted: speech-dispatcher takes up to 4.5 s; a wedged one is caught by the probe).
VOICE_JOIN_S = 10.0

#: Loads the engine named by the str into the QTextToSpeech; called on the voice's thread.
EngineLoader = Callable[["QTextToSpeech", str], None]


def load_engine_without_gil(tts: QTextToSpeech, engine: str) -> None:
    """Queue ``tts.setEngine(engine)`` as a Qt meta-call on ``tts``'s own thread.

    Qt runs it there in C++, so Python's GIL is free while the engine starts.
    PySide6 6.9 holds the GIL for the whole of ``QTextToSpeech(...)`` or
    ``setEngine(...)`` called from Python, so doing either in a Python slot on a
    worker thread stalled the GUI thread just as long (1.1-1.4 s with
    speech-dispatcher here, benchmarks/voice_load.py); with the queued call the
    GUI thread's longest stall was 8.7 ms (a 5 ms timer, one tick late).
    """
    _invoke_queued(tts, "setEngine", Q_ARG(str, engine))


def _invoke_queued(obj: QObject, member: str, *args: QGenericArgumentHolder) -> None:
    """Post a call of ``obj``'s slot or invokable ``member`` to ``obj``'s thread."""
    # PySide6 6.9's stubs type ``member`` as bytes; at run time it must be a str.
    invoke = cast("Callable[..., bool]", QMetaObject.invokeMethod)
    if not invoke(obj, member, Qt.ConnectionType.QueuedConnection, *args):
        raise RuntimeError(f"{type(obj).__name__} has no invokable {member}")


class _SpeechWorker(QObject):
    """Lives on the voice's thread with the engine: every call to the engine is made here,
    as a queued Qt meta-call (:func:`_invoke_queued`) that Qt runs in C++ from this
    thread's event loop. A Python slot calling the engine holds the GIL for as long as the
    engine takes, and speech-dispatcher's plugin waits on its socket: a wedged service
    then froze the GUI thread at its next Python line (seen: Next in a session, the GUI
    thread waiting for the GIL in Voice.stop while this thread sat in the engine's stop).
    """

    #: "" once the engine is ready, else why it is not
    loaded = Signal(str)
    #: (number of the last command handled, whether the engine speaks)
    state = Signal(int, bool)

    def __init__(self, tts: QTextToSpeech, engine: str, load: EngineLoader) -> None:
        super().__init__()
        self._tts: QTextToSpeech | None = tts
        self._engine = engine
        self._load = load
        self._ready = False
        self._seq = 0
        self._volume: float | None = None
        # connected here, on the GUI thread, as the thread's end is (see _SpeechThread)
        tts.stateChanged.connect(self._on_tts_state_changed)

    @Slot()
    def start(self) -> None:
        tts = self._tts
        if tts is None:  # shut down before the thread started
            return
        try:
            self._load(tts, self._engine)
        except Exception as e:  # a broken engine must not take the app down
            log.exception("loading the speech engine failed")
            self.loaded.emit(f"speech engine failed: {e}")
            return
        # Posted after the load's own meta-call, so it runs once the engine has started.
        _invoke_queued(self, "check")

    @Slot()
    def check(self) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        tts = self._tts
        if tts is None:
            return
        if tts.state() == QTextToSpeech.State.Error:
            why = tts.errorString() or "it did not start"
            self.loaded.emit(f"speech engine failed: {why}")
            return
        self._ready = True
        if self._volume is not None:
            _invoke_queued(tts, "setVolume", Q_ARG(float, self._volume))
        self.loaded.emit("")

    def _on_tts_state_changed(self, state: QTextToSpeech.State) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        if not self._ready:  # loading: the engine's own states say nothing of speech yet
            return
        self.state.emit(self._seq, state == QTextToSpeech.State.Speaking)

    # Each slot reads the engine once: release() may take it from the GUI thread.
    @Slot(int, str)
    def say(self, seq: int, text: str) -> None:
        self._seq = seq
        tts = self._tts
        if self._ready and tts is not None:
            _invoke_queued(tts, "say", Q_ARG(str, text))

    @Slot(int)
    def stop(self, seq: int) -> None:
        self._seq = seq
        tts = self._tts
        if self._ready and tts is not None:
            with contextlib.suppress(RuntimeError):
                _invoke_queued(tts, "stop")
                _invoke_queued(self, "report_state", Q_ARG(int, seq))  # once it has stopped

    @Slot(int)
    def report_state(self, seq: int) -> None:
        """Whether the engine speaks, as of command ``seq``."""
        from PySide6.QtTextToSpeech import QTextToSpeech

        tts = self._tts
        if tts is not None:
            self.state.emit(seq, tts.state() == QTextToSpeech.State.Speaking)

    @Slot(float)
    def set_volume(self, volume: float) -> None:
        self._volume = volume
        tts = self._tts
        if self._ready and tts is not None:
            _invoke_queued(tts, "setVolume", Q_ARG(float, volume))

    def release(self) -> QTextToSpeech | None:
        """The engine, handed over for deletion (called on the GUI thread at shutdown):
        from now on the worker's slots leave it alone."""
        tts, self._tts = self._tts, None
        self._ready = False
        return tts


class _SpeechThread:
    """The voice's thread, its engine and the worker that drives it.

    Held in _SPEECH_THREADS from start to join, so none of the three is ever
    destroyed while the thread runs, whatever happens to the Voice.
    """

    def __init__(self, engine: str, load: EngineLoader) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        self.thread = QThread()
        self.thread.setObjectName("hiptimer-voice")
        # No engine yet ("none" skips loading one): made in microseconds, then moved.
        tts = QTextToSpeech("none")
        # The thread ends once its engine is gone (deleted on the thread, see shutdown).
        # Connected here, on the GUI thread before the thread starts: made from a Python
        # slot on the voice thread while the GUI thread closed the window, this connect
        # once deadlocked the two (each waiting, one on the GIL, one on a lock of Qt's).
        QObject.connect(
            tts,
            SIGNAL("destroyed()"),
            self.thread,
            SLOT("quit()"),
            Qt.ConnectionType.DirectConnection,
        )
        tts.moveToThread(self.thread)
        self.worker = _SpeechWorker(tts, engine, load)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.start)
        self._shut = False
        self._engine: QTextToSpeech | None = None  # the engine being deleted (shutdown)
        _SPEECH_THREADS.add(self)

    def shutdown(self) -> None:
        """Have the thread silence and delete the engine, then end, without waiting (an
        engine still loading finishes first). The engine's stop and deletion are posted
        as Qt's own meta-calls, run in C++ on the voice thread: no Python runs there for
        them (a wedged engine blocks only that thread), and the thread quits when the
        engine is destroyed."""
        if self._shut:
            return
        self._shut = True
        tts = self.worker.release()
        if tts is None:
            self.thread.quit()
            return
        # Python made the engine, so dropping the last Python reference would delete it
        # here, on the GUI thread, under the voice thread's feet: it is kept until its
        # thread has ended (Qt deletes it there, and its wrapper learns of it).
        self._engine = tts
        with contextlib.suppress(RuntimeError):
            _invoke_queued(tts, "stop")
        _invoke_queued(tts, "deleteLater")

    def join(self, timeout_s: float = VOICE_JOIN_S) -> bool:
        """:meth:`shutdown`, then wait up to ``timeout_s`` for the thread to end."""
        if self not in _SPEECH_THREADS:
            return True
        self.shutdown()
        if not self.thread.wait(int(timeout_s * 1000)):
            # An engine that never returns (a wedged speech service): kept, never destroyed
            # (a QThread destroyed while it runs aborts the process); see _at_exit.
            log.warning("the speech engine's thread did not end within %.1f s", timeout_s)
            _SPEECH_THREADS.discard(self)
            _WEDGED_SPEECH_THREADS.append(self)
            return False
        _SPEECH_THREADS.discard(self)
        return True


_SPEECH_THREADS: set[_SpeechThread] = set()
_WEDGED_SPEECH_THREADS: list[_SpeechThread] = []


def join_speech_threads(timeout_s: float = VOICE_JOIN_S) -> bool:
    """Join every voice's thread, all within ``timeout_s`` (the app does it after its
    event loop, the window gone); False if one did not end (its engine never returned):
    see :func:`exit_now`."""
    deadline = time.monotonic() + timeout_s
    for t in list(_SPEECH_THREADS):
        t.join(max(0.0, deadline - time.monotonic()))
    return not _WEDGED_SPEECH_THREADS


def exit_now(code: int) -> None:
    """End the process at once, with ``code``, without tearing Qt down.

    For a voice thread that never ended: a running QThread must not be
    destroyed ("QThread: Destroyed while thread is still running" aborts the
    process), and PySide destroys every QObject Python owns when the
    application goes, so the only clean way out is not to tear down at all.
    Everything worth keeping is saved by then (the window closed the log and
    synced the settings); the output streams and log handlers are flushed.
    """
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def _at_exit() -> None:
    """The last resort for a Voice nobody closed (a test's, a crash's)."""
    if not join_speech_threads():
        exit_now(1)


atexit.register(_at_exit)


class Voice(QObject):
    """Spoken announcements through QtTextToSpeech, with the engine on its own thread.

    Starting an engine takes seconds (speech-dispatcher: 1-4.5 s) and cannot
    be interrupted, so the engine lives on a QThread of its own: it is loaded
    there (:func:`load_engine_without_gil`), and :meth:`say`, :meth:`stop` and
    :meth:`set_volume` reach it as queued signals. Making a Voice takes well
    under a millisecond; ``engine_ready`` fires once the engine can speak, or
    ``engine_failed(reason)`` once it has failed to start or is not ready
    after LOAD_TIMEOUT_S (the voice is then closed). ``speaking`` follows the
    engine's state as it reports it (a :meth:`stop` counts at once, a
    :meth:`say` from when it is sent).

    Until the engine is ready only the newest announcement is kept, and said
    when the engine becomes ready only if it is at most PENDING_FRESH_S old;
    an older one is dropped (stale guidance misleads). ``spoken`` lists what
    was handed to the engine, newest last.

    :meth:`close` deletes the engine and ends the thread (the window asks on
    quit and joins it once the window is gone; an atexit hook joins any Voice
    left open).

    ``Voice.available()`` says whether a real engine exists and starts (the
    ``mock`` engine PySide6 ships does not count, but ``Voice("mock")``
    drives tests). HIPTIMER_NO_VOICE=1 turns the voice off entirely.
    ``load`` replaces how the engine is loaded (tests).
    """

    engine_ready = Signal()
    engine_failed = Signal(str)
    _say_requested = Signal(int, str)
    _stop_requested = Signal(int)
    _volume_requested = Signal(float)

    _available: bool | None = None

    def __init__(
        self,
        engine: str | None = None,
        parent: QObject | None = None,
        *,
        load: EngineLoader | None = None,
    ) -> None:
        super().__init__(parent)
        if engine != "mock" and not Voice.available():
            raise CueBackendError("no speech engine that starts")
        self.enabled = True
        self.muted = False
        self.spoken: list[str] = []  # handed to the engine, newest last (kept short)
        self.ready = False  # the engine has started
        self.error = ""  # why the engine did not start
        self._speaking = False
        self._seq = 0  # the number of the last command sent
        self._pending: tuple[float, str] | None = None  # (asked at, text) before ready
        self._closed = False
        self._speech = _SpeechThread(engine or "", load or load_engine_without_gil)
        worker = self._speech.worker
        worker.loaded.connect(self._on_worker_loaded)
        worker.state.connect(self._on_worker_state)
        self._say_requested.connect(worker.say)
        self._stop_requested.connect(worker.stop)
        self._volume_requested.connect(worker.set_volume)
        self._speech.thread.start()
        self._load_timer = QTimer(self)
        self._load_timer.setSingleShot(True)
        self._load_timer.timeout.connect(self._on_load_timer_timeout)
        self._load_timer.start(int(LOAD_TIMEOUT_S * 1000))

    @staticmethod
    def engines() -> list[str]:
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError:
            return []
        return [e for e in QTextToSpeech.availableEngines() if e != "mock"]

    @classmethod
    def available(cls) -> bool:
        """A real engine exists and starts (probed once per process, bounded;
        this blocks for the probe unless a :class:`SpeechProbe` answered)."""
        if voice_disabled():
            return False
        if cls._available is None:
            cls._available = bool(cls.engines()) and check_speech()[0]
        return cls._available

    @classmethod
    def known_available(cls) -> bool:
        """What the probe found so far, without waiting: False until it answers."""
        return not voice_disabled() and bool(cls._available)

    @property
    def speaking(self) -> bool:
        return self._speaking

    def say(self, text: str) -> None:
        if not self.enabled or self.muted or not text or self._closed:
            return
        if not self.ready:
            self._pending = (time.monotonic(), text)  # only the newest waits
            return
        self._send(text)

    def _send(self, text: str) -> None:
        self.spoken = (self.spoken + [text])[-50:]
        self._seq += 1
        self._speaking = True
        self._say_requested.emit(self._seq, text)

    def stop(self) -> None:
        self._pending = None
        self._speaking = False
        if not self._closed:
            self._seq += 1
            self._stop_requested.emit(self._seq)

    def set_muted(self, muted: bool) -> None:
        self.muted = bool(muted)
        if muted:
            self.stop()

    def set_volume(self, volume: float) -> None:
        if not self._closed:
            self._volume_requested.emit(_clamp(volume))

    def close(self, wait: bool = True) -> None:
        """Stop speaking, delete the engine on its thread and end the thread: joined
        here, or with ``wait=False`` later by :func:`join_speech_threads` (an engine
        still loading finishes first, which may take seconds)."""
        if not self._closed:
            self._closed = True
            self._pending = None
            self._speaking = False
        if wait:
            self._speech.join()
        else:
            self._speech.shutdown()

    def _fail(self, error: str, *, wait: bool) -> None:
        self.error = error
        log.info("voice: %s", error)
        self.close(wait=wait)
        self.engine_failed.emit(error)

    def _on_load_timer_timeout(self) -> None:
        if self.ready or self._closed:
            return
        Voice._available = False  # this run makes no other: it would wedge the same way
        self._fail(NOT_IN_TIME, wait=False)  # its thread is joined on quit, if it ever ends

    def _on_worker_loaded(self, error: str) -> None:
        self._load_timer.stop()
        if self._closed:
            return
        if error:
            self._fail(error, wait=True)  # nothing runs on its thread now: ends at once
            return
        self.ready = True
        pending, self._pending = self._pending, None
        if pending is not None and time.monotonic() - pending[0] <= PENDING_FRESH_S:
            self.say(pending[1])
        self.engine_ready.emit()

    def _on_worker_state(self, seq: int, speaking: bool) -> None:
        if seq == self._seq:  # older reports are overtaken by a command on its way
            self._speaking = speaking


# --------------------------------------------------------------- director


class SchedulingPlayer(CuePlayer, Protocol):
    """A player that takes the cues to come ahead of time (the qt backend)."""

    def schedule(self, plan: Sequence[Planned]) -> None: ...
    def ready_at(self) -> float: ...
    def busy_for(self) -> float: ...


def _schedules(player: CuePlayer | None) -> SchedulingPlayer | None:
    if player is not None and callable(getattr(player, "schedule", None)):
        return cast(SchedulingPlayer, player)
    return None


#: How far ahead (real seconds) the director plans the cues; it plans again at
#: every wake-up of the session (at least once a displayed second) and every control.
PLAN_AHEAD_S = 3.0


class CueDirector(QObject):
    """Turns each batch of engine events into one cue and one announcement.

    With a player that schedules (the qt backend) and the ``session``, every
    batch also re-plans the cues of the next PLAN_AHEAD_S from
    ``session.preview`` and hands them over with their instants, so each one
    is written into the output ahead of time at its sample; the batch's own
    cue is then already queued. Other players play the batch's cue at once.

    The announcement waits ``length(cue) + SPEECH_GAP_S`` so it starts after
    the cue has finished. A boundary cue due while the voice speaks stops the
    speech first; tick and rep cues are skipped while it speaks (players that
    schedule ahead have them queued already: they sound). A pause or a stop
    silences the voice and drops a pending announcement.
    """

    def __init__(
        self,
        player: CuePlayer | None,
        voice: Voice | None,
        plan: Plan,
        parent: QObject | None = None,
        *,
        session: Session | None = None,
    ) -> None:
        super().__init__(parent)
        self.player = player
        self.voice = voice
        self.plan = plan
        self.session = session
        self.mirror = False  # Presentation › Mirror: the voice names sides as the class sees them
        self._origin: float | None = None  # monotonic time of engine instant 0
        self.played: list[str] = []  # cues played (or due, when skipped: not listed)
        self._pending_text: str | None = None
        self._speech_timer = QTimer(self)
        self._speech_timer.setSingleShot(True)
        self._speech_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._speech_timer.timeout.connect(self._on_speech_timer_timeout)

    def _voice_busy(self) -> bool:
        v = self.voice
        return v is not None and (v.speaking or self._speech_timer.isActive())

    def handle(self, events: Sequence[Event]) -> None:
        for e in events:
            if isinstance(e, Paused) or (isinstance(e, SessionFinished) and e.status == "stopped"):
                self._silence_voice()
        length = 0.0
        scheduler = _schedules(self.player) if self.session is not None else None
        live: list[tuple[float, str]] = []
        for at, cue in rules.select_cues(events):
            if cue in rules.MINOR_CUES and self._voice_busy() and scheduler is None:
                continue
            if self.voice is not None and self.voice.speaking:
                self.voice.stop()
            if self.player is not None:
                try:
                    if scheduler is None:
                        self.player.play(cue)
                    length = self.player.length(cue)
                except Exception:
                    log.exception("cue %s failed", cue)
            live.append((at, cue))
            self.played.append(cue)
        if scheduler is not None:
            self._plan_ahead(scheduler, live)
        summary = self.session.summary() if self.session is not None else None
        text = speech_for(events, self.plan, mirror=self.mirror, summary=summary)
        if self.voice is None or not self.voice.enabled:
            return
        if text is not None:
            self._pending_text = text
        if self._pending_text is not None and (text is not None or length > 0):
            self._speech_timer.start(int(round((length + SPEECH_GAP_S) * 1000)) if length else 0)

    # ------------------------------------------------------------ scheduling

    def _mono(self, at: float) -> float:
        """Engine instant -> monotonic seconds (one fixed mapping per session)."""
        session = self.session
        assert session is not None
        if self._origin is None:
            self._origin = time.monotonic() - session.clock.now() / session.clock.speed
        return self._origin + at / session.clock.speed

    def _engine(self, mono: float) -> float:
        session = self.session
        assert session is not None
        self._mono(0.0)
        assert self._origin is not None
        return (mono - self._origin) * session.clock.speed

    def _upcoming(self, session: Session) -> list[tuple[float, str]]:
        horizon = session.clock.now() + PLAN_AHEAD_S * session.clock.speed
        return rules.cues_by_instant(session.preview(horizon))

    def _plan_ahead(self, player: SchedulingPlayer, live: list[tuple[float, str]]) -> None:
        session = self.session
        assert session is not None
        cues = live + self._upcoming(session)
        try:
            player.schedule([(self._mono(at), cue) for at, cue in cues])
        except Exception:
            log.exception("scheduling the cues failed")

    def arm_start(self) -> float | None:
        """Get the sound path ready for the session's start; returns the engine
        instant to start it at (the caller waits for it, then
        ``session.start(at=...)``), or None to start at once (a player that
        does not schedule ahead). The first cues are queued on their exact
        samples before the session starts."""
        session, player = self.session, _schedules(self.player)
        if session is None or player is None or session.state != "ready":
            return None
        try:
            at = self._engine(player.ready_at())
            until = at + PLAN_AHEAD_S * session.clock.speed
            cues = rules.cues_by_instant(session.preview_start(at, until))
            player.schedule([(self._mono(t), cue) for t, cue in cues])
        except Exception:
            log.exception("preparing the first cues failed")
            return None
        if os.environ.get("HIPTIMER_DEBUG_CUES"):  # benchmarks/cue_timing.py reads it
            print(f"cues: the clock starts at {self._mono(at):.6f}", file=sys.stderr)
        return at

    def _silence_voice(self) -> None:
        self._pending_text = None
        self._speech_timer.stop()
        if self.voice is not None:
            self.voice.stop()

    def _on_speech_timer_timeout(self) -> None:
        text, self._pending_text = self._pending_text, None
        if text and self.voice is not None and self.voice.enabled:
            self.voice.say(text)
