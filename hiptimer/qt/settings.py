"""User settings that persist between runs (QSettings, typed).

QSettings stores everything as strings in some backends (INI files on
Linux), so every property converts and validates what it reads: a setting
file edited by hand, or written by an older version, never breaks the app,
it falls back to the default.
"""

from __future__ import annotations

from typing import Literal, cast

from PySide6.QtCore import QSettings

ThemeName = Literal["dark", "light"]
AudioBackendName = Literal["auto", "qt", "playsound", "none"]

THEMES: tuple[ThemeName, ...] = ("dark", "light")
AUDIO_BACKENDS: tuple[AudioBackendName, ...] = ("auto", "qt", "playsound", "none")

ORGANIZATION = "HipTimer"
APPLICATION = "HipTimer"


def _to_bool(value: object, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    if isinstance(value, str):
        v = value.strip().lower()
        if v in ("true", "1", "yes", "on"):
            return True
        if v in ("false", "0", "no", "off"):
            return False
    return default


def _to_float(value: object, default: float) -> float:
    if isinstance(value, bool) or value is None:
        return default
    try:
        f = float(cast("str | float", value))
    except (TypeError, ValueError):
        return default
    return f if f == f else default  # NaN -> default


def _to_int(value: object, default: int | None) -> int | None:
    if isinstance(value, bool) or value is None or value == "":
        return default
    try:
        return int(cast("str | int", value))
    except (TypeError, ValueError):
        return default


class Settings:
    """Typed access to the app's QSettings.

    ``Settings()`` uses the application's organisation and name (set by
    :func:`hiptimer.qt.app.run`); tests pass their own ``QSettings`` (for
    example an INI file in a temporary folder).
    """

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self._s = qsettings if qsettings is not None else QSettings(ORGANIZATION, APPLICATION)

    @property
    def qsettings(self) -> QSettings:
        return self._s

    def sync(self) -> None:
        self._s.sync()

    # -- theme ---------------------------------------------------------------
    @property
    def theme(self) -> ThemeName:
        v = self._s.value("view/theme", "dark")
        return v if v in THEMES else "dark"

    @theme.setter
    def theme(self, name: str) -> None:
        if name not in THEMES:
            raise ValueError(f"unknown theme {name!r}; choose one of {', '.join(THEMES)}")
        self._s.setValue("view/theme", name)

    # -- presentation --------------------------------------------------------
    @property
    def player_screen(self) -> str:
        """Where the player goes: ``"auto"`` (the screen without the app's window),
        ``"window"`` (in the app's window) or a screen's key (its name, see
        ``hiptimer.qt.studio.screen_keys``). A named screen that is absent stays saved."""
        v = self._s.value("presentation/player_screen", "auto")
        if not isinstance(v, str) or not v.strip() or len(v) > 200:
            return "auto"
        return v

    @player_screen.setter
    def player_screen(self, choice: str) -> None:
        if not choice.strip() or len(choice) > 200:
            raise ValueError("a screen choice is 'auto', 'window' or a screen's name")
        self._s.setValue("presentation/player_screen", choice)

    @property
    def mirror(self) -> bool:
        """Swap left and right on the class's screen (a class that faces the trainer)."""
        return _to_bool(self._s.value("presentation/mirror", False), False)

    @mirror.setter
    def mirror(self, on: bool) -> None:
        self._s.setValue("presentation/mirror", bool(on))

    @property
    def resume_window_hours(self) -> float:
        """An interrupted session started within this many hours is offered for resuming."""
        v = _to_float(self._s.value("session/resume_window_hours", 12.0), 12.0)
        return v if 0 < v <= 24 * 30 else 12.0

    @resume_window_hours.setter
    def resume_window_hours(self, hours: float) -> None:
        self._s.setValue("session/resume_window_hours", float(hours))

    @property
    def larger_text(self) -> bool:
        return _to_bool(self._s.value("view/larger_text", False), False)

    @larger_text.setter
    def larger_text(self, on: bool) -> None:
        self._s.setValue("view/larger_text", bool(on))

    @property
    def flash_enabled(self) -> bool:
        return _to_bool(self._s.value("view/flash", True), True)

    @flash_enabled.setter
    def flash_enabled(self, on: bool) -> None:
        self._s.setValue("view/flash", bool(on))

    @property
    def reduced_motion(self) -> bool:
        return _to_bool(self._s.value("view/reduced_motion", False), False)

    @reduced_motion.setter
    def reduced_motion(self, on: bool) -> None:
        self._s.setValue("view/reduced_motion", bool(on))

    # -- sound ---------------------------------------------------------------
    @property
    def volume(self) -> float:
        v = _to_float(self._s.value("sound/volume", 0.8), 0.8)
        return min(1.0, max(0.0, v))

    @volume.setter
    def volume(self, value: float) -> None:
        self._s.setValue("sound/volume", float(min(1.0, max(0.0, value))))

    @property
    def muted(self) -> bool:
        return _to_bool(self._s.value("sound/muted", False), False)

    @muted.setter
    def muted(self, on: bool) -> None:
        self._s.setValue("sound/muted", bool(on))

    @property
    def voice_enabled(self) -> bool:
        return _to_bool(self._s.value("sound/voice", True), True)

    @voice_enabled.setter
    def voice_enabled(self, on: bool) -> None:
        self._s.setValue("sound/voice", bool(on))

    @property
    def audio_backend(self) -> AudioBackendName:
        v = self._s.value("sound/backend", "auto")
        return v if v in AUDIO_BACKENDS else "auto"

    @audio_backend.setter
    def audio_backend(self, name: str) -> None:
        if name not in AUDIO_BACKENDS:
            raise ValueError(
                f"unknown audio backend {name!r}; choose one of {', '.join(AUDIO_BACKENDS)}"
            )
        self._s.setValue("sound/backend", name)

    # -- weekly goal ---------------------------------------------------------
    @property
    def weekly_goal_minutes(self) -> int:
        v = _to_int(self._s.value("goal/minutes", 30), 30)
        return v if v is not None and 1 <= v <= 24 * 60 else 30

    @weekly_goal_minutes.setter
    def weekly_goal_minutes(self, minutes: int) -> None:
        if not 1 <= minutes <= 24 * 60:
            raise ValueError("daily goal minutes must be between 1 and 1440")
        self._s.setValue("goal/minutes", int(minutes))

    @property
    def weekly_goal_days(self) -> int:
        v = _to_int(self._s.value("goal/days", 5), 5)
        return v if v is not None and 1 <= v <= 7 else 5

    @weekly_goal_days.setter
    def weekly_goal_days(self, days: int) -> None:
        if not 1 <= days <= 7:
            raise ValueError("goal days must be between 1 and 7")
        self._s.setValue("goal/days", int(days))
