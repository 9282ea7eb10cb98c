"""Issue #11 on the Qt side: sounds checked before decoding, signals during a dialog."""

from __future__ import annotations

import os
import sqlite3
import struct
from datetime import UTC
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from hiptimer.clock import FakeClock
from hiptimer.qt import cues as qcues
from hiptimer.qt.app import AppOptions, MainWindow
from hiptimer.qt.settings import Settings
from hiptimer.resources import sounds_dir

GOOD = (sounds_dir() / "go.wav").read_bytes()


def lying(path: Path, *, channels: int = 1, rate: int = 48_000, data: int | None = None) -> Path:
    head = bytearray(GOOD[:44])
    struct.pack_into("<HHIIHH", head, 20, 1, channels, rate, rate * 2 & 0xFFFFFFFF, 2, 16)
    if data is not None:
        struct.pack_into("<I", head, 40, data)
    path.write_bytes(bytes(head) + GOOD[44:])
    return path


def test_lying_headers_are_refused_before_decoding(tmp_path: Path) -> None:
    with pytest.raises(qcues.SoundFormatError, match="65535 channels"):
        qcues.decode_wav(lying(tmp_path / "a.wav", channels=65_535))
    with pytest.raises(qcues.SoundFormatError, match="sample rate of 0 Hz"):
        qcues.decode_wav(lying(tmp_path / "b.wav", rate=0))
    # a streaming-style size (0xFFFFFFFE bytes): 74.6 hours at 8 kHz, 16-bit mono
    hours74 = lying(tmp_path / "c.wav", rate=8_000, data=0xFFFFFFFE)
    with pytest.raises(qcues.SoundFormatError, match="file holds"):
        qcues.decode_wav(hours74)
    # what --quit-on-finish waits for: never a lying header's length
    assert qcues.wav_length(hours74) == 0.0
    assert qcues.wav_length(tmp_path / "b.wav") == 0.0
    assert 0 < qcues.wav_length(sounds_dir() / "complete.wav") <= 30


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_a_sound_swapped_for_a_link_out_of_its_folder_is_not_played(tmp_path: Path) -> None:
    outside = tmp_path / "secret.wav"
    outside.write_bytes(GOOD)
    folder = tmp_path / "routine"
    folder.mkdir()
    own = folder / "go.wav"
    own.write_bytes(GOOD)
    assert len(qcues.decode_wav(own)) > 0
    own.unlink()
    own.symlink_to(outside)  # after the routine was loaded
    with pytest.raises(qcues.SoundFormatError, match="outside"):
        qcues.decode_wav(own)


ROUTINE = "name: Long\ndefaults: {prep: 1}\nexercises:\n  - name: Hold\n    hold: 10 min\n"


def test_a_signal_while_the_end_the_session_box_is_open_still_ends_it(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    routine = tmp_path / "long.yaml"
    routine.write_text(ROUTINE)
    db = tmp_path / "log.sqlite3"
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    clock = FakeClock()
    w = MainWindow(AppOptions(db=db, audio_backend="none"), settings, clock_factory=lambda s: clock)
    qtbot.addWidget(w)
    w.show()
    assert w.open_routine_path(routine) and w.start_session()
    for _ in range(4):
        clock.advance(0.5)
        assert w.controller is not None
        w.controller.poll()
    seen: list[str] = []

    def signal_arrives() -> None:
        modal = QApplication.activeModalWidget()
        seen.append(type(modal).__name__ if modal is not None else "")
        w.close_now()  # what the SIGTERM handler calls

    QTimer.singleShot(200, signal_arrives)
    w.close()  # Ctrl+Q: asks "Quit and end the session?" and waits on the box
    assert seen == ["QMessageBox"]
    assert not w.isVisible()
    assert w.store is None or w.store.writer is None  # closed, its queue written
    con = sqlite3.connect(db)
    try:
        assert [r[0] for r in con.execute("SELECT status FROM sessions")] == ["stopped"]
    finally:
        con.close()


def test_the_history_window_leaves_bad_rows_out_and_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    from datetime import datetime, timedelta

    from hiptimer.qt.history import HistoryWindow
    from hiptimer.routine import Dose, Exercise, Routine, Timings
    from hiptimer.store import Store

    db = tmp_path / "log.sqlite3"
    ex = Exercise(name="Lunge", dose=Dose("hold", 30, 30, "30s"), timings=Timings())
    r = Routine(name="Hips", exercises=(ex,))
    with Store.open(db) as s:
        for i in range(3):
            sid = s.begin_session(
                r, started_at=datetime(2025, 3, 1, tzinfo=UTC) + timedelta(days=i), speed=1
            )
            s.finish_session(
                sid, status="completed", ended_at=datetime.now(UTC), active_s=60,
                exercises=[],
            )  # fmt: skip
    con = sqlite3.connect(db)
    con.execute("UPDATE sessions SET started_at = 'garbage' WHERE id = 2")
    con.commit()
    con.close()
    store = Store.open(db)
    w = HistoryWindow(store)
    qtbot.addWidget(w)
    assert w.message.text().startswith("Left out, session 2 skipped: started_at 'garbage'")
    store.close()


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_the_playsound_backend_checks_a_sound_just_before_the_player_opens_it(
    monkeypatch: pytest.MonkeyPatch, qapp: object, tmp_path: Path
) -> None:
    monkeypatch.setattr(qcues, "_playsound_backend", lambda: "fake")
    folder = tmp_path / "routine"
    folder.mkdir()
    own = folder / "go.wav"
    own.write_bytes(GOOD)
    outside = tmp_path / "secret.wav"
    outside.write_bytes(GOOD)
    played: list[Path] = []

    class Snd:
        def is_alive(self) -> bool:
            return False

    def fake(path: Path, block: bool = True, backend: object = None) -> Snd:
        played.append(path)
        return Snd()

    msgs: list[str] = []
    p = qcues.PlaysoundCuePlayer({"go": own}, on_message=msgs.append)
    p._playsound = fake

    def drain() -> None:
        assert p._pool is not None
        p._pool.submit(lambda: None).result(timeout=5)

    p.play("go")
    drain()
    own.unlink()
    own.symlink_to(outside)  # swapped after the routine was loaded
    p.play("go")
    drain()
    p.close()
    assert played == [own]
    assert any("outside" in m for m in msgs)


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_a_picture_swapped_for_a_link_out_of_its_folder_is_not_shown(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from hiptimer.qt.picture import PictureView

    svg = (
        b"<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'>"
        b"<rect width='10' height='10'/></svg>"
    )
    folder = tmp_path / "routine"
    folder.mkdir()
    pic = folder / "pose.svg"
    pic.write_bytes(svg)
    (tmp_path / "elsewhere.svg").write_bytes(svg)
    v = PictureView()
    qtbot.addWidget(v)
    v.set_picture(str(pic))
    assert v.status == "svg"
    v.set_picture(None)
    pic.unlink()
    pic.symlink_to(tmp_path / "elsewhere.svg")  # after the routine was loaded
    v.set_picture(str(pic))
    assert v.status == "placeholder" and "outside" in v.problem
