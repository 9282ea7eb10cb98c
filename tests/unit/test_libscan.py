"""A big library's first scan in worker processes: real processes, rows in order."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hiptimer import libindex, library, libscan

GOOD = "name: {name}\ntags: [hips]\nexercises:\n  - name: Hold\n    hold: 30s\n    sets: {sets}\n"
BROKEN = "name: Broken {i}\nexercises:\n  - name: Lunge\n    hold: 30 parsecs\n"
BAD_YAML = "name: [unclosed\n"


def _library(folder: Path, n: int) -> list[libscan.File]:
    """``n`` files: mostly good, every fifth broken, every seventh not YAML."""
    folder.mkdir()
    files: list[libscan.File] = []
    for i in range(n):
        p = folder / f"r{i:03d}.yaml"
        if i % 7 == 3:
            text = BAD_YAML
        elif i % 5 == 1:
            text = BROKEN.format(i=i)
        else:
            text = GOOD.format(name=f"Routine é{i}", sets=1 + i % 3)
        p.write_text(text, encoding="utf-8")
        key = libindex.file_key(p)
        assert key is not None
        files.append((str(p), key, i % 2 == 0))
    return files


def test_workers_give_the_same_rows_in_the_files_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _library(tmp_path / "lib", 23)
    monkeypatch.setattr(libscan, "CHUNK", 4)  # 6 chunks dealt to 3 workers in turn
    with libscan.RowReaders(files, 3) as readers:
        assert readers.chunks == 6 and len(readers._procs) == 3
        rows = list(readers)
    expected = library.read_rows(files)
    assert rows == expected
    assert [r.path for r in rows] == [p for p, _k, _b in files]
    broken = [r for r in rows if r.errors]
    assert len(broken) == 3 + 5 and all(r.info is None for r in broken)
    good = rows[0]
    assert good.info is not None
    assert good.info.name == "Routine é0" and good.info.tags == ("hips",)
    assert good.bundled and good.key == files[0][1]
    assert rows[1].bundled is False


def test_a_rows_duration_is_its_plans_to_the_second(tmp_path: Path) -> None:
    from hiptimer.libindex import duration_text
    from hiptimer.plan import compile_plan
    from hiptimer.resources import routines_dir

    bundled = sorted(routines_dir().glob("*.yaml"))
    files = [(str(p), (0, 0), True) for p in bundled]
    for row in library.read_rows(files):
        assert row.info is not None, row.errors
        plan = compile_plan(library.load_entry(Path(row.path)).routine)  # type: ignore[arg-type]
        assert row.info.duration == duration_text(plan)
        assert row.info.exercises == len(plan.routine.exercises)
    # self-paced reps make it an estimate
    (tmp_path / "r.yaml").write_text(
        "name: R\nexercises:\n  - name: Squat\n    reps: 10\n", encoding="utf-8"
    )
    (row,) = library.read_rows([(str(tmp_path / "r.yaml"), (0, 0), False)])
    assert row.info is not None and row.info.duration.startswith("~")


def test_a_worker_that_dies_raises_and_close_kills_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _library(tmp_path / "lib", 30) * 200  # 6,000 files: seconds of work
    monkeypatch.setattr(libscan, "CHUNK", 50)
    readers = libscan.RowReaders(files, 2)
    it = iter(readers)
    assert next(it) is not None  # chunk 0, from worker 0
    readers._procs[1].kill()  # long before it has written all its chunks
    with pytest.raises(OSError, match="library worker stopped"):
        list(it)
    readers.close()
    assert all(p.returncode is not None for p in readers._procs)


def test_close_stops_workers_still_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = _library(tmp_path / "lib", 30) * 200  # 6,000 files: seconds of work
    monkeypatch.setattr(libscan, "CHUNK", 50)
    readers = libscan.RowReaders(files, 2)
    next(iter(readers))
    readers.close()
    assert all(p.returncode is not None and p.returncode < 0 for p in readers._procs)


def test_a_worker_whose_reader_went_away_stops_quietly(tmp_path: Path) -> None:
    files = _library(tmp_path / "lib", 4)
    chunks = [[f] for f in files] * 50
    code = (
        f"import sys; sys.path.insert(0, {str(Path(libscan.__file__).parent.parent)!r}); "
        "import hiptimer.libscan as m; m.main()"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(json.dumps(chunks).encode())
    proc.stdin.close()
    assert json.loads(proc.stdout.readline())[0][0] == files[0][0]
    proc.stdout.close()  # the scan ended: the worker's next line finds no reader
    assert proc.wait(timeout=30) == 0
    assert proc.stderr is not None and proc.stderr.read() == b""


def test_workers_one_per_core_at_most_four_and_no_more_than_chunks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(libscan, "cores", lambda: 2)
    assert libscan.workers_for(10_000) == 2
    assert libscan.workers_for(libscan.CHUNK) == 1
    assert libscan.workers_for(0) == 0
    monkeypatch.setattr(libscan, "cores", lambda: 16)
    assert libscan.workers_for(10_000) == libscan.MAX_WORKERS


def test_a_file_name_that_is_not_utf8_comes_back_as_it_was(tmp_path: Path) -> None:
    import os

    folder = tmp_path / "lib"
    folder.mkdir()
    raw = os.fsencode(folder) + b"/caf\xe9.yaml"  # Latin-1, as an old archive may name it
    with open(raw, "wb") as f:
        f.write(GOOD.format(name="Cafe", sets=1).encode())
    (name,) = os.listdir(folder)  # str with a surrogate escape, as the scan lists it
    path = str(folder / name)
    key = libindex.file_key(Path(path))
    assert key is not None
    with libscan.RowReaders([(path, key, False)], 2) as readers:
        (row,) = list(readers)
    assert row.path == path and row.info is not None and row.info.name == "Cafe"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_run_nicer_than_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    files = _library(tmp_path / "lib", 30) * 200  # 6,000 files: seconds of work
    monkeypatch.setattr(libscan, "CHUNK", 50)
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    with libscan.RowReaders(files, 2) as readers:
        next(iter(readers))  # the workers are past their start-up
        nice = [os.getpriority(os.PRIO_PROCESS, p.pid) for p in readers._procs]
    assert nice == [min(19, mine + libscan.NICE)] * 2
