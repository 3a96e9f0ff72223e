"""Grading for the course's nbgrader assignments. No module here holds an answer key.

One job per module:

* ``checks``         what students run beside each answer: form checks with kind hints, ``submit``
* ``award``          hidden-key scoring: ``award(task, spec)`` in the hidden tests, ``score_task``
* ``nbgrader_steps`` the autograde preprocessors and ``configure_nbgrader(c)`` for nbgrader_config.py
* ``sandbox``        the jail every student kernel runs in while it is graded
* ``sanitize``       what Formgrader and the feedback pages may render of a student's notebook
* ``class_runner``   parallel autograding of a whole class (``batch_worker`` is one worker)
* ``status``         each submission's flags, incidents, failure reason and answers, kept in the gradebook
* ``regrade``, ``missing_cells``  nbgrader steps the course fixes: regrades keep hand grading; deleted cells
* ``lms``, ``roster``, ``late``   LMS zips, rosters with LMS ids, extensions and the per-day penalty
* ``report``         every submission's status, the report and the export

The notebooks in solutions/ use ``from medialit import grading`` and call the names re-exported
below; ``nbgrader_config.py`` calls ``configure_nbgrader``, imported lazily so a student's kernel
does not pay for nbgrader.
"""
from __future__ import annotations

from typing import Any

from .._imports import import_jsonschema
from .award import TaskResult, award, hidden_awards, score_task, split_hidden
from .checks import (
    ANSWER_MIME,
    AnswerError,
    check_choice,
    check_labels,
    check_numbers,
    check_phrases,
    check_words,
    install_friendly_errors,
    plain,
    submit,
)

# nbgrader, nbconvert and nbformat import jsonschema; imported the fast way first it saves ~2 s per process
# (medialit/_imports.py). medialit's own import already does so; the call here says it where it matters:
# Python runs this package's __init__ before any module of it, so no grading module needs its own call before
# its imports (tests/test_grading_course.py checks the result).
import_jsonschema()
# In a notebook, a check run before its answer says "answer the cell above first" instead of a NameError
# (checks._friendly_errors); outside IPython this does nothing.
install_friendly_errors()

__all__ = ["ANSWER_MIME", "AnswerError", "TaskResult", "award", "check_choice", "check_labels", "check_numbers",
           "check_phrases", "check_words", "configure_nbgrader", "hidden_awards", "plain", "score_task", "split_hidden",
           "submit"]


def __getattr__(name: str) -> Any:
    # nbgrader's steps import nbconvert; only the grader needs them.
    if name in {"configure_nbgrader", "FlagTampering", "StashHiddenTests", "ScoreAnswers", "STASHED_NOTE"}:
        from . import nbgrader_steps
        return getattr(nbgrader_steps, name)
    raise AttributeError(f"module 'medialit.grading' has no attribute {name!r}")
