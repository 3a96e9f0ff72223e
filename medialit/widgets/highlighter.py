"""Highlighter: the student marks loaded language in numbered practice paragraphs of a case.

All interaction (marking by mouse or keyboard, checking against the key, scoring, feedback) happens in
highlighter.js, so the widget also works on the static site where no kernel runs. Python supplies the
paragraphs, their word tokens and the practice key, and reads the student's marks back as
`widget.selection`, a list of [start, end] offsets into `case.text`.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from ..case import Case, load_case
from ..scoring import SpanScore, span_prf
from ..techniques import techniques

HERE = Path(__file__).resolve().parent

SKILL = "loaded_language"

# Numbers with separators ("3,000"), then words with inner apostrophes or hyphens ("Pentagon’s",
# "so-called"), then any other visible character on its own. Punctuation is its own token so that a
# phrase inside quotation marks can be marked without its marks: “war crime”.
TOKEN_PATTERN = re.compile(r"\d+(?:[.,]\d+)+|\w+(?:['’\-‐]\w+)*|\S")

# Readable names for the SemEval-2020 Task 11 labels, from the course's one vocabulary (medialit/techniques.yaml).
TECHNIQUE_LABELS = {t.label: t.name for t in techniques()}


# Reporting verbs that pass words on without judging them: a mark on one of these alone gets advice saying so
# (highlighter.js, adviceForUnmatched), not the generic "your reading may still be fair".
NEUTRAL_VERBS = ("said", "says", "say", "saying", "told", "tells", "stated", "states", "reported", "reports",
                 "added", "according to", "announced", "noted", "wrote", "asked", "replied", "explained")

# Reporting verbs the sourcing chapter's verb table discusses (book/sourcing.md, "The reporting verb is a
# signal"): a mark on one of these alone, when the key leaves it out, gets the chapter's own test for it rather
# than generic advice. Keyed on the verb in lower case.
VERB_ADVICE = {
    "denounced": (
        "“denounced” describes the statement as a condemnation. The sourcing chapter's test for this verb: check "
        "that the quoted words bear it out. Here the words that follow, in quotation marks, are charges, so the "
        "verb describes what was said rather than adding a judgment of its own, and the key leaves it out. The "
        "loaded words to look at are the quoted ones."
    ),
}


def tokenize(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Word and punctuation tokens of `text` as [start, end) pairs, shifted by `offset`."""
    return [(offset + m.start(), offset + m.end()) for m in TOKEN_PATTERN.finditer(text)]


def _describe(value: object) -> str:
    text = repr(value) if isinstance(value, (int, float, str, bool, type(None))) else f"a {type(value).__name__}"
    return text if len(text) <= 40 else text[:37] + "..."


