"""The main window: library, overview, session wiring, log and window keys (FakeClock)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidgetAction
from pytestqt.qtbot import QtBot

from hiptimer.clock import FakeClock
from hiptimer.qt.app import AppOptions, MainWindow
from hiptimer.qt.settings import Settings
from hiptimer.resources import routines_dir

BROKEN = "name: Broken\nexercises:\n  - name: Lunge\n    hold: 30 parsecs\n"
SHORT = """\
name: Tiny test routine
description: two short holds for tests
tags: [test]
defaults: {prep: 2, rest: 2, countdown: 0}
exercises:
  - name: Hold one
    hold: 5s
  - name: Hold two
    hold: 5s
"""


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the user's routine folder and default db live under XDG_DATA_HOME
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def user_dir(tmp_path: Path) -> Path:
    d = tmp_path / "mine"
    d.mkdir()
    (d / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    (d / "tiny.yaml").write_text(SHORT, encoding="utf-8")
    return d


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


class Env:
    def __init__(self, window: MainWindow, clocks: list[FakeClock], db: Path) -> None:
        self.window = window
        self.clocks = clocks
        self.db = db

    @property
    def clock(self) -> FakeClock:
        return self.clocks[-1]

    def run_for(self, seconds: float, step: float = 0.5) -> None:
        t = 0.0
        while t < seconds and self.window.controller is not None:
            self.clock.advance(step)
            self.window.controller.poll()
            t += step


def _make(qtbot: QtBot, tmp_path: Path, settings: Settings, user_dir: Path, **kw: object) -> Env:
    clocks: list[FakeClock] = []

    def factory(speed: float) -> FakeClock:
        clocks.append(FakeClock(speed=speed))
        return clocks[-1]

    db = tmp_path / "log.sqlite3"
    kw.setdefault("db", db)
    opts = AppOptions(routines=[user_dir], audio_backend="none", **kw)  # type: ignore[arg-type]
    w = MainWindow(opts, settings, clock_factory=factory)
    w.confirm_end = lambda _action: True  # the real question has its own tests
    qtbot.addWidget(w)
    w.show()
    return Env(w, clocks, db)


@pytest.fixture
def env(qtbot: QtBot, tmp_path: Path, settings: Settings, user_dir: Path) -> Iterator[Env]:
    e = _make(qtbot, tmp_path, settings, user_dir)
    yield e
    e.window.close()


def _rows(db: Path) -> list[tuple[str, str, float]]:
    con = sqlite3.connect(db)
    try:
        return list(con.execute("SELECT routine, status, speed FROM sessions ORDER BY id"))
    finally:
        con.close()


def test_the_routine_menu_fills_itself_after_the_first_paint(env: Env, qtbot: QtBot) -> None:
    """New, Edit, Duplicate, Delete: not built on the way to the first paint (importing
    the editor), but there once the window has painted, without being asked for."""
    menu = env.window._routine_menu
    qtbot.waitUntil(lambda: any(a.text() for a in menu.actions()), timeout=5000)
    assert env.window._routine_actions is not None


def test_ctrl_q_works_from_every_window_once_the_window_has_painted(env: Env, qtbot: QtBot) -> None:
    """Ctrl+Q's context is set after the first paint (its enum is in Qt's namespace,
    whose first use costs start-up 8 ms): then it quits from the projector or History."""
    w = env.window
    qtbot.waitUntil(
        lambda: w.quit_action.shortcutContext() == Qt.ShortcutContext.ApplicationShortcut,
        timeout=5000,
    )


def test_the_librarys_description_is_selectable_once_the_window_has_painted(
    env: Env, qtbot: QtBot
) -> None:
    """The window's own after-paint step does it, however the window was made."""
    detail = env.window.library.detail
    qtbot.waitUntil(
        lambda: bool(detail.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse),
        timeout=5000,
    )


def test_the_window_opens_with_the_keyboard_on_the_routine_list(env: Env, qtbot: QtBot) -> None:
    """H for History, the arrows and Enter work at once: with the search box focused
    (first in the tab order), 'h' went into it."""
    env.window.activateWindow()
    qtbot.waitUntil(env.window.isActiveWindow)
    assert QApplication.focusWidget() is env.window.library.tree


