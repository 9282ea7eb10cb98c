"""Custom-painted pieces of the player: the countdown dial, the breath pacer,
the boundary flash and the blank screen, plus the text helpers they share.

Every widget here repaints only when what it shows changes: setters compare
the new state with the old one and call ``update()`` only on a difference.
The only continuous motion is the breath pacer while a breath hold runs (it
is the guide) and the short flash at a boundary; both stop under reduced
motion.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import (
    QEasingCurve,
    QEvent,
    QObject,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    Qt,
    QTimer,
    QVariantAnimation,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHideEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QLabel, QProgressBar, QSizePolicy, QWidget

from hiptimer.qt import theme as _theme

# ---------------------------------------------------------------------------
# Text helpers (pure functions of the plan and the engine's numbers)
# ---------------------------------------------------------------------------

#: Digits are drawn horizontally condensed so m:ss fits the ring at full height.
DIGIT_STRETCH = 0.82


def phase_label(kind: str) -> str:
    """``"WORK ●"``: the text and symbol for a step kind (colour-blind safe)."""
    text, symbol = _theme.PHASE_LABELS.get(kind, (kind.upper(), ""))
    return f"{text} {symbol}".strip()


def phase_color(kind: str, theme: str = "dark") -> QColor:
    return QColor(_theme.phase_color(theme, kind))


def surface(theme: str, role: str) -> QColor:
    return QColor(_theme.surface(theme, role))


def fit_pixel_size(
    text: str, font: QFont, width: float, height: float, stretch: float = 1.0
) -> int:
    """Largest pixel size at which ``text`` (one line) fits ``width`` × ``height``."""
    if width <= 0 or height <= 0 or not text:
        return 1
    f = QFont(font)
    f.setPixelSize(100)
    fm = QFontMetricsF(f)
    w = fm.horizontalAdvance(text) * stretch
    h = fm.height()
    if w <= 0 or h <= 0:
        return 1
    return max(1, int(min(width / w, height / h) * 100))


def set_bar_value(bar: QProgressBar, value: int) -> None:
    """``bar.setValue(value)``, painted with the rest of the window's changes on the next
    turn of the event loop: QProgressBar.setValue repaints at once, a paint and a flush
    to the screen of its own each time the bar grows (a second flush every second of a
    hold). Re-enabling updates asks for the one coalesced repaint (Qt's documented
    behaviour of setUpdatesEnabled(True))."""
    if bar.value() == value:
        return
    bar.setUpdatesEnabled(False)
    bar.setValue(value)
    bar.setUpdatesEnabled(True)


class LaidOutScreen(QWidget):
    """A screen that paints its theme's background and places its children by hand:
    ``_relayout`` runs on every resize and when shown. The player and the presenter
    view are such screens; each says its colours and its layout."""

    def _colors(self) -> dict[str, str]:
        raise NotImplementedError

    def _relayout(self) -> None:
        raise NotImplementedError

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(event.rect(), QColor(self._colors()["bg"]))
        p.end()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._relayout()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self._relayout()


class FitLabel(QLabel):
    """A label whose font pixel size is set as a fraction of a reference height
    (the player's height), not by the platform's point size."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *, bold: bool = False):
        super().__init__(text, parent)
        f = self.font()
        f.setBold(bold)
        self.setFont(f)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self._max_px: int | None = None

    def fit(self, max_px: int, min_px: int = 7) -> None:
        """Size the text at ``max_px``, or smaller where it would not fit the label;
        kept as the label's text and size change (nothing is ever cut)."""
        self._max_px = max_px
        self._min_px = min_px
        self._refit()

    def _refit(self) -> None:
        if self._max_px is None:
            return
        if self.wordWrap():
            self.fit_wrapped(self._max_px, self._min_px)
            return
        px = self._max_px
        if self.text():
            box = self.contentsRect()
            px = min(px, fit_pixel_size(self.text(), self.font(), box.width() - 1, box.height()))
        self.set_pixel_size(max(self._min_px, px))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._refit()

    def set_pixel_size(self, px: int) -> None:
        f = self.font()
        if f.pixelSize() != px:
            f.setPixelSize(max(1, px))
            self.setFont(f)

    def set_text_if_changed(self, text: str) -> bool:
        if self.text() == text:
            return False
        self.setText(text)
        self._refit()
        return True

    def fit_wrapped(self, max_px: int, min_px: int = 8) -> None:
        """Word-wrapped text: the largest size up to ``max_px`` that fits the label."""
        px = max_px
        f = QFont(self.font())
        box = self.contentsRect()
        while px > min_px:
            f.setPixelSize(px)
            r = QFontMetricsF(f).boundingRect(
                QRectF(0, 0, max(1, box.width()), 1e6),
                int(Qt.TextFlag.TextWordWrap),
                self.text(),
            )
            if r.height() <= box.height() and r.width() <= box.width():
                break
            px = int(px * 0.92)
        self.set_pixel_size(max(min_px, px))

    def set_color(self, color: QColor | str) -> None:
        name = QColor(color).name(QColor.NameFormat.HexArgb)
        sheet = f"color: {name};"
        if self.styleSheet() != sheet:
            self.setStyleSheet(sheet)


# ---------------------------------------------------------------------------
# CountdownDial
# ---------------------------------------------------------------------------


class CountdownDial(QWidget):
    """Huge countdown digits inside a progress ring.

    The ring is a circle in a square area and a rounded "pill" in a wide one,
    so that m:ss digits can be as tall as the area allows. The coloured arc is
    the fraction of the step still to go. Dimmed when paused.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._text = ""
        self._caption = ""
        self._fraction = 1.0
        self._color = QColor("#3ecf6e")
        self._track = QColor("#2a2f35")
        self._text_color = QColor("#ffffff")
        self._dimmed = False
        self._font = QFont(self.font())
        self._font.setBold(True)
        self._digit_px = 1
        self._layout_key: tuple[str, bool, int, int] | None = None
        self.paint_count = 0  # paint events, for tests and benchmarks/cpu_hold.py

    # -- state ---------------------------------------------------------------
    @property
    def text(self) -> str:
        return self._text

    @property
    def caption(self) -> str:
        return self._caption

    @property
    def fraction(self) -> float:
        return self._fraction

    @property
    def dimmed(self) -> bool:
        return self._dimmed

    @property
    def color(self) -> QColor:
        return QColor(self._color)

    def set_state(
        self,
        text: str,
        fraction: float,
        color: QColor,
        *,
        dimmed: bool = False,
        caption: str = "",
    ) -> bool:
        """Show ``text`` with ``fraction`` (0..1) of the ring; True if anything changed."""
        fraction = min(1.0, max(0.0, fraction))
        # the ring moves in whole thousandths: no repaint for invisible changes
        fraction = round(fraction, 3)
        new = (text, fraction, QColor(color).rgba(), dimmed, caption)
        old = (self._text, self._fraction, self._color.rgba(), self._dimmed, self._caption)
        if new == old:
            return False
        self._text, self._fraction, self._color = text, fraction, QColor(color)
        self._dimmed, self._caption = dimmed, caption
        self.update()
        return True

    def set_colors(self, track: QColor, text: QColor) -> None:
        if track != self._track or text != self._text_color:
            self._track, self._text_color = QColor(track), QColor(text)
            self.update()

    # -- geometry ------------------------------------------------------------
    def _pen_width(self) -> float:
        return max(3.0, min(self.width(), self.height()) * 0.045)

    def ring_rect(self) -> QRectF:
        """The ring's centre line: a circle or a pill no wider than 2.4:1."""
        pw = self._pen_width()
        r = QRectF(self.rect()).adjusted(pw, pw, -pw, -pw)
        if r.width() > 2.4 * r.height():
            w = 2.4 * r.height()
            r = QRectF(r.center().x() - w / 2, r.top(), w, r.height())
        elif r.height() > r.width():
            r = QRectF(r.left(), r.center().y() - r.width() / 2, r.width(), r.width())
        return r

    @staticmethod
    def _template(text: str) -> str:
        # size by a template of the same shape so the digits do not jump as they change
        return "".join("8" if c.isdigit() else c for c in text) or "8"

    def _ensure_font(self) -> None:
        key = (self._template(self._text), bool(self._caption), self.width(), self.height())
        if key == self._layout_key:
            return
        self._layout_key = key
        template = key[0]
        ring = self.ring_rect()
        pw = self._pen_width()
        d = ring.height() - pw * 1.6  # inner diameter
        straight = max(0.0, ring.width() - ring.height())
        f = QFont(self._font)
        f.setPixelSize(100)
        fm = QFontMetricsF(f)
        tw = fm.horizontalAdvance(template) * DIGIT_STRETCH
        th = fm.tightBoundingRect(template).height()
        caption_share = 0.22 if self._caption else 0.0
        best = 1.0
        # try box heights as a share of the inner diameter; keep the largest font
        for k10 in range(30, 90, 2):
            k = k10 / 100
            box_h = k * d
            half_w = straight / 2 + (d / 2) * math.sqrt(max(0.0, 1 - k * k))
            size = min((box_h * (1 - caption_share)) / th, (2 * half_w * 0.97) / tw) * 100
            best = max(best, size)
        self._digit_px = max(1, int(best))

    def digit_pixel_size(self) -> int:
        self._ensure_font()
        return self._digit_px

    def digit_rect(self) -> QRectF:
        """The tight box of the drawn digits, in widget coordinates."""
        self._ensure_font()
        f = QFont(self._font)
        f.setPixelSize(self._digit_px)
        fm = QFontMetricsF(f)
        tight = fm.tightBoundingRect(self._text or "0")
        w = tight.width() * DIGIT_STRETCH
        c = self._digit_center()
        return QRectF(c.x() - w / 2, c.y() - tight.height() / 2, w, tight.height())

    def _digit_center(self) -> QPointF:
        c = self.ring_rect().center()
        if self._caption:
            return QPointF(c.x(), c.y() - self.ring_rect().height() * 0.08)
        return c

    # -- painting ------------------------------------------------------------
    def _ring_path(self, r: QRectF) -> QPainterPath:
        """A rounded rect with radius h/2 starting at the top centre, clockwise."""
        rad = r.height() / 2
        path = QPainterPath()
        cx = r.center().x()
        path.moveTo(cx, r.top())
        path.lineTo(r.right() - rad, r.top())
        path.arcTo(QRectF(r.right() - 2 * rad, r.top(), 2 * rad, 2 * rad), 90, -180)
        path.lineTo(r.left() + rad, r.bottom())
        path.arcTo(QRectF(r.left(), r.top(), 2 * rad, 2 * rad), 270, -180)
        path.lineTo(cx, r.top())
        return path

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt naming)
        self.paint_count += 1
        self._ensure_font()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = self.ring_rect()
        path = self._ring_path(r)
        pw = self._pen_width()
        alpha = 0.35 if self._dimmed else 1.0
        track = QColor(self._track)
        p.setPen(QPen(track, pw, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawPath(path)
        if self._fraction > 0:
            col = QColor(self._color)
            col.setAlphaF(alpha)
            pen = QPen(col, pw, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
            if self._fraction < 1.0:
                length = path.length()
                on = max(0.01, self._fraction * length / pw)
                pen.setDashPattern([on, length / pw + 10])
            p.setPen(pen)
            p.drawPath(path)
        # digits
        f = QFont(self._font)
        f.setPixelSize(self._digit_px)
        p.setFont(f)
        tc = QColor(self._text_color)
        tc.setAlphaF(alpha)
        p.setPen(tc)
        fm = QFontMetricsF(f)
        tight = fm.tightBoundingRect(self._text)
        c = self._digit_center()
        p.save()
        p.translate(c)
        p.scale(DIGIT_STRETCH, 1.0)
        # centre the tight box of the glyphs on the ring's centre
        p.drawText(QPointF(-tight.center().x(), -tight.center().y()), self._text)
        p.restore()
        if self._caption:
            cf = QFont(self._font)
            cf.setBold(False)
            cf.setPixelSize(max(1, int(self._digit_px * 0.22)))
            p.setFont(cf)
            box = self.digit_rect()
            cap = QRectF(
                r.left(), box.bottom() + self._digit_px * 0.08, r.width(), cf.pixelSize() * 1.4
            )
            p.drawText(
                cap, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, self._caption
            )
        p.end()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        self._layout_key = None
        super().resizeEvent(event)


# ---------------------------------------------------------------------------
# BreathPacer
# ---------------------------------------------------------------------------

PACER_MIN = 0.35  # circle radius (share of the largest) at the end of an exhale
PACER_MAX = 1.0  # at the end of an inhale
#: The pacer's frames: one whenever the circle's edge has moved a whole pixel, never
#: more than this many a second (a slow breath needs no more to read as smooth motion).
PACER_MAX_FPS = 20
PACER_FILL_ALPHA = 0.85  # the circle over the guide
PACER_GUIDE_ALPHA = 0.35  # the dashed outer guide


def _over(color: QColor, alpha: float, background: QColor) -> QColor:
    """``color`` at ``alpha`` over an opaque ``background``, as one opaque colour (an
    opaque fill is drawn 2-3 times faster than a translucent one, and looks the same)."""
    return QColor.fromRgbF(
        color.redF() * alpha + background.redF() * (1 - alpha),
        color.greenF() * alpha + background.greenF() * (1 - alpha),
        color.blueF() * alpha + background.blueF() * (1 - alpha),
    )


class BreathPacer(QWidget):
    """A circle that grows while breathing in and shrinks while breathing out.

    Driven by the engine: :meth:`sync` takes the engine's phase, breath number
    and fraction of the phase already gone, and moves the circle through the rest
    of the phase over its real duration. Under reduced motion the circle just
    switches between its two sizes.

    What it costs: the circle's radius is a function of the time since the last
    :meth:`sync`, so a single-shot timer is aimed at the instant the edge will
    have moved one whole pixel (at most :data:`PACER_MAX_FPS` frames a second;
    fewer where the eased breath turns). Each frame repaints only the square the
    circle covers; the dashed guide and the arrow are drawn once into pixmaps and
    the circle is an opaque disc over an opaque background. No frames at all while
    the window is hidden or minimised, or while something covers the pacer
    (:meth:`set_covered`: the blanked screen); the circle picks up where the
    breath is when it shows again. :attr:`frame_asked` fires with each moving
    frame, so whatever else follows the breath (the pose's swell) can ride on the
    same wake-up and the same repaint instead of waking the app on a timer of its own.
    """

    phase_changed = Signal(str)
    #: A moving frame was asked for (the circle's edge moved a whole pixel).
    frame_asked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._phase: str | None = None
        self._breath = 0
        self._of = 0
        self._value = PACER_MIN
        self._color = QColor("#4aa3ff")
        self._text_color = QColor("#ffffff")
        self._background: QColor | None = None
        self._asked_px = -1.0  # circle radius of the last frame asked for, in pixels
        self._reduced_motion = False
        self._covered = False
        # the motion: from fraction _from at monotonic _t0, to the phase's end _left_s later
        self._moving = False
        self._t0 = 0.0
        self._from = 0.0
        self._left_s = 0.0
        #: Real seconds, monotonic; tests put a fake clock here to step through frames.
        self.clock: Callable[[], float] = time.monotonic
        self._timer = QTimer(self)  # coarse: a frame a few ms late is never seen
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._minimised = False  # its window is (Qt sends a spontaneous hide event)
        self._layers: _PacerLayers | None = None
        self._layers_phase: str | None = None
        self.paint_count = 0  # paint events, for tests

    # -- state ---------------------------------------------------------------
    @property
    def phase(self) -> str | None:
        """ "inhale", "exhale" or None."""
        return self._phase

    @property
    def phase_text(self) -> str:
        return {"inhale": "Breathe in", "exhale": "Breathe out"}.get(self._phase or "", "")

    @property
    def breath_text(self) -> str:
        return f"Breath {self._breath} of {self._of}" if self._of else ""

    @property
    def value(self) -> float:
        """Current radius as a share of the largest circle (PACER_MIN..PACER_MAX)."""
        return self._value

    @property
    def target(self) -> float:
        """Where the circle is heading in this phase."""
        if self._phase == "inhale":
            return PACER_MAX
        if self._phase == "exhale":
            return PACER_MIN
        return self._value

    @property
    def moving(self) -> bool:
        """The circle is on its way through a running phase (whether or not it is seen)."""
        return self._moving

    @property
    def phase_left_ms(self) -> int:
        """Real milliseconds of the phase left at the last :meth:`sync` (0: not moving)."""
        return int(round(self._left_s * 1000)) if self._moving else 0

    @property
    def animating(self) -> bool:
        """Frames are being drawn: moving, and seen."""
        return self._timer.isActive()

    def set_reduced_motion(self, on: bool) -> None:
        self._reduced_motion = on
        if on and self._moving:
            self._moving = False
            self._timer.stop()
            self._set_value(self.target)

    def set_covered(self, on: bool) -> None:
        """Something opaque lies over the pacer (the blanked screen): no frames."""
        if on != self._covered:
            self._covered = on
            self._resume_or_rest()

    def set_colors(self, color: QColor, text: QColor, background: QColor | None = None) -> None:
        new = (QColor(color), QColor(text), QColor(background) if background is not None else None)
        if new != (self._color, self._text_color, self._background):
            self._color, self._text_color, self._background = new
            self._layers = None
            # an opaque pacer repaints alone, not the player behind it
            self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, background is not None)
            self.update()

    @staticmethod
    def value_at(phase: str, fraction: float) -> float:
        """Radius share at ``fraction`` (0..1) of ``phase`` (eased in and out)."""
        f = min(1.0, max(0.0, fraction))
        eased = 0.5 - 0.5 * math.cos(math.pi * f)
        span = PACER_MAX - PACER_MIN
        return PACER_MIN + span * eased if phase == "inhale" else PACER_MAX - span * eased

    @staticmethod
    def fraction_at(phase: str, value: float) -> float:
        """The inverse of :meth:`value_at`: the fraction of ``phase`` at which the
        radius share is ``value`` (clamped to 0..1)."""
        span = PACER_MAX - PACER_MIN
        eased = (value - PACER_MIN) / span if phase == "inhale" else (PACER_MAX - value) / span
        eased = min(1.0, max(0.0, eased))
        return math.acos(1.0 - 2.0 * eased) / math.pi

    def sync(
        self,
        phase: str | None,
        breath: int,
        of: int,
        fraction: float,
        phase_real_s: float,
        running: bool,
    ) -> None:
        """Follow the engine. ``phase_real_s``: the phase's real length in seconds."""
        changed = (phase, breath, of) != (self._phase, self._breath, self._of)
        self._phase, self._breath, self._of = phase, breath, of
        if changed:
            self.phase_changed.emit(self.phase_text)
        if phase != self._layers_phase:
            self._layers_phase = phase
            self._layers = None  # the arrow
            self.update()
        self._moving = False
        self._timer.stop()
        if phase is None:
            self._set_value(PACER_MIN)
            return
        if self._reduced_motion:
            self._set_value(self.target)
            return
        now_value = self.value_at(phase, fraction)
        left_s = max(0.0, 1.0 - fraction) * phase_real_s
        if not running or left_s <= 0:
            self._set_value(now_value if running or fraction < 1 else self.target)
            return
        # move through the rest of the phase with the same ease the engine's fraction maps to
        self._moving = True
        self._t0, self._from, self._left_s = self.clock(), fraction, left_s
        self._set_value(now_value)
        if self._seen():
            self._schedule_next_frame()

    def stop(self) -> None:
        self._moving = False
        self._timer.stop()

    # -- frames --------------------------------------------------------------
    def _seen(self) -> bool:
        """Drawn on a screen: shown, its window neither hidden nor minimised, not covered."""
        return not self._covered and not self._minimised and self.isVisible()

    def _resume_or_rest(self) -> None:
        if self._moving and self._seen():
            self._on_timer_timeout()  # the circle where the breath is now, then the next frame
        else:
            self._timer.stop()

    def _fraction_now(self) -> float:
        if self._left_s <= 0:
            return 1.0
        gone = (self.clock() - self._t0) / self._left_s
        return self._from + (1.0 - self._from) * min(1.0, max(0.0, gone))

    def _on_timer_timeout(self) -> None:
        phase = self._phase
        if not self._moving or phase is None:
            return
        f = self._fraction_now()
        asked = self._set_value(self.value_at(phase, f))
        if f >= 1.0:
            self._moving = False  # the phase is over: the engine's next sync moves on
        else:
            self._schedule_next_frame()
        if asked:
            self.frame_asked.emit()

    def _schedule_next_frame(self) -> None:
        """Aim the timer at the instant the edge will have moved one more whole pixel,
        never sooner than a frame at :data:`PACER_MAX_FPS`."""
        phase = self._phase
        full = self._full_radius()
        wait_s = 1.0 / PACER_MAX_FPS
        if phase is not None and full > 0 and self._from < 1.0:
            step = 1.0 if phase == "inhale" else -1.0
            f_next = self.fraction_at(phase, (self._asked_px + step) / full)
            t_next = self._t0 + (f_next - self._from) / (1.0 - self._from) * self._left_s
            wait_s = max(wait_s, t_next - self.clock())
        self._timer.start(max(1, math.ceil(wait_s * 1000)))

    def _full_radius(self) -> float:
        return min(self.width(), self.height()) / 2 * 0.96

    def _disc_rect(self, px: float) -> QRect:
        """The pixels a circle of radius ``px`` may touch (antialiasing included)."""
        c = QPointF(self.width() / 2, self.height() / 2)
        r = px + 2
        return QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r).toAlignedRect()

    def _set_value(self, v: float) -> bool:
        """Move the circle to ``v``; True if that asked for a repaint."""
        if abs(v - self._value) <= 1e-6 and self._asked_px >= 0:
            return False
        self._value = v
        # repaint only when the circle moved by a whole pixel (or reached its end),
        # and only the square the larger of the two circles covers
        px = self._full_radius() * v
        if abs(px - self._asked_px) >= 1.0 or v in (PACER_MIN, PACER_MAX):
            old = self._asked_px
            self._asked_px = px
            if old < 0 or self._phase is None:
                self.update()
            else:
                self.update(self._disc_rect(max(old, px)))
            return True
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._asked_px = -1.0
        self._layers = None

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self._minimised = False
        self._resume_or_rest()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        super().hideEvent(event)
        # a minimised window's widgets get a spontaneous hide and stay isVisible()
        self._minimised = event.spontaneous()
        self._timer.stop()

    # -- painting ------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.DevicePixelRatioChange):
            self._layers = None

    def _build_layers(self, dpr: float) -> _PacerLayers:
        """What every frame draws the same, drawn once per size, colour, font and phase:
        the background with the dashed outer guide (where an inhale ends), and the arrow
        that says which way the circle goes, inside the smallest circle."""
        w, h = self.width(), self.height()
        side = min(w, h)
        c = QPointF(w / 2, h / 2)
        full = self._full_radius()
        static = QPixmap(max(1, math.ceil(w * dpr)), max(1, math.ceil(h * dpr)))
        static.setDevicePixelRatio(dpr)
        bg = self._background
        static.fill(bg if bg is not None else QColor(Qt.GlobalColor.transparent))
        p = QPainter(static)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        guide = QColor(self._color)
        guide.setAlphaF(PACER_GUIDE_ALPHA)
        p.setPen(QPen(guide, max(2.0, side * 0.012), Qt.PenStyle.DashLine))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(c, full, full)
        p.end()
        if bg is not None:  # the same colour as the translucent fill over it, opaque
            fill = _over(self._color, PACER_FILL_ALPHA, bg)
        else:
            fill = QColor(self._color)
            fill.setAlphaF(PACER_FILL_ALPHA)
        half = math.ceil(full * PACER_MIN) + 2
        at = QPoint(int(w / 2) - half, int(h / 2) - half)
        arrow = QPixmap(max(1, math.ceil(2 * half * dpr)), max(1, math.ceil(2 * half * dpr)))
        arrow.setDevicePixelRatio(dpr)
        arrow.fill(QColor(Qt.GlobalColor.transparent))
        if self._phase is not None:
            p = QPainter(arrow)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            f = QFont(self.font())
            f.setBold(True)
            f.setPixelSize(max(1, int(full * PACER_MIN * 0.9)))
            p.setFont(f)
            p.setPen(self._text_color)
            # centred on the widget exactly as if drawn on it (the pixmap sits at ``at``)
            p.drawText(
                QRectF(-at.x(), -at.y(), w, h),
                Qt.AlignmentFlag.AlignCenter,
                "▲" if self._phase == "inhale" else "▼",
            )
            p.end()
        return _PacerLayers(dpr, static, fill, arrow, at, c, full)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        self.paint_count += 1
        dpr = self.devicePixelRatioF()
        layers = self._layers
        if layers is None or layers.dpr != dpr:
            layers = self._layers = self._build_layers(dpr)
        p = QPainter(self)
        rect = event.rect()
        source = QRectF(rect.x() * dpr, rect.y() * dpr, rect.width() * dpr, rect.height() * dpr)
        p.drawPixmap(QRectF(rect), layers.static, source)
        r = layers.full * self._value
        if self._phase is not None:
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(layers.fill)
            p.drawEllipse(layers.center, r, r)
            p.drawPixmap(layers.arrow_at, layers.arrow)
        p.end()


@dataclass(frozen=True)
class _PacerLayers:
    """The pacer's parts that stay the same from frame to frame."""

    dpr: float
    static: QPixmap  # background and dashed guide
    fill: QColor  # the circle's colour
    arrow: QPixmap
    arrow_at: QPoint
    center: QPointF
    full: float  # the largest circle's radius


# ---------------------------------------------------------------------------
# Overlays
# ---------------------------------------------------------------------------


class _Overlay(QWidget):
    """A child that always covers its parent (follows its resizes)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        parent.installEventFilter(self)
        self.setGeometry(parent.rect())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        parent = self.parentWidget()
        if parent is not None and watched is parent and event.type() == QEvent.Type.Resize:
            self.setGeometry(parent.rect())
        return False


class FlashOverlay(_Overlay):
    """A brief wash of the phase colour over the player at a boundary."""

    DURATION_MS = 450

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._color = QColor("#ffffff")
        self._alpha = 0.0
        self._anim = QVariantAnimation(self)
        self._anim.setDuration(self.DURATION_MS)
        self._anim.setStartValue(0.55)
        self._anim.setEndValue(0.0)
        self._anim.setEasingCurve(QEasingCurve.Type.OutCubic)
        self._anim.valueChanged.connect(self._on_anim_value_changed)
        self._anim.finished.connect(self.hide)
        self.flash_count = 0
        self.hide()

    def flash(self, color: QColor) -> None:
        self.flash_count += 1
        self._color = QColor(color)
        self._anim.stop()
        self.raise_()
        self.show()
        self._anim.start()

    @property
    def active(self) -> bool:
        return self.isVisible()

    def _on_anim_value_changed(self, v: object) -> None:
        if isinstance(v, float | int):
            self._alpha = float(v)
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        c = QColor(self._color)
        c.setAlphaF(max(0.0, min(1.0, self._alpha)))
        p.fillRect(self.rect(), c)
        p.end()


class BlankOverlay(_Overlay):
    """The class's screen blanked (a clicker's B or '.'): fully black, nothing written.
    The presenter view and the window's status bar say how to return."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAutoFillBackground(False)
        self.hide()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#000000"))
        p.end()
