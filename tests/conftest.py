import os
from pathlib import Path

import pytest

# Qt runs headless in tests; a test that needs a real window starts Xvfb itself.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# tests/studio/ needs two screens, and Qt reads its screens once per process: they run in
# a pytest of their own (tests/e2e/test_studio_screens.py starts it) with
# HIPTIMER_TEST_SCREENS="1366x768,1920x1080", which gives the offscreen platform those
# screens side by side, named "laptop" and "projector".
_SCREENS = os.environ.get("HIPTIMER_TEST_SCREENS", "")
collect_ignore = [] if _SCREENS else ["studio"]
if _SCREENS:
    import json
    import tempfile

    _x = 0
    _conf: list[dict[str, object]] = []
    for _name, _size in zip(("laptop", "projector", "third"), _SCREENS.split(","), strict=False):
        _w, _h = (int(v) for v in _size.split("x"))
        _conf.append(
            {"name": _name, "x": _x, "y": 0, "width": _w, "height": _h,
             "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
        )  # fmt: skip
        _x += _w
    _fd, _path = tempfile.mkstemp(prefix="hiptimer-screens-", suffix=".json")
    with os.fdopen(_fd, "w") as _f:
        json.dump({"synchronousWindowSystemEvents": False, "windowFrameMargins": False,
                   "screens": _conf}, _f)  # fmt: skip
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_path}"

_MARK_BY_FOLDER = {"gui": "gui", "e2e": "e2e", "studio": "gui"}


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
