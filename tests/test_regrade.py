"""A regrade keeps hand grading: manual scores, comments and their "graded" state survive, only automatic points change.

One small course (loaded-language, two students) is autograded, then graded by hand the way Formgrader saves
a grade (manual score, needs_manual_grade False, manual comment): the written answer of one student and an
override of one automatic score. Then it is regraded with `nbgrader autograde --force` (all students, and one
student), and with `grade-class --force`; after each, every hand grade is as the grader left it, the feedback
page says nothing is pending, and the report calls the submission graded. A grade saved in Formgrader while
grade-class's workers run (after their snapshot) is kept by the merge. Run on SQLite and on PostgreSQL
(the server scripts/postgres starts; without MEDIALIT_TEST_POSTGRES_URL the PostgreSQL cases fail and say how).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from submissions import ATTACKED, nbgrader, right
from support.grading import fast_course, put, run_module

pytestmark = [pytest.mark.slow]

WRITTEN, OVERRIDDEN = "ll-rewrite18", "ll-check13"
GRADED_BY_HAND, WAITING = "s-right", "s-waiting"


def hand_grade(db_url: str, course_id: str) -> None:
    """What Formgrader's grade and comment handlers write when a grader saves (nbgrader apihandlers.py)."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url, course_id) as gb:
        written = gb.find_grade(WRITTEN, ATTACKED, ATTACKED, GRADED_BY_HAND)
        written.manual_score, written.needs_manual_grade = 2.0, False
        override = gb.find_grade(OVERRIDDEN, ATTACKED, ATTACKED, GRADED_BY_HAND)
        override.manual_score, override.needs_manual_grade = 0.5, False
        gb.find_comment(WRITTEN, ATTACKED, ATTACKED, GRADED_BY_HAND).manual_comment = "Clear rewrite."
        gb.db.commit()


