"""SessionController: one single-shot PreciseTimer aimed at the engine's next wake-up."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from PySide6.QtCore import Qt

from hiptimer.clock import FakeClock
from hiptimer.engine import Session
from hiptimer.events import Event, StepStarted
from hiptimer.plan import compile_plan
from hiptimer.qt.controller import SessionController
from hiptimer.routine import Dose, Exercise, Routine, Timings

T = Timings(prep=5, rest=10, set_rest=30, switch=5, breath=4, countdown=3)


def hold(name: str, seconds: float, **kw: object) -> Exercise:
    return Exercise(name, Dose("hold", seconds, seconds, f"{seconds:g}s"), T, **kw)  # type: ignore[arg-type]


def self_paced(name: str, reps: int) -> Exercise:
    return Exercise(name, Dose("reps", reps, reps, f"{reps} reps"), T)


def make(exercises: Sequence[Exercise], speed: float = 1.0) -> tuple[Session, FakeClock]:
    clock = FakeClock(speed=speed)
    return Session(compile_plan(Routine("R", tuple(exercises))), clock), clock


def test_timer_is_single_shot_precise_and_aimed_at_next_wakeup(qtbot: object) -> None:
    session, clock = make([hold("A", 30)])
    c = SessionController(session)
    assert not c.timer.isActive()  # nothing wakes up before Start
    c.start()
    t = c.timer
    assert t.isSingleShot()
    assert t.timerType() == Qt.TimerType.PreciseTimer
    assert t.isActive()
    wake = session.next_wakeup()
    assert wake is not None
    assert c.wakeup_target == wake
    assert t.interval() == round((wake - clock.now()) * 1000) == 1000  # prep 5 -> 4
    clock.advance(0.25)
    c.poll()
    assert t.interval() == 750  # re-aimed at the same instant, not a fixed period
    clock.advance(0.75)
    c.poll()
    assert t.interval() == 1000


def test_interval_is_real_milliseconds_at_speed(qtbot: object) -> None:
    session, clock = make([hold("A", 30)], speed=10.0)
    c = SessionController(session)
    c.start()
    assert c.timer.interval() == 100  # 1 engine second at 10x
    clock.advance(0.5)  # engine seconds
    c.poll()
    assert c.timer.interval() == 50


def test_no_timer_while_paused_or_waiting_for_self_paced_set(qtbot: object) -> None:
    session, clock = make([self_paced("Squats", 8), hold("B", 20)])
    c = SessionController(session)
    c.start()
    assert c.timer.isActive()
    c.toggle()
    assert session.state == "paused"
    assert not c.timer.isActive()
    c.toggle()
    assert c.timer.isActive()
    clock.advance(5.0)  # prep ends: the self-paced set waits for Next
    c.poll()
    assert session.step is not None and session.step.duration_s is None
    assert not c.timer.isActive()
    c.next()
    assert c.timer.isActive()


def test_listeners_get_events_before_signals(qtbot: object) -> None:
    session, clock = make([hold("A", 10)])
    c = SessionController(session)
    order: list[str] = []
    batches: list[list[Event]] = []
    c.add_listener(lambda ev: (order.append("listener"), batches.append(ev)))
    c.events_emitted.connect(lambda ev: order.append("events_emitted"))
    c.state_changed.connect(lambda: order.append("state_changed"))
    c.start()
    assert order == ["listener", "events_emitted", "state_changed"]
    assert isinstance(batches[0][0], StepStarted)
    order.clear()
    clock.advance(0.5)
    c.poll()  # nothing due: listeners still see the (empty) batch, no events signal
    assert order == ["listener", "state_changed"]


def test_a_failing_listener_does_not_stop_the_session(qtbot: object) -> None:
    session, clock = make([hold("A", 10)])
    c = SessionController(session)

    def broken(_events: list[Event]) -> None:
        raise RuntimeError("sound card gone")

    seen: list[list[Event]] = []
    c.add_listener(broken)
    c.add_listener(seen.append)
    c.start()
    assert seen and session.state == "running"


def test_finished_once_with_status(qtbot: object) -> None:
    session, clock = make([hold("A", 10)])
    c = SessionController(session)
    got: list[str] = []
    c.finished.connect(got.append)
    c.start()
    clock.advance(30.0)  # prep 5 + hold 10: over
    c.poll()
    c.poll()
    assert got == ["completed"]
    assert not c.timer.isActive()

    session2, _clock2 = make([hold("A", 10)])
    c2 = SessionController(session2)
    got2: list[str] = []
    c2.finished.connect(got2.append)
    c2.start()
    c2.stop()
    assert got2 == ["stopped"]


def test_a_late_poll_emits_every_boundary_in_order(qtbot: object) -> None:
    session, clock = make([hold("A", 10), hold("B", 10)])
    c = SessionController(session)
    started: list[str] = []

    def on_events(events: list[Event]) -> None:
        started.extend(e.step.kind for e in events if isinstance(e, StepStarted))

    c.events_emitted.connect(on_events)
    c.start()
    clock.advance(45.0)  # the whole routine (40 s) in one late wake-up
    c.poll()
    assert started == ["prep", "work", "rest", "prep", "work"]


def test_control_from_a_listener_runs_after_the_batch(qtbot: object) -> None:
    session, clock = make([hold("A", 10), hold("B", 10)])
    c = SessionController(session)
    batches: list[list[type]] = []
    pressed = False

    def listener(events: list[Event]) -> None:
        nonlocal pressed
        batches.append([type(e) for e in events])
        if not pressed:
            pressed = True
            c.next()  # e.g. a recorder reacting: must not interleave batches

    c.add_listener(listener)
    c.start()
    assert batches[0][0] is StepStarted
    assert len(batches) == 2 and StepStarted in batches[1]
    assert session.index == 1


@pytest.mark.parametrize("speed", [1000.0])
def test_the_timer_really_fires_and_ticks(qtbot: object, speed: float) -> None:
    # 1 engine second is 1 ms real here: the wake-up path runs without the test sleeping
    session, clock = make([hold("A", 10)], speed=speed)
    c = SessionController(session)
    c.start()
    finished: list[str] = []
    c.finished.connect(finished.append)
    clock.advance(20.0)  # everything is due; the armed timer fires within ~1 ms
    with qtbot.waitSignal(c.finished, timeout=2000):  # type: ignore[attr-defined]
        pass
    assert finished == ["completed"]
    assert session.state == "finished"
