"""HistoryWindow, RateSessionDialog and WeeklyGoalWidget with pytest-qt (offscreen)."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from hiptimer.history import CSV_HEADER, csv_text
from hiptimer.qt.history import HistoryWindow, RateSessionDialog, WeeklyGoalWidget
from hiptimer.results import ExerciseResult
from hiptimer.routine import Routine
from hiptimer.store import SessionRecord, Store

pytestmark = pytest.mark.gui

LONDON = ZoneInfo("Europe/London")
TODAY = date(2025, 4, 2)  # a Wednesday, after the spring DST change
EXS = (ExerciseResult("Lunge", "left", "done", 2), ExerciseResult("Lunge", "right", "partial", 1))


def rec(i: int, start: datetime, minutes: float, speed: float = 1.0, **kw: object) -> SessionRecord:
    fields: dict[str, object] = dict(
        id=i,
        routine=f"Routine {i}",
        routine_path=f"/r/{i}.yaml",
        routine_hash="h",
        status="completed",
        started_at=start,
        ended_at=start + timedelta(minutes=minutes),
        active_s=minutes * 60,
        speed=speed,
        effort=None,
        pain=None,
        note="",
        exercises=EXS,
    )
    fields.update(kw)
    return SessionRecord(**fields)  # type: ignore[arg-type]


def records() -> list[SessionRecord]:
    return [
        rec(1, datetime(2025, 3, 29, 8, 0, tzinfo=LONDON), 20),
        rec(2, datetime(2025, 3, 30, 23, 30, tzinfo=LONDON), 35),  # after the DST change
        rec(3, datetime(2025, 3, 31, 7, 0, tzinfo=LONDON), 31, note="felt good", effort=6),
        rec(4, datetime(2025, 4, 1, 7, 0, tzinfo=LONDON), 10),
        rec(5, datetime(2025, 4, 2, 7, 0, tzinfo=LONDON), 40),
        rec(6, datetime(2025, 4, 2, 9, 0, tzinfo=LONDON), 60, speed=10.0),  # rehearsal
    ]


def window(qtbot: QtBot, source: object) -> HistoryWindow:
    w = HistoryWindow(source, tz=LONDON, today=TODAY)  # type: ignore[arg-type]
    qtbot.addWidget(w)
    return w


def test_window_shows_streaks_goal_and_sessions(qtbot: QtBot) -> None:
    w = window(qtbot, records())
    w.show()
    qtbot.waitExposed(w)
    assert w.shown_rows() == 5  # rehearsal hidden
    assert w.model.data(w.model.index(0, 1)) == "Routine 5"  # newest first
    assert w.model.data(w.model.index(0, 3)) == "40 min"
    assert "Current streak: <b>5</b>" in w.streak_label.text()
    assert "Best: <b>5</b>" in w.streak_label.text()
    # week of Mon 31 March: 31 + 10 + 40 = 81 min, two days at 30 min
    assert "2 of 5 days" in w.goal_label.text() and "81 of 150 min" in w.goal_label.text()
    assert w.summary is not None
    assert w.summary.days[date(2025, 3, 30)] == 35.0
    assert w.bars.weeks[-1] == (date(2025, 3, 31), 81.0)
    assert len(w.bars.bar_rects()) == 12
    w.rehearsals_box.setChecked(True)
    assert w.shown_rows() == 6
    assert "rehearsal 10×" in w.model.data(w.model.index(0, 2))
    assert w.summary.days[date(2025, 4, 2)] == 40.0  # rehearsals never count


def test_heatmap_cells_and_hit_testing(qtbot: QtBot) -> None:
    w = window(qtbot, records())
    w.show()
    qtbot.waitExposed(w)
    hm = w.heatmap
    assert hm.first_day.weekday() == 0 and hm.first_day <= TODAY - timedelta(weeks=25)
    for d in (date(2025, 3, 30), TODAY, hm.first_day):
        assert hm.day_at(hm.cell_rect(d).center().toPoint()) == d
    assert hm.day_at(hm.cell_rect(TODAY + timedelta(days=1)).center().toPoint()) is None
    empty = hm.color_for(date(2025, 3, 1))
    full = hm.color_for(date(2025, 3, 30))
    partial = hm.color_for(date(2025, 4, 1))
    assert empty != full and partial not in (empty, full)
    assert hm.grab().width() > 0  # paints without error


def test_selecting_a_session_shows_its_details(qtbot: QtBot) -> None:
    w = window(qtbot, records())
    w.select_row(2)  # Routine 3
    assert "Routine 3" in w.details.toPlainText()
    assert "felt good" in w.details.toPlainText()
    assert "Lunge (left): done, 2 sets" in w.details.toPlainText()
    assert not w.rate_button.isEnabled()  # no store to write to


def test_export_csv(qtbot: QtBot, tmp_path: Path) -> None:
    w = window(qtbot, records())
    out = tmp_path / "x.csv"
    assert w.export_csv(out) == 5
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert tuple(rows[0]) == CSV_HEADER and len(rows) == 6
    assert rows[1][1] == "Routine 5"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "log.sqlite3")
    r = Routine(name="Hips", exercises=())
    for i, day in enumerate((30, 31)):
        start = datetime(2025, 3, day, 7, 0, tzinfo=LONDON)
        sid = s.begin_session(r, started_at=start, speed=1)
        s.finish_session(
            sid,
            status="completed",
            ended_at=start + timedelta(minutes=30),
            active_s=1800 + i,
            exercises=EXS,
        )
    return s


def test_window_over_a_store_and_rating(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = window(qtbot, store)
    assert w.shown_rows() == 2
    w.select_row(0)
    assert w.rate_button.isEnabled()
    assert "Lunge (right): partial, 1 set" in w.details.toPlainText()

    def fake_exec(self: RateSessionDialog) -> int:
        self.effort.setValue(7)
        self.pain.setValue(0)
        self.note.setPlainText("  easy  ")
        self.accept()
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(RateSessionDialog, "exec", fake_exec)
    with qtbot.waitSignal(w.rated, timeout=1000):
        qtbot.mouseClick(w.rate_button, Qt.MouseButton.LeftButton)
    rec = store.sessions()[0]
    assert (rec.effort, rec.pain, rec.note) == (7, 0, "easy")
    assert w.model.data(w.model.index(0, 4)) == "7"
    store.close()


def test_export_csv_over_a_store_writes_what_write_csv_writes(
    qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    w = window(qtbot, store)
    out = tmp_path / "x.csv"
    assert w.export_csv(out) == 2
    assert out.read_bytes() == csv_text(store.sessions()).encode()
    assert b"Lunge (right): partial 1 set\r\n" in out.read_bytes()
    store.close()


def test_rate_dialog_saves_only_changes_and_reports_errors(qtbot: QtBot, store: Store) -> None:
    sid = store.sessions()[0].id
    d = RateSessionDialog(store, sid)
    qtbot.addWidget(d)
    assert d.values() == (None, None, "")
    assert d.save()  # nothing changed: nothing written
    assert store.sessions()[0].effort is None
    d.pain.setValue(3)
    assert d.save()
    assert (store.sessions()[0].effort, store.sessions()[0].pain) == (None, 3)
    store._conn.close()  # the log is gone: the dialog says so and stays open
    d.effort.setValue(2)
    assert not d.save()
    assert not d.error.isHidden() and "Could not save" in d.error.text()


def test_weekly_goal_widget(qtbot: QtBot, store: Store) -> None:
    g = WeeklyGoalWidget(store, tz=LONDON, today=TODAY)
    qtbot.addWidget(g)
    p = g.progress_value
    assert p is not None and p.days_met == 1 and p.minutes == pytest.approx(30.02, abs=0.01)
    assert "1/5 days of 30 min" in g.label.text()
    assert (g.bar.value(), g.bar.maximum()) == (1, 5)
    g.set_goal(15, 1)
    assert g.progress_value is not None and g.progress_value.met
    assert "✓" in g.label.text()
    g.set_records(records())
    assert g.progress_value is not None and g.progress_value.minutes == 81.0
    store.close()


def test_week_labels_never_overlap_and_this_week_is_labelled(qtbot: QtBot) -> None:
    """At the window's default size the twelve 'dd/mm' labels ran into one another
    ('07/0914/0921/09...', seen at 1366x768); labels that would touch are left out,
    counting back from this week's, which is always there."""
    w = window(qtbot, records())
    w.show()
    qtbot.waitExposed(w)
    for width in (w.bars.width(), 300, 2000):
        w.bars.resize(width, w.bars.height())
        labels = w.bars.week_labels()
        assert labels, width
        assert labels[-1][1] == w.bars.weeks[-1][0].strftime("%d/%m")
        for (a, _), (b, _) in zip(labels, labels[1:], strict=False):
            assert a.right() < b.left(), (width, a, b)
        assert all(0 <= r.left() and r.right() <= width for r, _ in labels), width
    w.bars.resize(2000, w.bars.height())
    assert len(w.bars.week_labels()) == 12  # room for every week: each is named


