"""Command line: argument parsing and wiring only.

``hiptimer validate|list|plan|schema|catalogue|history|doctor|install-desktop ...``
are subcommands;
anything else (no arguments, or a routine path) starts the GUI.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path

SUBCOMMANDS = (
    "validate",
    "list",
    "new",
    "plan",
    "schema",
    "catalogue",
    "history",
    "doctor",
    "install-desktop",
)


def _speed(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.01 <= v <= 1000:
        raise argparse.ArgumentTypeError("speed must be between 0.01 and 1000")
    return v


def _db_path(text: str) -> Path:
    # Path("") is "." (the current folder): never let an empty --db name a folder.
    if not text.strip():
        raise argparse.ArgumentTypeError("the path is empty; give the session log's file name")
    if "\0" in text:
        raise argparse.ArgumentTypeError("the path contains a NUL character")
    return Path(text)


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db", type=_db_path, metavar="PATH", help="session log (SQLite); default: app data folder"
    )


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hiptimer", description="HipTimer: guided routine timer.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    v = sub.add_parser("validate", help="check routine files (exit 1 on any error)")
    v.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help="routine files, or folders of them"
    )

    ls = sub.add_parser("list", help="list routines with exercise count and duration")
    ls.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="routine files or folders to list instead of the library",
    )
    ls.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    _add_routines(ls)

    nw = sub.add_parser("new", help="write a commented starter routine in your routine folder")
    nw.add_argument("name", metavar="NAME", help="the routine's name")
    nw.add_argument(
        "--routines", type=Path, default=None, metavar="DIR", help="another folder to write to"
    )

    pl = sub.add_parser("plan", help="show a routine's timeline")
    pl.add_argument(
        "routine",
        type=Path,
        metavar="ROUTINE",
        help="the routine: a file, or a library routine's file or name ('Desk break')",
    )
    pl.add_argument("--json", action="store_true", help="print the steps as JSON")

    sub.add_parser("schema", help="print the routine JSON Schema")

    cat = sub.add_parser("catalogue", help="the bundled exercises a routine can 'use:'")
    cat.add_argument("--json", action="store_true", help="print the exercises as JSON")

    h = sub.add_parser("history", help="logged sessions, newest first")
    _add_db(h)
    fmt = h.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print a JSON list of sessions")
    fmt.add_argument("--csv", action="store_true", help="print one CSV row per session")
    h.add_argument("--all", action="store_true", help="include rehearsals (--speed other than 1)")
    h.add_argument("--since", metavar="DATE", help="only sessions started on or after DATE")

    d = sub.add_parser("doctor", help="what HipTimer finds on this machine, for a bug report")
    d.add_argument("--json", action="store_true", help="print the report as one JSON object")

    i = sub.add_parser(
        "install-desktop", help="add HipTimer to the desktop's app menu, with its icon"
    )
    i.add_argument(
        "--uninstall", action="store_true", help="remove what install-desktop added instead"
    )
    return p


def _add_routines(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--routines",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="also a folder of routines (repeatable)",
    )


def build_gui_parser() -> argparse.ArgumentParser:
    from hiptimer.environment import EXIT_CODES

    g = argparse.ArgumentParser(
        prog="hiptimer",
        description="HipTimer: guided routine timer. Subcommands: " + ", ".join(SUBCOMMANDS),
        epilog="exit statuses: "
        + "; ".join(f"{code} {text}" for code, text in EXIT_CODES.items())
        + " (docs/exit-codes.md)",
    )
    g.add_argument(
        "routine",
        nargs="?",
        type=Path,
        metavar="ROUTINE",
        help="open this routine: a file, or a library routine's file or name ('Desk break')",
    )
    g.add_argument("-V", "--version", action="store_true", help="print the version and exit")
    _add_db(g)
    _add_routines(g)
    g.add_argument("--start", action="store_true", help="begin the routine at once")
    g.add_argument(
        "--resume",
        action="store_true",
        help="resume the session a crash interrupted (of ROUTINE, if given) without asking;"
        " with --start it goes on at once",
    )
    g.add_argument("--speed", type=_speed, default=1.0, metavar="X", help="rehearse X times faster")
    g.add_argument(
        "--quit-on-finish", action="store_true", help="close the app when the session ends"
    )
    g.add_argument(
        "--fullscreen", action="store_true", help="start in fullscreen (F or F11 toggles it)"
    )
    g.add_argument(
        "--screen", type=int, default=None, metavar="N", help="show on screen N (0-based)"
    )
    g.add_argument("--mute", action="store_true", help="start with sound and voice off")
    g.add_argument(
        "--audio-backend",
        choices=("auto", "qt", "playsound", "none"),
        default=None,
        help="how cues are played (auto: Qt, else playsound3, else none)",
    )
    return g


def main(argv: Sequence[str] | None = None) -> int:
    from hiptimer import environment

    environment.make_stdio_safe()
    try:
        return _main(argv)
    except KeyboardInterrupt:  # Ctrl+C in a command, or before the app's loop runs
        print("hiptimer: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `hiptimer list | head -1`: the reader went away; say nothing more.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as e:
        # The machine refused (a folder that cannot be written, a full disk): one
        # sentence, not a traceback. Exit statuses: docs/exit-codes.md.
        where = f" ({environment.display_path(Path(e.filename))})" if e.filename else ""
        what = environment.describe_os_error(e, "read or write a file HipTimer needs")
        print(f"hiptimer: {what}{where}", file=sys.stderr)
        return environment.EXIT_CANNOT_WRITE


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
        if args.command == "new":
            return cli_routines.cmd_new(args.name, args.routines)
        if args.command == "plan":
            return cli_routines.cmd_plan(args.routine, args.json)
        if args.command == "catalogue":
            return cli_routines.cmd_catalogue(args.json)
        if args.command == "doctor":
            from hiptimer.doctor import cmd_doctor

            return cmd_doctor(args.json)
        if args.command == "install-desktop":
            from hiptimer.desktop import cmd_install_desktop

            return cmd_install_desktop(args.uninstall)
        return cli_routines.cmd_schema()
    if args_list and args_list[0] in ("-h", "--help"):
        build_gui_parser().print_help()
        print("\nsubcommands:")
        build_parser().print_help()
        return 0
    if args_list:
        gargs = build_gui_parser().parse_args(args_list)
    else:
        # The desktop entry's launch (`hiptimer %f`, no file): nothing to parse. Building
        # the parser costs about 2 ms on the way to the first paint (its messages go
        # through gettext, which imports locale). The window's options then take their
        # defaults from AppOptions, which a test holds equal to the parser's.
        gargs = argparse.Namespace(routine=None, version=False)
    if gargs.version:
        from hiptimer import __version__

        print(f"hiptimer {__version__}")
        return 0
    from hiptimer.environment import EXIT_NO_DISPLAY, EXIT_USAGE, HEADLESS_HINT, display_problem

    if gargs.routine is not None:  # a name from the library, not only a path
        from hiptimer import library

        try:
            gargs.routine = library.resolve_routine(
                gargs.routine,
                gargs.routines or [],
                note=lambda text: print(f"hiptimer: note: {text}", file=sys.stderr),
            )
        except library.RoutineNotFound as e:
            print(f"hiptimer: {e}", file=sys.stderr)
            return EXIT_USAGE

    problem = display_problem()  # Qt would abort with a core dump: say it first
    if problem is not None:
        print(f"hiptimer: {problem}; {HEADLESS_HINT}", file=sys.stderr)
        return EXIT_NO_DISPLAY
    # Importing Qt and building the window make some 100,000 objects that live as long
    # as the app, and almost no garbage: the cyclic collector's passes over them cost
    # about a tenth of the way to the first paint. run() freezes them and turns the
    # collector back on once the window has painted (and it is on again here whatever
    # happened: run() may return before any paint).
    #
    # Ctrl+C from here until the window has painted ends the app at once (the signal's
    # default action). Python's KeyboardInterrupt, raised wherever the interpreter is,
    # aborted the process inside PySide6's import, or printed a traceback from a Qt
    # callback and left the app running. Nothing is lost: no session has begun and the
    # log is not open. Once the window has painted, or a session begins (--start begins
    # it before), hiptimer.qt.signals stops the app as closing its window does.
    import signal

    interrupt = signal.signal(signal.SIGINT, signal.SIG_DFL)
    gc.disable()
    try:
        from hiptimer.qt.app import run

        return int(run(gargs))
    finally:
        gc.enable()
        signal.signal(signal.SIGINT, interrupt)
