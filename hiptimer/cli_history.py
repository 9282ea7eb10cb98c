"""``hiptimer history``: the session log, newest first. Read-only, never a traceback."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import cast

from hiptimer.history import format_minutes, write_csv
from hiptimer.store import SessionRecord, SessionRow, Store, StoreError
from hiptimer.terminal import printable


def _parse_since(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"--since: {text!r} is not a date; use YYYY-MM-DD, e.g. 2025-01-31"
        ) from None


def _table(records: Sequence[SessionRecord | SessionRow]) -> str:
    head = ("ID", "Started", "Routine", "Status", "Active", "Speed", "Effort", "Pain")
    rows = [head]
    for r in records:
        rows.append(
            (
                str(r.id),
                r.started_at.strftime("%Y-%m-%d %H:%M"),
                printable(r.routine if len(r.routine) <= 40 else r.routine[:39] + "…"),
                r.status,
                format_minutes(r.active_s),
                f"{r.speed:g}x",
                "" if r.effort is None else str(r.effort),
                "" if r.pain is None else str(r.pain),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    return "\n".join(lines)


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
            records: Sequence[SessionRecord | SessionRow]
            if as_json:
                texts = store.sessions_json(since=since_date, include_rehearsals=include_all)
                records = []
            elif as_csv:
                records = store.sessions(since=since_date, include_rehearsals=include_all)
            else:  # the table shows no exercises: the rows without them are far cheaper
                records = store.rows(
                    since=since_date, include_rehearsals=include_all, check_exercises=True
                )
            hidden = (
                0
                if as_json or records or include_all
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
            write_csv(cast(list[SessionRecord], records), sys.stdout)
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
