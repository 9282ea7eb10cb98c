"""The routine library and a routine's overview (the first two pages of the app).

The library lists the bundled and the user's routines (name, duration,
exercises, tags) with a search box. A routine that does not load is listed
too, under its file name, with each located error (``path:line:col:
message``) in red beneath it; it cannot be started. Opening a good routine
shows its overview: description, the safety note, every step with its
offset and duration, the total, and Start.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QIcon,
    QKeySequence,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hiptimer.display import describe_step
from hiptimer.pictures import exercise_picture
from hiptimer.plan import Plan, Step, compile_plan, format_clock
from hiptimer.qt.picture import thumbnail
from hiptimer.qt.theme import PHASE_LABELS, current_theme, phase_color, surface
from hiptimer.routine import Routine
from hiptimer.safety import SAFETY_NOTE

#: The exercise pictures in the overview's step list.
THUMB_SIZE = QSize(88, 52)

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
#: Where an error row keeps its full ``path:line:col: message``.
_FULL_ERROR = Qt.ItemDataRole.UserRole + 1


def short_error(path: Path, error: str) -> str:
    """``/long/path/name.yaml:4:3: message`` -> ``name.yaml:4:3: message``."""
    full = str(path)
    return path.name + error[len(full) :] if error.startswith(full + ":") else error


@dataclass(frozen=True)
class LibraryItem:
    """One row of the library: a routine that loaded, or a file that did not."""

    path: Path
    routine: Routine | None
    errors: tuple[str, ...]  # "path:line:col: message", empty when the routine loaded
    bundled: bool = False

    @property
    def ok(self) -> bool:
        return self.routine is not None and not self.errors

    @property
    def title(self) -> str:
        return self.routine.name if self.routine is not None else self.path.name

    def search_text(self) -> str:
        r = self.routine
        if r is None:
            return self.path.name.lower()
        return " ".join((r.name, r.description, *r.tags, self.path.name)).lower()


def duration_text(plan: Plan) -> str:
    """Total time, with ``~`` when self-paced reps make it an estimate."""
    return ("~" if plan.has_estimates else "") + format_clock(plan.duration_s)


class LibraryPage(QWidget):
    """The list of routines with search. Emits ``routine_activated`` for a good routine."""

    routine_activated = Signal(object)  # LibraryItem
    history_requested = Signal()
    #: "Open in editor" on a row: the routine file's Path (the editor connects to it).
    edit_requested = Signal(object)

    COLUMNS = ("Routine", "Duration", "Exercises", "Tags")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[LibraryItem] = []
        self._plans: dict[Path, Plan] = {}
        self._any_shown = False

        title = QLabel("Routines")
        title.setProperty("role", "title")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by name, tag or description  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search_text_changed)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.activated.connect(self._focus_search)
        # The window opens with the keyboard here: Enter opens the highlighted
        # routine and Down hands the keyboard to the list (the current row kept).
        self.search.returnPressed.connect(self._on_open_clicked)
        to_list = QShortcut(
            QKeySequence(Qt.Key.Key_Down), self.search, context=Qt.ShortcutContext.WidgetShortcut
        )

        self.tree = QTreeWidget()
        self.tree.setObjectName("library")
        self.tree.setColumnCount(len(self.COLUMNS))
        self.tree.setHeaderLabels(list(self.COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setWordWrap(True)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.resizeSection(3, 260)
        self.tree.itemActivated.connect(self._on_tree_item_activated)
        self.tree.currentItemChanged.connect(self._on_tree_current_changed)
        to_list.activated.connect(self.tree.setFocus)

        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setProperty("role", "muted")

        self.open_button = QPushButton("Open")
        self.open_button.setProperty("primary", True)
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self._on_open_clicked)
        self.history_button = QPushButton("History")
        self.history_button.clicked.connect(self.history_requested)
        self.edit_button = QPushButton("Open in editor")
        self.edit_button.setToolTip("Open the selected routine file to fix or change it")
        self.edit_button.setEnabled(False)
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.folder_button = QPushButton("Show in folder")
        self.folder_button.setToolTip("Show the folder that holds the selected routine file")
        self.folder_button.setEnabled(False)
        self.folder_button.clicked.connect(self._on_folder_clicked)
        self.empty_label = QLabel("No routine matches your search.")
        self.empty_label.setProperty("role", "muted")
        self.empty_label.hide()

        self._goal_holder = QVBoxLayout()
        self._goal_holder.setContentsMargins(0, 0, 0, 0)

        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addLayout(self._goal_holder)
        buttons = QHBoxLayout()
        buttons.addWidget(self.detail, 1)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.folder_button)
        buttons.addWidget(self.history_button)
        buttons.addWidget(self.open_button)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 20, 24, 20)
        lay.setSpacing(12)
        lay.addLayout(top)
        lay.addWidget(self.search)
        lay.addWidget(self.tree, 1)
        lay.addWidget(self.empty_label)
        lay.addLayout(buttons)

    # -- content ---------------------------------------------------------------
    def set_goal_widget(self, widget: QWidget) -> None:
        """Show the weekly goal progress (D's WeeklyGoalWidget) at the top right."""
        while self._goal_holder.count():
            old = self._goal_holder.takeAt(0)
            w = old.widget() if old is not None else None
            if w is not None:
                w.setParent(None)
        self._goal_holder.addWidget(widget)
        widget.show()

    def set_items(
        self, items: Iterable[LibraryItem], plans: dict[Path, Plan] | None = None
    ) -> None:
        """Show exactly ``items`` (the rows before are dropped)."""
        current = self.current_item()
        self._items = []
        self._plans.clear()
        self.tree.clear()
        self.add_items(items, plans, keep=current.path if current is not None else None)

    def add_items(
        self,
        items: Iterable[LibraryItem],
        plans: dict[Path, Plan] | None = None,
        *,
        keep: Path | None = None,
    ) -> None:
        """Append rows (the background scan sends them in batches). ``plans``
        are the good routines' plans when the caller compiled them already."""
        new = list(items)
        self._items.extend(new)
        error_color = QColor(surface(current_theme(), "error"))
        # Edit or Duplicate on a bundled routine makes the user's copy under its name
        # (the scan sends the bundled routines first)
        bundled_names = {i.routine.name for i in self._items if i.bundled and i.routine}
        rows: list[QTreeWidgetItem] = []
        for item in new:
            row = QTreeWidgetItem()
            row.setData(0, Qt.ItemDataRole.UserRole, item)
            if item.ok and item.routine is not None:
                plan = (plans or {}).get(item.path) or compile_plan(item.routine)
                self._plans[item.path] = plan
                copy = not item.bundled and item.routine.name in bundled_names
                row.setText(0, item.routine.name + (" (your copy)" if copy else ""))
                row.setText(1, duration_text(plan))
                row.setText(2, str(len(item.routine.exercises)))
                row.setText(3, ", ".join(item.routine.tags))
                row.setToolTip(0, item.routine.description or str(item.path))
                row.setTextAlignment(1, _RIGHT)
                row.setTextAlignment(2, _RIGHT)
            else:
                row.setText(0, f"⚠ {item.path.name}")
                row.setText(1, "—")
                row.setText(2, "—")
                row.setText(3, "cannot start: fix the file")
                row.setForeground(0, error_color)
                row.setForeground(3, error_color)
                row.setToolTip(0, "\n".join(item.errors))
                for err in item.errors:
                    # the file name and the message; the full path in the tooltip
                    child = QTreeWidgetItem([short_error(item.path, err)])
                    child.setToolTip(0, err)
                    child.setData(0, _FULL_ERROR, err)
                    child.setForeground(0, error_color)
                    child.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                    child.setData(0, Qt.ItemDataRole.UserRole, item)
                    row.addChild(child)
            rows.append(row)
        self.tree.addTopLevelItems(rows)
        for row in rows:
            if row.childCount():
                for j in range(row.childCount()):
                    child = row.child(j)
                    if child is not None:
                        child.setFirstColumnSpanned(True)
                row.setExpanded(True)
        if any(not i.ok for i in new):
            self.tree.setRootIsDecorated(True)
        self._apply_filter(rows)
        if keep is not None and self.select_path(keep):
            return
        if self.tree.currentItem() is None:
            first = self._first_visible_ok()
            if first is not None:
                self.tree.setCurrentItem(first)

    def items(self) -> list[LibraryItem]:
        return list(self._items)

    def plan_for(self, item: LibraryItem) -> Plan | None:
        return self._plans.get(item.path)

    def visible_titles(self) -> list[str]:
        """Titles of the rows the search lets through (for tests and the screen reader)."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            row = self.tree.topLevelItem(i)
            if row is not None and not row.isHidden():
                out.append(self._item_of(row).title)
        return out

    def error_lines(self) -> list[str]:
        """Every error line shown (children of broken rows), visible or not."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            row = self.tree.topLevelItem(i)
            if row is None:
                continue
            for j in range(row.childCount()):
                child = row.child(j)
                if child is not None:
                    out.append(str(child.data(0, _FULL_ERROR)))
        return out

    def select_path(self, path: Path) -> bool:
        for i in range(self.tree.topLevelItemCount()):
            row = self.tree.topLevelItem(i)
            if row is not None and self._item_of(row).path == path and not row.isHidden():
                self.tree.setCurrentItem(row)
                return True
        return False

    def select_title(self, title: str) -> bool:
        for i in range(self.tree.topLevelItemCount()):
            row = self.tree.topLevelItem(i)
            if row is not None and self._item_of(row).title == title:
                self.tree.setCurrentItem(row)
                return True
        return False

    def current_item(self) -> LibraryItem | None:
        row = self.tree.currentItem()
        return self._item_of(row) if row is not None else None

    def set_loading(self, on: bool) -> None:
        """Before the first scan: say so instead of showing an empty list."""
        self.empty_label.setText("Loading routines…" if on else "No routine matches your search.")
        self.empty_label.setVisible(on or (bool(self._items) and not self.visible_titles()))

    # -- filtering -------------------------------------------------------------
    def set_filter(self, text: str) -> None:
        self.search.setText(text)

    def _apply_filter(self, rows: Sequence[QTreeWidgetItem] | None = None) -> None:
        """Hide the rows the search words do not match (only ``rows`` if given)."""
        words = self.search.text().lower().split()
        partial = rows is not None and len(rows) < self.tree.topLevelItemCount()
        if rows is None:
            rows = [
                r
                for i in range(self.tree.topLevelItemCount())
                if (r := self.tree.topLevelItem(i)) is not None
            ]
        shown = False
        for row in rows:
            text = self._item_of(row).search_text()
            hide = not all(w in text for w in words)
            row.setHidden(hide)
            shown = shown or not hide
        self._any_shown = shown or (partial and self._any_shown)
        self.empty_label.setVisible(not self._any_shown and bool(self._items))
        current = self.tree.currentItem()
        if current is None or current.isHidden():
            first = self._first_visible_ok()
            self.tree.setCurrentItem(first)  # type: ignore[arg-type]
            if first is None:
                self._on_tree_current_changed(None, None)

    def _first_visible_ok(self) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            row = self.tree.topLevelItem(i)
            if row is not None and not row.isHidden() and self._item_of(row).ok:
                return row
        return None

    @staticmethod
    def _item_of(row: QTreeWidgetItem) -> LibraryItem:
        item = row.data(0, Qt.ItemDataRole.UserRole)
        assert isinstance(item, LibraryItem)
        return item

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        """The keyboard starts on the list, not in the search box (first in the tab
        order), where H for History and the other one-key commands were typed."""
        super().showEvent(event)
        if not self.isAncestorOf(self.window().focusWidget()):
            self.tree.setFocus()

    # -- slots -----------------------------------------------------------------
    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _on_search_text_changed(self, _text: str) -> None:
        self._apply_filter()

    def _on_tree_current_changed(
        self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None
    ) -> None:
        item = self._item_of(current) if current is not None else None
        self.open_button.setEnabled(item is not None and item.ok)
        # the bundled routines are part of the app: shown, not edited in place
        self.edit_button.setEnabled(item is not None and not item.bundled)
        self.folder_button.setEnabled(item is not None)
        if item is None:
            self.detail.setText("")
        elif item.ok and item.routine is not None:
            self.detail.setText(item.routine.description or str(item.path))
        else:
            n = len(item.errors)
            self.detail.setText(
                f"{item.path} has {n} error{'s' if n != 1 else ''} and cannot be started."
            )

    def _on_edit_clicked(self) -> None:
        item = self.current_item()
        if item is not None:
            self.edit_requested.emit(item.path)

    def _on_folder_clicked(self) -> None:
        item = self.current_item()
        if item is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(item.path.parent)))

    def _on_tree_item_activated(self, row: QTreeWidgetItem, _column: int) -> None:
        item = self._item_of(row)
        if item.ok:
            self.routine_activated.emit(item)

    def _on_open_clicked(self) -> None:
        item = self.current_item()
        if item is not None and item.ok:
            self.routine_activated.emit(item)


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
