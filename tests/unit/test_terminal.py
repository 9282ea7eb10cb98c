"""Control characters from files never act on the terminal (issue #11)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from hiptimer.cli import main
from hiptimer.terminal import csv_cell, printable

EVIL = "Evil\x1b[2J\x1b]0;pwned\x07\r\nforged\u202eline\x9b"


def test_printable_escapes_every_control_and_keeps_the_rest() -> None:
    assert printable("Hip flexor – ça va? 🙂") == "Hip flexor – ça va? 🙂"
    shown = printable(EVIL)
    assert shown == "Evil\\x1b[2J\\x1b]0;pwned\\x07\\r\\nforged\\u202eline\\x9b"
    assert printable(shown) == shown


def test_csv_cell() -> None:
    assert [csv_cell(t) for t in ("=1+1", "+1", "-1", "@A1", "\tx", "ok", "")] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@A1",
        "'\tx",
        "ok",
        "",
    ]


@pytest.fixture
def evil_routine(tmp_path: Path) -> Path:
    name = json.dumps(EVIL)  # a double-quoted YAML scalar with escapes
    f = tmp_path / "evil.yaml"
    f.write_text(f"name: {name}\nexercises:\n  - name: {name}\n    hold: 30\n")
    return f


@pytest.mark.parametrize("command", ["list", "plan"])
def test_list_and_plan_show_names_escaped(
    evil_routine: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, str(evil_routine)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out and "\x9b" not in out
    assert "Evil\\x1b[2J" in out


@pytest.mark.parametrize("command", ["list", "plan"])
def test_json_output_stays_json(
    evil_routine: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "--json", str(evil_routine)]) == 0
    data = json.loads(capsys.readouterr().out)
    name = data[0]["name"] if command == "list" else data["name"]
    assert name == EVIL


@pytest.mark.skipif(os.name != "posix", reason="control characters in file names")
def test_validate_escapes_file_names_and_messages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "bad\x1b[31m.yaml"
    f.write_text('name: R\nexercises:\n  - name: E\n    hold: "\\e[31mred"\n')
    assert main(["validate", str(f)]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "bad\\x1b[31m.yaml:4:11:" in out


def test_ctrl_c_in_a_command_is_a_sentence_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import hiptimer.cli as cli

    def interrupted(_argv: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_main", interrupted)
    assert cli.main(["validate", "x.yaml"]) == 130
    assert capsys.readouterr().err == "hiptimer: interrupted\n"
