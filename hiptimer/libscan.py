"""A big library's files parsed in worker processes, for a first scan. Pure.

Reading a routine file is Python work (about 0.3 ms a file), so one thread takes
3 s or more for 10,000 files however many cores the machine has. :class:`RowReaders`
splits the files into chunks of :data:`CHUNK`, deals them to its worker processes
in turn (chunk ``i`` to worker ``i % workers``) and yields the rows in the files'
order, a chunk at a time as each arrives.

A worker is ``python -c`` running :func:`main`, which imports only the pure loader.
Not :mod:`multiprocessing`: its "spawn" re-imports the caller's main script (a
script with no ``__main__`` guard would start the app again in each worker), and
"fork" is unsafe in a process running Qt's threads. A worker reads its chunks as
one JSON document on stdin and writes each chunk's rows as one JSON line, in the
library index's row format. A worker whose caller went away stops at its next line
(the pipe is closed).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from hiptimer.libindex import FileKey, IndexRow, row_from_json, row_to_json

#: Files per chunk: a worker's rows come back (and show) a chunk at a time.
CHUNK = 100
#: At most this many workers.
MAX_WORKERS = 4
#: How much nicer than the app a worker runs (the window stays responsive to typing).
NICE = 5

File = tuple[str, FileKey, bool]  # (path, (size, mtime_ns), bundled)


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def workers_for(files: int) -> int:
    """Worker processes worth starting for ``files`` files: one per core, at most
    :data:`MAX_WORKERS`, and no more than there are chunks."""
    return max(0, min(cores(), MAX_WORKERS, -(-files // CHUNK)))


class RowReaders:
    """``workers`` processes reading ``files``; iterate for their rows in order.

    :meth:`close` (also on leaving a ``with`` block) kills the workers still running.
    A worker that dies or writes something unreadable raises :class:`OSError`
    from the iteration."""

    def __init__(self, files: Sequence[File], workers: int) -> None:
        chunks = [list(files[i : i + CHUNK]) for i in range(0, len(files), CHUNK)]
        self.chunks = len(chunks)
        self._procs: list[subprocess.Popen[bytes]] = []
        here = str(Path(__file__).resolve().parent.parent)
        code = f"import sys; sys.path.insert(0, {here!r}); import hiptimer.libscan as m; m.main()"
        n = max(1, min(workers, len(chunks)))
        try:
            for _w in range(n):  # all started before any is written to: they start up together
                self._procs.append(
                    subprocess.Popen(
                        [sys.executable, "-c", code],
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.DEVNULL,
                    )
                )
            for w, proc in enumerate(self._procs):
                assert proc.stdin is not None
                with proc.stdin:
                    proc.stdin.write(json.dumps(chunks[w::n]).encode())
        except BaseException:
            self.close()
            raise

    def __iter__(self) -> Iterator[IndexRow]:
        n = len(self._procs)
        for i in range(self.chunks):
            proc = self._procs[i % n]
            assert proc.stdout is not None
            line = proc.stdout.readline()
            try:
                values = json.loads(line)
                rows = [row_from_json(v) for v in values]
            except (ValueError, TypeError):  # cut short (it died) or not rows
                code = proc.poll()
                raise OSError(f"a library worker stopped (exit code {code})") from None
            yield from rows

    def close(self) -> None:
        for proc in self._procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()

    def __enter__(self) -> RowReaders:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def main() -> None:
    """A worker: chunks of files as JSON on stdin; each chunk's rows, a JSON line each.

    It runs at a lower priority: the app's window, on the same cores, goes first."""
    if hasattr(os, "nice"):
        try:
            os.nice(NICE)
        except OSError:
            pass
    chunks = json.load(sys.stdin.buffer)  # first: the caller is waiting to write the rest

    from hiptimer.library import read_rows

    out = sys.stdout.buffer
    try:
        for chunk in chunks:
            files = [(str(p), (int(size), int(mtime)), bool(b)) for p, (size, mtime), b in chunk]
            rows = read_rows(files)
            values = [row_to_json(r) for r in rows]
            out.write(json.dumps(values, separators=(",", ":")).encode() + b"\n")
            out.flush()
    except BrokenPipeError:  # the scan ended (superseded, or the app quit)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
