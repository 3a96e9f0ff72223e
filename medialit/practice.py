"""Practice sets with a ladder of help: Check -> a hint aimed at the mistake -> a bigger hint -> the answer.

The items live in seeds/<case>/practice.yaml (loaded by medialit.load_case); their keys are public. This module
scores an answer with medialit.scoring.score_labels (the one scorer), picks the hint aimed at a wrong answer, and
gives the practice notebooks (practice/*.ipynb) their four calls:

    from medialit import practice
    practice.show("src-12-plant")            # the passage, the question and the options
    practice.check("src-12-plant", answer)   # right: says why; wrong: a hint aimed at the mistake, in a box
    practice.hint("src-12-plant")            # the bigger hint
    practice.answer("src-12-plant")          # the answer with its reason, after at least one check

The practice set widget (medialit/widgets/practice_set.js) applies the same rules in the browser so that it runs on
the static site: an answer is right when every label is one the key accepts, and the first mistake in the item's
list that the answer makes chooses the hint.
"""
from __future__ import annotations

import textwrap
from typing import Any

from .case import Case, current_case, load_case
from .grading.checks import AnswerError, plain
from .records import LOADED, NOT_LOADED, PracticeItem, PracticeMistake
from .scoring import LabelScore, score_labels
from .techniques import loose

# The answer cells of the practice notebooks start as `...`: checking it says what to do, without failing the cell.
UNANSWERED = (Ellipsis, None)

Answer = str | list[str]


def _case(case: Case | None) -> Case:
    return case or load_case(current_case())


def _item(item_id: str, case: Case | None = None) -> PracticeItem:
    if type(item_id) is not str:
        raise AnswerError(f"Give the item's id as a string in quotes, such as \"src-12-plant\", not {item_id!r}.")
    try:
        return _case(case).practice_item(item_id)
    except ValueError as error:
        raise AnswerError(str(error)) from None


# ---------------------------------------------------------------------------------------------------------------
# Reading an answer
# ---------------------------------------------------------------------------------------------------------------

def _choice(item: PracticeItem, answer: object, name: str) -> str:
    """The option value a student means: its value or its label, ignoring case, spaces and punctuation."""
    listed = "; ".join(f"\"{o.value}\" ({o.label})" if o.value != o.label else f"\"{o.value}\"" for o in item.options)
    if type(answer) is not str or not answer.strip():
        raise AnswerError(f"`{name}` must be one of the options, as a string in quotes: {listed}.")
    wanted = loose(answer)
    for option in item.options:
        if wanted in (loose(option.value), loose(option.label)):
            return option.value
    raise AnswerError(f"`{name}` is \"{answer}\", which is not one of the options. Choose one of: {listed}.")


def _marks(item: PracticeItem, answer: object, name: str) -> list[str]:
    """The phrases a student marked, as the item spells them."""
    listed = ", ".join(f"\"{p.text}\"" for p in item.phrases)
    if type(answer) is str:
        raise AnswerError(f"`{name}` must be a list of phrases, such as [\"{item.phrases[0].text}\"], not one string: "
                          "put square brackets around it.")
    if not (type(answer) is list or type(answer) is tuple):
        raise AnswerError(f"`{name}` must be a list of the phrases you mark (an empty list [] if none is loaded). "
                          f"The phrases are: {listed}.")
    marked: list[str] = []
    for number, phrase in enumerate(plain(list(answer), name), start=1):
        if type(phrase) is not str:
            raise AnswerError(f"`{name}`: item {number} is not a phrase in quotes. The phrases are: {listed}.")
        hit = next((p.text for p in item.phrases if loose(p.text) == loose(phrase)), None)
        if hit is None:
            raise AnswerError(f"`{name}`: \"{phrase}\" is not one of this item's phrases. Copy a phrase from the list: "
                              f"{listed}.")
        if hit not in marked:
            marked.append(hit)
    return marked


def read_answer(item: PracticeItem, answer: object, name: str = "answer") -> Answer:
    """The answer in the item's own terms (an option value, or the marked phrases); AnswerError if malformed."""
    return _choice(item, answer, name) if item.answer_type == "choose" else _marks(item, answer, name)


# ---------------------------------------------------------------------------------------------------------------
# Scoring and hints
# ---------------------------------------------------------------------------------------------------------------

def key(item: PracticeItem) -> dict[str, Any]:
    """The item's key in the shape score_labels takes; contested answers are lists with the reason for each."""
    if item.answer_type == "choose":
        accepted: Any = (item.accepted[0][0] if len(item.accepted) == 1
                         else [{"label": a, "why": why} for a, why in item.accepted])
        return {item.id: accepted}
    fields: dict[str, Any] = {}
    for phrase in item.phrases:
        fields[phrase.text] = (phrase.accepted[0] if len(phrase.accepted) == 1
                               else [{"label": label, "why": phrase.why} for label in phrase.accepted])
    return {item.id: fields}


