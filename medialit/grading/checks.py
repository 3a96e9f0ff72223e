"""The checks students run beside each answer. This module holds no answer key.

``check_phrases``, ``check_labels``, ``check_words`` and ``check_numbers`` test the *form* of an
answer and raise :class:`AnswerError` with a hint saying what to fix; ``submit(task, answer)`` then
records the checked answer as a plain-JSON display output, which the autograder reads
(``medialit.grading.nbgrader_steps.ScoreAnswers``). Answers are copied into fresh built-in objects
(``plain``) before anything else sees them, so a rigged ``__eq__`` never reaches the scorer.
"""
from __future__ import annotations

import json
import math
from typing import Any

from .. import scoring
from ..case import Case, current_case, load_case
from ..techniques import find as find_technique

ANSWER_MIME = "application/vnd.medialit.answer+json"
MAX_PHRASES = 8
MAX_PHRASE_WORDS = 10


class AnswerError(ValueError):
    """The answer has the wrong form; the message says what to change."""

    def _render_traceback_(self) -> list[str]:
        # IPython (Jupyter) shows these lines instead of the traceback. The student's mistake is in the answer,
        # not in the course's code, so the hint stands alone in a box rather than under 15 lines of frames.
        # Only the display changes: the cell still fails, so nbgrader and "run all" still stop here.
        return boxed(str(self), " Check your answer ")


def boxed(text: str, title: str) -> list[str]:
    """`text` wrapped to 76 columns in a box with `title` on its top edge: how the checks show a message."""
    import textwrap  # here, not at the top: this file is otherwise another module's to edit

    lines = [part for para in text.splitlines() for part in (textwrap.wrap(para, 76) or [""])] or [""]
    width = max(len(title) + 2, *(len(line) for line in lines))
    return ([f"┌─{title}{'─' * (width - len(title) + 1)}┐"]
            + [f"│ {line.ljust(width)} │" for line in lines]
            + [f"└{'─' * (width + 2)}┘"])


# --------------------------------------------------------------------------------------------
# Running a notebook out of order: a check before its answer, an answer cell not yet answered.
# --------------------------------------------------------------------------------------------

NOT_ANSWERED = ("This task has no answer yet. This is your answer cell (its first line says [YOUR ANSWER]): "
                "replace the lines `# YOUR CODE HERE` and `raise NotImplementedError()` with your answer, run this "
                "cell, then run the check cell under it.")


def answer_first(name: str) -> str:
    """What a check cell says when the answer it checks, `name`, has not been set yet."""
    return (f"`{name}` is not set yet: answer the cell above first. Write your answer in the cell marked "
            f"[YOUR ANSWER] above this one, run it, then run this check again.")


def _current_cell(shell: Any) -> str:
    history = getattr(getattr(shell, "history_manager", None), "input_hist_raw", None) or [""]
    return history[-1] or ""


def _friendly_errors(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: int | None = None) -> Any:
    """IPython's handler for NameError and NotImplementedError: a box saying what to do, in the two cases the
    course's notebooks make (a check cell run before its answer, an answer cell still holding nbgrader's stub);
    any other error keeps its usual traceback. The cell still fails, so Run All and the grader stop as before."""
    source = _current_cell(shell)
    missing = value.name if isinstance(value, NameError) else None
    if missing and "grading." in source:
        message, title = answer_first(missing), " Answer the cell above first "
    elif etype is NotImplementedError and "YOUR CODE HERE" in source:
        message, title = NOT_ANSWERED, " This task has no answer yet "
    else:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        return None
    # Shown as the course's own AnswerError, whose name says what it is; the cell has failed all the same.
    lines = boxed(message, title)
    shell._showtraceback(AnswerError, AnswerError(message), lines)
    return None


