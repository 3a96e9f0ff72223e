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
            assert key not in ("src", "srcset", "xlink:href"), (tag, key, value)
            assert key != "href" or (value or "").startswith("#"), (tag, key, value)  # links within the page only
            assert not key.startswith("on"), (tag, key)
            assert "url(" not in (value or ""), (tag, key, value)
    assert "@import" not in page and "url(" not in page
    svgs = [attrs for tag, attrs in parsed.tags if tag == "svg"]
    # The items' scatter (a group: its points take focus, each an image with its item as its name) and the
    # written answer's levels; the spreads are HTML bars whose shares are written beside them.
    assert [a.get("role") for a in svgs] == ["group", "img"], svgs
    points = [attrs for tag, attrs in parsed.tags if tag == "g" and "pt" in (attrs.get("class") or "").split()]
    # Both key phrases and items x and z; item y (everyone right) has no spread to relate, so only its table row.
    assert len(points) == 4 and all(p.get("tabindex") == "0" and p.get("role") == "img" for p in points)
    assert any("proudly claimed" in (p.get("aria-label") or "") for p in points)
    for attrs, children in zip(svgs, parsed.svg_children):
        assert children[:2] == ["title", "desc"], (attrs, children)
        for ident in (attrs.get("aria-labelledby") or "").split():
            assert parsed.text.get(ident, "").strip(), f"empty or missing #{ident}"
        assert len((attrs.get("aria-labelledby") or "").split()) == 2


def test_html_writes_each_share_beside_its_phrase_and_in_the_tables(page: str) -> None:
    # Shading is not the only cue: the share follows each key phrase as text.
    assert re.search(r"<mark [^>]*>proudly claimed</mark><sup[^>]*> \[K1: 70 %\]</sup>", page)
    assert re.search(r"<mark [^>]*>massive damage</mark><sup[^>]*> \[K2: 20 %\]</sup>", page)
    assert "7 of 10 (70 %)" in page and "2 of 10 (20 %)" in page
    assert "“pro-government fighters”: 4 students" in page
    # Items with their text, answers by their readable names (answer_names.yaml), never the stored ids alone.
    assert re.search(r"<td [^>]*>x</td><td [^>]*>The Pentagon said the strike was in self-defence.</td>"
                     r"<td [^>]*>“Named source”</td><td [^>]*>3 of 10 \(30 %\)</td>"
                     r"<td [^>]*>“No source given” \(5 students\)</td>", page)
    # The full spread of item x beside its bar, the key first: 3 named (key), 2 anonymous, 5 unsourced.
    legend = re.search(r"<strong>x</strong> The Pentagon said.*?<p class=\"legend\">(.*?)</p>", page).group(1)
    assert re.sub(r"<[^>]+>", "", legend) == ("✓ Named source (key): 3 (30 %)Anonymous source: 2 (20 %)"
                                             "No source given: 5 (50 %)")
    assert "found in full: 6 (60 %)" in page and "found in part: 1 (10 %)" in page and "missed: 3 (30 %)" in page
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


# ---------------------------------------------------------------------------------------------------------------
# A class of 200 × every assignment (tests/planted_class.build_class): what was planted comes back exactly
# ---------------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def class_analysis(planted_class_200) -> tasks.TaskAnalysis:
    course, _plan = planted_class_200
    return tasks.analyse_course(course)


def test_every_graded_task_comes_in_course_order_with_its_numbers_task(class_analysis: tasks.TaskAnalysis) -> None:
    # _toc.yml's chapter order; the check's forms have their own sections.
    assert class_analysis.assignments() == ["loaded-language", "sourcing", "statements", "machine", "capstone"]
    assert [t.task for t in class_analysis.tasks if t.assignment == "statements"] == \
        ["statements/range", "statements/checkable"]  # notebook order, the numbers task included
    assert [t.task for t in class_analysis.numbers] == ["statements/range"]
    assert not [n for n in class_analysis.notes if "shows no text" in n], class_analysis.notes


