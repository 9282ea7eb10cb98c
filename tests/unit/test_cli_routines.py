"""hiptimer validate | list | plan | schema, through hiptimer.cli.main."""

from __future__ import annotations

import gc
import json
import re
import shutil
from pathlib import Path

import pytest

from hiptimer import library
from hiptimer.cli import main
from hiptimer.library import LibraryEntry, library_paths, scan
from hiptimer.resources import routines_dir

EXAMPLE = Path(__file__).parent / "fixtures" / "contract-example.yaml"
LOCATED = re.compile(r"^.+:\d+:\d+: .+$")

BROKEN = "name: Broken\nexercises:\n  - name: A\n    hold: 30 sex\n    sides: eachh\n"


@pytest.fixture(autouse=True)
def _user_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))  # the library's index
    return data


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "lib"
    d.mkdir()
    shutil.copy(EXAMPLE, d / "a-example.yaml")
    (d / "b-broken.yml").write_text(BROKEN)
    (d / "notes.txt").write_text("not a routine")
    return d


# ---------------------------------------------------------------- validate


def test_validate_valid_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(EXAMPLE)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "1 routine file(s) valid" in err


def test_validate_reports_each_error_located(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(folder)]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    bad = folder / "b-broken.yml"
    assert lines == [
        f"{bad}:4:11: 'hold': unknown unit 'sex' in duration '30 sex' (did you mean 'sec'?)",
        f"{bad}:5:12: 'sides' must be none, each or alternate, not 'eachh' (did you mean 'each'?)",
    ]
    assert "1 of 2" in err


def test_validate_many_paths_and_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.yaml"
    assert main(["validate", str(EXAMPLE), str(missing)]) == 1
    out, _ = capsys.readouterr()
    assert out.startswith(f"{missing}:1:1: cannot read the file")


