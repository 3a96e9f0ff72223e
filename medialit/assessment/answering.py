"""What a student's check notebook runs: answer each item, then hand the answers in.

The check's nbgrader assignments (solutions/check-*/, made by ``python -m medialit.assessment.forms``)
call ``CheckForm(form, edition=...)`` in their setup cell, ``answer(item, choice, confidence=...)`` under
each item and ``form.submit()`` in their one graded cell. ``answer`` checks only the form of an answer
(one of the item's options, a confidence from 50 to 100) and says what to fix; it never says whether an
answer is right: the assignments give points for taking part, and correctness is computed only in the
instructor's class report (``python -m medialit.assessment.report --course .``).
"""
from __future__ import annotations

from typing import Any

from ..case import current_case
from ..grading.checks import AnswerError, check_choice, submit
from .check import load_check

CONFIDENCE_RANGE = (50, 100)


def task_of(assignment: str) -> str:
    """The graded task of a check assignment (one per notebook: all its answers)."""
    return f"{assignment}/answers"


class CheckForm:
    """One form of the check, as a student answers it in a notebook."""

    def __init__(self, form: str, *, assignment: str, edition: str, case: str | None = None) -> None:
        check = load_check(case or current_case())
        if check.edition != edition:
            raise AnswerError(f"This notebook was made for edition {edition} of the check, but the course installed "
                              f"here has edition {check.edition}. Ask your instructor for the current notebook.")
        self.form, self.assignment, self.edition = form, assignment, edition
        self.options = {item.id: [option.value for option in check.questions[item.skill].options]
                        for item in check.items(form)}
        self.answers: dict[str, dict[str, Any]] = {}

    def answer(self, item: object, choice: object = ..., confidence: object = ...) -> None:
        """Record one answer after checking its form; a second answer to the same item replaces the first."""
        if type(item) is not str or item not in self.options:
            raise AnswerError(f"{item!r} is not an item of this form; copy the item's name from the line above "
                              f"the cell (for example {next(iter(self.options))!r}).")
        self.answers[item] = check_choice(choice, confidence, self.options[item], item=item,
                                          confidence_range=CONFIDENCE_RANGE)
        print(f"Recorded for {item}: {self.answers[item]['answer']!r}, {self.answers[item]['confidence']:g} % sure "
              f"({len(self.answers)} of {len(self.options)} items answered).")

    def submit(self) -> None:
        """Record every answer given so far for grading (points for each item answered, whatever the choice)."""
        missing = [item for item in self.options if item not in self.answers]
        ordered = {item: self.answers[item] for item in self.options if item in self.answers}
        submit(task_of(self.assignment), {"form": self.form, "edition": self.edition, "items": ordered})
        if missing:
            print(f"Not answered yet: {', '.join(missing)}. Answer them above and run this cell again; "
                  "each answered item counts.")
        else:
            print(f"All {len(self.options)} items answered. Thank you.")
