"""Practice set: one skill's practice items with a ladder of help (Check -> a hint aimed at the mistake -> a bigger
hint -> the answer with its reason, the answer only after at least one Check).

The browser module (practice_set.js) does the checking, so the widget also works on the static site with no
kernel; it applies medialit.practice's rules (an answer is right when every label is one the key accepts; the
first listed mistake the answer makes chooses the hint). Python receives the answers in `.answers` and scores
them with medialit.practice.score, which calls medialit.scoring.score_labels. The items and their keys are public
practice data (seeds/<case>/practice.yaml): no graded paragraph is ever among them (load_case refuses one).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import traitlets

from .. import practice
from ..case import Case
from ..records import PRACTICE_SKILLS, PracticeItem
from ..scoring import LabelScore, phrases_to_spans

_HERE = Path(__file__).resolve().parent
LADDER_STEPS = ("attempts", "checked", "bigger_hint", "answer_shown")


class PracticeAnswerError(traitlets.TraitError, ValueError):
    """A bad value for `PracticeSet.answers`. A TraitError so traitlets rolls the change back; a ValueError
    because the course promises a ValueError with a fix for every bad input."""


class _AnswerDict(traitlets.Dict):
    """A Dict trait whose wrong-type error is a PracticeAnswerError (so a ValueError) with an example."""

    def validate(self, obj: Any, value: Any) -> Any:
        if not isinstance(value, dict):
            raise PracticeAnswerError("answers must be a dict such as {'src-12-plant': 'unsourced', "
                                      f"'ll-19-mark': ['invading']}}, not {type(value).__name__}.")
        return super().validate(obj, value)


def _payload(item: PracticeItem) -> dict[str, Any]:
    """What the browser needs for one item: the text, the question, the key with its reasons, the hints."""
    spans = phrases_to_spans([p.text for p in item.phrases], item.text) if item.phrases else []
    return {
        "id": item.id, "question": item.question, "answer_type": item.answer_type, "text": item.text,
        "paragraph": item.paragraph, "invented": item.invented,
        "options": [{"value": o.value, "label": o.label} for o in item.options],
        "accepted": [{"answer": a, "why": why} for a, why in item.accepted],
        "phrases": [{"text": p.text, "accepted": list(p.accepted), "why": p.why, "start": s, "end": e}
                    for p, (s, e) in zip(item.phrases, spans)],
        "mistakes": [{"kind": m.kind, "value": m.value, "hint": m.hint} for m in item.mistakes],
        "hint": item.hint, "bigger_hint": item.bigger_hint, "answer": item.answer,
    }


class PracticeSet(anywidget.AnyWidget):
    """The practice items of one skill, each with Check, a hint aimed at the mistake, a bigger hint and the answer.

    >>> practice_set = PracticeSet(load_case("deir-ezzor-2018"), "claims")
    >>> practice_set.answers                      # {"src-12-plant": "unsourced", "ll-19-mark": ["invading"], ...}
    >>> practice_set.score("src-12-plant")        # a medialit.scoring.LabelScore
    """

    _esm = _HERE / "practice_set.js"
    _css = _HERE / "practice_set.css"

    skill = traitlets.Unicode().tag(sync=True)
    title = traitlets.Unicode().tag(sync=True)
    intro = traitlets.Unicode().tag(sync=True)
    notice = traitlets.Unicode().tag(sync=True)  # shown on every invented example
    items = traitlets.List(traitlets.Dict()).tag(sync=True)
    # The student's answers: item id -> an option value (choose items) or the list of marked phrases (mark items).
    answers = _AnswerDict().tag(sync=True)
    # How far up the ladder each item is: item id -> {"attempts": n, "checked": bool (the verdict shown is for the
    # answer as it stands), "bigger_hint": bool, "answer_shown": bool}.
    ladder = traitlets.Dict().tag(sync=True)
    # The traits the static site keeps in the browser's storage between visits (widget_runtime.js); in
    # JupyterLab nothing is restored: the kernel's traits are the truth there.
    _keep = traitlets.List(["answers", "ladder"]).tag(sync=True)

    def __init__(self, case: Case, skill: str, **kwargs: Any) -> None:
        if not isinstance(case, Case):
            raise ValueError("PracticeSet needs a case from medialit.load_case, e.g. "
                             f"PracticeSet(load_case('deir-ezzor-2018'), 'claims'), not {type(case).__name__}.")
        if skill not in PRACTICE_SKILLS:
            raise ValueError(f"skill must be one of: {', '.join(PRACTICE_SKILLS)}; not {skill!r}.")
        self._case = case
        info = case.practice_skills[skill]
        super().__init__(skill=skill, title=info["title"], intro=info["intro"], notice=case.practice_notice,
                         items=[_payload(i) for i in case.practice_set(skill)], **kwargs)

    def _item(self, item_id: str) -> PracticeItem:
        if item_id not in {i["id"] for i in self.items}:
            raise ValueError(f"there is no item {item_id!r} in this practice set; its items are: "
                             f"{', '.join(i['id'] for i in self.items)}.")
        return self._case.practice_item(item_id)

    @traitlets.validate("answers")
    def _validate_answers(self, proposal: dict[str, Any]) -> dict[str, Any]:
        value = proposal["value"]
        clean: dict[str, Any] = {}
        for item_id, answer in value.items():
            try:
                item = self._item(item_id)
            except ValueError as error:
                raise PracticeAnswerError(f"answers: {error}") from None
            if answer is None:
                continue
            try:
                clean[item_id] = practice.read_answer(item, answer, name=f"answers[{item_id!r}]")
            except ValueError as error:
                raise PracticeAnswerError(str(error)) from None
        return clean

    def score(self, item_id: str) -> LabelScore:
        """Score one item's current answer with the one scorer (one point per choice, or per phrase)."""
        item = self._item(item_id)
        if item_id not in self.answers:
            raise ValueError(f"{item_id!r} has no answer yet; choose or mark one, then score it.")
        return practice.score(item, self.answers[item_id])

    def right(self) -> dict[str, bool]:
        """For each answered item: is the answer right?"""
        return {item_id: practice.is_right(self._item(item_id), answer) for item_id, answer in self.answers.items()}
