"""Progress from the session log: per-day minutes, streaks, weeks, the weekly goal.

Pure functions over :class:`hiptimer.store.SessionRecord`, no Qt and no I/O
besides the CSV writer. Days are local days in the ``tz`` given (the viewer's
time zone), so a session recorded at 00:30 in London is on the day it was
there, whatever the offset stored with it; and DST changes cannot move a
session to a neighbouring day (conversion is per instant, through zoneinfo).

Rules (documented for the history window and tests):

* Rehearsals (speed other than 1) never count.
* A session's active minutes count on the local day it *started*, even when
  it runs past midnight (a workout belongs to one day).
* A day counts for a streak when it has at least one session that was
  completed or partial: completed, or stopped/interrupted with at least one
  exercise done or partial.
* The current streak runs up to today, or up to yesterday while today has
  nothing yet (the day is not over); otherwise it is 0.
* Weeks are ISO weeks (Monday to Sunday) in local time.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, TextIO

from hiptimer.results import ExerciseResult
from hiptimer.store import SESSION_FIELDS, SessionRecord, SessionRow, Store
from hiptimer.terminal import csv_cell

Activity = SessionRecord | SessionRow


@dataclass(frozen=True)
class WeeklyGoal:
    """Default: 30 minutes a day on 5 days a week, the dose the source notes build up to."""

    minutes_per_day: float = 30.0
    days_per_week: int = 5

    @property
    def minutes_per_week(self) -> float:
        return self.minutes_per_day * self.days_per_week


@dataclass(frozen=True)
class WeekProgress:
    week_start: date  # Monday
    days_met: int  # days this week with >= goal.minutes_per_day
    days_goal: int
    minutes: float
    minutes_goal: float

    @property
    def met(self) -> bool:
        return self.days_met >= self.days_goal

    @property
    def fraction(self) -> float:
        """0..1, by days reaching the daily dose."""
        return min(1.0, self.days_met / self.days_goal) if self.days_goal else 1.0


@dataclass(frozen=True)
class Streaks:
    current: int
    best: int


def local_tz() -> tzinfo:
    tz = datetime.now().astimezone().tzinfo
    assert tz is not None
    return tz


def counts(rec: Activity) -> bool:
    """Does this session count at all (not a rehearsal)?"""
    return rec.speed == 1.0


def did_something(rec: Activity) -> bool:
    """Completed, or partial: stopped/interrupted with an exercise done or partial."""
    return counts(rec) and rec.did_something


def local_day(rec: Activity, tz: tzinfo) -> date:
    return rec.started_at.astimezone(tz).date()


def day_minutes(records: Iterable[Activity], tz: tzinfo) -> dict[date, float]:
    """Active minutes per local day (rehearsals excluded)."""
    out: dict[date, float] = {}
    for r in records:
        if not counts(r):
            continue
        d = local_day(r, tz)
        out[d] = out.get(d, 0.0) + r.active_s / 60.0
    return out


def active_days(records: Iterable[Activity], tz: tzinfo) -> set[date]:
    return {local_day(r, tz) for r in records if did_something(r)}


def streaks(records: Iterable[Activity], tz: tzinfo, today: date) -> Streaks:
    return streaks_of_days(active_days(records, tz), today)


def streaks_of_days(days: set[date], today: date) -> Streaks:
    best = 0
    run = 0
    prev: date | None = None
    for d in sorted(days):
        run = run + 1 if prev is not None and (d - prev).days == 1 else 1
        best = max(best, run)
        prev = d
    current = 0
    d = today if today in days else today - timedelta(days=1)
    while d in days:
        current += 1
        d -= timedelta(days=1)
    return Streaks(current=current, best=best)


def week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def week_minutes(
    records: Iterable[Activity], tz: tzinfo, today: date, weeks: int = 12
) -> list[tuple[date, float]]:
    """(Monday, minutes) for the last ``weeks`` ISO weeks, oldest first, this week last."""
    return weeks_of_days(day_minutes(records, tz), today, weeks)


def weeks_of_days(
    days: dict[date, float], today: date, weeks: int = 12
) -> list[tuple[date, float]]:
    this = week_start(today)
    starts = [this - timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
    totals = dict.fromkeys(starts, 0.0)
    for d, m in days.items():
        ws = week_start(d)
        if ws in totals:
            totals[ws] += m
    return [(s, totals[s]) for s in starts]


def week_progress(
    records: Iterable[Activity],
    tz: tzinfo,
    today: date,
    goal: WeeklyGoal | None = None,
) -> WeekProgress:
    return progress_of_days(day_minutes(records, tz), today, goal)


def progress_of_days(
    days: dict[date, float], today: date, goal: WeeklyGoal | None = None
) -> WeekProgress:
    goal = goal or WeeklyGoal()
    start = week_start(today)
    per_day = {d: m for d, m in days.items() if start <= d < start + timedelta(7)}
    eps = 1e-9
    return WeekProgress(
        week_start=start,
        days_met=sum(1 for m in per_day.values() if m + eps >= goal.minutes_per_day),
        days_goal=goal.days_per_week,
        minutes=sum(per_day.values()),
        minutes_goal=goal.minutes_per_week,
    )


@dataclass(frozen=True)
class Summary:
    """Everything the history window shows besides the list, computed in one pass."""

    today: date
    days: dict[date, float]
    streaks: Streaks
    weeks: list[tuple[date, float]]
    progress: WeekProgress


def summarize(
    records: Sequence[Activity],
    tz: tzinfo,
    today: date,
    goal: WeeklyGoal | None = None,
    weeks: int = 12,
) -> Summary:
    days: dict[date, float] = {}
    active: set[date] = set()
    for r in records:
        if not counts(r):
            continue
        d = local_day(r, tz)
        days[d] = days.get(d, 0.0) + r.active_s / 60.0
        if did_something(r):
            active.add(d)
    return Summary(
        today=today,
        days=days,
        streaks=streaks_of_days(active, today),
        weeks=weeks_of_days(days, today, weeks),
        progress=progress_of_days(days, today, goal),
    )


# --- export -------------------------------------------------------------------------------


CSV_HEADER = ("id", *SESSION_FIELDS)


def exercises_summary(r: SessionRecord) -> str:
    """One cell: ``Name (left): done 2 sets; Other: skipped``."""
    return "; ".join(map(_exercise_part, r.exercises))


def _exercise_part(e: ExerciseResult) -> str:
    return _part(e.name, e.side, e.status, e.sets_done)


def _part(name: str, side: object, status: object, sets_done: int) -> str:
    """``Name (left): done 2 sets`` (the side and status as the log has them)."""
    named = f"{name} ({side})" if side else name
    sets = f" {sets_done} set{'s' if sets_done != 1 else ''}" if sets_done else ""
    return f"{named}: {status}{sets}"


def write_csv(records: Iterable[SessionRecord], out: TextIO) -> int:
    """Write one row per session with a header; returns the number of rows.

    RFC 4180: CRLF between records, and any field holding a CR, an LF, a comma
    or a quote is quoted (a bare CR in a name cannot split a row). Text from
    the user or a routine file that a spreadsheet would run as a formula
    (``=``, ``+``, ``-``, ``@``...) gets a leading ``'``.
    """
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(CSV_HEADER)
    n = 0
    for r in records:
        w.writerow(
            (
                r.id,
                csv_cell(r.routine),
                csv_cell(r.routine_path or ""),
                r.routine_hash,
                r.status,
                r.started_at.isoformat(),
                r.ended_at.isoformat() if r.ended_at else "",
                f"{r.active_s:.1f}",
                f"{r.speed:g}",
                "" if r.effort is None else r.effort,
                "" if r.pain is None else r.pain,
                csv_cell(r.note),
                csv_cell(exercises_summary(r)),
            )
        )
        n += 1
    return n


def log_csv(
    store: Store, *, since: date | None = None, include_rehearsals: bool = False
) -> tuple[list[str], int]:
    """The log's sessions as :func:`write_csv` writes them, header first: (chunks of
    CSV text, rows). The same bytes, without a record object per session.

    A row whose every column is what HipTimer writes (text where text belongs, an
    ISO date, numbers, exercises as the store writes them) is formatted from its
    columns directly, with each exercise's part of the summary computed once per
    distinct exercise text (sessions of a routine repeat them); any other row goes
    through :meth:`Store.checked_record` and :func:`write_csv`, so it is written,
    or skipped and reported, exactly as there.
    """
    rows, live = store.raw_sessions(since=since, include_rehearsals=include_rehearsals)
    parts = _ExerciseParts()
    cells: dict[str, str] = {}
    lines = [_CSV_HEADER_LINE]
    chunks: list[str] = []
    n = 0
    for r in rows:
        line = _plain_csv_line(r, live, parts, cells)
        if line is None:
            rec = store.checked_record(r, live)
            if rec is None:
                continue
            line = csv_text([rec]).partition("\r\n")[2]  # without its header
        lines.append(line)
        n += 1
        if len(lines) >= 4096:
            chunks.append("".join(lines))
            lines.clear()
    chunks.append("".join(lines))
    return chunks, n


_CSV_HEADER_LINE = ",".join(CSV_HEADER) + "\r\n"


def _csv_field(text: str) -> str:
    """A field as the csv module writes it (RFC 4180, minimal quoting, CRLF lines)."""
    if '"' in text or "," in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _iso_text(text: str) -> str:
    """``datetime.fromisoformat(text).isoformat()`` (raising as it does), without the
    round trip for the form HipTimer writes, ``2025-01-31T07:00:00+01:00``, which it
    gives back unchanged (but ``-00:00``, which comes back as ``+00:00``, and an
    offset of 60 minutes or more: ``+01:60`` is ``+02:00``)."""
    parsed = datetime.fromisoformat(text)
    if len(text) == 25 and text[23] < "6":  # (an offset's 60 minutes or more are carried)
        marks = text[4::3]  # the separators' places
        if marks == "--T::+:" or (marks == "--T::-:" and not text.endswith("-00:00")):
            return text
    return parsed.isoformat()


#: The C scanner json.loads calls (an attribute the stubs do not declare): one JSON value
#: from an index, and where it ends.
_scan_json: Callable[[str, int], tuple[Any, int]] = vars(json.JSONDecoder())["scan_once"]


class _ExerciseParts(dict[str, str | None]):
    """The summary part (see :func:`exercises_summary`) of one exercise, by its JSON
    object's text after ``{"name":``; None when the store would refuse it."""

    def __missing__(self, key: str) -> str | None:
        if len(self) >= 200_000:  # a log of ever different exercises: bounded memory
            self.clear()
        text = '{"name":' + key + "}"
        try:
            # json.loads without its Python layers: one value, and nothing after it
            obj, end = _scan_json(text, 0)
            part: str | None = _part_of_object(obj) if end == len(text) else None
        except Exception:  # noqa: BLE001 - the checked path says what (or raises as before)
            part = None
        self[key] = part
        return part


