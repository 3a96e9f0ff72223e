"""Every submission is accounted for: the status store, the report and export, and grade_class under signals.

One small course (loaded-language, graded by grade_class with 2 workers) holds one student per status
the report knows, plus a flagged and a dead-kernel submission whose reasons must be stored on disk.
Separate small classes are stopped with SIGTERM and SIGINT half-way, and one has a worker killed:
whatever was graded stays merged, the rest is reported, nothing stays in the temporary folder and
no process survives. Every subprocess has a timeout; each test has a pytest timeout.
"""
from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from submissions import (
    ATTACKED,
    NOT_JSON,
    attack_edit_locked,
    generate_all,
    make_course,
    nbgrader,
    right,
    untouched,
)
from support.grading import dead_kernel, fast_course, put, run_module

REPO = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.slow]


@pytest.mark.timeout(120)
def test_report_and_export_refuse_a_missing_gradebook_and_create_nothing(tmp_path: Path) -> None:
    course = make_course(tmp_path / "course")
    for command in (["report"], ["export"]):
        result = run_module(["medialit.grading", *command, str(course)], tmp_path, timeout=60)
        assert result.returncode == 2, result.stderr
        assert "no gradebook at" in result.stderr and "generate_assignment" in result.stderr
        assert not (course / "gradebook.db").exists()
        assert not (course / "grades.csv").exists()
    # A db_url in the config that names a missing file: the same, at that path.
    elsewhere = tmp_path / "elsewhere" / "gb.db"
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write(f"\nc.CourseDirectory.db_url = 'sqlite:///{elsewhere}'\n")
    result = run_module(["medialit.grading", "report", str(course)], tmp_path, timeout=60)
    assert result.returncode == 2 and str(elsewhere) in result.stderr
    assert not elsewhere.exists() and not (course / "gradebook.db").exists()


@pytest.mark.timeout(120)
def test_a_server_gradebook_that_cannot_be_opened_is_a_clear_error(tmp_path: Path) -> None:
    course = make_course(tmp_path / "course")
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write("\nc.CourseDirectory.db_url = 'postgresql+psycopg2://grader:s3cret@127.0.0.1:9/medialit'\n")
    result = run_module(["medialit.grading", "report", str(course)], tmp_path, timeout=60)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "cannot open the gradebook postgresql+psycopg2://grader:***@127.0.0.1:9/medialit" in result.stderr
    assert "s3cret" not in result.stderr
    assert "db_url" in result.stderr
    # With the installed driver and nothing listening: every command says it in one line, password masked.
    (course / "nbgrader_config.py").write_text((course / "nbgrader_config.py").read_text().replace(
        "postgresql+psycopg2://", "postgresql+psycopg://"), encoding="utf-8")
    for args in (["report", str(course)], ["export", "--canvas", str(tmp_path / "c.csv"), str(course)],
                 ["grade-class", "--course-dir", str(course)]):
        result = run_module(["medialit.grading", *args], tmp_path, timeout=60)
        assert result.returncode == 2, (args, result.stdout + result.stderr)
        assert "cannot open the gradebook postgresql+psycopg://grader:***@127.0.0.1:9/medialit" in result.stderr, args
        assert "s3cret" not in result.stderr + result.stdout and "Traceback" not in result.stderr, args
        assert len(result.stderr.strip().splitlines()) == 1, (args, result.stderr)


