"""PictureView, offscreen: poses, user images, mirroring, motion from the engine, placeholders."""

from __future__ import annotations

from pathlib import Path

import imagefiles
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap, QRegion
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QWidget

from hiptimer import pictures
from hiptimer.clock import FakeClock
from hiptimer.engine import Session
from hiptimer.plan import compile_plan
from hiptimer.qt import picture as picture_module
from hiptimer.qt.picture import BREATH_LEVELS, BREATH_SWELL, STEPS, PictureView
from hiptimer.routine import Dose, Exercise, Routine, Timings

BG = QColor(0, 0, 0, 0).rgba()

# Two key poses of a "figure": a bar down on the left, then up on the right.
POSE_0 = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300" viewBox="0 0 400 300">'
    '<rect x="20" y="200" width="120" height="80" fill="#2f80e0"/></svg>'
)
POSE_1 = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300" viewBox="0 0 400 300">'
    '<rect x="260" y="20" width="120" height="80" fill="#2f80e0"/></svg>'
)


def shown(view: PictureView) -> QImage:
    """What the widget paints, with a transparent background (0 where nothing is drawn)."""
    img = QImage(view.size(), QImage.Format.Format_ARGB32)
    img.fill(0)
    view.render(img, QPoint(), QRegion(), QWidget.RenderFlag.DrawChildren)
    return img


def painted(img: QImage) -> int:
    return sum(
        1
        for y in range(0, img.height(), 4)
        for x in range(0, img.width(), 4)
        if img.pixel(x, y) != BG
    )


def make_view(qtbot, size: tuple[int, int] = (400, 300)) -> PictureView:  # type: ignore[no-untyped-def]
    v = PictureView()
    qtbot.addWidget(v)
    v.resize(*size)
    v.show()
    qtbot.waitExposed(v)
    return v


