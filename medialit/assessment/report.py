"""The class report of the discernment check: per skill, d' and c before and after, with the mean gain.

    python -m medialit.assessment.report responses.csv -o check-report.html

reads one row per student, form and item (columns ``student, form, item, answer, confidence`` and, if the
class is split into groups, ``group``; confidence 0.5-1.0 or 50-100) and writes one self-contained HTML
file: no script, no outside resource, every picture inline SVG with a title and a text description, and
every number also in a table. Per skill and group it gives each student's d' and c on each form (the
spread as a strip of dots), and the mean gain (after minus before, and delayed minus before when the
delayed form was taken) with a percentile bootstrap 95 % interval over students; per item, its
difficulty and discrimination, flagging items that misbehave.

For a class that took the check as nbgrader assignments (medialit.assessment.forms), one command reads
the course instead of a CSV:

    python -m medialit.assessment.report --course . -o check-report.html [--groups groups.csv]

It reads the roster and each submission's status from the gradebook named in the course's
nbgrader_config.py (SQLite or PostgreSQL) and the answers kept at autograding
(medialit.assessment.gradebook), and adds a table of every student and form, with the forms that are
missing and why.

Scores come from medialit.assessment.check.score_form, so the report and the self-learners' widget
compute the same numbers. ``render_html`` takes further sections (HTML fragments) to append in order,
for analyses other modules make.
"""
from __future__ import annotations

import argparse
import csv
import math
import random
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..case import current_case, load_case
from . import discernment
from .check import FORMS, Check, SkillScore, load_check, score_form
from .gradebook import read_course, read_groups
from .htmlparts import FigureIds, esc, fmt
from .htmlparts import svg as _figure
from .item_stats import correlation
from .overview import OVERVIEW_STYLE, class_overview, overview_sections, summary_lines
from .records import FormStatus, ReportDataError, Student
from .task_analysis import analyse_course
from .tasks import TASK_STYLE, item_flag, refuse_public, render_sections

__all__ = ["ALL", "Gain", "Student", "ReportDataError", "read_responses", "bootstrap_mean", "SkillSummary",
           "summarise", "ItemStat", "item_analysis", "roster_section", "render_html", "main"]

ALL = "all students"


@dataclass(frozen=True)
class Gain:
    """The mean of paired differences (later form minus before) with a bootstrap 95 % interval."""

    n: int
    mean: float
    low: float
    high: float

    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0


def read_responses(path: Path | str, check: Check) -> dict[str, Student]:
    """Students and their answers from a CSV file (see the module docstring for the columns)."""
    path = Path(path)
    items = {item.id: item for item in check.all_items()}
    students: dict[str, Student] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        needed = {"student", "form", "item", "answer", "confidence"}
        missing = needed - set(reader.fieldnames or [])
        if missing:
            raise ReportDataError(f"{path}: the header lacks {', '.join(sorted(missing))}. Fix: the columns are "
                                  "student, form, item, answer, confidence and optionally group.")
        for number, row in enumerate(reader, start=2):
            where = f"{path}, line {number}"
            item = items.get(row["item"])
            if item is None or item.form != row["form"]:
                raise ReportDataError(f"{where}: item {row['item']!r} is not in form {row['form']!r}. Fix: use the "
                                      f"ids in seeds/{check.case}/check.yaml (edition {check.edition}).")
            options = [o.value for o in check.questions[item.skill].options]
            if row["answer"] not in options:
                raise ReportDataError(f"{where}: answer {row['answer']!r} is not one of {', '.join(options)}.")
            try:
                confidence = float(row["confidence"]) if row["confidence"].strip() else None
            except ValueError:
                raise ReportDataError(f"{where}: confidence {row['confidence']!r} is not a number.") from None
            if confidence is not None and confidence > 1:
                confidence /= 100  # 80 in the file means 80 %
            if confidence is not None and not 0.5 <= confidence <= 1:
                raise ReportDataError(f"{where}: confidence {row['confidence']!r} is outside 50-100 %.")
            student = students.setdefault(row["student"], Student(row["student"], (row.get("group") or "").strip()))
            if (row.get("group") or "").strip() != student.group:
                raise ReportDataError(f"{where}: student {row['student']!r} is in group {student.group!r} on an "
                                      f"earlier line. Fix: give each student one group.")
            student.responses.setdefault(row["form"], {})[row["item"]] = {"answer": row["answer"],
                                                                          "confidence": confidence}
    return students


