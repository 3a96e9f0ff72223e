"""Import the class roster into the gradebook, with each student's LMS id: ``python -m medialit.grading roster``.

    python -m medialit.grading roster import --canvas gradebook-export.csv [--canvas-id sis-login|sis-user] [--course-dir DIR]
    python -m medialit.grading roster import students.csv [--course-dir DIR]      # nbgrader's roster CSV

nbgrader's roster CSV has the columns ``id`` (the nbgrader student id), ``first_name``, ``last_name``, ``email`` and
``lms_user_id`` (``nbgrader db student import`` reads the same file; this command also refuses rows without an id).
Canvas's roster is its gradebook export (Grades, Export, CSV): ``Student`` ("Last, First"), ``ID`` (Canvas's
number for the student, which its download zips use), ``SIS User ID``, ``SIS Login ID``, ``Section``. The nbgrader
id is the SIS Login ID (``--canvas-id sis-login``, the default, as ``export --canvas`` writes it back) or the SIS
User ID; ``lms_user_id`` is Canvas's ID. Canvas's "Points Possible" row and its "Test Student" are left out.

Students already in the gradebook are updated, never removed; a row that cannot be imported stops the import
before anything is written, with its line number. ``LmsCollector`` (lms.py) maps zip file names to nbgrader ids
through ``lms_user_id``, and holds files from anyone not on the roster.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

# Canvas adds its "Test Student" (Student View) to every course; its export writes the name "Student, Test".
CANVAS_TEST_STUDENTS = {"Test Student", "Student, Test"}


@dataclass(frozen=True)
class Person:
    id: str
    first_name: str | None
    last_name: str | None
    email: str | None
    lms_user_id: str | None


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def read_nbgrader_roster(path: Path) -> list[Person]:
    fields, rows = _rows(path)
    if "id" not in fields:
        raise ValueError(f"{path}: nbgrader's roster CSV needs an id column (and optionally first_name, last_name, "
                         "email, lms_user_id)")
    people = []
    for number, row in enumerate(rows, start=2):
        student = (row.get("id") or "").strip()
        if not student:
            raise ValueError(f"{path}, line {number}: no id")
        people.append(Person(student, *((row.get(k) or "").strip() or None
                                        for k in ("first_name", "last_name", "email", "lms_user_id"))))
    return people


def read_canvas_roster(path: Path, id_column: str = "SIS Login ID") -> list[Person]:
    fields, rows = _rows(path)
    missing = {"Student", "ID", id_column} - set(fields)
    if missing:
        raise ValueError(f"{path}: not Canvas's gradebook export (no column {', '.join(sorted(missing))}); export it "
                         "from Canvas's Grades page, Export, CSV")
    people = []
    for number, row in enumerate(rows, start=2):
        name = (row.get("Student") or "").strip()
        if not name or "Points Possible" in name or name in CANVAS_TEST_STUDENTS:
            continue
        student, lms = (row.get(id_column) or "").strip(), (row.get("ID") or "").strip()
        if not student or not lms:
            raise ValueError(f"{path}, line {number}: {name!r} has no {id_column if not student else 'ID'}; "
                             f"fill it in Canvas or in the file (the nbgrader id comes from {id_column})")
        last, _, first = name.partition(",")
        people.append(Person(student, first.strip() or None, last.strip() or None, None, lms))
    return people


def import_roster(course_dir: Path | str, people: list[Person]) -> int:
    """Add or update each person in the course gradebook; returns how many. Never creates a gradebook."""
    from nbgrader.api import Gradebook

    from .course import open_course

    ids = [p.id for p in people]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"the roster names these students twice: {', '.join(duplicates)}")
    course = open_course(course_dir)
    with Gradebook(course.db_url, course.course_id) as gb:
        for person in people:
            gb.update_or_create_student(person.id, first_name=person.first_name, last_name=person.last_name,
                                        email=person.email, lms_user_id=person.lms_user_id)
    return len(people)


def main(argv: list[str] | None = None) -> int:
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m medialit.grading roster", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import", help="add or update the roster's students in the gradebook")
    imp.add_argument("file", type=Path, help="nbgrader's roster CSV, or with --canvas Canvas's gradebook export")
    imp.add_argument("--course-dir", default=".", help="the course directory (default: .)")
    imp.add_argument("--canvas", action="store_true", help="FILE is Canvas's gradebook export")
    imp.add_argument("--canvas-id", choices=["sis-login", "sis-user"], default="sis-login",
                     help="which Canvas column is the nbgrader id (default: SIS Login ID)")
    args = parser.parse_args(argv)
    try:
        if args.canvas:
            people = read_canvas_roster(args.file, "SIS Login ID" if args.canvas_id == "sis-login" else "SIS User ID")
        else:
            people = read_nbgrader_roster(args.file)
        count = import_roster(args.course_dir, people)
    except (OSError, ValueError) as error:
        print(f"python -m medialit.grading roster: {error}", file=sys.stderr)
        return 2
    print(f"imported {count} students into the gradebook ({sum(1 for p in people if p.lms_user_id)} with an LMS id)")
    return 0