def score(item: PracticeItem, answer: Answer) -> LabelScore:
    """Score a read answer with the one scorer: one point per choice, or per phrase marked or left unmarked."""
    if item.answer_type == "choose":
        return score_labels({item.id: answer}, key(item), allowed=[o.value for o in item.options])
    marked = set(answer)
    given = {p.text: LOADED if p.text in marked else NOT_LOADED for p in item.phrases}
    return score_labels({item.id: given}, key(item), allowed={p.text: [LOADED, NOT_LOADED] for p in item.phrases},
                        explanations={item.id: {p.text: p.why for p in item.phrases}})


def is_right(item: PracticeItem, answer: Answer) -> bool:
    result = score(item, answer)
    return result.correct == result.total


def mistake_made(item: PracticeItem, answer: Answer) -> PracticeMistake | None:
    """The first of the item's listed mistakes that this answer makes, or None."""
    for mistake in item.mistakes:
        if mistake.kind == "chose" and answer == mistake.value:
            return mistake
        if mistake.kind == "marked" and mistake.value in answer:
            return mistake
        if mistake.kind == "missed" and mistake.value not in answer:
            return mistake
    return None


def targeted_hint(item: PracticeItem, answer: Answer) -> str:
    """The hint for a wrong answer: aimed at the mistake it makes, or the item's hint when none is listed."""
    mistake = mistake_made(item, answer)
    return mistake.hint if mistake is not None else item.hint


def why_right(item: PracticeItem, answer: Answer) -> str:
    """The reason a right answer is right (every reason, where the item accepts more than one reading)."""
    if item.answer_type == "choose":
        reasons = dict(item.accepted)
        text = reasons[answer]  # type: ignore[index]
        others = [f"{_label(item, a)}: {why}" for a, why in item.accepted if a != answer]
        return text + ("" if not others else " Also accepted, because careful readers differ here. " + " ".join(others))
    contested = [p for p in item.phrases if len(p.accepted) > 1]
    lines = [f"“{p.text}”: {p.why}" for p in item.phrases if p.accepted == (LOADED,)]
    lines += [f"“{p.text}” (marked or not, both accepted): {p.why}" for p in contested]
    return " ".join(lines) or "None of these phrases is loaded."


def _label(item: PracticeItem, value: str) -> str:
    return next((o.label for o in item.options if o.value == value), value)


# ---------------------------------------------------------------------------------------------------------------
# The notebook calls
# ---------------------------------------------------------------------------------------------------------------

# Item id -> number of checks made in this kernel: the answer is shown only after at least one.
_attempts: dict[str, int] = {}


def _print(text: str) -> None:
    print("\n".join(textwrap.fill(part, 100) if part else "" for part in text.split("\n")))


def show(item_id: str, *, case: Case | None = None) -> None:
    """Print an item: where the text comes from, the text, the question and how to answer."""
    item = _item(item_id, case)
    notice = _case(case).practice_notice
    source = f"From the article, paragraph {item.paragraph}:" if not item.invented else f"Invented example. {notice}"
    lines = [source, "", f"    {item.text}", "", item.question]
    if item.answer_type == "choose":
        lines.append("Answer with one of these (in quotes):")
        lines += [f"  \"{o.value}\"" + (f"  ({o.label})" if o.label != o.value else "") for o in item.options]
    else:
        lines.append("Answer with a list of the phrases you mark ([] if none is loaded), from:")
        lines += [f"  \"{p.text}\"" for p in item.phrases]
    _print("\n".join(lines))


def check(item_id: str, answer: object, *, name: str = "answer", case: Case | None = None) -> bool | None:
    """Check a practice answer. Right: prints why and returns True. Wrong: raises AnswerError with a hint aimed at
    the mistake and the next steps (shown alone, in a box). Not answered yet (`...`): says so and returns None."""
    item = _item(item_id, case)
    if any(answer is blank for blank in UNANSWERED):
        print(f"Not answered yet: replace ... in `{name}` with your answer, then run this cell again.")
        return None
    read = read_answer(item, answer, name)
    _attempts[item.id] = _attempts.get(item.id, 0) + 1
    if is_right(item, read):
        _print(f"✓ Right. {why_right(item, read)}")
        return True
    raise AnswerError(f"Not yet. {targeted_hint(item, read)}\n\nChange `{name}` and run the cell again. "
                      f"Stuck? practice.hint(\"{item.id}\") gives a bigger hint; practice.answer(\"{item.id}\") "
                      "gives the answer with its reason.")


def hint(item_id: str, *, case: Case | None = None) -> None:
    """Print the item's bigger hint."""
    item = _item(item_id, case)
    _print(f"Bigger hint: {item.bigger_hint}")


def answer(item_id: str, *, case: Case | None = None) -> None:
    """Print the answer with its reason, once the item has been checked at least once in this session."""
    item = _item(item_id, case)
    if not _attempts.get(item.id):
        _print(f"Have a go first: check an answer for \"{item.id}\" (practice.check), even a guess; then the "
               "answer is here. A hint aimed at your answer comes with the check.")
        return
    _print(f"Answer: {item.answer}")
