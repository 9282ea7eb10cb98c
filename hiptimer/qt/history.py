"""History: heat map, streaks, weekly bars, the session list; rating; the weekly goal.

Statistics come from :mod:`hiptimer.history` (pure); this module only shows
them. The session list is a :class:`QAbstractTableModel` over light rows
(:meth:`Store.rows`), so 100,000 sessions open in well under a second; the
details of the selected session are read when it is selected.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QHelpEvent,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTextBrowser,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from hiptimer.history import (
    Activity,
    Summary,
    WeeklyGoal,
    format_minutes,
    local_tz,
    log_csv,
    summarize,
    week_start,
    write_csv,
)
from hiptimer.qt.goal import WeeklyGoalWidget as WeeklyGoalWidget
from hiptimer.qt.summary import seconds_text
from hiptimer.store import SessionRecord, Store, StoreError

_ModelIndex = QModelIndex | QPersistentModelIndex


def _level_color(base: QColor, empty: QColor, fraction: float) -> QColor:
    """Blend from ``empty`` to ``base`` in 4 steps (0 stays ``empty``)."""
    if fraction <= 0:
        return empty
    step = min(4, 1 + int(fraction * 4)) if fraction < 1 else 4
    t = step / 4
    return QColor(
        int(empty.red() + (base.red() - empty.red()) * t),
        int(empty.green() + (base.green() - empty.green()) * t),
        int(empty.blue() + (base.blue() - empty.blue()) * t),
    )


ACCENT = QColor(46, 160, 67)


class HeatMapWidget(QWidget):
    """Active minutes per day: one column per week (Monday on top), last ``weeks`` weeks."""

    def __init__(self, weeks: int = 26, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.weeks = weeks
        self.days: Mapping[date, float] = {}
        self.today = date.today()
        self.goal_minutes = 30.0
        self.setMouseTracking(True)
        self.setMinimumHeight(7 * 12 + 20)
        self.setAccessibleName("Active minutes per day")

    def set_data(self, days: Mapping[date, float], today: date, goal_minutes: float) -> None:
        self.days = days
        self.today = today
        self.goal_minutes = goal_minutes
        shown = [m for d, m in days.items() if d >= self.first_day]
        self.setAccessibleDescription(
            f"{sum(1 for m in shown if m > 0)} active days in the last {self.weeks} weeks"
        )
        self.update()

    @property
    def first_day(self) -> date:
        return week_start(self.today) - timedelta(weeks=self.weeks - 1)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(self.weeks * 16 + 30, 7 * 16 + 20)

    def _geometry(self) -> tuple[float, float, float]:
        left, top = 26.0, 16.0
        cell = max(6.0, min((self.width() - left - 4) / self.weeks, (self.height() - top - 2) / 7))
        return left, top, cell

    def cell_rect(self, d: date) -> QRectF:
        left, top, cell = self._geometry()
        col = (d - self.first_day).days // 7
        row = d.weekday()
        return QRectF(left + col * cell + 1, top + row * cell + 1, cell - 2, cell - 2)

    def day_at(self, pos: QPoint) -> date | None:
        left, top, cell = self._geometry()
        col = int((pos.x() - left) // cell)
        row = int((pos.y() - top) // cell)
        if not (0 <= col < self.weeks and 0 <= row < 7) or pos.x() < left or pos.y() < top:
            return None
        d = self.first_day + timedelta(weeks=col, days=row)
        return d if d <= self.today else None

    def color_for(self, d: date) -> QColor:
        empty = self.palette().color(QPalette.ColorRole.AlternateBase)
        fraction = self.days.get(d, 0.0) / self.goal_minutes if self.goal_minutes else 1.0
        return _level_color(ACCENT, empty, fraction)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        left, top, cell = self._geometry()
        text = self.palette().color(QPalette.ColorRole.WindowText)
        p.setPen(text)
        for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri")):
            p.drawText(
                QRectF(0, top + row * cell, left - 2, cell), Qt.AlignmentFlag.AlignVCenter, name
            )
        last_month = None
        p.setPen(Qt.PenStyle.NoPen)
        for col in range(self.weeks):
            monday = self.first_day + timedelta(weeks=col)
            if monday.month != last_month:
                last_month = monday.month
                p.setPen(text)
                p.drawText(QRectF(left + col * cell, 0, cell * 4, top), monday.strftime("%b"))
                p.setPen(Qt.PenStyle.NoPen)
            for row in range(7):
                d = monday + timedelta(days=row)
                if d > self.today:
                    continue
                p.setBrush(self.color_for(d))
                p.drawRoundedRect(self.cell_rect(d), 2, 2)
        if self.first_day <= self.today:
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(text)
            p.drawRoundedRect(self.cell_rect(self.today), 2, 2)
        p.end()

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip and isinstance(e, QHelpEvent):
            d = self.day_at(e.pos())
            if d is None:
                QToolTip.hideText()
            else:
                minutes = self.days.get(d, 0.0)
                QToolTip.showText(
                    e.globalPos(), f"{d:%a %d %b %Y}: {format_minutes(minutes * 60)}", self
                )
            return True
        return super().event(e)


class WeekBarsWidget(QWidget):
    """Minutes per ISO week, oldest on the left, with the weekly goal as a line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.weeks: list[tuple[date, float]] = []
        self.goal_minutes = 150.0
        self.setMinimumHeight(110)
        self.setAccessibleName("Minutes per week")

    def set_data(self, weeks: list[tuple[date, float]], goal_minutes: float) -> None:
        self.weeks = weeks
        self.goal_minutes = goal_minutes
        if weeks:
            self.setAccessibleDescription(
                f"This week {weeks[-1][1]:.0f} minutes; goal {goal_minutes:.0f} minutes"
            )
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(360, 130)

    def bar_rects(self) -> list[QRectF]:
        if not self.weeks:
            return []
        top, bottom = 8.0, float(self.height() - 18)
        scale_max = max(self.goal_minutes, max(m for _, m in self.weeks), 1.0)
        slot = self.width() / len(self.weeks)
        out = []
        for i, (_, m) in enumerate(self.weeks):
            h = (bottom - top) * m / scale_max
            out.append(QRectF(i * slot + slot * 0.15, bottom - h, slot * 0.7, h))
        return out

    def week_labels(self) -> list[tuple[QRectF, str]]:
        """The 'dd/mm' labels under the bars, left to right: this week's always, then
        every n-th week back, n as small as keeps them from touching."""
        if not self.weeks:
            return []
        bottom = float(self.height() - 18)
        fm = self.fontMetrics()
        texts = [monday.strftime("%d/%m") for monday, _ in self.weeks]
        width = max(fm.horizontalAdvance(t) for t in texts) + 8.0
        slot = self.width() / len(self.weeks)
        every = max(1, math.ceil(width / slot)) if slot > 0 else len(self.weeks)
        out: list[tuple[QRectF, str]] = []
        for i in range(len(self.weeks) - 1, -1, -every):
            centre = (i + 0.5) * slot
            left = min(max(centre - width / 2, 0.0), self.width() - width)
            if out and left + width >= out[-1][0].left():
                continue  # pushed inside an edge onto its neighbour
            out.append((QRectF(left, bottom + 2, width, 16), texts[i]))
        out.reverse()
        return out

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        rects = self.bar_rects()
        top, bottom = 8.0, float(self.height() - 18)
        scale_max = max(self.goal_minutes, max((m for _, m in self.weeks), default=0), 1.0)
        for (_monday, m), r in zip(self.weeks, rects, strict=True):
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(ACCENT if m >= self.goal_minutes else ACCENT.lighter(150))
            p.drawRect(r)
        p.setPen(text)
        for rect, label in self.week_labels():
            p.drawText(rect, Qt.AlignmentFlag.AlignHCenter, label)
        if self.goal_minutes > 0:
            y = bottom - (bottom - top) * self.goal_minutes / scale_max
            pen = p.pen()
            pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawLine(0, int(y), self.width(), int(y))
        p.end()


