"""What the class did with each graded task: the instructor's sections of the class report.

    python -m medialit.assessment.tasks --course . -o tasks.html

* Phrase tasks: the task's paragraphs of the article, each key phrase shaded by the share of the class whose
  marks overlap it (found in full or in part, by ``medialit.scoring.span_prf``: the overlap rule students are
  scored by), with the share also written beside the phrase and in a table; then the students' most common
  marks that overlap no key phrase.
* Label tasks (and the reporting-verb task, answered with words): per item, how many got it right and the most
  common wrong answer.
* Written answers: per rubric level (``medialit.grading.rubric.rubric_levels``), how many manual scores fall in
  it, and how many are not graded yet.

Where the data come from: the students' answers as autograding recorded them (``grading-status/``, read by
``medialit.grading.status.read_answers``), the keys from the hidden tests in the source notebooks
(``solutions/<assignment>/*.ipynb``, read with ``award.split_hidden`` and ``award.hidden_awards``), the article
from ``medialit.case.load_case``, and the manual scores from the nbgrader gradebook named in the course's
nbgrader_config.py (SQLite or PostgreSQL; never created here).

INSTRUCTORS ONLY. The output shows answer keys (key phrases, expected labels). Write it only where students
cannot reach it: the command refuses any path inside the site build (``_build/``), ``_static/``, ``book/``,
``exercises/`` (released notebooks) or the release folder the course config names. Never commit it.

``task_sections(course_dir)`` returns the same content as a list of self-contained HTML fragments (inline
SVG and inline styles only, no script, nothing fetched) for the class report to embed.
"""
from __future__ import annotations

import argparse
import html
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import scoring
from ..case import Case, current_case, load_case

_BAD_ANSWER = "answers that no longer pass the task's check (scored 0)"


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

    @property
    def found(self) -> int:
        return self.found_full + self.found_part

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


@dataclass(frozen=True)
class ItemSummary:
    """One item (or one field of an item) of a label or words task."""

    item: str
    field: str | None
    expected: tuple[str, ...]  # every accepted answer
    answered: int
    correct: int
    wrong: tuple[tuple[str, int], ...]  # (wrong answer, count), most common first

    @property
    def name(self) -> str:
        return self.item if self.field is None else f"{self.item} ({self.field})"


@dataclass
class LabelTask:
    assignment: str
    task: str
    kind: str  # "labels" or "words"
    students: int
    unreadable: int
    items: list[ItemSummary]


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


@dataclass
class TaskAnalysis:
    phrases: list[PhraseTask] = field(default_factory=list)
    labels: list[LabelTask] = field(default_factory=list)
    written: list[WrittenAnswer] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------------------------------------------

def hidden_specs(source_dir: Path | str) -> dict[tuple[str, str], dict[str, Any]]:
    """Every graded task's hidden-test spec, keyed by (assignment, task), from ``<source_dir>/<assignment>/*.ipynb``."""
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

def analyse_phrases(assignment: str, task: str, spec: Mapping[str, Any], answers: Iterable[object],
                    case: Case) -> PhraseTask:
    """Who found which key phrase, and the marks that overlap no key phrase (the scorer's own overlap rule)."""
    from ..grading.checks import AnswerError, check_phrases, paragraph_region

    paragraphs = spec["paragraphs"]
    paragraphs = [paragraphs] if type(paragraphs) is int else list(paragraphs)
    start, end, where = paragraph_region(case, paragraphs)
    key = scoring.merge_spans(scoring.phrases_to_spans([r["phrase"] for r in spec["key"]], case.text,
                                                       within=(start, end), where=where))
    full: Counter[tuple[int, int]] = Counter()
    part: Counter[tuple[int, int]] = Counter()
    unmatched: Counter[tuple[int, int]] = Counter()
    students = unreadable = 0
    for answer in answers:
        try:
            phrases = check_phrases(answer, paragraphs, name="answer", case=case)
            spans = scoring.phrases_to_spans(phrases, case.text, within=(start, end), where=where)
        except (AnswerError, ValueError):
            unreadable += 1
            continue
        students += 1
        result = scoring.span_prf(spans, key)
        for feedback in result.key_feedback:
            if feedback.status == "found":
                full[(feedback.start, feedback.end)] += 1
            elif feedback.status == "partly found":
                part[(feedback.start, feedback.end)] += 1
        for span in set(result.unmatched):  # one student counts once per mark
            unmatched[span] += 1
    keys = [KeyPhraseShare(s, e, case.text[s:e], full[(s, e)], part[(s, e)], students) for s, e in key]
    common = sorted(unmatched.items(), key=lambda kv: (-kv[1], kv[0]))
    return PhraseTask(assignment, task, paragraphs, students, unreadable, keys,
                      [(case.text[s:e], count) for (s, e), count in common])


