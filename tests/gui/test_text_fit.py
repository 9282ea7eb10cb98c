"""Text sized for the room: at 1366×768 and 1920×1080 no text of the player, the
projector view or the presenter view is cut, clipped or on top of another, for every
step of every bundled routine and of a routine with very long names and texts.

"Fits" is measured the way Qt draws it: each label's text, at the label's font, by
QFontMetricsF, inside the label's contents rectangle (word-wrapped where it wraps);
and every label inside its view.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from hiptimer import loader
from hiptimer.clock import FakeClock
from hiptimer.engine import Session
from hiptimer.plan import compile_plan
from hiptimer.qt.controller import SessionController
from hiptimer.qt.player import PlayerWidget
from hiptimer.qt.presenter import PresenterWidget
from hiptimer.resources import routines_dir
from hiptimer.routine import Routine

LONG = """\
name: A routine whose every text is as long as a trainer might write it
defaults: {prep: 5, rest: 10, set_rest: 20, switch: 5, countdown: 3}
exercises:
  - name: Half-kneeling hip flexor stretch with overhead reach and side bend
    how: >-
      Kneel on the right knee with the left foot forward, tuck the pelvis under, squeeze
      the right glute, reach the right arm overhead and lean gently to the left while the
      ribs stay down and the front knee tracks over the middle toes, breathing slowly.
    note: >-
      Stop at once if the kneeling knee hurts; put a folded towel under it, or stand
      in a split stance instead and keep the same reach.
    coach: >-
      Watch for arched lower backs; cue "zip the front of the hips up"; offer the wall
      for balance to anyone who wobbles, and the standing option to the knees that complain.
    hold: 1 min 30 s
    sides: each
    sets: 3
  - name: Alternating reverse lunge with rotation toward the front leg
    how: Step back, lower the knee, rotate toward the front leg, return and switch.
    reps: 10
    tempo: 3s
    sides: alternate
    sets: 2
  - name: Supported deep squat breathing with heels elevated on a wedge
    how: Sit deep between the knees holding a post, breathe into the back of the ribs.
    hold: 8-10 breaths
  - name: Self-paced glute bridge march with a two-second pause at the top
    reps: 12
    sets: 3
    sides: each
"""


def _routines() -> list[Routine]:
    out = [loader.load_routine(p) for p in sorted(routines_dir().glob("*.yaml"))]
    out.append(loader.load_routine_text(LONG, "long.yaml"))
    return out


def _label_problems(root: QWidget) -> list[str]:
    """Every visible label whose text does not fit its box or whose box leaves ``root``;
    and every two visible labels (not overlays) whose boxes overlap."""
    problems: list[str] = []
    boxes: list[tuple[QRect, QLabel]] = []
    bounds = root.rect()
    for lbl in root.findChildren(QLabel):
        if not lbl.isVisibleTo(root) or not lbl.text() or lbl.width() <= 0:
            continue
        r = lbl.contentsRect()
        fm = QFontMetricsF(lbl.font())
        text = lbl.text()
        if lbl.wordWrap():
            br = fm.boundingRect(QRectF(0, 0, r.width(), 1e6), int(Qt.TextFlag.TextWordWrap), text)
            w, h = br.width(), br.height()
        else:
            w, h = fm.horizontalAdvance(text), fm.height()
        if w > r.width() + 1 or h > r.height() + 1:
            problems.append(
                f"cut: {text!r} needs {w:.0f}×{h:.0f}, has {r.width()}×{r.height()}"
                f" ({lbl.font().pixelSize()} px)"
            )
        box = QRect(lbl.mapTo(root, lbl.rect().topLeft()), lbl.size())
        if not bounds.contains(box):
            problems.append(f"outside the view: {text!r} at {box}")
        if not lbl.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents):
            for other_box, other in boxes:
                if other_box.intersects(box) and lbl.parent() is other.parent():
                    problems.append(f"overlap: {text!r} and {other.text()!r}")
            boxes.append((box, lbl))
    return problems


def _walk(session: Session, controller: SessionController, clock: FakeClock) -> Iterator[str]:
    """Every step of the session, 1.5 s in (and the end); yields where it is."""
    controller.start()
    while session.step is not None:
        clock.advance(1.5)
        controller.poll()
        yield f"step {session.index} {session.step.kind if session.step else 'end'}"
        controller.next()
    yield "finished"


@pytest.mark.parametrize(
    ("size", "presenting", "larger"),
    [
        ((1366, 768), True, False),  # the class's view, fullscreen on each screen
        ((1920, 1080), True, False),
        ((1100, 650), False, False),  # in the default window on a 1366x768 laptop
        ((1100, 650), False, True),  # ... with View > Larger text
        ((1920, 1000), False, False),
    ],
    ids=[
        "projector-1366x768",
        "projector-1920x1080",
        "window-1100x650",
        "window-1100x650-larger-text",
        "window-1920x1000",
    ],
)
def test_player_texts_fit_every_step(
    qtbot: QtBot, size: tuple[int, int], presenting: bool, larger: bool
) -> None:
    problems: list[str] = []
    for routine in _routines():
        clock = FakeClock()
        session = Session(compile_plan(routine), clock)
        controller = SessionController(session)
        player = PlayerWidget(controller)
        qtbot.addWidget(player)
        player.set_presenting(presenting)
        player.set_larger_text(larger)
        player.resize(*size)
        player.show()
        for where in _walk(session, controller, clock):
            QApplication.processEvents()
            problems += [f"{routine.name}, {where}: {p}" for p in _label_problems(player)]
        player.close()
    assert problems == [], "\n".join(problems[:20])


@pytest.mark.parametrize(
    ("size", "larger"),
    [((1100, 660), False), ((1100, 660), True), ((1920, 1000), False)],
    ids=["1100x660", "1100x660-larger-text", "1920x1000"],
)
def test_presenter_texts_fit_every_step(qtbot: QtBot, size: tuple[int, int], larger: bool) -> None:
    problems: list[str] = []
    for routine in _routines():
        clock = FakeClock()
        session = Session(compile_plan(routine), clock)
        controller = SessionController(session)
        view = PresenterWidget(controller)
        qtbot.addWidget(view)
        view.set_larger_text(larger)
        view.set_mirrored(True)
        view.resize(*size)
        view.show()
        for where in _walk(session, controller, clock):
            QApplication.processEvents()
            problems += [f"{routine.name}, {where}: {p}" for p in _label_problems(view)]
        view.close()
    assert problems == [], "\n".join(problems[:20])


def test_the_presenter_shows_the_long_coach_note_whole(qtbot: QtBot) -> None:
    routine = loader.load_routine_text(LONG, Path("long.yaml"))
    clock = FakeClock()
    session = Session(compile_plan(routine), clock)
    controller = SessionController(session)
    view = PresenterWidget(controller)
    qtbot.addWidget(view)
    view.resize(1100, 660)
    view.show()
    controller.start()
    assert view.coach.isVisible()
    assert view.coach.text().startswith("Coach: Watch for arched lower backs")
    assert view.coach.font().pixelSize() >= 12  # readable on a laptop, not shrunk to dust
