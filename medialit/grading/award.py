"""Hidden-key scoring: a hidden-test spec and a plain answer in, points and feedback out.

``award(task, spec)`` sits in the hidden tests of solutions/; ``spec`` (a literal dict) carries the
key. ``score_task(spec, answer)`` is the one scoring function: it calls ``medialit.scoring``. Under
``nbgrader autograde`` the hidden tests never reach the student's kernel: ``split_hidden`` and
``hidden_awards`` read them in the grader (``nbgrader_steps.StashHiddenTests``) and in the key-leak
tests.

Scoring policy (stated to students in each notebook):

* phrases: points x ``medialit.scoring.phrase_credit(F1)`` (span F1 of docs/DESIGN.md section 3, via
  ``medialit.scoring.span_prf``), rounded down to 0.01: full points from an F1 of 0.6 (the book's "good
  work"), none at 0.3 or below (marking whole paragraphs scores less), evenly in between. One mapping
  for every phrase task: a spec may not set its own (``min_f1`` is refused).
* labels, words: points x (correct items / items), per item and field. A labels key may list, for a
  contested item, every accepted answer with its reason (``[{"label": ..., "why": ...}, ...]``, see
  ``medialit.scoring.score_labels``); each earns the point, and the feedback says only that the item
  is contested, never which answers are accepted.
* numbers: points x (numbers within tolerance / numbers).
* participation (the discernment check's assignments, medialit.assessment.forms): points x (items
  answered in a valid form / items). The spec lists each item's options and no key; which option a
  student chose never changes the points. Its points may be 0 (the instructor's choice of weight).
"""
from __future__ import annotations

import ast
import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import scoring
from ..assessment.phrase_spans import phrase_spans
from ..case import Case, load_case
from .checks import (
    SUBMITTED,
    AnswerError,
    check_choice,
    check_labels,
    check_numbers,
    check_phrases,
    check_words,
    course_case,
    normalise_answer,
)

# nbgrader's own delimiters (ClearHiddenTests matches them anywhere in a line).
HIDDEN_BEGIN = "BEGIN HIDDEN TESTS"
HIDDEN_END = "END HIDDEN TESTS"


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TaskResult:
    points: float
    max_points: float
    feedback: str


def _spec_error(problem: str) -> ValueError:
    return ValueError(f"grading spec: {problem} (fix the hidden tests in solutions/).")


def score_task(spec: Mapping[str, Any], answer: object, *, case: Case | None = None) -> TaskResult:
    """Score one answer (plain JSON values) against one hidden-test spec."""
    # A generated notebook's spec names its case (the grader may score several cases in one process).
    case = case or (load_case(spec["case"]) if type(spec.get("case")) is str else course_case())
    kind, points = spec.get("kind"), spec.get("points")
    # A participation task may weigh nothing (the instructor's choice); a task with a key must be worth something.
    lowest_ok = (lambda p: p >= 0) if kind == "participation" else (lambda p: p > 0)
    if not (type(points) is int or type(points) is float) or not lowest_ok(points):
        raise _spec_error(f"points must be a {'non-negative' if kind == 'participation' else 'positive'} number, "
                          f"not {points!r}")
    try:
        if kind == "participation":
            fraction, feedback = _score_participation(spec, answer)
        elif kind == "phrases":
            fraction, feedback = _score_phrases(spec, answer, case)
        elif kind == "labels":
            fraction, feedback = _score_labels(spec, answer)
        elif kind == "words":
            fraction, feedback = _score_words(spec, answer, case)
        elif kind == "numbers":
            fraction, feedback = _score_numbers(spec, answer)
        else:
            raise _spec_error(f"unknown kind {kind!r}")
    except AnswerError as error:
        return TaskResult(0.0, float(points), f"No points: {error}")
    earned = math.floor(points * fraction * 100 + 1e-9) / 100
    return TaskResult(earned, float(points), feedback + f"\nPoints: {earned:g} of {points:g}.")


def _score_phrases(spec: Mapping[str, Any], answer: object, case: Case) -> tuple[float, str]:
    if "min_f1" in spec:
        raise _spec_error("'min_f1' is no longer a setting: every phrase task uses "
                          "medialit.scoring.phrase_credit; remove it")
    try:
        spans = phrase_spans(spec, case)  # the same spans the class report counts (medialit.assessment.phrase_spans)
    except ValueError as error:
        raise _spec_error(str(error)) from None
    phrases = check_phrases(answer, spec["paragraphs"], name="your phrases", case=case)
    result = scoring.span_prf(spans.of(phrases), list(spans.key))
    fraction = scoring.phrase_credit(result.f1)
    note = (f"\nCredit: {fraction:.0%} of the points (full from an F1 of {scoring.FULL_CREDIT_F1:g}, "
            f"none at {scoring.NO_CREDIT_F1:g} or below, evenly in between).")
    return fraction, result.summary() + note


def _score_labels(spec: Mapping[str, Any], answer: object) -> tuple[float, str]:
    key, allowed = spec["key"], spec["allowed"]
    clean = check_labels(answer, list(key), allowed, name="your answer")
    result = scoring.score_labels(clean, key, allowed=allowed)
    # Per-item right/wrong, never the expected label nor the case for each reading: feedback goes to
    # students and must not carry the key. A contested item only says that it is contested.
    lines = [f"You got {result.correct} of {result.total} right."]
    for item in result.items:
        label = item.item if item.field is None else f"{item.item} ({item.field})"
        note = " (more than one reading is defensible here; each earns the point)" if item.contested else ""
        lines.append(f"  {label}: {'right' if item.correct else 'not right'}{note}")
    if any(item.contested for item in result.items):
        lines.append("Where more than one reading is defensible, your instructor can discuss the case for each.")
    return result.score, "\n".join(lines)