class SessionTableModel(QAbstractTableModel):
    COLUMNS = ("Started", "Routine", "Status", "Active", "Effort", "Pain")

    def __init__(self, rows: Sequence[Activity] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: Sequence[Activity] = rows

    def set_rows(self, rows: Sequence[Activity]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_at(self, i: int) -> Activity:
        return self._rows[i]

    def rowCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section]
        return None

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return r.started_at.strftime("%Y-%m-%d %H:%M")
            if col == 1:
                return r.routine
            if col == 2:
                return r.status + (f" (rehearsal {r.speed:g}×)" if r.is_rehearsal else "")
            if col == 3:
                return format_minutes(r.active_s)
            if col == 4:
                return "" if r.effort is None else str(r.effort)
            if col == 5:
                return "" if r.pain is None else str(r.pain)
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def details_html(r: SessionRecord) -> str:
    from html import escape

    def row(k: str, v: str) -> str:
        return f"<tr><th align=left>{escape(k)}</th><td>{escape(v)}</td></tr>"

    lines = [f"<h3>{escape(r.routine)}</h3><table>"]
    lines.append(
        row("Status", r.status + (f" (rehearsal at {r.speed:g}×)" if r.is_rehearsal else ""))
    )
    lines.append(row("Started", r.started_at.strftime("%a %d %b %Y %H:%M %z")))
    if r.ended_at:
        lines.append(row("Ended", r.ended_at.strftime("%a %d %b %Y %H:%M %z")))
    lines.append(row("Active", format_minutes(r.active_s)))
    if r.effort is not None:
        lines.append(row("Effort", f"{r.effort}/10"))
    if r.pain is not None:
        lines.append(row("Pain", f"{r.pain}/10"))
    if r.routine_path:
        lines.append(row("File", r.routine_path))
    lines.append("</table>")
    if r.note:
        lines.append(f"<p><i>{escape(r.note)}</i></p>")
    if r.exercises:
        lines.append("<ul>")
        for e in r.exercises:
            name = f"{e.name} ({e.side})" if e.side else e.name
            sets = f", {e.sets_done} set{'s' if e.sets_done != 1 else ''}" if e.sets_done else ""
            # how far a set cut short got (the exact log keeps its seconds)
            partial = [x for x in e.sets if x.status == "partial"]
            sets += "".join(f", set {x.set} partly: {seconds_text(x.seconds)}" for x in partial)
            lines.append(f"<li>{escape(name)}: {escape(e.status)}{sets}</li>")
        lines.append("</ul>")
    return "".join(lines)


class HistoryWindow(QWidget):
    """The history: pass a Store (the app) or a list of SessionRecords (tests, previews)."""

    rated = Signal(int)  # a session was rated from this window

    def __init__(
        self,
        source: Store | Sequence[SessionRecord],
        *,
        tz: tzinfo | None = None,
        today: date | None = None,
        goal: WeeklyGoal | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("HipTimer — History")
        self.store = source if isinstance(source, Store) else None
        self._records: list[SessionRecord] = [] if self.store else list(source)  # type: ignore[arg-type]
        self.tz = tz or local_tz()
        self._fixed_today = today
        self.goal = goal or WeeklyGoal()
        self.summary: Summary | None = None

        self.streak_label = QLabel()
        self.goal_label = QLabel()
        self.heatmap = HeatMapWidget()
        self.bars = WeekBarsWidget()
        self.rehearsals_box = QCheckBox("Show rehearsals")
        self.rehearsals_box.toggled.connect(self.refresh)
        self.model = SessionTableModel(parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # widths from the widest text each column shows (digits are wider than average)
        samples: tuple[tuple[int, str], ...] = (
            (0, "2026-12-31 23:59"),
            (2, "interrupted"),
            (3, "999 min"),
            (4, "Effort"),
            (5, "Pain"),
        )
        for col, sample in samples:
            self.table.setColumnWidth(col, self.fontMetrics().horizontalAdvance(sample) + 24)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_changed)
        self.details = QTextBrowser()
        self.details.setPlaceholderText("Select a session to see what it did.")
        self.rate_button = QPushButton("Rate…")
        self.rate_button.setEnabled(False)
        self.rate_button.clicked.connect(self._on_rate_clicked)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.clicked.connect(self._on_export_clicked)
        self.message = QLabel()
        self.message.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.streak_label)
        top.addStretch(1)
        top.addWidget(self.goal_label)
        charts = QHBoxLayout()
        heat_box = QVBoxLayout()
        heat_box.addWidget(QLabel("<b>Active minutes per day</b>"))
        heat_box.addWidget(self.heatmap)
        bars_box = QVBoxLayout()
        bars_box.addWidget(QLabel("<b>Minutes per week</b>"))
        bars_box.addWidget(self.bars)
        charts.addLayout(heat_box, 3)
        charts.addLayout(bars_box, 2)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.rehearsals_box)
        buttons.addStretch(1)
        buttons.addWidget(self.rate_button)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(charts)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(980, 680)
        # the keyboard that opened it (H) can close it: Esc, and Ctrl+W / Ctrl+F4
        close = QShortcut(self)
        close.setKeys(
            [
                *QKeySequence.keyBindings(QKeySequence.StandardKey.Close),
                QKeySequence(Qt.Key.Key_Escape),
            ]
        )
        close.activated.connect(self.close)
        self.refresh()

    # -- data ------------------------------------------------------------------------------

    @property
    def today(self) -> date:
        return self._fixed_today or datetime.now(self.tz).date()

    def refresh(self) -> None:
        """Re-read the log and redraw (the app calls this when the window is shown again)."""
        self.message.clear()
        rehearsals = self.rehearsals_box.isChecked()
        stats_rows: Sequence[Activity]
        if self.store is not None:
            try:
                rows = self.store.rows(include_rehearsals=True)
            except StoreError as e:
                self.message.setText(str(e))
                rows = []
            problems = self.store.problems()
            if problems and not self.message.text():  # rows another tool wrote wrong
                more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
                self.message.setText(f"Left out, {problems[0]}{more}.")
            stats_rows = rows
            shown: Sequence[Activity] = (
                rows if rehearsals else [r for r in rows if not r.is_rehearsal]
            )
        else:
            recs = sorted(self._records, key=lambda r: (r.started_at, r.id), reverse=True)
            stats_rows = recs
            shown = recs if rehearsals else [r for r in recs if not r.is_rehearsal]
        self.summary = s = summarize(stats_rows, self.tz, self.today, self.goal)
        self.streak_label.setText(
            f"Current streak: <b>{s.streaks.current}</b> day{'s' if s.streaks.current != 1 else ''}"
            f" · Best: <b>{s.streaks.best}</b>"
        )
        p = s.progress
        self.goal_label.setText(
            f"This week: {p.days_met} of {p.days_goal} days at "
            f"{self.goal.minutes_per_day:g} min · {p.minutes:.0f} of {p.minutes_goal:.0f} min"
        )
        self.heatmap.set_data(s.days, s.today, self.goal.minutes_per_day)
        self.bars.set_data(s.weeks, self.goal.minutes_per_week)
        self.model.set_rows(shown)
        self.details.clear()
        self.rate_button.setEnabled(False)

    def shown_rows(self) -> int:
        return self.model.rowCount()

    def record_at(self, row: int) -> SessionRecord | None:
        item = self.model.row_at(row)
        if isinstance(item, SessionRecord):
            return item
        if self.store is None:
            return None
        try:
            return self.store.session(item.id)
        except StoreError as e:
            self.message.setText(str(e))
            return None

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def selected_record(self) -> SessionRecord | None:
        idx = self.table.selectionModel().currentIndex()
        return self.record_at(idx.row()) if idx.isValid() else None

    def export_csv(self, path: Path) -> int:
        """Write the sessions shown (rehearsals only if shown) to ``path``; rows written."""
        rehearsals = self.rehearsals_box.isChecked()
        if self.store is not None:  # what write_csv writes of the log, without the records
            chunks, n = log_csv(self.store, include_rehearsals=rehearsals)
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.writelines(chunks)
            return n
        records = [
            r
            for r in sorted(self._records, key=lambda r: (r.started_at, r.id), reverse=True)
            if rehearsals or not r.is_rehearsal
        ]
        with open(path, "w", encoding="utf-8", newline="") as f:
            return write_csv(records, f)

    # -- slots -----------------------------------------------------------------------------

    def _on_table_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        rec = self.record_at(current.row()) if current.isValid() else None
        if rec is None:
            self.details.clear()
            self.rate_button.setEnabled(False)
            return
        self.details.setHtml(details_html(rec))
        self.rate_button.setEnabled(self.store is not None)

    def _on_rate_clicked(self) -> None:
        rec = self.selected_record()
        if rec is None or self.store is None:
            return
        dialog = RateSessionDialog(self.store, rec.id, self, record=rec)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            row = self.table.selectionModel().currentIndex().row()
            self.refresh()
            self.select_row(row)
            self.rated.emit(rec.id)

    def _on_export_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Export sessions", str(Path.home() / "hiptimer-sessions.csv"), "CSV (*.csv)"
        )
        if not name:
            return
        try:
            n = self.export_csv(Path(name))
        except (OSError, StoreError) as e:
            self.message.setText(f"Could not export: {e}")
            return
        self.message.setText(f"Exported {n} sessions to {name}")


