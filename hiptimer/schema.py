"""The routine JSON Schema (draft-07, the draft yaml-language-server knows best).

:func:`build_schema` makes it from the loader's own tables (keys, units,
limits), so the two stay in sync; ``hiptimer/routine.schema.json`` is its
committed rendering (a unit test checks they match; regenerate with
``python -m hiptimer.schema > hiptimer/routine.schema.json``). The schema
helps editors complete and flag keys; the loader stays the judge (reversed
ranges, files, breath holds over an hour are beyond a schema).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from hiptimer import loader
from hiptimer.durations import BREATH_UNITS, UNIT_SECONDS
from hiptimer.routine import CUE_NAMES, Timings

SCHEMA_FILE = "routine.schema.json"


def _ci(word: str) -> str:
    """A case-insensitive regex for ``word`` (JSON Schema regexes take no flags)."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


def _alt(words: list[str] | tuple[str, ...]) -> str:
    return "(?:" + "|".join(_ci(w) for w in sorted(words, key=len, reverse=True)) + ")"


_NUM = r"(?:\d+(?:\.\d+)?|\.\d+)"
_RANGE_SEP = r"(?:-|\u2013|\u2014|[tT][oO])"
_DURATION_PART = rf"(?:{_NUM}|(?:{_NUM}\s*{_alt(list(UNIT_SECONDS))}\s*)+)"
_DURATION_TEXT = rf"^\s*{_DURATION_PART}\s*$"
_DURATION_RANGE_TEXT = rf"^\s*{_DURATION_PART}\s*{_RANGE_SEP}\s*{_DURATION_PART}\s*$"
_COUNT_TEXT = rf"^\s*\d+(?:\s*{_RANGE_SEP}\s*\d+)?\s*$"
_BREATHS_TEXT = rf"^\s*\d+(?:\s*{_RANGE_SEP}\s*\d+)?\s*{_alt(BREATH_UNITS)}\s*$"
_REPS_TEXT = rf"^\s*\d+(?:\s*{_RANGE_SEP}\s*\d+)?(?:\s*{_alt(loader.REP_UNITS)})?\s*$"


def _duration(description: str, *, minimum_zero: bool, maximum: float) -> dict[str, Any]:
    number: dict[str, Any] = {"type": "number", "maximum": maximum}
    if minimum_zero:
        number["minimum"] = 0
    else:
        number["exclusiveMinimum"] = 0
    return {
        "description": description,
        "anyOf": [number, {"type": "string", "pattern": _DURATION_TEXT}],
    }


_TIMING_DESCRIPTIONS = {
    "prep": "'Get ready' seconds before each exercise (a duration: 5, 5s, 1 min).",
    "rest": "Seconds between exercises (none after the last); on an exercise, "
    "the pause that follows it.",
    "set_rest": "Seconds between sets of one exercise (and one side).",
    "switch": "Seconds to change sides.",
    "breath": "Seconds one guided breath lasts (in + out).",
    "countdown": "Audible ticks in the last N seconds of a timed step (0 = none).",
}


def _timing_properties() -> dict[str, Any]:
    d = Timings()
    props: dict[str, Any] = {}
    for key, text in _TIMING_DESCRIPTIONS.items():
        default = getattr(d, key)
        if key == "countdown":
            props[key] = {
                "description": text,
                "type": "integer",
                "minimum": 0,
                "maximum": loader.MAX_COUNTDOWN,
                "default": default,
            }
        elif key == "breath":
            props[key] = _duration(text, minimum_zero=False, maximum=loader.MAX_BREATH_S)
        else:
            props[key] = _duration(text, minimum_zero=True, maximum=loader.MAX_TIMING_S)
        props[key]["default"] = int(default) if float(default).is_integer() else default
    return props


