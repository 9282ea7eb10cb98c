"""``hiptimer install-desktop [--uninstall]``: HipTimer in the desktop's app menu.

Installs, for the current user (XDG base directories, hicolor icon theme):

- ``$XDG_DATA_HOME/applications/APP_ID.desktop`` (its ``Exec`` points at the
  ``hiptimer`` that runs this, so the menu entry works even where ~/.local/bin
  is not on the desktop session's PATH),
- ``$XDG_DATA_HOME/icons/hicolor/{scalable,NxN}/apps/APP_ID.{svg,png}``,
- ``$XDG_DATA_HOME/metainfo/APP_ID.metainfo.xml`` (AppStream, for software centres),

then refreshes the desktop and icon caches where their tools exist. The files
ship in the wheel as ``hiptimer.assets`` (assets/desktop, assets/icons).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from hiptimer.environment import EXIT_CANNOT_WRITE, EXIT_OK, describe_os_error, display_path
from hiptimer.resources import APP_ID, assets_dir

ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


def data_home() -> Path:
    env = os.environ.get("XDG_DATA_HOME", "")
    # The spec: a relative XDG_DATA_HOME is invalid and is ignored.
    return Path(env) if os.path.isabs(env) else Path.home() / ".local" / "share"


def icon_svg() -> Path:
    return assets_dir() / "icons" / f"{APP_ID}.svg"


def icon_png(size: int) -> Path:
    return assets_dir() / "icons" / f"{size}x{size}" / f"{APP_ID}.png"


def desktop_source() -> Path:
    return assets_dir() / "desktop" / f"{APP_ID}.desktop"


def metainfo_source() -> Path:
    return assets_dir() / "desktop" / f"{APP_ID}.metainfo.xml"


def targets(home: Path | None = None) -> dict[Path, Path]:
    """Installed file -> the shipped file it is made from."""
    base = data_home() if home is None else home
    hicolor = base / "icons" / "hicolor"
    out = {
        base / "applications" / f"{APP_ID}.desktop": desktop_source(),
        base / "metainfo" / f"{APP_ID}.metainfo.xml": metainfo_source(),
        hicolor / "scalable" / "apps" / f"{APP_ID}.svg": icon_svg(),
    }
    for size in ICON_SIZES:
        out[hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png"] = icon_png(size)
    return out


def exec_quote(arg: str) -> str:
    """One argument of a desktop entry's Exec key (the spec's double-quote rules)."""
    arg = arg.replace("%", "%%")
    if not any(c in arg for c in " \t\n\"'\\><~|&;$*?#()`"):
        return arg
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    return f'"{escaped}"'


def exec_command() -> str:
    """How the menu entry starts HipTimer: this installation's own script, by full path."""
    script = Path(sys.executable).parent / "hiptimer"
    if script.is_file() and os.access(script, os.X_OK):
        return exec_quote(str(script))
    found = shutil.which("hiptimer")
    if found:
        return exec_quote(str(Path(found).resolve()))
    return f"{exec_quote(sys.executable)} -m hiptimer"


def desktop_entry_text(source: Path, command: str) -> str:
    """The shipped .desktop file with ``Exec`` (and ``TryExec``) set to ``command``."""
    lines = []
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec="):
            rest = line.partition("=")[2].split(" ", 1)
            args = f" {rest[1]}" if len(rest) > 1 else ""
            line = f"Exec={command}{args}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def _refresh_caches(base: Path) -> None:
    """What desktops read instead of the folders; each tool is optional and bounded."""
    commands = [
        ["update-desktop-database", "-q", str(base / "applications")],
        ["gtk-update-icon-cache", "-q", "-t", "-f", str(base / "icons" / "hicolor")],
    ]
    for cmd in commands:
        if shutil.which(cmd[0]) is None or not Path(cmd[-1]).is_dir():
            continue
        try:
            subprocess.run(cmd, timeout=20, check=False, capture_output=True)
        except (OSError, subprocess.TimeoutExpired):
            pass  # a stale cache only delays the icon; the files are in place


def install(home: Path | None = None) -> list[Path]:
    base = data_home() if home is None else home
    written = []
    for dest, src in targets(base).items():
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.suffix == ".desktop":
            tmp = dest.with_name(dest.name + ".tmp")
            tmp.write_text(desktop_entry_text(src, exec_command()), encoding="utf-8")
            tmp.replace(dest)
        else:
            shutil.copyfile(src, dest)
        written.append(dest)
    _refresh_caches(base)
    return written


def uninstall(home: Path | None = None) -> list[Path]:
    base = data_home() if home is None else home
    removed = []
    for dest in targets(base):
        if dest.exists() or dest.is_symlink():
            dest.unlink()
            removed.append(dest)
    _refresh_caches(base)
    return removed


def cmd_install_desktop(remove: bool) -> int:
    base = data_home()
    try:
        done = uninstall(base) if remove else install(base)
    except OSError as e:
        where = display_path(Path(e.filename)) if e.filename else display_path(base)
        what = "remove" if remove else "install"
        print(
            f"hiptimer install-desktop: {describe_os_error(e, f'{what} {where}')}; "
            "HipTimer itself still runs from the command line",
            file=sys.stderr,
        )
        return EXIT_CANNOT_WRITE
    if remove:
        print(f"removed {len(done)} files from {display_path(base)}")
    else:
        print(
            f"installed the menu entry, icon and AppStream data ({len(done)} files) "
            f"under {display_path(base)}; HipTimer is in your desktop's app menu"
        )
    return EXIT_OK
