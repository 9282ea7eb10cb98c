"""The bundled routines: every one loads, is complete, and compiles to a sensible plan."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from hiptimer.plan import compile_plan
from hiptimer.resources import routines_dir
from hiptimer.routine import Routine

SCHEMA_LINE = "# yaml-language-server: $schema=../hiptimer/routine.schema.json"

BUNDLED = sorted(routines_dir().glob("*.yaml")) + sorted(routines_dir().glob("*.yml"))

needs_loader = pytest.mark.skipif(
    importlib.util.find_spec("hiptimer.loader") is None,
    reason="hiptimer.loader is not written yet (issue 2, item 2)",
)


def load(path: Path) -> Routine:
    from hiptimer.loader import load_routine

    return load_routine(path)


def test_the_library_has_at_least_six_routines() -> None:
    assert len(BUNDLED) >= 6, [p.name for p in BUNDLED]


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_first_line_points_editors_at_the_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == SCHEMA_LINE


@needs_loader
@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_bundled_routine_is_complete_and_plans_sensibly(path: Path) -> None:
    r = load(path)
    assert r.name.strip()
    assert r.description.strip(), "a description"
    assert r.tags, "some tags"
    assert r.exercises
    for e in r.exercises:
        assert e.how.strip(), f"{e.name}: how text"
        assert len(e.how) <= 600, f"{e.name}: how text should be short"
    plan = compile_plan(r)
    assert 2 * 60 <= plan.duration_s <= 45 * 60, plan.duration_s
    assert sum(1 for s in plan.steps if s.is_work) >= len(r.exercises)


@needs_loader
def test_the_library_uses_every_feature_of_the_format() -> None:
    """The bundled routines double as examples: together they show every dose kind,
    both kinds of sides, sets and per-exercise overrides."""
    routines = [load(p) for p in BUNDLED]
    assert len({r.name for r in routines}) == len(routines), "names are unique"
    exercises = [e for r in routines for e in r.exercises]
    doses = {e.dose.kind for e in exercises}
    assert doses == {"hold", "breaths", "reps", "time"}
    assert any(e.dose.kind == "breaths" and e.dose.is_range for e in exercises)
    assert any(e.dose.kind == "reps" and e.dose.tempo is not None for e in exercises)
    assert any(e.dose.self_paced for e in exercises)
    assert {e.sides for e in exercises} >= {"each", "alternate"}
    assert any(e.sets > 1 for e in exercises)
    assert any(e.note.strip() for e in exercises)
    overridden = {
        key
        for r in routines
        for e in r.exercises
        for key in ("prep", "rest", "set_rest", "breath")
        if getattr(e.timings, key) != getattr(r.defaults, key)
    }
    assert overridden >= {"prep", "rest", "set_rest", "breath"}
