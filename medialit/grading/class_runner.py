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

Do not grade by hand in formgrader while this runs: manual scores entered meanwhile are kept,
but a regraded submission's `needs_manual_grade` flag is computed from the snapshot.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from medialit._imports import import_jsonschema

# nbgrader imports nbformat, which imports jsonschema: the fast way first saves ~2 s per run
# (medialit/_imports.py); nothing here validates a format that needs the hidden IRI checker.
import_jsonschema()

SQLITE_PREFIX = "sqlite:///"
DEFAULT_STRUCTURE = os.path.join("{nbgrader_step}", "{student_id}", "{assignment_id}")
CONFIG_FILE = "nbgrader_config.py"


@dataclass(frozen=True)
class Course:
    """Where a course keeps its steps, read from its nbgrader_config.py the way nbgrader does."""

    root: Path
    db_url: str
    course_id: str
    source: str
    submitted: str
    autograded: str

    @property
    def db_path(self) -> Path:
        return sqlite_path(self.db_url, self.root)

    @property
    def is_sqlite(self) -> bool:
        return self.db_url.startswith(SQLITE_PREFIX)

    def step_dir(self, step: str) -> Path:
        return self.root / step


@dataclass
class Job:
    """One worker's share of the class: its course copy and the pairs it grades."""

    index: int
    pairs: list[tuple[str, str]]  # (assignment, student)
    root: Path
    seconds: float = 0.0
    returncodes: dict[str, int] = field(default_factory=dict)

    @property
    def db_url(self) -> str:
        return SQLITE_PREFIX + str(self.root / "gradebook.db")

    @property
    def log_dir(self) -> Path:
        return self.root / "logs"

    @property
    def results_file(self) -> Path:
        return self.root / "returncodes.json"


@dataclass
class Report:
    graded: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    worker_seconds: list[float] = field(default_factory=list)
    log_dir: Path | None = None

    def summary(self) -> str:
        lines = [
            f"graded {len(self.graded)}, failed {len(self.failed)}, skipped {len(self.skipped)} "
            f"(already autograded; --force regrades) in {self.seconds:.1f} s "
            f"with {len(self.worker_seconds)} worker(s)"
        ]
        for assignment, student in self.failed:
            lines.append(f"  FAILED {assignment} for {student}: nbgrader could not grade it (see the logs)")
        if self.log_dir is not None:
            lines.append(f"nbgrader logs: {self.log_dir}")
        return "\n".join(lines)


def sqlite_path(db_url: str, root: Path) -> Path:
    if not db_url.startswith(SQLITE_PREFIX) or db_url == SQLITE_PREFIX:
        raise ValueError(f"expected a SQLite gradebook file (db_url 'sqlite:///path/gradebook.db'), got {db_url!r}")
    path = Path(db_url[len(SQLITE_PREFIX):])
    return path if path.is_absolute() else root / path


def load_course(course_dir: Path) -> Course:
    """Read the course's nbgrader_config.py (if any) and return its directories and gradebook."""
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    root = course_dir.resolve()
    if not root.is_dir():
        raise ValueError(f"course directory {course_dir} does not exist")
    config = Config()
    if (root / CONFIG_FILE).is_file():
        config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    coursedir = CourseDirectory(config=config)
    coursedir.root = str(root)
    if os.path.normpath(coursedir.directory_structure) != os.path.normpath(DEFAULT_STRUCTURE):
        raise ValueError(
            f"grade_class supports nbgrader's default directory_structure {DEFAULT_STRUCTURE!r}, "
            f"this course uses {coursedir.directory_structure!r}"
        )
    for step in (coursedir.source_directory, coursedir.submitted_directory, coursedir.autograded_directory):
        if os.path.isabs(step) or os.sep in os.path.normpath(step):
            raise ValueError(f"step directory {step!r} must be a plain folder name inside the course directory")
    course = Course(
        root=root,
        db_url=coursedir.db_url,
        course_id=coursedir.course_id or "default_course",
        source=coursedir.source_directory,
        submitted=coursedir.submitted_directory,
        autograded=coursedir.autograded_directory,
    )
    if db_url_is_memory(course.db_url):
        raise ValueError(f"the gradebook {course.db_url!r} lives in memory; give nbgrader a file or a server (db_url)")
    if course.is_sqlite and not course.db_path.is_file():
        raise ValueError(
            f"no gradebook at {course.db_path}: run `nbgrader generate_assignment <assignment>` first, "
            "which records the assignment's cells in the gradebook"
        )
    return course


def db_url_is_memory(db_url: str) -> bool:
    return db_url in ("sqlite://", SQLITE_PREFIX) or db_url.endswith(":memory:")


def timestamp_of(path: Path) -> Any:
    from nbgrader.utils import parse_utc

    stamp = path / "timestamp.txt"
    if not stamp.is_file():
        return None
    text = stamp.read_text().strip()
    return parse_utc(text) if text else None


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
        shutil.copytree(
            course.step_dir(course.submitted) / student / assignment,
            job.root / course.submitted / student / assignment,
            symlinks=True,
        )
    if course.is_sqlite:
        copy_sqlite(course.db_path, job.root / "gradebook.db")
    else:
        copy_rows(course.db_url, job.root / "gradebook.db")


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


