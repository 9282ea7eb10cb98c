"""The exercise catalogue: ``use:`` with overrides, located errors, the CLI, plan pictures."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from hiptimer import catalogue
from hiptimer.catalogue import Catalogue, load_catalogue_text, slug
from hiptimer.cli import main
from hiptimer.loader import RoutineErrors, load_routine, load_routine_text
from hiptimer.plan import compile_plan
from hiptimer.resources import routines_dir

FIXTURES = Path(__file__).parent / "fixtures"
BUNDLED = sorted(routines_dir().glob("*.yaml"))


def load(text: str, path: Path | str = "r.yaml"):  # type: ignore[no-untyped-def]
    return load_routine_text(textwrap.dedent(text), path)


def errors(text: str, path: Path | str = "r.yaml") -> list[tuple[int, int, str]]:
    with pytest.raises(RoutineErrors) as info:
        load_routine_text(textwrap.dedent(text), path)
    return [(e.line, e.col, e.message) for e in info.value.errors]


# ---------------------------------------------------------------- the bundled catalogue


def test_bundled_catalogue_loads_with_unique_slug_ids() -> None:
    cat = catalogue.bundled()
    assert len(cat.entries) >= 30
    ids = cat.ids
    assert len(set(ids)) == len(ids)
    for e in cat.entries:
        assert e.id == slug(e.exercise.name), "ids are the slugs of the names (picture ids)"
        assert e.exercise.how.strip()
        assert e.exercise.catalogue_id == e.id


def test_slug_matches_the_picture_naming() -> None:
    assert slug("Child's pose") == "childs-pose"
    assert slug("Runner's lunge with arms overhead") == "runners-lunge-with-arms-overhead"
    assert slug("Front-to-back leg swings") == "front-to-back-leg-swings"
    assert slug("Cat–cow  (slow)") == "cat-cow-slow"


def test_every_bundled_exercise_comes_from_the_catalogue() -> None:
    for path in BUNDLED:
        text = path.read_text(encoding="utf-8")
        r = load_routine(path)
        for ex in r.exercises:
            assert ex.catalogue_id is not None, f"{path.name}: {ex.name}"
        assert text.count("- use: ") == len(r.exercises)
        assert "- name:" not in text


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_bundled_routine_timeline_unchanged_by_the_catalogue(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The plans recorded before the routines moved to ``use:`` (fixtures/bundled-plans)."""
    before = json.loads((FIXTURES / "bundled-plans" / f"{path.stem}.json").read_text())
    assert main(["plan", "--json", str(path)]) == 0
    now = json.loads(capsys.readouterr().out)
    keys = ("kind", "exercise", "side", "set", "start_s", "duration_s")
    assert now["duration_s"] == before["duration_s"]
    assert [{k: s[k] for k in keys} for s in now["steps"]] == before["steps"]


# ---------------------------------------------------------------- use: and overrides


def test_use_takes_everything_from_the_entry() -> None:
    r = load(
        """
        name: R
        exercises:
          - use: pigeon-pose
        """
    )
    (ex,) = r.exercises
    entry = catalogue.bundled().get("pigeon-pose")
    assert entry is not None
    assert ex.name == "Pigeon pose" == entry.exercise.name
    assert ex.how == entry.exercise.how and ex.how
    assert ex.note == entry.exercise.note and ex.note
    assert ex.dose == entry.exercise.dose
    assert ex.sides == "each"
    assert ex.catalogue_id == "pigeon-pose"


def test_fields_beside_use_override() -> None:
    r = load(
        """
        name: R
        defaults:
          prep: 7
        exercises:
          - use: pigeon-pose
            hold: 45s
            name: Pigeon, long
            note: ""
            prep: 12
            sets: 2
        """
    )
    (ex,) = r.exercises
    assert (ex.dose.kind, ex.dose.high) == ("hold", 45.0)
    assert ex.name == "Pigeon, long"
    assert ex.note == ""
    assert ex.timings.prep == 12.0
    assert ex.sets == 2
    assert ex.how == catalogue.bundled().get("pigeon-pose").exercise.how  # type: ignore[union-attr]


