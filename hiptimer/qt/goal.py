"""The weekly goal's progress at the top of the library: a label and a bar.

Light on purpose: it is built before the window's first paint, from the state
remembered at the last exit (``hiptimer.goalcache``) when the log has not
changed since, and the log is read (``hiptimer.history``, ``hiptimer.store``)
only when it refreshes. A refresh that finds what is already shown repaints
nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

from hiptimer.goalcache import GoalState

if TYPE_CHECKING:  # datetime is imported where it is used: not before the first paint
    from datetime import date, tzinfo

    from hiptimer.history import Activity, WeeklyGoal, WeekProgress
    from hiptimer.store import Store


class WeeklyGoalWidget(QWidget):
    """This week's progress towards the goal, compact, for the library window.

    ``state``: show this (remembered) state now instead of reading the log; a
    later :meth:`refresh` reads it."""

    def __init__(
        self,
        store: Store | None = None,
        *,
        minutes: float = 30,
        days: int = 5,
        tz: tzinfo | None = None,
        today: date | None = None,
        parent: QWidget | None = None,
        state: GoalState | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self._minutes = float(minutes)
        self._days = int(days)
        self._tz = tz
        self._fixed_today = today
        self._records: Sequence[Activity] | None = None
        self.progress_value: WeekProgress | None = None
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        if state is not None:
            self.show_state(state)
        else:
            self.refresh()

    @property
    def goal(self) -> WeeklyGoal:
        from hiptimer.history import WeeklyGoal

        return WeeklyGoal(minutes_per_day=self._minutes, days_per_week=self._days)

    @property
    def tz(self) -> tzinfo:
        if self._tz is None:
            from hiptimer.history import local_tz

            self._tz = local_tz()
        return self._tz

    @property
    def today(self) -> date:
        from datetime import datetime

        return self._fixed_today or datetime.now(self.tz).date()

    def set_goal(self, minutes: float, days: int) -> None:
        self._minutes, self._days = float(minutes), int(days)
        self.refresh()

    def set_records(self, records: Sequence[Activity]) -> None:
        """Show progress from these sessions instead of the store."""
        self._records = records
        self.refresh()

    def state(self) -> GoalState:
        """What it shows (remembered at exit for the next start's first paint)."""
        return GoalState(self.label.text(), self.toolTip(), self.bar.value(), self.bar.maximum())

    def show_state(self, state: GoalState) -> None:
        # Qt skips an unchanged text, range or value: a refresh that finds the same
        # progress does not repaint
        self.bar.setRange(0, state.maximum)
        self.bar.setValue(state.value)
        self.label.setText(state.text)
        self.setToolTip(state.tooltip)
        self.setAccessibleName(state.text)

    def refresh(self) -> None:
        from datetime import timedelta

        from hiptimer.history import progress_of_days, week_start
        from hiptimer.store import StoreError

        today = self.today
        records: Sequence[Activity]
        if self._records is not None:
            records = self._records
        elif self.store is not None:
            try:
                # a day of margin: ``since`` compares the date as recorded (its own offset)
                records = self.store.rows(since=week_start(today) - timedelta(days=1))
            except StoreError as e:
                self.label.setText("Weekly goal: unavailable")
                self.setToolTip(str(e))
                return
        else:
            records = []
        days: dict[date, float] = {}
        for r in records:
            if r.is_rehearsal:
                continue
            d = r.started_at.astimezone(self.tz).date()
            days[d] = days.get(d, 0.0) + r.active_s / 60
        goal = self.goal
        p = self.progress_value = progress_of_days(days, today, goal)
        tick = " ✓" if p.met else ""
        self.show_state(
            GoalState(
                f"This week: {p.days_met}/{p.days_goal} days of {goal.minutes_per_day:g} min"
                f" · {p.minutes:.0f} min{tick}",
                f"Goal: {goal.minutes_per_day:g} minutes on {goal.days_per_week} days a week"
                f" ({p.minutes:.0f} of {p.minutes_goal:.0f} minutes so far)",
                min(p.days_met, p.days_goal),
                p.days_goal,
            )
        )