def _part_of_object(d: Any) -> str:
    """``_exercise_part`` of the result :func:`hiptimer.store.exercises_from_json`
    makes of one JSON object, raising where it raises: the same lookups and
    conversions, without building the result (a third of the time)."""
    name = str(d["name"])
    side = d.get("side")
    status = d["status"]
    sets_done = int(d["sets_done"])
    for x in d.get("sets", ()):
        int(x["set"])
        x["status"]  # noqa: B018 - looked up as the store does, so a missing one refuses
        float(x["seconds"])
    return _part(name, side, status, sets_done)


_ITEM = '},{"name":'


def _exercises_cell(text: str, parts: _ExerciseParts) -> str | None:
    """:func:`exercises_summary` of the ``exercises`` column as the store writes it,
    ``[{"name":...},{"name":...}]``, or None for any other text.

    ``},{"name":`` cannot occur inside a JSON string (its quote would be escaped),
    so splitting there cuts between objects; and a cut inside a nested list would
    leave a piece that is not an object by itself, which makes the row fall back.
    """
    if not text or text == "[]":
        return ""
    if not (text.startswith('[{"name":') and text.endswith("}]")):
        return None
    try:  # a None part (an exercise the store refuses) makes join raise
        return "; ".join(map(parts.__getitem__, text[9:-2].split(_ITEM)))  # type: ignore[arg-type]
    except TypeError:
        return None