@pytest.fixture
def pics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A catalogue pictures folder with a two-pose picture 'bar' and a still 'dot'."""
    d = tmp_path / "pictures"
    d.mkdir()
    (d / "bar.svg").write_text(POSE_0)
    (d / "bar.1.svg").write_text(POSE_1)
    (d / "dot.svg").write_text(POSE_0)
    (d / "index.json").write_text('[{"id": "bar", "mirror": true}, {"id": "dot", "mirror": false}]')
    monkeypatch.setattr(pictures, "pictures_dir", lambda: d)
    return d


def test_catalogue_pose_draws_non_empty_pixels(qtbot, pics: Path) -> None:  # type: ignore[no-untyped-def]
    v = make_view(qtbot)
    v.set_picture("bar")
    assert v.status == "pose" and v.key_poses == 2
    img = shown(v)
    assert painted(img) > 50
    assert img.pixelColor(60, 240).name() == "#2f80e0"  # the low bar, bottom left
    assert v.picture is not None and v.picture.mirror is True
    v.set_picture("dot")
    assert v.picture is not None and v.picture.mirror is False, "index.json's mirror flag"


def test_aspect_is_kept_and_scaled_to_the_widget(qtbot, pics: Path) -> None:  # type: ignore[no-untyped-def]
    v = make_view(qtbot, (800, 300))
    v.set_picture("bar")
    # the two key poses use (20, 20)-(380, 280) of the 400×300 canvas: that, plus a
    # margin of 5 % of its width on every side
    assert v.aspect() == pytest.approx((360 + 36) / (260 + 36), rel=0.02)
    r = v.target_rect()
    assert r.height() == pytest.approx(300)
    assert r.width() / r.height() == pytest.approx(v.aspect())
    assert r.center().x() == pytest.approx(400)
    v.resize(1600, 1200)
    r = v.target_rect()
    assert r.width() == pytest.approx(1600)
    assert r.width() / r.height() == pytest.approx(v.aspect())


def test_a_pose_fills_the_view_whatever_its_canvas(qtbot, pics: Path) -> None:  # type: ignore[no-untyped-def]
    """'dot' draws only a 120×80 block low on its canvas; the view shows that block large."""
    v = make_view(qtbot, (400, 300))
    v.set_picture("dot")
    img = shown(v)
    blue = [
        (x, y)
        for y in range(0, 300, 5)
        for x in range(0, 400, 5)
        if img.pixelColor(x, y).name() == "#2f80e0"
    ]
    xs = [x for x, _ in blue]
    assert max(xs) - min(xs) > 300, "the block spans most of the width"


@pytest.mark.parametrize(
    ("name", "data"),
    [("halves.png", imagefiles.png_halves(40, 30)), ("halves.svg", imagefiles.SVG.encode())],
)
def test_mirrored_output_is_the_mirror_image(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, name: str, data: bytes
) -> None:
    f = tmp_path / name
    f.write_bytes(data)
    v = make_view(qtbot, (400, 300))
    v.set_picture(str(f))
    assert v.status in ("image", "svg")
    plain = shown(v)
    v.set_picture(str(f), mirrored=True)
    assert v.mirrored
    flipped = shown(v)
    assert painted(plain) > 100
    assert flipped == plain.flipped(Qt.Orientation.Horizontal)
    assert flipped != plain
    mid_y = plain.height() // 2
    assert plain.pixelColor(60, mid_y).red() > 200  # red on the left
    assert flipped.pixelColor(60, mid_y).blue() > 200  # blue on the left once flipped


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("missing.png", None),
        ("broken.png", imagefiles.png()[:40]),
        ("text.png", b"hello"),
        ("huge.png", imagefiles.png_header_only(9000, 9000)),
        ("bad.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><g></svg>"),
    ],
)
def test_placeholder_for_a_missing_or_broken_file(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, name: str, data: bytes | None
) -> None:
    f = tmp_path / name
    if data is not None:
        f.write_bytes(data)
    v = make_view(qtbot)
    v.set_picture(str(f))
    assert v.status == "placeholder"
    assert v.problem
    assert painted(shown(v)) > 10, "a placeholder is drawn, not nothing"
    v.set_picture(None)
    assert v.status == "empty" and painted(shown(v)) == 0


def test_unknown_catalogue_picture_is_a_placeholder(qtbot, pics: Path) -> None:  # type: ignore[no-untyped-def]
    v = make_view(qtbot)
    v.set_picture("no-such-picture")
    assert v.status == "placeholder" and "no-such-picture" in v.problem


def test_animated_gif_advances_and_pauses(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "anim.gif"
    f.write_bytes(imagefiles.gif([0, 1, 2], 16, 16, delay_cs=3))
    v = make_view(qtbot, (160, 160))
    v.set_picture(str(f))
    assert v.status == "movie"
    movie = v.movie
    assert movie is not None and movie.frameCount() == 3
    colours: set[str] = set()

    def two_colours_seen() -> bool:
        colours.add(shown(v).pixelColor(80, 80).name())
        return len(colours) >= 2

    qtbot.waitUntil(two_colours_seen, timeout=3000)
    assert colours <= {"#ff0000", "#00ff00", "#0000ff"}
    v.set_playing(False)
    frame = movie.currentFrameNumber()
    qtbot.wait(150)
    assert movie.currentFrameNumber() == frame, "held while the session is paused"


def test_reduced_motion_is_still(qtbot, tmp_path: Path, pics: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "anim.gif"
    f.write_bytes(imagefiles.gif([0, 1, 2], 16, 16, delay_cs=3))
    v = make_view(qtbot, (160, 160))
    v.set_reduced_motion(True)
    v.set_picture(str(f))
    movie = v.movie
    assert movie is not None
    qtbot.wait(200)
    assert movie.currentFrameNumber() == 0 and not v.animating
    assert shown(v).pixelColor(80, 80).name() == "#ff0000"  # the first frame
    v.set_picture("bar")
    v.set_motion_source(lambda: (0.5, False))
    assert not v.animating
    assert v.frame == (0, 0, 0)
    still = shown(v)
    v.set_progress(0.25)
    assert v.frame == (0, 0, 0) and shown(v) == still
    v.set_reduced_motion(False)
    assert v.animating and v.frame != (0, 0, 0), "motion resumes when allowed"


def _tempo_session(tempo: float = 4.0) -> tuple[Session, FakeClock]:
    t = Timings(prep=0.0, rest=0.0)
    ex = Exercise(
        name="Bar lifts",
        dose=Dose("reps", 3, 3, "3", tempo),
        timings=t,
        picture="bar",
    )
    clock = FakeClock()
    s = Session(compile_plan(Routine(name="R", exercises=(ex,), defaults=t)), clock)
    s.start()
    return s, clock


def test_timed_reps_move_with_the_engine_clock(qtbot, pics: Path) -> None:  # type: ignore[no-untyped-def]
    """The figure's pose follows the engine's rep progress (FakeClock), not the timer."""
    s, clock = _tempo_session(4.0)
    v = make_view(qtbot)
    v.set_picture("bar")
    v.set_motion_source(lambda: pictures.rep_progress(s))
    assert v.animating
    t0 = clock.now()
    # 4 s a rep, two key poses: down at 0, halfway up at 1 s, up at 2 s, halfway down at
    # 3 s, down again as the next rep starts, up again in its middle
    expected = {
        0.0: (0, 0, 0),
        1.0: (0, 1, STEPS // 2),
        2.0: (1, 1, 0),
        3.0: (1, 0, STEPS // 2),
        4.0: (0, 0, 0),
        6.0: (1, 1, 0),
    }
    for at, frame in expected.items():
        clock.advance(t0 + at - clock.now())
        s.tick()
        # the view's own frame timer picks the engine's position up
        qtbot.waitUntil(lambda frame=frame: v.frame == frame, timeout=3000)
    # paused: the engine's instant is frozen, so the figure stays though the timer runs
    s.pause()
    clock.advance(1.0)  # would be (1, 0, STEPS // 2) if the session ran
    qtbot.wait(200)
    assert v.animating and v.frame == (1, 1, 0)
    v.set_playing(False)  # what the player does when paused: no wake-ups at all
    assert not v.animating
    frames = {f: shown_frame(v, f) for f in ((0, 0, 0), (1, 1, 0))}
    assert frames[(0, 0, 0)] != frames[(1, 1, 0)]


def shown_frame(v: PictureView, frame: tuple[int, int, int]) -> QImage:
    v._frame = frame  # noqa: SLF001 - look at one frame
    return shown(v)


def test_progress_none_is_the_held_pose(qtbot, pics: Path) -> None:  # type: ignore[no-untyped-def]
    v = make_view(qtbot)
    v.set_picture("bar")
    v.set_progress(0.5)
    assert v.frame == (1, 1, 0)
    v.set_progress(None)
    assert v.frame == (0, 0, 0)
    v.set_progress(0.5, holds=True)
    assert v.frame == (1, 1, 0), "a rep that holds stays in the last key pose mid-rep"


def test_real_jpeg_and_webp_written_by_qt_show(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    img = QImage(64, 48, QImage.Format.Format_RGB32)
    img.fill(QColor("#20a040"))
    for fmt in ("jpg", "webp"):
        f = tmp_path / f"a.{fmt}"
        assert img.save(str(f)), fmt
        v = make_view(qtbot, (128, 96))
        v.set_picture(str(f))
        assert v.status == "image", (fmt, v.problem)
        c = shown(v).pixelColor(64, 48)
        assert abs(c.green() - 0xA0) < 12 and c.red() < 60, (fmt, c.name())
    QApplication.processEvents()


def test_a_breath_hold_swells_gently_with_the_engine_breath(qtbot, pics: Path) -> None:  # type: ignore[no-untyped-def]
    t = Timings(prep=0.0, rest=0.0, breath=4.0)
    ex = Exercise(name="Rest", dose=Dose("breaths", 3, 3, "3 breaths"), timings=t, picture="dot")
    clock = FakeClock()
    s = Session(compile_plan(Routine(name="R", exercises=(ex,), defaults=t)), clock)
    s.start()
    t0 = clock.now()
    v = make_view(qtbot)
    v.set_picture("dot")
    v.set_breath_source(lambda: pictures.breath_level(s))
    assert v.animating
    full = 1.025
    for at, low, high in ((0.0, 1.0, 1.0), (1.0, 1.001, 1.024), (2.0, full, full)):
        clock.advance(t0 + at - clock.now())  # in (2 s), out (2 s), in again
        s.tick()
        qtbot.waitUntil(
            lambda low=low, high=high: low - 1e-9 <= v.breath_swell <= high + 1e-9,
            timeout=3000,
        )
    for at, low, high in ((3.0, 1.001, 1.024), (4.0, 1.0, 1.0)):
        clock.advance(t0 + at - clock.now())
        s.tick()
        qtbot.waitUntil(
            lambda low=low, high=high: low - 1e-9 <= v.breath_swell <= high + 1e-9,
            timeout=3000,
        )
    clock.advance(1.0)
    s.tick()
    qtbot.waitUntil(lambda: v.breath_swell > 1.0, timeout=3000)
    big = shown(v)
    v.set_reduced_motion(True)
    assert v.breath_swell == 1.0 and not v.animating
    assert shown(v) != big


def test_breath_level_rises_with_each_inhale() -> None:
    t = Timings(prep=0.0, rest=0.0, breath=4.0)
    ex = Exercise(name="Rest", dose=Dose("breaths", 2, 2, "2 breaths"), timings=t)
    clock = FakeClock()
    s = Session(compile_plan(Routine(name="R", exercises=(ex,), defaults=t)), clock)
    assert pictures.breath_level(s) is None  # not started
    s.start()
    t0 = clock.now()
    levels = []
    for at in (0.0, 0.5, 1.0, 2.0, 3.0, 3.99):
        clock.advance(t0 + at - clock.now())
        levels.append(round(pictures.breath_level(s) or 0.0, 3))
    # in over 2 s (eased: 0.146 a quarter in), full at the turn, out over 2 s
    assert levels == [0.0, 0.146, 0.5, 1.0, 0.5, 0.0]


# --- the figure cache: a still pose is rasterised once per swell level, size and side ---


class CountingRenderer(QSvgRenderer):
    """QSvgRenderer counting its render() calls (the rasterisations the cache saves)."""

    calls = 0

    def render(self, *args: object) -> None:  # type: ignore[override]
        CountingRenderer.calls += 1
        super().render(*args)  # type: ignore[arg-type]


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> type[CountingRenderer]:
    monkeypatch.setattr(picture_module, "QSvgRenderer", CountingRenderer)
    picture_module._frame_cache.clear()  # noqa: SLF001 - blend frames built afresh, counted
    CountingRenderer.calls = 0
    return CountingRenderer


def breathe(v: PictureView, level: int) -> None:
    """Swell the pose to ``level`` of BREATH_LEVELS now (setting a source polls it once)."""
    v.set_breath_source(lambda: level / BREATH_LEVELS)
    assert v.breath_swell == 1.0 + BREATH_SWELL * level / BREATH_LEVELS


def grabbed(v: PictureView) -> QImage:
    return v.grab().toImage().convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)


def difference(a: QImage, b: QImage) -> tuple[int, int]:
    """(largest difference of a colour channel, colour channels differing by more than 1)
    of two opaque images of one size, from Qt's Difference composition (|a - b|)."""
    assert a.size() == b.size()
    d = a.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
    p = QPainter(d)
    p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Difference)
    p.drawImage(0, 0, b.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied))
    p.end()
    data = bytes(d.constBits())
    colours = [data[i::4] for i in range(3)]  # B, G, R of each pixel; alpha stays 255
    largest = max(max(c) for c in colours)
    over_1 = sum(len(c) - c.count(0) - c.count(1) for c in colours)
    return largest, over_1


