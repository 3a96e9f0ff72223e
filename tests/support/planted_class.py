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