def test_every_answer_given_is_counted_per_item(class_analysis: tasks.TaskAnalysis, planted_class_200) -> None:
    _course, plan = planted_class_200
    checked = 0
    for task in class_analysis.labels + class_analysis.numbers:
        for item in task.items:
            given = plan.given[(task.task, item.name)]
            assert (item.answered, item.correct) == (sum(given.values()), plan.right[(task.task, item.name)]), item.name
            spread = {a.answer: a.count for a in item.spread if a.answer != tasks.OTHER and a.count}
            other = sum(a.count for a in item.spread if a.answer == tasks.OTHER)
            assert all(given[answer] == count for answer, count in spread.items()), (item.name, spread, given)
            assert sum(spread.values()) + other == sum(given.values())
            assert [a.key for a in item.spread][:1] == [True], item.spread  # the key first
            assert item.text, f"{task.task} {item.name} has no text"
            checked += 1
    assert checked >= 40
    for task in class_analysis.phrases:
        assert [k.found_full for k in task.keys] == [plan.found.get((task.task, f"K{i}"), 0)
                                                     for i in range(1, len(task.keys) + 1)], task.task


def test_items_show_their_text_and_answers_their_readable_names(class_analysis: tasks.TaskAnalysis) -> None:
    items = {(t.task, i.name): i for t in class_analysis.labels + class_analysis.numbers for i in t.items}
    assert items[("sourcing/sort", "claim-6a (attribution)")].text.startswith("The only previous US attack")
    assert items[("sourcing/sort", "claim-6a (attribution)")].title == "claim-6a (Source)"
    assert items[("statements/checkable", "st-04")].text.startswith(("US Department of Defense", "Unnamed Pentagon",
                                                                    "Syrian", "Russian", "The article"))
    assert items[("statements/range", "gap")].text.startswith("`highest_floor - lowest_ceiling`")
    assert items[("machine/higher", "pair-1")].text.startswith("A: Troops fired on the convoy")
    techniques = items[("loaded-language/p18-techniques", "p18-b")]
    assert [a.shown for a in techniques.spread if a.key] == ["Causal oversimplification"]
    page = tasks.render_page(tasks.render_sections(class_analysis, load_case(CASE)))
    for internal in ("Causal_Oversimplification", "Name_Calling,Labeling", "Exaggeration,Minimisation"):
        assert internal not in page
    assert "No source given" in page and "Fact or interpretation" in page


def test_the_planted_item_against_the_rest_is_the_one_with_negative_discrimination(
        class_analysis: tasks.TaskAnalysis) -> None:
    from support import planted_class

    points = {(p.task, p.item): p for p in class_analysis.points if p.discrimination is not None}
    task, item = planted_class.REVERSED_ITEM
    reversed_ = points.pop((task, item))
    assert reversed_.discrimination < -0.3 and tasks.item_flag(reversed_).startswith("negative")
    assert len(points) >= 40 and all(p.discrimination > 0 for p in points.values()), \
        sorted((p.discrimination, k) for k, p in points.items())[:3]


def test_the_overview_holds_every_planted_status_and_lateness(planted_class_200) -> None:
    from medialit.assessment.overview import class_overview

    course, plan = planted_class_200
    overview = class_overview(course)
    assert {k: c.status for k, c in overview.cells.items()} == plan.status
    assert {k: c.late_hours for k, c in overview.cells.items() if c.late_hours} == plan.late
    assert overview.assignments[0] == "check-before" and overview.assignments[-2:] == ["check-after", "check-delayed"]