def build_schema() -> dict[str, Any]:
    """The routine JSON Schema as a dict."""
    timing = _timing_properties()
    text = {"type": "string", "pattern": r"\S"}
    hold_value: dict[str, Any] = {
        "anyOf": [
            {"type": "number", "exclusiveMinimum": 0, "maximum": loader.MAX_HOLD_S},
            {"type": "string", "pattern": _DURATION_TEXT},
            {"type": "string", "pattern": _DURATION_RANGE_TEXT},
            {"type": "string", "pattern": _BREATHS_TEXT},
        ]
    }

    def only(key: str, *without: str) -> dict[str, Any]:
        return {"required": [key], "not": {"anyOf": [{"required": [k]} for k in without]}}

    exercise_props: dict[str, Any] = {
        "use": {
            "description": "Take this exercise from the bundled catalogue by its id "
            "(`hiptimer catalogue` lists them): name, picture, how, note and default dose. "
            "Any other key beside it overrides that field; a dose given here replaces the "
            "catalogue's.",
            "enum": list(_catalogue_ids()),
        },
        "name": {**text, "description": "The exercise's name (required without use)."},
        "how": {"type": "string", "description": "How to do it: instructions shown and spoken."},
        "note": {"type": "string", "description": "A caution shown with the exercise."},
        "coach": {
            "type": "string",
            "description": "A private note for the trainer: shown in the presenter view and "
            "the overview, never on the projector.",
        },
        "hold": {
            "description": "Dose: a held position. A duration (30, 30s, 45 sec, 1 min 30 s), "
            "a range of durations (5-10s) or a breath count (5 breaths, 8-10 breaths), at most "
            "1 hour. With reps: how long each rep holds.",
            **hold_value,
        },
        "phases": {
            "description": "With reps: the named parts of every rep, in order, each with its "
            "own hold (e.g. Lift 5 breaths, then Hover 5 breaths).",
            "type": "array",
            "minItems": 1,
            "maxItems": loader.MAX_PHASES,
            "items": {
                "type": "object",
                "properties": {
                    "name": {**text, "description": "The phase's name, shown and spoken."},
                    "hold": {"description": "How long the phase lasts.", **hold_value},
                },
                "required": list(loader.PHASE_KEYS),
                "additionalProperties": False,
            },
        },
        "reps": {
            "description": "Dose: repetitions, a count (8) or a range (5-7). Add tempo for "
            "timed reps; without it the reps are self-paced.",
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": loader.MAX_COUNT},
                {"type": "string", "pattern": _REPS_TEXT},
            ],
        },
        "time": {
            "description": "Dose: continuous work (a walk, a cycle), a duration like 10 min.",
            **{
                k: v
                for k, v in _duration("", minimum_zero=False, maximum=loader.MAX_TIME_S).items()
                if k != "description"
            },
        },
        "tempo": _duration(
            "Seconds each rep takes (reps only); omit for self-paced reps.",
            minimum_zero=False,
            maximum=loader.MAX_TEMPO_S,
        ),
        "sets": {
            "description": "Number of sets (default 1), or a range (3-4): the plan has the "
            "upper bound, Next in the rest after the lower bound finishes the exercise.",
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": loader.MAX_COUNT},
                {"type": "string", "pattern": _COUNT_TEXT},
            ],
            "default": 1,
        },
        "sides": {
            "description": "none (default); each: all sets on the left, then all on the "
            "right; alternate: left and right alternate rep by rep inside each set.",
            "enum": list(loader.SIDES),
            "default": "none",
        },
        "image": {
            "type": "string",
            "description": "A picture: PNG, JPEG, GIF, WebP or SVG (animated GIF and WebP "
            "play), relative to the routine file; it must stay inside the routine's folder "
            "or the app's assets.",
        },
        "mirror": {
            "type": "boolean",
            "description": "Flip the picture for the right side (a user image is not "
            "flipped unless this is true; a catalogue picture is, unless this is false).",
        },
        **timing,
    }
    own: dict[str, Any] = {
        "required": ["name"],
        "anyOf": [
            only("hold", "reps", "time", "phases"),
            only("time", "hold", "reps", "phases"),
            {
                "required": ["reps"],
                "not": {
                    "anyOf": [
                        {"required": ["time"]},
                        {"required": ["hold", "phases"]},
                        {"required": ["tempo", "hold"]},
                        {"required": ["tempo", "phases"]},
                    ]
                },
            },
        ],
        "dependencies": {"tempo": ["reps"], "phases": ["reps"]},
    }
    # beside use: the entry gives the name and dose; what is given here must still fit
    clash = [["hold", "time"], ["reps", "time"], ["hold", "phases"], ["time", "phases"]]
    exercise: dict[str, Any] = {
        "type": "object",
        "description": "One exercise: a name and exactly one dose (hold, reps or time); "
        "reps may hold (reps with hold or phases). Or use: a catalogue id, with any field "
        "overridden beside it.",
        "properties": exercise_props,
        "additionalProperties": False,
        "if": {"required": ["use"]},
        "then": {"not": {"anyOf": [{"required": pair} for pair in clash]}},
        "else": own,
    }
    sounds = {
        "type": "object",
        "description": "Replace cue sounds for this routine: cue name -> WAV file, "
        "relative to the routine file and inside its folder.",
        "properties": {cue: {"type": "string", "pattern": r"\.[wW][aA][vV]$"} for cue in CUE_NAMES},
        "additionalProperties": False,
    }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "HipTimer routine",
        "description": "A HipTimer routine file. See docs/routine-format.md.",
        "type": "object",
        "required": ["name", "exercises"],
        "additionalProperties": False,
        "properties": {
            "name": {**text, "description": "The routine's name (required)."},
            "description": {"type": "string", "description": "What the routine is for."},
            "tags": {
                "type": "array",
                "description": "Short words to find the routine by, e.g. [hips, desk].",
                "items": {"type": "string"},
            },
            "defaults": {
                "type": "object",
                "description": "Timings for every exercise; each exercise may override them.",
                "properties": _timing_properties(),
                "additionalProperties": False,
            },
            "sounds": sounds,
            "exercises": {
                "type": "array",
                "description": "The exercises, in order.",
                "minItems": 1,
                "items": {"$ref": "#/definitions/exercise"},
            },
        },
        "definitions": {"exercise": exercise},
    }


def _catalogue_ids() -> tuple[str, ...]:
    from hiptimer.catalogue import bundled

    return bundled().ids


def render() -> str:
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"


def schema_text() -> str:
    """The bundled schema file's text (falls back to building it)."""
    try:
        return resources.files("hiptimer").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    except OSError:
        return render()


def schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(schema_text())
    return data


if __name__ == "__main__":
    print(render(), end="")
