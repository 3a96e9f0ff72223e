"""What the class did with each graded task: the numbers behind the graded-task sections of the class report.

* Phrase tasks: per key phrase, how many students' marks overlap it in full, in part, or not at all (the
  overlap rule students are scored by, ``medialit.scoring.span_prf``, on the spans
  ``medialit.assessment.phrase_spans`` gives the grade too), and the marks that overlap no key phrase.
* Label, words and numbers tasks: per item (and field), the full spread of answers, the keyed ones marked.
* Written answers: per rubric level (``medialit.grading.rubric.rubric_levels``), how many manual scores
  fall in it, and how many are not graded yet.
* Items: each graded item's difficulty (share right) and discrimination (item-rest correlation within
  its assignment), for the scatter.

Where the data come from: the students' answers as autograding recorded them (``grading-status/``, read by
``medialit.grading.status.read_answers``), the keys from the hidden tests in the source notebooks
(``solutions/<assignment>/*.ipynb``, read with ``award.split_hidden`` and ``award.hidden_awards``), item text
from what the notebooks show (``item_texts``), the article from ``medialit.case.load_case``, and the manual
scores from the nbgrader gradebook named in the course's nbgrader_config.py (SQLite or PostgreSQL; never
created here). Tasks come in course order (``item_texts.course_order``), each assignment's in notebook order.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import scoring
from ..case import Case, current_case, load_case
from .item_stats import correlation
from .item_texts import course_order, item_texts, readable_answer, readable_field
from .phrase_spans import phrase_spans

__all__ = ["KeyPhraseShare", "PhraseTask", "AnswerCount", "ItemSummary", "LabelTask", "WrittenAnswer", "ItemPoint",
           "TaskAnalysis", "hidden_specs", "analyse_phrases", "analyse_labels", "analyse_numbers", "written_spread",
           "item_points", "analyse_course", "OTHER"]

OTHER = "other answers"  # the spread's last bar: every wrong answer past the most common ones
_SHOWN_WRONG = 4  # wrong words or numbers shown one by one before the rest go into OTHER


# ---------------------------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class KeyPhraseShare:
    """One (merged) key span of a phrase task and how many students' marks overlap it."""

    start: int
    end: int
    text: str
    found_full: int
    found_part: int
    students: int
    techniques: tuple[str, ...] = ()  # readable names of every technique the key accepts for it

    @property
    def found(self) -> int:
        return self.found_full + self.found_part

    @property
    def missed(self) -> int:
        return self.students - self.found

    @property
    def share(self) -> float:
        return self.found / self.students if self.students else 0.0


@dataclass
class PhraseTask:
    assignment: str
    task: str
    paragraphs: list[int]
    students: int
    unreadable: int
    keys: list[KeyPhraseShare]
    unmatched: list[tuple[str, int]]  # (marked text, how many students), most common first
    by_student: dict[str, dict[str, bool]] = field(default_factory=dict)  # student -> "K1" -> found at all

    kind = "phrases"


@dataclass(frozen=True)
class AnswerCount:
    """One bar of an item's spread: an answer, how many gave it, and whether the key accepts it."""

    answer: str  # as stored (a label, words in their loose form, a number)
    shown: str  # what the instructor reads (a technique's readable name, ...)
    count: int
    key: bool


@dataclass(frozen=True)
class ItemSummary:
    """One item (or one field of an item) of a label, words or numbers task."""

    item: str
    field: str | None
    expected: tuple[str, ...]  # every accepted answer, as stored
    answered: int
    correct: int
    wrong: tuple[tuple[str, int], ...]  # (wrong answer, count), most common first
    text: str = ""  # the item as the notebook shows it ("" when the notebook shows none: the section says so)
    spread: tuple[AnswerCount, ...] = ()  # every answer given (and every option of a label), keyed first

    @property
    def name(self) -> str:
        return self.item if self.field is None else f"{self.item} ({self.field})"

    @property
    def title(self) -> str:
        """The item's id with its field's readable name: "claim-6a (Source)"."""
        return self.item if self.field is None else f"{self.item} ({readable_field(self.field)})"


