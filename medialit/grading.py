"""Grading for the course's nbgrader assignments. This module holds no answer key.

Three layers, used by the notebooks in solutions/ and by nbgrader_config.py:

* Checks students see (``check_phrases``, ``check_labels``, ``check_words``, ``check_numbers``):
  they test the *form* of an answer and raise :class:`AnswerError` with a hint saying what to fix.
  ``submit(task, answer)`` then records the checked answer as a plain-JSON display output.
* ``award(task, spec)`` sits in the hidden tests; ``spec`` (a literal dict) carries the key.
  ``score_task(spec, answer)`` is the one scoring function: it calls ``medialit.scoring``.
* Autograding preprocessors, switched on by ``configure_nbgrader(c)`` in nbgrader_config.py:

  - ``FlagTampering`` (before nbgrader's OverwriteCells) compares every locked cell of a submission
    with the released cell and flags the submitted notebook in the gradebook when a locked cell was
    edited or deleted (nbgrader restores them, but would otherwise only log a warning, and it logs
    the same warning for every cell with hidden tests, which drowns the real ones).
  - ``StashHiddenTests`` (before execution) takes the hidden tests out of each test cell, so the
    student's kernel never receives a key.
  - ``ScoreAnswers`` (after execution) reads the answer record each test cell produced and scores it
    here, in the grader's own process, with the scorer imported before any student code ran. The
    cell's outputs are replaced by the feedback and the points. Nothing the student's code does in
    its kernel (redefining the scorer, patching IPython's display machinery, printing numbers,
    rigged ``__eq__``) can change a score: the only thing it can influence is the answer itself,
    which arrives as plain JSON and is checked again here.

Scoring policy (stated to students in each notebook):

* phrases: points x F1 (span F1 of DESIGN.md section 3, via ``medialit.scoring.span_prf``), rounded
  to 0.01; an F1 below ``spec["min_f1"]`` (default 0.4) earns 0, so marking whole sentences or the
  whole paragraph does not earn points.
* labels, words: points x (correct items / items), per item and field.
* numbers: points x (numbers within tolerance / numbers).
"""
from __future__ import annotations

import ast
import json
import logging
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._imports import import_jsonschema

# nbconvert imports nbformat, which imports jsonschema: import it the fast way first (see _imports.py).
import_jsonschema()
from nbconvert.preprocessors import Preprocessor  # noqa: E402
from traitlets import Bool

from . import CASE, scoring
from .case import Case, load_case

ANSWER_MIME = "application/vnd.medialit.answer+json"
# nbgrader's own delimiters (ClearHiddenTests matches them anywhere in a line).
HIDDEN_BEGIN = "BEGIN HIDDEN TESTS"
HIDDEN_END = "END HIDDEN TESTS"
STASHED_NOTE = "# (hidden tests were scored by medialit.grading outside this notebook's kernel)"

MAX_PHRASES = 8
MAX_PHRASE_WORDS = 10
DEFAULT_MIN_F1 = 0.4

log = logging.getLogger(__name__)


class AnswerError(ValueError):
    """The answer has the wrong form; the message says what to change."""


# --------------------------------------------------------------------------------------------
# Plain values: an answer is copied into fresh built-in objects before anything else sees it.
# --------------------------------------------------------------------------------------------

def _kind(value: object) -> str:
    return type(value).__name__


def plain(value: object, name: str = "answer", _depth: int = 0) -> Any:
    """A fresh copy of ``value`` made only of dict/list/str/int/float/bool/None, or AnswerError.

    Subclasses are refused (a ``str`` subclass could carry a rigged ``__eq__`` or ``__hash__``).
    """
    if _depth > 6:
        raise AnswerError(f"{name} is nested too deeply; use a flat list or dict.")
    kind = type(value)
    if value is None or kind is bool:
        return value
    if kind is str:
        return str.__str__(value)
    if kind is int:
        return int.__index__(value)
    if kind is float:
        if not math.isfinite(value):
            raise AnswerError(f"{name} contains {value!r}; use an ordinary number.")
        return float.__float__(value)
    if kind in (list, tuple):
        items = list.__iter__(value) if kind is list else tuple.__iter__(value)
        return [plain(item, f"{name}[{i}]", _depth + 1) for i, item in enumerate(items)]
    if kind is dict:
        out: dict[str, Any] = {}
        for key, item in dict.items(value):
            if type(key) is not str:
                raise AnswerError(f"{name} has a key of type {_kind(key)}; keys must be plain strings in quotes.")
            out[str.__str__(key)] = plain(item, f"{name}[{key!r}]", _depth + 1)
        return out
    raise AnswerError(
        f"{name} contains a value of type {kind.__name__}; answers must be made of plain strings, numbers, "
        "lists and dicts (no custom classes, sets or subclasses)."
    )