def test_a_dose_beside_use_replaces_the_entry_dose_and_tempo() -> None:
    # glute-bridge is 12 reps at 3 s a rep
    (held,) = load("name: R\nexercises:\n  - use: glute-bridge\n    hold: 5 breaths\n").exercises
    assert (held.dose.kind, held.dose.tempo) == ("breaths", None)
    (more,) = load("name: R\nexercises:\n  - use: glute-bridge\n    reps: 15\n").exercises
    assert (more.dose.kind, more.dose.high, more.dose.tempo) == ("reps", 15, 3.0)
    (slow,) = load("name: R\nexercises:\n  - use: glute-bridge\n    tempo: 5s\n").exercises
    assert (slow.dose.high, slow.dose.tempo) == (12, 5.0)
    (own,) = load(
        "name: R\nexercises:\n  - use: glute-bridge\n    reps: 6\n    tempo: 2\n"
    ).exercises
    assert (own.dose.high, own.dose.tempo) == (6, 2.0)


def test_unknown_id_is_located_with_did_you_mean() -> None:
    errs = errors(
        """
        name: R
        exercises:
          - use: pigeon-pse
            hold: 30s
          - use: Child's pose
          - use: no-such-thing-at-all
        """
    )
    assert errs == [
        (4, 10, "no exercise 'pigeon-pse' in the catalogue (did you mean 'pigeon-pose'?)"),
        (6, 10, "no exercise \"Child's pose\" in the catalogue (did you mean 'childs-pose'?)"),
        (7, 10, "no exercise 'no-such-thing-at-all' in the catalogue"),
    ]


def test_use_must_be_text_and_other_errors_still_located() -> None:
    errs = errors(
        """
        name: R
        exercises:
          - use: [pigeon-pose]
          - use: pigeon-pose
            hold: 30 sex
            sidez: each
        """
    )
    assert [(line, col) for line, col, _ in errs] == [(4, 10), (6, 11), (7, 5)]
    assert "'use' must be text" in errs[0][2]
    assert "unknown unit 'sex'" in errs[1][2]
    assert "unknown key 'sidez'" in errs[2][2] and "did you mean 'sides'" in errs[2][2]


def test_an_error_the_entry_causes_here_is_reported_at_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """100 breaths is fine in the catalogue (5 s a breath); this routine's 60 s breaths
    make it last over an hour, and the error points at the routine's ``use:``."""
    cat = load_catalogue_text(
        "exercises:\n  - id: long-hold\n    name: Long hold\n    hold: 100 breaths\n", "c.yaml"
    )
    monkeypatch.setattr(catalogue, "bundled", lambda: cat)
    errs = errors("name: R\nexercises:\n  - use: long-hold\n    breath: 60\n")
    assert errs == [(3, 10, "'hold' of 100 breaths × 1m lasts over 1 hour")]


def test_two_doses_beside_use_is_still_an_error() -> None:
    errs = errors("name: R\nexercises:\n  - use: pigeon-pose\n    hold: 30s\n    time: 3 min\n")
    assert errs == [
        (5, 11, "exercise 'Pigeon pose' has two doses (hold and time); give exactly one")
    ]


def test_reps_that_hold_and_phases_beside_use() -> None:
    # bird-dog is 5-7 reps a side, each a 5-10 s hold; more reps keep the hold
    (bird,) = load("name: R\nexercises:\n  - use: bird-dog\n    reps: 10\n").exercises
    assert (bird.dose.kind, bird.dose.high) == ("reps", 10)
    assert bird.dose.tempo == 10.0 and bird.sides == "alternate"
    # a plain hold given with reps makes the pigeon reps that hold
    (pigeon,) = load("name: R\nexercises:\n  - use: pigeon-pose\n    reps: 3\n").exercises
    assert (pigeon.dose.kind, pigeon.dose.high) == ("reps", 3)
    assert pigeon.dose.tempo is None, "the catalogue's plain hold is a dose, replaced by reps"
    both = "name: R\nexercises:\n  - use: pigeon-pose\n    reps: 3\n    hold: 20s\n"
    (held,) = load(both).exercises
    assert (held.dose.high, held.dose.tempo) == (3, 20.0)
    phased = (
        "name: R\nexercises:\n  - use: glute-bridge\n"
        "    phases:\n      - {name: Up, hold: 2s}\n      - {name: Down, hold: 3s}\n"
    )
    (bridge,) = load(phased).exercises
    assert (bridge.dose.high, bridge.dose.tempo) == (12, 5.0), "12 reps, each 2 s + 3 s"
    (lifted,) = load("name: R\nexercises:\n  - use: bridge-with-one-leg-extended\n").exercises
    entry = catalogue.bundled().get("bridge-with-one-leg-extended")
    assert entry is not None and lifted.dose == entry.exercise.dose


