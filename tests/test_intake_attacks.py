"""What a student controls outside their code, autograded for real (issue 23; medialit/grading/intake.py).

One class on the attacked assignment, autograded with `nbgrader autograde` in the sandbox: the victim with every
answer right, and one submission per intake attack (tests/submissions INTAKE_ATTACKS): links beside the notebook
to the key, the gradebook and /etc/shadow, a hard link to the key, a pipe; the notebook itself a link to the
solution; a notebook nested 200k levels deep; a garbage timestamp; pasted and invented grade cells; ids with a
quote and script, with <meta>, with a formula prefix and with a glob character. Each gains nothing, harms no
classmate, leaves report/export/grade-class working, and is reported with a reason a person can act on. Then the
same class goes through grade-class (its own staging), and a submission comes in through `nbgrader collect` from
an exchange whose inbound folder holds links, and through `nbgrader zip_collect`.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from submissions import (
    ATTACKED,
    FORMULA_ID,
    GARBAGE_TIMESTAMP,
    GLOB_ID,
    INTAKE_ATTACKS,
    LINKED_FILES,
    SCRIPT_ID,
    UNSAFE_IDS,
    auto_points,
    generate_all,
    make_course,
    nbgrader,
    probes,
    right,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
CELL_TIMEOUT = 10
KEY_MARK = "### BEGIN HIDDEN TESTS"


@dataclass
class Graded:
    course: Path
    autograde: subprocess.CompletedProcess[str]

    def scores(self) -> dict[str, float]:
        with Gradebook(f"sqlite:///{self.course / 'gradebook.db'}") as gb:
            return {s.student.id: s.score for s in gb.find_assignment(ATTACKED).submissions}

    def autograded(self, student: str) -> Path:
        return self.course / "autograded" / student / ATTACKED

    def status(self, student: str) -> dict:
        from medialit.grading.status import read_status

        return read_status(self.course, ATTACKED, student)  # the status store's own reader (gradebook table)


def run_module(args: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, env=env, text=True, capture_output=True,
                          timeout=timeout)


def _build(course: Path, students: dict) -> None:
    right_folder = course / "submitted" / "right" / ATTACKED
    right_folder.mkdir(parents=True)
    import nbformat

    nbformat.write(right(ATTACKED, course), str(right_folder / f"{ATTACKED}.ipynb"))
    for student, make in students.items():
        make(ATTACKED, course, course / "submitted" / student / ATTACKED)


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Graded:
    course = make_course(tmp_path_factory.mktemp("intake") / "course")
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write(f"\nc.ExecutePreprocessor.timeout = {CELL_TIMEOUT}\n")
    generate_all(course)
    _build(course, INTAKE_ATTACKS)
    result = nbgrader(["autograde", ATTACKED], course, timeout=800)
    (course / "autograde.log").write_text(result.stdout + result.stderr, encoding="utf-8")
    return Graded(course, result)


def report_blocks(course: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], dict[str, list[str]]]:
    result = run_module(["medialit.grading", "report", *extra, str(course)], course, timeout=120)
    blocks: dict[str, list[str]] = {}
    current: list[str] = []
    for line in result.stdout.splitlines():
        if line.startswith("    "):
            current.append(line.strip())
        elif line.startswith(ATTACKED):
            current = [line]
            blocks[line[17:]] = current
    return result, blocks


def _block(blocks: dict[str, list[str]], student: str) -> list[str]:
    # The report shows an id cut at 120 characters (intake.shown): match on its start.
    found = [b for key, b in blocks.items() if key.startswith(student + " ") or key.startswith(student[:100])]
    assert found, (student, list(blocks))
    return found[0]


# --- the victim and the class ------------------------------------------------------------------------------

def test_the_victim_keeps_full_marks(graded: Graded) -> None:
    assert graded.scores()["right"] >= auto_points(ATTACKED), graded.autograde.stderr[-3000:]


# --- links, hard links, pipes ------------------------------------------------------------------------------

def test_linked_files_never_reach_the_kernel_and_gain_nothing(graded: Graded) -> None:
    import nbformat

    nb = nbformat.read(str(graded.autograded("intake-linked-files") / f"{ATTACKED}.ipynb"), as_version=4)
    seen = probes(nb)
    assert seen, "the attack's probes are missing"
    for entry in LINKED_FILES:
        assert str(seen[entry]).startswith("refused"), (entry, seen[entry])
    assert seen["answers_from_key"] is False
    assert not set(seen["listing"]) & {*LINKED_FILES, "pipe"}, seen["listing"]
    # Zero automatic points: the written answer is not graded yet, so the score is the automatic points.
    assert graded.scores()["intake-linked-files"] == 0


def test_linked_files_are_not_copied_anywhere(graded: Graded) -> None:
    folder = graded.autograded("intake-linked-files")
    names = sorted(p.name for p in folder.rglob("*"))
    assert names == [f"{ATTACKED}.ipynb"], names
    for path in folder.rglob("*"):
        assert not path.is_symlink()
        assert KEY_MARK not in path.read_text(errors="replace")


def test_each_refused_entry_is_flagged_by_name(graded: Graded) -> None:
    flags = graded.status("intake-linked-files")["notebooks"][ATTACKED]["flags"]
    text = "\n".join(flags)
    for entry in (*LINKED_FILES, "pipe"):
        assert f"intake refused '{entry}'" in text, (entry, flags)
    assert "a symbolic link (to '/etc/shadow')" in text and "hard link" in text and "named pipe" in text
    with Gradebook(f"sqlite:///{graded.course / 'gradebook.db'}") as gb:
        assert gb.find_submission_notebook(ATTACKED, ATTACKED, "intake-linked-files").flagged
    result, blocks = report_blocks(graded.course)
    block = _block(blocks, "intake-linked-files")
    assert "FLAGGED (6)" in block[0], block
    assert sum(line.startswith("FLAG ") and "intake refused" in line for line in block) == 6


def test_feedback_holds_nothing_but_the_page(graded: Graded) -> None:
    result = nbgrader(["generate_feedback", ATTACKED, "--student", "intake-linked-files"], graded.course, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    folder = graded.course / "feedback" / "intake-linked-files" / ATTACKED
    assert sorted(p.name for p in folder.iterdir()) == [f"{ATTACKED}.html"]


def test_the_notebook_as_a_link_is_refused_with_its_reason(graded: Graded) -> None:
    assert "intake-notebook-link" not in graded.scores() or graded.scores()["intake-notebook-link"] == 0
    assert not (graded.autograded("intake-notebook-link") / f"{ATTACKED}.ipynb").exists()
    record = graded.status("intake-notebook-link")
    assert record["status"] == "failed" and "a symbolic link" in record["reason"]
    assert "submit the notebook file itself" in record["reason"]
    _, blocks = report_blocks(graded.course)
    block = _block(blocks, "intake-notebook-link")
    assert "failed" in block[0] and any("refused at intake" in line for line in block), block


# --- shape and time ---------------------------------------------------------------------------------------

def test_a_deep_notebook_is_refused_and_every_tool_keeps_working(graded: Graded, tmp_path: Path) -> None:
    record = graded.status("intake-deep-json")
    assert record["status"] == "failed" and "nested more than 100 levels" in record["reason"]
    result, blocks = report_blocks(graded.course)
    assert "Traceback" not in result.stderr and "RecursionError" not in result.stdout + result.stderr, result.stderr
    assert "nested more than" in " ".join(_block(blocks, "intake-deep-json"))
    exported = run_module(["medialit.grading", "export", "--to", str(tmp_path / "g.csv"), "--canvas",
                           str(tmp_path / "c.csv"), str(graded.course)], graded.course)
    assert exported.returncode == 1 and "Traceback" not in exported.stderr, exported.stderr  # 1: failed ones exist
    theirs = nbgrader(["export", "--to", str(tmp_path / "n.csv")], graded.course, timeout=120)
    assert theirs.returncode == 0 and "Traceback" not in theirs.stderr, theirs.stderr[-2000:]


def test_a_garbage_timestamp_is_named_and_the_rest_graded(graded: Graded) -> None:
    assert graded.scores()["intake-garbage-timestamp"] >= auto_points(ATTACKED)
    flags = graded.status("intake-garbage-timestamp")["notebooks"][ATTACKED]["flags"]
    stamp = graded.course / "submitted" / "intake-garbage-timestamp" / ATTACKED / "timestamp.txt"
    assert any(f.startswith("timestamp unreadable: ") and str(stamp) in f and GARBAGE_TIMESTAMP in f for f in flags)
    result, blocks = report_blocks(graded.course)
    assert "Unknown string format" not in result.stderr and "Traceback" not in result.stderr
    assert "FLAGGED" in _block(blocks, "intake-garbage-timestamp")[0]


# --- pasted and invented grade cells ---------------------------------------------------------------------------

def test_a_pasted_or_invented_cell_costs_only_itself(graded: Graded) -> None:
    scores = graded.scores()
    assert scores["intake-pasted-cells"] == pytest.approx(scores["right"]), graded.status("intake-pasted-cells")
    record = graded.status("intake-pasted-cells")
    assert record["status"] == "graded"
    incidents = " ".join(i["message"] for i in record["notebooks"][ATTACKED]["incidents"])
    assert "invented-full-marks" in incidents and "not part of this assignment" in incidents


# --- ids ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("student", UNSAFE_IDS)
def test_an_unsafe_id_is_refused_with_the_name_to_use(graded: Graded, student: str) -> None:
    assert student not in graded.scores()
    assert not graded.autograded(student).exists()
    _, blocks = report_blocks(graded.course)
    block = _block(blocks, student)
    assert "failed" in block[0] and any("Rename" in line and "letters, digits" in line for line in block), block
    if student == GLOB_ID:
        assert "not graded yet" not in block[0]


def test_csv_exports_neutralise_formulas(graded: Graded, tmp_path: Path) -> None:
    run_module(["medialit.grading", "export", "--to", str(tmp_path / "g.csv"), "--canvas", str(tmp_path / "c.csv"),
                str(graded.course)], graded.course)
    nbgrader(["export", "--to", str(tmp_path / "n.csv")], graded.course, timeout=120)
    for name in ("g.csv", "c.csv", "n.csv"):
        with open(tmp_path / name, newline="", encoding="utf-8") as handle:
            cells = [cell for row in csv.reader(handle) for cell in row]
        assert cells, name
        assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or (c[:1] == "-" and not _number(c))], name
        assert any(c.startswith("'" + FORMULA_ID[:5]) for c in cells), name


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


# --- grade-class: its own staging -------------------------------------------------------------------------------

def test_grade_class_stages_through_intake(graded: Graded, tmp_path: Path) -> None:
    course = make_course(tmp_path / "class")
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write(f"\nc.ExecutePreprocessor.timeout = {CELL_TIMEOUT}\n")
    generate_all(course)
    chosen = ("intake-linked-files", "intake-deep-json", "intake-garbage-timestamp", GLOB_ID, SCRIPT_ID)
    _build(course, {s: INTAKE_ATTACKS[s] for s in chosen})
    result = run_module(["medialit.grading", "grade-class", "--course-dir", str(course), "--workers", "2",
                         ATTACKED], course, timeout=800)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.returncode == 1, result.stdout  # the refused ones fail; everybody else is graded
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores = {s.student.id: s.score for s in gb.find_assignment(ATTACKED).submissions}
    assert scores["right"] >= auto_points(ATTACKED) and scores["intake-garbage-timestamp"] >= auto_points(ATTACKED)
    assert scores["intake-linked-files"] == 0
    from medialit.grading.status import read_status

    flags = read_status(course, ATTACKED, "intake-linked-files")
    assert sum("intake refused" in f for f in flags["notebooks"][ATTACKED]["flags"]) == 6
    assert "FAILED loaded-language for intake-deep-json: " in result.stdout and "nested more than" in result.stdout
    assert f"FAILED loaded-language for {GLOB_ID}: " in result.stdout and "Rename" in result.stdout
    assert not list((course / "autograded").rglob("key.txt"))


# --- collect from an exchange, zip_collect ------------------------------------------------------------------

def test_collect_never_follows_a_link_out_of_inbound(graded: Graded, tmp_path: Path) -> None:
    course = graded.course
    exchange = tmp_path / "exchange"
    inbound = exchange / "medialit-deir-ezzor" / "inbound"
    inbound.mkdir(parents=True)
    stamp = "2026-12-01 10:00:00.000000 UTC"
    good = inbound / f"collector+{ATTACKED}+{stamp}+abc"
    good.mkdir()
    shutil.copy(course / "submitted" / "right" / ATTACKED / f"{ATTACKED}.ipynb", good)
    (good / "timestamp.txt").write_text(stamp)
    (good / "key.txt").symlink_to(course / "solutions" / ATTACKED / f"{ATTACKED}.ipynb")
    (inbound / f"linker+{ATTACKED}+{stamp}+def").symlink_to(course / "solutions" / ATTACKED,
                                                            target_is_directory=True)
    (inbound / f"y[2]+{ATTACKED}+{stamp}+ghi").mkdir()
    (inbound / f"late+{ATTACKED}+not a time+jkl").mkdir()
    result = nbgrader(["collect", ATTACKED, f"--Exchange.root={exchange}", "--CollectApp.check_owner=False"],
                      course, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    collected = course / "submitted" / "collector" / ATTACKED
    assert sorted(p.name for p in collected.iterdir()) == [f"{ATTACKED}.ipynb", "timestamp.txt"]
    assert not (course / "submitted" / "linker").exists() and not (course / "submitted" / "y[2]").exists()
    assert "inbound submission" in result.stderr and "Rename" in result.stderr and "does not parse" in result.stderr
    manifest = json.loads((course / "intake-refused" / ATTACKED / "collector.json").read_text())
    assert [m["path"] for m in manifest] == ["key.txt"] and manifest[0]["stage"] == "collect"


def test_zip_collect_refuses_unsafe_names(graded: Graded, tmp_path: Path) -> None:
    """Through the course's Canvas collector (lms.LmsCollector, set in nbgrader_config.py), whose roster maps
    an LMS number to an nbgrader id: an id outside the safe set is refused by intake's one check."""
    course = graded.course
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.update_or_create_student("zipper", lms_user_id="7001")
        gb.update_or_create_student("@zip", lms_user_id="7002")  # an id no other test's folder has
    archive = course / "downloaded" / ATTACKED / "archive"
    archive.mkdir(parents=True)
    source = course / "submitted" / "right" / ATTACKED / f"{ATTACKED}.ipynb"
    shutil.copy(source, archive / f"zipperz_7001_9001_{ATTACKED}.ipynb")
    shutil.copy(source, archive / f"formulaf_7002_9002_{ATTACKED}.ipynb")
    result = nbgrader(["zip_collect", ATTACKED, "--force"], course, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (course / "submitted" / "zipper" / ATTACKED / f"{ATTACKED}.ipynb").is_file()
    assert not (course / "submitted" / "@zip").exists()
    assert "student id '@zip' is refused" in result.stderr and "Rename" in result.stderr
