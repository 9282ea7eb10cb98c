"""The routine library, the app's first page.

The library lists the bundled and the user's routines (name, duration,
exercises, tags) with a search box. A routine that does not load is listed
too, under its file name, with each located error (``path:line:col:
message``) in red beneath it; it cannot be started. Opening a good routine
shows its overview (``hiptimer.qt.overview``). The page imports no parser and
no display model: its first rows come from the library's index.

The list is Qt's model/view: :class:`LibraryModel` holds the rows as
:class:`LibraryItem` objects and the view asks it only for the rows on screen,
so 10,000 routines are shown about as fast as 10. The search filters that list
in Python and the model shows the rows that match.

Nothing here touches ``PySide6.QtCore.Qt`` on the way to the first paint (its
first use makes some 90 Python enums, ~10 ms): roles, alignments and the like
are the plain ints below, and the model overrides neither ``flags()`` (Qt's
default, enabled and selectable, is what the rows need) nor ``headerData()``
(its ``Qt.Orientation`` argument would make the enums; the header's labels come
from a small model of their own).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, overload

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QKeySequence,
    QShortcut,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeView,
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
#: Qt's item data roles and flags as plain ints (``Qt.ItemDataRole.DisplayRole.value``
#: and so on; tests check each against Qt): the view calls ``data()`` with an int role
#: and takes an int alignment, so no ``Qt`` enum is made for them.
DISPLAY_ROLE = 0
TOOLTIP_ROLE = 3
TEXT_ALIGNMENT_ROLE = 7
FOREGROUND_ROLE = 9
USER_ROLE = 256
#: Where a row keeps its file's path (``str``), an error row its broken file's.
PATH_ROLE = USER_ROLE
#: Where an error row keeps its full ``path:line:col: message``.
FULL_ERROR_ROLE = USER_ROLE + 1
#: ``Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter``
ALIGN_RIGHT_VCENTER = 0x82
#: ``Qt.ShortcutContext.WidgetShortcut``
WIDGET_SHORTCUT = 0
#: ``Qt.TextInteractionFlag.TextSelectableByMouse``
TEXT_SELECTABLE_BY_MOUSE = 1
_ROOT = QModelIndex()
_NCOLUMNS = 4


def short_error(path: Path, error: str) -> str:
    """``/long/path/name.yaml:4:3: message`` -> ``name.yaml:4:3: message``."""
    full = str(path)
    return path.name + error[len(full) :] if error.startswith(full + ":") else error


class LibraryItem(NamedTuple):
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


class LibraryModel(QAbstractItemModel):
    """The library's rows for a QTreeView: a routine per top-level row, and under a
    file that did not load one row per error.

    ``items`` is every row; ``shown`` the positions in it of the rows the search lets
    through, in order (the view sees only those). An error row's internal id is its
    broken row's place among the shown rows plus one (0 for a top-level row): rows
    are only ever appended or reset, so that place holds while the row is shown.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.items: list[LibraryItem] = []
        self.shown: list[int] = []
        #: the search words the shown rows match (empty: every row)
        self.words: list[str] = []
        #: each item's search_text(), made at the first search
        self._texts: list[str] | None = None
        #: names of the bundled routines: the user's routine of the same name is "(your copy)"
        self._bundled_names: set[str] = set()
        self._broken = 0
        self.error_color = QColor("red")

    # -- what the page changes ----------------------------------------------
    def reset_items(self, items: list[LibraryItem], words: list[str]) -> None:
        """Show ``items`` (those matching ``words``), the rows before dropped."""
        self.beginResetModel()
        self.items = items
        self._texts = None
        self._bundled_names = {i.info.name for i in items if i.bundled and i.info is not None}
        self._broken = sum(1 for i in items if not i.ok)
        self.words = words
        self.shown = self._matching(range(len(items)))
        self.endResetModel()

    def append_items(self, items: Sequence[LibraryItem]) -> None:
        """Add rows at the end (those matching the search are shown)."""
        start = len(self.items)
        self.items.extend(items)
        for item in items:
            if item.bundled and item.info is not None:
                self._bundled_names.add(item.info.name)
            if not item.ok:
                self._broken += 1
        if self._texts is not None:
            self._texts.extend(i.search_text() for i in items)
        new = self._matching(range(start, len(self.items)))
        if new:
            first = len(self.shown)
            self.beginInsertRows(_ROOT, first, first + len(new) - 1)
            self.shown.extend(new)
            self.endInsertRows()

    def replace_items(self, items: list[LibraryItem]) -> None:
        """The same rows as newer objects that show the same (nothing repaints)."""
        self.items = items
        self._texts = None

    def set_words(self, words: list[str]) -> None:
        """Show the rows whose search text holds every one of ``words``."""
        if words == self.words:
            return
        # more letters typed: the rows that match are among those shown
        narrower = all(any(old in new for new in words) for old in self.words)
        pool: Iterable[int] = self.shown if narrower else range(len(self.items))
        self.words = words
        shown = self._matching(pool)
        if shown == self.shown:
            return
        self.beginResetModel()
        self.shown = shown
        self.endResetModel()

    def _matching(self, pool: Iterable[int]) -> list[int]:
        words = self.words
        if not words:
            return list(pool)
        if self._texts is None:
            self._texts = [i.search_text() for i in self.items]
        texts = self._texts
        if len(words) == 1:
            w = words[0]
            return [i for i in pool if w in texts[i]]
        return [i for i in pool if all(w in texts[i] for w in words)]

    # -- what the page asks ---------------------------------------------------
    def has_broken(self) -> bool:
        return self._broken > 0

    def broken_rows(self) -> list[int]:
        """The shown rows of files that did not load."""
        if not self._broken:
            return []
        items = self.items
        return [r for r, i in enumerate(self.shown) if not items[i].ok]

    @staticmethod
    def top_row(index: QModelIndex | QPersistentModelIndex) -> int:
        """The shown top-level row of ``index`` (an error line's: its file's); -1 for
        no row."""
        if not index.isValid():
            return -1
        up = index.internalId()
        return up - 1 if up else index.row()

    def item_at(self, index: QModelIndex | QPersistentModelIndex) -> LibraryItem | None:
        """The row's item (an error row's: its file's); None for no row."""
        row = self.top_row(index)
        return self.items[self.shown[row]] if 0 <= row < len(self.shown) else None

    def row_of(self, position: int) -> int:
        """The shown row of ``items[position]``, or -1 when the search hides it."""
        r = bisect_left(self.shown, position)
        return r if r < len(self.shown) and self.shown[r] == position else -1

    def cell_key(self, row: int, column: int) -> tuple[str, bool]:
        """What a top-level cell's width depends on: its text, and its row's look."""
        item = self.items[self.shown[row]]
        return (self._cell_text(item, column), item.ok and item.info is not None)

    def _cell_text(self, item: LibraryItem, column: int) -> str:
        """A top-level row's text in ``column``."""
        info = item.info
        if not item.ok or info is None:
            return _BROKEN_TEXT[column] if column else f"⚠ {item.path.name}"
        if column == 0:
            copy = not item.bundled and info.name in self._bundled_names
            return info.name + " (your copy)" if copy else info.name
        if column == 1:
            return info.duration
        if column == 2:
            return str(info.exercises)
        return ", ".join(info.tags)

    # -- QAbstractItemModel -----------------------------------------------------
    def index(
        self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = _ROOT
    ) -> QModelIndex:
        if parent.isValid():
            if parent.internalId() or not 0 <= parent.row() < len(self.shown):
                return QModelIndex()
            errors = self.items[self.shown[parent.row()]].errors
            if 0 <= row < len(errors) and 0 <= column < _NCOLUMNS:
                return self.createIndex(row, column, parent.row() + 1)
            return QModelIndex()
        if 0 <= row < len(self.shown) and 0 <= column < _NCOLUMNS:
            return self.createIndex(row, column, 0)
        return QModelIndex()

    @overload
    def parent(self) -> QObject: ...
    @overload
    def parent(self, child: QModelIndex | QPersistentModelIndex) -> QModelIndex: ...
    def parent(
        self, child: QModelIndex | QPersistentModelIndex | None = None
    ) -> QObject | QModelIndex:
        if child is None:
            return super().parent()
        up = child.internalId()  # 0 for a top-level row and for no row
        return self.createIndex(up - 1, 0, 0) if up else QModelIndex()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        if not parent.isValid():
            return len(self.shown)
        if parent.internalId() or parent.column() != 0:
            return 0
        return len(self.items[self.shown[parent.row()]].errors)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        return _NCOLUMNS

    def hasChildren(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> bool:  # noqa: N802
        if not parent.isValid():
            return bool(self.shown)
        if not self._broken or parent.internalId() or parent.column() != 0:
            return False
        return bool(self.items[self.shown[parent.row()]].errors)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY_ROLE) -> object:
        if role not in _ROLES:
            return None
        up = index.internalId()
        if up:  # an error line
            if index.column() != 0:
                return None
            item = self.items[self.shown[up - 1]]
            err = item.errors[index.row()]
            if role == DISPLAY_ROLE:
                return short_error(item.path, err)  # the full path in the tooltip
            if role == FOREGROUND_ROLE:
                return self.error_color
            if role == PATH_ROLE:
                return str(item.path)
            return err if role in (TOOLTIP_ROLE, FULL_ERROR_ROLE) else None
        item = self.items[self.shown[index.row()]]
        column = index.column()
        if role == DISPLAY_ROLE:
            return self._cell_text(item, column)
        info = item.info
        if item.ok and info is not None:
            if role == TEXT_ALIGNMENT_ROLE:
                return ALIGN_RIGHT_VCENTER if column in (1, 2) else None
            if column != 0:
                return None
            if role == TOOLTIP_ROLE:
                return info.description or str(item.path)
            return str(item.path) if role == PATH_ROLE else None
        if role == FOREGROUND_ROLE:
            return self.error_color if column in (0, 3) else None
        if column != 0:
            return None
        if role == TOOLTIP_ROLE:
            return "\n".join(item.errors)
        return str(item.path) if role == PATH_ROLE else None


