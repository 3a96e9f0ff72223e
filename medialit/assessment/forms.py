"""The discernment check's forms as nbgrader assignments, generated from seeds/<case>/check.yaml.

    python -m medialit.assessment.forms [--points P]     # writes solutions/check-{before,after,delayed}/
    nbgrader generate_assignment 'check-*' --force         # then the student versions in exercises/

Each notebook shows every item of one form with the invented-example notice, and a small answer cell
under it (``answer("b-ll-01", "loaded", confidence=80)``) whose check says at once what to fix when the
answer is not one of the options or the confidence is not 50-100. One graded cell hands the answers in.

Grading never depends on correctness: the check's keys are public (self-learners get feedback on the
site), so the graded cell's hidden test is a ``participation`` spec (medialit.grading.award): points x
the share of items answered in a valid form, whatever was chosen. It holds each item's options and no
key. Correctness, d' and c are computed only in the instructor's class report
(``python -m medialit.assessment.report --course .``), from check.yaml.

The weight is the instructor's choice: ``--points`` (default 1; 0 gives the assignment no weight in the
course total). Regenerate after editing check.yaml; tests/test_check_forms.py fails while the committed
notebooks differ from what this module makes.
"""
from __future__ import annotations

import argparse
import json
import pprint
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nbformat

from ..case import current_case
from .answering import CONFIDENCE_RANGE, task_of
from .check import Check, Item, load_check

# Form in check.yaml -> the assignment that releases it.
ASSIGNMENTS = {"before": "check-before", "after": "check-after", "delayed": "check-delayed"}
WHEN = {"before": "before the course", "after": "at the end of the course",
        "delayed": "a week or more after the course"}
DEFAULT_POINTS = 1
REPO = Path(__file__).resolve().parents[2]


def form_of(assignment: str) -> str | None:
    """The check form an assignment releases, or None for any other assignment."""
    return next((form for form, name in ASSIGNMENTS.items() if name == assignment), None)


def _meta(grade_id: str, *, locked: bool = True, solution: bool = False, points: float | None = None) -> dict[str, Any]:
    nbgrader: dict[str, Any] = {"grade": points is not None, "grade_id": grade_id, "locked": locked,
                                "schema_version": 3, "solution": solution, "task": False}
    if points is not None:
        nbgrader["points"] = points
    meta: dict[str, Any] = {"deletable": False, "editable": False} if locked else {}
    meta["nbgrader"] = nbgrader
    return meta


def _choices(check: Check, item: Item) -> str:
    options = check.questions[item.skill].options
    spelled = [f'`"{o.value}"` ({o.label})' for o in options]
    return ", ".join(spelled[:-1]) + f" or {spelled[-1]}"


def _intro(check: Check, form: str, points: float) -> str:
    items = check.items(form)
    first = items[0]
    example_option = check.questions[first.skill].options[0].value
    low, high = CONFIDENCE_RANGE
    weight = ("This notebook carries no points in your course grade." if points == 0 else
              f"You get the points for this notebook ({points:g} point{'' if points == 1 else 's'}) for taking part: every item you answer "
              "counts the same, whatever you choose.")
    questions = "\n".join(f"* **{q.title}**: {q.prompt}" for q in check.questions.values())
    return f"""# Discernment check: {WHEN[form]}

About {check.minutes} minutes: {len(items)} short texts, one question each, and how sure you are.

**Nothing here is marked right or wrong.** {weight} Your instructor reads the whole class's answers together, to
see what the course changes; no one is judged on one check.

Answer on your own, with what you think now: do not look anything up, and do not take the check on the course's
website first (it shows its answers).

{check.notice}

The questions:

{questions}

**How to answer.** Run the first code cell. Under each item, replace `raise NotImplementedError()` with a line
like this one (it shows the form of an answer, not a hint):

```python
answer("{first.id}", "{example_option}", confidence=70)
```

the item's name, your answer in quotes, and how sure you are, from {low} (a guess) to {high} (certain). Run the
cell: it says what to fix if something is not in the right form. At the end, run the last cell to hand in, then
*Kernel → Restart Kernel and Run All Cells…* before you submit; the last cell says how to hand it in."""


def _item_text(check: Check, item: Item, number: int, total: int) -> str:
    question = check.questions[item.skill]
    text = "\n> ".join(item.text.split("\n"))
    return (f"### Item {number} of {total}: {question.title} · `{item.id}`\n\n*An invented example, not news.*\n\n"
            f"> {text}\n\n{question.prompt} Answer {_choices(check, item)}.")


