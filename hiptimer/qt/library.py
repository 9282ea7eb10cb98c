"""The routine library, the app's first page.

The library lists the bundled and the user's routines (name, duration,
exercises, tags) with a search box. A routine that does not load is listed
too, under its file name, with each located error (``path:line:col:
message``) in red beneath it; it cannot be started. Opening a good routine
shows its overview (``hiptimer.qt.overview``). The page imports no parser and
no display model: its first rows come from the library's index.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QColor,
    QKeySequence,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hiptimer.libindex import FileKey, IndexRow, RowInfo, row_info
from hiptimer.qt.theme import current_theme, surface

if TYPE_CHECKING:
    from hiptimer.plan import Plan
    from hiptimer.routine import Routine

#: Rows measured to size the Duration and Exercises columns.
RESIZE_PRECISION = 100
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
#: Where an error row keeps its full ``path:line:col: message``.
_FULL_ERROR = Qt.ItemDataRole.UserRole + 1


def short_error(path: Path, error: str) -> str:
    """``/long/path/name.yaml:4:3: message`` -> ``name.yaml:4:3: message``."""
    full = str(path)
    return path.name + error[len(full) :] if error.startswith(full + ":") else error


@dataclass(frozen=True)
class LibraryItem:
    """One row of the library: a routine that loaded, or a file that did not.

    A row read from the library's index (``hiptimer.libindex``) has its ``info``
    but no ``routine`` until it is opened (the file is read then)."""

    path: Path
    routine: Routine | None
    errors: tuple[str, ...]  # "path:line:col: message", empty when the routine loaded
    bundled: bool = False
    info: RowInfo | None = None
    key: FileKey | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and (self.routine is not None or self.info is not None)

    @property
    def title(self) -> str:
        if self.info is not None:
            return self.info.name
        return self.routine.name if self.routine is not None else self.path.name

    def search_text(self) -> str:
        i = self.info
        if i is not None:
            return " ".join((i.name, i.description, *i.tags, self.path.name)).lower()
        r = self.routine
        if r is None:
            return self.path.name.lower()
        return " ".join((r.name, r.description, *r.tags, self.path.name)).lower()

    def index_row(self) -> IndexRow | None:
        """This row as the index saves it (None before its file was stat'ed)."""
        if self.key is None or (self.info is None and not self.errors):
            return None
        return IndexRow(str(self.path), self.key, self.bundled, self.info, self.errors)

    @classmethod
    def from_index(cls, row: IndexRow) -> LibraryItem:
        return cls(Path(row.path), None, row.errors, row.bundled, row.info, row.key)

    def shows_as(self) -> tuple[object, ...]:
        """What the row shows: two items that show the same need no repaint."""
        return (self.path, self.bundled, self.info, self.errors)


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
        #: the rows' items by ``str(path)``, the key each tree row holds (no Path is made
        #: per row: with 1,000 rows that took 20 ms before the first paint)
        self._by_key: dict[str, LibraryItem] = {}
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
        # the short Duration and Exercises columns are sized from the first rows, not
        # from every one of 1,000 (which took 25 ms before the first paint)
        header.setResizeContentsPrecision(RESIZE_PRECISION)
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
        self.tree.clear()  # before the rows' items go: clearing changes the current row
        self._items = []
        self._by_key.clear()
        self._plans.clear()
        self.add_items(items, plans, keep=current.path if current is not None else None)

    def update_items(
        self, items: Sequence[LibraryItem], plans: dict[Path, Plan] | None = None
    ) -> bool:
        """Show ``items``, touching the screen only if a row looks different (a
        rescan that found nothing new repaints nothing). True if the rows changed."""
        if [i.shows_as() for i in items] != [i.shows_as() for i in self._items]:
            self.set_items(items, plans)
            return True
        self._items = list(items)
        self._by_key = {str(i.path): i for i in self._items}
        self._plans = {p: plan for p, plan in self._plans.items() if str(p) in self._by_key}
        for path, plan in (plans or {}).items():
            self._plans[path] = plan
        return False

    def add_items(
        self,
        items: Iterable[LibraryItem],
        plans: dict[Path, Plan] | None = None,
        *,
        keep: Path | None = None,
    ) -> None:
        """Append rows (the background scan sends them in batches). ``plans``
        are the good routines' plans when the caller compiled them already."""
        new: list[LibraryItem] = []
        for item in items:
            if item.info is None and item.routine is not None and not item.errors:
                from hiptimer.plan import compile_plan

                plan = (plans or {}).get(item.path) or compile_plan(item.routine)
                self._plans[item.path] = plan
                item = replace(item, info=row_info(item.routine, plan))
            elif plans and item.path in plans:
                self._plans[item.path] = plans[item.path]
            new.append(item)
            self._by_key[str(item.path)] = item
        self._items.extend(new)
        error_color = QColor(surface(current_theme(), "error"))
        # Edit or Duplicate on a bundled routine makes the user's copy under its name
        # (the scan sends the bundled routines first)
        bundled_names = {i.info.name for i in self._items if i.bundled and i.info is not None}
        rows: list[QTreeWidgetItem] = []
        for item in new:
            key = str(item.path)
            info = item.info
            if item.ok and info is not None:
                copy = not item.bundled and info.name in bundled_names
                name = info.name + (" (your copy)" if copy else "")
                row = QTreeWidgetItem(
                    [name, info.duration, str(info.exercises), ", ".join(info.tags)]
                )
                row.setData(0, Qt.ItemDataRole.UserRole, key)
                row.setToolTip(0, info.description or key)
                row.setTextAlignment(1, _RIGHT)
                row.setTextAlignment(2, _RIGHT)
            else:
                row = QTreeWidgetItem(
                    [f"⚠ {item.path.name}", "—", "—", "cannot start: fix the file"]
                )
                row.setData(0, Qt.ItemDataRole.UserRole, key)
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
                    child.setData(0, Qt.ItemDataRole.UserRole, key)
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
        """The routine's plan (compiled when first asked); None before it is read."""
        plan = self._plans.get(item.path)
        if plan is None and item.routine is not None and not item.errors:
            from hiptimer.plan import compile_plan

            plan = self._plans[item.path] = compile_plan(item.routine)
        return plan

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
        self.empty_label.setVisible(on or (bool(self._items) and not self._any_shown))

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
            hide = bool(words) and not all(w in self._item_of(row).search_text() for w in words)
            if hide != row.isHidden():
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

    def _item_of(self, row: QTreeWidgetItem) -> LibraryItem:
        return self._by_key[str(row.data(0, Qt.ItemDataRole.UserRole))]

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
        elif item.ok and item.info is not None:
            self.detail.setText(item.info.description or str(item.path))
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
            from PySide6.QtCore import QUrl
            from PySide6.QtGui import QDesktopServices

            QDesktopServices.openUrl(QUrl.fromLocalFile(str(item.path.parent)))

    def _on_tree_item_activated(self, row: QTreeWidgetItem, _column: int) -> None:
        item = self._item_of(row)
        if item.ok:
            self.routine_activated.emit(item)

    def _on_open_clicked(self) -> None:
        item = self.current_item()
        if item is not None and item.ok:
            self.routine_activated.emit(item)