@dataclass
class LabelTask:
    assignment: str
    task: str
    kind: str  # "labels", "words" or "numbers"
    students: int
    unreadable: int
    items: list[ItemSummary]
    by_student: dict[str, dict[str, bool]] = field(default_factory=dict)  # student -> item name -> right


@dataclass
class WrittenAnswer:
    assignment: str
    notebook: str
    grade_id: str
    max_score: float
    levels: list[tuple[Any, int]]  # (RubricLevel, count), highest level first
    off_rubric: list[float]  # manual scores no level holds
    not_graded: int  # submissions whose answer still needs a manual grade
    left_blank: int = 0  # answers nbgrader scored 0 itself because the student left the cell as released


@dataclass(frozen=True)
class ItemPoint:
    """One graded item in the scatter: its difficulty (share right) and its discrimination."""

    assignment: str
    task: str
    item: str  # "claim-6a (Source)", "K2"
    text: str
    n: int
    difficulty: float
    discrimination: float | None  # item-rest correlation within the assignment; None without spread or students


@dataclass
class TaskAnalysis:
    tasks: list[PhraseTask | LabelTask] = field(default_factory=list)  # course order, each assignment's in notebook order
    written: list[WrittenAnswer] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    points: list[ItemPoint] = field(default_factory=list)

    @property
    def phrases(self) -> list[PhraseTask]:
        return [t for t in self.tasks if isinstance(t, PhraseTask)]

    @property
    def labels(self) -> list[LabelTask]:
        return [t for t in self.tasks if isinstance(t, LabelTask) and t.kind in ("labels", "words")]

    @property
    def numbers(self) -> list[LabelTask]:
        return [t for t in self.tasks if isinstance(t, LabelTask) and t.kind == "numbers"]

    def assignments(self) -> list[str]:
        """Every assignment with a section, in course order."""
        seen = [t.assignment for t in self.tasks] + [w.assignment for w in self.written]
        return list(dict.fromkeys(seen))


# ---------------------------------------------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------------------------------------------

def hidden_specs(source_dir: Path | str) -> dict[tuple[str, str], dict[str, Any]]:
    """Every graded task's hidden-test spec, keyed by (assignment, task), in notebook order, from
    ``<source_dir>/<assignment>/*.ipynb`` (the spec gains "notebook": the notebook's name)."""
    import nbformat

    from ..grading.award import hidden_awards, split_hidden

    specs: dict[tuple[str, str], dict[str, Any]] = {}
    for path in sorted(Path(source_dir).glob("*/*.ipynb")):
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
            if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
                continue
            hidden = split_hidden(cell.source)[1]
            if hidden is None:
                continue
            for task, spec in hidden_awards(hidden):
                specs[(path.parent.name, task)] = {**spec, "notebook": path.stem}
    return specs


# ---------------------------------------------------------------------------------------------------------------
# Analysis
# ---------------------------------------------------------------------------------------------------------------

def _by_student(answers: Mapping[str, object] | Iterable[object]) -> list[tuple[str, object]]:
    """(student, answer) pairs: from a mapping of student -> answer, or numbered when only answers are given."""
    if isinstance(answers, Mapping):
        return list(answers.items())
    return [(f"#{number}", answer) for number, answer in enumerate(answers, start=1)]


def _technique_names(record: Mapping[str, Any]) -> tuple[str, ...]:
    technique = record.get("technique")
    labels = [technique] if type(technique) is str else [r.get("label") for r in technique or [] if isinstance(r, dict)]
    return tuple(readable_answer(label) for label in labels if type(label) is str)


