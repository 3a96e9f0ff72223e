"""The course's plan as the chapters state it: each chapter's time, read from its own "**Time:**" line.

*Start here*'s timing table is built from this when the site is built, so it covers every chapter in the table of
contents and changes when a chapter's own estimate changes (tests/test_course_plan.py)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
_TIME = re.compile(r"^\*\*Time:\*\* about (?P<reading>\d+) minutes(?P<note>, including [^.]+| for each of the (?P<forms>\w+) forms)?"
                   r"(?:, plus (?P<graded>\d+) minutes for the graded [\w ]+)?\.", re.M)
_NUMBERS = {"two": 2, "three": 3}
# Reference pages are looked up, not read through, and the instructors' chapter is not part of a student's path:
# neither has a time of its own.
REFERENCE_CAPTION = "Reference"
NOT_TIMED = {"book/instructors"}


@dataclass(frozen=True)
class ChapterTime:
    file: str
    title: str
    reading: int  # minutes of reading and practice
    graded: int   # minutes of graded work (0 when the chapter has none)
    note: str = ""


def course_chapters(root: Path = ROOT) -> list[str]:
    """The course's chapters in reading order (the root page first), without the reference part."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc["parts"]:
        if part.get("caption") != REFERENCE_CAPTION:
            files += [chapter["file"] for chapter in part["chapters"] if chapter["file"] not in NOT_TIMED]
    return files


def chapter_times(root: Path = ROOT) -> list[ChapterTime]:
    """Every course chapter's time; a chapter without a "**Time:**" line is an error that names it."""
    rows = []
    for file in course_chapters(root):
        text = (root / f"{file}.md").read_text(encoding="utf-8")
        heading = re.search(r"^# (.+)$", text, re.M)
        if heading is None:
            raise ValueError(f"{file}.md has no '# Title' line: every course chapter starts with its title.")
        title = heading.group(1).strip()
        match = _TIME.search(text)
        if match is None:
            raise ValueError(f"{file}.md has no line '**Time:** about N minutes[, plus M minutes for the graded ...].': "
                             "add one under its title, so Start here's timing table can include it.")
        reading = int(match["reading"]) * _NUMBERS.get(match["forms"] or "", 1)
        note = ""
        if match["forms"]:
            note = f" ({match['forms']} forms of {match['reading']} minutes)"
        elif match["note"]:
            note = f" ({match['note'].removeprefix(', ')})"
        rows.append(ChapterTime(file, title, reading, int(match["graded"] or 0), note))
    return rows


def hours(minutes: int) -> str:
    """'3 hours 45 minutes' style, rounded to the quarter hour, for a total."""
    quarters = round(minutes / 15)
    whole, rest = divmod(quarters, 4)
    words = {0: "", 1: " and a quarter", 2: " and a half", 3: " and three-quarters"}
    names = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    if whole == 0:
        return f"{rest * 15} minutes"
    return f"{names[whole] if whole < len(names) else whole}{words[rest]} hour{'s' if whole > 1 or rest else ''}"