class RatingBox(QSpinBox):
    """A rating, "not rated" at its lowest: a digit typed over "not rated" replaces
    it (QSpinBox would refuse "not rated7" and keep the box as it was)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if self.value() == self.minimum() and event.text().isdigit():
            self.selectAll()
        super().keyPressEvent(event)


class RateSessionDialog(QDialog):
    """Effort (1–10), pain (0–10) and a note for a finished session.

    Used as a dialog (``exec()``) or embedded (the app shows it under the
    summary and calls :meth:`save` when the user moves on). Nothing is written
    unless the user gave a rating or a note.
    """

    def __init__(
        self,
        store: Store,
        session_id: int,
        parent: QWidget | None = None,
        *,
        record: SessionRecord | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.session_id = session_id
        self.setWindowTitle("How did it go?")
        self.effort = RatingBox()
        self.effort.setRange(0, 10)
        self.effort.setSpecialValueText("not rated")
        self.effort.setToolTip("Effort: 1 very easy … 10 maximal")
        self.pain = RatingBox()
        self.pain.setRange(-1, 10)
        self.pain.setValue(-1)
        self.pain.setSpecialValueText("not rated")
        self.pain.setToolTip("Pain: 0 none … 10 worst imaginable")
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText("A note for yourself or your trainer (optional)")
        self.note.setMaximumHeight(90)
        if record is not None:
            self.effort.setValue(record.effort or 0)
            self.pain.setValue(-1 if record.pain is None else record.pain)
            self.note.setPlainText(record.note)
        self._initial = self.values()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.hide()
        form = QFormLayout()
        form.addRow("&Effort (1–10)", self.effort)
        form.addRow("&Pain (0–10)", self.pain)
        form.addRow("&Note", self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def values(self) -> tuple[int | None, int | None, str]:
        effort = self.effort.value() or None
        pain = None if self.pain.value() < 0 else self.pain.value()
        return effort, pain, self.note.toPlainText().strip()

    def save(self) -> bool:
        """Write the rating if the user changed anything; False (and a message) on failure."""
        values = self.values()
        if values == self._initial:
            return True
        effort, pain, note = values
        try:
            self.store.rate_session(self.session_id, effort=effort, pain=pain, note=note)
        except StoreError as e:
            self.error.setText(f"Could not save the rating: {e}")
            self.error.show()
            return False
        self._initial = values
        return True

    def accept(self) -> None:
        if self.save():
            super().accept()