def _case() -> Case:
    return load_case(CASE)


def _region(case: Case, paragraphs: int | list[int] | tuple[int, ...]) -> tuple[int, int, str]:
    numbers = [paragraphs] if type(paragraphs) is int else list(paragraphs)
    first, last = case.paragraph(numbers[0]), case.paragraph(numbers[-1])
    where = (f"paragraph {numbers[0]}" if len(numbers) == 1
             else f"paragraphs {', '.join(map(str, numbers[:-1]))} and {numbers[-1]}")
    return first.start, last.end, where


# --------------------------------------------------------------------------------------------
# Checks students see
# --------------------------------------------------------------------------------------------

def check_phrases(phrases: object, paragraph: int | list[int], *, name: str = "phrases",
                  case: Case | None = None) -> list[str]:
    """Check a list of phrases copied from the given paragraph(s); return a clean copy."""
    case = case or _case()
    start, end, where = _region(case, paragraph)
    if type(phrases) is str:
        raise AnswerError(f"`{name}` must be a list of strings, e.g. [\"first phrase\", \"second phrase\"], "
                          "not one string: put square brackets around it.")
    if type(phrases) not in (list, tuple):
        raise AnswerError(f"`{name}` must be a list of strings that occur in {where}, not a {_kind(phrases)}.")
    clean = plain(phrases, name)
    if not clean:
        raise AnswerError(f"`{name}` is empty: add the phrases from {where} you think are loaded.")
    if len(clean) > MAX_PHRASES:
        raise AnswerError(f"`{name}` has {len(clean)} phrases; give at most {MAX_PHRASES}, the ones that matter most.")
    for number, phrase in enumerate(clean, start=1):
        if type(phrase) is not str:
            raise AnswerError(f"`{name}`: item {number} is a {_kind(phrase)}; each item must be a phrase in quotes.")
        words = len(phrase.split())
        if words > MAX_PHRASE_WORDS:
            raise AnswerError(f"`{name}`: item {number} has {words} words; mark at most {MAX_PHRASE_WORDS} words per "
                              "phrase, only the words that do the work.")
    try:
        scoring.phrases_to_spans(clean, case.text, within=(start, end), where=where)
    except ValueError as error:
        raise AnswerError(f"`{name}`: {error}. Every phrase must be copied from {where}.") from None
    return [p.strip() for p in clean]


def _check_mapping(answers: object, items: list[str], name: str) -> dict[str, Any]:
    if type(answers) is not dict:
        raise AnswerError(f"`{name}` must be a dict with one entry per item ({', '.join(map(repr, items))}), "
                          f"not a {_kind(answers)}.")
    clean = plain(answers, name)
    missing = [i for i in items if i not in clean]
    extra = [k for k in clean if k not in items]
    if extra:
        raise AnswerError(f"`{name}` has unknown item(s) {', '.join(map(repr, extra))}; the items are "
                          f"{', '.join(map(repr, items))}.")
    if missing:
        raise AnswerError(f"`{name}` has no answer for {', '.join(map(repr, missing))}; fill in every item.")
    return clean


