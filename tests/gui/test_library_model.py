"""The library's list as Qt model/view: the model's rows and roles, the search over
many rows, rows added in batches, and nothing of Qt's namespace before the first paint."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QTreeView
from pytestqt.qtbot import QtBot

from hiptimer.libindex import RowInfo
from hiptimer.qt import library as lib
from hiptimer.qt.library import LibraryItem, LibraryPage
from hiptimer.qt.theme import current_theme, surface

ROOT = Path(__file__).resolve().parents[2]


def _row(i: int, *, tags: tuple[str, ...] = ("desk",), bundled: bool = False) -> LibraryItem:
    info = RowInfo(f"Routine {i:05d}", f"{i % 60}:{i % 7:02d}", 1 + i % 9, tags, f"about {i}")
    return LibraryItem(Path(f"/r/r{i:05d}.yaml"), None, (), bundled, info, (1, i))


def _broken(name: str, n: int = 2) -> LibraryItem:
    path = Path(f"/r/{name}")
    errors = tuple(f"{path}:{k + 1}:3: bad thing {k}" for k in range(n))
    return LibraryItem(path, None, errors, key=(1, 1))


@pytest.fixture
def checked(qtlog: Any) -> Iterator[None]:
    """Qt's QAbstractItemModelTester checks the page's model after every change it
    signals (index, parent, row counts, data); each failure is a "FAIL!" warning."""
    yield
    fails = [r.message for r in qtlog.records if "FAIL!" in r.message]
    assert fails == []


def _page(qtbot: QtBot) -> LibraryPage:
    page = LibraryPage()
    qtbot.addWidget(page)
    QAbstractItemModelTester(
        page.model, QAbstractItemModelTester.FailureReportingMode.Warning, page
    )
    return page


def test_the_int_constants_are_qts_values() -> None:
    assert lib.DISPLAY_ROLE == Qt.ItemDataRole.DisplayRole.value
    assert lib.TOOLTIP_ROLE == Qt.ItemDataRole.ToolTipRole.value
    assert lib.TEXT_ALIGNMENT_ROLE == Qt.ItemDataRole.TextAlignmentRole.value
    assert lib.FOREGROUND_ROLE == Qt.ItemDataRole.ForegroundRole.value
    assert lib.USER_ROLE == Qt.ItemDataRole.UserRole.value
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    assert lib.ALIGN_RIGHT_VCENTER == right.value
    assert lib.WIDGET_SHORTCUT == Qt.ShortcutContext.WidgetShortcut.value
    assert lib.TEXT_SELECTABLE_BY_MOUSE == Qt.TextInteractionFlag.TextSelectableByMouse.value


def test_the_rows_data_by_role(qtbot: QtBot, checked: None) -> None:
    page = _page(qtbot)
    good = _row(1, tags=("hips", "desk"))
    plain = LibraryItem(Path("/r/plain.yaml"), None, (), info=RowInfo("Plain", "1:00", 1))
    bad = _broken("bad.yaml")
    page.set_items([good, plain, bad])
    m = page.model
    assert m.rowCount() == 3 and m.columnCount() == 4

    def cell(row: int, col: int, role: int, parent: QModelIndex | None = None) -> object:
        return m.data(m.index(row, col, parent or QModelIndex()), role)

    assert [cell(0, c, lib.DISPLAY_ROLE) for c in range(4)] == [
        "Routine 00001",
        "1:01",
        "2",
        "hips, desk",
    ]
    assert [cell(0, c, lib.TEXT_ALIGNMENT_ROLE) for c in range(4)] == [None, 0x82, 0x82, None]
    assert cell(0, 0, lib.TOOLTIP_ROLE) == "about 1"
    assert cell(1, 0, lib.TOOLTIP_ROLE) == "/r/plain.yaml"  # no description: the path
    assert cell(0, 0, lib.FOREGROUND_ROLE) is None
    assert cell(0, 0, lib.PATH_ROLE) == "/r/r00001.yaml"
    # the view takes the plain int as the alignment (what the delegate paints with)
    assert m.index(0, 1).data(Qt.ItemDataRole.TextAlignmentRole) == 0x82

    error = surface(current_theme(), "error")
    texts = [cell(2, c, lib.DISPLAY_ROLE) for c in range(4)]
    assert texts == ["⚠ bad.yaml", "—", "—", "cannot start: fix the file"]
    colors = [cell(2, c, lib.FOREGROUND_ROLE) for c in range(4)]
    names = [c.name() if isinstance(c, QColor) else c for c in colors]
    assert names == [error.lower(), None, None, error.lower()]
    assert (
        cell(2, 0, lib.TOOLTIP_ROLE) == "/r/bad.yaml:1:3: bad thing 0\n/r/bad.yaml:2:3: bad thing 1"
    )
    assert cell(2, 1, lib.TEXT_ALIGNMENT_ROLE) is None

    # one row per error under the broken file: its name and message, the full path kept
    parent = m.index(2, 0)
    assert m.hasChildren(parent) and not m.hasChildren(m.index(0, 0))
    assert m.rowCount(parent) == 2 and m.rowCount(m.index(0, 0)) == 0
    child = m.index(1, 0, parent)
    assert child.parent() == parent and m.parent(child).row() == 2
    assert child.data() == "bad.yaml:2:3: bad thing 1"
    assert cell(1, 0, lib.TOOLTIP_ROLE, parent) == "/r/bad.yaml:2:3: bad thing 1"
    assert cell(1, 0, lib.FULL_ERROR_ROLE, parent) == "/r/bad.yaml:2:3: bad thing 1"
    assert cell(1, 1, lib.DISPLAY_ROLE, parent) is None
    assert page.tree.isExpanded(parent) and page.tree.isFirstColumnSpanned(1, parent)
    assert page.tree.rootIsDecorated()
    assert page.model.item_at(child) is page.items()[2]
    # rows and error lines are enabled and selectable, as a QTreeWidget's were
    for index in (m.index(0, 0), child):
        flags = m.flags(index)
        assert flags & Qt.ItemFlag.ItemIsEnabled and flags & Qt.ItemFlag.ItemIsSelectable
        assert not flags & Qt.ItemFlag.ItemIsEditable

    page.set_items([good, plain])  # no broken file: no expand decoration
    assert not page.tree.rootIsDecorated()


def test_the_search_over_ten_thousand_rows(qtbot: QtBot, checked: None) -> None:
    page = _page(qtbot)
    items = [_row(i, tags=("desk",) if i % 3 else ("floor",)) for i in range(10_000)]
    items[5000] = _broken("broken-0123.yaml")
    page.set_items(items)
    assert len(page.visible_titles()) == 10_000

    def expect(text: str) -> list[str]:
        words = text.lower().split()
        return [i.title for i in items if all(w in i.search_text() for w in words)]

    # typing narrows, Backspace widens, another word starts over; order of words free
    for text in ("r", "ro", "routine 01", "routine 012", "routine 0123", "routine 012",
                 "0123", "floor 012", "012 floor", "FLOOR", "", "zzz", "routine 099"):  # fmt: skip
        page.set_filter(text)
        assert page.visible_titles() == expect(text), text
        assert page.model.rowCount() == len(expect(text))
    page.set_filter("0123")
    assert "broken-0123.yaml" in page.visible_titles()
    row = page.visible_titles().index("broken-0123.yaml")
    parent = page.model.index(row, 0)
    # the broken file's error lines, shown again after the reset, are expanded again
    assert page.tree.isExpanded(parent) and page.tree.isFirstColumnSpanned(0, parent)


def test_a_hidden_current_row_moves_to_the_first_good_row_shown(
    qtbot: QtBot, checked: None
) -> None:
    page = _page(qtbot)
    items = [_broken("a-0001.yaml"), *(_row(i) for i in range(1, 40))]
    page.set_items(items)
    assert page.select_title("Routine 00030")
    page.set_filter("routine 003")  # still shown: stays current
    current = page.current_item()
    assert current is not None and current.title == "Routine 00030"
    page.set_filter("0001")  # hidden: the first good row shown (not the broken file)
    current = page.current_item()
    assert current is not None and current.title == "Routine 00001"
    assert page.open_button.isEnabled()
    assert page.detail.text() == "about 1"
    page.set_filter("nothing like it")
    assert page.current_item() is None and not page.open_button.isEnabled()
    assert page.detail.text() == "" and not page.empty_label.isHidden()
    page.set_filter("")
    current = page.current_item()
    assert current is not None and current.title == "Routine 00001"
    assert page.empty_label.isHidden()
    # an error line as the current row: still its file's row, kept through a search
    m = page.model
    page.tree.setCurrentIndex(m.index(1, 0, m.index(0, 0)))
    assert page.current_item() is items[0]
    page.set_filter("a-0001")
    assert page.tree.currentIndex().parent().isValid()
    assert page.current_item() is items[0]


def test_rows_added_in_batches_keep_the_current_row_and_the_search(
    qtbot: QtBot, checked: None
) -> None:
    page = _page(qtbot)
    page.add_items(_row(i) for i in range(250))
    assert page.current_item() == page.items()[0]  # the first good row
    page.select_title("Routine 00100")
    page.set_filter("routine 001")
    resets: list[int] = []
    page.model.modelReset.connect(lambda: resets.append(1))
    page.add_items([*(_row(i) for i in range(250, 500)), _broken("x-00150.yaml")])
    page.add_items(_row(i) for i in range(1000, 1200))
    assert resets == []  # appended, not rebuilt
    current = page.current_item()
    assert current is not None and current.title == "Routine 00100"
    shown = page.visible_titles()  # every word of the search in the row's text
    words = ("routine", "001")
    assert shown == [i.title for i in page.items() if all(w in i.search_text() for w in words)]
    assert "Routine 01001" in shown and "Routine 00300" not in shown
    assert len(page.items()) == 701
    page.set_filter("x-0015")
    assert page.visible_titles() == ["x-00150.yaml"]
    assert page.tree.isExpanded(page.model.index(0, 0))
    # a batch with nothing that matches: the empty label stays, nothing is current
    page.set_filter("zzz")
    page.add_items([_row(2000)])
    assert page.visible_titles() == [] and not page.empty_label.isHidden()


def test_your_copy_is_named_when_the_bundled_routine_comes_in_a_later_batch(
    qtbot: QtBot, checked: None
) -> None:
    page = _page(qtbot)
    mine = LibraryItem(Path("/u/desk.yaml"), None, (), info=RowInfo("Desk", "1:00", 1))
    bundled = LibraryItem(Path("/b/desk.yaml"), None, (), True, RowInfo("Desk", "1:00", 1))
    page.add_items([mine])
    assert page.model.index(0, 0).data() == "Desk"
    page.add_items([bundled])
    assert [page.model.index(r, 0).data() for r in range(2)] == ["Desk (your copy)", "Desk"]


def test_update_items_with_nothing_new_changes_no_row(qtbot: QtBot, checked: None) -> None:
    page = _page(qtbot)
    items = [_row(i) for i in range(20)]
    page.set_items(items)
    page.set_filter("routine 0001")
    changes: list[str] = []
    for name in ("modelReset", "rowsInserted", "rowsRemoved", "dataChanged", "layoutChanged"):
        getattr(page.model, name).connect(lambda *_a, n=name: changes.append(n))
    same = [LibraryItem(i.path, None, (), info=i.info, key=i.key) for i in items]
    assert not page.update_items(same)
    assert changes == [] and page.items() == same
    assert page.update_items([*same, _row(99)])
    expected = ["Routine 00001", *(f"Routine 000{n}" for n in range(10, 20))]
    assert changes and page.visible_titles() == expected


def test_the_short_columns_are_as_wide_as_qt_measures_them(qtbot: QtBot, checked: None) -> None:
    """The Duration and Exercises widths are measured once per different text: the same
    widths as Qt's own measure of the same rows (at the top, the first hundred)."""
    page = _page(qtbot)
    items = [_row(i) for i in range(300)]
    long_ = LibraryItem(Path("/r/long.yaml"), None, (), info=RowInfo("Long", "~1:05:00", 123))
    longer = LibraryItem(Path("/r/x.yaml"), None, (), info=RowInfo("X", "~99:59:00", 12345))
    page.resize(1100, 700)
    page.show()
    qtbot.waitExposed(page)
    tree = page.tree
    widths = []
    for rows in (items, [*items[:42], long_, *items[42:], longer]):
        page.set_items(rows)
        for col in (1, 2):
            assert tree.sizeHintForColumn(col) == QTreeView.sizeHintForColumn(tree, col)
        qtbot.waitUntil(lambda: tree.header().sectionSize(1) >= tree.sizeHintForColumn(1))
        widths.append(tree.sizeHintForColumn(1))
    assert widths[1] > widths[0]  # the longer text in the first hundred rows widens it
    # scrolled to the end, the rows measured are the last ones, with the longest (Qt's
    # own measure leaves the very last row out there)
    tree.scrollToBottom()
    assert tree.sizeHintForColumn(1) > widths[1]


