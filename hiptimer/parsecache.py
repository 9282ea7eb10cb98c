"""A cache of parsed routine files, so a later start does not parse them again. Pure.

Keyed by the file's path, size and modification time (nanoseconds): an edit,
a replacement or a touch makes the entry stale and the file is parsed again.
The whole cache is also tied to the code that parses: the app's version and
the size and mtime of the modules that turn YAML into routines, so a new
loader never serves an old result.

Stored as one pickle in the user's cache folder, written to a temporary file
and renamed over the old one (a crash mid-write leaves the old cache or none).
A cache that cannot be read for any reason (truncated, corrupt, another
format, unreadable) is ignored and rebuilt: the worst it costs is one parse of
every file. The file lives in the user's own cache folder (mode 0600); like any
per-user state there, whoever can write it can already run code as the user.

What the key does not see: files a routine refers to (its images and sounds)
are looked up when they are used, not cached.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import hiptimer
from hiptimer.libindex import file_key as file_key
from hiptimer.library import LibraryEntry

FORMAT = 1
#: Cache files larger than this are not read (a bad file must not eat memory).
MAX_BYTES = 256 * 1024 * 1024

_Key = tuple[int, int]  # (size, mtime_ns)


def _code_stamp() -> tuple[object, ...]:
    """What a cached parse depends on besides the file: the parsing code."""
    here = Path(__file__).resolve().parent
    stamp: list[object] = [FORMAT, hiptimer.__version__]
    for name in ("loader.py", "routine.py", "durations.py", "library.py", "plan.py"):
        try:
            st = (here / name).stat()
            stamp.append((name, st.st_size, st.st_mtime_ns))
        except OSError:
            stamp.append((name, None))
    return tuple(stamp)


class ParseCache:
    """Parsed entries by path; :meth:`get` answers only while the file is unchanged."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._stamp = _code_stamp()
        self._entries: dict[str, tuple[_Key, LibraryEntry]] = {}
        self._dirty = False
        self.hits = 0
        self.misses = 0

    def load(self) -> ParseCache:
        """Read the cache file (silently empty when there is none or it is bad)."""
        if self.path is None:
            return self
        try:
            if self.path.stat().st_size > MAX_BYTES:
                return self
            with open(self.path, "rb") as f:
                data = pickle.load(f)  # noqa: S301 (the user's own cache, see the module doc)
            if (
                isinstance(data, dict)
                and data.get("stamp") == self._stamp
                and isinstance(data.get("entries"), dict)
            ):
                self._entries = data["entries"]
        except Exception:  # any damage: start empty, the next save replaces it
            self._entries = {}
        return self

    def get(self, path: Path, key: _Key | None) -> LibraryEntry | None:
        hit = self._entries.get(str(path)) if key is not None else None
        if hit is not None and hit[0] == key and isinstance(hit[1], LibraryEntry):
            self.hits += 1
            return hit[1]
        self.misses += 1
        return None

    def put(self, path: Path, key: _Key | None, entry: LibraryEntry) -> None:
        if key is None:
            return
        self._entries[str(path)] = (key, entry)
        self._dirty = True

    def keep_only(self, paths: set[str]) -> None:
        """Forget files that are gone (the cache does not grow forever)."""
        gone = [p for p in self._entries if p not in paths]
        for p in gone:
            del self._entries[p]
        self._dirty = self._dirty or bool(gone)

    def save(self) -> bool:
        """Write the cache if it changed; False if it could not be written."""
        from hiptimer.paths import replace_cache_file

        if self.path is None or not self._dirty:
            return True
        try:
            data = pickle.dumps(
                {"stamp": self._stamp, "entries": self._entries}, protocol=pickle.HIGHEST_PROTOCOL
            )
        except Exception:  # an entry that does not pickle: no cache, the parse still works
            return False
        if not replace_cache_file(self.path, data):
            return False
        self._dirty = False
        return True


def default_cache() -> ParseCache:
    """The cache in the user's cache folder (none when that folder is unusable)."""
    from hiptimer.paths import cache_dir

    try:
        return ParseCache(cache_dir() / "routines.pickle")
    except OSError:
        return ParseCache(None)
