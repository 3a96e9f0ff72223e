"""grade_class under a time limit: a slow submission fails alone, and a good earlier result survives a failed regrade.

Issue 23: `grade-class --workers 1 --timeout 45 --force` used to stop the whole worker at the limit,
fail every submission after the slow one (honest classmates included) and delete their good earlier
autograded notebooks. Now `--timeout` bounds one submission, the worker's other submissions go to a
fresh worker, and an earlier result is replaced only by a new one.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import nbformat
import pytest

from submissions import ATTACKED, auto_points, find, right
from support.grading import fast_course, put, run_module

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
LIMIT = 20  # seconds one submission may take here


def slow(name: str, course: Path) -> nbformat.NotebookNode:
    """Right answers, then cells that each sleep just under the cell limit: long in all, never a cell timeout."""
    nb = right(name, course)
    find(nb, "ll-answer13").source += "\nimport time\n" + "time.sleep(9)\n"
    for grade_id in ("ll-answer24", "ll-answer18"):
        find(nb, grade_id).source += "\nimport time\ntime.sleep(9)\n"
    return nb


def scores(course: Path) -> dict[str, float]:
    con = sqlite3.connect(course / "gradebook.db")
    try:
        rows = con.execute("SELECT sa.student_id, SUM(g.auto_score) FROM submitted_assignment sa JOIN assignment a"
                           " ON sa.assignment_id = a.id JOIN submitted_notebook sn ON sn.assignment_id = sa.id"
                           " JOIN grade g ON g.notebook_id = sn.id WHERE a.name = ? GROUP BY 1", (ATTACKED,)).fetchall()
    finally:
        con.close()
    return {student: score for student, score in rows}


def grade_class(course: Path, *args: str):
    return run_module(["medialit.grading.class_runner", "--course-dir", str(course), "--workers", "1", *args, ATTACKED],
                      course, timeout=400)


def test_a_slow_submission_costs_no_classmate_anything(tmp_path: Path) -> None:
    course = fast_course(tmp_path / "course")
    students = ("a-honest", "b-slow", "c-honest", "d-honest")
    for student in students:
        put(course, student, ATTACKED, right(ATTACKED, course))
    first = grade_class(course)
    assert first.returncode == 0, first.stdout + first.stderr
    full = auto_points(ATTACKED)
    assert scores(course) == {s: pytest.approx(full) for s in students}
    kept = (course / "autograded" / "b-slow" / ATTACKED / f"{ATTACKED}.ipynb").read_bytes()

    put(course, "b-slow", ATTACKED, slow(ATTACKED, course))
    second = grade_class(course, "--force", "--timeout", str(LIMIT))
    out = second.stdout + second.stderr
    assert second.returncode == 1, out
    assert f"FAILED {ATTACKED} for b-slow" in out and "time limit" in out, out
    for honest in ("a-honest", "c-honest", "d-honest"):
        assert f"for {honest}" not in second.stdout, second.stdout  # graded, not failed
        assert (course / "autograded" / honest / ATTACKED / f"{ATTACKED}.ipynb").is_file()
    assert scores(course) == {s: pytest.approx(full) for s in students}  # b-slow keeps its earlier grades
    assert (course / "autograded" / "b-slow" / ATTACKED / f"{ATTACKED}.ipynb").read_bytes() == kept
    report = run_module(["medialit.grading", "report", str(course)], course, timeout=120)
    assert "earlier autograded notebook is kept" in report.stdout, report.stdout