def analyse_labels(assignment: str, task: str, spec: Mapping[str, Any], answers: Iterable[object],
                   case: Case) -> LabelTask:
    """Per item: how many answered it right and the most common wrong answers (labels or words tasks)."""
    from ..grading.checks import AnswerError, check_labels, check_words, normalise_answer

    kind = spec["kind"]
    key = spec["key"]
    right: Counter[tuple[str, str | None]] = Counter()
    answered: Counter[tuple[str, str | None]] = Counter()
    wrong: dict[tuple[str, str | None], Counter[str]] = {}
    # Items (and fields) and their accepted answers come from the key, so an item nobody answered still shows.
    if kind == "labels":
        expected = {(i.item, i.field): i.accepted for i in scoring.score_labels({}, key, allowed=spec["allowed"]).items}
    else:
        expected = {(item, None): tuple(forms) for item, forms in key.items()}
    students = unreadable = 0
    for answer in answers:
        try:
            if kind == "labels":
                clean = check_labels(answer, list(key), spec["allowed"], name="answer")
                result = scoring.score_labels(clean, key, allowed=spec["allowed"])
                marks = [((i.item, i.field), i.given, i.correct, i.accepted) for i in result.items]
            else:
                clean = check_words(answer, list(key), spec["paragraphs"], name="answer", case=case)
                marks = [((item, None), " ".join(clean[item].split()),
                          normalise_answer(clean[item]) in {normalise_answer(f) for f in forms}, tuple(forms))
                         for item, forms in key.items()]
        except (AnswerError, ValueError):
            unreadable += 1
            continue
        students += 1
        for where, given, ok, _accepted in marks:
            if given is None:
                continue
            answered[where] += 1
            if ok:
                right[where] += 1
            else:
                # Words are compared loosely (case, quotes, spaces): count their loose form together.
                shown = given if kind == "labels" else normalise_answer(given)
                wrong.setdefault(where, Counter())[shown] += 1
    items = []
    for where in expected:
        common = sorted((wrong.get(where) or Counter()).items(), key=lambda kv: (-kv[1], kv[0]))
        items.append(ItemSummary(where[0], where[1], expected[where], answered[where], right[where], tuple(common)))
    return LabelTask(assignment, task, kind, students, unreadable, items)


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


def analyse_course(course_dir: Path | str = ".", *, case: Case | None = None) -> TaskAnalysis:
    """Everything the sections show, for one course directory (GradebookMissing when it has no gradebook)."""
    from nbgrader.api import Gradebook

    from ..grading.report import open_course
    from ..grading.status import read_answers

    course = open_course(course_dir)
    case = case or load_case(current_case())
    specs = hidden_specs(course.step_dir(course.source))
    answers = read_answers(course.root)
    by_task: dict[tuple[str, str], list[object]] = {}
    for (assignment, _student), tasks in sorted(answers.items()):
        for task, record in tasks.items():
            by_task.setdefault((assignment, task), []).append(record.get("answer"))
    analysis = TaskAnalysis()
    answered = {assignment for (assignment, _task) in by_task}
    waiting = sorted({assignment for assignment, _task in specs} - answered)
    if waiting:
        analysis.notes.append("no answers recorded yet (not shown): " + ", ".join(waiting))
    for (assignment, task), spec in sorted(specs.items()):
        if assignment not in answered:
            continue
        given = by_task.get((assignment, task), [])
        if spec.get("kind") == "phrases":
            analysis.phrases.append(analyse_phrases(assignment, task, spec, given, case))
        elif spec.get("kind") in ("labels", "words"):
            analysis.labels.append(analyse_labels(assignment, task, spec, given, case))
    unknown = sorted(set(by_task) - set(specs))
    if unknown:
        analysis.notes.append("answers recorded for tasks the source notebooks no longer grade (left out): "
                              + ", ".join(f"{a} {t}" for a, t in unknown))
    with Gradebook(course.db_url, course.course_id) as gradebook:
        # A written answer nobody has submitted yet has nothing to show.
        analysis.written = [w for w in written_spread(course, gradebook)
                            if w.not_graded or w.left_blank or w.off_rubric or any(c for _, c in w.levels)]
    return analysis


# ---------------------------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------------------------

def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _pct(share: float) -> str:
    return f"{round(100 * share)} %"


