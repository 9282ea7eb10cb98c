"""The window around a session: the questions before ending one, Skip, the
rating saved however the app closes, and resuming after a crash (FakeClock)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from hiptimer import loader
from hiptimer.clock import FakeClock
from hiptimer.plan import compile_plan
from hiptimer.qt.app import AppOptions, MainWindow
from hiptimer.qt.settings import Settings
from hiptimer.session import SessionRun
from hiptimer.store import Store

ROUTINE = """\
name: Two holds
defaults: {prep: 2, rest: 2, countdown: 0}
exercises:
  - name: Hold one
    hold: 5s
    sides: each
  - name: Hold two
    hold: 5s
"""


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def routine(tmp_path: Path) -> Path:
    p = tmp_path / "two.yaml"
    p.write_text(ROUTINE, encoding="utf-8")
    return p


class Env:
    def __init__(self, qtbot: QtBot, tmp_path: Path, **kw: object) -> None:
        self.clocks: list[FakeClock] = []
        self.db = tmp_path / "log.sqlite3"
        settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))

        def factory(speed: float) -> FakeClock:
            self.clocks.append(FakeClock(speed=speed))
            return self.clocks[-1]

        opts = AppOptions(db=self.db, audio_backend="none", routines=[tmp_path], **kw)  # type: ignore[arg-type]
        self.w = MainWindow(opts, settings, clock_factory=factory)
        self.questions: list[str] = []
        self.answer = True
        self.w.confirm_end = self._confirm
        qtbot.addWidget(self.w)
        self.w.show()

    def _confirm(self, action: str) -> bool:
        self.questions.append(action)
        return self.answer

    def run_for(self, seconds: float, step: float = 0.5) -> None:
        t = 0.0
        while t < seconds and self.w.controller is not None:
            self.clocks[-1].advance(step)
            self.w.controller.poll()
            t += step

    def rows(self) -> list[tuple[str, str, str]]:
        con = sqlite3.connect(self.db)
        try:
            return list(con.execute("SELECT routine, status, note FROM sessions ORDER BY id"))
        finally:
            con.close()


@pytest.fixture
def env(qtbot: QtBot, tmp_path: Path) -> Iterator[Env]:
    e = Env(qtbot, tmp_path)
    yield e
    e.answer = True
    e.w.close()


def test_ctrl_q_mid_session_asks_and_keep_going_keeps_it(env: Env, routine: Path) -> None:
    env.w.open_routine_path(routine)
    env.w.start_session()
    env.run_for(3)
    env.answer = False
    QTest.keyClick(env.w, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert env.questions == ["Quit and end the session"]
    assert env.w.isVisible() and env.w.session.state == "running"
    env.answer = True
    env.w.close()
    assert not env.w.isVisible()
    assert env.rows() == [("Two holds", "stopped", "")]


def test_stop_button_asks_first(env: Env, routine: Path) -> None:
    env.w.open_routine_path(routine)
    env.w.start_session()
    env.run_for(3)
    env.answer = False
    env.w.player_widget.stop_button.click()
    assert env.questions == ["End the session"] and env.w.session.state == "running"
    env.answer = True
    env.w.player_widget.stop_button.click()
    assert env.w.current_page() == "summary"
    assert env.w.summary_widget is not None
    assert env.w.summary_widget.title_label.text() == "Stopped: 0 of 2 exercises done"


def test_quitting_at_the_library_asks_nothing(env: Env) -> None:
    env.w.close()
    assert env.questions == [] and not env.w.isVisible()


def test_the_real_question_confirms_with_enter(qtbot: QtBot, tmp_path: Path, routine: Path) -> None:
    e = Env(qtbot, tmp_path)
    e.w.confirm_end = e.w._ask_end  # the real dialog
    e.w.open_routine_path(routine)
    e.w.start_session()
    e.run_for(3)
    seen: list[str] = []

    def press_enter() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        QTest.keyClick(box, Qt.Key.Key_Return)

    QTimer.singleShot(50, press_enter)
    e.w.close()
    assert seen == ["Quit and end the session?"]
    assert not e.w.isVisible()
    assert e.rows() == [("Two holds", "stopped", "")]


def test_shift_right_skips_and_the_log_says_skipped(env: Env, routine: Path, qtbot: QtBot) -> None:
    env.w.open_routine_path(routine)
    env.w.start_session()
    env.w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is env.w, timeout=2000)
    env.run_for(3)  # 1 s into the left side
    QTest.keyClick(env.w.player_widget, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert env.w.session.step.kind == "switch"
    left = env.w.session.results()[0]
    assert (left.side, left.status) == ("left", "skipped")
    QTest.keyClick(env.w.player_widget, Qt.Key.Key_Right)  # Next: the switch
    env.run_for(2)  # 2 s into the right side
    QTest.keyClick(env.w.player_widget, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ShiftModifier)
    assert [r.status for r in env.w.session.results()] == ["skipped", "skipped"]


def test_the_rating_is_saved_when_the_app_closes(env: Env, routine: Path, qtbot: QtBot) -> None:
    env.w.open_routine_path(routine)
    env.w.start_session()
    env.run_for(60)
    assert env.w.current_page() == "summary"
    # offered once the log's own thread has the session's id
    qtbot.waitUntil(lambda: env.w._rating is not None, timeout=10_000)
    rate = env.w._rating
    assert rate is not None
    rate.effort.setValue(6)
    rate.note.setPlainText("left hip tight")
    env.w.close()  # Ctrl+Q, not Done
    con = sqlite3.connect(env.db)
    assert con.execute("SELECT effort, note FROM sessions").fetchone() == (6, "left hip tight")
    con.close()


def crash_a_session(db: Path, routine: Path, seconds: float) -> int:
    r = loader.load_routine(routine)
    store = Store.open(db)
    clock = FakeClock()
    run = SessionRun(r, compile_plan(r), clock, store=store, speed=1.0, on_error=print)
    run.handle(run.session.start())
    for _ in range(int(seconds * 2)):
        clock.advance(0.5)
        run.handle(run.session.tick())
    run.checkpoint()
    sid = run.session_id
    assert sid is not None
    store.close()
    con = sqlite3.connect(db)
    con.execute("UPDATE sessions SET owner = 'x/999999999/1/dead'")
    con.commit()
    con.close()
    return sid


def test_resume_flag_continues_the_same_row(qtbot: QtBot, tmp_path: Path, routine: Path) -> None:
    db = tmp_path / "log.sqlite3"
    sid = crash_a_session(db, routine, 2 + 5 + 5 + 2)  # 2 s into the right side
    e = Env(qtbot, tmp_path, resume=True, routine=routine)
    e.w.offer_resume()
    assert e.w.current_page() == "player"
    s = e.w.session
    assert s.state == "ready" and s.step.kind == "work" and s.step.side == "right"
    assert e.w.player_widget.banner.text() == "Press Space to start"
    e.w.controller.toggle()  # Space
    e.run_for(30)
    assert e.w.current_page() == "summary"

    def ended() -> bool:  # the log is written on its own thread: wait, as a reader would
        con = sqlite3.connect(db)
        try:
            return con.execute("SELECT id, status FROM sessions").fetchall() == [(sid, "completed")]
        except sqlite3.Error:  # the writer holds the file this instant
            return False
        finally:
            con.close()

    qtbot.waitUntil(ended, timeout=10_000)
    assert e.w.summary_widget is not None
    assert e.w.summary_widget.title_label.text() == "Session complete ✓"
    e.w.close()


def test_resume_flag_with_nothing_to_resume_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    e = Env(qtbot, tmp_path, resume=True)
    e.w.offer_resume()
    assert e.w.current_page() == "library"
    assert any("Nothing to resume" in m for m in e.w.banner.messages())
    e.w.close()


def test_the_offer_declined_is_not_made_again(qtbot: QtBot, tmp_path: Path, routine: Path) -> None:
    crash_a_session(tmp_path / "log.sqlite3", routine, 4)
    e = Env(qtbot, tmp_path)
    offers: list[str] = []

    def decline(found: object) -> bool:
        offers.append(found.where())
        return False

    e.w.confirm_resume = decline  # type: ignore[assignment]
    e.w.offer_resume()
    assert offers == ["Hold one, left side, 5s"]
    assert e.w.current_page() == "library"
    e.w.offer_resume()
    assert len(offers) == 1
    assert e.rows() == [("Two holds", "interrupted", "")]
    e.w.close()


def test_a_signal_closes_without_asking_even_with_the_question_open(
    qtbot: QtBot, tmp_path: Path, routine: Path
) -> None:
    e = Env(qtbot, tmp_path)
    e.w.confirm_end = e.w._ask_end  # the real dialog: it is on screen when the signal comes
    e.w.open_routine_path(routine)
    e.w.start_session()
    e.run_for(3)
    QTimer.singleShot(100, e.w.close_now)  # what SIGTERM does (hiptimer.qt.signals)
    e.w.close()  # Ctrl+Q: the question opens
    assert not e.w.isVisible()
    assert e.rows() == [("Two holds", "stopped", "")]


def test_the_history_details_say_how_far_a_partial_set_got(tmp_path: Path, routine: Path) -> None:
    from hiptimer.qt.history import details_html

    crash_a_session(tmp_path / "log.sqlite3", routine, 2 + 3)  # 3 s into the left side
    with Store.open(tmp_path / "log.sqlite3") as store:
        (rec,) = store.sessions()
    html = details_html(rec)
    assert "Hold one (left): partial, set 1 partly: 3 s" in html


def _close_in_app_loop(env: Env, bound_ms: int, bound_code: int) -> int:
    """Close the window inside a running ``app.exec()``, as the app's own loop does
    (run() sets ``ends_app`` around it); ``bound_code`` if the loop still runs after
    ``bound_ms``. The bound is stopped afterwards: app.exit() with no loop running
    would make every later test's waits return at once."""
    app = QApplication.instance()
    assert app is not None
    env.w.ends_app = True
    bound = QTimer()
    bound.setSingleShot(True)
    bound.timeout.connect(lambda: app.exit(bound_code))
    try:
        QTimer.singleShot(0, env.w.close)
        bound.start(bound_ms)
        return app.exec()
    finally:
        bound.stop()