def on_background(v: PictureView, colour: str, dpr: float) -> QImage:
    """The view drawn over an opaque colour into a pixmap of pixel ratio ``dpr``, where the
    painter scales and, at 1.5, starts between device pixels."""
    pix = QPixmap(round(v.width() * dpr) + 3, round(v.height() * dpr) + 3)
    pix.setDevicePixelRatio(dpr)
    pix.fill(QColor(colour))
    v.render(pix, QPoint(1, 1), QRegion(), QWidget.RenderFlag.DrawChildren)
    return pix.toImage()


@pytest.mark.parametrize("size", [(400, 300), (517, 411)])
def test_a_cached_figure_looks_like_the_svg_drawn_directly(qtbot, renders, size) -> None:  # type: ignore[no-untyped-def]
    """The pixmap path against drawing the SVG at each repaint (what the view did before):
    catalogue poses, breath levels, both sides, 1x and scaled painters. Only antialiased
    edges may round differently (measured: at most 4 of 255, mostly 1)."""
    direct, cached = make_view(qtbot, size), make_view(qtbot, size)
    direct.figure_cache_bytes = 0  # every repaint renders the SVG, as before the cache
    worst, most = 0, 0.0
    for ref in ("childs-pose", "bird-dog"):
        for mirrored in (False, True):
            for view in (direct, cached):
                view.set_picture(ref, mirrored)
            for level in (0, 5, BREATH_LEVELS):
                for view in (direct, cached):
                    breathe(view, level)
                shots: list[tuple[QImage, QImage]] = [(grabbed(direct), grabbed(cached))]
                for colour, dpr in (("#1d2026", 1.0), ("#f4f1ea", 2.0), ("#f4f1ea", 1.5)):
                    shots.append(
                        (on_background(direct, colour, dpr), on_background(cached, colour, dpr))
                    )
                before = renders.calls
                again = grabbed(cached)  # from the cache: no SVG drawn, the same pixels
                assert renders.calls == before and again == shots[0][1]
                for old, new in shots:
                    largest, over_1 = difference(old, new)
                    worst = max(worst, largest)
                    assert largest <= 4, (ref, mirrored, level, largest)
                    assert over_1 <= old.width() * old.height() // 500, (ref, level, over_1)
                    most = max(most, over_1 / (old.width() * old.height()))
    assert cached.cached_figures[0] > 0 and direct.cached_figures == (0, 0)
    print(f"largest channel difference at {size}: {worst}; channels > 1 off: {most:.3%}")


