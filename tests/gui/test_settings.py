"""Settings persist through QSettings, and bad stored values fall back to defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from hiptimer.qt.settings import Settings


def _ini(path: Path) -> QSettings:
    return QSettings(str(path), QSettings.Format.IniFormat)


def test_defaults(tmp_path: Path) -> None:
    s = Settings(_ini(tmp_path / "s.ini"))
    assert s.theme == "dark"
    assert s.player_screen == "auto"
    assert s.mirror is False and s.larger_text is False
    assert s.volume == pytest.approx(0.8)
    assert s.muted is False
    assert s.voice_enabled is True
    assert s.flash_enabled is True
    assert s.reduced_motion is False
    assert s.audio_backend == "auto"
    assert (s.weekly_goal_minutes, s.weekly_goal_days) == (30, 5)


def test_values_persist_across_instances(tmp_path: Path) -> None:
    path = tmp_path / "s.ini"
    s = Settings(_ini(path))
    s.theme = "light"
    s.player_screen = "HDMI-1"
    s.mirror = True
    s.larger_text = True
    s.volume = 0.35
    s.muted = True
    s.voice_enabled = False
    s.flash_enabled = False
    s.reduced_motion = True
    s.audio_backend = "playsound"
    s.weekly_goal_minutes = 20
    s.weekly_goal_days = 4
    s.sync()
    del s

    t = Settings(_ini(path))
    assert t.theme == "light"
    assert t.player_screen == "HDMI-1"
    assert t.mirror is True and t.larger_text is True
    assert t.volume == pytest.approx(0.35)
    assert t.muted is True
    assert t.voice_enabled is False
    assert t.flash_enabled is False
    assert t.reduced_motion is True
    assert t.audio_backend == "playsound"
    assert (t.weekly_goal_minutes, t.weekly_goal_days) == (20, 4)

    t.player_screen = "window"
    t.sync()
    assert Settings(_ini(path)).player_screen == "window"


def test_hand_edited_garbage_falls_back(tmp_path: Path) -> None:
    path = tmp_path / "s.ini"
    path.write_text(
        "[view]\ntheme=purple\nflash=maybe\n"
        "[sound]\nvolume=loud\nmuted=yes\nbackend=alsa\n"
        "[presentation]\nscreen=-3\nplayer_screen=\nmirror=perhaps\n"
        "[goal]\nminutes=0\ndays=9\n",
        encoding="utf-8",
    )
    s = Settings(_ini(path))
    assert s.theme == "dark"
    assert s.flash_enabled is True
    assert s.volume == pytest.approx(0.8)
    assert s.muted is True
    assert s.audio_backend == "auto"
    assert s.player_screen == "auto"  # an empty choice, and the old index is ignored
    assert s.mirror is False
    assert (s.weekly_goal_minutes, s.weekly_goal_days) == (30, 5)


def test_volume_is_clamped_and_bad_values_refused(tmp_path: Path) -> None:
    s = Settings(_ini(tmp_path / "s.ini"))
    s.volume = 3.0
    assert s.volume == 1.0
    s.volume = -1
    assert s.volume == 0.0
    with pytest.raises(ValueError):
        s.theme = "neon"
    with pytest.raises(ValueError):
        s.audio_backend = "alsa"
    with pytest.raises(ValueError):
        s.weekly_goal_days = 8
    with pytest.raises(ValueError):
        s.player_screen = " "
