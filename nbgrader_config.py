"""nbgrader configuration for the course (read by every `nbgrader` command run in this folder).

Source notebooks with solutions and hidden tests live in solutions/<assignment>/;
`nbgrader generate_assignment <assignment>` writes the student versions into
exercises/<assignment>/. The gradebook is nbgrader's default SQLite file,
gradebook.db in this folder (gitignored: it holds students' marks).
"""

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

c.CourseDirectory.course_id = "medialit-deir-ezzor"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"

# A submission that loops forever is cut off after a minute per cell instead of
# stalling autograding; the cell then counts as failed.
c.ExecutePreprocessor.timeout = 60
# A whole notebook gets five minutes of wall-clock time; cells still to run after that score 0 and the
# report says why (medialit/grading/execute.py, which also caps outputs as they arrive: docs/grading.md).
c.SandboxedExecute.notebook_timeout = 300

# Only for a shared JupyterHub that hands out assignments through nbgrader's
# exchange; the course's own tests never use it.
# c.Exchange.root = "/srv/nbgrader/exchange"

# Grading hardening (medialit/grading/nbgrader_steps.py): hidden tests are taken out of test cells before the
# student's kernel runs, each answer is scored in this grader process (so nothing a student's code
# patches in its kernel can change a score), edited or deleted locked cells flag the submission in
# the gradebook, and deleted test cells are put back.
from medialit.grading.nbgrader_steps import configure_nbgrader  # noqa: E402

configure_nbgrader(c)

# --- Collecting a Canvas or Moodle download zip (docs/grading.md, "2. Collect") -----------------------------
# Put the zip in downloaded/<assignment>/archive/ (gitignored), then `nbgrader zip_collect <assignment>`.
# The collector maps the platform's student numbers to nbgrader ids through the roster
# (`python -m medialit.grading roster import ...`), holds files from anyone not on it, collects renamed
# notebooks ("x (1).ipynb", "x-1.ipynb") under their released name, and takes submission times from
# downloaded/<assignment>/times.csv (student,time) so late work is computed (medialit/grading/lms.py).
from medialit.grading.lms import CANVAS_NAMES, MOODLE_NAMES  # noqa: E402,F401

c.ZipCollectApp.collector_plugin = "medialit.grading.lms.LmsCollector"
c.FileNameCollectorPlugin.named_regexp = CANVAS_NAMES  # Moodle: MOODLE_NAMES

# --- Due dates, extensions and the late penalty (docs/grading.md, "Late work") ----------------------------
# Due dates and extensions live in the gradebook (commands in docs/grading.md). A late submission loses points
# by nbgrader's LateSubmissionPlugin: "none" (the default: lateness is shown, nothing taken off),
# "zero" (a late notebook scores 0), or the course's per-day penalty (medialit.grading.late.PerDayPenalty,
# points per day or part of a day, set with c.PerDayPenalty.points_per_day).
# c.LateSubmissionPlugin.penalty_method = "zero"
# c.AssignLatePenalties.plugin_class = "medialit.grading.late.PerDayPenalty"
# c.PerDayPenalty.points_per_day = 1.0