def bootstrap_mean(values: Sequence[float], *, rounds: int = 2000, seed: int = 0) -> Gain:
    """Mean of `values` and its percentile bootstrap 95 % interval (resampling students)."""
    if not values:
        raise ValueError("bootstrap_mean needs at least one value")
    rng = random.Random(seed)
    n = len(values)
    means = sorted(sum(values[rng.randrange(n)] for _ in range(n)) / n for _ in range(rounds))
    return Gain(n, sum(values) / n, means[int(0.025 * rounds)], means[int(0.975 * rounds) - 1])


@dataclass
class SkillSummary:
    skill: str
    group: str
    scores: dict[str, list[SkillScore]]  # form -> one score per student who took it
    gains: dict[str, dict[str, Gain]]  # "after" / "delayed" -> {"d_prime": Gain, "c": Gain}


def summarise(check: Check, students: Iterable[Student], *, rounds: int = 2000,
              seed: int = 0) -> list[SkillSummary]:
    """Per group (and for all students) and skill: scores per form and bootstrap gains from 'before'."""
    students = list(students)
    per_student = {s.id: {form: score_form(check, form, answers) for form, answers in s.responses.items()}
                   for s in students}
    groups = [ALL] + sorted({s.group for s in students if s.group})
    summaries = []
    for group in groups:
        members = [s for s in students if group == ALL or s.group == group]
        for skill in check.skills:
            scores = {form: [per_student[s.id][form][skill] for s in members
                             if skill in per_student[s.id].get(form, {})] for form in FORMS}
            gains: dict[str, dict[str, Gain]] = {}
            for later in ("after", "delayed"):
                paired = [(per_student[s.id]["before"][skill], per_student[s.id][later][skill]) for s in members
                          if skill in per_student[s.id].get("before", {}) and skill in per_student[s.id].get(later, {})]
                if len(paired) >= 2:
                    gains[later] = {
                        "d_prime": bootstrap_mean([b2.d_prime - b1.d_prime for b1, b2 in paired], rounds=rounds, seed=seed),
                        "c": bootstrap_mean([b2.c - b1.c for b1, b2 in paired], rounds=rounds, seed=seed + 1),
                    }
            summaries.append(SkillSummary(skill, group, scores, gains))
    return summaries


@dataclass(frozen=True)
class ItemStat:
    """How one item behaved: share of right answers and its discrimination, with a flag when it misbehaves."""

    form: str
    item: str
    skill: str
    n: int
    difficulty: float  # share of students who gave the keyed answer
    discrimination: float | None  # correlation of being right here with d' on the rest of the skill's items
    flag: str  # "" when nothing looks wrong


def item_analysis(check: Check, students: Iterable[Student]) -> list[ItemStat]:
    """Per item: difficulty, and the correlation of being right on it with d' on the rest of its skill and form.

    An item with a negative correlation is answered right more often by students who do worse on the
    rest of its skill: the key or the wording may be wrong. Flags are prompts to reread an item, not verdicts.
    """
    students = list(students)
    stats = []
    for form in FORMS:
        items = check.items(form)
        for item in items:
            rest_items = [i for i in items if i.skill == item.skill and i.id != item.id]
            right, rest = [], []
            for student in students:
                answers = student.responses.get(form, {})
                if item.id not in answers:
                    continue
                # The rest is scored as d', not as a count of right answers: in a form of "yes" items and
                # controls, students' different leans make right answers on the two kinds anti-correlated, so a
                # count would flag sound items (seen on a simulated class); d' is free of the lean.
                counts = {"hits": 0, "misses": 0, "false_alarms": 0, "correct_rejections": 0}
                signal_of: dict[object, bool] = {o.value: o.signal for o in check.questions[item.skill].options}
                for other in rest_items:
                    said = answers.get(other.id, {}).get("answer")
                    if said is None:
                        continue
                    if other.signal:
                        counts["hits" if signal_of[said] else "misses"] += 1
                    else:
                        counts["false_alarms" if signal_of[said] else "correct_rejections"] += 1
                if not (counts["hits"] + counts["misses"] and counts["false_alarms"] + counts["correct_rejections"]):
                    continue
                right.append(1.0 if answers[item.id]["answer"] == item.answer else 0.0)
                rest.append(discernment(**counts).d_prime)
            if not right:
                continue
            difficulty = sum(right) / len(right)
            discrimination = correlation(right, rest) if len(right) >= 3 else None
            # Below -2/sqrt(n): clearly negative, beyond what chance gives a sound item about half the time.
            if discrimination is not None and discrimination < -2 / math.sqrt(len(right)):
                flag = "negative discrimination: check the key and the wording"
            elif difficulty < 0.25:
                flag = "most students wrong: check the key and the wording"
            elif difficulty > 0.95:
                flag = "nearly everyone right: tells little"
            else:
                flag = ""
            stats.append(ItemStat(form, item.id, item.skill, len(right), difficulty, discrimination, flag))
    return stats


