"""The player: the clean view for a projector, and the presenter view.

Both read everything they show from the engine at the controller's
``state_changed`` (what the engine says at the clock's current instant) and
only touch a child when its text or state differs, so nothing repaints when
nothing changes. Type scales with the window: ``resizeEvent`` computes every
font size from the height.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from PySide6.QtCore import QKeyCombination, QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFontMetricsF,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from hiptimer.display import DisplayState, display_state, finished_badge, side_word
from hiptimer.events import (
    BreathPhase,
    Event,
    Paused,
    PhaseStarted,
    RepTick,
    Resumed,
    StepStarted,
)
from hiptimer.pictures import breath_level, rep_progress
from hiptimer.plan import Side, Step
from hiptimer.qt import theme as _theme
from hiptimer.qt.controller import SessionController
from hiptimer.qt.picture import PictureView
from hiptimer.qt.widgets import (
    BlankOverlay,
    BreathPacer,
    CountdownDial,
    FitLabel,
    FlashOverlay,
    LaidOutScreen,
    fit_pixel_size,
    paused_color,
    phase_color,
    phase_label,
    set_bar_value,
)

#: Player colours per theme (near-black projector background by default).
PLAYER_COLORS: dict[str, dict[str, str]] = {
    "dark": {
        "bg": "#0a0b0d",
        "text": "#f5f7f8",
        "muted": "#a7adb3",
        "track": "#262a30",
        "caution": "#ffb347",
        "left": "#ffd84d",
        "right": "#ff8fc8",
        "button": "#1f2329",
    },
    "light": {
        "bg": "#f7f7f5",
        "text": "#101214",
        "muted": "#4f555b",
        "track": "#d9dde2",
        "caution": "#9a4f00",
        "left": "#7a5a00",
        "right": "#a3236a",
        "button": "#e4e7eb",
    },
}


def _theme_name() -> str:
    app = QApplication.instance()
    return _theme.current_theme(app) if isinstance(app, QApplication) else "dark"


# ---------------------------------------------------------------------------
# What to show, from the engine (shared by both views)
# ---------------------------------------------------------------------------


def side_text(side: Side | None, *, mirror: bool = False) -> str:
    """``◀ LEFT`` / ``RIGHT ▶`` (the words swapped when ``mirror``)."""
    word = side_word(side, mirror=mirror)
    if word == "left":
        return "◀ LEFT"
    if word == "right":
        return "RIGHT ▶"
    return ""


def exercise_texts(d: DisplayState) -> tuple[str, str]:
    """(how, note with its warning sign) of the exercise shown."""
    ex = d.exercise
    if ex is None:
        return ("", "")
    return (ex.how, f"⚠ {ex.note}" if ex.note else "")


def play_button_text(state: str, *, starting: bool = False) -> str:
    if starting and state == "ready":
        return "Starting…"
    return {"ready": "▶  Start", "running": "❚❚  Pause", "paused": "▶  Resume"}.get(state, "Done")


def bind_session_keys(
    widget: QWidget,
    controller: SessionController,
    extra: dict[str, Callable[[], None]] | None = None,
) -> dict[str, QAction]:
    """Space start/pause/resume, Right/PageDown next, Shift+Right/Shift+PageDown
    skip (the set is logged skipped), Left/PageUp previous, + extend,
    F5/Shift+F5 resume (a clicker's start), and any ``extra`` (name -> slot;
    "blank" binds B and '.'). The actions work while the widget's window is
    active and the widget is shown."""
    keys: dict[str, tuple[list[QKeySequence], Callable[[], None]]] = {
        "toggle": ([QKeySequence(Qt.Key.Key_Space)], controller.toggle),
        "next": (
            [QKeySequence(Qt.Key.Key_Right), QKeySequence(Qt.Key.Key_PageDown)],
            controller.next,
        ),
        "previous": (
            [QKeySequence(Qt.Key.Key_Left), QKeySequence(Qt.Key.Key_PageUp)],
            controller.previous,
        ),
        "skip": (
            [
                QKeySequence(QKeyCombination(Qt.KeyboardModifier.ShiftModifier, Qt.Key.Key_Right)),
                QKeySequence(
                    QKeyCombination(Qt.KeyboardModifier.ShiftModifier, Qt.Key.Key_PageDown)
                ),
            ],
            controller.skip,
        ),
        "extend": (
            [
                QKeySequence(Qt.Key.Key_Plus),
                QKeySequence(QKeyCombination(Qt.KeyboardModifier.ShiftModifier, Qt.Key.Key_Plus)),
                QKeySequence(QKeyCombination(Qt.KeyboardModifier.KeypadModifier, Qt.Key.Key_Plus)),
                QKeySequence(Qt.Key.Key_Equal),
            ],
            lambda: controller.extend(10.0),
        ),
        "resume": (
            [QKeySequence("F5"), QKeySequence("Shift+F5")],
            lambda: controller.toggle() if controller.session.state == "paused" else None,
        ),
    }
    if extra and "blank" in extra:
        # '.' is what several clickers send for their "black screen" button
        keys["blank"] = (
            [QKeySequence(Qt.Key.Key_B), QKeySequence(Qt.Key.Key_Period)],
            extra["blank"],
        )
    actions: dict[str, QAction] = {}
    for name, (seqs, slot) in keys.items():
        a = QAction(name, widget)
        a.setShortcuts(seqs)
        a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        a.triggered.connect(slot)
        widget.addAction(a)
        actions[name] = a
    return actions


class _Buttons(QWidget):
    """Previous, Start/Pause/Resume, Next, Skip, +10 s, Stop, Mute."""

    def __init__(self, controller: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)

        def button(text: str, slot: Callable[[], None], tip: str) -> QPushButton:
            b = QPushButton(text, self)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space must reach the shortcuts
            b.setToolTip(tip)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            b.clicked.connect(slot)
            row.addWidget(b)
            return b

        self.prev_button = button("«  Previous", controller.previous, "Previous (Left, Page Up)")
        self.play_button = button(play_button_text("ready"), controller.toggle, "Space")
        self.next_button = button(
            "Next  »",
            controller.next,
            "Next (Right, Page Down): a set ended early is logged partial, with its seconds",
        )
        self.skip_button = button(
            "Skip  ⤼",
            controller.skip,
            "Skip (Shift+Right, Shift+Page Down): the set is logged skipped",
        )
        self.extend_button = button("+10 s", lambda: controller.extend(10.0), "+10 s (+)")
        self.stop_button = button("■  Stop", controller.request_stop, "End the session")
        self.mute_button = button("Mute", lambda: None, "Mute (M)")

    def refresh(self, state: str, *, starting: bool = False) -> None:
        text = play_button_text(state, starting=starting)
        if self.play_button.text() != text:
            self.play_button.setText(text)
        live = state in ("running", "paused")
        for b in (
            self.prev_button,
            self.next_button,
            self.skip_button,
            self.extend_button,
            self.stop_button,
        ):
            if b.isEnabled() != live:
                b.setEnabled(live)
        self.play_button.setEnabled(state != "finished" and not starting)

    def set_pixel_size(self, px: int) -> None:
        for b in self.findChildren(QPushButton):
            f = b.font()
            if f.pixelSize() != px:
                f.setPixelSize(px)
                b.setFont(f)


# ---------------------------------------------------------------------------
# PlayerWidget
# ---------------------------------------------------------------------------


def phase_badge(d: DisplayState, theme: str) -> tuple[str, QColor]:
    """The phase badge's text and colour: at the end, the honest outcome (grey unless done)."""
    if d.outcome is not None and d.outcome != "complete":  # the end, with work left undone
        return finished_badge(d.outcome), phase_color("paused", theme)  # not done's green
    return phase_label(d.kind), phase_color(d.kind, theme)


