"""Every student code cell, and every answer cell, says on its first line whose cell it is; a locked Markdown
cell above each answer cell says which task it answers; the last cell says how to hand the notebook in.

Checked on the committed exercises/ (what students get; test_exercises_in_sync.py proves they are what
`nbgrader generate_assignment` makes today) and on the preprocessor itself.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from medialit.grading.cell_roles import (
    ANNOUNCE_MARKER,
    ANSWER_CODE,
    ANSWER_MARKDOWN,
    HAND_IN_MARKER,
    LOCKED_CODE,
    MarkCellRoles,
    role_line,
)

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
        if meta.get("solution"):
            above = nb.cells[index - 1] if index else None
            if above is None or not above.source.startswith(ANNOUNCE_MARKER):
                problems.append(f"answer cell {index} ({meta.get('grade_id')}) has no announcement above it")
            elif above.metadata.get("editable") is not False or not _nbgrader(above).get("locked"):
                problems.append(f"the announcement above answer cell {index} can be edited")
            elif not re.search(r"(Task|Item) \d+ — your answer goes in the next cell", above.source):
                problems.append(f"the announcement above answer cell {index} names no task: {above.source[:80]!r}")
    last = nb.cells[-1]
    if not last.source.startswith(HAND_IN_MARKER):
        problems.append("the notebook does not end with how to hand it in")
    for words in ("Validate", "Nbgrader → Assignment List", "Restart Kernel and Run All Cells…", f"`{path.name}`"):
        if words not in last.source:
            problems.append(f"the hand-in cell does not mention {words!r}")
    for index, cell in enumerate(nb.cells):
        if "Restart & Run All" in cell.source:
            problems.append(f"cell {index} names a menu item JupyterLab does not have: 'Restart & Run All'")
    # Every notebook has at least a setup cell and a hand-in or check cell, and some answers (a floor, so the scan
    # cannot pass on an empty notebook); the check's forms have exactly two locked code cells.
    assert answers >= 2 and locked >= 2, (answers, locked)
    assert not problems, f"{path.relative_to(ROOT)}:\n" + "\n".join(problems)


def test_the_two_kinds_of_line_differ_at_a_glance_without_an_emoji_font() -> None:
    assert LOCKED_CODE.startswith("# [LOCKED]") and ANSWER_CODE.startswith("# [YOUR ANSWER]")
    assert "[YOUR ANSWER]" in ANSWER_MARKDOWN and "LOCKED" not in ANSWER_MARKDOWN + ANSWER_CODE
    # The markers are plain text: every character before the first space after the marker is ASCII.
    for line in (LOCKED_CODE, ANSWER_CODE, ANSWER_MARKDOWN, ANNOUNCE_MARKER, HAND_IN_MARKER):
        marker = line[:line.index("]") + 1]
        assert marker.isascii(), marker


def _cell(kind: str, source: str, **nbgrader: object) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source)
    cell.metadata["nbgrader"] = dict(nbgrader)
    return cell


def test_the_preprocessor_marks_by_metadata_once() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [_cell("code", "x = 1", locked=True), _cell("code", "assert x", grade=True, solution=False),
                _cell("code", "# YOUR CODE HERE", solution=True), _cell("markdown", "YOUR ANSWER HERE", solution=True),
                _cell("markdown", "## Task", locked=True), nbformat.v4.new_code_cell("plain = 1")]
    nb.cells.insert(2, _cell("markdown", "## Task 3: the one to answer", locked=True))
    step = MarkCellRoles()
    assert step.enabled, "nbconvert skips a preprocessor that is not enabled"
    resources = {"nbgrader": {"assignment": "demo", "notebook": "demo"}}
    for _ in range(2):  # twice: nothing is doubled
        nb, _resources = step.preprocess(nb, resources)
    sources = [c.source for c in nb.cells]
    assert sources[:3] == [f"{LOCKED_CODE}\nx = 1", f"{LOCKED_CODE}\nassert x", "## Task 3: the one to answer"]
    assert sources[3].startswith(f"{ANNOUNCE_MARKER} Task 3 — your answer goes in the next cell.")
    assert sources[4] == f"{ANSWER_CODE}\n# YOUR CODE HERE"
    assert sources[5].startswith(f"{ANNOUNCE_MARKER} Task 3 —") and "Double-click" in sources[5]
    assert sources[6:9] == [f"{ANSWER_MARKDOWN}\n\nYOUR ANSWER HERE", "## Task", "plain = 1"]
    assert sources[9].startswith(HAND_IN_MARKER) and "`demo.ipynb`" in sources[9] and len(sources) == 10
    for added in (nb.cells[3], nb.cells[5], nb.cells[9]):
        assert added.metadata["editable"] is False and added.metadata["nbgrader"]["locked"] is True
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