# ---------------------------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------------------------



def _strip_plot(ids: FigureIds, summary: SkillSummary, field_name: str, label: str, low: float, high: float) -> str:
    """One row of dots per form (each dot a student), with the mean marked."""
    width, left, right, row = 560, 90, 20, 34
    forms = [f for f in FORMS if summary.scores[f]]
    height = 30 + row * len(forms) + 24
    x = lambda v: left + (min(max(v, low), high) - low) / (high - low) * (width - left - right)  # noqa: E731
    parts = [f'<text x="4" y="14">{esc(label)}: each dot a student, the red bar the mean</text>']
    for tick in range(int(low), int(high) + 1):
        parts.append(f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="20" y2="{height - 22}" class="{"zero" if tick == 0 else "grid"}"/>'
                     f'<text x="{x(tick):.1f}" y="{height - 6}" class="tick" text-anchor="middle">{fmt(tick)[:-3]}</text>')
    rng = random.Random(field_name + summary.skill + summary.group)  # fixed jitter: the same file every run
    lines = []
    for i, form in enumerate(forms):
        y = 30 + row * i + row / 2
        values = [getattr(s, field_name) for s in summary.scores[form]]
        mean = sum(values) / len(values)
        parts.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{form}</text>')
        for v in values:
            parts.append(f'<circle cx="{x(v):.1f}" cy="{y + rng.uniform(-9, 9):.1f}" r="2.2" class="dot {form}"/>')
        parts.append(f'<line x1="{x(mean):.1f}" x2="{x(mean):.1f}" y1="{y - 13:.1f}" y2="{y + 13:.1f}" class="mean"/>')
        ordered = sorted(values)
        lines.append(f"{form}: {len(values)} students, mean {fmt(mean)}, middle half from "
                     f"{fmt(ordered[len(ordered) // 4])} to {fmt(ordered[(3 * len(ordered)) // 4])}")
    description = f"{label} of each student ({summary.group}), one row of dots per form; the bar is the mean. " + \
        "; ".join(lines) + "."
    return _figure(ids, f"{label}: {summary.skill.replace('_', ' ')}, {summary.group}", description, width, height, "".join(parts))


