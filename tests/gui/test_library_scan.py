"""The library scanned on a worker thread, following the disk; the log opened in the background."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from hiptimer import libscan
from hiptimer.libindex import IndexRow
from hiptimer.qt.app import AppOptions, MainWindow
from hiptimer.qt.library import PATH_ROLE, TOOLTIP_ROLE, LibraryItem, short_error
from hiptimer.qt.scan import LibraryScanner
from hiptimer.qt.settings import Settings
from hiptimer.store import Store

ROUTINE = "name: {name}\nexercises:\n  - name: Hold\n    hold: 30s\n"
BROKEN = "name: Broken\nexercises:\n  - name: Lunge\n    hold: 30 parsecs\n"


@pytest.fixture
def window(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot) -> MainWindow:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "a.yaml").write_text(ROUTINE.format(name="Alpha"), encoding="utf-8")
    (mine / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    opts = AppOptions(routines=[mine], db=tmp_path / "log.sqlite3")
    w = MainWindow(opts, settings, scan_later=True)
    qtbot.addWidget(w)
    return w


def _titles(w: MainWindow) -> list[str]:
    return w.library.visible_titles()


def test_the_scan_fills_the_list_off_the_gui_thread_then_follows_the_folder(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    mine = tmp_path / "mine"
    window.scan_library()
    qtbot.waitUntil(lambda: "Alpha" in _titles(window), timeout=5000)
    qtbot.waitUntil(lambda: window._scan_first is False, timeout=5000)
    assert "broken.yaml" in _titles(window)
    assert (tmp_path / "cache").exists()  # the parse cache was written

    t0 = time.monotonic()
    (mine / "b.yaml").write_text(ROUTINE.format(name="Bravo"), encoding="utf-8")
    qtbot.waitUntil(lambda: "Bravo" in _titles(window), timeout=3000)
    assert time.monotonic() - t0 < 1.5  # a new routine shows within about a second

    (mine / "a.yaml").write_text(ROUTINE.format(name="Alpha two"), encoding="utf-8")
    qtbot.waitUntil(lambda: "Alpha two" in _titles(window), timeout=3000)
    (mine / "b.yaml").unlink()
    qtbot.waitUntil(lambda: "Bravo" not in _titles(window), timeout=3000)


def test_an_open_overview_reloads_when_its_file_changes(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "mine" / "a.yaml"
    window.scan_library()
    qtbot.waitUntil(lambda: window._scan_first is False, timeout=5000)
    window.library.select_title("Alpha")
    window.library.open_button.click()
    assert window.current_page() == "overview" and window.overview.title.text() == "Alpha"
    path.write_text(ROUTINE.format(name="Alpha edited"), encoding="utf-8")
    qtbot.waitUntil(lambda: window.overview.title.text() == "Alpha edited", timeout=3000)
    path.write_text(BROKEN, encoding="utf-8")
    qtbot.waitUntil(lambda: window.overview.title.text() == "a.yaml", timeout=3000)  # errors
    assert window.current_page() == "overview"


def test_error_rows_name_the_file_and_offer_the_editor_and_the_folder(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    broken = tmp_path / "mine" / "broken.yaml"
    window.reload_library()
    lib = window.library
    full = lib.error_lines()[0]
    assert full.startswith(f"{broken}:4:")
    model = lib.tree.model()
    rows = [model.index(r, 0) for r in range(model.rowCount())]
    row = next(r for r in rows if r.data(PATH_ROLE) == str(broken))
    assert row.data() == "⚠ broken.yaml"
    assert model.rowCount(row) == len(lib.error_lines()) >= 1
    child = model.index(0, 0, row)
    assert child.parent() == row
    assert child.data() == short_error(broken, full) and child.data().startswith("broken.yaml:4:")
    assert child.data(TOOLTIP_ROLE) == full
    assert lib.tree.isExpanded(row) and lib.tree.isFirstColumnSpanned(0, row)
    lib.select_title("broken.yaml")
    assert lib.edit_button.isEnabled() and lib.folder_button.isEnabled()
    with qtbot.waitSignal(lib.edit_requested) as sig:
        lib.edit_button.click()
    assert sig.args == [broken]
    editor = window.routine_actions.editors.get(broken)
    assert editor is not None and editor.isVisible()  # the broken file, in the editor
    editor.close()  # not left open for the tests after this one


def test_the_log_opens_in_the_background_and_a_session_waits_for_it(
    window: MainWindow, qtbot: QtBot
) -> None:
    window.open_store_in_background()
    store = window.ensure_store()  # joins the worker: never a second connection
    assert store is not None and window.store is store
    qtbot.wait(50)  # the queued "opened" signal changes nothing more
    assert window.store is store


def test_closing_while_the_log_opens_waits_for_it_and_closes_it(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+Q in the moment after the first paint: the log that was still opening is
    closed with its writer thread, as on any exit, not left to the process's end."""
    release = threading.Event()
    opening = window._open_store

    def held_open() -> tuple[Store | None, str | None]:
        release.wait(5)  # a long log's check, until the window waits for it
        return opening()

    monkeypatch.setattr(window, "_open_store", held_open)
    window.open_store_in_background(then_offer_resume=True)  # as the app starts
    worker = window._store_thread
    assert worker is not None
    join = worker.join
    opening_at_close: list[bool] = []

    def release_then_join(timeout: float | None = None) -> None:
        opening_at_close.append(worker.is_alive())
        release.set()
        join(timeout)

    monkeypatch.setattr(worker, "join", release_then_join)
    window.close_now()
    assert opening_at_close == [True]  # closed while the log was still opening
    QApplication.processEvents()  # the worker's queued "opened" reaches a closed window
    assert window.banner.messages() == []  # not "cannot operate on a closed database"
    thread = window._store_thread
    assert thread is not None and not thread.is_alive()
    store = window.store
    assert store is not None and store.writer is None  # the writer was closed
    with pytest.raises(sqlite3.ProgrammingError):  # and the connection
        store._conn.execute("SELECT 1")


