"""A small synthetic course with planted answers and manual scores, built without running nbgrader.

One assignment, ``demo``, with one notebook: a phrase task on practice paragraph 3 (public data, not a graded
key), a label task with a contested item, and a written answer with a four-level rubric. Answers go into the
status store (``status.write_status``), the gradebook is made with nbgrader's ``Gradebook`` API, and the
folders ``submitted/`` and ``autograded/`` are made by hand, so each student gets the status the plan says.
Used by tests/test_task_analysis.py and tests/test_canvas_export.py.
"""
from __future__ import annotations

import json
from pathlib import Path

import nbformat

from medialit.grading.status import record_failure, write_status

ASSIGNMENT = "demo"
COURSE_ID = "planted-course"
PHRASE_TASK, LABEL_TASK = "demo/phrases", "demo/labels"
PHRASE_CELL, LABEL_CELL, WRITTEN_CELL = "demo-check-phrases", "demo-check-labels", "demo-written"

KEY_A, KEY_B, COMMON_MISS = "proudly claimed", "massive damage", "pro-government fighters"
PHRASE_SPEC = {"points": 2, "kind": "phrases", "paragraphs": [3],
               "key": [{"phrase": KEY_A, "why": "test"}, {"phrase": KEY_B, "why": "test"}]}
LABEL_SPEC = {"points": 3, "kind": "labels", "allowed": ["named", "anonymous", "unsourced"],
              "key": {"x": "named", "y": "anonymous",
                      "z": [{"label": "named", "why": "one reading"}, {"label": "unsourced", "why": "another"}]}}
RUBRIC = """**Rubric (instructors only).**

* **3 points: full.** *Sample:* "All of it."
* **2 points: partial.** *Sample:* "Some of it."
* **1 point: minimal.** *Sample:* "Little."
* **0 points:** no answer.
"""

# Ten students with readable phrase answers: 6 find KEY_A in full and 1 in part (7 of 10), 2 find KEY_B,
# 4 mark the same phrase that matches no key phrase.
PHRASES = {
    "s00": [KEY_A, COMMON_MISS], "s01": [KEY_A, COMMON_MISS], "s02": [KEY_A, COMMON_MISS, KEY_B],
    "s03": [KEY_A, COMMON_MISS], "s04": [KEY_A], "s05": [KEY_A, KEY_B], "s06": ["proudly"],
    "s07": ["Damascus allowed"], "s08": ["the Pentagon"], "s09": ["injuring many others"],
}
# Item x: 3 right, 5 say "unsourced", 2 say "anonymous". Item y: all right. Item z (contested): 6 right, 4 "anonymous".
LABELS = {student: {"x": x, "y": "anonymous", "z": z} for student, x, z in zip(
    sorted(PHRASES),
    ["named", "named", "named", "unsourced", "unsourced", "unsourced", "unsourced", "unsourced", "anonymous", "anonymous"],
    ["named", "unsourced", "named", "unsourced", "named", "unsourced", "anonymous", "anonymous", "anonymous", "anonymous"])}
# Manual scores of the written answer: 4 full, 3 partial, 1 minimal, 1 none, s09 not graded yet, s10 left blank.
WRITTEN = {"s00": 3, "s01": 3, "s02": 3, "s03": 3, "s04": 2, "s05": 2, "s06": 2, "s07": 1, "s08": 0, "s09": None,
           "s10": None}
BLANK = "s10"  # left the written answer as released
UNREADABLE = "s10"  # submitted an answer that is not a list: it counts for nothing
FAILED = "s11"  # submitted, autograding failed
ABSENT = "s12"  # in the gradebook, never submitted
# What the notebook shows for each label item (a visible dict, as the course's notebooks show theirs).
ITEM_TEXTS = {"x": "The Pentagon said the strike was in self-defence.", "y": "Officials said the convoy fired first.",
              "z": "Dozens were killed, the monitor reported."}
NAMES = {"s00": ("Ada", "Lovelace"), "s01": ("José", "Núñez, Jr.")}


def _code_cell(grade_id: str, points: float, task: str, spec: dict) -> nbformat.NotebookNode:
    source = (f"submit_check({task!r})\n### BEGIN HIDDEN TESTS\naward({task!r}, {spec!r})\n### END HIDDEN TESTS")
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "grade_id": grade_id,
                                 "points": points, "schema_version": 3}
    return cell


