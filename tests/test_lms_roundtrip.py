"""From an LMS download zip to an LMS import, the way docs/grading.md walks it, with late work and a stranger.

A Canvas-style zip for loaded-language: an on-time student (whose hand-written timestamp.txt must survive
`zip_collect --force`), a late one whose browser renamed the file `loaded-language (1).ipynb`, one with an
extension who uploaded twice (the later upload, `loaded-language-1.ipynb`, is kept), and a stranger not on
the roster (held, never added). The roster comes from a Canvas gradebook export; a due date, an extension
and a per-day penalty are set with the documented commands. After grade-class and hand grading, `report`,
`export --to grades.csv`, `export --canvas` and the feedback pages must agree on every student's number,
status and lateness.
"""
from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

import pytest
from test_canvas_export import canvas_parse

from submissions import ATTACKED, nbgrader, right, untouched
from support.grading import fast_course, run_module

pytestmark = [pytest.mark.slow]

DUE = "2026-03-01 12:00:00 UTC"
LATE_TIME = "2026-03-02 18:00:00+00:00"  # 30 h after the due date
HAND_TIME = "2026-03-01 11:00:00 UTC"  # written by the instructor into submitted/ada/<a>/timestamp.txt
PENALTY_PER_DAY = 2.0  # 30 h late = 2 started days = 4 points
ROSTER = [  # Canvas's gradebook export: Student, ID, SIS User ID, SIS Login ID, Section
    ("Lovelace, Ada", "1001", "u-ada", "ada"),
    ("Núñez, José", "1002", "u-jose", "jose"),
    ("Hopper, Grace", "1003", "u-grace", "grace"),
    ("Turing, Alan", "1004", "u-alan", "alan"),
]
STRANGER = "1099"


def canvas_zip(course: Path) -> Path:
    """The zip Canvas's "Download Submissions" gives: <lastfirst>[_LATE]_<user id>_<attachment id>_<file name>."""
    archive = course / "downloaded" / ATTACKED / "archive"
    archive.mkdir(parents=True)
    files = {
        f"lovelaceada_1001_5001_{ATTACKED}.ipynb": right(ATTACKED, course),
        f"nunezjose_LATE_1002_5002_{ATTACKED} (1).ipynb": right(ATTACKED, course),
        f"hoppergrace_1003_4003_{ATTACKED}.ipynb": untouched(ATTACKED, course),  # the earlier upload
        f"hoppergrace_LATE_1003_5003_{ATTACKED}-1.ipynb": right(ATTACKED, course),
        f"strangerrandom_{STRANGER}_5099_{ATTACKED}.ipynb": right(ATTACKED, course),
    }
    import nbformat

    path = archive / "submissions.zip"
    with zipfile.ZipFile(path, "w") as out:
        for name, nb in files.items():
            out.writestr(name, nbformat.writes(nb))
    return path