class PlayerWidget(LaidOutScreen):
    """The clean view: readable from the back of a studio."""

    mute_toggle_requested = Signal()
    blank_changed = Signal(bool)

    def __init__(
        self, controller: SessionController, parent: QWidget | None = None, *, keys: bool = True
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._theme = _theme_name()
        self._presenting = False  # the class's view: no buttons, no hints
        self._mirrored = False
        self._side_edge = ""  # the side column's edge (_align_side_column)
        self._text_scale = 1.0
        self._prompt = ""
        self._prompt_timer = QTimer(self)
        self._prompt_timer.setSingleShot(True)
        self._prompt_timer.timeout.connect(self._on_prompt_timer_timeout)
        self._blanked = False
        self._muted = False
        self._flash_enabled = True
        self._reduced_motion = False
        self._pause_reason: Literal["user", "sleep"] = "user"
        self._shape: tuple[bool, ...] = ()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(480, 320)

        self.badge = FitLabel("", self, bold=True)
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.name_label = FitLabel("", self, bold=True)
        self.name_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.muted_label = FitLabel("MUTED", self, bold=True)
        self.muted_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.muted_label.hide()

        self.dial = CountdownDial(self)
        self.side_label = FitLabel("", self, bold=True)
        self.side_caption = FitLabel("", self)
        self.dose_label = FitLabel("", self)
        self.dose_label.setWordWrap(True)  # "8 reps of Lift 5 breaths, Hover 5 breaths, each side"
        self.set_label = FitLabel("", self, bold=True)
        self.rep_label = FitLabel("", self, bold=True)
        self.rep_label.setWordWrap(True)
        self.pacer = BreathPacer(self)
        self.picture = PictureView(self)  # the exercise's picture, beside the countdown
        # the pose swells with the breath on the pacer's frames: one wake-up, one repaint
        self.picture.set_breath_ticked(True)
        self.pacer.frame_asked.connect(self.picture.breath_tick)
        self.breath_phase_label = FitLabel("", self, bold=True)  # "Breathe in"
        self.breath_phase_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.breath_label = FitLabel("", self, bold=True)  # "Breath 2 of 8"
        self.breath_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pacer.phase_changed.connect(self.breath_phase_label.set_text_if_changed)

        self.how_label = FitLabel("", self)
        self.how_label.setWordWrap(True)
        self.how_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.note_label = FitLabel("", self, bold=True)
        self.note_label.setWordWrap(True)
        self.next_label = FitLabel("", self, bold=True)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.time_left_label = FitLabel("", self, bold=True)
        self.time_left_label.setAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )

        self.buttons = _Buttons(controller, self)
        self.buttons.mute_button.clicked.connect(self.mute_toggle_requested)
        self.prev_button = self.buttons.prev_button
        self.play_button = self.buttons.play_button
        self.next_button = self.buttons.next_button
        self.extend_button = self.buttons.extend_button
        self.stop_button = self.buttons.stop_button
        self.mute_button = self.buttons.mute_button

        self.banner = FitLabel("", self, bold=True)
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.flash_overlay = FlashOverlay(self)
        self.blank_overlay = BlankOverlay(self)

        self.actions_by_name: dict[str, QAction] = {}
        if keys:  # not for a copy shown inside the presenter view (one set per window)
            self.actions_by_name = bind_session_keys(
                self, controller, {"blank": lambda: self.set_blanked(not self._blanked)}
            )
        controller.state_changed.connect(self._on_controller_state_changed)
        controller.events_emitted.connect(self._on_controller_events_emitted)
        self._apply_colors()
        self._refresh()
        self._sync_pacer()

    # ------------------------------------------------------------ public API
    @property
    def controller(self) -> SessionController:
        return self._controller

    @property
    def blanked(self) -> bool:
        return self._blanked

    @property
    def muted(self) -> bool:
        return self._muted

    @property
    def flash_enabled(self) -> bool:
        return self._flash_enabled and not self._reduced_motion

    def set_blanked(self, on: bool) -> None:
        if on == self._blanked:
            return
        self._blanked = on
        self.pacer.set_covered(on)  # nothing moves under the black screen
        self.picture.set_covered(on)
        if on:
            self.blank_overlay.setGeometry(self.rect())
            self.blank_overlay.raise_()
            self.blank_overlay.show()
        else:
            self.blank_overlay.hide()
        self.blank_changed.emit(on)

    @property
    def presenting(self) -> bool:
        return self._presenting

    def set_presenting(self, on: bool) -> None:
        """The class's view (projector, fullscreen): no buttons and no hints."""
        if on == self._presenting:
            return
        self._presenting = on
        self.buttons.setVisible(not on)
        self._refresh()
        self._relayout()

    def _align_side_column(self, edge: str) -> None:
        """The column beside the picture keeps to the side's edge: "RIGHT ▶" and what
        follows it (first side, the dose, the set, the reps) on the right, else on the
        left. (The dose stayed on the left under a right-aligned side.)"""
        if edge == self._side_edge:
            return
        self._side_edge = edge
        h = Qt.AlignmentFlag.AlignRight if edge == "right" else Qt.AlignmentFlag.AlignLeft
        for label in (
            self.side_label,
            self.side_caption,
            self.dose_label,
            self.set_label,
            self.rep_label,
        ):
            label.setAlignment(h | Qt.AlignmentFlag.AlignVCenter)

    @property
    def mirrored(self) -> bool:
        return self._mirrored

    def set_mirrored(self, on: bool) -> None:
        """Left and right swapped in words and arrows, for a class facing the trainer."""
        if on != self._mirrored:
            self._mirrored = on
            self._refresh()

    def set_larger_text(self, on: bool) -> None:
        """View › Larger text: the instructions, cautions and what comes next grow."""
        scale = 1.5 if on else 1.0
        if scale != self._text_scale:
            self._text_scale = scale
            self._relayout()

    def show_prompt(self, text: str, ms: int = 0) -> None:
        """A message over the dial (e.g. "Esc again to end the session"), for ``ms``."""
        self._prompt = text
        if text and ms > 0:
            self._prompt_timer.start(ms)
        else:
            self._prompt_timer.stop()
        self._refresh_banner(self.display())

    def prompt(self) -> str:
        return self._prompt

    def _on_prompt_timer_timeout(self) -> None:
        self.show_prompt("")

    def set_muted(self, on: bool) -> None:
        self._muted = on
        self.muted_label.setVisible(on)
        self.mute_button.setText("Unmute" if on else "Mute")

    def set_flash_enabled(self, on: bool) -> None:
        self._flash_enabled = on

    def set_reduced_motion(self, on: bool) -> None:
        self._reduced_motion = on
        self.pacer.set_reduced_motion(on)
        self.picture.set_reduced_motion(on)
        if on:
            self.flash_overlay.hide()

    def set_theme(self, name: str) -> None:
        """ "dark" (default) or "light"."""
        self._theme = name if name in PLAYER_COLORS else "dark"
        self._apply_colors()
        self._refresh()
        self.update()

    # -------------------------------------------------------------- updates
    def _colors(self) -> dict[str, str]:
        return PLAYER_COLORS.get(self._theme, PLAYER_COLORS["dark"])

    def _apply_colors(self) -> None:
        c = self._colors()
        for lbl in (self.name_label, self.set_label, self.rep_label, self.breath_label):
            lbl.set_color(c["text"])
        for lbl in (self.how_label, self.side_caption, self.time_left_label, self.dose_label):
            lbl.set_color(c["muted"])
        self.next_label.set_color(c["text"])
        self.note_label.set_color(c["caution"])
        self.muted_label.set_color(c["caution"])
        self.dial.set_colors(QColor(c["track"]), QColor(c["text"]))
        self.progress.setStyleSheet(
            f"QProgressBar {{ background: {c['track']}; border: none; border-radius: 4px; }}"
            f"QProgressBar::chunk {{ background: {c['muted']}; border-radius: 4px; }}"
        )
        self.banner.setStyleSheet(
            "background: rgba(0, 0, 0, 200); color: #ffffff; border-radius: 16px;"
        )
        self.buttons.setStyleSheet(
            f"QPushButton {{ background: {c['button']}; color: {c['text']};"
            f" border: 1px solid {c['track']}; border-radius: 8px; padding: 0 0.6em; }}"
            f"QPushButton:hover {{ border-color: {c['muted']}; }}"
            f"QPushButton:disabled {{ color: {c['muted']}; }}"
        )

    def _on_controller_state_changed(self) -> None:
        self._refresh()

    def _on_controller_events_emitted(self, events: list[Event]) -> None:
        sync = False
        for e in events:
            if isinstance(e, StepStarted):
                sync = True
                self._boundary_flash(e.step)
            elif isinstance(e, Paused):
                self._pause_reason = e.reason
                sync = True
            elif isinstance(e, BreathPhase | Resumed | RepTick | PhaseStarted):
                sync = True
        if sync:
            self._sync_pacer()

    def _boundary_flash(self, step: Step) -> None:
        if self.flash_enabled and not self._blanked and self.isVisible():
            self.flash_overlay.flash(phase_color(step.kind, self._theme))
            self.blank_overlay.raise_()

    def display(self) -> DisplayState:
        """What this view shows now (the one display model)."""
        return display_state(
            self._controller.session, mirror=self._mirrored, pause_reason=self._pause_reason
        )

    def _sync_pacer(self) -> None:
        s = self._controller.session
        b = self.display().breath
        if b is None:
            self.pacer.sync(None, 0, 0, 0.0, 0.0, False)
            return
        half_real = b.phase_s / s.clock.speed
        self.pacer.sync(b.phase, b.breath, b.of, b.fraction, half_real, s.state == "running")

    def _refresh(self) -> None:
        d = self.display()
        state = d.state
        c = self._colors()
        badge, color = phase_badge(d, self._theme)
        self.badge.set_text_if_changed(badge)
        sheet = (
            f"background: {color.name()}; color: {c['bg']}; border-radius: 10px; padding: 0 0.4em;"
        )
        if self.badge.styleSheet() != sheet:
            self.badge.setStyleSheet(sheet)
        # at the end the dial says what happened; beside the badge, what was done (the
        # headline there too said it twice on the class's screen)
        name = d.title if d.outcome is None else self._controller.session.plan.routine.name
        if self.name_label.set_text_if_changed(name):
            self._fit_name()

        self.dial.set_state(
            d.title if d.outcome is not None else d.countdown_text,  # the end: what happened
            d.countdown_fraction,
            color,
            dimmed=state == "paused",
            caption=d.countdown_caption,
        )

        side = d.side
        shown = side_word(side, mirror=self._mirrored) or None  # what the class reads
        self.side_label.set_text_if_changed(side_text(side, mirror=self._mirrored))
        if shown in ("left", "right"):
            self.side_label.set_color(c[shown])
        self._align_side_column("right" if shown == "right" else "left")
        self.side_caption.set_text_if_changed(d.side_caption)
        dose = d.exercise.dose if d.exercise is not None and d.kind in ("prep", "work") else ""
        if self.dose_label.set_text_if_changed(dose):
            self._relayout()
        self.set_label.set_text_if_changed(d.set_text)
        self.rep_label.set_text_if_changed(d.rep_text)

        b = d.breath
        breath_hold = b is not None
        self.breath_label.set_text_if_changed(d.breath_text)
        pacer_now = (b.phase, d.breath_text) if b is not None else (None, "")
        if pacer_now != (self.pacer.phase, self.pacer.breath_text):
            self._sync_pacer()
        if breath_hold:
            bg = QColor(c["bg"])
            pace = color if state != "paused" else paused_color(color, bg)  # as the dial
            self.pacer.set_colors(pace, bg, bg)
            self.breath_phase_label.set_color(pace)
        if self.pacer.isVisibleTo(self) != breath_hold:
            for w in (self.pacer, self.breath_phase_label, self.breath_label):
                w.setVisible(breath_hold)

        how, note = exercise_texts(d)
        how_changed = self.how_label.set_text_if_changed(how)
        if self.note_label.set_text_if_changed(note) or how_changed:
            self._relayout()
        self.next_label.set_text_if_changed(d.next)
        set_bar_value(self.progress, int(round(d.progress * 1000)))
        self.time_left_label.set_text_if_changed(d.time_left_text)

        self._refresh_banner(d)
        self.buttons.refresh(state, starting=self._controller.starting)
        for act in self.actions_by_name.values():  # finished: the keys belong to the summary
            if act.isEnabled() != (state != "finished"):
                act.setEnabled(state != "finished")
        # rows of the side panel come and go: lay out again when the set changes
        shape = tuple(
            bool(w.text())
            for w in (self.side_label, self.dose_label, self.set_label, self.rep_label)
        ) + (self.rep_label.text().endswith("done"), breath_hold, self._sync_picture(d))
        if shape != self._shape:
            self._shape = shape
            self._relayout()

    def _sync_picture(self, d: DisplayState) -> bool:
        """The shown exercise's picture (the next one in prep and rest), flipped for its
        side, moving with the engine's rep progress during timed reps. True if shown."""
        card = d.exercise
        self.picture.set_picture(card.picture if card else None, bool(card and card.mirrored))
        session = self._controller.session
        moving = d.kind == "work" and rep_progress(session) is not None
        self.picture.set_motion_source((lambda: rep_progress(session)) if moving else None)
        breathing = d.kind == "work" and d.breath is not None
        self.picture.set_breath_source((lambda: breath_level(session)) if breathing else None)
        self.picture.set_playing(d.state == "running")
        shown = bool(self.picture.status != "empty")
        if self.picture.isVisibleTo(self) != shown:
            self.picture.setVisible(shown)
        return shown

    def _refresh_banner(self, d: DisplayState) -> None:
        if self._prompt:
            text = self._prompt
        elif self._presenting:  # the class sees the state, not the keys
            text = "PAUSED" if d.state == "paused" else ""
        elif self._controller.starting:  # Start was pressed: the sound path is opening
            text = "Starting…"
        else:
            text = d.banner
        if self.banner.set_text_if_changed(text):
            self._fit_banner()
        visible = bool(text)
        if self.banner.isVisible() != visible:
            self.banner.setVisible(visible)
            if visible:
                self.banner.raise_()
                self.flash_overlay.raise_()
                self.blank_overlay.raise_()

    # --------------------------------------------------------------- layout
    def _px(self, share: float) -> int:
        return max(8, int(self.height() * share))

    def _fit_name(self) -> None:
        self.name_label.fit(self._px(0.068))

    def _fit_banner(self) -> None:
        r = self.banner.geometry()
        px = min(
            self._px(0.07),
            fit_pixel_size(
                self.banner.text(), self.banner.font(), r.width() * 0.9, r.height() * 0.9
            ),
        )
        self.banner.set_pixel_size(px)

    def _relayout(self) -> None:
        W, H = self.width(), self.height()  # noqa: N806
        m = max(8, int(H * 0.02))
        gap = max(4, int(H * 0.01))
        inner_w = W - 2 * m
        # bottom up: buttons, progress, next, how/note
        btn_h = 0 if self._presenting else int(H * 0.065)
        btn_y = H - m - btn_h
        self.buttons.setGeometry(m, btn_y, inner_w, btn_h)
        self.buttons.set_pixel_size(self._px(0.03))
        prog_h = int(H * 0.04)
        prog_y = btn_y - (gap if btn_h else 0) - prog_h
        tl_w = int(inner_w * 0.22)
        self.time_left_label.setGeometry(W - m - tl_w, prog_y, tl_w, prog_h)
        self.time_left_label.fit(self._px(0.036))
        bar_h = max(6, int(H * 0.014))
        self.progress.setGeometry(m, prog_y + (prog_h - bar_h) // 2, inner_w - tl_w - gap, bar_h)
        # the class reads from the back of the room: the freed button row goes to the text
        ts = self._text_scale * (1.25 if self._presenting else 1.0)
        next_h = int(H * 0.052 * ts)
        next_y = prog_y - gap // 2 - next_h
        self.next_label.setGeometry(m, next_y, inner_w, next_h)
        self.next_label.fit(self._px(0.042 * ts))
        info_h = int(H * 0.105 * ts)
        info_y = next_y - gap - info_h
        has_note = bool(self.note_label.text())
        how_h = int(info_h * (0.6 if has_note else 1.0))
        self.how_label.setGeometry(m, info_y, inner_w, how_h)
        self.how_label.fit(self._px(0.032 * ts))
        self.note_label.setGeometry(m, info_y + how_h, inner_w, info_h - how_h)
        self.note_label.fit(self._px(0.03 * ts))
        # header
        head_h = int(H * 0.09)
        self.badge.fit(self._px(0.045))
        fm = QFontMetricsF(self.badge.font())
        badge_w = int(fm.horizontalAdvance("SWITCH SIDES ⇄") + fm.height())
        self.badge.setGeometry(m, m + int(head_h * 0.12), badge_w, int(head_h * 0.76))
        mute_w = int(W * 0.12)
        self.muted_label.setGeometry(W - m - mute_w, m, mute_w, head_h)
        self.muted_label.fit(self._px(0.035))
        name_x = m + badge_w + gap * 2
        self.name_label.setGeometry(name_x, m, W - m - mute_w - name_x, head_h)
        self._fit_name()
        # centre: dial and side panel
        top = m + head_h + gap
        center_h = max(10, info_y - gap - top)
        # the dial's share of the width; with a picture, a little more, and the picture
        # takes what the round dial leaves of it (aspect kept)
        with_picture = self.picture.isVisibleTo(self)
        full_w = int(inner_w * (0.72 if with_picture else 0.68))
        dial_w = full_w
        if with_picture:
            dial_w = min(int(full_w * 0.42), center_h)
            self.picture.setGeometry(m + dial_w + gap, top, full_w - dial_w - gap, center_h)
            self.picture.set_placeholder_color(self._colors()["muted"])
        self.dial.setGeometry(m, top, dial_w, center_h)
        px_ = m + full_w + gap * 2
        pw = W - m - px_
        rows: list[tuple[QWidget, float]] = [(self.side_label, 0.26), (self.side_caption, 0.07)]
        if self.dose_label.text():
            rows.append((self.dose_label, 0.09))
        if self.set_label.text():
            rows.append((self.set_label, 0.12))
        rows.append((self.rep_label, 0.16 if self.rep_label.text() else 0.0))
        pacer_on = self.pacer.isVisibleTo(self)
        if pacer_on:
            rows += [(self.pacer, 0.0), (self.breath_phase_label, 0.12), (self.breath_label, 0.08)]
        used = sum(share for _, share in rows)
        y = top
        for w, share in rows:
            h = int(center_h * share) if w is not self.pacer else int(center_h * max(0.2, 1 - used))
            w.setGeometry(px_, y, pw, h)
            y += h
        self.side_label.fit(min(self._px(0.12), int(pw / 5.2)))
        self.side_caption.fit(self._px(0.03))
        self.dose_label.fit(min(self._px(0.04), int(pw / 11)))
        self.set_label.fit(min(self._px(0.055), int(pw / 7)))
        self.rep_label.fit(
            min(self._px(0.055), int(pw / 7))
            if not self.rep_label.text().endswith("done")
            else self._px(0.036)
        )
        self.breath_label.fit(self._px(0.035))
        self.breath_phase_label.fit(min(self._px(0.065), int(pw / 6.5)))
        # overlays
        bw = int(full_w * 0.92)
        bh = int(H * 0.15)
        self.banner.setGeometry(m + (full_w - bw) // 2, top + (center_h - bh) // 2, bw, bh)
        self._fit_banner()
        self.flash_overlay.setGeometry(self.rect())
        self.blank_overlay.setGeometry(self.rect())

    def dial_digit_rect(self) -> QRect:
        """Where the countdown digits are drawn, in this widget's coordinates."""
        r = self.dial.digit_rect().toRect()
        return QRect(r.translated(self.dial.pos()))
