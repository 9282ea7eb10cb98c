"""The library scan off the GUI thread, and the library following the disk.

:class:`LibraryScanner` parses the routine folders on a worker thread (with
the parse cache, ``hiptimer.parsecache``), compiles each good routine's plan
there too, and sends the rows to the GUI thread in batches (``batch``), so the
window paints at once and fills as files load. A newer scan supersedes an
older one still running (its batches are dropped).

:class:`FolderWatcher` watches the routine folders (and the files in them)
with ``QFileSystemWatcher`` and says, debounced, that something changed, so
a new, edited or removed routine shows within a second.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from hiptimer import library
from hiptimer.plan import Plan, compile_plan

#: Rows per batch: small enough for the first rows to show at once, large
#: enough that 10,000 routines do not make 10,000 turns of the event loop.
BATCH = 250
#: Changes closer together than this make one rescan.
DEBOUNCE_MS = 250


class LibraryScanner(QObject):
    """Scans ``paths()`` on a worker thread; ``batch(generation, (entries, plans))``
    then ``finished(generation)`` arrive on the GUI thread."""

    #: generation, ([LibraryEntry], {Path: Plan}): one Python object, so the plans'
    #: Path keys are not turned into a QVariantMap (which keeps string keys only)
    batch = Signal(int, object)
    finished = Signal(int)

    def __init__(
        self,
        paths: Callable[[], Sequence[Path]],
        parent: QObject | None = None,
        *,
        use_cache: bool = True,
    ) -> None:
        super().__init__(parent)
        self._paths = paths
        self._use_cache = use_cache
        self._lock = threading.Lock()
        self.generation = 0
        self.running = False

    def start(self) -> int:
        """Start a scan (superseding any running one); returns its generation."""
        with self._lock:
            self.generation += 1
            gen = self.generation
        self.running = True
        paths = list(self._paths())
        threading.Thread(
            target=self._work, args=(gen, paths), name="hiptimer-library-scan", daemon=True
        ).start()
        return gen

    def _current(self, gen: int) -> bool:
        with self._lock:
            return gen == self.generation

    def _work(self, gen: int, paths: list[Path]) -> None:
        cache = None
        if self._use_cache:
            from hiptimer.parsecache import default_cache

            cache = default_cache().load()
        try:
            for entries in library.scan_batches(paths, cache, batch=BATCH):
                if not self._current(gen):
                    return
                plans: dict[Path, Plan] = {}
                for e in entries:
                    if e.routine is not None and not e.errors:
                        try:
                            plans[e.path] = compile_plan(e.routine)
                        except Exception:  # the page compiles it again and shows why
                            pass
                self.batch.emit(gen, (entries, plans))
            if cache is not None and self._current(gen):
                cache.save()
        finally:
            self.finished.emit(gen)


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
