"""The class at a glance: every student × assignment, each assignment's scores, and a summary for the terminal.

* ``class_overview(course_dir)`` reads every student × assignment with its status and score
  (``medialit.grading.report.collect``: the gradebook named in the course's nbgrader_config.py and the
  status store) and how late each submission came (nbgrader's due dates and extensions).
* ``overview_sections(overview, ids)``: a heatmap table (one row per student, one column per assignment in
  course order, each cell the share of points with a mark for late, provisional, failed, not graded yet and
  not submitted, every mark also written out for screen readers) and one histogram of scores per assignment,
  with the same numbers as a table.
* ``summary_lines(overview, ...)``: what the command prints, a fixed number of lines whatever the size of
  the class (one per assignment plus a few); ``verbose`` adds one line per submission that needs attention.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .htmlparts import CELL, NUM, TABLE, FigureIds, esc, pct, scrolls, svg
from .item_texts import course_order

if TYPE_CHECKING:
    from ..grading.class_runner import Course

__all__ = ["Cell", "ClassOverview", "class_overview", "overview_sections", "summary_lines", "OVERVIEW_STYLE",
           "MARKS"]

# Status marks, each with the words a screen reader hears and the legend shows.
MARKS = {"late": ("L", "late"), "provisional": ("P", "provisional: hand grading pending"),
         "failed": ("✕", "failed: not graded, counts 0"), "pending": ("…", "submitted, not graded yet"),
         "missing": ("–", "not submitted")}
# Five steps of blue for the share of points (light to dark), each with a text colour above 4.5:1 contrast.
SHADES = (("#deebf7", "#1b1b1b"), ("#9ecae1", "#1b1b1b"), ("#6baed6", "#1b1b1b"), ("#2171b5", "#ffffff"),
          ("#08306b", "#ffffff"))

OVERVIEW_STYLE = """
.heat { border-collapse: collapse; font-size: 0.8rem; font-variant-numeric: tabular-nums; }
.heat th, .heat td { border: 1px solid #fff; padding: 0.1rem 0.2rem; }
.heat thead th { vertical-align: bottom; font-weight: normal; background: #fff; }
.heat thead th.a span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; display: inline-block;
                        max-height: 9rem; overflow: hidden; text-overflow: ellipsis; }
.heat tbody th { text-align: left; font-weight: normal; white-space: nowrap; }
.heat td { min-width: 2.3rem; text-align: center; white-space: nowrap; }
.heat td.missing, .heat td.pending { background: #fff; color: #1b1b1b; border: 1px dashed #767676; }
.heat td.failed { background: #fbe3d6; color: #1b1b1b; border: 1px solid #a33a00; }
.heat td.all { border-left: 3px solid #1b1b1b; }
.sr { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0);
      white-space: nowrap; border: 0; }
.keys { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.3rem 1rem; }
.keys .sw { display: inline-block; min-width: 2.3rem; text-align: center; margin-right: 0.3rem; font-size: 0.8rem; }
.dists { display: grid; grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr)); gap: 0.5rem 1.5rem; }
.dists figure { margin: 0; } .dists figcaption { font-weight: bold; color: #1b1b1b; }
.dists svg { width: 100%; height: auto; display: block; }
.dists svg text { font-size: 12px; fill: #1b1b1b; } .dists .final { fill: #2171b5; } .dists .prov { fill: #9ecae1; }
.dists .base { stroke: #1b1b1b; }
"""


@dataclass(frozen=True)
class Cell:
    """One student × assignment as the overview shows it."""

    student: str
    assignment: str
    status: str  # "graded", "provisional", "failed", "pending" or "missing"
    score: float | None
    max_score: float | None
    late_hours: float = 0.0
    penalty: float = 0.0
    reason: str = ""

    @property
    def share(self) -> float | None:
        if self.status in ("failed",):
            return 0.0
        if self.score is None or not self.max_score or self.status in ("pending", "missing"):
            return None
        return self.score / self.max_score

    @property
    def marks(self) -> list[str]:
        """The cell's marks, most important first: its status (unless graded), then late."""
        out = [] if self.status == "graded" else [self.status]
        return out + (["late"] if self.late_hours > 0 else [])


@dataclass
class ClassOverview:
    assignments: list[str]  # course order
    students: list[str]
    cells: dict[tuple[str, str], Cell]  # (student, assignment) -> cell

    def column(self, assignment: str) -> list[Cell]:
        return [self.cells[(s, assignment)] for s in self.students if (s, assignment) in self.cells]

    def overall(self, student: str) -> float | None:
        """The student's share of every point of the assignments scored so far (failed counts 0)."""
        mine = [self.cells[(student, a)] for a in self.assignments if (student, a) in self.cells]
        scored = [c for c in mine if c.share is not None and c.max_score]
        total = sum(c.max_score or 0 for c in scored)
        return sum((c.score or 0) if c.status != "failed" else 0 for c in scored) / total if total else None


_STATUS = {"graded": "graded", "needs manual grading": "provisional", "failed": "failed",
           "submitted, not graded yet": "pending", "not submitted": "missing"}


def _lateness(course: Course) -> dict[tuple[str, str], float]:
    """Seconds late of every submission with a due date (nbgrader's own rule: due date plus extension)."""
    from nbgrader.api import Gradebook

    late: dict[tuple[str, str], float] = {}
    with Gradebook(course.db_url, course.course_id) as gradebook:
        for assignment in gradebook.assignments:
            if assignment.duedate is None:
                continue
            for submission in assignment.submissions:
                seconds = submission.total_seconds_late
                if seconds:
                    late[(assignment.name, submission.student.id)] = float(seconds)
    return late


def class_overview(course_dir: Path | str = ".") -> ClassOverview:
    """Every student × assignment of a course (GradebookMissing when it has no gradebook)."""
    from ..grading.report import collect, open_course

    course = open_course(course_dir)
    rows = collect(course_dir)
    late = _lateness(course)
    cells = {}
    for row in rows:
        status = _STATUS.get(row.status, "pending")
        cells[(row.student, row.assignment)] = Cell(
            row.student, row.assignment, status, row.score, row.max_score,
            late.get((row.assignment, row.student), 0.0) / 3600, float(row.late_penalty or 0.0), row.reason or "")
    assignments = course_order({r.assignment for r in rows}, course.root)
    return ClassOverview(assignments, sorted({r.student for r in rows}), cells)


# ---------------------------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------------------------

def _shade(share: float) -> tuple[str, str]:
    return SHADES[min(int(share * 5), 4)]


def _cell_html(cell: Cell | None) -> str:
    if cell is None:
        return "<td class='missing'>–<span class='sr'> not in the gradebook</span></td>"
    marks = cell.marks
    words = [MARKS[m][1] for m in marks]
    if cell.late_hours > 0:
        words[-1] = f"late by {cell.late_hours:.0f} h" + (f", penalty {cell.penalty:g}" if cell.penalty else "")
    symbols = "".join(MARKS[m][0] for m in marks)
    hidden = f"<span class='sr'> {esc('; '.join(words))}</span>" if words else ""
    if cell.status in ("missing", "pending", "failed"):
        return (f"<td class='{cell.status}' data-status='{cell.status}'>{esc(symbols)}{hidden}</td>")
    share = cell.share or 0.0
    background, colour = _shade(share)
    shown = f"{round(100 * share)}" + (f" {symbols}" if symbols else "")
    return (f"<td style='background:{background};color:{colour}' data-status='{cell.status}' "
            f"data-share='{share:.4f}'>{esc(shown)}<span class='sr'> %</span>{hidden}</td>")


def heatmap_section(overview: ClassOverview) -> str:
    """Every student × assignment as a table coloured by the share of points, with status marks."""
    students = sorted(overview.students, key=lambda s: (overview.overall(s) is None, overview.overall(s) or 0, s))
    keys = "".join(f"<li><span class='sw' style='background:{bg};color:{fg}' aria-hidden='true'>&#8203;</span>"
                   f"{lo}–{lo + 20} % of the points</li>" for (bg, fg), lo in zip(SHADES, range(0, 100, 20)))
    keys += "".join(f"<li><span class='sw' style='border:1px dashed #767676'>{esc(symbol)}</span>{esc(words)}</li>"
                    for symbol, words in MARKS.values())
    head = "".join(f"<th scope='col' class='a'><span>{esc(a)}</span></th>" for a in overview.assignments)
    rows = []
    for student in students:
        cells = "".join(_cell_html(overview.cells.get((student, a))) for a in overview.assignments)
        overall = overview.overall(student)
        if overall is None:
            total = "<td class='all missing'>–<span class='sr'> nothing scored yet</span></td>"
        else:
            background, colour = _shade(overall)
            total = (f"<td class='all' style='background:{background};color:{colour}'>{round(100 * overall)}"
                     "<span class='sr'> % of all points so far</span></td>")
        rows.append(f"<tr data-student='{esc(student)}'><th scope='row'>{esc(student)}</th>{cells}{total}</tr>")
    table = (f"<table class='heat'><caption class='sr'>Every student and assignment: the share of the points "
             f"(percent), with marks for late, provisional, failed, not graded yet and not submitted</caption>"
             f"<thead><tr><th scope='col'>Student</th>{head}<th scope='col' class='a'><span>all so far</span></th>"
             f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")
    return ("<section aria-labelledby='overview'><h2 id='overview'>Students and assignments</h2>"
            f"<p>{len(overview.students)} students, {len(overview.assignments)} assignments in course order. Each cell "
            "is the share of the assignment's points (in percent), darker for more; the last column is the share of "
            "every point scored so far (failed counts 0). Students with the lowest share come first.</p>"
            f"<ul class='keys' aria-label='How to read the cells'>{keys}</ul>"
            + scrolls(table, "Students and assignments (scrolls sideways on a narrow screen)") + "</section>")


def _quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    n = len(ordered)
    if not n:
        return 0.0, 0.0, 0.0
    return ordered[n // 4], ordered[n // 2], ordered[(3 * n) // 4]


def distribution_figure(ids: FigureIds, assignment: str, column: Sequence[Cell]) -> str:
    """One assignment's scores in ten bins of 10 % (final and provisional stacked), with a text description."""
    bins = [[0, 0] for _ in range(10)]
    for cell in column:
        if cell.status in ("graded", "provisional") and cell.share is not None:
            bins[min(int(cell.share * 10), 9)][cell.status == "provisional"] += 1
    width, height, left, bottom, top = 300, 150, 8, 22, 18
    bar = (width - 2 * left) / 10
    most = max((sum(b) for b in bins), default=0) or 1
    scale = (height - bottom - top) / most
    parts = [f'<line class="base" x1="{left}" x2="{width - left}" y1="{height - bottom}" y2="{height - bottom}"/>']
    for i, (final, provisional) in enumerate(bins):
        x = left + i * bar
        y_final = height - bottom - final * scale
        y_prov = y_final - provisional * scale
        if final:
            parts.append(f'<rect class="final" x="{x + 1:.1f}" y="{y_final:.1f}" width="{bar - 2:.1f}" '
                         f'height="{final * scale:.1f}"/>')
        if provisional:
            parts.append(f'<rect class="prov" x="{x + 1:.1f}" y="{y_prov:.1f}" width="{bar - 2:.1f}" '
                         f'height="{provisional * scale:.1f}"/>')
        if final + provisional:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{y_prov - 4:.1f}" text-anchor="middle">{final + provisional}</text>')
    for tick in (0, 50, 100):
        x = left + tick / 100 * (width - 2 * left)
        anchor = {0: "start", 50: "middle", 100: "end"}[tick]
        parts.append(f'<text x="{x:.1f}" y="{height - 6}" text-anchor="{anchor}">{tick} %</text>')
    described = "; ".join(f"{10 * i}–{10 * i + 10} %: {f + p}" + (f" ({p} provisional)" if p else "")
                          for i, (f, p) in enumerate(bins) if f + p)
    scored = sum(f + p for f, p in bins)
    chart = svg(ids, f"Scores of {assignment}", f"{scored} students scored, in bins of 10 % of the points: "
                f"{described or 'none yet'}.", width, height, "".join(parts))
    return f"<figure><figcaption>{esc(assignment)}</figcaption>{chart}</figure>"


def distribution_section(overview: ClassOverview, ids: FigureIds) -> str:
    """A histogram of scores per assignment, and the counts of every status as a table."""
    figures = "".join(distribution_figure(ids, a, overview.column(a)) for a in overview.assignments)
    rows = []
    for assignment in overview.assignments:
        column = overview.column(assignment)
        counts = Counter(c.status for c in column)
        late = sum(1 for c in column if c.late_hours > 0)
        shares = [c.share for c in column if c.status in ("graded", "provisional") and c.share is not None]
        middle = "–"
        if shares:
            low, median, high = _quartiles(shares)
            middle = f"{pct(median)} ({pct(low)}–{pct(high)})"
        rows.append(f"<tr><th scope='row' {CELL}>{esc(assignment)}</th>"
                    + "".join(f"<td {NUM}>{counts[s]}</td>" for s in ("graded", "provisional", "failed", "pending",
                                                                      "missing"))
                    + f"<td {NUM}>{late}</td><td {NUM}>{middle}</td></tr>")
    table = scrolls(f"<table {TABLE}><caption>Each assignment: students per status, and the median share of the points "
                    f"(middle half in brackets)</caption><thead><tr><th {CELL} scope='col'>Assignment</th>"
                    + "".join(f"<th {CELL} scope='col'>{w}</th>" for w in ("Graded", "Provisional", "Failed",
                                                                          "Not graded yet", "Not submitted", "Late",
                                                                          "Median (middle half)"))
                    + f"</tr></thead><tbody>{''.join(rows)}</tbody></table>", "Each assignment as a table")
    return ("<section aria-labelledby='scores'><h2 id='scores'>Scores per assignment</h2>"
            "<p>Each bar counts the students whose share of the points falls in that tenth; dark blue final, light "
            "blue provisional (hand grading pending, the score so far). Failed and missing submissions are not in the "
            "bars; the table counts them.</p>"
            f"<div class='dists'>{figures}</div>{table}</section>")


def overview_sections(overview: ClassOverview, ids: FigureIds) -> list[str]:
    return [heatmap_section(overview), distribution_section(overview, ids)]


# ---------------------------------------------------------------------------------------------------------------
# Terminal
# ---------------------------------------------------------------------------------------------------------------

def summary_lines(overview: ClassOverview, *, flagged_items: Sequence[str] = (), verbose: bool = False,
                  limit: int = 3) -> list[str]:
    """The command's summary: one line per assignment and a few more, whatever the size of the class.

    ``flagged_items``: items to reread (from the item analysis), named with their text. ``verbose`` adds one
    line per failed, pending or missing submission (the HTML has every one of them as well).
    """
    width = max([len("assignment")] + [len(a) for a in overview.assignments])
    lines = [f"{'assignment':<{width}}  graded  provisional  failed  pending  missing  late  median"]
    attention: list[Cell] = []
    for assignment in overview.assignments:
        column = overview.column(assignment)
        counts = Counter(c.status for c in column)
        late = sum(1 for c in column if c.late_hours > 0)
        shares = [c.share for c in column if c.status in ("graded", "provisional") and c.share is not None]
        median = pct(_quartiles(shares)[1]) if shares else "–"
        lines.append(f"{assignment:<{width}}  {counts['graded']:>6}  {counts['provisional']:>11}  {counts['failed']:>6}  "
                     f"{counts['pending']:>7}  {counts['missing']:>7}  {late:>4}  {median:>6}")
        attention += [c for c in column if c.status in ("failed", "pending", "missing")]
    absent = Counter(c.student for c in attention if c.status == "missing")
    often = sorted(s for s, n in absent.items() if n >= 3)
    failed = sum(1 for c in attention if c.status == "failed")
    lines.append(f"attention: {failed} failed submission(s), "
                 f"{sum(1 for c in overview.cells.values() if c.status == 'provisional')} provisional (hand grading "
                 f"pending), {len(often)} student(s) missing 3 or more assignments"
                 + (f" ({', '.join(often[:limit])}{', ...' if len(often) > limit else ''})" if often else ""))
    if flagged_items:
        lines.append(f"items to reread ({len(flagged_items)}): " + "; ".join(flagged_items[:limit])
                     + ("; ..." if len(flagged_items) > limit else ""))
    if verbose:
        lines += [f"  {c.assignment} {c.student}: {MARKS[c.status][1]}" + (f" ({c.reason})" if c.reason else "")
                  for c in attention]
    elif attention:
        lines.append(f"{len(attention)} submission(s) failed, pending or missing: --verbose lists them; the HTML "
                     "shows every student")
    return lines