def analyse_phrases(assignment: str, task: str, spec: Mapping[str, Any],
                    answers: Mapping[str, object] | Iterable[object], case: Case) -> PhraseTask:
    """Who found which key phrase, and the marks that overlap no key phrase (the scorer's own overlap rule)."""
    from ..grading.checks import AnswerError, check_phrases

    spans = phrase_spans(spec, case)
    key = scoring.merge_spans(list(spans.key))
    # Each merged span names the techniques of the key phrases it holds.
    names = {}
    for (s, e) in key:
        held = [record for record, (ks, ke) in zip(spec["key"], spans.key) if s <= ks and ke <= e]
        names[(s, e)] = tuple(dict.fromkeys(n for record in held for n in _technique_names(record)))
    full: Counter[tuple[int, int]] = Counter()
    part: Counter[tuple[int, int]] = Counter()
    unmatched: Counter[tuple[int, int]] = Counter()
    by_student: dict[str, dict[str, bool]] = {}
    students = unreadable = 0
    for student, answer in _by_student(answers):
        try:
            marks = spans.of(check_phrases(answer, list(spans.paragraphs), name="answer", case=case))
        except (AnswerError, ValueError):
            unreadable += 1
            continue
        students += 1
        result = scoring.span_prf(marks, key)
        found = set()
        for feedback in result.key_feedback:
            if feedback.status == "found":
                full[(feedback.start, feedback.end)] += 1
            elif feedback.status == "partly found":
                part[(feedback.start, feedback.end)] += 1
            else:
                continue
            found.add((feedback.start, feedback.end))
        by_student[student] = {f"K{i}": span in found for i, span in enumerate(key, start=1)}
        for span in set(result.unmatched):  # one student counts once per mark
            unmatched[span] += 1
    keys = [KeyPhraseShare(s, e, case.text[s:e], full[(s, e)], part[(s, e)], students, names[(s, e)])
            for s, e in key]
    common = sorted(unmatched.items(), key=lambda kv: (-kv[1], kv[0]))
    return PhraseTask(assignment, task, list(spans.paragraphs), students, unreadable, keys,
                      [(case.text[s:e], count) for (s, e), count in common], by_student)


def _spread(counts: Counter[str], keyed: Iterable[str], options: Iterable[str] = (), *,
            shown_wrong: int | None = None) -> tuple[AnswerCount, ...]:
    """Keyed answers first, then every option (labels) or the most common wrong answers and the rest as OTHER."""
    keyed = list(dict.fromkeys(keyed))
    out = [AnswerCount(a, readable_answer(a), counts.get(a, 0), True) for a in keyed]
    listed = [o for o in options if o not in keyed]
    out += [AnswerCount(o, readable_answer(o), counts.get(o, 0), False) for o in listed]
    rest = sorted(((a, c) for a, c in counts.items() if a not in keyed and a not in listed), key=lambda kv: (-kv[1], kv[0]))
    if shown_wrong is not None and len(rest) > shown_wrong + 1:
        rest, other = rest[:shown_wrong], rest[shown_wrong:]
        out += [AnswerCount(a, readable_answer(a), c, False) for a, c in rest]
        out.append(AnswerCount(OTHER, f"{len(other)} other answers", sum(c for _, c in other), False))
    else:
        out += [AnswerCount(a, readable_answer(a), c, False) for a, c in rest]
    return tuple(out)


def _field_options(allowed: Any, field_name: str | None) -> list[str]:
    if isinstance(allowed, dict):
        return list(allowed.get(field_name, []))
    return list(allowed or [])


def _summaries(expected: dict[tuple[str, str | None], tuple[str, ...]], answered: Counter[Any], right: Counter[Any],
               given: dict[tuple[str, str | None], Counter[str]], texts: Mapping[str, str], allowed: Any,
               shown_wrong: int | None) -> list[ItemSummary]:
    items = []
    for where, accepted in expected.items():
        counts = given.get(where) or Counter()
        wrong = sorted(((a, c) for a, c in counts.items() if a not in accepted), key=lambda kv: (-kv[1], kv[0]))
        spread = _spread(counts, accepted, _field_options(allowed, where[1]) if allowed is not None else (),
                         shown_wrong=shown_wrong)
        items.append(ItemSummary(where[0], where[1], accepted, answered[where], right[where], tuple(wrong),
                                 texts.get(where[0], ""), spread))
    return items


