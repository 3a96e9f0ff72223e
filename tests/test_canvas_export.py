"""The Canvas export: Canvas's gradebook import columns, one row per student, a status column, read as Canvas reads it.

The planted class (tests/support/planted_class.py) has graded students, one whose written answer still needs a
manual grade, one whose autograding failed and one who never submitted. The file is parsed the way
canvas-lms's GradebookImporter (app/models/gradebook_importer.rb) parses an upload: delimiter sniffing,
the student-header rule ("Student", "ID", optional "SIS User ID"/"SIS Login ID", then "Section"), the
"Points Possible" row, and columns whose Points Possible cell says "read only" left out.
"""
from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from medialit.grading import report

from support import planted_class as planted

NON_ASSIGNMENT = re.compile("Current Score|Current Points|Current Grade|Final Score|Final Points|Final Grade|"
                            "Override Score|Override Grade|Override Status")


def canvas_parse(path: Path) -> dict:
    """What Canvas's importer takes from the file: assignment columns, points possible, and grades per student."""
    lines = path.read_text(encoding="utf-8").splitlines()[:3]
    counts = {sep: {len(next(csv.reader([line], delimiter=sep))) for line in lines} for sep in ";,"}
    assert len(counts[","]) == 1, "rows must have one field count with ',' (Canvas sniffs the delimiter)"
    assert not (len(counts[";"]) == 1 and counts[";"] > counts[","]), "Canvas would read this as ';'-separated"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    assert len(header) > 3 and "Student" in header[0] and "ID" in header[1], header
    student_columns, sis_user, sis_login = 3, None, None
    if re.search(r"SIS\s+Login\s+ID", header[2]):
        student_columns, sis_login = 4, 2
    elif re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3]):
        student_columns, sis_user, sis_login = 5, 2, 3
    assert "Section" in header[student_columns - 1], "Canvas: 'Invalid header row'"
    columns = [(i, name) for i, name in enumerate(header) if i >= student_columns and not NON_ASSIGNMENT.search(name)]
    points, students = {}, {}
    for row in rows[1:]:
        if row[0] and "Points Possible" in row[0]:
            points = {name: row[i] for i, name in columns}
            continue
        key = row[1] or (row[sis_user] if sis_user is not None and row[sis_user] else None) or row[sis_login]
        students[key] = {name: row[i].strip() for i, name in columns}
    read_only = {name for name, value in points.items() if re.search(r"read\s+only", value)}
    assignments = [name for _, name in columns if name not in read_only]
    return {"assignments": assignments, "read_only": read_only, "points": points, "students": students,
            "header": header, "rows": rows}


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return planted.build(tmp_path_factory.mktemp("canvas") / "course")


def total(student: str) -> str:
    number = sorted(planted.PHRASES).index(student) if student in planted.PHRASES else 10
    return f"{(2.0 if number % 2 == 0 else 1.0) + 1.0 + (planted.WRITTEN[student] or 0):g}"


def test_per_assignment_file_reads_as_canvas_reads_it(course: Path, tmp_path: Path) -> None:
    dest = tmp_path / "canvas.csv"
    rows, warnings = report.export_canvas(course, dest)
    parsed = canvas_parse(dest)
    assert parsed["header"] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", planted.ASSIGNMENT,
                                report.CANVAS_STATUS]
    # The status column is marked read only, so Canvas does not import it as an assignment.
    assert parsed["assignments"] == [planted.ASSIGNMENT] and parsed["read_only"] == {report.CANVAS_STATUS}
    assert parsed["points"][planted.ASSIGNMENT] == "8"
    everyone = sorted(planted.PHRASES) + [planted.UNREADABLE, planted.FAILED, planted.ABSENT]
    assert sorted(parsed["students"]) == everyone  # one row per student, found by SIS Login ID
    grades = {student: cells[planted.ASSIGNMENT] for student, cells in parsed["students"].items()}
    for student in sorted(planted.PHRASES) + [planted.UNREADABLE]:
        # Final grades only: s09's written answer waits for its manual grade, so its total is left blank.
        assert grades[student] == ("" if planted.WRITTEN.get(student, 0) is None and student != planted.BLANK
                                   else total(student)), student
    assert grades["s09"] == ""
    # Not graded is never a zero: blank, which Canvas leaves as it was.
    assert grades[planted.FAILED] == "" and grades[planted.ABSENT] == ""
    status = {row[3]: row[-1] for row in parsed["rows"][2:]}
    assert status["s00"] == "demo: graded"
    assert status["s09"] == "demo: needs manual grading (1 answer): score left blank until final"
    assert any("left blank" in w and "--include-provisional" in w for w in warnings)
    assert status[planted.FAILED] == "demo: failed: score left blank"
    assert status[planted.ABSENT] == "demo: not submitted: score left blank"
    assert any("manual grading" in w for w in warnings) and any("failed" in w for w in warnings)
    # Canvas's sortable name; a name holding a comma stays one field.
    names = {row[3]: row[0] for row in parsed["rows"][2:]}
    assert names["s00"] == "Lovelace, Ada" and names["s01"] == "Núñez, Jr., José" and names["s05"] == "s05"
    assert len(rows) == len(everyone)


