"""The safety note the app shows with routines: short, calm, pure text (no Qt)."""

from __future__ import annotations

SAFETY_NOTE: str = (
    "HipTimer guides you through exercises; it is not medical advice. "
    "Move within a comfortable range and never force a stretch. "
    "Stop if pain is sharp or gets worse as you go. "
    "See a doctor or physiotherapist before carrying on if pain follows a fall or injury, "
    "spreads down a leg with numbness, tingling or weakness, comes with fever or "
    "unexplained weight loss, or brings numbness in the groin or trouble passing urine."
)
