"""Opening files a user (or a routine they were sent) points at, safely. Pure, no Qt.

Everything HipTimer reads on a user's say-so (routines, their pictures and
sounds) goes through here, so that:

* only regular files are read: a FIFO, a device (``/dev/zero``), a folder,
  a socket or a symbolic link loop is refused with a sentence, never waited
  on (the file is opened non-blocking, then checked with ``fstat``) and never
  read forever;
* the size reported is the file's real size (``fstat``), and no more than
  the cap is ever read;
* :func:`open_confined` keeps a path inside a root folder *at the moment it
  is opened*: the path is walked one component at a time from the root's
  descriptor, without following symbolic links blindly (each link is read and
  its target walked in turn, and a target that climbs out of the root is
  refused). A file checked when the routine was loaded and later replaced by
  a link to somewhere else is therefore never opened.

Every refusal is a :class:`SafeFileError`, an ``OSError`` whose ``strerror``
is a short reason a user can read ("it is a named pipe (FIFO), not a file"),
so callers that already catch ``OSError`` keep working.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

#: Symbolic links followed while walking one confined path (Linux's own limit).
MAX_SYMLINKS = 40

_O_BINARY = getattr(os, "O_BINARY", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_OPEN_FLAGS = (
    os.O_RDONLY
    | _O_BINARY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once instead of waiting for a writer
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_WALK = bool(_O_NOFOLLOW and _O_DIRECTORY) and os.open in os.supports_dir_fd


class SafeFileError(OSError):
    """A file that was not opened; ``strerror`` says why in a few plain words."""

    def __init__(self, code: int, reason: str, path: Path | str) -> None:
        super().__init__(code, reason, str(path))
        self.reason = reason
        self.path = Path(path)

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def reason_for(e: BaseException) -> str:
    """A short reason for an OS or path error (no errno numbers, no class names)."""
    if isinstance(e, SafeFileError):
        return e.reason
    if isinstance(e, ValueError):  # "embedded null byte"
        return "the path contains a NUL character"
    if isinstance(e, RuntimeError):  # pathlib's "Symlink loop from ..." (Python < 3.13)
        return "it is a symbolic link loop"
    if isinstance(e, OSError):
        code = e.errno
        if code == errno.ELOOP:
            return "it is a symbolic link loop"
        if code == errno.ENAMETOOLONG:
            return "the path or a part of it is too long (at most 255 bytes a part)"
        if code == errno.ENOENT:
            return "no such file"
        if code in (errno.EACCES, errno.EPERM):
            return "permission denied"
        if code == errno.EISDIR:
            return "it is a folder, not a file"
        if code == errno.ENOTDIR:
            return "a part of the path is not a folder"
        if code == errno.EIO:
            return "input/output error (a failing disk?)"
        return e.strerror or str(e)
    return str(e) or type(e).__name__


def _refuse(e: BaseException, path: Path | str) -> SafeFileError:
    if isinstance(e, SafeFileError):
        return e
    code = e.errno if isinstance(e, OSError) and e.errno else errno.EINVAL
    if isinstance(e, RuntimeError):
        code = errno.ELOOP
    return SafeFileError(code, reason_for(e), path)


def _regular(fd: int, path: Path | str) -> os.stat_result:
    """``fstat`` of an open descriptor that must be a regular file; blocking again."""
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        code = errno.EISDIR if stat.S_ISDIR(st.st_mode) else errno.EINVAL
        raise SafeFileError(code, f"it is {kind_of(st.st_mode)}, not a file", path)
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    return st


def open_regular(path: Path | str) -> BinaryIO:
    """Open ``path`` for reading if it is a regular file (links followed), else refuse.

    Never blocks on a FIFO. Raises :class:`SafeFileError`.
    """
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except (OSError, ValueError) as e:
        raise _refuse(e, path) from None
    try:
        _regular(fd, path)
    except BaseException as e:
        os.close(fd)
        if isinstance(e, OSError | ValueError):
            raise _refuse(e, path) from None
        raise
    return os.fdopen(fd, "rb")


def read_capped(f: BinaryIO, path: Path | str, max_bytes: int, what: str = "file") -> bytes:
    """All of an open regular file, refusing one over ``max_bytes`` with its real size."""
    size = os.fstat(f.fileno()).st_size
    if size > max_bytes:
        raise SafeFileError(errno.EFBIG, too_big(size, max_bytes, what), path)
    data = f.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew while being read, or fstat lied (procfs)
        f.seek(0, os.SEEK_END)
        raise SafeFileError(errno.EFBIG, too_big(max(f.tell(), len(data)), max_bytes, what), path)
    return data


def too_big(size: int, max_bytes: int, what: str = "file") -> str:
    limit = f"{max_bytes // (1024 * 1024)} MiB" if max_bytes % (1024 * 1024) == 0 else ""
    limit = f"{limit} ({max_bytes:,} bytes)" if limit else f"{max_bytes:,} bytes"
    return f"the {what} is {size:,} bytes; at most {limit}"


def read_regular(path: Path | str, max_bytes: int, what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``max_bytes``. Raises :class:`SafeFileError`."""
    with open_regular(path) as f:
        return read_capped(f, path, max_bytes, what)


