"""Intake: a submission is quarantined and normalised before nbgrader or any tool of the course reads it.

A student controls more than the code in their cells: the files beside the notebook, their id (an
exchange folder or an LMS file name), the size and shape of the notebook, and ``timestamp.txt``.
nbgrader trusts all of them (``init_assignment`` copies the folder with ``shutil.copy``, following
links, as the grader; ``collect`` copies the exchange's inbound folder the same way; a garbage
timestamp stops the whole command). So every path in from a student goes through this module first:

* ``check_id``: student and assignment ids must be in ``SAFE_ID_RULE`` (letters, digits, ``-``, ``_``,
  ``.``; at most 64 characters; not starting with ``.`` or ``-``). Anything else is refused with the name
  to rename it to; an id nbgrader would read as a glob (``[``, ``*``) is never graded under it.
* ``inspect_submission`` / ``copy_submission``: only regular files the submission folder itself holds are
  accepted. Symbolic links (the notebook itself included), hard links (``st_nlink > 1``: another name may
  be outside the folder), named pipes, devices and sockets are refused before anything is copied; nothing
  is ever followed (every open is ``O_NOFOLLOW`` relative to a directory descriptor opened the same way).
  Each refused entry becomes a flag on the submission naming it; the rest is graded.
* ``check_notebook``: a notebook over ``Limits.notebook_bytes`` or nested deeper than ``Limits.json_depth``
  is refused with that reason, found by a cheap scan before any JSON parser could hit a RecursionError.
* ``read_timestamp``: ``timestamp.txt`` that does not parse is reported by its path ("timestamp
  unreadable") and ignored, never a crash.

nbgrader is wired to these in ``configure_nbgrader`` (``install``): ``IntakeAutograde`` replaces
nbgrader's Autograde converter, ``SafeExchangeCollect`` its exchange collector, ``SafeFileNameCollector``
zip_collect's file-name collector and ``FeedbackFilesOnly`` keeps ``generate_feedback`` from copying a
submission's other files into ``feedback/``. ``class_runner`` stages each worker's copy with
``stage_submission``. Entries refused while collecting or staging are written to a small manifest outside
the submission (``intake-refused/<assignment>/<student>.json`` in the course or worker directory), which
autograde turns into flags, so a refusal is reported even though the entry never reached ``submitted/``.
"""
from __future__ import annotations

import datetime
import fnmatch
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

# --- ids ----------------------------------------------------------------------------------------------

SAFE_ID_RULE = ("letters, digits, '-', '_' and '.', at most 64 characters, starting with a letter, a digit "
                "or '_'")
_SAFE_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")


class UnsafeId(ValueError):
    """A student or assignment id outside SAFE_ID_RULE; the message says what to rename it to."""


def suggest_id(value: str) -> str:
    """A safe id close to ``value``: every run of other characters becomes '_', leading dots and dashes go."""
    text = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(value)).lstrip(".-")[:64]
    return text or "renamed_student"


def shown(text: object, limit: int = 120) -> str:
    """A name fit for a log line, a report or an HTML attribute's text: control characters escaped, cut."""
    value = str(text)
    escaped = "".join(ch if ch.isprintable() else ch.encode("unicode_escape", "backslashreplace").decode("ascii")
                      for ch in value)
    return escaped if len(escaped) <= limit else escaped[:limit] + "…"


def is_safe_id(value: object) -> bool:
    return isinstance(value, str) and bool(_SAFE_ID.fullmatch(value))


def check_id(value: object, kind: str = "student") -> str:
    """``value`` if it is a safe id, else UnsafeId saying why and how to rename it (the one id check)."""
    if is_safe_id(value):
        return str(value)
    where = ("submitted/<student>/ folder, the exchange's inbound folder or the LMS file name" if kind == "student"
             else "assignment folder in solutions/ and submitted/<student>/")
    raise UnsafeId(f"{kind} id {shown(value)!r} is refused: ids may hold only {SAFE_ID_RULE}. Rename the {where} "
                   f"to e.g. {suggest_id(str(value))!r} and collect or autograde again")


