"""The records the assessment's readers and reports share: a student's answers, a form's status, a data error.

Their own module, so the CSV reader and the report (``report.py``) and the course reader (``gradebook.py``)
all import them from here and not from each other (the two used to import each other).
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Student", "FormStatus", "ReportDataError", "TAKEN"]

TAKEN = "taken"


class ReportDataError(ValueError):
    """The responses file or the course cannot be read; the message names the row (or the folder) and the fix."""


@dataclass
class Student:
    """One student of the check: their group and their answers, form -> item -> {"answer", "confidence"}."""

    id: str
    group: str
    responses: dict[str, dict[str, dict[str, object]]] = field(default_factory=dict)


@dataclass(frozen=True)
class FormStatus:
    """One student and one form: taken (with how many items answered) or missing, and why."""

    student: str
    form: str
    status: str  # TAKEN, or the reason the form is missing
    answered: int = 0
    total: int = 0