_ROLES = frozenset(
    (DISPLAY_ROLE, TOOLTIP_ROLE, TEXT_ALIGNMENT_ROLE, FOREGROUND_ROLE, PATH_ROLE, FULL_ERROR_ROLE)
)
_BROKEN_TEXT = ("", "—", "—", "cannot start: fix the file")


class LibraryTree(QTreeView):
    """The list's view.

    Its Duration and Exercises columns are sized to their contents, measured over
    RESIZE_PRECISION rows (those on screen and below; above them at the end of the
    list), as Qt's ``sizeHintForColumn`` does. Qt's own asks the delegate, and so the
    model (Python), for each of those rows, and the header asks again at every layout
    (six times before the first paint): 12 ms for 1,000 rows. Here the delegate
    measures one row per different text (a column of durations holds few), and a
    column's width is kept until the rows change or the list scrolls.

    (No Python object of the selection model, the scroll bars, a style option or an
    event is made on the way to the first paint: each makes its class's Python enums.)
    """

    #: the current row changed: (current, previous) as QTreeWidget's currentItemChanged
    current_changed = Signal(QModelIndex, QModelIndex)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._widths: dict[int, int] = {}

    def setModel(self, model: QAbstractItemModel | None) -> None:  # noqa: N802 - Qt API
        super().setModel(model)
        if model is not None:
            for changed in (model.modelReset, model.rowsInserted, model.layoutChanged):
                changed.connect(self.forget_widths)

    def forget_widths(self) -> None:
        self._widths.clear()

    def currentChanged(  # noqa: N802 - Qt API
        self,
        current: QModelIndex | QPersistentModelIndex,
        previous: QModelIndex | QPersistentModelIndex,
    ) -> None:
        super().currentChanged(current, previous)
        self.current_changed.emit(current, previous)

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802 - Qt API
        if dy:
            self._widths.clear()  # other rows on screen: measured anew
        super().scrollContentsBy(dx, dy)

    def sizeHintForColumn(self, column: int) -> int:  # noqa: N802 - Qt API
        width = self._widths.get(column)
        if width is None:
            width = self._measure(column)
            if width >= 0:  # -1: nothing laid out yet
                self._widths[column] = width
        return width

    def _measure(self, column: int) -> int:
        model = self.model()
        if not isinstance(model, LibraryModel) or column == 0:
            return super().sizeHintForColumn(column)  # the tree column: indented
        self.executeDelayedItemsLayout()
        count = len(model.shown)
        if not count:
            return super().sizeHintForColumn(column)
        self.ensurePolished()
        # from the first row on screen (an error line's: its file's row)
        first = max(0, model.top_row(self.indexAt(QPoint(0, 0))))
        first = max(0, min(first, count - RESIZE_PRECISION))
        rows: dict[tuple[str, bool], int] = {}
        for row in range(first, min(count, first + RESIZE_PRECISION)):
            rows.setdefault(model.cell_key(row, column), row)
        return max(self.sizeHintForIndex(model.index(row, column)).width() for row in rows.values())


