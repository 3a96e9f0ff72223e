"""nbgrader's autograde steps for the course, switched on by ``configure_nbgrader(c)`` in nbgrader_config.py.

- ``FlagTampering`` (before nbgrader's OverwriteCells) compares every locked cell of a submission
  with the released cell and flags the submitted notebook in the gradebook when a locked cell was
  edited or deleted (nbgrader restores them, but would otherwise only log a warning, and it logs
  the same warning for every cell with hidden tests, which drowns the real ones).
- ``StashHiddenTests`` (before execution) takes the hidden tests out of each test cell, so the
  student's kernel never receives a key.
- ``ScoreAnswers`` (after execution) reads the answer record each test cell produced and scores it
  here, in the grader's own process, with the scorer imported before any student code ran. The
  cell's outputs are replaced by the feedback and the points. Nothing the student's code does in
  its kernel (redefining the scorer, patching IPython's display machinery, printing numbers,
  rigged ``__eq__``) can change a score: the only thing it can influence is the answer itself,
  which arrives as plain JSON and is checked again here.
"""
from __future__ import annotations

import json
from typing import Any

# nbconvert imports nbformat, which imports jsonschema: import it the fast way first (see _imports.py).
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from .award import hidden_awards, score_task, split_hidden
from .checks import ANSWER_MIME, course_case
from .execute import SandboxedExecute
from .sandbox import SandboxUnavailable, check_sandbox

STASHED_NOTE = "# (hidden tests were scored by medialit.grading outside this notebook's kernel)"


def _nbgrader_meta(cell: Any) -> dict[str, Any]:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


class FlagTampering(Preprocessor):
    """Flag a submission whose locked cells were edited or deleted (runs before OverwriteCells)."""

    enabled = Bool(True)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        from nbgrader import utils
        from nbgrader.api import Gradebook

        info = resources["nbgrader"]
        # Flags already found for this submission (intake.IntakeAutograde: refused files, a bad timestamp).
        earlier: list[str] = list(resources.get("medialit", {}).get("flags", []))
        problems: list[str] = []
        with Gradebook(info["db_url"]) as gb:
            source_nb = gb.find_notebook(info["notebook"], info["assignment"])
            released = {}
            for cell in source_nb.source_cells:
                if cell.locked:
                    released[cell.name] = (split_hidden(cell.source)[0], cell.cell_type)
            graded_ids = {c.name for c in source_nb.grade_cells}
            seen: set[str] = set()
            for cell in nb.cells:
                grade_id = _nbgrader_meta(cell).get("grade_id")
                if grade_id is None or grade_id in seen:
                    continue
                seen.add(grade_id)
                if grade_id in released:
                    source, cell_type = released[grade_id]
                    if cell.source != source or cell.cell_type != cell_type:
                        problems.append(f"locked cell {grade_id!r} was edited")
                    if not utils.is_locked(cell):
                        problems.append(f"locked cell {grade_id!r} was unlocked")
                if grade_id in graded_ids and "points" in _nbgrader_meta(cell):
                    wanted = gb.find_graded_cell(grade_id, info["notebook"], info["assignment"]).max_score
                    if float(_nbgrader_meta(cell)["points"]) != float(wanted):
                        problems.append(f"cell {grade_id!r} had its points changed")
            for grade_id in sorted((set(released) | graded_ids) - seen):
                problems.append(f"cell {grade_id!r} was deleted or lost its nbgrader metadata")
            if problems or earlier:
                submission = gb.find_submission_notebook(info["notebook"], info["assignment"], info["student"])
                submission.flagged = True
                gb.db.commit()
        for problem in problems:
            self.log.warning("medialit FLAG: student %s, %s/%s: %s (nbgrader restores it from the source).",
                             info["student"], info["assignment"], info["notebook"], problem)
        resources.setdefault("medialit", {})["flags"] = earlier + problems
        return nb, resources


class RequireSandbox(Preprocessor):
    """Stop autograding before any student code runs when the sandbox cannot work on this machine."""

    enabled = Bool(True)
    _checked = False

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        if not RequireSandbox._checked:
            if self.config.get("SandboxedKernelManager", {}).get("sandbox", True):
                try:
                    check_sandbox()
                except SandboxUnavailable as error:
                    # SystemExit, not an exception: nbgrader would log an exception and go on to the next
                    # student, failing every one of them; this stops the whole run with the reason.
                    raise SystemExit(f"medialit: {error}") from None
            else:
                self.log.warning("medialit: SandboxedKernelManager.sandbox is False: student code runs UNSANDBOXED "
                                 "with the grader's rights (for measuring only; never for a real class).")
            RequireSandbox._checked = True
        return nb, resources