# --- limits -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Limits:
    """What one submission may hold (a notebook of the course is well under 1 MB and 20 levels deep)."""

    notebook_bytes: int = 32 * 1024 * 1024
    json_depth: int = 100
    file_bytes: int = 32 * 1024 * 1024  # any other file
    total_bytes: int = 128 * 1024 * 1024  # the whole folder
    entries: int = 1000  # files and folders
    folder_depth: int = 8
    timestamp_bytes: int = 200


LIMITS = Limits()
TIMESTAMP = "timestamp.txt"
MANIFEST_DIR = "intake-refused"


class IntakeRefused(Exception):
    """A submission (or one of its notebooks) that cannot be graded at all; the message says why."""


@dataclass(frozen=True)
class Refusal:
    path: str  # relative to the submission folder ("." for the folder itself)
    reason: str
    stage: str = "autograde"

    def describe(self) -> str:
        return f"intake refused {shown(self.path)!r}: {self.reason}; it was not copied and not graded"


@dataclass
class Intake:
    """What intake found in one submission folder."""

    folder: Path
    accepted: list[str] = field(default_factory=list)  # regular files, relative paths
    refused: list[Refusal] = field(default_factory=list)
    notebooks_refused: dict[str, str] = field(default_factory=dict)  # notebook name -> reason
    timestamp: datetime.datetime | None = None
    timestamp_problem: str | None = None

    def flags(self) -> list[str]:
        out = [r.describe() for r in self.refused if Path(r.path).stem not in self.notebooks_refused
               or Path(r.path).suffix != ".ipynb"]
        if self.timestamp_problem:
            out.append(self.timestamp_problem)
        return out

    def refusal_reason(self) -> str | None:
        """Why the submission cannot be graded at all (a refused notebook), or None."""
        if not self.notebooks_refused:
            return None
        return "; ".join(f"{shown(name)}.ipynb refused at intake: {why}" for name, why in
                         sorted(self.notebooks_refused.items()))


# --- walking without following -----------------------------------------------------------------------

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def _kind(mode: int) -> str | None:
    """Why an entry of this mode is refused (None for a regular file or a folder)."""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device file"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return "not a regular file"


def _link_text(dir_fd: int, name: str) -> str:
    try:
        return f" (to {shown(os.readlink(name, dir_fd=dir_fd), 80)!r})"
    except OSError:
        return ""


def _regular_problem(st: os.stat_result, limit: int) -> str | None:
    if not stat.S_ISREG(st.st_mode):
        return _kind(st.st_mode) or "not a regular file"
    if st.st_nlink > 1:
        return (f"a hard link ({st.st_nlink} names for one file: another name may be outside the submission); "
                "submit a copy instead")
    if st.st_size > limit:
        return f"{st.st_size:,} bytes, over the limit of {limit:,}"
    return None


def open_regular(dir_fd: int, name: str, limit: int) -> int:
    """A descriptor of ``name`` in ``dir_fd`` that is checked, after opening, to be a regular file with one
    name and at most ``limit`` bytes (OSError/IntakeRefused otherwise). Never follows a link."""
    fd = os.open(name, _FILE_FLAGS, dir_fd=dir_fd)
    try:
        problem = _regular_problem(os.fstat(fd), limit)
        if problem:
            raise IntakeRefused(problem)
        os.set_blocking(fd, True)
        return fd
    except BaseException:
        os.close(fd)
        raise


