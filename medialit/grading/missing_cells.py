"""Deleted cells come back wherever they were deleted from: nbgrader's OverwriteCells with a working add_missing_cells.

The course sets ``c.OverwriteCells.add_missing_cells = True`` so that a deleted test cell is put back and scores
from the answer (or 0 without one) instead of vanishing. nbgrader 0.9.6's ``add_missing_grade_cells`` puts a
missing grade cell after the source cell just before it, looked up among the submission's grade and solution
cells; when that cell is gone too (an answer cell deleted with its test cell, an emptied notebook) or is an
ordinary cell, the lookup raises ``KeyError`` and the submission gets no autograded notebook and no feedback.

``RestoreMissingCells`` places each missing grade cell after the nearest earlier source cell the notebook
still has (any cell with that nbgrader id, including cells restored a moment before), else at the top, in
source order. A deleted answer cell is not put back (nbgrader never does): its test then fails and scores 0,
and the rest of the notebook is graded on its merits. Task cells are left to nbgrader (it appends them).
"""
from __future__ import annotations

from typing import Any

from nbgrader.preprocessors import OverwriteCells


def _grade_id(cell: Any) -> str | None:
    return (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id")


class RestoreMissingCells(OverwriteCells):
    """OverwriteCells whose add_missing_grade_cells never fails on a deletion (see the module text)."""

    def add_missing_grade_cells(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        order = [cell.name for cell in source_nb.source_cells]
        sources = {cell.name: cell for cell in source_nb.source_cells}
        solutions = {cell.name for cell in source_nb.solution_cells}
        grade_cells = {cell.name: cell for cell in source_nb.grade_cells}
        present = {_grade_id(cell) for cell in nb.cells} - {None}
        for name in sorted(set(grade_cells) - present, key=lambda n: order.index(n) if n in order else len(order)):
            self.log.warning("Missing grade cell %s encountered, adding to notebook", name)
            cell = self.missing_cell_transform(sources[name], grade_cells[name].max_score,
                                               is_solution=name in solutions)
            earlier = order[:order.index(name)] if name in order else []
            at = 0
            for previous in reversed(earlier):
                if previous in present:
                    at = 1 + max(i for i, c in enumerate(nb.cells) if _grade_id(c) == previous)
                    break
            nb.cells.insert(at, cell)
            present.add(name)
        return nb, resources


def install(sanitize: list[Any]) -> None:
    """Use RestoreMissingCells where nbgrader's OverwriteCells is in the sanitize steps (configure_nbgrader)."""
    if OverwriteCells not in sanitize:
        raise RuntimeError("nbgrader's sanitize steps have no OverwriteCells; update medialit.grading.missing_cells")
    sanitize[sanitize.index(OverwriteCells)] = RestoreMissingCells