_figures = 0
_TABLE = 'style="border-collapse:collapse;margin:0.5rem 0 1rem"'
_CELL = 'style="border:1px solid #767676;padding:0.2rem 0.5rem;text-align:left;vertical-align:top"'
_NUM = 'style="border:1px solid #767676;padding:0.2rem 0.5rem;text-align:right;font-variant-numeric:tabular-nums"'


def _bar_chart(title: str, description: str, bars: Sequence[tuple[str, float, str]], top: float) -> str:
    """Horizontal bars, one per (label, value, value as text), with a title and a text description."""
    global _figures
    _figures += 1
    tid, did = f"ml-tasks-fig{_figures}-t", f"ml-tasks-fig{_figures}-d"
    row, label_w, bar_w = 24, 160, 200
    height = row * len(bars) + 8
    body = []
    for index, (label, value, shown) in enumerate(bars):
        y = 4 + index * row
        width = 0 if top <= 0 else bar_w * value / top
        short = label if len(label) <= 24 else label[:23] + "…"
        body.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12" fill="#1b1b1b">'
                    f'{_esc(short)}</text>'
                    f'<rect x="{label_w}" y="{y + 3}" width="{width:.1f}" height="{row - 8}" fill="#0b4f8a"/>'
                    f'<text x="{label_w + width + 4:.1f}" y="{y + 15}" font-size="12" fill="#1b1b1b">{_esc(shown)}</text>')
    return (f'<svg viewBox="0 0 {label_w + bar_w + 70} {height}" role="img" aria-labelledby="{tid} {did}" '
            f'xmlns="http://www.w3.org/2000/svg" style="width:100%;max-width:36rem;height:auto;display:block">'
            f'<title id="{tid}">{_esc(title)}</title><desc id="{did}">{_esc(description)}</desc>'
            + "".join(body) + "</svg>")


def _scrolls(table: str) -> str:
    """A table in a box that scrolls sideways on a narrow screen (focusable, so a keyboard can scroll it)."""
    return ('<div style="overflow-x:auto" tabindex="0" role="region" '
            f'aria-label="table (scrolls sideways on a narrow screen)">{table}</div>')


def _shade(share: float) -> str:
    # Darker for a larger share; the share is also written beside the phrase, so nothing rests on colour alone.
    # At most half-strength, so the dark text keeps a contrast above 4.5:1 on every shade.
    alpha = 0.06 + 0.44 * share
    return f"background:rgba(11,79,138,{alpha:.2f});color:#1b1b1b;padding:0 0.1em;border-bottom:2px solid #0b4f8a"


def _paragraphs_html(task: PhraseTask, case: Case) -> str:
    out = []
    for number in task.paragraphs:
        paragraph = case.paragraph(number)
        pieces, at = [], paragraph.start
        for index, key in enumerate(task.keys, start=1):
            if key.end <= paragraph.start or key.start >= paragraph.end:
                continue
            s, e = max(key.start, paragraph.start), min(key.end, paragraph.end)
            pieces.append(_esc(case.text[at:s]))
            pieces.append(f'<mark style="{_shade(key.share)}">{_esc(case.text[s:e])}</mark>'
                          f'<sup style="font-size:0.75em"> [K{index}: {_pct(key.share)}]</sup>')
            at = e
        pieces.append(_esc(case.text[at:paragraph.end]))
        out.append(f'<p><span style="font-weight:bold">¶{number}</span> {"".join(pieces)}</p>')
    return "".join(out)


