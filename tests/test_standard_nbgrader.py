"""An instructor's own, ordinary nbgrader assignment is graded beside the course's, and damaged submissions are graded.

The assignment ``squares`` is written the way nbgrader's documentation writes one: answer cells with
``### BEGIN SOLUTION``, test cells with visible ``assert`` lines and a ``### BEGIN HIDDEN TESTS`` block of
asserts, no ``award()``. Graded with the course's configuration (configure_nbgrader: sandbox, tamper flags,
restored cells), it must get nbgrader's own semantics: a test cell that raises scores 0, one that runs
through scores its points. Submissions with deleted cells (an answer deleted with its test cell; an emptied
notebook) hit nbgrader 0.9.6's KeyError in add_missing_grade_cells without medialit/grading/missing_cells.py:
here they are graded (missing answers 0, the rest on its merits) and get their feedback.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from submissions import ATTACKED, find, make_course, meta, nbgrader, right
from support.grading import put

pytestmark = [pytest.mark.slow]

NAME = "squares"
SQUARES_SOLUTION = "def squares(n):\n    ### BEGIN SOLUTION\n    return [i * i for i in range(1, n + 1)]\n    ### END SOLUTION"
CUBES_SOLUTION = "def cubes(n):\n    ### BEGIN SOLUTION\n    return [i ** 3 for i in range(1, n + 1)]\n    ### END SOLUTION"
SQUARES_TEST = ("assert squares(1) == [1]\n### BEGIN HIDDEN TESTS\nassert squares(3) == [1, 4, 9]\n"
                "### END HIDDEN TESTS")
CUBES_TEST = "assert cubes(1) == [1]\n### BEGIN HIDDEN TESTS\nassert cubes(2) == [1, 8]\n### END HIDDEN TESTS"


def _cell(source: str, **nbgrader_meta: object) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"schema_version": 3, "locked": False, "solution": False, "grade": False,
                                 **nbgrader_meta}
    return cell


def standard_notebook() -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Squares and cubes"),
        _cell(SQUARES_SOLUTION, solution=True, grade_id="squares"),
        _cell(SQUARES_TEST, grade=True, locked=True, points=1, grade_id="correct_squares"),
        _cell(CUBES_SOLUTION, solution=True, grade_id="cubes"),
        _cell(CUBES_TEST, grade=True, locked=True, points=2, grade_id="correct_cubes"),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})


def answered(course: Path, squares: str, cubes: str) -> nbformat.NotebookNode:
    nb = nbformat.read(str(course / "exercises" / NAME / f"{NAME}.ipynb"), as_version=4)
    for cell in nb.cells:
        if meta(cell).get("grade_id") == "squares":
            cell.source = squares
        elif meta(cell).get("grade_id") == "cubes":
            cell.source = cubes
    return nb


RIGHT_SQUARES = "def squares(n):\n    return [i * i for i in range(1, n + 1)]"
RIGHT_CUBES = "def cubes(n):\n    return [i ** 3 for i in range(1, n + 1)]"
# Passes the visible test (squares(1) == [1]) and fails the hidden one.
ONLY_VISIBLE = "def squares(n):\n    return [1] * n"


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    from nbgrader.api import Gradebook

    from medialit.grading.class_runner import load_course

    course = make_course(tmp_path_factory.mktemp("standard") / "course")
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write("\nc.ExecutePreprocessor.timeout = 10\n")
    (course / "solutions" / NAME).mkdir()
    nbformat.write(standard_notebook(), str(course / "solutions" / NAME / f"{NAME}.ipynb"))
    for assignment in (NAME, ATTACKED):
        made = nbgrader(["generate_assignment", assignment, "--force"], course)
        assert made.returncode == 0, made.stdout + made.stderr
    put(course, "s-right", NAME, answered(course, RIGHT_SQUARES, RIGHT_CUBES))
    put(course, "s-hidden-fails", NAME, answered(course, ONLY_VISIBLE, RIGHT_CUBES))
    deleted = answered(course, RIGHT_SQUARES, RIGHT_CUBES)
    deleted.cells = [c for c in deleted.cells if meta(c).get("grade_id") not in {"squares", "correct_squares"}]
    put(course, "s-deleted", NAME, deleted)
    put(course, "s-empty", NAME, nbformat.v4.new_notebook(metadata=deleted.metadata))
    # The course's own kind of test cell, deleted together with its answer cell.
    course_nb = right(ATTACKED, course)
    course_nb.cells = [c for c in course_nb.cells if meta(c).get("grade_id") not in {"ll-answer13", "ll-check13"}]
    put(course, "s-deleted", ATTACKED, course_nb)
    autograde = nbgrader(["autograde", NAME], course, timeout=600)
    course_run = nbgrader(["autograde", ATTACKED], course, timeout=600)
    feedback = nbgrader(["generate_feedback", NAME], course, timeout=300)
    loaded = load_course(course)
    scores = {}
    with Gradebook(loaded.db_url, loaded.course_id) as gb:
        for assignment in (NAME, ATTACKED):
            for submission in gb.assignment_submissions(assignment):
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        scores[(assignment, submission.student.id, grade.name)] = grade.score
    return course, {"autograde": autograde, "course_run": course_run, "feedback": feedback, "scores": scores}


def test_standard_assert_tests_get_nbgraders_semantics(graded: tuple[Path, dict]) -> None:
    course, runs = graded
    assert runs["autograde"].returncode == 0, runs["autograde"].stdout + runs["autograde"].stderr
    assert "hidden tests must hold exactly one award()" not in runs["autograde"].stderr
    scores = runs["scores"]
    assert scores[(NAME, "s-right", "correct_squares")] == 1 and scores[(NAME, "s-right", "correct_cubes")] == 2
    # The hidden assert ran: the visible test alone would have given the point.
    assert scores[(NAME, "s-hidden-fails", "correct_squares")] == 0
    assert scores[(NAME, "s-hidden-fails", "correct_cubes")] == 2


def test_a_submission_with_deleted_cells_is_graded_with_feedback(graded: tuple[Path, dict]) -> None:
    course, runs = graded
    scores = runs["scores"]
    assert "KeyError" not in runs["autograde"].stderr
    assert scores[(NAME, "s-deleted", "correct_squares")] == 0  # its answer is gone: 0
    assert scores[(NAME, "s-deleted", "correct_cubes")] == 2  # the rest on its merits
    assert scores[(NAME, "s-empty", "correct_squares")] == 0 and scores[(NAME, "s-empty", "correct_cubes")] == 0
    for student in ("s-right", "s-hidden-fails", "s-deleted", "s-empty"):
        assert (course / "autograded" / student / NAME / f"{NAME}.ipynb").is_file(), student
        assert (course / "feedback" / student / NAME / f"{NAME}.html").is_file(), student
    assert runs["feedback"].returncode == 0, runs["feedback"].stderr
    restored = nbformat.read(str(course / "autograded" / "s-deleted" / NAME / f"{NAME}.ipynb"), as_version=4)
    ids = [meta(c).get("grade_id") for c in restored.cells]
    assert ids.index("correct_squares") < ids.index("cubes")  # put back where it was, before the next answer


def test_the_course_test_cell_deleted_with_its_answer_is_graded(graded: tuple[Path, dict]) -> None:
    course, runs = graded
    assert runs["course_run"].returncode == 0, runs["course_run"].stdout + runs["course_run"].stderr
    scores = runs["scores"]
    assert scores[(ATTACKED, "s-deleted", "ll-check13")] == 0
    assert scores[(ATTACKED, "s-deleted", "ll-check24")] > 0  # the rest on its merits
    assert (course / "autograded" / "s-deleted" / ATTACKED / f"{ATTACKED}.ipynb").is_file()
    assert find(nbformat.read(str(course / "autograded" / "s-deleted" / ATTACKED / f"{ATTACKED}.ipynb"),
                              as_version=4), "ll-check13") is not None
