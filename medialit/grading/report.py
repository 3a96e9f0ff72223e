"""Every submission's status: ``python -m medialit.grading report`` and the status-aware export.

Each student × assignment gets one status, from three sources compared with each other: the
folders (``submitted/``, ``autograded/``), the gradebook the course's nbgrader_config.py names
(SQLite or PostgreSQL, read through ``class_runner.load_course``), and the status store
(``grading-status/``, see status.py) with the reasons for flags, incidents and failures:

* ``graded``: autograded, nothing left to grade by hand;
* ``needs manual grading``: autograded, N answers still to grade by hand (the score is provisional);
* ``failed``: there is a submission, but it has no autograded notebook; the reason when known;
* ``not submitted``: nothing in ``submitted/`` and nothing in the gradebook;
* ``submitted, not graded yet``: in ``submitted/``, not yet autograded (or resubmitted since).

The report never creates a gradebook: a missing one is an error that says what to fix. nbgrader's
own ``nbgrader export`` uses ``StatusExportPlugin`` (set by ``configure_nbgrader``): the usual
grades.csv columns plus the status, and a warning while grades are provisional.
"""
from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

# class_runner first: it imports jsonschema the fast way before anything imports nbformat.
from .class_runner import Course, load_course, timestamp_of  # isort: skip
from nbgrader.plugins import CsvExportPlugin  # noqa: E402

from .status import read_all  # noqa: E402

GRADED = "graded"
MANUAL = "needs manual grading"
FAILED = "failed"
NOT_SUBMITTED = "not submitted"
PENDING = "submitted, not graded yet"
STATUSES = (GRADED, MANUAL, FAILED, PENDING, NOT_SUBMITTED)


class GradebookMissing(ValueError):
    """The configured gradebook does not exist or holds no nbgrader tables; nothing was created."""


@dataclass
class Row:
    """One student × assignment."""

    assignment: str
    student: str
    status: str
    score: float | None = None
    max_score: float | None = None
    late_penalty: float = 0.0
    timestamp: Any = None
    manual_pending: int = 0
    reason: str | None = None
    flags: list[str] = field(default_factory=list)
    incidents: list[str] = field(default_factory=list)

    def describe(self) -> str:
        text = self.status
        if self.status == MANUAL:
            text = f"{MANUAL} ({self.manual_pending} answer{'s' if self.manual_pending != 1 else ''})"
        elif self.status == FAILED:
            text = f"{FAILED} (NOT GRADED, counts 0)"
        # The words an instructor greps for stay on the submission's own line; the reasons follow below it.
        if self.flags:
            text += f"  FLAGGED ({len(self.flags)})"
        if self.incidents:
            text += f"  {len(self.incidents)} incident(s)"
        return text


def redact(db_url: str) -> str:
    """A database URL fit for a message: never print the password."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(db_url).render_as_string(hide_password=True)
    except Exception:
        return db_url.split("@")[-1]


def check_gradebook(course: Course) -> None:
    """Raise GradebookMissing unless the configured gradebook exists with nbgrader's tables; create nothing."""
    if course.is_sqlite and not course.db_path.is_file():
        # load_course already refuses this; kept so a Course built elsewhere gets the same answer.
        raise GradebookMissing(f"no gradebook at {course.db_path} (db_url in {course.root / 'nbgrader_config.py'})")
    from sqlalchemy import create_engine, inspect

    url = course.db_url
    if course.is_sqlite:
        # Read-only: connecting to SQLite must never create or change the file.
        url = f"sqlite:///file:{course.db_path}?mode=ro&uri=true"
    engine = None
    try:
        engine = create_engine(url, future=True)
        tables = set(inspect(engine).get_table_names())
    except Exception as error:  # a driver that is not installed, a server that is down, a wrong password
        raise GradebookMissing(f"cannot open the gradebook {redact(course.db_url)}: {error.__class__.__name__}: "
                               f"{str(error).splitlines()[0] if str(error) else ''}; check db_url in "
                               f"{course.root / 'nbgrader_config.py'} and that the database server is up") from None
    finally:
        if engine is not None:
            engine.dispose()
    if not {"assignment", "submitted_assignment", "student"} <= tables:
        raise GradebookMissing(f"the gradebook {redact(course.db_url)} has no nbgrader tables: run "
                               "`nbgrader generate_assignment <assignment>` in the course directory first, "
                               "or point db_url in nbgrader_config.py at the course's gradebook")


def open_course(course_dir: Path | str = ".") -> Course:
    """The course and its configured gradebook, checked to exist (ValueError says what to fix)."""
    try:
        course = load_course(Path(course_dir))
    except ValueError as error:
        if "no gradebook" in str(error):
            raise GradebookMissing(str(error)) from None
        raise
    check_gradebook(course)
    return course


def diagnose(folder: Path, notebooks: list[str]) -> str | None:
    """Why the notebooks in a submission folder cannot be graded, when the files themselves say so."""
    import nbformat

    problems = []
    for name in notebooks:
        path = folder / f"{name}.ipynb"
        if not path.is_file():
            problems.append(f"{name}.ipynb is missing from {folder} (nbgrader scores a missing notebook 0)")
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            problems.append(f"{name}.ipynb is not text (not a notebook file)")
            continue
        except ValueError as error:
            problems.append(f"{name}.ipynb is not valid JSON ({error}); ask the student for the notebook again")
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


