"""The installed Qt binding keeps Python's reference counts.

PySide6 6.12.0 on Python 3.11 took one reference from None (or True/False) on
every call that returned it, and CPython aborted a long session with
"none_dealloc"; pyproject.toml pins PySide6 below 6.12 for it. This test fails
on such a build.
"""

import sys

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot


def test_void_calls_keep_none_and_bool_counts(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    none_before = sys.getrefcount(None)
    bool_before = sys.getrefcount(False) + sys.getrefcount(True)
    for _ in range(2000):
        label.setText("x")  # returns None
        label.isVisible()  # returns a bool
    assert abs(sys.getrefcount(None) - none_before) < 50
    assert abs(sys.getrefcount(False) + sys.getrefcount(True) - bool_before) < 50
