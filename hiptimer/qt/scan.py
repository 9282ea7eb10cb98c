"""The library scan off the GUI thread, and the library following the disk.

:class:`LibraryScanner` checks the routine folders on a worker thread: a
file unchanged since its row was made keeps its row, the others are parsed
(with the parse cache, ``hiptimer.parsecache``) and their plans compiled there
too. When many files need parsing (a first-ever start, or the first after an
upgrade), worker processes parse them, one per core (``hiptimer.libscan``), and
send back their rows only; the thread reads the rest itself. Rows go to the GUI
thread in batches (``batch``), so a first-ever start fills the list as files
load, and are saved as the library's index (``hiptimer.libindex``) that the next
start shows before its first paint. A newer scan supersedes an older one still
running (its batches are dropped, its workers killed).

:class:`FolderWatcher` watches the routine folders (and the files in them)
with ``QFileSystemWatcher`` and says, debounced, that something changed, so
a new, edited or removed routine shows within a second.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from hiptimer import library
from hiptimer.libindex import FileKey
from hiptimer.plan import Plan
from hiptimer.qt.library import LibraryItem

if TYPE_CHECKING:
    from hiptimer.libindex import IndexRow
    from hiptimer.parsecache import ParseCache

#: Rows in the first batch: small enough for the first rows to show at once.
#: Each later batch is as big as all the rows before it (250, 250, 500, 1,000...):
#: the list lays out all its rows again for every batch (20,000 calls into the
#: Python model for 10,000 rows), so 10,000 rows make 7 batches, not 40.
BATCH = 250
#: Files to parse (in neither the index nor the parse cache) from which a scan
#: parses them in worker processes (``hiptimer.libscan``): starting one costs about
#: 0.15 s of a core, 200 files' parsing; below this the scan thread parses them.
POOL_MIN = 400
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
        #: parse in worker processes when at least this many files need it
        self.pool_min = POOL_MIN
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
        from hiptimer import libindex, library, libscan
        from hiptimer.resources import routines_dir

        bundled_dir = routines_dir()
        cache: ParseCache | None = None
        readers: libscan.RowReaders | None = None
        changed = False
        found: list[LibraryItem] = []
        try:
            files = library.expand(paths)
            keys = [libindex.file_key(f) for f in files]
            # each file's row as it stands, or None where the file must be read
            kept = [
                item
                if (item := known.get(str(f))) is not None and key is not None and item.key == key
                else None
                for f, key in zip(files, keys, strict=True)
            ]
            todo = [(f, key) for f, key, k in zip(files, keys, kept, strict=True) if k is None]
            if todo and self._use_cache:
                from hiptimer.parsecache import default_cache

                cache = default_cache().load()
            # the files no cache has: parsed by worker processes when there are many
            unread = [
                (str(f), key, f.parent == bundled_dir)
                for f, key in todo
                if key is not None and (cache is None or cache.get(f, key) is None)
            ]
            pooled: Iterator[IndexRow] = iter(())
            workers = libscan.workers_for(len(unread))
            if len(unread) >= self.pool_min and workers > 1:
                try:
                    readers = libscan.RowReaders(unread, workers)
                    pooled = iter(readers)
                except OSError:  # no process could be started: this thread reads them all
                    readers = None
            pooled_paths = {p for p, _key, _bundled in unread} if readers is not None else set()
            items: list[LibraryItem] = []
            plans: dict[Path, Plan] = {}
            for f, key, item in zip(files, keys, kept, strict=True):
                if not self._current(gen):
                    return
                if item is None:
                    changed = True
                    row = None
                    if str(f) in pooled_paths:
                        try:
                            row = next(pooled)
                        except (OSError, StopIteration):  # the thread reads the rest itself
                            pooled_paths = set()
                    if row is not None:  # the row's own path, as a Path already
                        item = LibraryItem(f, None, row.errors, row.bundled, row.info, row.key)
                    else:
                        item, plan = _read(f, key, cache, f.parent == bundled_dir)
                        if plan is not None:
                            plans[f] = plan
                items.append(item)
                if len(items) >= max(BATCH, len(found)):
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
            if readers is not None:
                readers.close()  # at once when superseded; they are done otherwise
            self.finished.emit(gen)


def _read(
    f: Path, key: FileKey | None, cache: ParseCache | None, bundled: bool
) -> tuple[LibraryItem, Plan | None]:
    """Parse one routine file (or take it from the parse cache) into its row."""
    entry = library.load_cached(f, key, cache)
    info, errors, plan = library.entry_row(entry)
    return LibraryItem(f, entry.routine, errors, bundled, info, key), plan


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
