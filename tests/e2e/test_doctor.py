"""``hiptimer doctor``: a report for bug reports that works without a display and never hangs."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from hiptimer import doctor

ROOT = Path(__file__).resolve().parents[2]
TINY = """\
name: Tiny
defaults: {prep: 1, rest: 1, countdown: 0}
exercises:
  - name: Hold
    hold: 2s
"""


def run(*args: str, **env: str | None) -> subprocess.CompletedProcess[str]:
    e = dict(os.environ, PYTHONPATH=str(ROOT))
    for k, v in env.items():
        if v is None:
            e.pop(k, None)
        else:
            e[k] = v
    return subprocess.run(
        [sys.executable, "-m", "hiptimer", *args],
        capture_output=True,
        text=True,
        env=e,
        timeout=120,
    )


@pytest.fixture
def no_display() -> dict[str, str | None]:
    return {"DISPLAY": None, "WAYLAND_DISPLAY": None, "QT_QPA_PLATFORM": None}


def test_doctor_json_without_a_display(tmp_path: Path, no_display: dict[str, str | None]) -> None:
    r = run("doctor", "--json", XDG_DATA_HOME=str(tmp_path / "d"), **no_display)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    rep = json.loads(r.stdout)
    for key in (
        "hiptimer_version",
        "qt_version",
        "platform_plugin",
        "screens",
        "audio_backend",
        "audio_output_device",
        "voice_engine",
        "voice_engine_reason",
        "folders",
    ):
        assert key in rep, key
    assert "no display" in rep["display"]["problem"]
    assert rep["platform_plugin"] == "offscreen"
    assert rep["audio_backend"] in ("qt", "playsound", "none")
    assert rep["voice_engine"] is None or isinstance(rep["voice_engine"], str)
    if rep["voice_engine"] is None:
        assert rep["voice_engine_reason"]
    data = rep["folders"]["data"]
    assert data["path"] == str(tmp_path / "d" / "HipTimer") and data["writable"] is True
    assert set(rep["folders"]) == {"data", "settings", "routines"}


def test_doctor_text_is_pasteable(tmp_path: Path, no_display: dict[str, str | None]) -> None:
    r = run("doctor", XDG_DATA_HOME=str(tmp_path), HIPTIMER_NO_VOICE="1", **no_display)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    for label in (
        "hiptimer",
        "qt",
        "platform plugin",
        "audio backend",
        "audio output",
        "voice_engine",
        "data folder",
        "settings folder",
        "routines folder",
    ):
        assert any(line.startswith(label + " ") for line in out.splitlines()), label
    assert "voice_engine     none: turned off by HIPTIMER_NO_VOICE" in out
    assert "no display" in out


def test_doctor_with_no_audio_output(tmp_path: Path) -> None:
    r = run(
        "doctor",
        "--json",
        PULSE_SERVER=f"unix:{tmp_path}/no-such-server",
        QT_QPA_PLATFORM="offscreen",
        HIPTIMER_NO_VOICE="1",
    )
    rep = json.loads(r.stdout)
    assert rep["audio_output_device"] is None and rep["audio_outputs"] == []
    assert rep["audio_backend"] in ("playsound", "none")


def test_a_hanging_qt_check_is_cut_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor, "QT_PROBE_TIMEOUT_S", 0.05)
    rep = doctor.collect()
    assert rep["qt_problem"] == "the Qt checks did not finish within 0.05 s"
    assert rep["voice_engine"] is None and rep["voice_engine_reason"] == rep["qt_problem"]
    assert "did not finish" in doctor._text(rep)


def test_a_session_with_no_audio_output_runs_to_the_end(tmp_path: Path) -> None:
    routine = tmp_path / "tiny.yaml"
    routine.write_text(TINY, encoding="utf-8")
    r = run(
        str(routine),
        "--start",
        "--quit-on-finish",
        "--speed",
        "20",
        "--audio-backend",
        "qt",
        "--db",
        str(tmp_path / "log.sqlite3"),
        PULSE_SERVER=f"unix:{tmp_path}/no-such-server",
        QT_QPA_PLATFORM="offscreen",
        XDG_DATA_HOME=str(tmp_path / "d"),
        XDG_CONFIG_HOME=str(tmp_path / "c"),
    )
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    con = sqlite3.connect(tmp_path / "log.sqlite3")
    try:
        assert [s for (s,) in con.execute("SELECT status FROM sessions")] == ["completed"]
    finally:
        con.close()


def test_a_session_with_a_home_that_cannot_be_written(tmp_path: Path) -> None:
    routine = tmp_path / "tiny.yaml"
    routine.write_text(TINY, encoding="utf-8")
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    r = run(
        str(routine),
        "--start",
        "--quit-on-finish",
        "--speed",
        "20",
        "--audio-backend",
        "none",
        HOME=str(blocked / "home"),
        XDG_DATA_HOME=None,
        XDG_CONFIG_HOME=None,
        QT_QPA_PLATFORM="offscreen",
        HIPTIMER_NO_VOICE="1",
    )
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert "a part of the path is a file, not a folder. Sessions will not be saved" in r.stderr


def test_a_session_from_a_non_utf8_path_in_the_c_locale(tmp_path: Path) -> None:
    folder = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9"))
    folder.mkdir()
    routine = folder / "tiny.yaml"
    routine.write_text(TINY.replace("Tiny", "Tiny café"), encoding="utf-8")
    db = tmp_path / "log.sqlite3"
    r = run(
        str(routine),
        "--start",
        "--quit-on-finish",
        "--speed",
        "20",
        "--audio-backend",
        "none",
        "--db",
        str(db),
        LANG="C",
        LC_ALL="POSIX",
        QT_QPA_PLATFORM="offscreen",
        HIPTIMER_NO_VOICE="1",
        XDG_CONFIG_HOME=str(tmp_path / "c"),
    )
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    h = run("history", "--json", "--all", "--db", str(db), LANG="C", LC_ALL="POSIX")
    assert h.returncode == 0, h.stderr
    (session,) = json.loads(h.stdout)
    assert session["status"] == "completed" and session["routine"] == "Tiny café"
    assert session["routine_path"].endswith("caf\\xe9/tiny.yaml")
