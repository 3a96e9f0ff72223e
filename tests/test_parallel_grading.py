"""Parallel class grading loses nothing: grade_class ends in the same gradebook as plain nbgrader.

A small class (5 students, every assignment in solutions/, answers right, half right, untouched,
with a syntax error, and not even JSON) is autograded twice from the
same starting course: once by one sequential `nbgrader autograde <assignment>` per assignment, once
by `python -m medialit.grading.class_runner --workers 2`. The two gradebooks must agree on every
grade, comment, timestamp and penalty, hold exactly one of each per student and cell, and the
grades must be the ones the answers deserve (full, none, in between).
"""
from __future__ import annotations

import shutil
import sqlite3
import sys
from collections import Counter
from pathlib import Path

import pytest

from medialit.grading.class_runner import grade_class, load_course, main

# Two full gradings of the class (sequential and parallel): about 2.5 minutes on 2 idle cores.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

REPO = Path(__file__).resolve().parents[1]
# The generator of submissions is shared with the benchmarks (benchmarks/synthetic_class.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from synthetic_class import assignments as find_assignments  # noqa: E402
from synthetic_class import make_course, make_submissions, nbgrader  # noqa: E402

STUDENTS = {
    # student id: how the submission is made (see benchmarks/synthetic_class.py)
    "s1-right": "right",
    "s2-untouched": "untouched",
    "s3-half-right": "even",
    "s4-syntax-error": "syntax",
    "s5-not-json": "not-json",
}
FAILING = {"s5-not-json"}


def assignments() -> list[str]:
    return find_assignments(REPO)


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("course") / "course"
    names = make_course(REPO, root)
    make_submissions(root, STUDENTS, names)
    return root


# Natural keys replace the uuid columns, which differ between any two gradebooks.
KEYED = {
    "student": ("SELECT x.* FROM student x", ()),
    "submitted_assignment": (
        "SELECT x.*, a.name AS k_assignment FROM submitted_assignment x JOIN assignment a ON x.assignment_id = a.id",
        ("student_id", "k_assignment"),
    ),
    "submitted_notebook": (
        "SELECT x.*, sa.student_id AS k_student, a.name AS k_assignment, n.name AS k_notebook"
        " FROM submitted_notebook x JOIN notebook n ON x.notebook_id = n.id"
        " JOIN submitted_assignment sa ON x.assignment_id = sa.id JOIN assignment a ON sa.assignment_id = a.id",
        ("k_student", "k_assignment", "k_notebook"),
    ),
}
for _table in ("grade", "comment"):
    KEYED[_table] = (
        f"SELECT x.*, sa.student_id AS k_student, a.name AS k_assignment, n.name AS k_notebook, c.name AS k_cell"
        f" FROM {_table} x JOIN submitted_notebook sn ON x.notebook_id = sn.id JOIN notebook n ON sn.notebook_id = n.id"
        " JOIN submitted_assignment sa ON sn.assignment_id = sa.id JOIN assignment a ON sa.assignment_id = a.id"
        " JOIN base_cell c ON x.cell_id = c.id",
        ("k_student", "k_assignment", "k_notebook", "k_cell"),
    )


def dump(db: Path) -> dict[str, list[tuple]]:
    """Every column of every per-student table, sorted by natural key, uuid columns left out."""
    out: dict[str, list[tuple]] = {}
    con = sqlite3.connect(db)
    try:
        con.row_factory = sqlite3.Row
        for table, (query, key) in KEYED.items():
            rows = [dict(r) for r in con.execute(query)]
            uuid_columns = {"id", "assignment_id", "notebook_id", "cell_id"}
            cleaned = [tuple(sorted((k, v) for k, v in r.items() if k not in uuid_columns or table == "student")) for r in rows]
            out[table] = sorted(cleaned, key=repr)
            if key:
                keys = [tuple(r[k] for k in key) for r in rows]
                assert len(keys) == len(set(keys)), f"{table}: more than one row for the same student and item"
    finally:
        con.close()
    return out


