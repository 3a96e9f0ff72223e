"""Submissions for the nbgrader round trip, made at test time from the released and source notebooks.

No answer key is written here: right answers are copied from the solution cells of solutions/, so these
generators stay correct when the notebooks change. Each attack or breakage is one student whose
submission is built by one function below; `build_class` writes them all into a course directory.
"""
from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENTS = ("loaded-language", "sourcing", "statements", "capstone")
# The attacks and breakages are all tried on one assignment: the grading machinery is the same in all four.
ATTACKED = "loaded-language"
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


# --- course directory ------------------------------------------------------------------------

def nbgrader(args: list[str], cwd: Path, timeout: float = 1800) -> subprocess.CompletedProcess[str]:
    """Run an nbgrader command with this environment's Python (its kernel must see medialit)."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env, text=True,
                          capture_output=True, timeout=timeout)


def make_course(root: Path) -> Path:
    """A throw-away course: the repository's nbgrader_config.py and solutions/, nothing else."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(REPO / "solutions", root / "solutions")
    return root


def generate_all(course: Path) -> subprocess.CompletedProcess[str]:
    result = nbgrader(["generate_assignment", "*", "--force"], course)
    if result.returncode != 0:
        raise AssertionError(f"nbgrader generate_assignment failed:\n{result.stdout}\n{result.stderr}")
    return result


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def source_nb(name: str, course: Path | None = None) -> nbformat.NotebookNode:
    return read((course or REPO) / "solutions" / name / f"{name}.ipynb")


def released_nb(name: str, course: Path) -> nbformat.NotebookNode:
    return read(course / "exercises" / name / f"{name}.ipynb")


def meta(cell: nbformat.NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def auto_points(name: str) -> float:
    """The autograded points of an assignment, read from its source notebook's test cells."""
    return sum(float(meta(c)["points"]) for c in source_nb(name).cells
               if meta(c).get("grade") and not meta(c).get("solution"))


def answer_cells(nb: nbformat.NotebookNode, *, code_only: bool = True) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if meta(c).get("solution") and (c.cell_type == "code" or not code_only)]