class SettleForeignCells(Preprocessor):
    """Make ordinary cells of nbgrader cells this notebook never had (runs first among the course's cell steps).

    A cell pasted from another assignment, or one a student gave nbgrader metadata of their own (an invented
    grade cell worth 100), has a grade_id the gradebook does not know for this notebook. nbgrader's
    OverwriteCells then deletes only its grade_id, and a later step fails on the rest (KeyError 'grade_id'),
    leaving the whole notebook ungraded. Here such a cell loses its nbgrader metadata: it costs only itself
    (it is worth nothing) and is recorded as an incident.
    """

    enabled = Bool(True)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        from nbgrader.api import Gradebook

        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            source_nb = gb.find_notebook(info["notebook"], info["assignment"])
            known = {c.name for c in [*source_nb.source_cells, *source_nb.grade_cells, *source_nb.task_cells]}
        incidents = resources.setdefault("medialit", {}).setdefault("incidents", [])
        for index, cell in enumerate(nb.cells):
            meta = cell.get("metadata", {}).get("nbgrader")
            if meta is None:
                continue
            grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
            if isinstance(grade_id, str) and grade_id in known:
                continue
            del cell.metadata["nbgrader"]
            if not isinstance(meta, dict) or not (meta.get("grade") or meta.get("solution") or meta.get("locked")
                                                  or meta.get("task") or grade_id):
                continue  # empty nbgrader metadata (Jupyter's toolbar leaves it): nothing to report
            shown = repr(grade_id)[:80] if grade_id is not None else "without an id"
            message = (f"cell {index + 1} ({shown}) is not part of this assignment (pasted from another one, or "
                       "given nbgrader metadata by hand); it was graded as an ordinary cell, worth nothing")
            incidents.append({"cell": str(grade_id)[:80] if grade_id is not None else None, "task": None,
                              "kind": "foreign_cell", "message": message})
            self.log.warning("medialit: %s/%s: %s", info.get("student"), info.get("assignment"), message)
        return nb, resources


class SettleDuplicateCells(Preprocessor):
    """Keep one cell per nbgrader id when a student copied a cell (runs before nbgrader's DeduplicateIds).

    nbgrader's DeduplicateIds empties the metadata of every copy but the last, and its OverwriteCells then
    fails on the emptied copy (KeyError 'grade_id'), so one pasted cell would leave the whole notebook
    ungraded. Here the extra copies lose their nbgrader metadata entirely and become ordinary cells: of a
    locked cell the first copy stays (it sits where the course put it), of an answer cell the last (as in
    nbgrader, the one a student most likely finished).
    """

    enabled = Bool(True)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        by_id: dict[str, list[int]] = {}
        for index, cell in enumerate(nb.cells):
            grade_id = _nbgrader_meta(cell).get("grade_id")
            if grade_id is not None:
                by_id.setdefault(str(grade_id), []).append(index)
        incidents = resources.setdefault("medialit", {}).setdefault("incidents", [])
        for grade_id, places in by_id.items():
            if len(places) < 2:
                continue
            keep = places[-1] if _nbgrader_meta(nb.cells[places[-1]]).get("solution") else places[0]
            for index in places:
                if index != keep:
                    del nb.cells[index].metadata["nbgrader"]
            incidents.append({"cell": grade_id, "task": None, "kind": "pasted_cell",
                              "message": f"cell {grade_id!r} appeared {len(places)} times; the copies were graded "
                                         "as ordinary cells"})
            info = resources.get("nbgrader", {})
            self.log.warning("medialit: %s/%s: cell %r appears %d times; keeping one", info.get("student"),
                             info.get("assignment"), grade_id, len(places))
        return nb, resources


class StashHiddenTests(Preprocessor):
    """Take the hidden tests out of every test cell before the student's kernel runs them."""

    enabled = Bool(True)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        stash: dict[int, tuple[str, dict[str, Any]]] = {}
        for index, cell in enumerate(nb.cells):
            # Only test cells (restored from the source by OverwriteCells) can hold hidden tests; the
            # delimiters typed or pasted into a student's own cell are just text, not a reason to fail.
            meta = _nbgrader_meta(cell)
            if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
                continue
            visible, hidden = split_hidden(cell.source)
            if hidden is None:
                continue
            awards = hidden_awards(hidden)
            if not awards:
                # An ordinary nbgrader test cell (assert statements, no award()): nbgrader's own semantics, its
                # hidden tests run in the (sandboxed) kernel. docs/grading.md says what that guarantees less.
                resources.setdefault("medialit", {}).setdefault("standard_cells", []).append(meta.get("grade_id"))
                continue
            if len(awards) != 1:
                raise ValueError(f"cell {_nbgrader_meta(cell).get('grade_id')!r}: hidden tests must hold exactly "
                                 f"one award() call, found {len(awards)}")
            task, spec = awards[0]
            points = _nbgrader_meta(cell).get("points")
            if points is None or float(points) != float(spec.get("points", -1)):
                raise ValueError(f"cell {_nbgrader_meta(cell).get('grade_id')!r}: award spec points "
                                 f"{spec.get('points')!r} differ from the cell's nbgrader points {points!r}")
            stash[index] = (task, spec)
            cell.source = visible.rstrip("\n") + "\n" + STASHED_NOTE
        course_case()  # load the case now, before any student code runs
        resources.setdefault("medialit", {})["stash"] = stash
        return nb, resources


