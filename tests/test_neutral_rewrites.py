"""Each neutral alternative in the practice key, read back into its sentence, reads as a sentence.

A neutral rewrite keeps every claim, says whose it is, and drops only the charge (the rule stated in
seeds/deir-ezzor-2018/loaded_language.yaml). What a test can hold of that rule:

* the alternative is words to put in the sentence, not an instruction (no brackets), except "(leave out)";
* read back, it repeats no word sequence of the text around it ("a new and a new stage");
* it keeps every number in the phrase;
* a phrase in quotation marks loses the marks with it (the rewrite is no longer the speaker's words).
"""
from __future__ import annotations

import re

import pytest

from medialit import CASE, load_case

LEAVE_OUT = "(leave out)"
OPENING, CLOSING = "“\"'‘", "”\"'’"

CASE_DATA = load_case(CASE)


def read_back(text: str, start: int, end: int, alternative: str) -> tuple[str, str, str]:
    """(words before, the alternative, words after) in the phrase's paragraph, quotation marks taken with it."""
    paragraph = next(p for p in CASE_DATA.paragraphs if p.start <= start and end <= p.end)
    before, after = text[paragraph.start:start], text[end:paragraph.end]
    if before and before[-1] in OPENING and after and (after[0] in CLOSING or after[:2][-1:] in CLOSING):
        before = before[:-1]
        after = after[1:] if after[0] in CLOSING else after[0] + after[2:]
    return before, ("" if alternative == LEAVE_OUT else alternative), after


def words(text: str) -> list[str]:
    return re.findall(r"[\w’']+", text.lower())


STOPWORDS = {"a", "an", "the", "and", "or", "of", "in", "on", "to", "it", "its", "that", "which", "as", "by",
             "with", "for", "at", "is", "was", "be"}


ARTICLES = {"a", "an", "the"}


def _bigrams(tokens: list[str]) -> set[tuple[str, str]]:
    return {pair for pair in zip(tokens, tokens[1:]) if not set(pair) <= STOPWORDS}


def repeated_across_the_seam(before: str, inserted: str, after: str, reach: int = 5) -> list[str]:
    """What the inserted words repeat from the words just around them: a word pair that is not all function
    words ("a new" in "a new and a new stage"), or one word doubled at a seam ("an an")."""
    left, middle, right = words(before)[-reach:], words(inserted), words(after)[:reach]
    problems = sorted(" ".join(pair) for pair in _bigrams(middle) & (_bigrams(left) | _bigrams(right)))
    if middle and left and left[-1] in ARTICLES and middle[0] in ARTICLES:
        problems.append(f"{left[-1]} {middle[0]}")
    elif middle and left and left[-1] == middle[0]:
        problems.append(f"{left[-1]} {middle[0]}")
    if middle and right and right[0] == middle[-1]:
        problems.append(f"{middle[-1]} {right[0]}")
    if not middle and left and right and left[-1] == right[0]:
        problems.append(f"{left[-1]} {right[0]}")
    return problems


PHRASES = CASE_DATA.loaded_language


@pytest.mark.parametrize("phrase", PHRASES, ids=[p.id for p in PHRASES])
def test_alternative_is_words_not_an_instruction(phrase) -> None:
    alternative = phrase.neutral_alternative
    assert alternative == LEAVE_OUT or not re.search(r"[()\[\]]", alternative), (
        f"{phrase.id}: neutral_alternative {alternative!r} is an instruction, not words; write the words that "
        f"replace {phrase.text!r} in its sentence, or {LEAVE_OUT!r} to delete it.")


