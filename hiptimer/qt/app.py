"""The app shell: QApplication, the main window and the wiring of a session.

Pages (one QStackedWidget): library -> overview -> player -> summary. A
session is an engine ``Session`` driven by a ``SessionController``; the
session log (``SessionRecorder``) and the cues (``CueDirector``) listen to
the controller's events. With two screens and presentation on, the clean
player goes fullscreen on the chosen screen and the main window shows the
presenter view.

Startup stays lean: the engine, the store, the cues (QtMultimedia,
QtTextToSpeech) and the history window are imported when first needed.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QAbstractEventDispatcher, QObject, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QGuiApplication,
    QKeySequence,
    QScreen,
    QShortcut,
)
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hiptimer.clock import Clock, MonotonicClock
from hiptimer.qt.library import LibraryItem, LibraryPage
from hiptimer.qt.settings import APPLICATION, AUDIO_BACKENDS, ORGANIZATION, THEMES, Settings
from hiptimer.qt.studio import (
    AUTO,
    WINDOW,
    ProjectorWindow,
    Studio,
    clear_layout,
    screen_keys,
    screen_label,
)
from hiptimer.qt.theme import FUSION_ARGS, apply_theme, surface

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QCloseEvent  # (its class makes QEvent's enums)
    from PySide6.QtWidgets import QSlider

    from hiptimer.engine import Session
    from hiptimer.libindex import SavedIndex
    from hiptimer.plan import Plan
    from hiptimer.qt.controller import SessionController
    from hiptimer.qt.cues import CueDirector, CuePlayer, SpeechProbe, Voice
    from hiptimer.qt.editor import RoutineActions
    from hiptimer.qt.goal import WeeklyGoalWidget
    from hiptimer.qt.history import HistoryWindow, RateSessionDialog
    from hiptimer.qt.overview import OverviewPage
    from hiptimer.qt.player import PlayerWidget
    from hiptimer.qt.presenter import PresenterWidget
    from hiptimer.routine import Routine
    from hiptimer.session import Resumable, SessionRun
    from hiptimer.store import SessionRecorder, Store

#: Printed on stdout once the first window is on screen when HIPTIMER_BENCH_STARTUP is set.
STARTUP_MARKER = "HIPTIMER_WINDOW_SHOWN"
#: ... once the background scan has listed the routines, and once the session log is open.
LIBRARY_MARKER = "HIPTIMER_LIBRARY_READY"
READY_MARKER = "HIPTIMER_READY"

#: Esc once in a session shows this for ESC_AGAIN_MS; Esc again within it ends the session.
ESC_AGAIN_TEXT = "Esc again to end the session"
ESC_AGAIN_MS = 3000
#: Routine files (outside the bundled ones) watched one by one for edits; folders always.
WATCH_FILES_MAX = 2000
#: Rows from the library's index shown before the first paint: all of them up to
#: PREFILL_ALL_ROWS, else a screenful (80 rows fill a 4K screen's height) and the rest
#: on the next turn of the event loop (10,000 routines do not delay the first paint:
#: reading them from the index takes ~130 ms, the list laying them out ~40 ms more).
PREFILL_ALL_ROWS = 2000
PREFILL_ROWS = 80
#: --quit-on-finish waits for the last cue to ring out, but never longer than this.
QUIT_TAIL_MAX_S = 3.0

PAGE_TITLES = {"library": "Library", "overview": "Overview", "player": "", "summary": "Summary"}


class AppOptions(NamedTuple):
    """What the GUI command line asks for (see ``hiptimer.cli.build_gui_parser``).

    (A NamedTuple, as the other records on the way to the first paint: a dataclass
    there costs its module's import and an ``exec`` per generated method, about 4 ms
    for five of them.)"""

    routine: Path | None = None
    db: Path | None = None
    routines: Sequence[Path] = ()
    start: bool = False
    speed: float = 1.0
    quit_on_finish: bool = False
    fullscreen: bool = False
    screen: int | None = None
    mute: bool = False
    audio_backend: str | None = None
    resume: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> AppOptions:
        return cls(
            routine=getattr(args, "routine", None),
            db=getattr(args, "db", None),
            routines=list(getattr(args, "routines", None) or []),
            start=bool(getattr(args, "start", False)),
            speed=float(getattr(args, "speed", 1.0) or 1.0),
            quit_on_finish=bool(getattr(args, "quit_on_finish", False)),
            fullscreen=bool(getattr(args, "fullscreen", False)),
            screen=getattr(args, "screen", None),
            mute=bool(getattr(args, "mute", False)),
            audio_backend=getattr(args, "audio_backend", None),
            resume=bool(getattr(args, "resume", False)),
        )


def _alive(obj: QObject) -> bool:
    """False once Qt has deleted the C++ object behind ``obj``."""
    try:
        obj.objectName()
    except RuntimeError:
        return False
    return True


def _to_library_item(entry: Any, bundled_dir: Path | None = None) -> LibraryItem:
    """hiptimer.library's scan entry -> the library page's row."""
    path = Path(entry.path)
    routine = entry.routine
    errors = tuple(str(e) for e in entry.errors)
    if bundled_dir is None:
        from hiptimer.resources import routines_dir

        bundled_dir = routines_dir()
    bundled = path.parent == bundled_dir
    return LibraryItem(path=path, routine=routine, errors=errors, bundled=bundled)


class Banner(QWidget):
    """A message strip above the pages: what the user must know, without a modal box."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setWordWrap(True)
        close = QPushButton("×")
        close.setFlat(True)
        close.setFixedWidth(32)
        close.setToolTip("Dismiss")
        close.clicked.connect(self.hide)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(16, 6, 8, 6)
        lay.addWidget(self.label, 1)
        lay.addWidget(close)
        self.setAutoFillBackground(True)
        self._messages: list[str] = []
        self.hide()

    def add(self, text: str, theme: str) -> None:
        if text in self._messages:
            return
        if not self._messages:
            from PySide6.QtCore import Qt  # not on the way to the first paint (see run())

            self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._messages.append(text)
        self.label.setText("\n".join(self._messages))
        self.setStyleSheet(
            f"Banner {{ background: {surface(theme, 'alt')}; }}"
            f" QLabel {{ color: {surface(theme, 'error')}; font-weight: bold; }}"
        )
        self.show()

    def messages(self) -> list[str]:
        return list(self._messages)


