"""The grading round trip an instructor runs, in a temporary course directory.

One class is built (tests/submissions): for every assignment a student who submits the solutions'
answers in the student version, one who submits it untouched and one who gets only the first task
right; for loaded-language, one student per attack (redefined scorer and helpers, rigged __eq__, edited
locked cells, deleted cells, printed and displayed numbers, patched display machinery) and per breakage
(syntax error, endless loop, megabytes of output, a file that is not JSON). Then, as the README says:
`nbgrader generate_assignment`, one `nbgrader autograde` for the whole class, `nbgrader
generate_feedback` and `nbgrader export`, and the gradebook and the CSV are checked.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from subprocess import CompletedProcess

import nbformat
import pytest
from nbgrader.api import Gradebook

from medialit.grading import STASHED_NOTE

from submissions import (
    ASSIGNMENTS,
    ATTACKED,
    ATTACKS,
    CHECK_ASSIGNMENTS,
    EVERY_ASSIGNMENT,
    NOT_JSON_STUDENT,
    auto_points,
    build_class,
    generate_all,
    make_course,
    meta,
    nbgrader,
)

# Autograding runs a kernel per submission (about 20 of them, plus one cell that must time out).
pytestmark = [pytest.mark.slow, pytest.mark.timeout(2400)]

WRONG_ANSWER_ATTACKS = {"attack-monkeypatch", "attack-rigged-eq", "attack-edit-locked",
                        "attack-print-number", "attack-display-hooks"}


@dataclass
class Graded:
    course: Path
    autograde: CompletedProcess[str]
    feedback: CompletedProcess[str]
    export: CompletedProcess[str]
    # (assignment, student) -> {grade_id: (auto_score, max_score, needs_manual_grade)}
    grades: dict[tuple[str, str], dict[str, tuple[float | None, float, bool]]]
    flagged: dict[tuple[str, str], bool]

    def auto_total(self, assignment: str, student: str) -> float:
        cells = self.grades[(assignment, student)]
        return sum(score or 0.0 for grade_id, (score, _, _) in cells.items() if not _manual(assignment, grade_id))

    def autograded(self, assignment: str, student: str) -> Path:
        return self.course / "autograded" / student / assignment / f"{assignment}.ipynb"


def _manual(assignment: str, grade_id: str) -> bool:
    from submissions import find, source_nb
    cell = find(source_nb(assignment), grade_id)
    return bool(meta(cell).get("solution"))


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Graded:
    course = make_course(tmp_path_factory.mktemp("nbgrader") / "course")
    generate_all(course)
    build_class(course)
    autograde = nbgrader(["autograde", "*"], course)  # one run for the whole class
    feedback = nbgrader(["generate_feedback", "*"], course)
    export = nbgrader(["export"], course)
    grades: dict[tuple[str, str], dict[str, tuple[float | None, float, bool]]] = {}
    flagged: dict[tuple[str, str], bool] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                key = (assignment.name, submission.student.id)
                grades[key] = {g.name: (g.auto_score, g.max_score, g.needs_manual_grade)
                               for nb in submission.notebooks for g in nb.grades}
                flagged[key] = any(nb.flagged for nb in submission.notebooks)
    (course / "autograde.log").write_text(autograde.stdout + autograde.stderr, encoding="utf-8")
    return Graded(course, autograde, feedback, export, grades, flagged)


def _log(graded: Graded) -> str:
    return graded.autograde.stdout + graded.autograde.stderr


# --- the batch ------------------------------------------------------------------------------------

def test_one_broken_file_fails_only_its_student_and_the_batch_completes(graded: Graded) -> None:
    log = _log(graded)
    failed = [line for line in log.splitlines() if "There was an error processing assignment '" in line]
    assert failed == [f"[AutogradeApp | ERROR] There was an error processing assignment '{ATTACKED}' "
                      f"for student '{NOT_JSON_STUDENT}'"], failed
    # nbgrader reports the failure in its exit status, after grading everyone else.
    assert graded.autograde.returncode != 0
    for assignment in ASSIGNMENTS:
        for student in EVERY_ASSIGNMENT:
            assert graded.autograded(assignment, student).is_file(), (assignment, student)
    for student in ATTACKS:
        assert graded.autograded(ATTACKED, student).is_file(), student
    assert not graded.autograded(ATTACKED, NOT_JSON_STUDENT).exists()
    # The student whose file is not a notebook has a clear zero in the gradebook.
    assert graded.auto_total(ATTACKED, NOT_JSON_STUDENT) == 0


# --- (a), (b), (c) ---------------------------------------------------------------------------------

@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_solutions_get_full_automatic_marks(graded: Graded, assignment: str) -> None:
    assert auto_points(assignment) > 0
    assert graded.auto_total(assignment, "right") == pytest.approx(auto_points(assignment))
    cells = graded.grades[(assignment, "right")]
    manual = [grade_id for grade_id in cells if _manual(assignment, grade_id)]
    assert manual, f"{assignment} has no manually graded answer"
    for grade_id in manual:
        score, _, needs_manual = cells[grade_id]
        assert score is None and needs_manual, f"{grade_id} should wait for the instructor"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_untouched_student_version_gets_zero(graded: Graded, assignment: str) -> None:
    assert graded.auto_total(assignment, "untouched") == 0
    # Untouched written answers are zero too ("No response"), not waiting for manual grading.
    assert all(score == 0 for score, _, _ in graded.grades[(assignment, "untouched")].values())


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_partly_right_submission_scores_strictly_between(graded: Graded, assignment: str) -> None:
    assert 0 < graded.auto_total(assignment, "partial") < auto_points(assignment)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_false_flags(graded: Graded, assignment: str) -> None:
    for student in EVERY_ASSIGNMENT:
        assert not graded.flagged[(assignment, student)], (assignment, student)


# --- (d) attacks and breakages --------------------------------------------------------------------

@pytest.mark.parametrize("student", sorted(ATTACKS))
def test_no_attack_or_breakage_gets_full_marks(graded: Graded, student: str) -> None:
    assert graded.auto_total(ATTACKED, student) < auto_points(ATTACKED)


@pytest.mark.parametrize("student", sorted(WRONG_ANSWER_ATTACKS))
def test_attacks_with_wrong_answers_score_exactly_zero(graded: Graded, student: str) -> None:
    """Every answer of these students is wrong, so any point would be a point the attack won."""
    assert graded.auto_total(ATTACKED, student) == 0, graded.grades[(ATTACKED, student)]


def test_edited_locked_cells_are_flagged_and_restored(graded: Graded) -> None:
    assert graded.flagged[(ATTACKED, "attack-edit-locked")]
    log = _log(graded)
    for grade_id in ("ll-setup", "ll-check13", "ll-check24"):
        assert f"student attack-edit-locked, {ATTACKED}/{ATTACKED}: locked cell '{grade_id}' was edited" in log
    assert "cell 'll-check24' had its points changed" in log
    nb = nbformat.read(str(graded.autograded(ATTACKED, "attack-edit-locked")), as_version=4)
    check = next(c for c in nb.cells if meta(c).get("grade_id") == "ll-check24")
    assert "grading.check_phrases" in check.source and meta(check)["points"] == 4


def test_deleted_cells_are_flagged_and_the_test_cell_comes_back(graded: Graded) -> None:
    assert graded.flagged[(ATTACKED, "attack-delete-cells")]
    assert "cell 'll-check13' was deleted" in _log(graded)
    cells = graded.grades[(ATTACKED, "attack-delete-cells")]
    assert cells["ll-check13"][0] == cells["ll-check13"][1]  # re-added by nbgrader, scored from the right answer
    assert cells["ll-check24"][0] == 0  # its answer cell was deleted


def test_a_syntax_error_costs_only_its_task(graded: Graded) -> None:
    cells = graded.grades[(ATTACKED, "broken-syntax")]
    assert cells["ll-check13"][0] == 0
    assert cells["ll-check24"][0] == cells["ll-check24"][1] and cells["ll-check18"][0] == cells["ll-check18"][1]


def test_an_endless_loop_times_out_and_the_rest_is_graded(graded: Graded) -> None:
    nb = nbformat.read(str(graded.autograded(ATTACKED, "broken-loop")), as_version=4)
    loop = next(c for c in nb.cells if meta(c).get("grade_id") == "ll-answer13")
    assert any(o.get("ename") == "CellTimeoutError" for o in loop.outputs), loop.outputs
    cells = graded.grades[(ATTACKED, "broken-loop")]
    assert cells["ll-check13"][0] == 0 and cells["ll-check24"][0] == cells["ll-check24"][1]


def test_megabytes_of_output_are_truncated(graded: Graded) -> None:
    nb = nbformat.read(str(graded.autograded(ATTACKED, "broken-output")), as_version=4)
    cell = next(c for c in nb.cells if meta(c).get("grade_id") == "ll-answer13")
    text = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
    assert "Output truncated" in text
    assert text.count("\n") <= 1001
    cells = graded.grades[(ATTACKED, "broken-output")]
    assert cells["ll-check24"][0] == cells["ll-check24"][1]


def test_hidden_tests_never_reach_the_students_kernel(graded: Graded) -> None:
    for path in sorted((graded.course / "autograded").rglob("*.ipynb")):
        nb = nbformat.read(str(path), as_version=4)
        tests = [c for c in nb.cells if meta(c).get("grade") and not meta(c).get("solution")]
        assert tests, path
        for cell in tests:
            assert "award(" not in cell.source and STASHED_NOTE in cell.source, (path, meta(cell)["grade_id"])


# --- feedback and export ---------------------------------------------------------------------------

def test_feedback_is_generated_without_hidden_tests(graded: Graded) -> None:
    assert graded.feedback.returncode == 0, graded.feedback.stderr[-3000:]
    autograded = sorted((graded.course / "autograded").rglob("*.ipynb"))
    for path in autograded:
        student, assignment = path.parent.parent.name, path.parent.name
        page = graded.course / "feedback" / student / assignment / f"{assignment}.html"
        assert page.is_file(), page
        text = page.read_text(encoding="utf-8")
        assert "award(" not in text and "HIDDEN TESTS" not in text, page


def test_export_writes_one_row_per_student_and_assignment(graded: Graded) -> None:
    assert graded.export.returncode == 0, graded.export.stderr[-3000:]
    with open(graded.course / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    students = set(EVERY_ASSIGNMENT) | set(ATTACKS) | {NOT_JSON_STUDENT}
    # nbgrader exports every (assignment, student) pair; a missing submission counts 0. The discernment check's
    # forms are released with the rest (generate_assignment '*') and nobody here submitted them.
    assert sorted((r["assignment"], r["student_id"]) for r in rows) == sorted(
        (a, s) for a in ASSIGNMENTS + CHECK_ASSIGNMENTS for s in students)
    by_key = {(r["assignment"], r["student_id"]): r for r in rows}
    for assignment in ASSIGNMENTS:
        right = by_key[(assignment, "right")]
        # Manual answers are not graded yet, so the right student's score is the automatic total.
        assert float(right["score"]) == pytest.approx(auto_points(assignment))
        assert float(by_key[(assignment, "untouched")]["score"]) == 0
        assert 0 < float(by_key[(assignment, "partial")]["score"]) < auto_points(assignment)
        assert float(right["max_score"]) > auto_points(assignment)  # the manual points count in the maximum
    assert float(by_key[(ATTACKED, NOT_JSON_STUDENT)]["score"]) == 0


def test_the_instructor_report_names_flags_and_failures(graded: Graded) -> None:
    from medialit.grading.report import report

    lines = {tuple(line.split()[:2]): line for line in report(str(graded.course))}
    assert "FLAGGED" in lines[(ATTACKED, "attack-edit-locked")]
    assert "FLAGGED" in lines[(ATTACKED, "attack-delete-cells")]
    assert "NOT GRADED" in lines[(ATTACKED, NOT_JSON_STUDENT)]
    assert not any(word in lines[(ATTACKED, "right")] for word in ("FLAGGED", "NOT GRADED"))


# --- answers kept for the class reports ------------------------------------------------------------

@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_tasks_answer_and_points_are_kept_beside_the_gradebook(graded: Graded, assignment: str) -> None:
    from medialit.grading.status import read_answers

    kept = read_answers(graded.course)
    right, untouched = kept[(assignment, "right")], kept[(assignment, "untouched")]
    assert right, f"no answers kept for {assignment}"
    # The kept points are the gradebook's, task by task (each autograded test cell scores one task).
    assert sum(entry["points"] for entry in right.values()) == pytest.approx(auto_points(assignment))
    assert all(entry["points"] == entry["max_points"] for entry in right.values())
    assert all(task.startswith(f"{assignment}/") for task in right)
    # A student whose checks recorded nothing has no answers to keep, rather than invented ones.
    assert not untouched
    partial = kept[(assignment, "partial")]
    assert any(entry["answer"] is not None and entry["points"] < entry["max_points"] for entry in partial.values()) \
        or len(partial) < len(right)
