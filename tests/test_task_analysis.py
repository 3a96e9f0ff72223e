"""The class report's graded-task sections recover what was planted in a synthetic class (tests/support/planted_class.py).

Phrase task: 7 of 10 students find key phrase A (6 in full, 1 in part), 2 find B, 4 mark the same phrase that
matches nothing. Label task: item x's most common wrong label is "unsourced" (5), y has none, the contested
item z accepts two labels. Written answer: 4 full, 3 partial, 1 minimal, 1 none, 1 not graded yet, 1 left blank. The HTML
fetches nothing, every picture has a title and a description, every share is also written as a number, and
the command refuses to write the report (it shows keys) anywhere students can read.
"""
from __future__ import annotations

import glob
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from medialit import CASE
from medialit.assessment import tasks
from medialit.case import load_case
from medialit.grading.rubric import rubric_levels, written_answer_rubrics

from support import planted_class as planted

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return planted.build(tmp_path_factory.mktemp("planted") / "course")


@pytest.fixture(scope="module")
def analysis(course: Path) -> tasks.TaskAnalysis:
    return tasks.analyse_course(course)


@pytest.fixture(scope="module")
def page(analysis: tasks.TaskAnalysis) -> str:
    return tasks.render_page(tasks.render_sections(analysis, load_case(CASE)))


def test_phrase_task_shares_and_unmatched_marks(analysis: tasks.TaskAnalysis) -> None:
    [task] = analysis.phrases
    assert (task.assignment, task.task, task.paragraphs) == (planted.ASSIGNMENT, planted.PHRASE_TASK, [3])
    assert (task.students, task.unreadable) == (10, 1)
    found = {key.text: (key.found_full, key.found_part, key.share) for key in task.keys}
    assert found == {planted.KEY_A: (6, 1, 0.7), planted.KEY_B: (2, 0, 0.2)}
    assert task.unmatched[0] == (planted.COMMON_MISS, 4)
    assert all(count == 1 for _, count in task.unmatched[1:])
    # A partial mark of a key phrase is not an unmatched mark.
    assert "proudly" not in [text for text, _ in task.unmatched]


def test_label_task_most_common_wrong_label(analysis: tasks.TaskAnalysis) -> None:
    [task] = analysis.labels
    assert (task.task, task.students, task.unreadable) == (planted.LABEL_TASK, 10, 1)
    items = {item.item: item for item in task.items}
    assert (items["x"].correct, items["x"].wrong) == (3, (("unsourced", 5), ("anonymous", 2)))
    assert (items["y"].correct, items["y"].wrong) == (10, ())
    assert items["z"].expected == ("named", "unsourced")  # contested: both readings earn the point
    assert (items["z"].correct, items["z"].wrong) == (6, (("anonymous", 4),))


def test_multi_field_labels_and_words_tasks() -> None:
    case = load_case(CASE)
    spec = {"kind": "labels", "points": 2, "allowed": {"who": ["named", "unsourced"], "kind": ["fact", "opinion"]},
            "key": {"c1": {"who": "named", "kind": "fact"}}}
    answers = [{"c1": {"who": "named", "kind": "opinion"}}, {"c1": {"who": "unsourced", "kind": "opinion"}},
               {"c1": {"who": "named", "kind": "fact"}}]
    task = tasks.analyse_labels("a", "a/sort", spec, answers, case)
    assert [(i.name, i.correct, i.wrong) for i in task.items] == \
        [("c1 (who)", 2, (("unsourced", 1),)), ("c1 (kind)", 1, (("opinion", 2),))]
    # Nobody answered yet: the items still show, with nothing counted.
    empty = tasks.analyse_labels("a", "a/sort", spec, [], case)
    assert [(i.name, i.answered) for i in empty.items] == [("c1 (who)", 0), ("c1 (kind)", 0)]
    # Words: compared loosely (case, spaces), as the scorer does; wrong words counted in that loose form.
    words = {"kind": "words", "points": 1, "paragraphs": {"v": 3}, "key": {"v": ["proudly claimed"]}}
    task = tasks.analyse_labels("a", "a/verbs", words, [{"v": "Proudly  claimed"}, {"v": "allowed"},
                                                        {"v": "Allowed"}], case)
    [item] = task.items
    assert (item.correct, item.wrong) == (1, (("allowed", 2),))


