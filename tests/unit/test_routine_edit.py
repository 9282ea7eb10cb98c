"""Writing routines: a round trip keeps a person's file; a change changes only itself."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from hiptimer.cli import main
from hiptimer.loader import load_routine, load_routine_text
from hiptimer.routine_edit import (
    EditError,
    RoutineDoc,
    copy_text,
    folded,
    new_routine_file,
    starter_text,
)

REPO = Path(__file__).resolve().parents[2]
BUNDLED = sorted((REPO / "routines").glob("*.yaml"))

HAND_WRITTEN = """\
# My morning routine -- written by hand, kept by the editor.
name: Morning hips   # short and sweet
description: "Quoted on purpose"

exercises:
    # first, wake up the hips
    -   name: Pigeon pose
        hold: 30s     # per side
        sides: each

    -   name: Bridge   # no comment on the dose
        reps: 10
        tempo: 3s
    # the last one
    -   name: Child's pose
        hold: '8 breaths'
"""


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="")
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_every_bundled_routine_round_trips_byte_for_byte(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert RoutineDoc(text).text() == text


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_a_change_to_a_bundled_routine_is_the_only_difference(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    doc = RoutineDoc(text)
    last = doc.exercise_count() - 1
    doc.set_field(last, "rest", "15s")
    diff = changed_lines(text, doc.text())
    assert diff == ["+    rest: 15s"], diff
    before = load_routine_text(text, path)
    after = load_routine_text(doc.text(), path)
    assert after.exercises[last].timings.rest == 15
    assert after.exercises[:last] == before.exercises[:last]


def test_a_hand_written_file_keeps_comments_order_and_layout() -> None:
    assert RoutineDoc(HAND_WRITTEN).text() == HAND_WRITTEN
    doc = RoutineDoc(HAND_WRITTEN)
    doc.set_field(0, "hold", "45s")
    out = doc.text()
    assert changed_lines(HAND_WRITTEN, out) == [
        "-        hold: 30s     # per side",
        "+        hold: 45s     # per side",
    ]
    assert load_routine_text(out, "r.yaml").exercises[0].dose.high == 45


def test_new_keys_go_where_a_person_puts_them() -> None:
    doc = RoutineDoc(HAND_WRITTEN)
    doc.set_field(1, "how", "Lie on your back and lift the hips.")
    doc.set_field(1, "sets", "3-4")
    doc.set_field(1, "note", "Keep the ribs down.")
    bridge = list(doc.exercise(1))
    assert bridge == ["name", "how", "note", "reps", "tempo", "sets"]
    diff = changed_lines(HAND_WRITTEN, doc.text())
    assert diff == [
        "+        how: Lie on your back and lift the hips.",
        "+        note: Keep the ribs down.",
        "+        sets: 3-4",
    ]


def test_removing_reordering_and_adding_exercises_keep_their_comments() -> None:
    doc = RoutineDoc(HAND_WRITTEN)
    doc.move_exercise(2, 0)
    assert [e["name"] for e in doc.exercises()] == ["Child's pose", "Pigeon pose", "Bridge"]
    doc.remove_exercise(2)
    i = doc.add_exercise({"name": "Walk", "time": "5 min", "sides": ""})
    assert i == 2 and doc.exercise(2) == {"name": "Walk", "time": "5 min"}
    out = doc.text()
    assert "# per side" in out and "# first, wake up the hips" in out
    r = load_routine_text(out, "r.yaml")
    assert [e.name for e in r.exercises] == ["Child's pose", "Pigeon pose", "Walk"]


def test_removing_a_key_and_values_written_as_a_person_would() -> None:
    doc = RoutineDoc(HAND_WRITTEN)
    doc.set_field(1, "tempo", "")
    doc.set_field(1, "reps", "12")
    doc.set_field(0, "note", "Careful: knees")
    out = doc.text()
    assert "tempo" not in out
    assert "        reps: 12\n" in out  # a number stays a number
    r = load_routine_text(out, "r.yaml")
    assert r.exercises[0].note == "Careful: knees"  # quoted where YAML needs it
    assert r.exercises[1].dose.self_paced


def test_long_text_is_folded_and_reads_back_the_same() -> None:
    how = " ".join(["Lift the hips slowly and keep the pelvis level while you breathe."] * 3)
    doc = RoutineDoc(HAND_WRITTEN)
    doc.set_field(0, "how", how)
    out = doc.text()
    assert "how: >-" in out
    assert max(len(line) for line in out.splitlines()) <= 88
    assert load_routine_text(out, "r.yaml").exercises[0].how == how
    assert folded("short", 6) == "short"


def test_phases_and_tags() -> None:
    doc = RoutineDoc(HAND_WRITTEN)
    doc.set_field(1, "tempo", None)
    doc.set_phases(1, [("Lift", "5 breaths"), ("Hover", "5 breaths")])
    doc.set_tags(["hips", "morning"])
    out = doc.text()
    assert "tags: [hips, morning]" in out
    r = load_routine_text(out, "r.yaml")
    assert [p.name for p in r.exercises[1].dose.phases] == ["Lift", "Hover"]
    assert r.tags == ("hips", "morning")


def test_field_at_maps_a_loader_line_to_its_field() -> None:
    doc = RoutineDoc(HAND_WRITTEN)
    doc.set_field(1, "sides", "eachh")
    from hiptimer.loader import RoutineErrors

    with pytest.raises(RoutineErrors) as info:
        load_routine_text(doc.text(), "r.yaml")
    e = info.value.errors[0]
    assert doc.field_at(e.line) == (1, "sides")
    assert doc.field_at(2) == (None, "name")


def test_not_a_routine_mapping_is_refused() -> None:
    with pytest.raises(EditError):
        RoutineDoc("- a\n- b\n")
    with pytest.raises(EditError):
        RoutineDoc("name: [unclosed\n")


def test_starter_and_copies_are_valid_routines(tmp_path: Path) -> None:
    load_routine_text(starter_text("Morning: hips"), "r.yaml")  # a colon is quoted
    path = new_routine_file(tmp_path, "Morning hips")
    assert path.name == "morning-hips.yaml" and (tmp_path / "routine.schema.json").is_file()
    assert load_routine(path).name == "Morning hips"
    assert new_routine_file(tmp_path, "Morning hips").name == "morning-hips-2.yaml"
    text = BUNDLED[0].read_text(encoding="utf-8")
    copy = copy_text(text, "Mine")
    assert copy.splitlines()[0] == "# yaml-language-server: $schema=routine.schema.json"
    assert changed_lines(text, copy)[0].startswith("-# yaml-language-server")
    assert len(changed_lines(text, copy)) == 4  # the schema line and the name
    assert load_routine_text(copy, tmp_path / "x.yaml").name == "Mine"


# ---------------------------------------------------------------- command line


@pytest.fixture
def user_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    return data


def test_list_always_names_the_user_folder_and_creates_it(
    user_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = user_data / "HipTimer" / "routines"
    assert main(["list", "--json", str(REPO / "routines")]) == 0
    assert f"Your routine folder: {folder}" in capsys.readouterr().err
    assert folder.is_dir()
    assert main(["list"]) == 0
    assert f"Your routine folder: {folder}" in capsys.readouterr().err


def test_new_writes_a_starter_there_and_prints_its_path(
    user_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "Evening stretch"]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path == user_data / "HipTimer" / "routines" / "evening-stretch.yaml"
    assert load_routine(path).name == "Evening stretch"
    assert "#" in path.read_text(encoding="utf-8")  # commented
    assert main(["list"]) == 0
    assert "Evening stretch" in capsys.readouterr().out


def test_new_refuses_a_name_the_library_already_has(
    user_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second "Evening stretch" could not be opened by its name (the first would
    be), and the library would list two rows alike: the second ``new`` says which file
    has the name and writes nothing."""
    folder = user_data / "HipTimer" / "routines"
    assert main(["new", "Evening stretch"]) == 0
    first = Path(capsys.readouterr().out.strip())
    assert main(["new", "evening STRETCH "]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "already has a routine named 'evening STRETCH'" in err and str(first) in err
    assert sorted(p.name for p in folder.glob("*.yaml")) == ["evening-stretch.yaml"]
    # a bundled routine's name too (Duplicate makes the user's own copy of it)
    assert main(["new", "Desk break"]) == 1
    err = capsys.readouterr().err
    assert "desk-break.yaml" in err and "Routine > Duplicate" in err
    # and one in the folder --routines names, where the new file would go
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.yaml").write_text("name: Studio flow\nexercises:\n  - {name: A, hold: 30s}\n")
    assert main(["new", "Studio flow", "--routines", str(other)]) == 1
    assert main(["new", "Studio flow 2", "--routines", str(other)]) == 0
    assert (other / "studio-flow-2.yaml").is_file()