def write_roster(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{ATTACKED} (77)"])
        writer.writerow(["    Points Possible", "", "", "", "", "14"])
        for name, lms, sis_user, sis_login in ROSTER:
            writer.writerow([name, lms, sis_user, sis_login, "Period 1", ""])
        writer.writerow(["Student, Test", "9999", "", "", "Period 1", ""])


def hand_grade(course: Path, scores: dict[str, float]) -> None:
    from nbgrader.api import Gradebook

    from medialit.grading.class_runner import load_course

    loaded = load_course(course)
    with Gradebook(loaded.db_url, loaded.course_id) as gb:
        for student, score in scores.items():
            grade = gb.find_grade("ll-rewrite18", ATTACKED, ATTACKED, student)
            grade.manual_score, grade.needs_manual_grade = score, False
        gb.db.commit()


def ok(result, *codes: int) -> str:
    assert result.returncode in (codes or (0,)), result.stdout + result.stderr
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = fast_course(tmp_path_factory.mktemp("lms") / "course",
                       "c.AssignLatePenalties.plugin_class = 'medialit.grading.late.PerDayPenalty'\n"
                       f"c.PerDayPenalty.points_per_day = {PENALTY_PER_DAY}\n")
    canvas_zip(root)
    runs = {"no roster": nbgrader(["zip_collect", ATTACKED], root)}
    write_roster(root / "roster.csv")
    runs["roster"] = run_module(["medialit.grading", "roster", "import", "--canvas", "roster.csv"], root)
    runs["due"] = nbgrader(["db", "assignment", "add", ATTACKED, f"--duedate={DUE}"], root)
    runs["extend"] = run_module(["medialit.grading", "late", "extend", ATTACKED, "grace", "--hours", "48"], root)
    times = root / "downloaded" / ATTACKED / "times.csv"
    times.write_text(f"student,time\njose,{LATE_TIME}\n1003,{LATE_TIME}\n", encoding="utf-8")
    # --force: the refused run above already extracted the zip (nbgrader wants --force to extract it again).
    runs["collect"] = nbgrader(["zip_collect", ATTACKED, "--force"], root)
    (root / "submitted" / "ada" / ATTACKED / "timestamp.txt").write_text(HAND_TIME, encoding="utf-8")
    runs["collect again"] = nbgrader(["zip_collect", ATTACKED, "--force"], root)
    runs["grade"] = run_module(["medialit.grading", "grade-class", "--workers", "2", ATTACKED], root, timeout=900)
    hand_grade(root, {"ada": 3.0, "jose": 2.0})  # grace's written answer is not graded yet
    runs["report"] = run_module(["medialit.grading", "report"], root)
    runs["export"] = run_module(["medialit.grading", "export", "--to", "grades.csv"], root)
    runs["canvas"] = run_module(["medialit.grading", "export", "--canvas", "canvas.csv"], root)
    runs["canvas provisional"] = run_module(["medialit.grading", "export", "--canvas", "canvas-all.csv",
                                             "--include-provisional"], root)
    runs["feedback"] = nbgrader(["generate_feedback", ATTACKED, "--force"], root)
    return {"root": root, "runs": runs}


def test_collect_needs_the_roster_and_holds_a_stranger(course: dict) -> None:
    root, runs = course["root"], course["runs"]
    assert runs["no roster"].returncode != 0 and "import the roster first" in runs["no roster"].stderr
    assert "imported 4 students" in ok(runs["roster"])
    out = ok(runs["collect"])
    assert "HELD (not collected)" in out and f"LMS id {STRANGER} is not on the course roster" in out
    assert sorted(p.name for p in (root / "submitted").iterdir()) == ["ada", "grace", "jose"]
    with (root / "downloaded" / ATTACKED / "held.csv").open(encoding="utf-8", newline="") as handle:
        assert [row["lms_id"] for row in csv.DictReader(handle)] == [STRANGER]
    assert f"HELD {ATTACKED}: " in runs["report"].stdout


def test_renamed_and_resubmitted_notebooks_are_collected_under_their_name(course: dict) -> None:
    import nbformat

    root, runs = course["root"], course["runs"]
    for student in ("ada", "jose", "grace"):
        assert sorted(p.name for p in (root / "submitted" / student / ATTACKED).iterdir()) == \
            [f"{ATTACKED}.ipynb", "timestamp.txt"], student
    assert f"Renamed {ATTACKED} (1).ipynb to {ATTACKED}.ipynb" in runs["collect"].stderr
    kept = nbformat.read(str(root / "submitted" / "grace" / ATTACKED / f"{ATTACKED}.ipynb"), as_version=4)
    assert nbformat.writes(kept) == nbformat.writes(right(ATTACKED, root))  # the later upload, not the first


def test_times_come_from_the_csv_and_a_hand_written_one_survives_force(course: dict) -> None:
    from nbgrader.utils import parse_utc

    root = course["root"]
    ok(course["runs"]["collect again"])
    stamp = lambda student: (root / "submitted" / student / ATTACKED / "timestamp.txt").read_text().strip()  # noqa: E731
    assert parse_utc(stamp("ada")) == parse_utc(HAND_TIME)
    assert parse_utc(stamp("jose")) == parse_utc(stamp("grace")) == parse_utc(LATE_TIME)


def _report_rows(text: str) -> dict[str, dict]:
    rows = {}
    for line in text.splitlines():
        found = re.match(rf"^{ATTACKED}\s+(\S+)\s+([-\d.]+)\s+/\s+([\d.]+)\s+(.*)$", line)
        if found:
            rows[found[1]] = {"score": found[2], "status": found[4]}
    return rows


def test_report_grades_csv_canvas_and_feedback_agree(course: dict) -> None:
    root, runs = course["root"], course["runs"]
    assert "graded 3, failed 0" in ok(runs["grade"])
    report = _report_rows(ok(runs["report"]))
    assert ok(runs["export"], 1) and "still need manual grading" in runs["export"].stderr  # 1: written, warnings
    assert ok(runs["canvas"], 1) and "--include-provisional" in runs["canvas"].stderr
    with (root / "grades.csv").open(encoding="utf-8", newline="") as handle:
        grades = {r["student_id"]: r for r in csv.DictReader(handle) if r["assignment"] == ATTACKED}
    canvas = canvas_parse(root / "canvas.csv")
    provisional = canvas_parse(root / "canvas-all.csv")
    # The status column holds "<assignment>: <status>" for every assignment, joined by "; ".
    status_column = {row[3]: next(part for part in row[-1].split("; ") if part.startswith(f"{ATTACKED}: "))
                     for row in canvas["rows"][2:]}
    assert sorted(canvas["students"]) == ["1001", "1002", "1003", "1004"]  # found by Canvas's ID; no stranger
    by_login = {row[3]: row[1] for row in canvas["rows"][2:]}
    names = {row[3]: row[0] for row in canvas["rows"][2:]}
    assert names["ada"] == "Lovelace, Ada" and all(names.values())

    late = f"late by 30.0 h, penalty {2 * PENALTY_PER_DAY:g}"
    assert late in report["jose"]["status"] and "late" not in report["grace"]["status"]  # grace has an extension
    assert grades["jose"]["late"] == late and grades["grace"]["late"] == "" and grades["ada"]["late"] == ""
    assert late in status_column["jose"] and "late" not in status_column["grace"]
    assert float(grades["jose"]["late_submission_penalty"]) == 2 * PENALTY_PER_DAY
    assert float(grades["jose"]["score"]) == float(grades["jose"]["raw_score"]) - 2 * PENALTY_PER_DAY

    for student in ("ada", "jose", "grace", "alan"):
        row, cell = grades[student], canvas["students"][by_login[student]][ATTACKED]
        assert f"{float(row['score']):.2f}" == report[student]["score"] or (
            student == "alan" and report[student]["score"] == "-"), student  # not submitted: no score, 0 in the csv
        assert report[student]["status"].startswith(row["status"]), (student, report[student], row["status"])
        assert status_column[student].startswith(f"{ATTACKED}: {row['status']}"), student
        if row["status"] == "graded":
            assert float(cell) == float(row["score"]), student
        else:
            assert cell == "", student  # provisional, or not submitted: blank, with the reason in the status
    assert status_column["grace"] == f"{ATTACKED}: needs manual grading (1 answer): score left blank until final"
    assert float(provisional["students"]["1003"][ATTACKED]) == float(grades["grace"]["score"])
    assert grades["alan"]["status"] == "not submitted"

    ok(runs["feedback"])
    page = (root / "feedback" / "jose" / ATTACKED / f"{ATTACKED}.html").read_text(encoding="utf-8")
    assert f"Submitted {late}" in page
    assert f"(Score: {float(grades['jose']['score']):.1f}" in page or f"(Score: {float(grades['jose']['score'])}" in page
