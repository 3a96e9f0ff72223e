"""A phrase task's spec turned into character spans: the one rule the grade and the class report both use.

    spans = phrase_spans(spec, case)   # the task's region of the article, and its key phrases as spans
    spans.key                          # [(start, end), ...], one per key phrase, in the spec's order
    spans.of(["proudly claimed"])      # a student's phrases as spans, found in the same region

``medialit.grading.award`` scores a phrase answer with it and ``medialit.assessment.tasks`` counts who
found which key phrase with it, so the report cannot drift from the grade: the same paragraphs, the same
region, the same phrase matching (``medialit.scoring.phrases_to_spans``).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .. import scoring
from ..case import Case

__all__ = ["PhraseSpans", "phrase_spans", "spec_paragraphs"]

Span = tuple[int, int]


def spec_paragraphs(spec: Mapping[str, Any]) -> list[int]:
    """The paragraph numbers a phrase spec names (one number or a list of them)."""
    paragraphs = spec.get("paragraphs")
    numbers = [paragraphs] if type(paragraphs) is int else list(paragraphs or [])
    if not numbers or any(type(n) is not int for n in numbers):
        raise ValueError(f"a phrase task's 'paragraphs' must be a paragraph number or a list of them, not {paragraphs!r}")
    return numbers


@dataclass(frozen=True)
class PhraseSpans:
    """The region of the article a phrase task covers, and its key phrases as spans in it."""

    paragraphs: tuple[int, ...]
    start: int
    end: int
    where: str  # "paragraph 13" or "paragraphs 20, 21 and 22", for error messages
    key: tuple[Span, ...]
    text: str  # the article's whole text (spans index it)

    def of(self, phrases: Sequence[str]) -> list[Span]:
        """Phrases copied from the region, as spans (ValueError for a phrase not found once in it)."""
        return scoring.phrases_to_spans(list(phrases), self.text, within=(self.start, self.end), where=self.where)


def phrase_spans(spec: Mapping[str, Any], case: Case) -> PhraseSpans:
    """The spans of a phrase task's key (ValueError naming the phrase when the key does not fit the article)."""
    numbers = spec_paragraphs(spec)
    first, last = case.paragraph(numbers[0]), case.paragraph(numbers[-1])
    where = (f"paragraph {numbers[0]}" if len(numbers) == 1
             else f"paragraphs {', '.join(map(str, numbers[:-1]))} and {numbers[-1]}")
    key = scoring.phrases_to_spans([record["phrase"] for record in spec["key"]], case.text,
                                   within=(first.start, last.end), where=where)
    return PhraseSpans(tuple(numbers), first.start, last.end, where, tuple(key), case.text)
