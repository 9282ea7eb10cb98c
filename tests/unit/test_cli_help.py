"""Every command and option explains itself, and --version says which HipTimer this is."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from hiptimer import __version__
from hiptimer.cli import SUBCOMMANDS, build_gui_parser, build_parser, main

ROOT = Path(__file__).resolve().parents[2]


def _subparsers(p: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _parsers() -> list[object]:
    named = [("hiptimer", build_gui_parser())]
    named += [(f"hiptimer {n}", sp) for n, sp in _subparsers(build_parser()).items()]
    return [pytest.param(n, p, id=n) for n, p in named]


def test_every_subcommand_is_a_parser() -> None:
    assert set(_subparsers(build_parser())) == set(SUBCOMMANDS)


@pytest.mark.parametrize(("name", "parser"), _parsers())
def test_every_option_has_a_sentence_of_help(name: str, parser: argparse.ArgumentParser) -> None:
    missing = [
        "/".join(a.option_strings) or a.dest
        for a in parser._actions
        if not isinstance(a, argparse._HelpAction)
        and (a.help is None or a.help == argparse.SUPPRESS or len(a.help.split()) < 3)
    ]
    assert not missing, f"{name}: options without a sentence of help: {missing}"


def test_every_subcommand_has_help_in_the_list() -> None:
    p = build_parser()
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {c.dest: c.help for c in action._choices_actions}
            assert set(helps) == set(SUBCOMMANDS)
            assert all(h and len(h.split()) >= 3 for h in helps.values()), helps


@pytest.mark.parametrize("argv", [["--version"], ["-V"], ["--mute", "--version"]])
def test_version(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 0
    assert capsys.readouterr().out.strip() == f"hiptimer {__version__}"


def test_version_matches_the_package_metadata() -> None:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert meta["project"]["version"] == __version__


@pytest.mark.parametrize("sub", SUBCOMMANDS)
def test_help_of_each_subcommand_runs(sub: str) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "hiptimer", sub, "--help"], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    assert re.search(rf"usage: hiptimer {re.escape(sub)}", r.stdout)


def test_help_lists_the_exit_statuses(capsys: pytest.CaptureFixture[str]) -> None:
    from hiptimer.environment import EXIT_CODES

    assert main(["--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    for code, text in EXIT_CODES.items():
        assert f"{code} {' '.join(text.split())}" in out
