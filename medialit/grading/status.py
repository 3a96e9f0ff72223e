"""What happened to each submission during autograding, kept on disk, not only in a log.

nbgrader's gradebook has no place for *why*: a flagged notebook is one boolean, a timeout or a dead
kernel is a zero, and a notebook nbgrader could not grade leaves nothing but a log line. So the
course keeps one small JSON file per submission in the course directory:

    grading-status/<assignment>/<student>.json

holding the submission's status (``grading`` while nbgrader works on it, ``graded``, or ``failed``
with the reason), and for each notebook the flags (``FlagTampering``) and incidents (timeouts,
dead or restarted kernels, stray markers, pasted cells, truncated output: whatever the course's
steps put in ``resources["medialit"]["incidents"]``), and the answer each graded task scored
(``ScoreAnswers`` leaves them in ``resources["medialit"]["answers"]``: the student's own answer, the
points it earned and the task's maximum), which the class reports read (``read_answers``). The files sit beside ``submitted/`` (not in
the gradebook), so they work the same whether the gradebook is SQLite or PostgreSQL, and class_runner's
workers carry theirs back when they merge. The folder is gitignored: it names students.

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

STATUS_DIR = "grading-status"
# Marks which records this process started, so the second notebook of a submission adds to the
# record the first one started instead of replacing it (one nbgrader process grades a submission once).
RUN_ID = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
EXPORT_PLUGIN = "medialit.grading.report.StatusExportPlugin"


def status_path(root: Path | str, assignment: str, student: str) -> Path:
    """Where the record of one submission lives."""
    for name in (assignment, student):
        # The ids come from folder names in submitted/; refuse anything that would escape the store.
        if not name or name in {".", ".."} or "/" in name or os.sep in name:
            raise ValueError(f"not a usable assignment or student id for the status store: {name!r}")
    return Path(root) / STATUS_DIR / assignment / f"{student}.json"


def read_status(root: Path | str, assignment: str, student: str) -> dict[str, Any] | None:
    """The stored record of one submission, or None; a damaged file is reported as such, not skipped."""
    path = status_path(root, assignment, student)
    if not path.is_file():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(record, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as error:
        return {"assignment": assignment, "student": student, "status": "failed",
                "reason": f"the status file {path} is damaged ({error}); autograde this submission again",
                "notebooks": {}}
    return record


def read_all(root: Path | str) -> dict[tuple[str, str], dict[str, Any]]:
    """Every stored record, keyed by (assignment, student)."""
    store = Path(root) / STATUS_DIR
    found: dict[tuple[str, str], dict[str, Any]] = {}
    if not store.is_dir():
        return found
    for path in sorted(store.glob("*/*.json")):
        record = read_status(root, path.parent.name, path.stem)
        if record is not None:
            found[(path.parent.name, path.stem)] = record
    return found


def write_status(root: Path | str, assignment: str, student: str, record: dict[str, Any]) -> Path:
    """Write one record atomically (a reader never sees half a file, a crash never leaves one)."""
    path = status_path(root, assignment, student)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {**record, "assignment": assignment, "student": student,
              "updated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
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


def record_failure(root: Path | str, assignment: str, student: str, reason: str, log: str | None = None) -> Path:
    """Mark a submission failed, keeping the flags and incidents already recorded for it."""
    record = read_status(root, assignment, student) or {"notebooks": {}}
    record.update(status="failed", reason=reason)
    if log:
        record["log"] = log
    return write_status(root, assignment, student, record)


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
        cleaned[str(task)] = json.loads(json.dumps(
            {"answer": entry["answer"], "points": float(entry["points"]), "max_points": float(entry["max_points"])},
            default=repr))
    return cleaned


def record_notebook(root: Path | str, assignment: str, student: str, notebook: str, phase: str,
                    flags: Any, incidents: Any, answers: Any = None) -> Path:
    """Record one notebook's findings after nbgrader's sanitize (`phase="sanitize"`) or autograde phase."""
    record = read_status(root, assignment, student)
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
    return write_status(root, assignment, student, record)


def _course_root(step: Preprocessor) -> Path:
    """The course directory of the nbgrader command running `step` (a worker's copy in class_runner)."""
    node: Any = step
    while node is not None:
        coursedir = getattr(node, "coursedir", None)
        if coursedir is not None:
            return Path(coursedir.root)
        node = getattr(node, "parent", None)
    from nbgrader.coursedir import CourseDirectory

    return Path(CourseDirectory(config=step.config).root)


class RecordStatus(Preprocessor):
    """Store the flags and incidents the course's steps left in resources["medialit"] (last step of each phase)."""

    enabled = Bool(True)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        info = resources["nbgrader"]
        found = resources.get("medialit", {})
        # nbgrader's Autograde sets _sanitizing while it runs the sanitize steps.
        converter = getattr(self.parent, "parent", None)
        phase = "sanitize" if getattr(converter, "_sanitizing", False) else "autograde"
        record_notebook(_course_root(self), info["assignment"], info["student"], info["notebook"], phase,
                        found.get("flags"), found.get("incidents"),
                        found.get("answers") if phase == "autograde" else None)
        return nb, resources


def read_answers(root: Path | str) -> dict[tuple[str, str], dict[str, dict[str, Any]]]:
    """Every autograded task's answer, keyed by (assignment, student), then task id.

    Each value is ``{"answer": <what the student's check recorded>, "points": float, "max_points": float,
    "notebook": <notebook name>}``. Only notebooks whose autograde phase finished carry answers; a
    submission graded before answers were kept has none (autograde it again to add them).
    """
    found: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for key, record in read_all(root).items():
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