# ---------------------------------------------------------------- catalogue file errors


def cat_errors(text: str) -> list[tuple[int, int, str]]:
    with pytest.raises(RoutineErrors) as info:
        load_catalogue_text(textwrap.dedent(text), "catalogue.yaml")
    return [(e.line, e.col, e.message) for e in info.value.errors]


def test_catalogue_errors_are_located() -> None:
    errs = cat_errors(
        """
        exercises:
          - id: a-b
            name: A
            hold: 30s
          - id: a-b
            name: B
            hold: 3O s
          - id: Not A Slug
            name: C
            reps: 5
            use: a-b
            prep: 3
          - name: D
            time: 1 min
          - id: e
            name: E
            hold: 30s
            picture: missing-picture
        """
    )
    assert errs == [
        (6, 9, "id 'a-b' given twice (first on line 3)"),
        (8, 11, "'hold': unknown unit 'o' in duration '3O s'"),
        (9, 9, "id 'Not A Slug' must be lowercase letters and digits joined by '-'"),
        (12, 5, "'use' takes an entry from the catalogue; it has no place inside it"),
        (13, 5, "'prep' belongs in the routine that uses the entry, not here"),
        (14, 5, "missing 'id': every catalogue entry needs one, like pigeon-pose"),
        (
            19,
            14,
            f"picture 'missing-picture' not found (missing-picture.svg in "
            f"{catalogue.pictures_dir()})",
        ),
    ]


def test_catalogue_must_have_exercises() -> None:
    assert cat_errors("name: x\n") == [
        (1, 1, "the catalogue must be a mapping with a list under 'exercises'")
    ]


def test_catalogue_picture_defaults_to_the_id_when_the_svg_exists(tmp_path: Path) -> None:
    (tmp_path / "a-b.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    cat: Catalogue = load_catalogue_text(
        "exercises:\n  - id: a-b\n    name: A\n    hold: 30s\n"
        "  - id: c\n    name: C\n    hold: 30s\n",
        "c.yaml",
        pictures=tmp_path,
    )
    assert [e.picture for e in cat.entries] == ["a-b", None]


# ---------------------------------------------------------------- the CLI


def test_cli_catalogue_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalogue"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["ID", "NAME", "DOSE", "SIDES", "PICTURE"]
    assert any(line.startswith("pigeon-pose ") and "Pigeon pose" in line for line in out)
    assert len(out) == 1 + len(catalogue.bundled().entries)