class Highlighter(anywidget.AnyWidget):
    """Mark loaded words and phrases in practice paragraphs, then check them against the practice key.

    >>> widget = Highlighter(load_case("deir-ezzor-2018"), paragraphs=[1, 2, 3])
    >>> widget.selection = [[52, 71]]          # offsets into case.text; snapped to whole words
    >>> widget.score().f1
    """

    _esm = HERE / "highlighter.js"
    _css = HERE / "highlighter.css"

    # The student's marks: [start, end] offsets into case.text, sorted, each a run of whole tokens
    # inside one paragraph. Written by the browser and by Python alike.
    # Any, not List: traitlets' own List checks would turn bad input into a vague TraitError first;
    # our validator checks everything and always stores a fresh list.
    selection = traitlets.Any([]).tag(sync=True)
    checked = traitlets.Bool(False).tag(sync=True)
    answers_shown = traitlets.Bool(False).tag(sync=True)
    # The marks as they were when the student last pressed Check: the feedback is computed from these, so it
    # stays as checked until the next Check (None: not checked in the browser).
    _checked_selection = traitlets.Any(None).tag(sync=True)
    # The traits the static site keeps in the browser's storage between visits (widget_runtime.js). In
    # JupyterLab nothing is restored: the kernel's traits are the truth there.
    _keep = traitlets.List(["selection", "checked", "answers_shown", "_checked_selection", "ladder"]).tag(sync=True)
    # How far down the hint ladder the student went for each missed key phrase: {key id: 1 (bigger hint) or 2
    # (the answer)}. Kept with the work so a reload does not hide a hint already read.
    ladder = traitlets.Dict().tag(sync=True)
    # Paragraph texts, tokens and the practice key of these paragraphs only: what the browser needs.
    _data = traitlets.Dict().tag(sync=True)

    def __init__(self, case: Case | str, paragraphs: Iterable[int] | None = None, **kwargs: Any) -> None:
        if isinstance(case, str):
            case = load_case(case)
        self._case = case
        self._numbers = checked_paragraphs(case, paragraphs)
        self._tokens: list[tuple[int, int, int]] = []  # (start, end, paragraph number), in text order
        for number in self._numbers:
            p = case.paragraph(number)
            self._tokens.extend((s, e, number) for s, e in tokenize(p.text, p.start))
        self._key = [phrase for phrase in case.loaded_language if phrase.paragraph in self._numbers]
        selection = kwargs.pop("selection", [])
        super().__init__(_data=self._payload(), **kwargs)
        self.selection = selection

    @property
    def case(self) -> Case:
        return self._case

    @property
    def paragraphs(self) -> tuple[int, ...]:
        """The paragraph numbers this widget shows."""
        return self._numbers

    @property
    def key_spans(self) -> list[tuple[int, int]]:
        """The practice key's spans in this widget's paragraphs."""
        return [(phrase.start, phrase.end) for phrase in self._key]

    def marked_phrases(self) -> list[str]:
        """The words the student marked, one string per span."""
        return [self._case.text[start:end] for start, end in self.selection]

    def score(self) -> SpanScore:
        """Score `selection` against the practice key with medialit.scoring.span_prf."""
        return span_prf([tuple(span) for span in self.selection], self.key_spans, text_length=len(self._case.text))

    def _payload(self) -> dict[str, Any]:
        case = self._case
        paragraphs = []
        for number in self._numbers:
            p = case.paragraph(number)
            paragraphs.append({
                "number": number, "start": p.start, "end": p.end, "text": p.text,
                "tokens": [[s, e] for s, e, n in self._tokens if n == number],
            })
        key = [{
            "id": phrase.id, "paragraph": phrase.paragraph, "start": phrase.start, "end": phrase.end,
            "text": phrase.text, "technique": phrase.technique,
            "technique_label": TECHNIQUE_LABELS.get(phrase.technique, phrase.technique.replace("_", " ")),
            "speaker": speaker_name(case, phrase.speaker),
            "neutral_alternative": phrase.neutral_alternative, "reason": phrase.reason,
            # Contested technique: each other defensible reading, with its case (public practice data).
            "also_accepted": [{
                "technique": r.technique,
                "technique_label": TECHNIQUE_LABELS.get(r.technique, r.technique.replace("_", " ")),
                "reason": r.reason,
            } for r in phrase.also_accepted],
        } for phrase in self._key]
        return {"case": case.name, "title": case.article.title, "paragraphs": paragraphs, "key": key,
                "neutral_verbs": list(NEUTRAL_VERBS), "verb_advice": dict(VERB_ADVICE)}

    @traitlets.validate("selection")
    def _validate_selection(self, proposal: dict[str, Any]) -> list[list[int]]:
        return self._snap(proposal["value"])

    def _snap(self, spans: object) -> list[list[int]]:
        """Check spans and snap them to whole tokens; consecutive marked tokens form one span."""
        if not isinstance(spans, (list, tuple)):
            raise ValueError(f"selection must be a list of [start, end] pairs such as [[52, 71]], not {_describe(spans)}.")
        allowed = ", ".join(
            f"paragraph {n}: {self._case.paragraph(n).start}-{self._case.paragraph(n).end}" for n in self._numbers
        )
        if len(spans) == 2 and all(type(x) is int for x in spans):
            raise ValueError(
                f"selection is {list(spans)!r}, which looks like a single span; wrap it in a list: [{list(spans)!r}]."
            )
        marked: set[int] = set()
        for number, span in enumerate(spans, start=1):
            where = f"selection span {number} (counting from 1)"
            if not isinstance(span, (list, tuple)) or len(span) != 2:
                raise ValueError(f"{where} is {_describe(span)}; each span must be a [start, end] pair such as [52, 71].")
            start, end = span
            if type(start) is not int or type(end) is not int:
                raise ValueError(f"{where} is {list(span)!r}; start and end must be whole numbers (int).")
            if not 0 <= start < end:
                raise ValueError(f"{where} is [{start}, {end}]; it needs 0 <= start < end (spans are [start, end)).")
            paragraph = next((n for n in self._numbers
                              if self._case.paragraph(n).start <= start and end <= self._case.paragraph(n).end), None)
            if paragraph is None:
                raise ValueError(
                    f"{where} is [{start}, {end}], which is not inside one of this widget's paragraphs "
                    f"({allowed}); a span may not cross a paragraph break."
                )
            hits = [i for i, (s, e, _) in enumerate(self._tokens) if s < end and start < e]
            if not hits:
                raise ValueError(f"{where} is [{start}, {end}], which covers only spaces; mark at least one word.")
            marked.update(hits)
        return self._runs(sorted(marked))

    def _runs(self, indices: Sequence[int]) -> list[list[int]]:
        runs: list[list[int]] = []
        previous = None
        for i in indices:
            s, e, n = self._tokens[i]
            if previous is not None and i == previous + 1 and self._tokens[previous][2] == n:
                runs[-1][1] = e
            else:
                runs.append([s, e])
            previous = i
        return runs


