"""What the class report shows instead of internal ids: item text, readable answers, the course's order.

* ``item_texts(notebook, ids, case)``: each graded item's text as the student saw it, found where the
  released notebook shows it: a literal dict in a visible code cell (``CLAIMS = {"claim-6a": "The only
  ..."}``, ``PAIRS = {"pair-1": ("...", "...")}``), a statement of the case (``st-04``: its actor and words),
  or a bullet of a task's instructions (`` * `"gap"`: highest_floor - lowest_ceiling ...``). Hidden tests
  and solution cells are never read for text: they hold keys.
* ``readable_answer(value)`` / ``readable_field(name)``: technique labels by medialit/techniques.yaml, the
  claim and statement kinds by answer_names.yaml (the Claim sorter's words), anything else as stored.
* ``course_order(assignments, course_dir)``: assignments in the order the course teaches them, the chapters
  of ``_toc.yml``: the check's before form where the check chapter is, its after and delayed forms last.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .. import techniques
from ..case import Case
from .forms import ASSIGNMENTS, form_of

__all__ = ["ANSWER_NAMES_FILE", "readable_answer", "readable_field", "item_texts", "chapters", "course_order"]

ANSWER_NAMES_FILE = Path(__file__).resolve().with_name("answer_names.yaml")
REPO = Path(__file__).resolve().parents[2]


@lru_cache(maxsize=1)
def _answer_names() -> dict[str, dict[str, str]]:
    data = yaml.safe_load(ANSWER_NAMES_FILE.read_text(encoding="utf-8"))
    problem = None
    if not isinstance(data, dict) or set(data) != {"values", "fields"}:
        problem = "the top level must have exactly the keys values and fields"
    else:
        for part in ("values", "fields"):
            names = data[part]
            if not isinstance(names, dict) or not all(type(k) is str and type(v) is str and v.strip()
                                                      for k, v in names.items()):
                problem = f"{part} must map each stored string to a non-empty readable name"
    if problem:
        raise ValueError(f"{ANSWER_NAMES_FILE}: {problem}. Fix the file (see its header).")
    return data


def readable_answer(value: str) -> str:
    """The name an instructor reads for a stored answer: "Causal_Oversimplification" -> "Causal oversimplification"."""
    if value in techniques.labels():
        return techniques.readable(value)
    return _answer_names()["values"].get(value, value)


def readable_field(name: str) -> str:
    """The name of a field of a multi-field item: "attribution" -> "Source"."""
    return _answer_names()["fields"].get(name, name)


def _visible_code(cell: Mapping[str, Any]) -> str | None:
    """A code cell's source a student sees, or None for a solution cell (keys live there and in hidden tests)."""
    from ..grading.award import split_hidden

    if cell.get("cell_type") != "code" or (cell.get("metadata", {}).get("nbgrader", {}) or {}).get("solution"):
        return None
    return split_hidden(cell.get("source", ""))[0]


def _text_of(value: object) -> str | None:
    if type(value) is str:
        return value
    if isinstance(value, (tuple, list)) and value and all(type(v) is str for v in value):
        return " / ".join(f"{chr(65 + i)}: {v}" for i, v in enumerate(value))  # a pair of sentences: "A: ... / B: ..."
    return None


_BULLET = re.compile(r"^\s*[*-]\s+`\"?(?P<name>[\w-]+)\"?`\s*:\s*(?P<text>.+)$")


def item_texts(notebook: Path | str, ids: Iterable[str], case: Case) -> dict[str, str]:
    """The text of each item id the notebook shows (ids it does not show are left out: the caller says so)."""
    import nbformat

    wanted = set(ids)
    found: dict[str, str] = {}
    nb = nbformat.read(str(notebook), as_version=4)
    for cell in nb.cells:
        source = _visible_code(cell)
        if source is None:
            if cell.cell_type == "markdown":
                current = None  # a bullet's text goes on over its indented continuation lines
                for line in cell.source.splitlines():
                    match = _BULLET.match(line)
                    if match:
                        current = match["name"] if match["name"] in wanted and match["name"] not in found else None
                        if current:
                            found[current] = match["text"].strip()
                    elif current and line.startswith((" ", "\t")) and line.strip():
                        found[current] += " " + line.strip()
                    else:
                        current = None
            continue
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue  # a cell with IPython magics: it shows no item dict
        for node in ast.walk(tree):
            if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Dict):
                continue
            try:
                literal = ast.literal_eval(node.value)
            except ValueError:
                continue
            for key, value in literal.items():
                text = _text_of(value)
                if key in wanted and text:
                    found[key] = text
    actors = {actor.id: actor.name for actor in case.actors}
    for statement in case.statements:
        if statement.id in wanted and statement.id not in found:
            found[statement.id] = f"{actors.get(statement.actor, statement.actor)}: {statement.words}"
    return found


def chapters(course_dir: Path | str) -> list[str]:
    """The chapters' file names (no folder, no extension) in _toc.yml order: the course's, else this checkout's."""
    for root in (Path(course_dir), REPO):
        toc = root / "_toc.yml"
        if toc.is_file():
            data = yaml.safe_load(toc.read_text(encoding="utf-8")) or {}
            names = [Path(str(data["root"])).name] if data.get("root") else []
            for part in data.get("parts", []) or []:
                names += [Path(str(chapter["file"])).name for chapter in part.get("chapters", []) or []
                          if isinstance(chapter, dict) and "file" in chapter]
            return names
    return []


def course_order(assignments: Iterable[str], course_dir: Path | str = ".") -> list[str]:
    """Assignments in teaching order: by chapter of _toc.yml; the check's later forms last; the rest in between."""
    names = chapters(course_dir)
    last = len(names)

    def place(assignment: str) -> tuple[float, str]:
        form = form_of(assignment)
        if form is not None and form != "before":
            return last + 1 + list(ASSIGNMENTS).index(form), assignment
        chapter = "check" if form == "before" else assignment
        return (names.index(chapter) if chapter in names else last + 0.5), assignment

    return sorted(set(assignments), key=place)
