"""The discernment check as a class takes it: nbgrader assignments, autograded, then the one-command report.

A small synthetic class (six students from the report's synthetic class generator, with its planted
effect, x the three forms) answers the released notebooks; one student never hands in the delayed form,
one leaves two items unanswered, one gives a confidence out of range (the check refuses it, so the item
stays unanswered), and one student is in the gradebook but hands in nothing. The delayed form is
generated with 0 points (the instructor's choice of no weight). Then `nbgrader autograde` and
`python -m medialit.assessment.report --course`, and the report's per-student counts are compared with
what was planted.
"""
from __future__ import annotations

import csv
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from playwright.sync_api import Browser

from medialit import CASE
from medialit.assessment.check import Check, load_check
from medialit.assessment.forms import ASSIGNMENTS, build_notebook, notebook_path, render
from medialit.assessment.report import skill_counts

from submissions import make_course, meta, nbgrader
from support.check_class import synthetic_class

AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
# 17 notebooks autograded in the sandbox (about 1.5 s each), and nbgrader's start-up.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


MISSING = ("B002", "delayed")          # never handed in
UNANSWERED = ("A001", "after", 2)      # leaves the last two items as released
OUT_OF_RANGE = ("A002", "before")      # answers its first item with confidence=0.8
ABSENT = "C000"                        # in the gradebook, hands in nothing


@dataclass
class Course:
    root: Path
    check: Check
    answers: dict[tuple[str, str], dict[str, dict]]  # (student, form) -> item -> {"answer", "confidence"} recorded
    autograde: subprocess.CompletedProcess[str]
    report: subprocess.CompletedProcess[str]
    html: str
    feedback: subprocess.CompletedProcess[str]
    export: subprocess.CompletedProcess[str]


def _submission(released: nbformat.NotebookNode, choices: dict[str, tuple[str, object]]) -> nbformat.NotebookNode:
    nb = nbformat.from_dict(released)
    for cell in nb.cells:
        if meta(cell).get("solution"):
            item = meta(cell)["grade_id"].split("-", 2)[2].removesuffix("-answer")
            if item in choices:
                choice, confidence = choices[item]
                cell.source = f'answer("{item}", "{choice}", confidence={confidence!r})'
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    check = load_check(CASE)
    root = make_course(tmp_path_factory.mktemp("check") / "course")
    # The instructor's choice: no weight for the delayed form.
    notebook_path(root, "delayed").write_text(render(build_notebook(check, "delayed", points=0)), encoding="utf-8")
    for assignment in ASSIGNMENTS.values():
        result = nbgrader(["generate_assignment", assignment, "--force"], root)
        assert result.returncode == 0, result.stderr[-2000:]
    added = nbgrader(["db", "student", "add", ABSENT], root)
    assert added.returncode == 0, added.stderr[-2000:]

    rows, _ = synthetic_class(check, per_group=3, forms=tuple(ASSIGNMENTS))
    planted: dict[tuple[str, str], dict[str, dict]] = {}
    for row in rows:
        planted.setdefault((row["student"], row["form"]), {})[row["item"]] = {
            "answer": row["answer"], "confidence": row["confidence"]}
    answers: dict[tuple[str, str], dict[str, dict]] = {}
    for (student, form), given in planted.items():
        if (student, form) == MISSING:
            continue
        choices = {item: (r["answer"], r["confidence"]) for item, r in given.items()}
        items = [i.id for i in check.items(form)]
        if (student, form) == UNANSWERED[:2]:
            for item in items[-UNANSWERED[2]:]:
                del choices[item]
        if (student, form) == OUT_OF_RANGE:
            choices[items[0]] = (choices[items[0]][0], 0.8)
        assignment = ASSIGNMENTS[form]
        released = nbformat.read(str(root / "exercises" / assignment / f"{assignment}.ipynb"), as_version=4)
        folder = root / "submitted" / student / assignment
        folder.mkdir(parents=True)
        nbformat.write(_submission(released, choices), str(folder / f"{assignment}.ipynb"))
        answers[(student, form)] = {item: {"answer": c[0], "confidence": c[1]} for item, c in choices.items()
                                    if not ((student, form) == OUT_OF_RANGE and item == items[0])}
    autograde = nbgrader(["autograde", "check-*"], root)
    feedback = nbgrader(["generate_feedback", "check-delayed"], root)  # the 0-point form
    export = nbgrader(["export"], root)
    out = root / "check-report.html"
    groups = root / "groups.csv"
    groups.write_text("student,group\n" + "".join(f"{s},{s[0]}\n" for s in sorted({s for s, _ in planted})),
                      encoding="utf-8")
    report = subprocess.run([sys.executable, "-m", "medialit.assessment.report", "--course", str(root),
                             "--groups", str(groups), "-o", str(out), "--rounds", "200",
                             "--canvas", str(root / "canvas.csv")],
                            capture_output=True, text=True, timeout=300)
    return Course(root, check, answers, autograde, report, out.read_text(encoding="utf-8") if out.exists() else "",
                  feedback, export)


