"""Every submission's status: ``python -m medialit.grading report`` and the status-aware export.

Each student × assignment gets one status, from three sources compared with each other: the
folders (``submitted/``, ``autograded/``), the gradebook the course's nbgrader_config.py names
(SQLite or PostgreSQL, read through ``course.load_course``), and the status store
(a table beside nbgrader's in the gradebook, see status.py) with the reasons for flags, incidents and failures:

* ``graded``: autograded, nothing left to grade by hand;
* ``needs manual grading``: autograded, N answers still to grade by hand (the score is provisional);
* ``failed``: there is a submission, but it has no autograded notebook; the reason when known;
* ``not submitted``: nothing in ``submitted/`` and nothing in the gradebook;
* ``submitted, not graded yet``: in ``submitted/``, not yet autograded (or resubmitted since).

The report never creates a gradebook: a missing one is an error that says what to fix. nbgrader's
own ``nbgrader export`` uses ``StatusExportPlugin`` (set by ``configure_nbgrader``): the usual
grades.csv columns plus the status, and a warning while grades are provisional.

``python -m medialit.grading export --canvas FILE`` writes a file for Canvas's gradebook import instead (or,
with ``--to``, as well): one row per student, one column per assignment (``--per-task``: per graded cell),
a "Points Possible" row and a status column marked read only (see ``canvas_table``; docs/grading.md).
Only final grades get a number there; ``--include-provisional`` writes the others too.

Every number written is ``points(x)``: rounded to hundredths, the precision scores have (the course's
scoring rounds to 0.01), so no file says ``2.2600000000000002``. Report, grades.csv and the Canvas file
show the same score for a submission: ``Row.final_score``, the score after nbgrader's late penalty.

Every export command exits by one rule, ``exit_status`` (docs/grading.md, "Exit status of the exports"):
0 written and nothing to say, 1 written with warnings (provisional or failed grades, submissions not graded
yet, students left out), 2 refused (nothing written: no gradebook, a bad option).
"""
from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from nbgrader.plugins import CsvExportPlugin

from .course import Course, open_course, redact, timestamp_of

# The course-directory names callers know from here too (course.py defines them): explicit re-exports.
from .course import GradebookMissing as GradebookMissing
from .course import check_gradebook as check_gradebook
from .course import load_course as load_course
from .csv_cells import safe_row
from .intake import UnsafeId, check_id, shown
from .late import late_text
from .lms import HELD_FILE
from .status import read_all

GRADED = "graded"
MANUAL = "needs manual grading"
FAILED = "failed"
NOT_SUBMITTED = "not submitted"
PENDING = "submitted, not graded yet"
STATUSES = (GRADED, MANUAL, FAILED, PENDING, NOT_SUBMITTED)

# The exit-status rule of every export command (grading export, assessment.report --canvas, ...).
EXIT_WRITTEN, EXIT_WARNINGS, EXIT_REFUSED = 0, 1, 2
# Scores are in hundredths: scoring.phrase_credit and the share-of-items scores round to 0.01.
PRECISION = 2


def points(value: float | None) -> float | None:
    """A score as every file writes it: rounded to the gradebook's hundredths (None stays None)."""
    return None if value is None else round(float(value), PRECISION) + 0.0  # + 0.0: no -0.0 in a file


def exit_status(warnings: list[str], *, refused: bool = False) -> int:
    """The one exit-status rule of the export commands: 0 written, 1 written with warnings, 2 refused."""
    if refused:
        return EXIT_REFUSED
    return EXIT_WARNINGS if warnings else EXIT_WRITTEN


@dataclass
class Row:
    """One student × assignment."""

    assignment: str
    student: str
    status: str
    score: float | None = None
    max_score: float | None = None
    late_penalty: float = 0.0
    seconds_late: float = 0.0
    timestamp: Any = None
    manual_pending: int = 0
    reason: str | None = None
    log: str | None = None
    flags: list[str] = field(default_factory=list)
    incidents: list[str] = field(default_factory=list)

    @property
    def final_score(self) -> float | None:
        """The score after the late penalty, as every file shows it (None: no score yet)."""
        if self.score is None:
            return None
        return points(max(0.0, self.score - (self.late_penalty or 0.0)))

    def late(self) -> str:
        """"late by N h, penalty P" (the due date includes the student's extension), or "" when on time."""
        return late_text(self.seconds_late, self.late_penalty)

    def describe(self) -> str:
        text = self.status
        if self.status == MANUAL:
            text = f"{MANUAL} ({self.manual_pending} answer{'s' if self.manual_pending != 1 else ''})"
        elif self.status == FAILED:
            text = f"{FAILED} (NOT GRADED, counts 0)"
        if self.late():
            text += f"  {self.late()}"
        # The words an instructor greps for stay on the submission's own line; the reasons follow below it.
        if self.flags:
            text += f"  FLAGGED ({len(self.flags)})"
        if self.incidents:
            text += f"  {len(self.incidents)} incident(s)"
        return text


