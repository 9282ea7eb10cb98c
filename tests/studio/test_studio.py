"""The studio on two screens (offscreen: "laptop" 1366×768 beside "projector" 1920×1080),
driven with the keys a keyboard or a presentation clicker sends, each to the window
that has the focus, as a real key would go.

Run by tests/e2e/test_studio_screens.py in a pytest of its own (Qt reads its screens
once per process); by hand: HIPTIMER_TEST_SCREENS=1366x768,1920x1080 pytest tests/studio
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPixmap, QScreen
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from hiptimer.clock import FakeClock
from hiptimer.qt.app import ESC_AGAIN_TEXT, AppOptions, MainWindow
from hiptimer.qt.player import PlayerWidget
from hiptimer.qt.presenter import PresenterWidget
from hiptimer.qt.settings import Settings

ROUTINE = """\
name: Studio test routine
defaults: {prep: 3, rest: 4, switch: 3, countdown: 0}
exercises:
  - name: Pigeon pose
    how: Front shin across the mat, back leg long.
    coach: PRIVATE-COACH-NOTE watch the front knee
    hold: 20s
    sides: each
  - name: Bridge
    reps: 6
    tempo: 2s
"""


def _screen(name: str) -> QScreen:
    for s in QGuiApplication.screens():
        if s.name() == name:
            return s
    raise AssertionError(f"no screen {name}: {[s.name() for s in QGuiApplication.screens()]}")


class Studio:
    def __init__(self, qtbot: QtBot, tmp_path: Path, settings: Settings) -> None:
        self.qtbot = qtbot
        self.clocks: list[FakeClock] = []
        self.settings = settings
        self.routine = tmp_path / "studio.yaml"
        self.routine.write_text(ROUTINE, encoding="utf-8")
        self.messages: list[str] = []

        def factory(speed: float) -> FakeClock:
            self.clocks.append(FakeClock(speed=speed))
            return self.clocks[-1]

        opts = AppOptions(routines=[tmp_path], db=tmp_path / "log.sqlite3", audio_backend="none")
        self.w = MainWindow(opts, settings, clock_factory=factory)
        self.w.confirm_end = lambda _action: True  # quitting mid-session: no question here
        self.w.studio.notice.connect(self.messages.append)
        qtbot.addWidget(self.w)
        self.w.setScreen(_screen("laptop"))
        self.w.move(40, 30)
        self.w.show()
        qtbot.waitExposed(self.w)
        self.activate(self.w)

    def activate(self, win: QWidget) -> None:
        win.activateWindow()
        self.qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=5000)

    @property
    def clock(self) -> FakeClock:
        return self.clocks[-1]

    def press(self, key: Qt.Key, mod: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        """A key to the focused widget of the active window, as a clicker's key goes."""
        target = QApplication.focusWidget() or QApplication.activeWindow()
        assert target is not None, "no window has the focus"
        self.qtbot.keyClick(target, key, mod)

    def open_overview(self) -> None:
        self.w.open_routine_path(self.routine)
        assert self.w.current_page() == "overview"
        self.activate(self.w)

    def run(self, seconds: float) -> None:
        self.clock.advance(seconds)
        assert self.w.controller is not None
        self.w.controller.poll()

    @property
    def player(self) -> PlayerWidget:
        assert isinstance(self.w.player_widget, PlayerWidget)
        return self.w.player_widget

    @property
    def presenter(self) -> PresenterWidget:
        assert isinstance(self.w.presenter_widget, PresenterWidget)
        return self.w.presenter_widget

    def texts(self, root: QWidget) -> str:
        return "\n".join(lbl.text() for lbl in root.findChildren(QLabel) if lbl.isVisibleTo(root))


@pytest.fixture
def studio(qtbot: QtBot, tmp_path: Path) -> Iterator[Studio]:
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    s = Studio(qtbot, tmp_path, settings)
    yield s
    s.w.close()


def test_two_screens_are_there(qapp: QApplication) -> None:
    assert [s.name() for s in QGuiApplication.screens()] == ["laptop", "projector"]


