"""Hostile and careless submissions, autograded by `nbgrader autograde` in the sandbox (medialit/grading/sandbox.py).

One class on the attacked assignment: a student with every answer right (the attacks' victim), one
student per attack and one per ordinary mistake. Each attack reports from inside its kernel what it
could see and do (tests/submissions, MEDIALIT-PROBE lines); the tests assert those reports, the
scores, that nobody else lost a point, and that nothing was left running or written. Every attack
is bounded so that even an unsandboxed run could not harm the machine.
"""
from __future__ import annotations

import hashlib
import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from subprocess import CompletedProcess

import nbformat
import pytest
from nbgrader.api import Gradebook

from medialit.grading.sandbox import Limits, SandboxUnavailable, bwrap_path

from submissions import (
    ATTACKED,
    DAEMON_MARKER,
    MISTAKES,
    SANDBOX_ATTACKS,
    attack_network,
    auto_points,
    generate_all,
    make_course,
    nbgrader,
    probes,
    right,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
# A short cell limit keeps the run fast; what is tested is what happens after it, not its length.
CELL_TIMEOUT = 8
TASKS = ("ll-check13", "ll-check24", "ll-check18")


@dataclass
class Graded:
    course: Path
    autograde: CompletedProcess[str]
    scores: dict[str, dict[str, float]]  # student -> {grade_id: auto_score}
    config_hash: str
    loopback_hits: list[bytes]

    def notebook(self, student: str) -> nbformat.NotebookNode:
        return nbformat.read(str(self.course / "autograded" / student / ATTACKED / f"{ATTACKED}.ipynb"), as_version=4)

    def probes(self, student: str) -> dict[str, object]:
        return probes(self.notebook(student))


def _listener() -> tuple[int, list[bytes], threading.Event]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.5)
    hits: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            hits.append(conn.recv(100) or b"(connected)")
            conn.close()
        server.close()

    threading.Thread(target=serve, daemon=True).start()
    return server.getsockname()[1], hits, stop


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Graded:
    course = make_course(tmp_path_factory.mktemp("sandbox") / "course")
    with open(course / "nbgrader_config.py", "a") as config:
        config.write(f"\nc.ExecutePreprocessor.timeout = {CELL_TIMEOUT}\n")
    generate_all(course)
    port, hits, stop = _listener()

    def put(student: str, nb: nbformat.NotebookNode) -> None:
        folder = course / "submitted" / student / ATTACKED
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / f"{ATTACKED}.ipynb"))

    put("right", right(ATTACKED, course))
    for student, make in {**SANDBOX_ATTACKS, **MISTAKES}.items():
        put(student, make(ATTACKED, course))
    put("attack-network", attack_network(ATTACKED, course, port))
    config_hash = hashlib.sha256((course / "nbgrader_config.py").read_bytes()).hexdigest()
    autograde = nbgrader(["autograde", ATTACKED], course, timeout=800)
    (course / "autograde.log").write_text(autograde.stdout + autograde.stderr, encoding="utf-8")
    time.sleep(5)  # longer than the daemon's first sleep: it would have written its marker by now
    stop.set()
    scores: dict[str, dict[str, float]] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for submission in gb.find_assignment(ATTACKED).submissions:
            scores[submission.student.id] = {g.name: g.auto_score for nb in submission.notebooks for g in nb.grades
                                             if g.name in TASKS}
    return Graded(course, autograde, scores, config_hash, hits)


def test_the_whole_batch_is_graded(graded: Graded) -> None:
    students = {"right", "attack-network", *SANDBOX_ATTACKS, *MISTAKES}
    assert set(graded.scores) == students, graded.autograde.stderr[-3000:]
    for student in students:
        assert (graded.course / "autograded" / student / ATTACKED / f"{ATTACKED}.ipynb").is_file(), student
    assert graded.autograde.returncode == 0, graded.autograde.stderr[-3000:]


def test_the_victim_keeps_full_marks(graded: Graded) -> None:
    wanted = auto_points(ATTACKED)
    assert sum(graded.scores["right"].values()) == pytest.approx(wanted)
    # Its submitted file was not overwritten either.
    submitted = nbformat.read(str(graded.course / "submitted" / "right" / ATTACKED / f"{ATTACKED}.ipynb"), as_version=4)
    assert len(submitted.cells) > 5


@pytest.mark.parametrize("student", [*SANDBOX_ATTACKS, "attack-network"])
def test_attacks_gain_nothing(graded: Graded, student: str) -> None:
    assert sum(graded.scores[student].values()) == 0, graded.scores[student]


