"""The parse cache: unchanged files are not parsed again; changes and damage are safe."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hiptimer import library
from hiptimer.parsecache import ParseCache

GOOD = "name: {name}\nexercises:\n  - name: Hold\n    hold: 30s\n"


def _scan(folder: Path, cache: ParseCache) -> list[library.LibraryEntry]:
    return [e for batch in library.scan_batches([folder], cache, batch=2) for e in batch]


def test_a_second_scan_comes_from_the_cache_and_sees_edits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "r"
    folder.mkdir()
    for i in range(3):
        (folder / f"r{i}.yaml").write_text(GOOD.format(name=f"R{i}"), encoding="utf-8")
    (folder / "bad.yaml").write_text("name: [", encoding="utf-8")
    store = tmp_path / "cache" / "routines.pickle"
    first = ParseCache(store).load()
    entries = _scan(folder, first)
    assert [e.name for e in entries] == ["bad", "R0", "R1", "R2"]
    assert first.misses == 4 and first.save() and store.exists()

    parsed: list[Path] = []
    real = library.load_entry
    monkeypatch.setattr(library, "load_entry", lambda p, **k: parsed.append(p) or real(p, **k))
    again = ParseCache(store).load()
    entries2 = _scan(folder, again)
    assert parsed == [] and again.hits == 4
    assert entries2[1].routine == entries[1].routine and not entries2[0].ok
    assert entries2[0].first_error == entries[0].first_error  # errors come back as they were

    edited = folder / "r1.yaml"
    edited.write_text(GOOD.format(name="Changed"), encoding="utf-8")
    st = edited.stat()
    os.utime(edited, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    (folder / "r2.yaml").unlink()
    third = ParseCache(store).load()
    names = [e.name for e in _scan(folder, third)]
    assert names == ["bad", "R0", "Changed"] and parsed == [edited]
    third.save()
    assert str(folder / "r2.yaml") not in ParseCache(store).load()._entries


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05garbage", None])
def test_a_damaged_cache_is_ignored_and_replaced(tmp_path: Path, damage: bytes | None) -> None:
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "a.yaml").write_text(GOOD.format(name="A"), encoding="utf-8")
    store = tmp_path / "routines.pickle"
    if damage is None:
        ParseCache(store).load().save()
        _scan(folder, c := ParseCache(store).load())
        c.save()
        store.write_bytes(store.read_bytes()[:20])  # truncated mid-write
    else:
        store.write_bytes(damage)
    cache = ParseCache(store).load()
    assert [e.name for e in _scan(folder, cache)] == ["A"] and cache.misses == 1
    assert cache.save()
    assert ParseCache(store).load().get(folder / "a.yaml", None) is None  # no key, no answer
    warm = ParseCache(store).load()
    _scan(folder, warm)
    assert warm.hits == 1


def test_an_unwritable_cache_folder_only_costs_the_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = ParseCache(blocker / "sub" / "routines.pickle").load()
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "a.yaml").write_text(GOOD.format(name="A"), encoding="utf-8")
    assert [e.name for e in _scan(folder, cache)] == ["A"]
    assert cache.save() is False
