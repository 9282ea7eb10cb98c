"""PictureView: an exercise's picture, drawn large beside the countdown or as a thumbnail.

Use::

    view = PictureView(parent)
    view.set_picture(display.exercise.picture, display.exercise.mirrored)  # id, path or None
    view.set_motion_source(lambda: rep_progress(session))  # timed reps move with the engine
    view.set_playing(session.state == "running")
    view.set_reduced_motion(settings.reduced_motion)

What it draws:

- a catalogue pose picture (``assets/pictures/<id>.svg``) through QSvgRenderer, as
  vectors, so it stays crisp at any size (a projector included), aspect kept;
- during timed reps, the figure moving between the picture's key poses in time with each
  rep: the position comes from the engine (``set_progress(t)`` or a motion source polled
  at up to :data:`FPS` frames a second while the session runs), never from a counter of
  its own; frames between key poses are built by :mod:`hiptimer.figure` (interpolated
  pose -> SVG) and cached, so a repeated rep costs only painting. Without the figure
  module the nearest key pose is shown;
- a held pose (key pose 0) for holds, prep, rest and under reduced motion;
- a still pose (a key pose, at each breath swell) is rasterised once into a pixmap in
  device pixels and kept (:data:`FIGURE_CACHE_BYTES` a view, least recently used first
  out, dropped on a new picture, a resize, a palette, style or pixel-ratio change and when
  hidden), so a breath hold's repaint at a swell already seen is one ``drawPixmap``; blend
  frames of a moving figure are drawn from their SVG each time (a rep's frames would not
  fit the budget and would only churn it); a swell step repaints only the part of the
  view the figure covers;
- a user image: PNG, JPEG, GIF, WebP or SVG, checked first by :func:`hiptimer.images.sniff`
  (format, byte and pixel caps) and decoded with QImageReader under an allocation limit;
  animated GIF and WebP play through QMovie (first frame only under reduced motion, held
  while the session is paused);
- flipped left-right when ``mirrored`` (the right side of a mirroring picture);
- a neutral placeholder (a framed "no picture" sign) for a missing or broken file, never
  an exception; ``problem`` says why.
"""

from __future__ import annotations

