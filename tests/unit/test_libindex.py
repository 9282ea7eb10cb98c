"""The library's index: what the next start shows before its first paint."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hiptimer import goalcache, libindex
from hiptimer.libindex import IndexRow, RowInfo


def _rows(n: int) -> list[IndexRow]:
    return [
        IndexRow(
            f"/lib/r{i}.yaml",
            (100 + i, 10**18 + i),
            i % 2 == 0,
            RowInfo(f"Routine {i}\nwith a newline", "~5:00", i, ("hips", "désk"), "d"),
        )
        for i in range(n)
    ] + [IndexRow("/lib/broken.yaml", (1, 2), False, None, ("/lib/broken.yaml:4:3: bad",))]


def test_rows_round_trip_in_order_for_the_same_folders(tmp_path: Path) -> None:
    path, roots = tmp_path / "index.json", [tmp_path / "a", tmp_path / "b"]
    rows = _rows(5)
    assert libindex.save(path, roots, rows)
    saved = libindex.load(path, roots)
    assert saved is not None and len(saved) == 6
    assert saved.rows() == rows
    assert saved.rows(0, 2) == rows[:2] and saved.rows(2) == rows[2:]


def test_another_folder_set_or_version_or_damage_is_not_shown(tmp_path: Path) -> None:
    path, roots = tmp_path / "index.json", [tmp_path / "a"]
    libindex.save(path, roots, _rows(3))
    assert libindex.load(path, [tmp_path / "other"]) is None
    assert libindex.load(path, roots + [tmp_path / "b"]) is None
    data = path.read_bytes()
    path.write_bytes(data.replace(b'"format":', b'"format_":', 1))
    assert libindex.load(path, roots) is None
    path.write_bytes(data[: len(data) // 2])  # cut short: the row count does not match
    assert libindex.load(path, roots) is None
    path.write_bytes(b"\x00\xff garbage")
    assert libindex.load(path, roots) is None
    assert libindex.load(tmp_path / "missing.json", roots) is None


@pytest.mark.parametrize(
    "damage",
    [
        b'["/lib/r2.yaml", "not a size", 1, false, null, []]',  # JSON, not a row
        b'["/lib/r2.yaml", 1, 1, fal',  # cut short
        b'["/lib/r2.yaml", 1, 1, false, null, ["e"]], ["/lib/rx.yaml", 1, 1, false, null, ["e"]]',
    ],
)
def test_a_damaged_row_keeps_the_rows_before_it(tmp_path: Path, damage: bytes) -> None:
    path, roots = tmp_path / "index.json", [tmp_path]
    libindex.save(path, roots, _rows(4))
    lines = path.read_bytes().split(b"\n")
    lines[3] = damage
    path.write_bytes(b"\n".join(lines))
    saved = libindex.load(path, roots)
    assert saved is not None
    assert [r.path for r in saved.rows()] == ["/lib/r0.yaml", "/lib/r1.yaml"]
    assert [r.path for r in saved.rows(0, 2)] == ["/lib/r0.yaml", "/lib/r1.yaml"]
    assert [r.path for r in saved.rows(3)] == [r.path for r in _rows(4)[3:]]


def test_the_stamp_follows_the_parsing_code(monkeypatch: object) -> None:
    import hiptimer

    before = libindex.code_stamp()
    old = hiptimer.__version__
    try:
        hiptimer.__version__ = old + ".dev-other"
        assert libindex.code_stamp() != before
    finally:
        hiptimer.__version__ = old


def test_file_key_changes_with_an_edit(tmp_path: Path) -> None:
    f = tmp_path / "r.yaml"
    f.write_text("a", encoding="utf-8")
    k1 = libindex.file_key(f)
    os.utime(f, ns=(1, 1))
    assert libindex.file_key(f) != k1
    assert libindex.file_key(tmp_path / "gone.yaml") is None


def test_the_goal_is_remembered_only_for_the_same_log_day_and_goal(tmp_path: Path) -> None:
    import datetime as dt

    db, cache = tmp_path / "log.sqlite3", tmp_path / "goal.json"
    db.write_bytes(b"x" * 10)
    today = dt.date(2026, 11, 25).isoformat()
    tomorrow = dt.date(2026, 11, 26).isoformat()
    state = goalcache.GoalState("This week: 1/5 days of 30 min · 31 min", "tip", 1, 5)
    key = goalcache.key(db, today, 30, 5)
    assert goalcache.save(cache, key, state)
    assert goalcache.load(cache, goalcache.key(db, today, 30, 5)) == state
    assert goalcache.load(cache, goalcache.key(db, tomorrow, 30, 5)) is None
    assert goalcache.load(cache, goalcache.key(db, today, 20, 5)) is None
    (tmp_path / "log.sqlite3-wal").write_bytes(b"w")  # a session was written since
    assert goalcache.load(cache, goalcache.key(db, today, 30, 5)) is None
    cache.write_text("[1, 2", encoding="utf-8")
    assert goalcache.load(cache, key) is None


def test_today_is_the_local_date() -> None:
    import datetime as dt

    before = dt.date.today().isoformat()
    day = goalcache.today()
    assert day in (before, dt.date.today().isoformat())  # (midnight between the two)


def test_the_bundled_folders_are_found_inside_an_installed_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Installed (no pyproject.toml beside the package), the routines and assets are the
    package's own folders, found without importlib.resources."""
    import shutil
    import sys

    from hiptimer import resources as res

    pkg = tmp_path / "site" / "hiptimer"  # the package as a wheel installs it, in short
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    shutil.copy(res.__file__, pkg / "resources.py")
    (pkg / "routines").mkdir()
    (pkg / "routines" / "a.yaml").write_text("name: a\n", encoding="utf-8")
    code = (
        "import sys; sys.modules.pop('importlib.resources', None)\n"
        "from hiptimer import resources as r\n"
        "print(r.routines_dir()); print('importlib.resources' in sys.modules)"
    )
    import subprocess

    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(pkg.parent), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == [str(pkg / "routines"), "False"]