def analyse_labels(assignment: str, task: str, spec: Mapping[str, Any],
                   answers: Mapping[str, object] | Iterable[object], case: Case,
                   texts: Mapping[str, str] | None = None) -> LabelTask:
    """Per item: the spread of answers, how many got it right and the most common wrong answers (labels or words)."""
    from ..grading.checks import AnswerError, check_labels, check_words, normalise_answer

    kind = spec["kind"]
    key = spec["key"]
    right: Counter[tuple[str, str | None]] = Counter()
    answered: Counter[tuple[str, str | None]] = Counter()
    given: dict[tuple[str, str | None], Counter[str]] = {}
    by_student: dict[str, dict[str, bool]] = {}
    # Items (and fields) and their accepted answers come from the key, so an item nobody answered still shows.
    if kind == "labels":
        expected = {(i.item, i.field): i.accepted for i in scoring.score_labels({}, key, allowed=spec["allowed"]).items}
    else:
        expected = {(item, None): tuple(dict.fromkeys(normalise_answer(f) for f in forms)) for item, forms in key.items()}
    students = unreadable = 0
    for student, answer in _by_student(answers):
        try:
            if kind == "labels":
                clean = check_labels(answer, list(key), spec["allowed"], name="answer")
                result = scoring.score_labels(clean, key, allowed=spec["allowed"])
                marks = [((i.item, i.field), i.given, i.correct) for i in result.items]
            else:
                clean = check_words(answer, list(key), spec["paragraphs"], name="answer", case=case)
                # Words are compared loosely (case, quotes, spaces), as the scorer does: counted in that loose form.
                marks = [((item, None), normalise_answer(clean[item]), normalise_answer(clean[item]) in {normalise_answer(f) for f in forms})
                         for item, forms in key.items()]
        except (AnswerError, ValueError):
            unreadable += 1
            continue
        students += 1
        mine = by_student.setdefault(student, {})
        for where, said, ok in marks:
            if said is None:
                continue
            answered[where] += 1
            mine[where[0] if where[1] is None else f"{where[0]} ({where[1]})"] = ok
            if ok:
                right[where] += 1
            given.setdefault(where, Counter())[said] += 1
    items = _summaries(expected, answered, right, given, texts or {}, spec.get("allowed") if kind == "labels" else None,
                       None if kind == "labels" else _SHOWN_WRONG)
    if kind == "words":
        # The key's accepted forms may differ only in spelling from what students wrote: show each accepted form.
        items = [ItemSummary(i.item, i.field, tuple(key[i.item]), i.answered, i.correct, i.wrong, i.text, i.spread)
                 for i in items]
    return LabelTask(assignment, task, kind, students, unreadable, items, by_student)


def number_right(given: float, want: Mapping[str, Any]) -> bool:
    """A number within the key's tolerance: the rule of ``medialit.grading.award`` (a test holds them equal)."""
    return abs(given - want["value"]) <= want.get("tolerance", 0)


def _number_text(value: float) -> str:
    return f"{value:g}"


