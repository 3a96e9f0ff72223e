"""Check grade_class against a gradebook in PostgreSQL (run by hand; needs a server and psycopg2).

    PYTHONPATH=/path/with/psycopg2 .venv/bin/python benchmarks/postgres_check.py postgresql://user@host:port/emptydb

The course gradebook lives in the (empty) PostgreSQL database. The same small class as
tests/test_parallel_grading.py is graded twice: sequentially by `nbgrader autograde` on a SQLite
copy of the gradebook, and by `grade_class --workers 2` on PostgreSQL. The PostgreSQL gradebook is
then copied row by row into SQLite and compared with the sequential one, every column of every
per-student table.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "tests"))

from test_parallel_grading import STUDENTS, dump  # noqa: E402

from medialit.grading.class_runner import copy_rows, grade_class  # noqa: E402

from synthetic_class import make_course, make_submissions, nbgrader  # noqa: E402


def main(db_url: str) -> int:
    work = Path(tempfile.mkdtemp(prefix="medialit-pg-"))
    course = work / "course"
    names = make_course(REPO, course, f"c.CourseDirectory.db_url = {db_url!r}")
    make_submissions(course, STUDENTS, names)

    sequential = work / "sequential"
    shutil.copytree(course, sequential, symlinks=True)
    config = (sequential / "nbgrader_config.py").read_text().replace(f"c.CourseDirectory.db_url = {db_url!r}", "")
    (sequential / "nbgrader_config.py").write_text(config)
    copy_rows(db_url, sequential / "gradebook.db")
    for name in names:
        nbgrader("autograde", name, cwd=sequential)

    report = grade_class(course, workers=2, log_dir=work / "logs")
    print(report.summary())
    copy_rows(db_url, work / "from-postgres.db")
    expected, actual = dump(sequential / "gradebook.db"), dump(work / "from-postgres.db")
    same = expected == actual
    rows = sum(len(v) for v in expected.values())
    print(f"PostgreSQL gradebook after grade_class {'equals' if same else 'DIFFERS FROM'} the sequential "
          f"SQLite one ({rows} rows compared, {len(expected['grade'])} grades)")
    for table in expected:
        if expected[table] != actual[table]:
            print(f"  {table}: {len(expected[table])} rows expected, {len(actual[table])} found")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