def phrase_section(task: PhraseTask, case: Case, *, top_unmatched: int = 5) -> str:
    """One phrase task as a self-contained HTML section."""
    n = task.students
    head = (f'<section aria-labelledby="ml-{_esc(task.task)}-h"><h3 id="ml-{_esc(task.task)}-h">'
            f'{_esc(task.assignment)}: phrase task {_esc(task.task)}</h3>')
    if not n:
        return head + (f"<p>No readable answer was recorded for this task yet"
                       f"{f' ({task.unreadable} {_BAD_ANSWER})' if task.unreadable else ''}.</p></section>")
    intro = (f"<p>{n} student{'s' if n != 1 else ''} answered"
             f"{f'; {task.unreadable} more gave {_BAD_ANSWER}' if task.unreadable else ''}. Each key phrase "
             "is shaded by the share of them whose marks overlap it (in full or in part, the rule the scorer uses); "
             "the darker, the more found it, and the share is written after it as [K<i>n</i>: share].</p>")
    rows = "".join(f"<tr><td {_CELL}>K{i}</td><td {_CELL}>{_esc(k.text)}</td><td {_NUM}>{k.found_full}</td>"
                   f"<td {_NUM}>{k.found_part}</td><td {_NUM}>{k.found} of {n} ({_pct(k.share)})</td></tr>"
                   for i, k in enumerate(task.keys, start=1))
    table = _scrolls(f"<table {_TABLE}><caption>Key phrases of {_esc(task.task)} and who found them</caption><thead><tr>"
             f"<th {_CELL} scope=\"col\">Key</th><th {_CELL} scope=\"col\">Phrase</th><th {_CELL} scope=\"col\">"
             f"Found in full</th><th {_CELL} scope=\"col\">Found in part</th><th {_CELL} scope=\"col\">Found at all"
             f"</th></tr></thead><tbody>{rows}</tbody></table>")
    chart = _bar_chart(f"Share of the class that found each key phrase of {task.task}",
                       "; ".join(f"K{i} '{k.text}': {k.found} of {n} ({_pct(k.share)})"
                                 for i, k in enumerate(task.keys, start=1)),
                       [(f"K{i} {k.text}", k.share, _pct(k.share)) for i, k in enumerate(task.keys, start=1)], 1.0)
    common = task.unmatched[:top_unmatched]
    if common:
        marks = "".join(f"<li>“{_esc(text)}”: {count} student{'s' if count != 1 else ''}</li>"
                        for text, count in common)
        unmatched = (f"<h4>Most common marks that matched no key phrase</h4><ol>{marks}</ol>"
                     "<p>A mark a few students share can point to a reading the key leaves out (worth discussing, "
                     "and a reason to look at the key again) as well as to a misreading.</p>")
    else:
        unmatched = "<p>Every mark overlapped a key phrase.</p>"
    return head + intro + _paragraphs_html(task, case) + table + chart + unmatched + "</section>"


def label_section(task: LabelTask) -> str:
    """One label (or words) task as a self-contained HTML section: per item, right answers and the most common wrong one."""
    n = task.students
    what = "label" if task.kind == "labels" else "words"
    head = (f'<section aria-labelledby="ml-{_esc(task.task)}-h"><h3 id="ml-{_esc(task.task)}-h">'
            f'{_esc(task.assignment)}: {what} task {_esc(task.task)}</h3>')
    if not n:
        return head + (f"<p>No readable answer was recorded for this task yet"
                       f"{f' ({task.unreadable} {_BAD_ANSWER})' if task.unreadable else ''}.</p></section>")
    rows = []
    for item in task.items:
        share = item.correct / item.answered if item.answered else 0.0
        if item.wrong:
            top = item.wrong[0][1]
            ties = [answer for answer, count in item.wrong if count == top]
            wrong = " / ".join(f"“{_esc(a)}”" for a in ties) + f" ({top} student{'s' if top != 1 else ''})"
        else:
            wrong = "none"
        accepted = " or ".join(f"“{_esc(a)}”" for a in item.expected)
        rows.append(f"<tr><td {_CELL}>{_esc(item.name)}</td><td {_CELL}>{accepted}</td>"
                    f"<td {_NUM}>{item.correct} of {item.answered} ({_pct(share)})</td><td {_CELL}>{wrong}</td></tr>")
    intro = (f"<p>{n} student{'s' if n != 1 else ''} answered"
             f"{f'; {task.unreadable} more gave {_BAD_ANSWER}' if task.unreadable else ''}. Where the key accepts "
             "more than one answer (a contested item), each is listed.</p>")
    table = _scrolls(f"<table {_TABLE}><caption>Items of {_esc(task.task)}: right answers and the most common wrong one"
             f"</caption><thead><tr><th {_CELL} scope=\"col\">Item</th><th {_CELL} scope=\"col\">Key</th>"
             f"<th {_CELL} scope=\"col\">Right</th><th {_CELL} scope=\"col\">Most common wrong answer</th></tr>"
             f"</thead><tbody>{''.join(rows)}</tbody></table>")
    return head + intro + table + "</section>"