def grade_rows(db: Path) -> list[dict]:
    con = sqlite3.connect(db)
    try:
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute(KEYED["grade"][0])]
    finally:
        con.close()


def autograded_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in (root / "autograded").rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def graded(course: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int]:
    sequential = tmp_path_factory.mktemp("sequential") / "course"
    parallel = tmp_path_factory.mktemp("parallel") / "course"
    shutil.copytree(course, sequential, symlinks=True)
    shutil.copytree(course, parallel, symlinks=True)
    for assignment in assignments():
        # Exit status 1 is expected: the not-JSON submission fails, everyone else is graded.
        nbgrader("autograde", assignment, cwd=sequential)
    logs = tmp_path_factory.mktemp("logs")
    code = main(["--course-dir", str(parallel), "--workers", "2", "--log-dir", str(logs)])
    return sequential, parallel, code


def test_parallel_gradebook_equals_sequential(graded: tuple[Path, Path, int]) -> None:
    sequential, parallel, _ = graded
    expected, actual = dump(load_course(sequential).db_path), dump(load_course(parallel).db_path)
    assert expected["grade"], "the sequential run recorded no grades at all"
    for table in expected:
        assert actual[table] == expected[table], f"{table} differ between the parallel and the sequential run"
    assert autograded_files(parallel) == autograded_files(sequential)


def test_exactly_one_grade_per_student_and_cell(graded: tuple[Path, Path, int]) -> None:
    _, parallel, _ = graded
    rows = grade_rows(load_course(parallel).db_path)
    keys = Counter((r["k_student"], r["k_assignment"], r["k_notebook"], r["k_cell"]) for r in rows)
    assert max(keys.values()) == 1
    with sqlite3.connect(load_course(parallel).db_path) as con:
        cells_per_assignment = dict(
            con.execute(
                "SELECT a.name, COUNT(*) FROM base_cell c JOIN notebook n ON c.notebook_id = n.id"
                " JOIN assignment a ON n.assignment_id = a.id"
                " WHERE c.type IN ('GradeCell', 'TaskCell') GROUP BY a.name"
            ).fetchall()
        )
    con.close()
    for student in STUDENTS:
        for assignment in assignments():
            mine = [k for k in keys if k[0] == student and k[1] == assignment]
            assert len(mine) == cells_per_assignment.get(assignment, 0), (student, assignment)


def totals(db: Path) -> dict[tuple[str, str], float]:
    with sqlite3.connect(db) as con:
        rows = con.execute(
            "SELECT sa.student_id, a.name, SUM(COALESCE(g.auto_score, 0)) FROM grade g"
            " JOIN submitted_notebook sn ON g.notebook_id = sn.id"
            " JOIN submitted_assignment sa ON sn.assignment_id = sa.id"
            " JOIN assignment a ON sa.assignment_id = a.id GROUP BY 1, 2"
        ).fetchall()
        maxima = dict(
            con.execute(
                # Code grade cells are the autograded ones; markdown ones wait for a human.
                "SELECT a.name, SUM(c.max_score) FROM grade_cells c JOIN base_cell b ON c.id = b.id"
                " JOIN notebook n ON b.notebook_id = n.id JOIN assignment a ON n.assignment_id = a.id"
                " WHERE c.cell_type = 'code' GROUP BY a.name"
            ).fetchall()
        )
    con.close()
    out = {(student, assignment): score for student, assignment, score in rows}
    out.update({("max", assignment): score for assignment, score in maxima.items()})
    return out


def test_grades_are_the_ones_the_answers_deserve(graded: tuple[Path, Path, int]) -> None:
    _, parallel, code = graded
    assert code == 1, "grade_class must report the submission it could not grade"
    scores = totals(load_course(parallel).db_path)
    autograded = [a for a in assignments() if scores.get(("max", a), 0) > 0]
    assert autograded, "no assignment has autograded points"
    for assignment in autograded:
        full = scores[("max", assignment)]
        assert scores[("s1-right", assignment)] == pytest.approx(full), assignment
        assert scores[("s2-untouched", assignment)] == 0, assignment
        assert scores[("s5-not-json", assignment)] == 0, assignment
        assert scores[("s4-syntax-error", assignment)] < full, assignment
        assert 0 < scores[("s3-half-right", assignment)] < full, assignment
    for student in FAILING:
        for assignment in assignments():
            assert not (parallel / "autograded" / student / assignment).exists()