def diagnose(folder: Path, notebooks: list[str]) -> str | None:
    """Why the notebooks in a submission folder cannot be graded, when the files themselves say so."""
    import nbformat

    from .intake import IntakeRefused, load_notebook_json

    problems = []
    for name in notebooks:
        path = folder / f"{name}.ipynb"
        # Through intake: never a link followed, never a huge or deeply nested file parsed (RecursionError).
        try:
            data = load_notebook_json(folder, f"{name}.ipynb")
        except FileNotFoundError:
            others = sorted(p.name for p in folder.glob("*.ipynb")) if folder.is_dir() else []
            found = f"; the folder has {', '.join(shown(o) for o in others)}: rename it to {name}.ipynb" if others else ""
            problems.append(f"{name}.ipynb is missing from {folder} (nbgrader scores a missing notebook 0){found}")
            continue
        except IntakeRefused as error:
            problems.append(f"{name}.ipynb refused at intake: {error}")
            continue
        except UnicodeDecodeError:
            problems.append(f"{name}.ipynb is not text (not a notebook file)")
            continue
        except ValueError as error:
            problems.append(f"{name}.ipynb is not valid JSON ({error}); ask the student for the notebook again")
            continue
        except OSError as error:
            problems.append(f"{path} cannot be read ({error.strerror})")
            continue
        try:
            nbformat.validate(nbformat.reads(json.dumps(data), as_version=4))
        except Exception as error:
            first = str(error).strip().splitlines()[0] if str(error).strip() else error.__class__.__name__
            problems.append(f"{name}.ipynb is JSON but not a valid notebook ({first})")
    return "; ".join(problems) or None


def _incident_text(incident: dict[str, Any]) -> str:
    where = incident.get("cell") or incident.get("task")
    kind = incident.get("kind") or "incident"
    return f"{kind}{f' in {where}' if where else ''}: {incident.get('message') or ''}".rstrip(": ")