def grades(db_url: str, course_id: str) -> dict[tuple[str, str], tuple]:
    """(student, cell) -> (auto_score, manual_score, needs_manual_grade, manual comment)."""
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(db_url, course_id) as gb:
        for student in (GRADED_BY_HAND, WAITING):
            notebook = gb.find_submission_notebook(ATTACKED, ATTACKED, student)
            comments = {c.name: c.manual_comment for c in notebook.comments}
            for grade in notebook.grades:
                out[(student, grade.name)] = (grade.auto_score, grade.manual_score, grade.needs_manual_grade,
                                              comments.get(grade.name))
    return out


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def course(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A course graded once and then by hand: (course dir, its db_url, course id)."""
    from medialit.grading.class_runner import load_course

    root = tmp_path_factory.mktemp(f"regrade-{request.param}") / "course"
    extra = ""
    if request.param == "postgresql":
        from postgres import fresh_database_url

        extra = f"c.CourseDirectory.db_url = {fresh_database_url('regrade')!r}\n"
    course_dir = fast_course(root, extra)
    put(course_dir, GRADED_BY_HAND, ATTACKED, right(ATTACKED, course_dir))
    put(course_dir, WAITING, ATTACKED, right(ATTACKED, course_dir))  # its written answer waits for a grader
    first = nbgrader(["autograde", ATTACKED], course_dir, timeout=600)
    assert first.returncode == 0, first.stdout + first.stderr
    loaded = load_course(course_dir)
    hand_grade(loaded.db_url, loaded.course_id)
    return course_dir, loaded.db_url, loaded.course_id


def assert_hand_grading_kept(course: tuple[Path, str, str], before: dict) -> None:
    course_dir, db_url, course_id = course
    after = grades(db_url, course_id)
    assert after == before, {key: (before.get(key), after.get(key)) for key in after if before.get(key) != after.get(key)}
    assert after[(GRADED_BY_HAND, WRITTEN)][1:] == (2.0, False, "Clear rewrite.")
    assert after[(GRADED_BY_HAND, OVERRIDDEN)][1:3] == (0.5, False)
    assert after[(WAITING, WRITTEN)][2] is True  # nobody graded it: still waiting, as before
    feedback = nbgrader(["generate_feedback", ATTACKED, "--force"], course_dir, timeout=300)
    assert feedback.returncode == 0, feedback.stdout + feedback.stderr
    page = (course_dir / "feedback" / GRADED_BY_HAND / ATTACKED / f"{ATTACKED}.html").read_text(encoding="utf-8")
    assert "Not final" not in page and "not graded yet" not in page
    waiting = (course_dir / "feedback" / WAITING / ATTACKED / f"{ATTACKED}.html").read_text(encoding="utf-8")
    assert "Not final" in waiting  # the check above can fail: the page does say it when a grade is pending
    report = run_module(["medialit.grading", "report", str(course_dir)], course_dir, timeout=120)
    lines = {tuple(line.split()[:2]): line for line in report.stdout.splitlines()}
    assert "needs manual" not in lines[(ATTACKED, GRADED_BY_HAND)] and " graded" in lines[(ATTACKED, GRADED_BY_HAND)]
    assert "needs manual grading (1 answer)" in lines[(ATTACKED, WAITING)]


@pytest.mark.timeout(1200)
def test_autograde_force_keeps_hand_grading(course: tuple[Path, str, str]) -> None:
    course_dir, db_url, course_id = course
    before = grades(db_url, course_id)
    for args in (["autograde", ATTACKED, "--force"], ["autograde", ATTACKED, "--force", "--student", GRADED_BY_HAND]):
        regraded = nbgrader(args, course_dir, timeout=600)
        assert regraded.returncode == 0, regraded.stdout + regraded.stderr
        assert_hand_grading_kept(course, before)


@pytest.mark.timeout(1200)
def test_grade_class_force_keeps_hand_grading(course: tuple[Path, str, str]) -> None:
    course_dir, db_url, course_id = course
    before = grades(db_url, course_id)
    regraded = run_module(["medialit.grading", "grade-class", "--course-dir", str(course_dir), "--workers", "2",
                           "--force", ATTACKED], course_dir, timeout=600)
    assert regraded.returncode == 0, regraded.stdout + regraded.stderr
    assert "graded 2, failed 0" in regraded.stdout
    assert_hand_grading_kept(course, before)


@pytest.mark.timeout(300)
def test_a_grade_saved_while_the_workers_run_is_kept(course: tuple[Path, str, str], tmp_path: Path) -> None:
    """The worker's snapshot predates the grader's save: the merge must not put the old state back."""
    from nbgrader.api import Gradebook

    from medialit.grading.class_runner import copy_rows, copy_sqlite, load_course, merge_submission

    course_dir, db_url, course_id = course
    snapshot = tmp_path / "worker.db"
    loaded = load_course(course_dir)
    if loaded.is_sqlite:
        copy_sqlite(loaded.db_path, snapshot)
    else:
        copy_rows(db_url, snapshot)
    worker_url = f"sqlite:///{snapshot}"
    with Gradebook(worker_url, course_id) as worker:  # as autograde leaves an ungraded written answer
        grade = worker.find_grade(WRITTEN, ATTACKED, ATTACKED, WAITING)
        grade.manual_score, grade.auto_score, grade.needs_manual_grade = None, None, True
        worker.db.commit()
    with Gradebook(db_url, course_id) as target:  # meanwhile, in Formgrader
        grade = target.find_grade(WRITTEN, ATTACKED, ATTACKED, WAITING)
        saved = (grade.manual_score, grade.needs_manual_grade)
        grade.manual_score, grade.needs_manual_grade = 1.0, False
        target.db.commit()
        try:
            assert merge_submission(worker_url, target, ATTACKED, WAITING, course_id)
            grade = target.find_grade(WRITTEN, ATTACKED, ATTACKED, WAITING)
            assert (grade.manual_score, grade.needs_manual_grade) == (1.0, False)
        finally:
            grade = target.find_grade(WRITTEN, ATTACKED, ATTACKED, WAITING)
            grade.manual_score, grade.needs_manual_grade = saved
            target.db.commit()
