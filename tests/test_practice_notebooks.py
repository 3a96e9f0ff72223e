"""The practice notebooks (practice/*.ipynb): one per skill, every item with its check beside it; they run top to
bottom as shipped (answers `...`, which the checks call not answered yet; scripts/test also runs them under nbval);
a wrong answer shows a kind hint aimed at it, alone in a box; the model answer is confirmed with its reason; the
bigger hint and the answer come from practice.hint / practice.answer. Run for real, with nbclient in a kernel."""
from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from medialit import CASE, load_case
from medialit.records import LOADED

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = {"loaded_language": "loaded-language", "claims": "sourcing", "statements": "statements"}
CHECK_CALL = re.compile(r'practice\.check\("(?P<id>[a-z0-9-]+)", (?P<name>answer_\d+)')


def notebook(skill: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "practice" / f"{NOTEBOOKS[skill]}.ipynb", as_version=4)


def run(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = copy.deepcopy(nb)
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(ROOT)}}).execute()
    return nb


def model_answer(item):
    if item.answer_type == "choose":
        return item.accepted[0][0]
    return [p.text for p in item.phrases if p.accepted == (LOADED,)]


def wrong_answer(item):
    """The item's first listed mistake, made alone."""
    mistake = item.mistakes[0]
    if mistake.kind == "chose":
        return mistake.value, mistake.hint
    answer = model_answer(item)
    answer = answer + [mistake.value] if mistake.kind == "marked" else [p for p in answer if p != mistake.value]
    return answer, mistake.hint


def errors(cell) -> list:
    return [o for o in cell.get("outputs", []) if o.output_type == "error"]


def text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


@pytest.mark.parametrize("skill", list(NOTEBOOKS))
def test_every_item_of_the_skill_has_its_check_in_the_notebook(skill):
    case = load_case(CASE)
    nb = notebook(skill)
    checks = [m.group("id") for c in nb.cells if c.cell_type == "code" for m in CHECK_CALL.finditer(c.source)]
    assert checks == [i.id for i in case.practice_set(skill)], f"practice/{NOTEBOOKS[skill]}.ipynb and practice.yaml differ"
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "ship the notebooks without outputs"
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if CHECK_CALL.search(cell.source):
            # The check sits in the same cell as the answer it checks, and the answer starts unanswered.
            assert re.match(r"answer_\d+ = \.\.\.", cell.source), cell.source


@pytest.mark.slow  # runs each practice notebook in a kernel, twice
@pytest.mark.parametrize("skill", list(NOTEBOOKS))
def test_the_notebook_runs_as_shipped_and_then_teaches_back(skill):
    case = load_case(CASE)
    shipped = run(notebook(skill))
    failing = [c.source for c in shipped.cells if errors(c)]
    assert not failing, f"the shipped notebook fails in: {failing}"
    assert all("Not answered yet" in text(c) for c in shipped.cells if CHECK_CALL.search(c.source))

    # A student's session: a wrong answer, then the bigger hint and the answer, then the right answer.
    nb = notebook(skill)
    expected = []
    cells = []
    for cell in nb.cells:
        match = CHECK_CALL.search(cell.source) if cell.cell_type == "code" else None
        if match is None:
            cells.append(cell)
            continue
        item = case.practice_item(match.group("id"))
        wrong, hint = wrong_answer(item)
        name = match.group("name")
        call = f'practice.check("{item.id}", {name}, name="{name}")'
        cells.append(nbformat.v4.new_code_cell(f"{name} = {wrong!r}\n{call}"))
        cells.append(nbformat.v4.new_code_cell(f'practice.hint("{item.id}")\npractice.answer("{item.id}")'))
        cells.append(nbformat.v4.new_code_cell(f"{name} = {model_answer(item)!r}\n{call}"))
        expected.append((item, hint, len(cells) - 3))
    nb.cells = cells
    done = run(nb)
    for item, hint, at in expected:
        wrong_cell, ladder_cell, right_cell = done.cells[at:at + 3]
        [error] = errors(wrong_cell)
        shown = "\n".join(error.traceback)
        flat = " ".join(line.strip("│ ") for line in error.traceback)
        assert error.traceback[0].startswith("┌─ Check your answer"), shown
        assert "Traceback" not in shown and "File " not in shown and ".py" not in shown, shown
        assert "Not yet." in flat and " ".join(hint.split()[:6]) in " ".join(flat.split()), (item.id, shown)
        assert f'practice.hint("{item.id}")' in "".join(flat.split()), shown
        assert "Bigger hint:" in text(ladder_cell) and "Answer:" in text(ladder_cell), item.id
        assert not errors(right_cell) and "✓ Right." in text(right_cell), (item.id, right_cell.get("outputs"))