def _gain_plot(ids: FigureIds, summaries: list[SkillSummary], check: Check, field_name: str, label: str) -> str:
    """Each group and skill's mean gain (after minus before) as a point with its 95 % interval."""
    rows = [(s, s.gains["after"][field_name]) for s in summaries if "after" in s.gains]
    if not rows:
        return ""
    width, left, right, row = 620, 260, 20, 24
    height = 30 + row * len(rows) + 24
    low = min(-1.0, min(g.low for _, g in rows) - 0.2)
    high = max(1.0, max(g.high for _, g in rows) + 0.2)
    x = lambda v: left + (v - low) / (high - low) * (width - left - right)  # noqa: E731
    parts = []
    for tick in range(int(low) - 1, int(high) + 2):
        if low <= tick <= high:
            parts.append(f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="20" y2="{height - 22}" class="{"zero" if tick == 0 else "grid"}"/>'
                         f'<text x="{x(tick):.1f}" y="{height - 6}" class="tick" text-anchor="middle">{fmt(tick)[:-3]}</text>')
    lines = []
    for i, (summary, gain) in enumerate(rows):
        y = 30 + row * i + row / 2
        name = f"{check.questions[summary.skill].title}, {summary.group}"
        parts.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{esc(name)}</text>'
                     f'<line x1="{x(gain.low):.1f}" x2="{x(gain.high):.1f}" y1="{y:.1f}" y2="{y:.1f}" class="ci"/>'
                     f'<circle cx="{x(gain.mean):.1f}" cy="{y:.1f}" r="4" class="gain"/>')
        lines.append(f"{name}: {fmt(gain.mean)} (95 % interval {fmt(gain.low)} to {fmt(gain.high)}, "
                     f"{gain.n} students)")
    description = f"Mean gain in {label}, after minus before, with bootstrap 95 % intervals. " + "; ".join(lines) + "."
    return _figure(ids, f"Mean gain in {label}, after minus before", description, width, height, "".join(parts))


_STYLE = """
body { font-family: system-ui, sans-serif; color: #1b1b1b; background: #fff; max-width: 60rem; margin: 1rem auto;
       padding: 0 1rem; line-height: 1.5; }
figure { margin: 0 0 1rem; } figcaption { color: #4a4a4a; }
svg { width: 100%; max-width: 40rem; height: auto; display: block; margin: 0.5rem 0 1rem; }
svg text { font-size: 12px; fill: #1b1b1b; } svg .tick { fill: #4a4a4a; }
.grid { stroke: #d0d0d0; } .zero { stroke: #1b1b1b; stroke-width: 1.5; }
.dot { fill-opacity: 0.55; } .dot.before { fill: #6b6b6b; } .dot.after { fill: #0b4f8a; } .dot.delayed { fill: #8a4b00; }
.mean { stroke: #9c2b12; stroke-width: 3; } .ci { stroke: #0b4f8a; stroke-width: 3; } .gain { fill: #0b4f8a; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; } th, td { border: 1px solid #767676; padding: 0.2rem 0.5rem; }
.wrap { overflow-x: auto; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
"""


def skill_counts(check: Check, form: str, responses: dict[str, dict[str, object]]) -> dict[str, dict[str, int]]:
    """Per skill: hits, misses, false alarms and correct rejections of one student's answers to one form."""
    counts = {skill: {"hits": 0, "misses": 0, "false_alarms": 0, "correct_rejections": 0} for skill in check.skills}
    for item in check.items(form):
        response = responses.get(item.id)
        if response is None:
            continue
        said_yes = check.questions[item.skill].option(str(response["answer"])).signal
        key = ("hits" if said_yes else "misses") if item.signal else ("false_alarms" if said_yes else "correct_rejections")
        counts[item.skill][key] += 1
    return counts


def roster_section(check: Check, students: dict[str, Student], statuses: Sequence[FormStatus]) -> str:
    """Every student and form of a course: taken (items answered, 'yes' answers per skill) or missing, and why.

    statuses: one per student and form (medialit.assessment.gradebook.read_course).
    """
    taken = [s for s in statuses if s.status == "taken"]
    missing = [s for s in statuses if s.status != "taken"]
    people = sorted({s.student for s in statuses})
    out = ["<section id='students'><h2>Students and forms</h2>",
           f"<p>{len(people)} students in the gradebook; {len(taken)} forms taken, {len(missing)} missing. A missing "
           "form is listed with its reason, not dropped: a student without the before form has no gain in the "
           "figures above. Per skill, the 'yes' answers on 'yes' items (hits) and on controls (false alarms); one "
           "student's counts are coarse, read them as a check on the data, not as a mark.</p>",
           "<div class='wrap' tabindex='0' role='region' aria-label='Students and forms as a table'><table>"
           "<caption>Every student and form</caption><thead><tr><th scope='col'>Student</th><th scope='col'>Form</th>"
           "<th scope='col'>Status</th><th scope='col'>Items answered</th>"]
    out += [f"<th scope='col'>{esc(check.questions[skill].title)}: hits, false alarms</th>" for skill in check.skills]
    out.append("</tr></thead><tbody>")
    for status in statuses:
        cells = [f"<td>{esc(status.student)}</td><td>{status.form}</td><td>{esc(status.status)}</td>",
                 f"<td class='num'>{status.answered} of {status.total}</td>"]
        attributes = (f"data-student='{esc(status.student)}' data-form='{status.form}' "
                      f"data-taken='{'yes' if status.status == 'taken' else 'no'}' data-answered='{status.answered}'")
        if status.status == "taken":
            counts = skill_counts(check, status.form, students[status.student].responses[status.form])
            for skill in check.skills:
                c = counts[skill]
                cells.append(f"<td class='num' data-skill='{skill}' data-hits='{c['hits']}' data-misses='{c['misses']}' "
                             f"data-false-alarms='{c['false_alarms']}' data-correct-rejections='{c['correct_rejections']}'>"
                             f"{c['hits']} of {c['hits'] + c['misses']}, {c['false_alarms']} of "
                             f"{c['false_alarms'] + c['correct_rejections']}</td>")
        else:
            cells += ["<td>–</td>"] * len(check.skills)
        out.append(f"<tr {attributes}>{''.join(cells)}</tr>")
    out.append("</tbody></table></div></section>")
    return "\n".join(out)


