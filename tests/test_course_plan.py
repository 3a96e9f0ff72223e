"""Start here's timing table is built from the chapters' own "**Time:**" lines and covers every course chapter
(issue 19, item 10)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from medialit.tooling.course_plan import chapter_times, course_chapters, hours

ROOT = Path(__file__).resolve().parents[1]


def test_every_course_chapter_has_a_time_and_is_in_the_table() -> None:
    rows = chapter_times()
    assert [r.file for r in rows] == course_chapters()
    assert {"book/check", "book/machine", "book/practice"} <= {r.file for r in rows}
    assert all(r.reading > 0 for r in rows)
    assert sum(r.graded for r in rows) == 30 + 30 + 30 + 25 + 45  # the five graded assignments


def test_start_here_builds_its_table_from_the_chapters_not_by_hand() -> None:
    intro = (ROOT / "book" / "intro.md").read_text(encoding="utf-8")
    assert "chapter_times()" in intro
    assert "| chapter | reading and practice |" not in intro
    assert "five student notebooks" not in intro and "six lessons" not in intro


def test_a_chapter_without_a_time_is_named(tmp_path: Path) -> None:
    shutil.copy(ROOT / "_toc.yml", tmp_path / "_toc.yml")
    shutil.copytree(ROOT / "book", tmp_path / "book", ignore=shutil.ignore_patterns("images"))
    page = tmp_path / "book" / "machine.md"
    page.write_text(page.read_text(encoding="utf-8").replace("**Time:**", "Time:"), encoding="utf-8")
    with pytest.raises(ValueError, match=r"book/machine.md has no line"):
        chapter_times(tmp_path)


@pytest.mark.parametrize("minutes, words", [(225, "three and three-quarters hours"), (60, "one hour"),
                                            (135, "two and a quarter hours"), (30, "30 minutes")])
def test_hours_in_words(minutes: int, words: str) -> None:
    assert hours(minutes) == words
