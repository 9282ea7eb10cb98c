"""Per-day minutes, streaks, weeks and the weekly goal across midnight, DST and time zones."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hiptimer.history import (
    CSV_HEADER,
    WeeklyGoal,
    day_minutes,
    did_something,
    exercises_summary,
    format_minutes,
    streaks,
    summarize,
    week_minutes,
    week_progress,
    write_csv,
)
from hiptimer.results import ExerciseResult, SessionStatus
from hiptimer.store import SessionRecord, record_json

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")

_ids = iter(range(1, 10**6))


def rec(
    start: datetime,
    minutes: float = 30.0,
    status: SessionStatus = "completed",
    speed: float = 1.0,
    exercises: tuple[ExerciseResult, ...] = (),
) -> SessionRecord:
    assert start.tzinfo is not None
    return SessionRecord(
        id=next(_ids),
        routine="R",
        routine_path=None,
        routine_hash="",
        status=status,
        started_at=start,
        ended_at=start + timedelta(minutes=minutes),
        active_s=minutes * 60,
        speed=speed,
        effort=None,
        pain=None,
        note="",
        exercises=exercises,
    )


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


# --- days -----------------------------------------------------------------------------------


def test_sessions_either_side_of_midnight_are_two_days() -> None:
    records = [
        rec(datetime(2025, 1, 10, 23, 50, tzinfo=LONDON), 20),
        rec(datetime(2025, 1, 11, 0, 10, tzinfo=LONDON), 15),
    ]
    assert day_minutes(records, LONDON) == {date(2025, 1, 10): 20.0, date(2025, 1, 11): 15.0}
    assert streaks(records, LONDON, date(2025, 1, 11)).current == 2


def test_a_session_running_past_midnight_counts_on_the_day_it_started() -> None:
    records = [rec(datetime(2025, 1, 10, 23, 45, tzinfo=LONDON), 30)]
    assert day_minutes(records, LONDON) == {date(2025, 1, 10): 30.0}


def test_days_are_local_to_the_viewer_time_zone() -> None:
    # 21:00 in New York on the 10th is 02:00 UTC on the 11th.
    evening_ny = datetime(2025, 1, 10, 21, 0, tzinfo=NEW_YORK)
    records = [rec(evening_ny, 30)]
    assert day_minutes(records, NEW_YORK) == {date(2025, 1, 10): 30.0}
    assert day_minutes(records, LONDON) == {date(2025, 1, 11): 30.0}
    # the same instant stored with a fixed offset (as the store returns it) lands identically
    stored = rec(datetime.fromisoformat(evening_ny.isoformat()), 30)
    assert day_minutes([stored], NEW_YORK) == {date(2025, 1, 10): 30.0}


def test_london_spring_forward() -> None:
    # 2025-03-30: clocks go from 01:00 GMT to 02:00 BST.
    records = [
        rec(utc(2025, 3, 29, 23, 30), 10),  # 23:30 GMT on the 29th
        rec(utc(2025, 3, 30, 0, 30), 20),  # 00:30 GMT on the 30th
        rec(utc(2025, 3, 30, 22, 30), 5),  # 23:30 BST on the 30th
        rec(utc(2025, 3, 30, 23, 30), 7),  # 00:30 BST on the 31st
    ]
    assert day_minutes(records, LONDON) == {
        date(2025, 3, 29): 10.0,
        date(2025, 3, 30): 25.0,
        date(2025, 3, 31): 7.0,
    }
    assert streaks(records, LONDON, date(2025, 3, 31)).current == 3


def test_new_york_fall_back_day_has_25_hours() -> None:
    # 2024-11-03: 02:00 EDT becomes 01:00 EST; the day runs 04:00 UTC to 05:00 UTC next day.
    records = [
        rec(utc(2024, 11, 3, 4, 30), 10),  # 00:30 EDT on the 3rd
        rec(utc(2024, 11, 3, 5, 30), 10),  # 01:30 EDT (first pass)
        rec(utc(2024, 11, 3, 6, 30), 10),  # 01:30 EST (second pass)
        rec(utc(2024, 11, 4, 4, 30), 10),  # 23:30 EST on the 3rd
        rec(utc(2024, 11, 4, 5, 30), 10),  # 00:30 EST on the 4th
    ]
    assert day_minutes(records, NEW_YORK) == {date(2024, 11, 3): 40.0, date(2024, 11, 4): 10.0}


def test_rehearsals_never_count() -> None:
    records = [rec(utc(2025, 1, 1, 12, 0), 30, speed=10.0)]
    assert day_minutes(records, LONDON) == {}
    assert streaks(records, LONDON, date(2025, 1, 1)).best == 0


# --- streaks --------------------------------------------------------------------------------


def test_partial_sessions_count_for_streaks_but_empty_ones_do_not() -> None:
    partial = (ExerciseResult("A", None, "partial", 0),)
    skipped = (ExerciseResult("A", None, "skipped", 0),)
    assert did_something(rec(utc(2025, 1, 1, 9, 0), 3, "stopped", exercises=partial))
    assert did_something(rec(utc(2025, 1, 1, 9, 0), 3, "interrupted", exercises=partial))
    assert not did_something(rec(utc(2025, 1, 1, 9, 0), 3, "stopped", exercises=skipped))
    assert did_something(rec(utc(2025, 1, 1, 9, 0), 3, "completed"))


def test_current_and_best_streak() -> None:
    tz = LONDON
    done = [date(2025, 2, d) for d in (1, 2, 3, 4, 6, 7, 9, 10)]
    records = [rec(datetime(d.year, d.month, d.day, 8, 0, tzinfo=tz)) for d in done]
    # a stopped session with nothing done does not keep the 5th alive
    records.append(
        rec(
            datetime(2025, 2, 5, 8, 0, tzinfo=tz),
            1,
            "stopped",
            exercises=(ExerciseResult("A", None, "skipped", 0),),
        )
    )
    assert streaks(records, tz, date(2025, 2, 10)).current == 2
    assert streaks(records, tz, date(2025, 2, 10)).best == 4
    # today not done yet: the streak through yesterday still stands
    assert streaks(records, tz, date(2025, 2, 11)).current == 2
    # a missed day breaks it
    assert streaks(records, tz, date(2025, 2, 12)).current == 0
    assert streaks([], tz, date(2025, 2, 12)).best == 0


def test_streak_across_a_dst_change() -> None:
    # one session each evening at 21:00 local from March 28 to April 2 (London goes BST on 30th)
    records = [
        rec(datetime(2025, 3, 28, 21, 0, tzinfo=LONDON) + timedelta(days=i)) for i in range(6)
    ]
    # adding 24 h to an aware datetime keeps 21:00 wall time; check the UTC instants did shift
    assert {r.started_at.astimezone(UTC).hour for r in records} == {20, 21}
    assert streaks(records, LONDON, date(2025, 4, 2)).current == 6


# --- weeks and the goal ---------------------------------------------------------------------


def test_week_minutes_last_12_iso_weeks() -> None:
    today = date(2025, 3, 31)  # a Monday
    records = [
        rec(datetime(2025, 3, 31, 7, 0, tzinfo=LONDON), 10),  # this week
        rec(utc(2025, 3, 30, 22, 30), 20),  # Sunday 23:30 BST: last week
        rec(utc(2025, 3, 30, 23, 30), 30),  # Monday 00:30 BST: this week
        rec(datetime(2025, 1, 19, 23, 0, tzinfo=LONDON), 40),  # 11 weeks back: the oldest bar
        rec(datetime(2025, 1, 12, 23, 0, tzinfo=LONDON), 50),  # 12 weeks back: outside
    ]
    weeks = week_minutes(records, LONDON, today)
    assert len(weeks) == 12
    assert all(d.weekday() == 0 for d, _ in weeks)
    assert weeks[-1] == (date(2025, 3, 31), 40.0)
    assert weeks[-2] == (date(2025, 3, 24), 20.0)
    assert weeks[0] == (date(2025, 1, 13), 40.0)
    assert sum(m for _, m in weeks) == 100.0


def test_weekly_goal_progress() -> None:
    tz = NEW_YORK
    today = date(2024, 11, 6)  # Wednesday; the week began Monday Nov 4
    records = [
        rec(datetime(2024, 11, 4, 7, 0, tzinfo=tz), 20),
        rec(datetime(2024, 11, 4, 19, 0, tzinfo=tz), 10),  # Monday: 30 in two sessions
        rec(datetime(2024, 11, 5, 7, 0, tzinfo=tz), 29.5),  # Tuesday: short of 30
        rec(datetime(2024, 11, 6, 7, 0, tzinfo=tz), 45),  # Wednesday
        rec(datetime(2024, 11, 3, 23, 30, tzinfo=tz), 60),  # Sunday before (fall-back day)
        rec(datetime(2024, 11, 6, 8, 0, tzinfo=tz), 60, speed=2),  # rehearsal
    ]
    p = week_progress(records, tz, today)
    assert p.week_start == date(2024, 11, 4)
    assert (p.days_met, p.days_goal) == (2, 5)
    assert p.minutes == 104.5 and p.minutes_goal == 150.0
    assert not p.met and p.fraction == 0.4
    p2 = week_progress(records, tz, today, WeeklyGoal(minutes_per_day=20, days_per_week=2))
    assert p2.days_met == 3 and p2.met and p2.fraction == 1.0


def test_summary_agrees_with_the_single_functions() -> None:
    base = datetime(2025, 3, 20, 23, 40, tzinfo=LONDON)
    records = [rec(base + timedelta(days=i, hours=i % 3), 10 + i) for i in range(20)]
    today = date(2025, 4, 9)
    s = summarize(records, LONDON, today)
    assert s.days == day_minutes(records, LONDON)
    assert s.streaks == streaks(records, LONDON, today)
    assert s.weeks == week_minutes(records, LONDON, today)
    assert s.progress == week_progress(records, LONDON, today)


# --- export ---------------------------------------------------------------------------------

EXS = (
    ExerciseResult("Stretch, deep", "left", "done", 2),
    ExerciseResult("Bridge", None, "skipped", 0),
)


def test_record_json() -> None:
    r = rec(datetime(2025, 1, 2, 3, 4, 5, tzinfo=NEW_YORK), 1.5, exercises=EXS)
    j = record_json(r)
    assert list(j) == [
        "id",
        "routine",
        "routine_path",
        "status",
        "started_at",
        "ended_at",
        "active_s",
        "speed",
        "effort",
        "pain",
        "note",
        "exercises",
    ]
    assert j["started_at"] == "2025-01-02T03:04:05-05:00"
    assert j["active_s"] == 90.0
    assert j["exercises"][0] == {
        "name": "Stretch, deep",
        "side": "left",
        "status": "done",
        "sets_done": 2,
        "sets": [],
    }


def test_csv_one_row_per_session_with_header() -> None:
    records = [rec(utc(2025, 1, 2, 3, 4), 2, exercises=EXS), rec(utc(2025, 1, 1, 3, 4), 1)]
    buf = io.StringIO()
    assert write_csv(records, buf) == 2
    rows = list(csv.reader(io.StringIO(buf.getvalue())))
    assert tuple(rows[0]) == CSV_HEADER
    assert len(rows) == 3
    assert rows[1][CSV_HEADER.index("exercises")] == exercises_summary(records[0])
    assert exercises_summary(records[0]) == "Stretch, deep (left): done 2 sets; Bridge: skipped"


def test_format_minutes() -> None:
    assert format_minutes(45) == "45 s"
    assert format_minutes(12 * 60 + 10) == "12 min"
    assert format_minutes(65 * 60) == "1 h 05 min"
