"""Coverage (issue 12): the headline and every paragraph of the article are worked on somewhere in the course.

A paragraph counts when it is a practice or graded passage of a skill (seeds/<case>/passages.yaml), when a statement
record quotes it (statements.yaml), when a practice-set item quotes it (practice.yaml), or when a book chapter has a section headed "Worked example: paragraph(s) N ..."
that quotes it with the {article} role. The headline counts when a chapter has a section headed "Worked example: the
headline" that quotes it whole.
"""
from __future__ import annotations

import re
from pathlib import Path

from medialit import CASE, load_case

REPO = Path(__file__).resolve().parents[1]
HEADING = re.compile(r"^#+ Worked example: (.*)$", re.M)


def _sections(page: str) -> list[tuple[str, str]]:
    """(heading text, body up to the next heading of any level) for each worked-example heading."""
    found = []
    for match in HEADING.finditer(page):
        rest = page[match.end():]
        following = re.search(r"^#+ ", rest, re.M)
        found.append((match.group(1), rest[:following.start()] if following else rest))
    return found


def _worked_examples() -> dict[str, list[tuple[str, str]]]:
    return {page.name: _sections(page.read_text(encoding="utf-8")) for page in sorted((REPO / "book").glob("*.md"))}


def _worked_paragraphs(case) -> set[int]:
    covered = set()
    for sections in _worked_examples().values():
        for heading, body in sections:
            if not re.search(r"paragraphs? \d", heading):
                continue
            quotes = re.findall(r"\{article\}`([^`]+)`", body)
            for number in map(int, re.findall(r"\d+", heading)):
                text = case.paragraph(number).text
                assert any(q in text for q in quotes), f"'Worked example: {heading}' quotes nothing of paragraph {number}"
                covered.add(number)
    return covered


def test_every_paragraph_is_worked_on_somewhere() -> None:
    case = load_case(CASE)
    covered = set()
    for skill in ("loaded_language", "claims", "capstone"):
        covered |= set(case.practice_paragraphs(skill)) | set(case.graded_paragraphs(skill))
    covered |= {s.paragraph for s in case.statements if s.paragraph is not None}
    # The practice sets' items on the article (practice.yaml): worked examples no longer share their passages.
    covered |= {item.paragraph for item in case.practice_items if item.paragraph is not None}
    covered |= _worked_paragraphs(case)
    missing = sorted({p.number for p in case.paragraphs} - covered)
    assert not missing, f"paragraph(s) {missing} are in no practice, graded or worked example"


def test_the_headline_is_worked_on() -> None:
    title = load_case(CASE).article.title
    bodies = [body for sections in _worked_examples().values() for heading, body in sections
              if heading.strip().lower() == "the headline"]
    assert bodies, "no chapter has a section 'Worked example: the headline'"
    assert any(f"> {title}" in body for body in bodies), "the headline's worked example does not quote it whole"


def test_worked_examples_and_practice_never_share_a_passage() -> None:
    """Issue 19: the paragraphs issue 12 added worked examples on (12, 15, 16, 19) are the practice sets' passages,
    so the worked examples moved to other passages or invented ones; none quotes a practice item's paragraph."""
    case = load_case(CASE)
    practised = {item.paragraph for item in case.practice_items if item.paragraph is not None}
    assert {12, 15, 16, 19} <= practised
    assert not _worked_paragraphs(case) & practised, _worked_paragraphs(case) & practised
