"""Every student code cell, and every answer cell, says on its first line whose cell it is.

Checked on the committed exercises/ (what students get; test_exercises_in_sync.py proves they are what
`nbgrader generate_assignment` makes today) and on the preprocessor itself.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from medialit.grading.cell_roles import ANSWER_CODE, ANSWER_MARKDOWN, LOCKED_CODE, MarkCellRoles, role_line

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = sorted((ROOT / "exercises").glob("*/*.ipynb"))


def _nbgrader(cell: nbformat.NotebookNode) -> dict:
    return cell.metadata.get("nbgrader", {})


@pytest.mark.parametrize("path", EXERCISES, ids=[p.parent.name for p in EXERCISES])
def test_each_released_cell_says_whose_it_is(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    problems, answers, locked = [], 0, 0
    for index, cell in enumerate(nb.cells):
        first = cell.source.split("\n", 1)[0]
        meta = _nbgrader(cell)
        if meta.get("solution"):
            answers += 1
            wanted = ANSWER_CODE if cell.cell_type == "code" else ANSWER_MARKDOWN
            if first != wanted:
                problems.append(f"cell {index} ({meta.get('grade_id')}) is an answer cell but starts {first!r}")
            if cell.metadata.get("editable") is False:
                problems.append(f"cell {index} ({meta.get('grade_id')}) is an answer cell but cannot be edited")
        elif cell.cell_type == "code":
            locked += 1
            if first != LOCKED_CODE:
                problems.append(f"code cell {index} ({meta.get('grade_id')}) is locked but starts {first!r}")
            if cell.metadata.get("editable") is not False:
                problems.append(f"code cell {index} ({meta.get('grade_id')}) is marked locked but can be edited")
        elif first in (LOCKED_CODE, ANSWER_CODE, ANSWER_MARKDOWN):
            problems.append(f"instruction cell {index} carries a role line")
    # Every notebook has at least a setup cell and a hand-in or check cell, and some answers (a floor, so the scan
    # cannot pass on an empty notebook); the check's forms have exactly two locked code cells.
    assert answers >= 2 and locked >= 2, (answers, locked)
    assert not problems, f"{path.relative_to(ROOT)}:\n" + "\n".join(problems)


def test_the_two_kinds_of_line_differ_at_a_glance() -> None:
    assert LOCKED_CODE.startswith("# 🔒 LOCKED") and ANSWER_CODE.startswith("# ✏️ YOUR ANSWER")
    assert "YOUR ANSWER" in ANSWER_MARKDOWN and "LOCKED" not in ANSWER_MARKDOWN + ANSWER_CODE


def _cell(kind: str, source: str, **nbgrader: object) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source)
    cell.metadata["nbgrader"] = dict(nbgrader)
    return cell


def test_the_preprocessor_marks_by_metadata_once() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [_cell("code", "x = 1", locked=True), _cell("code", "assert x", grade=True, solution=False),
                _cell("code", "# YOUR CODE HERE", solution=True), _cell("markdown", "YOUR ANSWER HERE", solution=True),
                _cell("markdown", "## Task", locked=True), nbformat.v4.new_code_cell("plain = 1")]
    step = MarkCellRoles()
    assert step.enabled, "nbconvert skips a preprocessor that is not enabled"
    for _ in range(2):  # twice: the line is not doubled
        nb, _resources = step.preprocess(nb, {})
    assert [c.source for c in nb.cells] == [
        f"{LOCKED_CODE}\nx = 1", f"{LOCKED_CODE}\nassert x", f"{ANSWER_CODE}\n# YOUR CODE HERE",
        f"{ANSWER_MARKDOWN}\n\nYOUR ANSWER HERE", "## Task", "plain = 1"]
    assert role_line(nbformat.v4.new_code_cell("no metadata")) is None


def test_generate_assignment_runs_the_step_right_after_clearing_solutions() -> None:
    from nbgrader.preprocessors import ClearSolutions, ComputeChecksums, SaveCells
    from traitlets.config import Config

    from medialit.grading.nbgrader_steps import configure_nbgrader

    c = Config()
    configure_nbgrader(c)
    steps = c.GenerateAssignment.preprocessors
    at = steps.index(MarkCellRoles)
    # After the solutions are cleared (or the line would be wiped with them), before the locked cells' copies
    # are saved to the gradebook (or grading would see every locked cell as edited).
    assert steps[at - 1] is ClearSolutions and at < steps.index(ComputeChecksums) < steps.index(SaveCells)
