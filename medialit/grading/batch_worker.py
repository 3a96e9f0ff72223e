"""One grade_class worker: `nbgrader autograde <assignment>` for several assignments in one process.

    python -m medialit.grading.batch_worker --results FILE --log-dir DIR [--throwaway-gradebook PATH]
        -- ASSIGNMENT [ASSIGNMENT ...] -- NBGRADER_ARGS...

Run inside a worker's course copy (the current directory holds its nbgrader_config.py). For each
assignment it runs nbgrader's own command line app, exactly as `nbgrader autograde <assignment>
NBGRADER_ARGS...` would (the way nbgrader's test suite runs it in-process: NbGraderApp.instance(),
initialize, start, reset), with that assignment's output in DIR/<assignment>.log, and writes
{assignment: exit status} to FILE.

Why one process: importing nbgrader costs about 4 s (half of it jsonschema building an optional IRI
grammar), which a separate `nbgrader autograde` per assignment pays again and again. Grading itself
is unchanged: the same preprocessors, the course's nbgrader_config.py, a fresh kernel per notebook.

--throwaway-gradebook PATH turns off SQLite's fsync (PRAGMA synchronous=OFF) for that one file,
which must be the worker's private copy of the gradebook: grade_class deletes it after merging.
A crash of this process still leaves it consistent (SQLite's journal is kept); only a crash of the
whole machine could corrupt it, and that also ends the grading run, whose merge never started.
The course gradebook is never opened here.

--progress-fd FD (given by class_runner) receives one JSON line per event, so the course gradebook
gets each submission as soon as it is graded, not after the whole worker finishes:
{"event": "started", "assignment": A, "student": S} before nbgrader grades a submission,
{"event": "graded", "assignment": A, "student": S} after nbgrader has finished a submission (its
grades committed, its autograded notebook written), and {"event": "assignment", "assignment": A,
"status": N} after each assignment. A submission of A never reported graded before A's event failed.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from medialit._imports import import_jsonschema


def relax_sqlite_durability(path: Path) -> None:
    """PRAGMA synchronous=OFF on every SQLAlchemy connection to `path` (and to no other file)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    target = os.path.realpath(path)

    @event.listens_for(Engine, "connect")
    def _relax(dbapi_connection: Any, _record: Any) -> None:
        if type(dbapi_connection).__module__ != "sqlite3":
            return
        files = [row[2] for row in dbapi_connection.execute("PRAGMA database_list").fetchall()]
        if any(f and os.path.realpath(f) == target for f in files):
            dbapi_connection.execute("PRAGMA synchronous=OFF")


def die_with(parent: int) -> None:
    """Be killed when class_runner dies, even by SIGKILL, which it cannot handle: no worker outlives it.

    Set here rather than in a preexec_fn: class_runner has threads by then, and running Python
    between fork and exec in a threaded process can deadlock.
    """
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL (Linux)
    except (OSError, AttributeError):
        return  # not Linux: class_runner's signal handlers still stop its workers
    if os.getppid() != parent:  # it died before the line above took effect
        os._exit(1)


def emit(fd: int | None, **event: Any) -> None:
    """One progress line to class_runner; a line under PIPE_BUF bytes is written whole."""
    if fd is None:
        return
    try:
        os.write(fd, (json.dumps(event) + "\n").encode())
    except OSError:
        pass  # class_runner is gone (it kills us too); grading a submission must not fail over this


def report_each_submission(fd: int | None) -> None:
    """Emit "started" before nbgrader grades each submission (its pre-convert hook point) and "graded" after it
    finishes one (its post-convert hook point, which only success reaches)."""
    from nbgrader.converters.base import BaseConverter

    original_pre = BaseConverter.run_pre_convert_hook

    def run_pre_convert_hook(self: Any) -> None:
        for folder in sorted({Path(notebook).parent for notebook in self.notebooks}):
            emit(fd, event="started", assignment=folder.name, student=folder.parent.name)
        original_pre(self)

    BaseConverter.run_pre_convert_hook = run_pre_convert_hook
    original = BaseConverter.run_post_convert_hook

    def run_post_convert_hook(self: Any) -> None:
        original(self)
        # nbgrader passes the hook the command line's patterns ("*"), not the student: the paths say who it was.
        folders = {Path(notebook).parent for notebook in self.notebooks}
        for folder in sorted(folders):
            emit(fd, event="graded", assignment=folder.name, student=folder.parent.name)

    BaseConverter.run_post_convert_hook = run_post_convert_hook


def autograde(assignment: str, nbgrader_args: list[str], log: Path) -> int:
    """`nbgrader autograde <assignment> <nbgrader_args>` in this process; its exit status."""
    from jupyter_core.application import NoStart
    from nbgrader.apps.nbgraderapp import NbGraderApp

    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(log, "w") as out:
        # File descriptors, not sys.stdout: the kernels nbgrader starts inherit them too.
        os.dup2(out.fileno(), 1)
        os.dup2(out.fileno(), 2)
        app = NbGraderApp.instance()
        try:
            app.initialize(["autograde", assignment, *nbgrader_args])
            app.start()
            status = 0
        except NoStart:  # how a Jupyter app says its subcommand finished (launch_instance catches it too)
            status = 0
        except SystemExit as stop:
            status = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        except Exception:  # reported in the log like nbgrader's own crash handler, then the next assignment
            import traceback

            traceback.print_exc()
            status = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            app.reset()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
    return status


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv.count("--") != 2:
        raise SystemExit("usage: autograde_batch OPTIONS -- ASSIGNMENT... -- NBGRADER_ARGS...")
    first = argv.index("--")
    second = argv.index("--", first + 1)
    parser = argparse.ArgumentParser(prog="python -m medialit.grading.batch_worker")
    parser.add_argument("--results", required=True)
    parser.add_argument("--log-dir", required=True)
    parser.add_argument("--throwaway-gradebook")
    parser.add_argument("--progress-fd", type=int, default=None)
    parser.add_argument("--parent-pid", type=int, default=None)
    args = parser.parse_args(argv[:first])
    if args.parent_pid is not None:
        die_with(args.parent_pid)
    assignments, nbgrader_args = argv[first + 1:second], argv[second + 1:]
    if not assignments:
        parser.error("no assignment given")
    # Before nbgrader imports nbformat, which imports jsonschema (see medialit/_imports.py).
    import_jsonschema()
    if args.throwaway_gradebook:
        relax_sqlite_durability(Path(args.throwaway_gradebook))
    report_each_submission(args.progress_fd)
    statuses = {}
    for name in assignments:
        statuses[name] = autograde(name, nbgrader_args, Path(args.log_dir) / f"{name}.log")
        emit(args.progress_fd, event="assignment", assignment=name, status=statuses[name])
    Path(args.results).write_text(json.dumps(statuses))
    return 0


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Every kernel is shut down, every gradebook change committed and the results file written;
    # skipping the interpreter's teardown of nbgrader's import graph saves about a second per worker.
    os._exit(status)
