"""A transparent loaded-language detector, for students to test against their own reading and the key.

It is deliberately simple, so that every mark can be explained: it looks each word of a text up in two
published lexicons and marks the words whose strength reaches a threshold the reader can move.

* **VADER** (Hutto & Gilbert, 2014; the lexicon shipped in the PyPI package ``vaderSentiment``, MIT
  licence): a word's valence from -4 to +4. Its strength here is ``|valence| / 4``.
* **TextBlob's subjectivity lexicon** (De Smedt & Daelemans, from the Pattern library; shipped in the PyPI
  package ``textblob``, the lexicon dedicated to the public domain under the PDDL): for each word form
  with several senses, the mean subjectivity from 0 (objective) to 1 (subjective). Its strength is that mean.

A word's strength is the larger of its two strengths. Each word whose strength is at least the threshold
is marked; marked words separated only by spaces or hyphens form one span. Every span carries the
entries that fired, so a reader can see exactly why it was marked.

One definition, two runtimes: the lexicon is exported once (``python -m medialit.detector export``) into
``medialit/lexicons/detector_lexicon.json``, which this module and the detector lab's JavaScript
(``medialit/widgets/detector_lab.js``) both read; tests/test_detector.py checks that the committed file
equals a fresh export and that both runtimes mark the same spans on every paragraph of the article.
AFINN (also on PyPI) is not used: its word list is under the ODbL, whose share-alike terms would bind a
combined file, and its package is marked GPL (see medialit/lexicons/LICENSES.md).
"""
from __future__ import annotations

import json
import math
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from .case import Case, current_case, load_case
from .scoring import SpanScore, span_prf

__all__ = [
    "DEFAULT_THRESHOLD", "LEXICON_PATH", "Hit", "Mark",
    "word_hits", "detect", "sentence_score", "detect_paragraphs", "score_paragraphs", "export_lexicon", "load_lexicon",
]

LEXICON_PATH = Path(__file__).resolve().parent / "lexicons" / "detector_lexicon.json"
# /2: words keyed by source, {"vader": {"word": valence}, "textblob": {"word": subjectivity}}: the same entries
# as /1's {"word": {"vader": ..., "textblob": ...}} in 62 % of the bytes (each source named once, not per word).
LEXICON_FORMAT = "medialit-detector-lexicon/2"

# The default is the middle of the strength scale, fixed before looking at the key (not tuned on it):
# tuning on the practice key would flatter the machine's score on that key.
DEFAULT_THRESHOLD = 0.5

# ASCII letters with inner apostrophes ("Pentagon’s", "don't"). Kept ASCII on purpose: JavaScript's
# /[A-Za-z]/ matches exactly the same characters, so both runtimes cut the same words. Hyphenated words
# ("so-called") are two words, as both lexicons list only single words.
WORD_PATTERN = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*")
# What may sit between two marked words of one span: spaces and hyphens only, never punctuation.
JOIN_PATTERN = re.compile(r"[ \-]+")

SOURCES = {
    "vader": {
        "name": "VADER sentiment lexicon",
        "package": "vaderSentiment",
        "file": "vaderSentiment/vader_lexicon.txt",
        "licence": "MIT (Copyright (c) 2016 C.J. Hutto)",
        "scale": "valence from -4 (most negative) to +4 (most positive); strength = |valence| / 4",
    },
    "textblob": {
        "name": "TextBlob (Pattern) subjectivity lexicon",
        "package": "textblob",
        "file": "textblob/en/en-sentiment.xml",
        "licence": "PDDL (lexicon, by Tom De Smedt and Walter Daelemans); TextBlob's code is MIT",
        "scale": "subjectivity from 0 (objective) to 1 (subjective), mean over the word's senses; strength = that mean",
    },
}


@dataclass(frozen=True)
class Hit:
    """One lexicon entry that fired on one word."""
    source: str      # "vader" or "textblob"
    entry: str       # the lexicon's headword (lower case)
    value: float     # the lexicon's own number: VADER valence, or TextBlob mean subjectivity
    strength: float  # the value on the common 0-1 scale the threshold applies to


