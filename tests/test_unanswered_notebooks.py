"""A released notebook run from the top before any answer says what to do, not NameError or a bare stub error.

Run in a real kernel (nbclient), every cell, errors allowed: what nbgrader's Validate and a student pressing
Shift+Enter down the notebook see. Each answer cell says it has no answer yet; each check cell says "answer the
cell above first"; no output is a NameError or a bare NotImplementedError traceback.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from medialit.grading.checks import answer_first

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def _run_everything(path: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    return nb


def _errors(cell: nbformat.NotebookNode) -> list[dict]:
    return [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def _shown(output: dict) -> str:
    return "\n".join([output.get("ename", ""), output.get("evalue", ""), *output.get("traceback", [])])


@pytest.mark.parametrize("assignment", ["loaded-language", "sourcing"])
def test_running_a_released_notebook_from_the_top_says_answer_the_cell_above_first(assignment: str) -> None:
    nb = _run_everything(ROOT / "exercises" / assignment / f"{assignment}.ipynb")
    answers = checks = 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        shown = "\n".join(_shown(o) for o in _errors(cell))
        # No Python error by name, and no traceback: the message box only. (The answer cell's message may quote
        # the stub `raise NotImplementedError()` it asks the student to replace.)
        for output in _errors(cell):
            assert output["ename"] not in ("NameError", "NotImplementedError"), f"cell {index}:\n{shown}"
        assert "NameError" not in shown and "Traceback" not in shown and "is not defined" not in shown, \
            f"cell {index}:\n{shown}"
        if meta.get("solution"):
            answers += 1
            assert "This task has no answer yet" in shown, f"answer cell {index} ({meta.get('grade_id')}):\n{shown}"
        elif meta.get("grade") and "grading.check_" in cell.source:
            checks += 1
            assert "answer the cell above first" in " ".join(shown.split()), \
                f"check cell {index} ({meta.get('grade_id')}):\n{shown}"
    assert answers >= 2 and checks >= 2, (answers, checks)


def test_other_name_errors_keep_their_traceback() -> None:
    # The friendly message is for a check cell's missing answer only: a typo in the student's own code keeps
    # Python's own NameError, so it can be found.
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from medialit import grading"),
                nbformat.v4.new_code_cell("prhases = ['x']\nprint(phrases)"),
                nbformat.v4.new_code_cell("grading.check_phrases(phrases_99, paragraph=13)")]
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True).execute()
    typo, check = (_shown(o) for cell in nb.cells[1:] for o in _errors(cell))
    assert "NameError" in typo and "phrases" in typo
    assert "NameError" not in check and answer_first("phrases_99").split(":")[0] in " ".join(check.split())
    assert sys.version_info >= (3, 10)  # NameError.name, which the message names, exists from 3.10
