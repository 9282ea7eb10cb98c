"""``hiptimer doctor [--json]``: what HipTimer finds on this machine, for a bug report.

The pure part (versions, locale, display, folders) is found here; the Qt part
(Qt version, platform plugin, screens, audio output, voice engine) comes from
``python -m hiptimer.qt.probe`` in a child process with a time limit, run on
the offscreen platform when there is no display. Nothing here can hang or
print a traceback: each probe that fails says so in its field.
"""

from __future__ import annotations

import json
import locale
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

from hiptimer import __version__
from hiptimer.environment import EXIT_OK, check_writable, display_path, display_problem

QT_PROBE_TIMEOUT_S = 30.0
ENV_KEYS = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_SESSION_TYPE")
LOCALE_KEYS = ("LC_ALL", "LC_CTYPE", "LANG")


def _folder(path: Path, create: bool) -> dict[str, Any]:
    problem = check_writable(path, create=create)
    return {
        "path": display_path(path),
        "exists": path.is_dir(),
        "writable": problem is None,
        "problem": problem,
    }


def _qt(headless: bool) -> dict[str, Any]:
    env = dict(os.environ)
    if headless:
        env["QT_QPA_PLATFORM"] = "offscreen"
    try:
        r = subprocess.run(
            [sys.executable, "-m", "hiptimer.qt.probe"],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=QT_PROBE_TIMEOUT_S,
            env=env,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return {"qt_problem": f"the Qt checks did not finish within {QT_PROBE_TIMEOUT_S:g} s"}
    except OSError as e:
        return {"qt_problem": f"the Qt checks could not run ({e})"}
    lines = r.stdout.strip().splitlines()
    try:
        data = json.loads(lines[-1]) if lines and r.returncode == 0 else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        tail = (r.stderr.strip().splitlines() or ["no output"])[-1]
        return {"qt_problem": f"the Qt checks failed (exit {r.returncode}): {tail}"}
    return data


def collect() -> dict[str, Any]:
    from hiptimer import paths

    problem = display_problem()
    report: dict[str, Any] = {
        "hiptimer_version": __version__,
        "python": f"{platform.python_version()} ({sys.executable})",
        "system": platform.platform(),
        "locale": {k: os.environ.get(k) for k in LOCALE_KEYS}
        | {
            "encoding": locale.getpreferredencoding(False),
            "filesystem_encoding": sys.getfilesystemencoding(),
        },
        "display": {k: os.environ.get(k) for k in ENV_KEYS} | {"problem": problem},
    }
    qt = _qt(headless=problem is not None)
    if problem is not None and "qt_problem" not in qt:
        qt["platform_plugin_note"] = "no display: the Qt checks ran on the offscreen platform"
    report.update(qt)
    settings_file = qt.get("settings_file")
    settings_dir = Path(settings_file).parent if isinstance(settings_file, str) else None
    report["folders"] = {
        "data": _folder(paths.data_dir(create=False), create=False),
        "settings": None if settings_dir is None else _folder(settings_dir, create=False),
        "routines": _folder(paths.user_routines_dir(create=False), create=False),
    }
    report.setdefault("voice_engine", None)
    if "voice_engine_reason" not in report:
        report["voice_engine_reason"] = qt.get("qt_problem")
    return report


def _text(r: dict[str, Any]) -> str:
    rows: list[tuple[str, str]] = [
        ("hiptimer", str(r["hiptimer_version"])),
        ("python", str(r["python"])),
        ("system", str(r["system"])),
    ]
    loc = r["locale"]
    set_vars = [f"{k}={loc[k]}" for k in LOCALE_KEYS if loc.get(k)] or ["(none set)"]
    rows.append(
        (
            "locale",
            f"{' '.join(set_vars)}; encoding {loc['encoding']}, "
            f"file names {loc['filesystem_encoding']}",
        )
    )
    disp = r["display"]
    shown = [f"{k}={disp[k]}" for k in ENV_KEYS if disp.get(k)] or ["(none set)"]
    rows.append(("display", " ".join(shown) + (f"; {disp['problem']}" if disp["problem"] else "")))
    if "qt_problem" in r:
        rows.append(("qt", str(r["qt_problem"])))
    else:
        plugin = str(r["platform_plugin"])
        if r.get("platform_plugin_note"):
            plugin += f" ({r['platform_plugin_note']})"
        rows.append(("qt", f"{r['qt_version']} (PySide6 {r['pyside_version']})"))
        rows.append(("platform plugin", plugin))
        screens = r["screens"] or []
        for i, s in enumerate(screens):
            label = f"screen {i}"
            primary = ", primary" if s["primary"] else ""
            rows.append(
                (
                    label,
                    f"{s['name'] or '(unnamed)'} {s['size']} @{s['device_pixel_ratio']:g}x"
                    f"{primary}",
                )
            )
        if not screens:
            rows.append(("screens", "none"))
        rows.append(
            (
                "audio backend",
                f"{r['audio_backend']} (setting: {r['audio_backend_setting']}; "
                f"Qt Multimedia on {r['qt_media_backend']})",
            )
        )
        device = r["audio_output_device"]
        rows.append(
            (
                "audio output",
                device
                if device
                else "none found (cues fall back to playsound3 or silence; "
                "is a PulseAudio or PipeWire server running?)",
            )
        )
    voice = r["voice_engine"]
    rows.append(("voice_engine", voice if voice else f"none: {r['voice_engine_reason']}"))
    for name, f in r["folders"].items():
        if f is None:
            rows.append((f"{name} folder", "unknown (the Qt checks did not run)"))
            continue
        state = "writable" if f["writable"] else f"NOT writable: {f['problem']}"
        if f["writable"] and not f["exists"]:
            state += " (created on first use)"
        rows.append((f"{name} folder", f"{f['path']}  {state}"))
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)


def cmd_doctor(as_json: bool) -> int:
    report = collect()
    if as_json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(_text(report))
    return EXIT_OK