def render_html(check: Check, summaries: list[SkillSummary], items: Sequence[ItemStat] = (),
                extra_sections: Sequence[str] = ()) -> str:
    """The report as one self-contained HTML page.

    extra_sections: HTML fragments appended in order after the item analysis, each a ``<section>`` with its own
    ``<h2>`` (the course's roster; analyses of the graded tasks made by other modules). They must be
    self-contained like the rest: no script, no outside resource, a text alternative for every picture.
    """
    return _page("Discernment check: class report",
                 check_sections(check, summaries, items, FigureIds("check")) + list(extra_sections))


def _page(title: str, parts: Sequence[str]) -> str:
    """One self-contained page: the styles of every part inline, nothing fetched, no script."""
    return "\n".join(['<!doctype html><html lang="en"><head><meta charset="utf-8">',
                      '<meta name="viewport" content="width=device-width, initial-scale=1">',
                      f"<title>{esc(title)}</title><style>{_STYLE}{OVERVIEW_STYLE}{TASK_STYLE}</style></head><body>",
                      f"<main><h1>{esc(title)}</h1>", *parts, "</main></body></html>"])


def check_sections(check: Check, summaries: list[SkillSummary], items: Sequence[ItemStat], ids: FigureIds) -> list[str]:
    """The discernment check's part of a page: how to read it, the mean gains, each student's scores, the items."""
    out = [f"<p>Case {esc(check.case)}, item edition {esc(check.edition)}. d′ (sensitivity) measures how well "
           "students tell 'yes' items (loaded; anonymous or unsourced; conflicting) from true controls; c (bias) is "
           "their lean: below 0 they say 'yes' more readily, above 0 more sparingly. A course that teaches suspicion "
           "instead of reading moves c down without moving d′.</p>",
           "<p>How to read the intervals: each is a bootstrap 95 % interval of the mean gain over students. An "
           "interval that includes 0 does not show a change. With eight items per skill, each student's d′ is "
           "coarse and, because of the log-linear correction, shrunk towards 0, so a gain here understates the "
           "change in the underlying skill, and a class that only leans more towards 'yes' can show a small drop in d′ "
           "(in a simulated class, a shift of c by −0.6 lowered the mean d′ by about 0.1); the class mean is far steadier than any one student's score. The check "
           "uses short invented texts: it shows three skills in their simplest form, not how students read a real "
           "article.</p>"]
    out.append("<h2>Mean gains</h2>")
    out.append("<figure>" + _gain_plot(ids, summaries, check, "d_prime", "d′") + "<figcaption>Sensitivity d′: mean gain, "
               "after minus before, with its 95 % interval (right of 0: students tell the items apart better)."
               "</figcaption></figure>")
    out.append("<figure>" + _gain_plot(ids, summaries, check, "c", "c") + "<figcaption>Bias c: mean change, after minus "
               "before, with its 95 % interval (left of 0: students say 'yes' more readily than before)."
               "</figcaption></figure>")
    # The table scrolls on its own on a narrow screen (focusable, so a keyboard can scroll it), not the page.
    out.append("<div class='wrap' tabindex='0' role='region' aria-label='Mean gains as a table'><table><caption>Mean gain per group and skill (later form minus before), with 95 % intervals"
               "</caption><thead><tr><th scope='col'>Group</th><th scope='col'>Skill</th><th scope='col'>Form</th>"
               "<th scope='col'>Students</th><th scope='col'>d′ gain</th><th scope='col'>95 % interval</th>"
               "<th scope='col'>c change</th><th scope='col'>95 % interval</th></tr></thead><tbody>")
    for s in summaries:
        for later, gain in s.gains.items():
            d, c = gain["d_prime"], gain["c"]
            out.append(f"<tr data-group='{esc(s.group)}' data-skill='{s.skill}' data-form='{later}'>"
                       f"<td>{esc(s.group)}</td><td>{esc(check.questions[s.skill].title)}</td><td>{later}</td>"
                       f"<td class='num'>{d.n}</td><td class='num d'>{fmt(d.mean)}</td>"
                       f"<td class='num'>{fmt(d.low)} to {fmt(d.high)}</td><td class='num c'>{fmt(c.mean)}</td>"
                       f"<td class='num'>{fmt(c.low)} to {fmt(c.high)}</td></tr>")
    out.append("</tbody></table></div>")
    out.append("<h2>Each student's d′ and c, per skill</h2>")
    for s in summaries:
        if not any(s.scores.values()):
            continue
        out.append(f"<h3>{esc(check.questions[s.skill].title)}: {esc(s.group)}</h3>")
        out.append(_strip_plot(ids, s, "d_prime", "d′", -3, 3))
        out.append(_strip_plot(ids, s, "c", "c", -2, 2))
    if items:
        out.append("<h2>Items</h2><p>Difficulty is the share of students who gave the keyed answer; discrimination is "
                   "the correlation between being right on the item and the student's d′ on the rest of its skill in "
                   "the same form. A flag is a prompt to reread the item, not a verdict.</p>")
        out.append("<div class='wrap' tabindex='0' role='region' aria-label='Items as a table'><table><caption>Every "
                   "item of the forms taken</caption><thead><tr><th scope='col'>Form</th><th scope='col'>Item</th>"
                   "<th scope='col'>Skill</th><th scope='col'>Students</th><th scope='col'>Difficulty</th>"
                   "<th scope='col'>Discrimination</th><th scope='col'>Flag</th></tr></thead><tbody>")
        for stat in items:
            disc = "–" if stat.discrimination is None else fmt(stat.discrimination)
            out.append(f"<tr data-item='{esc(stat.item)}'><td>{stat.form}</td><td>{esc(stat.item)}</td>"
                       f"<td>{esc(check.questions[stat.skill].title)}</td><td class='num'>{stat.n}</td>"
                       f"<td class='num'>{fmt(stat.difficulty)}</td><td class='num'>{disc}</td>"
                       f"<td class='flag'>{esc(stat.flag)}</td></tr>")
        out.append("</tbody></table></div>")
    return out


