"""The library page and the overview page, fed from the real loader."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hiptimer import loader
from hiptimer.plan import compile_plan
from hiptimer.qt.library import LibraryItem, LibraryPage
from hiptimer.qt.overview import OverviewPage
from hiptimer.resources import routines_dir
from hiptimer.safety import SAFETY_NOTE

BROKEN = "name: Broken\nexercises:\n  - name: Lunge\n    hold: 30 parsecs\n"


def _items(extra: list[Path]) -> list[LibraryItem]:
    out = []
    for path in sorted(routines_dir().glob("*.yaml")) + extra:
        try:
            out.append(LibraryItem(path, loader.load_routine(path), ()))
        except loader.RoutineErrors as e:
            out.append(LibraryItem(path, None, tuple(str(x) for x in e.errors)))
    return out


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    p = tmp_path / "broken.yaml"
    p.write_text(BROKEN, encoding="utf-8")
    return p


def test_lists_routines_and_broken_file_with_located_error(qtbot: QtBot, broken: Path) -> None:
    page = LibraryPage()
    qtbot.addWidget(page)
    items = _items([broken])
    page.set_items(items)
    names = {i.routine.name for i in items if i.routine is not None}
    assert len(names) >= 6
    assert names | {"broken.yaml"} == set(page.visible_titles())
    errs = page.error_lines()
    assert errs and all(e.startswith(f"{broken}:4:") for e in errs)
    # the row of a good routine shows duration, exercise count and tags
    model = page.tree.model()
    first = items[0]
    assert first.routine is not None
    assert model.index(0, 0).data() == first.routine.name
    assert model.index(0, 2).data() == str(len(first.routine.exercises))
    assert ":" in model.index(0, 1).data()
    assert model.index(0, 3).data() == ", ".join(first.routine.tags)


def test_broken_routine_cannot_be_opened(qtbot: QtBot, broken: Path) -> None:
    page = LibraryPage()
    qtbot.addWidget(page)
    page.set_items(_items([broken]))
    opened: list[LibraryItem] = []
    page.routine_activated.connect(opened.append)
    assert page.select_title("broken.yaml")
    assert not page.open_button.isEnabled()
    assert "cannot be started" in page.detail.text()
    page.open_button.click()
    qtbot.keyClick(page.tree, Qt.Key.Key_Return)
    assert opened == []
    good = next(t for t in page.visible_titles() if t != "broken.yaml")
    page.select_title(good)
    assert page.open_button.isEnabled()
    page.open_button.click()
    assert [i.title for i in opened] == [good]


def test_search_filters_by_name_tag_and_description(qtbot: QtBot) -> None:
    page = LibraryPage()
    qtbot.addWidget(page)
    items = _items([])
    page.set_items(items)
    everything = page.visible_titles()

    qtbot.keyClicks(page.search, "walk")
    walk = [i.title for i in items if "walk" in i.search_text()]
    assert page.visible_titles() == walk
    assert 0 < len(walk) < len(everything)

    page.set_filter("BREATH")  # a tag, case-insensitive
    tagged = [i.title for i in items if i.routine and "breath" in i.routine.tags]
    assert tagged and set(tagged) <= set(page.visible_titles())

    page.set_filter("no such routine anywhere")
    assert page.visible_titles() == []
    assert not page.empty_label.isHidden()
    assert not page.open_button.isEnabled()
    page.set_loading(False)  # the end of a scan keeps saying that nothing matches
    assert not page.empty_label.isHidden()
    assert page.empty_label.text() == "No routine matches your search."

    page.set_filter("")
    assert page.visible_titles() == everything
    page.set_loading(False)
    assert page.empty_label.isHidden()


def test_overview_shows_steps_total_and_safety(qtbot: QtBot) -> None:
    page = OverviewPage()
    qtbot.addWidget(page)
    routine = loader.load_routine(routines_dir() / "hip-flexor-release.yaml")
    plan = compile_plan(routine)
    starts: list[bool] = []
    page.start_requested.connect(lambda: starts.append(True))
    page.set_routine(routine)
    rows = page.step_rows()
    assert len(rows) == len(plan.steps)
    assert rows[0][0] == "0:00"
    last = plan.steps[-1]
    assert rows[-1][0] == f"{int(last.start_s) // 60}:{int(last.start_s) % 60:02d}"
    assert page.title.text() == routine.name
    assert page.safety.text() == SAFETY_NOTE
    assert "Total" in page.total.text()
    assert page.start_button.isEnabled()
    page.start_button.click()
    assert starts == [True]


def test_overview_of_a_broken_file_shows_errors_and_no_start(qtbot: QtBot, broken: Path) -> None:
    page = OverviewPage()
    qtbot.addWidget(page)
    with pytest.raises(loader.RoutineErrors) as exc:
        loader.load_routine(broken)
    page.set_errors(broken, [str(e) for e in exc.value.errors])
    assert page.routine is None
    assert not page.start_button.isEnabled()
    assert f"{broken}:4:" in page.errors.text()


def test_overview_shows_the_coach_notes_only_when_there_are_some(qtbot: QtBot) -> None:
    page = OverviewPage()
    qtbot.addWidget(page)
    text = (
        "name: R\nexercises:\n"
        "  - {name: Bridge, hold: 30s, coach: Cue the ribs down.}\n"
        "  - {name: Fold, hold: 30s}\n"
    )
    page.set_routine(loader.load_routine_text(text, "r.yaml"))
    assert not page.coach.isHidden()
    assert "Bridge: Cue the ribs down." in page.coach.text()
    assert "Fold" not in page.coach.text()
    page.set_routine(loader.load_routine(routines_dir() / "hip-flexor-release.yaml"))
    assert page.coach.isHidden() and page.coach.text() == ""


def test_the_search_box_hands_the_keyboard_to_the_list(qtbot: QtBot) -> None:
    """The library opens with the keyboard in the search box: Down goes to the list
    (its current row kept) and Enter opens the highlighted routine, so "type a word,
    Enter" and "Down, arrows, Enter" both work without the mouse."""
    page = LibraryPage()
    qtbot.addWidget(page)
    page.set_items(_items([]))
    page.show()
    page.activateWindow()
    qtbot.waitExposed(page)
    page.search.setFocus()
    qtbot.waitUntil(page.search.hasFocus)
    qtbot.keyClicks(page.search, "desk")
    current = page.current_item()
    assert current is not None and current.routine is not None
    assert "desk" in current.search_text()
    with qtbot.waitSignal(page.routine_activated) as opened:
        qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert opened.args == [current]
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    qtbot.waitUntil(page.tree.hasFocus)
    assert page.current_item() == current


