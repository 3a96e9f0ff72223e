"""The invented case's whole path, as docs/case-kit.md walks it: `medialit case build` into a temporary course
folder, its own site (jupyter-book build -W), nbgrader generate, a right and a blank submission autograded in the
sandbox, the report; and the key-leak scan over everything released for this case."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from medialit import load_case
from medialit.case import SEEDS_DIR
from medialit.casekit.build import build_case
from medialit.grading import hidden_awards, split_hidden

from submissions import nbgrader, right, untouched
from support.key_scan import PAGE_SUFFIXES, normalise, read_normalised, scan_text, spec_records

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

REPO = Path(__file__).resolve().parents[1]
INVENTED = "velmora-ferry-2031"
ASSIGNMENTS = {"loaded-language": 6.0, "sourcing": 2.0}


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("casekit") / INVENTED
    build_case(SEEDS_DIR / INVENTED, out=out)
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(out.parent), "LANG": "C.UTF-8"}
    site = subprocess.run([sys.executable, "-m", "medialit.tooling.build_book", "build", str(out), "-W", "--keep-going"],
                          capture_output=True, text=True, timeout=900, env=env)
    assert site.returncode == 0, f"the invented case's site did not build:\n{site.stdout[-3000:]}\n{site.stderr[-3000:]}"
    generated = nbgrader(["generate_assignment", "*", "--force"], out)
    assert generated.returncode == 0, generated.stderr[-3000:]
    for assignment in ASSIGNMENTS:
        for student, make in (("right", right), ("blank", untouched)):
            folder = out / "submitted" / student / assignment
            folder.mkdir(parents=True)
            nbformat.write(make(assignment, out), str(folder / f"{assignment}.ipynb"))
    graded = nbgrader(["autograde", "*"], out)
    assert graded.returncode == 0, graded.stderr[-4000:]
    return out


def test_the_site_has_every_page_with_its_widgets(course: Path) -> None:
    html = course / "_build" / "html" / "pages"
    widgets = {page.stem: page.read_text().count("application/vnd.jupyter.widget-view+json") for page in html.glob("*.html")}
    assert widgets == {"index": 0, "article": 0, "loaded-language": 2, "sourcing": 1, "statements": 1, "practice": 3}
    for page in html.glob("*.html"):
        assert "An invented article." in page.read_text(), f"{page.name} does not say the article is invented"


def test_a_right_submission_gets_every_point_and_a_blank_one_none(course: Path) -> None:
    export = nbgrader(["export"], course)
    assert export.returncode == 0, export.stderr[-2000:]
    import csv

    rows = {(r["assignment"], r["student_id"]): r for r in csv.DictReader((course / "grades.csv").open())}
    for assignment, points in ASSIGNMENTS.items():
        assert float(rows[(assignment, "right")]["score"]) == points == float(rows[(assignment, "right")]["max_score"])
        assert float(rows[(assignment, "blank")]["score"]) == 0.0
        assert rows[(assignment, "right")]["status"] == "graded" and not rows[(assignment, "right")]["flags"]


def test_the_report_lists_each_submission(course: Path) -> None:
    report = subprocess.run([sys.executable, "-m", "medialit.grading", "report", str(course)],
                            capture_output=True, text=True, timeout=120)
    assert report.returncode == 0, report.stderr
    for assignment in ASSIGNMENTS:
        for student in ("right", "blank"):
            assert student in report.stdout and assignment in report.stdout


def test_no_graded_key_of_the_invented_case_is_released(course: Path) -> None:
    case = load_case(INVENTED)
    records = []
    for notebook in sorted((course / "solutions").glob("*/*.ipynb")):
        for cell in nbformat.read(notebook, as_version=4).cells:
            hidden = split_hidden(cell.source)[1] if cell.cell_type == "code" else None
            for task, spec in hidden_awards(hidden) if hidden else []:
                records += spec_records(task, spec, case)
    assert len(records) >= 8, "too few key records: is the hidden-test parser reading the generated notebooks?"
    article = normalise(case.text)
    released = [course / "exercises", course / "_build" / "html", course / "pages", course / "practice",
                SEEDS_DIR / INVENTED, REPO / "medialit"]
    leaks, scanned = [], 0
    for root in released:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            text = read_normalised(path)
            if text is None:
                continue
            scanned += 1
            leaks += [f"{path}: {hit}" for hit in scan_text(text, records, page=path.suffix in PAGE_SUFFIXES,
                                                            article=article)]
    assert scanned > 20 and not leaks, "graded keys found in released files:\n" + "\n".join(leaks)
    # The scan can fail: the solutions it read the keys from are found.
    planted = read_normalised(next((course / "solutions").glob("*/*.ipynb")))
    assert planted is not None and scan_text(planted, records, page=True, article=article)