def _read_fd(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise IntakeRefused(f"grew past the limit of {limit:,} bytes while it was read")
        chunks.append(chunk)


def _walk(folder: Path, dest: Path | None, limits: Limits, ignore: Iterable[str] = (),
          stage: str = "autograde") -> Intake:
    """Inspect ``folder`` (and copy what is accepted to ``dest`` when given) without following anything."""
    result = Intake(Path(folder))
    ignore = list(ignore)
    try:
        st = os.lstat(folder)
    except OSError as error:
        raise IntakeRefused(f"the submission folder {shown(folder)} cannot be read ({error.strerror})") from None
    if not stat.S_ISDIR(st.st_mode):
        raise IntakeRefused(f"the submission {shown(folder)} is {_kind(st.st_mode) or 'not a folder'}, "
                            "not a folder of its own")
    root_fd = os.open(folder, _DIR_FLAGS)
    budget = {"entries": 0, "bytes": 0}
    if dest is not None:
        Path(dest).mkdir(parents=True, exist_ok=True)
    try:
        _walk_dir(root_fd, "", dest, result, limits, ignore, budget, 0, stage)
    finally:
        os.close(root_fd)
    result.accepted.sort()
    return result


def _walk_dir(dir_fd: int, prefix: str, dest: Path | None, result: Intake, limits: Limits, ignore: list[str],
              budget: dict[str, int], depth: int, stage: str) -> None:
    with os.scandir(dir_fd) as entries:
        names = sorted(entry.name for entry in entries)
    for name in names:
        rel = f"{prefix}{name}"
        if any(fnmatch.fnmatch(name, pattern) for pattern in ignore):
            continue
        budget["entries"] += 1
        if budget["entries"] > limits.entries:
            result.refused.append(Refusal(rel, f"the submission holds more than {limits.entries} entries", stage))
            continue
        try:
            st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        except OSError as error:
            result.refused.append(Refusal(rel, f"cannot be read ({error.strerror})", stage))
            continue
        if stat.S_ISDIR(st.st_mode):
            if depth + 1 > limits.folder_depth:
                result.refused.append(Refusal(rel, f"folders nested deeper than {limits.folder_depth}", stage))
                continue
            try:
                sub_fd = os.open(name, _DIR_FLAGS, dir_fd=dir_fd)
            except OSError as error:
                result.refused.append(Refusal(rel, f"cannot be opened ({error.strerror})", stage))
                continue
            try:
                sub_dest = None if dest is None else Path(dest) / name
                if sub_dest is not None:
                    sub_dest.mkdir(exist_ok=True)
                _walk_dir(sub_fd, f"{rel}/", sub_dest, result, limits, ignore, budget, depth + 1, stage)
            finally:
                os.close(sub_fd)
            continue
        kind = _kind(st.st_mode)
        if kind:
            extra = _link_text(dir_fd, name) if stat.S_ISLNK(st.st_mode) else ""
            result.refused.append(Refusal(rel, kind + extra, stage))
            continue
        limit = limits.notebook_bytes if name.endswith(".ipynb") else limits.file_bytes
        problem = _regular_problem(st, limit)
        if problem is None and budget["bytes"] + st.st_size > limits.total_bytes:
            problem = f"the submission holds more than {limits.total_bytes:,} bytes"
        if problem:
            result.refused.append(Refusal(rel, problem, stage))
            continue
        if dest is not None:
            try:
                _copy_one(dir_fd, name, Path(dest) / name, limit)
            except (OSError, IntakeRefused) as error:
                result.refused.append(Refusal(rel, str(error) if isinstance(error, IntakeRefused)
                                              else f"cannot be copied ({error.strerror})", stage))
                continue
        budget["bytes"] += st.st_size
        result.accepted.append(rel)


def _copy_one(dir_fd: int, name: str, target: Path, limit: int) -> None:
    """Copy one regular file, checked again on its open descriptor (it may have been swapped meanwhile)."""
    fd = open_regular(dir_fd, name, limit)
    try:
        data = _read_fd(fd, limit)
    finally:
        os.close(fd)
    if target.is_symlink() or target.exists():
        target.unlink()
    out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o644)
    with os.fdopen(out, "wb") as handle:
        handle.write(data)


# --- notebooks: size and depth before any parser ------------------------------------------------------

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def json_depth_exceeds(data: bytes, limit: int) -> bool:
    """Whether JSON text nests arrays/objects deeper than ``limit`` (strings skipped; linear, no recursion)."""
    brackets = _STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    depth = 0
    for byte in brackets:
        if byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def check_notebook_bytes(data: bytes, limits: Limits = LIMITS) -> str | None:
    """Why these notebook bytes are refused before parsing (size, depth), or None."""
    if len(data) > limits.notebook_bytes:
        return (f"{len(data):,} bytes, over the limit of {limits.notebook_bytes:,}: ask the student to clear the "
                "outputs (Kernel > Restart & Clear Output) and submit again")
    if json_depth_exceeds(data, limits.json_depth):
        return (f"its JSON is nested more than {limits.json_depth} levels deep (a notebook of the course is under "
                "20): not a notebook saved by Jupyter; ask the student for the notebook again")
    return None


