"""Text from files and the log, made safe to print on a terminal or open in a spreadsheet.

Routine names, paths, notes and error messages come from files anyone may
have written. :func:`printable` shows control characters (escape sequences
that recolour or retitle a terminal, newlines and CRs that forge extra lines,
bidirectional overrides that reorder what is shown) as visible escapes such as
``\\x1b`` instead of letting them act. :func:`csv_cell` keeps a spreadsheet
from running a cell as a formula (OWASP's advice: a leading ``'``).
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, the line/paragraph separators and the bidi controls.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

#: Cell starts a spreadsheet reads as a formula (or as a command in older ones).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _escape(m: re.Match[str]) -> str:
    ch = m.group()
    code = ord(ch)
    return _NAMED.get(ch) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: str) -> str:
    """``text`` with every control character shown as an escape, not acted on."""
    return _UNSAFE.sub(_escape, text)


def csv_cell(text: str) -> str:
    """A text cell that no spreadsheet takes for a formula: ``'=1+1``, ``'-3``."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
