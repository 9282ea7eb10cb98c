"""The Qt half of ``hiptimer doctor``: Qt, screens, audio output and the voice engine.

Run in a child process (``python -m hiptimer.qt.probe``) with a time limit, so a
platform plugin, sound server or speech service that hangs cannot hang the
doctor; prints one JSON object. The speech engine is tried in a child of its
own (:func:`speech_engine`), since a wedged speech-dispatcher blocks its caller.
"""

from __future__ import annotations

import json
import os
import sys

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QSettings, qVersion
from PySide6.QtGui import QGuiApplication

from hiptimer.qt.settings import APPLICATION, ORGANIZATION


def speech_engine(timeout_s: float | None = None) -> tuple[str | None, str]:
    """(engine name, "") when a real speech engine starts within ``timeout_s``,
    else (None, why not) in words."""
    from hiptimer.qt import cues

    if timeout_s is None:
        timeout_s = cues.SPEECH_PROBE_TIMEOUT_S
    if cues.voice_disabled():
        return None, "turned off by HIPTIMER_NO_VOICE"
    engines = cues.Voice.engines()
    if not engines:
        return None, cues.NO_ENGINE
    ok, why = cues.check_speech(engines[0], timeout_s)
    return (engines[0], "") if ok else (None, why)


def report() -> dict[str, object]:
    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    assert isinstance(app, QGuiApplication)
    primary = QGuiApplication.primaryScreen()
    screens = [
        {
            "name": s.name(),
            "size": f"{s.geometry().width()}x{s.geometry().height()}",
            "device_pixel_ratio": s.devicePixelRatio(),
            "primary": s is primary,
        }
        for s in QGuiApplication.screens()
    ]
    out: dict[str, object] = {
        "qt_version": qVersion(),
        "pyside_version": pyside_version,
        "platform_plugin": QGuiApplication.platformName(),
        "screens": screens,
        "settings_file": QSettings(ORGANIZATION, APPLICATION).fileName(),
    }
    from PySide6.QtMultimedia import QMediaDevices

    from hiptimer import cues as rules
    from hiptimer.qt import cues
    from hiptimer.qt.settings import Settings

    outputs = QMediaDevices.audioOutputs()
    default = QMediaDevices.defaultAudioOutput()
    available = {"qt": bool(outputs), "playsound": cues.playsound_available()}
    out["audio_backend"] = rules.choose_backend("auto", lambda n: available.get(n, False))[0]
    out["audio_backend_setting"] = Settings().audio_backend
    out["qt_media_backend"] = os.environ.get("QT_MEDIA_BACKEND") or "ffmpeg"
    out["audio_output_device"] = None if default.isNull() else default.description()
    out["audio_outputs"] = [d.description() for d in outputs]
    engine, reason = speech_engine()
    out["voice_engine"] = engine
    out["voice_engine_reason"] = reason or None
    return out


if __name__ == "__main__":
    print(json.dumps(report()), flush=True)
