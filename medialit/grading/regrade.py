"""Regrading keeps hand grading: only the automatic points of a submission change.

Why this is needed: nbgrader's ``SaveAutoGrades`` (nbgrader 0.9.6, preprocessors/saveautogrades.py) sets
``needs_manual_grade = True`` on every grade that has a ``manual_score`` ("graders can override ... may need
to review"), and on every written answer (its ``auto_score`` is None), each time a submission is autograded.
So ``nbgrader autograde --force`` (or a resubmission, or ``grade-class --force``) turns every answer a
grader had finished back into "needs manual grading": the score is kept, but feedback says "Not final" and
every export calls the grade provisional. nbgrader keeps the submission's rows (``update_or_create_submission``
finds the existing submission; manual scores, extra credit and manual comments are never written by
autograde), so the fix is one rule, used by the autograde step and by class_runner's merge:

* a grade a grader has settled (a ``manual_score`` and ``needs_manual_grade`` False) stays settled;
* any other grade gets nbgrader's rule: it needs a manual grade when it has a manual score or no
  automatic score.

What the rule gives up: a *resubmission* graded again keeps its earlier hand grades as settled too (nbgrader
would ask for a second look). docs/grading.md says so: look at a resubmitted written answer again in
Formgrader (the report lists resubmissions before they are regraded).
"""
from __future__ import annotations

from typing import Any

from nbgrader import utils
from nbgrader.preprocessors import SaveAutoGrades


def settled(grade: Any) -> bool:
    """A grader has finished this grade: it has a manual score and nobody asked for another look."""
    return grade.manual_score is not None and not grade.needs_manual_grade


def needs_manual_grade(grade: Any, auto_score: float | None) -> bool:
    """Whether `grade` (its state before this autograde) needs a manual grade after scoring `auto_score`."""
    if settled(grade):
        return False
    return grade.manual_score is not None or auto_score is None


class KeepHandGrading(SaveAutoGrades):
    """nbgrader's SaveAutoGrades, except that a grade a grader settled stays settled (see the module text)."""

    def _add_score(self, cell: Any, resources: Any) -> None:
        grade = self.gradebook.find_grade(cell.metadata["nbgrader"]["grade_id"], self.notebook_id,
                                          self.assignment_id, self.student_id)
        auto_score, _ = utils.determine_grade(cell, self.log)
        grade.needs_manual_grade = needs_manual_grade(grade, auto_score)
        grade.auto_score = auto_score
        self.gradebook.db.commit()


def install(autograde: list[Any]) -> None:
    """Put KeepHandGrading where nbgrader's SaveAutoGrades is in the autograde steps (configure_nbgrader)."""
    if SaveAutoGrades not in autograde:
        raise RuntimeError("nbgrader's autograde steps have no SaveAutoGrades; update medialit.grading.regrade")
    autograde[autograde.index(SaveAutoGrades)] = KeepHandGrading
