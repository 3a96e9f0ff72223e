"""Typed records for a case's annotations: loaded phrases, claims, actors, statements, figures."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .techniques import labels as technique_labels

QUESTIONS = ("casualties", "who_attacked_first", "russian_presence", "legality")
ATTRIBUTIONS = ("named", "anonymous", "unsourced")
CLAIM_KINDS = ("fact", "interpretation")
SKILLS = ("loaded_language", "claims", "statements", "capstone")
# Spelled as in the SemEval-2020 Task 11 data files (Da San Martino et al., 2020), from the course's one
# vocabulary (medialit/techniques.yaml), which also gives each its readable name.
TECHNIQUES = tuple(sorted(technique_labels()))


@dataclass(frozen=True)
class Reading:
    """Another defensible technique for a contested phrase, with the case for it."""

    technique: str
    reason: str


@dataclass(frozen=True)
class LoadedPhrase:
    id: str
    paragraph: int
    start: int
    end: int
    text: str
    technique: str
    speaker: str  # "author" or an actor id
    neutral_alternative: str
    reason: str
    also_accepted: tuple[Reading, ...] = ()  # other defensible techniques, when the call is contested

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)

    @property
    def techniques(self) -> tuple[str, ...]:
        """Every accepted technique, the key's first."""
        return (self.technique, *(r.technique for r in self.also_accepted))


@dataclass(frozen=True)
class Claim:
    id: str
    paragraph: int
    start: int
    end: int
    text: str
    source: str  # "author" or an actor id
    attribution: str
    reporting_verb: str | None
    kind: str
    reason: str
    # Notes on this claim for particular kinds of wrong answer, as (mistake id, note) pairs (claims.yaml `notes`).
    notes: tuple[tuple[str, str], ...] = ()

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)

    def note(self, mistake: str) -> str | None:
        """This claim's note for one kind of mistake (medialit.scoring.CLAIM_MISTAKES), or None."""
        return dict(self.notes).get(mistake)


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    role: str


@dataclass(frozen=True)
class Figure:
    """A number a source gave, as bounds: "up to 100" has high=100 and low=None; "dozens" is a range."""

    kind: str  # "killed" | "wounded"
    side: str  # "pro-government" | "sdf-coalition"
    low: float | None
    high: float | None
    label: str
    reading: str | None = None  # how a vague word was turned into numbers


@dataclass(frozen=True)
class Statement:
    id: str
    actor: str
    question: str
    paragraph: int | None
    words: str
    verbatim: bool
    date: date | None
    date_note: str | None
    source_note: str
    figure: Figure | None
    article_use: str | None


@dataclass(frozen=True)
class LaterReport:
    date: date
    who: str
    what: str
    reported_by: str
    figure: Figure | None


# --- practice sets (seeds/<case>/practice.yaml) --------------------------------------------------------------------

PRACTICE_SKILLS = ("loaded_language", "claims", "statements")
# A mark item's phrase is loaded, not loaded, or contested ("either": both readings earn the point).
LOADED, NOT_LOADED = "loaded", "not loaded"


@dataclass(frozen=True)
class PracticeOption:
    value: str
    label: str


@dataclass(frozen=True)
class PracticePhrase:
    """A phrase of a mark item's passage, with the labels accepted for it and why."""

    text: str
    accepted: tuple[str, ...]  # (LOADED,), (NOT_LOADED,) or both when contested
    why: str


@dataclass(frozen=True)
class PracticeMistake:
    """A likely wrong answer and the hint aimed at it: `kind` is "chose", "marked" or "missed"."""

    kind: str
    value: str
    hint: str


@dataclass(frozen=True)
class PracticeItem:
    id: str
    skill: str
    question: str
    answer_type: str  # "choose" | "mark"
    text: str  # the passage or the invented example, exactly as shown
    paragraph: int | None  # the article paragraph the passage quotes; None for an invented example
    invented: bool
    options: tuple[PracticeOption, ...]  # choose items
    accepted: tuple[tuple[str, str], ...]  # choose items: (option value, why), every defensible answer
    phrases: tuple[PracticePhrase, ...]  # mark items
    mistakes: tuple[PracticeMistake, ...]
    hint: str
    bigger_hint: str
    answer: str

@dataclass(frozen=True)
class Decision:
    """One entry of the decisions register (decisions.yaml): the course's call on one device, for every key.

    Only the fields that fit the device's skill are set: `decision`, `techniques` and `span` for loaded
    language, `kinds`, `attributions` and `signals` for sourcing, `reasons` for the machine assignment."""

    id: str
    skill: str  # "loaded_language" | "claims" | "machine"
    device: str
    reason: str  # what a student sees
    words: tuple[str, ...] = ()  # public word forms that identify the device in a key, a claim or a check item
    decision: str | None = None  # "loaded" | "not_loaded" | "contested"
    techniques: tuple[str, ...] = ()  # accepted techniques; the first is the one a key records
    kinds: tuple[str, ...] = ()
    attributions: tuple[str, ...] = ()
    signals: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    span: str = ""
    examples: tuple[str, ...] = ()  # ids of public records that follow the decision


@dataclass(frozen=True)
class ModelAnswer:
    """A model answer to one of the Statement comparer's prompts: what a strong answer does, and one written out.

    `works_on` names the question the model takes (it may leave graded items to the student)."""

    prompt: str
    rubric: tuple[str, ...]
    answer: str
    works_on: str | None = None