class ScoreAnswers(Preprocessor):
    """Score each test cell's answer record outside the kernel and write feedback and points."""

    enabled = Bool(True)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        import nbformat

        stash = resources.get("medialit", {}).get("stash", {})
        for index, (task, spec) in stash.items():
            cell = nb.cells[index]
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            records = [o["data"][ANSWER_MIME] for o in cell.get("outputs", [])
                       if o.get("output_type") == "display_data" and ANSWER_MIME in o.get("data", {})]
            # A JSON round trip turns nbformat's NotebookNode into the plain dicts and lists the checks expect.
            records = [json.loads(json.dumps(r)) for r in records]
            records = [r for r in records if type(r) is dict and r.get("task") == task]
            if errors:
                # Keep only the errors: nbgrader scores the first error or number it meets, in order.
                note = nbformat.v4.new_output("stream", name="stdout",
                                              text="No points for this task: the checks above raised an error.\n")
                cell.outputs = [note, *errors]
                continue
            if len(records) != 1:
                message = ("no answer was recorded" if not records else
                           f"{len(records)} answer records were found where the checks make exactly one")
                cell.outputs = [nbformat.v4.new_output(
                    "error", ename="NoAnswerRecorded", evalue=f"task {task}: {message}",
                    traceback=[f"NoAnswerRecorded: task {task}: {message}; no points."])]
                continue
            try:
                result = score_task(spec, records[0].get("answer"))
            except ValueError as error:  # a broken spec is the instructor's problem: fail loudly
                raise RuntimeError(f"task {task}: {error}") from None
            # Kept for the class reports (status.read_answers): the student's answer and its points, never the key.
            resources["medialit"].setdefault("answers", {})[task] = {
                "answer": records[0].get("answer"), "points": result.points, "max_points": result.max_points}
            cell.outputs = [
                nbformat.v4.new_output("display_data", data={"text/plain": result.feedback}),
                nbformat.v4.new_output("execute_result", data={"text/plain": repr(result.points)},
                                       execution_count=cell.get("execution_count")),
            ]
        return nb, resources


def configure_nbgrader(c: Any) -> None:
    """Insert the preprocessors above into nbgrader's autograde steps, and the role lines into generate_assignment."""
    from nbgrader.converters.autograde import Autograde
    from nbgrader.preprocessors import DeduplicateIds, Execute, OverwriteCells

    traits = Autograde.class_traits()
    sanitize = list(traits["sanitize_preprocessors"].default())
    autograde = list(traits["autograde_preprocessors"].default())
    if OverwriteCells not in sanitize or DeduplicateIds not in sanitize or Execute not in autograde:
        raise RuntimeError("nbgrader's default autograde steps changed; update medialit.grading.configure_nbgrader")
    sanitize.insert(0, RequireSandbox)
    sanitize.insert(sanitize.index(DeduplicateIds), SettleForeignCells)
    sanitize.insert(sanitize.index(DeduplicateIds), SettleDuplicateCells)
    sanitize.insert(sanitize.index(OverwriteCells), FlagTampering)
    # nbgrader's own add_missing_grade_cells raises KeyError on some deletions (missing_cells.py).
    from .missing_cells import install as restore_missing_cells

    restore_missing_cells(sanitize)
    # Student code runs only in the sandbox, with kernel restarts instead of lost notebooks.
    autograde[autograde.index(Execute)] = SandboxedExecute
    autograde.insert(autograde.index(SandboxedExecute), StashHiddenTests)
    autograde.insert(autograde.index(SandboxedExecute) + 1, ScoreAnswers)
    # Before nbgrader touches a submission: ids, links, sizes, timestamps (intake.py); collect, zip_collect, feedback too.
    from .intake import install as install_intake

    install_intake(c)
    # A regrade changes only automatic points (regrade.py).
    from .regrade import install as keep_hand_grading

    keep_hand_grading(autograde)
    # Last step of each phase: flags, incidents, failures kept in the gradebook's status table (status.py).
    from .status import install

    install(c, sanitize, autograde)
    c.Autograde.sanitize_preprocessors = sanitize
    c.Autograde.autograde_preprocessors = autograde
    # A deleted test cell comes back (and scores from its answer) instead of silently vanishing.
    c.OverwriteCells.add_missing_cells = True
    # Released notebooks say in each code cell, and in each answer cell, whether it is the student's (cell_roles.py).
    from nbgrader.converters.generate_assignment import GenerateAssignment
    from nbgrader.preprocessors import ClearSolutions

    from .cell_roles import MarkCellRoles
    release = list(GenerateAssignment.class_traits()["preprocessors"].default())
    if ClearSolutions not in release:
        raise RuntimeError("nbgrader's generate_assignment steps changed; update medialit.grading.configure_nbgrader")
    release.insert(release.index(ClearSolutions) + 1, MarkCellRoles)
    c.GenerateAssignment.preprocessors = release
    # After the lines above: Formgrader/feedback pages sanitized, outputs capped, CSP (sanitize.py).
    from .sanitize import configure_html

    configure_html(c)

