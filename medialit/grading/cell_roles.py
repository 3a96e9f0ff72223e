"""Released notebooks say, in text, which cells are the student's and how to hand the notebook in.

JupyterLab 4 and Notebook 7 draw nbgrader's locked cells (``editable: false``) exactly like answer cells, so
students cannot tell which cells are theirs (nbgrader issue #1882). ``generate_assignment`` runs
:class:`MarkCellRoles` right after clearing the solutions, so the gradebook's copy of each locked cell carries the
same text and grading (``OverwriteCells``, ``FlagTampering``) sees no change. It

* starts every locked code cell with ``# [LOCKED] ...`` and every answer cell with ``[YOUR ANSWER] ...``;
* puts a locked Markdown cell above every answer cell ("[YOUR ANSWER] ✏️ Task 2 — your answer goes in the next
  cell"), which stays whatever the student types into, or deletes from, the answer cell;
* ends the notebook with how to hand it in (templates/notebook/hand_in.md).

The markers are words in square brackets, so they read the same without an emoji font, on paper and in a screen
reader; the emoji after them is decoration only.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from nbconvert.preprocessors import Preprocessor
from nbformat.v4 import new_markdown_cell
from traitlets import Bool

LOCKED_CODE = "# [LOCKED] Run this cell, but do not change it (grading uses the original)."
ANSWER_CODE = "# [YOUR ANSWER] Write your code in this cell, in place of the lines below, then run it."
ANSWER_MARKDOWN = "**[YOUR ANSWER]** Double-click this cell and write your answer in place of the line below."
ANNOUNCE_MARKER = "**[YOUR ANSWER] ✏️"
HAND_IN_MARKER = "## [HAND IN]"
HAND_IN_TEMPLATE = Path(__file__).resolve().parent / "templates" / "notebook" / "hand_in.md"

# "## Task 2 (4 points): paragraph 24" -> "Task 2"; "### Item 3 of 24: ..." -> "Item 3".
_TASK_HEADING = re.compile(r"^#+\s*((?:Task|Item|Part|Question)\s+\d+)", re.M)


def role_line(cell: Any) -> str | None:
    """The line a released cell starts with, from its nbgrader metadata; None for a cell that gets none."""
    meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
    if meta.get("solution"):
        return ANSWER_CODE if cell.cell_type == "code" else ANSWER_MARKDOWN
    if cell.cell_type == "code" and (meta.get("locked") or meta.get("grade")):
        return LOCKED_CODE
    return None


def announcement(task: str, cell: Any) -> str:
    """The text of the locked Markdown cell above an answer cell."""
    how = ("Double-click the next cell and write in it, in place of its last line."
           if cell.cell_type == "markdown" else
           "Write your code in the next cell (its first line says `[YOUR ANSWER]`), run it, then run the check under it.")
    return f"{ANNOUNCE_MARKER} {task} — your answer goes in the next cell.** {how}"


def hand_in_text(assignment: str, notebook: str) -> str:
    """The notebook's last cell: how to hand it in, on a hub (Validate, Assignment List) or as a file."""
    text = HAND_IN_TEMPLATE.read_text(encoding="utf-8").strip()
    return text.replace("{assignment}", assignment).replace("{notebook}", notebook)


def _locked_markdown(source: str, grade_id: str) -> Any:
    cell = new_markdown_cell(source)
    # A fixed id, not nbformat's random one: a fresh generate_assignment must give byte-identical exercises/
    # (tests/test_exercises_in_sync.py). Cell ids allow letters, digits, "-" and "_", 64 at most.
    cell.id = re.sub(r"[^A-Za-z0-9_-]", "-", grade_id)[:64]
    # Locked for nbgrader (restored when grading) and for the client (JupyterLab and Notebook 7 honour these).
    cell.metadata.update({
        "editable": False, "deletable": False,
        "nbgrader": {"grade": False, "solution": False, "locked": True, "grade_id": grade_id, "schema_version": 3},
    })
    return cell


def _is_ours(cell: Any) -> bool:
    return cell.cell_type == "markdown" and cell.source.startswith((ANNOUNCE_MARKER, HAND_IN_MARKER))


class MarkCellRoles(Preprocessor):
    """Role lines, an announcement above each answer, and the hand-in cell; runs right after ClearSolutions.

    Running it twice changes nothing: cells it added before are recognised by their markers and rebuilt.
    """

    enabled = Bool(True)  # nbconvert's preprocessors are off unless enabled

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        cells = [cell for cell in nb.cells if not _is_ours(cell)]
        out: list[Any] = []
        task = "This task"
        answers = 0
        for cell in cells:
            if cell.cell_type == "markdown":
                heading = _TASK_HEADING.search(cell.source)
                if heading:
                    task = heading.group(1)
            line = role_line(cell)
            if line is not None and not cell.source.startswith(line):
                separator = "\n\n" if cell.cell_type == "markdown" else "\n"
                cell.source = line + separator + cell.source
            meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
            if meta.get("solution"):
                answers += 1
                out.append(_locked_markdown(announcement(task, cell), f"{meta.get('grade_id', answers)}-where"))
            out.append(cell)
        if answers:
            graded = resources.get("nbgrader") or {}
            name = graded.get("notebook") or (resources.get("metadata") or {}).get("name") or "this notebook"
            assignment = graded.get("assignment") or name
            out.append(_locked_markdown(hand_in_text(assignment, f"{name}.ipynb"), "hand-in"))
        nb.cells = out
        return nb, resources
