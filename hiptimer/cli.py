"""Command line: argument parsing and wiring only.

``hiptimer validate|list|plan|schema|catalogue|history ...`` are subcommands;
anything else (no arguments, or a routine path) starts the GUI.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

SUBCOMMANDS = ("validate", "list", "plan", "schema", "catalogue", "history")


def _speed(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.01 <= v <= 1000:
        raise argparse.ArgumentTypeError("speed must be between 0.01 and 1000")
    return v


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db", type=Path, metavar="PATH", help="session log (SQLite); default: app data folder"
    )


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hiptimer", description="HipTimer: guided routine timer.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    v = sub.add_parser("validate", help="check routine files (exit 1 on any error)")
    v.add_argument("paths", nargs="+", type=Path, metavar="PATH")

    ls = sub.add_parser("list", help="list routines with exercise count and duration")
    ls.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    ls.add_argument("--json", action="store_true")
    ls.add_argument("--routines", action="append", type=Path, default=[], metavar="DIR")

    pl = sub.add_parser("plan", help="show a routine's timeline")
    pl.add_argument("routine", type=Path, metavar="ROUTINE")
    pl.add_argument("--json", action="store_true")

    sub.add_parser("schema", help="print the routine JSON Schema")

    cat = sub.add_parser("catalogue", help="the bundled exercises a routine can 'use:'")
    cat.add_argument("--json", action="store_true")

    h = sub.add_parser("history", help="logged sessions, newest first")
    _add_db(h)
    fmt = h.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--csv", action="store_true")
    h.add_argument("--all", action="store_true", help="include rehearsals (--speed other than 1)")
    h.add_argument("--since", metavar="DATE", help="only sessions started on or after DATE")
    return p


def build_gui_parser() -> argparse.ArgumentParser:
    g = argparse.ArgumentParser(
        prog="hiptimer",
        description="HipTimer: guided routine timer. Subcommands: " + ", ".join(SUBCOMMANDS),
    )
    g.add_argument("routine", nargs="?", type=Path, metavar="ROUTINE")
    _add_db(g)
    g.add_argument("--routines", action="append", type=Path, default=[], metavar="DIR")
    g.add_argument("--start", action="store_true", help="begin the routine at once")
    g.add_argument("--speed", type=_speed, default=1.0, metavar="X", help="rehearse X times faster")
    g.add_argument("--quit-on-finish", action="store_true")
    g.add_argument("--fullscreen", action="store_true")
    g.add_argument("--screen", type=int, default=None, metavar="N", help="0-based screen")
    g.add_argument("--mute", action="store_true")
    g.add_argument("--audio-backend", choices=("auto", "qt", "playsound", "none"), default=None)
    return g


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # `hiptimer list | head -1`: the reader went away; say nothing more.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _main(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] in SUBCOMMANDS:
        args = build_parser().parse_args(args_list)
        if args.command == "history":
            from hiptimer.cli_history import cmd_history

            return cmd_history(args.db, args.json, args.csv, args.all, args.since)
        from hiptimer import cli_routines

        if args.command == "validate":
            return cli_routines.cmd_validate(args.paths)
        if args.command == "list":
            return cli_routines.cmd_list(args.paths, args.json, args.routines)
        if args.command == "plan":
            return cli_routines.cmd_plan(args.routine, args.json)
        if args.command == "catalogue":
            return cli_routines.cmd_catalogue(args.json)
        return cli_routines.cmd_schema()
    if args_list and args_list[0] in ("-V", "--version"):
        from hiptimer import __version__

        print(f"hiptimer {__version__}")
        return 0
    if args_list and args_list[0] in ("-h", "--help"):
        build_gui_parser().print_help()
        print("\nsubcommands:")
        build_parser().print_help()
        return 0
    gargs = build_gui_parser().parse_args(args_list)
    from hiptimer.qt.app import run

    return int(run(gargs))