def test_your_copy_of_a_bundled_routine_is_told_apart(qtbot: QtBot, tmp_path: Path) -> None:
    """Edit or Duplicate on a bundled routine makes the user's copy under the same
    name; the library listed two 'Desk break' rows with nothing to tell which was
    the one just changed."""
    bundled = routines_dir() / "desk-break.yaml"
    mine = tmp_path / "desk-break.yaml"
    mine.write_text(bundled.read_text(encoding="utf-8"), encoding="utf-8")
    other = tmp_path / "other.yaml"
    other.write_text("name: Other\nexercises:\n  - name: A\n    hold: 5s\n", encoding="utf-8")
    items = [
        LibraryItem(bundled, loader.load_routine(bundled), (), bundled=True),
        LibraryItem(mine, loader.load_routine(mine), ()),
        LibraryItem(other, loader.load_routine(other), ()),
    ]
    page = LibraryPage()
    qtbot.addWidget(page)
    page.set_items(items)
    model = page.tree.model()
    assert model.rowCount() == 3
    shown = [model.index(i, 0).data() for i in range(3)]
    assert shown == ["Desk break", "Desk break (your copy)", "Other"]


def test_the_library_opens_with_the_keyboard_on_the_list(qtbot: QtBot) -> None:
    """The one-key commands (H for History, Ctrl+E, Space on the overview...) and the
    arrows work at once: with the search box first, 'H' typed an h into it."""
    from PySide6.QtWidgets import QApplication

    page = LibraryPage()
    qtbot.addWidget(page)
    page.set_items(_items([]))
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    assert QApplication.focusWidget() is page.tree


def test_show_in_folder_opens_the_selected_routines_folder(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The button's QUrl and QDesktopServices are imported when it is clicked (not on the
    way to the first paint): the click still opens the file's folder."""
    from PySide6.QtGui import QDesktopServices

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    page = LibraryPage()
    qtbot.addWidget(page)
    page.set_items(_items([]))
    assert page.select_title("Desk break")
    assert page.folder_button.isEnabled()
    qtbot.mouseClick(page.folder_button, Qt.MouseButton.LeftButton)
    assert opened == [str(routines_dir())]