def _submission_rows(course: Course, gradebook: Any, assignments: Sequence[str] = (),
                     students: Sequence[str] = ()) -> Iterator[Row]:
    from nbgrader.api import MissingEntry

    submitted, autograded = course.step_dir(course.submitted), course.step_dir(course.autograded)
    records = read_all(course.root)
    known = {a.name: a for a in gradebook.assignments}
    on_disk: set[tuple[str, str]] = set()
    if submitted.is_dir():
        for folder in submitted.glob("*/*"):
            if folder.is_dir() and not folder.parent.name.startswith("."):
                on_disk.add((folder.name, folder.parent.name))
    people = {s.id for s in gradebook.students} | {s for _, s in on_disk} | {s for _, s in records}
    names = sorted(set(known) | {a for a, _ in on_disk})
    for assignment in names:
        if assignments and assignment not in assignments:
            continue
        for student in sorted(people):
            if students and student not in students:
                continue
            folder, done = submitted / student / assignment, autograded / student / assignment
            record = records.get((assignment, student)) or {}
            row = Row(assignment, student, PENDING)
            try:
                check_id(student, "student")
            except UnsafeId as error:  # never graded under it (intake.py): say so, with the name to use
                if folder.is_dir():
                    row.status, row.reason = FAILED, str(error)
                    yield row
                    continue
            for notebook, entry in sorted((record.get("notebooks") or {}).items()):
                row.flags += [f"{notebook}: {flag}" for flag in entry.get("flags", [])]
                row.incidents += [f"{notebook}: {_incident_text(i)}" for i in entry.get("incidents", [])]
            if assignment not in known:
                row.status = FAILED
                row.reason = (f"submitted/{student}/{assignment} is not an assignment in the gradebook: "
                              f"run `nbgrader generate_assignment {assignment}` or move the folder")
                yield row
                continue
            notebooks = sorted(nb.name for nb in known[assignment].notebooks)
            try:
                submission = gradebook.find_submission(assignment, student)
            except MissingEntry:
                submission = None
            if submission is not None:
                row.score, row.max_score = submission.score, submission.max_score
                row.late_penalty = submission.late_submission_penalty or 0.0
                row.seconds_late = submission.total_seconds_late or 0.0
                row.timestamp = submission.timestamp
                if any(nb.flagged for nb in submission.notebooks) and not row.flags:
                    row.flags.append("flagged in the gradebook: locked cells edited or deleted "
                                     "(reason not stored: graded before the status store existed; see the autograde log)")
            else:
                row.max_score = known[assignment].max_score
            if not folder.is_dir() and (submission is None or _only_extension(submission)):
                row.status = NOT_SUBMITTED
                yield row
                continue
            graded_all = done.is_dir() and all((done / f"{nb}.ipynb").is_file() for nb in notebooks)
            if not folder.is_dir() and not done.is_dir() and record.get("status") == "graded":
                # Another grader's clone of the course: the files are on their disk, the gradebook and the status
                # store (in the same database) say it was graded.
                graded_all = True
            if graded_all and submission is not None and record.get("status") in (None, "graded"):
                new, old = timestamp_of(folder), timestamp_of(done)
                if folder.is_dir() and new is not None and old is not None and new > old:
                    row.status = PENDING
                    row.reason = "resubmitted after it was graded: autograde it again"
                else:
                    row.manual_pending = sum(1 for nb in submission.notebooks for g in nb.grades if g.needs_manual_grade)
                    row.status = MANUAL if row.manual_pending else GRADED
                yield row
                continue
            found = diagnose(folder, notebooks) if folder.is_dir() else f"submitted/{student}/{assignment} is gone"
            if record.get("status") == "failed":
                row.status, row.reason, row.log = FAILED, record.get("reason") or found, record.get("log")
            elif record.get("status") == "grading" or (submission is not None and not _only_extension(submission)):
                # nbgrader created the submission (or started its notebooks) and left no autograded copy.
                row.status = FAILED
                row.reason = found or record.get("reason") or "nbgrader could not grade it (see the autograde log)"
            else:
                row.status = PENDING
                if found:
                    row.reason = f"will fail: {found}"
            yield row


def _only_extension(submission: Any) -> bool:
    """The submission row exists only to hold an extension (late.extend): nothing was ever autograded into it."""
    return submission.extension is not None and submission.timestamp is None and all(
        grade.auto_score is None for notebook in submission.notebooks for grade in notebook.grades)


def collect(course_dir: Path | str = ".", assignments: Sequence[str] = (), students: Sequence[str] = ()) -> list[Row]:
    """Every student × assignment of the course with its status (GradebookMissing if there is no gradebook)."""
    from nbgrader.api import Gradebook

    course = open_course(course_dir)
    with Gradebook(course.db_url, course.course_id) as gradebook:
        return list(_submission_rows(course, gradebook, assignments, students))


def _score(row: Row) -> str:
    if row.score is None:
        return f"{'-':>6} / {row.max_score or 0:6.2f}"
    return f"{row.final_score:6.2f} / {row.max_score or 0:6.2f}"


def held_files(course_root: Path) -> list[str]:
    """Files `nbgrader zip_collect` held back (someone not on the roster: lms.LmsCollector), one line each."""
    out = []
    for path in sorted(Path(course_root).glob(f"downloaded/*/{HELD_FILE}")):
        with path.open(encoding="utf-8", newline="") as handle:
            for entry in csv.DictReader(handle):
                out.append(f"{path.parent.name}: {entry['file']} ({entry['reason']}; listed in {path})")
    return out


def format_report(rows: list[Row], course_root: Path | None = None) -> list[str]:
    """The report's lines: one per student × assignment, its reasons indented below, held files, then the counts."""
    lines = []
    for row in rows:
        # shown(): an id is a folder name a student chose; no control character of it reaches the terminal.
        lines.append(f"{shown(row.assignment):<16} {shown(row.student):<24} {_score(row)}  {row.describe()}")
        if row.reason:
            lines.append(f"    reason: {row.reason}")
        if row.log:
            lines.append(f"    log: {row.log}")
        lines += [f"    FLAG {flag}" for flag in row.flags]
        lines += [f"    incident {incident}" for incident in row.incidents]
    counts = Counter(row.status for row in rows)
    manual = sum(row.manual_pending for row in rows)
    lines += [f"HELD {held}" for held in held_files(course_root)] if course_root is not None else []
    lines.append("total: " + ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s])
                 + (f" ({manual} answer(s) to grade by hand)" if manual else ""))
    return lines