def test_every_handed_in_form_is_autograded(course: Course) -> None:
    assert course.autograde.returncode == 0, (course.autograde.stdout + course.autograde.stderr)[-3000:]
    graded = sorted(p.relative_to(course.root / "autograded").parts[:2]
                    for p in (course.root / "autograded").rglob("*.ipynb"))
    assert graded == sorted((s, ASSIGNMENTS[f]) for s, f in course.answers)
    assert len(graded) == 17


def test_points_count_items_answered_never_which_answer(course: Course) -> None:
    with Gradebook(f"sqlite:///{course.root / 'gradebook.db'}") as gb:
        scores = {(s.student.id, s.assignment.name): (s.score, s.max_score)
                  for a in gb.assignments for s in a.submissions}
    for (student, form), given in course.answers.items():
        score, max_score = scores[(student, ASSIGNMENTS[form])]
        total = len(course.check.items(form))
        points = 0 if form == "delayed" else 1
        assert max_score == points
        assert score == pytest.approx(int(points * len(given) / total * 100) / 100), (student, form)
    # Students who chose differently (their answers to the before form differ) earn the same full points.
    full = [s for (s, f), g in course.answers.items() if f == "before" and len(g) == 24]
    assert len({tuple(sorted((i, a["answer"]) for i, a in course.answers[(s, "before")].items())) for s in full}) > 1
    assert {scores[(s, "check-before")][0] for s in full} == {1.0}
    assert scores[(UNANSWERED[0], "check-after")][0] == pytest.approx(0.91)


