"""The course's one vocabulary of propaganda techniques: ``medialit/techniques.yaml``.

Each technique has the label the keys store (spelled as in the SemEval-2020 Task 11 data files) and one
readable name, which every student-facing place shows: the chapter, the glossary, the Highlighter and the
other widgets, the key tables and the notebooks. :func:`find` accepts the readable name, the label and each
alias alike, ignoring case, spaces, underscores, hyphens and commas, so ``"Name-calling or labelling"``,
``"Name_Calling,Labeling"`` and ``"name calling, labeling"`` are one technique.

    from medialit.techniques import readable, find
    readable("Exaggeration,Minimisation")      # 'Exaggeration or minimisation'
    find("exaggeration or minimisation").label  # 'Exaggeration,Minimisation'
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ._imports import import_jsonschema

VOCABULARY_FILE = Path(__file__).resolve().parent / "techniques.yaml"
SCHEMA_FILE = Path(__file__).resolve().parent / "schemas" / "techniques.schema.json"

__all__ = ["Technique", "VocabularyError", "load_techniques", "techniques", "labels", "readable", "find", "loose"]


class VocabularyError(ValueError):
    """The vocabulary file is malformed. The message names the file, the entry and the fix."""

    def __init__(self, file: Path, where: str, problem: str, fix: str) -> None:
        super().__init__(f"{file}: {where}: {problem} Fix: {fix}")


@dataclass(frozen=True)
class Technique:
    label: str               # as the keys store it (SemEval-2020 Task 11 spelling)
    name: str                # the one readable name students see
    in_course: bool          # used by the course's keys, so defined in the chapter and the glossary
    definition: str = ""
    aliases: tuple[str, ...] = ()


def loose(text: str) -> str:
    """Case, spaces, underscores, hyphens and commas do not matter when a name is compared."""
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def load_techniques(path: Path | str = VOCABULARY_FILE) -> tuple[Technique, ...]:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise VocabularyError(path, "file", f"cannot be read ({error}).", "restore it from the repository.") from None
    validator = import_jsonschema().Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        where = "entry " + ".".join(str(p) for p in errors[0].absolute_path) if errors[0].absolute_path else "top level"
        raise VocabularyError(path, where, f"{errors[0].message}.", f"make it match {SCHEMA_FILE.name}.")
    result: list[Technique] = []
    seen: dict[str, str] = {}
    for raw in data["techniques"]:
        technique = Technique(raw["label"], raw["name"], raw["in_course"], raw.get("definition", ""),
                              tuple(raw.get("aliases", ())))
        for form in (technique.label, technique.name, *technique.aliases):
            other = seen.setdefault(loose(form), technique.label)
            if other != technique.label:
                raise VocabularyError(path, f"technique {technique.label}",
                                      f"'{form}' also names {other}.", "give each technique its own names.")
        result.append(technique)
    return tuple(result)


@lru_cache(maxsize=1)
def techniques() -> tuple[Technique, ...]:
    """Every technique of the vocabulary, in the file's order (the course's own first)."""
    return load_techniques()


def labels() -> tuple[str, ...]:
    return tuple(t.label for t in techniques())


@lru_cache(maxsize=None)
def _index() -> dict[str, Technique]:
    return {loose(form): t for t in techniques() for form in (t.label, t.name, *t.aliases)}


def find(text: object) -> Technique | None:
    """The technique a label, readable name or alias names, or None."""
    return _index().get(loose(text)) if type(text) is str else None


def readable(label: str) -> str:
    """The readable name of a label (or of any name of a technique)."""
    technique = find(label)
    if technique is None:
        raise ValueError(f"{label!r} is not a technique of medialit/techniques.yaml; use one of: "
                         + ", ".join(t.name for t in techniques()))
    return technique.name
