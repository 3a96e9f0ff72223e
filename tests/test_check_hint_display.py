"""A wrong answer in a student notebook shows the check's hint alone, in a box, not under a traceback.

Run for real: a notebook executed by nbclient in a Python kernel, as JupyterLab and nbgrader run it.
"""
from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from medialit.grading.checks import AnswerError


def test_a_wrong_answer_shows_only_the_hint_in_a_box() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("from medialit.grading import checks\nphrases_13 = 'unprovoked massacre'"),
        nbformat.v4.new_code_cell("checks.check_phrases(phrases_13, paragraph=13, name='phrases_13')"),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True)
    client.execute()
    errors = [o for o in nb.cells[1].outputs if o.output_type == "error"]
    assert len(errors) == 1, nb.cells[1].outputs
    error = errors[0]
    # The cell still fails (nbgrader and "Run all" stop here); only what the student reads changes.
    assert error.ename == "AnswerError"
    shown = "\n".join(error.traceback)
    assert error.traceback[0].startswith("┌─ Check your answer ") and error.traceback[-1].startswith("└")
    assert "phrases_13" in shown
    assert "Traceback" not in shown and "File " not in shown and "checks.py" not in shown, shown
    assert len(error.traceback) <= 6, shown


def test_the_box_keeps_every_word_and_lines_up() -> None:
    message = "answers must be a dict such as {'p18-a': 'Doubt'}, not list.\nGive one label for each item; " + "x" * 90
    lines = AnswerError(message)._render_traceback_()
    assert len({len(line) for line in lines}) == 1, lines
    inner = "".join(line[2:-2] for line in lines[1:-1])
    # A word longer than a line is broken across lines, so compare without the spaces.
    assert "".join(inner.split()) == "".join(message.split())


def test_a_cell_that_raises_still_fails_when_errors_are_not_allowed() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "from medialit.grading.checks import AnswerError\nraise AnswerError('Give a list.')")]
    with pytest.raises(CellExecutionError):
        NotebookClient(nb, timeout=120, kernel_name="python3").execute()
