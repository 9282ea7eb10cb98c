"""A stream the sound server holds back: are the session's cues still heard, and on time?

What it does, per run: starts ``parecord`` on the null sink's monitor at its default
latency (2 s fragments: the sink may then render up to 2 s ahead), waits ``gap``
seconds, opens the qt cue player as a session does (warm-up, ``ready_at``, then a
plan of ``--ticks`` "tick" cues one second apart) and runs Qt's event loop until the
last has sounded. PulseAudio's null sink can rewind a new stream in only as far as
that stream's own latency, so a stream that connects while the sink is far ahead is
read for a moment and then not at all until the sink's time catches up (up to about
1.5 s): "held back". What that does depends on how far ahead the sink is, so each run
takes the next gap of ``--gaps``.

Prints one line a run and, per code, the median, min and max over runs of:
- cues heard: onsets in the recording (cue_timing.py's detect_onsets) out of the ticks;
- restarts: fresh streams opened mid-session (HIPTIMER_DEBUG_CUES's "restart at");
- held back: streams the app found held back and replaced ("held back");
- the last lead: the read position Qt reports (``processedUSecs``) less the stream's
  own time, in the last second. An on-time stream is read ahead (positive); a stream
  that stays behind plays every cue late by at least minus that.

``--against PATH`` runs the same gaps with another checkout's ``hiptimer`` (put first
on ``sys.path``), alternating run by run: the reference, measured in the same minutes.

Leaves out: the app's window (the player alone, driven like the session drives it),
the voice, a real sound card (there is none here: the null sink is what is measured),
and when each cue is heard against the clock. The recording cannot show that: each
rewind of the null sink adds what it rewinds to its monitor's recording, so the
timeline of a default-latency recording is not the sink's (benchmarks/cue_timing.py
measures timing, with a 10 ms recorder that keeps the sink from running ahead).

Needs the PulseAudio test server (``eval "$(bash .ci/pulse.sh start)"``) and
``parecord``. Run from the project's root.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).parent))
from cue_timing import debug_counts, detect_onsets, s16le  # noqa: E402  (benchmarks/cue_timing.py)

# The child: one run of the player (argv: gap, recording path, ticks).
CHILD = r"""
import json, os, subprocess, sys, time
gap, rec, ticks = float(sys.argv[1]), sys.argv[2], int(sys.argv[3])
from PySide6.QtCore import QCoreApplication, QTimer
app = QCoreApplication([])
import hiptimer.qt.cues as q
from hiptimer.resources import sounds_dir
sink_name = os.environ.get("HIPTIMER_PULSE_SINK", "hiptimer_null")
pr = subprocess.Popen(["parecord", "--raw", f"--device={sink_name}.monitor",
                       "--format=s16le", "--rate=48000", "--channels=1", rec])
time.sleep(gap)
p = q.QtCuePlayer({"tick": sounds_dir() / "tick.wav"})
p.warm_up()
at = p.ready_at()
p.schedule([(at + k, "tick") for k in range(ticks)])
leads = []
def look():
    t, s = p.track, p.sink
    if t is not None and s is not None and s.processedUSecs() > 0:
        leads.append(s.processedUSecs() / 1e6 - (time.monotonic() - t.anchor))
timer = QTimer(); timer.timeout.connect(look); timer.start(250)
QTimer.singleShot(int((ticks + 1) * 1000), app.quit)
app.exec()
p.close()
time.sleep(4.5)  # parecord sends 2 s fragments: the last ones
pr.terminate(); pr.wait()
print(json.dumps({"leads": leads[-4:]}))
"""


def heard(raw: bytes) -> int:
    """Cues in a raw s16le recording: cue_timing.py's onsets (a rise over its
    threshold after its quiet gap)."""
    return len(detect_onsets(s16le(raw)))


def run(code: Path, gap: float, ticks: int) -> dict[str, float]:
    env = dict(os.environ, HIPTIMER_DEBUG_CUES="1", PYTHONPATH=str(code))
    with tempfile.TemporaryDirectory() as tmp:
        rec = Path(tmp) / "rec.raw"
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, str(gap), str(rec), str(ticks)],
            env=env, cwd=tmp, capture_output=True, text=True, timeout=ticks + 30,
        )  # fmt: skip
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr[-2000:])
        out = json.loads(proc.stdout.strip().splitlines()[-1])
        n_heard = heard(rec.read_bytes()) if rec.exists() else 0
    said = debug_counts(proc.stderr)
    return {
        "heard": n_heard,
        "restarts": said["restarts"],
        "held": said["held_back"],
        "lead": out["leads"][-1] if out["leads"] else float("nan"),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--gaps", default="0.5,0.6,0.7,0.8,0.9,1.0,1.1,1.2")
    ap.add_argument("--rounds", type=int, default=1, help="times through --gaps")
    ap.add_argument("--ticks", type=int, default=8)
    ap.add_argument("--against", type=Path, help="another checkout, the reference")
    args = ap.parse_args(argv)
    if not os.environ.get("PULSE_SERVER"):
        print('held_stream: no PULSE_SERVER (eval "$(bash .ci/pulse.sh start)")', file=sys.stderr)
        return 2
    codes = [("this", ROOT)] + ([("reference", args.against.resolve())] if args.against else [])
    gaps = [float(g) for g in args.gaps.split(",")]
    results: dict[str, list[dict[str, float]]] = {name: [] for name, _ in codes}
    for _ in range(args.rounds):
        for gap in gaps:
            for name, code in codes:
                r = run(code, gap, args.ticks)
                results[name].append(r)
                print(f"{name:9s} gap {gap:.2f} s: heard {r['heard']}/{args.ticks}, "
                      f"restarts {r['restarts']}, held back {r['held']}, "
                      f"last lead {r['lead'] * 1000:+.0f} ms", flush=True)  # fmt: skip
    print()
    for name, rs in results.items():
        heard = [r["heard"] for r in rs]
        leads = [r["lead"] * 1000 for r in rs]
        print(f"{name:9s} {len(rs)} runs: cues heard median {statistics.median(heard):.0f} "
              f"(min {min(heard)}, max {max(heard)}) of {args.ticks}; "
              f"runs with at most 1 heard {sum(h <= 1 for h in heard)}; "
              f"restarts {sum(r['restarts'] for r in rs):.0f}, held back "
              f"{sum(r['held'] for r in rs):.0f}; "
              f"last lead median {statistics.median(leads):+.0f} ms "
              f"(min {min(leads):+.0f}, max {max(leads):+.0f}), "
              f"under -100 ms in {sum(ld < -100 for ld in leads)}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
