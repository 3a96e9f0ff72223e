"""`medialit case check DIR`: everything `load_case` checks, plus what an edit of the text breaks.

`load_case` stops at the first problem; this command first looks at every span of every file (the public ones in
the case folder and the private graded-spec file) and reports each one whose words no longer stand at its offsets,
with the fix: the offsets where the same words now stand, when they stand there exactly once (the shift that PTC's
fix_spans.py applies by hand). `--fix` writes those offsets. Then it reports every "TODO" placeholder left by
`case new` and `case import`, and finally runs `load_case`. One problem a line: file, record, what to do.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..case import CaseDataError, load_case
from .caseio import graded_path, paragraphs, read_graded, read_yaml
from .files import KitError, dump_yaml, write_all
from .imports import _graded_header, _keep_header

# (file, list key, where the span's fields are in a record, the field holding the words)
SPAN_FILES = (("loaded_language.yaml", "phrases", None, "text"), ("claims.yaml", "claims", None, "text"),
              ("practice.yaml", "items", "passage", "text"))


def _drift(text: str, record: dict[str, Any], words_field: str) -> tuple[str, tuple[int, int] | None] | None:
    """None if the record's words stand at its offsets; else (problem, the offsets where they now stand or None)."""
    start, end, words = record.get("start"), record.get("end"), record.get(words_field)
    if not (type(start) is int and type(end) is int and isinstance(words, str)):
        return None  # malformed: load_case's schema check names it
    if text[start:end] == words:
        return None
    places = [i for i in range(len(text)) if text.startswith(words, i)]
    found = (places[0], places[0] + len(words)) if len(places) == 1 else None
    return f"{words!r} no longer stands at [{start}, {end}) (the text there reads {text[start:end]!r})", found


def _placeholders(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        return [where] if value.startswith("TODO") else []
    if isinstance(value, dict):
        label = f"record {value['id']}" if "id" in value else where
        return [p for k, v in value.items() for p in _placeholders(v, f"{label} field {k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _placeholders(v, f"{where}[{i}]")]
    return []


def check_case(folder: Path, *, fix: bool = False) -> tuple[list[str], list[str]]:
    """(problems, fixes written) for the case in `folder`."""
    folder = folder.resolve()
    if not (folder / "article.yaml").is_file():
        raise KitError(f"{folder}: is not a case folder (no article.yaml). Create one with `medialit case new`.")
    numbered = paragraphs(folder)
    text = "\n\n".join(p.text for p in numbered)
    problems: list[str] = []
    fixed: list[str] = []
    rewrites: dict[Path, str] = {}
    for name, list_key, nested, words_field in SPAN_FILES:
        path = folder / name
        if not path.is_file():
            continue
        data = read_yaml(path)
        changed = False
        for record in data.get(list_key) or []:
            span = record.get(nested) if nested else record
            if not isinstance(span, dict):
                continue
            drift = _drift(text, span, words_field)
            if drift is None:
                continue
            problem, found = drift
            if found is None:
                problems.append(f"{path}: record {record.get('id')}: {problem}, and the words do not occur exactly "
                                "once in the article. Fix: correct the words or the offsets (python -m "
                                "medialit.tooling.locate).")
            elif fix:
                span["start"], span["end"] = found
                span["paragraph"] = next(p.number for p in numbered if p.start <= found[0] < p.end)
                changed = True
                fixed.append(f"{path}: record {record.get('id')}: offsets set to [{found[0]}, {found[1]})")
            else:
                problems.append(f"{path}: record {record.get('id')}: {problem}. Fix: the words now stand at "
                                f"[{found[0]}, {found[1]}) (a shift of {found[0] - span['start']:+d}); run "
                                f"`medialit case check {folder} --fix` to write it.")
        if changed:
            rewrites[path] = _keep_header(path) + dump_yaml(data)
    private_path = graded_path(folder)
    private = read_graded(folder)
    changed = False
    for entry in private.get("loaded_language") or []:
        for key in entry.get("key") or []:
            drift = _drift(text, {**key, "text": key.get("phrase")}, "text")
            if drift is None:
                continue
            problem, found = drift
            label = f"paragraph {entry.get('paragraph')} phrase {key.get('phrase')!r}"
            if found is not None and fix:
                key["start"], key["end"] = found
                changed = True
                fixed.append(f"{private_path}: {label}: offsets set to [{found[0]}, {found[1]})")
            else:
                where = (f"the words now stand at [{found[0]}, {found[1]}); run `medialit case check {folder} --fix`"
                         if found else "correct the phrase or its offsets")
                problems.append(f"{private_path}: {label}: {problem}. Fix: {where}.")
    if changed:
        rewrites[private_path] = _graded_header(folder) + dump_yaml(private)
    if rewrites:
        write_all(rewrites)
    for path in sorted(folder.glob("*.yaml")) + ([private_path] if private_path.is_file() else []):
        for where in _placeholders(read_yaml(path), "top level"):
            problems.append(f"{path}: {where}: is still a TODO placeholder. Fix: write it (the file's header says how).")
    problems += _graded_problems(folder, private, text)
    if not problems:
        try:
            load_case(folder.name, root=folder.parent)
        except CaseDataError as error:
            problems.append(str(error))
        except ValueError as error:
            problems.append(f"{folder}: {error}")
    return problems, fixed


def _graded_problems(folder: Path, private: dict[str, Any], text: str) -> list[str]:
    """The private graded spec against passages.yaml: every keyed paragraph graded, never practice."""
    path = graded_path(folder)
    passages = read_yaml(folder / "passages.yaml")
    practice = {n for numbers in (passages.get("practice") or {}).values() for n in numbers}
    graded = set((passages.get("graded") or {}).get("loaded_language") or [])
    problems = []
    for entry in private.get("loaded_language") or []:
        number = entry.get("paragraph")
        if number in practice:
            problems.append(f"{path}: paragraph {number}: is graded here but a practice paragraph in passages.yaml. "
                            "Fix: graded passages must differ from practice passages: move it to one list only.")
        elif number not in graded:
            problems.append(f"{path}: paragraph {number}: has graded keys but passages.yaml does not list it under "
                            "graded.loaded_language. Fix: add it there, or remove its keys.")
    return problems
