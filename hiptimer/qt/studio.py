"""The studio: where the player goes, and keeping it there while screens come and go.

A trainer walks in with a laptop, plugs in a projector and presses Start. The player
(the class's view) goes fullscreen on the screen that does not hold the app's window,
and the app's window shows the presenter view. The choice (Presentation › Player
screen) is one of:

- ``"auto"``: the other screen when there are two or more; in the window otherwise;
- ``"window"``: always in the app's window;
- a screen's key (its name, e.g. ``HDMI-1``; ``name#2`` when two screens share a name).

A saved screen that is absent falls back to Automatic with one notice per run and stays
saved for when it comes back. A screen plugged in or pulled out mid-session moves the
player at once; the session's clock never hears of it (nothing here touches the timer).

``decide`` is the whole rule, as a pure function over screen keys; ``Studio`` applies it
to windows and listens to ``QGuiApplication.screenAdded`` / ``screenRemoved``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal, NamedTuple

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QLayout, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent  # (its class makes QEvent's enums)

AUTO = "auto"
WINDOW = "window"

Mode = Literal["window", "fullscreen", "projector"]


class Placement(NamedTuple):
    """Where the player goes.

    ``window``: in the app's window, as it is. ``fullscreen``: in the app's window,
    fullscreen on its own screen (a named screen that holds the window).
    ``projector``: fullscreen on screen ``screen`` in a window of its own, with the
    presenter view in the app's window. ``missing`` names a chosen screen that is
    not there (the placement is then Automatic's).
    """

    mode: Mode
    screen: int | None = None
    missing: str | None = None


def decide(
    choice: str, keys: Sequence[str], own: int | None, areas: Sequence[int] = ()
) -> Placement:
    """The placement for ``choice`` with screens ``keys`` (in order) when the app's
    window is on screen ``own``. Automatic takes the largest other screen (a projector
    is usually the bigger one), the first of equals."""
    missing: str | None = None
    if choice == WINDOW:
        return Placement("window")
    if choice != AUTO:
        if choice in keys:
            i = keys.index(choice)
            return Placement("fullscreen" if i == own else "projector", i)
        missing = choice
    others = [i for i in range(len(keys)) if i != own]
    if not others:
        return Placement("window", None, missing)
    if len(areas) == len(keys):
        best = max(others, key=lambda i: (areas[i], -i))
    else:
        best = others[0]
    return Placement("projector", best, missing)


def screen_keys(screens: Sequence[QScreen]) -> list[str]:
    """A key per screen: its name, or ``name#n`` for the n-th of screens sharing a name
    (two X screens on one server are both called "screen")."""
    names = [s.name() or "screen" for s in screens]
    out: list[str] = []
    for i, name in enumerate(names):
        if names.count(name) == 1:
            out.append(name)
        else:
            out.append(f"{name}#{names[: i + 1].count(name)}")
    return out


def screen_label(screen: QScreen, key: str) -> str:
    g = screen.geometry()
    primary = ", primary" if screen is QGuiApplication.primaryScreen() else ""
    return f"{key} ({g.width()}×{g.height()}{primary})"


class ProjectorWindow(QWidget):
    """The player alone, fullscreen on the class's screen: no menus, no status bar."""

    closed = Signal()

    def __init__(self) -> None:
        from PySide6.QtCore import Qt  # not at import: the module loads before the first paint

        super().__init__(None, Qt.WindowType.Window)
        self.setWindowTitle("HipTimer — Projector")
        self.setStyleSheet("ProjectorWindow { background: #000000; }")
        self.setCursor(Qt.CursorShape.BlankCursor)  # no mouse pointer in front of the class
        self._lay = QVBoxLayout(self)
        self._lay.setContentsMargins(0, 0, 0, 0)

    def set_player(self, widget: QWidget) -> None:
        self._lay.addWidget(widget)
        widget.show()

    def take_player(self, widget: QWidget) -> None:
        self._lay.removeWidget(widget)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self.closed.emit()
        event.accept()


class Studio(QObject):
    """Places a session's player and presenter views and follows screens as they change.

    ``host`` is the app's window, ``layout`` the player page's layout in it. The host
    gives ``enter_fullscreen(screen)``, ``leave_fullscreen()``, and ``install_window_keys``
    through the callables passed in (so this module needs no MainWindow).
    """

    notice = Signal(str)  # something the user must read once (a missing screen)
    placed = Signal(object)  # the new Placement, after every move

    def __init__(
        self,
        host: QWidget,
        layout: QVBoxLayout,
        *,
        choice: Callable[[], str],
        enter_fullscreen: Callable[[QScreen], None],
        leave_fullscreen: Callable[[], None],
        install_keys: Callable[[QWidget], None],
        screens: Callable[[], list[QScreen]] = QGuiApplication.screens,
    ) -> None:
        super().__init__(host)
        self._host = host
        self._layout = layout
        self._choice = choice
        self._enter_fullscreen = enter_fullscreen
        self._leave_fullscreen = leave_fullscreen
        self._install_keys = install_keys
        self._screens = screens
        self._player: QWidget | None = None
        self._presenter: QWidget | None = None
        self._placement: Placement | None = None
        self._fullscreen_by_us = False
        self._noticed: set[str] = set()
        self.projector: ProjectorWindow | None = None
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.screenAdded.connect(self._on_app_screen_added)
            app.screenRemoved.connect(self._on_app_screen_removed)

    # -- state ------------------------------------------------------------------
    @property
    def placement(self) -> Placement | None:
        """The placement in force, None outside a session."""
        return self._placement

    @property
    def active(self) -> bool:
        return self._player is not None

    def screens(self, gone: QScreen | None = None) -> list[QScreen]:
        return [s for s in self._screens() if s is not gone]

    def decide(self, gone: QScreen | None = None) -> Placement:
        screens = self.screens(gone)
        own_screen = self._host.screen()
        own = screens.index(own_screen) if own_screen in screens else None
        if own is None and screens:
            own = 0  # the app's screen just went away: Qt puts it on the primary
        areas = [s.geometry().width() * s.geometry().height() for s in screens]
        return decide(self._choice(), screen_keys(screens), own, areas)

    # -- a session ----------------------------------------------------------------
    def begin(self, player: QWidget, presenter: QWidget) -> Placement:
        """Place a new session's views (the player and the presenter view)."""
        self._player, self._presenter = player, presenter
        return self.place()

    def end(self) -> None:
        """The session is over: nothing is left on the projector, the window is itself."""
        self._close_projector()
        if self._fullscreen_by_us:
            self._fullscreen_by_us = False
            self._leave_fullscreen()
        for w in (self._player, self._presenter):
            if w is not None:
                self._layout.removeWidget(w)
        self._player = self._presenter = None
        self._placement = None

    def place(self, gone: QScreen | None = None) -> Placement:
        """Apply the placement for the screens there now (without ``gone``)."""
        assert self._player is not None and self._presenter is not None
        p = self.decide(gone)
        if p.missing is not None and p.missing not in self._noticed:
            self._noticed.add(p.missing)
            self.notice.emit(
                f"The player screen {p.missing} is not connected: the player uses Automatic"
                " until it is back (your choice is kept)."
            )
        screens = self.screens(gone)
        player, presenter = self._player, self._presenter
        if p.mode == "projector" and p.screen is not None:
            target = screens[p.screen]
            if self._fullscreen_by_us:
                self._fullscreen_by_us = False
                self._leave_fullscreen()
            self._layout.removeWidget(player)
            if self.projector is None:
                self.projector = ProjectorWindow()
                self.projector.closed.connect(self._on_projector_closed)
                self._install_keys(self.projector)
                self.projector.set_player(player)
            if self.projector.screen() is not target:
                if self.projector.isFullScreen():
                    self.projector.showNormal()
                self.projector.setScreen(target)
            self.projector.setGeometry(target.geometry())
            self.projector.showFullScreen()
            if self._layout.indexOf(presenter) < 0:
                self._layout.addWidget(presenter)
            presenter.show()
            presenter.setFocus()
        else:
            self._close_projector()
            self._layout.removeWidget(presenter)
            presenter.hide()
            if self._layout.indexOf(player) < 0:
                self._layout.addWidget(player)
            player.show()
            player.setFocus()
            if p.mode == "fullscreen" and p.screen is not None:
                self._fullscreen_by_us = True
                self._enter_fullscreen(screens[p.screen])
            elif self._fullscreen_by_us:
                self._fullscreen_by_us = False
                self._leave_fullscreen()
        self._placement = p
        self.placed.emit(p)
        return p

    def _close_projector(self) -> None:
        proj, self.projector = self.projector, None
        if proj is None:
            return
        proj.closed.disconnect(self._on_projector_closed)
        if self._player is not None:
            proj.take_player(self._player)
            self._player.setParent(None)
        proj.close()
        proj.deleteLater()

    def _on_projector_closed(self) -> None:
        # Closed by the window manager (or Alt+F4) mid-session: carry on in the window.
        proj, self.projector = self.projector, None
        if proj is None or self._player is None or self._presenter is None:
            return
        proj.take_player(self._player)
        self._player.setParent(None)
        proj.deleteLater()
        self._layout.removeWidget(self._presenter)
        self._presenter.hide()
        self._layout.addWidget(self._player)
        self._player.show()
        self._placement = Placement("window")
        self.placed.emit(self._placement)

    # -- screens come and go ---------------------------------------------------------
    def _on_app_screen_added(self, screen: QScreen) -> None:
        if self.active:
            self.place()

    def _on_app_screen_removed(self, screen: QScreen) -> None:
        if self.active:
            self.place(gone=screen)


def clear_layout(layout: QLayout) -> None:
    """Take every widget out of ``layout`` and delete it."""
    while layout.count():
        it = layout.takeAt(0)
        w = it.widget() if it is not None else None
        if w is not None:
            w.hide()
            w.setParent(None)
            w.deleteLater()
