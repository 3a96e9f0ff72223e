"""Two graders, one PostgreSQL gradebook: a second clone of the course sees the same statuses, reasons and answers.

Clone A grades a small class with grade-class (one submission graded, one failed, one flagged). Clone B is a
fresh copy of the course (nbgrader_config.py and solutions/ only: no submitted/, autograded/ or grading-status/)
pointed at the same gradebook. Its report, its Canvas file and the answers the task report reads must be
A's. The statuses live in the gradebook's database (medialit/grading/status.py), not in A's folder.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from submissions import ATTACKED, NOT_JSON, attack_edit_locked, make_course, right
from support.grading import fast_course, put, run_module

pytestmark = [pytest.mark.slow]


@pytest.mark.timeout(1200)
def test_a_second_clone_sees_the_same_statuses(tmp_path: Path) -> None:
    from postgres import fresh_database_url

    from medialit.grading.status import read_answers

    extra = f"c.CourseDirectory.db_url = {fresh_database_url('shared')!r}\n"
    first = fast_course(tmp_path / "a", extra)
    put(first, "s-right", ATTACKED, right(ATTACKED, first))
    put(first, "s-flagged", ATTACKED, attack_edit_locked(ATTACKED, first))
    put(first, "s-broken", ATTACKED, NOT_JSON)
    graded = run_module(["medialit.grading", "grade-class", "--course-dir", str(first), "--workers", "2", ATTACKED],
                        first, timeout=900)
    assert "graded 2, failed 1" in graded.stdout, graded.stdout + graded.stderr

    second = make_course(tmp_path / "b")  # a clone: the repository's files, the same db_url
    with open(second / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write("\nc.ExecutePreprocessor.timeout = 10\n" + extra)
    assert not (second / "grading-status").exists() and not (second / "submitted").exists()

    reports = [run_module(["medialit.grading", "report", str(course)], course) for course in (first, second)]
    assert reports[0].returncode == reports[1].returncode == 1  # one failed submission, seen by both
    assert reports[0].stdout == reports[1].stdout
    lines = {tuple(line.split()[:2]): line for line in reports[1].stdout.splitlines()}
    assert " graded" in lines[(ATTACKED, "s-right")] or "needs manual" in lines[(ATTACKED, "s-right")]
    assert "FLAGGED" in lines[(ATTACKED, "s-flagged")] and "NOT GRADED" in lines[(ATTACKED, "s-broken")]
    assert "is gone" not in reports[1].stdout
    assert "not valid JSON" in reports[1].stdout  # the reason came from the gradebook's status table

    for course in (first, second):
        exported = run_module(["medialit.grading", "export", "--canvas", str(course / "canvas.csv"), str(course)], course)
        assert exported.returncode == 1, exported.stderr  # written, with warnings
    assert (first / "canvas.csv").read_text(encoding="utf-8") == (second / "canvas.csv").read_text(encoding="utf-8")
    answers = read_answers(second)
    assert answers == read_answers(first) and answers[(ATTACKED, "s-right")]
