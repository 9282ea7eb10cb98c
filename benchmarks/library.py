"""Measure the routine library: run by hand, ``python benchmarks/library.py``.

- listing a folder of 1,000 generated routines (goal: under 1 s);
- loading the bundled library (goal: under 100 ms);
- ``hiptimer validate`` on each hostile file in a fresh process
  (goal: under 1 s and under 200 MB of memory each).

Prints the figures; exits 1 if a goal is missed.
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hiptimer import cli_routines, library  # noqa: E402
from hiptimer.resources import routines_dir  # noqa: E402
from tests.unit.test_hostile import _CHILD, hostile_files  # noqa: E402

# The hostile files the issue names (goal: < 1 s and < 200 MB each); the others are
# extra figures (a 1 MiB file full of errors, a valid 1 MiB routine).
GOAL_FILES = {
    "sets-46k",
    "sets-1mib",
    "plans-to-1s",
    "alias-bomb",
    "two-mib",
    "nesting-flow",
    "nesting-block",
    "nesting-dash",
    "random-bytes",
}
DOSES = ["hold: 30s", "hold: 8-10 breaths", "reps: 8\n    tempo: 3s", "reps: 5-7", "time: 2 min"]


def routine_text(i: int, rng: random.Random) -> str:
    lines = [
        "# yaml-language-server: $schema=../hiptimer/routine.schema.json",
        f"name: Generated routine {i}",
        "description: A routine written by the benchmark, about as long as a real one.",
        "tags: [generated, hips]",
        "defaults:\n  prep: 5\n  rest: 10s\n  set_rest: 30s",
        "exercises:",
    ]
    for j in range(rng.randrange(4, 9)):
        lines.append(f"  - name: Exercise {j}")
        lines.append("    how: Stand tall, brace lightly, move slowly and breathe out on effort.")
        lines.append(f"    {rng.choice(DOSES)}")
        if rng.random() < 0.5:
            lines.append(f"    sides: {rng.choice(['each', 'alternate'])}")
        if rng.random() < 0.3:
            lines.append("    sets: 3")
    return "\n".join(lines) + "\n"


def best_of(n: int, fn: object) -> tuple[float, float]:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times)


def main() -> int:
    ok = True
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "lib"
        folder.mkdir()
        for i in range(1000):
            (folder / f"r{i:04d}.yaml").write_text(routine_text(i, rng))
        entries = library.scan([folder])
        assert len(entries) == 1000 and all(e.ok for e in entries), entries[0].errors
        best, median = best_of(5, lambda: library.scan([folder]))
        print(
            f"scan 1,000 generated routines: best {best * 1000:.0f} ms, median "
            f"{median * 1000:.0f} ms (goal < 1000 ms)"
        )
        ok &= best < 1.0

        n = len(library.scan([routines_dir()]))
        best, median = best_of(20, lambda: library.scan([routines_dir()]))
        print(
            f"load the bundled library ({n} routines): best {best * 1000:.1f} ms, "
            f"median {median * 1000:.1f} ms (goal < 100 ms)"
        )
        ok &= best < 0.1

        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()):
            best, _ = best_of(3, lambda: cli_routines.cmd_list([folder], True, []))
        print(f"list --json of 1,000 routines (in process): best {best * 1000:.0f} ms")

        hostile = hostile_files(Path(tmp))
        big = Path(tmp) / "big-valid.yaml"
        big.write_bytes(b"name: x\nexercises:\n" + b"  - {name: a, hold: 30}\n" * 43_000)
        hostile["big-valid (1 MiB)"] = big
        print("hiptimer COMMAND FILE, fresh process (wall time inside the process, max RSS):")
        runs = [("validate", name) for name in hostile]
        runs += [(c, n) for c in ("list", "plan") for n in ("sets-46k", "sets-1mib", "plans-to-1s")]
        for command, name in runs:
            path = hostile[name]
            t = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-c", _CHILD, command, str(path)],
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            total = time.perf_counter() - t
            stats = [s for s in proc.stderr.splitlines() if s.startswith("@@ ")]
            if not stats or "Traceback" in proc.stderr + proc.stdout:
                print(f"  {name}: FAILED\n{proc.stderr[-2000:]}")
                ok = False
                continue
            code, seconds, rss_kb = stats[-1].split()[1:]
            said = [s for s in (proc.stdout + proc.stderr).splitlines() if str(path) in s]
            first = said[0] if said else ""
            mb = int(rss_kb) / 1024
            print(
                f"  {command:<8} {name:<18} {path.stat().st_size:>9,} B  exit {code}  "
                f"{float(seconds) * 1000:5.0f} ms in-process, {total * 1000:5.0f} ms with "
                f"start-up  {mb:4.0f} MB  {first[len(str(path)) :][:60]}"
            )
            if name in GOAL_FILES:
                ok &= total < 1.0 and mb < 200
    print("(start-up = the whole `python -m hiptimer COMMAND FILE` process)")
    print("all goals met" if ok else "SOME GOALS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
