"""What a session did, per exercise and side: shared by the engine and the store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ExerciseStatus = Literal["done", "skipped", "partial"]
SessionStatus = Literal["running", "completed", "stopped", "interrupted"]


@dataclass(frozen=True)
class ExerciseResult:
    name: str
    side: str | None  # "left", "right" or None
    status: ExerciseStatus
    sets_done: int