class LibraryPage(QWidget):
    """The list of routines with search. Emits ``routine_activated`` for a good routine."""

    routine_activated = Signal(object)  # LibraryItem
    history_requested = Signal()
    #: "Open in editor" on a row: the routine file's Path (the editor connects to it).
    edit_requested = Signal(object)

    COLUMNS = ("Routine", "Duration", "Exercises", "Tags")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plans: dict[Path, Plan] = {}

        title = QLabel("Routines")
        title.setProperty("role", "title")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by name, tag or description  (Ctrl+F)")
        self.search.textChanged.connect(self._on_search_text_changed)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.activated.connect(self._focus_search)
        # The window opens with the keyboard here: Enter opens the highlighted
        # routine and Down hands the keyboard to the list (the current row kept).
        # (The key as text and the context as an int: Qt.Key and Qt.ShortcutContext
        # would make Qt's enums before the first paint.)
        self.search.returnPressed.connect(self._on_open_clicked)
        to_list = QShortcut(QKeySequence("Down"), self.search)
        to_list.setProperty("context", WIDGET_SHORTCUT)

        self.model = LibraryModel(self)
        self.tree = LibraryTree()
        self.tree.setObjectName("library")
        self.tree.setModel(self.model)
        # the header's labels from a model of their own: the list's model would be
        # asked for them with a Qt.Orientation (see the module's docstring)
        self._header_labels = QStandardItemModel(0, len(self.COLUMNS), self.tree)
        self._header_labels.setHorizontalHeaderLabels(list(self.COLUMNS))
        header = self.tree.header()
        header.setModel(self._header_labels)
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setWordWrap(True)
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
        self.tree.activated.connect(self._on_tree_activated)
        self.tree.current_changed.connect(self._on_tree_current_changed)
        to_list.activated.connect(self.tree.setFocus)

        self.detail = QLabel()
        self.detail.setWordWrap(True)
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
        # The keyboard starts on the list, not in the search box (first in the tab
        # order), where H for History and the other one-key commands were typed. (Set
        # here, not in a showEvent: a Python event handler before the first paint makes
        # QEvent's enums, 1.3 ms.)
        self.tree.setFocus()

    def after_first_paint(self) -> None:
        """What can wait for the window's first paint (the app calls it then): the
        description below the list becomes selectable with the mouse (an int for
        Qt.TextInteractionFlag, which would make Qt's enums)."""
        self.detail.setProperty("textInteractionFlags", TEXT_SELECTABLE_BY_MOUSE)

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
        self._plans.clear()
        rows = self._rows(items, plans)
        self.model.error_color = QColor(surface(current_theme(), "error"))
        self.model.reset_items(rows, self._words())
        self._after_rows_changed(keep=current.path if current is not None else None)

    def update_items(
        self, items: Sequence[LibraryItem], plans: dict[Path, Plan] | None = None
    ) -> bool:
        """Show ``items``, touching the screen only if a row looks different (a
        rescan that found nothing new repaints nothing). True if the rows changed."""
        if [i.shows_as() for i in items] != [i.shows_as() for i in self.model.items]:
            self.set_items(items, plans)
            return True
        self.model.replace_items(list(items))
        keys = {i.path for i in items}
        self._plans = {p: plan for p, plan in self._plans.items() if p in keys}
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
        """Append rows (the background scan sends them in batches; the current row
        stays). ``plans`` are the good routines' plans when the caller compiled them."""
        rows = self._rows(items, plans)
        if not self.model.items:
            self.model.error_color = QColor(surface(current_theme(), "error"))
        self.model.append_items(rows)
        self._after_rows_changed(keep=keep, new=rows)

    def _rows(
        self, items: Iterable[LibraryItem], plans: dict[Path, Plan] | None
    ) -> list[LibraryItem]:
        """``items`` as rows: a routine read from its file gets its row's info."""
        rows: list[LibraryItem] = []
        for item in items:
            if item.info is None and item.routine is not None and not item.errors:
                from hiptimer.plan import compile_plan

                plan = (plans or {}).get(item.path) or compile_plan(item.routine)
                self._plans[item.path] = plan
                item = item._replace(info=row_info(item.routine, plan))
            elif plans and item.path in plans:
                self._plans[item.path] = plans[item.path]
            rows.append(item)
        return rows

    def _after_rows_changed(
        self, *, keep: Path | None = None, new: Sequence[LibraryItem] | None = None
    ) -> None:
        """After a reset (``new`` None) or rows appended: broken rows expanded with
        their error lines across the row, the empty label, the current row."""
        model = self.model
        self.tree.setRootIsDecorated(model.has_broken())
        if new is None or any(not i.ok for i in new):
            self._show_error_lines()
        self._show_empty_label()
        if keep is not None and self.select_path(keep):
            return
        if not self.tree.currentIndex().isValid():
            self._select_first_ok()

    def _show_error_lines(self) -> None:
        tree, model = self.tree, self.model
        for row in model.broken_rows():
            parent = model.index(row, 0)
            for j in range(model.rowCount(parent)):
                tree.setFirstColumnSpanned(j, parent, True)
            tree.expand(parent)

    def items(self) -> list[LibraryItem]:
        return list(self.model.items)

    def plan_for(self, item: LibraryItem) -> Plan | None:
        """The routine's plan (compiled when first asked); None before it is read."""
        plan = self._plans.get(item.path)
        if plan is None and item.routine is not None and not item.errors:
            from hiptimer.plan import compile_plan

            plan = self._plans[item.path] = compile_plan(item.routine)
        return plan

    def visible_titles(self) -> list[str]:
        """Titles of the rows the search lets through (for tests and the screen reader)."""
        items = self.model.items
        return [items[i].title for i in self.model.shown]

    def error_lines(self) -> list[str]:
        """Every error line listed under the broken rows, shown or hidden by the search."""
        return [err for item in self.model.items for err in item.errors]

    def select_path(self, path: Path) -> bool:
        """Make the row of ``path`` current, if the search shows it."""
        return self._select_first(lambda item: item.path == path)

    def select_title(self, title: str) -> bool:
        """Make the first shown row called ``title`` current."""
        return self._select_first(lambda item: item.title == title)

    def _select_first(self, match: Callable[[LibraryItem], bool]) -> bool:
        """Make the first shown row whose item ``match``es current; False if none."""
        items = self.model.items
        for row, i in enumerate(self.model.shown):
            if match(items[i]):
                self.tree.setCurrentIndex(self.model.index(row, 0))
                return True
        return False

    def current_item(self) -> LibraryItem | None:
        return self.model.item_at(self.tree.currentIndex())

    def set_loading(self, on: bool) -> None:
        """Before the first scan: say so instead of showing an empty list."""
        self.empty_label.setText("Loading routines…" if on else "No routine matches your search.")
        self._show_empty_label(loading=on)

    def _show_empty_label(self, *, loading: bool = False) -> None:
        """Shown while loading, or when there are rows and the search hides them all."""
        self.empty_label.setVisible(loading or (bool(self.model.items) and not self.model.shown))

    # -- filtering -------------------------------------------------------------
    def set_filter(self, text: str) -> None:
        self.search.setText(text)

    def _words(self) -> list[str]:
        return self.search.text().lower().split()

    def _apply_filter(self) -> None:
        """Show the rows that hold every search word; the current row stays if shown,
        else the first good row shown becomes current."""
        model, tree = self.model, self.tree
        current = tree.currentIndex()
        # the current row as its place in the items (and its error line's, if one)
        top = model.top_row(current)
        at = model.shown[top] if top >= 0 else -1
        line = current.row() if current.internalId() else -1
        model.set_words(self._words())
        self._show_empty_label()
        if tree.currentIndex().isValid():
            return  # nothing changed
        self._show_error_lines()
        row = model.row_of(at) if at >= 0 else -1
        if row >= 0:
            index = model.index(row, 0)
            tree.setCurrentIndex(model.index(line, 0, index) if line >= 0 else index)
        else:
            self._select_first_ok()

    def _select_first_ok(self) -> None:
        """The first good row shown becomes current (none: the buttons say so)."""
        if self._select_first(lambda item: item.ok):
            return
        self.tree.setCurrentIndex(QModelIndex())
        self._on_tree_current_changed(QModelIndex(), QModelIndex())

    # -- slots -----------------------------------------------------------------
    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _on_search_text_changed(self, text: str) -> None:
        if text and not self.search.isClearButtonEnabled():
            # with the first text, when the box repaints anyway: made before the first
            # paint, its icon scanned Qt's image plugins (~4 ms); made just after it,
            # it repainted the unchanged box (an empty box shows no clear button)
            self.search.setClearButtonEnabled(True)
        self._apply_filter()

    def _on_tree_current_changed(
        self,
        current: QModelIndex | QPersistentModelIndex,
        _previous: QModelIndex | QPersistentModelIndex,
    ) -> None:
        item = self.model.item_at(current)
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

    def _on_tree_activated(self, index: QModelIndex) -> None:
        item = self.model.item_at(index)
        if item is not None and item.ok:
            self.routine_activated.emit(item)

    def _on_open_clicked(self) -> None:
        item = self.current_item()
        if item is not None and item.ok:
            self.routine_activated.emit(item)
