"""The JSON Schema matches the loader's tables and accepts what the loader accepts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from hiptimer.resources import routines_dir
from hiptimer.schema import SCHEMA_FILE, build_schema, render, schema

EXAMPLE = Path(__file__).parent / "fixtures" / "contract-example.yaml"
HERE = Path(__file__).resolve().parents[2] / "hiptimer" / SCHEMA_FILE


def test_committed_schema_is_current() -> None:
    assert HERE.read_text(encoding="utf-8") == render(), (
        "regenerate: python -m hiptimer.schema > hiptimer/routine.schema.json"
    )
    assert schema() == build_schema()


def _validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft7Validator.check_schema(schema())
    return jsonschema.Draft7Validator(schema())


def _files() -> list[Path]:
    return [EXAMPLE, *sorted(routines_dir().glob("*.yaml")), *sorted(routines_dir().glob("*.yml"))]


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_routines_validate_against_schema(path: Path) -> None:
    v = _validator()
    errors = [e.message for e in v.iter_errors(yaml.safe_load(path.read_text("utf-8")))]
    assert errors == []


@pytest.mark.parametrize(
    "doc",
    [
        {"name": "R", "exercises": [{"name": "E", "hodl": 30}]},
        {"name": "R", "exercises": [{"name": "E", "hold": 30, "time": 8}]},
        {"name": "R", "exercises": [{"name": "E", "reps": 8, "hold": 5, "tempo": 3}]},
        {
            "name": "R",
            "exercises": [{"name": "E", "hold": 5, "phases": [{"name": "A", "hold": 5}]}],
        },
        {"name": "R", "exercises": [{"name": "E", "phases": [{"name": "A", "hold": 5}]}]},
        {"name": "R", "exercises": [{"name": "E", "reps": 8, "phases": [{"name": "A"}]}]},
        {"name": "R", "exercises": [{"name": "E", "reps": 8, "phases": []}]},
        {"name": "R", "exercises": [{"name": "E", "reps": 8, "sets": "3x"}]},
        {"name": "R", "exercises": [{"name": "E"}]},
        {"name": "R", "exercises": [{"name": "E", "hold": "30 sex"}]},
        {"name": "R", "exercises": [{"name": "E", "hold": 30, "tempo": 3}]},
        {"name": "R", "exercises": [{"name": "E", "reps": 8, "sides": "eachh"}]},
        {"name": "R", "exercises": []},
        {"exercises": [{"name": "E", "hold": 30}]},
        {"name": "R", "exercises": [{"name": "E", "hold": 3601}]},
        {"name": "R", "exercises": [{"name": "E", "hold": 30}], "sounds": {"goo": "a.wav"}},
        {"name": "R", "exercises": [{"use": "pigeon-pse"}]},
        {"name": "R", "exercises": [{"use": "pigeon-pose", "hold": 30, "time": 60}]},
        {"name": "R", "exercises": [{"use": "pigeon-pose", "mirror": "yes"}]},
    ],
)
def test_schema_rejects_what_the_loader_rejects(doc: dict[str, Any]) -> None:
    assert list(_validator().iter_errors(doc))


@pytest.mark.parametrize(
    "dose",
    [
        {"hold": "1 min 30 s"},
        {"hold": "8-10 Breaths"},
        {"hold": 45},
        {"reps": "5 to 7"},
        {"reps": "5\u20137", "tempo": "4s"},
        {"time": "10 min"},
        {"hold": "5-10s"},
        {"hold": "5 to 10 seconds"},
        {"reps": "5-7", "hold": "5-10s", "sides": "alternate"},
        {"reps": 8, "hold": "5 breaths"},
        {
            "reps": 8,
            "phases": [{"name": "Lift", "hold": "5 breaths"}, {"name": "Hover", "hold": 5}],
        },
        {"reps": 8, "sets": "3-4"},
    ],
)
def test_schema_accepts_dose_forms(dose: dict[str, Any]) -> None:
    doc = {"name": "R", "exercises": [{"name": "E", **dose}]}
    assert list(_validator().iter_errors(doc)) == []


@pytest.mark.parametrize(
    "exercise",
    [
        {"use": "pigeon-pose"},
        {"use": "pigeon-pose", "hold": "45s", "name": "Long pigeon"},
        {"use": "glute-bridge", "tempo": "4s"},
        {"name": "E", "hold": 30, "image": "me.gif", "mirror": True},
    ],
)
def test_schema_accepts_use_and_mirror(exercise: dict[str, Any]) -> None:
    doc = {"name": "R", "exercises": [exercise]}
    assert list(_validator().iter_errors(doc)) == []


def test_schema_lists_the_catalogue_ids() -> None:
    from hiptimer.catalogue import bundled

    use = build_schema()["definitions"]["exercise"]["properties"]["use"]
    assert use["enum"] == list(bundled().ids)
