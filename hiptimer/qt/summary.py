"""The end-of-session summary: an honest headline, active time, and per
exercise and side what was done, partly done (with the seconds) or skipped."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hiptimer.display import headline
from hiptimer.engine import Session
from hiptimer.plan import format_clock
from hiptimer.results import ExerciseResult, whole_seconds

STATUS_TEXT = {"done": "✓ done", "partial": "◐ partial", "skipped": "✗ skipped"}


def result_line(r: ExerciseResult) -> str:
    side = f" ({r.side})" if r.side else ""
    return f"{r.name}{side}"


def seconds_text(s: float) -> str:
    """A partial set's time as the summary and the history show it (the same from the
    session as from the log); one cut short in its first second is not "0 s"."""
    whole = whole_seconds(s)
    return "under 1 s" if whole < 1 else f"{whole} s"


def status_line(r: ExerciseResult) -> str:
    """``✓ done  ·  2 sets``; a partial set says how far it got (``set 2: 12 s``)."""
    sets = f"{r.sets_done} set{'s' if r.sets_done != 1 else ''}"
    parts = [STATUS_TEXT.get(r.status, r.status), sets]
    parts += [f"set {x.set}: {seconds_text(x.seconds)}" for x in r.sets if x.status == "partial"]
    return "  ·  ".join(parts)


class SummaryWidget(QWidget):
    done_clicked = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        summary = session.summary()
        results = session.results()

        lay = QVBoxLayout(self)
        lay.setContentsMargins(32, 32, 32, 32)
        lay.setSpacing(16)
        total = len(session.plan.routine.exercises)
        title = headline(summary, total)
        if title == "Session complete":
            title += " ✓"
        self.title_label = QLabel(title, self)
        tf = self.title_label.font()
        tf.setPointSizeF(tf.pointSizeF() * 2.6)
        tf.setBold(True)
        self.title_label.setFont(tf)
        lay.addWidget(self.title_label)
        self.routine_label = QLabel(session.plan.routine.name, self)
        rf = self.routine_label.font()
        rf.setPointSizeF(rf.pointSizeF() * 1.4)
        self.routine_label.setFont(rf)
        lay.addWidget(self.routine_label)

        self.time_label = QLabel(f"Active time  {format_clock(summary.active_s)}", self)
        unreached = total - (
            summary.exercises_done + summary.exercises_partial + summary.exercises_skipped
        )
        self.counts_label = QLabel(
            f"Exercises: {summary.exercises_done} done · {summary.exercises_partial} partial"
            f" · {summary.exercises_skipped} skipped"
            + (f" · {unreached} not reached" if unreached else ""),
            self,
        )
        for lbl in (self.time_label, self.counts_label):
            f = lbl.font()
            f.setPointSizeF(f.pointSizeF() * 1.8)
            f.setBold(True)
            lbl.setFont(f)
            lay.addWidget(lbl)
        self.done_count = summary.exercises_done
        self.partial_count = summary.exercises_partial
        self.skipped_count = summary.exercises_skipped

        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        self.result_rows: list[tuple[str, str]] = []
        for i, r in enumerate(results):
            name = QLabel(result_line(r), self)
            status = QLabel(status_line(r), self)
            grid.addWidget(name, i, 0)
            grid.addWidget(status, i, 1)
            self.result_rows.append((name.text(), status.text()))
        grid.setColumnStretch(2, 1)
        lay.addLayout(grid)
        lay.addStretch(1)

        row = QHBoxLayout()
        row.addStretch(1)
        self.done_button = QPushButton("Done", self)
        self.done_button.setProperty("primary", True)
        self.done_button.setMinimumSize(160, 48)
        self.done_button.setDefault(True)
        self.done_button.clicked.connect(self.done_clicked)
        row.addWidget(self.done_button)
        lay.addLayout(row)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            sc = QShortcut(QKeySequence(key), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(self.done_clicked)

    @property
    def session(self) -> Session:
        return self._session
