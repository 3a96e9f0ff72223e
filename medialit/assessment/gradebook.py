"""The check's answers read from a course: its nbgrader gradebook and the answers kept at autograding.

``read_course(course_dir, check)`` gives the same ``Student`` structures the CSV reader gives
(medialit.assessment.records), so both feed one report, plus one ``FormStatus`` per student and form.
The roster and each submission's status come from medialit.grading.report.collect (the gradebook named
by db_url in the course's nbgrader_config.py, SQLite or PostgreSQL, opened without ever creating one);
the answers come from medialit.grading.status.read_answers (what each student's hand-in cell recorded,
kept in grading-status/ by the autograder). A form a student did not hand in, or that could not be
graded, is reported as missing with the reason, never dropped silently.

Correctness is computed here and in the report only, from check.yaml: the assignments themselves are
graded for taking part (medialit.assessment.forms).
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from ..grading.checks import AnswerError, check_choice
from .answering import CONFIDENCE_RANGE, task_of
from .check import Check
from .forms import ASSIGNMENTS
from .records import TAKEN, FormStatus, ReportDataError, Student

__all__ = ["TAKEN", "FormStatus", "read_groups", "read_course"]


def read_groups(path: Path | str) -> dict[str, str]:
    """Optional groups of a class: a CSV with the columns student and group."""
    path = Path(path)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if not {"student", "group"} <= set(reader.fieldnames or []):
            raise ReportDataError(f"{path}: the header must name the columns student and group.")
        return {row["student"].strip(): (row["group"] or "").strip() for row in reader}


def _responses(check: Check, form: str, record: Any) -> tuple[dict[str, dict[str, Any]] | None, str]:
    """The answers of one hand-in record, keyed by item, or None and why they cannot be used."""
    if not isinstance(record, dict) or not isinstance(record.get("items"), dict):
        return None, "its hand-in cell recorded no answers"
    if record.get("edition") != check.edition:
        return None, (f"answered edition {record.get('edition')!r} of the check, but check.yaml is edition "
                      f"{check.edition!r}: report it with that edition's check.yaml")
    if record.get("form") != form:
        return None, f"the notebook handed in is form {record.get('form')!r}, not {form!r}"
    responses = {}
    for item in check.items(form):
        entry = record["items"].get(item.id)
        if not isinstance(entry, dict):
            continue
        options = [o.value for o in check.questions[item.skill].options]
        try:
            clean = check_choice(entry.get("answer"), entry.get("confidence"), options, item=item.id,
                                 confidence_range=CONFIDENCE_RANGE)
        except AnswerError:
            continue  # counted as not answered, as the participation points counted it
        responses[item.id] = {"answer": clean["answer"], "confidence": float(clean["confidence"]) / 100}
    return responses, ""


def read_course(course_dir: Path | str, check: Check, groups: dict[str, str] | None = None
                ) -> tuple[dict[str, Student], list[FormStatus]]:
    """Every student of the course's gradebook with their check answers, and each form's status."""
    from ..grading.report import GRADED, MANUAL, collect
    from ..grading.status import read_answers

    rows = collect(course_dir, assignments=list(ASSIGNMENTS.values()))
    if not rows:
        raise ReportDataError(f"the gradebook of {course_dir} has none of the check's assignments "
                              f"({', '.join(ASSIGNMENTS.values())}): release them first "
                              "(python -m medialit.assessment.forms, then nbgrader generate_assignment 'check-*').")
    kept = read_answers(Path(course_dir))
    groups = groups or {}
    students: dict[str, Student] = {}
    statuses: list[FormStatus] = []
    order = list(ASSIGNMENTS)
    form_of_assignment = {name: form for form, name in ASSIGNMENTS.items()}  # collect() kept only these
    for row in sorted(rows, key=lambda r: (r.student, order.index(form_of_assignment[r.assignment]))):
        form = form_of_assignment[row.assignment]
        student = students.setdefault(row.student, Student(row.student, groups.get(row.student, "")))
        total = len(check.items(form))
        entry = kept.get((row.assignment, row.student), {}).get(task_of(row.assignment))
        if row.status not in (GRADED, MANUAL):
            why = row.status + (f": {row.reason}" if row.reason else "")
            statuses.append(FormStatus(row.student, form, f"missing ({why})", 0, total))
            continue
        if entry is None:
            statuses.append(FormStatus(row.student, form, "missing (graded, but no answers were kept: it was graded "
                                                          "before answers were kept; autograde it again)", 0, total))
            continue
        responses, why = _responses(check, form, entry.get("answer"))
        if responses is None:
            statuses.append(FormStatus(row.student, form, f"missing ({why})", 0, total))
        elif not responses:
            statuses.append(FormStatus(row.student, form, "missing (handed in with no item answered)", 0, total))
        else:
            student.responses[form] = responses
            statuses.append(FormStatus(row.student, form, TAKEN, len(responses), total))
    return students, statuses
