"""The presenter view: the trainer's laptop while the class watches the projector.

A small live copy of the class's screen (a picture of the player as the class
sees it), the step under way with its countdown, the trainer's private note
(``coach:``, never projected), the next three steps with when they start, elapsed
and remaining time, a wall clock, whether the class's screen is blanked or mirrored,
the controls and the keys. Everything it says comes from the display model
(:func:`hiptimer.display.display_state`); every text is sized from the view's height
and shrunk until it fits its box, so nothing is cut at 1366×768 or 1920×1080.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QPainter,
    QPaintEvent,
    QPixmap,
    QShowEvent,
)
from PySide6.QtWidgets import QApplication, QLabel, QProgressBar, QPushButton, QWidget

from hiptimer.display import DisplayState, display_state, side_word
from hiptimer.plan import format_clock
from hiptimer.qt import theme as _theme
from hiptimer.qt.controller import SessionController
from hiptimer.qt.picture import thumbnail
from hiptimer.qt.player import (
    PLAYER_COLORS,
    PlayerWidget,
    _Buttons,
    bind_session_keys,
    phase_badge,
)
from hiptimer.qt.widgets import (
    FitLabel,
    LaidOutScreen,
    fit_pixel_size,
    phase_color,
    phase_label,
    set_bar_value,
)

#: How many steps the presenter lists after the current one.
UPCOMING = 3

#: The keys, as the presenter view lists them.
KEYS_TEXT = (
    "Space pause · PgDn/→ next · PgUp/← back · + 10 s · B or . blank · M mute · Esc twice end"
)


def _theme_name() -> str:
    app = QApplication.instance()
    return _theme.current_theme(app) if isinstance(app, QApplication) else "dark"


def fit_line(label: FitLabel, max_px: int, min_px: int = 7) -> None:
    """One line: the largest pixel size up to ``max_px`` at which the text fits the
    label's box (width and height)."""
    r = label.contentsRect()
    px = max_px
    if label.text():
        px = min(max_px, fit_pixel_size(label.text(), label.font(), r.width() - 2, r.height()))
    label.set_pixel_size(max(min_px, px))


