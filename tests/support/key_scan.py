"""The key-leak scan: what counts as a graded key (key_records) and where a released file shows one (scan_text).

Used by tests/test_no_key_leak.py (the released files) and tests/test_downloads.py (the downloadable zip).
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import nbformat

from medialit import CASE, load_case
from medialit.detector import load_lexicon
from medialit.grading import hidden_awards, split_hidden
from medialit.scoring import phrases_to_spans

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "_build" / "html"
SCANNED = [REPO / "exercises", REPO / "seeds", REPO / "medialit", SITE]
PAGE_SUFFIXES = {".html", ".ipynb", ".md", ".yaml", ".yml", ".txt"}
SKIP_DIRS = {"__pycache__", ".ipynb_checkpoints"}
PROXIMITY = 200


@dataclass(frozen=True)
class Record:
    what: str      # for the failure message
    needle: str    # normalised text to find
    compact: bool  # search the whitespace-free form
    label: str | None = None  # for phrase+label proximity records
    bare_phrase: bool = False


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "`": "'"})


def normalise(text: str, *, markup: bool = False) -> str:
    if markup:
        text = re.sub(r"<[^>]+>", " ", text)
    text = html.unescape(text)
    text = text.replace('\\"', '"').replace("\\n", " ").replace("\\u2019", "'").replace("\\u201c", '"') \
        .replace("\\u201d", '"').replace("\\u2014", "\u2014")
    return " ".join(text.translate(_QUOTES).casefold().split())


def compact(text: str) -> str:
    return re.sub(r"\s+", "", normalise(text)).replace("'", '"')


def _samples(rubric: str) -> list[str]:
    return [m.strip() for m in re.findall(r"\*Sample:\*\s*(.+?)(?=\n\*|\Z)", rubric, flags=re.S)]


def key_records() -> dict[str, list[Record]]:
    """Every record to search for, per assignment."""
    case = load_case(CASE)
    found: dict[str, list[Record]] = {}
    for path in sorted((REPO / "solutions").glob("*/*.ipynb")):
        records: list[Record] = []
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "markdown" and meta.get("grade") and meta.get("solution"):
                for sample in _samples(cell.source):
                    records.append(Record(f"rubric sample ({meta['grade_id']})", normalise(sample), False))
            if cell.cell_type != "code":
                continue
            hidden = split_hidden(cell.source)[1]
            if hidden is None:
                continue
            for task, spec in hidden_awards(hidden):
                records += spec_records(task, spec, case)
        found[path.parent.name] = records
    return found


def _readings(value) -> list[tuple[str, str | None]]:
    """A key's label, or a contested item's accepted answers ([{"label", "why"}, ...]), as (label, why)."""
    if isinstance(value, list):
        return [(entry["label"], entry["why"]) for entry in value]
    return [(value, None)]


def _reading_records(task: str, item: str, field: str | None, label: str, why: str) -> list[Record]:
    """A contested item's readings: the case for each, and each accepted label written as a record."""
    where = item if field is None else f"{item} ({field})"
    out = [Record(f"{task}: the case for {label!r} for {where}", normalise(why), False),
           Record(f"{task}: {where} accepts {label!r}", compact(json.dumps({"label": label, "why": why})), True)]
    if field is not None:
        out.append(Record(f"{task}: {where} accepts {label!r}",
                          compact(json.dumps({item: {field: [{"label": label}]}}))[1:-4], True))
    return out