def test_include_provisional_writes_the_scores_so_far(course: Path, tmp_path: Path) -> None:
    dest = tmp_path / "canvas.csv"
    report.export_canvas(course, dest, include_provisional=True)
    parsed = canvas_parse(dest)
    assert parsed["students"]["s09"][planted.ASSIGNMENT] == total("s09")
    status = {row[3]: row[-1] for row in parsed["rows"][2:]}
    assert status["s09"] == "demo: needs manual grading (1 answer; score provisional)"


def test_numbers_are_rounded_to_hundredths(course: Path, tmp_path: Path) -> None:
    """Scores of 0.1, 0.2 and 0 add up to 0.30000000000000004 as floats: every file writes 0.3."""
    from nbgrader.api import Gradebook

    from medialit.grading.class_runner import load_course

    loaded = load_course(course)
    cells = {planted.PHRASE_CELL: ("auto_score", 0.1), planted.LABEL_CELL: ("auto_score", 0.2),
             planted.WRITTEN_CELL: ("manual_score", 0.0)}
    with Gradebook(loaded.db_url, loaded.course_id) as gb:
        grades = {cell: gb.find_grade(cell, planted.ASSIGNMENT, planted.ASSIGNMENT, "s00") for cell in cells}
        saved = {cell: getattr(grades[cell], field) for cell, (field, _) in cells.items()}
        for cell, (field, value) in cells.items():
            setattr(grades[cell], field, value)
        gb.db.commit()
        try:
            assert repr(gb.find_submission(planted.ASSIGNMENT, "s00").score) == "0.30000000000000004"
            report.export_canvas(course, tmp_path / "c.csv")
            report.export(course, tmp_path / "g.csv")
        finally:
            for cell, (field, _) in cells.items():
                setattr(grades[cell], field, saved[cell])
            gb.db.commit()
    with (tmp_path / "g.csv").open(encoding="utf-8", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["student_id"] == "s00")
    assert (row["raw_score"], row["score"]) == ("0.3", "0.3")
    assert canvas_parse(tmp_path / "c.csv")["students"]["s00"][planted.ASSIGNMENT] == "0.3"


def test_per_task_file_and_the_sis_user_id_choice(course: Path, tmp_path: Path) -> None:
    dest = tmp_path / "tasks.csv"
    report.export_canvas(course, dest, per_task=True, id_column="SIS User ID", section="Period 2")
    parsed = canvas_parse(dest)
    cells = [f"{planted.ASSIGNMENT}: {cell}" for cell in
             sorted([planted.PHRASE_CELL, planted.LABEL_CELL, planted.WRITTEN_CELL])]
    assert parsed["assignments"] == cells
    assert [parsed["points"][c] for c in cells] == ["3", "2", "3"]  # labels 3, phrases 2, written 3
    s00 = parsed["students"]["s00"]
    assert [s00[c] for c in cells] == ["1", "2", "3"]
    written = f"{planted.ASSIGNMENT}: {planted.WRITTEN_CELL}"
    assert parsed["students"]["s09"][written] == ""  # waiting for its manual grade
    assert parsed["students"]["s08"][written] == "0"  # graded 0 by hand: a real zero
    rows = parsed["rows"][2:]
    assert all(row[2] and not row[3] and row[4] == "Period 2" for row in rows)
    with pytest.raises(ValueError, match="Canvas id column"):
        report.export_canvas(course, tmp_path / "x.csv", id_column="Email")


def test_command_writes_the_canvas_file_and_keeps_the_grades_csv(course: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    canvas, grades = tmp_path / "c.csv", tmp_path / "g.csv"
    only = subprocess.run([sys.executable, "-m", "medialit.grading", "export", "--canvas", str(canvas), str(course)],
                          text=True, capture_output=True, timeout=120, env=env)
    assert only.returncode == 1, only.stderr  # 1: written, with warnings (a failed submission, a provisional one)
    assert canvas.is_file() and not (course / "grades.csv").exists()
    assert "13 students" in only.stdout and "failed" in only.stderr
    both = subprocess.run([sys.executable, "-m", "medialit.grading", "export", "--to", str(grades), "--canvas",
                           str(tmp_path / "c2.csv"), "--per-task", str(course)],
                          text=True, capture_output=True, timeout=120, env=env)
    assert both.returncode == 1, both.stderr
    with grades.open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == report.COLUMNS
    assert canvas_parse(tmp_path / "c2.csv")["assignments"][0].startswith(f"{planted.ASSIGNMENT}: ")
    refused = subprocess.run([sys.executable, "-m", "medialit.grading", "export", "--canvas", str(tmp_path / "c3.csv"),
                              str(tmp_path / "no-course")], text=True, capture_output=True, timeout=120, env=env)
    assert refused.returncode == 2 and not (tmp_path / "c3.csv").exists(), refused.stderr  # 2: refused, nothing written


def test_one_exit_status_rule_for_every_export() -> None:
    assert report.exit_status([]) == report.EXIT_WRITTEN == 0
    assert report.exit_status(["1 submission(s) failed"]) == report.EXIT_WARNINGS == 1
    assert report.exit_status([], refused=True) == report.exit_status(["x"], refused=True) == report.EXIT_REFUSED == 2
