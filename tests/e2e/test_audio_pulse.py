"""Cues through a real sound server, recorded from a PulseAudio null sink.

Needs the private server .ci/run starts (``eval "$(bash .ci/pulse.sh start)"``);
skipped with the reason otherwise. Runs ``hiptimer ROUTINE --start
--quit-on-finish`` on a ~17 s routine at real speed per backend (see
benchmarks/cue_timing.py for the method and the measured figures; this test
holds a looser bound so a loaded CI machine does not flake: on a 2-core machine
shared by several test runs a starved sound server slips by up to ~70 ms now
and then, which the app notices and corrects only at the next quiet moment).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.audio]

BOUND_S = 0.060
ROOT = Path(__file__).resolve().parents[2]


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cue_timing", ROOT / "benchmarks/cue_timing.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["cue_timing"] = mod
    spec.loader.exec_module(mod)
    return mod


bench = _bench()


@pytest.fixture(scope="module")
def pulse() -> None:
    ok, why = bench.pulse_reachable()
    if not ok:
        pytest.skip(f"no PulseAudio server to record from: {why}")


def test_onset_detection_finds_synthetic_beeps() -> None:
    import array
    import math

    rate = bench.RATE
    samples = array.array("h", [0] * (rate * 3))
    for start in (0.5, 1.25, 2.0):
        i0 = int(start * rate)
        for k in range(int(0.2 * rate)):
            samples[i0 + k] = int(8000 * math.sin(2 * math.pi * 440 * k / rate))
    onsets = bench.detect_onsets(samples)
    assert len(onsets) == 3
    for got, want in zip(onsets, (0.5, 1.25, 2.0), strict=True):
        assert abs(got - want) < 0.002
    offset, matched = bench.align([10.0, 10.75, 11.5], onsets)
    assert abs(offset - (0.5 - 10.0)) < 0.002 and None not in matched


def test_qt_cues_sound_on_time_including_the_first(pulse: None, qapp: object) -> None:
    # A starved sound server (a CI machine running other suites) can slip a run by tens
    # of ms; one more run is allowed, and both reports are printed.
    reports = []
    for _attempt in range(2):
        r = bench.run("qt")
        reports.append(r.report())
        print(reports[-1])
        assert len(r.cues) >= 9
        work = [c for c in r.cues if c.work_boundary]
        assert len(work) == 8  # 4 work steps, each start and end
        first = r.cues[0]
        assert first.name == "ready"
        if not r.missing and first.error_s is not None and r.worst(only_work=False) <= BOUND_S:
            return
    pytest.fail("cues off their instants in two runs:\n" + "\n".join(reports))


def test_playsound_cues_are_all_audible(pulse: None, qapp: object) -> None:
    from hiptimer.qt.cues import playsound_available

    if not playsound_available():
        pytest.skip("playsound3 has no player program here (gst-play-1.0 or paplay)")
    r = bench.run("playsound", match_s=0.125)
    print(r.report())
    # every cue heard, each within 0.5 s of one constant latency (a cue further off is
    # left unmatched, i.e. missing): not absurdly late for a process start per cue
    assert not r.missing, f"not heard: {[c.name for c in r.missing]}\n{r.report()}"


def _buffer_latency_ms(pid: int) -> float | None:
    """The newest sink input of process ``pid`` (streams of earlier tests may linger):
    the sound server's "Buffer Latency" (ms). PipeWire's PulseAudio service reports
    that as 0 and the stream's quantum as ``node.latency = "FRAMES/RATE"`` (8192/48000
    when 500 ms is asked for, 256/48000 for Qt's own 21 ms): that, there."""
    import subprocess

    out = subprocess.run(
        ["pactl", "list", "sink-inputs"], capture_output=True, text=True, timeout=10
    ).stdout
    found: dict[int, float] = {}
    for block in out.split("Sink Input #")[1:]:
        if f'application.process.id = "{pid}"' not in block:
            continue
        buffer_ms = node_ms = 0.0
        for line in block.splitlines():
            if "Buffer Latency:" in line:
                buffer_ms = int(line.split(":")[1].split()[0]) / 1000
            elif line.strip().startswith("node.latency = "):
                frames, _, rate = line.split("=", 1)[1].strip().strip('"').partition("/")
                node_ms = int(frames) / int(rate) * 1000 if rate else 0.0
        found[int(block.split()[0])] = buffer_ms or node_ms
    return found[max(found)] if found else None


@pytest.mark.parametrize(("server_ms", "low", "high"), [(None, 100.0, 2000.0), (0, 0.0, 60.0)])
def test_the_cue_stream_asks_the_server_for_a_long_buffer(
    pulse: None,
    qtbot: object,
    monkeypatch: pytest.MonkeyPatch,
    server_ms: int | None,
    low: float,
    high: float,
) -> None:
    """Qt 6.9 asks PulseAudio for 21 ms; the qt backend asks for SERVER_BUFFER_MS (so
    the server and Qt's sound thread wake a few times a second, not hundreds)."""
    import os

    from hiptimer.cues import CUE_NAMES
    from hiptimer.qt import cues as qcues
    from hiptimer.resources import sounds_dir

    monkeypatch.delenv("PULSE_LATENCY_MSEC", raising=False)
    if server_ms is not None:
        monkeypatch.setattr(qcues, "SERVER_BUFFER_MS", server_ms)
    p = qcues.QtCuePlayer({c: sounds_dir() / f"{c}.wav" for c in CUE_NAMES})
    try:
        p.warm_up()
        seen: list[float] = []

        def settled() -> bool:
            ms = _buffer_latency_ms(os.getpid())
            if ms is not None:
                seen.append(ms)
            return len(seen) >= 3

        qtbot.waitUntil(settled, timeout=10_000)  # type: ignore[attr-defined]
        assert low <= max(seen) <= high, seen
        assert "PULSE_LATENCY_MSEC" not in os.environ  # asked for this stream only
    finally:
        p.close()


def test_a_new_plan_takes_queued_cues_back_and_keeps_the_new_ones_exact(
    pulse: None, qtbot: object, tmp_path: Path
) -> None:
    """Through the real server: cues written into the stream's buffer, then a pause
    (nothing to come) and a moved plan (as +10 s or Next make): the taken-back cues
    are never heard, and the new ones sound exactly their planned interval apart."""
    import time

    from hiptimer.cues import CUE_NAMES
    from hiptimer.qt import cues as qcues
    from hiptimer.resources import sounds_dir

    wait = qtbot.wait  # type: ignore[attr-defined]
    rec = bench.Recorder(tmp_path / "monitor.raw")
    rec.start()
    p = qcues.QtCuePlayer({c: sounds_dir() / f"{c}.wav" for c in CUE_NAMES})
    try:
        rec.wait_live()
        p.warm_up()
        t0 = time.monotonic()
        p.schedule([(t0 + 0.5, "go"), (t0 + 0.7, "stop")])
        assert p.track is not None and p.track.written_until > t0 + 0.7  # both written
        opened = p.opened
        p.schedule([])  # a pause: neither may sound, so a fresh stream takes over
        assert p.opened == opened + 1
        p.schedule([(t0 + 0.9, "switch"), (t0 + 1.9, "complete")])  # the plan moved on
        wait(3000)
    finally:
        p.close()
        samples = rec.stop()
    onsets = bench.detect_onsets(samples)
    lead = bench.onset_offsets(bench.qt_gain())
    assert len(onsets) == 2, onsets  # the switch and the complete, nothing else
    gap = (onsets[1] - lead["complete"]) - (onsets[0] - lead["switch"])
    assert abs(gap - 1.0) < 0.002, gap
