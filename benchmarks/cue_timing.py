#!/usr/bin/env python3
"""Cue timing through a real sound server: does every cue sound on its instant?

What it runs: the installed app the way a user does,
``hiptimer ROUTINE --start --quit-on-finish --audio-backend B`` (a real X
server when DISPLAY is set, else offscreen), on a 23 s routine at real speed,
while ``parecord`` records the PulseAudio null sink's monitor. Every cue the
routine sounds is included, the first one (t=0, "ready") too; the planned
instants come from the pure rules on a previewed session.

Method. The recording's clock is the sink's (continuous), so the onset o_i of
the cue planned at engine instant p_i is ``p_i + d_i + L + e_i``: d_i the cue
sound's own time from its first sample to the first one over the threshold
(read from its WAV at the app's default volume and taken out), one constant L
(the app's start-up, the output latency, the recorder's start) and the cue's
own error e_i. L is the median of ``o_i - p_i - d_i``; each |e_i| is what is
reported. The configurations run in turns in the same session of the sound
server: the qt backend in "open" mode (one stream, cues written ahead at their
samples, PulseAudio asked for a long buffer: the default), the same with Qt's
own 21 ms server buffer ("open-qtbuf", HIPTIMER_CUE_SERVER_MS=0: how it was
before), in "gaps" mode (the stream closed between cues and reopened ahead of
the next: the routine's two 6 s holds are long enough for it, so a run opens
three streams, and the cues after those holds sound in a reopened one) and
playsound3 as the reference (a player process per cue). Each
prints, over ``--runs`` runs, the median, min and max of the worst cue error
of a run and of every cue's error, the streams the app opened and those it
restarted mid-session (HIPTIMER_DEBUG_CUES=1 makes it say so; "for a late
start": a fresh stream the server started late, which the app replaced before
its first cue, see ``QtCuePlayer._check_start``; "held back": one the server
stopped reading, replaced once it read again, see ``QtCuePlayer._held_back``;
benchmarks/held_stream.py provokes that), and how long after the session
clock's start the first cue was heard: the app prints that instant, the
recording's start is estimated from the file's growth, so this one is good to
about 10 ms only (it shows a sound path that lags the clock, not a few ms). The
per-cue errors are measured against the session's own stream(s), so a stream
that starts late delays every cue against the screen without showing in them:
a run whose first cue came over ``--late-ms`` (50 ms) after the clock is
reported as LATE and fails the run's configuration, as a cue over
``--bound-ms`` or a missing one does (exit status 1).

Leaves out: the voice (HIPTIMER_NO_VOICE=1; speech would land in the same
recording), controls during the session (pause, Next: those cues come a few
ms after the key by design), a real sound card's clock (the null sink runs on
the system clock, so drift between a card and the monotonic clock, tens of ppm,
is not measured), other sound servers (PipeWire's PulseAudio service does not
rewind, so a fresh stream starts at its next cycle: not measured here), and what
L itself is (the app's start-up is in it).

    eval "$(bash .ci/pulse.sh start)"
    python benchmarks/cue_timing.py [--runs 3] [--only open|open-qtbuf|gaps|playsound]
    bash .ci/pulse.sh stop

tests/e2e/test_audio_pulse.py imports this module and applies a looser bound.
"""

from __future__ import annotations

import argparse
import array
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

RATE = 48_000
SINK = os.environ.get("HIPTIMER_PULSE_SINK", "hiptimer_null")
THRESHOLD = 1000  # of 32767: the cues' first millisecond crosses it
QUIET_GAP_S = 0.12  # below threshold this long before a new onset counts

# prep 2 s, hold 6 s, rest 2 s, a two-sided hold with a 1 s switch, rest 2 s, hold 6 s.
# The 6 s holds are quiet stretches (no countdown ticks) longer than "gaps" mode's
# GAP_CLOSE_S plus a cue and its margins: there it closes the stream and opens a fresh
# one before the next cue, so the cues after them measure a reopened stream.
ROUTINE = """\
name: Cue timing
defaults: {prep: 2, rest: 2, switch: 1, countdown: 0}
exercises:
  - name: Hold A
    hold: 6s
  - name: Hold B
    hold: 2s
    sides: each
    prep: 0
  - name: Hold C
    hold: 6s
    prep: 0
"""


@dataclass
class Cue:
    name: str
    planned: float  # engine instant (seconds)
    played: float  # engine instant the player was asked to play it
    work_boundary: bool  # a work step starts or ends here
    onset: float | None = None  # seconds into the recording
    error_s: float | None = None  # onset - planned - latency


