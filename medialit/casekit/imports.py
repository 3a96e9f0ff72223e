"""`medialit case import DIR --format {ptc,labelstudio,doccano} FILE`: loaded-language spans from annotation tools.

All three formats give half-open character offsets [start, end) over the text the tool was given:

* ptc: the SemEval-2020 Task 11 / Propaganda Techniques Corpus TSV, one span a line: `id technique begin end`
  (begin included, end excluded), over the article's raw text;
* labelstudio: Label Studio's JSON export, a list of tasks with `data.text` and `annotations[].result[]`, each
  result's `value` holding `start`, `end` and `labels` (Label Studio counts every character, spaces included);
* doccano: doccano's JSONL export, one document a line with `text` and `label` (older versions: `labels`), a list
  of `[start, end, tag]`.

The offsets are mapped onto the case's paragraphs (through the raw text kept as the seed, or directly when the
tool was given the canonical text) and each label onto the course's vocabulary (medialit/techniques.yaml, aliases
accepted). PTC's own checks apply (check_corpus_annotations.py): spans past the end of the text, spans starting or
ending on a space or punctuation, duplicates. A span in a practice paragraph becomes a public record in
loaded_language.yaml; one in a graded paragraph goes to the private graded-spec file (never to seeds/). Any refusal
writes nothing, unless `--partial` is given; the report lists every span imported and every span refused.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..article import Paragraph
from ..techniques import find as find_technique
from ..techniques import techniques
from .caseio import graded_path, paragraphs, read_graded, read_yaml, seed_text
from .files import KitError, dump_yaml, write_all
from .text import Block, raw_offset_map

FORMATS = ("ptc", "labelstudio", "doccano")
EDGE_CHARACTERS = " \n\t.,:;"  # PTC's check_corpus_annotations.py: no span starts or ends on these
TODO_REASON = "TODO: why this phrase is marked (imported span)."
TODO_ALTERNATIVE = "TODO: plain words that could replace it."


@dataclass(frozen=True)
class Span:
    label: str
    start: int
    end: int
    where: str  # "line 3", "task 1, result 2": how the report names it
    text: str | None = None  # the text the tool annotated, when the export carries it


def _format_error(path: Path, fmt: str, where: str, problem: str) -> KitError:
    others = ", ".join(f for f in FORMATS if f != fmt)
    return KitError(f"{path}: {where}: {problem} This is not a {fmt} export; if it comes from another tool, "
                    f"use --format with one of: {others}.")


def read_ptc(path: Path) -> tuple[list[Span], None]:
    spans = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.rstrip("\n").split("\t")
        if len(fields) != 4 or not fields[2].strip().lstrip("-").isdigit() or not fields[3].strip().lstrip("-").isdigit():
            raise _format_error(path, "ptc", f"line {number}", "is not `id<TAB>technique<TAB>begin<TAB>end`.")
        spans.append(Span(fields[1].strip(), int(fields[2]), int(fields[3]), f"line {number}"))
    return spans, None


def _load_json(path: Path, fmt: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise _format_error(path, fmt, "file", f"is not JSON ({error.msg} at line {error.lineno}).") from None


def read_labelstudio(path: Path) -> tuple[list[Span], str]:
    tasks = _load_json(path, "labelstudio")
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list) or not tasks or not all(isinstance(t, dict) and "data" in t for t in tasks):
        raise _format_error(path, "labelstudio", "file", "is not a list of tasks with `data` and `annotations`.")
    if len(tasks) != 1:
        raise KitError(f"{path}: holds {len(tasks)} tasks; a case is one article: export the one task of this article.")
    task = tasks[0]
    text = (task.get("data") or {}).get("text")
    if not isinstance(text, str):
        raise _format_error(path, "labelstudio", "task 1", "has no `data.text`.")
    spans = []
    for a, annotation in enumerate(task.get("annotations") or [], start=1):
        for r, result in enumerate(annotation.get("result") or [], start=1):
            value = result.get("value") or {}
            labels = value.get("labels") or []
            if not {"start", "end"} <= set(value) or not labels:
                raise _format_error(path, "labelstudio", f"annotation {a}, result {r}",
                                    "has no `value.start`, `value.end` and `value.labels`.")
            for label in labels:
                spans.append(Span(str(label), int(value["start"]), int(value["end"]),
                                  f"annotation {a}, result {r}", value.get("text")))
    return spans, text


def read_doccano(path: Path) -> tuple[list[Span], str]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    documents = []
    for number, line in enumerate(lines, start=1):
        try:
            documents.append(json.loads(line))
        except json.JSONDecodeError:
            raise _format_error(path, "doccano", f"line {number}", "is not one JSON object (JSONL).") from None
    if len(documents) != 1 or not isinstance(documents[0], dict) or "text" not in documents[0]:
        raise _format_error(path, "doccano", "file", "must hold exactly one line {\"text\": ..., \"label\": [...]} "
                            "for this article.")
    document = documents[0]
    entries = document.get("label", document.get("labels")) or []
    spans = []
    for number, entry in enumerate(entries, start=1):
        if not (isinstance(entry, list) and len(entry) == 3 and all(isinstance(x, int) for x in entry[:2])):
            raise _format_error(path, "doccano", f"label {number}", "is not [start, end, tag].")
        spans.append(Span(str(entry[2]), entry[0], entry[1], f"label {number}"))
    return spans, document["text"]


READERS = {"ptc": read_ptc, "labelstudio": read_labelstudio, "doccano": read_doccano}


def _allowed_labels() -> set[str]:
    schema = json.loads((Path(__file__).resolve().parent.parent / "schemas" / "loaded_language.schema.json")
                        .read_text(encoding="utf-8"))
    return set(schema["$defs"]["technique"]["enum"])


def import_spans(folder: Path, fmt: str, path: Path, *, partial: bool = False) -> tuple[list[str], list[str]]:
    """Import the spans of `path`; returns (imported lines, refused lines). Writes nothing if any is refused
    (unless `partial`)."""
    if fmt not in READERS:
        raise KitError(f"--format {fmt!r} is not known; use one of: {', '.join(FORMATS)}.")
    if not path.is_file():
        raise KitError(f"{path}: no such file.")
    spans, tool_text = READERS[fmt](path)
    numbered = paragraphs(folder)
    canonical = "\n\n".join(p.text for p in numbered)
    raw = seed_text(folder)
    if tool_text is None or tool_text == raw:
        if raw is None:
            raise KitError(f"{folder / 'article.yaml'}: its `seed` file is missing, so raw offsets cannot be mapped.")
        base, blocks = raw, raw_offset_map(raw, [p.text for p in numbered])
        mode = "the raw text (" + str(folder / "source.txt") + ")"
    elif tool_text == canonical:
        base, blocks, mode = canonical, None, "the canonical text"
    else:
        raise KitError(f"{path}: the text in the export is neither this case's raw text nor its canonical text. "
                       "Annotate the text the case was made from (source.txt), or check you picked the right case.")
    passages = read_yaml(folder / "passages.yaml")
    practice = set((passages.get("practice") or {}).get("loaded_language") or [])
    graded = set((passages.get("graded") or {}).get("loaded_language") or [])
    phrases_path = folder / "loaded_language.yaml"
    public = read_yaml(phrases_path)
    records = list(public.get("phrases") or [])
    private = read_graded(folder)
    hidden = list(private.get("loaded_language") or [])
    allowed = _allowed_labels()
    known = ", ".join(t.name for t in techniques() if t.label in allowed)
    imported: list[str] = []
    refused: list[str] = []
    seen: set[tuple[str, int, int]] = set()
    taken = {r["id"] for r in records}
    for span in spans:
        name = f"{path.name} {span.where} ({span.label!r} [{span.start}, {span.end}))"
        technique = find_technique(span.label)
        if technique is None or technique.label not in allowed:
            refused.append(f"{name}: unknown technique {span.label!r}. Rename it to one of: {known} "
                           "(or add an alias to medialit/techniques.yaml).")
            continue
        if span.start < 0 or span.end <= span.start:
            refused.append(f"{name}: is empty or inverted. A span is [begin, end) with end after begin.")
            continue
        if span.end > len(base):
            refused.append(f"{name}: ends past the end of the text (length {len(base)}). Re-export it from the tool.")
            continue
        words = base[span.start:span.end]
        if span.text is not None and span.text != words:
            refused.append(f"{name}: the export says it covers {span.text!r} but the text there reads {words!r}. "
                           "The export was made on another version of the text.")
            continue
        if words[0] in EDGE_CHARACTERS or words[-1] in EDGE_CHARACTERS:
            trimmed_start = span.start + len(words) - len(words.lstrip(EDGE_CHARACTERS))
            trimmed_end = span.end - (len(words) - len(words.rstrip(EDGE_CHARACTERS)))
            refused.append(f"{name}: starts or ends on a space or punctuation ({words!r}). Trim it to "
                           f"[{trimmed_start}, {trimmed_end}) in the tool and export again.")
            continue
        key = (technique.label, span.start, span.end)
        if key in seen:
            refused.append(f"{name}: is a duplicate of an earlier span in the file. Delete one of them.")
            continue
        seen.add(key)
        located = _locate(numbered, blocks, span.start, span.end)
        if located is None:
            refused.append(f"{name}: is not inside one paragraph of the article (in the headline, byline or footer, "
                           "across two paragraphs, or in a paragraph edited since). Mark it within one paragraph.")
            continue
        paragraph, start = located
        end = start + span.end - span.start
        number = paragraph.number
        if number in graded:
            entry = next((e for e in hidden if e.get("paragraph") == number), None)
            if entry is None:
                entry = {"paragraph": number, "points": 3, "key": []}
                hidden.append(entry)
            existing = next((k for k in entry["key"] if (k["start"], k["end"]) == (start, end)), None)
            if existing is not None and technique.label in [existing["technique"], *existing.get("also_accepted", [])]:
                refused.append(f"{name}: is already in {graded_path(folder)} (paragraph {number}). Nothing to add.")
                continue
            if existing is not None:
                existing.setdefault("also_accepted", []).append(technique.label)
                imported.append(f"{name}: graded paragraph {number}: {technique.name} also accepted for {words!r}")
            else:
                entry["key"].append({"phrase": words, "start": start, "end": end, "technique": technique.label,
                                     "speaker": "author", "why": TODO_REASON})
                imported.append(f"{name}: graded paragraph {number} (private key): {words!r}, {technique.name}")
            continue
        if number not in practice:
            refused.append(f"{name}: lies in paragraph {number}, which passages.yaml lists neither as practice nor "
                           "as graded for loaded_language. Add it to one list first.")
            continue
        existing = next((r for r in records if (r["start"], r["end"]) == (start, end)), None)
        if existing is not None:
            accepted = [existing["technique"], *(a["technique"] for a in existing.get("also_accepted", []))]
            if technique.label in accepted:
                refused.append(f"{name}: duplicates record {existing['id']} in loaded_language.yaml. Nothing to add.")
                continue
            existing.setdefault("also_accepted", []).append(
                {"technique": technique.label, "reason": "TODO: the case for this reading (imported span)."})
            imported.append(f"{name}: record {existing['id']}: {technique.name} also accepted (a contested reading)")
            continue
        record_id = next(f"ll-{n:02d}" for n in range(1, 10000) if f"ll-{n:02d}" not in taken)
        taken.add(record_id)
        records.append({"id": record_id, "paragraph": number, "start": start, "end": end, "text": canonical[start:end],
                        "technique": technique.label, "speaker": "author", "neutral_alternative": TODO_ALTERNATIVE,
                        "reason": TODO_REASON})
        imported.append(f"{name}: record {record_id}, paragraph {number}: {canonical[start:end]!r}, {technique.name}")
    header = [f"imported from {path} ({fmt}, offsets over {mode})"]
    if refused and not partial:
        return header + imported, refused
    records.sort(key=lambda r: (r["paragraph"], r["start"]))
    public["phrases"] = records
    private["loaded_language"] = sorted(hidden, key=lambda e: e["paragraph"])
    files = {phrases_path: _keep_header(phrases_path) + dump_yaml(public)}
    if hidden:
        files[graded_path(folder)] = _graded_header(folder) + dump_yaml(private)
    write_all(files)
    return header + imported, refused


def _locate(numbered: tuple[Paragraph, ...], blocks: list[Block | None] | None, start: int,
            end: int) -> tuple[Paragraph, int] | None:
    """The paragraph holding [start, end) of the tool's text, and `start` as an offset into the canonical text.
    `blocks` gives each paragraph's place in the raw text (None: the tool was given the canonical text)."""
    for index, paragraph in enumerate(numbered):
        if blocks is None:
            origin = paragraph.start
        elif (block := blocks[index]) is not None:
            origin = block.raw_start
        else:
            continue  # a paragraph edited since the raw text: its offsets cannot be mapped
        if origin <= start and end <= origin + len(paragraph.text):
            return paragraph, paragraph.start + start - origin
    return None


def _keep_header(path: Path) -> str:
    """The file's leading comment lines, kept when the kit rewrites it."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first_data = next((i for i, line in enumerate(lines) if not line.startswith("#")), 0)
    return "".join(lines[:first_data])


def _graded_header(folder: Path) -> str:
    return (f"# PRIVATE: the graded keys of case {folder.name}. Never put this file in seeds/, in the site or in\n"
            "# anything students receive: `medialit case build` writes these keys only into nbgrader hidden tests in\n"
            "# solutions/. loaded_language: one task per graded paragraph, `key` the phrases a full answer finds.\n")
