"""Names vulture (dead-code check in .ci/run) cannot see used: read by Qt, by
expat, by dataclass consumers outside the repository's own code, or kept on
purpose as documentation of a format. Each entry says why."""

from benchmarks.cue_timing import Run
from hiptimer.display import DisplayState
from hiptimer.figure import model, poses, svg
from hiptimer.images import FORMATS
from hiptimer.qt import cues, presenter

# the display model's full state: the presenter/projector views of other screens draw it
DisplayState.remaining_s
# expat calls these handlers (assigned as attributes)
_.StartElementHandler
_.StartDoctypeDeclHandler
_.EntityDeclHandler
# the image formats the loader accepts, listed once for the docs and schema
FORMATS
# figure: the body model's named segments and poses, kept complete for new pictures
model.HIGHLIGHTABLE
_.upper_arm_n
_.forearm_n
_.upper_arm_f
_.forearm_f
_.foot_n
_.shin_f
_.foot_f
_.wrist_n
_.wrist_f
poses.STAND_LIFT
svg.near
_.near
_.far
_.hi_near
_.hi_trunk
# the cue stream's sample format, spelt out beside the code that assumes it
cues.SAMPLE_BYTES
_.backend_name
# a slot Qt calls by name (QMetaObject.invokeMethod, queued after the engine's stop)
cues._SpeechWorker.report_state
# a paint counter the presenter keeps for its repaint checks
presenter.PresenterWidget.grab_count
# benchmark records: written out as JSON
Run.latency_s
# tools/make_sounds.py: the scale's notes, named once
_.E6
_.G6
_.F5
# ruamel.yaml reads these settings and the folding positions it is given
_.preserve_quotes
_.fold_pos
# the routine editor (#13, landing now): its owner decides whether these stay
_.FIELD_ORDER
_.starter
_._Window