def test_menu_keys_are_the_documented_ones(env: Env) -> None:
    w = env.window
    keys = {
        a.text(): [k.toString() for k in a.shortcuts()]
        for a in (w.open_action, w.quit_action, w.history_action, w.fullscreen_action,
                  w.mute_action, w.clicker_start_action, w.clicker_done_action)
    }  # fmt: skip
    assert keys == {
        "&Open routine file…": ["Ctrl+O"],
        "&Quit": ["Ctrl+Q"],
        "&History": ["H"],
        "&Fullscreen": ["F", "F11"],
        "&Mute": ["M"],
        "Start (clicker)": ["PgDown", "F5", "Shift+F5"],
        "Done (clicker)": ["PgDown"],
    }


def test_the_sound_menu_has_its_volume_row_when_it_opens(
    env: Env, qtbot: QtBot, settings: Settings
) -> None:
    """Made when the Sound menu first opens: between Mute and Spoken guidance, at the
    saved volume, and moving it changes the volume."""
    w = env.window
    settings.volume = 0.3
    assert w.volume_slider is None
    menu = w._sound_menu
    menu.popup(w.mapToGlobal(w.rect().center()))
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    slider = w.volume_slider
    assert slider is not None and slider.isVisible()
    assert slider.orientation() == Qt.Orientation.Horizontal
    assert slider.value() == 30
    acts = menu.actions()
    at = acts.index(w.mute_action)
    assert acts[at + 2] is w.voice_action
    assert isinstance(acts[at + 1], QWidgetAction)
    assert acts[at + 1].defaultWidget().isAncestorOf(slider)
    slider.setValue(55)
    assert settings.volume == pytest.approx(0.55)
    menu.hide()
    menu.popup(w.mapToGlobal(w.rect().center()))  # opened again: the same row, once
    assert w.volume_slider is slider
    assert sum(isinstance(a, QWidgetAction) for a in menu.actions()) == 1
    menu.hide()


def test_the_banner_text_can_be_selected(env: Env) -> None:
    banner = env.window.banner
    banner.add("The log cannot be opened", "dark")
    flags = banner.label.textInteractionFlags()
    assert flags & Qt.TextInteractionFlag.TextSelectableByMouse


