"""Qt cue players, the voice and the CueDirector (offscreen, no sound needed)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtMultimedia import QSoundEffect

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
    reason="QSoundEffect loads only for an audio output: none here "
    '(eval "$(bash .ci/pulse.sh start)" gives one)',
)


@needs_output
def test_qt_player_preloads_every_cue(qapp: Any) -> None:
    sounds = {c: sounds_dir() / f"{c}.wav" for c in CUE_NAMES}
    p = qcues.QtCuePlayer(sounds, require_device=False)
    try:
        assert set(p.effects) == set(CUE_NAMES)
        assert p.loaded
        for eff in p.effects.values():
            assert eff.status() == QSoundEffect.Status.Ready
        assert 0.04 < p.length("tick") < 0.2 and p.length("complete") > 1.0
        p.warm_up()
        p.set_muted(True)
        p.play("go")  # muted: nothing plays
        assert not p.effects["go"].isPlaying()
    finally:
        p.close()


@needs_output
def test_qt_player_reports_a_broken_sound_and_keeps_the_rest(qapp: Any, tmp_path: Path) -> None:
    bad = tmp_path / "go.wav"
    bad.write_bytes(b"RIFF....not a wav at all")
    sounds = {c: sounds_dir() / f"{c}.wav" for c in CUE_NAMES} | {"go": bad}
    msgs: list[str] = []
    p = qcues.QtCuePlayer(sounds, on_message=msgs.append, require_device=False)
    try:
        assert "go" not in p.effects and "stop" in p.effects
        assert any("'go'" in m for m in msgs)
        p.play("go")  # a missing cue is silently skipped
    finally:
        p.close()


def test_qt_player_without_a_device_refuses(monkeypatch: pytest.MonkeyPatch, qapp: Any) -> None:
    monkeypatch.setattr(qcues, "qt_output_available", lambda: False)
    with pytest.raises(qcues.CueBackendError, match="no audio output device"):
        qcues.QtCuePlayer({c: sounds_dir() / f"{c}.wav" for c in CUE_NAMES})


def test_device_lost_mid_session_is_said_once(monkeypatch: pytest.MonkeyPatch, qapp: Any) -> None:
    msgs: list[str] = []
    p = qcues.QtCuePlayer(
        {}, on_message=msgs.append, require_device=False, silence=Path("/nonexistent.wav")
    )
    try:
        p._had_output = True
        monkeypatch.setattr(qcues, "qt_output_available", lambda: False)
        p._on_devices_audio_outputs_changed()
        p._on_devices_audio_outputs_changed()
        p.play("go")  # no raise
        assert sum("went away" in m for m in msgs) == 1
        monkeypatch.setattr(qcues, "qt_output_available", lambda: True)
        p._on_devices_audio_outputs_changed()
        assert any("back" in m for m in msgs)
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

    class Snd:
        def is_alive(self) -> bool:
            return False

    def slow(path: Path, block: bool = True, backend: Any = None) -> Snd:
        time.sleep(0.5)
        calls.append((path, block))
        return Snd()

    msgs: list[str] = []
    p = qcues.PlaysoundCuePlayer(
        {c: sounds_dir() / f"{c}.wav" for c in CUE_NAMES}, on_message=msgs.append
    )
    p._playsound = slow
    t = time.monotonic()
    p.play("go")
    p.play("stop")
    assert time.monotonic() - t < 0.1  # the UI thread went on
    deadline = time.monotonic() + 5
    while len(calls) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert calls == [(sounds_dir() / "go.wav", False), (sounds_dir() / "stop.wav", False)]

    def failing(*_a: Any, **_k: Any) -> Any:
        raise OSError("device gone")

    p._playsound = failing
    p.play("go")
    p.play("go")
    deadline = time.monotonic() + 5
    while not msgs and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.1)
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


def test_voice_speaks_with_the_mock_engine(qtbot: Any) -> None:
    from PySide6.QtTextToSpeech import QTextToSpeech

    if "mock" not in QTextToSpeech.availableEngines():
        pytest.skip("PySide6 ships no mock speech engine here")
    v = qcues.Voice("mock")
    states: list[Any] = []
    v.tts.stateChanged.connect(states.append)
    v.say("Switch sides")
    qtbot.waitUntil(lambda: QTextToSpeech.State.Speaking in states, timeout=3000)
    assert v.spoken == ["Switch sides"]
    v.stop()
    v.set_muted(True)
    v.say("Last set")
    assert v.spoken == ["Switch sides"]
    v.set_muted(False)
    v.enabled = False
    v.say("Last set")
    assert v.spoken == ["Switch sides"]


def test_speech_probe_is_bounded_and_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    t = time.monotonic()
    assert qcues.probe_speech("no-such-engine", timeout=10) is False
    assert qcues.probe_speech("mock", timeout=10) is True
    assert time.monotonic() - t < 10
    monkeypatch.setenv("HIPTIMER_NO_VOICE", "1")
    assert qcues.Voice.available() is False