def read_notebook_bytes(folder: Path, name: str, limits: Limits = LIMITS) -> bytes:
    """The bytes of ``folder/name`` if it is a regular file of the submission within the limits (IntakeRefused
    says why not; FileNotFoundError when it is missing)."""
    dir_fd = os.open(folder, _DIR_FLAGS)
    try:
        try:
            st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        except FileNotFoundError:
            raise
        kind = _kind(st.st_mode)
        if kind or stat.S_ISDIR(st.st_mode):
            raise IntakeRefused((kind or "a folder") + (_link_text(dir_fd, name) if stat.S_ISLNK(st.st_mode) else "")
                                + ": submit the notebook file itself")
        fd = open_regular(dir_fd, name, limits.notebook_bytes)
        try:
            data = _read_fd(fd, limits.notebook_bytes)
        finally:
            os.close(fd)
    finally:
        os.close(dir_fd)
    problem = check_notebook_bytes(data, limits)
    if problem:
        raise IntakeRefused(problem)
    return data


def load_notebook_json(folder: Path, name: str, limits: Limits = LIMITS) -> Any:
    """The parsed JSON of a submitted notebook, after the intake checks (IntakeRefused, ValueError, OSError)."""
    data = read_notebook_bytes(folder, name, limits)
    return json.loads(data.decode("utf-8"))


# --- timestamps ---------------------------------------------------------------------------------------

def read_timestamp(folder: Path | str, limits: Limits = LIMITS) -> tuple[datetime.datetime | None, str | None]:
    """(timestamp, problem) of ``folder/timestamp.txt``: (None, None) when there is none or it is empty,
    (None, "timestamp unreadable: ...") when it is a link, too big or not a date. Never raises."""
    from nbgrader.utils import parse_utc

    path = Path(folder) / TIMESTAMP
    try:
        dir_fd = os.open(folder, _DIR_FLAGS)
    except OSError:
        return None, None
    try:
        try:
            fd = open_regular(dir_fd, TIMESTAMP, limits.timestamp_bytes)
        except FileNotFoundError:
            return None, None
        except (OSError, IntakeRefused) as error:
            why = str(error) if isinstance(error, IntakeRefused) else (error.strerror or str(error))
            if isinstance(error, OSError) and error.errno == getattr(os, "ELOOP", 40):
                why = "a symbolic link"
            return None, f"timestamp unreadable: {shown(path)} is {why}; graded without a submission time"
        try:
            text = _read_fd(fd, limits.timestamp_bytes).decode("utf-8", "replace").strip()
        except (OSError, IntakeRefused) as error:
            return None, f"timestamp unreadable: {shown(path)} ({error}); graded without a submission time"
        finally:
            os.close(fd)
    finally:
        os.close(dir_fd)
    if not text:
        return None, None
    try:
        return parse_utc(text), None
    except Exception:  # dateutil raises ValueError, OverflowError, TypeError...: all mean "not a date"
        return None, (f"timestamp unreadable: {shown(path)} holds {shown(text, 60)!r}, which is not a date; graded "
                      "without a submission time (no late penalty could be computed): fix or delete the file")


# --- one submission -----------------------------------------------------------------------------------