def test_file_open_shows_the_chosen_routine(
    env: Env, user_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """File > Open (Ctrl+O): the dialog, imported when first used, then the overview."""
    from PySide6.QtWidgets import QFileDialog

    asked: list[str] = []

    def choose(*args: object) -> tuple[str, str]:
        asked.append(str(args[1]))
        return str(user_dir / "tiny.yaml"), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", choose)
    env.window.open_action.trigger()
    assert asked == ["Open a routine"]
    assert env.window.current_page() == "overview"
    assert env.window.overview.title.text() == "Tiny test routine"


def test_title_and_library_lists_bundled_and_user_routines(env: Env) -> None:
    w = env.window
    assert w.windowTitle().startswith("HipTimer")
    assert w.current_page() == "library"
    titles = w.library.visible_titles()
    bundled = sorted(routines_dir().glob("*.yaml"))
    assert len(titles) == len(bundled) + 2
    assert "Tiny test routine" in titles
    assert "Hip flexor release" in titles or any("hip" in t.lower() for t in titles)


def test_broken_user_file_shows_located_error_and_others_load(env: Env, user_dir: Path) -> None:
    lib = env.window.library
    errors = lib.error_lines()
    assert errors and errors[0].startswith(f"{user_dir / 'broken.yaml'}:4:")
    assert "broken.yaml" in lib.visible_titles()
    assert "Tiny test routine" in lib.visible_titles()
    lib.select_title("broken.yaml")
    assert not lib.open_button.isEnabled()


def test_search_filters_the_list(env: Env, qtbot: QtBot) -> None:
    lib = env.window.library
    qtbot.keyClicks(lib.search, "tiny")
    assert lib.visible_titles() == ["Tiny test routine"]


def test_open_shows_overview_then_back(env: Env, qtbot: QtBot) -> None:
    w = env.window
    w.library.select_title("Tiny test routine")
    qtbot.mouseClick(w.library.open_button, Qt.MouseButton.LeftButton)
    assert w.current_page() == "overview"
    assert w.windowTitle() == "HipTimer — Tiny test routine"
    assert w.overview.step_rows()[0][0] == "0:00"
    w.overview.back_button.click()
    assert w.current_page() == "library"


def test_routine_argument_opens_overview_or_errors(env: Env, user_dir: Path) -> None:
    w = env.window
    assert w.open_routine_path(user_dir / "tiny.yaml")
    assert w.current_page() == "overview" and w.overview.start_button.isEnabled()
    assert not w.open_routine_path(user_dir / "broken.yaml")
    assert w.current_page() == "overview"
    assert not w.overview.start_button.isEnabled()
    assert f"{user_dir / 'broken.yaml'}:4:" in w.overview.errors.text()


def wait_rows(qtbot: QtBot, db: Path, expected: list[tuple[str, str, float]]) -> None:
    """The log is written on its own thread: wait for ``expected`` to land, as a reader would."""

    def landed() -> bool:
        try:
            return _rows(db) == expected
        except sqlite3.Error:  # the writer holds the file this instant
            return False

    qtbot.waitUntil(landed, timeout=10_000)


def test_start_runs_to_summary_and_logs_completed(env: Env, user_dir: Path, qtbot: QtBot) -> None:
    w = env.window
    w.open_routine_path(user_dir / "tiny.yaml")
    assert w.start_session()
    assert w.current_page() == "player"
    assert w.session.state == "running"
    env.run_for(30)
    assert w.current_page() == "summary"
    wait_rows(qtbot, env.db, [("Tiny test routine", "completed", 1.0)])


def test_ctrl_q_mid_session_records_stopped(env: Env, user_dir: Path, qtbot: QtBot) -> None:
    w = env.window
    w.open_routine_path(user_dir / "tiny.yaml")
    w.start_session()
    env.run_for(3)
    assert w.session.state == "running"
    qtbot.keyClick(w, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not w.isVisible()
    assert _rows(env.db) == [("Tiny test routine", "stopped", 1.0)]


def test_rehearsal_speed_is_logged(
    qtbot: QtBot, tmp_path: Path, settings: Settings, user_dir: Path
) -> None:
    e = _make(qtbot, tmp_path, settings, user_dir, speed=50.0)
    w = e.window
    w.open_routine_path(user_dir / "tiny.yaml")
    w.start_session()
    assert e.clock.speed == 50.0
    assert "rehearsal" in w.windowTitle()
    e.run_for(30)
    wait_rows(qtbot, e.db, [("Tiny test routine", "completed", 50.0)])
    w.close()


def test_mute_key_toggles_and_persists(env: Env, qtbot: QtBot, settings: Settings) -> None:
    w = env.window
    assert not w.muted
    w.activateWindow()
    qtbot.keyClick(w.library.tree, Qt.Key.Key_M)
    assert w.muted and settings.muted
    qtbot.keyClick(w.library.tree, Qt.Key.Key_M)
    assert not w.muted and not settings.muted


def test_fullscreen_keys(env: Env, qtbot: QtBot) -> None:
    w = env.window
    qtbot.keyClick(w.library.tree, Qt.Key.Key_F11)
    qtbot.waitUntil(w.isFullScreen, timeout=2000)
    assert w.menuBar().isHidden()
    qtbot.keyClick(w.library.tree, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not w.isFullScreen(), timeout=2000)
    assert not w.menuBar().isHidden()


def test_theme_menu_switches_and_persists(env: Env, settings: Settings) -> None:
    w = env.window
    w.theme_actions["light"].trigger()
    assert settings.theme == "light"
    app = QApplication.instance()
    assert app is not None and app.property("hiptimer_theme") == "light"
    w.theme_actions["dark"].trigger()
    assert settings.theme == "dark"
    # View › Theme › D or L from the keyboard, as the other menus' items
    keys = [a.text().split("&")[1][0].lower() for a in w.theme_actions.values()]
    assert keys == ["d", "l"]


def test_unusable_db_still_runs_and_says_so(
    qtbot: QtBot, tmp_path: Path, settings: Settings, user_dir: Path
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    e = _make(qtbot, tmp_path, settings, user_dir)
    e.window.options = e.window.options._replace(db=blocker / "log.sqlite3")
    assert e.window.ensure_store() is None
    assert any("will not be saved" in m for m in e.window.banner.messages())
    e.window.open_routine_path(user_dir / "tiny.yaml")
    assert e.window.start_session()
    e.run_for(30)
    assert e.window.current_page() == "summary"
    e.window.close()


def test_corrupt_default_db_is_moved_aside_and_user_told(
    qtbot: QtBot, tmp_path: Path, settings: Settings, user_dir: Path
) -> None:
    from hiptimer.paths import default_db_path

    e = _make(qtbot, tmp_path, settings, user_dir, db=None)
    default_db_path().write_bytes(b"this is not a database" * 100)
    store = e.window.ensure_store()
    assert store is not None
    msgs = " ".join(e.window.banner.messages())
    assert "moved to" in msgs and ".corrupt-" in msgs
    e.window.close()


def test_an_explicit_db_that_is_not_a_log_is_refused_and_left_untouched(
    qtbot: QtBot, tmp_path: Path, settings: Settings, user_dir: Path
) -> None:
    e = _make(qtbot, tmp_path, settings, user_dir)
    e.db.write_bytes(b"this is not a database" * 100)
    assert e.window.ensure_store() is None
    msgs = " ".join(e.window.banner.messages())
    assert "not a HipTimer session log" in msgs and "left as it is" in msgs
    assert e.db.read_bytes() == b"this is not a database" * 100
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("log")) == ["log.sqlite3"]
    e.window.close()


def test_history_key_opens_history_window(env: Env, qtbot: QtBot) -> None:
    w = env.window
    qtbot.keyClick(w.library.tree, Qt.Key.Key_H)
    hist = w._history_window
    assert hist is not None and hist.isVisible()
    assert hist.windowTitle().startswith("HipTimer")
    hist.close()


def test_weekly_goal_in_library_and_rating_saved_from_summary(
    env: Env, user_dir: Path, qtbot: QtBot
) -> None:
    w = env.window
    w.ensure_store()
    goal = w._goal_widget
    assert goal is not None and not goal.isHidden()
    assert "0/5 days" in goal.label.text()
    w.open_routine_path(user_dir / "tiny.yaml")
    w.start_session()
    env.run_for(30)
    assert w.current_page() == "summary"
    # offered once the log's thread has the session's id
    qtbot.waitUntil(lambda: w._rating is not None and w._rating.isVisible(), timeout=10_000)
    rating = w._rating
    assert rating is not None
    rating.effort.setValue(6)
    rating.pain.setValue(1)
    w.summary_widget.done_clicked.emit()
    assert w.current_page() == "library"

    def rated() -> bool:  # the rating goes through the log's own thread too
        con = sqlite3.connect(env.db)
        try:
            return list(con.execute("SELECT effort, pain FROM sessions")) == [(6, 1)]
        except sqlite3.Error:  # the writer holds the file this instant
            return False
        finally:
            con.close()

    qtbot.waitUntil(rated, timeout=10_000)


def test_the_summary_focuses_done_and_a_rating_is_typed_over_not_rated(
    env: Env, user_dir: Path, qtbot: QtBot
) -> None:
    """The summary opens with the keyboard on Done (Enter finishes, as the clicker's
    PageDown does), the rating form beside it notwithstanding; a digit typed into a box
    that says "not rated" (clicked into, the cursor after the words) is the rating."""
    w = env.window
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=5_000)
    w.ensure_store()
    w.open_routine_path(user_dir / "tiny.yaml")
    w.start_session()
    env.run_for(30)
    qtbot.waitUntil(lambda: w._rating is not None and w._rating.isVisible(), timeout=10_000)
    rating = w._rating
    assert rating is not None and w.summary_widget is not None
    assert QApplication.focusWidget() is w.summary_widget.done_button
    rating.effort.setFocus()
    qtbot.keyClicks(rating.effort, "7")
    rating.pain.setFocus()
    qtbot.keyClicks(rating.pain, "0")
    assert rating.values() == (7, 0, "")
    qtbot.keyClicks(rating.effort, "\b\b8")  # an edit of a number stays an edit
    assert rating.effort.value() == 8


def test_the_rating_is_offered_when_the_logs_thread_is_late(
    env: Env, user_dir: Path, qtbot: QtBot
) -> None:
    """A short session can end before the log's own thread has written its row (a busy
    disk): the summary still offers the rating once the row has its id."""
    import threading

    w = env.window
    w.ensure_store()
    assert w._store is not None and w._store.writer is not None
    release = threading.Event()
    w._store.writer.submit(lambda _st: release.wait(10))  # the log's thread is busy
    w.open_routine_path(user_dir / "tiny.yaml")
    w.start_session()
    env.run_for(30)
    assert w.current_page() == "summary"
    assert w.recorder is not None and w.recorder.last_session_id is None
    assert w._rating is None
    release.set()
    qtbot.waitUntil(lambda: w._rating is not None and w._rating.isVisible(), timeout=10_000)
    assert w._rating.session_id == w.recorder.last_session_id  # type: ignore[union-attr]


def test_goal_menu_persists(env: Env, settings: Settings) -> None:
    w = env.window
    w._set_goal(minutes=20, days=3)
    assert (settings.weekly_goal_minutes, settings.weekly_goal_days) == (20, 3)


class _SlowStartPlayer:
    """A scheduling cue player whose stream is ready only some time after Start (a cold
    sound server opening a fresh stream): the session must wait for it, visibly."""

    name = "slow"

    def __init__(self, delay_s: float) -> None:
        self.delay_s = delay_s
        self.plans: list[list[tuple[float, str]]] = []

    def play(self, cue: str) -> None:
        pass

    def warm_up(self) -> None:
        pass

    def set_volume(self, volume: float) -> None:
        pass

    def set_muted(self, muted: bool) -> None:
        pass

    def length(self, cue: str) -> float:
        return 0.1

    def close(self) -> None:
        pass

    def schedule(self, plan: list[tuple[float, str]]) -> None:
        self.plans.append(list(plan))

    def ready_at(self) -> float:
        return time.monotonic() + self.delay_s

    def busy_for(self) -> float:
        return 0.0


def test_space_while_starting_neither_starts_early_nor_pauses(
    env: Env, user_dir: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hiptimer.qt import cues

    player = _SlowStartPlayer(delay_s=0.6)
    monkeypatch.setattr(cues, "create_cue_player", lambda *_a, **_k: player)
    w = env.window
    w.open_routine_path(user_dir / "tiny.yaml")
    assert w.start_session()
    pw = w.player_widget
    assert pw is not None and w.controller is not None and w.session is not None
    assert w.session.state == "ready"  # waiting for the sound path
    assert pw.banner.text() == "Starting…"
    assert pw.buttons.play_button.text() == "Starting…"
    assert not pw.buttons.play_button.isEnabled()
    qtbot.keyClick(pw, Qt.Key.Key_Space)  # the user's "start", again
    qtbot.keyClick(pw, Qt.Key.Key_PageDown)
    assert w.session.state == "ready"  # not started early, off its first cue
    qtbot.waitUntil(lambda: w.session is not None and w.session.state == "running", timeout=5000)
    assert pw.banner.text() != "Press Space to start"
    assert not pw.banner.isVisible()
    assert pw.buttons.play_button.isEnabled()
    assert w.session.state == "running"  # the Space pressed while starting did not pause it
    qtbot.keyClick(pw, Qt.Key.Key_Space)  # once running, Space pauses as always
    assert w.session.state == "paused"


def _fake_voice(
    monkeypatch: pytest.MonkeyPatch,
    voice: type[object],
    start_s: float,
    known: Callable[[], bool] = lambda: True,
) -> None:
    """The window's voice is ``voice`` (a cues.Voice on another engine), the probe's
    answer is ``known()``, and the cue player takes ``start_s`` to start."""
    from hiptimer.qt import cues

    monkeypatch.setattr(cues, "Voice", voice)
    monkeypatch.setattr(cues.Voice, "known_available", classmethod(lambda cls: known()))
    monkeypatch.setattr(cues, "create_cue_player", lambda *_a, **_k: _SlowStartPlayer(start_s))


def test_the_speech_engine_is_made_on_the_start_path_once_kept_and_joined_on_quit(
    env: Env, user_dir: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    """Making a Voice no longer blocks (its engine starts on its own thread), so the first
    session gets it on Start; the next reuses it; quitting joins its thread."""
    from hiptimer.qt import cues

    made: list[cues.Voice] = []

    class CountedVoice(cues.Voice):
        def __init__(self) -> None:
            super().__init__("mock")
            made.append(self)

    _fake_voice(monkeypatch, CountedVoice, 0.3)
    settings.voice_enabled = True
    w = env.window
    w.open_routine_path(user_dir / "tiny.yaml")
    assert w.start_session()
    assert w.controller is not None and w.controller.starting
    assert len(made) == 1 and w.voice is made[0]  # there before the first cue
    assert w.cue_director is not None and w.cue_director.voice is made[0]
    qtbot.waitUntil(lambda: made[0].ready, timeout=5000)
    qtbot.waitUntil(lambda: w.session is not None and w.session.state == "running", timeout=5000)
    assert w.controller is not None
    w.controller.stop()
    w.open_routine_path(user_dir / "tiny.yaml")
    assert w.start_session()
    assert w.voice is made[0]  # the same engine
    qtbot.waitUntil(lambda: w.session is not None and w.session.state == "running", timeout=5000)
    assert len(made) == 1
    thread = made[0]._speech.thread
    assert thread.isRunning()
    w.close_now()  # asks the thread to end, without waiting for it
    qtbot.waitUntil(thread.isFinished, timeout=5000)
    w.finish_voice()  # what run() does after the event loop
    assert made[0]._speech not in cues._SPEECH_THREADS


def test_opening_a_routine_starts_the_speech_engine_before_start(
    env: Env, user_dir: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    """The probe (~1.3 s) and speech-dispatcher's engine (~1.2 s) begin when a routine is
    opened, not on Start, so the first session's first words are not lost to them; with
    the voice off, nothing is probed or made."""
    from hiptimer.qt import cues

    made: list[cues.Voice] = []
    probed: list[bool] = []

    class CountedVoice(cues.Voice):
        def __init__(self) -> None:
            super().__init__("mock")
            made.append(self)

    class AnsweringProbe(cues.SpeechProbe):
        def start(self) -> None:
            def answer() -> None:
                probed.append(True)
                self.finished.emit(True)

            QTimer.singleShot(0, answer)

    _fake_voice(monkeypatch, CountedVoice, 0.05, known=lambda: bool(probed))
    monkeypatch.setattr(cues, "SpeechProbe", AnsweringProbe)
    w = env.window
    settings.voice_enabled = False
    w.open_routine_path(user_dir / "tiny.yaml")
    for _ in range(3):
        QApplication.processEvents()
    assert w._speech_probe is None and made == []
    w.show_library()
    settings.voice_enabled = True
    w.open_routine_path(user_dir / "tiny.yaml")
    qtbot.waitUntil(lambda: len(made) == 1, timeout=5000)
    assert probed == [True] and w.session is None and w.voice is None  # ready, not yet used
    assert w.start_session()
    assert w.voice is made[0]  # the session has it from its first cue
    qtbot.waitUntil(lambda: w.session is not None and w.session.state == "running", timeout=5000)
    assert len(made) == 1
    w.close_now()
    w.finish_voice()


def test_a_speech_engine_that_fails_to_start_is_said_and_the_session_goes_on(
    env: Env, user_dir: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    from hiptimer.qt import cues

    class BrokenVoice(cues.Voice):
        def __init__(self) -> None:
            super().__init__("no-such-engine")

    _fake_voice(monkeypatch, BrokenVoice, 0.05)
    monkeypatch.setattr(cues.Voice, "available", classmethod(lambda cls: True))
    settings.voice_enabled = True
    w = env.window
    w.open_routine_path(user_dir / "tiny.yaml")
    assert w.start_session()
    qtbot.waitUntil(
        lambda: w.statusBar().currentMessage().startswith("Spoken guidance is off: "),
        timeout=5000,
    )
    assert "speech engine failed" in w.statusBar().currentMessage()
    assert w.voice is None and w.cue_director is not None and w.cue_director.voice is None
    qtbot.waitUntil(lambda: w.session is not None and w.session.state == "running", timeout=5000)


def test_a_launch_without_arguments_has_the_parsers_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`hiptimer` as the desktop entry runs it skips the argument parser (2 ms on the way
    to the first paint); the window's options must come out as the parser's would."""
    import hiptimer.environment
    import hiptimer.qt.app as qtapp
    from hiptimer.cli import build_gui_parser, main

    seen: list[object] = []

    def run(args: object) -> int:
        seen.append(args)
        return 0

    monkeypatch.setattr(qtapp, "run", run)
    monkeypatch.setattr(hiptimer.environment, "display_problem", lambda *a: None)
    assert main([]) == 0
    assert not hasattr(seen[0], "audio_backend")  # the parser did not run
    parsed = build_gui_parser().parse_args([])
    assert AppOptions.from_args(seen[0]) == AppOptions.from_args(parsed)  # type: ignore[arg-type]
    assert main(["--mute"]) == 0  # any argument: parsed as before
    assert AppOptions.from_args(seen[1]).mute is True  # type: ignore[arg-type]