def _assert_projecting(st: Studio) -> None:
    proj = st.w.projector
    assert proj is not None and proj.isVisible() and proj.isFullScreen()
    assert proj.screen() is _screen("projector")
    assert proj.geometry() == _screen("projector").geometry()
    assert st.player.window() is proj
    assert st.player.presenting and st.player.buttons.isHidden()
    assert st.presenter.window() is st.w and st.presenter.isVisible()
    assert st.w.screen() is _screen("laptop") and not st.w.isFullScreen()


def test_automatic_space_puts_the_player_on_the_other_screen_and_the_presenter_here(
    studio: Studio,
) -> None:
    studio.open_overview()
    assert studio.w.overview.start_button.hasFocus()
    studio.press(Qt.Key.Key_Space)
    assert studio.w.current_page() == "player"
    _assert_projecting(studio)
    assert studio.w.session.state == "running"
    # the class's view: no buttons, menus, status bar or hints
    proj = studio.w.projector
    assert proj is not None
    texts = studio.texts(proj)
    assert "Space" not in texts and "press" not in texts.lower()
    assert "PRIVATE-COACH-NOTE" not in texts  # the coach's note never reaches the class
    assert "PRIVATE-COACH-NOTE" in studio.texts(studio.presenter)
    assert "PRIVATE-COACH-NOTE" in studio.w.overview.coach.text()


@pytest.mark.parametrize(
    ("key", "mod"),
    [
        (Qt.Key.Key_PageDown, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_F5, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier),
    ],
)
def test_a_clicker_starts_from_the_overview(
    studio: Studio, key: Qt.Key, mod: Qt.KeyboardModifier
) -> None:
    studio.open_overview()
    studio.press(key, mod)
    assert studio.w.current_page() == "player"
    _assert_projecting(studio)
    assert studio.w.session.state == "running" and studio.w.session.index == 0


def test_pagedown_in_the_library_still_moves_the_list(studio: Studio) -> None:
    studio.w.library.tree.setFocus()
    studio.press(Qt.Key.Key_PageDown)
    assert studio.w.current_page() == "library" and studio.w.session is None


def _all_black(win: QWidget | QPixmap) -> bool:
    pix = win if isinstance(win, QPixmap) else win.grab()
    img = pix.toImage().convertToFormat(QImage.Format.Format_RGB32)
    if img.isNull():
        return False
    step = 7
    for y in range(0, img.height(), step):
        for x in range(0, img.width(), step):
            if img.pixel(x, y) & 0xFFFFFF:
                return False
    return True


@pytest.mark.parametrize("key", [Qt.Key.Key_B, Qt.Key.Key_Period])
def test_blank_makes_the_projector_black_and_the_timer_runs_on(studio: Studio, key: Qt.Key) -> None:
    studio.open_overview()
    studio.press(Qt.Key.Key_PageDown)
    proj = studio.w.projector
    assert proj is not None
    studio.run(5.0)  # into the first hold
    assert not _all_black(proj)
    before = studio.w.session.remaining()
    studio.press(key)
    assert studio.player.blanked and _all_black(proj)  # nothing written on it
    # the presenter's live copy is a picture of the class's screen: black too
    studio.qtbot.waitUntil(lambda: _all_black(studio.presenter.copy.image()), timeout=5000)
    assert studio.presenter.blanked and studio.presenter.blanked_label.isVisible()
    assert "BLANKED" in studio.presenter.screen_state.text()
    studio.run(3.0)
    assert studio.w.session.state == "running"
    assert studio.w.session.remaining() == pytest.approx(before - 3.0)
    studio.press(key)
    assert not studio.player.blanked and not _all_black(proj)
    studio.qtbot.waitUntil(lambda: not _all_black(studio.presenter.copy.image()), timeout=5000)
    assert not studio.presenter.blanked_label.isVisible()


def test_pagedown_through_the_whole_routine_then_done_leaves_an_empty_projector(
    studio: Studio,
) -> None:
    studio.open_overview()
    studio.press(Qt.Key.Key_PageDown)
    steps = len(studio.w.session.plan.steps)
    for _ in range(steps):
        assert studio.w.current_page() == "player"
        studio.press(Qt.Key.Key_PageDown)
    assert studio.w.current_page() == "summary"
    studio.press(Qt.Key.Key_PageDown)
    assert studio.w.current_page() == "library"
    assert studio.w.projector is None
    on_projector = [
        w
        for w in QApplication.topLevelWidgets()
        if w.isVisible() and w.screen() is _screen("projector")
    ]
    assert on_projector == []