class ScreenCopy(QWidget):
    """A live picture of the class's screen: the player as drawn there, grabbed after
    each change and scaled into this box (so it is exactly what the class sees, blank
    and mirror included, and costs nothing when nothing changes)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._source: PlayerWidget | None = None
        self._pixmap = QPixmap()
        self._pending = False

    def set_source(self, player: PlayerWidget | None) -> None:
        self._source = player
        self.schedule()

    def schedule(self) -> None:
        """Grab on the next turn of the event loop, after the player has redrawn."""
        if not self._pending:
            self._pending = True
            QTimer.singleShot(0, self._grab)

    def _grab(self) -> None:
        self._pending = False
        src = self._source
        if src is None or not self.isVisible() or src.width() <= 0:
            return
        try:
            self._pixmap = src.grab()
        except RuntimeError:  # the player is gone (the session ended)
            self._source = None
            return
        self.update()

    def image(self) -> QPixmap:
        return QPixmap(self._pixmap)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#000000"))
        if not self._pixmap.isNull():
            scaled = self._pixmap.scaled(
                self.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            x = (self.width() - scaled.width()) // 2
            y = (self.height() - scaled.height()) // 2
            p.drawPixmap(x, y, scaled)
        p.setPen(QColor("#555b62"))
        p.drawRect(self.rect().adjusted(0, 0, -1, -1))
        p.end()


class PresenterWidget(LaidOutScreen):
    """The laptop's view while presenting (see the module's docstring)."""

    mute_toggle_requested = Signal()
    blank_toggle_requested = Signal()  # B, '.' or the Blank button here: blank the class's screen

    def __init__(self, controller: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._theme = _theme_name()
        self._blanked = False
        self._mirrored = False
        self._muted = False
        self._text_scale = 1.0
        self._prompt = ""
        self._state: DisplayState | None = None
        self._stale = False  # the controller moved on while hidden
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(640, 420)

        # the live copy: a picture of the class's screen as it is drawn there
        self.copy = ScreenCopy(self)
        self.blanked_label = FitLabel("BLANKED", self, bold=True)
        self.blanked_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.blanked_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.blanked_label.hide()
        self.screen_state = FitLabel("", self, bold=True)  # CLASS SEES THIS · MIRRORED ...

        self.badge = FitLabel("", self, bold=True)
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = FitLabel("", self, bold=True)
        self.clock_label = FitLabel("", self, bold=True)
        self.clock_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.countdown = FitLabel("", self, bold=True)
        self.times = FitLabel("", self)  # elapsed · left
        self.detail = FitLabel("", self, bold=True)  # side · set · rep · breath
        self.coach = FitLabel("", self)
        self.coach.setWordWrap(True)
        self.coach.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.coach.setContentsMargins(8, 4, 8, 4)
        self.how = FitLabel("", self)
        self.how.setWordWrap(True)
        self.how.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.note = FitLabel("", self, bold=True)
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.upcoming_title = FitLabel("Up next", self, bold=True)
        self.upcoming_rows: list[tuple[FitLabel, FitLabel, FitLabel]] = []
        self.upcoming_pictures: list[QLabel] = []  # each step's picture, small
        self._thumb_keys: list[tuple[str | None, bool, int, int]] = []
        for _ in range(UPCOMING):
            thumb = QLabel(self)
            thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.upcoming_pictures.append(thumb)
            self._thumb_keys.append((None, False, 0, 0))
            when = FitLabel("", self)
            when.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.upcoming_rows.append((when, FitLabel("", self, bold=True), FitLabel("", self)))
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.prompt_label = FitLabel("", self, bold=True)
        self.prompt_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prompt_label.hide()
        self._prompt_timer = QTimer(self)
        self._prompt_timer.setSingleShot(True)
        self._prompt_timer.timeout.connect(self._on_prompt_timer_timeout)

        self.buttons = _Buttons(controller, self)
        self.buttons.mute_button.clicked.connect(self.mute_toggle_requested)
        self.blank_button = QPushButton("Blank (B)", self.buttons)
        self.blank_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.blank_button.setToolTip("Black out the class's screen; the timer runs on")
        self.blank_button.clicked.connect(self.blank_toggle_requested)
        row = self.buttons.layout()
        if row is not None:
            row.addWidget(self.blank_button)
        self.keys_label = FitLabel(KEYS_TEXT, self)

        self.actions_by_name = bind_session_keys(
            self, controller, {"blank": self.blank_toggle_requested.emit}
        )
        self._clock_timer = QTimer(self)
        self._clock_timer.setSingleShot(True)
        self._clock_timer.timeout.connect(self._on_clock_timer_timeout)
        self._on_clock_timer_timeout()
        controller.state_changed.connect(self._on_controller_state_changed)
        self._apply_colors()
        self._refresh()

    # ------------------------------------------------------------ public API
    @property
    def blanked(self) -> bool:
        return self._blanked

    def set_blanked(self, on: bool) -> None:
        """The class's screen is black: the copy goes black and says BLANKED."""
        self._blanked = on
        self.copy.schedule()
        self.blanked_label.setVisible(on)
        if on:
            self.blanked_label.raise_()
        self.blank_button.setText("Unblank (B)" if on else "Blank (B)")
        self._refresh_screen_state()

    def set_mirrored(self, on: bool) -> None:
        self._mirrored = on
        self.copy.schedule()
        self._refresh()

    def set_muted(self, on: bool) -> None:
        self._muted = on
        self.buttons.mute_button.setText("Unmute" if on else "Mute")
        self.copy.schedule()
        self._refresh_screen_state()

    def set_larger_text(self, on: bool) -> None:
        self._text_scale = 1.2 if on else 1.0
        self._relayout()

    def set_theme(self, name: str) -> None:
        self._theme = name if name in PLAYER_COLORS else "dark"
        self.copy.schedule()
        self._apply_colors()
        self._refresh()

    def show_prompt(self, text: str, ms: int = 0) -> None:
        self._prompt = text
        self.prompt_label.set_text_if_changed(text)
        self.prompt_label.setVisible(bool(text))
        if text:
            self.prompt_label.raise_()
            fit_line(self.prompt_label, self._px(0.06))
        if text and ms > 0:
            self._prompt_timer.start(ms)
        else:
            self._prompt_timer.stop()
        self.copy.schedule()

    def prompt(self) -> str:
        return self._prompt

    def set_source(self, player: PlayerWidget | None) -> None:
        """The class's view that the live copy shows (None: nothing to copy)."""
        self.copy.set_source(player)

    # -------------------------------------------------------------- updates
    def _colors(self) -> dict[str, str]:
        return PLAYER_COLORS.get(self._theme, PLAYER_COLORS["dark"])

    def _apply_colors(self) -> None:
        c = self._colors()
        for lbl in (self.title, self.countdown, self.detail, self.clock_label):
            lbl.set_color(c["text"])
        for lbl in (self.times, self.how, self.keys_label, self.upcoming_title):
            lbl.set_color(c["muted"])
        for when, _kind, text in self.upcoming_rows:
            when.set_color(c["muted"])
            text.set_color(c["text"])
        self.note.set_color(c["caution"])
        self.coach.setStyleSheet(f"color: {c['text']}; background: {c['track']};")
        self.blanked_label.setStyleSheet(
            "color: #ffffff; background: rgba(200, 30, 30, 220); border-radius: 8px;"
        )
        self.prompt_label.setStyleSheet(
            "color: #ffffff; background: rgba(0, 0, 0, 220); border-radius: 12px;"
        )
        self.progress.setStyleSheet(
            f"QProgressBar {{ background: {c['track']}; border: none; border-radius: 4px; }}"
            f"QProgressBar::chunk {{ background: {c['muted']}; border-radius: 4px; }}"
        )
        self.update()

    def _on_clock_timer_timeout(self) -> None:
        now = time.time()
        self.clock_label.set_text_if_changed(time.strftime("%H:%M", time.localtime(now)))
        self._clock_timer.start(int((60 - now % 60) * 1000) + 50)

    def _on_prompt_timer_timeout(self) -> None:
        self.show_prompt("")

    def _on_controller_state_changed(self) -> None:
        # Unseen (no second screen: the usual case) it waits for its showEvent: its
        # refresh is a millisecond of CPU each second of every hold, for nobody.
        if self.isVisible():
            self._refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self._refresh()

    def _refresh_screen_state(self) -> None:
        bits = ["CLASS'S SCREEN: BLANKED" if self._blanked else "CLASS'S SCREEN: LIVE"]
        if self._mirrored:
            bits.append("MIRRORED")
        if self._muted:
            bits.append("MUTED")
        if self.screen_state.set_text_if_changed("   ·   ".join(bits)):
            fit_line(self.screen_state, self._px(0.034))
        c = self._colors()
        self.screen_state.set_color("#ff5a5a" if self._blanked else c["muted"])

    def _refresh(self) -> None:
        s = self._controller.session
        d = display_state(s, upcoming=UPCOMING)
        self._state = d
        badge, color = phase_badge(d, self._theme)
        changed = False
        changed |= self.badge.set_text_if_changed(badge)
        sheet = f"background: {color.name()}; color: #000000; border-radius: 6px;"
        if self.badge.styleSheet() != sheet:
            self.badge.setStyleSheet(sheet)
        changed |= self.title.set_text_if_changed(d.title)
        paused = "  (paused)" if d.state == "paused" else ""
        digits = f"{d.countdown_text} {d.countdown_caption}".strip() + paused
        changed |= self.countdown.set_text_if_changed(digits)
        left = d.time_left_text
        changed |= self.times.set_text_if_changed(
            f"Elapsed {format_clock(d.elapsed_s)}   ·   {left}"
        )
        side = ""
        if d.side is not None:
            side = side_word(d.side).upper() + " side"
            if self._mirrored:
                side += f" (class sees {side_word(d.side, mirror=True).upper()})"
        breath = ""
        if d.breath is not None:
            breath = f"{d.breath_text}, {'in' if d.breath.phase == 'inhale' else 'out'}"
        bits = [side, d.set_text, d.rep_text, breath]
        changed |= self.detail.set_text_if_changed("   ·   ".join(b for b in bits if b))
        card = d.exercise
        coach = f"Coach: {card.coach}" if card is not None and card.coach else ""
        changed |= self.coach.set_text_if_changed(coach)
        changed |= self.how.set_text_if_changed(card.how if card is not None else "")
        changed |= self.note.set_text_if_changed(f"⚠ {card.note}" if card and card.note else "")
        for i, (when, kind, text) in enumerate(self.upcoming_rows):
            u_pic = d.upcoming[i] if i < len(d.upcoming) else None
            self._set_thumb(i, u_pic.picture if u_pic else None, bool(u_pic and u_pic.mirrored))
            if i < len(d.upcoming):
                u = d.upcoming[i]
                est = "~" if u.starts_estimated else ""
                dur = ("~" if u.duration_estimated else "") + format_clock(u.duration_s)
                texts = (f"in {est}{format_clock(u.starts_in_s)}", phase_label(u.kind))
                texts3 = (*texts, f"{u.text}  ({dur})")
                kind.set_color(phase_color(u.kind, self._theme))
            else:
                texts3 = ("", "", "Finish" if i == len(d.upcoming) and d.upcoming else "")
            for lbl, t in zip((when, kind, text), texts3, strict=True):
                changed |= lbl.set_text_if_changed(t)
        set_bar_value(self.progress, int(round(d.progress * 1000)))
        self.buttons.refresh(d.state, starting=self._controller.starting)
        self._refresh_screen_state()
        self.copy.schedule()
        if changed:
            self._fit_texts()

    def _set_thumb(self, i: int, ref: str | None, mirrored: bool) -> None:
        lbl = self.upcoming_pictures[i]
        key = (ref, mirrored, lbl.width(), lbl.height())
        if key == self._thumb_keys[i]:
            return
        self._thumb_keys[i] = key
        if ref is None or lbl.width() < 4 or lbl.height() < 4:
            lbl.clear()
            return
        lbl.setPixmap(thumbnail(ref, lbl.size(), mirrored, lbl.devicePixelRatioF()))

    def upcoming(self) -> list[tuple[str, str, str]]:
        """(starts in, phase, description) as shown, for tests."""
        return [(a.text(), b.text(), c.text()) for a, b, c in self.upcoming_rows if c.text()]

    # --------------------------------------------------------------- layout
    def _px(self, share: float) -> int:
        return max(8, int(self.height() * share * self._text_scale))

    def _relayout(self) -> None:
        W, H = self.width(), self.height()  # noqa: N806
        m = max(6, int(H * 0.018))
        gap = max(4, int(H * 0.012))
        inner_w = W - 2 * m
        # header: badge, title, wall clock
        head_h = int(H * 0.075)
        self.badge.set_pixel_size(self._px(0.03))
        fm = QFontMetricsF(self.badge.font())
        badge_w = int(fm.horizontalAdvance("SWITCH SIDES ⇄") + fm.height())
        self.badge.setGeometry(m, m + head_h // 8, badge_w, head_h - head_h // 4)
        clock_w = int(W * 0.1)
        self.clock_label.setGeometry(W - m - clock_w, m, clock_w, head_h)
        tx = m + badge_w + gap * 2
        self.title.setGeometry(tx, m, W - m - clock_w - gap - tx, head_h)
        # bottom up: keys, buttons, progress
        keys_h = int(H * 0.04)
        keys_y = H - m - keys_h
        self.keys_label.setGeometry(m, keys_y, inner_w, keys_h)
        btn_h = max(28, int(H * 0.065))
        btn_y = keys_y - gap - btn_h
        self.buttons.setGeometry(m, btn_y, inner_w, btn_h)
        self.buttons.set_pixel_size(max(10, int(btn_h * 0.36)))
        bar_h = max(6, int(H * 0.014))
        bar_y = btn_y - gap - bar_h
        self.progress.setGeometry(m, bar_y, inner_w, bar_h)
        # up next: three rows over the progress bar
        row_h = int(H * 0.048 * self._text_scale)
        rows_y = bar_y - gap - row_h * UPCOMING
        title_h = int(row_h * 0.8)
        self.upcoming_title.setGeometry(m, rows_y - title_h, inner_w, title_h)
        when_w = int(inner_w * 0.1)
        kind_w = int(inner_w * 0.17)
        pic_w = int(row_h * 1.4)
        for i, (when, kind, text) in enumerate(self.upcoming_rows):
            y = rows_y + i * row_h
            when.setGeometry(m, y, when_w, row_h)
            kind.setGeometry(m + when_w + gap, y, kind_w, row_h)
            x = m + when_w + kind_w + 2 * gap
            self.upcoming_pictures[i].setGeometry(x, y + 1, pic_w, row_h - 2)
            x += pic_w + gap
            text.setGeometry(x, y, W - m - x, row_h)
            u = self._state.upcoming[i] if self._state and i < len(self._state.upcoming) else None
            self._set_thumb(i, u.picture if u else None, bool(u and u.mirrored))
        # middle: the copy on the left, the step on the right
        top = m + head_h + gap
        bottom = rows_y - title_h - gap
        mid_h = max(20, bottom - top)
        state_h = int(H * 0.045)
        copy_w = int(inner_w * 0.46)
        copy_h = min(mid_h - state_h - gap, int(copy_w * 9 / 16))
        copy_w = min(copy_w, int(copy_h * 16 / 9))
        self.copy.setGeometry(m, top, copy_w, copy_h)
        bw, bh = int(copy_w * 0.7), int(copy_h * 0.3)
        self.blanked_label.setGeometry(m + (copy_w - bw) // 2, top + (copy_h - bh) // 2, bw, bh)
        self.screen_state.setGeometry(m, top + copy_h + gap, copy_w, state_h)
        rx = m + copy_w + gap * 3
        rw = W - m - rx
        y = top
        heights = [
            (self.countdown, int(mid_h * 0.24)),
            (self.times, int(mid_h * 0.09)),
            (self.detail, int(mid_h * 0.1)),
        ]
        for w, h in heights:
            w.setGeometry(rx, y, rw, h)
            y += h
        rest = top + mid_h - y
        has_coach, has_note = bool(self.coach.text()), bool(self.note.text())
        coach_h = int(rest * 0.42) if has_coach else 0
        note_h = int(rest * 0.2) if has_note else 0
        self.coach.setGeometry(rx, y + gap // 2, rw, max(0, coach_h - gap))
        self.coach.setVisible(has_coach)
        y += coach_h
        how_h = top + mid_h - y - note_h
        self.how.setGeometry(rx, y, rw, max(0, how_h))
        self.note.setGeometry(rx, y + how_h, rw, note_h)
        self.note.setVisible(has_note)
        pw, ph = int(W * 0.5), int(H * 0.1)
        self.prompt_label.setGeometry((W - pw) // 2, (H - ph) // 2, pw, ph)
        self._fit_texts()

    def _fit_texts(self) -> None:
        """Every text at its size for this height, shrunk where its box is too small."""
        fit_line(self.title, self._px(0.05))
        fit_line(self.clock_label, self._px(0.045))
        fit_line(self.countdown, self._px(0.15))
        fit_line(self.times, self._px(0.034))
        fit_line(self.detail, self._px(0.036))
        fit_line(self.screen_state, self._px(0.034))
        fit_line(self.blanked_label, self._px(0.08))
        fit_line(self.upcoming_title, self._px(0.03))
        for when, kind, text in self.upcoming_rows:
            for lbl in (when, kind, text):
                fit_line(lbl, self._px(0.03))
        fit_line(self.keys_label, self._px(0.026))
        fit_line(self.prompt_label, self._px(0.06))
        self.coach.fit_wrapped(self._px(0.034))
        self.how.fit_wrapped(self._px(0.03))
        self.note.fit_wrapped(self._px(0.03))