@dataclass(frozen=True)
class Mark:
    """A span the detector marked: offsets into the text it was given, and why."""
    start: int
    end: int
    text: str
    strength: float            # the strongest word in the span
    hits: tuple[Hit, ...]      # every entry that fired on a word of the span, in text order

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)

    def explain(self) -> str:
        reasons = "; ".join(f"{h.entry}: {h.source} {h.value:+g} -> {h.strength:.2f}" for h in self.hits)
        return f"{self.text!r} ({self.strength:.2f}) because {reasons}"


# ------------------------------------------------------------------------------------------------
# The lexicon: exported once from the installed packages, then read from the committed JSON file.
# ------------------------------------------------------------------------------------------------

def export_lexicon() -> dict[str, Any]:
    """Build the lexicon data from the installed vaderSentiment and textblob packages (no network)."""
    try:
        import textblob
        import vaderSentiment
    except ImportError as error:  # pragma: no cover - both are pinned in requirements.txt
        raise RuntimeError(
            f"Exporting the detector's lexicon needs the packages vaderSentiment and textblob ({error}); "
            "install requirements.txt into .venv (bash scripts/setup)."
        ) from None
    import xml.etree.ElementTree as ET
    from importlib.metadata import version

    headword = re.compile(r"[a-z]+(?:'[a-z]+)*")  # the words WORD_PATTERN can produce, lower-cased
    words: dict[str, dict[str, float]] = {name: {} for name in SOURCES}  # source -> word -> value
    vader_file = Path(vaderSentiment.__file__).with_name("vader_lexicon.txt")
    for line in vader_file.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) >= 2 and headword.fullmatch(fields[0]) and float(fields[1]) != 0:
            words["vader"][fields[0]] = float(fields[1])
    senses: dict[str, list[float]] = defaultdict(list)
    blob_file = Path(textblob.__file__).parent / "en" / "en-sentiment.xml"
    for element in ET.parse(blob_file).getroot():
        form = (element.get("form") or "").lower()
        if headword.fullmatch(form):
            senses[form].append(float(element.get("subjectivity", "0")))
    for form, values in senses.items():
        # Rounded once here, so Python and JavaScript compare the very same number with the threshold.
        mean = round(sum(values) / len(values), 3)
        if mean > 0:
            words["textblob"][form] = mean
    sources = {name: dict(info, version=version(info["package"])) for name, info in SOURCES.items()}
    return {
        "format": LEXICON_FORMAT,
        "note": "Generated by `python -m medialit.detector export`; do not edit by hand. Licences: LICENSES.md.",
        "sources": sources,
        "words": {source: dict(sorted(entries.items())) for source, entries in words.items()},
    }


def write_lexicon(path: Path = LEXICON_PATH) -> Path:
    data = export_lexicon()
    path.write_text(json.dumps(data, ensure_ascii=True, separators=(",", ":"), sort_keys=False) + "\n",
                    encoding="utf-8")
    return path


@lru_cache(maxsize=1)
def load_lexicon() -> dict[str, Any]:
    """The committed lexicon data (the same file the JavaScript scorer is given)."""
    try:
        data = json.loads(LEXICON_PATH.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{LEXICON_PATH} is missing; recreate it with `python -m medialit.detector export`."
        ) from None
    if data.get("format") != LEXICON_FORMAT:
        raise ValueError(f"{LEXICON_PATH} has format {data.get('format')!r}, expected {LEXICON_FORMAT!r}; "
                         "re-export it with `python -m medialit.detector export`.")
    return data


# ------------------------------------------------------------------------------------------------
# Scoring
# ------------------------------------------------------------------------------------------------

def _check_threshold(threshold: object) -> float:
    if not (type(threshold) is int or type(threshold) is float) or isinstance(threshold, bool) or not math.isfinite(threshold):
        raise ValueError(f"threshold must be a number between 0 and 1 such as 0.5, not {threshold!r}")
    if not 0 < threshold <= 1:
        raise ValueError(
            f"threshold is {threshold}; it must be more than 0 and at most 1 "
            "(0 would mark every word the lexicons know, however weak)"
        )
    return float(threshold)