def _answer_cell(check: Check, item: Item) -> str:
    options = [o.value for o in check.questions[item.skill].options]
    low, high = CONFIDENCE_RANGE
    # The solution is only an example of a valid answer (the first option): this notebook holds no key.
    return (f'# answer("{item.id}", {" / ".join(json.dumps(o) for o in options)}, confidence={low} to {high})\n'
            f"### BEGIN SOLUTION\n"
            f'answer("{item.id}", "{options[0]}", confidence={low})\n'
            f"### END SOLUTION")


def participation_spec(check: Check, form: str, points: float) -> dict[str, Any]:
    """The hidden test of a form's graded cell: each item's options, the confidence range, no key."""
    return {"kind": "participation", "points": points, "form": form, "edition": check.edition,
            "items": {item.id: [o.value for o in check.questions[item.skill].options] for item in check.items(form)},
            "confidence": list(CONFIDENCE_RANGE)}


def build_notebook(check: Check, form: str, points: float = DEFAULT_POINTS) -> nbformat.NotebookNode:
    """The source notebook (for solutions/) of one form."""
    if points < 0:
        raise ValueError(f"points must be 0 or more, not {points!r}")
    points = int(points) if float(points).is_integer() else float(points)
    assignment = ASSIGNMENTS[form]
    items = check.items(form)
    cells: list[nbformat.NotebookNode] = []

    def add(kind: str, source: str, meta: dict[str, Any]) -> None:
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        cell = make(source, metadata=meta)
        cell["id"] = f"{assignment}-{len(cells):02d}"
        cells.append(cell)

    add("markdown", _intro(check, form, points), _meta(f"{assignment}-intro"))
    add("code", f'from medialit import grading\nfrom medialit.assessment.answering import CheckForm\n\n'
                f'form = CheckForm("{form}", assignment="{assignment}", edition="{check.edition}")\n'
                f"answer = form.answer", _meta(f"{assignment}-setup"))
    for number, item in enumerate(items, start=1):
        add("markdown", _item_text(check, item, number, len(items)), _meta(f"{assignment}-{item.id}"))
        add("code", _answer_cell(check, item), _meta(f"{assignment}-{item.id}-answer", locked=False, solution=True))
    add("markdown", "## Hand in\n\nRun the next cell: it records your answers for your instructor and lists any item "
                    "you have not answered yet.", _meta(f"{assignment}-handin"))
    spec = pprint.pformat(participation_spec(check, form, points), width=110, sort_dicts=False)
    add("code", f"# Points for taking part: each answered item counts the same, whatever you chose.\n"
                f"form.submit()\n### BEGIN HIDDEN TESTS\ngrading.award({task_of(assignment)!r}, {spec})\n"
                f"### END HIDDEN TESTS", _meta(f"{assignment}-submit", points=points))
    for cell in cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
                   "language_info": {"name": "python"}}
    nb.nbformat_minor = 5
    return nb


def notebook_path(root: Path, form: str) -> Path:
    assignment = ASSIGNMENTS[form]
    return root / "solutions" / assignment / f"{assignment}.ipynb"


def render(nb: nbformat.NotebookNode) -> str:
    """The notebook's file text, as nbformat writes it (what is committed)."""
    return nbformat.writes(nb) + "\n"


def committed_points(path: Path) -> float | None:
    """The weight a committed form notebook was generated with (None when there is none)."""
    if not path.is_file():
        return None
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            return meta.get("points")
    return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m medialit.assessment.forms", description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=float, default=None,
                        help=f"points of each form for taking part (default: keep the current weight, or "
                             f"{DEFAULT_POINTS}); 0 gives the check no weight in the course total")
    parser.add_argument("--root", type=Path, default=REPO, help="the course folder (default: this repository)")
    parser.add_argument("--case", default=current_case())
    args = parser.parse_args(argv)
    if args.points is not None and args.points < 0:
        parser.error("--points must be 0 or more")
    check = load_check(args.case)
    for form in ASSIGNMENTS:
        path = notebook_path(args.root, form)
        current = committed_points(path)
        points = args.points if args.points is not None else (current if current is not None else DEFAULT_POINTS)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(build_notebook(check, form, points)), encoding="utf-8")
        print(f"wrote {path} ({len(check.items(form))} items, {points:g} point{'' if points == 1 else 's'})")
    print("Next: nbgrader generate_assignment 'check-*' --force   (then commit solutions/ and exercises/)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