@dataclass
class Result:
    backend: str
    warm_up: bool
    cues: list[Cue]
    latency_s: float  # the constant latency L
    abs_latency_s: float | None = None  # L in wall terms (approx., recorder start estimated)
    onsets: list[float] = field(default_factory=list)
    added_latency_s: list[float] = field(default_factory=list)  # playsound vs Qt reference
    clock_offset_s: float | None = None  # first cue heard - the session clock's start (approx.)
    restarts: int = 0  # streams the qt backend reopened mid-session
    opened: int = 0  # streams the qt backend opened (warm-up and "gaps" reopens included)
    late_starts: int = 0  # streams the server started late, found by the app and replaced
    held_back: int = 0  # streams the server held back, found by the app and replaced

    @property
    def missing(self) -> list[Cue]:
        return [c for c in self.cues if c.onset is None]

    def worst(self, only_work: bool = True) -> float:
        errs = [abs(c.error_s) for c in self.cues if c.error_s is not None]
        if only_work:
            errs = [abs(c.error_s) for c in self.cues if c.error_s is not None and c.work_boundary]
        return max(errs) if errs else float("inf")

    def report(self) -> str:
        lines = [
            f"backend {self.backend}, warm-up {'on' if self.warm_up else 'off'}: "
            f"{len(self.cues)} cues, {len(self.onsets)} onsets, "
            + (
                f"launch to first cue about {self.abs_latency_s * 1000:.0f} ms"
                if self.abs_latency_s is not None
                else ""
            )
            + (
                f", first cue {self.clock_offset_s * 1000:+.0f} ms after the clock's start"
                if self.clock_offset_s is not None
                else ""
            )
            + f", {self.opened} stream(s) opened, {self.restarts} restart(s)"
            + f" ({self.late_starts} for a late start, {self.held_back} held back)"
        ]
        for c in self.cues:
            err = "MISSING" if c.error_s is None else f"{c.error_s * 1000:+7.1f} ms"
            late = (c.played - c.planned) * 1000
            mark = " (work boundary)" if c.work_boundary else ""
            lines.append(
                f"  {c.planned:7.3f} s  {c.name:9s} error {err}  (timer {late:+.1f} ms){mark}"
            )
        if self.added_latency_s:
            a = sorted(self.added_latency_s)
            lines.append(
                f"  playsound added latency vs Qt: median {statistics.median(a) * 1000:.0f} ms, "
                f"min {a[0] * 1000:.0f} ms, max {a[-1] * 1000:.0f} ms"
            )
        lines.append(f"  worst work-boundary error: {self.worst() * 1000:.1f} ms")
        return "\n".join(lines)


# ------------------------------------------------------------------ sound server