def test_written_answer_spread_per_rubric_level(analysis: tasks.TaskAnalysis) -> None:
    [written] = analysis.written
    assert (written.grade_id, written.max_score, written.not_graded, written.left_blank, written.off_rubric) == \
        (planted.WRITTEN_CELL, 3.0, 1, 1, [])
    assert [(level.name, level.low, count) for level, count in written.levels] == \
        [("full", 3, 4), ("partial", 2, 3), ("minimal", 1, 1), ("none", 0, 1)]


def test_every_rubric_of_the_course_has_levels_from_its_points_down_to_zero() -> None:
    import nbformat

    checked = 0
    for path in sorted(glob.glob(str(REPO / "solutions" / "*" / "*.ipynb"))):
        points = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
                  for c in nbformat.read(path, as_version=4).cells
                  if "points" in c.metadata.get("nbgrader", {})}
        for grade_id, rubric in written_answer_rubrics(Path(path)).items():
            levels = rubric_levels(rubric)
            assert levels[0].high == points[grade_id] and levels[-1].low == 0, (grade_id, levels)
            # Levels do not overlap, so each score belongs to one level.
            assert all(a.low > b.high for a, b in zip(levels, levels[1:])), (grade_id, levels)
            checked += 1
    assert checked >= 5
    with pytest.raises(ValueError, match="names no levels"):
        rubric_levels("Full marks for a good answer.")


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.text: dict[str, str] = {}
        self.svg_children: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "svg":
            self.svg_children.append([])
        elif self.svg_children and "svg" in self.stack:
            self.svg_children[-1].append(tag)
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] in ("title", "desc"):
            ident = dict(self.tags[-1][1]).get("id") or ""
            self.text[ident] = self.text.get(ident, "") + data


def test_html_fetches_nothing_and_every_picture_has_a_text_alternative(page: str) -> None:
    parsed = _Collect()
    parsed.feed(page)
    names = {tag for tag, _ in parsed.tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed", "image", "use"}, names
    for tag, attrs in parsed.tags:
        for key, value in attrs.items():
            assert key not in ("src", "href", "srcset", "xlink:href"), (tag, key, value)
            assert not key.startswith("on"), (tag, key)
            assert "url(" not in (value or ""), (tag, key, value)
    assert "@import" not in page and "url(" not in page
    svgs = [attrs for tag, attrs in parsed.tags if tag == "svg"]
    assert len(svgs) == 2  # the phrase task's shares, the written answer's levels
    for attrs, children in zip(svgs, parsed.svg_children):
        assert attrs.get("role") == "img" and children[:2] == ["title", "desc"], (attrs, children)
        for ident in (attrs.get("aria-labelledby") or "").split():
            assert parsed.text.get(ident, "").strip(), f"empty or missing #{ident}"
        assert len((attrs.get("aria-labelledby") or "").split()) == 2


def test_html_writes_each_share_beside_its_phrase_and_in_the_tables(page: str) -> None:
    # Shading is not the only cue: the share follows each key phrase as text.
    assert re.search(r"<mark [^>]*>proudly claimed</mark><sup[^>]*> \[K1: 70 %\]</sup>", page)
    assert re.search(r"<mark [^>]*>massive damage</mark><sup[^>]*> \[K2: 20 %\]</sup>", page)
    assert "7 of 10 (70 %)" in page and "2 of 10 (20 %)" in page
    assert "“pro-government fighters”: 4 students" in page
    assert re.search(r"<td [^>]*>x</td><td [^>]*>“named”</td><td [^>]*>3 of 10 \(30 %\)</td>"
                     r"<td [^>]*>“unsourced” \(5 students\)</td>", page)
    assert "full (3 points)" in page and "4 (44 %)" in page and "1 more still needs a manual grade" in page
    assert "1 left the answer cell as released (nbgrader scored it 0; not counted above)" in page
    # The rest of paragraph 3 is there, unshaded and verbatim.
    paragraph = load_case(CASE).paragraph(3).text
    assert paragraph.split(planted.KEY_A)[0].strip() in page


def test_command_writes_the_page_and_refuses_folders_students_can_read(course: Path, tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "private" / "tasks.html"
    assert tasks.main(["--course", str(course), "-o", str(out)]) == 0
    assert "[K1: 70 %]" in out.read_text(encoding="utf-8")
    for public in (course / "exercises" / "tasks.html", course / "_build" / "html" / "t.html",
                   REPO / "_static" / "tasks.html", REPO / "book" / "tasks.html"):
        assert tasks.main(["--course", str(course), "-o", str(public)]) == 2
        assert not public.exists()
        assert "students can read" in capsys.readouterr().err