def word_hits(word: str) -> tuple[Hit, ...]:
    """Every lexicon entry for one word (any case; a curly apostrophe counts as a straight one)."""
    key = word.lower().replace("\u2019", "'")
    words = load_lexicon()["words"]
    hits = []
    if key in words["vader"]:
        hits.append(Hit("vader", key, words["vader"][key], abs(words["vader"][key]) / 4))
    if key in words["textblob"]:
        hits.append(Hit("textblob", key, words["textblob"][key], words["textblob"][key]))
    return tuple(hits)


def detect(text: str, threshold: float = DEFAULT_THRESHOLD, offset: int = 0) -> list[Mark]:
    """Mark the loaded words of ``text``; offsets are shifted by ``offset`` (a paragraph's start)."""
    if not isinstance(text, str):
        raise ValueError(f"text must be a string, not a {type(text).__name__}")
    if type(offset) is not int or offset < 0:
        raise ValueError(f"offset must be a whole number, 0 or more, not {offset!r}")
    threshold = _check_threshold(threshold)
    marks: list[Mark] = []
    run: list[tuple[int, int, tuple[Hit, ...]]] = []

    def close() -> None:
        if run:
            start, end = run[0][0], run[-1][1]
            hits = tuple(h for _, _, word in run for h in word)
            marks.append(Mark(start + offset, end + offset, text[start:end],
                              max(h.strength for h in hits), hits))
            run.clear()

    for match in WORD_PATTERN.finditer(text):
        hits = word_hits(match.group())
        if hits and max(h.strength for h in hits) >= threshold:
            if run and not JOIN_PATTERN.fullmatch(text[run[-1][1]:match.start()]):
                close()
            run.append((match.start(), match.end(), hits))
        else:
            close()
    close()
    return marks


def sentence_score(text: str, threshold: float = DEFAULT_THRESHOLD) -> float:
    """The detector's score for a sentence: the sum of the strengths of its marked words, in text order.

    Summed in the same order as detector_lab.js's sentenceScore, so both give the same float.
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a string, not a {type(text).__name__}")
    threshold = _check_threshold(threshold)
    total = 0.0
    for match in WORD_PATTERN.finditer(text):
        hits = word_hits(match.group())
        if hits:
            strength = max(h.strength for h in hits)
            if strength >= threshold:
                total += strength
    return total


def detect_paragraphs(case: Case | str, paragraphs: Iterable[int], threshold: float = DEFAULT_THRESHOLD) -> list[Mark]:
    """The detector's marks on whole paragraphs of a case, as offsets into ``case.text``."""
    if isinstance(case, str):
        case = load_case(case)
    marks: list[Mark] = []
    for number in paragraphs:
        paragraph = case.paragraph(number)
        marks.extend(detect(paragraph.text, threshold, paragraph.start))
    return marks


def score_paragraphs(case: Case | str, paragraphs: Iterable[int] | None = None,
                     threshold: float = DEFAULT_THRESHOLD) -> SpanScore:
    """The detector's marks scored against the practice key with the course's one scorer, span_prf.

    ``paragraphs`` defaults to the practice paragraphs for loaded language; only practice paragraphs
    are allowed, because the key of the graded ones is not public.
    """
    if isinstance(case, str):
        case = load_case(case)
    practice = case.practice_paragraphs("loaded_language")
    numbers = list(practice if paragraphs is None else paragraphs)
    outside = [n for n in numbers if n not in practice]
    if outside:
        raise ValueError(f"paragraphs {outside} have no public key; choose from the practice paragraphs "
                         f"{', '.join(map(str, practice))}.")
    marks = detect_paragraphs(case, numbers, threshold)
    key = [phrase.span for phrase in case.loaded_language if phrase.paragraph in numbers]
    return span_prf([m.span for m in marks], key, text_length=len(case.text))


def main(argv: list[str]) -> int:
    if argv[:1] == ["export"]:
        print(f"wrote {write_lexicon()}")
        return 0
    if argv[:1] == ["score"]:
        threshold = float(argv[1]) if len(argv) > 1 else DEFAULT_THRESHOLD
        result = score_paragraphs(current_case(), threshold=threshold)
        print(f"threshold {threshold}: P {result.precision:.3f}  R {result.recall:.3f}  F1 {result.f1:.3f}")
        return 0
    print("usage: python -m medialit.detector export | score [threshold]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
