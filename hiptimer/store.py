"""The session log: one SQLite file (stdlib sqlite3), no Qt.

Shape (borrowed from Anki and qutebrowser):

* WAL journal, ``synchronous=NORMAL`` (a step-boundary write is a few
  milliseconds), a busy timeout and ``BEGIN IMMEDIATE`` for every write, so a
  second running instance waits for the lock instead of losing a write.
* Ordered schema upgrades recorded in ``PRAGMA user_version``
  (``if version < N: upgrade_N``). A file from a newer version is refused.
* App mode moves a corrupt or unreadable file aside as
  ``NAME.corrupt-TIMESTAMP`` (with its ``-wal``/``-shm``) and starts a fresh
  one; :attr:`Store.recovered_from` says where the old one went. Read-only
  mode (the ``history`` command) never writes, creates or moves anything.
* A session row is written when the session starts and updated at every step
  boundary. A row still ``running`` whose owner process is gone is reported
  (and, in app mode, recorded) as ``interrupted``, with what it did.

Every failure a user may meet is a :class:`StoreError` with a readable
message; ``sqlite3`` exceptions do not leak out of this module's methods.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sqlite3
import stat
import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal, NamedTuple, Protocol, cast

from hiptimer import safefile
from hiptimer.engine import Progress
from hiptimer.events import Event, SessionFinished, StepEnded, StepStarted
from hiptimer.logwriter import LogWriter
from hiptimer.results import (
    ExerciseResult,
    ExerciseStatus,
    SessionStatus,
    SetResult,
    logged_seconds,
)
from hiptimer.routine import Routine

BUSY_TIMEOUT_MS = 5000
#: Pages the write-ahead log holds before it is copied back and reused (see reserve_log_space).
WAL_FRAMES = 64

FinalStatus = Literal["completed", "stopped"]


def _path_text(path: str) -> str:
    """A file name as SQLite text: one that is not UTF-8 (surrogate-escaped bytes) is kept
    with those bytes written as ``\\xNN`` (SQLite text must be UTF-8; the session is
    logged either way)."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    return path


class StoreError(Exception):
    """A session-log failure worded for the user (no traceback needed)."""


# --- schema -------------------------------------------------------------------------------

#: Version 1, the first schema; never edited, so tests can build a v1 file and upgrade it.
SCHEMA_V1 = """
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    routine TEXT NOT NULL,
    routine_path TEXT,
    routine_hash TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    active_s REAL NOT NULL DEFAULT 0,
    speed REAL NOT NULL DEFAULT 1,
    exercises TEXT NOT NULL DEFAULT '[]'
);
"""

#: Version 2: after-session ratings.
SCHEMA_V2 = """
ALTER TABLE sessions ADD COLUMN effort INTEGER;
ALTER TABLE sessions ADD COLUMN pain INTEGER;
ALTER TABLE sessions ADD COLUMN note TEXT NOT NULL DEFAULT '';
"""

#: Version 3: owner process (interrupted detection), last write time, a UTC
#: instant for ordering (offsets differ between rows, so the text does not sort),
#: and ``worked`` (an exercise done or partial) so statistics need not read exercises.
SCHEMA_V3 = """
ALTER TABLE sessions ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN worked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN updated_at TEXT;
ALTER TABLE sessions ADD COLUMN started_ts REAL;
UPDATE sessions SET
    started_ts = round((julianday(started_at) - 2440587.5) * 86400.0, 3),
    updated_at = COALESCE(ended_at, started_at),
    worked = (instr(exercises, '"status":"done"') > 0
              OR instr(exercises, '"status":"partial"') > 0);
CREATE INDEX sessions_started ON sessions (started_ts DESC, id DESC);
"""

#: Version 4: ``progress``, what a running session needs to be resumed after a crash
#: (the step it reached, its sets so far, its active time; JSON, '' when there is
#: nothing to resume).
SCHEMA_V4 = """
ALTER TABLE sessions ADD COLUMN progress TEXT NOT NULL DEFAULT '';
"""

#: Ordered upgrades: index i brings a file from version i to i + 1.
MIGRATIONS: tuple[str, ...] = (SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_V4)
SCHEMA_VERSION = len(MIGRATIONS)