def test_a_form_of_no_weight_gets_feedback_and_exports(course: Course) -> None:
    assert course.feedback.returncode == 0, course.feedback.stderr[-3000:]
    pages = sorted((course.root / "feedback").rglob("check-delayed.html"))
    assert len(pages) == 5  # six students took it, less the one who never handed it in
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "You answered 24 of 24 items." in text and "Points: 0 of 0." in text
        assert "not right" not in text and "You got" not in text  # never whether an answer was right
    assert course.export.returncode == 0, course.export.stderr[-3000:]
    import csv
    with open(course.root / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = {(r["assignment"], r["student_id"]): r for r in csv.DictReader(handle)}
    assert float(rows[("check-delayed", "A000")]["max_score"]) == 0
    assert float(rows[("check-before", "A000")]["score"]) == 1


def test_the_one_command_reports_what_was_planted(course: Course) -> None:
    assert course.report.returncode == 0, course.report.stderr[-3000:]
    assert "wrote" in course.report.stdout and "check: 6 students took it" in course.report.stdout
    rows = re.findall(r"<tr data-student='([^']+)' data-form='([^']+)' data-taken='(yes|no)' "
                      r"data-answered='(\d+)'>(.*?)</tr>", course.html, re.S)
    found = {(s, f): (taken, int(n), body) for s, f, taken, n, body in rows}
    students = {s for s, _ in course.answers} | {MISSING[0], ABSENT}
    assert set(found) == {(s, f) for s in students for f in ASSIGNMENTS}
    for (student, form), given in course.answers.items():
        taken, answered, body = found[(student, form)]
        assert taken == "yes" and answered == len(given), (student, form)
        want = skill_counts(course.check, form, given)
        for skill, counts in want.items():
            cell = re.search(rf"data-skill='{skill}' data-hits='(\d+)' data-misses='(\d+)' data-false-alarms='(\d+)' "
                             rf"data-correct-rejections='(\d+)'", body)
            assert cell and tuple(map(int, cell.groups())) == (counts["hits"], counts["misses"], counts["false_alarms"],
                                                               counts["correct_rejections"]), (student, form, skill)


def test_the_one_command_adds_the_graded_task_sections_and_keeps_them_from_students(course: Course) -> None:
    # The class picture comes first: every student × assignment, then the graded tasks (this course has only the
    # check's forms, whose participation tasks have no key, so only the section's heading and warning are
    # there), then the check's own sections.
    assert "Graded tasks (instructors only)</h2>" in course.html
    assert course.html.index("<table class='heat'>") < course.html.index("Graded tasks (instructors only)") \
        < course.html.index("data-form=")
    from medialit.assessment.report import main

    inside_exercises = course.root / "exercises" / "check-report.html"
    assert main(["--course", str(course.root), "-o", str(inside_exercises)]) == 2
    assert not inside_exercises.exists()


def test_the_one_command_also_writes_the_canvas_file_with_a_status_column(course: Course) -> None:
    assert course.report.returncode == 0, course.report.stderr[-3000:]
    with open(course.root / "canvas.csv", newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    header, points, rows = table[0], table[1], table[2:]
    assert header[:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert points[0].strip() == "Points Possible"
    assert any("status" in name.lower() for name in header), header
    students = {s for s, _ in course.answers} | {MISSING[0], ABSENT}
    assert {row[header.index("SIS Login ID")] for row in rows} == students
    # One column per task: each form's hand-in task, so at least one per form.
    assert sum(any(form in name for name in header) for form in ASSIGNMENTS) == len(ASSIGNMENTS), header


def test_groups_from_a_file_are_compared(course: Course) -> None:
    for group in ("A", "B"):
        assert f"<tr data-group='{group}' data-skill='loaded_language' data-form='after'>" in course.html, group


def test_missing_forms_are_reported_with_their_reason(course: Course) -> None:
    rows = dict(((s, f), body) for s, f, body in re.findall(
        r"<tr data-student='([^']+)' data-form='([^']+)' data-taken='no'[^>]*>(.*?)</tr>", course.html, re.S))
    assert set(rows) == {MISSING} | {(ABSENT, f) for f in ASSIGNMENTS}
    assert "missing (not submitted)" in rows[MISSING]
    assert "17 forms taken, 4 missing" in course.html


@pytest.mark.browser
def test_the_report_asks_for_nothing_and_renders(course: Course, browser: Browser) -> None:
    # No script, no source, and links only within the page (its contents list).
    assert "<script" not in course.html.lower() and not re.search(r"src\s*=|href\s*=\s*['\"](?!#)", course.html, re.I)
    assert re.search(r"href\s*=\s*['\"]#", course.html)
    path = course.root / "check-report.html"
    page = browser.new_page(viewport={"width": 390, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    assert requests == [path.as_uri()]
    assert page.locator("#students tbody tr").count() == 7 * 3
    assert page.locator("svg[role='img']").count() > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
    page.add_script_tag(path=str(AXE))  # installed by scripts/test (npm ci)
    violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
        .violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}))""")
    assert not [v for v in violations if v["impact"] in ("serious", "critical")], violations
    page.close()
