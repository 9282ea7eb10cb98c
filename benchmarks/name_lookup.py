#!/usr/bin/env python3
"""Naming a routine in a large library: ``hiptimer plan NAME`` (and the app's ROUTINE
argument, which resolves the name the same way before the window opens).

What it measures: the installed app (pip's ``hiptimer`` script beside this Python,
else ``python -m hiptimer``) as a fresh process, wall time from launch to exit, for
``hiptimer plan "Routine NNNNN" --json`` with ``--routines`` (default 10,000) routine
files in the user's routine folder of a private HOME, naming the last routine (no
file stem matches, so every file's routine name is looked at). Three configurations
in turns, each ``--runs`` times:

* **with index**: the library's index as the app leaves it after a scan of the same
  folders (here written by the scan's own code, ``library.read_rows`` and
  ``libindex.save``, as the app's scanner does); the files unchanged since;
* **no index**: the same with the index removed: every file is read, as before the
  index was used for names (the reference, measured in the same run);
* **--version**: the process start-up alone.

Prints median, min and max of each, and the ratios. Leaves out: the app's window
(``plan`` prints and exits), a cold disk cache (every launch reads files the last one
read), and a library whose files changed since the scan (those are read one by one,
as with no index).

    python benchmarks/name_lookup.py [--routines 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from startup import launcher, make_routines, stats  # noqa: E402


def fill_index(env: dict[str, str]) -> Path:
    """Write the library's index for the default folders of ``env``'s HOME, as the
    app's scan does; returns its path."""
    code = (
        "from hiptimer import libindex, library\n"
        "roots = library.library_paths()\n"
        "from hiptimer.resources import routines_dir\n"
        "bundled = str(routines_dir())\n"
        "files = [(str(f), libindex.file_key(f), str(f.parent) == bundled)"
        " for f in library.expand(roots)]\n"
        "rows = library.read_rows(files)\n"
        "assert libindex.save(libindex.default_path(), roots, rows)\n"
        "print(libindex.default_path())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    )
    return Path(out.stdout.strip())


def timed(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--routines", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="hiptimer-names-"))
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
        env["HOME"] = str(home)
        folder = home / ".local" / "share" / "HipTimer" / "routines"
        make_routines(folder, args.routines)
        index = fill_index(env)
        saved = index.read_bytes()
        name = f"Routine {args.routines - 1:05d}"
        plan = [*launcher(), "plan", name, "--json"]
        version = [*launcher(), "--version"]
        times: dict[str, list[float]] = {"with index": [], "no index": [], "--version": []}
        timed(plan, env)  # warm the disk cache and the bytecode
        for _ in range(args.runs):
            index.write_bytes(saved)
            times["with index"].append(timed(plan, env))
            index.unlink()
            times["no index"].append(timed(plan, env))
            times["--version"].append(timed(version, env))
        print(f"{args.routines} routines, naming {name!r}, {args.runs} run(s) each, in turns")
        ref = statistics.median(times["no index"])
        base = statistics.median(times["--version"])
        for label, values in times.items():
            med = statistics.median(values)
            ratios = f"({med / ref:.2f}x no index, {med / base:.1f}x --version)"
            print(f"{label:11s} {stats(values)}  {ratios}")
        return 0
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