def _score_words(spec: Mapping[str, Any], answer: object, case: Case) -> tuple[float, str]:
    key, paragraphs = spec["key"], spec["paragraphs"]
    clean = check_words(answer, list(key), paragraphs, name="your answer", case=case)
    right = {item: normalise_answer(clean[item]) in {normalise_answer(form) for form in forms} for item, forms in key.items()}
    lines = [f"You got {sum(right.values())} of {len(right)} right."]
    lines += [f"  {item}: {'right' if ok else 'not right'}" for item, ok in right.items()]
    return sum(right.values()) / len(right), "\n".join(lines)


def _score_numbers(spec: Mapping[str, Any], answer: object) -> tuple[float, str]:
    key = spec["key"]
    clean = check_numbers(answer, list(key), name="your answer")
    right = {name: abs(clean[name] - want["value"]) <= want.get("tolerance", 0) for name, want in key.items()}
    lines = [f"You got {sum(right.values())} of {len(right)} right."]
    lines += [f"  {name}: {'right' if ok else 'not right'}" for name, ok in right.items()]
    return sum(right.values()) / len(right), "\n".join(lines)


def _score_participation(spec: Mapping[str, Any], answer: object) -> tuple[float, str]:
    """The share of items answered with a valid option and confidence; never reads (nor has) a key."""
    if "key" in spec:
        raise _spec_error("a participation task has no key (its points never depend on the answers chosen); "
                          "remove 'key'")
    items, bounds = spec.get("items"), spec.get("confidence")
    if type(items) is not dict or not items or any(type(o) is not list or not o for o in items.values()):
        raise _spec_error("'items' must map each item id to its list of options")
    if type(bounds) is not list or len(bounds) != 2:
        raise _spec_error("'confidence' must be [lowest, highest]")
    if type(answer) is not dict or type(answer.get("items")) is not dict:
        raise AnswerError("no answers were recorded: answer the items, then run the last cell.")
    if answer.get("form") != spec.get("form"):
        raise AnswerError(f"the answers recorded are for form {answer.get('form')!r}, not {spec.get('form')!r}: "
                          "this is another form's notebook; hand in the notebook you were given.")
    given = answer["items"]
    answered, skipped = [], []
    for item, options in items.items():
        entry = given.get(item)
        try:
            if type(entry) is not dict:
                raise AnswerError("not answered")
            check_choice(entry.get("answer"), entry.get("confidence"), options, item=item,
                         confidence_range=(bounds[0], bounds[1]))
            answered.append(item)
        except AnswerError:
            skipped.append(item)
    lines = [f"You answered {len(answered)} of {len(items)} items."]
    if skipped:
        lines.append(f"Not answered (or not in a valid form): {', '.join(skipped)}.")
    lines.append("This check gives points for taking part: every answered item counts the same, whatever you chose.")
    return len(answered) / len(items), "\n".join(lines)


def award(task: str, spec: Mapping[str, Any]) -> float:
    """Hidden-test entry point when a solution notebook runs in plain Jupyter (or under nbval).

    Under ``nbgrader autograde`` the hidden tests never reach the kernel (``StashHiddenTests``); if
    this runs there anyway, the course's nbgrader_config.py lacks ``configure_nbgrader(c)`` and the
    grade would be computed in a kernel the student controls, so it refuses loudly.
    """
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":
        raise RuntimeError("medialit's grading preprocessors are not configured: add "
                           "`from medialit.grading import configure_nbgrader; configure_nbgrader(c)` "
                           "to nbgrader_config.py and autograde again.")
    if task not in SUBMITTED:
        raise AnswerError(f"No answer was recorded for task {task}: run the checks above first.")
    result = score_task(spec, json.loads(SUBMITTED[task])["answer"])
    print(result.feedback)
    return result.points


# --------------------------------------------------------------------------------------------
# Reading hidden tests (the grader, tests/test_no_key_leak.py)
# --------------------------------------------------------------------------------------------

def split_hidden(source: str) -> tuple[str, str | None]:
    """Return (source without the hidden-test region, the region's lines) as nbgrader delimits them."""
    kept: list[str] = []
    hidden: list[str] = []
    inside = found = False
    for line in source.split("\n"):
        if HIDDEN_BEGIN in line:
            if inside:
                raise ValueError("nested hidden-test regions")
            inside = found = True
        elif HIDDEN_END in line:
            inside = False
        elif inside:
            hidden.append(line)
        else:
            kept.append(line)
    if inside:
        raise ValueError("a hidden-test region has no end marker")
    return "\n".join(kept), ("\n".join(hidden) if found else None)


def hidden_awards(hidden: str) -> list[tuple[str, dict[str, Any]]]:
    """Every ``award("task", {...})`` call in a hidden-test region, with its literal spec."""
    calls = []
    for node in ast.walk(ast.parse(hidden)):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) == "award":
            if len(node.args) != 2 or node.keywords:
                raise ValueError("award() takes exactly two positional arguments: the task id and a literal spec")
            task, spec = ast.literal_eval(node.args[0]), ast.literal_eval(node.args[1])
            if type(task) is not str or type(spec) is not dict:
                raise ValueError("award(task, spec) needs a string task id and a dict spec")
            calls.append((task, spec))
    return calls

