import os
from pathlib import Path

import pytest

# Qt runs headless in tests; a test that needs a real window starts Xvfb itself.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

_MARK_BY_FOLDER = {"gui": "gui", "e2e": "e2e"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark tests by folder, so `pytest -m "not gui and not e2e"` is the fast pure run."""
    for item in items:
        folder = Path(str(item.fspath)).parent.name
        mark = _MARK_BY_FOLDER.get(folder)
        if mark:
            item.add_marker(getattr(pytest.mark, mark))


# Spoken guidance goes through the machine's speech service (speech-dispatcher),
# whose state no test controls; the voice tests drive Qt's "mock" engine instead.
os.environ.setdefault("HIPTIMER_NO_VOICE", "1")
