"""A routine's overview, the page before it starts: description, the safety
note, every step with its picture, offset and duration, the total, and Start.

Apart from the library page (``hiptimer.qt.library``) so that the first
window does not import the display model and the pictures.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hiptimer.display import describe_step
from hiptimer.libindex import duration_text
from hiptimer.pictures import exercise_picture
from hiptimer.plan import Plan, Step, compile_plan, format_clock
from hiptimer.qt.picture import thumbnail
from hiptimer.qt.theme import PHASE_LABELS, current_theme, phase_color
from hiptimer.routine import Routine
from hiptimer.safety import SAFETY_NOTE

#: The exercise pictures in the overview's step list.
THUMB_SIZE = QSize(88, 52)


class OverviewPage(QWidget):
    """One routine before it starts: description, safety note, steps, total, Start."""

    start_requested = Signal()
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._routine: Routine | None = None
        self._plan: Plan | None = None

        self.title = QLabel()
        self.title.setProperty("role", "title")
        self.title.setWordWrap(True)
        self.meta = QLabel()
        self.meta.setProperty("role", "muted")
        self.description = QLabel()
        self.description.setWordWrap(True)
        # The trainer's private notes (``coach:``): here and in the presenter view only.
        self.coach = QLabel()
        self.coach.setWordWrap(True)
        self.coach.setProperty("role", "muted")
        self.coach.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.coach.hide()
        self.safety = QLabel(SAFETY_NOTE)
        self.safety.setWordWrap(True)
        self.safety.setFrameShape(QFrame.Shape.StyledPanel)
        self.safety.setContentsMargins(10, 8, 10, 8)
        self.errors = QLabel()
        self.errors.setWordWrap(True)
        self.errors.setProperty("role", "error")
        self.errors.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.errors_scroll = QScrollArea()
        self.errors_scroll.setWidget(self.errors)
        self.errors_scroll.setWidgetResizable(True)
        self.errors_scroll.hide()

        self.steps = QTreeWidget()
        self.steps.setObjectName("steps")
        self.steps.setColumnCount(4)
        self.steps.setHeaderLabels(["Starts at", "Length", "Phase", "Step"])
        self.steps.setRootIsDecorated(False)
        self.steps.setAlternatingRowColors(True)
        self.steps.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.steps.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        h = self.steps.header()
        for col in (0, 1, 2):
            h.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        h.setStretchLastSection(True)
        self.steps.setIconSize(THUMB_SIZE)  # each work row shows its exercise's picture

        self.total = QLabel()
        self.total.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.back_button = QPushButton("← Library")
        self.back_button.clicked.connect(self.back_requested)
        self.start_button = QPushButton("Start  ▶")
        self.start_button.setProperty("primary", True)
        self.start_button.setMinimumHeight(44)
        self.start_button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self.start_button.clicked.connect(self.start_requested)

        bottom = QHBoxLayout()
        bottom.addWidget(self.back_button)
        bottom.addStretch(1)
        bottom.addWidget(self.total)
        bottom.addSpacing(16)
        bottom.addWidget(self.start_button)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 20, 24, 20)
        lay.setSpacing(10)
        lay.addWidget(self.title)
        lay.addWidget(self.meta)
        lay.addWidget(self.description)
        lay.addWidget(self.coach)
        lay.addWidget(self.safety)
        lay.addWidget(self.errors_scroll, 1)
        lay.addWidget(self.steps, 1)
        lay.addLayout(bottom)

    @property
    def routine(self) -> Routine | None:
        return self._routine

    @property
    def plan(self) -> Plan | None:
        return self._plan

    def set_routine(self, routine: Routine, plan: Plan | None = None) -> None:
        self._routine = routine
        self._plan = plan = plan or compile_plan(routine)
        self.title.setText(routine.name)
        n = len(routine.exercises)
        tags = f"  ·  {', '.join(routine.tags)}" if routine.tags else ""
        self.meta.setText(f"{n} exercise{'s' if n != 1 else ''}{tags}")
        self.description.setText(routine.description)
        self.description.setVisible(bool(routine.description))
        notes = [f"{ex.name}: {ex.coach}" for ex in routine.exercises if ex.coach]
        self.coach.setText(
            "Coach notes (not shown on the projector)\n" + "\n".join(f"•  {n}" for n in notes)
            if notes
            else ""
        )
        self.coach.setVisible(bool(notes))
        self.safety.show()
        self.errors_scroll.hide()
        self.steps.show()
        self._fill_steps(plan.steps)
        est = " (estimate: self-paced reps count 3 s each)" if plan.has_estimates else ""
        self.total.setText(f"Total {duration_text(plan)}{est}")
        self.start_button.setEnabled(bool(plan.steps))
        self.start_button.show()

    def set_errors(self, path: Path, errors: Sequence[str]) -> None:
        """A routine that does not load: show where and why; Start is not offered."""
        self._routine = None
        self._plan = None
        self.title.setText(path.name)
        n = len(errors)
        self.meta.setText(f"{n} error{'s' if n != 1 else ''}: fix the file, then open it again")
        self.description.hide()
        self.coach.hide()
        self.safety.hide()
        self.steps.hide()
        self.errors.setText("\n".join(errors))
        self.errors_scroll.show()
        self.total.setText("")
        self.start_button.setEnabled(False)
        self.start_button.hide()

    def _fill_steps(self, steps: Sequence[Step]) -> None:
        self.steps.clear()
        dpr = self.devicePixelRatioF()
        theme = current_theme()
        for step in steps:
            label, symbol = PHASE_LABELS.get(step.kind, (step.kind, ""))
            length = (
                format_clock(step.duration_s)
                if step.duration_s is not None
                else f"~{format_clock(step.estimate_s)}"
            )
            row = QTreeWidgetItem(
                [format_clock(step.start_s), length, f"{symbol} {label}", describe_step(step)]
            )
            row.setForeground(2, phase_color(theme, step.kind))
            for col in (0, 1):
                row.setTextAlignment(
                    col, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )
            if step.kind == "work":
                f = row.font(3)
                f.setBold(True)
                row.setFont(3, f)
                ref = exercise_picture(step.exercise)
                if ref is not None:
                    pix = thumbnail(ref, THUMB_SIZE, ref.mirrored(step.side), dpr)
                    row.setIcon(3, QIcon(pix))
            self.steps.addTopLevelItem(row)

    def step_rows(self) -> list[tuple[str, str, str]]:
        """(starts at, length, step) per row, for tests."""
        out = []
        for i in range(self.steps.topLevelItemCount()):
            row = self.steps.topLevelItem(i)
            if row is not None:
                out.append((row.text(0), row.text(1), row.text(3)))
        return out
