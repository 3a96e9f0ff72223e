"""Autograde a whole class in parallel without losing a grade.

    python -m medialit.grading.class_runner --workers 2              # every submission in submitted/
    python -m medialit.grading.class_runner --workers 4 capstone     # one assignment
    python -m medialit.grading.class_runner --force --course-dir /srv/course

Why not just start several `nbgrader autograde --student ...` at once: nbgrader's default
gradebook is one SQLite file, and SQLite takes one writer at a time: a writer that waits
longer than the busy timeout gets "database is locked", which stops nbgrader's run, and two
autograders of the same new student race to create the student's row.

So each worker grades a disjoint share of the (assignment, student) pairs with the real
`nbgrader autograde` (one Python process per worker runs nbgrader's autograde app for each of
its assignments in turn, so nbgrader's start-up is paid once per worker:
medialit/grading/batch_worker.py), inside its own throw-away copy of the course: its own SQLite copy of the
gradebook (so it also holds the cells, extensions and manual scores of earlier rounds; taken
with SQLite's backup API, or row by row when the course gradebook is on a server such as
PostgreSQL), the course's nbgrader_config.py (timeouts, limits), a link to the source directory
and copies of its students' submissions. After every worker has finished, one
process copies what nbgrader wrote into the workers' gradebooks into the course gradebook,
through nbgrader's Gradebook API, in sorted (assignment, student) order, and moves the
autograded notebooks into autograded/. Only that single process ever writes to the course
gradebook, so the result is the same as one sequential `nbgrader autograde` run
(tests/test_parallel_grading.py compares the two, grade by grade).

A slow or crashing submission costs only itself: `--timeout` bounds one submission (its worker
says when it starts each one), and a worker stopped for it or killed fails just the submission it
was on; the submissions it had not started go to a fresh worker. A regrade that fails keeps the
earlier autograded notebook and its grades (nbgrader itself deletes them first).


Grading by hand in Formgrader while this runs loses nothing: the merge writes only automatic points
and computes each grade's `needs_manual_grade` from the course gradebook as it is at merge time
(medialit/grading/regrade.py), so a score saved meanwhile stays saved and settled.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from medialit.grading.sandbox import SandboxUnavailable, check_sandbox

from .course import (  # the course-directory code (course.py), re-exported under the names callers know
    CONFIG_FILE,
    SQLITE_PREFIX,
    Course,
    load_course,
    timestamp_of,
)
from .intake import is_safe_id, shown, stage_submission, unsafe_submissions
from .status import read_status, record_failure, status_path, write_status


@dataclass
class Job:
    """One worker's share of the class: its course copy, the pairs it grades, and its process."""

    index: int
    pairs: list[tuple[str, str]]  # (assignment, student)
    root: Path
    seconds: float = 0.0
    started: float = 0.0
    process: subprocess.Popen | None = None
    done: set[tuple[str, str]] = field(default_factory=set)  # merged or reported failed
    finished_assignments: set[str] = field(default_factory=set)
    current: tuple[str, str] | None = None  # the submission it is grading now ("started", not yet graded)
    current_started: float = 0.0
    stopped_for: str | None = None  # why class_runner stopped it (the time limit), for the submission it was on

    @property
    def db_url(self) -> str:
        return SQLITE_PREFIX + str(self.root / "gradebook.db")

    @property
    def log_dir(self) -> Path:
        return self.root / "logs"

    @property
    def results_file(self) -> Path:
        return self.root / "returncodes.json"

    @property
    def open_pairs(self) -> list[tuple[str, str]]:
        return [pair for pair in self.pairs if pair not in self.done]