def test_second_run_skips_everything_and_changes_nothing(graded: tuple[Path, Path, int], tmp_path: Path) -> None:
    _, parallel, _ = graded
    before = dump(load_course(parallel).db_path)
    report = grade_class(parallel, workers=2, log_dir=tmp_path)
    graded_pairs = len(STUDENTS) - len(FAILING)
    # Failed submissions have no autograded copy, so they are tried again, and fail again.
    assert len(report.skipped) == graded_pairs * len(assignments())
    assert sorted(report.failed) == sorted((a, s) for a in assignments() for s in FAILING)
    assert report.graded == []
    assert dump(load_course(parallel).db_path) == before


def test_bad_arguments_say_what_to_fix(course: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="workers must be a whole number"):
        grade_class(course, workers=0)
    with pytest.raises(ValueError, match="not in the gradebook"):
        grade_class(course, ["no-such-assignment"])
    with pytest.raises(ValueError, match="course directory"):
        grade_class(tmp_path / "missing")
    (tmp_path / "nbgrader_config.py").write_text('c = get_config()\nc.CourseDirectory.db_url = "sqlite://"\n')
    with pytest.raises(ValueError, match="lives in memory"):
        grade_class(tmp_path)
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    with pytest.raises(ValueError, match="generate_assignment"):
        grade_class(tmp_path)


def test_row_by_row_copy_is_lossless(graded: tuple[Path, Path, int], tmp_path: Path) -> None:
    """The copy used for a gradebook on a server, exercised here from SQLite to SQLite."""
    from medialit.grading.class_runner import copy_rows

    _, parallel, _ = graded
    copy_rows(f"sqlite:///{load_course(parallel).db_path}", tmp_path / "copy.db")
    assert dump(tmp_path / "copy.db") == dump(load_course(parallel).db_path)
    with sqlite3.connect(tmp_path / "copy.db") as con:
        cells = con.execute("SELECT COUNT(*) FROM source_cell").fetchone()[0]
    con.close()
    assert cells > 0


def test_merge_keeps_what_the_instructor_entered(graded: tuple[Path, Path, int], tmp_path: Path) -> None:
    """A regrade must not wipe manual scores, extra credit or manual comments from an earlier round."""
    from nbgrader.api import Gradebook

    from medialit.grading.class_runner import merge_submission

    sequential, parallel, _ = graded
    target_db = tmp_path / "gradebook.db"
    shutil.copy2(load_course(sequential).db_path, target_db)
    student, assignment = "s1-right", assignments()[0]
    course_id = load_course(sequential).course_id
    with Gradebook(f"sqlite:///{target_db}", course_id) as target:
        notebook = target.find_submission(assignment, student).notebooks[0]
        grade, comment = notebook.grades[0], notebook.comments[0]
        grade.manual_score, grade.extra_credit, grade.auto_score = 0.25, 1.0, -7.0
        comment.manual_comment = "See me."
        target.db.commit()
        names = (grade.cell.name, comment.cell.name, notebook.name)
        assert merge_submission(f"sqlite:///{load_course(parallel).db_path}", target, assignment, student, course_id)
        grade = target.find_grade(names[0], names[2], assignment, student)
        comment = target.find_comment(names[1], names[2], assignment, student)
        assert (grade.manual_score, grade.extra_credit, comment.manual_comment) == (0.25, 1.0, "See me.")
        expected = next(
            r for r in grade_rows(load_course(parallel).db_path)
            if (r["k_student"], r["k_assignment"], r["k_notebook"], r["k_cell"]) == (student, assignment, names[2], names[0])
        )
        assert grade.auto_score == expected["auto_score"]
        assert not merge_submission(f"sqlite:///{load_course(parallel).db_path}", target, assignment, "nobody", course_id)
