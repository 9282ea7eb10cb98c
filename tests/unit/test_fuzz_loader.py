"""Fuzzing the loader (issue #11): whatever the bytes, a routine or located errors.

A fixed budget for CI: HIPTIMER_FUZZ_EXAMPLES examples per strategy (default
300, a few seconds each). ``tools/fuzz_loader.py`` runs longer and keeps any
failing input under tests/unit/fixtures/fuzz/, which the last test replays.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fuzzing import check_loader, mutated_bundled, structured_routine
from hypothesis import HealthCheck, given, settings

from hiptimer.library import load_entry

EXAMPLES = int(os.environ.get("HIPTIMER_FUZZ_EXAMPLES", "300"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
REGRESSIONS = sorted((Path(__file__).parent / "fixtures" / "fuzz").glob("*.yaml"))


@FUZZ
@given(mutated_bundled())
def test_mutated_bundled_routines(data: bytes) -> None:
    check_loader(data)


@FUZZ
@given(structured_routine())
def test_structured_routines(text: str) -> None:
    check_loader(text)


@pytest.mark.parametrize("path", REGRESSIONS, ids=[p.stem for p in REGRESSIONS])
def test_kept_regressions(path: Path) -> None:
    check_loader(path.read_bytes(), str(path))
    entry = load_entry(path)
    assert not any("internal error" in e.message for e in entry.errors)


def test_there_are_regression_files() -> None:
    assert len(REGRESSIONS) >= 10