def test_pageup_steps_back(studio: Studio) -> None:
    studio.open_overview()
    studio.press(Qt.Key.Key_PageDown)
    studio.press(Qt.Key.Key_PageDown)
    studio.press(Qt.Key.Key_PageDown)
    assert studio.w.session.index == 2  # prep, left side, now the switch
    studio.press(Qt.Key.Key_PageUp)
    assert studio.w.session.index == 1  # back to the left side


def test_esc_once_asks_esc_again_ends(studio: Studio) -> None:
    studio.open_overview()
    studio.press(Qt.Key.Key_PageDown)
    studio.press(Qt.Key.Key_Escape)
    assert studio.w.session.state == "running"
    assert studio.presenter.prompt() == ESC_AGAIN_TEXT
    assert studio.player.prompt() == ESC_AGAIN_TEXT
    assert studio.w._esc_armed.interval() == 3000 and studio.w._esc_armed.isActive()
    studio.w._esc_armed.stop()  # three seconds went by: a new Esc asks again
    studio.press(Qt.Key.Key_Escape)
    assert studio.w.session.state == "running"
    studio.press(Qt.Key.Key_Escape)
    assert studio.w.session.state == "finished"
    assert studio.w.session.finish_status == "stopped"
    assert studio.w.current_page() == "summary"


def test_esc_in_the_window_leaves_fullscreen_first(studio: Studio) -> None:
    studio.settings.player_screen = "window"
    studio.open_overview()
    studio.press(Qt.Key.Key_PageDown)
    assert studio.w.projector is None and studio.player.window() is studio.w
    studio.press(Qt.Key.Key_F)
    studio.qtbot.waitUntil(studio.w.isFullScreen, timeout=5000)
    assert studio.player.presenting  # fullscreen is the class's view
    studio.press(Qt.Key.Key_Escape)
    studio.qtbot.waitUntil(lambda: not studio.w.isFullScreen(), timeout=5000)
    assert studio.w.session.state == "running" and studio.player.prompt() == ""
    assert not studio.player.presenting and studio.player.buttons.isVisible()


def test_a_saved_screen_that_is_missing_falls_back_with_one_notice(studio: Studio) -> None:
    studio.settings.player_screen = "HDMI-9"
    for _ in range(2):
        studio.open_overview()
        studio.press(Qt.Key.Key_PageDown)
        _assert_projecting(studio)  # Automatic
        studio.w.stop_session()
        studio.press(Qt.Key.Key_PageDown)  # Done
        assert studio.w.current_page() == "library"
    assert len(studio.messages) == 1 and "HDMI-9" in studio.messages[0]
    assert studio.w.banner.messages() == studio.messages
    assert studio.settings.player_screen == "HDMI-9"  # kept for when it is back
    studio.w.screen_menu.aboutToShow.emit()
    labels = [a.text() for a in studio.w.screen_menu.actions()]
    assert any("HDMI-9" in t and "not connected" in t for t in labels)


def test_changing_the_choice_mid_session_moves_the_player_at_once(studio: Studio) -> None:
    studio.open_overview()
    studio.press(Qt.Key.Key_PageDown)
    studio.run(5.0)
    remaining = studio.w.session.remaining()
    studio.w.set_player_screen("window")
    assert studio.w.projector is None
    assert studio.player.window() is studio.w and studio.player.isVisible()
    assert not studio.presenter.isVisible()
    studio.w.set_player_screen("laptop")  # the window's own screen: fullscreen here
    studio.qtbot.waitUntil(studio.w.isFullScreen, timeout=5000)
    assert studio.player.window() is studio.w and studio.player.presenting
    studio.w.set_player_screen("projector")
    studio.qtbot.waitUntil(lambda: not studio.w.isFullScreen(), timeout=5000)
    _assert_projecting(studio)
    assert studio.settings.player_screen == "projector"
    # nothing of this touched the timer
    assert studio.w.session.state == "running"
    assert studio.w.session.remaining() == pytest.approx(remaining)