@pytest.mark.parametrize("phrase", PHRASES, ids=[p.id for p in PHRASES])
def test_alternative_reads_in_its_sentence_without_doubled_words(phrase) -> None:
    before, inserted, after = read_back(CASE_DATA.text, phrase.start, phrase.end, phrase.neutral_alternative)
    problems = repeated_across_the_seam(before, inserted, after)
    sentence = (before[-60:] + inserted + after[:60]).replace("\n", " ")
    assert not problems, (f"{phrase.id}: read back into its sentence, {phrase.neutral_alternative!r} repeats "
                          f"{problems} ('...{sentence}...'); rewrite the alternative so the sentence reads once.")


@pytest.mark.parametrize("phrase", PHRASES, ids=[p.id for p in PHRASES])
def test_alternative_keeps_every_number(phrase) -> None:
    numbers = re.findall(r"\d[\d,.]*", phrase.text)
    missing = [n for n in numbers if n not in phrase.neutral_alternative]
    assert not missing, f"{phrase.id}: the alternative drops {missing} from {phrase.text!r}; keep every claim."


def test_the_checker_catches_the_errors_it_is_for() -> None:
    text = "signaling the initiation of a new and far more dangerous stage in the war."
    start = text.index("far")
    end = text.index(" in the war")
    assert repeated_across_the_seam(text[:start], "a new stage", text[end:]) == ["a new"]
    assert repeated_across_the_seam("launching “an ", "an attack", " on a position") == ["an an"]
    assert repeated_across_the_seam("carried out an ", "a strike that killed", " of up to 100") == ["an a"]
    assert repeated_across_the_seam("", "The account", " from the Pentagon is that") == []
    assert repeated_across_the_seam("story from the ", "the Pentagon's account", "") == ["the the"]


def test_quotation_marks_go_with_the_phrase() -> None:
    text = CASE_DATA.text
    phrase = next(p for p in PHRASES if p.text == "war crime")
    before, _, after = read_back(text, phrase.start, phrase.end, "x")
    assert before.endswith("as a ") and after.startswith(" and “direct"), (before[-10:], after[:12])
    phrase = next(p for p in PHRASES if p.text == "direct support to terrorism")
    before, _, after = read_back(text, phrase.start, phrase.end, "x")
    assert before.endswith("and ") and after.startswith(", insisting"), (before[-10:], after[:12])


# --- internal words never reach students ------------------------------------------------------------------------------

INTERNAL = re.compile(r"\bthe seed\b|\bseed's\b|provenance\.yaml|article\.yaml|statements\.yaml|seeds/", re.IGNORECASE)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def test_no_internal_words_in_what_students_read() -> None:
    """Data values the pages show, student notebooks' text and the chapters say "the copy the course received"."""
    import json
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[1]
    found = []
    for path in sorted((root / "seeds" / CASE).glob("*.yaml")):
        for text in _strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
            if INTERNAL.search(text):
                found.append(f"{path.name}: {text[:90]!r}")
    for path in sorted((root / "exercises").glob("*/*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            text = "".join(cell["source"])
            if cell["cell_type"] == "markdown" and INTERNAL.search(text):
                found.append(f"{path.name}: {INTERNAL.search(text).group(0)!r}")
    for path in sorted((root / "book").glob("*.md")):
        if path.name == "instructors.md":
            continue  # instructors are told where files live
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if INTERNAL.search(line) and "load_case" not in line:
                found.append(f"{path.name}:{number}: {line.strip()[:90]!r}")
    assert not found, "internal words students would meet; say 'the copy the course received' instead:\n" + "\n".join(found)


def test_the_machine_labs_default_sentence_is_the_practice_keys_wording_read_back() -> None:
    """book/machine.md calls the lab's default sentence paragraph 1's first clause with ll-01's neutral wording."""
    phrase = next(p for p in PHRASES if p.id == "ll-01")
    before, inserted, after = read_back(CASE_DATA.text, phrase.start, phrase.end, phrase.neutral_alternative)
    clause = (before + inserted + after).split(",  signaling")[0].split(", signaling")[0]
    assert CASE_DATA.detector_rewrite == clause + ".", (CASE_DATA.detector_rewrite, clause)