def inspect_submission(folder: Path | str, notebooks: Iterable[str] = (), *, limits: Limits = LIMITS,
                       ignore: Iterable[str] = (), dest: Path | str | None = None, stage: str = "autograde",
                       earlier: Iterable[Refusal] = ()) -> Intake:
    """Check one submission folder (copying what is accepted to ``dest`` when given).

    ``notebooks`` are the names (without .ipynb) the assignment expects: each present one must be a regular
    file within the size and depth limits, or it lands in ``notebooks_refused``. ``earlier`` are refusals
    found before this folder existed (collect, staging: the manifest), reported with the rest.
    IntakeRefused when the folder itself is not a plain folder.
    """
    folder = Path(folder)
    result = _walk(folder, None if dest is None else Path(dest), limits, ignore, stage)
    known = {(r.path, r.reason) for r in result.refused}
    result.refused += [r for r in earlier if (r.path, r.reason) not in known]
    for name in notebooks:
        file = f"{name}.ipynb"
        earlier_refusal = next((r for r in result.refused if r.path == file), None)
        if earlier_refusal is not None:
            advice = "" if "submit" in earlier_refusal.reason else "; ask the student to submit the notebook file itself"
            result.notebooks_refused[name] = earlier_refusal.reason + advice
            continue
        if file not in result.accepted:
            continue  # missing: nbgrader scores a missing notebook 0, and the report says so
        try:
            read_notebook_bytes(folder, file, limits)
        except IntakeRefused as error:
            result.notebooks_refused[name] = str(error)
            result.refused.append(Refusal(file, str(error), stage))
            result.accepted.remove(file)
            if dest is not None:
                (Path(dest) / file).unlink(missing_ok=True)
        except OSError as error:
            result.notebooks_refused[name] = f"cannot be read ({error.strerror})"
    if TIMESTAMP in result.accepted:
        result.timestamp, result.timestamp_problem = read_timestamp(folder, limits)
        if result.timestamp_problem and dest is not None:
            (Path(dest) / TIMESTAMP).unlink(missing_ok=True)  # never carried on: every later reader would trip
    else:
        refused = next((r for r in result.refused if r.path == TIMESTAMP), None)
        if refused is not None:
            result.timestamp_problem = (f"timestamp unreadable: {shown(folder / TIMESTAMP)} is {refused.reason}; "
                                        "graded without a submission time")
    return result


def copy_submission(src: Path | str, dest: Path | str, **options: Any) -> Intake:
    """Copy the accepted files of ``src`` to ``dest`` (created), refusing the rest; see inspect_submission."""
    return inspect_submission(src, dest=dest, **options)


# --- the manifest of refusals found before autograde ---------------------------------------------------

def manifest_path(root: Path | str, assignment: str, student: str) -> Path:
    return Path(root) / MANIFEST_DIR / check_id(assignment, "assignment") / f"{check_id(student)}.json"


