"""What happened to each submission during autograding, kept where the gradebook is, not only in a log.

nbgrader's gradebook has no place for *why*: a flagged notebook is one boolean, a timeout or a dead
kernel is a zero, and a notebook nbgrader could not grade leaves nothing but a log line. So the
course keeps one small JSON record per submission in a table beside nbgrader's, in the same database
(``medialit_grading_status``: course id, assignment, student, the record), so every grader whose clone
points at the same gradebook (SQLite file or PostgreSQL server) sees the same statuses and the same
answers. A copy of each record is also written, as a cache only, to the course directory:

    grading-status/<assignment>/<student>.json

(records found only there, written before the table existed, are still read; the table wins otherwise).

holding the submission's status (``grading`` while nbgrader works on it, ``graded``, or ``failed``
with the reason), and for each notebook the flags (``FlagTampering``) and incidents (timeouts,
dead or restarted kernels, stray markers, pasted cells, truncated output: whatever the course's
steps put in ``resources["medialit"]["incidents"]``), and the answer each graded task scored
(``ScoreAnswers`` leaves them in ``resources["medialit"]["answers"]``: the student's own answer, the
points it earned and the task's maximum), which the class reports read (``read_answers``). class_runner's
workers write into their own gradebook copy, and the merge carries each record into the course's. The
cache folder is gitignored: it names students.

Every function takes the course directory, whose nbgrader_config.py names the gradebook; ``db_url`` and
``course_id`` (keyword only) name another one (a grading worker's copy). A course with no gradebook yet
keeps its records on disk only.

``RecordStatus`` writes them. It runs twice per notebook, last in nbgrader's sanitize steps (the
flags and incidents found there live in that phase's resources only: nbgrader gives each phase
fresh resources) and last in the autograde steps. A notebook whose grading stops half-way keeps
``grading``, which the report shows as failed. Nothing from the hidden tests is written here: only
``flags``, ``incidents`` and ``answers`` of ``resources["medialit"]`` are copied, never its ``stash``.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

TABLE = "medialit_grading_status"

STATUS_DIR = "grading-status"
# Marks which records this process started, so the second notebook of a submission adds to the
# record the first one started instead of replacing it (one nbgrader process grades a submission once).
RUN_ID = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
# An answer kept for the class report is a student's value: one larger than this (as JSON) is not stored, so a
# 50 MB list in an answer cell cannot make a 50 MB status record; the report counts it as unreadable.
ANSWER_CHARS = 64 * 1024
EXPORT_PLUGIN = "medialit.grading.report.StatusExportPlugin"


def status_path(root: Path | str, assignment: str, student: str) -> Path:
    """Where the record of one submission lives."""
    for name in (assignment, student):
        # The ids come from folder names in submitted/; refuse anything that would escape the store.
        if not name or name in {".", ".."} or "/" in name or os.sep in name:
            raise ValueError(f"not a usable assignment or student id for the status store: {name!r}")
    return Path(root) / STATUS_DIR / assignment / f"{student}.json"


def _table() -> Any:
    from sqlalchemy import Column, MetaData, String, Table, Text

    global _TABLE
    if _TABLE is None:
        _TABLE = Table(TABLE, MetaData(), Column("course_id", String(128), primary_key=True),
                       Column("assignment", String(128), primary_key=True),
                       Column("student", String(128), primary_key=True),
                       Column("record", Text, nullable=False), Column("updated", String(32)))
    return _TABLE


_TABLE: Any = None
_ENGINES: dict[str, Any] = {}
_COURSES: dict[tuple[str, float], tuple[str, str] | None] = {}


def course_gradebook(root: Path | str) -> tuple[str, str] | None:
    """(db_url, course_id) the course directory's nbgrader_config.py names, or None when it has no gradebook yet."""
    root = Path(root).resolve()
    config = root / "nbgrader_config.py"
    key = (str(root), config.stat().st_mtime if config.is_file() else 0.0)
    if key not in _COURSES:
        from .course import load_course

        try:
            course = load_course(root)
            _COURSES[key] = (course.db_url, course.course_id)
        except ValueError:  # no gradebook (yet): the records stay on disk
            _COURSES[key] = None
    return _COURSES[key]


def _engine(db_url: str) -> Any:
    """One engine per gradebook, with the table made if missing; an unreachable server is one clear line."""
    if db_url not in _ENGINES:
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        # NullPool: no connection outlives its use (nbgrader's own SQLite writers must never wait for ours).
        engine = create_engine(db_url, poolclass=NullPool, future=True,
                               **({"connect_args": {"timeout": 60}} if db_url.startswith("sqlite") else {}))
        try:
            _table().create(bind=engine, checkfirst=True)
        except Exception as error:  # noqa: BLE001 - the server down, a wrong password, a missing driver
            from .course import redact

            first = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise StatusStoreUnavailable(f"cannot open the gradebook {redact(db_url)} for the status store: "
                                         f"{error.__class__.__name__}: {first}") from None
        _ENGINES[db_url] = engine
    return _ENGINES[db_url]


class StatusStoreUnavailable(ValueError):
    """The gradebook that holds the status table cannot be reached (the message masks the password)."""


