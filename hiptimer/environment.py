"""What the machine around HipTimer lets it do, said in sentences.

A bad environment (no display, a folder that cannot be written, a full disk, a
non-UTF-8 locale) gets one sentence on stderr and a documented exit status,
never a traceback or a core dump. The exit statuses are listed in
docs/exit-codes.md; :data:`EXIT_CODES` is that list, and the tests keep the two
in step.
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

EXIT_OK = 0
EXIT_FAILED = 1  # the command's own check failed (validate found errors, a log unreadable)
EXIT_USAGE = 2  # a bad command line, or a routine that cannot start with --start
EXIT_NO_DISPLAY = 3  # the app needs a display and none can be reached
EXIT_CANNOT_WRITE = 4  # a file or folder could not be written or read, or the disk is full

EXIT_CODES: dict[int, str] = {
    EXIT_OK: "success",
    EXIT_FAILED: "the command ran and found a problem (validate: an invalid routine; "
    "history: a session log that cannot be read)",
    EXIT_USAGE: "a bad command line, or a routine given with --start --quit-on-finish "
    "that cannot start",
    EXIT_NO_DISPLAY: "the app window needs a display and none can be reached",
    EXIT_CANNOT_WRITE: "a file or folder HipTimer needs could not be written or read "
    "(no permission, read-only, not a folder, or the disk is full)",
}

HEADLESS_HINT = (
    "run it from a desktop session, or headless with QT_QPA_PLATFORM=offscreen "
    "(e.g. `QT_QPA_PLATFORM=offscreen hiptimer ROUTINE --start --quit-on-finish`); "
    "validate, list, plan, schema, history and doctor need no display"
)


def display_problem(env: Mapping[str, str] | None = None) -> str | None:
    """Why Qt would find no display here (it aborts with a core dump then), or None.

    Only Linux and the BSDs need a display server; QT_QPA_PLATFORM set by the
    user (offscreen, vnc, ...) is trusted as it is.
    """
    env = os.environ if env is None else env
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None
    if env.get("QT_QPA_PLATFORM") or env.get("WAYLAND_DISPLAY"):
        return None
    display = env.get("DISPLAY", "")
    if not display:
        return "no display: neither DISPLAY nor WAYLAND_DISPLAY is set"
    if not _x_display_answers(display):
        return f"no display: the X display {display} cannot be reached"
    return None


def _x_display_answers(display: str) -> bool:
    """Whether a local X display (``:N`` or ``:N.S``) has a server listening.

    Displays on another host (``host:N``, ssh forwarding) are not checked: Qt
    tries them itself. The abstract socket is what Xorg and Xvfb listen on
    first; the socket file in /tmp/.X11-unix is the fallback.
    """
    host, _, rest = display.rpartition(":")
    if host not in ("", "unix") or not rest:
        return True
    number = rest.split(".", 1)[0]
    if not number.isdigit():
        return True
    if _listed_as_listening({f"@/tmp/.X11-unix/X{number}", f"/tmp/.X11-unix/X{number}"}):
        return True
    # Not in this network namespace's list (a container given the host's socket
    # file, or no /proc): try it. A connection that goes without a word holds the
    # X server up for a while (Xvfb: 20 ms), which the app's own connection waits
    # out, hence the list first.
    import socket

    for address in (f"\0/tmp/.X11-unix/X{number}", f"/tmp/.X11-unix/X{number}"):
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(1.0)
                s.connect(address)
                return True
        except OSError:
            continue
    return False


#: /proc/net/unix: the kernel's list of Unix sockets; a listening one has this flag.
PROC_NET_UNIX = "/proc/net/unix"
_SO_ACCEPTCON = 0x10000


def _listed_as_listening(paths: set[str]) -> bool:
    """Whether the kernel lists a listening Unix socket at one of ``paths`` (an
    abstract address written ``@name``); False when the list cannot be read."""
    wanted = {p.encode() for p in paths}
    try:
        with open(PROC_NET_UNIX, "rb") as f:
            lines = f.read().splitlines()[1:]
    except OSError:
        return False
    for line in lines:
        # Num RefCount Protocol Flags Type St Inode Path
        fields = line.split(None, 7)
        if len(fields) == 8 and fields[7] in wanted:
            try:
                if int(fields[3], 16) & _SO_ACCEPTCON:
                    return True
            except ValueError:
                continue
    return False


def describe_os_error(e: OSError, doing: str) -> str:
    """``doing``: what was tried ("create the data folder ~/.local/share/HipTimer")."""
    reasons = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.ENOTDIR: "a part of the path is a file, not a folder",
        errno.ENOENT: "it does not exist",
        errno.EISDIR: "it is a folder",
    }
    reason = reasons.get(e.errno or 0) or e.strerror or str(e)
    return f"cannot {doing}: {reason}"


def check_writable(folder: Path, create: bool = True) -> str | None:
    """None when files can be made in ``folder``; else why not, as a sentence part.

    An existing folder (or one ``create`` makes) gets a real write of a small
    file, so a full disk or a read-only mount shows here, not in the middle of
    a session. With ``create=False`` a missing folder is judged by the nearest
    folder above it that exists (could it be made there?).
    """
    if not create and not folder.exists():
        parent = folder
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        if not parent.is_dir():
            return f"cannot create {display_path(folder)}: {display_path(parent)} is not a folder"
        if not os.access(parent, os.W_OK | os.X_OK):
            return f"cannot create {display_path(folder)}: {display_path(parent)} is read-only"
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".hiptimer-write-test-") as f:
            f.write(b"x" * 4096)
            f.flush()
            os.fsync(f.fileno())
    except OSError as e:
        return describe_os_error(e, f"write in {display_path(folder)}")
    return None


def display_path(path: Path) -> str:
    """A path as text that can always be printed (undecodable bytes escaped)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def make_stdio_safe() -> None:
    """Never let an unencodable character (a non-UTF-8 locale, a routine name in
    another script, a file name that is not UTF-8) end a command with a
    traceback: write it escaped instead."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", "") == "strict":
            reconfigure(errors="backslashreplace")
