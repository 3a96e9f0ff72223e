"""SandboxedExecute on small notebooks, without nbgrader: restarts, replays, the restart ceiling, interrupts."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from medialit.grading.execute import SandboxedExecute

# Real sandboxed kernels, interrupted, killed and restarted: about 30 s, so not in the fast lane.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


def run(tmp_path: Path, *sources: str, **settings: object) -> tuple[nbformat.NotebookNode, dict]:
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    resources: dict = {"metadata": {"path": str(tmp_path)}}
    SandboxedExecute(timeout=5, **settings).preprocess(nb, resources)
    return nb, resources


def text(cell: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")


def errors(cell: nbformat.NotebookNode) -> list[str]:
    return [o["ename"] for o in cell.outputs if o.get("output_type") == "error"]


def test_a_dead_kernel_is_restarted_and_earlier_cells_replayed(tmp_path: Path) -> None:
    nb, resources = run(tmp_path, "x = 41", "import os\nos._exit(3)", "print(x + 1)")
    assert errors(nb.cells[1]) == ["DeadKernelError"]
    assert text(nb.cells[2]) == "42\n"  # x came back from the replayed first cell
    kinds = [i["kind"] for i in resources["medialit"]["incidents"]]
    assert kinds == ["kernel_died", "kernel_restarted"]


def test_an_interrupt_that_is_swallowed_ends_in_a_restart(tmp_path: Path) -> None:
    loop = "import time\nwhile True:\n    try:\n        time.sleep(0.2)\n    except:\n        pass"
    nb, resources = run(tmp_path, "y = 'kept'", loop, "print(y)")
    assert errors(nb.cells[1]) == ["CellTimeoutError"]
    assert text(nb.cells[2]) == "kept\n"
    assert resources["medialit"]["incidents"][0]["kind"] == "timeout"


def test_an_interrupt_reaches_the_sandboxed_kernel(tmp_path: Path) -> None:
    # No restart needed: the cell stops with KeyboardInterrupt and the kernel keeps its state.
    nb, resources = run(tmp_path, "z = 7", "import time\ntime.sleep(60)", "print(z)")
    assert "KeyboardInterrupt" in errors(nb.cells[1])
    assert text(nb.cells[2]) == "7\n"
    assert resources["medialit"]["incidents"] == []


def test_restarts_have_a_ceiling(tmp_path: Path) -> None:
    die = "import os\nos._exit(1)"
    nb, resources = run(tmp_path, die, die, die, "print('never')", max_restarts=2)
    assert [errors(c) for c in nb.cells] == [["DeadKernelError"], ["DeadKernelError"], ["DeadKernelError"], ["NotRun"]]
    assert text(nb.cells[3]) == ""


def test_a_deep_temporary_folder_does_not_break_the_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A Unix socket's path holds at most 107 bytes; grade_class's workers and the tests set deep TMPDIRs.
    deep = tmp_path / ("d" * 100)
    deep.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(deep))
    nb, resources = run(tmp_path, "print('ran')")
    assert text(nb.cells[0]) == "ran\n"
    assert list(deep.iterdir()) == []  # the kernel's folders are gone after the run