def _where(db_url: str | None, course_id: str | None, root: Path | str) -> tuple[str, str] | None:
    if db_url is not None:
        return db_url, course_id or "default_course"
    return course_gradebook(root)


def _parse(text: str, where: str, assignment: str, student: str) -> dict[str, Any]:
    try:
        record = json.loads(text)
        if not isinstance(record, dict):
            raise ValueError("not a JSON object")
    except ValueError as error:
        return {"assignment": assignment, "student": student, "status": "failed",
                "reason": f"the status record in {where} is damaged ({error}); autograde this submission again",
                "notebooks": {}}
    return record


def _read_disk(root: Path | str, assignment: str, student: str) -> dict[str, Any] | None:
    path = status_path(root, assignment, student)
    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        text = f"unreadable: {error}"
    return _parse(text, str(path), assignment, student)


def read_status(root: Path | str, assignment: str, student: str, *, db_url: str | None = None,
                course_id: str | None = None) -> dict[str, Any] | None:
    """The stored record of one submission, or None; a damaged record is reported as such, not skipped."""
    status_path(root, assignment, student)  # refuses ids that are not usable
    where = _where(db_url, course_id, root)
    if where is not None:
        from sqlalchemy import select

        table = _table()
        with _engine(where[0]).connect() as connection:
            text = connection.execute(select(table.c.record).where(
                table.c.course_id == where[1], table.c.assignment == assignment,
                table.c.student == student)).scalar()
        if text is not None:
            return _parse(text, f"the gradebook's {TABLE} table", assignment, student)
    return _read_disk(root, assignment, student)