def _submission_rows(course: Course, gradebook: Any, assignments: list[str] = (), students: list[str] = ()) -> Iterator[Row]:
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
                row.timestamp = submission.timestamp
                if any(nb.flagged for nb in submission.notebooks) and not row.flags:
                    row.flags.append("flagged in the gradebook: locked cells edited or deleted "
                                     "(reason not stored: graded before the status store existed; see the autograde log)")
            else:
                row.max_score = known[assignment].max_score
            if not folder.is_dir() and submission is None:
                row.status = NOT_SUBMITTED
                yield row
                continue
            graded_all = done.is_dir() and all((done / f"{nb}.ipynb").is_file() for nb in notebooks)
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
                row.status, row.reason = FAILED, record.get("reason") or found
                if record.get("log"):
                    row.reason = f"{row.reason} (log: {record['log']})"
            elif record.get("status") == "grading" or submission is not None:
                # nbgrader created the submission (or started its notebooks) and left no autograded copy.
                row.status = FAILED
                row.reason = found or record.get("reason") or "nbgrader could not grade it (see the autograde log)"
            else:
                row.status = PENDING
                if found:
                    row.reason = f"will fail: {found}"
            yield row


def collect(course_dir: Path | str = ".", assignments: list[str] = (), students: list[str] = ()) -> list[Row]:
    """Every student × assignment of the course with its status (GradebookMissing if there is no gradebook)."""
    from nbgrader.api import Gradebook

    course = open_course(course_dir)
    with Gradebook(course.db_url, course.course_id) as gradebook:
        return list(_submission_rows(course, gradebook, assignments, students))


def _score(row: Row) -> str:
    if row.score is None:
        return f"{'-':>6} / {row.max_score or 0:6.2f}"
    return f"{row.score:6.2f} / {row.max_score or 0:6.2f}"


def format_report(rows: list[Row]) -> list[str]:
    """The report's lines: one per student × assignment, its reasons indented below, then the counts."""
    lines = []
    for row in rows:
        lines.append(f"{row.assignment:<16} {row.student:<24} {_score(row)}  {row.describe()}")
        if row.reason:
            lines.append(f"    reason: {row.reason}")
        lines += [f"    FLAG {flag}" for flag in row.flags]
        lines += [f"    incident {incident}" for incident in row.incidents]
    counts = Counter(row.status for row in rows)
    manual = sum(row.manual_pending for row in rows)
    lines.append("total: " + ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s])
                 + (f" ({manual} answer(s) to grade by hand)" if manual else ""))
    return lines


def report(course: str | Path = ".") -> list[str]:
    """One line per student × assignment with its status, score, flags, incidents and failures."""
    return format_report(collect(course))


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
           "late_submission_penalty", "score", "max_score", "status", "manual_pending", "reason", "flags", "incidents"]


def write_csv(rows: list[Row], gradebook: Any, dest: Path | str) -> None:
    """nbgrader's grades.csv columns (same meaning, so LMS imports keep working) plus the status columns."""
    from nbgrader.api import MissingEntry

    due = {a.name: a.duedate for a in gradebook.assignments}
    with open(dest, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for row in rows:
            try:
                person = gradebook.find_student(row.student)
                names = (person.last_name, person.first_name, person.email)
            except MissingEntry:
                names = (None, None, None)
            raw = row.score if row.score is not None else 0.0
            values = [row.assignment, due.get(row.assignment), row.timestamp, row.student, *names, raw,
                      row.late_penalty, max(0.0, raw - row.late_penalty), row.max_score, row.status,
                      row.manual_pending, row.reason, " | ".join(row.flags), " | ".join(row.incidents)]
            writer.writerow(["" if v is None else v for v in values])


def export(course_dir: Path | str = ".", dest: Path | str = "grades.csv") -> tuple[list[Row], list[str]]:
    """Write the status-aware grades CSV; returns the rows and the warnings to show."""
    from nbgrader.api import Gradebook

    course = open_course(course_dir)
    with Gradebook(course.db_url, course.course_id) as gradebook:
        rows = list(_submission_rows(course, gradebook))
        write_csv(rows, gradebook, dest)
    return rows, warnings_for(rows)


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
    """`report [COURSE_DIR]` and `export [--to FILE] [COURSE_DIR]` (see medialit/grading/__main__.py)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m medialit.grading")
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="every student x assignment with its status, flags, incidents, failures")
    rep.add_argument("course_dir", nargs="?", default=".")
    exp = sub.add_parser("export", help="grades.csv with a status column; warns while grades are provisional")
    exp.add_argument("course_dir", nargs="?", default=".")
    exp.add_argument("--to", default=None, help="output file (default: grades.csv in the course directory)")
    args = parser.parse_args(argv)
    try:
        if args.command == "report":
            rows = collect(args.course_dir)
            print("\n".join(format_report(rows)))
        else:
            dest = Path(args.to) if args.to else Path(args.course_dir) / "grades.csv"
            rows, warnings = export(args.course_dir, dest)
            print(f"wrote {len(rows)} rows to {dest}")
            for warning in warnings:
                print(f"WARNING: {warning}", file=sys.stderr)
    except ValueError as error:
        print(f"python -m medialit.grading {args.command}: {error}", file=sys.stderr)
        return 2
    # A failed submission is something to act on: scripts see it in the exit status.
    return 1 if any(row.status == FAILED for row in rows) else 0