def spec_records(task: str, spec: dict, case) -> list[Record]:
    out: list[Record] = []
    for item, why in (spec.get("why") or {}).items():
        out.append(Record(f"{task}: explanation of {item}", normalise(why), False))
    if spec["kind"] == "participation":
        return out  # the discernment check's forms: points for taking part, no key (medialit.assessment.forms)
    key = spec["key"]
    if spec["kind"] == "phrases":
        first, last = case.paragraph(spec["paragraphs"][0]), case.paragraph(spec["paragraphs"][-1])
        for entry in key:
            phrase = entry["phrase"]
            out.append(Record(f"{task}: explanation of {phrase!r}", normalise(entry["why"]), False))
            out.append(Record(f"{task}: phrase {phrase!r}", normalise(phrase), False, bare_phrase=True))
            for label, why in _readings(entry["technique"]):
                out.append(Record(f"{task}: phrase {phrase!r} with its label", normalise(phrase), False,
                                  label=normalise(label)))
                if why is not None:
                    out.append(Record(f"{task}: the case for {label!r} for {phrase!r}", normalise(why), False))
            (start, end), = phrases_to_spans([phrase], case.text, within=(first.start, last.end))
            out.append(Record(f"{task}: offsets of {phrase!r}", f"[{start},{end}]", True))
            out.append(Record(f"{task}: offsets of {phrase!r}", f'"start":{start},"end":{end}', True))
    elif spec["kind"] in ("labels", "words"):
        for item, value in key.items():
            if isinstance(value, dict):
                for number, (field, labels) in enumerate(value.items()):
                    for label, why in _readings(labels):
                        if number == 0:
                            out.append(Record(f"{task}: {item}",
                                              compact(json.dumps({item: {field: label}}))[1:-2], True))
                        if why is not None:
                            out += _reading_records(task, item, field, label, why)
            elif spec["kind"] == "words" and isinstance(value, list):
                out += [Record(f"{task}: {item}", compact(json.dumps({item: form}))[1:-1], True) for form in value]
            else:
                for label, why in _readings(value):
                    out.append(Record(f"{task}: {item}", compact(json.dumps({item: label}))[1:-1], True))
                    if why is not None:
                        out += _reading_records(task, item, None, label, why)
    elif spec["kind"] == "numbers":
        for name, want in key.items():
            out.append(Record(f"{task}: {name}", compact(json.dumps({name: want["value"]}))[1:-1], True))
            out.append(Record(f"{task}: {name}", compact(json.dumps({name: want}))[1:-1], True))
    return out


def article_sentences() -> str:
    return normalise(load_case(CASE).text)


def scan_text(text: str, records: list[Record], *, page: bool, article: str) -> list[str]:
    """The records found in one file's text (already read)."""
    flat, tight = text, re.sub(r"\s+", "", text).replace("'", '"')
    hits = []
    for record in records:
        if record.label is not None:
            for match in re.finditer(re.escape(record.needle), flat):
                window = flat[max(0, match.start() - PROXIMITY): match.end() + PROXIMITY]
                if record.label in window:
                    hits.append(record.what)
                    break
        elif record.bare_phrase:
            if page and _outside_quotation(flat, record.needle, article):
                hits.append(record.what + " (outside a quotation of the article)")
        elif record.needle in (tight if record.compact else flat):
            hits.append(record.what)
    return hits


# An entry of the detector's public word list (medialit/lexicons/detector_lexicon.json, keyed by source), as the
# detector lab's saved widget state holds it on its page: {"vader": {..., "hypocritical": -2.0, ...}}. The list is
# VADER's and TextBlob's, thousands of words rated with no reference to this course, so a key word that happens to
# be one of its entries reveals nothing about the key. Only the word followed by the very number the list gives it
# counts as an entry; any other occurrence of the word on the same page (another number included) is still checked.
_LEXICON_VALUE = re.compile(r'"\s*:\s*(-?\d+(?:\.\d+)?)(?![\d.])')


@lru_cache(maxsize=1)
def lexicon_values() -> dict[str, set[float]]:
    """Each word of the detector's lexicon with the values its sources give it."""
    values: dict[str, set[float]] = {}
    for entries in load_lexicon()["words"].values():
        for word, value in entries.items():
            values.setdefault(word, set()).add(value)
    return values


def _is_lexicon_entry(text: str, start: int, end: int, phrase: str) -> bool:
    if text[start - 1: start] != '"':
        return False
    value = _LEXICON_VALUE.match(text, end)
    return value is not None and float(value.group(1)) in lexicon_values().get(phrase.lower(), set())


def _outside_quotation(text: str, phrase: str, article: str) -> bool:
    pattern = re.compile(r"(?<![\w])" + re.escape(phrase) + r"(?![\w])")
    for match in pattern.finditer(text):
        if _is_lexicon_entry(text, match.start(), match.end(), phrase):
            continue
        before = " ".join(text[: match.start()].split()[-3:])
        after = " ".join(text[match.end():].split()[:3])
        # Trailing punctuation of the neighbours may belong to the page (quotes, commas around a list item).
        quoted = any(piece and piece in article for piece in (
            f"{before} {phrase}".strip(), f"{phrase} {after}".strip(),
            f"{before} {phrase}".strip().lstrip("\"'([{,"), f"{phrase} {after}".strip().rstrip("\"')]},.;:"),
        ) if len(piece.split()) > len(phrase.split()))
        if not quoted:
            return True
    return False


def released_files() -> list[Path]:
    files = []
    for root in SCANNED:
        for path in sorted(root.rglob("*")):
            if path.is_file() and not SKIP_DIRS & set(path.parts):
                files.append(path)
    return files


def read_normalised(path: Path) -> str | None:
    try:
        raw = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None  # images, fonts: no text to leak through
    return normalise(raw, markup=path.suffix == ".html")


# --- tests -----------------------------------------------------------------------------------------

