"""Collecting a Canvas or Moodle download zip with ``nbgrader zip_collect``: names, roster, times, renamed notebooks.

nbgrader's ``zip_collect <assignment>`` extracts ``downloaded/<assignment>/archive/*.zip`` into
``downloaded/<assignment>/extracted/`` and asks its collector plugin, file by file, whose submission each file
is. Its stock ``FileNameCollectorPlugin`` matches ``named_regexp`` against the file's *whole path* and needs the
groups ``student_id`` and ``file_id``. ``CANVAS_NAMES`` and ``MOODLE_NAMES`` are ready patterns for the two
platforms' download names, for ``LmsCollector``: their ``lms_id`` group is the platform's number for the
student, which the roster maps to the nbgrader id (a pattern with a ``student_id`` group instead gives
nbgrader ids directly, as nbgrader's own collector takes them, with no roster and no holding):

* Canvas: ``<lastfirst>_<user id>_<attachment id>_<file name>``, late ones ``<lastfirst>_LATE_<user id>_...``;
* Moodle: ``<Full Name>_<participant id>_assignsubmission_file_<file name>`` (or a folder of that name).

``LmsCollector`` (``c.ZipCollectApp.collector_plugin`` in nbgrader_config.py) goes further than the stock plugin:

* **Roster.** The platform's number is mapped to the nbgrader id through the gradebook's students'
  ``lms_user_id`` (``python -m medialit.grading roster import``). A file from someone not on the roster is
  *held*: not collected, named in a warning and in ``downloaded/<assignment>/held.csv`` (the report lists it).
* **Renamed notebooks.** ``loaded-language (1).ipynb`` or ``loaded-language-1.ipynb`` (a browser's or the
  platform's rename) is collected as ``loaded-language.ipynb`` when that is a released notebook, with a warning.
  Of two files that become the same notebook, the later upload (higher attachment id) is kept.
* **Times.** Download names carry no time, so without help every submission is on time. Submission times
  come from ``downloaded/<assignment>/times.csv`` (columns ``student`` (nbgrader id or the platform's number),
  ``time`` (ISO 8601; without a zone it is UTC), optional ``assignment``), and a ``timestamp.txt`` already in
  ``submitted/<student>/<assignment>/`` wins over it: ``zip_collect --force`` clears that folder, and the
  collector gives the hand-written time back to nbgrader, which writes it again. A file Canvas marked LATE
  with no time known is collected with a warning that its lateness cannot be computed.
"""
from __future__ import annotations

import csv
import os
import re
from pathlib import Path
from typing import Any

from nbgrader.plugins import FileNameCollectorPlugin
from traitlets import Unicode

CANVAS_NAMES = r"^(?:.*/)?[^/_]+_(?:(?P<late>LATE)_)?(?P<lms_id>\d+)_(?P<attachment>\d+)_(?P<file_id>[^/]+)$"
MOODLE_NAMES = r"^(?:.*/)?(?P<full_name>[^/_]+)_(?P<lms_id>\d+)_assignsubmission_file(?:_|/)(?P<file_id>[^/]+)$"
HELD_FILE = "held.csv"
NO_ROSTER = ("no student in the gradebook has an LMS id: import the roster first (python -m medialit.grading roster "
             "import --canvas <gradebook export>.csv, or nbgrader db student import <roster>.csv with an lms_user_id "
             "column; docs/grading.md)")
TIMES_FILE = "times.csv"
# "name (1).ipynb" (a browser's second download) and "name-1.ipynb" (Canvas's rename of a resubmitted file).
RENAMED = re.compile(r"^(?P<stem>.+?)(?: \(\d+\)|-\d+)(?P<ext>\.ipynb)$")


def original_name(file_id: str, released: set[str]) -> str | None:
    """The released notebook a renamed file stands for (``x (1).ipynb`` -> ``x.ipynb``), or None."""
    match = RENAMED.match(os.path.basename(file_id))
    if match and match["stem"] + match["ext"] in released:
        return match["stem"] + match["ext"]
    return None


def read_times(path: Path, assignment: str) -> dict[str, str]:
    """student (nbgrader id or LMS number) -> submission time, from a times CSV; bad rows are errors, not skipped."""
    from nbgrader.utils import parse_utc

    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not {"student", "time"} <= set(reader.fieldnames or []):
            raise ValueError(f"{path}: the header must name the columns student and time (and optionally assignment)")
        times = {}
        for number, row in enumerate(reader, start=2):
            if row.get("assignment") and row["assignment"].strip() != assignment:
                continue
            student, text = (row["student"] or "").strip(), (row["time"] or "").strip()
            try:
                parse_utc(text)
            except (ValueError, OverflowError):
                raise ValueError(f"{path}, line {number}: {text!r} is not a time (write e.g. 2026-03-01 14:05:00+01:00)")
            if not student:
                raise ValueError(f"{path}, line {number}: no student")
            times[student] = text
        return times