def _script_statements(script: str) -> Iterator[str]:
    """Split a migration script into statements (executescript() would COMMIT)."""
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                yield buf.strip()
            buf = ""
    if buf.strip():
        yield buf.strip()


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring ``conn`` (autocommit mode) up to ``target`` in one transaction.

    Returns the version found. Raises StoreError for a file from a newer version.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreError(_newer_message(version))
        for n in range(version, target):
            for stmt in _script_statements(MIGRATIONS[n]):
                conn.execute(stmt)
        if target > version:
            conn.execute(f"PRAGMA user_version = {int(target)}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return version


def _newer_message(version: int) -> str:
    return (
        f"the session log was written by a newer version of HipTimer (schema {version}; "
        f"this version understands up to {SCHEMA_VERSION}). Update HipTimer, or use --db "
        "to choose another file."
    )


# --- records ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionRecord:
    id: int
    routine: str
    routine_path: str | None
    routine_hash: str
    status: SessionStatus
    started_at: datetime
    ended_at: datetime | None
    active_s: float
    speed: float
    effort: int | None
    pain: int | None
    note: str
    exercises: tuple[ExerciseResult, ...]

    @property
    def is_rehearsal(self) -> bool:
        return self.speed != 1.0

    @property
    def did_something(self) -> bool:
        """Completed, or an exercise done or partial (counts for a streak)."""
        return self.status == "completed" or any(
            e.status in ("done", "partial") for e in self.exercises
        )


class SessionRow(NamedTuple):
    """A session without its exercises: cheap enough for 100,000 rows."""

    id: int
    routine: str
    status: SessionStatus
    started_at: datetime
    active_s: float
    speed: float
    effort: int | None
    pain: int | None
    did_something: bool

    @property
    def is_rehearsal(self) -> bool:
        return self.speed != 1.0


@dataclass(frozen=True)
class ResumeCandidate:
    """An interrupted session that saved where it was."""

    session_id: int
    routine: str
    routine_path: Path
    routine_hash: str
    started_at: datetime
    speed: float
    progress: Progress


def _iso(dt: datetime) -> str:
    """ISO 8601 with the UTC offset; a naive time is taken as local time."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        dt = dt.astimezone()
    return dt.isoformat(timespec="seconds")


def _ts(dt: datetime) -> float:
    if dt.tzinfo is None or dt.utcoffset() is None:
        dt = dt.astimezone()
    return dt.timestamp()


def _exercise_obj(e: ExerciseResult) -> dict[str, Any]:
    """One exercise as ``hiptimer history --json`` prints it, with its sets."""
    return {
        "name": e.name,
        "side": e.side,
        "status": e.status,
        "sets_done": int(e.sets_done),
        "sets": [
            {"set": int(x.set), "status": x.status, "seconds": logged_seconds(x.seconds)}
            for x in e.sets
        ],
    }


def _exercises_json(exercises: Sequence[ExerciseResult]) -> str:
    """The ``exercises`` column: exactly the objects ``hiptimer history --json`` prints."""
    return json.dumps(
        [_exercise_obj(e) for e in exercises], ensure_ascii=False, separators=(",", ":")
    )


def progress_json(progress: Progress | None) -> str:
    """The ``progress`` column ('' for None)."""
    if progress is None:
        return ""
    return json.dumps(
        {
            "index": progress.index,
            "active_s": round(progress.active_s, 3),
            "sets": [[i, r.set, r.status, round(r.seconds, 3)] for i, r in progress.sets],
        },
        separators=(",", ":"),
    )


def progress_from_json(text: str) -> Progress | None:
    """The ``progress`` column back; None when empty or not understood."""
    if not text:
        return None
    try:
        d = json.loads(text)
        sets = tuple(
            (int(i), SetResult(int(n), cast(ExerciseStatus, str(st)), float(sec)))
            for i, n, st, sec in d["sets"]
        )
        if any(r.status not in ("done", "partial", "skipped") for _i, r in sets):
            return None
        return Progress(int(d["index"]), sets, float(d["active_s"]))
    except (ValueError, KeyError, TypeError):
        return None


#: Parsed ``exercises`` texts: sessions of one routine mostly share the same results.
_PARSED: dict[str, tuple[ExerciseResult, ...]] = {}
_PARSED_MAX = 4096


def exercises_from_json(text: str) -> tuple[ExerciseResult, ...]:
    hit = _PARSED.get(text)
    if hit is not None:
        return hit
    out = tuple(
        ExerciseResult(
            str(d["name"]),
            d.get("side"),
            cast(ExerciseStatus, d["status"]),
            int(d["sets_done"]),
            tuple(
                SetResult(int(x["set"]), cast(ExerciseStatus, x["status"]), float(x["seconds"]))
                for x in d.get("sets", ())
            ),
        )
        for d in json.loads(text or "[]")
    )
    if len(_PARSED) >= _PARSED_MAX:
        _PARSED.clear()
    _PARSED[text] = out
    return out


def _worked(exercises: Sequence[ExerciseResult]) -> int:
    """1 if an exercise was done or partial (the ``worked`` column)."""
    return int(any(e.status in ("done", "partial") for e in exercises))


# --- owner processes (interrupted detection) ----------------------------------------------


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def _proc_start(pid: int) -> str | None:
    """Linux: the process start time in clock ticks ('' if unknown, None if gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:
        return ""
    fields = stat[stat.rfind(")") + 2 :].split()
    if fields and fields[0] in ("Z", "X"):  # a zombie is dead
        return None
    return fields[19] if len(fields) > 19 else ""


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return bool(ok) and code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


_BOOT = _boot_id()
_TOKEN = uuid.uuid4().hex[:12]


def owner_token() -> str:
    """Who owns a running session: boot id / pid / process start / per-process token."""
    pid = os.getpid()
    return f"{_BOOT}/{pid}/{_proc_start(pid) or ''}/{_TOKEN}"


def owner_alive(owner: str) -> bool:
    """Is the process that wrote ``owner`` still running (pid reuse detected on Linux)?"""
    parts = owner.split("/")
    if len(parts) != 4:
        return False
    boot, pid_text, start, token = parts
    if boot and _BOOT and boot != _BOOT:
        return False
    try:
        pid = int(pid_text)
    except ValueError:
        return False
    if pid == os.getpid():
        return token == _TOKEN
    now_start = _proc_start(pid)
    if now_start is None:
        return False
    if now_start and start:
        return now_start == start
    return _pid_alive(pid)


# --- the store ----------------------------------------------------------------------------

_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
_ROW_COLUMNS = (
    "id, routine, status, started_at, active_s, speed, effort, pain,"
    " (status = 'completed' OR worked), owner"
)
_COLUMNS = (
    "id, routine, routine_path, routine_hash, status, started_at, ended_at, active_s, speed, "
    "effort, pain, note, exercises, owner, updated_at"
)


#: _COLUMNS with the owner and last write only where they are read (a running session):
#: two strings fewer per row of a long export.
_RAW_COLUMNS = _COLUMNS.replace(
    "owner, updated_at",
    "CASE WHEN status = 'running' THEN owner END, CASE WHEN status = 'running' THEN updated_at END",
)
assert _RAW_COLUMNS != _COLUMNS


def _errcode(e: BaseException) -> int:
    return int(getattr(e, "sqlite_errorcode", 0) or 0) & 0xFF


def _looks_corrupt(e: BaseException) -> bool:
    if _errcode(e) in _CORRUPT_CODES:
        return True
    text = str(e).lower()
    return "not a database" in text or "malformed" in text


class Store:
    """The session log. Open with :meth:`Store.open`."""

    def __init__(self, conn: sqlite3.Connection, path: Path, *, readonly: bool) -> None:
        self._conn = conn
        self.path = path
        self.readonly = readonly
        self.recovered_from: Path | None = None
        self._owner = owner_token()
        #: rows the reads skipped: session id -> what is wrong (see :meth:`problems`)
        self.bad_rows: dict[int, str] = {}
        #: background=True: the thread the session recorder's writes go through
        self.writer: LogWriter[Store] | None = None

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: Path, *, readonly: bool = False, recover: bool = False, background: bool = False
    ) -> Store:
        """Open the log; ``background`` (the app) also starts :attr:`writer`, the
        thread a :class:`SessionRecorder` writes through. See :meth:`_open`."""
        store = cls._open(Path(path), readonly=readonly, recover=recover)
        if background and not readonly:
            p = store.path
            store.writer = LogWriter(lambda: cls._open_writer(p), describe=_write_failure)
        return store

    @classmethod
    def _open(cls, path: Path, *, readonly: bool = False, recover: bool = False) -> Store:
        """Open the log at ``path`` (app mode creates it; ``readonly`` never writes).

        ``recover`` is for the app's own default log only: when SQLite reports
        that file damaged (malformed, or not a database), it is moved aside as
        ``NAME.corrupt-TIMESTAMP`` and a new log is started
        (:attr:`recovered_from`). Any other file that is not a HipTimer log (a
        folder, a FIFO, another program's database, a damaged or unreadable
        file) is refused with a :class:`StoreError` and left exactly as it was.
        """
        path = Path(path)
        _check_kind(path)
        if readonly:
            return cls._open_readonly(path)
        try:
            return cls._open_app(path)
        except StoreError:
            raise
        except (sqlite3.Error, OSError) as e:
            if path.exists() and not _readable(path):
                raise StoreError(f"cannot read the session log {path}: {_reason(e)}") from e
            if not (recover and path.exists() and _looks_corrupt(e)):
                if path.exists() and _looks_corrupt(e):
                    raise StoreError(_not_ours_message(path, _reason(e))) from e
                raise StoreError(f"cannot open the session log {path}: {_reason(e)}") from e
        moved = _move_aside(path)
        try:
            store = cls._open_app(path)
        except (sqlite3.Error, OSError) as e:
            raise StoreError(f"cannot create a new session log {path}: {_reason(e)}") from e
        store.recovered_from = moved
        return store

    @classmethod
    def _open_app(cls, path: Path) -> Store:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            if not _readable(path):
                raise PermissionError(errno.EACCES, "permission denied", str(path))
            if not _has_sqlite_header(path):  # decide before SQLite touches its -wal
                raise sqlite3.DatabaseError("file is not a database")
        # check_same_thread=False: the app opens (and checks) the log on a worker
        # thread and hands it to the GUI thread; one thread uses it at a time
        conn = sqlite3.connect(
            str(path),
            isolation_level=None,
            timeout=BUSY_TIMEOUT_MS / 1000,
            check_same_thread=False,
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise StoreError(_newer_message(version))
            _check_ours(conn, path, version)  # before anything is written to it
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"database disk image is malformed ({check})")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            migrate(conn)
            # every read asks which sessions are still running: an index of just those
            # keeps that instant however long the log (not part of the schema's version:
            # an index changes no data, and an older app ignores it)
            conn.execute(
                "CREATE INDEX IF NOT EXISTS sessions_running"
                " ON sessions (owner) WHERE status = 'running'"
            )
            for name, where in FLAG_INDEXES:  # once, on a log that does not have them yet
                with contextlib.suppress(sqlite3.OperationalError):  # no JSON functions
                    conn.execute(
                        f"CREATE INDEX IF NOT EXISTS {name} ON sessions (id) WHERE {where}"
                    )
        except BaseException:
            conn.close()
            raise
        store = cls(conn, path, readonly=False)
        store._close_dead_sessions()
        return store

    @classmethod
    def _open_readonly(cls, path: Path) -> Store:
        if not path.is_file():
            raise StoreError(f"no session log at {path}")
        # No -wal/-shm: nobody has the log open and everything is in the file, so read
        # it as immutable (SQLite then creates no -wal/-shm of its own). Otherwise a
        # plain read-only connection shares the existing ones with the running app.
        quiet = not any(p.exists() for p in _sidecars(path))
        uri = f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if quiet else "")
        try:
            conn = sqlite3.connect(uri, uri=True, isolation_level=None)
        except sqlite3.Error as e:
            raise StoreError(f"cannot read the session log {path}: {_reason(e)}") from e
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise StoreError(_newer_message(version))
            _check_ours(conn, path, version)
            if version < SCHEMA_VERSION:
                # An older file: upgrade a copy in memory, never the file itself.
                mem = sqlite3.connect(":memory:", isolation_level=None)
                conn.backup(mem)
                conn.close()
                conn = mem
                migrate(conn)
        except StoreError:
            conn.close()
            raise
        except sqlite3.Error as e:
            conn.close()
            what = (
                "is damaged or not a HipTimer session log"
                if _looks_corrupt(e)
                else "cannot be read"
            )
            raise StoreError(f"the session log {path} {what}: {_reason(e)}") from e
        store = cls(conn, path, readonly=True)
        return store

    def close(self, timeout: float = 3.0) -> bool:
        """Close; with a :attr:`writer`, first wait up to ``timeout`` s for its queue.
        False when something queued could not be written (a full disk)."""
        written = True
        writer, self.writer = self.writer, None
        if writer is not None:
            written = writer.close(timeout)
        self._conn.close()
        return written

    @classmethod
    def _open_writer(cls, path: Path) -> Store:
        """The writer thread's own connection to a log the app already opened."""
        _check_kind(path)
        if not path.exists():
            raise StoreError(f"the session log {path} is gone")
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_FRAMES}")
        except BaseException:
            conn.close()
            raise
        return cls(conn, path, readonly=False)

    def reserve_log_space(self) -> None:
        """Grow the write-ahead log to the size the session's writes then cycle in.

        With ``wal_autocheckpoint`` at :data:`WAL_FRAMES`, SQLite copies the log
        into the file every WAL_FRAMES pages and starts writing the log again
        from its beginning, over space it already has. Once the log has reached
        that size, a session's progress and its end are updates of pages that
        exist, so they are written even when the disk fills up meanwhile.
        """
        wal = Path(str(self.path) + "-wal")
        page = int(self._conn.execute("PRAGMA page_size").fetchone()[0])
        need = 32 + WAL_FRAMES * (page + 24)
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS log_reserve (id INTEGER PRIMARY KEY, pad BLOB)"
        )
        for _ in range(2 * WAL_FRAMES):
            try:
                if wal.stat().st_size >= need:
                    return
            except OSError:
                pass
            with self._write("reserve space for the session") as conn:
                conn.execute("INSERT OR REPLACE INTO log_reserve VALUES (1, randomblob(8))")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------

    @contextmanager
    def _write(self, what: str) -> Iterator[sqlite3.Connection]:
        if self.readonly:
            raise StoreError("the session log is open read-only")
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except StoreError:
            raise
        except (sqlite3.Error, OSError) as e:
            raise StoreError(
                f"could not {what} in the session log {self.path}: {_reason(e)}"
            ) from e

    def begin_session(self, routine: Routine, *, started_at: datetime, speed: float) -> int:
        started = _iso(started_at)
        with self._write("record the session start") as conn:
            cur = conn.execute(
                "INSERT INTO sessions (routine, routine_path, routine_hash, status, started_at,"
                " started_ts, updated_at, active_s, speed, exercises, owner)"
                " VALUES (?, ?, ?, 'running', ?, ?, ?, 0, ?, '[]', ?)",
                (
                    routine.name,
                    _path_text(os.path.abspath(routine.path)) if routine.path is not None else None,
                    routine.content_hash,
                    started,
                    _ts(started_at),
                    started,
                    float(speed),
                    self._owner,
                ),
            )
            return int(cur.lastrowid or 0)

    def update_session(
        self,
        session_id: int,
        *,
        active_s: float,
        exercises: Sequence[ExerciseResult],
        at: datetime | None = None,
        progress: Progress | None = None,
    ) -> None:
        when = _iso(at or datetime.now().astimezone())
        with self._write("record progress") as conn:
            cur = conn.execute(
                "UPDATE sessions SET active_s = ?, exercises = ?, worked = ?, updated_at = ?,"
                " owner = ?, progress = ? WHERE id = ?",
                (
                    float(active_s),
                    _exercises_json(exercises),
                    _worked(exercises),
                    when,
                    self._owner,
                    progress_json(progress),
                    session_id,
                ),
            )
            _require_row(cur, session_id)

    def finish_session(
        self,
        session_id: int,
        *,
        status: FinalStatus,
        ended_at: datetime,
        active_s: float,
        exercises: Sequence[ExerciseResult],
    ) -> None:
        if status not in ("completed", "stopped"):
            raise ValueError(f"a finished session is completed or stopped, not {status!r}")
        ended = _iso(ended_at)
        with self._write("record the session end") as conn:
            cur = conn.execute(
                "UPDATE sessions SET status = ?, ended_at = ?, updated_at = ?, active_s = ?,"
                " exercises = ?, worked = ?, progress = '' WHERE id = ?",
                (
                    status,
                    ended,
                    ended,
                    float(active_s),
                    _exercises_json(exercises),
                    _worked(exercises),
                    session_id,
                ),
            )
            _require_row(cur, session_id)

    def rate_session(
        self, session_id: int, *, effort: int | None, pain: int | None, note: str
    ) -> None:
        if effort is not None and not (isinstance(effort, int) and 1 <= effort <= 10):
            raise StoreError(f"effort must be a whole number from 1 to 10, not {effort!r}")
        if pain is not None and not (isinstance(pain, int) and 0 <= pain <= 10):
            raise StoreError(f"pain must be a whole number from 0 to 10, not {pain!r}")
        if self.writer is not None:  # the app: never wait on the disk for it
            self.writer.submit(
                lambda st: st.rate_session(session_id, effort=effort, pain=pain, note=note)
            )
            return
        with self._write("save the rating") as conn:
            cur = conn.execute(
                "UPDATE sessions SET effort = ?, pain = ?, note = ? WHERE id = ?",
                (effort, pain, note, session_id),
            )
            _require_row(cur, session_id)

    def resumable(
        self, *, since: datetime, routine_path: Path | None = None
    ) -> ResumeCandidate | None:
        """The newest interrupted session started at or after ``since`` that can be
        resumed (it saved its progress), of ``routine_path`` when given."""
        live = self._live_owners()
        sql = (
            "SELECT id, routine, routine_path, routine_hash, started_at, speed, progress, owner,"
            " status FROM sessions WHERE progress != '' AND started_ts >= ?"
            " AND status IN ('running', 'interrupted')"
        )
        args: list[Any] = [_ts(since)]
        if routine_path is not None:
            sql += " AND routine_path = ?"
            args.append(_path_text(str(routine_path)))
        sql += " ORDER BY started_ts DESC, id DESC"
        try:
            rows = self._conn.execute(sql, args).fetchall()
        except sqlite3.Error as e:
            raise self._read_error(e) from e
        for r in rows:
            if r[8] == "running" and str(r[7]) in live:
                continue  # another window runs it
            progress = progress_from_json(str(r[6]))
            if progress is None or not r[2]:
                continue
            try:
                return ResumeCandidate(
                    session_id=int(r[0]),
                    routine=str(r[1]),
                    routine_path=Path(r[2]),
                    routine_hash=str(r[3] or ""),
                    started_at=datetime.fromisoformat(r[4]),
                    speed=float(r[5]),
                    progress=progress,
                )
            except (TypeError, ValueError):
                self._bad(int(r[0]), _row_problem((r[1], r[4], r[5]), _RESUME_FIELDS))
        return None

    def reopen_session(self, session_id: int) -> None:
        """Continue an interrupted session in this process: the same row runs again
        (it ends as completed or stopped, like any other)."""
        with self._write("resume the session") as conn:
            row = conn.execute(
                "SELECT status, owner FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
            dead = row is not None and (
                row[0] == "interrupted" or (row[0] == "running" and not owner_alive(str(row[1])))
            )
            if not dead:
                raise StoreError(f"session {session_id} cannot be resumed (it is not interrupted)")
            conn.execute(
                "UPDATE sessions SET status = 'running', ended_at = NULL, owner = ? WHERE id = ?",
                (self._owner, session_id),
            )

    def discard_resume(self, session_id: int) -> None:
        """Do not offer this session for resuming again (it stays in the history)."""
        with self._write("forget the resume point") as conn:
            conn.execute("UPDATE sessions SET progress = '' WHERE id = ?", (session_id,))

    def _close_dead_sessions(self) -> None:
        """App mode: record running sessions whose process is gone as interrupted."""
        try:
            rows = self._conn.execute(
                "SELECT id, owner FROM sessions WHERE status = 'running'"
            ).fetchall()
            dead = [int(r[0]) for r in rows if not owner_alive(str(r[1]))]
            if not dead:
                return
            with self._write("mark interrupted sessions") as conn:
                conn.executemany(
                    "UPDATE sessions SET status = 'interrupted',"
                    " ended_at = COALESCE(updated_at, started_at)"
                    " WHERE id = ? AND status = 'running'",
                    [(i,) for i in dead],
                )
        except (sqlite3.Error, StoreError):
            pass  # reads still report them as interrupted

    # -- reading ---------------------------------------------------------------------------

    def sessions(
        self,
        *,
        since: date | None = None,
        include_rehearsals: bool = False,
        limit: int | None = None,
    ) -> list[SessionRecord]:
        """Sessions newest first; ``since`` compares the local date the session started."""
        live = self._live_owners()
        rows = self._select(_COLUMNS, since, include_rehearsals, limit)
        out: list[SessionRecord] = []
        for r in rows:
            rec = self._checked_record(r, live)
            if rec is not None:
                out.append(rec)
        return out

    def raw_sessions(
        self,
        *,
        since: date | None = None,
        include_rehearsals: bool = False,
    ) -> tuple[list[Any], set[str]]:
        """What :meth:`sessions` reads: its rows' columns as SQLite gives them, newest
        first, and the owners still running. For an exporter that formats plain rows
        itself and passes any other to :meth:`checked_record`, so both say the same."""
        live = self._live_owners()
        return self._select(_RAW_COLUMNS, since, include_rehearsals, None), live

    def checked_record(self, row: Sequence[Any], live: set[str]) -> SessionRecord | None:
        """One :meth:`raw_sessions` row as :meth:`sessions` returns it, or None when
        it skips the row (recorded in :meth:`problems`)."""
        return self._checked_record(row, live)

    def session(self, session_id: int) -> SessionRecord | None:
        try:
            row = self._conn.execute(
                f"SELECT {_COLUMNS} FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
        except sqlite3.Error as e:
            raise self._read_error(e) from e
        return None if row is None else self._checked_record(row, self._live_owners())

    def rows(
        self,
        *,
        since: date | None = None,
        include_rehearsals: bool = False,
        limit: int | None = None,
        check_exercises: bool = False,
    ) -> list[SessionRow]:
        """Like :meth:`sessions` without the exercises: fast for long lists and statistics.

        ``check_exercises``: also skip (and report, as :meth:`sessions` does) a
        row whose exercises are not a JSON list, checked by SQLite itself
        (``hiptimer history``'s table shows no exercises but skips the same rows)."""
        live = self._live_owners()
        out: list[SessionRow] = []
        parse = datetime.fromisoformat
        columns = _ROW_COLUMNS
        not_list: dict[int, Any] = {}  # id -> exercises that are not a JSON list
        if check_exercises and _has_json1(self._conn):
            flagged = self._flagged(_NOT_A_LIST_INDEX, _NOT_A_LIST, f"id, {_NOT_A_LIST_VALUE}")
            if flagged is None:  # no index (a log this version's app has not opened)
                columns += f", {_NOT_A_LIST_VALUE}"
            else:
                not_list = {int(i): text for i, text in flagged}
        for r in self._select(columns, since, include_rehearsals, limit):
            if len(r) > 10 and r[10] is not None:
                self._bad(int(r[0]), _row_problem((r[10],), ("exercises",)))
                continue
            if not_list and r[0] in not_list:
                self._bad(int(r[0]), _row_problem((not_list[r[0]],), ("exercises",)))
                continue
            status = r[2]
            if status == "running" and r[9] not in live:
                status = "interrupted"
            try:
                row = SessionRow(
                    r[0], r[1], status, parse(r[3]), r[4], r[5], r[6], r[7], bool(r[8])
                )
            except (TypeError, ValueError):
                self._bad(int(r[0]), _row_problem(r[1:8], _ROW_FIELDS))
                continue
            if not (type(r[4]) in _NUMBER and type(r[5]) in _NUMBER) or not (
                _opt_int(r[6]) and _opt_int(r[7]) and status in _STATUSES
            ):
                self._bad(int(r[0]), _row_problem(r[1:8], _ROW_FIELDS))
                continue
            out.append(row)
        return out

    def sessions_json(
        self,
        *,
        since: date | None = None,
        include_rehearsals: bool = False,
        limit: int | None = None,
    ) -> list[str]:
        """One JSON object text per session (the ``history --json`` form), newest first.

        Built inside SQLite (``json_quote``; the exercises column already holds
        the output objects and is spliced in as is), so 100,000 sessions take a
        fraction of a second. Without SQLite's JSON functions: built in Python.
        """
        if not _has_json1(self._conn):
            return [
                json.dumps(record_json(r), ensure_ascii=False)
                for r in self.sessions(
                    since=since, include_rehearsals=include_rehearsals, limit=limit
                )
            ]
        live = sorted(self._live_owners())
        marks = ",".join("?" * len(live))
        dead = "status = 'running'" + (f" AND owner NOT IN ({marks})" if live else "")
        # json_object quotes as json_quote does and writes no spaces, in one buffer
        # (a chain of || copies the text once per piece); the exercises column
        # already holds the output objects and is spliced in as it is
        obj = (
            "rtrim(json_object('id', id, 'routine', routine, 'routine_path', routine_path,"
            f" 'status', CASE WHEN {dead} THEN 'interrupted' ELSE status END,"
            " 'started_at', started_at,"
            f" 'ended_at', CASE WHEN {dead}"
            " THEN COALESCE(updated_at, started_at) ELSE ended_at END,"
            " 'active_s', round(active_s, 3), 'speed', speed, 'effort', effort, 'pain', pain,"
            " 'note', note), '}') || ',\"exercises\":' || exercises || '}'"
        )
        # NULL for a row SQLite cannot vouch for (its check is false or NULL)
        # the exercises' JSON is checked by the index when it has no row (json_valid
        # is most of the check's cost), else row by row with the rest
        check = _SQL_ROW_OK if self._flagged(_NOT_JSON_INDEX, _NOT_JSON) != [] else _SQL_FIELDS_OK
        texts: list[str | None] = [
            r[0]
            for r in self._select(
                f"CASE WHEN {check} THEN {obj} END",
                since,
                include_rehearsals,
                limit,
                params=[*live, *live],
            )
        ]
        if None in texts:
            # rare: a row SQLite cannot vouch for would make the output invalid JSON;
            # the checked path says which rows and why, and skips them
            return [
                json.dumps(record_json(r), ensure_ascii=False)
                for r in self.sessions(
                    since=since, include_rehearsals=include_rehearsals, limit=limit
                )
            ]
        return cast(list[str], texts)

    def problems(self) -> list[str]:
        """Rows skipped by the reads so far, one sentence each (which row, what is wrong)."""
        return [f"session {i} skipped: {why}" for i, why in sorted(self.bad_rows.items())]

    def _bad(self, session_id: int, why: str) -> None:
        self.bad_rows.setdefault(session_id, why)

    def _checked_record(self, r: Any, live: set[str]) -> SessionRecord | None:
        try:
            rec = self._record(r, live)
        except (TypeError, ValueError, KeyError, AttributeError, OverflowError):
            rec = None
        if rec is None or not (
            type(r[7]) in _NUMBER
            and type(r[8]) in _NUMBER
            and _opt_int(r[9])
            and _opt_int(r[10])
            and rec.status in _STATUSES
        ):
            self._bad(int(r[0]), _row_problem(r[1:13], SESSION_FIELDS))
            return None
        return rec

    def count(self) -> int:
        try:
            return int(self._conn.execute("SELECT count(*) FROM sessions").fetchone()[0])
        except sqlite3.Error as e:
            raise self._read_error(e) from e

    def _read_error(self, e: BaseException) -> StoreError:
        what = "is damaged" if _looks_corrupt(e) else "cannot be read"
        return StoreError(f"the session log {self.path} {what}: {_reason(e)}")

    def _live_owners(self) -> set[str]:
        """Owners of ``running`` rows whose process is still alive."""
        try:
            owners = self._conn.execute(
                "SELECT DISTINCT owner FROM sessions WHERE status = 'running'"
            ).fetchall()
        except sqlite3.Error as e:
            raise self._read_error(e) from e
        return {str(o[0]) for o in owners if owner_alive(str(o[0]))}

    def _flagged(self, index: str, where: str, columns: str = "id") -> list[Any] | None:
        """The rows in a partial index of rows a check flags (see :data:`FLAG_INDEXES`),
        or None when the log has no such index (or it cannot answer this check)."""
        try:
            return self._conn.execute(
                f"SELECT {columns} FROM sessions INDEXED BY {index} WHERE {where}"
            ).fetchall()
        except sqlite3.Error:
            return None

    def _select_sql(
        self,
        columns: str,
        since: date | None,
        include_rehearsals: bool,
        limit: int | None,
        params: list[Any] | None = None,
    ) -> tuple[str, list[Any]]:
        conds: list[str] = []
        args: list[Any] = list(params or [])
        if since is not None:
            # the index narrows it (a day's margin covers every UTC offset), the
            # date as recorded decides
            conds.append("started_ts >= ? AND substr(started_at, 1, 10) >= ?")
            midnight = datetime(since.year, since.month, since.day, tzinfo=UTC)
            args += [midnight.timestamp() - 86400.0, since.isoformat()]
        if not include_rehearsals:
            conds.append("speed = 1")
        sql = f"SELECT {columns} FROM sessions"
        if conds:
            sql += " WHERE " + " AND ".join(conds)
        sql += " ORDER BY started_ts DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(int(limit))
        return sql, args

    def _select(
        self,
        columns: str,
        since: date | None,
        include_rehearsals: bool,
        limit: int | None,
        params: list[Any] | None = None,
    ) -> list[Any]:
        sql, args = self._select_sql(columns, since, include_rehearsals, limit, params)
        try:
            return self._conn.execute(sql, args).fetchall()
        except sqlite3.Error as e:
            raise self._read_error(e) from e

    def _record(self, r: Any, live: set[str]) -> SessionRecord:
        status = str(r[4])
        ended = r[6]
        if status == "running" and str(r[13]) not in live:
            status = "interrupted"
            ended = r[14] or r[5]
        return SessionRecord(
            id=int(r[0]),
            routine=str(r[1]),
            routine_path=r[2],
            routine_hash=str(r[3] or ""),
            status=cast(SessionStatus, status),
            started_at=datetime.fromisoformat(r[5]),
            ended_at=datetime.fromisoformat(ended) if ended else None,
            active_s=float(r[7]),
            speed=float(r[8]),
            effort=None if r[9] is None else int(r[9]),
            pain=None if r[10] is None else int(r[10]),
            note=str(r[11] or ""),
            exercises=exercises_from_json(r[12]),
        )


# --- rows another program (or a bad disk) wrote wrong ------------------------------------

_STATUSES = ("running", "completed", "stopped", "interrupted")
_NUMBER = (int, float)
#: The session row's fields after its id, in column order (``history --csv`` writes these).
SESSION_FIELDS = (
    "routine",
    "routine_path",
    "routine_hash",
    "status",
    "started_at",
    "ended_at",
    "active_s",
    "speed",
    "effort",
    "pain",
    "note",
    "exercises",
)
_RESUME_FIELDS = ("routine", "started_at", "speed")
_ROW_FIELDS = ("routine", "status", "started_at", "active_s", "speed", "effort", "pain")
#: What SQLite can check of a row before ``history --json`` splices it into its output:
#: its fields, then (most of the cost) its exercises.
_SQL_FIELDS_OK = (
    "typeof(routine) = 'text' AND status IN ('running', 'completed', 'stopped', 'interrupted')"
    " AND typeof(started_at) = 'text' AND julianday(started_at) IS NOT NULL"
    " AND (ended_at IS NULL OR (typeof(ended_at) = 'text' AND julianday(ended_at) IS NOT NULL))"
    " AND typeof(active_s) IN ('real', 'integer') AND typeof(speed) IN ('real', 'integer')"
    " AND (effort IS NULL OR typeof(effort) = 'integer')"
    " AND (pain IS NULL OR typeof(pain) = 'integer')"
    " AND (routine_path IS NULL OR typeof(routine_path) = 'text')"
    " AND typeof(note) = 'text'"
)
_SQL_ROW_OK = _SQL_FIELDS_OK + " AND json_valid(exercises)"  # spliced in as it is: must be JSON

#: Rows whose exercises are not JSON, or not a JSON list, as reads check them.
_NOT_JSON = "json_valid(exercises) IS NOT 1"
_NOT_A_LIST_VALUE = (
    "CASE WHEN json_valid(exercises) AND json_type(exercises) = 'array'"
    " THEN NULL ELSE exercises END"
)
_NOT_A_LIST = f"({_NOT_A_LIST_VALUE}) IS NOT NULL"
_NOT_JSON_INDEX = "sessions_not_json"
_NOT_A_LIST_INDEX = "sessions_not_a_list"
#: Partial indexes of the rows those checks flag: SQLite keeps them as rows are written
#: (a parse of the row's exercises, microseconds), so a read of 100,000 rows asks a
#: nearly empty index instead of parsing every row's exercises again. A read uses an
#: index only for the very expression it was made with: a changed check needs a new
#: index name. A log the app has not opened since they came is checked row by row.
FLAG_INDEXES = ((_NOT_JSON_INDEX, _NOT_JSON), (_NOT_A_LIST_INDEX, _NOT_A_LIST))


def _opt_int(v: object) -> bool:
    return v is None or (type(v) is int)


def _shown(v: object) -> str:
    text = repr(v)
    return text if len(text) <= 40 else text[:39] + "…"


def _field_problem(name: str, v: object) -> str | None:
    """What is wrong with one column's value, or None."""
    if name in ("started_at", "ended_at"):
        if v is None and name == "ended_at":
            return None
        if not isinstance(v, str):
            return f"{name} {_shown(v)} is not a date"
        try:
            datetime.fromisoformat(v)
        except ValueError:
            return f"{name} {_shown(v)} is not a date"
        return None
    if name in ("active_s", "speed"):
        return None if type(v) in _NUMBER else f"{name} {_shown(v)} is not a number"
    if name in ("effort", "pain"):
        return None if _opt_int(v) else f"{name} {_shown(v)} is not a whole number"
    if name == "status":
        return None if v in _STATUSES else f"status {_shown(v)} is not one HipTimer writes"
    if name == "exercises":
        if not isinstance(v, str):
            return f"exercises {_shown(v)} is not JSON text"
        try:
            exercises_from_json(v)
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError):
            return f"exercises {_shown(v)} is not the list of results HipTimer writes"
        return None
    if name in ("routine", "note", "routine_hash"):
        return None if isinstance(v, str) or v is None else f"{name} {_shown(v)} is not text"
    if name == "routine_path":
        return None if v is None or isinstance(v, str) else f"{name} {_shown(v)} is not text"
    return None


def _row_problem(values: Sequence[object], names: Sequence[str]) -> str:
    found = [p for n, v in zip(names, values, strict=True) if (p := _field_problem(n, v))]
    return "; ".join(found) if found else "the row cannot be read"


def record_json(r: SessionRecord) -> dict[str, Any]:
    """The ``hiptimer history --json`` object for one session."""
    return {
        "id": r.id,
        "routine": r.routine,
        "routine_path": r.routine_path,
        "status": r.status,
        "started_at": r.started_at.isoformat(),
        "ended_at": r.ended_at.isoformat() if r.ended_at else None,
        "active_s": round(r.active_s, 3),
        "speed": r.speed,
        "effort": r.effort,
        "pain": r.pain,
        "note": r.note,
        "exercises": [_exercise_obj(e) for e in r.exercises],
    }


_JSON1: list[bool] = []


def _has_json1(conn: sqlite3.Connection) -> bool:
    """SQLite's JSON functions are built in since 3.38 (and in most builds before)."""
    if not _JSON1:
        try:
            conn.execute("SELECT json_quote('a')").fetchone()
            _JSON1.append(True)
        except sqlite3.Error:
            _JSON1.append(False)
    return _JSON1[0]


def _require_row(cur: sqlite3.Cursor, session_id: int) -> None:
    if cur.rowcount == 0:
        raise StoreError(f"no session {session_id} in the session log")


def _reason(e: BaseException) -> str:
    text = str(e) or type(e).__name__
    if isinstance(e, OSError) and e.strerror:
        text = e.strerror
    return text


def _check_kind(path: Path) -> None:
    """Refuse a folder, a FIFO or a device before anything opens it (a FIFO would
    block the opener until some writer came)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    except (OSError, ValueError) as e:
        raise StoreError(f"cannot use {path} as the session log: {safefile.reason_for(e)}") from e
    if not stat.S_ISREG(st.st_mode):
        kind = safefile.kind_of(st.st_mode)
        raise StoreError(
            f"{path} is {kind}, not a session log; it was left as it is. "
            "Give --db the path of a file."
        )


def _not_ours_message(path: Path, reason: str) -> str:
    return (
        f"{path} is not a HipTimer session log, or it is damaged ({reason}); "
        "it was left as it is. Choose another file with --db."
    )


def _check_ours(conn: sqlite3.Connection, path: Path, version: int) -> None:
    """An SQLite file of another program is refused, not taken over."""
    tables = {
        str(r[0])
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    }
    tables.discard("sqlite_sequence")
    if (version == 0 and tables) or (version > 0 and "sessions" not in tables):
        raise StoreError(
            f"{path} is an SQLite database of another program, not a HipTimer session log; "
            "it was left as it is. Choose another file with --db."
        )


def _write_failure(e: BaseException) -> str:
    msg = str(e) if isinstance(e, StoreError) else f"session log: {_reason(e)}"
    if "full" in msg.lower():
        msg += " (it is saved as soon as there is space again)"
    return msg


def _readable(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            f.read(1)
    except OSError:
        return False
    return True


def _has_sqlite_header(path: Path) -> bool:
    with path.open("rb") as f:
        head = f.read(16)
    return head == b"" or head == b"SQLite format 3\x00"


def _sidecars(path: Path) -> tuple[Path, Path]:
    return (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))


def _move_aside(path: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    try:
        os.replace(path, target)
        for side, suffix in zip(_sidecars(path), ("-wal", "-shm"), strict=True):
            if side.exists():
                os.replace(side, target.with_name(target.name + suffix))
    except OSError as e:
        raise StoreError(
            f"the session log {path} is damaged and could not be moved aside: {_reason(e)}"
        ) from e
    return target


# --- recording a running session ----------------------------------------------------------


def _local_now() -> datetime:
    return datetime.now().astimezone()


class RecordedSession(Protocol):
    """The part of :class:`hiptimer.engine.Session` the recorder reads."""

    def active_seconds(self) -> float: ...

    def results(self) -> list[ExerciseResult]: ...

    def progress_snapshot(self) -> Progress: ...


class SessionRecorder:
    """Writes an engine Session to a Store as its events happen.

    The row is created at the first StepStarted (or is the resumed session's
    row, ``session_id``), updated at every StepEnded and at every
    :meth:`checkpoint` (the app calls it every few seconds, so a crash loses
    at most those seconds of active time), and finished at SessionFinished.
    Every update saves the progress a resume needs. A failing store never
    stops the session: the first failure is reported through ``on_error``
    (once) and later writes are still attempted (quietly), so a disk that
    frees up catches up.

    ``on_begun(session_id)`` is called once the session's row exists, on the thread
    that wrote it (the log's own thread when the store has a background writer).
    """

    def __init__(
        self,
        store: Store | None,
        routine: Routine,
        session: RecordedSession,
        *,
        speed: float,
        on_error: Callable[[str], None],
        now: Callable[[], datetime] = _local_now,
        session_id: int | None = None,
        on_begun: Callable[[int], None] | None = None,
    ) -> None:
        self.store = store
        self.routine = routine
        self.session = session
        self.speed = speed
        self.on_error = on_error
        self.now = now
        self.last_session_id: int | None = session_id
        self.error: str | None = None
        self.finished = False
        self._saved: tuple[float, Progress] | None = None
        self._begin_queued = False  # the begin job is with the background writer
        self._on_begun = on_begun

    def handle(self, events: Sequence[Event]) -> None:
        self.poll()
        if self.store is None or self.finished:
            return
        for ev in events:
            if isinstance(ev, StepStarted) and self.last_session_id is None:
                self._ensure_begun()
            elif isinstance(ev, StepEnded):
                self._update()
            elif isinstance(ev, SessionFinished):
                self._finish(ev.status)

    def checkpoint(self) -> None:
        """Save the active time and progress now, if they changed since the last write."""
        self.poll()
        if self.store is None or self.finished:
            return
        if self.last_session_id is None and not self._begin_queued:
            return
        state = (round(self.session.active_seconds(), 1), self.session.progress_snapshot())
        if state != self._saved:
            self._update()

    def poll(self) -> None:
        """Report a failure of the background writer (on the caller's thread)."""
        writer = self._writer()
        if writer is not None:
            for message in writer.take_errors():
                self._report_text(message)

    def _writer(self) -> LogWriter[Store] | None:
        return self.store.writer if self.store is not None else None

    def _ensure_begun(self) -> bool:
        if self.last_session_id is not None or self._begin_queued:
            return True
        assert self.store is not None
        started = self.now()
        writer = self._writer()
        if writer is not None:
            self._begin_queued = True

            def begin(st: Store) -> None:
                if self.last_session_id is None:
                    self.last_session_id = st.begin_session(
                        self.routine, started_at=started, speed=self.speed
                    )
                    self._begun(self.last_session_id)
                with contextlib.suppress(StoreError, sqlite3.Error, OSError):
                    st.reserve_log_space()  # so progress and the end fit on a full disk

            writer.submit(begin)
            return True
        try:
            self.last_session_id = self.store.begin_session(
                self.routine, started_at=started, speed=self.speed
            )
        except (StoreError, sqlite3.Error, OSError) as e:
            self._report(e)
            return False
        self._begun(self.last_session_id)
        return True

    def _begun(self, session_id: int) -> None:
        if self._on_begun is not None:
            self._on_begun(session_id)

    def _update(self) -> None:
        if not self._ensure_begun():
            return
        assert self.store is not None
        active = self.session.active_seconds()
        progress = self.session.progress_snapshot()
        results = self.session.results()
        at = self.now()
        writer = self._writer()
        if writer is not None:

            def update(st: Store) -> None:
                assert self.last_session_id is not None  # the begin job ran first
                st.update_session(
                    self.last_session_id,
                    active_s=active,
                    exercises=results,
                    at=at,
                    progress=progress,
                )

            writer.submit(update, key="progress")  # a newer one replaces it while queued
            self._saved = (round(active, 1), progress)
            return
        assert self.last_session_id is not None
        try:
            self.store.update_session(
                self.last_session_id, active_s=active, exercises=results, at=at, progress=progress
            )
        except (StoreError, sqlite3.Error, OSError) as e:
            self._report(e)
            return
        self._saved = (round(active, 1), progress)

    def _finish(self, status: FinalStatus) -> None:
        if not self._ensure_begun():
            return
        assert self.store is not None
        ended = self.now()
        active = self.session.active_seconds()
        results = self.session.results()
        writer = self._writer()
        if writer is not None:

            def finish(st: Store) -> None:
                assert self.last_session_id is not None
                st.finish_session(
                    self.last_session_id,
                    status=status,
                    ended_at=ended,
                    active_s=active,
                    exercises=results,
                )

            writer.submit(finish)  # tried again until written (space returns, or at exit)
            self.finished = True
            return
        assert self.last_session_id is not None
        try:
            self.store.finish_session(
                self.last_session_id,
                status=status,
                ended_at=ended,
                active_s=active,
                exercises=results,
            )
        except (StoreError, sqlite3.Error, OSError) as e:
            self._report(e)
            return
        self.finished = True

    def _report(self, e: BaseException) -> None:
        self._report_text(str(e) if isinstance(e, StoreError) else f"session log: {_reason(e)}")

    def _report_text(self, msg: str) -> None:
        if self.error is not None:
            return
        self.error = f"This session could not be saved: {msg}"
        self.on_error(self.error)
