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
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

# isort: off
import hiptimer.display  # noqa: F401  (the overview's step describer)

# The domain modules the first window needs are imported BEFORE PySide6: once PySide6
# is loaded, its import hook reads the source of every module imported after it
# (looking for ``__feature__``), which costs startup time (benchmarks/startup.py).
import hiptimer.plan
import hiptimer.routine
import hiptimer.safety  # noqa: F401
from hiptimer.clock import Clock, MonotonicClock

# isort: on
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QScreen,
    QShortcut,
)
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSlider,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from hiptimer.qt.library import LibraryItem, LibraryPage, OverviewPage
from hiptimer.qt.settings import APPLICATION, AUDIO_BACKENDS, ORGANIZATION, THEMES, Settings
from hiptimer.qt.theme import apply_theme, surface

if TYPE_CHECKING:
    from hiptimer.plan import Plan
    from hiptimer.routine import Routine

#: Printed on stdout once the first window is on screen when HIPTIMER_BENCH_STARTUP is set.
STARTUP_MARKER = "HIPTIMER_WINDOW_SHOWN"
#: ... once the library lists the routines, and once the session log is open.
LIBRARY_MARKER = "HIPTIMER_LIBRARY_READY"
READY_MARKER = "HIPTIMER_READY"

PAGE_TITLES = {"library": "Library", "overview": "Overview", "player": "", "summary": "Summary"}


@dataclass
class AppOptions:
    """What the GUI command line asks for (see ``hiptimer.cli.build_gui_parser``)."""

    routine: Path | None = None
    db: Path | None = None
    routines: list[Path] = field(default_factory=list)
    start: bool = False
    speed: float = 1.0
    quit_on_finish: bool = False
    fullscreen: bool = False
    screen: int | None = None
    mute: bool = False
    audio_backend: str | None = None

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
        )


def _to_library_item(entry: Any) -> LibraryItem:
    """hiptimer.library's scan entry -> the library page's row."""
    path = Path(entry.path)
    routine = entry.routine
    errors = tuple(str(e) for e in entry.errors)
    from hiptimer.resources import routines_dir

    bundled = path.parent == routines_dir()
    return LibraryItem(path=path, routine=routine, errors=errors, bundled=bundled)