def test_the_app_ends_once_its_window_closed_even_if_qt_refuses_to_quit(env: Env) -> None:
    """Qt 6's quit() gives up if anything refuses it. Once the window has closed and no
    window is left on screen, the process must end anyway: nothing else could end it
    (seen once: the window gone, the loop idle in exec())."""
    from PySide6.QtCore import QEvent, QObject

    app = QApplication.instance()
    assert app is not None

    class RefuseQuit(QObject):
        refused = 0

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
            if obj is app and event.type() == QEvent.Type.Quit:
                self.refused += 1
                return True  # eaten: QGuiApplication never ends the loop for it
            return False

    refuse = RefuseQuit()
    app.installEventFilter(refuse)
    try:
        code = _close_in_app_loop(env, 3000, 99)  # the hang, bounded
    finally:
        app.removeEventFilter(refuse)
    assert refuse.refused >= 1  # Qt was asked, and refused
    assert not env.w.isVisible()
    assert code == 0


def test_a_window_that_keeps_itself_open_keeps_the_app_running(env: Env) -> None:
    """The fallback above must not end the app under a window that refused to close
    (the editor with unsaved changes: the person chose to keep it)."""
    from PySide6.QtGui import QCloseEvent
    from PySide6.QtWidgets import QWidget

    class Unsaved(QWidget):
        def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
            event.ignore()

    other = Unsaved()
    other.show()
    try:
        code = _close_in_app_loop(env, 500, 7)  # still running after the close
    finally:
        other.hide()
        other.deleteLater()
    assert not env.w.isVisible()
    assert code == 7
