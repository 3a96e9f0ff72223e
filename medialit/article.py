"""The canonical article: metadata, numbered paragraphs and the one text that every span indexes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

PARAGRAPH_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Paragraph:
    """One numbered paragraph; `start`/`end` locate it in `Article.text` (half-open)."""

    number: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Article:
    title: str
    author: str
    date: date
    outlet: str
    outlet_url: str | None
    paragraphs: tuple[Paragraph, ...]
    repairs: tuple[dict, ...]

    @property
    def text(self) -> str:
        """The body as one string: paragraphs joined by a blank line. All spans are offsets into it."""
        return PARAGRAPH_SEPARATOR.join(p.text for p in self.paragraphs)

    def paragraph(self, number: int) -> Paragraph:
        if type(number) is not int or not 1 <= number <= len(self.paragraphs):
            raise ValueError(
                f"There is no paragraph {number!r}: the article has paragraphs 1 to {len(self.paragraphs)}."
            )
        return self.paragraphs[number - 1]

    def paragraph_at(self, offset: int) -> Paragraph:
        """The paragraph containing character `offset`, or a ValueError if it falls between paragraphs."""
        for p in self.paragraphs:
            if p.start <= offset < p.end:
                return p
        raise ValueError(f"Offset {offset} is not inside any paragraph (text length {len(self.text)}).")


def build_paragraphs(texts: list[str]) -> tuple[Paragraph, ...]:
    paragraphs, position = [], 0
    for number, body in enumerate(texts, start=1):
        paragraphs.append(Paragraph(number, position, position + len(body), body))
        position += len(body) + len(PARAGRAPH_SEPARATOR)
    return tuple(paragraphs)