class LmsNames(FileNameCollectorPlugin):
    """nbgrader's file-name collector with the course roster, renamed notebooks and submission times (module text)."""

    times_file = Unicode(TIMES_FILE, help="the submission times CSV, inside downloaded/<assignment>/").tag(config=True)

    def _setup(self) -> None:
        if getattr(self, "_ready", False):
            return
        from nbgrader.api import Gradebook

        app = self.parent
        coursedir = app.coursedir
        self.assignment = coursedir.assignment_id
        self.downloaded = Path(coursedir.root) / app.downloaded_directory / self.assignment
        released = Path(coursedir.format_path(coursedir.release_directory, ".", self.assignment))
        self.released = {p.name for p in released.glob("*.ipynb")}
        with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
            students = [(s.id, s.lms_user_id, s.first_name, s.last_name) for s in gb.students]
        self.by_lms = {str(lms): sid for sid, lms, _, _ in students if lms}
        self.ids = {sid for sid, _, _, _ in students}
        self.fail = app.fail
        times_path = self.downloaded / self.times_file
        try:
            self.times = read_times(times_path, self.assignment) if times_path.is_file() else {}
        except ValueError as error:
            app.fail(str(error))
        self.submitted = Path(coursedir.root) / coursedir.submitted_directory
        self.held: list[dict[str, str]] = []
        self.chosen = self._latest_uploads(Path(app._format_collect_path(app.extracted_directory)))
        self._ready = True

    def _latest_uploads(self, extracted: Path) -> dict[tuple[str, str], str]:
        """(LMS number, notebook) -> the file kept: of two files that are one notebook, the later upload."""
        best: dict[tuple[str, str], tuple[int, str]] = {}
        for path in sorted(str(p) for p in extracted.rglob("*") if p.is_file()):
            found = self._match(path)
            if not found:
                continue
            name = original_name(found["file_id"], self.released) or found["file_id"]
            rank = int(found.get("attachment") or 0)
            key = (found.get("lms_id") or found["student_id"], name)
            if key not in best or rank >= best[key][0]:
                best[key] = (rank, path)
        return {key: path for key, (_, path) in best.items()}

    def _hold(self, path: str, found: dict[str, Any], why: str) -> None:
        self.log.warning("HELD (not collected): %s: %s", path, why)
        self.held.append({"file": os.path.relpath(path, self.downloaded),
                          "lms_id": found.get("lms_id") or found.get("student_id") or "",
                          "name": found.get("full_name") or "", "reason": why})
        self.downloaded.mkdir(parents=True, exist_ok=True)
        with (self.downloaded / HELD_FILE).open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=["file", "lms_id", "name", "reason"])
            writer.writeheader()
            writer.writerows(self.held)

    def _timestamp(self, student: str, lms_id: str) -> str | None:
        stamp = self.submitted / student / self.assignment / "timestamp.txt"
        if stamp.is_file() and stamp.read_text(encoding="utf-8").strip():
            return stamp.read_text(encoding="utf-8").strip()
        return self.times.get(student) or self.times.get(lms_id)

    def collect(self, submitted_file: str) -> dict[str, Any] | None:
        if os.path.splitext(submitted_file)[1] not in self.valid_ext:
            return None
        self._setup()
        found = self._match(submitted_file)
        if not found:
            return None
        lms_id = found.get("lms_id")
        if lms_id is None:  # a pattern that names nbgrader ids itself: nbgrader's own semantics
            student, lms_id = found.get("student_id"), found.get("student_id")
        elif not self.by_lms:
            self.fail(NO_ROSTER)
        else:
            student = self.by_lms.get(lms_id)
        if student is None:
            self._hold(submitted_file, found, f"LMS id {lms_id} is not on the course roster (import the roster, "
                                              "or add the student with `nbgrader db student add` and an lms id)")
            return None
        name = original_name(found["file_id"], self.released)
        if self.chosen.get((lms_id, name or found["file_id"])) != submitted_file:
            self.log.warning("Skipped %s: the same student uploaded %s again later (kept: %s)", submitted_file,
                             name or found["file_id"], self.chosen.get((lms_id, name or found["file_id"])))
            return None
        if name:
            self.log.warning("Renamed %s to %s (the notebook the assignment released)", found["file_id"], name)
        info: dict[str, Any] = {"student_id": student, "file_id": name or found["file_id"]}
        timestamp = self._timestamp(student, lms_id)
        if timestamp:
            info["timestamp"] = timestamp
        elif found.get("late"):
            self.log.warning("%s: Canvas marks it LATE, but no submission time is known, so no late penalty can be "
                             "computed: give its time in downloaded/%s/%s", submitted_file, self.assignment,
                             self.times_file)
        return info


def _safe_collector() -> type:
    from .intake import _collector_classes_cached

    return _collector_classes_cached()[1]


class LmsCollector(_safe_collector(), LmsNames):  # type: ignore[misc]
    """What zip_collect uses (nbgrader_config.py): LmsNames's mapping, then intake's checks of what it returns.

    intake's collector (safe student ids and file names, regular files only, a timestamp that parses) calls
    ``super().collect``, which is LmsNames's here: every file the roster maps is still checked by intake.
    """
