"""The routine editor through its widgets: open, change, reorder, undo, save, reload equal.

Plus the main window's Routine menu: New, Edit (a bundled routine becomes the user's
copy), Duplicate, Delete to the trash and back, File › Open routines folder.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QModelIndex, QObject, QSettings, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from hiptimer.loader import load_routine
from hiptimer.plan import compile_plan, format_clock
from hiptimer.qt.app import AppOptions, MainWindow
from hiptimer.qt.editor import RoutineEditor
from hiptimer.qt.settings import Settings
from hiptimer.resources import routines_dir

HAND = """\
# Morning hips -- my own, written by hand
name: Morning hips   # short
description: Three moves before breakfast.
tags: [hips, morning]
defaults:
  prep: 3
  rest: 5
exercises:
  # the stretch first
  - name: Pigeon pose
    how: Shin across the mat, back leg long; breathe into the hip.
    hold: 30s      # per side
    sides: each
  - name: Glute bridge
    reps: 10
    tempo: 3s
  - name: Child's pose
    hold: 5 breaths
"""


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    # closing a changed editor would ask "Save changes?" in a modal box
    monkeypatch.setattr(RoutineEditor, "ask_before_closing", False)


@pytest.fixture
def routine_file(tmp_path: Path) -> Path:
    p = tmp_path / "mine" / "morning.yaml"
    p.parent.mkdir()
    p.write_text(HAND, encoding="utf-8")
    return p


@pytest.fixture
def editor(qtbot: QtBot, routine_file: Path) -> RoutineEditor:
    ed = RoutineEditor(routine_file.read_text(encoding="utf-8"), routine_file)
    qtbot.addWidget(ed)
    ed.show()
    ed.activateWindow()
    qtbot.waitExposed(ed)
    return ed


def retype(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    """Select all and type, as a person does."""
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, text)


def names(ed: RoutineEditor) -> list[str]:
    return [ed.exercise_list.item(i).text() for i in range(ed.exercise_list.count())]


def diff(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="")
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_open_shows_the_routine_its_form_and_the_plan(
    editor: RoutineEditor, routine_file: Path
) -> None:
    assert editor.name_edit.text() == "Morning hips"
    assert editor.tags_edit.text() == "hips, morning"
    assert names(editor) == ["1. Pigeon pose", "2. Glute bridge", "3. Child's pose"]
    assert editor.amount_edit.text() == "30s"
    assert editor.kind_combo.currentData() == "hold"
    assert editor.sides_combo.currentData() == "each"
    plan = compile_plan(load_routine(routine_file))
    assert editor.total_label.text().startswith(f"Total {format_clock(plan.duration_s)}")
    assert editor.preview.count() == len(plan.steps)
    assert "Morning hips" in editor.windowTitle() and not editor.is_dirty()


def test_a_change_shows_live_in_the_plan_and_a_mistake_beside_its_field(
    qtbot: QtBot, editor: RoutineEditor
) -> None:
    before = editor.plan
    assert before is not None
    retype(qtbot, editor.amount_edit, "45s")
    assert editor.plan is not None
    assert editor.plan.duration_s == before.duration_s + 2 * 15
    message = editor._fields["dose"].message
    assert message.isHidden()
    retype(qtbot, editor.amount_edit, "45 sex")
    assert editor.plan is None
    assert not message.isHidden()
    assert "unknown unit 'sex'" in message.text() and "did you mean 'sec'" in message.text()
    assert editor.total_label.text() == "Total: —"
    retype(qtbot, editor.amount_edit, "45 sec")
    assert message.isHidden() and editor.plan is not None
    assert editor.is_dirty() and editor.windowTitle().startswith("*")


def test_the_window_title_follows_the_routines_name_as_it_is_typed(
    qtbot: QtBot, editor: RoutineEditor
) -> None:
    retype(qtbot, editor.name_edit, "Evening hips")
    assert editor.windowTitle().startswith("*Evening hips — ")
    retype(qtbot, editor.name_edit, "Evening hips and back")
    assert editor.windowTitle().startswith("*Evening hips and back — ")  # not the first edit's
    editor.stack.undo()  # the typing in one field is one step: back to the file's name
    assert editor.windowTitle().startswith("Morning hips — ")


def test_a_message_about_another_exercise_marks_it_in_the_list(
    qtbot: QtBot, editor: RoutineEditor
) -> None:
    editor.select_exercise(1)
    retype(qtbot, editor.sets_edit, "3x")
    assert "write only a number or a range" in editor._fields["sets"].message.text()
    editor.select_exercise(0)
    assert editor._fields["sets"].message.isHidden()
    assert names(editor)[1].startswith("⚠ ")
    assert "exercise 2:" in editor.problems_label.text()


def test_reorder_by_keyboard_and_by_drag(qtbot: QtBot, editor: RoutineEditor) -> None:
    editor.exercise_list.setFocus()
    qtbot.keyClick(editor.exercise_list, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert names(editor) == ["1. Glute bridge", "2. Pigeon pose", "3. Child's pose"]
    assert editor.exercise_list.currentRow() == 1  # the moved exercise stays chosen
    # a drop moves the row in the list's model; the editor moves the exercise
    model = editor.exercise_list.model()
    assert model.moveRow(QModelIndex(), 2, QModelIndex(), 0)
    assert names(editor) == ["1. Child's pose", "2. Glute bridge", "3. Pigeon pose"]
    text = editor.doc.text()
    assert text.index("Child's pose") < text.index("Glute bridge") < text.index("Pigeon pose")
    assert "# per side" in text  # the exercise's own comment moved with it


def test_undo_and_redo_from_the_keyboard(qtbot: QtBot, editor: RoutineEditor) -> None:
    original = editor.doc.text()
    retype(qtbot, editor.amount_edit, "1 min")
    editor.select_exercise(1)
    retype(qtbot, editor.sets_edit, "3-4")
    changed = editor.doc.text()
    assert editor.stack.count() == 2  # typing in one field is one step
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.sets_edit.text() == "" and editor.exercise_list.currentRow() == 1
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.doc.text() == original and not editor.is_dirty()
    assert editor.exercise_list.currentRow() == 0 and editor.amount_edit.text() == "30s"
    qtbot.keyClick(
        editor,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.keyClick(editor, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert editor.doc.text() == changed


def test_save_writes_only_the_change_and_reloads_equal(
    qtbot: QtBot, editor: RoutineEditor, routine_file: Path
) -> None:
    retype(qtbot, editor.amount_edit, "45s")
    with qtbot.waitSignal(editor.saved):
        qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    written = routine_file.read_text(encoding="utf-8")
    assert diff(HAND, written) == [
        "-    hold: 30s      # per side",
        "+    hold: 45s      # per side",
    ]
    reloaded = load_routine(routine_file)
    assert editor.routine is not None
    assert reloaded.exercises == editor.routine.exercises
    assert reloaded.name == editor.routine.name and not editor.is_dirty()
    again = RoutineEditor(written, routine_file)
    qtbot.addWidget(again)
    assert again.doc.text() == written and again.amount_edit.text() == "45s"


def test_a_catalogue_hold_changes_in_its_amount_box_beside_use(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Issue 13: a 30 s catalogue hold becomes 45 s by typing in the amount box, with
    the kind left at "As in the catalogue"; clearing the box takes the catalogue's again."""
    original = (routines_dir() / "desk-break.yaml").read_text(encoding="utf-8")
    path = tmp_path / "desk-break.yaml"
    path.write_text(original, encoding="utf-8")
    ed = RoutineEditor(original, path)
    qtbot.addWidget(ed)
    with qtbot.waitActive(ed):
        ed.show()
        ed.activateWindow()
    ed.exercise_list.setCurrentRow(1)
    assert ed.doc.exercise(1).get("use") == "standing-hip-flexor-stretch"
    assert ed.kind_combo.currentData() == "catalogue"
    assert ed.amount_edit.isEnabled() and ed.amount_edit.placeholderText() == "30s"
    ed.amount_edit.setFocus()
    qtbot.keyClicks(ed.amount_edit, "45s")
    assert ed.kind_combo.currentData() == "catalogue" and ed.amount_edit.text() == "45s"
    with qtbot.waitSignal(ed.saved):
        qtbot.keyClick(ed, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    written = path.read_text(encoding="utf-8")
    assert diff(original, written) == ["+    hold: 45s"]
    assert "  - use: standing-hip-flexor-stretch\n    hold: 45s\n" in written
    assert load_routine(path).exercises[1].dose.text == "45s"
    # the typing was one step: one undo takes it back
    ed.stack.undo()
    assert ed.doc.text() == original
    ed.stack.redo()
    # a mistake shows the loader's message beside the field and nothing is lost
    message = ed._fields["dose"].message
    retype(qtbot, ed.amount_edit, "45 sex")
    assert not message.isHidden() and "unknown unit 'sex'" in message.text()
    # clearing the box removes the override: the catalogue's dose again
    ed.amount_edit.setFocus()
    qtbot.keyClick(ed.amount_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(ed.amount_edit, Qt.Key.Key_Delete)
    assert ed.doc.text() == original
    assert ed.kind_combo.currentData() == "catalogue" and message.isHidden()


def test_add_duplicate_remove_and_the_catalogue(qtbot: QtBot, editor: RoutineEditor) -> None:
    qtbot.keyClick(
        editor,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert names(editor)[1] == "2. New exercise" and editor.exercise_list.currentRow() == 1
    retype(qtbot, editor._fields["name"].widget, "Hip circles")  # type: ignore[arg-type]
    assert names(editor)[1] == "2. Hip circles"
    editor.duplicate_exercise()
    assert names(editor)[1:3] == ["2. Hip circles", "3. Hip circles"]
    editor.exercise_list.setFocus()
    qtbot.keyClick(editor.exercise_list, Qt.Key.Key_Delete)
    assert len(names(editor)) == 4
    pick = editor.catalogue_pick
    i = pick.findData("bird-dog")
    assert i >= 0, "the catalogue is offered"
    pick.setCurrentIndex(i)
    editor.add_from_catalogue()
    assert editor.doc.exercise(editor.current) == {"use": "bird-dog"}
    assert editor.kind_combo.currentData() == "catalogue"
    assert editor.amount_edit.placeholderText().startswith("5\u20137 reps")
    assert editor.routine is not None
    retype(qtbot, editor._fields["note"].widget, "Slowly")  # type: ignore[arg-type]
    assert editor.routine is not None
    assert editor.routine.exercises[editor.current].note == "Slowly"


def test_the_dose_kinds_write_the_new_doses(qtbot: QtBot, editor: RoutineEditor) -> None:
    editor.select_exercise(1)
    combo = editor.kind_combo
    combo.setFocus()
    combo.setCurrentIndex(combo.findData("phases"))
    combo.activated.emit(combo.currentIndex())
    assert editor.routine is not None
    dose = editor.routine.exercises[1].dose
    assert [p.name for p in dose.phases] == ["Lift", "Lower"]
    editor.phases_edit.setFocus()
    editor.phases_edit.selectAll()
    qtbot.keyClicks(editor.phases_edit, "Lift: 5 breaths")
    qtbot.keyClick(editor.phases_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(editor.phases_edit, "Hover: 5 breaths")
    assert editor.routine is not None
    assert [p.name for p in editor.routine.exercises[1].dose.phases] == ["Lift", "Hover"]
    combo.setCurrentIndex(combo.findData("rep_hold"))
    combo.activated.emit(combo.currentIndex())
    retype(qtbot, editor.rep_hold_edit, "5-10s")
    assert editor.routine is not None
    d = editor.routine.exercises[1].dose
    assert d.holds and (d.phases[0].low, d.phases[0].high) == (5, 10)
    assert "phases" not in editor.doc.exercise(1)


# ---------------------------------------------------------------- the main window


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> MainWindow:
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    w = MainWindow(AppOptions(db=tmp_path / "db.sqlite3"), settings)
    qtbot.addWidget(w)
    w.show()
    return w


def _user_folder(tmp_path: Path) -> Path:
    return tmp_path / "xdg" / "HipTimer" / "routines"


def test_edit_on_a_bundled_routine_edits_the_users_copy(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    bundled = sorted(routines_dir().glob("*.yaml"))[0]
    ed = window.open_editor(bundled)
    assert isinstance(ed, RoutineEditor)
    qtbot.addWidget(ed)
    assert ed.path is not None and ed.path.parent == _user_folder(tmp_path)
    assert (_user_folder(tmp_path) / "routine.schema.json").is_file()
    original = bundled.read_text(encoding="utf-8")
    assert len(diff(original, ed.path.read_text(encoding="utf-8"))) == 2  # the schema line
    assert bundled.read_text(encoding="utf-8") == original
    titles = [i.title for i in window.library.items()]
    assert titles.count(load_routine(bundled).name) == 2  # the bundled one and the copy


def test_new_saves_into_the_user_folder_and_the_library_shows_it(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    window.routine_actions.new_action.trigger()
    ed = window.routine_actions.editors[None]
    qtbot.addWidget(ed)
    retype(qtbot, ed.name_edit, "Lunch stretch")
    path = ed.save()
    assert path == _user_folder(tmp_path) / "lunch-stretch.yaml"
    assert load_routine(path).name == "Lunch stretch"
    assert "Lunch stretch" in [i.title for i in window.library.items()]


def test_a_second_new_routine_saved_as_it_comes_gets_a_name_of_its_own(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    """New twice, each saved with its starter name: two rows "My routine" alike, the
    second of which could not be opened by its name. The second starts as "My routine 2"."""
    names = []
    for _ in range(2):
        window.routine_actions.new_action.trigger()
        ed = window.routine_actions.editors[None]
        qtbot.addWidget(ed)
        names.append(ed.name_edit.text())
        path = ed.save()
        assert path is not None
        ed.close()
        qtbot.waitUntil(lambda p=path: p in [i.path for i in window.library.items()], timeout=5000)
    assert names == ["My routine", "My routine 2"]
    titles = [i.title for i in window.library.items()]
    assert titles.count("My routine") == 1 and titles.count("My routine 2") == 1


def test_a_second_copy_and_a_name_saved_twice_are_told_apart(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    """Duplicate twice: "Morning hips (copy)", then "Morning hips (copy) 2". A routine
    saved under a name another of the user's has is kept, and the editor says which
    file has it too (by its name, only one of them opens)."""
    folder = _user_folder(tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    mine = folder / "morning.yaml"
    mine.write_text(HAND, encoding="utf-8")
    window.reload_library()
    first = window.routine_actions.duplicate(mine, open_editor=False)
    second = window.routine_actions.duplicate(mine, open_editor=False)
    assert first is not None and second is not None
    assert load_routine(first).name == "Morning hips (copy)"
    assert load_routine(second).name == "Morning hips (copy) 2"
    # a bundled routine's first copy keeps its name (it shadows the bundled one), the
    # second is told apart
    bundled = routines_dir() / "desk-break.yaml"
    copies = [window.routine_actions.duplicate(bundled, open_editor=False) for _ in range(2)]
    assert [load_routine(c).name for c in copies if c is not None] == ["Desk break", "Desk break 2"]

    window.routine_actions.new_action.trigger()
    ed = window.routine_actions.editors[None]
    qtbot.addWidget(ed)
    retype(qtbot, ed.name_edit, "morning HIPS")
    path = ed.save()
    assert path is not None and path.is_file()
    note = ed.statusBar().currentMessage()
    assert note == (
        f"Saved {path.name}. morning.yaml is also named 'morning HIPS': rename one,"
        " so that each opens by its name"
    )
    # a name of its own: no note
    retype(qtbot, ed.name_edit, "Evening hips")
    assert ed.save() == path
    assert "also named" not in ed.statusBar().currentMessage()


def test_delete_goes_to_the_trash_and_comes_back(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    folder = _user_folder(tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    mine = folder / "morning.yaml"
    mine.write_text(HAND, encoding="utf-8")
    window.reload_library()
    assert window.routine_actions.delete(mine)
    assert not mine.exists()
    assert "Morning hips" not in [i.title for i in window.library.items()]
    window.routine_actions.undo_delete_action.trigger()
    assert mine.read_text(encoding="utf-8") == HAND
    assert "Morning hips" in [i.title for i in window.library.items()]
    assert not window.routine_actions.delete(sorted(routines_dir().glob("*.yaml"))[0])


def test_duplicate_and_open_the_routines_folder(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _user_folder(tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    mine = folder / "morning.yaml"
    mine.write_text(HAND, encoding="utf-8")
    copy = window.routine_actions.duplicate(mine, open_editor=False)
    assert copy is not None and load_routine(copy).name == "Morning hips (copy)"
    opened: list[str] = []
    from PySide6.QtGui import QDesktopServices

    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    window.routine_actions.folder_action.trigger()
    qtbot.waitUntil(lambda: opened == [str(folder)])
    QApplication.processEvents()


def test_a_file_that_is_not_yaml_yet_is_said_in_the_loaders_words(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(type(window.routine_actions), "ask_before_text_editor", False)
    bad = tmp_path / "tabs.yaml"
    bad.write_text("name: R\nexercises:\n\t- name: A\n    hold: 30s\n", encoding="utf-8")
    assert window.open_editor(bad) is None
    said = window.statusBar().currentMessage()
    assert "tabs.yaml:3:1: YAML cannot indent with tabs; use spaces" in said


def test_the_editor_works_from_the_keyboard_alone(qtbot: QtBot, editor: RoutineEditor) -> None:
    """Tab reaches every part of the form; the list, undo and save have keys."""
    editor.name_edit.setFocus()
    seen: list[str] = []
    for _ in range(40):
        w = QApplication.focusWidget()
        if w is not None and w.objectName():
            seen.append(w.objectName())
        qtbot.keyClick(w or editor, Qt.Key.Key_Tab)
    for name in (
        "routine.name",
        "routine.description",
        "routine.tags",
        "exercises",
        "use",
        "name",
        "how",
        "note",
        "image",
        "dose_kind",
        "amount",
        "sets",
        "sides",
        "set_rest",
        "rest",
    ):
        assert name in seen, (name, seen)
    # choose the second exercise with the arrow keys, change its sets, undo, save
    editor.exercise_list.setFocus()
    qtbot.keyClick(editor.exercise_list, Qt.Key.Key_Down)
    assert editor.exercise_title.text() == "2. Glute bridge"
    editor.sets_edit.setFocus()
    qtbot.keyClicks(editor.sets_edit, "2")
    assert editor.routine is not None and editor.routine.exercises[1].sets == 2
    qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not editor.is_dirty()


def test_the_routines_own_timings(qtbot: QtBot, editor: RoutineEditor) -> None:
    rest = editor.default_edits["rest"]
    assert rest.text() == "5" and editor.default_edits["switch"].placeholderText() == "5s"
    retype(qtbot, rest, "15s")
    assert editor.routine is not None and editor.routine.defaults.rest == 15
    assert diff(HAND, editor.doc.text()) == ["-  rest: 5", "+  rest: 15s"]
    retype(qtbot, editor.default_edits["breath"], "6")
    assert "  breath: 6\n" in editor.doc.text()
    retype(qtbot, editor.default_edits["breath"], "6 sox")
    message = editor._routine_fields["defaults"].message
    assert not message.isHidden() and "unknown unit 'sox'" in message.text()


def test_open_in_editor_from_a_library_row_shows_the_errors_beside_the_fields(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    folder = _user_folder(tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    broken = folder / "broken.yaml"
    broken.write_text(HAND.replace("hold: 30s ", "hold: 30 parsecs "), encoding="utf-8")
    window.library.edit_requested.emit(broken)
    ed = window.routine_actions.editors.get(broken)
    assert isinstance(ed, RoutineEditor)
    qtbot.addWidget(ed)
    message = ed._fields["dose"].message
    assert not message.isHidden() and "unknown unit 'parsecs'" in message.text()
    retype(qtbot, ed.amount_edit, "30s")
    assert ed.save() == broken and load_routine(broken).exercises[0].dose.high == 30


def test_the_catalogue_how_shown_is_the_chosen_exercises(qtbot: QtBot, tmp_path: Path) -> None:
    """Stepping from one catalogue exercise to the next repaints the How box's grey
    catalogue text. Qt's QPlainTextEdit repaints its placeholder only when it appears
    or goes, so the first exercise's instructions stayed on screen under the second's
    name (seen under Xvfb on Desk break: Sit to stand's text for the hip flexor stretch)."""
    p = tmp_path / "two.yaml"
    p.write_text(
        "name: Two\nexercises:\n  - use: sit-to-stand\n  - use: standing-hip-flexor-stretch\n",
        encoding="utf-8",
    )
    ed = RoutineEditor(p.read_text(encoding="utf-8"), p)
    qtbot.addWidget(ed)
    ed.show()
    qtbot.waitExposed(ed)
    how = ed.findChild(QPlainTextEdit, "how")
    assert how is not None and how.toPlainText() == ""
    assert how.placeholderText().startswith("Sit near the front of the chair")
    painted: list[int] = []

    class Paints(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
            if event.type() == QEvent.Type.Paint:
                painted.append(1)
            return False

    spy = Paints()
    how.viewport().installEventFilter(spy)
    qtbot.wait(50)
    painted.clear()
    ed.exercise_list.setCurrentRow(1)
    assert how.placeholderText().startswith("Stand tall with one hand on a desk")
    qtbot.waitUntil(lambda: bool(painted), timeout=2000)
