"""Roster import (nbgrader's CSV and Canvas's gradebook export) and the late-work commands, on the planted class.

Fast: the planted course's gradebook is made with nbgrader's API (tests/support/planted_class.py); no autograding.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from medialit.grading import late, roster

from support import planted_class as planted

pytestmark = [pytest.mark.slow]  # each test builds the planted course (a gradebook through nbgrader's API)


@pytest.fixture
def course(tmp_path: Path) -> Path:
    return planted.build(tmp_path / "course")


def students(course: Path) -> dict[str, tuple]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", planted.COURSE_ID) as gb:
        return {s.id: (s.first_name, s.last_name, s.email, s.lms_user_id) for s in gb.students}


def test_nbgraders_roster_csv(course: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = course / "students.csv"
    path.write_text("id,first_name,last_name,email,lms_user_id\ns00,Ada,Lovelace,ada@example.org,1001\n"
                    "new1,Grace,Hopper,,1003\n", encoding="utf-8")
    assert roster.main(["import", str(path), "--course-dir", str(course)]) == 0
    assert "imported 2 students" in capsys.readouterr().out
    found = students(course)
    assert found["s00"] == ("Ada", "Lovelace", "ada@example.org", "1001")
    assert found["new1"] == ("Grace", "Hopper", None, "1003")
    assert "s01" in found  # nobody is removed


def test_canvas_export_as_roster_with_the_sis_user_id(course: Path) -> None:
    path = course / "roster.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section"])
        writer.writerow(["    Points Possible", "", "", "", ""])
        writer.writerow(["Lovelace, Ada", "1001", "s00", "ada", "P1"])
        writer.writerow(["Student, Test", "9999", "", "", "P1"])
    assert roster.main(["import", "--canvas", str(path), "--canvas-id", "sis-user", "--course-dir", str(course)]) == 0
    assert students(course)["s00"][3] == "1001" and "ada" not in students(course)


def test_bad_rosters_are_refused_with_the_line(course: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = course / "roster.csv"
    path.write_text("Student,ID,SIS User ID,SIS Login ID,Section\n\"Lovelace, Ada\",1001,,,P1\n", encoding="utf-8")
    before = students(course)
    assert roster.main(["import", "--canvas", str(path), "--course-dir", str(course)]) == 2
    assert "line 2" in capsys.readouterr().err and students(course) == before  # nothing written
    path.write_text("name\nx\n", encoding="utf-8")
    assert roster.main(["import", str(path), "--course-dir", str(course)]) == 2


def test_an_extension_moves_the_due_date(course: Path) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", planted.COURSE_ID) as gb:
        gb.update_or_create_assignment(planted.ASSIGNMENT, duedate="2026-03-01 12:00:00 UTC")
    due = late.extend(str(course), planted.ASSIGNMENT, planted.ABSENT, 48)
    assert str(due) == "2026-03-03 12:00:00"
    assert late.main(["extend", planted.ASSIGNMENT, "nobody", "--hours", "1", "--course-dir", str(course)]) == 2
    # The row that holds the extension is not a submission: the student is still "not submitted".
    from medialit.grading.report import collect

    rows = {r.student: r for r in collect(course)}
    assert rows[planted.ABSENT].status == "not submitted"


def test_per_day_penalty() -> None:
    plugin = late.PerDayPenalty(points_per_day=2.0)
    assert plugin.late_submission_penalty("s", 10.0, 0) is None
    assert plugin.late_submission_penalty("s", 10.0, 1) == 2.0
    assert plugin.late_submission_penalty("s", 10.0, 30 * 3600) == 4.0
    assert late.late_text(30 * 3600, 4.0) == "late by 30.0 h, penalty 4" and late.late_text(0, 0) == ""