def test_a_repaint_at_a_seen_swell_level_renders_no_svg(qtbot, renders) -> None:  # type: ignore[no-untyped-def]
    v = make_view(qtbot, (400, 300))
    v.set_picture("childs-pose")
    first = []
    for level in range(BREATH_LEVELS + 1):
        breathe(v, level)
        before = renders.calls
        first.append(grabbed(v))
        assert renders.calls == before + 1, "a level not seen yet is rendered once"
    before = renders.calls
    for level in reversed(range(BREATH_LEVELS + 1)):  # the breath out: all levels seen
        breathe(v, level)
        assert grabbed(v) == first[level]
    assert renders.calls == before, "repaints at seen levels draw only pixmaps"
    assert v.cached_figures[0] == BREATH_LEVELS + 1

    v.set_mirrored(True)  # the other side is another drawing
    grabbed(v)
    assert renders.calls == before + 1
    v.set_mirrored(False)
    grabbed(v)
    assert renders.calls == before + 1

    v.resize(420, 300)  # a new size: drawn afresh, the old pixmaps dropped
    assert v.cached_figures == (0, 0)
    grabbed(v)
    assert renders.calls == before + 2
    grabbed(v)
    assert renders.calls == before + 2

    v.set_picture("bird-dog")  # a new picture: drawn afresh
    assert v.cached_figures == (0, 0)
    before = renders.calls
    grabbed(v)
    grabbed(v)
    assert renders.calls == before + 1