def speaker_name(case: Case, speaker: str) -> str:
    """How a widget names a phrase's speaker (the author, or the actor's name)."""
    if speaker == "author":
        return "the writer"
    try:
        return case.speaker_name(speaker)
    except ValueError:
        return speaker


def checked_paragraphs(case: Case, paragraphs: Iterable[int] | None) -> tuple[int, ...]:
    """The practice paragraphs asked for (all of them for None), or ValueError naming the allowed ones."""
    practice = tuple(case.practice_paragraphs(SKILL))
    allowed = ", ".join(map(str, practice))
    if paragraphs is None:
        if not practice:
            raise ValueError(f"Case {case.name!r} has no practice paragraphs for loaded language (passages.yaml).")
        return practice
    if isinstance(paragraphs, (str, bytes)) or not isinstance(paragraphs, Iterable):
        raise ValueError(f"paragraphs must be a list of paragraph numbers such as [1, 2, 3], not {_describe(paragraphs)}.")
    numbers = list(paragraphs)
    if not numbers:
        raise ValueError(f"paragraphs is empty; choose one or more practice paragraphs: {allowed}.")
    graded = set(case.graded_paragraphs(SKILL))
    for number in numbers:
        if type(number) is not int:
            raise ValueError(f"paragraph {_describe(number)} is not a whole number; choose from the practice paragraphs: {allowed}.")
        if number in graded:
            raise ValueError(
                f"Paragraph {number} is kept for a graded exercise, so the Highlighter cannot show it. "
                f"Choose from the practice paragraphs: {allowed}."
            )
        if number not in practice:
            raise ValueError(
                f"Paragraph {number} is not a practice paragraph for loaded language. "
                f"Choose from the practice paragraphs: {allowed}."
            )
    if len(set(numbers)) != len(numbers):
        raise ValueError(f"paragraphs {numbers} lists a paragraph twice; give each number once.")
    return tuple(sorted(numbers))