def written_section(answer: WrittenAnswer) -> str:
    """One written answer as a self-contained HTML section: manual scores per rubric level."""
    graded = sum(count for _, count in answer.levels) + len(answer.off_rubric)
    head = (f'<section aria-labelledby="ml-{_esc(answer.grade_id)}-h"><h3 id="ml-{_esc(answer.grade_id)}-h">'
            f'{_esc(answer.assignment)}: written answer {_esc(answer.grade_id)} (out of {answer.max_score:g})</h3>')
    pending = (f" {answer.not_graded} more still need{'s' if answer.not_graded == 1 else ''} a manual grade."
               if answer.not_graded else "")
    if answer.left_blank:
        pending += (f" {answer.left_blank} left the answer cell as released (nbgrader scored "
                    f"{'it' if answer.left_blank == 1 else 'them'} 0; not counted above).")
    if not graded:
        return head + f"<p>No answer has a manual score yet.{pending}</p></section>"
    bars = [(level.describe(), count, f"{count} ({_pct(count / graded)})") for level, count in answer.levels]
    rows = "".join(f"<tr><td {_CELL}>{_esc(label)}</td><td {_NUM}>{shown}</td></tr>" for label, _, shown in bars)
    if answer.off_rubric:
        off = ", ".join(f"{s:g}" for s in answer.off_rubric)
        rows += f"<tr><td {_CELL}>scores no level holds: {_esc(off)}</td><td {_NUM}>{len(answer.off_rubric)}</td></tr>"
    chart = _bar_chart(f"Manual scores of {answer.grade_id} per rubric level",
                       "; ".join(f"{label}: {shown}" for label, _, shown in bars),
                       bars, max(count for _, count, _ in bars) or 1)
    table = _scrolls(f"<table {_TABLE}><caption>Manual scores of {_esc(answer.grade_id)} per rubric level</caption><thead>"
             f"<tr><th {_CELL} scope=\"col\">Level</th><th {_CELL} scope=\"col\">Students</th></tr></thead>"
             f"<tbody>{rows}</tbody></table>")
    return head + f"<p>{graded} answer{'s' if graded != 1 else ''} graded by hand.{pending}</p>" + chart + table + "</section>"


def render_sections(analysis: TaskAnalysis, case: Case) -> list[str]:
    """The sections, in order: a heading and warning, phrase tasks, label tasks, written answers."""
    sections = [("<section><h2>Graded tasks (instructors only)</h2><p><strong>This part shows the answer keys.</strong> "
                 "Keep the file away from students: do not publish it or put it in a folder they can read.</p>"
                 + "".join(f"<p>Note: {_esc(note)}</p>" for note in analysis.notes) + "</section>")]
    sections += [phrase_section(task, case) for task in analysis.phrases]
    sections += [label_section(task) for task in analysis.labels]
    sections += [written_section(answer) for answer in analysis.written]
    return sections


def task_sections(course_dir: Path | str = ".") -> list[str]:
    """The class report's graded-task sections for one course (keys included: instructors only)."""
    case = load_case(current_case())
    return render_sections(analyse_course(course_dir, case=case), case)


def render_page(sections: Sequence[str]) -> str:
    """The sections as one self-contained page (the standalone command's output)."""
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>Graded tasks: class report (instructors only)</title></head>"
            '<body style="font-family:system-ui,sans-serif;color:#1b1b1b;background:#fff;max-width:60rem;'
            'margin:1rem auto;padding:0 1rem;line-height:1.5;overflow-wrap:break-word">'
            "<main><h1>Graded tasks: class report</h1>" + "".join(sections) + "</main></body></html>")


# ---------------------------------------------------------------------------------------------------------------
# Command
# ---------------------------------------------------------------------------------------------------------------

PUBLIC_FOLDERS = ("_build", "_static", "book", "exercises")


def refuse_public(dest: Path, course_dir: Path) -> None:
    """ValueError when ``dest`` lies where students could read it (the site, its assets, released notebooks)."""
    dest = dest.resolve()
    # The course directory, and this repository when the package runs from a checkout (its site is built here).
    roots = {course_dir.resolve(), Path(__file__).resolve().parents[2]}
    for root in roots:
        for name in PUBLIC_FOLDERS:
            public = root / name
            if dest == public or public in dest.parents:
                raise ValueError(f"{dest} is inside {public}, which students can read: the report shows answer keys. "
                                 "Write it outside the site and the released folders (e.g. -o ~/reports/tasks.html)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m medialit.assessment.tasks",
                                     description="Graded tasks, class report (shows keys: instructors only).")
    parser.add_argument("--course", default=".", help="the course directory (with nbgrader_config.py)")
    parser.add_argument("-o", "--output", required=True,
                        help="the HTML file to write; refused inside _build/, _static/, book/ or exercises/")
    args = parser.parse_args(argv)
    dest, course_dir = Path(args.output), Path(args.course)
    try:
        refuse_public(dest, course_dir)
        page = render_page(task_sections(course_dir))
    except ValueError as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 2
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(page, encoding="utf-8")
    print(f"wrote {dest} (instructors only: it shows the answer keys)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