def test_the_report_and_the_grade_take_a_phrase_task_s_spans_from_one_function(monkeypatch) -> None:
    """award.py scores with phrase_spans and the report counts with it; its region is the one check_phrases checks."""
    import importlib

    from medialit.assessment.phrase_spans import phrase_spans
    from medialit.grading.checks import paragraph_region

    award = importlib.import_module("medialit.grading.award")

    case = load_case(CASE)
    specs = [s for s in tasks.hidden_specs(REPO / "solutions").values() if s["kind"] == "phrases"]
    assert len(specs) >= 3
    for spec in specs:
        spans = phrase_spans(spec, case)
        assert (spans.start, spans.end, spans.where) == paragraph_region(case, spec["paragraphs"])
        assert len(spans.key) == len(spec["key"])
    # The grade's key spans are phrase_spans' own: change them there and the grade follows.
    spec = specs[0]
    key = [record["phrase"] for record in spec["key"]]
    assert award.score_task(spec, key, case=case).points == spec["points"]

    def shifted(spec_, case_):
        spans = phrase_spans(spec_, case_)
        return type(spans)(spans.paragraphs, spans.start, spans.end, spans.where,
                           ((spans.start, spans.start + 1),), spans.text)

    monkeypatch.setattr(award, "phrase_spans", shifted)
    assert award.score_task(spec, key, case=case).points < spec["points"]


def test_numbers_are_right_by_the_grade_s_own_rule() -> None:
    from medialit.assessment.task_analysis import number_right
    from medialit.grading.award import score_task

    spec = {"kind": "numbers", "points": 2, "key": {"a": {"value": 10, "tolerance": 0.5}, "b": {"value": 3}}}
    for a, b in ((10, 3), (10.5, 3), (10.6, 3), (9.4, 2), (9.5, 3.0)):
        want = score_task(spec, {"a": a, "b": b}).points
        mine = 2 * (number_right(a, spec["key"]["a"]) + number_right(b, spec["key"]["b"])) / 2
        assert mine == pytest.approx(want), (a, b)


def test_claim_answer_names_are_the_claim_sorter_s() -> None:
    """answer_names.yaml spells the claim fields and values as the Claim sorter shows them."""
    import yaml

    from medialit.assessment.item_texts import ANSWER_NAMES_FILE

    names = yaml.safe_load(ANSWER_NAMES_FILE.read_text(encoding="utf-8"))
    js = (REPO / "medialit" / "widgets" / "claim_sorter.js").read_text(encoding="utf-8")
    shown = {value: visible + extra for value, visible, extra in
             re.findall(r'\["(\w+)", "([^"]+)", "([^"]*)"\]', js)}
    assert {"named", "anonymous", "unsourced", "fact", "interpretation"} <= set(shown)
    for value, words in shown.items():
        assert names["values"][value] == words, value
    for field, words in re.findall(r'^\s+(\w+): "([^"]+)",$', js.split("FIELD_NAMES")[1].split("};")[0], re.M):
        assert names["fields"][field] == words, field


def test_the_class_report_summary_is_short_and_verbose_names_each_submission(course: Path, tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    from medialit.assessment.report import main

    out = tmp_path / "private" / "class.html"
    assert main(["--course", str(course), "-o", str(out), "--rounds", "50"]) == 0
    short = capsys.readouterr().out.splitlines()
    assert short[2].split()[:6] == ["demo", "10", "1", "1", "0", "1"]  # graded, provisional, failed, pending, missing
    assert not any(planted.FAILED in line or planted.ABSENT in line for line in short), short
    assert main(["--course", str(course), "-o", str(out), "--rounds", "50", "--verbose"]) == 0
    verbose = capsys.readouterr().out.splitlines()
    assert f"  demo {planted.FAILED}: failed: not graded, counts 0 (the kernel died before the first cell (test))" \
        in verbose
    assert f"  demo {planted.ABSENT}: not submitted" in verbose
    page = out.read_text(encoding="utf-8")
    assert page.index("<table class='heat'>") < page.index("Graded tasks (instructors only)")
    for public in (course / "exercises" / "class.html", REPO / "_build" / "class.html"):
        assert main(["--course", str(course), "-o", str(public)]) == 2 and not public.exists()