def install_friendly_errors() -> bool:
    """Register `_friendly_errors` with the running IPython kernel (once); False outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc((NameError, NotImplementedError), _friendly_errors)
    return True


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
    # `type(value) is X`, not isinstance: subclasses are refused (and mypy narrows this form too).
    if type(value) is str:
        return str.__str__(value)
    if type(value) is int:
        return int.__index__(value)
    if type(value) is float:
        if not math.isfinite(value):
            raise AnswerError(f"{name} contains {value!r}; use an ordinary number.")
        return float.__float__(value)
    if type(value) is list:
        return [plain(item, f"{name}[{i}]", _depth + 1) for i, item in enumerate(list.__iter__(value))]
    if type(value) is tuple:
        return [plain(item, f"{name}[{i}]", _depth + 1) for i, item in enumerate(tuple.__iter__(value))]
    if type(value) is dict:
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


def course_case() -> Case:
    """The case of the assignment being answered (use_case), as the checks and the hidden tests load it."""
    return load_case(current_case())


def paragraph_region(case: Case, paragraphs: int | list[int] | tuple[int, ...]) -> tuple[int, int, str]:
    """The [start, end) of a paragraph or a run of paragraphs in the article, and how to name it in feedback."""
    numbers = [paragraphs] if isinstance(paragraphs, int) else list(paragraphs)
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
    case = case or course_case()
    start, end, where = paragraph_region(case, paragraph)
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


def normalise_answer(text: str) -> str:
    """A typed answer for comparing: curly quotes straightened, runs of spaces folded, case folded."""
    return " ".join(text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"').split()).casefold()


def check_labels(answers: object, items: list[str], allowed: list[str] | dict[str, list[str]], *,
                 name: str = "answers") -> dict[str, Any]:
    """Check a dict item -> label (or item -> {field: label}) against the allowed labels.

    A technique may be given by its readable name or its SemEval label alike (medialit/techniques.yaml):
    the answer comes back spelled as the allowed entry it names.
    """
    clean = _check_mapping(answers, items, name)
    for item, value in list(clean.items()):
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
                value[field] = _check_label(label, allowed[field], f"{name}[{item!r}][{field!r}]")
        else:
            clean[item] = _check_label(value, allowed, f"{name}[{item!r}]")
    return clean


def _check_label(label: object, allowed: list[str], where: str) -> str:
    if type(label) is not str:
        raise AnswerError(f"`{where}` must be one of {', '.join(map(repr, allowed))} (a string), not {_kind(label)}.")
    if normalise_answer(label) in {normalise_answer(a) for a in allowed}:
        return label
    # The same technique by another of its names: the readable name for a label, or the label for a name.
    technique = find_technique(label)
    if technique is not None:
        for entry in allowed:
            if find_technique(entry) == technique:
                return entry
    raise AnswerError(f"`{where}` is {label!r}; use one of: {', '.join(map(repr, allowed))}.")


def check_words(answers: object, items: list[str], paragraphs: dict[str, int], *, name: str = "answers",
                case: Case | None = None) -> dict[str, str]:
    """Check a dict item -> words copied from that item's paragraph (e.g. a reporting verb)."""
    case = case or course_case()
    clean = _check_mapping(answers, items, name)
    for item, value in clean.items():
        if type(value) is not str or not value.strip():
            raise AnswerError(f"`{name}[{item!r}]` must be the words in quotes, copied from paragraph "
                              f"{paragraphs[item]}.")
        if len(value.split()) > 4:
            raise AnswerError(f"`{name}[{item!r}]` has {len(value.split())} words; give only the reporting verb "
                              "(and the words that go with it), at most 4 words.")
        if normalise_answer(value) not in normalise_answer(case.paragraph(paragraphs[item]).text):
            raise AnswerError(f"`{name}[{item!r}]` is {value!r}, which does not occur in paragraph "
                              f"{paragraphs[item]}; copy the words exactly.")
    return clean


def check_numbers(answers: object, names: list[str], *, name: str = "answers") -> dict[str, float]:
    """Check a dict name -> number."""
    clean = _check_mapping(answers, names, name)
    for key, value in clean.items():
        if not (type(value) is int or type(value) is float):
            raise AnswerError(f"`{name}[{key!r}]` must be a number (int or float), not {_kind(value)}.")
    return clean


def check_choice(choice: object, confidence: object, options: list[str], *, item: str,
                 confidence_range: tuple[int, int] = (50, 100)) -> dict[str, Any]:
    """Check one answer to a discernment-check item: one of `options`, and a confidence in percent.

    Returns ``{"answer": option, "confidence": number}``. Only the form is checked: which option is
    chosen is never judged here (the check's assignments give points for taking part, not for being right).
    """
    low, high = confidence_range
    listed = ", ".join(f'"{option}"' for option in options)
    if choice is Ellipsis or choice is None:
        raise AnswerError(f"{item}: put your answer in place of the first `...`: one of {listed}.")
    if type(choice) is not str:
        raise AnswerError(f"{item}: your answer must be one of {listed}, in quotes, not a {_kind(choice)}.")
    spelled = {normalise_answer(option): option for option in options}
    if normalise_answer(choice) not in spelled:
        raise AnswerError(f"{item}: {choice!r} is not one of the answers; use one of {listed}.")
    if confidence is Ellipsis or confidence is None:
        raise AnswerError(f"{item}: put how sure you are in place of `confidence=...`: a number from {low} "
                          f"(a guess) to {high} (certain).")
    if not (type(confidence) is int or type(confidence) is float) or not math.isfinite(confidence):
        raise AnswerError(f"{item}: confidence must be a number from {low} (a guess) to {high} (certain), "
                          f"not {confidence!r}.")
    if not low <= confidence <= high:
        hint = (f" It is a percentage: write {confidence * 100:g}, not {confidence:g}."
                if 0 < confidence <= 1 and low <= confidence * 100 <= high else "")
        raise AnswerError(f"{item}: confidence is {confidence:g}; give a number from {low} (a guess) to "
                          f"{high} (certain).{hint}")
    return {"answer": spelled[normalise_answer(choice)], "confidence": plain(confidence)}


# --------------------------------------------------------------------------------------------
# Recording
# --------------------------------------------------------------------------------------------

SUBMITTED: dict[str, str] = {}


def submit(task: str, answer: object) -> None:
    """Record a checked answer for ``task`` as plain JSON (the autograder reads this record)."""
    record = json.dumps({"task": task, "answer": plain(answer)}, ensure_ascii=False, allow_nan=False)
    SUBMITTED[task] = record
    from IPython.display import display  # only needed inside a notebook
    display({ANSWER_MIME: json.loads(record),
             "text/plain": f"Your answer for task {task} has the right form and is recorded."}, raw=True)
