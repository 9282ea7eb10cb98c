"""``hiptimer history``: the session log, newest first. Read-only, never a traceback."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from hiptimer.history import format_minutes, log_csv, write_csv
from hiptimer.store import SessionRow, Store, StoreError
from hiptimer.terminal import printable


def _parse_since(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"--since: {text!r} is not a date; use YYYY-MM-DD, e.g. 2025-01-31"
        ) from None


_HEAD = ("ID", "Started", "Routine", "Status", "Active", "Speed", "Effort", "Pain")


def _table(records: Sequence[SessionRow]) -> str:
    """Columns padded to their widest cell, two spaces apart, no trailing spaces."""
    rows = [_HEAD]
    names: dict[str, str] = {}  # routine names and speeds repeat: format each once
    speeds: dict[float, str] = {}
    for sid, routine, status, started, active, speed, effort, pain, _worked in records:
        name = names.get(routine)
        if name is None:
            name = names[routine] = printable(routine if len(routine) <= 40 else routine[:39] + "…")
        speed_text = speeds.get(speed)
        if speed_text is None:
            speed_text = speeds[speed] = f"{speed:g}x"
        rows.append(
            (
                str(sid),
                _minute_text(started),
                name,
                status,
                format_minutes(active),
                speed_text,
                "" if effort is None else str(effort),
                "" if pain is None else str(pain),
            )
        )
    widths = [max(map(len, column)) for column in zip(*rows, strict=True)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)  # each cell ljust to its column
    return "\n".join([line.format(*row).rstrip() for row in rows])


def _minute_text(d: datetime) -> str:
    """``d.strftime("%Y-%m-%d %H:%M")`` in a third of the time (a year before 1000
    is left to strftime, which does not pad it)."""
    if d.year < 1000:
        return d.strftime("%Y-%m-%d %H:%M")
    return "%d-%02d-%02d %02d:%02d" % (d.year, d.month, d.day, d.hour, d.minute)  # noqa: UP031


def _write_json_list(texts: list[str], chunk: int = 2000) -> None:
    """``[obj,\nobj,...]`` written in chunks (no 100 MB string built at once)."""
    out = sys.stdout
    out.write("[")
    for i in range(0, len(texts), chunk):
        if i:
            out.write(",\n")
        out.write(",\n".join(texts[i : i + chunk]))
    out.write("]\n")


def cmd_history(
    db: Path | None, as_json: bool, as_csv: bool, include_all: bool, since: str | None
) -> int:
    try:
        since_date = _parse_since(since) if since is not None else None
    except ValueError as e:
        print(f"hiptimer history: {e}", file=sys.stderr)
        return 2
    if db is None:
        from hiptimer.paths import default_db_path

        db = default_db_path(create=False)  # reading needs no folder: never make one here
    if not db.exists():
        if as_json:
            print("[]")
        elif as_csv:
            write_csv([], sys.stdout)
        else:
            print(f"no sessions yet ({db} does not exist)")
        return 0
    try:
        with Store.open(db, readonly=True) as store:
            records: Sequence[SessionRow] = []
            csv_chunks: list[str] = []
            shown = 0
            if as_json:
                texts = store.sessions_json(since=since_date, include_rehearsals=include_all)
            elif as_csv:
                csv_chunks, shown = log_csv(store, since=since_date, include_rehearsals=include_all)
            else:  # the table shows no exercises: the rows without them are far cheaper
                records = store.rows(
                    since=since_date, include_rehearsals=include_all, check_exercises=True
                )
                shown = len(records)
            hidden = (
                0
                if as_json or shown or include_all
                else len(store.rows(since=since_date, include_rehearsals=True))
            )
            problems = store.problems()
    except StoreError as e:
        print(f"hiptimer history: {e}", file=sys.stderr)
        return 1
    for problem in problems:  # said, skipped, never fatal; stdout stays valid
        print(f"hiptimer history: {printable(problem)}", file=sys.stderr)
    try:
        if as_json:
            # one object per line inside the list: valid JSON, and friendly to grep
            _write_json_list(texts)
        elif as_csv:
            for chunk in csv_chunks:
                sys.stdout.write(chunk)
        elif not records:
            what = "no sessions" + (f" since {since_date}" if since_date else " yet")
            print(what + (f" ({hidden} rehearsals: use --all)" if hidden else ""))
        else:
            print(_table(records))
        sys.stdout.flush()
    except BrokenPipeError:  # `hiptimer history | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0