@dataclass
class Report:
    graded: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    not_graded: list[tuple[str, str]] = field(default_factory=list)  # never reached: interrupted
    reasons: dict[tuple[str, str], str] = field(default_factory=dict)
    interrupted: int | None = None  # the signal that stopped the run
    seconds: float = 0.0
    worker_seconds: list[float] = field(default_factory=list)
    log_dir: Path | None = None

    def summary(self) -> str:
        lines = [
            f"graded {len(self.graded)}, failed {len(self.failed)}, skipped {len(self.skipped)} "
            f"(already autograded; --force regrades) in {self.seconds:.1f} s "
            f"with {len(self.worker_seconds)} worker(s)"
        ]
        if self.interrupted is not None:
            lines.append(f"STOPPED by {signal.Signals(self.interrupted).name}: {len(self.not_graded)} submission(s) not "
                         "graded (left as they were; run the command again to grade them). Everything graded before "
                         "the signal is in the gradebook.")
            lines += [f"  NOT GRADED {assignment} for {student}" for assignment, student in sorted(self.not_graded)]
        for pair in sorted(self.failed):
            lines.append(f"  FAILED {shown(pair[0])} for {shown(pair[1])}: "
                         f"{self.reasons.get(pair, 'nbgrader could not grade it')}")
        if self.log_dir is not None:
            lines.append(f"nbgrader logs: {self.log_dir}")
        return "\n".join(lines)