def write_manifest(root: Path | str, assignment: str, student: str, refusals: Iterable[Refusal]) -> Path | None:
    """Record refusals (or clear the record when there are none) for autograde to report."""
    path = manifest_path(root, assignment, student)
    items = [{"path": r.path, "reason": r.reason, "stage": r.stage} for r in refusals]
    if not items:
        path.unlink(missing_ok=True)
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(items, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def read_manifest(root: Path | str, assignment: str, student: str) -> list[Refusal]:
    try:
        path = manifest_path(root, assignment, student)
        items = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [Refusal(str(i.get("path")), str(i.get("reason")), str(i.get("stage", "collect")))
            for i in items if isinstance(i, dict)]


def stage_submission(src_root: Path, dest_root: Path, step: str, assignment: str, student: str,
                     limits: Limits = LIMITS) -> Intake:
    """class_runner: copy one submission into a worker's course copy through intake, carrying its refusals."""
    src = Path(src_root) / step / student / assignment
    dest = Path(dest_root) / step / student / assignment
    earlier = read_manifest(src_root, assignment, student)
    try:
        result = copy_submission(src, dest, limits=limits, stage="grade-class", earlier=earlier)
    except IntakeRefused as error:
        dest.mkdir(parents=True, exist_ok=True)
        result = Intake(src, refused=[Refusal(".", str(error), "grade-class"), *earlier])
    write_manifest(dest_root, assignment, student, result.refused)
    return result


# --- nbgrader: autograde ------------------------------------------------------------------------------

def _converter_classes() -> tuple[type, type]:
    from nbgrader.converters.autograde import Autograde
    from nbgrader.converters.base import BaseConverter

    class CopyAcceptedFiles(BaseConverter):
        """Stands in for BaseConverter.init_assignment under Autograde (see IntakeAutograde's MRO): copies the
        files intake accepted, never following a link, instead of ``shutil.copy`` over everything."""

        def init_assignment(self, assignment_id: str, student_id: str) -> None:
            source = Path(self._format_source(assignment_id, student_id))
            dest = Path(self._format_dest(assignment_id, student_id))
            intake = getattr(self, "_medialit_intake", None)
            if intake is None or intake.folder != source:
                raise RuntimeError("medialit intake did not run before nbgrader's init_assignment")
            skip = list(self.coursedir.ignore) + ["*.ipynb"]
            dir_fd = os.open(source, _DIR_FLAGS)
            try:
                for rel in intake.accepted:
                    if any(fnmatch.fnmatch(part, pattern) for part in rel.split("/") for pattern in skip):
                        continue
                    if rel == TIMESTAMP and intake.timestamp_problem:
                        continue
                    target = dest / rel
                    target.parent.mkdir(parents=True, exist_ok=True)
                    parent_fd = dir_fd
                    parts = rel.split("/")
                    opened = []
                    try:
                        for part in parts[:-1]:
                            parent_fd = os.open(part, _DIR_FLAGS, dir_fd=parent_fd)
                            opened.append(parent_fd)
                        self.log.info("Copying %s -> %s (medialit intake: regular file, no links)", source / rel,
                                      target)
                        _copy_one(parent_fd, parts[-1], target, LIMITS.notebook_bytes if rel.endswith(".ipynb")
                                  else LIMITS.file_bytes)
                    finally:
                        for fd in opened:
                            os.close(fd)
            finally:
                os.close(dir_fd)

    class IntakeAutograde(Autograde, CopyAcceptedFiles):
        """nbgrader's Autograde with the intake in front: ids checked, the folder inspected, refusals flagged."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            coursedir = self.coursedir

            def get_existing_timestamp(path: str) -> Any:
                stamp, problem = read_timestamp(Path(path))
                if problem:
                    coursedir.log.warning("medialit: %s", problem)
                return stamp

            # nbgrader's own reader stops the whole command on a bad timestamp (CourseDirectory.fail).
            coursedir.get_existing_timestamp = get_existing_timestamp

        def init_notebooks(self) -> None:
            from nbgrader.converters.base import NbGraderException

            super().init_notebooks()
            kept: dict[str, list[str]] = {}
            found: dict[str, list[str]] = dict(getattr(self, "assignments"))  # noqa: B009  set by nbgrader, untyped
            for folder, notebooks in found.items():
                student, assignment = Path(folder).parent.name, Path(folder).name
                try:
                    check_id(student, "student")
                    check_id(assignment, "assignment")
                except UnsafeId as error:
                    self.log.error("medialit intake: %s: %s", shown(folder), error)
                    continue
                # A glob character in another folder's name could have matched this folder's notebooks.
                kept[folder] = [nb for nb in notebooks if os.path.dirname(nb) == folder]
            self.assignments = {k: v for k, v in kept.items() if v}
            if not self.assignments:
                raise NbGraderException("medialit intake: no submission with a safe student and assignment id to "
                                        "grade (see the errors above)")

        def init_destination(self, assignment_id: str, student_id: str) -> bool:
            check_id(student_id, "student")
            check_id(assignment_id, "assignment")
            if not super().init_destination(assignment_id, student_id):
                return False
            folder = Path(self._format_source(assignment_id, student_id))
            names = [Path(nb).stem for nb in self.notebooks]
            earlier = read_manifest(self.coursedir.root, assignment_id, student_id)
            try:
                intake = inspect_submission(folder, names, ignore=self.coursedir.ignore, earlier=earlier)
            except IntakeRefused as error:
                self._record_refusal(assignment_id, student_id, str(error))
                raise
            for flag in intake.flags():
                self.log.warning("medialit FLAG: student %s, %s: %s", student_id, assignment_id, flag)
            reason = intake.refusal_reason()
            if reason:
                self._record_refusal(assignment_id, student_id, reason)
                raise IntakeRefused(reason)
            self._medialit_intake = intake
            self._medialit_flagged: set[tuple[str, str]] = set()
            return True

        def _record_refusal(self, assignment_id: str, student_id: str, reason: str) -> None:
            from .status import record_failure

            self.log.error("medialit intake: student %s, %s NOT GRADED: %s", student_id, assignment_id, reason)
            record_failure(self.coursedir.root, assignment_id, student_id, reason)

        def init_single_notebook_resources(self, notebook_filename: str) -> dict[str, Any]:
            resources = super().init_single_notebook_resources(notebook_filename)
            intake = getattr(self, "_medialit_intake", None)
            key = (resources["nbgrader"]["assignment"], resources["nbgrader"]["student"])
            # The submission's flags go on its first notebook, in the sanitize phase (RecordStatus keeps them).
            if intake is not None and self._sanitizing and key not in self._medialit_flagged:
                self._medialit_flagged.add(key)
                resources.setdefault("medialit", {}).setdefault("flags", []).extend(intake.flags())
            return resources

    return CopyAcceptedFiles, IntakeAutograde


# --- nbgrader: collect from the exchange, zip_collect ---------------------------------------------------

def _collector_classes() -> tuple[type, type]:
    from nbgrader.exchange.default.collect import ExchangeCollect
    from nbgrader.plugins.zipcollect import FileNameCollectorPlugin

    class SafeExchangeCollect(ExchangeCollect):
        """``nbgrader collect`` that checks ids, never follows a link out of inbound, and keeps a manifest."""

        def _path_to_record(self, path: str) -> dict[str, Any]:
            try:
                return super()._path_to_record(path)
            except Exception as error:  # noqa: BLE001 - a student's file name must not stop the collection
                from nbgrader.exchange.abc.exchange import ExchangeError

                if isinstance(error, ExchangeError):
                    raise
                self.log.error("medialit intake: %s is refused: its time stamp does not parse (%s)", shown(path),
                               shown(error, 80))
                return {"username": "", "filename": os.path.basename(path), "timestamp": datetime.datetime.min}

        def init_src(self) -> None:
            super().init_src()
            kept: list[dict[str, Any]] = []
            records: list[dict[str, Any]] = list(getattr(self, "src_records"))  # noqa: B009  set by nbgrader, untyped
            for record in records:
                path = os.path.join(self.inbound_path, record["filename"])
                try:
                    check_id(record["username"], "student")
                    check_id(self.coursedir.assignment_id, "assignment")
                    st = os.lstat(path)
                    if not stat.S_ISDIR(st.st_mode):
                        raise IntakeRefused(f"{_kind(st.st_mode) or 'not a folder'}, not a folder of its own")
                except (UnsafeId, IntakeRefused, OSError) as error:
                    self.log.error("medialit intake: inbound submission %s is refused, not collected: %s",
                                   shown(record["filename"]), error)
                    continue
                kept.append(record)
            self.src_records = kept

        def do_copy(self, src: str, dest: str, log: Any = None) -> None:
            student, assignment = Path(dest).parent.name, Path(dest).name
            limits = Limits(file_bytes=int(1000 * self.coursedir.max_file_size),
                            total_bytes=int(1000 * self.coursedir.max_dir_size))
            result = copy_submission(src, dest, limits=limits, ignore=self.coursedir.ignore, stage="collect")
            for refusal in result.refused:
                self.log.warning("medialit FLAG: student %s, %s: %s", student, assignment, refusal.describe())
            write_manifest(self.coursedir.root, assignment, student, result.refused)

    class SafeFileNameCollector(FileNameCollectorPlugin):
        """zip_collect's collector with safe student ids, safe file names and a timestamp that must parse."""

        def collect(self, submitted_file: str) -> dict[str, Any] | None:
            return screen_collected_file(self, submitted_file, super().collect(submitted_file))

    return SafeExchangeCollect, SafeFileNameCollector


def screen_collected_file(plugin: Any, submitted_file: str, info: dict[str, Any] | None) -> dict[str, Any] | None:
    """What a zip_collect collector plugin found for one file, or None when intake refuses it (logged with why).

    The one check for every collector (SafeFileNameCollector, lms.LmsCollector): a safe student and assignment
    id, a plain file name, a regular file with one name; a timestamp that does not parse is dropped (the file is
    collected without one) instead of stopping the whole collection.
    """
    if not info:
        return info
    try:
        check_id(info.get("student_id"), "student")
        check_id(plugin.parent.coursedir.assignment_id, "assignment")
        file_id = info.get("file_id")
        if not is_safe_id(os.path.splitext(str(file_id))[0]) or os.path.basename(str(file_id)) != file_id:
            raise UnsafeId(f"file name {shown(file_id)!r} is refused: it must be a plain name of {SAFE_ID_RULE}")
        st = os.lstat(submitted_file)
        if not stat.S_ISREG(st.st_mode) or st.st_nlink > 1:
            raise IntakeRefused(_regular_problem(st, LIMITS.notebook_bytes) or "not a regular file")
    except (UnsafeId, IntakeRefused, OSError) as error:
        plugin.log.error("medialit intake: %s is refused, not collected: %s", shown(submitted_file), error)
        return None
    stamp = info.get("timestamp")
    if isinstance(stamp, str) and stamp:
        from nbgrader.utils import parse_utc

        try:
            parse_utc(stamp)
        except Exception:  # noqa: BLE001 - zip_collect would stop the whole collection
            plugin.log.warning("medialit intake: %s: timestamp %r does not parse; collected without one",
                               shown(submitted_file), shown(stamp, 60))
            info.pop("timestamp")
    return info


def _feedback_class() -> type:
    from nbgrader.converters.generate_feedback import GenerateFeedback

    class FeedbackFilesOnly(GenerateFeedback):
        """generate_feedback writing the feedback HTML and nbgrader's two bookkeeping files, nothing else.

        nbgrader copies every other file of the autograded submission into feedback/<student>/ (and
        release_feedback serves that folder's HTML). release_feedback reads timestamp.txt and
        submission_secret.txt there (it never releases them), so those two are copied, as regular files only.
        """

        def init_assignment(self, assignment_id: str, student_id: str) -> None:
            source = Path(self._format_source(assignment_id, student_id))
            dest = Path(self._format_dest(assignment_id, student_id))
            dest.mkdir(parents=True, exist_ok=True)
            dir_fd = os.open(source, _DIR_FLAGS)
            try:
                for name in (TIMESTAMP, "submission_secret.txt"):
                    try:
                        _copy_one(dir_fd, name, dest / name, 4096)
                    except FileNotFoundError:
                        continue
                    except (OSError, IntakeRefused) as error:
                        self.log.warning("medialit: %s/%s not copied to feedback: %s", shown(source), name, error)
            finally:
                os.close(dir_fd)

    return FeedbackFilesOnly


def install(c: Any) -> None:
    """Put the intake in front of nbgrader (called by configure_nbgrader)."""
    import nbgrader.apps.api as api
    import nbgrader.apps.autogradeapp as autogradeapp
    import nbgrader.apps.generatefeedbackapp as generatefeedbackapp

    _, intake_autograde = _converter_classes_cached()
    collect, zip_collector = _collector_classes_cached()
    feedback = _feedback_class_cached()
    # nbgrader's apps build their converter from these module names (AutogradeApp.start, NbGraderAPI).
    autogradeapp.Autograde = intake_autograde
    api.Autograde = intake_autograde
    generatefeedbackapp.GenerateFeedback = feedback
    api.GenerateFeedback = feedback
    c.ExchangeFactory.collect = collect
    c.ZipCollectApp.collector_plugin = zip_collector


_CACHE: dict[str, Any] = {}


def _converter_classes_cached() -> tuple[type, type]:
    if "converters" not in _CACHE:
        _CACHE["converters"] = _converter_classes()
    return _CACHE["converters"]


def _collector_classes_cached() -> tuple[type, type]:
    if "collectors" not in _CACHE:
        _CACHE["collectors"] = _collector_classes()
    return _CACHE["collectors"]


def _feedback_class_cached() -> type:
    if "feedback" not in _CACHE:
        _CACHE["feedback"] = _feedback_class()
    return _CACHE["feedback"]


def unsafe_submissions(submitted: Path | str, assignments: Iterable[str] = ()) -> list[tuple[tuple[str, str], str]]:
    """((assignment, student), reason) for every folder in ``submitted/<student>/<assignment>`` with an unsafe id."""
    found: list[tuple[tuple[str, str], str]] = []
    root = Path(submitted)
    if not root.is_dir():
        return found
    wanted = set(assignments)
    for student_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for assignment_dir in sorted(p for p in student_dir.iterdir() if p.is_dir()):
            if wanted and assignment_dir.name not in wanted:
                continue
            try:
                check_id(student_dir.name, "student")
                check_id(assignment_dir.name, "assignment")
            except UnsafeId as error:
                found.append(((assignment_dir.name, student_dir.name), str(error)))
    return found