def report(course: str | Path = ".") -> list[str]:
    """One line per student × assignment with its status, score, flags, incidents and failures."""
    return format_report(collect(course), Path(course))


def warnings_for(rows: list[Row]) -> list[str]:
    """What makes an export provisional, one sentence each."""
    counts = Counter(row.status for row in rows)
    out = []
    if counts[MANUAL]:
        out.append(f"{counts[MANUAL]} submission(s) still need manual grading "
                   f"({sum(r.manual_pending for r in rows)} answer(s)): their scores are provisional")
    if counts[FAILED]:
        out.append(f"{counts[FAILED]} submission(s) failed to autograde and count 0 "
                   "(`python -m medialit.grading report` gives the reasons)")
    if counts[PENDING]:
        out.append(f"{counts[PENDING]} submission(s) are submitted but not graded yet")
    return out


COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email", "raw_score",
           "late_submission_penalty", "score", "max_score", "status", "manual_pending", "reason", "flags", "incidents",
           "late", "log"]


def write_csv(rows: list[Row], gradebook: Any, dest: Path | str) -> None:
    """nbgrader's grades.csv columns (same meaning, so LMS imports keep working) plus the status columns."""
    from nbgrader.api import MissingEntry

    due = {a.name: a.duedate for a in gradebook.assignments}
    with open(dest, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(safe_row(COLUMNS))
        for row in rows:
            try:
                person = gradebook.find_student(row.student)
                names = (person.last_name, person.first_name, person.email)
            except MissingEntry:
                names = (None, None, None)
            raw = row.score if row.score is not None else 0.0
            final = row.final_score if row.final_score is not None else 0.0
            values = [row.assignment, due.get(row.assignment), row.timestamp, row.student, *names, points(raw),
                      points(row.late_penalty), final, points(row.max_score), row.status,
                      row.manual_pending, row.reason, " | ".join(row.flags), " | ".join(row.incidents),
                      row.late(), row.log]
            writer.writerow(safe_row(["" if v is None else v for v in values]))  # no formula from an id or name (csv_cells.py)


def export(course_dir: Path | str = ".", dest: Path | str = "grades.csv") -> tuple[list[Row], list[str]]:
    """Write the status-aware grades CSV; returns the rows and the warnings to show."""
    from nbgrader.api import Gradebook

    course = open_course(course_dir)
    with Gradebook(course.db_url, course.course_id) as gradebook:
        rows = list(_submission_rows(course, gradebook))
        write_csv(rows, gradebook, dest)
    return rows, warnings_for(rows)


# --- Canvas ------------------------------------------------------------------------------------------------
# Canvas's gradebook import (GradebookImporter in canvas-lms, app/models/gradebook_importer.rb) wants the
# columns of its own export: "Student", "ID", then optionally "SIS User ID" and "SIS Login ID", then "Section",
# then one column per assignment; a row whose first cell holds "Points Possible" gives each column's maximum,
# and a column whose Points Possible cell says "read only" is left out of the import. It finds each student by
# the Canvas ID, else the SIS User ID, else the SIS Login ID, else the name; an assignment by "Title (id)" or
# its title, and a column matching neither becomes a new assignment.
CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
CANVAS_ID_COLUMNS = ("SIS Login ID", "SIS User ID")
CANVAS_STATUS = "medialit status"
CANVAS_POINTS = "Points Possible"
CANVAS_READ_ONLY = "(read only)"


def _canvas_status(row: Row, include_provisional: bool = False) -> str:
    """One assignment's status for the status column (a blank score is never a zero: say why it is blank)."""
    if row.status == MANUAL:
        answers = f"{row.manual_pending} answer{'s' if row.manual_pending != 1 else ''}"
        text = (f"{MANUAL} ({answers}; score provisional)" if include_provisional else
                f"{MANUAL} ({answers}): score left blank until final")
    elif row.status == GRADED:
        text = GRADED
    else:
        text = f"{row.status}: score left blank"
    if row.late():
        text += f", {row.late()}"
    return f"{row.assignment}: {text}" + (f" FLAGGED ({len(row.flags)})" if row.flags else "")


def _canvas_number(value: float | None) -> str:
    return "" if value is None else f"{points(value):g}"


def canvas_table(rows: list[Row], gradebook: Any, *, per_task: bool = False, id_column: str = "SIS Login ID",
                 section: str = "", include_provisional: bool = False) -> list[list[str]]:
    """The Canvas import file's rows: header, Points Possible, then one row per student.

    A score is written for a submission that is graded (final); one that needs manual grading is left blank
    with the status column saying why, unless ``include_provisional`` (then its provisional score is written
    and the status says provisional). Failed, not graded yet or not submitted leave the cell blank, which
    Canvas reads as "no change". With ``per_task`` there is one column per graded cell (task or written
    answer), each its own grade: an answer still waiting for its manual grade is blank, every other cell of
    an autograded submission gets its points.
    """
    from nbgrader.api import MissingEntry

    if id_column not in CANVAS_ID_COLUMNS:
        raise ValueError(f"the Canvas id column must be one of {', '.join(CANVAS_ID_COLUMNS)}, not {id_column!r}")
    assignments = {a.name: a for a in gradebook.assignments}
    names = sorted({row.assignment for row in rows} & set(assignments))
    columns: list[tuple[str, str | None, float]] = []  # (assignment, grade cell or None, max score)
    for name in names:
        if per_task:
            grade_cells = sorted(((nb.name, cell) for nb in assignments[name].notebooks for cell in nb.grade_cells),
                                 key=lambda pair: (pair[0], pair[1].name))
            columns += [(name, cell.name, float(cell.max_score)) for _, cell in grade_cells]
        else:
            columns.append((name, None, float(assignments[name].max_score)))
    header = CANVAS_IDENTITY + [a if cell is None else f"{a}: {cell}" for a, cell, _ in columns] + [CANVAS_STATUS]
    points = [CANVAS_POINTS, "", "", "", ""] + [_canvas_number(top) for _, _, top in columns] + [CANVAS_READ_ONLY]
    table = [header, points]
    by_student: dict[str, dict[str, Row]] = {}
    for row in rows:
        by_student.setdefault(row.student, {})[row.assignment] = row
    for student in sorted(by_student):
        try:
            person = gradebook.find_student(student)
            last, first = (person.last_name or "").strip(), (person.first_name or "").strip()
            canvas_id = (person.lms_user_id or "").strip()  # Canvas's own number, from the roster import
        except MissingEntry:
            last = first = canvas_id = ""
        shown = f"{last}, {first}" if last and first else (last or first or student)
        ids = {"SIS User ID": "", "SIS Login ID": ""}
        ids[id_column] = student
        cells = []
        for assignment, cell, _ in columns:
            graded = by_student[student].get(assignment)
            # Per task, each cell is its own grade: final unless it waits for its manual grade (below).
            final = (GRADED, MANUAL) if include_provisional or cell is not None else (GRADED,)
            if graded is None or graded.status not in final:
                cells.append("")
            elif cell is None:
                cells.append(_canvas_number(graded.final_score or 0.0))
            else:
                try:
                    notebooks = gradebook.find_submission(assignment, student).notebooks
                    grade = next(g for nb in notebooks for g in nb.grades if g.name == cell)
                except (MissingEntry, StopIteration):
                    grade = None
                pending = grade is None or (grade.needs_manual_grade and grade.manual_score is None)
                cells.append("" if pending else _canvas_number(grade.score))
        status = "; ".join(_canvas_status(by_student[student][a], include_provisional)
                           for a in names if a in by_student[student])
        table.append([shown, canvas_id, ids["SIS User ID"], ids["SIS Login ID"], section] + cells + [status])
    return table


def export_canvas(course_dir: Path | str = ".", dest: Path | str = "canvas-grades.csv", *, per_task: bool = False,
                  id_column: str = "SIS Login ID", section: str = "", include_provisional: bool = False
                  ) -> tuple[list[Row], list[str]]:
    """Write the Canvas gradebook import file; returns the rows and the warnings to show."""
    from nbgrader.api import Gradebook

    course = open_course(course_dir)
    with Gradebook(course.db_url, course.course_id) as gradebook:
        rows = list(_submission_rows(course, gradebook))
        table = canvas_table(rows, gradebook, per_task=per_task, id_column=id_column, section=section,
                             include_provisional=include_provisional)
    with open(dest, "w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(safe_row(row) for row in table)
    warnings = warnings_for(rows)
    manual = sum(1 for row in rows if row.status == MANUAL)
    if manual and not include_provisional:
        warnings.append(f"{manual} score(s) left blank in {dest} until their manual grading is done "
                        "(--include-provisional writes them)")
    return rows, warnings


class StatusExportPlugin(CsvExportPlugin):
    """`nbgrader export` with a status column and a warning while grades are provisional (configure_nbgrader sets it)."""

    def export(self, gradebook: Any) -> None:
        coursedir = getattr(self.parent, "coursedir", None)
        if coursedir is None:
            raise RuntimeError("StatusExportPlugin runs inside `nbgrader export` (it needs the course directory)")
        course = Course(root=Path(coursedir.root).resolve(), db_url=coursedir.db_url,
                        course_id=coursedir.course_id or "default_course", source=coursedir.source_directory,
                        submitted=coursedir.submitted_directory, autograded=coursedir.autograded_directory)
        if not list(gradebook.assignments):
            # nbgrader opened (and, if it was missing, just created) the gradebook before calling us.
            raise RuntimeError(f"the gradebook {redact(course.db_url)} has no assignments: nothing to export. If it "
                               "did not exist, nbgrader export has just created it empty: delete it, and check "
                               "db_url in nbgrader_config.py (`python -m medialit.grading export` never creates one)")
        rows = list(_submission_rows(course, gradebook, [str(a) for a in self.assignment], [str(s) for s in self.student]))
        dest = self.to or "grades.csv"
        self.log.info("Exporting grades with their status to %s", dest)
        write_csv(rows, gradebook, dest)
        for warning in warnings_for(rows):
            self.log.warning("%s", warning)


def main(argv: list[str] | None = None) -> int:
    """`report [COURSE_DIR]` and `export [--to FILE] [--canvas FILE ...] [COURSE_DIR]` (medialit/grading/__main__.py).

    `report` exits 1 when a submission failed, else 0; `export` follows ``exit_status``: 0 written, 1 written
    with warnings, 2 refused (nothing written).
    """
    import argparse

    parser = argparse.ArgumentParser(prog="python -m medialit.grading")
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="every student x assignment with its status, flags, incidents, failures")
    rep.add_argument("course_dir", nargs="?", default=".")
    exp = sub.add_parser("export", help="grades.csv with a status column; warns while grades are provisional")
    exp.add_argument("course_dir", nargs="?", default=".")
    exp.add_argument("--to", default=None, help="output file (default: grades.csv in the course directory)")
    exp.add_argument("--canvas", default=None, metavar="FILE",
                     help="also (or, without --to, only) write FILE for Canvas's gradebook import")
    exp.add_argument("--per-task", action="store_true", help="Canvas file: one column per task, not per assignment")
    exp.add_argument("--canvas-id", choices=["sis-login", "sis-user"], default="sis-login",
                     help="Canvas file: put the nbgrader student id in SIS Login ID (default) or SIS User ID")
    exp.add_argument("--section", default="", help="Canvas file: the Section to write on every row (default blank)")
    exp.add_argument("--include-provisional", action="store_true",
                     help="Canvas file: also write scores still waiting for manual grading (default: left blank)")
    args = parser.parse_args(argv)
    try:
        if args.command == "report":
            rows = collect(args.course_dir)
            print("\n".join(format_report(rows, Path(args.course_dir))))
            # A failed submission is something to act on: scripts see it in the exit status.
            return 1 if any(row.status == FAILED for row in rows) else 0
        warnings: list[str] = []
        if args.canvas:
            id_column = "SIS Login ID" if args.canvas_id == "sis-login" else "SIS User ID"
            rows, warnings = export_canvas(args.course_dir, args.canvas, per_task=args.per_task,
                                           id_column=id_column, section=args.section,
                                           include_provisional=args.include_provisional)
            print(f"wrote {len({r.student for r in rows})} students to {args.canvas} (Canvas gradebook import)")
        if args.to or not args.canvas:
            dest = Path(args.to) if args.to else Path(args.course_dir) / "grades.csv"
            rows, csv_warnings = export(args.course_dir, dest)
            warnings += [w for w in csv_warnings if w not in warnings]
            print(f"wrote {len(rows)} rows to {dest}")
        for warning in warnings:
            print(f"WARNING: {warning}", file=sys.stderr)
        return exit_status(warnings)
    except ValueError as error:
        print(f"python -m medialit.grading {args.command}: {error}", file=sys.stderr)
        return EXIT_REFUSED