def find_pairs(course: Course, assignments: Iterable[str], force: bool) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(to grade, skipped): nbgrader's rule, regrade only when forced or the submission is newer."""
    from nbgrader.api import Gradebook

    submitted = course.step_dir(course.submitted)
    if not submitted.is_dir():
        raise ValueError(f"no submissions: {submitted} does not exist (run `nbgrader collect` or copy them there)")
    wanted = sorted(set(assignments))
    with Gradebook(course.db_url, course.course_id) as gradebook:
        known = sorted(a.name for a in gradebook.assignments)
    for name in wanted:
        if name not in known:
            raise ValueError(
                f"assignment {name!r} is not in the gradebook (known: {', '.join(known) or 'none'}); "
                f"run `nbgrader generate_assignment {name}` first"
            )
    todo: list[tuple[str, str]] = []
    skipped: list[tuple[str, str]] = []
    for student_dir in sorted(p for p in submitted.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for assignment_dir in sorted(p for p in student_dir.iterdir() if p.is_dir()):
            assignment, student = assignment_dir.name, student_dir.name
            if assignment not in known or (wanted and assignment not in wanted):
                continue
            if not is_safe_id(student):  # refused with its reason by unsafe_submissions (intake.check_id)
                continue
            dest = course.step_dir(course.autograded) / student / assignment
            if dest.exists() and not force:
                new, old = timestamp_of(assignment_dir), timestamp_of(dest)
                if not (new is not None and old is not None and new > old):
                    skipped.append((assignment, student))
                    continue
            todo.append((assignment, student))
    return sorted(todo), sorted(skipped)


def split(pairs: list[tuple[str, str]], workers: int) -> list[list[tuple[str, str]]]:
    """Deal the pairs out in turn so every worker gets a similar mix of assignments."""
    shares: list[list[tuple[str, str]]] = [[] for _ in range(workers)]
    for i, pair in enumerate(sorted(pairs)):
        shares[i % workers].append(pair)
    return [share for share in shares if share]


def copy_sqlite(source: Path, target: Path) -> None:
    # The backup API gives a consistent copy even if a reader has the file open.
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def copy_rows(db_url: str, target: Path) -> None:
    """Copy a gradebook on a server (e.g. PostgreSQL) into a new SQLite file, table by table."""
    from nbgrader.api import Base
    from sqlalchemy import create_engine, select, text

    source, dest = create_engine(db_url, future=True), create_engine(SQLITE_PREFIX + str(target), future=True)
    try:
        Base.metadata.create_all(bind=dest)
        with source.connect() as src, dest.begin() as dst:
            # Parents before children, so every foreign key finds its row.
            for table in Base.metadata.sorted_tables:
                rows = [dict(row) for row in src.execute(select(table)).mappings()]
                if rows:
                    dst.execute(table.insert(), rows)
            version = src.execute(text("SELECT version_num FROM alembic_version")).scalar()
            dst.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            dst.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": version})
    finally:
        source.dispose()
        dest.dispose()


def prepare_worker(course: Course, job: Job) -> None:
    job.root.mkdir(parents=True)
    job.log_dir.mkdir()
    config = course.root / CONFIG_FILE
    if config.is_file():
        shutil.copy2(config, job.root / CONFIG_FILE)
    # The source is only read (locked cells, extra files), so a link is enough.
    (job.root / course.source).symlink_to(course.step_dir(course.source), target_is_directory=True)
    for assignment, student in job.pairs:
        # Only the regular files of each submission, never a link, a pipe or a hard link (intake.py); what is
        # refused goes into the worker's manifest, and its autograde flags it.
        stage_submission(course.root, job.root, course.submitted, assignment, student)
    if course.is_sqlite:
        copy_sqlite(course.db_path, job.root / "gradebook.db")
    else:
        copy_rows(course.db_url, job.root / "gradebook.db")
    # grade_class reads each submission from this copy while the worker goes on writing the next:
    # in WAL mode neither waits for the other (with a rollback journal a reader blocks the writer's commit).
    con = sqlite3.connect(job.root / "gradebook.db")
    try:
        con.execute("PRAGMA journal_mode=WAL")
    finally:
        con.close()


def worker_command(course: Course, job: Job) -> list[str]:
    """One process per worker: nbgrader's autograde app for each of its assignments in turn.

    The same as `nbgrader autograde <assignment> --force ...` once per assignment, without paying
    nbgrader's 4 s import again for every assignment (medialit/grading/batch_worker.py).
    """
    return [
        sys.executable, "-m", "medialit.grading.batch_worker",
        "--results", str(job.results_file),
        "--log-dir", str(job.log_dir),
        # The worker's own copy of the gradebook, deleted after the merge: no fsync needed there.
        "--throwaway-gradebook", str(job.root / "gradebook.db"),
        "--", *sorted({a for a, _ in job.pairs}),
        "--", "--force",
        f"--CourseDirectory.root={job.root}",
        f"--CourseDirectory.db_url={job.db_url}",
        f"--CourseDirectory.course_id={course.course_id}",
    ]


def merge_submission(source_db_url: str, target, assignment: str, student: str, course_id: str, source=None) -> bool:
    """Copy what autograde wrote for one submission from a worker's gradebook into `target`.

    Only the fields autograding writes are copied (student record if new, submission timestamp,
    each grade's auto_score and needs_manual_grade, each comment's auto_comment, each notebook's
    late penalty and flag); manual scores, extra credit, manual comments and extensions stay as
    the instructor left them. Returns False when the worker has no
    submission record (nbgrader failed before creating it).
    """
    from nbgrader.api import Gradebook, MissingEntry

    from .regrade import needs_manual_grade

    own = source is None
    if own:
        source = Gradebook(source_db_url, course_id)
    try:
        try:
            theirs = source.find_submission(assignment, student)
        except MissingEntry:
            return False
        try:
            target.find_student(student)
        except MissingEntry:
            person = theirs.student
            target.add_student(
                student,
                first_name=person.first_name,
                last_name=person.last_name,
                email=person.email,
                lms_user_id=person.lms_user_id,
            )
        ours = target.update_or_create_submission(assignment, student)
        ours.timestamp = theirs.timestamp
        for notebook in theirs.notebooks:
            target_notebook = target.find_submission_notebook(notebook.name, assignment, student)
            target_notebook.late_submission_penalty = notebook.late_submission_penalty
            # The worker started from this gradebook, so its flag is the old flag or a new one
            # (medialit.grading.FlagTampering sets it during autograde; nothing there clears it).
            target_notebook.flagged = notebook.flagged
            for grade in notebook.grades:
                mine = target.find_grade(grade.cell.name, notebook.name, assignment, student)
                # From the course gradebook's state, not the worker's snapshot: a grade a grader settled in
                # Formgrader while the workers ran stays settled (regrade.py).
                mine.needs_manual_grade = needs_manual_grade(mine, grade.auto_score)
                mine.auto_score = grade.auto_score
            for comment in notebook.comments:
                mine_comment = target.find_comment(comment.cell.name, notebook.name, assignment, student)
                mine_comment.auto_comment = comment.auto_comment
        target.db.commit()
        return True
    except Exception:
        target.db.rollback()
        raise
    finally:
        if own:
            source.close()


WORKDIR_PREFIX = "grade_class-"
LOGS_DIR = "grading-logs"
OWNER_FILE = "owner.pid"
# How long a stopped worker gets to end its kernels before it is killed outright.
STOP_GRACE_SECONDS = 3.0


def default_workers() -> int:
    """Workers when --workers is not given: twice the cores, at least 2 (see docs/large-class.md).

    A kernel spends much of its start-up waiting, so one worker per core leaves cores idle:
    benchmarks/README.md has the measurements behind the factor.
    """
    return max(2, 2 * (os.cpu_count() or 1))


class Stopper:
    """Turns SIGINT and SIGTERM into a flag the grading loop checks, so it can stop cleanly.

    Handlers are installed only in the main thread (Python allows no other) and restored on exit.
    """

    def __init__(self) -> None:
        self.signum: int | None = None
        self._saved: dict[int, Any] = {}

    def _handle(self, signum: int, _frame: Any) -> None:
        self.signum = signum

    def __enter__(self) -> "Stopper":
        import threading

        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._saved[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: Any) -> None:
        for signum, handler in self._saved.items():
            signal.signal(signum, handler)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_workdirs(tmp: Path | None = None) -> list[Path]:
    """Delete the work folders of earlier runs whose grade_class process is gone (killed with SIGKILL, a crash).

    They hold copies of the gradebook (with the hidden tests) and of students' submissions.
    """
    removed = []
    base = Path(tmp or tempfile.gettempdir())
    for folder in base.glob(WORKDIR_PREFIX + "*"):
        owner = folder / OWNER_FILE
        try:
            if folder.is_dir() and not folder.is_symlink() and folder.stat().st_uid == os.getuid() and owner.is_file():
                pid = int(owner.read_text().strip())
                if pid != os.getpid() and not _pid_alive(pid):
                    shutil.rmtree(folder, ignore_errors=True)
                    removed.append(folder)
        except (OSError, ValueError):
            continue
    return removed


def _descendants(pid: int) -> list[int]:
    """Every live descendant of `pid`, from /proc (kernels start their own sessions, out of the worker's group)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The command name may hold spaces and parentheses: the fields after the last ')' are fixed.
            stat = (entry / "stat").read_text()
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def stop_worker(job: Job, grace: float = STOP_GRACE_SECONDS) -> None:
    """End a worker, its process group and every process under it (kernels, sandboxes): no orphans."""
    process = job.process
    if process is None or process.poll() is not None and not _descendants(process.pid):
        return
    tree = _descendants(process.pid)
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)  # the worker runs in its own session: its group is its pid
        for pid in tree + _descendants(process.pid):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if process.poll() is not None and not any(_pid_alive(pid) and not _is_zombie(pid) for pid in tree):
                return
            time.sleep(0.05)
        tree += _descendants(process.pid)
    process.wait(timeout=5)


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat[stat.rindex(")") + 2] == "Z"
    except (OSError, ValueError, IndexError):
        return True


def start_worker(course: Course, job: Job, events: "queue.Queue[tuple[int, dict[str, Any] | None]]") -> None:
    """Start a worker in its own session with a pipe for its progress; a thread forwards each line to `events`."""
    import threading

    env = dict(os.environ)
    # The kernels nbgrader starts must be this environment's Python, which has medialit.
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    read_end, write_end = os.pipe()
    try:
        with open(job.log_dir / "worker.log", "w") as out:
            job.process = subprocess.Popen(
                _with_progress(worker_command(course, job), write_end),
                cwd=job.root, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                pass_fds=(write_end,), start_new_session=True)
    finally:
        os.close(write_end)  # the worker holds the only write end: EOF means it has exited
    job.started = time.perf_counter()

    def forward() -> None:
        with os.fdopen(read_end, "r", encoding="utf-8", errors="replace") as lines:
            for line in lines:
                try:
                    events.put((job.index, json.loads(line)))
                except ValueError:
                    continue  # not ours (cannot happen: only the worker writes here); never stop reading
        events.put((job.index, None))

    threading.Thread(target=forward, name=f"grade_class-worker-{job.index}", daemon=True).start()


def _with_progress(command: list[str], fd: int) -> list[str]:
    # Worker options go before the first "--" (batch_worker's own options).
    first = command.index("--")
    return [*command[:first], "--progress-fd", str(fd), "--parent-pid", str(os.getpid()), *command[first:]]


def failure_reasons(log: Path) -> dict[str, str]:
    """student -> the exception nbgrader logged for that student's submission, from one assignment's log."""
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return {}
    reasons: dict[str, str] = {}
    marker = "There was an error processing assignment: "
    for i, line in enumerate(lines):
        if marker not in line:
            continue
        student = Path(line.split(marker, 1)[1].strip()).parent.name
        last = None
        for follow in lines[i + 1:]:
            if follow.startswith("[") and "Traceback" not in follow:
                break
            if follow.strip() and not follow.startswith("["):
                last = follow.strip()
        if last:
            reasons[student] = f"nbgrader: {last[:300]}"
    return reasons


def _carry_status(course: Course, job: Job, assignment: str, student: str) -> None:
    """Copy the worker's status record of one submission (in its gradebook copy) into the course's store."""
    record = read_status(job.root, assignment, student, db_url=job.db_url, course_id=course.course_id)
    if record is not None:
        write_status(course.root, assignment, student, record, db_url=course.db_url, course_id=course.course_id)


def merge_one(course: Course, job: Job, target: Any, source: Any, assignment: str, student: str, report: Report,
              reason: str | None = None, log: Path | None = None) -> None:
    """Fold one submission into the course: gradebook rows, autograded notebook, status record."""
    pair = (assignment, student)
    produced = job.root / course.autograded / student / assignment
    dest = course.step_dir(course.autograded) / student / assignment
    # A regrade that failed leaves the earlier result whole: its grades as well as its notebook.
    if not (dest.exists() and (reason is not None or not produced.is_dir())):
        try:
            merge_submission(job.db_url, target, assignment, student, course.course_id, source)
        except Exception as error:  # noqa: BLE001 - one submission's merge must not lose the others
            reason = f"merging its grades into the course gradebook failed ({error.__class__.__name__}: {error})"
        finally:
            # End the read transaction at once: an open one would block the worker's next commit.
            source.db.rollback()
    carried = status_path(job.root, assignment, student).is_file()  # the worker recorded this grading
    _carry_status(course, job, assignment, student)
    if produced.is_dir() and reason is None:
        # The earlier autograded copy goes only now that its replacement exists (nbgrader deletes it
        # first, so a regrade that fails would lose a good result).
        if dest.exists():
            shutil.rmtree(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(produced), str(dest))
        report.graded.append(pair)
    else:
        if dest.exists():
            reason = f"{reason or 'regrading it failed'}; the earlier autograded notebook is kept as it was"
        from .report import diagnose

        folder = course.step_dir(course.submitted) / student / assignment
        notebooks = sorted(nb.name for nb in target.find_assignment(assignment).notebooks)
        found = diagnose(folder, notebooks)
        # What the grading steps stored (a kernel that could not start, with the sandbox's words) says
        # more than the last line of nbgrader's traceback.
        stored = (read_status(course.root, assignment, student) or {}) if carried else {}
        if stored.get("status") == "failed" and stored.get("reason") and not job.stopped_for:
            reason = stored["reason"]
        reason = found or reason or "nbgrader could not grade it (see the logs)"
        target.db.rollback()  # end the read above: on SQLite an open reader would block the status store's write
        record_failure(course.root, assignment, student, reason, str(log) if log else None,
                       db_url=course.db_url, course_id=course.course_id)
        report.failed.append(pair)
        report.reasons[pair] = reason
    job.done.add(pair)


def run_and_merge(course: Course, jobs: list[Job], report: Report, timeout: float | None, stopper: Stopper,
                  log_names: dict[int, Path], replace: Callable[[list[tuple[str, str]]], Job] | None = None) -> None:
    """Run the workers and merge each submission into the course as soon as its worker reports it graded.

    ``timeout`` bounds one submission. A worker stopped for it, or one that dies, costs only the
    submission it was grading: the ones it had not started go to a fresh worker (``replace`` makes it,
    appended to ``jobs``)."""
    from nbgrader.api import Gradebook

    events: queue.Queue[tuple[int, dict[str, Any] | None]] = queue.Queue()
    by_index = {job.index: job for job in jobs}
    sources: dict[int, Any] = {}
    running = set()

    def start(job: Job) -> None:
        start_worker(course, job, events)
        by_index[job.index] = job
        running.add(job.index)
        sources[job.index] = Gradebook(job.db_url, course.course_id)

    with warnings.catch_warnings(), Gradebook(course.db_url, course.course_id) as target:
        # nbgrader's own add_submission triggers a harmless SQLAlchemy autoflush warning per new submission.
        warnings.filterwarnings("ignore", message=".*not in session.*")
        try:
            for job in list(jobs):
                if stopper.signum is not None:
                    break
                start(job)
            while running and stopper.signum is None:
                try:
                    index, event = events.get(timeout=0.2)
                except queue.Empty:
                    for job in (by_index[i] for i in list(running)):
                        if (timeout is not None and job.current is not None and job.stopped_for is None
                                and time.perf_counter() - job.current_started > timeout):
                            job.stopped_for = f"grading it took longer than the {timeout:.0f} s time limit (--timeout)"
                            stop_worker(job)  # its pipe closes: the None event below settles it
                    continue
                job = by_index[index]
                if event is None:  # the worker's pipe closed: it has exited
                    running.discard(index)
                    successor = _settle_ended_worker(course, job, target, sources[index], report, log_names, replace,
                                                     stopper)
                    if successor is not None:
                        jobs.append(successor)
                        log_names[successor.index] = log_names.get(index, successor.log_dir)
                        start(successor)
                elif event.get("event") == "started":
                    job.current, job.current_started = (event["assignment"], event["student"]), time.perf_counter()
                elif event.get("event") == "graded":
                    pair = (event["assignment"], event["student"])
                    if pair == job.current:
                        job.current = None
                    if pair in job.pairs and pair not in job.done:
                        merge_one(course, job, target, sources[index], *pair, report)
                elif event.get("event") == "assignment":
                    assignment = event["assignment"]
                    job.finished_assignments.add(assignment)
                    if job.current and job.current[0] == assignment:
                        job.current = None
                    log = job.log_dir / f"{assignment}.log"
                    reasons = failure_reasons(log)
                    for pair in [p for p in job.open_pairs if p[0] == assignment]:
                        merge_one(course, job, target, sources[index], *pair, report,
                                  reason=reasons.get(pair[1], "nbgrader could not grade it"),
                                  log=log_names.get(index, log.parent) / f"worker-{index}-{log.name}")
        finally:
            for job in jobs:
                stop_worker(job)
                if job.seconds == 0.0 and job.started:
                    job.seconds = time.perf_counter() - job.started
            # What was reported graded before the stop is merged even if its event was still queued.
            while True:
                try:
                    index, event = events.get_nowait()
                except queue.Empty:
                    break
                if event and event.get("event") == "graded":
                    job, pair = by_index[index], (event["assignment"], event["student"])
                    if pair in job.pairs and pair not in job.done:
                        merge_one(course, job, target, sources[index], *pair, report)
            for source in sources.values():
                source.close()
    for job in jobs:
        report.not_graded += job.open_pairs


def _settle_ended_worker(course: Course, job: Job, target: Any, source: Any, report: Report, log_names: dict[int, Path],
                         replace: Callable[[list[tuple[str, str]]], Job] | None, stopper: Stopper) -> Job | None:
    """A worker's process ended. The submission it was on fails (with why); the ones it never started go to
    a replacement worker (returned), so a slow or crashing submission costs no classmate anything."""
    assert job.process is not None, "only started workers send events"
    job.process.wait()
    job.seconds = time.perf_counter() - job.started
    code = job.process.returncode
    why = job.stopped_for or ("its grading worker died (exit status %s) while grading it" % code if code and code > 0
                              else "its grading worker was killed (signal %s) while grading it" % -code if code
                              else None)
    if why is None or job.current is None or replace is None or stopper.signum is not None:
        # It finished (or died before starting anything: a replacement would die the same way).
        _fail_rest(course, job, target, source, report, log_names, why)
        return None
    log = job.log_dir / f"{job.current[0]}.log"
    merge_one(course, job, target, source, *job.current, report, reason=why,
              log=log_names.get(job.index, job.log_dir) / f"worker-{job.index}-{log.name}")
    rest = job.open_pairs
    if not rest:
        return None
    job.pairs = [pair for pair in job.pairs if pair in job.done]
    return replace(rest)


def _fail_rest(course: Course, job: Job, target: Any, source: Any, report: Report, log_names: dict[int, Path],
               why: str | None) -> None:
    """A worker ended: whatever it never reported is failed now (with why), never silently dropped."""
    for pair in job.open_pairs:
        log = job.log_dir / f"{pair[0]}.log"
        reason = failure_reasons(log).get(pair[1]) or why or "nbgrader could not grade it"
        merge_one(course, job, target, source, *pair, report, reason=reason,
                  log=log_names.get(job.index, job.log_dir) / f"worker-{job.index}-{log.name}")


def grade_class(
    course_dir: Path | str = ".",
    assignments: Iterable[str] = (),
    workers: int | None = None,
    force: bool = False,
    keep_workdir: bool = False,
    log_dir: Path | str | None = None,
    timeout: float | None = None,
) -> Report:
    """Autograde every submission in `submitted/` with `workers` parallel nbgrader processes.

    Each submission is merged into the course gradebook as soon as it is graded. SIGINT (Ctrl-C) and
    SIGTERM stop the run cleanly: workers and their kernels are ended, what was graded stays merged,
    the rest is listed in `Report.not_graded`, and the temporary folder is removed. `timeout`
    (seconds, None for none) bounds each submission: one that takes longer fails alone and its worker's
    other submissions go to a fresh worker; cells are bounded by the course's `ExecutePreprocessor.timeout`
    and notebooks by `SandboxedExecute.notebook_timeout`. A regrade that fails keeps the earlier result.
    `workers=None` means `default_workers()`.
    """
    workers = default_workers() if workers is None else workers
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
        raise ValueError(f"workers must be a whole number of at least 1, got {workers!r}")
    started = time.perf_counter()
    course = load_course(Path(course_dir))
    from .course import check_gradebook

    check_gradebook(course)  # a server that is down or a wrong password: one line (password masked), not a traceback
    pairs, skipped = find_pairs(course, assignments, force)
    report = Report(skipped=skipped)
    for pair, reason in unsafe_submissions(course.step_dir(course.submitted), assignments):
        report.failed.append(pair)
        report.reasons[pair] = reason
    if not pairs:
        report.seconds = time.perf_counter() - started
        return report
    if course.sandboxed:
        # Refuse before any worker starts, with bubblewrap's reason, rather than fail every student.
        check_sandbox()
    remove_stale_workdirs()
    # Without --log-dir, logs of failed submissions go to the course (gitignored), not to /tmp: the
    # status store points at them, and the temporary folder is left empty.
    kept_logs = Path(log_dir) if log_dir is not None else course.root / LOGS_DIR / time.strftime("%Y%m%d-%H%M%S")
    with Stopper() as stopper:
        # mkdtemp makes the folder 0700: the gradebook copy inside holds the hidden tests.
        workdir = Path(tempfile.mkdtemp(prefix=WORKDIR_PREFIX))
        (workdir / OWNER_FILE).write_text(str(os.getpid()))
        jobs = [Job(i, share, workdir / f"worker-{i}") for i, share in enumerate(split(pairs, workers))]
        try:
            for job in jobs:
                if stopper.signum is None:
                    prepare_worker(course, job)
            def replace(pairs: list[tuple[str, str]]) -> Job:
                successor = Job(len(jobs), pairs, workdir / f"worker-{len(jobs)}")
                prepare_worker(course, successor)
                return successor

            if stopper.signum is None:
                run_and_merge(course, jobs, report, timeout, stopper, {job.index: kept_logs for job in jobs}, replace)
            else:
                report.not_graded = list(pairs)
        finally:
            report.interrupted = stopper.signum
            report.worker_seconds = [job.seconds for job in jobs if job.process is not None]
            # Logs are kept when asked for, and always when a submission failed (they say why).
            if log_dir is not None or report.failed:
                report.log_dir = kept_logs
                report.log_dir.mkdir(parents=True, exist_ok=True)
                for job in jobs:
                    if job.log_dir.is_dir():
                        for log in sorted(job.log_dir.iterdir()):
                            shutil.copy2(log, report.log_dir / f"worker-{job.index}-{log.name}")
            if keep_workdir:
                print(f"workers' course copies kept in {workdir}")
            else:
                shutil.rmtree(workdir, ignore_errors=True)
    report.seconds = time.perf_counter() - started
    return report

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m medialit.grading.class_runner",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("assignments", nargs="*", help="assignments to grade (default: every one in the gradebook)")
    parser.add_argument("--course-dir", default=".", help="the course directory, holding nbgrader_config.py (default: .)")
    parser.add_argument("--workers", type=int, default=None,
                        help=f"parallel nbgrader processes (default: twice the CPU cores, at least 2: {default_workers()} here)")
    parser.add_argument("--timeout", type=float, default=None, help="seconds one submission may take; a slower one fails alone (its worker is replaced)")
    parser.add_argument("--force", action="store_true", help="regrade submissions that are already autograded")
    parser.add_argument("--log-dir", help="keep each worker's nbgrader log here")
    parser.add_argument("--keep-workdir", action="store_true", help="keep the workers' course copies (for debugging)")
    args = parser.parse_args(argv)
    try:
        report = grade_class(
            args.course_dir,
            args.assignments,
            workers=args.workers,
            force=args.force,
            keep_workdir=args.keep_workdir,
            log_dir=args.log_dir,
            timeout=args.timeout,
        )
    except (ValueError, SandboxUnavailable) as error:
        parser.exit(2, f"grade_class: {error}\n")
    except KeyboardInterrupt:  # Ctrl-C before grading started (reading the course): nothing to undo
        parser.exit(130, "grade_class: interrupted before grading started; nothing was changed\n")
    print(report.summary(), flush=True)
    if report.interrupted is not None:
        return 128 + report.interrupted  # as a shell reports a command ended by that signal
    # Like `nbgrader autograde`: a failed submission makes the run fail, after everyone else is graded.
    return 1 if report.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