def pulse_reachable() -> tuple[bool, str]:
    """Whether PULSE_SERVER answers and has the null sink (and why not)."""
    if not os.environ.get("PULSE_SERVER"):
        return False, 'PULSE_SERVER is not set (eval "$(bash .ci/pulse.sh start)")'
    for tool in ("pactl", "parecord"):
        if shutil.which(tool) is None:
            return False, f"{tool} is not installed (pulseaudio-utils)"
    try:
        r = subprocess.run(
            ["pactl", "list", "short", "sinks"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, f"pactl failed: {e}"
    if r.returncode != 0:
        return (
            False,
            f"PulseAudio at {os.environ['PULSE_SERVER']} not reachable: {r.stderr.strip()}",
        )
    if SINK not in r.stdout:
        return False, f"no sink {SINK!r} on the server"
    return True, ""


class Recorder:
    """parecord of the null sink's monitor into a raw s16le mono file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.proc: subprocess.Popen[bytes] | None = None
        self.t0: float | None = None  # monotonic time of the file's first sample (approx.)

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "parecord",
                "--raw",
                f"--device={SINK}.monitor",
                "--format=s16le",
                f"--rate={RATE}",
                "--channels=1",
                "--latency-msec=10",
                str(self.path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def wait_live(self, seconds: float = 0.3, timeout: float = 10.0) -> None:
        """Block until ``seconds`` of audio have been captured (the stream is live).

        ``t0`` is estimated from the file's growth: each look gives ``now - size /
        rate``, never earlier than the true start (the file trails the capture), so
        the earliest of a few looks over another 0.3 s is kept."""
        need = int(seconds * RATE) * 2
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            size = self.path.stat().st_size if self.path.exists() else 0
            if size >= need:
                looks = []
                until = time.monotonic() + 0.3
                while time.monotonic() < until:
                    looks.append(time.monotonic() - self.path.stat().st_size / 2 / RATE)
                    time.sleep(0.002)
                self.t0 = min(looks)
                return
            if self.proc is not None and self.proc.poll() is not None:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                raise RuntimeError(f"parecord exited: {err.strip()}")
            time.sleep(0.01)
        raise RuntimeError("parecord captured nothing")

    def stop(self) -> array.array[int]:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return s16le(self.path.read_bytes())


def s16le(raw: bytes) -> array.array[int]:
    """A raw recording's samples (signed 16-bit little-endian; a trailing odd byte
    dropped)."""
    data = array.array("h")
    data.frombytes(raw[: len(raw) - len(raw) % 2])
    if sys.byteorder != "little":
        data.byteswap()
    return data


def detect_onsets(
    samples: array.array[int], rate: int = RATE, threshold: int = THRESHOLD
) -> list[float]:
    """Seconds of each sample that crosses ``threshold`` after a quiet gap."""
    gap = int(QUIET_GAP_S * rate)
    out: list[float] = []
    last_loud = -gap - 1
    # scan in 1 ms blocks, then find the exact sample inside the first loud block
    block = rate // 1000
    for b in range(0, len(samples), block):
        chunk = samples[b : b + block]
        if max(chunk, default=0) < threshold and -min(chunk, default=0) < threshold:
            continue
        for k, v in enumerate(chunk):
            if abs(v) >= threshold:
                i = b + k
                if i - last_loud > gap:
                    out.append(i / rate)
                break
        # the last loud sample of this block
        for k in range(len(chunk) - 1, -1, -1):
            if abs(chunk[k]) >= threshold:
                last_loud = b + k
                break
    return out


def onset_offsets(gain: float, threshold: int = THRESHOLD) -> dict[str, float]:
    """Seconds from the start of each built-in cue sound to its first sample that
    crosses ``threshold`` once scaled by ``gain``: where :func:`detect_onsets` finds
    a cue that starts exactly on its instant (taken out of every cue's error)."""
    from hiptimer.cues import CUE_NAMES
    from hiptimer.qt.cues import decode_wav
    from hiptimer.resources import sounds_dir

    out: dict[str, float] = {}
    for cue in CUE_NAMES:
        samples = decode_wav(sounds_dir() / f"{cue}.wav")
        first = next((i for i, v in enumerate(samples) if abs(v * gain) >= threshold), 0)
        out[cue] = first / RATE
    return out


def qt_gain(volume: float = 0.8) -> float:
    """The linear gain the qt backend applies at the default volume setting (0.8)."""
    from hiptimer.qt.cues import _QtAudio

    return float(
        _QtAudio.convertVolume(
            volume,
            _QtAudio.VolumeScale.LogarithmicVolumeScale,
            _QtAudio.VolumeScale.LinearVolumeScale,
        )
    )


def align(
    planned: list[float], onsets: list[float], tolerance: float = 0.04
) -> tuple[float, list[float | None]]:
    """The constant offset that lines up the most planned instants with onsets,
    refined to the median; and each planned instant's onset (None: missing)."""
    if not planned or not onsets:
        return 0.0, [None] * len(planned)
    best: tuple[int, float, float] | None = None
    for p in planned:
        for o in onsets:
            c = o - p
            hits = [min(abs(x - (q + c)) for x in onsets) for q in planned]
            score = sum(1 for h in hits if h <= tolerance)
            spread = statistics.median(hits)
            if best is None or (score, -spread) > (best[0], -best[1]):
                best = (score, spread, c)
    assert best is not None
    c = best[2]
    matched: list[float | None] = []
    for q in planned:
        x = min(onsets, key=lambda o: abs(o - (q + c)))
        matched.append(x if abs(x - (q + c)) <= max(tolerance * 4, 0.15) else None)
    offs = [m - q for m, q in zip(matched, planned, strict=True) if m is not None]
    return (statistics.median(offs) if offs else c), matched


# ------------------------------------------------------------------ the session


def planned_cues(routine_text: str = ROUTINE) -> list[Cue]:
    """Every cue the routine sounds, at its instant from the session's start
    (the pure rules on a previewed session, no Qt)."""
    from hiptimer import cues as rules
    from hiptimer.clock import FakeClock
    from hiptimer.engine import Session
    from hiptimer.events import StepEnded, StepStarted
    from hiptimer.loader import load_routine_text
    from hiptimer.plan import compile_plan

    plan = compile_plan(load_routine_text(routine_text, "cue-timing.yaml"))
    events = Session(plan, FakeClock(start=0.0)).preview_start(0.0, plan.duration_s + 60)
    work = {e.at for e in events if isinstance(e, StepStarted | StepEnded) and e.step.is_work}
    return [Cue(c, at, at, at in work) for at, c in rules.cues_by_instant(events)]


def run(
    backend: str = "qt",
    *,
    mode: str = "open",
    tail_s: float = 1.0,
    routine_text: str = ROUTINE,
    match_s: float = 0.04,
    log: Callable[[str], None] = lambda _m: None,
    extra_env: dict[str, str] | None = None,
    label: str | None = None,
) -> Result:
    """Run ``hiptimer ROUTINE --start --quit-on-finish`` as a user would and
    measure the recording of every cue it sounds (an onset more than
    ``max(4 * match_s, 0.15)`` s off its place counts as missing). Each onset is
    taken back by the cue sound's own time to cross the threshold, so a cue that
    starts exactly on its instant has an error of 0."""
    tmp = Path(tempfile.mkdtemp(prefix="hiptimer-cues-"))
    routine = tmp / "cue-timing.yaml"
    routine.write_text(routine_text, encoding="utf-8")
    cues = planned_cues(routine_text)
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "xcb" if env.get("DISPLAY") else "offscreen")
    env["HIPTIMER_CUE_MODE"] = mode
    env["HIPTIMER_NO_VOICE"] = "1"  # speech would land in the same recording
    env["XDG_CONFIG_HOME"] = str(tmp / "config")
    env["XDG_DATA_HOME"] = str(tmp / "data")
    env["HIPTIMER_DEBUG_CUES"] = "1"  # the clock's start instant and any stream restarts
    env.update(extra_env or {})
    cmd = [
        sys.executable, "-m", "hiptimer", str(routine), "--start", "--quit-on-finish",
        "--audio-backend", backend, "--db", str(tmp / "log.sqlite3"),
    ]  # fmt: skip
    rec = Recorder(tmp / "monitor.raw")
    rec.start()
    try:
        rec.wait_live()
        t_launch = time.monotonic()
        # from the temporary folder: ``python -m`` puts the working folder first on
        # sys.path, and from a checkout it would run the checkout, not the installed app
        proc = subprocess.run(
            cmd, env=env, capture_output=True, text=True, timeout=120, cwd=str(tmp)
        )
        if proc.returncode != 0:
            raise RuntimeError(f"hiptimer exited {proc.returncode}: {proc.stderr[-800:]}")
        log(proc.stderr)
        if f"Sound cues: {backend}" not in proc.stderr and backend != "qt":
            log(proc.stderr)
        time.sleep(tail_s)
    finally:
        samples = rec.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    onsets = detect_onsets(samples)
    log(f"{len(samples) / RATE:.2f} s recorded, onsets at {[round(o, 3) for o in onsets]}")
    lead = onset_offsets(qt_gain() if backend == "qt" else 1.0)
    starts = [c.planned + lead.get(c.name, 0.0) for c in cues]  # where each onset belongs
    latency, matched = align(starts, onsets, tolerance=match_s)
    for c, st, m in zip(cues, starts, matched, strict=True):
        c.onset = m
        c.error_s = None if m is None else m - st - latency
    # the launch-to-first-cue time (start-up, stream and the clock's wait included)
    abs_latency = None if rec.t0 is None else rec.t0 + latency - t_launch
    clock = [ln for ln in proc.stderr.splitlines() if ln.startswith("cues: the clock starts at")]
    offset = None
    if clock and rec.t0 is not None:
        offset = rec.t0 + latency - float(clock[-1].rsplit(" ", 1)[1])
    name = label or (f"{backend}/{mode}" if backend == "qt" else backend)
    return Result(name, True, cues, latency, abs_latency, onsets, clock_offset_s=offset,
                  **debug_counts(proc.stderr))  # fmt: skip


#: What the app says on stderr with HIPTIMER_DEBUG_CUES=1, by the Result field counting it.
DEBUG_LINES = {
    "opened": "cues: stream opened at",
    "restarts": "cues: restart at",
    "late_starts": "cues: late start",
    "held_back": "cues: held back",
}


def debug_counts(stderr: str) -> dict[str, int]:
    """How many times the app said each of DEBUG_LINES (benchmarks/held_stream.py too)."""
    lines = stderr.splitlines()
    return {key: sum(ln.startswith(said) for ln in lines) for key, said in DEBUG_LINES.items()}


def _stats(values: list[float]) -> str:
    v = sorted(values)
    return (
        f"median {statistics.median(v) * 1000:6.1f} ms, min {v[0] * 1000:6.1f} ms, "
        f"max {v[-1] * 1000:6.1f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", choices=("open", "open-qtbuf", "gaps", "playsound"))
    ap.add_argument("--bound-ms", type=float, default=5.0)
    ap.add_argument(
        "--late-ms",
        type=float,
        default=50.0,
        help="a first cue heard this long after the session clock's start counts as a run\n"
        "whose sound lagged its screen (the estimate itself is good to about 10 ms)",
    )
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    ok, why = pulse_reachable()
    if not ok:
        print(f"cue_timing: {why}", file=sys.stderr)
        return 2
    # (label, backend, mode, extra environment)
    configs: list[tuple[str, str, str, dict[str, str]]] = [
        ("qt/open", "qt", "open", {}),
        ("qt/open-qtbuf", "qt", "open", {"HIPTIMER_CUE_SERVER_MS": "0"}),
        ("qt/gaps", "qt", "gaps", {}),
        ("playsound", "playsound", "open", {}),
    ]
    if args.only:
        configs = [c for c in configs if c[0].removeprefix("qt/") == args.only]
    worst: dict[str, list[float]] = {}
    every: dict[str, list[float]] = {}
    offsets: dict[str, list[float]] = {}
    missing: dict[str, int] = {}
    restarts: dict[str, int] = {}
    late_starts: dict[str, int] = {}
    held_back: dict[str, int] = {}
    opened: dict[str, list[int]] = {}
    for i in range(args.runs):
        for label, backend, mode, extra in configs:
            say = (lambda m: print(m)) if args.verbose else (lambda _m: None)
            r = run(backend, mode=mode, log=say, extra_env=extra, label=label)
            key = r.backend
            if args.verbose:
                print(f"run {i + 1}: " + r.report())
            errs = [abs(c.error_s) for c in r.cues if c.error_s is not None]
            missing[key] = missing.get(key, 0) + len(r.missing)
            restarts[key] = restarts.get(key, 0) + r.restarts
            late_starts[key] = late_starts.get(key, 0) + r.late_starts
            held_back[key] = held_back.get(key, 0) + r.held_back
            opened.setdefault(key, []).append(r.opened)
            worst.setdefault(key, []).append(max(errs) if errs else float("inf"))
            every.setdefault(key, []).extend(errs)
            if r.clock_offset_s is not None:
                offsets.setdefault(key, []).append(r.clock_offset_s)
            print(f"run {i + 1} {key:13s} worst {max(errs) * 1000:6.1f} ms, first cue "
                  f"{(r.cues[0].error_s or 0) * 1000:+.1f} ms, {len(r.missing)} missing, "
                  f"{r.opened} stream(s) opened, {r.restarts} restart(s) "
                  f"({r.late_starts} for a late start, {r.held_back} held back)",
                  flush=True)  # fmt: skip
    print(f"\n{len(planned_cues())} cues a run, {args.runs} run(s) per configuration")
    status = 0
    for key in worst:
        print(f"{key:13s} worst cue of a run: {_stats(worst[key])}")
        print(f"{'':13s} every cue:          {_stats(every[key])}; missing {missing[key]}, "
              f"stream restarts {restarts[key]} ({late_starts[key]} for a late start, "
              f"{held_back[key]} held back), "
              f"streams opened a run "
              f"{min(opened[key])}-{max(opened[key])}")  # fmt: skip
        late = 0
        if key in offsets:
            print(f"{'':13s} first cue after the clock's start (approx.): {_stats(offsets[key])}")
            late = sum(o * 1000 > args.late_ms for o in offsets[key])
            if late:
                print(f"{'':13s} LATE: in {late} of {len(offsets[key])} run(s) the sound started "
                      f"over {args.late_ms:g} ms after the clock: every cue of that session "
                      "lagged the screen, which the errors above (against the session's own "
                      "stream) do not show")  # fmt: skip
        if key.startswith("qt") and (
            missing[key] or late or max(worst[key]) * 1000 > args.bound_ms
        ):
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