def analyse_numbers(assignment: str, task: str, spec: Mapping[str, Any],
                    answers: Mapping[str, object] | Iterable[object], texts: Mapping[str, str] | None = None) -> LabelTask:
    """Per number: the spread of the values given, those within the key's tolerance marked."""
    from ..grading.checks import AnswerError, check_numbers

    key = spec["key"]
    expected: dict[tuple[str, str | None], tuple[str, ...]] = {(name, None): (_number_text(want["value"]) + (f" ± {want['tolerance']:g}" if want.get("tolerance") else ""),)
                for name, want in key.items()}
    right: Counter[tuple[str, str | None]] = Counter()
    answered: Counter[tuple[str, str | None]] = Counter()
    given: dict[tuple[str, str | None], Counter[str]] = {}
    by_student: dict[str, dict[str, bool]] = {}
    students = unreadable = 0
    for student, answer in _by_student(answers):
        try:
            clean = check_numbers(answer, list(key), name="answer")
        except (AnswerError, ValueError):
            unreadable += 1
            continue
        students += 1
        mine = by_student.setdefault(student, {})
        for name, want in key.items():
            ok = number_right(clean[name], want)
            where = (name, None)
            answered[where] += 1
            right[where] += ok
            mine[name] = ok
            # Every value the key accepts is counted under the key's own text, so the spread has one right bar.
            shown = expected[where][0] if ok else _number_text(clean[name])
            given.setdefault(where, Counter())[shown] += 1
    items = _summaries(expected, answered, right, given, texts or {}, None, _SHOWN_WRONG)
    return LabelTask(assignment, task, "numbers", students, unreadable, items, by_student)


def written_spread(course: Any, gradebook: Any) -> list[WrittenAnswer]:
    """Per written answer (markdown grade cell): how many manual scores fall in each level of its rubric."""
    from ..grading.rubric import rubric_levels, written_answer_rubrics

    found = []
    source = course.step_dir(course.source)
    for assignment in sorted(gradebook.assignments, key=lambda a: a.name):
        for notebook in sorted(assignment.notebooks, key=lambda n: n.name):
            path = source / assignment.name / f"{notebook.name}.ipynb"
            rubrics = written_answer_rubrics(path) if path.is_file() else {}
            for cell in sorted(notebook.grade_cells, key=lambda c: c.name):
                if cell.cell_type != "markdown":
                    continue
                if cell.name not in rubrics:
                    raise ValueError(f"no rubric for the written answer {cell.name!r}: expected it in the answer "
                                     f"cell of {path} (the source notebook nbgrader generated the assignment from)")
                levels = rubric_levels(rubrics[cell.name])
                counts: Counter[Any] = Counter()
                off, pending, blank = [], 0, 0
                for submission in gradebook.notebook_submissions(notebook.name, assignment.name):
                    grade = next((g for g in submission.grades if g.name == cell.name), None)
                    if grade is None:
                        continue
                    if grade.manual_score is None:
                        if grade.needs_manual_grade:
                            pending += 1
                        elif grade.auto_score is not None:
                            blank += 1  # nbgrader gives an unchanged answer cell 0 without a grader
                        continue
                    level = next((lv for lv in levels if lv.holds(grade.manual_score)), None)
                    if level is None:
                        off.append(float(grade.manual_score))
                    else:
                        counts[level] += 1
                found.append(WrittenAnswer(assignment.name, notebook.name, cell.name, float(cell.max_score),
                                           [(level, counts[level]) for level in levels], sorted(off), pending,
                                           blank))
    return found


def item_points(tasks: Iterable[PhraseTask | LabelTask]) -> list[ItemPoint]:
    """Each item's difficulty and discrimination: being right on it against the share right on the rest of its
    assignment's items (phrase tasks count each key phrase found, in full or in part, as an item)."""
    tasks = list(tasks)
    per_assignment: dict[str, dict[str, dict[tuple[str, str], bool]]] = {}
    for task in tasks:
        for student, marks in task.by_student.items():
            mine = per_assignment.setdefault(task.assignment, {}).setdefault(student, {})
            for item, ok in marks.items():
                mine[(task.task, item)] = ok
    points = []
    for task in tasks:
        students = per_assignment.get(task.assignment, {})
        if isinstance(task, PhraseTask):
            rows = [(f"K{i}", f"key phrase “{k.text}”") for i, k in enumerate(task.keys, start=1)]
        else:
            rows = [(i.name, i.text) for i in task.items]
        titles = {} if isinstance(task, PhraseTask) else {i.name: i.title for i in task.items}
        for name, text in rows:
            right, rest = [], []
            for student_marks in students.values():
                if (task.task, name) not in student_marks:
                    continue
                others = [ok for where, ok in student_marks.items() if where != (task.task, name)]
                right.append(1.0 if student_marks[(task.task, name)] else 0.0)
                rest.append(sum(others) / len(others) if others else 0.0)
            if not right:
                continue
            discrimination = correlation(right, rest) if len(right) >= 3 else None
            points.append(ItemPoint(task.assignment, task.task, titles.get(name, name), text, len(right),
                                    sum(right) / len(right), discrimination))
    return points


