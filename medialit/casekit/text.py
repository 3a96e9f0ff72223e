"""Split an article's raw text into paragraphs, each remembered with its place in the raw text.

Annotation tools count characters over the text they were given (Label Studio counts every space), so the kit
keeps the raw text as the case's seed (``source.txt``) and maps each offset onto the canonical text (paragraphs
joined by a blank line, medialit.article) through the paragraph it falls in. A paragraph is a block of the raw
text between blank lines, stripped; a line break inside a block becomes one space, which keeps every offset
inside a paragraph where it was.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_BYLINE = re.compile(r"^(by|von|par)\s+\S", re.IGNORECASE)
_DATE = re.compile(r"^(\d{1,2}\s+\w+\s+\d{4}|\w+\s+\d{1,2},\s+\d{4}|\d{4}-\d{2}-\d{2})$")
_FOOTER_HINTS = re.compile(r"https?://|©|copyright|all rights reserved|to contact|subscribe", re.IGNORECASE)


@dataclass(frozen=True)
class Block:
    """One paragraph-sized block of the raw text: `raw_start` is where its first character is in the raw text."""

    raw_start: int
    text: str

    @property
    def raw_end(self) -> int:
        return self.raw_start + len(self.text)


def blocks(raw: str) -> list[Block]:
    """The raw text's blocks (split at blank lines), stripped, with inner line breaks turned into spaces."""
    if "\r" in raw:
        raise ValueError("the text has Windows line endings (\\r\\n): save it with plain \\n line endings first, "
                         "so that the character offsets of annotation tools still match.")
    found, position = [], 0
    for piece in _BLANK_LINE.split(raw):
        start = raw.index(piece, position)
        position = start + len(piece)
        stripped = piece.strip()
        if stripped:
            found.append(Block(start + piece.index(stripped), stripped.replace("\n", " ")))
    return found


@dataclass(frozen=True)
class Layout:
    """What `case new` recognised: headline, byline, date line and footer, and the body's blocks."""

    headline: str | None
    byline: str | None
    date_line: str | None
    footer: str | None
    body: list[Block]


def recognise(found: list[Block]) -> Layout:
    """Headline (a short first line without a full stop), byline ("By ..."), a date line and a footer."""
    body = list(found)
    headline = byline = date_line = footer = None
    if body and len(body[0].text) <= 160 and not body[0].text.endswith((".", "?\u201d", ".\u201d")):
        headline = body.pop(0).text
    while body and len(body[0].text) <= 80 and (_BYLINE.match(body[0].text) or _DATE.match(body[0].text)):
        line = body.pop(0).text
        if _BYLINE.match(line):
            byline = line
        else:
            date_line = line
    if body and len(body[-1].text) <= 200 and _FOOTER_HINTS.search(body[-1].text):
        footer = body.pop().text
    return Layout(headline, byline, date_line, footer, body)


def raw_offset_map(raw: str, paragraphs: list[str]) -> list[Block | None]:
    """For each canonical paragraph, the raw block with the same text (None if the paragraph was edited)."""
    by_text: dict[str, list[Block]] = {}
    for block in blocks(raw):
        by_text.setdefault(block.text, []).append(block)
    return [by_text[p].pop(0) if by_text.get(p) else None for p in paragraphs]