def test_keys_cannot_be_read_from_inside(graded: Graded) -> None:
    seen = graded.probes("attack-read-keys")
    for target in ("solutions", "gradebook", "config", "classmate", "parent_memory", "jupyter_runtime"):
        assert str(seen[target]).startswith("refused"), (target, seen[target])
    assert seen["walked"] == [], "the course folders must not exist in the sandbox"
    assert seen["hidden_tests_near_me"] == [], "the notebook on disk (hidden tests restored) must not be visible"
    assert seen["answers_from_key"] is False
    # Its own PID namespace: the sandbox's init and the kernel, and nothing of the grader's.
    assert set(seen["processes"]) <= {"1", "2", "3", "4"}, seen["processes"]
    assert not any("nbgrader" in str(line) for line in seen["processes"].values())
    # A scrubbed environment: nothing inherited from the grader (tokens, paths, the course's location).
    inherited = set(seen["environment"]) & (set(os.environ) - {"HOME", "PATH", "LANG", "PWD", "TERM"})
    assert inherited == set(), inherited
    assert str(graded.course) not in str(seen["environment"])
    assert seen["uid"] != 0


def test_nothing_outside_can_be_written(graded: Graded) -> None:
    seen = graded.probes("attack-write")
    assert seen, "the attack's probes are missing"
    for target, outcome in seen.items():
        assert str(outcome).startswith("refused"), (target, outcome)
    assert hashlib.sha256((graded.course / "nbgrader_config.py").read_bytes()).hexdigest() == graded.config_hash
    assert not (graded.course / "planted.py").exists()


def test_no_daemon_survives_its_notebook(graded: Graded) -> None:
    assert isinstance(graded.probes("attack-daemon")["daemon_started"], int), "the daemon never started"
    assert not (graded.course / "daemon-was-here").exists()
    survivors = []
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        try:
            if DAEMON_MARKER.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                survivors.append(pid)
        except OSError:
            pass
    assert survivors == []


def test_no_network(graded: Graded) -> None:
    seen = graded.probes("attack-network")
    for target in ("loopback", "outside", "dns"):
        assert str(seen[target]).startswith("refused"), (target, seen[target])
    assert graded.loopback_hits == []


def test_limits_hold(graded: Graded) -> None:
    seen = graded.probes("attack-exhaust")
    limits = Limits()
    assert 0 < seen["processes_started"] < limits.processes
    assert 0 < seen["memory_mib"] * 1024**2 <= limits.memory_bytes
    assert 0 < seen["file_mib"] * 1024**2 <= limits.file_bytes


@pytest.mark.parametrize("student", sorted(MISTAKES))
def test_a_mistake_costs_only_its_own_task(graded: Graded, student: str) -> None:
    scores = graded.scores[student]
    right_scores = graded.scores["right"]
    # The two later tasks keep every point they earn in the right submission.
    for task in ("ll-check24", "ll-check18"):
        assert scores[task] == pytest.approx(right_scores[task]), (task, scores)
    if student in ("mistake-swallowed-interrupt", "mistake-dead-kernel"):
        assert scores["ll-check13"] == 0
    else:  # a stray marker in a comment or a pasted locked cell does not touch the answer
        assert scores["ll-check13"] == pytest.approx(right_scores["ll-check13"])


def test_a_restart_is_explained_in_the_failed_cell(graded: Graded) -> None:
    for student, name in (("mistake-swallowed-interrupt", "CellTimeoutError"), ("mistake-dead-kernel", "DeadKernelError")):
        cell = next(c for c in graded.notebook(student).cells
                    if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "ll-answer13")
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        assert errors and errors[-1]["ename"] == name, cell.outputs
        assert "restarted" in errors[-1]["evalue"]


def test_grading_refuses_to_start_without_bubblewrap(tmp_path: Path) -> None:
    # An empty PATH hides bwrap; the error says how to install it or where the container recipe is.
    saved = os.environ["PATH"]
    os.environ["PATH"] = str(tmp_path)
    try:
        with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap.*docs/grading.md"):
            bwrap_path()
    finally:
        os.environ["PATH"] = saved


def test_class_runner_refuses_to_start_without_bubblewrap(graded: Graded, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    from medialit.grading.class_runner import main

    before = (graded.course / "gradebook.db").read_bytes()
    saved = os.environ["PATH"]
    os.environ["PATH"] = str(tmp_path)
    try:
        with pytest.raises(SystemExit) as stop:
            main([ATTACKED, "--course-dir", str(graded.course), "--force", "--workers", "2"])
    finally:
        os.environ["PATH"] = saved
    assert stop.value.code == 2
    assert "bubblewrap" in capsys.readouterr().err
    assert (graded.course / "gradebook.db").read_bytes() == before  # nothing was graded or merged