def test_after_the_first_paint_the_description_is_selectable(qtbot: QtBot, checked: None) -> None:
    page = _page(qtbot)
    page.after_first_paint()
    assert page.detail.textInteractionFlags() == Qt.TextInteractionFlag.TextSelectableByMouse


def test_the_search_box_gets_its_clear_button_with_its_first_text(
    qtbot: QtBot, checked: None
) -> None:
    """Not before (its icon loads Qt's image plugins; an empty box shows none)."""
    page = _page(qtbot)
    page.after_first_paint()
    assert not page.search.isClearButtonEnabled()
    qtbot.keyClicks(page.search, "d")
    assert page.search.isClearButtonEnabled()
    page.search.clear()
    assert page.search.isClearButtonEnabled()  # kept: the next word needs it too


def test_nothing_of_qts_namespace_is_made_before_the_first_paint(tmp_path: Path) -> None:
    """Qt's ``Qt`` namespace makes ~90 Python enums when first touched (8-15 ms): the
    page, filled with good and broken rows and painted, must not touch it."""
    script = textwrap.dedent(
        """
        import enum, sys
        made = []
        create = enum.EnumType.__dict__["_create_"]
        def spy(cls, name, *a, **k):
            made.append(name)
            return create(cls, name, *a, **k)
        enum.EnumType._create_ = spy
        from pathlib import Path
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from hiptimer.libindex import RowInfo
        from hiptimer.qt.library import LibraryItem, LibraryPage
        page = LibraryPage()
        rows = [LibraryItem(Path(f"/r/{i}.yaml"), None, (), i == 0, RowInfo(f"R{i}", "1:00", 2))
                for i in range(500)]
        rows.append(LibraryItem(Path("/r/bad.yaml"), None, ("/r/bad.yaml:1:1: bad",)))
        page.add_items(rows[:100])
        page.add_items(rows[100:])
        page.resize(900, 600)
        page.show()
        for _ in range(20):
            app.processEvents()
        painted = not page.tree.viewport().grab().isNull()
        qt_enums = {"AlignmentFlag", "ItemDataRole", "ItemFlag", "Key", "Orientation",
                    "GlobalColor", "ShortcutContext", "TextInteractionFlag"} & set(made)
        print("made:", sorted(qt_enums), "painted:", painted)
        page.after_first_paint()
        print("after:", "TextInteractionFlag" in made or "GlobalColor" in made)
        """
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert "made: [] painted: True" in out.stdout, out.stdout
    # (the spy sees the namespace when it is made: after the first paint it may be)
    assert "after:" in out.stdout


@pytest.mark.parametrize("n", [1, 3])
def test_enter_and_double_click_open_a_good_routine_only(
    qtbot: QtBot, checked: None, n: int
) -> None:
    page = _page(qtbot)
    items = [_broken("bad.yaml", n), _row(1)]
    page.set_items(items)
    page.show()
    qtbot.waitExposed(page)
    opened: list[LibraryItem] = []
    page.routine_activated.connect(opened.append)
    m, tree = page.model, page.tree
    for index in (m.index(0, 0), m.index(n - 1, 0, m.index(0, 0))):  # the file, an error
        tree.setCurrentIndex(index)
        qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert opened == []
    tree.setCurrentIndex(m.index(1, 2))
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    rect = tree.visualRect(m.index(1, 0))
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [items[1], items[1]]