class Banner(QWidget):
    """A message strip above the pages: what the user must know, without a modal box."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
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
        self._messages.append(text)
        self.label.setText("\n".join(self._messages))
        self.setStyleSheet(
            f"Banner {{ background: {surface(theme, 'alt')}; }}"
            f" QLabel {{ color: {surface(theme, 'error')}; font-weight: bold; }}"
        )
        self.show()

    def messages(self) -> list[str]:
        return list(self._messages)


class ProjectorWindow(QWidget):
    """The clean player alone, fullscreen on the projector (two-screen presentation)."""

    def __init__(self, owner: MainWindow) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self._owner = owner
        self.setWindowTitle("HipTimer — Projector")
        self._lay = QVBoxLayout(self)
        self._lay.setContentsMargins(0, 0, 0, 0)
        owner.install_window_keys(self)

    def set_player(self, widget: QWidget) -> None:
        self._lay.addWidget(widget)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self._owner.on_projector_closed(self)
        event.accept()


class MainWindow(QMainWindow):
    """The app's window. Tests build it with a FakeClock factory and a temp Settings."""

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

        # session state (created per session)
        self.session: Any = None
        self.controller: Any = None
        self.recorder: Any = None
        self.cue_player: Any = None
        self.voice: Any = None
        self._speech_probe: Any = None
        self.cue_director: Any = None
        self.player_widget: Any = None
        self.presenter_widget: Any = None
        self.projector: ProjectorWindow | None = None
        self.summary_widget: QWidget | None = None
        self._store: Any = None
        self._store_tried = False
        self._history_window: QWidget | None = None
        self._goal_widget: Any = None
        self._was_maximized = False
        self._chrome_hidden = False
        self._closing = False
        self._rating: Any = None

        # pages
        self.library = LibraryPage()
        self.overview = OverviewPage()
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
        self._pages = {
            "library": self.library,
            "overview": self.overview,
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
        self.overview.back_requested.connect(self.show_library)
        self.overview.start_requested.connect(self.start_session)

        self._build_menus()
        self.install_window_keys(self)
        self.resize(1100, 720)
        self.statusBar().showMessage(
            f"Rehearsal: the clock runs ×{self.options.speed:g}"
            if self.options.speed != 1
            else "Ready"
        )
        if scan_later:
            self.library.set_loading(True)
        else:
            self.reload_library()
        self._set_page("library")
        if not open_store_later:
            self.ensure_store()

    # -- menus and keys --------------------------------------------------------
    def _build_menus(self) -> None:
        mb = self.menuBar()
        file_menu = mb.addMenu("&File")
        self.open_action = file_menu.addAction("&Open routine file…")
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self._on_open_action_triggered)
        reload_action = file_menu.addAction("&Reload library")
        reload_action.setShortcut(QKeySequence("Ctrl+R"))
        reload_action.triggered.connect(self.reload_library)
        file_menu.addSeparator()
        quit_action = file_menu.addAction("&Quit")
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        quit_action.triggered.connect(self.quit)
        self.quit_action = quit_action

        view = mb.addMenu("&View")
        self.history_action = view.addAction("&History")
        self.history_action.setShortcut(QKeySequence("H"))
        self.history_action.triggered.connect(self.show_history)
        self.fullscreen_action = view.addAction("&Fullscreen")
        self.fullscreen_action.setShortcuts([QKeySequence("F"), QKeySequence("F11")])
        self.fullscreen_action.triggered.connect(self.toggle_fullscreen)
        view.addSeparator()
        theme_menu = view.addMenu("&Theme")
        group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for name in THEMES:
            act = theme_menu.addAction(name.capitalize())
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

        self.presentation_menu = mb.addMenu("&Presentation")
        self.screen_menu = self.presentation_menu.addMenu("Player &screen")
        self.screen_menu.aboutToShow.connect(self._fill_screen_menu)
        self._fill_screen_menu()

        sound = mb.addMenu("&Sound")
        self.mute_action = sound.addAction("&Mute")
        self.mute_action.setCheckable(True)
        self.mute_action.setChecked(self.muted)
        self.mute_action.setShortcut(QKeySequence("M"))
        self.mute_action.triggered.connect(self._on_mute_action_triggered)
        self.volume_slider = QSlider(Qt.Orientation.Horizontal)
        self.volume_slider.setRange(0, 100)
        self.volume_slider.setValue(round(self.settings.volume * 100))
        self.volume_slider.setMinimumWidth(160)
        self.volume_slider.setAccessibleName("Volume")
        self.volume_slider.valueChanged.connect(self._on_volume_slider_changed)
        vol_box = QWidget()
        vol_lay = QHBoxLayout(vol_box)
        vol_lay.setContentsMargins(24, 4, 12, 4)
        vol_lay.addWidget(QLabel("Volume"))
        vol_lay.addWidget(self.volume_slider)
        vol_action = QWidgetAction(self)
        vol_action.setDefaultWidget(vol_box)
        sound.addAction(vol_action)
        self.voice_action = sound.addAction("Spoken &guidance")
        self.voice_action.setCheckable(True)
        self.voice_action.setChecked(self.settings.voice_enabled)
        self.voice_action.toggled.connect(self._on_voice_action_toggled)
        self.voice_action.setVisible(False)  # shown once a speech engine is found
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
        """Esc (leave fullscreen) on ``window``; the projector also gets F/F11, M, Ctrl+Q."""
        esc = QShortcut(QKeySequence(Qt.Key.Key_Escape), window)
        esc.activated.connect(self.leave_fullscreen)
        if window is not self:
            for keys, slot in (
                (("F", "F11"), self.toggle_fullscreen),
                (("M",), self.toggle_mute),
                (("Ctrl+Q",), self.quit),
            ):
                for k in keys:
                    QShortcut(QKeySequence(k), window).activated.connect(slot)

    def _fill_screen_menu(self) -> None:
        self.screen_menu.clear()
        group = QActionGroup(self.screen_menu)
        chosen = self.settings.screen
        auto = self.screen_menu.addAction("Automatic (the other screen when there are two)")
        auto.setCheckable(True)
        auto.setChecked(chosen is None)
        group.addAction(auto)
        auto.triggered.connect(lambda _c=False: self.set_player_screen(None))
        for i, scr in enumerate(QGuiApplication.screens()):
            g = scr.geometry()
            primary = " (primary)" if scr is QGuiApplication.primaryScreen() else ""
            act = self.screen_menu.addAction(
                f"Screen {i}: {scr.name() or 'display'} {g.width()}×{g.height()}{primary}"
            )
            act.setCheckable(True)
            act.setChecked(chosen == i)
            group.addAction(act)
            act.triggered.connect(lambda _c=False, n=i: self.set_player_screen(n))

    # -- pages -----------------------------------------------------------------
    def current_page(self) -> str:
        return self._page

    def _set_page(self, name: str) -> None:
        self._page = name
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
        from hiptimer import library

        entries = library.scan(library.library_paths(self.options.routines))
        self.library.set_items(_to_library_item(e) for e in entries)
        self.library.set_loading(False)

    def open_routine_path(self, path: Path) -> bool:
        """Load one routine file and show its overview (or its errors). True if it can start."""
        from hiptimer import loader

        path = Path(path)
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

    def show_overview(self, routine: Routine, plan: Plan | None = None) -> None:
        self._routine_name = routine.name
        self.overview.set_routine(routine, plan)
        self._set_page("overview")
        self.overview.start_button.setFocus()

    def _on_library_routine_activated(self, item: LibraryItem) -> None:
        if item.routine is not None:
            self.show_overview(item.routine, self.library.plan_for(item))

    def _on_open_action_triggered(self) -> None:
        if self.session_active():
            return
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
    def ensure_store(self) -> Any:
        """Open the session log once; on failure the app runs on and says so."""
        if self._store_tried:
            return self._store
        self._store_tried = True
        from hiptimer import paths
        from hiptimer.store import Store, StoreError

        try:
            path = self.options.db or paths.default_db_path()
            self._store = Store.open(path)
        except (StoreError, OSError) as e:
            self.show_message(f"{e}. Sessions will not be saved.")
            self._store = None
            return None
        if self._store.recovered_from is not None:
            self.show_message(
                f"The session log could not be read; it was moved to {self._store.recovered_from}"
                " and a new one was started."
            )
        self._refresh_goal()
        return self._store

    @property
    def store(self) -> Any:
        return self._store

    def _on_recorder_error(self, message: str) -> None:
        self.show_message(message)

    def _refresh_goal(self) -> None:
        from hiptimer.qt.history import WeeklyGoalWidget

        if self._store is None:
            return
        if self._goal_widget is None:
            self._goal_widget = WeeklyGoalWidget(
                self._store,
                minutes=self.settings.weekly_goal_minutes,
                days=self.settings.weekly_goal_days,
            )
            self.library.set_goal_widget(self._goal_widget)
        else:
            self._goal_widget.refresh()

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
        from hiptimer.engine import Session
        from hiptimer.qt.controller import SessionController
        from hiptimer.qt.player import PlayerWidget

        self._teardown_session()
        clock = self._clock_factory(self.options.speed)
        # On Windows the monotonic clock runs on through a suspend, so only a
        # wake-up far later than asked for gives a sleep away; a FakeClock in
        # tests jumps on purpose and must cross every boundary it passes.
        missed = 60.0 if isinstance(clock, MonotonicClock) else None
        self.session = Session(plan, clock, missed_wakeup_s=missed)
        self.controller = SessionController(self.session, self)
        self.controller.finished.connect(self._on_controller_finished)

        from hiptimer.store import SessionRecorder

        self.recorder = SessionRecorder(
            self.ensure_store(),
            routine,
            self.session,
            speed=self.options.speed,
            on_error=self._on_recorder_error,
        )
        self.controller.add_listener(self.recorder.handle)
        self._setup_cues(routine, plan)

        self.player_widget = PlayerWidget(self.controller)
        self.player_widget.set_muted(self.muted)
        self.player_widget.set_flash_enabled(self.settings.flash_enabled)
        self.player_widget.set_reduced_motion(self.settings.reduced_motion)
        self.player_widget.mute_toggle_requested.connect(self.toggle_mute)
        self._place_player()
        self._set_page("player")
        self.controller.start()
        return True

    def _setup_cues(self, routine: Routine, plan: Plan) -> None:
        from hiptimer.qt import cues

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
        self.cue_director = cues.CueDirector(self.cue_player, None, plan)
        self._attach_voice()
        if self.controller is not None:
            self.controller.add_listener(self.cue_director.handle)

    def _target_screen(self) -> QScreen | None:
        screens = QGuiApplication.screens()
        n = self.options.screen if self.options.screen is not None else self.settings.screen
        if n is None:
            return None
        if 0 <= n < len(screens):
            return screens[n]
        msg = (
            f"There is no screen {n} (screens: 0 to {len(screens) - 1}); using the primary screen."
        )
        self.status(msg)
        print(f"hiptimer: warning: {msg}", file=sys.stderr)
        return None

    def _place_player(self) -> None:
        """One screen: the player here. Two screens and presenting: projector + presenter."""
        screens = QGuiApplication.screens()
        target = self._target_screen()
        presenting = self.options.fullscreen or self.options.screen is not None
        own_screen = self.screen()
        if presenting and len(screens) >= 2:
            if target is None:
                others = [s for s in screens if s is not own_screen]
                target = others[0] if others else screens[-1]
            from hiptimer.qt.player import PresenterWidget

            if target is not own_screen:
                self.projector = ProjectorWindow(self)
                self.projector.set_player(self.player_widget)
                self.projector.setScreen(target)
                self.projector.setGeometry(target.geometry())
                self.projector.showFullScreen()
                self.presenter_widget = PresenterWidget(self.controller)
                self.presenter_widget.mute_toggle_requested.connect(self.toggle_mute)
                self.presenter_widget.blank_toggle_requested.connect(
                    self._on_presenter_blank_toggle_requested
                )
                self.presenter_widget.set_muted(self.muted)
                self._player_layout.addWidget(self.presenter_widget)
                self.presenter_widget.setFocus()
                return
        self._player_layout.addWidget(self.player_widget)
        self.player_widget.setFocus()
        if self.options.fullscreen:
            self.enter_fullscreen(target)

    def _on_presenter_blank_toggle_requested(self) -> None:
        if self.player_widget is not None:
            self.player_widget.set_blanked(not self.player_widget.blanked)

    def _on_controller_finished(self, status: str) -> None:
        if self._closing:
            return
        self._set_cues_finished()
        if self.options.quit_on_finish:
            # Let the "session complete" cue ring out before the output closes.
            tail_s = 0.0
            if status == "completed" and self.cue_player is not None and not self.muted:
                tail_s = self.cue_player.length("complete") + 0.1
            QTimer.singleShot(int(tail_s * 1000), self.quit)
            return
        self._show_summary()
        self._refresh_goal()

    def _set_cues_finished(self) -> None:
        if self.projector is not None:
            self.projector.hide()

    def _show_summary(self) -> None:
        from hiptimer.qt.summary import SummaryWidget

        self._clear_layout(self._summary_layout)
        self._clear_layout(self._rating_layout)
        self.summary_widget = SummaryWidget(self.session)
        self.summary_widget.done_clicked.connect(self._on_summary_done)
        self._summary_layout.addWidget(self.summary_widget)
        self._leave_player_page()
        self._set_page("summary")
        self._offer_rating()

    def _offer_rating(self) -> None:
        if self.recorder is None or self._store is None:
            return
        session_id = self.recorder.last_session_id
        if session_id is None:
            return
        from hiptimer.qt.history import RateSessionDialog

        rate = RateSessionDialog(self._store, session_id, self)
        self._rating = rate
        # Beside the summary, not a modal box on top of it; Done saves it.
        rate.setWindowFlags(Qt.WindowType.Widget)
        rate.buttons.hide()
        title = QLabel("How did it go?")
        title.setProperty("role", "title")
        hint = QLabel("Optional. Saved when you press Done.")
        hint.setProperty("role", "muted")
        self._rating_layout.addWidget(title)
        self._rating_layout.addWidget(hint)
        self._rating_layout.addWidget(rate)
        self._rating_layout.addStretch(1)
        for w in (title, hint, rate):
            w.show()

    def _on_summary_done(self) -> None:
        rating = self._rating
        if rating is not None:
            rating.save()
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
        if self.projector is not None:
            proj, self.projector = self.projector, None
            proj.close()
            proj.deleteLater()

    def _teardown_session(self) -> None:
        self._leave_player_page()
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
        self.controller = self.session = self.recorder = None
        self.cue_player = self.voice = self.cue_director = None
        self.player_widget = self.presenter_widget = self.summary_widget = None

    @staticmethod
    def _clear_layout(layout: QVBoxLayout | QHBoxLayout) -> None:
        while layout.count():
            it = layout.takeAt(0)
            w = it.widget() if it is not None else None
            if w is not None:
                w.hide()
                w.setParent(None)
                w.deleteLater()

    def on_projector_closed(self, window: ProjectorWindow) -> None:
        if self.projector is window and self.session_active():
            # The projector went away mid-session: carry on in the main window.
            self.projector = None
            if self.presenter_widget is not None:
                self.presenter_widget.hide()
            self._player_layout.addWidget(self.player_widget)
            self.player_widget.show()

    # -- fullscreen, mute, theme ---------------------------------------------------
    def _fullscreen_window(self) -> QWidget:
        return self.projector if self.projector is not None else self

    def enter_fullscreen(self, screen: QScreen | None = None) -> None:
        win = self._fullscreen_window()
        if screen is None:
            screen = self._target_screen()
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

    def set_player_screen(self, index: int | None) -> None:
        self.settings.screen = index
        self.options.screen = None  # the menu choice wins over the command line from now on
        if self.isFullScreen() and index is not None:
            self.enter_fullscreen(self._target_screen())

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

    def _on_volume_slider_changed(self, value: int) -> None:
        self.settings.volume = value / 100
        if self.cue_player is not None:
            self.cue_player.set_volume(value / 100)

    def probe_voice(self) -> None:
        """Find out, in the background, whether a speech engine works here."""
        from hiptimer.qt import cues

        self._speech_probe = cues.SpeechProbe(parent=self)
        self._speech_probe.finished.connect(self._on_speech_probe_finished)
        self._speech_probe.start()

    def _on_speech_probe_finished(self, ok: bool) -> None:
        self.voice_action.setVisible(ok)
        self._attach_voice()

    def _attach_voice(self) -> None:
        """Give the running session a voice when one is wanted and an engine works."""
        from hiptimer.qt import cues

        director = self.cue_director
        wanted = self.settings.voice_enabled and not self.muted
        if director is None or self.voice is not None or not wanted:
            return
        if not cues.Voice.known_available():
            return
        try:
            self.voice = cues.Voice()
        except cues.CueBackendError as e:
            self.status(f"Spoken guidance is off: {e}")
            return
        director.voice = self.voice

    def _on_voice_action_toggled(self, on: bool) -> None:
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
        if self.overview.routine is not None:
            self.overview.set_routine(self.overview.routine, self.overview.plan)

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

    # -- quitting ----------------------------------------------------------------
    def quit(self) -> None:
        """Ctrl+Q: asks nothing; a running session ends cleanly (logged as stopped)."""
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self._closing = True
        self.stop_session()
        self._teardown_session()
        if self._history_window is not None:
            self._history_window.close()
        if self._store is not None:
            try:
                self._store.close()
            except Exception:  # closing must never fail the exit
                pass
        self.settings.sync()
        event.accept()
        app = QApplication.instance()
        if app is not None:
            QTimer.singleShot(0, app.quit)