_STATUS_SET = frozenset(("running", "completed", "stopped", "interrupted"))


def _plain_csv_line(
    r: Sequence[Any], live: set[str], parts: _ExerciseParts, cells: dict[str, str]
) -> str | None:
    """One session's CSV line from its columns (``store._COLUMNS``), or None when a
    column is not what HipTimer writes (then the checked path decides)."""
    (sid, routine, path, rhash, status, started, ended, active, speed, effort, pain, note, ex) = r[
        :13
    ]
    if status == "running" and str(r[13]) not in live:
        status = "interrupted"
        ended = r[14] or started
    if not (
        type(status) is str
        and status in _STATUS_SET
        and type(routine) is str
        and (path is None or type(path) is str)
        and type(rhash) is str
        and type(started) is str
        and (not ended or type(ended) is str)
        and type(active) is float
        and type(speed) is float
        and (effort is None or type(effort) is int)
        and (pain is None or type(pain) is int)
        and type(note) is str
        and type(ex) is str
        and type(sid) is int
    ):
        return None
    summary = _exercises_cell(ex, parts)
    if summary is None:
        return None
    try:
        start_text = _iso_text(started)
        end_text = _iso_text(ended) if ended else ""
    except ValueError:
        return None
    # text cells repeat (names, paths, notes, a routine version's hash): each made once;
    # the hash is not a formula guard's business (write_csv writes it as it is)
    routine_cell = cells.get(routine)
    if routine_cell is None:
        routine_cell = cells[routine] = _csv_field(csv_cell(routine))
    path_cell = cells.get(path or "")
    if path_cell is None:
        path_cell = cells[path or ""] = _csv_field(csv_cell(path or ""))
    note_cell = cells.get(note)
    if note_cell is None:
        note_cell = cells[note] = _csv_field(csv_cell(note))
    return (
        f"{sid},{routine_cell},{path_cell},{_csv_field(rhash)},{status},{start_text},"
        f"{end_text},{active:.1f},{speed:g},{'' if effort is None else effort},"
        f"{'' if pain is None else pain},{note_cell},{_csv_field(csv_cell(summary))}\r\n"
    )


def csv_text(records: Iterable[SessionRecord]) -> str:
    buf = io.StringIO()
    write_csv(records, buf)
    return buf.getvalue()


def format_minutes(seconds: float) -> str:
    """``1 h 05 min``, ``12 min``, ``45 s``."""
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    m = s // 60
    if m < 60:
        return f"{m} min"
    return f"{m // 60} h {m % 60:02d} min"