def _norm(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"').split()).casefold()


def check_labels(answers: object, items: list[str], allowed: list[str] | dict[str, list[str]], *,
                 name: str = "answers") -> dict[str, Any]:
    """Check a dict item -> label (or item -> {field: label}) against the allowed labels."""
    clean = _check_mapping(answers, items, name)
    for item, value in clean.items():
        if isinstance(allowed, dict):
            if type(value) is not dict:
                example = ", ".join(f"{f!r}: ..." for f in allowed)
                raise AnswerError(f"`{name}[{item!r}]` must be a dict like {{{example}}}, not a {_kind(value)}.")
            for field in allowed:
                if field not in value:
                    raise AnswerError(f"`{name}[{item!r}]` has no {field!r}; give one of: {', '.join(allowed[field])}.")
            for field, label in value.items():
                if field not in allowed:
                    raise AnswerError(f"`{name}[{item!r}]` has an unknown field {field!r}; the fields are "
                                      f"{', '.join(map(repr, allowed))}.")
                _check_label(label, allowed[field], f"{name}[{item!r}][{field!r}]")
        else:
            _check_label(value, allowed, f"{name}[{item!r}]")
    return clean


def _check_label(label: object, allowed: list[str], where: str) -> None:
    if type(label) is not str:
        raise AnswerError(f"`{where}` must be one of {', '.join(map(repr, allowed))} (a string), not {_kind(label)}.")
    if _norm(label) not in {_norm(a) for a in allowed}:
        raise AnswerError(f"`{where}` is {label!r}; use one of: {', '.join(map(repr, allowed))}.")


def check_words(answers: object, items: list[str], paragraphs: dict[str, int], *, name: str = "answers",
                case: Case | None = None) -> dict[str, str]:
    """Check a dict item -> words copied from that item's paragraph (e.g. a reporting verb)."""
    case = case or _case()
    clean = _check_mapping(answers, items, name)
    for item, value in clean.items():
        if type(value) is not str or not value.strip():
            raise AnswerError(f"`{name}[{item!r}]` must be the words in quotes, copied from paragraph "
                              f"{paragraphs[item]}.")
        if len(value.split()) > 4:
            raise AnswerError(f"`{name}[{item!r}]` has {len(value.split())} words; give only the reporting verb "
                              "(and the words that go with it), at most 4 words.")
        if _norm(value) not in _norm(case.paragraph(paragraphs[item]).text):
            raise AnswerError(f"`{name}[{item!r}]` is {value!r}, which does not occur in paragraph "
                              f"{paragraphs[item]}; copy the words exactly.")
    return clean


def check_numbers(answers: object, names: list[str], *, name: str = "answers") -> dict[str, float]:
    """Check a dict name -> number."""
    clean = _check_mapping(answers, names, name)
    for key, value in clean.items():
        if type(value) not in (int, float):
            raise AnswerError(f"`{name}[{key!r}]` must be a number (int or float), not {_kind(value)}.")
    return clean


# --------------------------------------------------------------------------------------------
# Recording and scoring
# --------------------------------------------------------------------------------------------

_SUBMITTED: dict[str, str] = {}


def submit(task: str, answer: object) -> None:
    """Record a checked answer for ``task`` as plain JSON (the autograder reads this record)."""
    record = json.dumps({"task": task, "answer": plain(answer)}, ensure_ascii=False, allow_nan=False)
    _SUBMITTED[task] = record
    from IPython.display import display  # only needed inside a notebook
    display({ANSWER_MIME: json.loads(record),
             "text/plain": f"Your answer for task {task} has the right form and is recorded."}, raw=True)


@dataclass(frozen=True)
class TaskResult:
    points: float
    max_points: float
    feedback: str


def _spec_error(problem: str) -> ValueError:
    return ValueError(f"grading spec: {problem} (fix the hidden tests in solutions/).")


def score_task(spec: Mapping[str, Any], answer: object, *, case: Case | None = None) -> TaskResult:
    """Score one answer (plain JSON values) against one hidden-test spec."""
    case = case or _case()
    kind, points = spec.get("kind"), spec.get("points")
    if type(points) not in (int, float) or points <= 0:
        raise _spec_error(f"points must be a positive number, not {points!r}")
    try:
        if kind == "phrases":
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
    paragraphs = spec["paragraphs"]
    start, end, where = _region(case, paragraphs)
    phrases = check_phrases(answer, paragraphs, name="your phrases", case=case)
    student = scoring.phrases_to_spans(phrases, case.text, within=(start, end), where=where)
    key_phrases = [record["phrase"] for record in spec["key"]]
    try:
        key = scoring.phrases_to_spans(key_phrases, case.text, within=(start, end), where=where)
    except ValueError as error:
        raise _spec_error(str(error)) from None
    result = scoring.span_prf(student, key)
    min_f1 = spec.get("min_f1", DEFAULT_MIN_F1)
    fraction = result.f1 if result.f1 >= min_f1 else 0.0
    note = "" if fraction else f"\nAn F1 below {min_f1:g} earns no points."
    return fraction, result.summary() + note


def _score_labels(spec: Mapping[str, Any], answer: object) -> tuple[float, str]:
    key, allowed = spec["key"], spec["allowed"]
    clean = check_labels(answer, list(key), allowed, name="your answer")
    result = scoring.score_labels(clean, key, allowed=allowed)
    # Per-item right/wrong, never the expected label: feedback goes to students and must not carry the key.
    lines = [f"You got {result.correct} of {result.total} right."]
    for item in result.items:
        label = item.item if item.field is None else f"{item.item} ({item.field})"
        lines.append(f"  {label}: {'right' if item.correct else 'not right'}")
    return result.score, "\n".join(lines)


def _score_words(spec: Mapping[str, Any], answer: object, case: Case) -> tuple[float, str]:
    key, paragraphs = spec["key"], spec["paragraphs"]
    clean = check_words(answer, list(key), paragraphs, name="your answer", case=case)
    right = {item: _norm(clean[item]) in {_norm(form) for form in forms} for item, forms in key.items()}
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
    if task not in _SUBMITTED:
        raise AnswerError(f"No answer was recorded for task {task}: run the checks above first.")
    result = score_task(spec, json.loads(_SUBMITTED[task])["answer"])
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


# --------------------------------------------------------------------------------------------
# nbgrader preprocessors
# --------------------------------------------------------------------------------------------

def _nbgrader_meta(cell: Any) -> dict[str, Any]:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


class FlagTampering(Preprocessor):
    """Flag a submission whose locked cells were edited or deleted (runs before OverwriteCells)."""

    enabled = Bool(True)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        from nbgrader import utils
        from nbgrader.api import Gradebook

        info = resources["nbgrader"]
        problems: list[str] = []
        with Gradebook(info["db_url"]) as gb:
            source_nb = gb.find_notebook(info["notebook"], info["assignment"])
            released = {}
            for cell in source_nb.source_cells:
                if cell.locked:
                    released[cell.name] = (split_hidden(cell.source)[0], cell.cell_type)
            graded_ids = {c.name for c in source_nb.grade_cells}
            seen: set[str] = set()
            for cell in nb.cells:
                grade_id = _nbgrader_meta(cell).get("grade_id")
                if grade_id is None or grade_id in seen:
                    continue
                seen.add(grade_id)
                if grade_id in released:
                    source, cell_type = released[grade_id]
                    if cell.source != source or cell.cell_type != cell_type:
                        problems.append(f"locked cell {grade_id!r} was edited")
                    if not utils.is_locked(cell):
                        problems.append(f"locked cell {grade_id!r} was unlocked")
                if grade_id in graded_ids and "points" in _nbgrader_meta(cell):
                    wanted = gb.find_graded_cell(grade_id, info["notebook"], info["assignment"]).max_score
                    if float(_nbgrader_meta(cell)["points"]) != float(wanted):
                        problems.append(f"cell {grade_id!r} had its points changed")
            for grade_id in sorted((set(released) | graded_ids) - seen):
                problems.append(f"cell {grade_id!r} was deleted or lost its nbgrader metadata")
            if problems:
                submission = gb.find_submission_notebook(info["notebook"], info["assignment"], info["student"])
                submission.flagged = True
                gb.db.commit()
        for problem in problems:
            self.log.warning("medialit FLAG: student %s, %s/%s: %s (nbgrader restores it from the source).",
                             info["student"], info["assignment"], info["notebook"], problem)
        resources.setdefault("medialit", {})["flags"] = problems
        return nb, resources


class StashHiddenTests(Preprocessor):
    """Take the hidden tests out of every test cell before the student's kernel runs them."""

    enabled = Bool(True)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        stash: dict[int, tuple[str, dict[str, Any]]] = {}
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            visible, hidden = split_hidden(cell.source)
            if hidden is None:
                continue
            awards = hidden_awards(hidden)
            if len(awards) != 1:
                raise ValueError(f"cell {_nbgrader_meta(cell).get('grade_id')!r}: hidden tests must hold exactly "
                                 f"one award() call, found {len(awards)}")
            task, spec = awards[0]
            points = _nbgrader_meta(cell).get("points")
            if points is None or float(points) != float(spec.get("points", -1)):
                raise ValueError(f"cell {_nbgrader_meta(cell).get('grade_id')!r}: award spec points "
                                 f"{spec.get('points')!r} differ from the cell's nbgrader points {points!r}")
            stash[index] = (task, spec)
            cell.source = visible.rstrip("\n") + "\n" + STASHED_NOTE
        _case()  # load the case now, before any student code runs
        resources.setdefault("medialit", {})["stash"] = stash
        return nb, resources


class ScoreAnswers(Preprocessor):
    """Score each test cell's answer record outside the kernel and write feedback and points."""

    enabled = Bool(True)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        import nbformat

        stash = resources.get("medialit", {}).get("stash", {})
        for index, (task, spec) in stash.items():
            cell = nb.cells[index]
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            records = [o["data"][ANSWER_MIME] for o in cell.get("outputs", [])
                       if o.get("output_type") == "display_data" and ANSWER_MIME in o.get("data", {})]
            # A JSON round trip turns nbformat's NotebookNode into the plain dicts and lists the checks expect.
            records = [json.loads(json.dumps(r)) for r in records]
            records = [r for r in records if type(r) is dict and r.get("task") == task]
            if errors:
                # Keep only the errors: nbgrader scores the first error or number it meets, in order.
                note = nbformat.v4.new_output("stream", name="stdout",
                                              text="No points for this task: the checks above raised an error.\n")
                cell.outputs = [note, *errors]
                continue
            if len(records) != 1:
                message = ("no answer was recorded" if not records else
                           f"{len(records)} answer records were found where the checks make exactly one")
                cell.outputs = [nbformat.v4.new_output(
                    "error", ename="NoAnswerRecorded", evalue=f"task {task}: {message}",
                    traceback=[f"NoAnswerRecorded: task {task}: {message}; no points."])]
                continue
            try:
                result = score_task(spec, records[0].get("answer"))
            except ValueError as error:  # a broken spec is the instructor's problem: fail loudly
                raise RuntimeError(f"task {task}: {error}") from None
            cell.outputs = [
                nbformat.v4.new_output("display_data", data={"text/plain": result.feedback}),
                nbformat.v4.new_output("execute_result", data={"text/plain": repr(result.points)},
                                       execution_count=cell.get("execution_count")),
            ]
        return nb, resources


def configure_nbgrader(c: Any) -> None:
    """Insert the preprocessors above into nbgrader's autograde steps; call from nbgrader_config.py."""
    from nbgrader.converters.autograde import Autograde
    from nbgrader.preprocessors import Execute, OverwriteCells

    traits = Autograde.class_traits()
    sanitize = list(traits["sanitize_preprocessors"].default())
    autograde = list(traits["autograde_preprocessors"].default())
    if OverwriteCells not in sanitize or Execute not in autograde:
        raise RuntimeError("nbgrader's default autograde steps changed; update medialit.grading.configure_nbgrader")
    sanitize.insert(sanitize.index(OverwriteCells), FlagTampering)
    autograde.insert(autograde.index(Execute), StashHiddenTests)
    autograde.insert(autograde.index(Execute) + 1, ScoreAnswers)
    c.Autograde.sanitize_preprocessors = sanitize
    c.Autograde.autograde_preprocessors = autograde
    # A deleted test cell comes back (and scores from its answer) instead of silently vanishing.
    c.OverwriteCells.add_missing_cells = True


# --------------------------------------------------------------------------------------------
# Instructor report: python -m medialit.grading report
# --------------------------------------------------------------------------------------------

def report(course: str = ".") -> list[str]:
    """One line per submission: automatic score, flags, and submissions nbgrader could not grade."""
    from pathlib import Path

    from nbgrader.api import Gradebook

    root = Path(course)
    lines = []
    with Gradebook(f"sqlite:///{(root / 'gradebook.db').resolve()}") as gb:
        for assignment in sorted(gb.assignments, key=lambda a: a.name):
            for submission in sorted(assignment.submissions, key=lambda s: s.student.id):
                student = submission.student.id
                notes = []
                if any(nb.flagged for nb in submission.notebooks):
                    notes.append("FLAGGED: locked cells edited or deleted (see the autograde log)")
                for nb in submission.notebooks:
                    path = root / "autograded" / student / assignment.name / f"{nb.name}.ipynb"
                    if (root / "submitted" / student / assignment.name / f"{nb.name}.ipynb").exists() \
                            and not path.exists():
                        notes.append(f"NOT GRADED: {nb.name}.ipynb failed to autograde (counts 0; see the log)")
                manual = sum(1 for nb in submission.notebooks for g in nb.grades if g.needs_manual_grade)
                if manual:
                    notes.append(f"{manual} answer(s) to grade by hand")
                lines.append(f"{assignment.name:<16} {student:<24} {submission.score:6.2f} / "
                             f"{submission.max_score:6.2f}  {'; '.join(notes)}".rstrip())
    return lines


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] != ["report"]:
        sys.exit("usage: python -m medialit.grading report [COURSE_DIR]   (run after nbgrader autograde)")
    print("\n".join(report(sys.argv[2] if len(sys.argv) > 2 else ".")))