def test_blend_frames_of_a_moving_figure_are_drawn_each_time(qtbot, renders) -> None:  # type: ignore[no-untyped-def]
    v = make_view(qtbot, (400, 300))
    v.set_picture("glute-bridge")
    assert v.key_poses > 1
    v.set_progress(0.2)
    a, b, step = v.frame
    assert step and a != b, "between key poses"
    grabbed(v)
    before = renders.calls
    moving = grabbed(v)
    assert renders.calls == before + 1  # not cached: a rep's frames would churn the budget
    v.set_progress(None)
    assert grabbed(v) != moving


def test_the_figure_cache_keeps_to_its_byte_budget(qtbot, renders) -> None:  # type: ignore[no-untyped-def]
    v = make_view(qtbot, (400, 300))
    v.set_picture("childs-pose")
    grabbed(v)
    n, one = v.cached_figures
    assert n == 1 and one > 0
    # room for every breath level of one side, not both
    v.figure_cache_bytes = one * (BREATH_LEVELS + 1) + one // 2
    for mirrored in (False, True):
        v.set_mirrored(mirrored)
        for level in range(BREATH_LEVELS + 1):
            breathe(v, level)
            grabbed(v)
            count, used = v.cached_figures
            assert used <= v.figure_cache_bytes and count <= BREATH_LEVELS + 1
    assert v.cached_figures[0] == BREATH_LEVELS + 1
    before = renders.calls
    grabbed(v)  # the latest is kept (least recently used goes first)
    assert renders.calls == before
    v.set_mirrored(False)
    breathe(v, 0)
    grabbed(v)  # the oldest went
    assert renders.calls == before + 1

    v.resize(300, 240)
    v.figure_cache_bytes = one  # too small for all the levels: drawn from the SVG, none kept
    before = renders.calls
    for level in (0, 1, 0, 1):
        breathe(v, level)
        assert painted(grabbed(v)) > 0
    assert renders.calls == before + 4 and v.cached_figures == (0, 0)


