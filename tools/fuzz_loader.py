"""A longer loader fuzz run than CI's; keeps every failing input as a regression file.

    python tools/fuzz_loader.py [EXAMPLES]     # default 20,000 per strategy

Each input that makes the loader raise anything but located errors (or give
an error position outside the file) is written to
tests/unit/fixtures/fuzz/found-<hash>.yaml, which tests/unit/test_fuzz_loader.py
replays from then on. Prints how many inputs were tried and kept.
"""

from __future__ import annotations

import hashlib
import sys
import traceback
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "unit")]

from fuzzing import check_loader, mutated_bundled, save_case, structured_routine  # noqa: E402

FOLDER = ROOT / "tests" / "unit" / "fixtures" / "fuzz"


def main() -> int:
    examples = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    tried = 0
    kept: list[Path] = []

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.one_of(mutated_bundled(), structured_routine()))
    def run(data: bytes | str) -> None:
        nonlocal tried
        tried += 1
        try:
            check_loader(data)
        except Exception:
            raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
            name = "found-" + hashlib.sha256(raw).hexdigest()[:10]
            kept.append(save_case(raw, FOLDER, name))
            print(f"{name}: {traceback.format_exc().splitlines()[-1]}")

    run()
    print(f"{tried:,} inputs tried, {len(kept)} kept under {FOLDER.relative_to(ROOT)}")
    return 1 if kept else 0


if __name__ == "__main__":
    raise SystemExit(main())
