"""Claim sorter: label each claim of a practice passage by its attribution, its kind and its reporting verb.

The browser module (claim_sorter.js) does the checking, so the widget also works on the static site with no
kernel; Python receives the student's choices in `.answers` and scores them with medialit.scoring.score_labels.
Only claims from practice paragraphs are ever sent to the browser: graded paragraphs are refused.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from ..case import Case
from ..records import ATTRIBUTIONS, CLAIM_KINDS
from ..scoring import LabelScore, claim_mistake, claim_words, score_labels

_HERE = Path(__file__).resolve().parent
FIELDS = ("attribution", "kind", "reporting_verb")
# The answer for "this claim has no reporting verb"; the key's null verb is scored as this label.
NO_VERB = "none"


class ClaimAnswerError(traitlets.TraitError, ValueError):
    """A bad value for `ClaimSorter.answers`. A TraitError so traitlets rolls the change back; a ValueError
    because the course promises a ValueError with a fix for every bad input."""


class _AnswerDict(traitlets.Dict):
    """A Dict trait whose wrong-type error is a ClaimAnswerError (so a ValueError) with an example."""

    def validate(self, obj: Any, value: Any) -> Any:
        if not isinstance(value, dict):
            raise ClaimAnswerError(
                "answers must be a dict such as "
                "{'cl-03': {'attribution': 'named', 'kind': 'fact', 'reporting_verb': 'denounced'}}, "
                f"not {type(value).__name__}."
            )
        return super().validate(obj, value)


def _is_word_run(answer: str, text: str) -> bool:
    wanted = [w.casefold() for w in answer.split()]
    words = [w.casefold() for w in claim_words(text)]
    return any(words[i:i + len(wanted)] == wanted for i in range(len(words) - len(wanted) + 1))


def _check_paragraphs(case: Case, paragraphs: Iterable[int] | None) -> tuple[int, ...]:
    practice = case.practice_paragraphs("claims")
    allowed = ", ".join(map(str, practice))
    if paragraphs is None:
        return practice
    if isinstance(paragraphs, (str, bytes)) or not isinstance(paragraphs, Iterable):
        raise ValueError(f"paragraphs must be a list of paragraph numbers, not {paragraphs!r}; "
                         f"the practice paragraphs for claims are: {allowed}.")
    numbers = list(paragraphs)
    if not numbers:
        raise ValueError(f"paragraphs is empty; give at least one practice paragraph for claims: {allowed}.")
    graded = case.graded_paragraphs("claims")
    for number in numbers:
        if type(number) is not int:
            raise ValueError(f"paragraph numbers must be whole numbers (int), not {number!r}; "
                             f"the practice paragraphs for claims are: {allowed}.")
        if number in graded:
            raise ValueError(f"paragraph {number} is kept for a graded exercise, so the claim sorter will not show "
                             f"its key; choose practice paragraphs for claims: {allowed}.")
        if number not in practice:
            raise ValueError(f"paragraph {number} is not a practice paragraph for claims; "
                             f"choose from: {allowed}.")
    return tuple(dict.fromkeys(numbers))  # keep the teacher's order, drop repeats


class ClaimSorter(anywidget.AnyWidget):
    """Cards for the claims of practice paragraphs; the student labels each and presses Check.

    >>> sorter = ClaimSorter(load_case("deir-ezzor-2018"), paragraphs=[2, 3, 4])
    >>> sorter.answers   # {"cl-03": {"attribution": "named", "kind": "fact", "reporting_verb": "denounced"}, ...}
    >>> sorter.score()   # a medialit.scoring.LabelScore, one point per label
    >>> print(sorter.explain())   # each wrong label with the message for its kind of mistake
    """

    _esm = _HERE / "claim_sorter.js"
    _css = _HERE / "claim_sorter.css"

    # Public practice data for the browser: the claims with their key, reason and notes on particular mistakes,
    # the paragraphs' text, and the message for each kind of mistake (claims.yaml `mistakes`).
    claims = traitlets.List(traitlets.Dict()).tag(sync=True)
    passages = traitlets.List(traitlets.Dict()).tag(sync=True)
    mistakes = traitlets.Dict().tag(sync=True)
    # The student's choices: claim id -> {"attribution", "kind", "reporting_verb"}; None where not yet chosen.
    answers = _AnswerDict().tag(sync=True)
    # True once the student has checked a card (its own Check, or "Check my answers" for every card).
    checked = traitlets.Bool(False).tag(sync=True)
    # Claim id -> the answers as they were at that card's last Check: the browser's feedback is drawn from this,
    # so it stays as checked until the next Check (changing an answer cannot be used to guess and check).
    _checked_answers = traitlets.Dict().tag(sync=True)
    # The traits the static site keeps in the browser's storage between visits (widget_runtime.js); in
    # JupyterLab nothing is restored: the kernel's traits are the truth there.
    _keep = traitlets.List(["answers", "checked", "_checked_answers"]).tag(sync=True)

    def __init__(self, case: Case, paragraphs: Iterable[int] | None = None, **kwargs: Any) -> None:
        if not isinstance(case, Case):
            raise ValueError("ClaimSorter needs a case from medialit.load_case, e.g. "
                             f"ClaimSorter(load_case('deir-ezzor-2018'), paragraphs=[2, 3]), not {type(case).__name__}.")
        numbers = _check_paragraphs(case, paragraphs)
        chosen = [c for n in numbers for c in case.claims if c.paragraph == n]
        if not chosen:
            raise ValueError(f"paragraphs {list(numbers)} have no claims in the practice data; "
                             f"choose from: {', '.join(map(str, case.practice_paragraphs('claims')))}.")
        claims = [
            {"id": c.id, "paragraph": c.paragraph, "text": c.text, "attribution": c.attribution,
             "kind": c.kind, "reporting_verb": c.reporting_verb, "reason": c.reason, "notes": dict(c.notes)}
            for c in chosen
        ]
        passages = [{"paragraph": n, "text": case.paragraph(n).text} for n in numbers]
        super().__init__(claims=claims, passages=passages, mistakes=dict(case.claim_mistakes), **kwargs)

    @property
    def paragraphs(self) -> list[int]:
        return [p["paragraph"] for p in self.passages]

    @traitlets.validate("answers")
    def _validate_answers(self, proposal: dict[str, Any]) -> dict[str, dict[str, str | None]]:
        value = proposal["value"]
        by_id = {c["id"]: c for c in self.claims}
        clean: dict[str, dict[str, str | None]] = {}
        for claim_id, answer in value.items():
            if claim_id not in by_id:
                raise ClaimAnswerError(f"answers: there is no claim {claim_id!r} in this sorter; "
                                       f"its claims are: {', '.join(by_id)}.")
            if not isinstance(answer, Mapping):
                raise ClaimAnswerError(f"answers[{claim_id!r}] must be a dict with the keys {', '.join(FIELDS)}.")
            unknown = [k for k in answer if k not in FIELDS]
            if unknown:
                raise ClaimAnswerError(f"answers[{claim_id!r}] has unknown keys {unknown}; use only: {', '.join(FIELDS)}.")
            entry: dict[str, str | None] = {}
            for name, labels in (("attribution", ATTRIBUTIONS), ("kind", CLAIM_KINDS)):
                label = answer.get(name)
                if label is not None and label not in labels:
                    raise ClaimAnswerError(f"answers[{claim_id!r}][{name!r}] is {label!r}; "
                                           f"use one of: {', '.join(labels)} (or None for no answer yet).")
                entry[name] = label
            verb = answer.get("reporting_verb")
            if verb is not None:
                if not isinstance(verb, str):
                    raise ClaimAnswerError(f"answers[{claim_id!r}]['reporting_verb'] must be a string, not {verb!r}.")
                verb = " ".join(verb.split()) or None
            if verb is not None and verb != NO_VERB and not _is_word_run(verb, by_id[claim_id]["text"]):
                raise ClaimAnswerError(f"answers[{claim_id!r}]['reporting_verb'] is {verb!r}, which is not a run of "
                                       f"words in the claim; give words from the claim, {NO_VERB!r}, or None.")
            entry["reporting_verb"] = verb
            clean[claim_id] = entry
        return clean

    def key(self) -> dict[str, dict[str, str]]:
        """The practice key in the shape score_labels takes; a claim with no reporting verb has NO_VERB."""
        return {c["id"]: {"attribution": c["attribution"], "kind": c["kind"],
                          "reporting_verb": c["reporting_verb"] or NO_VERB} for c in self.claims}

    def score(self) -> LabelScore:
        """Score the current answers: one point per label (attribution, kind, reporting verb) per claim."""
        return score_labels(
            self.answers, self.key(),
            # Attribution and kind were checked against their labels when answers was set; the verb is free text.
            allowed=None,
            explanations={c["id"]: c["reason"] for c in self.claims},
        )

    def feedback(self) -> dict[str, dict[str, dict[str, Any]]]:
        """What the Claim sorter says about the current answers, claim id -> field -> a dict with `given`,
        `correct`, `mistake` (an id of medialit.scoring.CLAIM_MISTAKES, or None), `message` (for that kind of
        mistake) and `note` (this claim's note on it, or None). The browser shows the same messages."""
        out: dict[str, dict[str, dict[str, Any]]] = {}
        key = self.key()
        for claim in self.claims:
            answer = self.answers.get(claim["id"], {})
            fields: dict[str, dict[str, Any]] = {}
            for name in FIELDS:
                given = answer.get(name)
                expected = key[claim["id"]][name]
                mistake = claim_mistake(name, given, expected, claim["text"])
                fields[name] = {
                    "given": given,
                    "correct": given is not None and mistake is None,
                    "mistake": mistake,
                    "message": self.mistakes.get(mistake) if mistake else None,
                    "note": claim["notes"].get(mistake) if mistake else None,
                }
            out[claim["id"]] = fields
        return out

    def explain(self) -> str:
        """The feedback in plain words: for each claim, each label that is not right yet and why."""
        names = {"attribution": "Source", "kind": "Fact or interpretation", "reporting_verb": "Reporting verb"}
        lines: list[str] = []
        for number, (claim_id, fields) in enumerate(self.feedback().items(), start=1):
            wrong = {n: f for n, f in fields.items() if not f["correct"]}
            head = f"Claim {number} ({claim_id}, paragraph {self.claims[number - 1]['paragraph']})"
            if not wrong:
                lines.append(f"{head}: all three right.")
                continue
            lines.append(f"{head}:")
            for name, item in wrong.items():
                if item["given"] is None:
                    lines.append(f"  {names[name]}: no answer yet.")
                else:
                    note = f" {item['note']}" if item["note"] else ""
                    lines.append(f"  {names[name]}: not yet (you chose {item['given']!r}). {item['message']}{note}")
        return "\n".join(lines)
