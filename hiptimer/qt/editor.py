"""The routine editor: shape a routine without writing YAML.

One window per routine file. The routine is held as a :class:`RoutineDoc`
(round-trip YAML, :mod:`hiptimer.routine_edit`), changed field by field through
a ``QUndoStack``; after every change the loader reads the text the file would
get, and its messages show beside the field they are about, with a live plan
preview and the total time. Save writes that text: a hand-written file keeps its
comments, key order and layout outside what changed.

:class:`RoutineActions` puts New, Edit, Duplicate and Delete in the main
window's Routine menu and File › Open routines folder; the main window's
``open_editor(path)`` opens an editor (the library's "Open in editor" uses it).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QKeySequence,
    QShortcut,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from hiptimer.display import describe_step, dose_summary, dose_text
from hiptimer.durations import format_seconds, is_breath_text
from hiptimer.library import free_name, is_bundled
from hiptimer.loader import RoutineError, RoutineErrors, load_routine_text
from hiptimer.plan import Plan, compile_plan, format_clock
from hiptimer.routine import Routine, Timings
from hiptimer.routine_edit import (
    EditError,
    RoutineDoc,
    copy_text,
    ensure_schema,
    unique_path,
    write_text_atomic,
)

ERROR_STYLE = "color: #d9534f;"

#: Dose kinds the form offers: (key, label).
DOSE_KINDS: tuple[tuple[str, str], ...] = (
    ("hold", "Hold (seconds)"),
    ("breaths", "Hold (breaths)"),
    ("reps", "Reps"),
    ("rep_hold", "Reps that hold"),
    ("phases", "Reps with phases"),
    ("time", "Time (continuous)"),
    ("catalogue", "As in the catalogue"),
)
DOSE_KEYS = ("hold", "reps", "time", "tempo", "phases")
#: A starting amount for each dose kind when the kind changes.
DEFAULT_AMOUNT = {
    "hold": "30s",
    "breaths": "5 breaths",
    "reps": "10",
    "rep_hold": "8",
    "phases": "8",
    "time": "5 min",
}
SIDES = (("none", "No sides"), ("each", "Each side in turn"), ("alternate", "Alternate sides"))
#: Per-exercise timing overrides shown in the form: (key, label).
TIMINGS = (
    ("set_rest", "Rest between sets"),
    ("rest", "Rest after"),
    ("prep", "Get ready"),
    ("switch", "Switch sides"),
)
#: The routine's own timings (``defaults:``) shown in the routine box: (key, label).
ROUTINE_TIMINGS = (
    ("prep", "Get ready"),
    ("rest", "Rest"),
    ("set_rest", "Set rest"),
    ("switch", "Switch"),
    ("breath", "One breath"),
    ("countdown", "Ticks"),
)
FIELD_ORDER = (
    "use",
    "name",
    "how",
    "note",
    "coach",
    "image",
    "dose",
    "tempo",
    "rep_hold",
    "phases",
    "sets",
    "sides",
    *(k for k, _ in TIMINGS),
)


def dose_kind(fields: dict[str, Any]) -> str:
    """Which of :data:`DOSE_KINDS` an exercise's keys make."""
    if "phases" in fields:
        return "phases"
    if "reps" in fields:
        return "rep_hold" if "hold" in fields else "reps"
    if "hold" in fields:
        return "breaths" if is_breath_text(fields["hold"]) else "hold"
    if "time" in fields:
        return "time"
    if "use" in fields:
        return "catalogue"
    return "hold"


def amount_key(kind: str) -> str | None:
    if kind in ("hold", "breaths"):
        return "hold"
    if kind in ("reps", "rep_hold", "phases"):
        return "reps"
    if kind == "time":
        return "time"
    return None


def amount_value(kind: str, text: str) -> str:
    """A bare number gets the kind's unit: ``5`` breaths, ``30`` stays seconds."""
    t = text.strip()
    if kind == "breaths" and re.fullmatch(r"\d+(\s*(-|to|\u2013)\s*\d+)?", t):
        return f"{t} breaths"
    return t