def test_a_projector_pulled_out_and_plugged_in_moves_the_player_and_keeps_time(
    studio: Studio,
) -> None:
    studio.open_overview()
    studio.press(Qt.Key.Key_PageDown)
    studio.run(5.0)
    remaining = studio.w.session.remaining()
    projector = _screen("projector")
    laptop = _screen("laptop")
    app = QGuiApplication.instance()
    assert isinstance(app, QGuiApplication)
    # Pulled out: Qt lists one screen and says which went
    studio.w.studio._screens = lambda: [laptop]
    app.screenRemoved.emit(projector)
    assert studio.w.projector is None
    assert studio.player.window() is studio.w and studio.player.isVisible()
    assert studio.w.session.state == "running"
    assert studio.w.session.remaining() == pytest.approx(remaining)
    studio.run(2.0)
    # Plugged in again
    studio.w.studio._screens = QGuiApplication.screens
    app.screenAdded.emit(projector)
    _assert_projecting(studio)
    assert studio.w.session.remaining() == pytest.approx(remaining - 2.0)


def test_mirror_swaps_sides_on_the_class_screen_and_is_saved(studio: Studio) -> None:
    studio.open_overview()
    studio.press(Qt.Key.Key_PageDown)
    studio.run(4.0)  # Pigeon, left side
    assert studio.player.side_label.text() == "◀ LEFT"
    studio.w.mirror_action.trigger()
    assert studio.settings.mirror
    assert studio.player.side_label.text() == "RIGHT ▶"
    assert "LEFT side (class sees RIGHT)" in studio.presenter.detail.text()
    assert "MIRRORED" in studio.presenter.screen_state.text()
    assert studio.w.cue_director is not None and studio.w.cue_director.mirror  # the voice too


def test_ctrl_q_at_the_library_quits_at_once(studio: Studio) -> None:
    studio.w.library.tree.setFocus()
    studio.press(Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not studio.w.isVisible()


def test_ctrl_q_on_the_projector_quits(studio: Studio) -> None:
    """The projector holds the focus once a person clicks it: Ctrl+Q still quits (one
    shortcut for it, the app-wide one: a second on the projector made it ambiguous, and
    Qt then runs neither)."""
    quit_action = studio.w.quit_action
    studio.qtbot.waitUntil(
        lambda: quit_action.shortcutContext() == Qt.ShortcutContext.ApplicationShortcut,
        timeout=5000,
    )
    studio.open_overview()
    studio.press(Qt.Key.Key_PageDown)
    proj = studio.w.projector
    assert proj is not None
    studio.run(3.0)
    studio.activate(proj)
    studio.press(Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not studio.w.isVisible()


def test_the_default_window_fits_a_1366x768_laptop_with_a_panel(studio: Studio) -> None:
    avail = _screen("laptop").availableGeometry()
    w = studio.w
    # a title bar and borders (40 px) on top of the window still fit the free area
    assert w.width() + 8 <= avail.width() and w.height() + 40 <= avail.height()
    assert w.minimumSizeHint().height() <= w.height()


def test_larger_text_grows_the_instructions_and_is_saved(studio: Studio) -> None:
    studio.settings.player_screen = "window"
    studio.open_overview()
    studio.press(Qt.Key.Key_PageDown)
    studio.run(1.0)
    before = studio.player.how_label.font().pixelSize()
    assert studio.player.how_label.text()
    studio.w.larger_text_action.trigger()
    assert studio.settings.larger_text
    assert studio.player.how_label.font().pixelSize() >= before * 1.3


def test_a_projector_window_closed_by_the_window_manager_carries_on_here(studio: Studio) -> None:
    studio.open_overview()
    studio.press(Qt.Key.Key_PageDown)
    proj = studio.w.projector
    assert proj is not None
    proj.close()  # as Alt+F4 or the window manager would
    assert studio.w.projector is None
    assert studio.player.window() is studio.w and studio.player.isVisible()
    assert not studio.player.presenting and studio.player.buttons.isVisible()
    assert studio.w.session.state == "running"