def class_page(course_dir: Path, check: Check, *, groups: dict[str, str] | None = None, rounds: int = 2000,
               seed: int = 0, verbose: bool = False) -> tuple[str, list[str]]:
    """The class report of a course: the page, and the summary lines for the terminal.

    The page: every student × assignment, the scores per assignment, every graded task in course order, then
    the discernment check (when the class has taken it) and its roster. It shows the answer keys.
    """
    ids = FigureIds("class")
    overview = class_overview(course_dir)
    case = load_case(current_case())
    analysis = analyse_course(course_dir, case=case)
    parts = ["<p><strong>Instructors only: this page shows the answer keys.</strong> Keep it away from students.</p>",
             "<nav aria-label='Contents'><ul><li><a href='#overview'>Students and assignments</a></li>"
             "<li><a href='#scores'>Scores per assignment</a></li><li><a href='#graded-tasks'>Graded tasks</a></li>"
             "<li><a href='#items-scatter'>Items: share right and discrimination</a></li>"
             "<li><a href='#check'>Discernment check</a></li></ul></nav>"]
    parts += overview_sections(overview, ids)
    parts += render_sections(analysis, case, ids)
    parts.append("<h2 id='check'>Discernment check</h2>")
    try:
        students, statuses = read_course(course_dir, check, groups)
    except ReportDataError as error:
        students, statuses = {}, []
        parts.append(f"<p>Not shown: {esc(error)}</p>")
    taken = {sid: s for sid, s in students.items() if s.responses}
    check_line = "check: not taken yet"
    if taken:
        summaries = summarise(check, taken.values(), rounds=rounds, seed=seed)
        parts += check_sections(check, summaries, item_analysis(check, taken.values()), ids)
        parts.append(roster_section(check, students, statuses))
        gains = [f"{check.questions[s.skill].title} {fmt(s.gains['after']['d_prime'].mean)}"
                 for s in summaries if s.group == ALL and "after" in s.gains]
        check_line = (f"check: {len(taken)} students took it; mean d' gain after minus before: "
                      + (", ".join(gains) if gains else "no one has both forms yet"))
    elif statuses:
        parts.append(roster_section(check, students, statuses))
    flagged = [f"{p.task} {p.item}" + (f" “{p.text[:40]}”" if p.text else "") for p in analysis.points
               if item_flag(p).startswith("negative")]
    lines = summary_lines(overview, flagged_items=flagged, verbose=verbose) + [check_line]
    return _page("Class report", parts), lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m medialit.assessment.report", description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("responses", type=Path, nargs="?", help="CSV: student, form, item, answer, confidence[, group]")
    source.add_argument("--course", type=Path, metavar="DIR",
                        help="a course folder: the class report (every student and assignment, the graded tasks with "
                             "their keys, the check) from its nbgrader gradebook")
    parser.add_argument("--groups", type=Path, help="with --course: a CSV of student, group (optional)")
    parser.add_argument("--canvas", type=Path, metavar="FILE",
                        help="with --course: also write the per-task grades for Canvas's gradebook import, with a status "
                             "column (the same file as `python -m medialit.grading export --canvas FILE --per-task`)")
    parser.add_argument("--verbose", action="store_true",
                        help="with --course: also print one line per failed, pending or missing submission")
    parser.add_argument("-o", "--output", type=Path, default=Path("check-report.html"))
    parser.add_argument("--case", default=current_case())
    parser.add_argument("--rounds", type=int, default=2000, help="bootstrap resamples (default 2000)")
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed, so a report can be reproduced")
    args = parser.parse_args(argv)
    for option in ("groups", "canvas", "verbose"):
        if getattr(args, option) and not args.course:
            parser.error(f"--{option} goes with --course")
    check = load_check(args.case)
    try:
        if args.course:
            from ..grading.report import GradebookMissing

            # The page shows the answer keys: never written where students can read it.
            refuse_public(args.output, args.course)
            try:
                groups = read_groups(args.groups) if args.groups else None
                page, lines = class_page(args.course, check, groups=groups, rounds=args.rounds, seed=args.seed,
                                         verbose=args.verbose)
            except GradebookMissing as error:
                raise ReportDataError(str(error)) from None
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(page, encoding="utf-8")
            print(f"wrote {args.output} (class report; instructors only: it shows the answer keys)")
            print("\n".join(lines))
        else:
            students = read_responses(args.responses, check)
            if not students:
                print(f"error: {args.responses} has no answers to the check yet.", file=sys.stderr)
                return 2
            summaries = summarise(check, students.values(), rounds=args.rounds, seed=args.seed)
            args.output.write_text(render_html(check, summaries, item_analysis(check, students.values())),
                                   encoding="utf-8")
            print(f"wrote {args.output} ({len(students)} students)")
    except (OSError, ValueError) as error:  # ReportDataError is a ValueError, as is refuse_public's refusal
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.canvas:
        from ..grading.report import export_canvas

        rows, warnings = export_canvas(args.course, args.canvas, per_task=True)
        for warning in warnings:
            print(f"warning: {warning}", file=sys.stderr)
        print(f"wrote {args.canvas} ({len({r.student for r in rows})} students, one column per task, for Canvas)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