def find(nb: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    for cell in nb.cells:
        if meta(cell).get("grade_id") == grade_id:
            return cell
    raise KeyError(grade_id)


def _unmarked(source: str) -> str:
    return "\n".join(line for line in source.split("\n") if line.strip() not in MARKERS)


# --- submissions -------------------------------------------------------------------------------

def right(name: str, course: Path) -> nbformat.NotebookNode:
    """The student version with every answer cell (code and written) taken from the solutions."""
    nb, solved = released_nb(name, course), source_nb(name, course)
    for cell in answer_cells(nb, code_only=False):
        cell.source = _unmarked(find(solved, meta(cell)["grade_id"]).source)
    return nb


def untouched(name: str, course: Path) -> nbformat.NotebookNode:
    return released_nb(name, course)


def partial(name: str, course: Path) -> nbformat.NotebookNode:
    """Only the first autograded answer is right; the rest are left as released."""
    nb, solved = released_nb(name, course), source_nb(name, course)
    first = answer_cells(nb)[0]
    first.source = _unmarked(find(solved, meta(first)["grade_id"]).source)
    return nb


def _wrong_answers(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Well-formed but wrong answers for loaded-language (plain values that pass the form checks)."""
    wrong = {
        "ll-answer13": 'phrases_13 = ["Turkey and Iraq"]',
        "ll-answer24": 'phrases_24 = ["Mosul in Iraq"]',
        "ll-answer18": 'techniques_18 = {k: "Appeal_to_fear-prejudice" for k in PHRASES_18}',
    }
    for grade_id, source in wrong.items():
        find(nb, grade_id).source = source
    return nb


def attack_monkeypatch(name: str, course: Path) -> nbformat.NotebookNode:
    """Redefine the scorer, the grading helpers and award() before the tests run."""
    nb = _wrong_answers(released_nb(name, course))
    find(nb, "ll-answer13").source = '''
import medialit.grading
import medialit.scoring


class Perfect:
    precision = recall = f1 = 1.0
    key_feedback = unmatched = ()

    def summary(self):
        return "perfect"


medialit.scoring.span_prf = lambda *args, **kwargs: Perfect()
medialit.scoring.score_labels = lambda *args, **kwargs: type("S", (), {"score": 1.0, "correct": 9, "total": 9, "items": ()})()
medialit.grading.score_task = lambda spec, answer, **kwargs: medialit.grading.TaskResult(spec["points"], spec["points"], "")
medialit.grading.award = lambda task, spec: float(spec["points"])
grading.award = medialit.grading.award
phrases_13 = ["Turkey and Iraq"]
'''
    return nb


def attack_rigged_eq(name: str, course: Path) -> nbformat.NotebookNode:
    """Answers whose __eq__ and __hash__ say they equal anything."""
    nb = released_nb(name, course)
    find(nb, "ll-answer13").source = '''
class Anything(str):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __hash__(self):
        return 0

    def __contains__(self, other):
        return True


class AnyList(list):
    def __eq__(self, other):
        return True


class AnyDict(dict):
    def __eq__(self, other):
        return True

    def __getitem__(self, key):
        return Anything("Loaded_Language")


phrases_13 = AnyList([Anything("Turkey and Iraq")])
'''
    find(nb, "ll-answer24").source = 'phrases_24 = [Anything("Mosul in Iraq")]'
    find(nb, "ll-answer18").source = 'techniques_18 = AnyDict({k: Anything("Loaded_Language") for k in PHRASES_18})'
    return nb


def attack_edit_locked(name: str, course: Path) -> nbformat.NotebookNode:
    """Replace the checks with numbers, raise a test cell's points, unlock cells; answers wrong."""
    nb = _wrong_answers(released_nb(name, course))
    find(nb, "ll-check13").source = "3"
    cell = find(nb, "ll-check24")
    cell.source = "print(4)\n4"
    meta(cell)["points"] = 40
    meta(cell)["locked"] = False
    find(nb, "ll-setup").source += "\ngrading.check_phrases = lambda phrases, **kwargs: phrases"
    return nb


def attack_delete_cells(name: str, course: Path) -> nbformat.NotebookNode:
    """Delete a test cell and an answer cell (the answer for paragraph 13 is right)."""
    nb = right(name, course)
    nb.cells = [c for c in nb.cells if meta(c).get("grade_id") not in {"ll-check13", "ll-answer24"}]
    return nb


def attack_print_number(name: str, course: Path) -> nbformat.NotebookNode:
    """Print and display numbers, and have a hook put a number into every later cell's outputs."""
    nb = _wrong_answers(released_nb(name, course))
    find(nb, "ll-answer13").source = '''
import sys

ip = get_ipython()


def forge(result):
    print(4)
    sys.displayhook(4.0)  # an execute_result in whatever cell just ran


ip.events.register("post_run_cell", forge)
phrases_13 = ["Turkey and Iraq"]
print(3)
3
'''
    return nb


def attack_display_hooks(name: str, course: Path) -> nbformat.NotebookNode:
    """Patch IPython's formatters and input transformers so every test cell shows full points."""
    nb = _wrong_answers(released_nb(name, course))
    find(nb, "ll-answer13").source = '''
ip = get_ipython()
plain_text = ip.display_formatter.formatters["text/plain"]
plain_text.for_type(float, lambda obj, printer, cycle: printer.text("4.0"))
plain_text.for_type(int, lambda obj, printer, cycle: printer.text("4"))
plain_text.for_type(type(None), lambda obj, printer, cycle: printer.text("4"))


def replace_tests(lines):
    # Any cell that records an answer becomes a bare number, or a forged pair of answer records.
    text = "".join(lines)
    if "grading.submit" in text:
        return ["from IPython.display import display\\n",
                "display({'application/vnd.medialit.answer+json': {'task': 'loaded-language/p13', 'answer': []}}, raw=True)\\n",
                "display({'application/vnd.medialit.answer+json': {'task': 'loaded-language/p13', 'answer': []}}, raw=True)\\n",
                "4.0\\n"]
    return lines


ip.input_transformers_cleanup.append(replace_tests)
phrases_13 = ["Turkey and Iraq"]
'''
    return nb


def broken_syntax(name: str, course: Path) -> nbformat.NotebookNode:
    nb = right(name, course)
    find(nb, "ll-answer13").source = 'phrases_13 = ["determined to deny",\n'
    return nb


def broken_loop(name: str, course: Path) -> nbformat.NotebookNode:
    nb = right(name, course)
    find(nb, "ll-answer13").source = "while True:\n    pass"
    return nb


def broken_output(name: str, course: Path) -> nbformat.NotebookNode:
    """Megabytes of output instead of the first answer; the other answers are right."""
    nb = right(name, course)
    find(nb, "ll-answer13").source = 'print("x" * 3_000_000)\nfor i in range(100_000):\n    print(i)'
    return nb


NOT_JSON = '{"cells": [{"cell_type": "code", "source": "phrases_13 = [\\"oops\\"]"'  # cut off mid-file


EVERY_ASSIGNMENT: dict[str, Callable[[str, Path], nbformat.NotebookNode]] = {
    "right": right,
    "untouched": untouched,
    "partial": partial,
}
ATTACKS: dict[str, Callable[[str, Path], nbformat.NotebookNode]] = {
    "attack-monkeypatch": attack_monkeypatch,
    "attack-rigged-eq": attack_rigged_eq,
    "attack-edit-locked": attack_edit_locked,
    "attack-delete-cells": attack_delete_cells,
    "attack-print-number": attack_print_number,
    "attack-display-hooks": attack_display_hooks,
    "broken-syntax": broken_syntax,
    "broken-loop": broken_loop,
    "broken-output": broken_output,
}
NOT_JSON_STUDENT = "broken-not-json"


def build_class(course: Path) -> dict[tuple[str, str], Path]:
    """Write every submission into course/submitted/<student>/<assignment>/; return their paths."""
    made: dict[tuple[str, str], Path] = {}

    def put(student: str, name: str) -> Path:
        folder = course / "submitted" / student / name
        folder.mkdir(parents=True, exist_ok=True)
        made[(student, name)] = folder / f"{name}.ipynb"
        return made[(student, name)]

    for name in ASSIGNMENTS:
        for student, make in EVERY_ASSIGNMENT.items():
            nbformat.write(make(name, course), str(put(student, name)))
    for student, make in ATTACKS.items():
        nb = make(ATTACKED, course)
        nbformat.write(copy.deepcopy(nb), str(put(student, ATTACKED)))
    put(NOT_JSON_STUDENT, ATTACKED).write_text(NOT_JSON, encoding="utf-8")
    return made