def test_cli_catalogue_dose_of_held_reps_says_the_hold(capsys: pytest.CaptureFixture[str]) -> None:
    """Bird dog holds each rep 5–10 s: the table once said "× 10s" (the rep's longest
    length), and the bridge's two 5-breath phases read "× 50s". Held reps now read as
    the player shows them (display.dose_text), the range and the phases intact."""
    from hiptimer.display import dose_text

    assert main(["catalogue"]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert "5–7 reps × 5–10s" in rows["bird-dog"]
    assert "× 10s" not in rows["bird-dog"]
    assert "8 reps of Lift 5 breaths, Hover 5 breaths" in rows["bridge-with-one-leg-extended"]
    assert "50s" not in rows["bridge-with-one-leg-extended"]
    held = [e for e in catalogue.bundled().entries if e.exercise.dose.phases]
    assert held, "the bundled catalogue has reps that hold"
    for e in held:
        assert f"  {dose_text(e.exercise)}  " in rows[e.id]


def test_cli_catalogue_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalogue", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, list) and len(data) == len(catalogue.bundled().entries)
    by_id = {d["id"]: d for d in data}
    pigeon = by_id["pigeon-pose"]
    assert pigeon["name"] == "Pigeon pose"
    assert "picture" in pigeon
    assert pigeon["dose"] == {"kind": "hold", "text": "30s", "tempo_s": None}
    assert pigeon["sides"] == "each"
    for d in data:
        assert {"id", "name", "picture"} <= d.keys()
        if d["picture"] is not None:
            assert Path(d["picture_file"]).is_file()


def test_cli_catalogue_broken_file_is_located(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "catalogue.yaml"
    bad.write_text("exercises:\n  - id: x\n    name: X\n    hodl: 3s\n")
    monkeypatch.setattr(catalogue, "catalogue_path", lambda: bad)
    assert main(["catalogue"]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:4:5: unknown key 'hodl' in a catalogue entry (did you mean 'hold'?)" in err


def test_plan_json_gives_every_step_a_picture_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "me.png").write_bytes(_png())
    f = tmp_path / "r.yaml"
    f.write_text(
        "name: R\n"
        "defaults: {prep: 2, rest: 3, switch: 1}\n"
        "exercises:\n"
        "  - name: Mine\n    hold: 5s\n    sides: each\n    image: me.png\n    mirror: true\n"
        "  - name: Plain\n    hold: 5s\n"
        "  - use: pigeon-pose\n    hold: 5s\n"
    )
    assert main(["plan", "--json", str(f)]) == 0
    steps = json.loads(capsys.readouterr().out)["steps"]
    assert all("picture" in s and "mirrored" in s for s in steps)
    got = [(s["kind"], s["exercise"], s["side"], s["picture"], s["mirrored"]) for s in steps]
    me = str((tmp_path / "me.png").resolve())
    pigeon = catalogue.bundled().get("pigeon-pose")
    assert pigeon is not None
    pic = pigeon.picture  # the catalogue picture's id (None until its SVG exists)
    assert got == [
        ("prep", "Mine", None, me, False),
        ("work", "Mine", "left", me, False),
        ("switch", "Mine", "right", me, True),
        ("work", "Mine", "right", me, True),
        ("rest", "Mine", None, None, False),  # rest shows what comes next: Plain, no picture
        ("prep", "Plain", None, None, False),
        ("work", "Plain", None, None, False),
        ("rest", "Plain", None, pic, False),
        ("prep", "Pigeon pose", None, pic, False),
        ("work", "Pigeon pose", "left", pic, False),
        ("switch", "Pigeon pose", "right", pic, pic is not None),
        ("work", "Pigeon pose", "right", pic, pic is not None),
    ]


def test_every_catalogue_entry_has_its_picture() -> None:
    for e in catalogue.bundled().entries:
        assert e.picture == e.id, e.id
        assert (catalogue.pictures_dir() / f"{e.id}.svg").is_file()


def test_every_step_of_every_bundled_routine_shows_a_picture() -> None:
    from hiptimer.pictures import step_picture

    for path in BUNDLED:
        plan = compile_plan(load_routine(path))
        for step in plan.steps:
            ref = step_picture(plan, step)
            assert ref is not None, (path.name, step.index, step.kind)
            assert ref.is_catalogue and ref.path.is_file() and ref.poses[0] == ref.path


def _png() -> bytes:
    import imagefiles

    return imagefiles.png()


def test_the_bundled_folders_are_found_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every exercise a routine file uses asks for the bundled catalogue's path: the
    folder is resolved once (resolving it each time was a third of a cold scan)."""
    from hiptimer import resources

    first = resources.assets_dir()
    assert (first / "catalogue.yaml").is_file() or (first / "pictures").is_dir()
    resolved: list[Path] = []
    real = Path.resolve

    def counting(self: Path, strict: bool = False) -> Path:
        resolved.append(self)
        return real(self, strict)

    monkeypatch.setattr(Path, "resolve", counting)
    for _ in range(3):
        assert resources.assets_dir() == first
        assert resources.routines_dir().is_dir()
    assert resolved == []


def test_a_routine_file_asks_for_the_catalogue_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not once an exercise: each ask stats the catalogue file (a first scan of
    10,000 routines made 57,000 of them)."""
    from hiptimer import catalogue

    asked: list[int] = []
    real = catalogue.bundled

    def counting() -> Catalogue:
        asked.append(1)
        return real()

    monkeypatch.setattr(catalogue, "bundled", counting)
    r = load(
        """\
        name: Three from the catalogue
        exercises:
          - use: bird-dog
          - use: bodyweight-squat
          - use: brisk-walk
        """
    )
    assert len(r.exercises) == 3
    assert len(asked) == 1