def test_esc_and_ctrl_w_close_the_history_window(qtbot: QtBot) -> None:
    """H opens the history from the keyboard; the keyboard can close it again."""
    for key, mod in (
        (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier),
    ):
        w = window(qtbot, records())
        w.show()
        w.activateWindow()
        qtbot.waitExposed(w)
        qtbot.waitUntil(w.isActiveWindow)
        w.table.setFocus()
        qtbot.keyClick(w.table, key, mod)
        assert not w.isVisible(), key


def test_a_set_cut_short_in_its_first_second_reads_under_1_s() -> None:
    """As on the summary: 'set 1 partly: 0 s' read as nothing done."""
    from hiptimer.qt.history import details_html
    from hiptimer.results import SetResult

    quick = ExerciseResult("Cat-cow", None, "partial", 0, (SetResult(1, "partial", 0.4),))
    held = ExerciseResult("Pigeon", "left", "partial", 0, (SetResult(1, "partial", 6.2),))
    html = details_html(
        rec(1, datetime(2025, 4, 2, 7, 0, tzinfo=LONDON), 5, exercises=(quick, held))
    )
    assert "Cat-cow: partial, set 1 partly: under 1 s" in html
    assert "Pigeon (left): partial, set 1 partly: 6 s" in html


def test_a_partial_set_reads_the_same_in_the_history_as_on_the_summary() -> None:
    """Seen: a set left after 1.46 s said 'set 1: 1 s' on the summary and 'set 1 partly:
    2 s' in the history, which read the log's 1.5 s."""
    from hiptimer.qt.history import details_html
    from hiptimer.qt.summary import status_line
    from hiptimer.results import SetResult
    from hiptimer.store import _exercises_json, exercises_from_json

    exact = ExerciseResult("Sit to stand", None, "partial", 0, (SetResult(1, "partial", 1.46),))
    logged = exercises_from_json(_exercises_json([exact]))  # what the history reads
    html = details_html(rec(1, datetime(2025, 4, 2, 7, 0, tzinfo=LONDON), 5, exercises=logged))
    assert status_line(exact).endswith("set 1: 2 s")
    assert "Sit to stand: partial, set 1 partly: 2 s" in html