# --------------------------------------------------------------------------- confinement


def _parts(p: str) -> list[str]:
    return [c for c in p.replace(os.sep, "/").split("/") if c not in ("", ".")]


def _inside(path: str, root: str) -> str | None:
    """``path`` (absolute) relative to ``root``, or None when it is not under it."""
    try:
        rel = os.path.relpath(path, root)
    except ValueError:  # another drive (Windows)
        return None
    if rel == ".":
        return ""
    if rel == ".." or rel.startswith(".." + os.sep) or os.path.isabs(rel):
        return None
    return rel


def confined_relative(path: Path | str, root: Path | str) -> str:
    """``path`` as a path relative to ``root`` (a relative path is taken as relative to
    ``root``). Raises :class:`SafeFileError` when it is written outside the root."""
    text = os.fspath(path)
    if "\0" in text:
        raise SafeFileError(errno.EINVAL, "the path contains a NUL character", path)
    if not os.path.isabs(text):
        return text
    root_text = os.path.abspath(root)
    for base in (root_text, os.path.realpath(root_text)):
        rel = _inside(os.path.normpath(text), base)
        if rel is not None:
            return rel
    raise SafeFileError(errno.EACCES, f"it is outside {root}", path)


def open_confined(path: Path | str, root: Path | str) -> BinaryIO:
    """Open the regular file ``path`` for reading only if it is inside ``root`` when opened.

    ``path`` is relative to ``root`` or absolute (then it must lie under it).
    Symbolic links are followed only while they stay inside ``root``; a loop,
    a link out of it, ``..`` above it, a FIFO, a device or a folder is refused
    with a :class:`SafeFileError`. The check and the open are one walk over
    directory descriptors, so nothing can be swapped in between.
    """
    rel = confined_relative(path, root)
    if not _WALK:  # pragma: no cover - platforms without openat (Windows)
        return _open_confined_by_name(path, rel, root)
    root_real = os.path.realpath(root)
    try:
        root_fd = os.open(root_real, os.O_RDONLY | _O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError) as e:
        raise _refuse(e, root) from None
    stack = [root_fd]
    todo = _parts(rel)
    hops = 0
    try:
        while todo:
            name = todo.pop(0)
            if name == "..":
                if len(stack) == 1:
                    raise SafeFileError(errno.EACCES, f"it leads outside {root}", path)
                os.close(stack.pop())
                continue
            last = not todo
            flags = _OPEN_FLAGS | _O_NOFOLLOW | (0 if last else _O_DIRECTORY)
            try:
                fd = os.open(name, flags, dir_fd=stack[-1])
            except OSError as e:
                if e.errno not in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                    raise
                try:
                    st = os.stat(name, dir_fd=stack[-1], follow_symlinks=False)
                except OSError:
                    raise e from None
                if not stat.S_ISLNK(st.st_mode):
                    raise
                hops += 1
                if hops > MAX_SYMLINKS:
                    raise SafeFileError(errno.ELOOP, "it is a symbolic link loop", path) from None
                target = os.readlink(name, dir_fd=stack[-1])
                if os.path.isabs(target):
                    inner = _inside(os.path.normpath(target), root_real)
                    if inner is None:
                        raise SafeFileError(
                            errno.EACCES, f"it is a link to a file outside {root}", path
                        ) from None
                    while len(stack) > 1:
                        os.close(stack.pop())
                    todo = _parts(inner) + todo
                else:
                    todo = _parts(target) + todo
                continue
            if last:
                try:
                    _regular(fd, path)
                except BaseException:
                    os.close(fd)
                    raise
                return os.fdopen(fd, "rb")
            stack.append(fd)
        # nothing left to open: the path named the root folder itself
        raise SafeFileError(errno.EISDIR, "it is a folder, not a file", path)
    except (OSError, ValueError) as e:
        raise _refuse(e, path) from None
    finally:
        for fd in stack:
            os.close(fd)


def _open_confined_by_name(
    path: Path | str, rel: str, root: Path | str
) -> BinaryIO:  # pragma: no cover - Windows
    """Without ``openat``: open, then check that what was opened is what lies inside."""
    root_real = os.path.realpath(root)
    full = os.path.realpath(os.path.join(root_real, rel))
    if _inside(full, root_real) is None:
        raise SafeFileError(errno.EACCES, f"it leads outside {root}", path)
    f = open_regular(full)
    try:
        a, b = os.fstat(f.fileno()), os.stat(full)
        if (a.st_dev, a.st_ino) != (b.st_dev, b.st_ino):
            raise SafeFileError(errno.EACCES, "it changed while being opened", path)
    except BaseException:
        f.close()
        raise
    return f


def is_confined(path: Path | str, roots: list[Path]) -> bool:
    """Does ``path`` (links resolved; never raises) lie inside one of ``roots``?"""
    try:
        real = os.path.realpath(path)
    except (OSError, ValueError):
        return False
    for r in roots:
        try:
            base = os.path.realpath(r)
        except (OSError, ValueError):
            continue
        if _inside(real, base) is not None:
            return True
    return False
