"""The library scan off the GUI thread, and the library following the disk.

:class:`LibraryScanner` checks the routine folders on a worker thread: a
file unchanged since its row was made keeps its row, the others are parsed
(with the parse cache, ``hiptimer.parsecache``) and their plans compiled there
too. Rows go to the GUI thread in batches (``batch``), so a first-ever start
fills the list as files load, and are saved as the library's index
(``hiptimer.libindex``) that the next start shows before its first paint. A
newer scan supersedes an older one still running (its batches are dropped).

:class:`FolderWatcher` watches the routine folders (and the files in them)
with ``QFileSystemWatcher`` and says, debounced, that something changed, so
a new, edited or removed routine shows within a second.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from hiptimer import library
from hiptimer.libindex import FileKey
from hiptimer.plan import Plan, compile_plan
from hiptimer.qt.library import LibraryItem

if TYPE_CHECKING:
    from hiptimer.parsecache import ParseCache

#: Rows per batch: small enough for the first rows to show at once, large
#: enough that 10,000 routines do not make 10,000 turns of the event loop.
BATCH = 250
#: Changes closer together than this make one rescan.
DEBOUNCE_MS = 250


class LibraryScanner(QObject):
    """Scans ``paths()`` on a worker thread; ``batch(generation, (items, plans))``
    then ``finished(generation)`` arrive on the GUI thread.

    ``start(known)`` takes the rows on screen: a file whose size and mtime are
    what its row was made from keeps that row (it is not read again); the others
    are parsed (through the parse cache). The rows found are saved to the
    library's index (``index_path``) for the next start when anything changed."""

    #: generation, ([LibraryItem], {Path: Plan}): one Python object, so the plans'
    #: Path keys are not turned into a QVariantMap (which keeps string keys only)
    batch = Signal(int, object)
    finished = Signal(int)

    def __init__(
        self,
        paths: Callable[[], Sequence[Path]],
        parent: QObject | None = None,
        *,
        use_cache: bool = True,
        index_path: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self._paths = paths
        self._use_cache = use_cache
        self._index_path = index_path
        self._lock = threading.Lock()
        self.generation = 0
        self.running = False

    def start(self, known: Sequence[LibraryItem] = ()) -> int:
        """Start a scan (superseding any running one); returns its generation."""
        with self._lock:
            self.generation += 1
            gen = self.generation
        self.running = True
        paths = list(self._paths())
        by_path = {str(i.path): i for i in known if i.key is not None}
        threading.Thread(
            target=self._work,
            args=(gen, paths, by_path),
            name="hiptimer-library-scan",
            daemon=True,
        ).start()
        return gen

    def _current(self, gen: int) -> bool:
        with self._lock:
            return gen == self.generation

    def _work(self, gen: int, paths: list[Path], known: dict[str, LibraryItem]) -> None:
        from hiptimer import libindex, library
        from hiptimer.resources import routines_dir

        bundled_dir = routines_dir()
        cache: ParseCache | None = None
        changed = False
        found: list[LibraryItem] = []
        try:
            files = library.expand(paths)
            items: list[LibraryItem] = []
            plans: dict[Path, Plan] = {}
            for f in files:
                if not self._current(gen):
                    return
                key = libindex.file_key(f)
                item = known.get(str(f))
                if item is None or key is None or item.key != key:
                    changed = True
                    if cache is None and self._use_cache:
                        from hiptimer.parsecache import default_cache

                        cache = default_cache().load()
                    item, plan = _read(f, key, cache, f.parent == bundled_dir)
                    if plan is not None:
                        plans[f] = plan
                items.append(item)
                if len(items) >= BATCH:
                    self.batch.emit(gen, (items, plans))
                    found += items
                    items, plans = [], {}
            if items:
                self.batch.emit(gen, (items, plans))
                found += items
            if cache is not None and self._current(gen):
                cache.keep_only({str(f) for f in files})
                cache.save()
            if (changed or len(found) != len(known)) and self._current(gen):
                rows = [r for i in found if (r := i.index_row()) is not None]
                libindex.save(self._index_path, paths, rows)
        finally:
            self.finished.emit(gen)


def _read(
    f: Path, key: FileKey | None, cache: ParseCache | None, bundled: bool
) -> tuple[LibraryItem, Plan | None]:
    """Parse one routine file (or take it from the parse cache) into its row."""
    from hiptimer import library
    from hiptimer.libindex import row_info

    entry = library.load_cached(f, key, cache)
    errors = tuple(str(e) for e in entry.errors)
    plan = None
    info = None
    if entry.routine is not None and not errors:
        try:
            plan = compile_plan(entry.routine)
            info = row_info(entry.routine, plan)
        except Exception:  # the page compiles it again and shows why
            pass
    item = LibraryItem(f, entry.routine, errors, bundled, info, key)
    return item, plan


class FolderWatcher(QObject):
    """``changed`` (debounced) when a routine file appears, changes or goes away."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._on_watcher_changed)
        self._watcher.fileChanged.connect(self._on_watcher_changed)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.changed)

    def watch(self, folders: Sequence[Path], files: Sequence[Path] = ()) -> None:
        """Watch exactly these folders and files from now on."""
        old = self._watcher.directories() + self._watcher.files()
        if old:
            self._watcher.removePaths(old)
        wanted = [str(p) for p in folders if library.is_folder(p)]
        wanted += [str(f) for f in files]
        if wanted:
            self._watcher.addPaths(wanted)

    def watched(self) -> list[str]:
        return sorted(self._watcher.directories() + self._watcher.files())

    def _on_watcher_changed(self, _path: str) -> None:
        self._debounce.start()