def test_the_log_opening_outlives_its_window_quietly(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window deleted before the worker says the log is open (the app's exit
    without a close): no traceback from the worker thread."""
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(window.options, settings, scan_later=True)  # not qtbot's to close
    release = threading.Event()
    opening = window._open_store
    raised: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: raised.append(args.exc_value))

    def held_open() -> tuple[Store | None, str | None]:
        release.wait(5)
        return opening()

    monkeypatch.setattr(window, "_open_store", held_open)
    window.open_store_in_background()
    thread = window._store_thread
    shiboken6.delete(window)
    release.set()
    thread.join(5)
    assert not thread.is_alive() and raised == []
    store = window._store_result["result"][0]
    assert store is not None
    store.close()


def _second_window(tmp_path: Path, qtbot: QtBot) -> MainWindow:
    """The next start: same folders, data and cache (the fixture's environment)."""
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    opts = AppOptions(routines=[tmp_path / "mine"], db=tmp_path / "log.sqlite3")
    w = MainWindow(opts, settings, scan_later=True)
    qtbot.addWidget(w)
    return w


def test_a_long_library_shows_a_screenful_first_and_the_rest_a_turn_later(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hiptimer.qt import app as qtapp

    window.scan_library()
    qtbot.waitUntil(lambda: window._library_ready, timeout=5000)
    everything = window.library.visible_titles()
    monkeypatch.setattr(qtapp, "PREFILL_ALL_ROWS", 3)  # a library longer than this
    monkeypatch.setattr(qtapp, "PREFILL_ROWS", 2)  # shows this many before the paint
    nxt = _second_window(tmp_path, qtbot)
    assert nxt.prefill_library()
    assert nxt.library.visible_titles() == everything[:2]
    nxt.scan_library()  # what the first paint starts: the rest at once, then the check
    assert nxt.library.visible_titles() == everything
    assert nxt._scanner is None  # the scan's worker waits for the list to paint them
    qtbot.waitUntil(lambda: nxt._library_ready, timeout=5000)
    assert nxt.library.visible_titles() == everything


def test_the_next_start_shows_the_list_from_the_index_before_any_scan(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    window.scan_library()
    qtbot.waitUntil(lambda: window._library_ready, timeout=5000)
    first = window.library.visible_titles()
    assert "Alpha" in first and "broken.yaml" in first

    nxt = _second_window(tmp_path, qtbot)
    assert nxt.library.visible_titles() == []
    assert nxt.prefill_library()  # no scan, no parse: the rows as they were
    assert nxt.library.visible_titles() == first
    assert nxt.library.error_lines() == window.library.error_lines()
    alpha = next(i for i in nxt.library.items() if i.title == "Alpha")
    assert alpha.routine is None and alpha.ok  # read when opened
    nxt.library.select_title("Alpha")
    nxt.library.open_button.click()
    assert nxt.current_page() == "overview" and nxt.overview.title.text() == "Alpha"

    # the check after the first paint finds nothing changed: the rows stay as built
    nxt.show_library()
    model = nxt.library.tree.model()
    changes: list[str] = []
    for name in ("modelReset", "rowsInserted", "rowsRemoved", "dataChanged", "layoutChanged"):
        getattr(model, name).connect(lambda *_a, n=name: changes.append(n))
    nxt.scan_library()
    qtbot.waitUntil(lambda: nxt._library_ready, timeout=5000)
    assert changes == []
    assert nxt.library.visible_titles() == first
    # (and a scan that finds a change does change the rows: the check above can fail)
    (tmp_path / "mine" / "a.yaml").write_text(ROUTINE.format(name="Alpha 2"), encoding="utf-8")
    nxt.scan_library()
    qtbot.waitUntil(lambda: "Alpha 2" in nxt.library.visible_titles(), timeout=5000)
    assert changes


def test_a_file_changed_since_the_index_is_read_again(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    window.scan_library()
    qtbot.waitUntil(lambda: window._library_ready, timeout=5000)
    (tmp_path / "mine" / "a.yaml").write_text(ROUTINE.format(name="Alpha v2"), encoding="utf-8")
    (tmp_path / "mine" / "c.yaml").write_text(ROUTINE.format(name="Charlie"), encoding="utf-8")

    nxt = _second_window(tmp_path, qtbot)
    nxt.prefill_library()
    assert "Alpha" in nxt.library.visible_titles()  # as it was: not read before the paint
    nxt.scan_library()
    qtbot.waitUntil(lambda: nxt._library_ready, timeout=5000)
    titles = nxt.library.visible_titles()
    assert "Alpha v2" in titles and "Charlie" in titles and "Alpha" not in titles


def test_the_weekly_goal_is_painted_as_remembered_when_the_log_is_unchanged(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    window.prefill_library()  # as the app starts: remembers the goal it shows
    window.open_store_in_background()
    qtbot.waitUntil(lambda: window._goal_widget is not None, timeout=5000)
    shown = window._goal_widget.state() if window._goal_widget else None
    window.close_now()  # the log closed: its files as the next start finds them

    nxt = _second_window(tmp_path, qtbot)
    nxt.prefill_library()
    goal = nxt._goal_widget
    assert goal is not None and goal.store is None  # from memory, the log not read
    assert goal.state() == shown
    nxt.open_store_in_background()
    qtbot.waitUntil(lambda: goal.store is not None, timeout=5000)
    assert nxt._goal_widget is goal and goal.state() == shown  # the same widget, same text

    # the log changed since (another process wrote to it): not shown from memory
    nxt.close_now()
    with open(tmp_path / "log.sqlite3", "ab") as f:
        f.write(b"\0")
    third = _second_window(tmp_path, qtbot)
    third.prefill_library()
    assert third._goal_widget is None


def _scan_batches(qtbot: QtBot, folder: Path, pool_min: int) -> list[list[LibraryItem]]:
    """The batches of rows one scan of ``folder`` sends, in order."""
    scanner = LibraryScanner(lambda: [folder], use_cache=False)
    scanner.pool_min = pool_min
    got: list[list[LibraryItem]] = []
    scanner.batch.connect(lambda _gen, batch: got.append(batch[0]))
    with qtbot.waitSignal(scanner.finished, timeout=30_000):
        scanner.start()
    return got


def _scan_items(qtbot: QtBot, folder: Path, pool_min: int) -> list[LibraryItem]:
    """Every row one scan of ``folder`` sends, in order."""
    return [item for batch in _scan_batches(qtbot, folder, pool_min) for item in batch]


def _big_folder(
    folder: Path, n: int, monkeypatch: pytest.MonkeyPatch, *, chunk: int = libscan.CHUNK
) -> None:
    """``n`` routine files (every fourth broken), scanned as on two cores with ``chunk``
    files to a worker's task."""
    folder.mkdir()
    for i in range(n):
        text = BROKEN if i % 4 == 2 else ROUTINE.format(name=f"Routine {i}")
        (folder / f"r{i:03d}.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(libscan, "cores", lambda: 2)
    monkeypatch.setattr(libscan, "CHUNK", chunk)


def test_a_big_first_scan_parses_in_worker_processes_into_the_same_rows(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _big_folder(tmp_path / "big", 30, monkeypatch, chunk=4)
    started: list[int] = []
    real = libscan.RowReaders

    def spy(files: list[libscan.File], workers: int) -> libscan.RowReaders:
        started.append(workers)
        return real(files, workers)

    monkeypatch.setattr(libscan, "RowReaders", spy)
    pooled = _scan_items(qtbot, tmp_path / "big", pool_min=10)
    assert started == [2]
    serial = _scan_items(qtbot, tmp_path / "big", pool_min=10**9)
    assert started == [2]  # the second scan read its files itself
    assert [i.shows_as() for i in pooled] == [i.shows_as() for i in serial]
    assert [i.key for i in pooled] == [i.key for i in serial]
    assert len(pooled) == 30 and sum(1 for i in pooled if i.errors) == 7
    assert all(i.routine is None for i in pooled)  # rows only: a page loads its file


def test_a_scan_whose_worker_fails_reads_the_rest_itself(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _big_folder(tmp_path / "big", 12, monkeypatch, chunk=3)
    real_iter = libscan.RowReaders.__iter__

    def fails_after_a_chunk(self: libscan.RowReaders) -> Iterator[IndexRow]:
        it = real_iter(self)
        for _ in range(3):
            yield next(it)
        raise OSError("a library worker stopped (exit code -9)")

    monkeypatch.setattr(libscan.RowReaders, "__iter__", fails_after_a_chunk)
    items = _scan_items(qtbot, tmp_path / "big", pool_min=2)
    assert [i.path.name for i in items] == [f"r{i:03d}.yaml" for i in range(12)]
    # the first chunk's rows came from the worker (no routine), the rest were read here
    assert [i.routine is None for i in items] == [i < 3 or i % 4 == 2 for i in range(12)]
    assert [bool(i.errors) for i in items] == [i % 4 == 2 for i in range(12)]


def test_each_batch_is_as_big_as_all_before_it(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the list lays out every row again for each batch: 10,000 rows in 7, not 40
    import hiptimer.qt.scan as scan

    _big_folder(tmp_path / "big", 11, monkeypatch)
    monkeypatch.setattr(scan, "BATCH", 2)
    batches = _scan_batches(qtbot, tmp_path / "big", pool_min=10**9)
    assert [len(b) for b in batches] == [2, 2, 4, 3]


def test_a_scan_that_cannot_start_workers_reads_every_file_itself(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _big_folder(tmp_path / "big", 12, monkeypatch, chunk=3)
    monkeypatch.setattr(libscan.sys, "executable", str(tmp_path / "no-python-here"))
    items = _scan_items(qtbot, tmp_path / "big", pool_min=2)
    assert [i.path.name for i in items] == [f"r{i:03d}.yaml" for i in range(12)]
    assert all(i.routine is not None for i in items if not i.errors)  # read here, not pooled


def test_the_rest_of_a_long_library_is_painted_before_the_scan_starts(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list's model is Python: the scan's worker waits until the view has painted
    the rows added after the first paint (while it ran, 10,000 rows took 300 ms)."""
    from PySide6.QtCore import QEvent, QObject

    from hiptimer.qt import app as qtapp

    window.scan_library()
    qtbot.waitUntil(lambda: window._library_ready, timeout=5000)
    monkeypatch.setattr(qtapp, "PREFILL_ALL_ROWS", 3)
    monkeypatch.setattr(qtapp, "PREFILL_ROWS", 2)
    nxt = _second_window(tmp_path, qtbot)
    assert nxt.prefill_library()
    nxt.show()
    qtbot.waitExposed(nxt)
    qtbot.wait(50)  # the first paint is over

    paints: list[int] = []  # the viewport's paints since the rest of the rows came

    class Paints(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                paints.append(len(nxt.library.visible_titles()))
            return False

    counter = Paints()
    nxt.library.tree.viewport().installEventFilter(counter)
    started_after: list[list[int]] = []
    start = LibraryScanner.start

    def spy(self: LibraryScanner, *a: object, **k: object) -> int:
        started_after.append(list(paints))
        return start(self, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(LibraryScanner, "start", spy)
    nxt.scan_library()  # as after the first paint: the rest of the rows, then the check
    qtbot.waitUntil(lambda: bool(started_after), timeout=3000)
    everything = len(nxt.library.visible_titles())
    assert everything > 2
    assert started_after[0] and started_after[0][-1] == everything  # painted, all rows
    nxt.library.tree.viewport().removeEventFilter(counter)
