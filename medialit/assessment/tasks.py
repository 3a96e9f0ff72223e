"""What the class did with each graded task: the instructor's sections of the class report.

    python -m medialit.assessment.tasks --course . -o tasks.html

Every graded task in course order (``item_texts.course_order``: the chapters of _toc.yml), each item with the
text the notebook shows and every answer by its readable name (medialit/techniques.yaml, answer_names.yaml):

* Phrase tasks: the task's paragraphs of the article, each key phrase shaded by the share of the class whose
  marks overlap it, with the share also written beside the phrase; per key phrase a bar of found in full, in
  part and missed; then the students' most common marks that overlap no key phrase.
* Label, words and numbers tasks: per item, the full spread of answers as a stacked bar, the keyed answers
  marked ✓, each share also written beside the bar and in a table.
* Written answers: per rubric level (``medialit.grading.rubric.rubric_levels``), how many manual scores fall in
  it, and how many are not graded yet.
* Items: difficulty (share right) against discrimination (item-rest correlation) as a scatter; each point
  takes keyboard focus and shows its item's text on hover and on focus; every point is also a row of a table.

The numbers come from ``medialit.assessment.task_analysis`` (where the data come from is said there).

INSTRUCTORS ONLY. The output shows answer keys (key phrases, expected labels). Write it only where students
cannot reach it: the command refuses any path inside the site build (``_build/``), ``_static/``, ``book/`` or
``exercises/`` (released notebooks) of the course or of this checkout. Never commit it.

``task_sections(course_dir)`` returns the same content as a list of self-contained HTML fragments (inline SVG
and the classes of ``TASK_STYLE``, no script, nothing fetched) for the class report to embed.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ..case import Case, current_case, load_case
from .htmlparts import CELL, NUM, TABLE, FigureIds, esc, fmt, pct, scrolls, shorten, slug, svg
from .task_analysis import (
    OTHER,
    AnswerCount,
    ItemPoint,
    ItemSummary,
    KeyPhraseShare,
    LabelTask,
    PhraseTask,
    TaskAnalysis,
    WrittenAnswer,
    analyse_course,
    analyse_labels,
    analyse_numbers,
    analyse_phrases,
    hidden_specs,
    item_points,
    written_spread,
)

__all__ = ["TASK_STYLE", "phrase_section", "label_section", "written_section", "scatter_section", "render_sections",
           "item_flag", "task_sections", "render_page", "refuse_public", "main",
           # the analysis, re-exported for callers of the old single module
           "AnswerCount", "ItemPoint", "ItemSummary", "KeyPhraseShare", "LabelTask", "PhraseTask", "TaskAnalysis",
           "WrittenAnswer", "analyse_course", "analyse_labels", "analyse_numbers", "analyse_phrases", "hidden_specs",
           "item_points", "written_spread"]

_BAD_ANSWER = "answers that no longer pass the task's check (scored 0)"

# The key is always the first colour (dark blue, ✓); wrong answers take the next ones, "other answers" grey.
# Okabe-Ito hues, distinguishable with the common colour-vision deficiencies; nothing rests on colour alone:
# every share is written next to its bar with the answer's name.
KEY_COLOUR = "#0b4f8a"
WRONG_COLOURS = ("#e69f00", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#009e73")
OTHER_COLOUR = "#9e9e9e"

TASK_STYLE = """
.ml-tasks .items { list-style: none; padding: 0; margin: 0.5rem 0 1rem; max-width: 44rem; }
.ml-tasks .items > li { margin: 0 0 0.9rem; }
.ml-tasks .item-head { margin: 0 0 0.2rem; }
.ml-tasks .bar { display: flex; height: 1.1rem; border: 1px solid #1b1b1b; background: #fff; }
.ml-tasks .bar > span { display: block; height: 100%; }
.ml-tasks .bar > span + span { border-left: 1px solid #fff; }
.ml-tasks .legend { margin: 0.2rem 0 0; font-size: 0.9rem; }
.ml-tasks .legend > span { display: inline-block; margin-right: 0.9rem; }
.ml-tasks .sw { display: inline-block; width: 0.8em; height: 0.8em; border: 1px solid #1b1b1b; margin-right: 0.25em;
                vertical-align: -0.05em; }
.ml-tasks details { margin: 0.3rem 0 1rem; } .ml-tasks summary { cursor: pointer; }
.ml-tasks .scatter { width: 100%; max-width: 38rem; height: auto; display: block; }
.ml-tasks .scatter text { font-size: 13px; fill: #1b1b1b; } .ml-tasks .scatter .tick { fill: #4a4a4a; }
.ml-tasks .scatter .axis { stroke: #1b1b1b; } .ml-tasks .scatter .grid { stroke: #d0d0d0; }
.ml-tasks .pt circle, .ml-tasks .pt rect.mark { fill: #0b4f8a; fill-opacity: 0.75; stroke: #fff; }
.ml-tasks .pt.flag rect.mark { fill: #d55e00; fill-opacity: 0.9; }
.ml-tasks .pt .tip { display: none; }
.ml-tasks .pt:hover .tip, .ml-tasks .pt:focus .tip { display: inline; }
.ml-tasks .pt:focus { outline: none; }
.ml-tasks .pt:focus circle, .ml-tasks .pt:focus rect.mark, .ml-tasks .pt:hover circle, .ml-tasks .pt:hover rect.mark {
  stroke: #1b1b1b; stroke-width: 3; fill-opacity: 1; }
.ml-tasks .scatter:has(.pt:hover) .hint, .ml-tasks .scatter:has(.pt:focus) .hint { display: none; }
.ml-tasks .tip rect { fill: #fff; stroke: #1b1b1b; }
"""


def _students(n: int) -> str:
    return f"{n} student{'s' if n != 1 else ''}"


def _head(level: int, anchor: str, text: str) -> str:
    return f'<h{level} id="{anchor}">{esc(text)}</h{level}>'


def _colours(spread: Sequence[AnswerCount]) -> list[str]:
    colours, wrong = [], 0
    for answer in spread:
        if answer.key:
            colours.append(KEY_COLOUR)
        elif answer.answer == OTHER:
            colours.append(OTHER_COLOUR)
        else:
            colours.append(WRONG_COLOURS[wrong % len(WRONG_COLOURS)])
            wrong += 1
    return colours


def _stacked(title: str, text: str, spread: Sequence[AnswerCount], total: int, *, mark_key: bool = True) -> str:
    """One item: its title and text, a stacked bar of its answers (hidden from AT), and the shares as text."""
    colours = _colours(spread)
    segments = "".join(f'<span style="width:{100 * a.count / total:.2f}%;background:{c}"></span>'
                       for a, c in zip(spread, colours) if total and a.count)
    legend = "".join(
        f'<span><span class="sw" style="background:{c}"></span>{"✓ " if a.key and mark_key else ""}{esc(a.shown)}'
        f'{" (key)" if a.key and mark_key else ""}: {a.count} ({pct(a.count / total) if total else "–"})</span>'
        for a, c in zip(spread, colours))
    heading = f"<strong>{esc(title)}</strong>" + (f" {esc(text)}" if text else "")
    return (f'<li><p class="item-head">{heading}</p><div class="bar" aria-hidden="true">{segments}</div>'
            f'<p class="legend">{legend}</p></li>')


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
            pieces.append(esc(case.text[at:s]))
            pieces.append(f'<mark style="{_shade(key.share)}">{esc(case.text[s:e])}</mark>'
                          f'<sup style="font-size:0.75em;white-space:nowrap"> [K{index}: {pct(key.share)}]</sup>')
            at = e
        pieces.append(esc(case.text[at:paragraph.end]))
        out.append(f'<p><span style="font-weight:bold">¶{number}</span> {"".join(pieces)}</p>')
    return "".join(out)


def _none_yet(head: str, unreadable: int) -> str:
    return head + (f"<p>No readable answer was recorded for this task yet"
                   f"{f' ({unreadable} {_BAD_ANSWER})' if unreadable else ''}.</p></section>")


def phrase_section(task: PhraseTask, case: Case, *, top_unmatched: int = 5, level: int = 4) -> str:
    """One phrase task as a self-contained HTML section."""
    n = task.students
    anchor = f"task-{slug(task.task)}"
    head = (f'<section class="ml-tasks" aria-labelledby="{anchor}">'
            + _head(level, anchor, f"{task.task}: mark the phrases (paragraph{'s' if len(task.paragraphs) > 1 else ''} "
                                   f"{', '.join(map(str, task.paragraphs))})"))
    if not n:
        return _none_yet(head, task.unreadable)
    intro = (f"<p>{_students(n)} answered"
             f"{f'; {task.unreadable} more gave {_BAD_ANSWER}' if task.unreadable else ''}. Each key phrase "
             "is shaded by the share of them whose marks overlap it (in full or in part, the rule the scorer uses); "
             "the darker, the more found it, and the share is written after it as [K<i>n</i>: share].</p>")
    bars = "".join(
        _stacked(f"K{i}", f"“{k.text}”" + (f" ({', '.join(k.techniques)})" if k.techniques else ""),
                 (AnswerCount("full", "found in full", k.found_full, True),
                  AnswerCount("part", "found in part", k.found_part, False),
                  AnswerCount(OTHER, "missed", k.missed, False)), n, mark_key=False)
        for i, k in enumerate(task.keys, start=1))
    rows = "".join(f"<tr><td {CELL}>K{i}</td><td {CELL}>{esc(k.text)}</td><td {CELL}>{esc(', '.join(k.techniques))}</td>"
                   f"<td {NUM}>{k.found_full}</td><td {NUM}>{k.found_part}</td>"
                   f"<td {NUM}>{k.found} of {n} ({pct(k.share)})</td></tr>"
                   for i, k in enumerate(task.keys, start=1))
    table = scrolls(f"<table {TABLE}><caption>Key phrases of {esc(task.task)} and who found them</caption><thead><tr>"
                    f"<th {CELL} scope=\"col\">Key</th><th {CELL} scope=\"col\">Phrase</th>"
                    f"<th {CELL} scope=\"col\">Technique</th><th {CELL} scope=\"col\">Found in full</th>"
                    f"<th {CELL} scope=\"col\">Found in part</th><th {CELL} scope=\"col\">Found at all</th></tr></thead>"
                    f"<tbody>{rows}</tbody></table>", f"Key phrases of {task.task} as a table")
    common = task.unmatched[:top_unmatched]
    if common:
        marks = "".join(f"<li>“{esc(text)}”: {_students(count)}</li>" for text, count in common)
        unmatched = (f"<p><strong>Most common marks that matched no key phrase</strong></p><ol>{marks}</ol>"
                     "<p>A mark a few students share can point to a reading the key leaves out (worth discussing, "
                     "and a reason to look at the key again) as well as to a misreading.</p>")
    else:
        unmatched = "<p>Every mark overlapped a key phrase.</p>"
    return (head + intro + _paragraphs_html(task, case) + f'<ul class="items">{bars}</ul>' + table + unmatched
            + "</section>")


_WHAT = {"labels": "choose a label", "words": "copy the words", "numbers": "compute the numbers"}


def label_section(task: LabelTask, *, level: int = 4) -> str:
    """One label, words or numbers task as a self-contained HTML section: per item, the spread of answers."""
    n = task.students
    anchor = f"task-{slug(task.task)}"
    head = (f'<section class="ml-tasks" aria-labelledby="{anchor}">'
            + _head(level, anchor, f"{task.task}: {_WHAT.get(task.kind, task.kind)}"))
    if not n:
        return _none_yet(head, task.unreadable)
    intro = (f"<p>{_students(n)} answered"
             f"{f'; {task.unreadable} more gave {_BAD_ANSWER}' if task.unreadable else ''}. Per item, every answer "
             "given and its share; ✓ marks each answer the key accepts (a contested item has more than one).</p>")
    # A multi-field item's text is shown with its first field only: the next fields are the same claim.
    bars = "".join(_stacked(item.title, item.text if index == 0 or task.items[index - 1].item != item.item else "",
                            item.spread, item.answered) for index, item in enumerate(task.items))
    rows = []
    for item in task.items:
        share = item.correct / item.answered if item.answered else 0.0
        accepted = " or ".join(f"“{esc(a.shown)}”" for a in item.spread if a.key) or \
            " or ".join(f"“{esc(a)}”" for a in item.expected)
        if item.wrong:
            top = item.wrong[0][1]
            ties = [next((a.shown for a in item.spread if a.answer == w), w) for w, c in item.wrong if c == top]
            wrong = " / ".join(f"“{esc(a)}”" for a in ties) + f" ({_students(top)})"
        else:
            wrong = "none"
        rows.append(f"<tr><td {CELL}>{esc(item.title)}</td><td {CELL}>{esc(item.text)}</td><td {CELL}>{accepted}</td>"
                    f"<td {NUM}>{item.correct} of {item.answered} ({pct(share)})</td><td {CELL}>{wrong}</td></tr>")
    table = scrolls(f"<table {TABLE}><caption>Items of {esc(task.task)}: right answers and the most common wrong one"
                    f"</caption><thead><tr><th {CELL} scope=\"col\">Item</th><th {CELL} scope=\"col\">Text</th>"
                    f"<th {CELL} scope=\"col\">Key</th><th {CELL} scope=\"col\">Right</th>"
                    f"<th {CELL} scope=\"col\">Most common wrong answer</th></tr></thead>"
                    f"<tbody>{''.join(rows)}</tbody></table>", f"Items of {task.task} as a table")
    return head + intro + f'<ul class="items">{bars}</ul>' + table + "</section>"


def _bar_chart(ids: FigureIds, title: str, description: str, bars: Sequence[tuple[str, float, str]],
               top: float) -> str:
    """Horizontal bars, one per (label, value, value as text), with a title and a text description."""
    row, label_w, bar_w = 24, 160, 200
    height = row * len(bars) + 8
    body = []
    for index, (label, value, shown) in enumerate(bars):
        y = 4 + index * row
        width = 0 if top <= 0 else bar_w * value / top
        body.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12" fill="#1b1b1b">'
                    f'{esc(shorten(label, 24))}</text>'
                    f'<rect x="{label_w}" y="{y + 3}" width="{width:.1f}" height="{row - 8}" fill="#0b4f8a"/>'
                    f'<text x="{label_w + width + 4:.1f}" y="{y + 15}" font-size="12" fill="#1b1b1b">{esc(shown)}</text>')
    return svg(ids, title, description, label_w + bar_w + 70, height, "".join(body), css_class="bars").replace(
        "<svg ", '<svg style="width:100%;max-width:36rem;height:auto;display:block" ', 1)


def written_section(answer: WrittenAnswer, ids: FigureIds, *, level: int = 4) -> str:
    """One written answer as a self-contained HTML section: manual scores per rubric level."""
    graded = sum(count for _, count in answer.levels) + len(answer.off_rubric)
    anchor = f"written-{slug(answer.assignment)}-{slug(answer.grade_id)}"
    head = (f'<section class="ml-tasks" aria-labelledby="{anchor}">'
            + _head(level, anchor, f"written answer {answer.grade_id} (out of {answer.max_score:g})"))
    pending = (f" {answer.not_graded} more still need{'s' if answer.not_graded == 1 else ''} a manual grade."
               if answer.not_graded else "")
    if answer.left_blank:
        pending += (f" {answer.left_blank} left the answer cell as released (nbgrader scored "
                    f"{'it' if answer.left_blank == 1 else 'them'} 0; not counted above).")
    if not graded:
        return head + f"<p>No answer has a manual score yet.{pending}</p></section>"
    bars = [(level_.describe(), count, f"{count} ({pct(count / graded)})") for level_, count in answer.levels]
    rows = "".join(f"<tr><td {CELL}>{esc(label)}</td><td {NUM}>{shown}</td></tr>" for label, _, shown in bars)
    if answer.off_rubric:
        off = ", ".join(f"{s:g}" for s in answer.off_rubric)
        rows += f"<tr><td {CELL}>scores no level holds: {esc(off)}</td><td {NUM}>{len(answer.off_rubric)}</td></tr>"
    chart = _bar_chart(ids, f"Manual scores of {answer.grade_id} per rubric level",
                       "; ".join(f"{label}: {shown}" for label, _, shown in bars),
                       bars, max(count for _, count, _ in bars) or 1)
    table = scrolls(f"<table {TABLE}><caption>Manual scores of {esc(answer.grade_id)} per rubric level</caption><thead>"
                    f"<tr><th {CELL} scope=\"col\">Level</th><th {CELL} scope=\"col\">Students</th></tr></thead>"
                    f"<tbody>{rows}</tbody></table>", f"Manual scores of {answer.grade_id} as a table")
    return (head + f"<p>{graded} answer{'s' if graded != 1 else ''} graded by hand.{pending}</p>" + chart + table
            + "</section>")


def item_flag(point: ItemPoint) -> str:
    if point.discrimination is not None and point.n >= 4 and point.discrimination < -2 / point.n ** 0.5:
        return "negative discrimination: check the key and the wording"
    if point.difficulty < 0.25:
        return "most students wrong: check the key and the wording"
    if point.difficulty > 0.95:
        return "nearly everyone right: tells little"
    return ""


def scatter_section(points: Sequence[ItemPoint], ids: FigureIds) -> str:
    """Every graded item's difficulty × discrimination: a scatter whose points show their item on hover and focus."""
    head = ('<section class="ml-tasks" aria-labelledby="items-scatter"><h3 id="items-scatter">Items: share right '
            "and discrimination</h3>")
    shown = [p for p in points if p.discrimination is not None]
    if not shown:
        return head + "<p>Too few students answered to relate any item to the rest (three or more needed).</p></section>"
    # Narrow, so its 13-unit text stays near 10 px on a 390 px phone; the tip's lines are cut to fit.
    width, height, left, right, top, bottom = 480, 400, 58, 16, 64, 52
    x = lambda v: left + v * (width - left - right)  # noqa: E731
    y = lambda v: top + (1 - v) / 2 * (height - top - bottom)  # noqa: E731
    parts = []
    for tick in (0, 0.25, 0.5, 0.75, 1):
        parts.append(f'<line class="grid" x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{top}" y2="{height - bottom}"/>'
                     f'<text class="tick" x="{x(tick):.1f}" y="{height - bottom + 18}" '
                     f'text-anchor="{"start" if tick == 0 else "end" if tick == 1 else "middle"}">'  # clear of the y ticks
                     f"{round(tick * 100)} %</text>")
    for tick in (-1, -0.5, 0, 0.5, 1):
        parts.append(f'<line class="{"axis" if tick == 0 else "grid"}" x1="{left}" x2="{width - right}" '
                     f'y1="{y(tick):.1f}" y2="{y(tick):.1f}"/><text class="tick" x="{left - 8}" y="{y(tick) + 4:.1f}" '
                     f'text-anchor="end">{fmt(tick, 1)}</text>')
    parts.append(f'<text x="{(left + width - right) / 2:.1f}" y="{height - 10}" text-anchor="middle">share of students '
                 "right (easier to the right)</text>")
    parts.append(f'<text x="14" y="{(top + height - bottom) / 2:.1f}" text-anchor="middle" '
                 f'transform="rotate(-90 14 {(top + height - bottom) / 2:.1f})">discrimination</text>')
    parts.append('<text class="hint" x="8" y="22">Hover over a point, or Tab to it, to read its item.</text>')
    for point in shown:
        flag = item_flag(point)
        label = (f"{point.task} {point.item}: {point.text or 'no text shown'}; {pct(point.difficulty)} right, "
                 f"discrimination {fmt(point.discrimination or 0)}, {_students(point.n)}" + (f"; {flag}" if flag else ""))
        first = shorten(f"{point.task} {point.item}: {point.text}" if point.text else f"{point.task} {point.item}", 62)
        second = f"{pct(point.difficulty)} right, discrimination {fmt(point.discrimination or 0)}" + \
            (f" ({flag.split(':')[0]})" if flag else "")
        cx, cy = x(point.difficulty), y(point.discrimination or 0)
        mark = (f'<rect class="mark" x="{cx - 5:.1f}" y="{cy - 5:.1f}" width="10" height="10"/>' if flag.startswith("neg")
                else f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5.5"/>')
        parts.append(f'<g class="pt{" flag" if flag.startswith("neg") else ""}" tabindex="0" role="img" '
                     f'aria-label="{esc(label)}">{mark}<g class="tip"><rect x="2" y="2" width="{width - 4}" height="46"/>'
                     f'<text x="10" y="20">{esc(first)}</text><text x="10" y="40">{esc(second)}</text></g></g>')
    chart = svg(ids, "Graded items: share right against discrimination",
                "Each point is one graded item (one field of a multi-field item, one key phrase of a phrase task): "
                "across, the share of students who got it right; up, how much getting it right goes with doing well on "
                "the rest of its assignment (below 0: students who do worse elsewhere get it right more often: reread "
                "its key and wording). Every point is also a row of the table below.",
                width, height, "".join(parts), css_class="scatter", role="group")
    rows = "".join(f"<tr><td {CELL}>{esc(p.task)}</td><td {CELL}>{esc(p.item)}</td><td {CELL}>{esc(p.text)}</td>"
                   f"<td {NUM}>{p.n}</td><td {NUM}>{pct(p.difficulty)}</td>"
                   f"<td {NUM}>{'–' if p.discrimination is None else fmt(p.discrimination)}</td>"
                   f"<td {CELL}>{esc(item_flag(p))}</td></tr>" for p in points)
    table = scrolls(f"<table {TABLE}><caption>Every graded item: share right and discrimination</caption><thead><tr>"
                    f"<th {CELL} scope=\"col\">Task</th><th {CELL} scope=\"col\">Item</th><th {CELL} scope=\"col\">Text"
                    f"</th><th {CELL} scope=\"col\">Students</th><th {CELL} scope=\"col\">Right</th>"
                    f"<th {CELL} scope=\"col\">Discrimination</th><th {CELL} scope=\"col\">Flag</th></tr></thead>"
                    f"<tbody>{rows}</tbody></table>", "Every graded item as a table")
    intro = ("<p>Discrimination is the correlation between being right on an item and the student's share right on "
             "the rest of the assignment's items. A square marks an item that goes against the rest (clearly below 0); "
             "a flag is a prompt to reread the item, not a verdict.</p>")
    return head + intro + chart + f"<details><summary>Every item as a table</summary>{table}</details></section>"


def render_sections(analysis: TaskAnalysis, case: Case, ids: FigureIds | None = None) -> list[str]:
    """The sections, in order: a heading and warning, the items' scatter, then each assignment in course order
    with its tasks in notebook order and its written answers."""
    ids = ids or FigureIds("tasks")
    contents = "".join(f'<li>{esc(a)}</li>' for a in analysis.assignments())
    sections = [("<section class='ml-tasks' aria-labelledby='graded-tasks'><h2 id='graded-tasks'>Graded tasks "
                 "(instructors only)</h2><p><strong>This part shows the answer keys.</strong> Keep the file away from "
                 "students: do not publish it or put it in a folder they can read.</p>"
                 + "".join(f"<p>Note: {esc(note)}</p>" for note in analysis.notes)
                 + (f"<p>Assignments in course order:</p><ol>{contents}</ol>" if contents else "") + "</section>")]
    sections.append(scatter_section(analysis.points, ids))
    for assignment in analysis.assignments():
        sections.append(f"<h3 id='assignment-{slug(assignment)}'>{esc(assignment)}</h3>")
        for task in analysis.tasks:
            if task.assignment != assignment:
                continue
            sections.append(phrase_section(task, case) if isinstance(task, PhraseTask) else label_section(task))
        sections += [written_section(w, ids) for w in analysis.written if w.assignment == assignment]
    return sections


def task_sections(course_dir: Path | str = ".", ids: FigureIds | None = None) -> list[str]:
    """The class report's graded-task sections for one course (keys included: instructors only)."""
    case = load_case(current_case())
    return render_sections(analyse_course(course_dir, case=case), case, ids)


def render_page(sections: Sequence[str]) -> str:
    """The sections as one self-contained page (the standalone command's output)."""
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Graded tasks: class report (instructors only)</title><style>{TASK_STYLE}</style></head>"
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