def test_validate_empty_folder_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path)]) == 1
    assert "no routine files" in capsys.readouterr().err


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00\x01\x02\xff\xfe",
        b"- - - - [[[{{{",
        b"name: !!python/object/new:os.system [true]\n",
        b"&a [*a]",
        b"\xef\xbb\xbf",
        "name: \u202e\u0000".encode(),
    ],
)
def test_validate_never_tracebacks(
    tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "x.yaml"
    f.write_bytes(content)
    assert main(["validate", str(f)]) == 1
    out, err = capsys.readouterr()
    assert out and all(LOCATED.match(line) for line in out.splitlines()), out
    assert "Traceback" not in out + err


def test_validate_bundled_routines(capsys: pytest.CaptureFixture[str]) -> None:
    if not any(routines_dir().glob("*.y*ml")):
        pytest.skip("bundled routines not written yet")
    assert main(["validate", str(routines_dir())]) == 0, capsys.readouterr().out


# ---------------------------------------------------------------- list


def test_list_json(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", str(folder), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [set(d) for d in data] == [{"name", "path", "duration_s", "exercises", "error"}] * 2
    good, bad = data
    assert good["name"] == "Hip flexor release"
    assert good["exercises"] == 5 and good["error"] is None
    assert good["path"] == str(folder / "a-example.yaml")
    # prep 5 + L 30 + switch 5 + R 30 + rest 10 = 80; fold 5 + 50 + 10 = 65;
    # bridge 5 + 32 + 5 + 32 + 10 = 84; lunge 5 + 2 * (3 * 24 + 2 * 30) + 5 + 10 = 284;
    # walk 5 + 600 = 605
    assert good["duration_s"] == 80 + 65 + 84 + 284 + 605
    assert bad["name"] == "b-broken" and bad["exercises"] is None
    assert bad["duration_s"] is None
    assert bad["error"].startswith(f"{folder / 'b-broken.yml'}:4:11: ")


def test_list_table(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", str(folder)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "EXERCISES", "DURATION", "PATH"]
    assert re.search(r"Hip flexor release\s+5\s+~18:38\s", lines[1])
    assert "b-broken" in lines[2]
    assert lines[3].strip().startswith("error: ") and ":4:11:" in lines[3]


def test_list_library_default(
    tmp_path: Path, _user_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = tmp_path / "extra"
    extra.mkdir()
    shutil.copy(EXAMPLE, extra / "mine.yaml")
    assert main(["list", "--json", "--routines", str(extra)]) == 0
    data = json.loads(capsys.readouterr().out)
    paths = [Path(d["path"]) for d in data]
    assert extra / "mine.yaml" in paths
    bundled = sorted(routines_dir().glob("*.yaml"))
    assert all(p in paths for p in bundled)
    user_dir = library_paths([])[1]
    assert user_dir.is_dir() and str(user_dir).startswith(str(_user_data))


# ---------------------------------------------------------------- plan


def test_plan_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(EXAMPLE), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"name", "duration_s", "steps"}
    assert data["name"] == "Hip flexor release" and data["duration_s"] == 1118
    steps = data["steps"]
    keys = {"kind", "exercise", "side", "set", "start_s", "duration_s", "picture", "mirrored"}
    assert all(set(s) == keys for s in steps)
    assert steps[0] == {
        "kind": "prep",
        "exercise": "Kneeling hip flexor stretch",
        "side": None,
        "set": 1,
        "start_s": 0,
        "duration_s": 5,
        "picture": None,  # the example has no image and uses no catalogue entry
        "mirrored": False,
    }
    assert [s["side"] for s in steps[1:4]] == ["left", "right", "right"]
    lunge = [
        s for s in steps if s["exercise"] == "Reverse lunge with twist" and s["kind"] == "work"
    ]
    assert [s["duration_s"] for s in lunge] == [None] * 6
    assert [(s["side"], s["set"]) for s in lunge] == [
        ("left", 1),
        ("left", 2),
        ("left", 3),
        ("right", 1),
        ("right", 2),
        ("right", 3),
    ]
    for a, b in zip(steps, steps[1:], strict=False):
        assert b["start_s"] >= a["start_s"]


def test_plan_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(EXAMPLE)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Hip flexor release") and "about 18:38" in lines[0]
    assert lines[1].split() == ["TIME", "STEP", "EXERCISE", "SIDE", "SET", "DURATION"]
    assert lines[2].split() == ["0:00", "prep", "Kneeling", "hip", "flexor", "stretch", "5s"]
    assert lines[3].split()[:2] == ["0:05", "work"] and "left" in lines[3] and "1/1" in lines[3]
    assert any("~24s (self-paced)" in line and "1/3" in line for line in lines)
    assert lines[-1].split()[:2] == ["8:38", "work"] and lines[-1].endswith("10m")


def test_plan_broken_routine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "b.yaml"
    f.write_text(BROKEN)
    assert main(["plan", str(f)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[0].startswith(f"{f}:4:11: ")


@pytest.mark.parametrize("arg", ["desk-break", "Desk break", "DESK BREAK", "desk-break.yaml"])
def test_plan_resolves_a_library_routine_by_stem_or_name(
    arg: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no file of that name here: the library answers
    assert main(["plan", arg, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "Desk break"


def test_plan_resolves_the_user_folder_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from hiptimer.paths import user_routines_dir

    mine = user_routines_dir()
    shutil.copy(EXAMPLE, mine / "my-file.yaml")
    monkeypatch.chdir(tmp_path)
    assert main(["plan", "hip FLEXOR release", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "Hip flexor release"
    assert main(["plan", "my-file", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "Hip flexor release"


def test_plan_unknown_routine_suggests_close_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["plan", "desk-brake"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "desk-brake" in err and "did you mean" in err and "desk-break" in err.lower()
    assert "cannot read the file" not in err


def test_plan_existing_path_wins_over_the_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(EXAMPLE, tmp_path / "desk-break")  # a file here named like a bundled routine
    assert main(["plan", "desk-break", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "Hip flexor release"


def _gui_routine(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[object]]:
    """Run the app's command line with the window swapped for a recorder of its ROUTINE."""
    import sys
    import types

    import hiptimer.environment

    seen: list[object] = []

    def run(args: object) -> int:
        seen.append(getattr(args, "routine", None))
        return 0

    fake = types.ModuleType("hiptimer.qt.app")
    fake.run = run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "hiptimer.qt.app", fake)
    monkeypatch.setattr(hiptimer.environment, "display_problem", lambda *a: None)
    code = main(argv)
    # the app's start-up pauses the cyclic collector; whatever run() did, it is on after
    assert gc.isenabled()
    return code, seen


def test_app_routine_argument_resolves_a_library_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert _gui_routine(["Desk break"], monkeypatch) == (0, [routines_dir() / "desk-break.yaml"])
    here = tmp_path / "x.yaml"
    here.write_text(BROKEN)
    assert _gui_routine(["x.yaml"], monkeypatch) == (0, [Path("x.yaml")])  # a path: as given


def test_a_name_two_of_the_users_routines_share_is_opened_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The last in the library's order is opened, as before, but not silently: the
    note names the others and how to open one of them. A bundled routine of the same
    name is the one a user's copy is meant to shadow: no note for it."""
    from hiptimer.paths import user_routines_dir

    monkeypatch.chdir(tmp_path)
    mine = user_routines_dir()
    shutil.copy(routines_dir() / "desk-break.yaml", mine / "my-desk.yaml")
    assert _gui_routine(["Desk break"], monkeypatch) == (0, [mine / "my-desk.yaml"])
    assert "note" not in capsys.readouterr().err
    shutil.copy(EXAMPLE, mine / "a-hips.yaml")
    shutil.copy(EXAMPLE, mine / "b-hips.yaml")
    assert _gui_routine(["Hip flexor release"], monkeypatch) == (0, [mine / "b-hips.yaml"])
    err = capsys.readouterr().err
    assert "2 routines are named 'Hip flexor release'" in err
    assert str(mine / "a-hips.yaml") in err and "'a-hips'" in err
    assert main(["plan", "hip flexor release", "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["name"] == "Hip flexor release"
    assert "hiptimer plan: note: 2 routines are named" in err


def test_a_name_is_looked_up_in_the_library_index_for_files_unchanged_since(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Naming a routine read every file of the library (about 3 s for 10,000): the
    index the app saved answers for the files unchanged since its scan."""
    from hiptimer import libindex
    from hiptimer.libindex import IndexRow, RowInfo
    from hiptimer.paths import user_routines_dir

    monkeypatch.chdir(tmp_path)
    mine = user_routines_dir()
    shutil.copy(EXAMPLE, mine / "hips.yaml")
    (mine / "broken.yaml").write_text(BROKEN)
    roots = library.library_paths()
    key = libindex.file_key(mine / "hips.yaml")
    assert key is not None
    info = RowInfo("Named in the index", "5:00", 1, (), "")
    rows = [
        IndexRow(str(mine / "hips.yaml"), key, False, info),
        IndexRow(str(mine / "broken.yaml"), (1, 1), False, None, ("broken.yaml:4:11: bad",)),
    ]
    assert libindex.save(libindex.default_path(), roots, rows)
    # the index's name, not the file's: the file was not read
    assert library.resolve_routine(Path("named in the INDEX")) == mine / "hips.yaml"
    assert library.routines_named("Named in the index") == [mine / "hips.yaml"]
    names = dict(library.routine_names([mine / "hips.yaml", mine / "broken.yaml"], roots))
    assert names == {mine / "hips.yaml": "Named in the index", mine / "broken.yaml": None}
    # an index of other folders is not used; a file changed since the scan is read again
    (tmp_path / "more").mkdir()
    assert library.routines_named("Named in the index", [tmp_path / "more"]) == []
    (mine / "hips.yaml").write_text(EXAMPLE.read_text() + "\n# changed\n")
    with pytest.raises(library.RoutineNotFound):
        library.resolve_routine(Path("Named in the index"))
    assert library.resolve_routine(Path("Hip flexor release")) == mine / "hips.yaml"


def test_free_name_counts_up_past_the_names_taken() -> None:
    from hiptimer.library import free_name

    assert free_name("My routine", []) == "My routine"
    assert free_name("My routine", ["my ROUTINE", "Other"]) == "My routine 2"
    assert free_name("My routine", ["My routine", "My routine 2", "my routine 3"]) == (
        "My routine 4"
    )


def test_app_unknown_routine_is_a_usage_error_with_suggestions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert _gui_routine(["desk brak"], monkeypatch) == (2, [])
    err = capsys.readouterr().err
    assert "desk brak" in err and "did you mean" in err and "'Desk break'" in err


# ---------------------------------------------------------------- schema


def test_schema_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["$schema"].startswith("http://json-schema.org/draft-07")
    assert "hold" in data["definitions"]["exercise"]["properties"]


# ---------------------------------------------------------------- library


def test_scan_survives_broken_files(folder: Path) -> None:
    entries = scan([folder, folder / "a-example.yaml"])
    assert [e.path.name for e in entries] == ["a-example.yaml", "b-broken.yml"]
    good, bad = entries
    assert isinstance(good, LibraryEntry) and good.routine is not None
    assert (good.exercise_count, good.duration_s) == (5, 1118)
    assert bad.routine is None and bad.errors and bad.name == "b-broken"
    assert bad.duration_s is None and bad.exercise_count is None


def test_entry_computes_duration_when_built_by_hand(folder: Path) -> None:
    (good, _bad) = scan([folder])
    assert LibraryEntry(good.path, good.routine, []).duration_s == 1118


# ---------------------------------------------------------------- the guide stays true

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "routine-format.md"


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", GUIDE.read_text("utf-8"), re.S)


def test_guide_example_loads_and_matches_contract(tmp_path: Path) -> None:
    from hiptimer.loader import load_routine_text

    example = _blocks("yaml")[0]
    assert example.startswith("# yaml-language-server: $schema=")
    # the guide's example is the contract example plus the schema comment
    assert example.split("\n", 1)[1] == EXAMPLE.read_text("utf-8")
    assert load_routine_text(example, tmp_path / "x.yaml").name == "Hip flexor release"


def test_guide_error_sample_is_real_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = next(b for b in _blocks("yaml") if b.startswith("name: Hips"))
    expected = _blocks("text")[0]
    (tmp_path / "hips.yaml").write_text(broken)
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "hips.yaml"]) == 1
    assert capsys.readouterr().out == expected