def source_notebook() -> nbformat.NotebookNode:
    written = nbformat.v4.new_markdown_cell(RUBRIC)
    written.metadata["nbgrader"] = {"grade": True, "solution": True, "locked": False, "grade_id": WRITTEN_CELL,
                                    "points": 3, "schema_version": 3}
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Demo"),
        nbformat.v4.new_code_cell(f"ITEMS = {ITEM_TEXTS!r}"),
        _code_cell(PHRASE_CELL, 2, PHRASE_TASK, PHRASE_SPEC),
        _code_cell(LABEL_CELL, 3, LABEL_TASK, LABEL_SPEC),
        written,
    ])


def _record(answers: dict) -> dict:
    return {"status": "graded", "reason": None, "notebooks": {ASSIGNMENT: {
        "status": "graded", "flags": [], "incidents": [],
        "answers": {task: {"answer": answer, "points": 1.0, "max_points": 2.0} for task, answer in answers.items()}}}}


def build(root: Path) -> Path:
    """Write the course into ``root`` and return it."""
    from nbgrader.api import Gradebook

    root.mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = {COURSE_ID!r}\n"
        "c.CourseDirectory.source_directory = 'solutions'\n", encoding="utf-8")
    (root / "solutions" / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(source_notebook(), str(root / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"))
    students = sorted(PHRASES) + [UNREADABLE, FAILED, ABSENT]
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID) as gb:
        gb.add_assignment(ASSIGNMENT)
        gb.add_notebook(ASSIGNMENT, ASSIGNMENT)
        gb.add_grade_cell(PHRASE_CELL, ASSIGNMENT, ASSIGNMENT, max_score=2, cell_type="code")
        gb.add_grade_cell(LABEL_CELL, ASSIGNMENT, ASSIGNMENT, max_score=3, cell_type="code")
        gb.add_grade_cell(WRITTEN_CELL, ASSIGNMENT, ASSIGNMENT, max_score=3, cell_type="markdown")
        for student in students:
            first, last = NAMES.get(student, (None, None))
            gb.add_student(student, first_name=first, last_name=last)
        for number, student in enumerate(sorted(PHRASES) + [UNREADABLE]):
            gb.add_submission(ASSIGNMENT, student)
            for cell, points in ((PHRASE_CELL, 2.0 if number % 2 == 0 else 1.0), (LABEL_CELL, 1.0)):
                grade = gb.find_grade(cell, ASSIGNMENT, ASSIGNMENT, student)
                grade.auto_score, grade.needs_manual_grade = points, False  # as autograde leaves them
            written = gb.find_grade(WRITTEN_CELL, ASSIGNMENT, ASSIGNMENT, student)
            score = WRITTEN.get(student)
            written.manual_score = score
            written.needs_manual_grade = score is None
            if student == BLANK:  # left as released: nbgrader scores it 0 itself, no grader involved
                written.auto_score, written.needs_manual_grade = 0.0, False
            gb.db.commit()
            (root / "submitted" / student / ASSIGNMENT).mkdir(parents=True)
            (root / "autograded" / student / ASSIGNMENT).mkdir(parents=True)
            (root / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").write_text("{}", encoding="utf-8")
    for student in sorted(PHRASES):
        write_status(root, ASSIGNMENT, student, _record({PHRASE_TASK: PHRASES[student], LABEL_TASK: LABELS[student]}))
    write_status(root, ASSIGNMENT, UNREADABLE, _record({PHRASE_TASK: "proudly claimed", LABEL_TASK: ["x"]}))
    (root / "submitted" / FAILED / ASSIGNMENT).mkdir(parents=True)
    (root / "submitted" / FAILED / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").write_text(json.dumps({"cells": 1}),
                                                                                    encoding="utf-8")
    record_failure(root, ASSIGNMENT, FAILED, "the kernel died before the first cell (test)")
    return root


# ---------------------------------------------------------------------------------------------------------------
# A whole class: every assignment of solutions/, 200 students, planted answers and statuses (issue 25)
# ---------------------------------------------------------------------------------------------------------------
# Built without running nbgrader, as the demo course above is: solutions/ copied, the gradebook filled with
# nbgrader's Gradebook API from the notebooks' own grade cells, the answers written to the status store. What
# each student was given is decided by the rules below and counted as it is written (``ClassPlan``), so a test
# compares what the report finds with what was planted, not with a second copy of the report's arithmetic.

CLASS_SIZE = 200
DUE = (2026, 3, 1, 12, 0)
REVERSED_ITEM = ("sourcing/signals", "claim-7a")  # planted against the rest: the weakest students get it right


class ClassPlan:
    """What the builder wrote: each submission's status, and every answer given, counted per item."""

    def __init__(self) -> None:
        from collections import Counter

        self.status: dict[tuple[str, str], str] = {}  # (student, assignment) -> graded/provisional/failed/pending/missing
        self.late: dict[tuple[str, str], float] = {}  # hours late
        self.given: dict[tuple[str, str], Counter] = {}  # (task, item name) -> Counter of stored answers
        self.right: dict[tuple[str, str], int] = {}  # (task, item name) -> how many right
        self.found: dict[tuple[str, str], int] = {}  # (phrase task, "K1") -> how many found it in full
        self.check_taken: dict[str, int] = {}  # form -> students with answers
        self.assignments: list[str] = []
        self.students: list[str] = []


def _ability(k: int) -> int:
    return (k * 37) % CLASS_SIZE  # a permutation of 0..199: ability does not follow the ids


def _is_right(k: int, j: int, threshold: int, *, reversed_: bool = False) -> bool:
    noise = (k * 11 + j * 17) % 60 - 30  # fixed "noise", so items differ but each still follows ability
    score = _ability(k) + noise
    return score < CLASS_SIZE - threshold if reversed_ else score >= threshold


def _status_of(k: int, a: int, has_written: bool) -> str:
    if 190 <= k < 195 and a < 4:
        return "missing"  # five students who miss four assignments
    if (k + 3 * a) % 40 == 0:
        return "missing"
    if (k + 5 * a) % 50 == 7:
        return "failed"
    if (k + a) % 97 == 11:
        return "pending"
    if has_written and (k + a) % 10 == 3:
        return "provisional"
    return "graded"


def _unmatched_phrase(spans, case) -> str:
    """Two words of the task's region that overlap no key phrase and occur there once."""

    region = case.text[spans.start:spans.end]
    words = region.split()
    for first, second in zip(words, words[1:]):
        phrase = f"{first} {second}"
        try:
            [(s, e)] = spans.of([phrase])
        except ValueError:
            continue
        if not any(s < ke and ks < e for ks, ke in spans.key) and phrase.isascii() and phrase.replace(" ", "").isalpha():
            return phrase
    raise ValueError(f"no unmatched two-word phrase in {spans.where}")


def _answer(task: str, spec: dict, k: int, case, check, plan: ClassPlan, spans_cache: dict) -> object:
    from medialit.assessment.phrase_spans import phrase_spans

    kind = spec["kind"]
    if kind == "phrases":
        spans = spans_cache.setdefault(task, phrase_spans(spec, case))
        marks = []
        for j, record in enumerate(spec["key"]):
            if _is_right(k, j, 60 + 25 * j):
                marks.append(record["phrase"])
                plan.found[(task, f"K{j + 1}")] = plan.found.get((task, f"K{j + 1}"), 0) + 1
        if not marks or k % 4 == 0:
            marks.append(_unmatched_phrase(spans, case))
        return marks
    if kind == "participation":
        form = spec["form"]
        plan.check_taken[form] = plan.check_taken.get(form, 0) + 1
        items = {}
        for j, item in enumerate(check.items(form)):
            options = [o.value for o in check.questions[item.skill].options]
            wrong = [o for o in options if o != item.answer]
            ok = _is_right(k, j, 50 if form == "before" else 30)
            items[item.id] = {"answer": item.answer if ok else wrong[(k + j) % len(wrong)], "confidence": 70}
        return {"form": form, "edition": check.edition, "items": items}
    answer: dict = {}
    from collections import Counter

    def count(name: str, stored: str, ok: bool) -> None:
        plan.given.setdefault((task, name), Counter())[stored] += 1
        plan.right[(task, name)] = plan.right.get((task, name), 0) + ok

    for j, (item, want) in enumerate(spec["key"].items()):
        threshold = 40 + (j * 29) % 110
        if kind == "numbers":
            ok = _is_right(k, j, threshold)
            answer[item] = want["value"] if ok else want["value"] + 1 + k % 3
            count(item, f"{answer[item]:g}" if not ok else f"{want['value']:g}", ok)
        elif kind == "words":
            ok = _is_right(k, j, threshold)
            paragraph = case.paragraph(spec["paragraphs"][item]).text.split()
            wrong = next(w for w in paragraph[(k % 5):] if w.isalpha() and w.lower() not in {f.lower() for f in want})
            answer[item] = want[0] if ok else wrong
            count(item, (want[0] if ok else wrong).lower(), ok)
        else:
            fields = want.items() if isinstance(want, dict) else [(None, want)]
            for f_index, (field, key) in enumerate(fields):
                accepted = [key] if isinstance(key, str) else [r["label"] for r in key]
                allowed = spec["allowed"][field] if field else spec["allowed"]
                wrong = [o for o in allowed if o not in accepted]
                ok = _is_right(k, j + f_index, threshold + 20 * f_index, reversed_=(task, item) == REVERSED_ITEM)
                if not wrong:  # every option defensible (a contested call): all right, spread over the readings
                    ok, label = True, accepted[(k + j) % len(accepted)]
                else:
                    label = accepted[0] if ok else wrong[(k + j) % len(wrong)]
                if field:
                    answer.setdefault(item, {})[field] = label
                else:
                    answer[item] = label
                count(item if field is None else f"{item} ({field})", label, ok)
    return answer


def build_class(root: Path, size: int = CLASS_SIZE) -> ClassPlan:
    """Every assignment of this repository's solutions/ for ``size`` students, with planted answers and statuses."""
    import shutil
    from datetime import datetime, timedelta

    from nbgrader.api import Gradebook

    from medialit import CASE
    from medialit.assessment.check import load_check
    from medialit.assessment.task_analysis import hidden_specs
    from medialit.case import load_case

    repo = Path(__file__).resolve().parents[2]
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(repo / "solutions", root / "solutions", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (root / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = {COURSE_ID!r}\n"
        "c.CourseDirectory.source_directory = 'solutions'\n", encoding="utf-8")
    case, check = load_case(CASE), load_check(CASE)
    specs = hidden_specs(root / "solutions")
    plan = ClassPlan()
    plan.students = [f"student{k:03d}" for k in range(size)]
    notebooks = {p.parent.name: sorted(root.glob(f"solutions/{p.parent.name}/*.ipynb"))
                 for p in root.glob("solutions/*/*.ipynb")}
    plan.assignments = sorted(notebooks)
    due = datetime(*DUE)
    spans_cache: dict = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID) as gb:
        from sqlalchemy import text

        gb.db.execute(text("PRAGMA synchronous = OFF"))  # a throwaway test gradebook: no fsync per commit
        written: dict[str, list[tuple[str, str, float]]] = {}
        for a, assignment in enumerate(plan.assignments):
            gb.add_assignment(assignment, duedate=due + timedelta(days=7 * a))
            for path in notebooks[assignment]:
                gb.add_notebook(path.stem, assignment)
                for cell in nbformat.read(str(path), as_version=4).cells:
                    meta = cell.metadata.get("nbgrader", {})
                    if meta.get("grade"):
                        gb.add_grade_cell(meta["grade_id"], path.stem, assignment, max_score=meta["points"],
                                          cell_type=cell.cell_type)
                        if cell.cell_type == "markdown":
                            written.setdefault(assignment, []).append((path.stem, meta["grade_id"], meta["points"]))
        for student in plan.students:
            gb.add_student(student)
        for k, student in enumerate(plan.students):
            for a, assignment in enumerate(plan.assignments):
                status = _status_of(k, a, bool(written.get(assignment)))
                plan.status[(student, assignment)] = status
                if status == "missing":
                    continue
                (root / "submitted" / student / assignment).mkdir(parents=True)
                if status == "pending":
                    continue
                if status == "failed":
                    record_failure(root, assignment, student, "the kernel died before the first cell (planted)")
                    continue
                hours = 2 + (k % 5) * 6 if (k * 3 + a) % 25 == 1 else 0
                if hours:
                    plan.late[(student, assignment)] = hours
                submission = gb.add_submission(assignment, student,
                                               timestamp=due + timedelta(days=7 * a, hours=hours - 24 * (hours == 0)))
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        if grade.cell.cell_type == "markdown":
                            pending = status == "provisional"
                            grade.manual_score = None if pending else float(grade.max_score) * ((k + a) % 4) / 3
                            grade.needs_manual_grade = pending
                        else:
                            share = ((k * 7 + a * 3) % 11) / 10  # 0, 0.1, ... 1: every tenth of the points
                            grade.auto_score, grade.needs_manual_grade = float(grade.max_score) * share, False
                gb.db.commit()
                done = root / "autograded" / student / assignment
                done.mkdir(parents=True)
                answers = {}
                for path in notebooks[assignment]:
                    (done / f"{path.stem}.ipynb").write_text("{}", encoding="utf-8")
                for (owner, task), spec in specs.items():
                    if owner == assignment:
                        answers[task] = _answer(task, spec, k, case, check, plan, spans_cache)
                write_status(root, assignment, student, {"status": "graded", "reason": None, "notebooks": {
                    assignment: {"status": "graded", "flags": [], "incidents": [],
                                 "answers": {t: {"answer": v, "points": 1.0, "max_points": 2.0}
                                             for t, v in answers.items()}}}})
    return plan
