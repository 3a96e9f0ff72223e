"""The rubric of each written answer, shown to graders in Formgrader and to nobody else.

The rubric (three levels, each with a sample answer) is the source text of the written answer's cell in
``solutions/<assignment>/<notebook>.ipynb``. nbgrader replaces that cell with "YOUR ANSWER HERE" in the
released notebook, so students never receive it; the course only ever reads it back here, when
``sanitize.SafeSubmissionHandler`` renders a submission for a grader. ``generate_feedback`` never sets
the course directory below, so a feedback page cannot show a rubric even by mistake.
"""
from __future__ import annotations

import contextvars
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

# Set by the Formgrader submission handler for the duration of one page render, and only there.
FORMGRADER_COURSE: contextvars.ContextVar[Any | None] = contextvars.ContextVar("medialit_formgrader_course",
                                                                                default=None)
RUBRIC_MARK = "medialit_rubric"  # cell metadata key of an inserted rubric cell, so tests and CSS can find it


def written_answer_rubrics(source_notebook: Path) -> dict[str, str]:
    """Map each written answer's grade_id to its rubric: the source text of its answer cell in solutions/."""
    nb = nbformat.read(str(source_notebook), as_version=4)
    rubrics: dict[str, str] = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
        if cell.cell_type == "markdown" and meta.get("solution") and meta.get("grade") and meta.get("grade_id"):
            rubrics[meta["grade_id"]] = cell.source
    return rubrics


def source_notebook_path(coursedir: Any, assignment_id: str, notebook_id: str) -> Path:
    """Where nbgrader keeps the source (solutions) version of a notebook for this course directory."""
    folder = coursedir.format_path(coursedir.source_directory, ".", assignment_id)
    return Path(folder) / f"{notebook_id}.ipynb"


# The rubric boxes of the page being rendered, by placeholder token (SafeSubmissionHandler sets and reads it).
RUBRIC_BOXES: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar("medialit_rubric_boxes",
                                                                                      default=None)
BOX_CLASS = "medialit-rubric"  # nh3 strips this class and every data- attribute from student HTML (sanitize.py)
BOX_STYLE = (f"<style>aside.{BOX_CLASS} {{ margin: 0.5em 0 1.5em 0; padding: 0.6em 1em; border: 3px double #7a4a00; "
             f"background: #fff6e5; }} aside.{BOX_CLASS} > .{BOX_CLASS}-title {{ font-weight: bold; "
             f"border-bottom: 1px solid #7a4a00; padding-bottom: 0.3em; }} aside.{BOX_CLASS} > "
             f".{BOX_CLASS}-title::before {{ content: 'GRADERS ONLY \\2014  '; letter-spacing: 0.05em; }}</style>")


def rubric_box(grade_id: str, rubric_html: str, source: str) -> str:
    """The rubric's frame: markup the sanitizer never lets a student's content produce (an <aside> with the
    course's class and a data- attribute), so a blockquote typed into an answer cannot pass for it."""
    from html import escape

    return (f'<aside class="{BOX_CLASS}" data-medialit-rubric="{escape(grade_id)}" aria-label="Rubric for graders">'
            f'<p class="{BOX_CLASS}-title">Rubric for <code>{escape(grade_id)}</code>, for graders only (from '
            f'<code>{escape(source)}</code>; students never see it)</p>\n{rubric_html}</aside>')


def rubric_cell(grade_id: str, rubric: str, source: str) -> nbformat.NotebookNode:
    """A plain markdown cell (no nbgrader metadata, so it is never graded) standing in for one rubric box.

    Its text is only a random token; the page's writer (sanitize.SafeSubmissionHandler) puts the box in its
    place after everything student-written has been rendered and sanitized. Without that writer (no box
    registry), the cell says the rubric is in solutions/.
    """
    import secrets

    from .sanitize import markdown_to_safe_html

    boxes = RUBRIC_BOXES.get()
    if boxes is None:
        cell = nbformat.v4.new_markdown_cell(f"(The rubric for `{grade_id}` is in `{source}`.)")
    else:
        token = f"medialitrubric{secrets.token_hex(16)}"
        boxes[token] = rubric_box(grade_id, markdown_to_safe_html(rubric), source)
        cell = nbformat.v4.new_markdown_cell(token)
    cell.metadata[RUBRIC_MARK] = grade_id
    return cell


def place_boxes(html: str, boxes: dict[str, str]) -> str:
    """Put each rubric box where its token was rendered (as a paragraph of its own), with the boxes' style."""
    for token, box in boxes.items():
        html = html.replace(f"<p>{token}</p>", box, 1)
    if boxes:
        at = html.find("</head>")
        if at >= 0:
            html = html[:at] + BOX_STYLE + html[at:]
    return html


def insert_rubrics(nb: nbformat.NotebookNode, resources: dict[str, Any], log: Any) -> int:
    """In Formgrader only: put each written answer's rubric right under the answer. Returns how many."""
    coursedir = FORMGRADER_COURSE.get()
    if coursedir is None:  # feedback pages and anything else: never a rubric
        return 0
    assignment_id, notebook_id = resources.get("assignment_id"), resources.get("notebook_id")
    if not assignment_id or not notebook_id:
        return 0
    path = source_notebook_path(coursedir, assignment_id, notebook_id)
    if not path.exists():
        log.warning("medialit: no source notebook at %s, so Formgrader shows no rubric", path)
        return 0
    rubrics = written_answer_rubrics(path)
    shown = f"{Path(coursedir.source_directory).name}/{assignment_id}/{notebook_id}.ipynb"
    cells: list[nbformat.NotebookNode] = []
    count = 0
    for cell in nb.cells:
        cells.append(cell)
        meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
        grade_id = meta.get("grade_id")
        if cell.cell_type == "markdown" and meta.get("solution") and grade_id in rubrics:
            cells.append(rubric_cell(grade_id, rubrics[grade_id], shown))
            count += 1
    nb.cells = cells
    return count


@dataclass(frozen=True)
class RubricLevel:
    """One level of a written answer's rubric: its name and the points it gives (low to high, inclusive)."""

    name: str
    low: float
    high: float

    def holds(self, points: float) -> bool:
        return self.low - 1e-9 <= points <= self.high + 1e-9

    def describe(self) -> str:
        points = f"{self.low:g}" if self.low == self.high else f"{self.low:g}–{self.high:g}"
        return f"{self.name} ({points} point{'' if points == '1' else 's'})"


# A level is a bullet opening with bold points: "* **3–4 points: partial.**", "* **1 point: minimal.**", "* **0 points:**".
_LEVEL = re.compile(r"^\s*[*-]\s+\*\*\s*(\d+(?:\.\d+)?)(?:\s*[–-]\s*(\d+(?:\.\d+)?))?\s+points?\s*:\s*([^*]*?)\.?\s*\*\*",
                    re.MULTILINE)


def rubric_levels(rubric: str) -> list[RubricLevel]:
    """The levels a rubric names, highest first, as written in its bullets (ValueError when it names none)."""
    levels = []
    for match in _LEVEL.finditer(rubric):
        low = float(match.group(1))
        high = float(match.group(2)) if match.group(2) else low
        name = match.group(3).strip().rstrip(".") or ("none" if high == 0 else f"{low:g} points")
        levels.append(RubricLevel(name, min(low, high), max(low, high)))
    if not levels:
        raise ValueError("the rubric names no levels: write each as a bullet opening with its points in bold, "
                         "e.g. '* **3 points: full.** ...' or '* **1–2 points: minimal.** ...'")
    return sorted(levels, key=lambda level: -level.high)