class MainWindow(QMainWindow):
    """The app's window. Tests build it with a FakeClock factory and a temp Settings."""

    #: The session log opened (or failed) on its worker thread.
    _store_opened = Signal()
    #: A session's row was written (on the log's thread): the summary may offer the rating.
    _session_begun = Signal()

    def __init__(
        self,
        options: AppOptions | None = None,
        settings: Settings | None = None,
        *,
        clock_factory: Callable[[float], Clock] | None = None,
        open_store_later: bool = True,
        scan_later: bool = False,
    ) -> None:
        super().__init__()
        self.options = options or AppOptions()
        self.settings = settings or Settings()
        self._clock_factory = clock_factory or (lambda speed: MonotonicClock(speed=speed))
        self.muted = self.options.mute or self.settings.muted
        self._page = "library"
        self._routine_name = ""

        # session state (created per session; the assembly is hiptimer.session.SessionRun)
        self.run: SessionRun | None = None
        self.session: Session | None = None
        self.controller: SessionController | None = None
        self.recorder: SessionRecorder | None = None
        self.cue_player: CuePlayer | None = None
        self.voice: Voice | None = None
        #: The speech engine, made once and kept across sessions: making one blocks this
        #: thread for seconds, so only the first session waits (after its start) for it.
        self._voice_engine: Voice | None = None
        self._speech_probe: SpeechProbe | None = None
        self.cue_director: CueDirector | None = None
        self.player_widget: PlayerWidget | None = None
        self.presenter_widget: PresenterWidget | None = None
        self.summary_widget: QWidget | None = None
        self._store: Store | None = None
        self._store_tried = False
        self._history_window: HistoryWindow | None = None
        self._goal_widget: WeeklyGoalWidget | None = None
        #: The goal shown is remembered for the next start (the app, not tests' windows).
        self._goal_cache = False
        self._was_maximized = False
        self._chrome_hidden = False
        self._closing = False
        self._rating: RateSessionDialog | None = None
        #: The process's exit status when it is not 0 (``--resume`` found nothing to resume).
        self.exit_code = 0
        #: Set by run() around app.exec(): closing this window ends the process. (Not
        #: outside it: QApplication.exit() with no loop running makes every later
        #: event loop return at once, as pytest-qt's waits in the next test would.)
        self.ends_app = False
        #: Called before a session begins (run(): SIGINT, SIGTERM and SIGHUP must stop
        #: it as closing the window does, even when it begins before the first paint).
        self.before_session: Callable[[], None] | None = None
        #: Asks "End the session?" (Enter confirms); tests replace it.
        self.confirm_end: Callable[[str], bool] = self._ask_end
        #: Asks whether to resume an interrupted session; tests replace it.
        self.confirm_resume: Callable[[Resumable], bool] = self._ask_resume
        self._checkpoint_timer = QTimer(self)
        self._checkpoint_timer.timeout.connect(self._on_checkpoint_timer_timeout)
        self._rating_timer = QTimer(self)
        self._rating_timer.setSingleShot(True)
        self._rating_timer.setInterval(800)
        self._rating_timer.timeout.connect(self._save_rating)

        # pages
        self.library = LibraryPage()
        self._overview: OverviewPage | None = None  # built when first shown
        self.player_page = QWidget()
        self._player_layout = QVBoxLayout(self.player_page)
        self._player_layout.setContentsMargins(0, 0, 0, 0)
        self.summary_page = QWidget()
        summary_row = QHBoxLayout(self.summary_page)
        summary_row.setContentsMargins(0, 0, 24, 24)
        self._summary_layout = QVBoxLayout()
        self._rating_layout = QVBoxLayout()
        self._rating_layout.setContentsMargins(0, 32, 0, 0)
        summary_row.addLayout(self._summary_layout, 3)
        summary_row.addLayout(self._rating_layout, 2)
        self.stack = QStackedWidget()
        self._pages: dict[str, QWidget] = {
            "library": self.library,
            "player": self.player_page,
            "summary": self.summary_page,
        }
        for page in self._pages.values():
            self.stack.addWidget(page)

        self.banner = Banner()
        central = QWidget()
        lay = QVBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.banner)
        lay.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.library.routine_activated.connect(self._on_library_routine_activated)
        self.library.history_requested.connect(self.show_history)
        self.library.edit_requested.connect(self._on_library_edit_requested)

        self._window_done_shortcuts: list[QShortcut] = []
        self._cli_choice = self._resolve_cli_screen()
        self.studio = Studio(
            self,
            self._player_layout,
            choice=self.player_screen_choice,
            enter_fullscreen=self.enter_fullscreen,
            leave_fullscreen=self.leave_fullscreen,
            install_keys=self.install_window_keys,
        )
        self.studio.notice.connect(self.show_message)
        self.studio.placed.connect(self._on_studio_placed)

        self._routine_actions: RoutineActions | None = None
        self._build_menus()
        self._build_clicker_actions()
        self.install_window_keys(self)
        self._fit_default_size()
        self.statusBar().showMessage(
            f"Rehearsal: the clock runs ×{self.options.speed:g}"
            if self.options.speed != 1
            else "Ready"
        )
        self._scanner: Any = None
        self._watcher: Any = None
        self._scan_gen = 0
        self._scan_first = True
        self._library_ready = False
        self._prefill_rest: SavedIndex | None = None
        self._prefill_from = 0
        self._scan_items: list[LibraryItem] = []
        self._scan_plans: dict[Path, Plan] = {}
        self._overview_path: Path | None = None
        self._overview_key: Any = None
        self._store_thread: Any = None
        self._offer_resume_when_open = False
        self._store_result: dict[str, tuple[Store | None, str | None]] = {}
        self._store_opened.connect(self._on_store_opened)
        self._session_begun.connect(self._on_session_begun)
        if scan_later:
            self.library.set_loading(True)
        else:
            self.reload_library()
        # the library, with the keyboard on the list (the page set it when it was built,
        # but moving the page into this window dropped it): H, the arrows and Enter work
        self.show_library()
        if not open_store_later:
            self.ensure_store()

    # -- menus and keys --------------------------------------------------------
    @property
    def routine_actions(self) -> RoutineActions:
        """The editor's File menu actions (New, Edit, Duplicate, Delete)."""
        return self._ensure_routine_actions()

    def _after_first_paint(self) -> None:
        from PySide6.QtCore import Qt  # its first use makes 92 Python enums (see run())

        # Ctrl+Q from any of the app's windows (the projector, History)
        self.quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.library.after_first_paint()
        QTimer.singleShot(0, self, self._ensure_routine_actions)

    def _ensure_routine_actions(self) -> RoutineActions:
        if self._routine_actions is None:
            from hiptimer.qt.editor import RoutineActions

            self._routine_actions = RoutineActions(self, self._file_menu, self._routine_menu)
        return self._routine_actions

    def _build_menus(self) -> None:
        mb = self.menuBar()
        file_menu = mb.addMenu("&File")
        self.open_action = file_menu.addAction("&Open routine file…")
        self.open_action.setShortcuts(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self._on_open_action_triggered)
        reload_action = file_menu.addAction("&Reload library")
        reload_action.setShortcuts([QKeySequence("Ctrl+R")])
        reload_action.triggered.connect(self.scan_library)
        file_menu.addSeparator()
        quit_action = file_menu.addAction("&Quit")
        quit_action.setShortcuts([QKeySequence("Ctrl+Q")])
        quit_action.triggered.connect(self.quit)
        self.quit_action = quit_action
        # New, Edit, Duplicate, Delete: the menu is here from the start, its actions are
        # built once the window has painted (or when first used): importing the editor
        # is not on the way to the first paint, nor (a turn later) before the rest of a
        # long library's rows
        self._file_menu = file_menu
        self._routine_menu = mb.addMenu("&Routine")
        AfterFirstPaint(self, self._after_first_paint)

        view = mb.addMenu("&View")
        self.history_action = view.addAction("&History")
        self.history_action.setShortcuts([QKeySequence("H")])
        self.history_action.triggered.connect(self.show_history)
        self.fullscreen_action = view.addAction("&Fullscreen")
        self.fullscreen_action.setShortcuts([QKeySequence("F"), QKeySequence("F11")])
        self.fullscreen_action.triggered.connect(self.toggle_fullscreen)
        view.addSeparator()
        theme_menu = view.addMenu("&Theme")
        group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for name in THEMES:
            act = theme_menu.addAction(f"&{name.capitalize()}")  # D, L from the keyboard
            act.setCheckable(True)
            act.setChecked(name == self.settings.theme)
            act.setData(name)
            group.addAction(act)
            act.triggered.connect(self._on_theme_action_triggered)
            self.theme_actions[name] = act
        self.flash_action = view.addAction("Flash at each &boundary")
        self.flash_action.setCheckable(True)
        self.flash_action.setChecked(self.settings.flash_enabled)
        self.flash_action.toggled.connect(self._on_flash_action_toggled)
        self.motion_action = view.addAction("&Reduced motion")
        self.motion_action.setCheckable(True)
        self.motion_action.setChecked(self.settings.reduced_motion)
        self.motion_action.toggled.connect(self._on_motion_action_toggled)
        self.larger_text_action = view.addAction("&Larger text")
        self.larger_text_action.setCheckable(True)
        self.larger_text_action.setChecked(self.settings.larger_text)
        self.larger_text_action.toggled.connect(self._on_larger_text_action_toggled)

        self.presentation_menu = mb.addMenu("&Presentation")
        self.screen_menu = self.presentation_menu.addMenu("Player &screen")
        self.screen_menu.aboutToShow.connect(self._fill_screen_menu)
        self._fill_screen_menu()
        self.mirror_action = self.presentation_menu.addAction("&Mirror left and right")
        self.mirror_action.setCheckable(True)
        self.mirror_action.setChecked(self.settings.mirror)
        self.mirror_action.setToolTip("For a class that faces you: the class's screen swaps sides")
        self.mirror_action.toggled.connect(self._on_mirror_action_toggled)
        self.blank_action = self.presentation_menu.addAction("&Blank the class's screen (B, .)")
        self.blank_action.setEnabled(False)
        self.blank_action.triggered.connect(self.toggle_blank)

        sound = mb.addMenu("&Sound")
        sound.aboutToShow.connect(self.probe_voice)
        self.mute_action = sound.addAction("&Mute")
        self.mute_action.setCheckable(True)
        self.mute_action.setChecked(self.muted)
        self.mute_action.setShortcuts([QKeySequence("M")])
        self.mute_action.triggered.connect(self._on_mute_action_triggered)
        # the volume row is made when the menu first opens (a horizontal QSlider needs
        # Qt's namespace, whose first use is not on the way to the first paint: run())
        self.volume_slider: QSlider | None = None
        self._sound_menu = sound
        sound.aboutToShow.connect(self._ensure_volume_row)
        self.voice_action = sound.addAction("Spoken &guidance")
        # triggered, not toggled: only the person's click is their choice. setCheckable
        # (False) on a ticked action emits toggled(False), which wrote "voice off" into
        # the settings at every start, so the voice never spoke once the probe said yes.
        self.voice_action.triggered.connect(self._on_voice_action_triggered)
        # Disabled, with the reason in words, until the speech probe finds an engine.
        self.voice_action.setEnabled(False)
        self.voice_action.setCheckable(False)  # no tick on a switch that cannot be used
        self.voice_action.setText("Voice: looking for a speech engine...")
        backend_menu = sound.addMenu("Audio &backend")
        bgroup = QActionGroup(self)
        self.backend_actions: dict[str, QAction] = {}
        for backend in AUDIO_BACKENDS:
            act = backend_menu.addAction(backend)
            act.setCheckable(True)
            act.setChecked(backend == self.settings.audio_backend)
            act.setData(backend)
            bgroup.addAction(act)
            act.triggered.connect(self._on_backend_action_triggered)
            self.backend_actions[backend] = act
        self.backend_status = backend_menu.addAction("")
        self.backend_status.setEnabled(False)
        self.backend_status.setVisible(False)

        goal = mb.addMenu("&Goal")
        goal_minutes = goal.addMenu("Minutes a day")
        mgroup = QActionGroup(self)
        for minutes in (10, 15, 20, 30, 45, 60):
            act = goal_minutes.addAction(f"{minutes} min")
            act.setCheckable(True)
            act.setChecked(minutes == self.settings.weekly_goal_minutes)
            mgroup.addAction(act)
            act.triggered.connect(lambda _c=False, m=minutes: self._set_goal(minutes=m))
        goal_days = goal.addMenu("Days a week")
        dgroup = QActionGroup(self)
        for days in range(1, 8):
            act = goal_days.addAction(f"{days} day{'s' if days > 1 else ''}")
            act.setCheckable(True)
            act.setChecked(days == self.settings.weekly_goal_days)
            dgroup.addAction(act)
            act.triggered.connect(lambda _c=False, d=days: self._set_goal(days=d))

        # Menu shortcuts must keep working when the menu bar is hidden (fullscreen).
        for act in (
            self.open_action,
            reload_action,
            quit_action,
            self.history_action,
            self.fullscreen_action,
            self.mute_action,
        ):
            self.addAction(act)

    def install_window_keys(self, window: QWidget) -> None:
        """Esc (leave fullscreen; in a session, twice ends it) on ``window``; the
        projector also gets F/F11 and M (Ctrl+Q is the Quit action's, app-wide from the
        first paint: a second Ctrl+Q here made it ambiguous, and Qt then ran neither)."""
        esc = QShortcut(QKeySequence("Esc"), window)
        esc.activated.connect(self.on_escape)
        if window is not self:
            for keys, slot in (
                (("F", "F11"), self.toggle_fullscreen),
                (("M",), self.toggle_mute),
            ):
                for k in keys:
                    QShortcut(QKeySequence(k), window).activated.connect(slot)
            # the projector may hold the focus when the session ends: PageDown is Done there too
            done = QShortcut(QKeySequence("PgDown"), window)
            done.setEnabled(self._page == "summary")
            done.activated.connect(self._on_clicker_done_triggered)
            self._window_done_shortcuts.append(done)

    def _build_clicker_actions(self) -> None:
        """What a presentation clicker sends, outside a session's own keys: PageDown,
        F5 or Shift+F5 start from the overview; PageDown is Done on the summary. Each
        is enabled only on its page, so PageDown still scrolls the library."""
        # QAction(parent) and setText: QAction(text, parent) weighs the (icon, text)
        # overload too, which makes QIcon's Python enums (1 ms) before the first paint
        self.clicker_start_action = QAction(self)
        self.clicker_start_action.setText("Start (clicker)")
        self.clicker_start_action.setShortcuts(
            [QKeySequence("PgDown"), QKeySequence("F5"), QKeySequence("Shift+F5")]
        )
        self.clicker_start_action.triggered.connect(self._on_clicker_start_triggered)
        self.clicker_done_action = QAction(self)
        self.clicker_done_action.setText("Done (clicker)")
        self.clicker_done_action.setShortcuts([QKeySequence("PgDown")])
        self.clicker_done_action.triggered.connect(self._on_clicker_done_triggered)
        for act in (self.clicker_start_action, self.clicker_done_action):
            act.setEnabled(False)
            self.addAction(act)
        self._esc_armed = QTimer(self)
        self._esc_armed.setSingleShot(True)
        self._esc_armed.setInterval(ESC_AGAIN_MS)

    def _on_clicker_start_triggered(self) -> None:
        if self._page == "overview":
            self.start_session()

    def _on_clicker_done_triggered(self) -> None:
        if self._page == "summary":
            self._on_summary_done()

    def on_escape(self) -> None:
        """Esc: leaves fullscreen first (the player in the window); in a session, once
        shows "Esc again to end the session" for 3 s and a second Esc ends it."""
        if self.isFullScreen() or self._chrome_hidden or not self.session_active():
            self.leave_fullscreen()
            return
        if self._esc_armed.isActive():
            self._esc_armed.stop()
            self._show_prompt("")
            self.stop_session()
            return
        self._esc_armed.start()
        self._show_prompt(ESC_AGAIN_TEXT, ESC_AGAIN_MS)

    def _show_prompt(self, text: str, ms: int = 0) -> None:
        for w in (self.player_widget, self.presenter_widget):
            if w is not None:
                w.show_prompt(text, ms)
        if text:
            self.statusBar().showMessage(text, ms)
        else:
            self.statusBar().clearMessage()

    def _fill_screen_menu(self) -> None:
        self.screen_menu.clear()
        group = QActionGroup(self.screen_menu)
        chosen = self.player_screen_choice()
        screens = QGuiApplication.screens()
        keys = screen_keys(screens)

        def add(text: str, choice: str, enabled: bool = True) -> None:
            act = self.screen_menu.addAction(text)
            act.setCheckable(True)
            act.setChecked(chosen == choice)
            act.setEnabled(enabled)
            act.setData(choice)
            group.addAction(act)
            act.triggered.connect(lambda _c=False, c=choice: self.set_player_screen(c))

        add("Automatic (the screen without this window)", AUTO)
        add("In the window", WINDOW)
        self.screen_menu.addSeparator()
        for scr, key in zip(screens, keys, strict=True):
            add(screen_label(scr, key), key)
        if chosen not in (AUTO, WINDOW, *keys):
            add(f"{chosen} (not connected: Automatic until it is back)", chosen, False)

    def _fit_default_size(self) -> None:
        """1100×720 where it fits; on a small screen (1366×768 with a panel) the whole
        window, title bar included, stays inside the screen's free area, centred on it
        (a window manager's own placement can push a window that just fits off the bottom)."""
        scr = self.screen() or QGuiApplication.primaryScreen()
        w, h = 1100, 720
        if scr is None:
            self.resize(w, h)
            return
        avail = scr.availableGeometry()
        frame_w, frame_h = 8, 40  # borders and a title bar of a typical window manager
        w = min(w, avail.width() - frame_w)
        h = min(h, avail.height() - frame_h - 24)
        self.resize(w, h)
        self.move(
            avail.x() + max(0, (avail.width() - w - frame_w) // 2),
            avail.y() + max(0, (avail.height() - h - frame_h) // 2),
        )

    # -- pages -----------------------------------------------------------------
    def current_page(self) -> str:
        return self._page

    @property
    def overview(self) -> OverviewPage:
        """The routine's overview page (built when first needed: it imports the display
        model and the pictures, which the first window does without)."""
        if self._overview is None:
            from hiptimer.qt.overview import OverviewPage

            page = self._overview = OverviewPage()
            page.back_requested.connect(self.show_library)
            page.start_requested.connect(self.start_session)
            self._pages["overview"] = page
            self.stack.insertWidget(1, page)
        return self._overview

    def _set_page(self, name: str) -> None:
        if name == "overview":
            self.overview  # noqa: B018 (built on first use)
        self._page = name
        self.clicker_start_action.setEnabled(name == "overview")
        self.clicker_done_action.setEnabled(name == "summary")
        self._window_done_shortcuts = [sc for sc in self._window_done_shortcuts if _alive(sc)]
        for sc in self._window_done_shortcuts:
            sc.setEnabled(name == "summary")
        self.blank_action.setEnabled(name == "player")
        self.stack.setCurrentWidget(self._pages[name])
        if name == "player":
            title = self._routine_name
            if self.options.speed != 1:
                title += f" (rehearsal ×{self.options.speed:g})"
        elif name == "overview" and self._routine_name:
            title = self._routine_name
        else:
            title = PAGE_TITLES[name]
        self.setWindowTitle(f"HipTimer — {title}")

    def show_library(self) -> None:
        self._set_page("library")
        self.library.tree.setFocus()

    def reload_library(self) -> None:
        """Scan the routine folders now, on this thread (tests; see scan_library)."""
        from hiptimer import library

        entries = library.scan(library.library_paths(self.options.routines))
        self.library.set_items(_to_library_item(e) for e in entries)
        self.library.set_loading(False)

    # -- the library, scanned in the background and following the disk -------------
    def prefill_library(self) -> bool:
        """Show the routine list saved by the last scan (``hiptimer.libindex``) at
        once, before the first paint: the first rows now, the rest on the next
        turn of the event loop (:meth:`scan_library` adds them), and the weekly
        goal as remembered. True if the rows were shown."""
        from hiptimer import libindex
        from hiptimer.libfiles import library_paths

        self._goal_cache = True
        self._show_remembered_goal()
        saved = libindex.load(libindex.default_path(), library_paths(self.options.routines))
        if not saved:
            return False
        # a moderate library entirely (nothing changes on screen after the first paint);
        # a huge one a screenful first, the rest on the next turn of the event loop
        first = len(saved) if len(saved) <= PREFILL_ALL_ROWS else PREFILL_ROWS
        self.library.add_items(LibraryItem.from_index(r) for r in saved.rows(0, first))
        self._prefill_rest = saved if first < len(saved) else None
        self._prefill_from = first
        self.library.set_loading(False)
        self._scan_first = False  # the scan checks these rows; only what changed repaints
        return True

    def scan_library(self) -> None:
        """Scan the routine folders on a worker thread (with the library's index
        and the parse cache). The first scan of a library never seen shows rows as
        they load; a rescan (or the first scan after :meth:`prefill_library`)
        changes the list when it is complete, and only if it differs. Afterwards
        the folders are watched."""
        from hiptimer import libindex
        from hiptimer.libfiles import library_paths
        from hiptimer.qt.scan import FolderWatcher, LibraryScanner

        if self._prefill_rest is not None:
            rest, self._prefill_rest = self._prefill_rest, None
            self.library.add_items(LibraryItem.from_index(r) for r in rest.rows(self._prefill_from))
            # the list's model is Python: the view lays out and paints these rows before
            # the scan's worker competes with it for the interpreter (10,000 rows took
            # 300 ms instead of 40 while the scan ran)
            AfterNextPaint(self.library.tree.viewport(), self.scan_library, fallback_ms=500)
            return
        if self._scanner is None:
            extra = self.options.routines
            self._scanner = LibraryScanner(
                lambda: library_paths(extra), self, index_path=libindex.default_path()
            )
            self._scanner.batch.connect(self._on_scan_batch)
            self._scanner.finished.connect(self._on_scan_finished)
            self._watcher = FolderWatcher(self)
            self._watcher.changed.connect(self.scan_library)
        self._scan_items, self._scan_plans = [], {}
        self._scan_gen = self._scanner.start(self.library.items())

    def _on_scan_batch(self, gen: int, batch: tuple[list[LibraryItem], dict[Path, Plan]]) -> None:
        if gen != self._scan_gen:
            return
        items, plans = batch
        if self._scan_first:
            first_rows = not self.library.items()
            self.library.add_items(items, plans)
            if first_rows:
                self.library.set_loading(False)
        else:
            self._scan_items += items
            self._scan_plans.update(plans)

    def _on_scan_finished(self, gen: int) -> None:
        if gen != self._scan_gen:
            return
        from hiptimer.libfiles import library_paths

        if self._scan_first:
            self._scan_first = False
            self.library.set_loading(False)
        else:
            self.library.update_items(self._scan_items, self._scan_plans)
            self._scan_items, self._scan_plans = [], {}
        if not self._library_ready:
            self._library_ready = True
            _bench(LIBRARY_MARKER)
        own = [i.path for i in self.library.items() if not i.bundled][:WATCH_FILES_MAX]
        if self._overview_path is not None:
            own.append(self._overview_path)
        self._watcher.watch(library_paths(self.options.routines), own)
        self._reload_open_overview()

    def _reload_open_overview(self) -> None:
        """The routine on the overview changed on disk: show it as it is now."""
        from hiptimer.parsecache import file_key

        path = self._overview_path
        if path is None or self._page != "overview" or self.session_active():
            return
        if file_key(path) != self._overview_key:
            self.open_routine_path(path)
            self.status(f"{path.name} changed on disk: reloaded")

    def open_routine_path(self, path: Path) -> bool:
        """Load one routine file and show its overview (or its errors). True if it can start."""
        from hiptimer import loader
        from hiptimer.parsecache import file_key

        path = Path(path)
        self._overview_path, self._overview_key = path, file_key(path)
        if self._watcher is not None:
            self._watcher.watch(
                [Path(d) for d in self._watcher.watched() if Path(d).is_dir()],
                [Path(f) for f in self._watcher.watched() if not Path(f).is_dir()] + [path],
            )
        try:
            routine = loader.load_routine(path)
        except loader.RoutineErrors as e:
            errors = [str(x) for x in e.errors]
            self._routine_name = path.name
            self.overview.set_errors(path, errors)
            self._set_page("overview")
            return False
        self.show_overview(routine)
        return True

    def open_editor(self, path: Path | None = None) -> Any:
        """Open ``path`` (default: the selected routine) in the routine editor."""
        return self.routine_actions.edit(path)

    def _on_library_edit_requested(self, path: object) -> None:
        """A library row's "Open in editor" (a file with errors among them)."""
        self.open_editor(Path(str(path)))

    def show_overview(self, routine: Routine, plan: Plan | None = None) -> None:
        self._routine_name = routine.name
        self.overview.set_routine(routine, plan)
        self._set_page("overview")
        self.overview.start_button.setFocus()
        QTimer.singleShot(0, self, self._warm_voice)  # after the overview has painted

    def _on_library_routine_activated(self, item: LibraryItem) -> None:
        if item.routine is None:  # a row from the library's index: read the file now
            self.open_routine_path(item.path)
        else:
            from hiptimer.parsecache import file_key

            self.show_overview(item.routine, self.library.plan_for(item))
            self._overview_path, self._overview_key = item.path, file_key(item.path)

    def _on_open_action_triggered(self) -> None:
        if self.session_active():
            return
        from PySide6.QtWidgets import QFileDialog

        name, _ = QFileDialog.getOpenFileName(
            self, "Open a routine", "", "Routines (*.yaml *.yml);;All files (*)"
        )
        if name:
            self.open_routine_path(Path(name))

    # -- messages ----------------------------------------------------------------
    def show_message(self, text: str) -> None:
        """Something the user must see (not a passing status): the banner."""
        self.banner.add(text, self.settings.theme)
        print(f"hiptimer: {text}", file=sys.stderr)

    def status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    # -- the log -----------------------------------------------------------------
    def open_store_in_background(self, *, then_offer_resume: bool = False) -> None:
        """Open (and check) the session log on a worker thread: a long log's
        integrity check never holds up the window. ensure_store() waits for it."""
        self._offer_resume_when_open = then_offer_resume
        if self._store_tried or self._store_thread is not None:
            return
        import threading

        def work() -> None:
            self._store_result["result"] = self._open_store()
            try:
                self._store_opened.emit()
            except RuntimeError:  # the window is gone: closeEvent took (and closed) the log
                pass

        self._store_thread = threading.Thread(target=work, name="hiptimer-log-open", daemon=True)
        self._store_thread.start()

    def _on_store_opened(self) -> None:
        if self._closing:  # closeEvent took the log and closed it: nothing to offer now
            return
        if not self._store_tried:
            self.ensure_store()
        if self._offer_resume_when_open:
            self._offer_resume_when_open = False
            self.offer_resume()
        _bench(READY_MARKER, last=True)

    def ensure_store(self) -> Store | None:
        """Open the session log once; on failure the app runs on and says so."""
        if self._store_tried:
            return self._store
        if self._store_thread is not None:
            store, problem = self._background_store()
        else:
            store, problem = self._open_store()
        self._store_tried = True
        if problem is not None:
            self.show_message(problem)
            self._store = None
            return None
        self._store = store
        return self._opened_store()

    def _open_store(self) -> tuple[Store | None, str | None]:
        """(the opened log, None) or (None, what to tell the user); any thread."""
        from hiptimer import paths
        from hiptimer.store import Store, StoreError

        try:
            path = self.options.db or paths.default_db_path()
            # only the app's own default log may be moved aside (when SQLite says it is damaged)
            return Store.open(path, recover=self.options.db is None, background=True), None
        except (StoreError, OSError) as e:
            if isinstance(e, OSError):  # the data folder: say why in words, not an errno
                from hiptimer.environment import describe_os_error, display_path

                where = display_path(Path(e.filename)) if e.filename else "the data folder"
                e = StoreError(describe_os_error(e, f"use {where}"))
            said = str(e).rstrip(".")
            return None, f"{said}. Sessions will not be saved; everything else works."

    def _background_store(self) -> tuple[Store | None, str | None]:
        """The answer of the worker opening the log (open_store_in_background), once it
        has one."""
        assert self._store_thread is not None
        self._store_thread.join()
        return self._store_result.get("result") or (None, "no answer")

    def _take_store_opening(self) -> None:
        """Closing while the log still opens on its worker: wait for it, so that the
        log (and the writer thread it started) is closed as on any other exit."""
        if self._store_tried or self._store_thread is None:
            return
        self._store_tried = True
        self._store = self._background_store()[0]

    def _opened_store(self) -> Store | None:
        if self._store is None:
            return None
        if self._store.recovered_from is not None:
            self.show_message(
                f"The session log could not be read; it was moved to {self._store.recovered_from}"
                " and a new one was started."
            )
        self._refresh_goal()
        return self._store

    @property
    def store(self) -> Store | None:
        return self._store

    def _on_recorder_error(self, message: str) -> None:
        self.show_message(message)

    def _refresh_goal(self) -> None:
        from hiptimer.qt.goal import WeeklyGoalWidget

        if self._store is None:
            return
        if self._goal_widget is None:
            self._goal_widget = WeeklyGoalWidget(
                self._store,
                minutes=self.settings.weekly_goal_minutes,
                days=self.settings.weekly_goal_days,
            )
            self.library.set_goal_widget(self._goal_widget)
        else:  # perhaps shown from the remembered state: now from the log
            self._goal_widget.store = self._store
            self._goal_widget.refresh()
        self._remember_goal()

    def _goal_key(self) -> list[object] | None:
        from hiptimer import goalcache, paths

        try:
            db = self.options.db or paths.default_db_path(create=False)
        except OSError:
            return None
        return goalcache.key(
            Path(db),
            goalcache.today(),
            self.settings.weekly_goal_minutes,
            self.settings.weekly_goal_days,
        )

    def _remember_goal(self) -> None:
        """Save the goal as shown now, for the next start's first paint."""
        from hiptimer import goalcache

        widget = self._goal_widget
        if widget is None or widget.store is None or not self._goal_cache:
            return
        key = self._goal_key()
        if key is not None:
            goalcache.save(goalcache.default_path(), key, widget.state())

    def _show_remembered_goal(self) -> None:
        """Before the first paint: the goal as shown at the last exit, if the log,
        the day and the goal are unchanged since (else it shows once the log is read)."""
        from hiptimer import goalcache
        from hiptimer.qt.goal import WeeklyGoalWidget

        key = self._goal_key()
        state = goalcache.load(goalcache.default_path(), key) if key is not None else None
        if state is not None and self._goal_widget is None:
            self._goal_widget = WeeklyGoalWidget(
                None,
                minutes=self.settings.weekly_goal_minutes,
                days=self.settings.weekly_goal_days,
                state=state,
            )
            self.library.set_goal_widget(self._goal_widget)

    def _set_goal(self, *, minutes: int | None = None, days: int | None = None) -> None:
        if minutes is not None:
            self.settings.weekly_goal_minutes = minutes
        if days is not None:
            self.settings.weekly_goal_days = days
        if self._goal_widget is not None:
            self._goal_widget.set_goal(
                self.settings.weekly_goal_minutes, self.settings.weekly_goal_days
            )
        if self._history_window is not None:  # rebuilt with the new goal when next shown
            self._history_window.close()
            self._history_window.deleteLater()
            self._history_window = None

    def show_history(self) -> None:
        from hiptimer.qt.history import HistoryWindow

        store = self.ensure_store()
        if store is None:
            self.status("No session log: history is unavailable.")
            return
        if self._history_window is None:
            from hiptimer.history import WeeklyGoal

            goal = WeeklyGoal(
                minutes_per_day=float(self.settings.weekly_goal_minutes),
                days_per_week=self.settings.weekly_goal_days,
            )
            self._history_window = HistoryWindow(store, goal=goal)
            self._history_window.setWindowTitle("HipTimer — History")
        else:
            self._history_window.refresh()
        self._history_window.show()
        self._history_window.raise_()
        self._history_window.activateWindow()

    # -- a session ---------------------------------------------------------------
    def session_active(self) -> bool:
        return self.session is not None and self.session.state in ("running", "paused")

    def start_session(self) -> bool:
        routine, plan = self.overview.routine, self.overview.plan
        if routine is None or plan is None or not plan.steps:
            return False
        if self.session_active():
            return False
        return self._begin(routine, plan)

    def _begin(self, routine: Routine, plan: Plan, resume: Resumable | None = None) -> bool:
        """Assemble a session (hiptimer.session.SessionRun) and show the player. A
        resumed session waits at the step it had reached for Space."""
        from hiptimer.qt.controller import SessionController
        from hiptimer.qt.player import PlayerWidget
        from hiptimer.qt.presenter import PresenterWidget
        from hiptimer.session import CHECKPOINT_S, SessionRun
        from hiptimer.store import StoreError

        if self.before_session is not None:
            self.before_session()
        self._teardown_session()
        clock = self._clock_factory(self.options.speed)
        # On Windows the monotonic clock runs on through a suspend, so only a
        # wake-up far later than asked for gives a sleep away; a FakeClock in
        # tests jumps on purpose and must cross every boundary it passes.
        missed = 60.0 if isinstance(clock, MonotonicClock) else None
        try:
            run = SessionRun(
                routine,
                plan,
                clock,
                store=self.ensure_store(),
                speed=self.options.speed,
                on_error=self._on_recorder_error,
                missed_wakeup_s=missed,
                resume=resume.candidate if resume is not None else None,
                on_begun=self._tell_session_begun,
            )
        except (StoreError, ValueError) as e:
            self.show_message(f"The session cannot be resumed: {e}")
            return False
        self.run = run
        self.session = run.session
        self.recorder = run.recorder
        self._routine_name = routine.name
        self.controller = SessionController(self.session, self)
        self.controller.confirm_stop = self._confirm_stop
        self.controller.finished.connect(self._on_controller_finished)
        self.controller.add_listener(run.handle)
        self._setup_cues(routine, plan)

        self.player_widget = PlayerWidget(self.controller)
        self.player_widget.set_muted(self.muted)
        self.player_widget.set_flash_enabled(self.settings.flash_enabled)
        self.player_widget.set_reduced_motion(self.settings.reduced_motion)
        self.player_widget.set_mirrored(self.settings.mirror)
        self.player_widget.set_larger_text(self.settings.larger_text)
        self.player_widget.mute_toggle_requested.connect(self.toggle_mute)
        self.player_widget.blank_changed.connect(self._on_player_blank_changed)
        self.presenter_widget = PresenterWidget(self.controller)
        self.presenter_widget.mute_toggle_requested.connect(self.toggle_mute)
        self.presenter_widget.blank_toggle_requested.connect(
            self._on_presenter_blank_toggle_requested
        )
        self.presenter_widget.set_muted(self.muted)
        self.presenter_widget.set_source(self.player_widget)
        self.presenter_widget.set_mirrored(self.settings.mirror)
        self.presenter_widget.set_larger_text(self.settings.larger_text)
        self._place_player()
        self._set_page("player")
        self._checkpoint_timer.start(int(CHECKPOINT_S * 1000))
        if resume is None:
            self._start_when_sound_ready()
        else:
            self._attach_voice()
            self.status(f"Resumed at {resume.where()}: press Space to go on")
        return True

    def _start_when_sound_ready(self) -> None:
        """Start the session's clock on the instant the sound path has its
        first cue queued for (a few tens of ms after Start), never before."""
        controller, director, session = self.controller, self.cue_director, self.session
        if controller is None or session is None:
            return
        # From here until the clock starts the views say "Starting…" and Space does not
        # pause: the key that meant "start" must not stop the session a moment later.
        controller.begin_start()
        # Made now if the probe has answered (its engine starts on its own thread): the first
        # cue's words are spoken if the engine is ready by then.
        self._attach_voice()
        at = director.arm_start() if director is not None else None
        if at is None:
            self._start_now(controller, None)
            return
        clock = session.clock
        delay_ms = max(0, math.ceil((at - clock.now()) / clock.speed * 1000))

        timer = QTimer(controller)
        timer.setSingleShot(True)
        from PySide6.QtCore import Qt

        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.timeout.connect(lambda: self._start_now(controller, at))
        timer.start(delay_ms)

    def _start_now(self, controller: SessionController, at: float | None) -> None:
        """The sound path is ready: start the clock, then give the session its voice
        (if the probe answered only now)."""
        controller.start(at)
        if controller is self.controller:
            QTimer.singleShot(0, self._attach_voice)

    def _setup_cues(self, routine: Routine, plan: Plan) -> None:
        from hiptimer.qt import cues

        self.probe_voice()  # usually asked already, when the routine was opened

        backend = self.options.audio_backend or self.settings.audio_backend
        try:
            self.cue_player = cues.create_cue_player(
                backend,
                sounds=dict(routine.sounds),
                volume=self.settings.volume,
                muted=self.muted,
                on_message=self.status,
            )
        except Exception as e:  # a sound system must never stop a session
            self.show_message(f"Sound cues are off: {e}")
            self.cue_player = None
        if self.cue_player is not None:
            self.backend_status.setText(f"In use: {self.cue_player.name}")
            self.backend_status.setVisible(True)
            self.cue_player.warm_up()
        self.voice = None
        self.cue_director = cues.CueDirector(self.cue_player, None, plan, session=self.session)
        self.cue_director.mirror = self.settings.mirror
        if self.run is not None:
            self.run.add_listener(self.cue_director.handle)

    # -- resuming after a crash ------------------------------------------------------
    def offer_resume(self) -> None:
        """At start: an interrupted session of the last hours is offered (``--resume``
        resumes it without asking, and says so when there is none)."""
        store = self.ensure_store()
        if store is None or self.session_active():
            return
        from hiptimer.session import find_resumable, load_for_resume
        from hiptimer.store import StoreError

        hours = self.settings.resume_window_hours
        path = self.options.routine if self.options.resume else None
        try:
            candidate = find_resumable(store, window_h=hours, routine_path=path)
        except StoreError as e:
            self.show_message(str(e))
            return
        if candidate is None:
            if self.options.resume:
                what = f" of {path}" if path is not None else ""
                self.show_message(
                    f"Nothing to resume: no interrupted session{what} in the last {hours:g} hours."
                )
                if self.options.quit_on_finish:  # a script: say so with the exit status too
                    self.exit_code = 1
                    QTimer.singleShot(0, self.close)
            return
        found = load_for_resume(candidate)
        if isinstance(found, str):
            self.show_message(found)
            store.discard_resume(candidate.session_id)
            return
        if not self.options.resume and not self.confirm_resume(found):
            store.discard_resume(candidate.session_id)
            return
        if self._begin(found.routine, found.plan, resume=found) and self.options.start:
            self._start_when_sound_ready()  # --resume --start: go on at once

    def _ask_resume(self, found: Resumable) -> bool:
        c = found.candidate
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("HipTimer")
        box.setText(f"Resume “{c.routine}”?")
        started = c.started_at.astimezone().strftime("%H:%M")
        box.setInformativeText(
            f"The session started at {started} stopped unexpectedly at {found.where()}."
            " Resume it there? It stays one session in your history."
        )
        yes = box.addButton("Resume", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Don't resume", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(yes)
        box.exec()
        return box.clickedButton() is yes

    # -- where the player goes (hiptimer.qt.studio) -----------------------------------
    def _resolve_cli_screen(self) -> str | None:
        """``--screen N`` (0-based) as a screen key for this run; a bad N warns once."""
        n = self.options.screen
        if n is None:
            return None
        screens = QGuiApplication.screens()
        if 0 <= n < len(screens):
            return str(screen_keys(screens)[n])
        msg = f"There is no screen {n} (screens: 0 to {len(screens) - 1}); using Automatic."
        self.status(msg)
        print(f"hiptimer: warning: {msg}", file=sys.stderr)
        return None

    def player_screen_choice(self) -> str:
        """The choice in force: ``--screen`` for this run, else Presentation › Player screen."""
        return self._cli_choice if self._cli_choice is not None else self.settings.player_screen

    def set_player_screen(self, choice: str) -> None:
        """Presentation › Player screen: saved; applies to the next start, and mid-session
        it moves the player at once."""
        self.settings.player_screen = choice
        self._cli_choice = None  # the menu choice wins over the command line from now on
        if self.studio.active:
            self.studio.place()

    @property
    def projector(self) -> ProjectorWindow | None:
        return self.studio.projector

    def _place_player(self) -> None:
        assert self.player_widget is not None and self.presenter_widget is not None
        placement = self.studio.begin(self.player_widget, self.presenter_widget)
        if placement.mode == "window" and self.options.fullscreen:
            self.enter_fullscreen()

    def _on_studio_placed(self, _placement: object) -> None:
        if self.player_widget is not None:
            presenting = self.projector is not None or self.isFullScreen()
            self.player_widget.set_presenting(presenting)

    def _on_presenter_blank_toggle_requested(self) -> None:
        self.toggle_blank()

    def _on_player_blank_changed(self, on: bool) -> None:
        if self.presenter_widget is not None:
            self.presenter_widget.set_blanked(on)
        self.blank_action.setText(
            "Un&blank the class's screen (B, .)" if on else "&Blank the class's screen (B, .)"
        )
        if self.projector is None:  # in the window: say how back, since the screen says nothing
            self.status("Screen blanked: B or . to return" if on else "")

    def toggle_blank(self) -> None:
        """B or '.': the class's screen goes black (the timer runs on); again to return."""
        if self.player_widget is None:
            return
        on = not self.player_widget.blanked
        self.player_widget.set_blanked(on)

    def _on_controller_finished(self, status: str) -> None:
        if self._closing:
            return
        # The class's screen keeps showing the end until the summary's Done.
        if self.options.quit_on_finish:
            # Let the "session complete" cue ring out before the output closes.
            tail_s = 0.0
            player = self.cue_player
            if status == "completed" and player is not None and not self.muted:
                busy = getattr(player, "busy_for", None)
                tail_s = busy() if callable(busy) else player.length("complete") + 0.1
            QTimer.singleShot(int(min(QUIT_TAIL_MAX_S, tail_s) * 1000), self.quit)
            return
        self._show_summary()
        self._refresh_goal()

    def _show_summary(self) -> None:
        from hiptimer.qt.summary import SummaryWidget

        if self.session is None:
            return
        self._clear_layout(self._summary_layout)
        self._clear_layout(self._rating_layout)
        summary = SummaryWidget(self.session)
        self.summary_widget = summary
        summary.done_clicked.connect(self._on_summary_done)
        self._summary_layout.addWidget(summary)
        self._leave_player_page()
        self._set_page("summary")
        self.activateWindow()  # the clicker's next PageDown is Done, here
        summary.done_button.setFocus()
        self._offer_rating()

    def _tell_session_begun(self, _session_id: int) -> None:
        """On the log's thread: the row is written; the GUI thread hears it queued."""
        try:
            self._session_begun.emit()
        except RuntimeError:  # the window is already gone (the app closing): nobody to tell
            pass

    def _on_session_begun(self) -> None:
        # the session's row is written on the log's own thread: when a short session
        # ends on a busy disk, its id comes back while the summary is already shown
        if self._page == "summary" and self._rating is None:
            self._offer_rating()

    def _offer_rating(self) -> None:
        if self.recorder is None or self._store is None:
            return
        session_id = self.recorder.last_session_id
        if session_id is None:
            return  # offered when the row is written (_on_session_begun)
        from hiptimer.qt.history import RateSessionDialog

        rate = RateSessionDialog(self._store, session_id, self)
        self._rating = rate
        # Beside the summary, not a modal box on top of it; Done saves it.
        from PySide6.QtCore import Qt

        rate.setWindowFlags(Qt.WindowType.Widget)
        rate.buttons.hide()
        title = QLabel("How did it go?")
        title.setProperty("role", "title")
        hint = QLabel("Optional. Saved as you type.")
        hint.setProperty("role", "muted")
        self._rating_layout.addWidget(title)
        self._rating_layout.addWidget(hint)
        self._rating_layout.addWidget(rate)
        self._rating_layout.addStretch(1)
        for w in (title, hint, rate):
            w.show()
        # saved as it is typed (and when the app closes), not only on Done
        rate.effort.valueChanged.connect(self._rating_timer.start)
        rate.pain.valueChanged.connect(self._rating_timer.start)
        rate.note.textChanged.connect(self._rating_timer.start)

    def _save_rating(self) -> None:
        self._rating_timer.stop()
        if self._rating is not None and _alive(self._rating):
            self._rating.save()

    def _on_summary_done(self) -> None:
        self._save_rating()
        self._teardown_session()
        self._refresh_goal()
        self.show_library()

    def stop_session(self) -> None:
        """End a running or paused session now; the log records it as stopped."""
        if self.controller is not None and self.session_active():
            self.controller.stop()

    def _leave_player_page(self) -> None:
        if self.isFullScreen() or self._chrome_hidden:
            self.leave_fullscreen()

    def _teardown_session(self) -> None:
        self._checkpoint_timer.stop()
        self._save_rating()
        self._leave_player_page()
        self.studio.end()
        for w in (self.player_widget, self.presenter_widget):
            if w is not None:
                w.hide()
                w.setParent(None)
                w.deleteLater()
        self._clear_layout(self._player_layout)
        self._clear_layout(self._summary_layout)
        self._clear_layout(self._rating_layout)
        self._rating = None
        if self.voice is not None:
            self.voice.stop()
        if self.cue_player is not None:
            self.cue_player.close()
        if self.controller is not None:
            self.controller.shutdown()
            self.controller.deleteLater()
        self.controller = self.session = self.recorder = self.run = None
        self.cue_player = self.voice = self.cue_director = None
        self.player_widget = self.presenter_widget = self.summary_widget = None

    @staticmethod
    def _clear_layout(layout: QVBoxLayout | QHBoxLayout) -> None:
        clear_layout(layout)

    # -- fullscreen, mute, theme ---------------------------------------------------
    def _fullscreen_window(self) -> QWidget:
        return self.projector if self.projector is not None else self

    def enter_fullscreen(self, screen: QScreen | None = None) -> None:
        self._enter_fullscreen(screen)
        self._on_studio_placed(None)

    def _enter_fullscreen(self, screen: QScreen | None = None) -> None:
        win = self._fullscreen_window()
        if screen is not None and win.screen() is not screen:
            if win.isFullScreen():
                win.showNormal()
            win.setScreen(screen)
            win.move(screen.geometry().topLeft())
        if win is self:
            if not self._chrome_hidden:
                self._was_maximized = self.isMaximized()
            self._chrome_hidden = True
            self.menuBar().hide()
            self.statusBar().hide()
        win.showFullScreen()

    def leave_fullscreen(self) -> None:
        self._leave_fullscreen()
        self._on_studio_placed(None)

    def _leave_fullscreen(self) -> None:
        win = self._fullscreen_window()
        if win is not self:
            return  # the projector stays fullscreen; closing it is the way out
        if self._chrome_hidden:  # even if something else already left the fullscreen state
            self._chrome_hidden = False
            self.menuBar().show()
            self.statusBar().show()
        if not self.isFullScreen():
            return
        if self._was_maximized:
            self.showMaximized()
        else:
            self.showNormal()

    def toggle_fullscreen(self) -> None:
        win = self._fullscreen_window()
        if win.isFullScreen() and win is self:
            self.leave_fullscreen()
        elif not win.isFullScreen():
            self.enter_fullscreen()

    def toggle_mute(self) -> None:
        self.set_muted(not self.muted)

    def set_muted(self, on: bool) -> None:
        self.muted = on
        self.settings.muted = on
        self.mute_action.setChecked(on)
        for target in (self.cue_player, self.player_widget, self.presenter_widget, self.voice):
            if target is not None:
                target.set_muted(on)
        self.status("Muted" if on else "Sound on")

    def _on_mute_action_triggered(self, checked: bool) -> None:
        self.set_muted(checked)

    def _ensure_volume_row(self) -> QSlider:
        """The Sound menu's Volume slider, between Mute and Spoken guidance."""
        if self.volume_slider is None:
            from PySide6.QtCore import Qt
            from PySide6.QtWidgets import QSlider, QWidgetAction

            slider = QSlider(Qt.Orientation.Horizontal)
            slider.setRange(0, 100)
            slider.setValue(round(self.settings.volume * 100))
            slider.setMinimumWidth(160)
            slider.setAccessibleName("Volume")
            slider.valueChanged.connect(self._on_volume_slider_changed)
            vol_box = QWidget()
            vol_lay = QHBoxLayout(vol_box)
            vol_lay.setContentsMargins(24, 4, 12, 4)
            vol_lay.addWidget(QLabel("Volume"))
            vol_lay.addWidget(slider)
            vol_action = QWidgetAction(self)
            vol_action.setDefaultWidget(vol_box)
            self._sound_menu.insertAction(self.voice_action, vol_action)
            self.volume_slider = slider
        return self.volume_slider

    def _on_volume_slider_changed(self, value: int) -> None:
        self.settings.volume = value / 100
        if self.cue_player is not None:
            self.cue_player.set_volume(value / 100)

    def probe_voice(self) -> None:
        """Find out, in the background, whether a speech engine works here (once;
        opening a routine asks, or a session, or the Sound menu when it opens)."""
        from hiptimer.qt import cues

        if self._speech_probe is not None:
            return
        self._speech_probe = cues.SpeechProbe(parent=self)
        self._speech_probe.finished.connect(self._on_speech_probe_finished)
        self._speech_probe.start()

    def _on_speech_probe_finished(self, ok: bool) -> None:
        from hiptimer.qt import cues

        self.voice_action.setEnabled(ok)
        self.voice_action.setCheckable(ok)
        if ok:
            self.voice_action.setChecked(self.settings.voice_enabled)
            self.voice_action.setText("Spoken &guidance")
        else:
            reason = getattr(self._speech_probe, "reason", "") or cues.NO_ENGINE
            self.voice_action.setText(f"Voice: {reason}")
        if ok and self._voice_wanted():
            self._ensure_voice_engine()  # a routine is open: have the engine ready
        self._attach_voice()

    def _voice_wanted(self) -> bool:
        return self.settings.voice_enabled and not self.muted

    def _warm_voice(self) -> None:
        """A routine is open, so a session may follow: look for the speech engine and
        start it now, both in the background (the probe takes about 1.3 s and
        speech-dispatcher's engine about 1.2 s more), so that the session's first
        words are not lost to that wait. Done once; nothing when no voice is wanted."""
        if not self._voice_wanted():
            return
        self.probe_voice()  # when it answers yes, _on_speech_probe_finished makes the engine
        self._ensure_voice_engine()  # the probe answered yes before

    def _ensure_voice_engine(self) -> Voice | None:
        """The speech engine, made once the probe has found one that works (None before)."""
        from hiptimer.qt import cues

        if self._voice_engine is None:
            if not cues.Voice.known_available():
                return None
            try:
                # Quick: the engine starts on the voice's own thread (seconds with
                # speech-dispatcher); what is said before it is ready waits or is dropped.
                engine = cues.Voice()
            except cues.CueBackendError as e:
                self.status(f"Spoken guidance is off: {e}")
                return None
            engine.engine_failed.connect(self._on_voice_engine_failed)
            self._voice_engine = engine
        return self._voice_engine

    def _attach_voice(self) -> None:
        """Give the running session a voice when one is wanted and an engine works."""
        director = self.cue_director
        if director is None or self.voice is not None or not self._voice_wanted():
            return
        engine = self._ensure_voice_engine()
        if engine is None:
            return
        self.voice = engine
        self.voice.set_muted(self.muted)
        director.voice = self.voice

    @staticmethod
    def finish_voice() -> bool:
        """Join the voice's thread (after the event loop: the window is already gone);
        False if its engine never returned (then only cues.exit_now ends the process)."""
        if "hiptimer.qt.cues" not in sys.modules:  # no voice was ever made
            return True
        from hiptimer.qt import cues

        return cues.join_speech_threads()

    def _on_voice_engine_failed(self, reason: str) -> None:
        """The engine did not start (on its thread): say so and go on without a voice; the
        next session tries again."""
        failed = self.sender()
        if failed is not self._voice_engine:
            return
        self._voice_engine = None
        if self.voice is failed:
            self.voice = None
            if self.cue_director is not None:
                self.cue_director.voice = None
        self.status(f"Spoken guidance is off: {reason}")

    def _on_voice_action_triggered(self, on: bool) -> None:
        self.settings.voice_enabled = on
        if on:
            self._attach_voice()
        elif self.voice is not None:
            self.voice.stop()
            self.voice = None
            if self.cue_director is not None:
                self.cue_director.voice = None

    def _on_backend_action_triggered(self) -> None:
        act = self.sender()
        if isinstance(act, QAction):
            self.settings.audio_backend = str(act.data())
            self.status(f"Audio backend: {act.data()} (from the next session)")

    def set_theme(self, name: str) -> None:
        self.settings.theme = name
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, name)
        self.theme_actions[name].setChecked(True)
        for w in (self.player_widget, self.presenter_widget, self.summary_widget):
            if w is not None:
                fn = getattr(w, "set_theme", None)
                if callable(fn):
                    fn(name)
                w.update()
        self.library.set_items(self.library.items())
        if self._overview is not None and self._overview.routine is not None:
            self._overview.set_routine(self._overview.routine, self._overview.plan)

    def _on_theme_action_triggered(self) -> None:
        act = self.sender()
        if isinstance(act, QAction):
            self.set_theme(str(act.data()))

    def _on_flash_action_toggled(self, on: bool) -> None:
        self.settings.flash_enabled = on
        if self.player_widget is not None:
            self.player_widget.set_flash_enabled(on)

    def _on_motion_action_toggled(self, on: bool) -> None:
        self.settings.reduced_motion = on
        if self.player_widget is not None:
            self.player_widget.set_reduced_motion(on)

    def _on_mirror_action_toggled(self, on: bool) -> None:
        self.settings.mirror = on
        if self.cue_director is not None:
            self.cue_director.mirror = on
        for w in (self.player_widget, self.presenter_widget):
            if w is not None:
                w.set_mirrored(on)

    def _on_larger_text_action_toggled(self, on: bool) -> None:
        self.settings.larger_text = on
        for w in (self.player_widget, self.presenter_widget):
            if w is not None:
                w.set_larger_text(on)

    # -- quitting ----------------------------------------------------------------
    def quit(self) -> None:
        """Ctrl+Q: mid-session asks first; a session ended so is logged as stopped."""
        self.close()

    def _ask_end(self, action: str) -> bool:
        """ "End the session?" with the default button (Enter) confirming."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("HipTimer")
        box.setText(f"{action}?")
        box.setInformativeText("The session ends here; what you did so far is saved.")
        yes = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Keep going", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(yes)
        box.exec()
        return box.clickedButton() is yes

    def _confirm_stop(self) -> bool:
        return self.confirm_end("End the session")

    def _on_checkpoint_timer_timeout(self) -> None:
        if self.run is not None and self.run.active:
            self.run.checkpoint()

    def close_now(self) -> None:
        """Close without asking (SIGTERM and friends): any open dialog is dismissed
        and the session is logged as stopped."""
        self._closing = True
        while (modal := QApplication.activeModalWidget()) is not None and modal is not self:
            modal.close()
            if QApplication.activeModalWidget() is modal:  # it refused to close
                break
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        if self.session_active() and not self._closing:
            # (a signal while the box is open sets _closing: then it ends regardless)
            if not self.confirm_end("Quit and end the session") and not self._closing:
                event.ignore()
                return
        self._closing = True
        self._save_rating()
        self.stop_session()
        self._teardown_session()
        if self._voice_engine is not None:
            # Ended on its thread; joined by finish_voice() once the window is gone (an
            # engine still loading holds its thread for up to a few seconds).
            self._voice_engine.close(wait=False)
            self._voice_engine = None
        if self._history_window is not None:
            self._history_window.close()
        self._take_store_opening()
        if self._store is not None:
            try:
                self._store.close()
            except Exception:  # closing must never fail the exit
                pass
            self._remember_goal()  # the log's files as closed: the next start matches them
        self.settings.sync()
        event.accept()
        QTimer.singleShot(0, self._quit_app)

    def _quit_app(self) -> None:
        """Once this window has closed: ask Qt to quit. Qt 6 first closes every other
        window, and gives up if one refuses (the editor, for unsaved changes: it stays
        open, and closing it ends the app). If Qt gave up and no window is left on
        screen, nothing could ever end the process (seen once on two screens, the
        window gone and the loop idle; cause unknown), so it ends regardless."""
        app = QApplication.instance()
        if app is None:
            return
        app.quit()  # synchronous: the loop is told to end, or Qt was refused
        if self.ends_app and not any(w.isVisible() for w in QApplication.topLevelWidgets()):
            app.exit(0)  # cannot be refused (a second request after quit() is harmless)


class _CallOnce(QObject):
    """Calls ``then`` once: on the turn of the event loop after what a subclass watches
    for (:meth:`_soon`), or after ``fallback_ms`` if that does not come."""

    def __init__(self, widget: QWidget, then: Callable[[], object], fallback_ms: int) -> None:
        super().__init__(widget)
        self._widget = widget
        self._then: Callable[[], object] | None = then
        QTimer.singleShot(fallback_ms, self, self._fire)

    def _soon(self) -> None:
        QTimer.singleShot(0, self, self._fire)

    def _stop_watching(self) -> None:
        """Stop watching (the subclass's watch); called once, before ``then``."""

    def _fire(self) -> None:
        then, self._then = self._then, None
        if then is not None:
            self._stop_watching()
            then()


class AfterFirstPaint(_CallOnce):
    """Calls ``then`` once, on the turn of the event loop after ``widget``'s window has
    first painted: after the loop was idle with the window on screen; or after
    ``fallback_ms`` if the window is not shown (a window opened hidden).

    Qt paints a window as it handles its exposure, so the first idle moment with the
    window exposed follows its first paint. (It used to watch for the Paint event with
    an event filter, but the first event a Python handler sees makes QEvent's 179 Python
    enums, 1.3 ms on the way to the first paint.) Not for a later paint of a shown
    window: what a view lays out on a timer may not have painted by the next idle
    moment (AfterNextPaint)."""

    def __init__(
        self, widget: QWidget, then: Callable[[], object], fallback_ms: int = 1000
    ) -> None:
        super().__init__(widget, then, fallback_ms)
        self._idle: QAbstractEventDispatcher | None = QAbstractEventDispatcher.instance()
        if self._idle is not None:
            self._idle.aboutToBlock.connect(self._on_idle)

    def _on_idle(self) -> None:
        handle = self._widget.window().windowHandle()
        if handle is not None and handle.isExposed():
            self._stop_watching()
            self._soon()

    def _stop_watching(self) -> None:
        if self._idle is not None:
            self._idle.aboutToBlock.disconnect(self._on_idle)
            self._idle = None


class AfterNextPaint(_CallOnce):
    """Calls ``then`` once, on the turn of the event loop after ``widget`` next paints,
    or after ``fallback_ms`` if it does not. For a window that has painted already (its
    Python event filter would make QEvent's enums before a first paint: AfterFirstPaint)."""

    def __init__(self, widget: QWidget, then: Callable[[], object], fallback_ms: int) -> None:
        super().__init__(widget, then, fallback_ms)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.Paint and self._then is not None:
            self._soon()
        return False

    def _stop_watching(self) -> None:
        self._widget.removeEventFilter(self)


def _bench(marker: str, *, last: bool = False) -> None:
    """HIPTIMER_BENCH_STARTUP=1: print ``marker`` (benchmarks/footprint.py reads it; the
    app quits at READY, when the log has opened, whether or not the scan has finished).
    HIPTIMER_BENCH_STARTUP=library: the same, but the app runs until the library scan
    has finished and quits then (benchmarks/startup.py times a first scan with it)."""
    mode = os.environ.get("HIPTIMER_BENCH_STARTUP")
    if mode:
        print(f"{marker} {time.monotonic():.6f}", flush=True)
        app = QApplication.instance()
        if (marker == LIBRARY_MARKER if mode == "library" else last) and app is not None:
            app.quit()


def name_app(app: QApplication) -> None:
    """Who the app is: its settings' organisation and name, and the desktop entry's id,
    which names its windows (Wayland's app_id) and so must be set before one is made."""
    from hiptimer.resources import APP_ID

    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    QGuiApplication.setDesktopFileName(APP_ID)


def set_app_icon(app: QApplication) -> None:
    """HipTimer's icon on every window (after the first paint: loading it scans Qt's
    image plugins)."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon

    from hiptimer.desktop import ICON_SIZES, icon_png, icon_svg

    icon = QIcon()
    for size in ICON_SIZES:  # the PNGs work without Qt's SVG image plugin
        icon.addFile(str(icon_png(size)), QSize(size, size))
    icon.addFile(str(icon_svg()))
    app.setWindowIcon(icon)


def serial_painting() -> None:
    """Paint on the GUI thread only (before the QApplication exists), unless the user
    set ``QT_NO_GUI_THREADPOOL`` already. By default Qt hands parts of each repaint to
    a pool of helper threads and waits for them; for what this app repaints many times
    a second (the breath pacer's circle, a few hundred pixels) waking two threads and
    waiting costs more than the work. Seen on a fullscreen breath hold: when Qt used its
    pool, two helper threads woke with every frame, some 100 of the app's 230 context
    switches a second; with this setting, 130."""
    os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")


def run(args: argparse.Namespace) -> int:
    """The GUI entry point (``hiptimer [ROUTINE] [options]``); returns the exit status."""
    options = AppOptions.from_args(args)
    serial_painting()
    made = QApplication.instance() is None
    app = QApplication.instance() or QApplication([*sys.argv[:1], *FUSION_ARGS])
    assert isinstance(app, QApplication)
    name_app(app)  # the icon follows the first paint (set_app_icon)
    settings = Settings()
    apply_theme(app, settings.theme, set_style=not made)

    # The window goes up first; the library scan and the session log follow on the
    # next turns of the event loop (a few tens of ms), so the first frame is not held
    # up by YAML parsing or SQLite.
    window = MainWindow(options, settings, scan_later=True)
    if options.routine is not None:
        can_start = window.open_routine_path(options.routine)
        if options.resume:
            pass  # offer_resume() below resumes it (and starts it with --start)
        elif options.start and can_start:
            QTimer.singleShot(0, window.start_session)
        elif options.start and options.quit_on_finish and not can_start:
            for line in window.overview.errors.text().splitlines():
                print(line, file=sys.stderr)
            return 2
    elif options.start and not options.resume:
        print(
            "hiptimer: warning: --start needs a ROUTINE file; showing the library", file=sys.stderr
        )
    stopped_by: list[int] = []  # the signal that stopped the app (SignalWatcher)

    def watch_signals() -> None:
        """SIGINT/SIGTERM/SIGHUP close the window as the user would from now on. Until
        then Python's defaults stand (Ctrl+C simply ends the app): the watcher costs
        1.5 ms (the signal module's enums, a QSocketNotifier), and before the first paint
        there is nothing to save, unless a session begins (``--start`` begins it on the
        loop's first turn, and opens the log then): so the first of the two sets it up,
        and the hook is spent."""
        if window.before_session is not None:
            window.before_session = None
            _watch_signals(window, stopped_by)

    window.before_session = watch_signals
    window.prefill_library()
    window.show()
    QTimer.singleShot(0, lambda: _bench(STARTUP_MARKER))

    # Nothing on the way to the first paint uses PySide6's ``Qt`` namespace (modules
    # import it inside the functions that need it): its first use makes 92 Python enums,
    # about 8 ms of this start-up. setShortcuts([...]) where setShortcut(...) would weigh
    # overloads that make them; keys by name ("Esc"), not Qt.Key. A test checks it.
    #
    # Nothing slow on this thread, and no worker competing with it for the
    # interpreter, before the first paint: once the window has painted, the
    # routines are checked against the index on a worker thread and the log is
    # opened on another; the speech engine is probed when a routine is opened (or
    # a session or the Sound menu needs it).
    def after_first_paint() -> None:
        # the cyclic collector was off since before Qt's import (hiptimer.cli): what
        # start-up made lives as long as the app, so later passes need not visit it
        gc.freeze()
        gc.enable()
        watch_signals()
        set_app_icon(app)
        window.scan_library()
        # an interrupted session is offered (or --resume resumed) once the log is open
        window.open_store_in_background(
            then_offer_resume=options.resume or not (options.start and options.routine is not None)
        )

    AfterFirstPaint(window, after_first_paint)
    window.ends_app = True
    code = int(app.exec())
    status = 128 + stopped_by[0] if stopped_by else (window.exit_code or code)
    if not window.finish_voice():
        from hiptimer.qt import cues

        cues.exit_now(status)  # a wedged speech engine: everything is saved already
    return status


def _watch_signals(window: MainWindow, got: list[int]) -> None:
    """SIGINT/SIGTERM/SIGHUP close the window as the user would (the session is
    logged as stopped); the first signal's number is appended to ``got``."""
    from hiptimer.qt.signals import SignalWatcher, signal_name

    watcher = SignalWatcher(window)

    def stop(signum: int) -> None:
        if not got:
            got.append(signum)
            print(f"hiptimer: {signal_name(signum)}: stopping", file=sys.stderr)
        window.close_now()

    watcher.received.connect(stop)
