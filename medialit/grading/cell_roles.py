"""A first line in every student code cell, and in every answer cell, saying whose cell it is.

JupyterLab 4 and Notebook 7 draw nbgrader's locked cells (``editable: false``) exactly like answer cells, so
students cannot tell which cells are theirs (nbgrader issue #1882). A line inside the cell works in every client,
on paper and in a screen reader: ``generate_assignment`` writes it after clearing the solutions, so the gradebook's
copy of each locked cell carries it too and grading (``OverwriteCells``, ``FlagTampering``) sees no change.
Instruction cells (locked Markdown) get no line: they read as instructions already.
"""
from __future__ import annotations

from typing import Any

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

LOCKED_CODE = "# 🔒 LOCKED: run this cell, but do not change it (grading uses the original)."
ANSWER_CODE = "# ✏️ YOUR ANSWER: write your code in this cell, in place of the lines below, then run it."
ANSWER_MARKDOWN = "**✏️ YOUR ANSWER:** double-click this cell and write your answer in place of the line below."


def role_line(cell: Any) -> str | None:
    """The line a released cell starts with, from its nbgrader metadata; None for a cell that gets none."""
    meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
    if meta.get("solution"):
        return ANSWER_CODE if cell.cell_type == "code" else ANSWER_MARKDOWN
    if cell.cell_type == "code" and (meta.get("locked") or meta.get("grade")):
        return LOCKED_CODE
    return None


class MarkCellRoles(Preprocessor):
    """Put each cell's role line first (once); runs in generate_assignment right after ClearSolutions."""

    enabled = Bool(True)  # nbconvert's preprocessors are off unless enabled

    def preprocess_cell(self, cell: Any, resources: dict[str, Any], index: int) -> tuple[Any, dict[str, Any]]:
        line = role_line(cell)
        if line is not None and not cell.source.startswith(line):
            separator = "\n\n" if cell.cell_type == "markdown" else "\n"
            cell.source = line + separator + cell.source
        return cell, resources