@pytest.mark.timeout(300)
def test_report_reads_the_gradebook_db_url_names(tmp_path: Path) -> None:
    """The gradebook is wherever nbgrader_config.py's db_url says, not ./gradebook.db."""
    course = make_course(tmp_path / "course")
    elsewhere = tmp_path / "db" / "grades-2026.db"
    elsewhere.parent.mkdir()
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write(f"\nc.CourseDirectory.db_url = 'sqlite:///{elsewhere}'\n")
    generate_all(course)
    assert elsewhere.is_file() and not (course / "gradebook.db").exists()
    put(course, "only-student", ATTACKED, untouched(ATTACKED, course))
    result = run_module(["medialit.grading", "report", str(course)], tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert f"{ATTACKED:<16} only-student" in result.stdout and "submitted, not graded yet" in result.stdout
    assert not (course / "gradebook.db").exists()


# --- one student per status ---------------------------------------------------------------------

STUDENTS = {
    # student: (how the submission is made, the report's status, the reason or flag it must name)
    "a-right": (right, "needs manual grading", None),
    "b-untouched": (untouched, "graded", None),
    "c-flagged": (attack_edit_locked, "graded", "locked cell 'll-check13' was edited"),
    "d-dead-kernel": (dead_kernel, "needs manual grading", "kernel_died in ll-answer13"),
    "e-not-json": (NOT_JSON, "failed", "is not valid JSON"),
    "f-no-notebook": ("wrong-name.ipynb", "failed", f"{ATTACKED}.ipynb is missing"),
}


@pytest.fixture(scope="module")
def status_course(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    course = fast_course(tmp_path_factory.mktemp("status") / "course")
    for student, (make, _, _) in STUDENTS.items():
        if make == "wrong-name.ipynb":
            folder = course / "submitted" / student / ATTACKED
            folder.mkdir(parents=True)
            nbformat.write(untouched(ATTACKED, course), str(folder / "wrong-name.ipynb"))
        else:
            put(course, student, ATTACKED, make if isinstance(make, str) else make(ATTACKED, course))
    # A student who submitted another assignment only: "not submitted" for loaded-language.
    put(course, "g-other-only", "sourcing", untouched("sourcing", course))
    graded = run_module(["medialit.grading", "grade-class", "--course-dir", str(course), "--workers", "2", ATTACKED],
                        course, timeout=600)
    # Submitted after grading: "submitted, not graded yet".
    put(course, "h-late", ATTACKED, untouched(ATTACKED, course))
    return course, graded


def report_lines(course: Path) -> tuple[int, dict[tuple[str, str], list[str]]]:
    result = run_module(["medialit.grading", "report", str(course)], course, timeout=120)
    assert result.returncode in (0, 1), result.stderr
    blocks: dict[tuple[str, str], list[str]] = {}
    current: list[str] = []
    for line in result.stdout.splitlines():
        if line.startswith("    "):
            current.append(line.strip())
        elif not line.startswith("total:"):
            current = [line]
            blocks[tuple(line.split()[:2])] = current
    return result.returncode, blocks


@pytest.mark.timeout(900)
def test_every_student_and_assignment_has_its_status(status_course: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    course, graded = status_course
    assert graded.returncode == 1, graded.stdout + graded.stderr  # two submissions failed, the rest were graded
    assert "graded 4, failed 2" in graded.stdout
    code, blocks = report_lines(course)
    assert code == 1  # failed submissions make the report's exit status 1
    for student, (_, status, reason) in STUDENTS.items():
        block = blocks[(ATTACKED, student)]
        assert status in block[0], (student, block)
        if reason:
            assert any(reason in line for line in block), (student, block)
    assert "needs manual grading (1 answer)" in blocks[(ATTACKED, "a-right")][0]
    assert "FLAGGED" in blocks[(ATTACKED, "c-flagged")][0]
    assert "NOT GRADED" in blocks[(ATTACKED, "e-not-json")][0]
    assert "not submitted" in blocks[(ATTACKED, "g-other-only")][0]
    assert "submitted, not graded yet" in blocks[("sourcing", "g-other-only")][0]
    assert "submitted, not graded yet" in blocks[(ATTACKED, "h-late")][0]
    # Every assignment of the gradebook has a line for every student it knows of.
    students = set(STUDENTS) | {"g-other-only", "h-late"}
    for assignment in ("loaded-language", "sourcing", "statements", "capstone"):
        assert {s for a, s in blocks if a == assignment} == students


@pytest.mark.timeout(900)
def test_reasons_are_stored_on_disk_not_only_logged(status_course: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    course, _ = status_course
    store = course / "grading-status" / ATTACKED
    flagged = json.loads((store / "c-flagged.json").read_text())
    assert flagged["status"] == "graded"
    assert "locked cell 'll-check13' was edited" in flagged["notebooks"][ATTACKED]["flags"]
    dead = json.loads((store / "d-dead-kernel.json").read_text())
    kinds = [(i["kind"], i["cell"]) for i in dead["notebooks"][ATTACKED]["incidents"]]
    assert ("kernel_died", "ll-answer13") in kinds
    failed = json.loads((store / "e-not-json.json").read_text())
    assert failed["status"] == "failed" and "not valid JSON" in failed["reason"]
    assert Path(failed["log"]).is_file(), "the failure's log is kept where the record says"
    missing = json.loads((store / "f-no-notebook.json").read_text())
    assert missing["status"] == "failed" and "is missing" in missing["reason"]
    # The store never holds the hidden tests' specs (resources["medialit"]["stash"]).
    for path in store.glob("*.json"):
        assert "stash" not in path.read_text() and "spec" not in path.read_text()


@pytest.mark.timeout(900)
def test_export_has_a_status_column_and_warns(status_course: tuple[Path, subprocess.CompletedProcess[str]],
                                              tmp_path: Path) -> None:
    course, _ = status_course
    ours = run_module(["medialit.grading", "export", "--to", str(tmp_path / "ours.csv"), str(course)], course,
                      timeout=120)
    assert "still need manual grading" in ours.stderr and "failed to autograde" in ours.stderr
    theirs = nbgrader(["export", "--to", str(tmp_path / "nbgrader.csv")], course, timeout=120)
    assert theirs.returncode == 0, theirs.stderr
    assert "still need manual grading" in theirs.stderr  # nbgrader's own export, with the course's plugin
    for path in (tmp_path / "ours.csv", tmp_path / "nbgrader.csv"):
        with open(path, newline="") as handle:
            rows = {(r["assignment"], r["student_id"]): r for r in csv.DictReader(handle)}
        assert rows[(ATTACKED, "g-other-only")]["status"] == "not submitted"
        assert rows[(ATTACKED, "b-untouched")]["status"] == "graded"
        assert rows[(ATTACKED, "g-other-only")]["score"] == rows[(ATTACKED, "b-untouched")]["score"] == "0.0"
        assert rows[(ATTACKED, "a-right")]["manual_pending"] == "1"
        assert "not valid JSON" in rows[(ATTACKED, "e-not-json")]["reason"]


# --- grade_class stopped half-way ---------------------------------------------------------------

SIGNAL_STUDENTS = [f"s{i}" for i in range(6)]


def signal_course(root: Path) -> Path:
    course = fast_course(root)
    for student in SIGNAL_STUDENTS:
        for name in (ATTACKED, "sourcing"):
            put(course, student, name, right(name, course))
    return course


def start_grade_class(course: Path, tmp: Path) -> subprocess.Popen[str]:
    tmp.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(tmp),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.Popen([sys.executable, "-m", "medialit.grading.class_runner", "--course-dir", str(course),
                             "--workers", "2", "--timeout", "300"], cwd=course, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def merged(course: Path) -> list[tuple[str, str]]:
    folder = course / "autograded"
    return sorted((p.name, p.parent.name) for p in folder.glob("*/*") if p.is_dir()) if folder.is_dir() else []


def submissions_in_gradebook(course: Path) -> set[tuple[str, str]]:
    con = sqlite3.connect(course / "gradebook.db")
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = con.execute("SELECT a.name, sa.student_id FROM submitted_assignment sa"
                           " JOIN assignment a ON sa.assignment_id = a.id").fetchall()
        graded_cells = con.execute(
            "SELECT a.name, sa.student_id, COUNT(g.id) FROM submitted_assignment sa JOIN assignment a"
            " ON sa.assignment_id = a.id JOIN submitted_notebook sn ON sn.assignment_id = sa.id"
            " JOIN grade g ON g.notebook_id = sn.id WHERE g.auto_score IS NOT NULL OR g.needs_manual_grade = 1"
            " GROUP BY 1, 2").fetchall()
    finally:
        con.close()
    assert {(a, s) for a, s, n in graded_cells if n} == set(rows), "a submission without its grades"
    return set(rows)


@pytest.mark.timeout(600)
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_half_way_loses_nothing_and_leaves_nothing(tmp_path: Path, signum: int) -> None:
    course = signal_course(tmp_path / "course")
    process = start_grade_class(course, tmp_path / "tmp")
    family: set[int] = set()
    try:
        def half_way() -> bool:
            with_children = psutil.Process(process.pid).children(recursive=True)
            family.update(p.pid for p in with_children)
            return len(merged(course)) >= 1

        wait_for(half_way, 300, "the first merged submission")
        family.update(p.pid for p in psutil.Process(process.pid).children(recursive=True))
        assert any("batch_worker" in " ".join(_cmdline(pid)) for pid in family), "no worker was running"
        process.send_signal(signum)
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 128 + signum, out + err
    assert f"STOPPED by {signal.Signals(signum).name}" in out
    done = merged(course)
    not_graded = sorted(tuple(line.split()[2::2]) for line in out.splitlines() if line.strip().startswith("NOT GRADED"))
    every = sorted((a, s) for s in SIGNAL_STUDENTS for a in (ATTACKED, "sourcing"))
    assert done, "what was graded before the signal must stay merged"
    assert not_graded, "the run was stopped half-way: some submissions must be reported not graded"
    assert sorted(done + not_graded) == every, "every submission is either merged or reported not graded"
    # The gradebook holds exactly the merged submissions, each with its grades.
    assert submissions_in_gradebook(course) == set(done)
    assert not list((tmp_path / "tmp").glob("grade_class-*")), "the temporary folder must be left empty"
    time.sleep(0.5)
    alive = [pid for pid in family if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
    assert not alive, f"orphan processes: {[_cmdline(pid) for pid in alive]}"
    # The report agrees: merged ones graded, the rest waiting.
    _, blocks = report_lines(course)
    for assignment, student in not_graded:
        assert "submitted, not graded yet" in blocks[(assignment, student)][0]
    for assignment, student in done:
        assert "needs manual grading" in blocks[(assignment, student)][0]


@pytest.mark.timeout(600)
def test_a_worker_that_dies_leaves_its_students_reported(tmp_path: Path) -> None:
    course = signal_course(tmp_path / "course")
    process = start_grade_class(course, tmp_path / "tmp")
    try:
        def a_worker() -> list[psutil.Process]:
            # _cmdline: a worker that has just exited is a zombie until grade_class reaps it.
            return [p for p in psutil.Process(process.pid).children() if "batch_worker" in " ".join(_cmdline(p.pid))]

        wait_for(lambda: len(a_worker()) == 2 and len(merged(course)) >= 1, 300, "two workers and a merged submission")
        victim = a_worker()[0]
        victims = {victim.pid, *(p.pid for p in victim.children(recursive=True))}
        victim.kill()
        out, err = process.communicate(timeout=400)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 1, out + err
    assert "killed (signal 9)" in out
    found = {(m.group(1), m.group(2)) for m in re.finditer(r"^\s+FAILED (\S+) for (\S+?): ", out, re.M)}
    every = {(a, s) for s in SIGNAL_STUDENTS for a in (ATTACKED, "sourcing")}
    assert set(merged(course)) | found == every, "every submission is graded or reported failed"
    assert not set(merged(course)) & found
    _, blocks = report_lines(course)
    for assignment, student in found:
        assert "failed" in blocks[(assignment, student)][0]
        assert any("killed (signal 9)" in line for line in blocks[(assignment, student)])
    assert not list((tmp_path / "tmp").glob("grade_class-*"))
    time.sleep(0.5)
    alive = [pid for pid in victims if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
    assert not alive, f"orphans of the killed worker: {[_cmdline(pid) for pid in alive]}"


def _cmdline(pid: int) -> list[str]:
    try:
        return psutil.Process(pid).cmdline()
    except psutil.Error:
        return []


@pytest.mark.timeout(600)
def test_sigkill_of_grade_class_takes_its_workers_and_the_next_run_cleans_up(tmp_path: Path) -> None:
    """SIGKILL cannot be handled: the workers die with grade_class (PR_SET_PDEATHSIG), and the next run
    removes the dead run's work folder (it holds gradebook copies with the hidden tests)."""
    course = signal_course(tmp_path / "course")
    process = start_grade_class(course, tmp_path / "tmp")
    try:
        def workers() -> list[psutil.Process]:
            found = []
            for child in psutil.Process(process.pid).children():
                # A child that exits between the listing and cmdline() is no running worker (a race seen under xdist).
                with contextlib.suppress(psutil.NoSuchProcess):
                    if "batch_worker" in " ".join(child.cmdline()):
                        found.append(child)
            return found

        wait_for(lambda: len(workers()) == 2, 300, "two workers")
        family = {p.pid for p in psutil.Process(process.pid).children(recursive=True)}
        process.kill()
        process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    wait_for(lambda: not [pid for pid in family if psutil.pid_exists(pid)
                          and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE], 30, "the workers to die")
    assert list((tmp_path / "tmp").glob("grade_class-*")), "a SIGKILLed run cannot clean up after itself"
    again = start_grade_class(course, tmp_path / "tmp")
    out, err = again.communicate(timeout=400)
    assert again.returncode == 0, out + err
    assert not list((tmp_path / "tmp").glob("grade_class-*")), "the next run removes the dead run's work folder"
    every = sorted((a, s) for s in SIGNAL_STUDENTS for a in (ATTACKED, "sourcing"))
    assert merged(course) == every
    assert submissions_in_gradebook(course) == set(every)


def test_a_huge_answer_is_not_kept_for_the_report(tmp_path: Path) -> None:
    """A student's answer is stored for the class report only up to status.ANSWER_CHARS: a flood in an answer
    cell cannot make a status record the size of the flood (issue 23: a 50 MB grading-status file)."""
    from medialit.grading.status import ANSWER_CHARS, read_answers, record_notebook

    huge = ["word"] * (ANSWER_CHARS // 2)  # about 4 x the limit as JSON, well under a megabyte
    small = ["proudly claimed"]
    record_notebook(tmp_path, "loaded-language", "s1", "loaded-language", "autograde", [], [],
                    {"ll/13": {"answer": huge, "points": 0, "max_points": 3},
                     "ll/24": {"answer": small, "points": 2, "max_points": 4}})
    stored = read_answers(tmp_path)[("loaded-language", "s1")]
    assert stored["ll/24"]["answer"] == small, "an answer under the limit is kept as it was"
    assert stored["ll/13"]["answer"] is None
    assert "characters" in stored["ll/13"]["answer_not_kept"]
    assert stored["ll/13"]["points"] == 0.0, "the points are kept even when the answer is not"
    size = sum(p.stat().st_size for p in tmp_path.rglob("*") if p.is_file())
    assert size < 4 * ANSWER_CHARS, f"the status files hold {size:,} bytes for an answer that was not kept"
