"""The desktop entry, icon and AppStream data: valid, shipped, installed and removed."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from hiptimer import desktop
from hiptimer.desktop import APP_ID, ICON_SIZES, exec_quote, install, targets, uninstall

ROOT = Path(__file__).resolve().parents[2]


def _validator(name: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        pytest.skip(f"{name} is not installed (tools/install-system-packages.sh --test adds it)")
    return exe


def test_the_shipped_desktop_entry_is_valid() -> None:
    r = subprocess.run(
        [_validator("desktop-file-validate"), str(desktop.desktop_source())],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0 and not r.stdout.strip(), r.stdout + r.stderr


def test_the_shipped_metainfo_is_valid() -> None:
    r = subprocess.run(
        [_validator("appstreamcli"), "validate", "--no-net", str(desktop.metainfo_source())],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    text = desktop.metainfo_source().read_text(encoding="utf-8")
    for part in ("<screenshot", "<description>", "<release ", f"<id>{APP_ID}</id>"):
        assert part in text


def test_the_screenshots_it_names_are_in_the_repository() -> None:
    text = desktop.metainfo_source().read_text(encoding="utf-8")
    names = [
        line.split("docs/screenshots/")[1].split("<")[0]
        for line in text.splitlines()
        if "docs/screenshots/" in line
    ]
    assert names
    for name in names:
        assert (ROOT / "docs" / "screenshots" / name).is_file(), name


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    w, h = struct.unpack(">II", head[16:24])
    return w, h


def test_icons_exist_in_every_size() -> None:
    assert desktop.icon_svg().read_text(encoding="utf-8").lstrip().startswith("<?xml")
    for size in ICON_SIZES:
        assert _png_size(desktop.icon_png(size)) == (size, size)


def test_the_files_ship_in_the_wheel() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = data["tool"]["setuptools"]["package-data"]["hiptimer.assets"]
    assets = ROOT / "assets"
    needed = [desktop.desktop_source(), desktop.metainfo_source(), desktop.icon_svg()]
    needed += [desktop.icon_png(s) for s in ICON_SIZES]
    for f in needed:
        rel = f.relative_to(desktop.assets_dir())
        assert (assets / rel).is_file()
        assert any(rel.match(p.replace("**/", "")) for p in patterns), (rel, patterns)


def test_install_and_uninstall(tmp_path: Path) -> None:
    home = tmp_path / "share"
    written = install(home)
    assert sorted(written) == sorted(targets(home))
    assert len(written) == 3 + len(ICON_SIZES)
    entry = home / "applications" / f"{APP_ID}.desktop"
    exec_line = next(ln for ln in entry.read_text().splitlines() if ln.startswith("Exec="))
    assert exec_line.endswith(" %f") and "hiptimer" in exec_line
    assert (home / "icons/hicolor/scalable/apps" / f"{APP_ID}.svg").is_file()
    assert (home / "icons/hicolor/48x48/apps" / f"{APP_ID}.png").is_file()
    assert (home / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    if shutil.which("desktop-file-validate"):
        r = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
        assert r.returncode == 0 and not r.stdout.strip(), r.stdout
    assert sorted(uninstall(home)) == sorted(written)
    assert not any(p.exists() for p in written)
    assert uninstall(home) == []  # twice is fine


def test_the_command_uses_xdg_data_home(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "xdg"), "PYTHONPATH": str(ROOT)}
    env = {**os.environ, **env}
    r = subprocess.run(
        [sys.executable, "-m", "hiptimer", "install-desktop"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "xdg" / "applications" / f"{APP_ID}.desktop").is_file()
    r = subprocess.run(
        [sys.executable, "-m", "hiptimer", "install-desktop", "--uninstall"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert r.returncode == 0 and "removed" in r.stdout
    assert not (tmp_path / "xdg" / "applications" / f"{APP_ID}.desktop").exists()


@pytest.mark.parametrize(
    ("arg", "quoted"),
    [
        ("/usr/bin/hiptimer", "/usr/bin/hiptimer"),
        ("/home/a b/hiptimer", '"/home/a b/hiptimer"'),
        ('/x/"q"$`\\', '"/x/\\"q\\"\\$\\`\\\\"'),
        ("/x/100%", "/x/100%%"),
    ],
)
def test_exec_quoting_follows_the_desktop_entry_spec(arg: str, quoted: str) -> None:
    assert exec_quote(arg) == quoted


def test_ci_runs_the_readmes_commands() -> None:
    """.ci/run takes both commands from the README; they must be there, and be scripts."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for heading, command in (
        ("## Install and run", "tools/install.sh"),
        ("## Run the tests", "tools/test.sh"),
    ):
        assert f'readme_command "{heading}"' in ci
        block = readme.split(heading, 1)[1].split("```sh\n", 1)[1]
        assert block.splitlines()[0] == command
        assert (ROOT / command).stat().st_mode & 0o111
        r = subprocess.run(["bash", "-n", str(ROOT / command)], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr


def test_system_packages_bring_a_speech_engine_and_no_sound_server() -> None:
    script = ROOT / "tools" / "install-system-packages.sh"
    run = subprocess.run([str(script), "--print"], capture_output=True, text=True, check=True)
    runtime = set(run.stdout.split())
    assert {"speech-dispatcher", "espeak-ng", "speech-dispatcher-espeak-ng"} <= runtime
    assert "python3-venv" in runtime
    assert "pulseaudio" not in runtime  # it would replace PipeWire on a desktop
    test = set(
        subprocess.run(
            [str(script), "--test", "--print"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert {"desktop-file-utils", "appstream", "pulseaudio-utils", "xvfb"} <= test
    # a PulseAudio server to record from, except where PipeWire's PulseAudio service is
    # installed (a desktop's: installing pulseaudio would remove it)
    dpkg = shutil.which("dpkg-query")
    status = (
        subprocess.run(
            [dpkg, "-W", "-f=${db:Status-Abbrev}", "pipewire-pulse"],
            capture_output=True,
            text=True,
        ).stdout
        if dpkg
        else ""
    )
    assert ("pulseaudio" in test) is not status.startswith("ii")
