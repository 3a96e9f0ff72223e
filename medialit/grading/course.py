"""A course directory as nbgrader sees it: its steps' folders and its gradebook, read from nbgrader_config.py.

Shared by the class runner (class_runner.py) and the report and export (report.py); a missing gradebook is
its own error, GradebookMissing, which both turn into a message saying what to run first.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SQLITE_PREFIX = "sqlite:///"
DEFAULT_STRUCTURE = os.path.join("{nbgrader_step}", "{student_id}", "{assignment_id}")
CONFIG_FILE = "nbgrader_config.py"


class GradebookMissing(ValueError):
    """The configured gradebook does not exist or holds no nbgrader tables; nothing was created."""


@dataclass(frozen=True)
class Course:
    """Where a course keeps its steps, read from its nbgrader_config.py the way nbgrader does."""

    root: Path
    db_url: str
    course_id: str
    source: str
    submitted: str
    autograded: str
    # False only when the course's config turns the sandbox off (for measuring: see sandbox.py).
    sandboxed: bool = True

    @property
    def db_path(self) -> Path:
        return sqlite_path(self.db_url, self.root)

    @property
    def is_sqlite(self) -> bool:
        return self.db_url.startswith(SQLITE_PREFIX)

    def step_dir(self, step: str) -> Path:
        return self.root / step


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
        sandboxed=bool(config.get("SandboxedKernelManager", {}).get("sandbox", True)),
    )
    if db_url_is_memory(course.db_url):
        raise ValueError(f"the gradebook {course.db_url!r} lives in memory; give nbgrader a file or a server (db_url)")
    if course.is_sqlite and not course.db_path.is_file():
        raise GradebookMissing(
            f"no gradebook at {course.db_path}: run `nbgrader generate_assignment <assignment>` first, "
            "which records the assignment's cells in the gradebook"
        )
    return course


def db_url_is_memory(db_url: str) -> bool:
    return db_url in ("sqlite://", SQLITE_PREFIX) or db_url.endswith(":memory:")


def timestamp_of(path: Path) -> Any:
    """The submission time in `path`/timestamp.txt, or None (also when it does not parse: intake.read_timestamp)."""
    from .intake import read_timestamp

    return read_timestamp(path)[0]


def redact(db_url: str) -> str:
    """A database URL fit for a message: never print the password."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(db_url).render_as_string(hide_password=True)
    except Exception:
        return db_url.split("@")[-1]


def check_gradebook(course: Course) -> None:
    """Raise GradebookMissing unless the configured gradebook exists with nbgrader's tables; create nothing."""
    if course.is_sqlite and not course.db_path.is_file():
        # load_course already refuses this; kept so a Course built elsewhere gets the same answer.
        raise GradebookMissing(f"no gradebook at {course.db_path} (db_url in {course.root / 'nbgrader_config.py'})")
    from sqlalchemy import create_engine, inspect

    url = course.db_url
    if course.is_sqlite:
        # Read-only: connecting to SQLite must never create or change the file.
        url = f"sqlite:///file:{course.db_path}?mode=ro&uri=true"
    engine = None
    try:
        engine = create_engine(url, future=True)
        tables = set(inspect(engine).get_table_names())
    except Exception as error:  # a driver that is not installed, a server that is down, a wrong password
        raise GradebookMissing(f"cannot open the gradebook {redact(course.db_url)}: {error.__class__.__name__}: "
                               f"{str(error).splitlines()[0] if str(error) else ''}; check db_url in "
                               f"{course.root / 'nbgrader_config.py'} and that the database server is up") from None
    finally:
        if engine is not None:
            engine.dispose()
    if not {"assignment", "submitted_assignment", "student"} <= tables:
        raise GradebookMissing(f"the gradebook {redact(course.db_url)} has no nbgrader tables: run "
                               "`nbgrader generate_assignment <assignment>` in the course directory first, "
                               "or point db_url in nbgrader_config.py at the course's gradebook")


def open_course(course_dir: Path | str = ".") -> Course:
    """The course and its configured gradebook, checked to exist (ValueError says what to fix)."""
    course = load_course(Path(course_dir))  # GradebookMissing when a SQLite gradebook file is missing
    check_gradebook(course)
    return course