def _bench(marker: str, *, last: bool = False) -> None:
    """HIPTIMER_BENCH_STARTUP=1: print ``marker`` (benchmarks/startup.py reads it)."""
    if os.environ.get("HIPTIMER_BENCH_STARTUP"):
        print(f"{marker} {time.monotonic():.6f}", flush=True)
        app = QApplication.instance()
        if last and app is not None:
            app.quit()


def run(args: argparse.Namespace) -> int:
    """The GUI entry point (``hiptimer [ROUTINE] [options]``); returns the exit status."""
    options = AppOptions.from_args(args)
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    settings = Settings()
    apply_theme(app, settings.theme)

    # The window goes up first; the library scan and the session log follow on the
    # next turns of the event loop (a few tens of ms), so the first frame is not held
    # up by YAML parsing or SQLite.
    window = MainWindow(options, settings, scan_later=True)
    if options.routine is not None:
        can_start = window.open_routine_path(options.routine)
        if options.start and can_start:
            QTimer.singleShot(0, window.start_session)
        elif options.start and options.quit_on_finish and not can_start:
            for line in window.overview.errors.text().splitlines():
                print(line, file=sys.stderr)
            return 2
    elif options.start:
        print(
            "hiptimer: warning: --start needs a ROUTINE file; showing the library", file=sys.stderr
        )
    window.show()
    QTimer.singleShot(0, lambda: _bench(STARTUP_MARKER))
    QTimer.singleShot(0, window.reload_library)
    QTimer.singleShot(0, lambda: _bench(LIBRARY_MARKER))
    QTimer.singleShot(0, window.ensure_store)
    QTimer.singleShot(0, window.probe_voice)
    QTimer.singleShot(0, lambda: _bench(READY_MARKER, last=True))
    return int(app.exec())