def read_all(root: Path | str, *, db_url: str | None = None, course_id: str | None = None
             ) -> dict[tuple[str, str], dict[str, Any]]:
    """Every stored record, keyed by (assignment, student): the gradebook's, then any found only on disk."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    where = _where(db_url, course_id, root)
    if where is not None:
        from sqlalchemy import select

        table = _table()
        with _engine(where[0]).connect() as connection:
            for assignment, student, text in connection.execute(
                    select(table.c.assignment, table.c.student, table.c.record).where(table.c.course_id == where[1])):
                found[(assignment, student)] = _parse(text, f"the gradebook's {TABLE} table", assignment, student)
    store = Path(root) / STATUS_DIR
    if store.is_dir():
        for path in sorted(store.glob("*/*.json")):
            key = (path.parent.name, path.stem)
            if key not in found:
                record = _read_disk(root, *key)
                if record is not None:
                    found[key] = record
    return dict(sorted(found.items()))


def write_status(root: Path | str, assignment: str, student: str, record: dict[str, Any], *,
                 db_url: str | None = None, course_id: str | None = None) -> Path:
    """Write one record into the gradebook's table, and atomically into the disk cache; returns the cache file."""
    path = status_path(root, assignment, student)
    record = {**record, "assignment": assignment, "student": student,
              "updated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    where = _where(db_url, course_id, root)
    if where is not None:
        from sqlalchemy import delete

        table = _table()
        text = json.dumps(record, sort_keys=True, ensure_ascii=False)
        with _engine(where[0]).begin() as connection:
            key = (table.c.course_id == where[1]) & (table.c.assignment == assignment) & (table.c.student == student)
            connection.execute(delete(table).where(key))
            connection.execute(table.insert().values(course_id=where[1], assignment=assignment, student=student,
                                                     record=text, updated=record["updated"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{student}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(record, out, indent=2, sort_keys=True, ensure_ascii=False)
            out.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def record_failure(root: Path | str, assignment: str, student: str, reason: str, log: str | None = None, *,
                   db_url: str | None = None, course_id: str | None = None) -> Path:
    """Mark a submission failed, keeping the flags and incidents already recorded for it."""
    record = read_status(root, assignment, student, db_url=db_url, course_id=course_id) or {"notebooks": {}}
    record.update(status="failed", reason=reason)
    if log:
        record["log"] = log
    return write_status(root, assignment, student, record, db_url=db_url, course_id=course_id)


def _clean_flags(flags: Any) -> list[str]:
    if flags is None:
        return []
    if isinstance(flags, str) or not isinstance(flags, (list, tuple)):
        flags = [flags]
    return [flag if isinstance(flag, str) else repr(flag) for flag in flags]


def _clean_incidents(incidents: Any) -> list[dict[str, Any]]:
    """Incidents as JSON-safe dicts; an odd one is kept as its text rather than dropped."""
    if incidents is None:
        return []
    if isinstance(incidents, dict) or not isinstance(incidents, (list, tuple)):
        incidents = [incidents]
    cleaned = []
    for incident in incidents:
        if not isinstance(incident, dict):
            incident = {"kind": "unknown", "message": repr(incident)}
        item = {key: incident.get(key) for key in ("cell", "task", "kind", "message")}
        for key, value in incident.items():
            if key not in item:
                item[key] = value
        cleaned.append(json.loads(json.dumps(item, default=repr)))
    return cleaned


def _clean_answers(answers: Any) -> dict[str, dict[str, Any]]:
    """Answers as JSON-safe {task: {"answer", "points", "max_points"}}; anything else is refused loudly."""
    if answers is None:
        return {}
    if not isinstance(answers, dict):
        raise TypeError(f"resources['medialit']['answers'] must map task ids to answers, not {type(answers).__name__}")
    cleaned = {}
    for task, entry in answers.items():
        if not isinstance(entry, dict) or not {"answer", "points", "max_points"} <= set(entry):
            raise ValueError(f"answer record of task {task!r} needs answer, points and max_points: {entry!r}")
        answer = json.dumps(entry["answer"], default=repr)
        kept: dict[str, Any] = {"answer": json.loads(answer), "points": float(entry["points"]),
                                "max_points": float(entry["max_points"])}
        if len(answer) > ANSWER_CHARS:
            kept["answer"] = None
            kept["answer_not_kept"] = f"an answer of {len(answer):,} characters (the limit is {ANSWER_CHARS:,})"
        cleaned[str(task)] = kept
    return cleaned


def record_notebook(root: Path | str, assignment: str, student: str, notebook: str, phase: str,
                    flags: Any, incidents: Any, answers: Any = None, *, db_url: str | None = None,
                    course_id: str | None = None) -> Path:
    """Record one notebook's findings after nbgrader's sanitize (`phase="sanitize"`) or autograde phase."""
    record = read_status(root, assignment, student, db_url=db_url, course_id=course_id)
    if record is None or record.get("run") != RUN_ID:
        # A new grading of this submission: earlier rounds' findings no longer describe it.
        record = {"run": RUN_ID, "notebooks": {}}
    notebooks = record.setdefault("notebooks", {})
    entry = notebooks.get(notebook) if phase != "sanitize" else None
    entry = entry or {"flags": [], "incidents": []}
    entry["flags"] = entry["flags"] + [f for f in _clean_flags(flags) if f not in entry["flags"]]
    entry["incidents"] = entry["incidents"] + _clean_incidents(incidents)
    if phase != "sanitize":
        entry["answers"] = _clean_answers(answers)
    entry["status"] = "grading" if phase == "sanitize" else "graded"
    notebooks[notebook] = entry
    statuses = {nb.get("status") for nb in notebooks.values()}
    record["status"] = "graded" if statuses == {"graded"} else "grading"
    record["reason"] = None if record["status"] == "graded" else (
        "nbgrader started grading this submission and has not finished: it is being graded right now, "
        "or grading stopped half-way (see the autograde log)")
    return write_status(root, assignment, student, record, db_url=db_url, course_id=course_id)


def _course_root(step: Preprocessor) -> Path:
    """The course directory of the nbgrader command running `step` (a worker's copy in class_runner)."""
    return Path(_coursedir(step).root)


def _coursedir(step: Preprocessor) -> Any:
    node: Any = step
    while node is not None:
        coursedir = getattr(node, "coursedir", None)
        if coursedir is not None:
            return coursedir
        node = getattr(node, "parent", None)
    from nbgrader.coursedir import CourseDirectory

    return CourseDirectory(config=step.config)


class RecordStatus(Preprocessor):
    """Store the flags and incidents the course's steps left in resources["medialit"] (last step of each phase)."""

    enabled = Bool(True)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        info = resources["nbgrader"]
        found = resources.get("medialit", {})
        # nbgrader's Autograde sets _sanitizing while it runs the sanitize steps.
        converter = getattr(self.parent, "parent", None)
        phase = "sanitize" if getattr(converter, "_sanitizing", False) else "autograde"
        # The gradebook this nbgrader command writes (a grading worker's own copy, or the course's).
        coursedir = _coursedir(self)
        record_notebook(Path(coursedir.root), info["assignment"], info["student"], info["notebook"], phase,
                        found.get("flags"), found.get("incidents"),
                        found.get("answers") if phase == "autograde" else None,
                        db_url=info.get("db_url") or coursedir.db_url, course_id=coursedir.course_id or "default_course")
        return nb, resources


def read_answers(root: Path | str, *, db_url: str | None = None, course_id: str | None = None
                 ) -> dict[tuple[str, str], dict[str, dict[str, Any]]]:
    """Every autograded task's answer, keyed by (assignment, student), then task id.

    Each value is ``{"answer": <what the student's check recorded>, "points": float, "max_points": float,
    "notebook": <notebook name>}``. Only notebooks whose autograde phase finished carry answers; a
    submission graded before answers were kept has none (autograde it again to add them).
    """
    found: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for key, record in read_all(root, db_url=db_url, course_id=course_id).items():
        tasks: dict[str, dict[str, Any]] = {}
        for notebook, entry in sorted((record.get("notebooks") or {}).items()):
            for task, answer in sorted(((entry or {}).get("answers") or {}).items()):
                tasks[task] = {**answer, "notebook": notebook}
        found[key] = tasks
    return found


def install(c: Any, sanitize: list[Any], autograde: list[Any]) -> None:
    """Append RecordStatus to both phases and make `nbgrader export` status-aware (configure_nbgrader)."""
    for steps in (sanitize, autograde):
        if RecordStatus not in steps:
            steps.append(RecordStatus)
    c.ExportApp.plugin_class = EXPORT_PLUGIN
