"""The discernment check's item bank: three parallel forms in seeds/<case>/check.yaml.

`load_check(case)` reads the file, validates it against medialit/schemas/check.schema.json and then
checks what a schema cannot: unique ids and texts, answers that are options of their skill, and in
every form and skill both "yes" items (signal) and true controls, without which d' cannot separate
skill from suspicion. Problems raise `CaseDataError` naming the file, the item and the fix, like
`medialit.load_case`.

`score_form(check, form, responses)` turns one student's answers into hits, false alarms, d', c and
the Brier score per skill, with `medialit.assessment.discernment` and `brier`.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..case import SEEDS_DIR, CaseDataError, current_case, read_case_file, validate_schema

FORMS = ("before", "after", "delayed")


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    signal: bool


@dataclass(frozen=True)
class Question:
    skill: str
    title: str
    prompt: str
    options: tuple[Option, ...]

    def option(self, value: str) -> Option:
        for option in self.options:
            if option.value == value:
                return option
        raise ValueError(f"{value!r} is not an answer to {self.title!r}; the answers are: "
                         f"{', '.join(o.value for o in self.options)}.")


@dataclass(frozen=True)
class Item:
    id: str
    form: str
    skill: str
    text: str
    answer: str
    why: str
    signal: bool  # True when the key answer is a "yes" (loaded; anonymous or unsourced; conflicting)


@dataclass(frozen=True)
class Check:
    case: str
    edition: str
    notice: str
    minutes: int
    questions: dict[str, Question]
    forms: dict[str, tuple[Item, ...]]

    @property
    def skills(self) -> tuple[str, ...]:
        return tuple(self.questions)

    def items(self, form: str) -> tuple[Item, ...]:
        if form not in self.forms:
            raise ValueError(f"Unknown form {form!r}; the forms are: {', '.join(self.forms)}.")
        return self.forms[form]

    def all_items(self) -> tuple[Item, ...]:
        return tuple(item for form in self.forms.values() for item in form)

    def payload(self) -> dict[str, Any]:
        """Everything the browser needs (the Discernment check widget), as plain JSON data."""
        return {
            "case": self.case, "edition": self.edition, "notice": self.notice, "minutes": self.minutes,
            "questions": {skill: {"title": q.title, "prompt": q.prompt,
                                  "options": [{"value": o.value, "label": o.label, "signal": o.signal}
                                              for o in q.options]}
                          for skill, q in self.questions.items()},
            "forms": {form: [{"id": i.id, "skill": i.skill, "text": i.text, "answer": i.answer, "why": i.why}
                             for i in items] for form, items in self.forms.items()},
        }


def check_path(case: str | None = None, *, root: Path | str | None = None) -> Path:
    return Path(root or SEEDS_DIR) / (case or current_case()) / "check.yaml"


def load_check(case: str | None = None, *, root: Path | str | None = None) -> Check:
    """Load and validate seeds/<case>/check.yaml (or <root>/<case>/check.yaml); the configured case by default."""
    case = case or current_case()
    path = check_path(case, root=root)
    data = read_case_file(path)
    validate_schema(path, data, "check")
    if data["case"] != case:
        raise CaseDataError(path, "field case", f"says {data['case']!r} but the file is in the folder {case!r}.",
                            f"set `case: {case}`.")
    questions: dict[str, Question] = {}
    for skill, raw in data["questions"].items():
        options = tuple(Option(o["value"], o["label"], o["signal"]) for o in raw["options"])
        values = [o.value for o in options]
        if len(set(values)) != len(values):
            raise CaseDataError(path, f"questions.{skill}", f"lists an answer twice ({', '.join(values)}).",
                                "give each option a different value.")
        if not any(o.signal for o in options) or all(o.signal for o in options):
            raise CaseDataError(path, f"questions.{skill}",
                                "needs at least one 'yes' answer (signal: true) and one 'no' answer (signal: false).",
                                "mark which options are the 'yes' answers with `signal: true`.")
        questions[skill] = Question(skill, raw["title"], raw["prompt"], options)

    seen_ids: dict[str, str] = {}
    seen_texts: dict[str, str] = {}
    forms: dict[str, tuple[Item, ...]] = {}
    for form in FORMS:
        items = []
        for index, raw in enumerate(data["forms"][form]["items"]):
            label = f"forms.{form}.items[{index}] (id {raw['id']})"
            if raw["id"] in seen_ids:
                raise CaseDataError(path, label, f"repeats the id of an item in form {seen_ids[raw['id']]!r}.",
                                    "give every item its own id.")
            if not raw["id"].startswith(form[0] + "-"):
                raise CaseDataError(path, label, f"is in form {form!r} but its id does not start with {form[0]!r}-.",
                                    f"name it {form[0]}-<skill>-<number>, so an id says its form.")
            normalised = " ".join(raw["text"].split()).casefold()
            if normalised in seen_texts:
                raise CaseDataError(path, label, f"has the same text as item {seen_texts[normalised]}.",
                                    "write a different text; a repeated item makes the forms easier the second time.")
            question = questions[raw["skill"]]
            try:
                option = question.option(raw["answer"])
            except ValueError as error:
                raise CaseDataError(path, label + " field answer", str(error),
                                    f"use one of: {', '.join(o.value for o in question.options)}.") from None
            seen_ids[raw["id"]] = form
            seen_texts[normalised] = raw["id"]
            items.append(Item(raw["id"], form, raw["skill"], " ".join(raw["text"].split()), raw["answer"],
                              raw["why"], option.signal))
        for skill in questions:
            of_skill = [i for i in items if i.skill == skill]
            if not any(i.signal for i in of_skill) or all(i.signal for i in of_skill):
                raise CaseDataError(path, f"forms.{form}",
                                    f"has no {'control' if of_skill and all(i.signal for i in of_skill) else 'yes'} "
                                    f"item for {skill!r}; d' cannot tell skill from bias without both.",
                                    "add 'yes' items and true controls in equal numbers.")
        forms[form] = tuple(items)
    return Check(case, data["edition"], data["notice"], data["minutes"], questions, forms)


@dataclass(frozen=True)
class SkillScore:
    hits: int
    misses: int
    false_alarms: int
    correct_rejections: int
    d_prime: float
    c: float
    brier: float | None  # None when no confidence was given


def score_form(check: Check, form: str, responses: Mapping[str, Mapping[str, Any]]) -> dict[str, SkillScore]:
    """Per-skill signal-detection scores of one student's answers to one form.

    responses: item id -> {"answer": option value, "confidence": 0.5-1.0 or None}. An item left out
    counts as not answered and is skipped (it is neither a hit nor a miss).
    """
    from . import brier, discernment

    items = check.items(form)
    known = {i.id for i in items}
    unknown = sorted(set(responses) - known)
    if unknown:
        raise ValueError(f"responses name items that are not in form {form!r}: {', '.join(unknown)}.")
    scores: dict[str, SkillScore] = {}
    for skill, question in check.questions.items():
        counts = {"hits": 0, "misses": 0, "false_alarms": 0, "correct_rejections": 0}
        confidences: list[float] = []
        correct: list[bool] = []
        for item in (i for i in items if i.skill == skill):
            response = responses.get(item.id)
            if response is None:
                continue
            said_yes = question.option(response["answer"]).signal
            if item.signal:
                counts["hits" if said_yes else "misses"] += 1
            else:
                counts["false_alarms" if said_yes else "correct_rejections"] += 1
            if response.get("confidence") is not None:
                confidences.append(float(response["confidence"]))
                # Right means the exact answer (for sourcing: anonymous is not unsourced), as the student rated it.
                correct.append(response["answer"] == item.answer)
        if counts["hits"] + counts["misses"] == 0 or counts["false_alarms"] + counts["correct_rejections"] == 0:
            continue  # too few answers in this skill to separate skill from bias
        result = discernment(**counts)
        scores[skill] = SkillScore(**counts, d_prime=result.d_prime, c=result.c,
                                   brier=brier(confidences, correct) if confidences else None)
    return scores
