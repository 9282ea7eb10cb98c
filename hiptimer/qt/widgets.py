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

from PySide6.QtCore import (
    QEasingCurve,
    QEvent,
    QObject,
    QPointF,
    QRectF,
    Qt,
    QTimeLine,
    QVariantAnimation,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QHideEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QShowEvent,
    QTransform,
)
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsItemAnimation,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QWidget,
)

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
        alpha = PAUSED_ALPHA if self._dimmed else 1.0
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
#: The pacer's frames a second while the circle moves (a slow breath needs no more to
#: read as smooth motion; each frame is drawn by Qt alone, see BreathPacer).
PACER_FPS = 17
#: frame_asked fires this many times across a phase, as the circle passes each step
#: (twice the pose's breath levels: every level the pose rounds to is caught on time).
PACER_STEPS = 24
PACER_FILL_ALPHA = 0.85  # the circle over the guide
PACER_GUIDE_ALPHA = 0.35  # the dashed outer guide


#: How much of its colour a paused session's dial and breath circle keep.
PAUSED_ALPHA = 0.35


def paused_color(color: QColor, background: QColor) -> QColor:
    """``color`` as a paused session shows it over ``background``: faded as the dial's."""
    return _over(color, PAUSED_ALPHA, background)


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

    What it costs: the circle is an item of a small QGraphicsScene, scaled by a
    QGraphicsItemAnimation on a QTimeLine at :data:`PACER_FPS` frames a second with
    the same ease as :meth:`value_at`. Each frame is Qt's alone, from its timer to
    the repaint of the square the circle covers: no Python runs per frame (measured
    on this VM, Python per frame cost about as much again as Qt's own frame). The
    dashed guide and the arrow are cached as pixmaps; the circle is an opaque disc
    over an opaque background. Python runs once a phase (:meth:`sync`) and at
    :data:`PACER_STEPS` points of it (:attr:`frame_asked`, what follows the breath,
    the pose's swell, rides on those). No frames at all while the window is hidden or
    minimised, or while something covers the pacer (:meth:`set_covered`: the blanked
    screen); the circle picks up where the breath is when it shows again.
    """

    phase_changed = Signal(str)
    #: The circle passed one of the :data:`PACER_STEPS` steps of its phase.
    frame_asked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._phase: str | None = None
        self._breath = 0
        self._of = 0
        self._color = QColor("#4aa3ff")
        self._text_color = QColor("#ffffff")
        self._background: QColor | None = None
        self._reduced_motion = False
        self._covered = False
        # the motion: from fraction _from at monotonic _t0, to the phase's end _left_s later
        self._moving = False
        self._t0 = 0.0
        self._from = 0.0
        self._left_s = 0.0
        #: Real seconds, monotonic; tests put a fake clock here and call catch_up().
        self.clock: Callable[[], float] = time.monotonic
        self._minimised = False  # its window is (Qt sends a spontaneous hide event)

        self._scene = QGraphicsScene(self)
        view = self._view = QGraphicsView(self._scene, self)
        view.setFrameShape(QFrame.Shape.NoFrame)
        view.setStyleSheet("QGraphicsView { background: transparent; border: none; }")
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setInteractive(False)
        view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        view.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        view.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        view.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState)
        cache = QGraphicsItem.CacheMode.DeviceCoordinateCache
        self._guide = QGraphicsEllipseItem()
        self._guide.setBrush(Qt.BrushStyle.NoBrush)
        self._guide.setCacheMode(cache)
        self._disc = QGraphicsEllipseItem()
        self._disc.setPen(Qt.PenStyle.NoPen)
        self._arrow = QGraphicsSimpleTextItem()
        self._arrow.setPen(Qt.PenStyle.NoPen)
        self._arrow.setCacheMode(cache)
        for z, item in enumerate((self._guide, self._disc, self._arrow)):
            item.setZValue(z)
            self._scene.addItem(item)
        self._disc.setVisible(False)
        self._set_value(PACER_MIN)

        self._timeline = QTimeLine(1000, self)
        self._timeline.setUpdateInterval(round(1000 / PACER_FPS))
        self._timeline.setEasingCurve(QEasingCurve.Type.InOutSine)  # = value_at's ease
        self._timeline.setFrameRange(0, PACER_STEPS)
        self._timeline.frameChanged.connect(self._on_step)
        self._timeline.finished.connect(self._on_finished)
        self._animation = QGraphicsItemAnimation(self)
        self._animation.setItem(self._disc)
        self._animation.setTimeLine(self._timeline)
        self._apply_colors()
        self._lay_out()

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
        """The circle's radius as drawn, as a share of the largest (PACER_MIN..PACER_MAX)."""
        return self._disc.transform().m11()

    @property
    def target(self) -> float:
        """Where the circle is heading in this phase."""
        if self._phase == "inhale":
            return PACER_MAX
        if self._phase == "exhale":
            return PACER_MIN
        return self.value

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
        return self._timeline.state() == QTimeLine.State.Running

    def set_reduced_motion(self, on: bool) -> None:
        self._reduced_motion = on
        if on and self._moving:
            self._moving = False
            self._timeline.stop()
            self._set_value(self.target)

    def set_covered(self, on: bool) -> None:
        """Something opaque lies over the pacer (the blanked screen): no frames."""
        if on != self._covered:
            self._covered = on
            self._resume_or_rest()

    @property
    def color(self) -> QColor:
        """The circle's colour (its fill is this, faded over the background)."""
        return QColor(self._color)

    def set_colors(self, color: QColor, text: QColor, background: QColor | None = None) -> None:
        new = (QColor(color), QColor(text), QColor(background) if background is not None else None)
        if new != (self._color, self._text_color, self._background):
            self._color, self._text_color, self._background = new
            self._apply_colors()

    @staticmethod
    def value_at(phase: str, fraction: float) -> float:
        """Radius share at ``fraction`` (0..1) of ``phase`` (eased in and out)."""
        f = min(1.0, max(0.0, fraction))
        eased = 0.5 - 0.5 * math.cos(math.pi * f)
        span = PACER_MAX - PACER_MIN
        return PACER_MIN + span * eased if phase == "inhale" else PACER_MAX - span * eased

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
        new_phase = phase != self._phase
        self._phase, self._breath, self._of = phase, breath, of
        if changed:
            self.phase_changed.emit(self.phase_text)
        if new_phase:
            self._disc.setVisible(phase is not None)
            self._draw_arrow()
        self._moving = False
        self._timeline.stop()
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
        self._animation.setScaleAt(0.0, self.value_at(phase, 0.0), self.value_at(phase, 0.0))
        self._animation.setScaleAt(1.0, self.value_at(phase, 1.0), self.value_at(phase, 1.0))
        self._timeline.setDuration(max(1, round(phase_real_s * 1000)))
        self._set_value(now_value)  # the timeline sets it only when its time changes
        self._resume_or_rest()

    def stop(self) -> None:
        self._moving = False
        self._timeline.stop()

    def catch_up(self) -> None:
        """Put the circle where the breath is now by :attr:`clock` (the timeline runs on
        from there); tests call it after moving a fake clock."""
        if not self._moving:
            return
        f = self._fraction_now()
        self._timeline.setCurrentTime(round(f * self._timeline.duration()))
        if f >= 1.0:
            self._on_finished()

    # -- frames --------------------------------------------------------------
    def _seen(self) -> bool:
        """Drawn on a screen: shown, its window neither hidden nor minimised, not covered."""
        return not self._covered and not self._minimised and self.isVisible()

    def _resume_or_rest(self) -> None:
        if self._moving and self._seen():
            self.catch_up()  # the circle where the breath is now, then on from there
            if self._moving:
                self._timeline.resume()
        else:
            self._timeline.stop()

    def _fraction_now(self) -> float:
        if self._left_s <= 0:
            return 1.0
        gone = (self.clock() - self._t0) / self._left_s
        return self._from + (1.0 - self._from) * min(1.0, max(0.0, gone))

    def _on_step(self, _frame: int) -> None:
        if self._moving:
            self.frame_asked.emit()

    def _on_finished(self) -> None:
        if self._moving:
            self._moving = False  # the phase is over: the engine's next sync moves on
            self._timeline.stop()
            self._set_value(self.target)

    def _set_value(self, v: float) -> None:
        """The circle at ``v``, at rest."""
        self._disc.setTransform(QTransform.fromScale(v, v))

    def _full_radius(self) -> float:
        return min(self.width(), self.height()) / 2 * 0.96

    # -- drawing -------------------------------------------------------------
    def _apply_colors(self) -> None:
        bg = self._background
        guide = QColor(self._color)
        guide.setAlphaF(PACER_GUIDE_ALPHA)
        pen = self._guide.pen()
        pen.setColor(guide)
        self._guide.setPen(pen)
        if bg is not None:  # the same colour as the translucent fill over it, opaque
            fill = _over(self._color, PACER_FILL_ALPHA, bg)
        else:
            fill = QColor(self._color)
            fill.setAlphaF(PACER_FILL_ALPHA)
        self._disc.setBrush(fill)
        self._arrow.setBrush(self._text_color)
        self._view.setBackgroundBrush(bg if bg is not None else QBrush(Qt.BrushStyle.NoBrush))
        # an opaque pacer's frames repaint it alone, not the player behind it
        self._view.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, bg is not None)
        self._view.resetCachedContent()

    def _lay_out(self) -> None:
        """The scene fills the widget, its origin at the centre; the items' sizes."""
        w, h = self.width(), self.height()
        self._view.setGeometry(0, 0, w, h)
        self._scene.setSceneRect(-w / 2, -h / 2, w, h)
        self._view.resetCachedContent()
        full = self._full_radius()
        pen = self._guide.pen()
        pen.setWidthF(max(2.0, min(w, h) * 0.012))
        pen.setStyle(Qt.PenStyle.DashLine)
        self._guide.setPen(pen)
        circle = QRectF(-full, -full, 2 * full, 2 * full)
        self._guide.setRect(circle)
        self._disc.setRect(circle)
        self._draw_arrow()

    def _draw_arrow(self) -> None:
        """The arrow that says which way the circle goes, inside the smallest circle."""
        phase = self._phase
        self._arrow.setVisible(phase is not None)
        self._arrow.setText("▲" if phase == "inhale" else "▼")
        f = QFont(self.font())
        f.setBold(True)
        f.setPixelSize(max(1, int(self._full_radius() * PACER_MIN * 0.9)))
        self._arrow.setFont(f)
        box = self._arrow.boundingRect()
        self._arrow.setPos(-box.width() / 2, -box.height() / 2)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._lay_out()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self._minimised = False
        self._resume_or_rest()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        super().hideEvent(event)
        # a minimised window's widgets get a spontaneous hide and stay isVisible()
        self._minimised = event.spontaneous()
        self._timeline.stop()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._draw_arrow()


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