import logging
import math
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QByteArray, QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import (
    QBitmap,
    QColor,
    QHideEvent,
    QImage,
    QImageReader,
    QMovie,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
    QRegion,
    QResizeEvent,
    QShowEvent,
    QTransform,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QSizePolicy, QWidget

from hiptimer import images
from hiptimer.pictures import PictureRef, pose_blend, resolve_ref

log = logging.getLogger(__name__)

#: Frames a second while a figure moves (slow exercise movements need no more).
FPS = 20
#: Polls a second while only the breath swells the pose: a swell step is 0.2 % of the
#: figure's size, and a slow breath takes several of them a second at most.
BREATH_FPS = 10
#: Blend steps between two key poses; frames are cached per step.
STEPS = 24
#: Decoded image memory allowed per picture (QImageReader's allocation limit), MiB.
ALLOCATION_LIMIT_MB = 128

Status = Literal["empty", "pose", "svg", "image", "movie", "placeholder"]
MotionSource = Callable[[], "tuple[float, bool] | None"]
BreathSource = Callable[[], "float | None"]
#: How much a pose swells at a full breath in (a gentle 2.5 %), in this many steps.
BREATH_SWELL = 0.025
BREATH_LEVELS = 12

#: Rendered still figures a view keeps, in bytes (32-bit pixels): every breath level of
#: a pose at a full-HD player's size (some 1.3 Mpx a figure at most) fits in 64 MiB. A
#: figure too big for all its levels to fit is drawn from the SVG each time instead.
FIGURE_CACHE_BYTES = 64 * 1024 * 1024

#: (frame, breath level, mirrored, target rect, widget size, device scale, sub-pixel offset)
FigureKey = tuple[
    tuple[int, int, int], int, bool, tuple[float, float, float, float], tuple[int, int], float,
    tuple[float, float],
]  # fmt: skip

_frame_cache: OrderedDict[tuple[str, int, int, int], QSvgRenderer] = OrderedDict()
_FRAME_CACHE_MAX = 400


def _svg_from_bytes(data: bytes) -> QSvgRenderer | None:
    r = QSvgRenderer(QByteArray(data))
    return r if r.isValid() else None


def _figure_frame(picture_id: str, a: int, b: int, step: int) -> QSvgRenderer | None:
    """The figure of ``picture_id`` between key poses ``a`` and ``b`` at ``step``/STEPS,
    from the pose data; None when the figure module or the picture is not there."""
    key = (picture_id, a, b, step)
    found = _frame_cache.get(key)
    if found is not None:
        _frame_cache.move_to_end(key)
        return found
    try:
        from hiptimer import figure
    except ImportError:
        return None
    pic = figure.PICTURES.get(picture_id)
    if pic is None or max(a, b) >= len(pic.keys):
        return None
    pose = figure.interpolate(pic.keys[a], pic.keys[b], step / STEPS) if a != b else pic.keys[a]
    r = _svg_from_bytes(figure.render_svg(pose).encode("utf-8"))
    if r is None:
        return None
    _frame_cache[key] = r
    while len(_frame_cache) > _FRAME_CACHE_MAX:
        _frame_cache.popitem(last=False)
    return r


def _content_box(keys: list[QSvgRenderer]) -> QRectF | None:
    """The part of the canvas the key poses draw on, with a margin, in viewBox units.

    A pose picture has a fixed canvas (a lying figure leaves its top half empty);
    drawing only this box lets the figure fill the view. One box for all the key poses
    keeps the figure's scale steady while it moves between them.
    """
    box = QRectF()
    for r in keys:
        view = r.viewBoxF()
        if view.isEmpty():
            return None
        scale = 0.5
        img = QImage(
            max(1, int(view.width() * scale)),
            max(1, int(view.height() * scale)),
            QImage.Format.Format_ARGB32_Premultiplied,
        )
        img.fill(0)
        painter = QPainter(img)
        r.render(painter)
        painter.end()
        used = QRegion(QBitmap.fromImage(img.createAlphaMask())).boundingRect()
        if used.isEmpty():
            continue
        box = box.united(
            QRectF(
                view.x() + used.x() / scale,
                view.y() + used.y() / scale,
                used.width() / scale,
                used.height() / scale,
            )
        )
    if box.isEmpty():
        return None
    margin = 0.05 * max(box.width(), box.height())
    return box.adjusted(-margin, -margin, margin, margin)


class PictureView(QWidget):
    """Draws one picture; see the module docstring. The API is the ``set_*`` methods."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)
        self._ref: PictureRef | None = None
        self._text: str | None = None
        self._mirrored = False
        self._status: Status = "empty"
        self._problem = ""
        self._reduced_motion = False
        self._covered = False
        self._playing = True
        self._progress: tuple[float, bool] | None = None
        self._source: MotionSource | None = None
        self._breath_source: BreathSource | None = None
        self._breath = 0  # the breath's swell, 0..BREATH_LEVELS
        self._breath_ticked = False  # sampled on breath_tick(), not by the timer
        self._frame: tuple[int, int, int] = (0, 0, 0)  # key pose a, b, blend step
        self._keys: list[QSvgRenderer] = []  # the key poses' SVG files
        self._box: QRectF | None = None  # the part of a pose picture its figures use
        self._svg: QSvgRenderer | None = None  # a user SVG
        self._image: QImage | None = None
        self._scaled: QPixmap | None = None
        self._movie: QMovie | None = None
        # still figures rendered in device pixels: key -> (pixmap, its device x, y)
        self._figures: OrderedDict[FigureKey, tuple[QPixmap, int, int]] = OrderedDict()
        self._figure_bytes = 0
        #: bytes of rendered figures this view keeps (0: draw every repaint from the SVG)
        self.figure_cache_bytes = FIGURE_CACHE_BYTES
        self._placeholder_color = QColor("#7d848c")
        self._timer = QTimer(self)
        self._timer.setInterval(int(1000 / FPS))
        self._timer.timeout.connect(self._on_timer_timeout)
        self._minimised = False  # its window is (Qt sends a spontaneous hide event)
        self.setMinimumSize(24, 24)

    # ------------------------------------------------------------------ API
    def set_picture(self, ref: str | PictureRef | None, mirrored: bool = False) -> None:
        """Show ``ref``: a catalogue picture id, a file path, a resolved
        :class:`~hiptimer.pictures.PictureRef`, or None for nothing. ``mirrored`` draws
        it flipped left-right. Setting the same picture again keeps its state."""
        text = ref if isinstance(ref, str) or ref is None else ref.ref
        self.set_mirrored(mirrored)
        if text == self._text and (not isinstance(ref, PictureRef) or ref == self._ref):
            return
        self._text = text
        self._load(resolve_ref(ref) if isinstance(ref, str) else ref)
        self._sync_timer()
        self.update()

    def set_mirrored(self, on: bool) -> None:
        if on != self._mirrored:
            self._mirrored = on
            self.update()

    def set_progress(self, t: float | None, holds: bool = False) -> None:
        """Where the figure is in the current rep: ``t`` 0..1, None for the held pose.
        ``holds``: each rep is a hold (move in, stay, move back)."""
        self._progress = None if t is None else (t, holds)
        self._show_frame()

    def set_motion_source(self, source: MotionSource | None) -> None:
        """Poll ``source()`` -> (t, holds) or None at up to :data:`FPS` frames a second
        while playing, visible and not reduced; None stops it (the pose stays)."""
        self._source = source
        if source is None:
            self.set_progress(None)
        self._sync_timer()

    def set_breath_source(self, source: BreathSource | None) -> None:
        """During a breath hold: poll ``source()`` -> 0..1 (how full the breath is, from
        the engine) and let a pose picture swell gently with it; None stops it."""
        self._breath_source = source
        if source is None and self._breath:
            self._breath = 0
            self.update()
        self._sync_timer()

    def set_breath_ticked(self, on: bool) -> None:
        """``on``: the breath is sampled when :meth:`breath_tick` is called (the breath
        pacer's frames beside it: one wake-up and one repaint serve both) instead of on a
        timer of the view's own at :data:`BREATH_FPS`; off is the default."""
        if on != self._breath_ticked:
            self._breath_ticked = on
            self._sync_timer()

    def breath_tick(self) -> None:
        """Sample the breath now (see :meth:`set_breath_ticked`) and swell the pose if it
        moved a level; nothing while paused, reduced, unseen or without a breath."""
        if self._swells() and self._live():
            self._poll_breath()

    def set_playing(self, on: bool) -> None:
        """Movement runs only while playing (the session runs); paused holds the frame."""
        if on == self._playing:
            return
        self._playing = on
        self._sync_movie()
        self._sync_timer()

    def set_reduced_motion(self, on: bool) -> None:
        """The still pose and an animation's first frame, nothing moving."""
        if on == self._reduced_motion:
            return
        self._reduced_motion = on
        if on and self._breath:
            self._breath = 0
            self.update()
        self._sync_movie()
        self._sync_timer()
        self._show_frame()

    def set_covered(self, on: bool) -> None:
        """Something opaque lies over the picture (the blanked screen): nothing moves."""
        if on != self._covered:
            self._covered = on
            self._sync_movie()
            self._sync_timer()

    def set_placeholder_color(self, color: QColor | str) -> None:
        self._placeholder_color = QColor(color)
        self.update()

    # ------------------------------------------------------------ read back
    @property
    def picture(self) -> PictureRef | None:
        return self._ref

    @property
    def mirrored(self) -> bool:
        return self._mirrored

    @property
    def status(self) -> Status:
        """What is drawn: empty, pose, svg, image, movie or placeholder."""
        return self._status

    @property
    def problem(self) -> str:
        """Why the placeholder is shown ("" otherwise)."""
        return self._problem

    @property
    def frame(self) -> tuple[int, int, int]:
        """The figure's (key pose a, key pose b, blend step of :data:`STEPS`)."""
        return self._frame

    @property
    def animating(self) -> bool:
        """A frame timer or a movie is running."""
        movie = self._movie
        running = movie is not None and movie.state() == QMovie.MovieState.Running
        return self._timer.isActive() or running

    @property
    def movie(self) -> QMovie | None:
        return self._movie

    @property
    def key_poses(self) -> int:
        return len(self._keys)

    @property
    def cached_figures(self) -> tuple[int, int]:
        """How many rendered figures the view keeps, and their bytes."""
        return len(self._figures), self._figure_bytes

    def aspect(self) -> float:
        """Width / height of what is drawn (1 when nothing)."""
        size = self._natural_size()
        return size.width() / size.height() if size.height() > 0 else 1.0

    # ------------------------------------------------------------- loading
    def _clear(self) -> None:
        if self._movie is not None:
            self._movie.stop()
            self._movie.frameChanged.disconnect(self._on_movie_frame_changed)
            self._movie.deleteLater()
        self._movie = None
        self._keys = []
        self._box = None
        self._svg = None
        self._image = None
        self._scaled = None
        self._drop_figures()
        self._problem = ""
        self._frame = (0, 0, 0)

    def _fail(self, why: str) -> None:
        self._clear()
        self._status = "placeholder"
        self._problem = why
        self.setToolTip(f"No picture: {why}")

    def _load(self, ref: PictureRef | None) -> None:
        self._clear()
        self._ref = ref
        self.setToolTip("")
        if ref is None:
            self._status = "placeholder" if self._text else "empty"
            if self._text:
                self._fail(f"no picture {self._text!r}")
            return
        try:
            if ref.is_catalogue:
                self._load_pose(ref)
            else:
                self._load_file(ref.path)
        except Exception as e:  # a picture must never take the player down
            log.exception("picture %s", ref.ref)
            self._fail(f"{type(e).__name__}: {e}")

    def _load_pose(self, ref: PictureRef) -> None:
        keys: list[QSvgRenderer] = []
        for path in ref.poses:
            r = QSvgRenderer(str(path))
            if not r.isValid():
                self._fail(f"{path.name} is not a valid SVG")
                return
            keys.append(r)
        if not keys:
            self._fail(f"picture '{ref.ref}' has no poses")
            return
        self._keys = keys
        self._box = _content_box(keys)
        self._status = "pose"
        self._show_frame()

    def _load_file(self, path: Path) -> None:
        try:
            info = images.sniff(path, root=path.parent)  # confined, just before Qt opens it
        except images.ImageProblem as e:
            self._fail(f"{path.name} {e}")
            return
        if info.format == "svg":
            r = QSvgRenderer(str(path))
            if not r.isValid():
                self._fail(f"{path.name} is not an SVG Qt can draw")
                return
            self._svg = r
            self._status = "svg"
            return
        if info.animated and info.format in ("gif", "webp"):
            movie = QMovie(str(path), info.format.encode())
            if not movie.isValid():
                self._fail(f"{path.name}: {movie.lastErrorString() or 'cannot be played'}")
                movie.deleteLater()
                return
            movie.setCacheMode(QMovie.CacheMode.CacheNone)
            movie.frameChanged.connect(self._on_movie_frame_changed)
            self._movie = movie
            self._status = "movie"
            movie.jumpToFrame(0)
            self._sync_movie()
            return
        reader = QImageReader(str(path), info.format.encode())
        reader.setAllocationLimit(ALLOCATION_LIMIT_MB)
        reader.setAutoTransform(True)
        size = reader.size()
        if size.isValid() and size.width() * size.height() > images.MAX_IMAGE_PIXELS:
            self._fail(f"{path.name} is {size.width()}×{size.height()} pixels; too big")
            return
        image = reader.read()
        if image.isNull():
            self._fail(f"{path.name}: {reader.errorString() or 'cannot be decoded'}")
            return
        self._image = image
        self._status = "image"

    # ------------------------------------------------------------- motion
    def _animates(self) -> bool:
        """A moving exercise: its key poses follow the rep."""
        return self._source is not None and len(self._keys) > 1

    def _swells(self) -> bool:
        """A pose that swells with the breath."""
        return self._breath_source is not None and bool(self._keys)

    def _live(self) -> bool:
        """Movement may show: playing, not reduced, and seen."""
        return self._playing and not self._reduced_motion and self._seen()

    def _moving(self) -> bool:
        """The frame timer should run."""
        wanted = self._animates() or (self._swells() and not self._breath_ticked)
        return wanted and self._live()

    def _seen(self) -> bool:
        """Drawn on a screen: shown, its window neither hidden nor minimised, not covered."""
        return not self._covered and not self._minimised and self.isVisible()

    def _sync_timer(self) -> None:
        if self._moving():
            fps = FPS if self._animates() else BREATH_FPS
            if self._timer.interval() != int(1000 / fps):
                self._timer.setInterval(int(1000 / fps))
            if not self._timer.isActive():
                self._timer.start()
            self._on_timer_timeout()
            return
        if self._timer.isActive():
            self._timer.stop()
        if self._breath_ticked and self._swells():
            self._poll_breath()  # where the breath is now; breath_tick() follows it

    def _on_timer_timeout(self) -> None:
        source = self._source
        self._progress = source() if source is not None else None
        self._show_frame()
        self._poll_breath()

    def _poll_breath(self) -> None:
        breath = self._breath_source
        level = breath() if breath is not None and not self._reduced_motion else None
        swell = round((level or 0.0) * BREATH_LEVELS)
        if swell != self._breath:
            bigger = max(swell, self._breath)
            self._breath = swell
            if self._box is not None:  # the figure lies in its box: only that part changed
                self.update(self._figure_area(bigger))
            else:
                self.update()

    @property
    def breath_swell(self) -> float:
        """The scale the pose is drawn at for the breath (1 when still)."""
        return _swell(self._breath)

    def _show_frame(self) -> None:
        n = len(self._keys)
        frame = (0, 0, 0)
        if n > 1 and self._progress is not None and not self._reduced_motion:
            t, holds = self._progress
            a, b, blend = pose_blend(t, n, holds=holds)
            step = int(round(blend * STEPS))
            if step >= STEPS:
                a, step = b, 0
            frame = (a, b if step else a, step)
        if frame != self._frame:
            self._frame = frame
            self.update()

    def _sync_movie(self) -> None:
        movie = self._movie
        if movie is None:
            return
        if self._reduced_motion:
            movie.setPaused(False)
            movie.stop()
            movie.jumpToFrame(0)
        elif self._playing and self._seen():
            if movie.state() == QMovie.MovieState.Paused:
                movie.setPaused(False)
            elif movie.state() == QMovie.MovieState.NotRunning:
                movie.start()
        elif movie.state() == QMovie.MovieState.Running:
            movie.setPaused(True)

    def _on_movie_frame_changed(self, _n: int) -> None:
        self._scaled = None
        self.update()

    # -------------------------------------------------------------- events
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self._minimised = False
        self._sync_movie()
        self._sync_timer()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        super().hideEvent(event)
        # a minimised window's widgets get a spontaneous hide and stay isVisible()
        self._minimised = event.spontaneous()
        self._sync_timer()
        if self._movie is not None and self._movie.state() == QMovie.MovieState.Running:
            self._movie.setPaused(True)
        self._drop_figures()  # a hidden view holds no pixmaps; a shown one refills in a breath

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._scaled = None
        self._drop_figures()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        # the figures' colours are the SVGs' own, but a new theme or screen is a fresh start
        if event.type() in (
            QEvent.Type.PaletteChange,
            QEvent.Type.StyleChange,
            QEvent.Type.DevicePixelRatioChange,
        ):
            self._drop_figures()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(320, 240)

    # ------------------------------------------------------------- drawing
    def _natural_size(self) -> QSize:
        if self._box is not None:
            return self._box.size().toSize()
        if self._keys:
            return self._keys[0].defaultSize()
        if self._svg is not None:
            return self._svg.defaultSize()
        if self._movie is not None:
            return self._movie.currentImage().size()
        if self._image is not None:
            return self._image.size()
        return QSize(4, 3)

    def target_rect(self) -> QRectF:
        """Where the picture is drawn: centred, as large as fits, aspect kept."""
        area = QRectF(self.contentsRect())
        size = self._natural_size()
        if size.width() <= 0 or size.height() <= 0 or area.isEmpty():
            return area
        scale = min(area.width() / size.width(), area.height() / size.height())
        w, h = size.width() * scale, size.height() * scale
        return QRectF(area.center().x() - w / 2, area.center().y() - h / 2, w, h)

    def _current_renderer(self) -> QSvgRenderer | None:
        if self._svg is not None:
            return self._svg
        if not self._keys:
            return None
        a, b, step = self._frame
        if step == 0 or a == b:
            return self._keys[a]
        ref = self._ref
        frame = _figure_frame(ref.ref, a, b, step) if ref is not None else None
        if frame is not None:
            return frame
        return self._keys[b if step * 2 >= STEPS else a]  # no pose data: nearest key pose

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        if self._status == "empty":
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        if self._status == "placeholder":
            self._paint_placeholder(p)
            p.end()
            return
        r = self.target_rect()
        renderer = self._current_renderer()
        if renderer is not None:
            if self._box is not None and renderer.viewBoxF() != self._box:
                renderer.setViewBox(self._box)
            if not self._paint_cached_figure(p, renderer, r):
                p.setWorldTransform(self._figure_transform(r))
                renderer.render(p, r)
        else:
            p.setWorldTransform(self._figure_transform(r))
            pix = self._pixmap_for(r)
            if pix is not None:
                p.drawPixmap(r.toRect(), pix)
        p.end()

    def _figure_transform(self, r: QRectF, breath: int | None = None) -> QTransform:
        """Where the picture in ``r`` goes: flipped when mirrored, and a pose swollen by the
        breath (now, or at level ``breath``) from the floor up."""
        t = QTransform()
        if self._mirrored:
            t.translate(2 * r.center().x(), 0)
            t.scale(-1, 1)
        level = self._breath if breath is None else breath
        if level and self._keys:
            s = _swell(level)
            t.translate(r.center().x(), r.bottom())
            t.scale(s, s)
            t.translate(-r.center().x(), -r.bottom())
        return t

    def _figure_area(self, breath: int) -> QRect:
        """The pixels a pose covers at breath level ``breath`` (and at every lower one, as
        it swells from the floor up), with a margin for antialiasing."""
        r = self.target_rect()
        area = self._figure_transform(r, breath).mapRect(r).toAlignedRect()
        return area.adjusted(-2, -2, 2, 2).intersected(self.rect())

    def _paint_cached_figure(self, p: QPainter, renderer: QSvgRenderer, r: QRectF) -> bool:
        """Draw a still pose (a key pose, at the breath's swell) from the figure cache,
        rendering it into the cache first if it is new. False, having drawn nothing, for
        what is not cached: a blend frame, a user SVG, a painter that rotates, a figure
        too big for the budget.

        The pixmap is rendered in device pixels with the painter's own scale and sub-pixel
        offset, then blitted 1:1, so it shows exactly what rendering onto the screen would,
        but for rounding where antialiased edges of the figure overlap."""
        a, b, step = self._frame
        if not self._keys or self._svg is not None or (step and a != b):
            return False
        device = p.deviceTransform()  # the screen's pixel ratio and where this widget is
        scale = device.m11()
        tx = QTransform.TransformationType
        if device.type() not in (tx.TxNone, tx.TxTranslate, tx.TxScale):
            return False
        if not scale > 0 or scale != device.m22():
            return False
        fx, fy = math.floor(device.dx()), math.floor(device.dy())
        phase = (device.dx() - fx, device.dy() - fy)
        key: FigureKey = (
            self._frame,
            self._breath,
            self._mirrored,
            (r.x(), r.y(), r.width(), r.height()),
            (self.width(), self.height()),
            scale,
            phase,
        )
        found = self._figures.get(key)
        if found is None:
            # logical -> device pixels, less the whole pixels of where the widget is
            pixels = QTransform(scale, 0, 0, scale, phase[0], phase[1])
            found = self._render_figure(renderer, r, pixels)
            if found is None:
                return False
            self._figures[key] = found
            self._figure_bytes += _pixmap_bytes(found[0])
            while self._figure_bytes > self.figure_cache_bytes and self._figures:
                _, (old, _x, _y) = self._figures.popitem(last=False)
                self._figure_bytes -= _pixmap_bytes(old)
        else:
            self._figures.move_to_end(key)
        pix, x, y = found
        p.save()
        # one device pixel a pixmap pixel: undo the device scale, no resampling
        p.setWorldTransform(
            QTransform.fromScale(1 / scale, 1 / scale).translate(x - phase[0], y - phase[1])
        )
        p.drawPixmap(QPointF(0, 0), pix)
        p.restore()
        return True

    def _render_figure(
        self, renderer: QSvgRenderer, r: QRectF, pixels: QTransform
    ) -> tuple[QPixmap, int, int] | None:
        """The figure drawn into a transparent pixmap covering the device pixels it
        touches inside the widget, with the device x, y of its corner; None if it would not
        fit the budget with all its breath levels (drawing it directly is then cheaper than
        churning the cache)."""
        world = self._figure_transform(r)
        bounds = pixels.mapRect(world.mapRect(r)).intersected(pixels.mapRect(QRectF(self.rect())))
        if bounds.isEmpty():
            return None
        x, y = math.floor(bounds.left()), math.floor(bounds.top())
        w, h = math.ceil(bounds.right()) - x, math.ceil(bounds.bottom()) - y
        if w * h * 4 * (BREATH_LEVELS + 1) > self.figure_cache_bytes:
            return None
        pix = QPixmap(w, h)
        pix.fill(Qt.GlobalColor.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.setWorldTransform(world * pixels * QTransform.fromTranslate(-x, -y))
        renderer.render(p, r)
        p.end()
        return pix, x, y

    def _drop_figures(self) -> None:
        self._figures.clear()
        self._figure_bytes = 0

    def _pixmap_for(self, r: QRectF) -> QPixmap | None:
        """The raster picture scaled once to the target size (smooth), device pixels."""
        image = self._movie.currentImage() if self._movie is not None else self._image
        if image is None or image.isNull():
            return None
        dpr = self.devicePixelRatioF()
        want = QSize(max(1, round(r.width() * dpr)), max(1, round(r.height() * dpr)))
        if self._scaled is None or self._scaled.size() != want:
            scaled = image.scaled(
                want,
                Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            pix = QPixmap.fromImage(scaled)
            pix.setDevicePixelRatio(dpr)
            self._scaled = pix
        return self._scaled

    def _paint_placeholder(self, p: QPainter) -> None:
        """A framed picture sign with a stroke through it: neutral, readable as 'none'."""
        area = QRectF(self.contentsRect())
        side = min(area.width(), area.height() * 4 / 3) * 0.6
        r = QRectF(0, 0, side, side * 0.75)
        r.moveCenter(area.center())
        c = QColor(self._placeholder_color)
        pen = QPen(c, max(1.5, side / 40))
        pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRoundedRect(r, side / 16, side / 16)
        pen.setStyle(Qt.PenStyle.SolidLine)
        p.setPen(pen)
        inner = r.adjusted(side * 0.18, side * 0.16, -side * 0.18, -side * 0.16)
        hills = QPainterPath()
        hills.moveTo(inner.bottomLeft())
        hills.lineTo(
            QPointF(inner.left() + inner.width() * 0.35, inner.top() + inner.height() * 0.4)
        )
        hills.lineTo(
            QPointF(inner.left() + inner.width() * 0.55, inner.top() + inner.height() * 0.7)
        )
        hills.lineTo(
            QPointF(inner.left() + inner.width() * 0.72, inner.top() + inner.height() * 0.5)
        )
        hills.lineTo(inner.bottomRight())
        p.drawPath(hills)
        sun = inner.width() * 0.09
        p.drawEllipse(QPointF(inner.right() - sun * 1.5, inner.top() + sun * 1.5), sun, sun)
        p.drawLine(r.topRight(), r.bottomLeft())


def _swell(level: int) -> float:
    """The scale of a pose at breath level ``level`` (0..BREATH_LEVELS)."""
    return 1.0 + BREATH_SWELL * level / BREATH_LEVELS


def _pixmap_bytes(pix: QPixmap) -> int:
    return pix.width() * pix.height() * 4


_thumb_cache: OrderedDict[tuple[str, bool, int, int, float], QPixmap] = OrderedDict()


def thumbnail(
    ref: str | PictureRef, size: QSize, mirrored: bool = False, dpr: float = 1.0
) -> QPixmap:
    """A still of the picture ``ref`` fitted into ``size`` (transparent around it):
    the held pose, a movie's first frame, or the placeholder for a broken file. Cached."""
    text = ref if isinstance(ref, str) else ref.ref
    key = (text, mirrored, size.width(), size.height(), dpr)
    found = _thumb_cache.get(key)
    if found is not None:
        _thumb_cache.move_to_end(key)
        return found
    view = PictureView()
    view.set_reduced_motion(True)
    view.resize(size)
    view.set_picture(ref, mirrored)
    pix = QPixmap(QSize(max(1, round(size.width() * dpr)), max(1, round(size.height() * dpr))))
    pix.setDevicePixelRatio(dpr)
    pix.fill(Qt.GlobalColor.transparent)
    view.render(pix, QPoint(), QRegion(), QWidget.RenderFlag.DrawChildren)
    view.deleteLater()
    _thumb_cache[key] = pix
    while len(_thumb_cache) > 200:
        _thumb_cache.popitem(last=False)
    return pix
