"""``hiptimer validate|list|plan|schema|catalogue``: the routine subcommands.

Argument parsing lives in :mod:`hiptimer.cli`; these functions print and
return the exit code. No file content can make them raise: every file is
read inside a guard and reported as ``path:line:col: message``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

from hiptimer import library
from hiptimer.display import dose_text
from hiptimer.durations import format_seconds
from hiptimer.loader import RoutineError, RoutineErrors, load_routine
from hiptimer.pictures import exercise_picture, step_picture, step_side
from hiptimer.plan import Plan, Step, compile_plan, format_clock
from hiptimer.routine import Exercise, Routine
from hiptimer.terminal import printable


def _write(stream: TextIO, line: str) -> None:
    try:
        print(line, file=stream)
    except UnicodeEncodeError:  # a terminal that cannot show a name's characters
        enc = stream.encoding or "ascii"
        print(line.encode(enc, "backslashreplace").decode(enc, "replace"), file=stream)


def _out(line: str = "", *, raw: bool = False) -> None:
    """A line for the terminal: control characters from files shown as escapes
    (``raw`` for JSON and the schema, which escape their own)."""
    _write(sys.stdout, line if raw else printable(line))


def _err(line: str) -> None:
    _write(sys.stderr, printable(line))


def cmd_validate(paths: list[Path]) -> int:
    """Each error on its own line ``path:line:col: message``; exit 1 if any."""
    files: list[Path] = []
    status = 0
    for p in paths:
        if library.is_folder(p):
            found = library.routine_files(p)
            if not found:
                _err(f"{p}: no routine files (*.yaml, *.yml) in this folder")
                status = 1
            files.extend(found)
        else:
            files.append(p)
    bad = 0
    unique = library.expand(files)
    for f in unique:
        entry = library.load_entry(f, with_duration=False)
        if entry.errors:
            bad += 1
            for e in entry.errors:
                _out(str(e))
    checked = len(unique)
    if bad:
        _err(f"{bad} of {checked} routine file(s) have errors")
        return 1
    if checked:
        _err(f"{checked} routine file(s) valid")
    return status


def _estimated(routine: Routine) -> bool:
    return any(ex.dose.self_paced for ex in routine.exercises)


def cmd_list(paths: list[Path], as_json: bool, routine_dirs: list[Path]) -> int:
    """Routines with exercise count and estimated duration; broken files listed too."""
    roots = list(paths) if paths else library.library_paths(routine_dirs)
    if paths and routine_dirs:
        roots.extend(routine_dirs)
    entries = library.scan(roots)
    if as_json:
        data = [
            {
                "name": e.name,
                "path": str(e.path),
                "duration_s": e.duration_s,
                "exercises": e.exercise_count,
                "error": e.first_error,
            }
            for e in entries
        ]
        _out(json.dumps(data, indent=2, ensure_ascii=False), raw=True)
        _name_user_folder()
        return 0
    if not entries:
        _err("no routines found in: " + ", ".join(str(p) for p in roots))
        _name_user_folder()
        return 0
    rows: list[tuple[str, str, str, str]] = []
    for e in entries:
        if e.routine is not None and e.duration_s is not None:
            approx = "~" if _estimated(e.routine) else ""
            rows.append(
                (
                    printable(e.name),
                    str(e.exercise_count),
                    approx + format_clock(e.duration_s),
                    printable(str(e.path)),
                )
            )
        else:
            rows.append((printable(e.name), "-", "-", printable(str(e.path))))
    headers = ("NAME", "EXERCISES", "DURATION", "PATH")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers[:3])]

    def fmt(r: tuple[str, str, str, str]) -> str:
        return (f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]}").rstrip()

    _out(fmt(headers))
    for e, r in zip(entries, rows, strict=True):
        _out(fmt(r))
        if e.first_error:
            _out(f"  error: {e.first_error}")
    _name_user_folder()
    return 0


def _name_user_folder() -> None:
    """Say where the user's own routines go (the folder is made on first use), after
    the table and after the JSON alike."""
    from hiptimer.paths import user_routines_dir

    try:
        folder = user_routines_dir()
    except OSError as e:
        _err(f"your routine folder cannot be created: {e.strerror or e}")
        return
    # on stderr: stdout stays the table (or the JSON) that scripts read
    _err(f"Your routine folder: {folder}")
    _err("  put .yaml files there, or start one with: hiptimer new NAME")


def cmd_new(name: str, folder: Path | None) -> int:
    """Write a commented starter routine named ``name``; print its path."""
    from hiptimer.paths import user_routines_dir
    from hiptimer.routine_edit import new_routine_file

    if not name.strip():
        _err('give the routine a name: hiptimer new "Morning hips"')
        return 2
    # a second routine of the same name could not be opened by its name (the first
    # would be), and the library would list two rows alike
    taken = library.routines_named(name, [folder] if folder is not None else [])
    if taken:
        change = (
            "make your own copy of it: in HipTimer, Routine > Duplicate"
            if library.is_bundled(taken[-1])
            else "change that one: in HipTimer, Routine > Edit"
        )
        _err(
            f"hiptimer new: the library already has a routine named {name.strip()!r}:"
            f" {taken[-1]}; choose another name (or {change})"
        )
        return 1
    try:
        target = folder if folder is not None else user_routines_dir()
        path = new_routine_file(target, name.strip())
    except OSError as e:
        _err(f"cannot write the routine: {e.strerror or e}")
        return 1
    _out(str(path))
    _err("open it in any text editor (or in HipTimer: Routine > Edit); hiptimer validate checks it")
    return 0


def _side(step: Step) -> str | None:
    return step.side


def _set_text(step: Step) -> str:
    if step.kind in ("work", "set_rest"):
        return f"{step.set}/{step.sets}"
    return ""


def _duration_text(step: Step) -> str:
    if step.duration_s is None:
        return f"~{format_seconds(step.estimate_s)} (self-paced)"
    return format_seconds(step.duration_s)


def _picture_json(plan: Plan, step: Step) -> dict[str, Any]:
    """``picture``: the catalogue picture's id or the image file's path (null: none);
    ``mirrored``: drawn flipped for this step. Prep and rest show the next exercise."""
    ref = step_picture(plan, step)
    if ref is None:
        return {"picture": None, "mirrored": False}
    return {"picture": ref.ref, "mirrored": ref.mirrored(step_side(plan, step))}


def _plan_json(plan: Plan) -> dict[str, Any]:
    return {
        "name": plan.routine.name,
        "duration_s": plan.duration_s,
        "steps": [
            {
                "kind": s.kind,
                "exercise": s.exercise.name,
                "side": _side(s),
                "set": s.set,
                "start_s": s.start_s,
                "duration_s": s.duration_s,
                **_picture_json(plan, s),
            }
            for s in plan.steps
        ],
    }


def _plan_table(plan: Plan) -> list[str]:
    r = plan.routine
    approx = "about " if plan.has_estimates else ""
    lines = [
        f"{r.name}: {len(r.exercises)} exercises, {len(plan.steps)} steps, "
        f"{approx}{format_clock(plan.duration_s)}"
    ]
    headers = ("TIME", "STEP", "EXERCISE", "SIDE", "SET", "DURATION")
    rows = [
        (
            format_clock(s.start_s),
            s.kind,
            printable(s.exercise.name),
            s.side or "",
            _set_text(s),
            _duration_text(s),
        )
        for s in plan.steps
    ]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]

    def fmt(row: tuple[str, ...]) -> str:
        cells = [f"{row[0]:>{widths[0]}}"] + [
            f"{c:<{widths[i + 1]}}" for i, c in enumerate(row[1:])
        ]
        return "  ".join(cells).rstrip()

    lines.append(fmt(headers))
    lines.extend(fmt(row) for row in rows)
    return lines


def cmd_plan(path: Path, as_json: bool) -> int:
    """The routine's timeline as a table or JSON; a broken routine: errors on stderr, 1.
    ``path`` that is not a file names a library routine (file stem or name)."""
    try:
        path = library.resolve_routine(path, note=lambda text: _err(f"hiptimer plan: note: {text}"))
    except library.RoutineNotFound as e:
        _err(f"hiptimer plan: {e}")
        return 1
    try:
        routine = load_routine(path)
        plan = compile_plan(routine)
    except RoutineErrors as e:
        for err in e.errors:
            _err(str(err))
        return 1
    except Exception as e:  # never a traceback for a file's content
        _err(str(RoutineError(path, 1, 1, f"internal error: {type(e).__name__}: {e}")))
        return 1
    if as_json:
        _out(json.dumps(_plan_json(plan), indent=2, ensure_ascii=False), raw=True)
    else:
        for line in _plan_table(plan):
            _out(line)
    return 0


def cmd_catalogue(as_json: bool) -> int:
    """The bundled exercises: id, name, dose, sides, picture; a broken catalogue: errors, 1."""
    from hiptimer.catalogue import bundled

    try:
        cat = bundled()
    except RoutineErrors as e:
        for err in e.errors:
            _err(str(err))
        return 1
    if as_json:
        data = []
        for entry in cat.entries:
            ex = entry.exercise
            ref = exercise_picture(ex)
            data.append(
                {
                    "id": entry.id,
                    "name": ex.name,
                    "picture": entry.picture,
                    "picture_file": str(ref.path) if ref is not None else None,
                    "poses": len(ref.poses) if ref is not None else 0,
                    "how": ex.how,
                    "note": ex.note,
                    "dose": {
                        "kind": ex.dose.kind,
                        "text": ex.dose.text,
                        "tempo_s": ex.dose.tempo,
                    },
                    "sets": ex.sets,
                    "sides": ex.sides,
                }
            )
        _out(json.dumps(data, indent=2, ensure_ascii=False), raw=True)
        return 0
    rows = [
        (
            e.id,
            e.exercise.name,
            dose_label(e.exercise),
            e.exercise.sides if e.exercise.sides != "none" else "",
            "yes" if e.picture else "-",
        )
        for e in cat.entries
    ]
    headers = ("ID", "NAME", "DOSE", "SIDES", "PICTURE")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    for r in [headers, *rows]:
        _out("  ".join(f"{c:<{widths[i]}}" for i, c in enumerate(r)).rstrip())
    _err(f"{len(rows)} exercises in {cat.path}; use one in a routine with '- use: ID'")
    return 0


def dose_label(ex: Exercise) -> str:
    """``30s``, ``8–10 breaths``, ``10 reps × 3s``, ``10 min``; reps that hold as the
    player says them (``5–7 reps × 5–10s hold``), not by their longest rep's length."""
    d = ex.dose
    if d.phases:
        return dose_text(ex)
    if d.kind == "reps":
        tempo = f" × {format_seconds(d.tempo)}" if d.tempo is not None else " (self-paced)"
        return f"{d.text} reps{tempo}"
    return d.text


def cmd_schema() -> int:
    """Print the routine JSON Schema."""
    from hiptimer.schema import schema_text

    _out(schema_text().rstrip("\n"), raw=True)
    return 0