def phases_from_text(text: str) -> list[tuple[str, str]]:
    """``Lift: 5 breaths`` per line -> [("Lift", "5 breaths")]; a line without a
    hold keeps an empty one (the loader says what is missing)."""
    out: list[tuple[str, str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, _, hold = line.partition(":")
        out.append((name.strip(), hold.strip()))
    return out


def phases_to_text(phases: Any) -> str:
    if not isinstance(phases, list):
        return ""
    lines = []
    for p in phases:
        if isinstance(p, dict):
            lines.append(f"{p.get('name', '')}: {p.get('hold', '')}".strip())
    return "\n".join(lines)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _catalogue() -> Any:
    """The bundled catalogue, or None when it cannot be read (the form still works)."""
    try:
        from hiptimer import catalogue

        return catalogue.bundled()
    except Exception:  # a broken catalogue file must not stop the editor
        return None


# ------------------------------------------------------------------ undo


class _TextCommand(QUndoCommand):
    """One change: the routine's text before and after. Typing in one field merges."""

    MERGE_ID = 1304

    def __init__(
        self,
        editor: RoutineEditor,
        label: str,
        before: str,
        after: str,
        merge_key: str | None,
        select_before: int,
        select_after: int,
    ) -> None:
        super().__init__(label)
        self._editor = editor
        self.before = before
        self.after = after
        self.merge_key = merge_key
        self.select_before = select_before
        self.select_after = select_after
        self._first = True

    def id(self) -> int:  # noqa: A003 (Qt's name)
        return self.MERGE_ID if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 (Qt override)
        if not isinstance(other, _TextCommand) or other.merge_key != self.merge_key:
            return False
        self.after = other.after
        self.select_after = other.select_after
        return True

    def redo(self) -> None:
        if self._first:  # the change is already in the document
            self._first = False
            return
        self._editor._restore(self.after, self.select_after)

    def undo(self) -> None:
        self._editor._restore(self.before, self.select_before)


# ------------------------------------------------------------------ the form


@dataclass
class _Field:
    widget: QWidget
    message: QLabel


class _ExerciseList(QListWidget):
    """The exercises: drag to reorder (reported as ``moved(src, dst)``)."""

    moved = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.model().rowsMoved.connect(self._on_rows_moved)

    def _on_rows_moved(
        self,
        _parent: QModelIndex | QPersistentModelIndex,
        start: int,
        _end: int,
        _dest: QModelIndex | QPersistentModelIndex,
        row: int,
    ) -> None:
        dst = row if row < start else row - 1
        if dst != start:
            self.moved.emit(start, dst)


class RoutineEditor(QMainWindow):
    """Edits one routine. ``path`` None: a new routine, saved into ``folder``."""

    saved = Signal(object)  # Path
    #: Ask "Save changes?" when a changed routine is closed (tests turn it off).
    ask_before_closing = True

    def __init__(
        self,
        text: str,
        path: Path | None,
        *,
        folder: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.path = path
        self.folder = folder if folder is not None else (path.parent if path else Path.cwd())
        self.doc = RoutineDoc(text)
        self.stack = QUndoStack(self)
        self.current = 0 if self.doc.exercise_count() else -1
        self.routine: Routine | None = None
        self.plan: Plan | None = None
        self.errors: list[RoutineError] = []
        self._filling = False
        self._catalogue = _catalogue()
        self._fields: dict[str, _Field] = {}
        self._routine_fields: dict[str, _Field] = {}
        self._build()
        self.stack.cleanChanged.connect(self._update_title)
        self._refresh_all()
        self.resize(1280, 740)

    # ------------------------------------------------------------ building

    def _build(self) -> None:
        self.undo_action = self.stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.stack.createRedoAction(self, "&Redo")
        redo_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)
        for extra in ("Ctrl+Shift+Z", "Ctrl+Y"):  # both, whatever the platform's habit
            if QKeySequence(extra) not in redo_keys:
                redo_keys.append(QKeySequence(extra))
        self.redo_action.setShortcuts(redo_keys)
        self.save_action = QAction("&Save", self)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.triggered.connect(self.save)
        self.close_action = QAction("&Close", self)
        self.close_action.setShortcut(QKeySequence("Ctrl+W"))
        self.close_action.triggered.connect(self.close)
        file_menu = self.menuBar().addMenu("&Routine")
        file_menu.addAction(self.save_action)
        file_menu.addAction(self.close_action)
        edit_menu = self.menuBar().addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()

        splitter = QSplitter(self)
        splitter.addWidget(self._build_left())
        splitter.addWidget(self._build_form())
        splitter.addWidget(self._build_preview())
        splitter.setSizes([330, 560, 390])
        self.setCentralWidget(splitter)

        for text, keys, slot in (
            ("Move exercise &up", "Alt+Up", self.move_up),
            ("Move exercise &down", "Alt+Down", self.move_down),
            ("&Add exercise", "Ctrl+Shift+N", self.add_exercise),
            ("D&uplicate exercise", "Ctrl+Shift+D", self.duplicate_exercise),
        ):
            act = QAction(text, self)
            act.setShortcut(QKeySequence(keys))
            act.triggered.connect(slot)
            edit_menu.addAction(act)
        remove = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.exercise_list)
        remove.setContext(Qt.ShortcutContext.WidgetShortcut)
        remove.activated.connect(self.remove_exercise)
        for act in (self.undo_action, self.redo_action, self.save_action, self.close_action):
            self.addAction(act)

    def _message_label(self) -> QLabel:
        label = QLabel(self)
        label.setWordWrap(True)
        label.setStyleSheet(ERROR_STYLE)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.hide()
        return label

    def _row(self, form: QFormLayout, label: str, widget: QWidget) -> _Field:
        box = QWidget(self)
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(widget)
        message = self._message_label()
        lay.addWidget(message)
        title = QLabel(label, self)
        title.setBuddy(widget)
        form.addRow(title, box)
        return _Field(widget, message)

    def _line(self, key: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(key)
        edit.setPlaceholderText(placeholder)
        return edit

    def _build_left(self) -> QWidget:
        w = QWidget(self)
        lay = QVBoxLayout(w)
        box = QGroupBox("Routine", w)
        form = QFormLayout(box)
        self.name_edit = self._line("routine.name", "e.g. Morning hips")
        self.name_edit.textEdited.connect(lambda t: self._set_routine("name", t))
        self._routine_fields["name"] = self._row(form, "&Name", self.name_edit)
        self.description_edit = QPlainTextEdit(self)
        self.description_edit.setObjectName("routine.description")
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(70)
        self.description_edit.textChanged.connect(
            lambda: self._set_routine("description", self.description_edit.toPlainText())
        )
        self._routine_fields["description"] = self._row(form, "&Description", self.description_edit)
        self.tags_edit = self._line("routine.tags", "hips, desk, beginner")
        self.tags_edit.textEdited.connect(self._on_tags_edited)
        self._routine_fields["tags"] = self._row(form, "&Tags", self.tags_edit)
        timings = QWidget(box)
        grid = QGridLayout(timings)
        grid.setContentsMargins(0, 0, 0, 0)
        self.default_edits: dict[str, QLineEdit] = {}
        for n, (key, text) in enumerate(ROUTINE_TIMINGS):
            edit = self._line(f"defaults.{key}", "")
            edit.setAccessibleName(f"{text} for every exercise")
            edit.textEdited.connect(lambda t, k=key: self._set_default(k, t))
            caption = QLabel(text, timings)
            caption.setBuddy(edit)
            grid.addWidget(caption, n // 2, (n % 2) * 2)
            grid.addWidget(edit, n // 2, (n % 2) * 2 + 1)
            self.default_edits[key] = edit
        self._routine_fields["defaults"] = self._row(form, "For every\nexercise", timings)
        self.routine_message = self._message_label()
        form.addRow(self.routine_message)
        lay.addWidget(box)

        lay.addWidget(QLabel("E&xercises (drag, or Alt+Up / Alt+Down, to reorder)", w))
        self.exercise_list = _ExerciseList(w)
        self.exercise_list.setObjectName("exercises")
        self.exercise_list.currentRowChanged.connect(self._on_current_row_changed)
        self.exercise_list.moved.connect(self.move_exercise)
        label = lay.itemAt(lay.count() - 1).widget()
        if isinstance(label, QLabel):
            label.setBuddy(self.exercise_list)
        lay.addWidget(self.exercise_list, 1)

        buttons = QHBoxLayout()
        for text, slot, tip in (
            ("&Add", self.add_exercise, "A new exercise of your own (Ctrl+Shift+N)"),
            ("Du&plicate", self.duplicate_exercise, "A copy of this exercise (Ctrl+Shift+D)"),
            ("&Remove", self.remove_exercise, "Remove this exercise (Delete; Ctrl+Z undoes)"),
        ):
            b = QPushButton(text, w)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            buttons.addWidget(b)
        lay.addLayout(buttons)
        cat_row = QHBoxLayout()
        self.catalogue_pick = QComboBox(w)
        self.catalogue_pick.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.catalogue_pick.setObjectName("catalogue_pick")
        self.catalogue_pick.setAccessibleName("Exercise from the catalogue")
        for entry_id, name in self._catalogue_entries():
            self.catalogue_pick.addItem(name, entry_id)
        add_cat = QPushButton("Add from &catalogue", w)
        add_cat.clicked.connect(self.add_from_catalogue)
        cat_row.addWidget(self.catalogue_pick, 1)
        cat_row.addWidget(add_cat)
        lay.addLayout(cat_row)
        return w

    def _build_form(self) -> QWidget:
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget(scroll)
        self.form_box = inner
        form = QFormLayout(inner)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.exercise_title = QLabel("", inner)
        self.exercise_title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        form.addRow(self.exercise_title)

        use = QComboBox(inner)
        use.setObjectName("use")
        use.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        use.setMinimumContentsLength(16)
        use.addItem("— my own exercise —", "")
        for entry_id, name in self._catalogue_entries():
            use.addItem(f"{name}  ({entry_id})", entry_id)
        use.activated.connect(lambda _i: self._set_field("use", use.currentData() or None))
        self.use_combo = use
        self._fields["use"] = self._row(form, "From the &catalogue", use)

        for key, label, placeholder in (
            ("name", "N&ame", "e.g. Pigeon pose"),
            ("note", "N&ote (a caution)", "shown with the exercise"),
            ("coach", "Coac&h note", "for the trainer only: never on the projector"),
        ):
            edit = self._line(key, placeholder)
            edit.textEdited.connect(lambda t, k=key: self._set_field(k, t))
            self._fields[key] = self._row(form, label, edit)
            if key == "name":
                how = QPlainTextEdit(inner)
                how.setObjectName("how")
                how.setTabChangesFocus(True)
                how.setFixedHeight(96)
                how.setPlaceholderText("How to do it: shown and spoken")
                how.textChanged.connect(lambda h=how: self._set_field("how", h.toPlainText()))
                self._fields["how"] = self._row(form, "Ho&w", how)

        pic_row = QWidget(inner)
        pic_lay = QHBoxLayout(pic_row)
        pic_lay.setContentsMargins(0, 0, 0, 0)
        self.image_edit = self._line("image", "a picture next to the routine file")
        self.image_edit.textEdited.connect(lambda t: self._set_field("image", t))
        choose = QPushButton("C&hoose…", pic_row)
        choose.clicked.connect(self._choose_picture)
        pic_lay.addWidget(self.image_edit, 1)
        pic_lay.addWidget(choose)
        field = self._row(form, "&Picture", pic_row)
        self._fields["image"] = _Field(self.image_edit, field.message)

        dose_row = QWidget(inner)
        dose_lay = QHBoxLayout(dose_row)
        dose_lay.setContentsMargins(0, 0, 0, 0)
        self.kind_combo = QComboBox(dose_row)
        self.kind_combo.setObjectName("dose_kind")
        self.kind_combo.setAccessibleName("Dose kind")
        for key, label in DOSE_KINDS:
            self.kind_combo.addItem(label, key)
        self.kind_combo.activated.connect(self._on_kind_activated)
        self.amount_edit = self._line("amount", "30s, 5 breaths, 8, 5-7")
        self.amount_edit.setAccessibleName("Dose amount")
        self.amount_edit.textEdited.connect(self._on_amount_edited)
        dose_lay.addWidget(self.kind_combo)
        dose_lay.addWidget(self.amount_edit, 1)
        field = self._row(form, "&Dose", dose_row)
        self._fields["dose"] = _Field(self.amount_edit, field.message)
        self.kind_combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.tempo_edit = self._line("tempo", "seconds a rep takes; empty: self-paced")
        self.tempo_edit.textEdited.connect(lambda t: self._set_field("tempo", t))
        self._fields["tempo"] = self._row(form, "T&empo", self.tempo_edit)
        self.rep_hold_edit = self._line("rep_hold", "each rep holds: 5-10s, 5 breaths")
        self.rep_hold_edit.textEdited.connect(lambda t: self._set_field("hold", t))
        self._fields["rep_hold"] = self._row(form, "Each rep &holds", self.rep_hold_edit)
        self.phases_edit = QPlainTextEdit(inner)
        self.phases_edit.setObjectName("phases")
        self.phases_edit.setTabChangesFocus(True)
        self.phases_edit.setFixedHeight(72)
        self.phases_edit.setPlaceholderText("one per line, e.g.\nLift: 5 breaths\nHover: 5 breaths")
        self.phases_edit.textChanged.connect(self._on_phases_changed)
        self._fields["phases"] = self._row(form, "Phases of a re&p", self.phases_edit)

        self.sets_edit = self._line("sets", "1; or a range like 3-4")
        self.sets_edit.textEdited.connect(lambda t: self._set_field("sets", t))
        self._fields["sets"] = self._row(form, "&Sets", self.sets_edit)
        self.sides_combo = QComboBox(inner)
        self.sides_combo.setObjectName("sides")
        for key, label in SIDES:
            self.sides_combo.addItem(label, key)
        self.sides_combo.activated.connect(self._on_sides_activated)
        self._fields["sides"] = self._row(form, "S&ides", self.sides_combo)
        for key, label in TIMINGS:
            edit = self._line(key, "")
            edit.textEdited.connect(lambda t, k=key: self._set_field(k, t))
            self._fields[key] = self._row(form, label, edit)
        self.other_message = self._message_label()
        form.addRow(self.other_message)
        holder = QWidget(scroll)
        outer = QVBoxLayout(holder)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(inner)
        outer.addStretch(1)  # extra height below the form, not inside a row
        scroll.setWidget(holder)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for combo in (self.use_combo, self.kind_combo, self.sides_combo):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(12)
        return scroll

    def _build_preview(self) -> QWidget:
        w = QWidget(self)
        lay = QVBoxLayout(w)
        self.total_label = QLabel("", w)
        self.total_label.setObjectName("total")
        self.total_label.setStyleSheet("font-size: 15pt; font-weight: bold;")
        lay.addWidget(self.total_label)
        self.problems_label = QLabel("", w)
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet(ERROR_STYLE)
        lay.addWidget(self.problems_label)
        self.preview = QListWidget(w)
        self.preview.setObjectName("preview")
        self.preview.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.preview.setWordWrap(True)
        self.preview.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        lay.addWidget(self.preview, 1)
        return w

    def _catalogue_entries(self) -> list[tuple[str, str]]:
        cat = self._catalogue
        if cat is None:
            return []
        return sorted(((e.id, e.exercise.name) for e in cat.entries), key=lambda p: p[1])

    # ------------------------------------------------------------ changes

    def _change(
        self,
        label: str,
        mutate: Callable[[RoutineDoc], int | None],
        merge_key: str | None = None,
    ) -> None:
        """Apply ``mutate`` to the document as one undoable step (typing in one
        field merges into one step). ``mutate`` may return the exercise to select."""
        if self._filling:
            return
        before = self.doc.text()
        select_before = self.current
        try:
            chosen = mutate(self.doc)
        except EditError as e:
            self.statusBar().showMessage(str(e), 5000)
            return
        after = self.doc.text()
        if after == before:
            return
        if chosen is not None:
            self.current = chosen
        cmd = _TextCommand(self, label, before, after, merge_key, select_before, self.current)
        self.stack.push(cmd)
        self._refresh_all(form=merge_key is None)

    def _restore(self, text: str, select: int) -> None:
        self.doc = RoutineDoc(text)
        self.current = min(select, self.doc.exercise_count() - 1)
        self._refresh_all()

    def _set_routine(self, key: str, value: str) -> None:
        self._change(f"Change {key}", lambda d: d.set(key, value), f"routine:{key}")

    def _set_default(self, key: str, value: str) -> None:
        self._change(
            f"Change default {key}", lambda d: d.set_default(key, value), f"defaults:{key}"
        )

    def _on_tags_edited(self, text: str) -> None:
        self._change("Change tags", lambda d: d.set_tags(re.split(r"[,\s]+", text)), "routine:tags")

    def _set_field(self, key: str, value: Any) -> None:
        i = self.current
        if i < 0:
            return

        def mutate(d: RoutineDoc) -> None:
            d.set_field(i, key, value)

        typing = isinstance(value, str) or value is None
        merge = f"{i}:{key}" if typing and key not in ("use", "sides") else None
        self._change(f"Change {key}", mutate, merge)

    def _on_amount_edited(self, text: str) -> None:
        kind = str(self.kind_combo.currentData())
        if kind == "catalogue" and self.current >= 0:
            # an amount typed beside "As in the catalogue" overrides the catalogue
            # exercise's own dose key (its kind stays the catalogue's)
            kind = self._catalogue_kind(self.doc.exercise(self.current)) or kind
        key = amount_key(kind)
        if key is None or self.current < 0:
            return
        i = self.current
        self._change(
            "Change dose",
            lambda d: d.set_field(i, key, amount_value(kind, text)),
            f"{i}:dose",
        )

    def _on_kind_activated(self, _index: int) -> None:
        kind = str(self.kind_combo.currentData())
        i = self.current
        if i < 0:
            return
        old = self.doc.exercise(i)
        old_kind = dose_kind(old)
        if kind == old_kind:
            return
        if kind == "catalogue" and "use" not in old:
            self.statusBar().showMessage(
                "Choose an exercise from the catalogue first; its dose is then used", 5000
            )
            self._fill_form()
            return
        amount = self.amount_edit.text().strip()
        keep = amount if re.fullmatch(r"\d+(\s*-\s*\d+)?", amount) else ""
        start = self._catalogue_start(old, kind)

        def mutate(d: RoutineDoc) -> None:
            for k in DOSE_KEYS:
                d.set_field(i, k, None)
            key = amount_key(kind)
            if key is not None:
                amount = amount_value(kind, keep) if keep else DEFAULT_AMOUNT[kind]
                d.set_field(i, key, start.get("amount", amount))
            if kind == "rep_hold":
                hold = old.get("hold") if old_kind == "hold" else "5-10s"
                d.set_field(i, "hold", start.get("hold", hold))
            elif kind == "phases":
                d.set_phases(
                    i, start.get("phases", [("Lift", "5 breaths"), ("Lower", "5 breaths")])
                )
            elif kind == "reps" and old.get("tempo"):
                d.set_field(i, "tempo", old.get("tempo"))

        self._change("Change dose kind", mutate)

    def _on_sides_activated(self, _index: int) -> None:
        sides = str(self.sides_combo.currentData() or "")
        uses = bool(self.doc.exercise(self.current).get("use")) if self.current >= 0 else False
        # "none" is the default, but it overrides a catalogue exercise's sides
        self._set_field("sides", None if not sides or (sides == "none" and not uses) else sides)

    def _catalogue_kind(self, fields: dict[str, Any]) -> str | None:
        """The dose kind (of :data:`DOSE_KINDS`) of the catalogue exercise ``use:`` names."""
        if not fields.get("use") or self._catalogue is None:
            return None
        entry = self._catalogue.get(str(fields["use"]))
        if entry is None:
            return None
        kind: str = entry.exercise.dose.kind
        return kind

    def _catalogue_start(self, fields: dict[str, Any], kind: str) -> dict[str, Any]:
        """A catalogue exercise's own dose, as the start of the dose written here."""
        if not fields.get("use") or self._catalogue is None:
            return {}
        entry = self._catalogue.get(str(fields["use"]))
        if entry is None:
            return {}
        dose = entry.exercise.dose
        out: dict[str, Any] = {}
        same = {"reps": "reps", "rep_hold": "reps", "phases": "reps"}.get(kind, kind)
        if dose.kind == same or (same == "hold" and dose.kind == "hold"):
            out["amount"] = dose.text
        if dose.phases and kind == "phases" and dose.named_phases:
            out["phases"] = [(p.name, p.text) for p in dose.phases]
        if dose.phases and kind == "rep_hold" and not dose.named_phases:
            out["hold"] = dose.phases[0].text
        return out

    def _on_phases_changed(self) -> None:
        i = self.current
        if i < 0 or self._filling:
            return
        parts = phases_from_text(self.phases_edit.toPlainText())
        self._change("Change phases", lambda d: d.set_phases(i, parts), f"{i}:phases")

    def _choose_picture(self) -> None:
        if self.current < 0:
            return
        chosen, _ = QFileDialog.getOpenFileName(
            self,
            "Choose a picture",
            str(self.folder),
            "Pictures (*.png *.jpg *.jpeg *.gif *.webp *.svg)",
        )
        if chosen:
            self.set_picture(Path(chosen))

    def set_picture(self, source: Path) -> None:
        """Use ``source`` as the current exercise's picture; a picture from outside
        the routine's folder is copied into its ``pictures/`` folder (the loader
        only reads pictures beside the routine)."""
        folder = self.folder.resolve()
        src = source.resolve()
        if not src.is_relative_to(folder):
            target = folder / "pictures" / src.name
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                shutil.copy2(src, target)
            src = target
        self._set_field("image", src.relative_to(folder).as_posix())

    # ------------------------------------------------------------ exercise actions

    def add_exercise(self) -> None:
        at = self.current + 1 if self.current >= 0 else None
        self._change(
            "Add exercise",
            lambda d: d.add_exercise({"name": "New exercise", "hold": "30s"}, at),
        )
        self.focus_field("name")

    def add_from_catalogue(self) -> None:
        entry_id = self.catalogue_pick.currentData()
        if not entry_id:
            return
        at = self.current + 1 if self.current >= 0 else None
        self._change("Add from catalogue", lambda d: d.add_exercise({"use": entry_id}, at))

    def duplicate_exercise(self) -> None:
        i = self.current
        if i < 0:
            return

        def mutate(d: RoutineDoc) -> int:
            fields = d.exercise(i)
            phases = fields.pop("phases", None)
            j = d.add_exercise(fields, i + 1)
            if phases:
                d.set_phases(j, [(str(p.get("name", "")), str(p.get("hold", ""))) for p in phases])
            return j

        self._change("Duplicate exercise", mutate)

    def remove_exercise(self) -> None:
        i = self.current
        if i < 0:
            return

        def mutate(d: RoutineDoc) -> int:
            d.remove_exercise(i)
            return min(i, d.exercise_count() - 1)

        self._change("Remove exercise", mutate)

    def move_exercise(self, src: int, dst: int) -> None:
        def mutate(d: RoutineDoc) -> int:
            d.move_exercise(src, dst)
            return dst

        self._change("Move exercise", mutate)
        if self.doc.exercise_count():  # a drop already moved the row: redraw from the doc
            self._fill_list()

    def move_up(self) -> None:
        if self.current > 0:
            self.move_exercise(self.current, self.current - 1)

    def move_down(self) -> None:
        if 0 <= self.current < self.doc.exercise_count() - 1:
            self.move_exercise(self.current, self.current + 1)

    def select_exercise(self, i: int) -> None:
        self.exercise_list.setCurrentRow(i)

    def focus_field(self, key: str) -> None:
        f = self._fields.get(key)
        if f is not None:
            f.widget.setFocus()

    # ------------------------------------------------------------ drawing

    def _refresh_all(self, *, form: bool = True) -> None:
        self._check()
        self._filling = True
        try:
            self._fill_routine()
            self._fill_list()
            if form:
                self._fill_form()
        finally:
            self._filling = False
        self._show_messages()
        self._fill_preview()
        # every change, not only the first: typing merges into one undo step, so the
        # stack's signals stay quiet while the routine's name is typed
        self._update_title()

    def _check(self) -> None:
        text = self.doc.text()
        where = self.path if self.path is not None else self.folder / "new-routine.yaml"
        try:
            self.routine = load_routine_text(text, where)
            self.plan = compile_plan(self.routine)
            self.errors = []
        except RoutineErrors as e:
            self.routine, self.plan, self.errors = None, None, list(e.errors)

    def _fill_routine(self) -> None:
        name = _text(self.doc.get("name"))
        if self.name_edit.text() != name:
            self.name_edit.setText(name)
        desc = _text(self.doc.get("description"))
        if self.description_edit.toPlainText() != desc:
            self.description_edit.setPlainText(desc)
        defaults = self.doc.get("defaults")
        built_in = Timings()
        for key, edit in self.default_edits.items():
            value = _text(defaults.get(key)) if isinstance(defaults, dict) else ""
            if edit.text() != value:
                edit.setText(value)
            shown = getattr(built_in, key)
            edit.setPlaceholderText(
                str(shown) if key == "countdown" else format_seconds(float(shown))
            )
        tags = self.doc.get("tags")
        shown = ", ".join(str(t) for t in tags) if isinstance(tags, list) else _text(tags)
        current = ", ".join(t for t in re.split(r"[,\s]+", self.tags_edit.text()) if t)
        if current != shown:
            self.tags_edit.setText(shown)

    def _exercise_title(self, i: int, fields: dict[str, Any]) -> str:
        name = _text(fields.get("name"))
        if not name and fields.get("use") and self._catalogue is not None:
            entry = self._catalogue.get(str(fields["use"]))
            name = entry.exercise.name if entry is not None else str(fields["use"])
        return f"{i + 1}. {name or '(no name)'}"

    def _fill_list(self) -> None:
        lst = self.exercise_list
        lst.blockSignals(True)
        lst.clear()
        for i, fields in enumerate(self.doc.exercises()):
            item = QListWidgetItem(self._exercise_title(i, fields), lst)
            if self.routine is not None:
                ex = self.routine.exercises[i]
                item.setToolTip(dose_summary(ex))
        if self.current >= lst.count():
            self.current = lst.count() - 1
        lst.setCurrentRow(self.current)
        lst.blockSignals(False)

    def _on_current_row_changed(self, row: int) -> None:
        if row == self.current:
            return
        self.current = row
        self._filling = True
        try:
            self._fill_form()
        finally:
            self._filling = False
        self._show_messages()

    def _fill_form(self) -> None:
        has = self.current >= 0
        self.form_box.setEnabled(has)
        fields = self.doc.exercise(self.current) if has else {}
        self.exercise_title.setText(
            self._exercise_title(self.current, fields) if has else "No exercises yet: Add one"
        )
        entry = None
        if fields.get("use") and self._catalogue is not None:
            entry = self._catalogue.get(str(fields["use"]))
        idx = self.use_combo.findData(str(fields.get("use") or ""))
        self.use_combo.setCurrentIndex(max(idx, 0))
        for key in ("name", "note", "coach"):
            w = self._fields[key].widget
            assert isinstance(w, QLineEdit)
            if w.text() != _text(fields.get(key)):
                w.setText(_text(fields.get(key)))
            w.setPlaceholderText(getattr(entry.exercise, key, "") if entry else w.placeholderText())
        how = self._fields["how"].widget
        assert isinstance(how, QPlainTextEdit)
        if how.toPlainText() != _text(fields.get("how")):
            how.setPlainText(_text(fields.get("how")))
        how_hint = entry.exercise.how if entry else "How to do it: shown and spoken"
        if how.placeholderText() != how_hint:
            how.setPlaceholderText(how_hint)
            # Qt repaints a QPlainTextEdit's placeholder only when it shows or hides
            how.viewport().update()
        self.image_edit.setText(_text(fields.get("image")))
        kind = dose_kind(fields)
        # only the catalogue's own amount overridden: still "As in the catalogue"
        shown = "catalogue" if kind == self._catalogue_kind(fields) else kind
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(shown)))
        akey = amount_key(kind)
        amount = _text(fields.get(akey)) if akey else ""
        if self.amount_edit.text() != amount:
            self.amount_edit.setText(amount)
        # beside "As in the catalogue" an amount typed overrides the catalogue's own
        self.amount_edit.setEnabled(akey is not None or entry is not None)
        self.amount_edit.setPlaceholderText(dose_text(entry.exercise) if entry else "")
        self.tempo_edit.setText(_text(fields.get("tempo")))
        self.rep_hold_edit.setText(_text(fields.get("hold")) if kind == "rep_hold" else "")
        phases = phases_to_text(fields.get("phases"))
        if phases_from_text(self.phases_edit.toPlainText()) != phases_from_text(phases):
            self.phases_edit.setPlainText(phases)
        self._show_row("tempo", kind == "reps")
        self._show_row("rep_hold", kind == "rep_hold")
        self._show_row("phases", kind == "phases")
        self.sets_edit.setText(_text(fields.get("sets")))
        self.sets_edit.setPlaceholderText(
            f"as in the catalogue ({entry.exercise.sets_text})"
            if entry
            else "1; or a range like 3-4"
        )
        self._fill_sides(fields, entry)
        base = self.routine.defaults if self.routine is not None else None
        defaults = self.doc.get("defaults")
        for key, _label in TIMINGS:
            w = self._fields[key].widget
            assert isinstance(w, QLineEdit)
            w.setText(_text(fields.get(key)))
            written = defaults.get(key) if isinstance(defaults, dict) else None
            value = _text(written) if written is not None else ""
            if not value:
                value = format_seconds(float(getattr(base or Timings(), key)))
            w.setPlaceholderText(f"routine default ({value})")

    def _fill_sides(self, fields: dict[str, Any], entry: Any) -> None:
        """The sides choices; with a catalogue exercise, first "as in the catalogue"."""
        combo = self.sides_combo
        combo.clear()
        if entry is not None:
            label = dict(SIDES).get(entry.exercise.sides, entry.exercise.sides)
            combo.addItem(f"As in the catalogue ({label.lower()})", "")
        for key, label in SIDES:
            combo.addItem(label, key)
        sides = str(fields.get("sides") or ("" if entry is not None else "none"))
        combo.setCurrentIndex(max(0, combo.findData(sides)))

    def _show_row(self, key: str, on: bool) -> None:
        f = self._fields[key]
        box = f.widget.parentWidget()
        form = self.form_box.layout()
        if isinstance(form, QFormLayout) and box is not None:
            form.setRowVisible(box, on)

    def _show_messages(self) -> None:
        """Each loader message beside its field; the rest above the preview."""
        for f in (*self._fields.values(), *self._routine_fields.values()):
            f.message.hide()
            f.message.setText("")
        self.other_message.hide()
        self.routine_message.hide()
        per_field: dict[str, list[str]] = {}
        routine_level: dict[str, list[str]] = {}
        elsewhere: list[str] = []
        bad_rows: set[int] = set()
        for e in self.errors:
            index, key = self.doc.field_at(e.line)
            if index is None:
                target = key if key in self._routine_fields else "_routine"
                routine_level.setdefault(target, []).append(e.message)
            elif index == self.current:
                per_field.setdefault(self._form_key(key), []).append(e.message)
            else:
                bad_rows.add(index)
                elsewhere.append(f"exercise {index + 1}: {e.message}")
        for key, messages in per_field.items():
            label = self._fields[key].message if key in self._fields else self.other_message
            label.setText("\n".join(messages))
            label.show()
        for key, messages in routine_level.items():
            label = (
                self._routine_fields[key].message
                if key in self._routine_fields
                else self.routine_message
            )
            label.setText("\n".join(messages))
            label.show()
        for row in range(self.exercise_list.count()):
            item = self.exercise_list.item(row)
            text = item.text().removeprefix("⚠ ")
            item.setText(("⚠ " + text) if row in bad_rows else text)
        if self.errors:
            n = len(self.errors)
            self.problems_label.setText(
                f"{n} problem{'s' if n > 1 else ''} to fix before the routine can run"
                + ("\n" + "\n".join(elsewhere[:6]) if elsewhere else "")
            )
        else:
            self.problems_label.setText("")

    def _form_key(self, key: str | None) -> str:
        kind = dose_kind(self.doc.exercise(self.current)) if self.current >= 0 else ""
        if key in ("reps", "time") or (key == "hold" and kind in ("hold", "breaths")):
            return "dose"
        if key == "hold" and kind == "rep_hold":
            return "rep_hold"
        if key in self._fields:
            return key
        return "_other"

    def _fill_preview(self) -> None:
        self.preview.clear()
        if self.plan is None:
            self.total_label.setText("Total: —")
            return
        plan = self.plan
        est = "~" if plan.has_estimates else ""
        self.total_label.setText(
            f"Total {est}{format_clock(plan.duration_s)} · {len(plan.routine.exercises)} "
            f"exercises · {len(plan.steps)} steps"
        )
        for step in plan.steps:
            dur = format_seconds(step.estimate_s)
            if step.duration_s is None:
                dur = f"~{dur}, self-paced"
            QListWidgetItem(
                f"{format_clock(step.start_s)}  {describe_step(step)}  ({dur})", self.preview
            )

    def _update_title(self) -> None:
        name = _text(self.doc.get("name")) or "New routine"
        where = str(self.path) if self.path else "not saved yet"
        star = "" if self.stack.isClean() and self.path is not None else "*"
        self.setWindowTitle(f"{star}{name} — {where} — HipTimer editor")

    # ------------------------------------------------------------ saving

    def save(self) -> Path | None:
        """Write the routine (a new one into ``folder``); returns the path."""
        if self.path is None:
            name = _text(self.doc.get("name")) or "routine"
            self.folder.mkdir(parents=True, exist_ok=True)
            self.path = unique_path(self.folder, name)
        try:
            write_text_atomic(self.path, self.doc.text())
            ensure_schema(self.path.parent)
        except OSError as e:
            QMessageBox.warning(self, "Not saved", f"Cannot write {self.path}: {e.strerror or e}")
            return None
        self.stack.setClean()
        self._update_title()
        n = len(self.errors)
        problems = f" with {n} problem{'s' if n > 1 else ''}; it runs once they are fixed"
        self.statusBar().showMessage(f"Saved {self.path}" + (problems if n else ""), 8000)
        self.saved.emit(self.path)
        return self.path

    def is_dirty(self) -> bool:
        return not self.stack.isClean()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        if self.is_dirty() and self.ask_before_closing:
            answer = QMessageBox.question(
                self,
                "Save changes?",
                "Save the changes to this routine before closing?",
                QMessageBox.StandardButton.Save
                | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                event.ignore()
                return
            if answer == QMessageBox.StandardButton.Save and self.save() is None:
                event.ignore()
                return
        event.accept()


# ------------------------------------------------------------------ the main window's actions


class _Window(Protocol):
    """What :class:`RoutineActions` needs of the main window."""

    library: Any
    overview: Any
    options: Any

    def menuBar(self) -> Any: ...  # noqa: N802
    def statusBar(self) -> Any: ...  # noqa: N802
    def reload_library(self) -> None: ...
    def current_page(self) -> str: ...


class RoutineActions(QObject):
    """New, Edit, Duplicate and Delete for routines, and File › Open routines folder."""

    def __init__(
        self, window: QMainWindow, file_menu: QMenu | None = None, menu: QMenu | None = None
    ) -> None:
        super().__init__(window)
        self.window = window
        self.editors: dict[Path | None, RoutineEditor] = {}
        self._trashed: list[tuple[Path, Path]] = []  # (original, where it went)
        if menu is None:
            menu = window.menuBar().addMenu("&Routine")
        self.new_action = menu.addAction("&New routine")
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(self.new_routine)
        self.edit_action = menu.addAction("&Edit routine")
        self.edit_action.setShortcut(QKeySequence("Ctrl+E"))
        self.edit_action.triggered.connect(lambda: self.edit(None))
        self.duplicate_action = menu.addAction("&Duplicate routine")
        self.duplicate_action.setShortcut(QKeySequence("Ctrl+D"))
        self.duplicate_action.triggered.connect(lambda: self.duplicate(None))
        menu.addSeparator()
        self.delete_action = menu.addAction("Delete routine (to the &trash)")
        self.delete_action.setShortcut(QKeySequence("Ctrl+Shift+Delete"))
        self.delete_action.triggered.connect(lambda: self.delete(None))
        self.undo_delete_action = menu.addAction("&Undo delete")
        self.undo_delete_action.setEnabled(False)
        self.undo_delete_action.triggered.connect(self.undo_delete)
        self.folder_action = QAction("Open routines &folder", window)
        self.folder_action.triggered.connect(self.open_folder)
        if file_menu is not None:
            first = file_menu.actions()[0] if file_menu.actions() else None
            file_menu.insertAction(first, self.folder_action) if first else file_menu.addAction(
                self.folder_action
            )
        for act in (self.new_action, self.edit_action, self.duplicate_action, self.delete_action):
            window.addAction(act)

    # -- where

    def user_folder(self) -> Path:
        from hiptimer.paths import user_routines_dir

        return user_routines_dir()

    def selected_path(self) -> Path | None:
        w: Any = self.window
        if w.current_page() == "overview":
            r = w.overview.routine()
            if r is not None and r.path is not None:
                return Path(r.path)
        item = w.library.current_item()
        return Path(item.path) if item is not None else None

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 8000)

    # -- actions

    def new_routine(self) -> RoutineEditor:
        from hiptimer.routine_edit import starter_text

        # "My routine", else "My routine 2"...: a name no routine in the library has, so
        # that two new routines saved as they come are not two rows alike
        w: Any = self.window
        name = free_name("My routine", (item.title for item in w.library.items()))
        editor = RoutineEditor(starter_text(name), None, folder=self.user_folder())
        return self._show(editor, None)

    def edit(self, path: Path | None) -> RoutineEditor | None:
        """Open ``path`` (default: the selected routine) in an editor; a bundled
        routine is first duplicated into the user's folder."""
        path = path if path is not None else self.selected_path()
        if path is None:
            self._status("Choose a routine in the library first")
            return None
        if is_bundled(path):
            copy = self.duplicate(path, open_editor=False)
            if copy is None:
                return None
            self._status(f"Bundled routines stay as they are: editing your copy, {copy}")
            path = copy
        open_one = self.editors.get(path)
        if open_one is not None:
            open_one.show()
            open_one.raise_()
            open_one.activateWindow()
            return open_one
        text = ""
        try:
            text = path.read_text(encoding="utf-8")
            editor = RoutineEditor(text, path)
        except (OSError, UnicodeDecodeError, EditError) as e:
            reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
            if isinstance(e, EditError):
                try:  # the loader says it in words, at its line
                    load_routine_text(text, path)
                except RoutineErrors as errors:
                    reason = str(errors.errors[0])
            self._cannot_edit(path, reason)
            return None
        return self._show(editor, path)

    #: Ask before opening a file the form cannot read in a text editor (tests turn it off).
    ask_before_text_editor = True

    def _cannot_edit(self, path: Path, reason: str) -> None:
        """A file the form cannot hold (not YAML yet): say why, offer a text editor."""
        self._status(f"{path.name} cannot be opened in the editor: {reason}")
        if not self.ask_before_text_editor:
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Cannot edit here",
            f"{reason}\n\nThe editor's form needs a file that reads as YAML. Fix this line in "
            "a text editor; the library shows the routine again once it reads.",
            QMessageBox.StandardButton.Cancel,
            self.window,
        )
        open_button = box.addButton("Open in text editor", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(open_button)
        box.exec()
        if box.clickedButton() is open_button:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def _show(self, editor: RoutineEditor, path: Path | None) -> RoutineEditor:
        self.editors[path] = editor
        editor.saved.connect(self._on_editor_saved)
        editor.show()
        return editor

    def _on_editor_saved(self, path: object) -> None:
        for key, ed in list(self.editors.items()):
            if ed is self.sender() and key != path:
                del self.editors[key]
                if isinstance(path, Path):
                    self.editors[path] = ed
        w: Any = self.window
        editor = self.sender()
        if isinstance(path, Path) and isinstance(editor, RoutineEditor):
            self._note_a_shared_name(editor, path)
        w.reload_library()

    def _note_a_shared_name(self, editor: RoutineEditor, path: Path) -> None:
        """Saved under a name another of the user's routines has: say so where the
        person is looking (the editor's status bar). Both are kept; by its name, only
        one of them opens (``hiptimer NAME``)."""
        name = _text(editor.doc.get("name"))
        want = name.strip().casefold()
        w: Any = self.window
        others = [
            item.path
            for item in w.library.items()
            if item.path != path and not item.bundled and item.title.strip().casefold() == want
        ]
        if want and others:
            # file names, not paths: the whole note fits a 1366-pixel-wide editor
            editor.statusBar().showMessage(
                f"Saved {path.name}. {others[0].name} is also named"
                f" {name!r}: rename one, so that each opens by its name",
                15000,
            )

    def duplicate(self, path: Path | None, *, open_editor: bool = True) -> Path | None:
        """Copy a routine into the user's folder as their own (renamed "... (copy)")."""
        path = path if path is not None else self.selected_path()
        if path is None:
            self._status("Choose a routine in the library first")
            return None
        w: Any = self.window
        try:
            text = path.read_text(encoding="utf-8")
            name = str(RoutineDoc(text).get("name") or path.stem)
            folder = self.user_folder()
            items = w.library.items()
            # A bundled routine's copy keeps its name, to shadow it; the user's own routine's
            # copy is "X (copy)". Either way a name no other routine of the user's has
            # ("X 2", "X (copy) 2"...): a second copy is not a second row alike.
            if is_bundled(path):
                new_name = free_name(name, (i.title for i in items if not i.bundled))
            else:
                new_name = free_name(f"{name} (copy)", (i.title for i in items))
            target = unique_path(folder, new_name)
            write_text_atomic(target, copy_text(text, new_name))
            ensure_schema(folder)
        except (OSError, UnicodeDecodeError, EditError) as e:
            self._status(f"Cannot duplicate {path.name}: {e}")
            return None
        w.reload_library()
        self._status(f"Your copy: {target}")
        if open_editor:
            self.edit(target)
        return target

    def delete(self, path: Path | None) -> bool:
        """Move a routine of the user's to the trash (Undo delete brings it back)."""
        path = path if path is not None else self.selected_path()
        if path is None:
            self._status("Choose a routine in the library first")
            return False
        if is_bundled(path):
            self._status("Bundled routines cannot be deleted; hide them by not using them")
            return False
        from PySide6.QtCore import QFile

        f = QFile(str(path))
        ok = f.moveToTrash()  # on success the QFile names the file in the trash
        trashed = f.fileName()
        if not ok:
            # no trash on this system: keep it in the app's own, so Undo still works
            target = self.user_folder().parent / "deleted" / path.name
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                path.replace(target)
            except OSError as e:
                self._status(f"Cannot delete {path.name}: {e.strerror or e}")
                return False
            trashed = str(target)
        self._trashed.append((path, Path(trashed)))
        self.undo_delete_action.setEnabled(True)
        self.undo_delete_action.setText(f"&Undo delete of {path.name}")
        w: Any = self.window
        w.reload_library()
        self._status(f"Moved {path.name} to the trash (Routine › Undo delete brings it back)")
        return True

    def undo_delete(self) -> bool:
        if not self._trashed:
            return False
        original, trashed = self._trashed.pop()
        try:
            if original.exists():
                raise FileExistsError(f"{original} exists again")
            original.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(trashed), str(original))
        except OSError as e:
            self._status(f"Cannot bring back {original.name}: {e}")
            return False
        self.undo_delete_action.setEnabled(bool(self._trashed))
        if not self._trashed:
            self.undo_delete_action.setText("&Undo delete")
        w: Any = self.window
        w.reload_library()
        self._status(f"{original.name} is back")
        return True

    def open_folder(self) -> Path:
        folder = self.user_folder()
        QTimer.singleShot(0, lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))
        self._status(f"Your routine folder: {folder}")
        return folder
