"""The Sound menu says in words why there is no voice; the window wears HipTimer's icon."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from hiptimer.qt import cues as qcues
from hiptimer.qt.app import AppOptions, MainWindow, name_app, set_app_icon
from hiptimer.qt.settings import APPLICATION, ORGANIZATION, Settings

ROOT = Path(__file__).resolve().parents[2]
NO_ENGINE = "Voice: no speech engine found; install speech-dispatcher"


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("HIPTIMER_NO_VOICE", raising=False)

    class MockVoice(qcues.Voice):
        """The window's engine is Qt's mock one: the machine's speech service, whatever
        state it is in (a wedged speech-dispatcher never returns), is not under test."""

        def __init__(self) -> None:
            super().__init__("mock")

    monkeypatch.setattr(qcues, "Voice", MockVoice)
    monkeypatch.setattr(MockVoice, "_available", None)
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    w = MainWindow(AppOptions(db=tmp_path / "log.sqlite3", audio_backend="none"), settings)
    qtbot.addWidget(w)
    yield w
    w.close()
    assert w.finish_voice()  # its thread joined, as the app does after its event loop


def test_no_speech_engine_is_said_in_the_sound_menu(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(qcues.Voice, "engines", staticmethod(lambda: []))
    assert not window.voice_action.isEnabled()
    assert window.voice_action.text() == "Voice: looking for a speech engine..."
    window.probe_voice()
    qtbot.waitUntil(lambda: window.voice_action.text() == NO_ENGINE, timeout=5_000)
    assert window.voice_action.text() == NO_ENGINE
    assert window.voice_action.isVisible()
    assert not window.voice_action.isEnabled()
    assert not window.voice_action.isCheckable()  # no tick beside a switch that cannot work


def test_an_engine_that_does_not_answer_is_said_too(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the probe's child hangs like a wedged speech-dispatcher; the window stays live
    monkeypatch.setattr(qcues, "_PROBE", "import time; time.sleep(30)")
    probe = qcues.SpeechProbe("speechd", timeout_s=0.5, parent=window)
    window._speech_probe = probe
    probe.finished.connect(window._on_speech_probe_finished)
    with qtbot.waitSignal(probe.finished, timeout=10_000) as blocker:
        probe.start()
    assert blocker.args == [False]
    assert window.voice_action.text() == (
        "Voice: the speech engine did not answer in time; check speech-dispatcher"
    )
    assert not window.voice_action.isEnabled()


def test_a_working_engine_turns_the_switch_on(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    probe = qcues.SpeechProbe("mock", timeout_s=20, parent=window)
    window._speech_probe = probe
    probe.finished.connect(window._on_speech_probe_finished)
    with qtbot.waitSignal(probe.finished, timeout=30_000) as blocker:
        probe.start()
    assert blocker.args == [True]
    assert window.voice_action.isEnabled() and window.voice_action.isCheckable()
    # on by default, and still on after the window was built with the switch disabled
    assert window.settings.voice_enabled is True
    assert window.voice_action.isChecked()
    assert window.voice_action.text() == "Spoken &guidance"
    window.voice_action.trigger()  # the person's click is what turns it off, and is kept
    assert not window.voice_action.isChecked()
    assert window.settings.voice_enabled is False


def test_building_the_window_or_a_failed_probe_keeps_the_voice_preference(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert window.settings.voice_enabled is True  # the window was built: still on
    monkeypatch.setattr(qcues.Voice, "engines", staticmethod(lambda: []))
    window.probe_voice()
    qtbot.waitUntil(lambda: window.voice_action.text() == NO_ENGINE, timeout=5_000)
    assert window.settings.voice_enabled is True  # no engine here is not "I want no voice"


def test_speech_probe_reasons(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HIPTIMER_NO_VOICE", raising=False)
    monkeypatch.setattr(qcues.Voice, "engines", staticmethod(lambda: []))
    probe = qcues.SpeechProbe()
    with qtbot.waitSignal(probe.finished, timeout=5_000):
        probe.start()
    assert probe.reason == qcues.NO_ENGINE
    failing = qcues.SpeechProbe("no-such-engine", timeout_s=20)
    with qtbot.waitSignal(failing.finished, timeout=30_000) as blocker:
        failing.start()
    assert blocker.args == [False]
    assert "did not start" in failing.reason


def test_the_app_icon_has_every_size(qapp: QApplication) -> None:
    set_app_icon(qapp)
    icon = qapp.windowIcon()
    assert not icon.isNull()
    sizes = {s.width() for s in icon.availableSizes()}
    assert {16, 32, 48, 256} <= sizes


def test_the_app_is_named_as_its_desktop_entry(qapp: QApplication) -> None:
    before = (qapp.organizationName(), qapp.applicationName(), QApplication.desktopFileName())
    QApplication.setDesktopFileName("")
    try:
        name_app(qapp)
        assert QApplication.desktopFileName() == "io.github.hiptimer.HipTimer"
        assert (qapp.organizationName(), qapp.applicationName()) == (ORGANIZATION, APPLICATION)
    finally:
        qapp.setOrganizationName(before[0])
        qapp.setApplicationName(before[1])
        QApplication.setDesktopFileName(before[2])


def test_the_pngs_are_what_make_icons_renders() -> None:
    """Same SVG, same Qt: same bytes (the PySide6 pin keeps Qt's renderer fixed)."""
    r = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_icons.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