def test_a_swell_step_repaints_only_the_figure_and_leaves_the_window_right(  # type: ignore[no-untyped-def]
    qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    v = make_view(qtbot, (400, 300))
    v.set_picture("childs-pose")  # a lying figure: a wide strip of the view
    asked: list[tuple[object, ...]] = []
    update = v.update
    monkeypatch.setattr(v, "update", lambda *a: (asked.append(a), update(*a))[1])

    def on_screen() -> QImage:  # what the window holds after its (partial) repaints
        return v.screen().grabWindow(v.winId()).toImage()

    def repainted() -> QImage:  # the whole view painted afresh, in the window's format
        return v.grab().toImage().convertToFormat(on_screen().format())

    for mirrored in (False, True):
        v.set_mirrored(mirrored)
        qtbot.waitUntil(lambda: on_screen() == repainted(), timeout=2000)
        for level in (BREATH_LEVELS, 5, 0, 7, 8, 2):
            before = on_screen()
            asked.clear()
            breathe(v, level)
            (area,) = asked[-1]
            assert isinstance(area, QRect) and v.rect().contains(area)
            assert area.height() < v.height() * 0.6, "a swell step repaints the figure's strip"
            qtbot.waitUntil(lambda before=before: on_screen() != before, timeout=2000)
            assert on_screen() == repainted(), (mirrored, level)


def test_a_ticked_view_swells_on_its_ticks_with_no_timer_of_its_own(qtbot, pics: Path) -> None:  # type: ignore[no-untyped-def]
    """Beside the breath pacer the pose samples the breath on the pacer's frames (one
    wake-up for both): no timer of its own, the level read at each tick, and nothing
    while paused or reduced."""
    level = [0.0]
    v = make_view(qtbot)
    v.set_picture("dot")
    v.set_breath_ticked(True)
    v.set_breath_source(lambda: level[0])
    assert not v.animating, "a ticked view runs no timer of its own"
    assert v.breath_swell == 1.0
    level[0] = 0.5
    v.breath_tick()
    assert v.breath_swell == pytest.approx(1.0 + BREATH_SWELL / 2)
    v.set_playing(False)  # paused: the pose holds
    level[0] = 1.0
    v.breath_tick()
    assert v.breath_swell == pytest.approx(1.0 + BREATH_SWELL / 2) and not v.animating
    v.set_playing(True)
    v.breath_tick()
    assert v.breath_swell == pytest.approx(1.0 + BREATH_SWELL)
    v.set_reduced_motion(True)
    v.breath_tick()
    assert v.breath_swell == 1.0
    v.set_reduced_motion(False)
    v.set_breath_ticked(False)  # on its own again: its timer polls the breath
    assert v.animating