def analyse_course(course_dir: Path | str = ".", *, case: Case | None = None) -> TaskAnalysis:
    """Everything the sections show, for one course directory (GradebookMissing when it has no gradebook)."""
    from nbgrader.api import Gradebook

    from ..grading.report import open_course
    from ..grading.status import read_answers

    course = open_course(course_dir)
    case = case or load_case(current_case())
    source = course.step_dir(course.source)
    specs = hidden_specs(source)
    answers = read_answers(course.root)
    by_task: dict[tuple[str, str], dict[str, object]] = {}
    for (assignment, student), tasks in sorted(answers.items()):
        for task, record in tasks.items():
            by_task.setdefault((assignment, task), {})[student] = record.get("answer")
    analysis = TaskAnalysis()
    answered = {assignment for (assignment, _task) in by_task}
    waiting = course_order({a for (a, _task), spec in specs.items() if spec.get("kind") != "participation"}
                           - answered, course.root)
    if waiting:
        analysis.notes.append("no answers recorded yet (not shown): " + ", ".join(waiting))
    order = course_order({a for a, _ in specs}, course.root)
    keyed = sorted(specs.items(), key=lambda kv: order.index(kv[0][0]))  # stable: notebook order within an assignment
    for (assignment, task), spec in keyed:
        kind = spec.get("kind")
        if assignment not in answered or kind == "participation":
            continue  # the check's forms are reported by the check's own sections
        given = by_task.get((assignment, task), {})
        if kind == "phrases":
            analysis.tasks.append(analyse_phrases(assignment, task, spec, given, case))
            continue
        ids = list(spec.get("key", {}))
        notebook = source / assignment / f"{spec['notebook']}.ipynb"
        texts = item_texts(notebook, ids, case)
        missing = [i for i in ids if i not in texts]
        if missing:
            analysis.notes.append(f"{task}: the notebook shows no text for {', '.join(missing)} (shown by id only); "
                                  f"give it in a dict of the items in a visible cell of {notebook.name}")
        if kind in ("labels", "words"):
            analysis.tasks.append(analyse_labels(assignment, task, spec, given, case, texts))
        elif kind == "numbers":
            analysis.tasks.append(analyse_numbers(assignment, task, spec, given, texts))
        else:
            analysis.notes.append(f"{task}: kind {kind!r} has no section yet (left out)")
    unknown = sorted(set(by_task) - set(specs))
    if unknown:
        analysis.notes.append("answers recorded for tasks the source notebooks no longer grade (left out): "
                              + ", ".join(f"{a} {t}" for a, t in unknown))
    with Gradebook(course.db_url, course.course_id) as gradebook:
        # A written answer nobody has submitted yet has nothing to show.
        written = [w for w in written_spread(course, gradebook)
                   if w.not_graded or w.left_blank or w.off_rubric or any(c for _, c in w.levels)]
    rank = {name: i for i, name in enumerate(course_order({w.assignment for w in written}, course.root))}
    analysis.written = sorted(written, key=lambda w: rank[w.assignment])
    analysis.points = item_points(analysis.tasks)
    return analysis