def run_worker(course: Course, job: Job, timeout: float | None) -> Job:
    started = time.perf_counter()
    env = dict(os.environ)
    # The kernels nbgrader starts must be this environment's Python, which has medialit.
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    with open(job.log_dir / "worker.log", "w") as out:
        result = subprocess.run(worker_command(course, job), cwd=job.root, env=env, stdout=out,
                                stderr=subprocess.STDOUT, timeout=timeout)
    if job.results_file.is_file():
        job.returncodes = json.loads(job.results_file.read_text())
    else:  # the worker died before it could report: every one of its assignments failed
        job.returncodes = {a: result.returncode or 1 for a, _ in job.pairs}
    job.seconds = time.perf_counter() - started
    return job


def merge_submission(source_db_url: str, target, assignment: str, student: str, course_id: str, source=None) -> bool:
    """Copy what autograde wrote for one submission from a worker's gradebook into `target`.

    Only the fields autograding writes are copied (student record if new, submission timestamp,
    each grade's auto_score and needs_manual_grade, each comment's auto_comment, each notebook's
    late penalty and flag); manual scores, extra credit, manual comments and extensions stay as
    the instructor left them. Returns False when the worker has no
    submission record (nbgrader failed before creating it).
    """
    from nbgrader.api import Gradebook, MissingEntry

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
                mine.auto_score = grade.auto_score
                mine.needs_manual_grade = grade.needs_manual_grade
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


def merge(course: Course, jobs: list[Job]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Fold every worker's results into the course, one submission at a time, in sorted order."""
    from nbgrader.api import Gradebook

    owner = {pair: job for job in jobs for pair in job.pairs}
    sources = {job.index: Gradebook(job.db_url, course.course_id) for job in jobs}
    graded: list[tuple[str, str]] = []
    failed: list[tuple[str, str]] = []
    try:
        with warnings.catch_warnings(), Gradebook(course.db_url, course.course_id) as target:
            # nbgrader's own add_submission triggers a harmless SQLAlchemy autoflush warning per new submission.
            warnings.filterwarnings("ignore", message=".*not in session.*")
            for assignment, student in sorted(owner):
                job = owner[(assignment, student)]
                merge_submission(job.db_url, target, assignment, student, course.course_id, sources[job.index])
                produced = job.root / course.autograded / student / assignment
                dest = course.step_dir(course.autograded) / student / assignment
                # nbgrader deletes the autograded copy of a submission it failed on; so do we.
                if dest.exists():
                    shutil.rmtree(dest)
                if produced.is_dir():
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.move(str(produced), str(dest))
                    graded.append((assignment, student))
                else:
                    failed.append((assignment, student))
    finally:
        for gradebook in sources.values():
            gradebook.close()
    return graded, failed


def grade_class(
    course_dir: Path | str = ".",
    assignments: Iterable[str] = (),
    workers: int = 2,
    force: bool = False,
    keep_workdir: bool = False,
    log_dir: Path | str | None = None,
    timeout: float | None = None,
) -> Report:
    """Autograde every submission in `submitted/` with `workers` parallel nbgrader processes.

    `timeout` (seconds, None for none) bounds each worker process, i.e. all of its assignments;
    cells are bounded by the course's `ExecutePreprocessor.timeout`.
    """
    if not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a whole number of at least 1, got {workers!r}")
    started = time.perf_counter()
    course = load_course(Path(course_dir))
    pairs, skipped = find_pairs(course, assignments, force)
    report = Report(skipped=skipped)
    if not pairs:
        report.seconds = time.perf_counter() - started
        return report
    workdir = Path(tempfile.mkdtemp(prefix="grade_class-"))
    try:
        jobs = [Job(i, share, workdir / f"worker-{i}") for i, share in enumerate(split(pairs, workers))]
        for job in jobs:
            prepare_worker(course, job)
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            list(pool.map(lambda job: run_worker(course, job, timeout), jobs))
        report.graded, report.failed = merge(course, jobs)
        report.worker_seconds = [job.seconds for job in jobs]
        # Logs are kept when asked for, and always when a submission failed (they say why).
        if log_dir is not None or report.failed:
            report.log_dir = Path(log_dir) if log_dir is not None else Path(tempfile.mkdtemp(prefix="grade_class-logs-"))
            report.log_dir.mkdir(parents=True, exist_ok=True)
            for job in jobs:
                for log in sorted(job.log_dir.iterdir()):
                    shutil.copy2(log, report.log_dir / f"worker-{job.index}-{log.name}")
    finally:
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
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="parallel nbgrader processes (default: CPU count)")
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
        )
    except ValueError as error:
        parser.exit(2, f"grade_class: {error}\n")
    print(report.summary())
    # Like `nbgrader autograde`: a failed submission makes the run fail, after everyone else is graded.
    return 1 if report.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
