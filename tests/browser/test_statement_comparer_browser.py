"""StatementComparer on a page built by Jupyter Book (the project's _config.yml), driven in headless Chromium.

The page has no kernel: the matrix, chart, table, sorting, filtering and the later-reports reveal all run in
statement_comparer.js. Expected orders and contents are computed here from medialit.load_case.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Locator, Page, expect

from medialit import CASE, load_case

from support.fixture_book import FixturePage, register
from support.site import MYST_PAGE_HEAD

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCRIPT_PAYLOAD = "<script>window.__pwned=1</script>"
IMG_PAYLOAD = '<img src=x onerror="window.__pwned=2">'
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


PRACTICE_PAGE = MYST_PAGE_HEAD + """# Statement comparer test page

```{code-cell} ipython3
from medialit import CASE, load_case
from medialit.widgets import StatementComparer

StatementComparer(load_case(CASE))
```
"""

PRESET_NOTE = "Notes written in Python before the page was saved."
PRESET_PAGE = MYST_PAGE_HEAD + f"""# Statement comparer with answers set in Python

```{{code-cell}} ipython3
from medialit import CASE, load_case
from medialit.widgets import StatementComparer

comparer = StatementComparer(load_case(CASE))
comparer.answers = {{"gains": {PRESET_NOTE!r}}}
comparer.revealed = True
comparer
```
"""

HOSTILE_PAGE = MYST_PAGE_HEAD + """# Statement comparer with markup in its data

```{code-cell} ipython3
from medialit import CASE, load_case
from medialit.widgets import StatementComparer

StatementComparer(load_case(CASE, root=r"CASE_ROOT"))
```
"""

HOSTILE_STATEMENT = "st-02"


def hostile_seeds(folder: Path) -> Path:
    """A copy of the case with markup in an actor's name, a question, a statement, a figure and a later report."""
    root = folder / "seeds"
    shutil.copytree(ROOT / "seeds" / CASE, root / CASE)
    path = root / CASE / "statements.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    next(a for a in data["actors"] if a["id"] == "author")["name"] = IMG_PAYLOAD
    data["questions"]["casualties"] = SCRIPT_PAYLOAD
    statement = next(s for s in data["statements"] if s["id"] == HOSTILE_STATEMENT)
    statement.update(words=f"{SCRIPT_PAYLOAD} dozens", verbatim=False, source_note=IMG_PAYLOAD)
    statement["figure"]["label"] = IMG_PAYLOAD
    data["later_reports"][0].update(what=SCRIPT_PAYLOAD, reported_by=IMG_PAYLOAD)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6), encoding="utf-8")
    assert load_case(CASE, root=root).questions["casualties"] == SCRIPT_PAYLOAD  # still a valid case
    return root


register(
    FixturePage("statements", PRACTICE_PAGE),
    FixturePage("statements-hostile", HOSTILE_PAGE, case=hostile_seeds),
    FixturePage("statements-preset", PRESET_PAGE),
)


@pytest.fixture(scope="module")
def site(fixture_site: Path) -> Path:
    """The session's fixture book, which has this module's pages (statements, statements-hostile, -preset)."""
    return fixture_site


@pytest.fixture(scope="module")
def case():
    return load_case(CASE)


def open_page(page: Page, url: str) -> Locator:
    page.goto(url, wait_until="networkidle")
    widget = page.locator(".ml-sc")
    expect(widget).to_have_count(1)
    return widget


def shown_date(day) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}" if day else "undated"


def representative(figure) -> float:
    if figure.low is not None and figure.high is not None:
        return (figure.low + figure.high) / 2
    return figure.low if figure.low is not None else figure.high


def expected_order(case, sort: str, actors: set[str] | None = None) -> list[str]:
    index = {a.id: i for i, a in enumerate(case.actors)}
    rows = [s for s in case.statements if s.figure and (actors is None or s.actor in actors)]
    keys = {
        "date": lambda s: (s.date.isoformat() if s.date else "9999", index[s.actor]),
        "figure-asc": lambda s: (representative(s.figure), index[s.actor]),
        "figure-desc": lambda s: (-representative(s.figure), index[s.actor]),
        "source": lambda s: index[s.actor],
    }
    return [s.id for s in sorted(rows, key=keys[sort])]


def chart_order(widget: Locator) -> list[str]:
    return widget.locator("svg.ml-sc-svg g.ml-sc-row").evaluate_all("gs => gs.map(g => g.dataset.statement)")


def table_order(widget: Locator) -> list[str]:
    return widget.locator("table.ml-sc-figures tbody tr").evaluate_all("rs => rs.map(r => r.dataset.statement)")


def test_matrix_shows_every_source_by_question_with_quotes_marked(site: Path, serve, page: Page, page_watch, case) -> None:
    with serve(site) as url:
        widget = open_page(page, url + "book/statements.html")
        matrix = widget.get_by_role("table", name="What each source said, by question")
        expect(matrix.locator("tbody tr")).to_have_count(len(case.actors))
        expect(matrix.get_by_role("columnheader")).to_have_count(1 + len(case.questions))
        for actor in case.actors:
            expect(matrix.locator(f'tr[data-actor="{actor.id}"] th')).to_contain_text(actor.name)
        for s in case.statements:
            block = matrix.locator(f'tr[data-actor="{s.actor}"] td[data-question="{s.question}"] '
                                   f'[data-statement="{s.id}"]')
            expect(block.locator(".ml-sc-words")).to_have_text(s.words)
            if s.verbatim:
                expect(block.locator(".ml-sc-badge")).to_have_text(f"Quote · paragraph {s.paragraph}")
                expect(block.locator("q")).to_have_count(1)
                # The article's own marks at the edge of a quotation must not be doubled by the <q> marks.
                assert block.locator("q").evaluate("q => getComputedStyle(q).quotes") == "none"
            else:
                expect(block.locator(".ml-sc-badge")).to_have_text("Summary (not the article's words)")
                expect(block).to_contain_text(s.source_note)
            expect(block.locator(".ml-sc-date")).to_have_text(
                f"Said: {shown_date(s.date)}" if s.date else "Undated: no date is given")
        said = {(s.actor, s.question) for s in case.statements}
        empty = len(case.actors) * len(case.questions) - len(said)
        expect(matrix.locator("td .ml-sc-empty")).to_have_count(empty)
    page_watch.assert_clean()


def test_chart_and_table_show_each_figure_as_given(site: Path, serve, page: Page, page_watch, case, screenshot) -> None:
    with serve(site) as url:
        widget = open_page(page, url + "book/statements.html")
        chart = widget.locator("svg.ml-sc-svg")
        expect(chart).to_have_attribute("role", "img")
        assert chart_order(widget) == expected_order(case, "date")
        widget.get_by_text("The same figures as a table").click()
        assert table_order(widget) == expected_order(case, "date")
        names = {a.id: a.name for a in case.actors}
        for s in (s for s in case.statements if s.figure):
            f = s.figure
            group = chart.locator(f'g[data-statement="{s.id}"]')
            text = group.locator("text").evaluate_all("ts => ts.map(t => t.textContent).join(' ')")
            assert f"“{f.label}”: {f.kind}" in text, text
            assert shown_date(s.date) in text and names[s.actor].split()[0] in text, text
            # Killed and wounded differ in shape, not only colour; open-ended figures end in an arrow.
            open_ended = f.low is None or f.high is None
            assert group.locator("line[marker-end]").count() == (1 if open_ended else 0)
            if f.low == f.high or open_ended:
                expect(group.locator("circle" if f.kind == "killed" else "path")).to_have_count(1)
            else:
                expect(group.locator("rect")).to_have_count(1)
            row = widget.locator(f'table.ml-sc-figures tr[data-statement="{s.id}"] td')
            expect(row.nth(0)).to_have_text(shown_date(s.date))
            expect(row.nth(1)).to_have_text(f.label)
            expect(row.nth(2)).to_have_text(f.kind)
            expect(row.nth(4)).to_have_text("not given" if f.low is None else f"{f.low:g}")
            expect(row.nth(5)).to_have_text("not given" if f.high is None else f"{f.high:g}")
        description = chart.locator("desc").text_content()
        assert all(s.figure.label in description for s in case.statements if s.figure)
        screenshot("chart")
    page_watch.assert_clean()


def test_sorting_and_filtering_by_keyboard(site: Path, serve, page: Page, page_watch, case, screenshot) -> None:
    with serve(site) as url:
        widget = open_page(page, url + "book/statements.html")
        select = widget.get_by_label("Sort the chart of casualty figures by")
        select.focus()
        page.keyboard.press("ArrowDown")  # figure, smallest first
        expect(select).to_have_value("figure-asc")
        assert chart_order(widget) == expected_order(case, "figure-asc")
        select.select_option("figure-desc")
        assert chart_order(widget) == expected_order(case, "figure-desc")
        assert table_order(widget) == expected_order(case, "figure-desc")

        author = next(a for a in case.actors if a.id == "author")
        box = widget.get_by_role("group", name="Sources to show").get_by_label(author.name)
        box.focus()
        page.keyboard.press("Space")
        expect(box).not_to_be_checked()
        expect(widget.locator('tr[data-actor="author"]')).to_be_hidden()
        others = {a.id for a in case.actors} - {"author"}
        assert chart_order(widget) == expected_order(case, "figure-desc", others)

        question = widget.get_by_role("group", name="Questions to show").get_by_label(case.questions["legality"])
        question.focus()
        page.keyboard.press("Space")
        expect(widget.locator('th[data-question="legality"]')).to_be_hidden()
        expect(widget.locator('td[data-question="legality"]:visible')).to_have_count(0)
        expect(widget.locator(".ml-sc-status")).to_contain_text(
            f"Showing {len(case.actors) - 1} of {len(case.actors)} sources and {len(case.questions) - 1} of "
            f"{len(case.questions)} questions; {len(expected_order(case, 'date', others))} casualty figures, "
            "sorted by figure")
        screenshot("filtered")
    page_watch.assert_clean()


def test_prompts_and_the_later_reports_reveal(site: Path, serve, page: Page, page_watch, case, screenshot) -> None:
    with serve(site) as url:
        widget = open_page(page, url + "book/statements.html")
        areas = widget.locator("textarea")
        expect(areas).to_have_count(3)
        first = widget.get_by_label("Which of these figures could someone check")
        first.click()
        page.keyboard.type("A confirmed count can be checked against named lists.")
        expect(first).to_have_value("A confirmed count can be checked against named lists.")

        button = widget.locator("button.ml-sc-reveal")
        expect(button).to_have_accessible_name("Reveal what later reports said")
        timeline = widget.locator(".ml-sc-later")
        expect(timeline).to_be_hidden()
        expect(button).to_have_attribute("aria-expanded", "false")
        button.focus()
        page.keyboard.press("Enter")
        expect(timeline).to_be_visible()
        expect(button).to_have_attribute("aria-expanded", "true")
        expect(button).to_have_text("Hide the later reports")
        items = timeline.locator("li")
        expect(items).to_have_count(len(case.later_reports))
        for item, report in zip(items.all(), sorted(case.later_reports, key=lambda r: r.date)):
            expect(item.locator("time")).to_have_attribute("datetime", report.date.isoformat())
            expect(item).to_contain_text(report.who)
            expect(item).to_contain_text(report.what)
            expect(item.locator(".ml-sc-by")).to_have_text(f"Reported by: {report.reported_by}")
        screenshot("revealed")
    page_watch.assert_clean()


def test_state_saved_from_python_shows_on_the_page(site: Path, serve, page: Page, page_watch) -> None:
    with serve(site) as url:
        widget = open_page(page, url + "book/statements-preset.html")
        expect(widget.locator('textarea[data-prompt="gains"]')).to_have_value(PRESET_NOTE)
        expect(widget.locator('textarea[data-prompt="checkable"]')).to_have_value("")
        expect(widget.locator(".ml-sc-later")).to_be_visible()
        expect(widget.locator("button.ml-sc-reveal")).to_have_attribute("aria-expanded", "true")
    page_watch.assert_clean()


def test_markup_in_the_data_shows_as_text(site: Path, serve, page: Page, page_watch, screenshot) -> None:
    with serve(site) as url:
        widget = open_page(page, url + "book/statements-hostile.html")
        expect(widget.locator('th[data-question="casualties"]')).to_have_text(SCRIPT_PAYLOAD)
        expect(widget.locator('tr[data-actor="author"] .ml-sc-actor')).to_have_text(IMG_PAYLOAD)
        block = widget.locator(f'[data-statement="{HOSTILE_STATEMENT}"]').first
        expect(block.locator(".ml-sc-words")).to_have_text(f"{SCRIPT_PAYLOAD} dozens")
        expect(block.locator(".ml-sc-badge")).to_have_text("Summary (not the article's words)")
        expect(block.locator(".ml-sc-note")).to_have_text(f"Source: {IMG_PAYLOAD}")
        svg_text = widget.locator(f'svg g[data-statement="{HOSTILE_STATEMENT}"] text').evaluate_all(
            "ts => ts.map(t => t.textContent).join(' ')")
        assert IMG_PAYLOAD.split()[0] in svg_text
        widget.get_by_role("button", name="Reveal what later reports said").click()
        expect(widget.locator(".ml-sc-later li").first).to_contain_text(SCRIPT_PAYLOAD)
        expect(widget.locator(".ml-sc-later li .ml-sc-by").first).to_have_text(f"Reported by: {IMG_PAYLOAD}")
        assert widget.locator("script, img, foreignObject").count() == 0
        assert page.evaluate("window.__pwned") is None
        screenshot("hostile")
    page_watch.assert_clean()


def test_readable_at_390_px_and_no_serious_accessibility_violations(
        site: Path, serve, page: Page, page_watch, screenshot) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    with serve(site) as url:
        widget = open_page(page, url + "book/statements.html")
        widget.get_by_role("button", name="Reveal what later reports said").click()
        overflow = widget.evaluate("el => el.scrollWidth - el.clientWidth")
        assert overflow <= 1, f"the widget is {overflow}px wider than its box at 390 px"
        # Stacked layout: each answer carries its question as a visible label.
        expect(widget.locator(".ml-sc-cell-question").first).to_be_visible()
        for chart in widget.locator("svg.ml-sc-svg").all():  # the casualty chart and the date axis
            assert box(chart)["width"] <= 390
        select = widget.get_by_label("Sort the chart of casualty figures by")
        select.focus()
        page.keyboard.press("Tab")
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
        screenshot("390px")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            """async () => {
                const r = await axe.run(document.querySelector('.ml-sc'), {resultTypes: ['violations']});
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                              nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
            }"""
        )
    serious = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not serious, f"axe-core found accessibility problems in the statement comparer: {serious}"
    page_watch.assert_clean()


# ---- issue 13: table and cards, the sort control by its chart, one question at full width, model answers --------
# ---- issue 12: every figure on a date axis, undated figures apart -------------------------------------------------

def box(locator: Locator) -> dict:
    found = locator.bounding_box()
    assert found is not None, "the element is not rendered"
    return found


def caption_geometry(widget: Locator) -> dict:
    """The matrix caption's width, its table's width and how many lines its text takes."""
    return widget.locator("table.ml-sc-matrix caption").evaluate("""c => {
        const range = document.createRange();
        range.selectNodeContents(c);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
        return {caption: c.getBoundingClientRect().width, table: c.closest('table').getBoundingClientRect().width,
                lines};
    }""")


def test_a_real_table_of_sources_by_questions_at_1280_px(site: Path, serve, page: Page, page_watch, case,
                                                          screenshot) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    with serve(site) as url:
        widget = open_page(page, url + "book/statements.html")
        matrix = widget.locator("table.ml-sc-matrix")
        assert matrix.evaluate("t => getComputedStyle(t).display") == "table"
        heads = matrix.locator("thead th[scope=col]")
        expect(heads).to_have_count(1 + len(case.questions))
        expect(heads.first).to_be_visible()
        expect(matrix.locator("tbody th[scope=row]")).to_have_count(len(case.actors))
        # A real grid: every answer sits under its question's header, every row header left of its answers.
        for i, qid in enumerate(case.questions, start=1):
            head = box(heads.nth(i))
            for cell in matrix.locator(f'td[data-question="{qid}"]').all():
                assert abs(box(cell)["x"] - head["x"]) <= 1 and abs(box(cell)["width"] - head["width"]) <= 1
        geometry = caption_geometry(widget)
        # Before issue 13 the caption was 79 px wide and took five lines; now it spans its table on one line.
        assert geometry["caption"] >= 0.95 * geometry["table"] and geometry["lines"] == 1, geometry
        assert box(matrix)["width"] >= 0.95 * widget.evaluate("w => w.clientWidth") - 16
        screenshot("table-1280")
    page_watch.assert_clean()


def test_cards_at_390_px_with_a_readable_caption_and_no_sideways_scroll(site: Path, serve, page: Page, page_watch,
                                                                        case, screenshot) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    with serve(site) as url:
        widget = open_page(page, url + "book/statements.html")
        matrix = widget.locator("table.ml-sc-matrix")
        assert matrix.evaluate("t => getComputedStyle(t).display") == "block"
        geometry = caption_geometry(widget)
        assert geometry["caption"] >= 0.95 * geometry["table"] and geometry["lines"] <= 2, geometry
        row = matrix.locator('tr[data-actor="pentagon"]')
        for cell in row.locator("td").all():
            expect(cell.locator(".ml-sc-cell-question")).to_be_visible()
            assert box(cell)["width"] <= box(row)["width"] + 1
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        assert widget.evaluate("el => el.scrollWidth - el.clientWidth") <= 1
        screenshot("cards-390")
    page_watch.assert_clean()


def test_the_sort_control_sits_beside_the_chart_it_sorts(site: Path, serve, page: Page, page_watch, case) -> None:
    with serve(site) as url:
        widget = open_page(page, url + "book/statements.html")
        select = widget.get_by_label("Sort the chart of casualty figures by")
        chart = widget.locator("div.ml-sc-chart").first
        # In the DOM: in the chart's section, its box immediately followed by the chart, which it names.
        sortbox = select.locator("xpath=..")
        assert sortbox.evaluate("b => b.nextElementSibling && b.nextElementSibling.classList.contains('ml-sc-chart')")
        assert chart.get_attribute("id") in (select.get_attribute("aria-controls") or "").split()
        expect(select).to_have_accessible_description("Orders the rows of the chart just below, and of its table.")
        # On screen: the chart starts right under the control (it was 4,264 px further down before issue 13).
        gap = box(chart)["y"] - (box(sortbox)["y"] + box(sortbox)["height"])
        assert 0 <= gap <= 40, f"the chart starts {gap:.0f}px below its sort control"
        select.select_option("figure-asc")
        assert chart_order(widget) == expected_order(case, "figure-asc")
    page_watch.assert_clean()


# 600 px: cards wide enough for two answers side by side, where a kept question must still take the whole card.
@pytest.mark.parametrize("width", [1280, 600, 390])
def test_one_question_kept_fills_the_full_width(site: Path, serve, page: Page, page_watch, case, width: int,
                                                screenshot) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    with serve(site) as url:
        widget = open_page(page, url + "book/statements.html")
        group = widget.get_by_role("group", name="Questions to show")
        for qid, text in case.questions.items():
            if qid != "who_attacked_first":
                group.get_by_label(text).uncheck()
        matrix = widget.locator("table.ml-sc-matrix")
        expect(matrix.locator("td:visible")).to_have_count(len(case.actors))
        for actor in case.actors:
            row = box(matrix.locator(f'tr[data-actor="{actor.id}"]'))
            cell = box(matrix.locator(f'tr[data-actor="{actor.id}"] td[data-question="who_attacked_first"]'))
            head = box(matrix.locator(f'tr[data-actor="{actor.id}"] th'))
            if width >= 900:  # the table: the source column and the one question's column share the row
                assert abs(head["width"] + cell["width"] - row["width"]) <= 2, (head, cell, row)
                assert cell["width"] >= 0.6 * row["width"]
            else:  # a card: the answer is as wide as its card
                assert cell["width"] >= row["width"] - 4, (cell, row)
        assert box(matrix)["width"] >= widget.evaluate("w => w.clientWidth") - 20
        screenshot(f"one-question-{width}")
    page_watch.assert_clean()


def test_model_answers_appear_only_after_an_answer_is_written(site: Path, serve, page: Page, page_watch, case,
                                                               screenshot) -> None:
    model = next(m for m in case.model_answers if m.prompt == "verify")
    with serve(site) as url:
        widget = open_page(page, url + "book/statements.html")
        prompt = widget.locator('.ml-sc-prompt[data-prompt="verify"]')
        toggle = prompt.get_by_role("button", name="Compare with a model answer")
        panel = prompt.locator(".ml-sc-model")
        expect(toggle).to_be_hidden()
        expect(panel).to_be_hidden()
        expect(prompt.locator(".ml-sc-model-wait")).to_be_visible()
        area = prompt.locator("textarea")
        area.click()
        page.keyboard.type("   ")
        expect(toggle).to_be_hidden()  # blank is not an answer
        page.keyboard.type("Strike logs")
        expect(toggle).to_be_hidden()  # nor are two words: a real attempt comes first
        expect(prompt.locator(".ml-sc-model-wait")).to_contain_text("at least 6 words; you have 2")
        page.keyboard.type(" and witnesses on both sides.")
        expect(toggle).to_be_visible()
        expect(prompt.locator(".ml-sc-model-wait")).to_be_hidden()
        expect(panel).to_be_hidden()
        toggle.focus()
        page.keyboard.press("Enter")
        expect(panel).to_be_visible()
        expect(prompt.get_by_role("button", name="Hide the model answer")).to_have_attribute("aria-expanded", "true")
        expect(panel.locator(".ml-sc-model-text")).to_have_text(model.answer)
        expect(panel.locator(".ml-sc-rubric li")).to_have_text(list(model.rubric))
        screenshot("model-answer")
        # Kept answers (the page's _keep) bring the offer back after a reload; an emptied box takes it away.
        page.keyboard.press("Enter")
        expect(panel).to_be_hidden()
        expect(toggle).to_have_attribute("aria-expanded", "false")
        area.fill("")  # an emptied box takes the offer away again
        expect(toggle).to_be_hidden()
        expect(prompt.locator(".ml-sc-model-wait")).to_be_visible()
        # The other prompts are still unanswered, so their models stay folded away.
        for other in ("checkable", "gains"):
            expect(widget.locator(f'.ml-sc-prompt[data-prompt="{other}"] .ml-sc-model-toggle')).to_be_hidden()
    page_watch.assert_clean()


def test_every_figure_on_a_date_axis_and_undated_ones_apart(site: Path, serve, page: Page, page_watch, case,
                                                            screenshot) -> None:
    with serve(site) as url:
        widget = open_page(page, url + "book/statements.html")
        expect(widget.locator("svg.ml-sc-dates-svg")).to_have_count(0)  # drawn only once revealed
        widget.get_by_role("button", name="Reveal what later reports said").click()
        chart = widget.locator("svg.ml-sc-dates-svg")
        expect(chart).to_have_attribute("role", "img")
        rows = chart.locator("g.ml-sc-date-row")
        drawn = rows.evaluate_all("gs => gs.map(g => ({id: g.dataset.id, date: g.dataset.date,"
                                  " top: g.getBoundingClientRect().top, text: g.textContent}))")
        dated = [d for d in drawn if d["date"] != "undated"]
        undated = [d for d in drawn if d["date"] == "undated"]
        # Which figures: every dated one, the article's and the later reports'; the undated ones apart.
        want_dated = sorted([(s.id, s.date.isoformat()) for s in case.statements if s.figure and s.date]
                            + [(f"later-{i}", r.date.isoformat()) for i, r in enumerate(case.later_reports, start=1)
                               if r.figure])
        assert sorted((d["id"], d["date"]) for d in dated) == want_dated
        assert sorted(d["id"] for d in undated) == sorted(s.id for s in case.statements if s.figure and not s.date)
        assert undated, "the case has undated figures; they must be shown"
        # Positions follow the dates: top to bottom in date order; every undated figure below every dated one.
        tops = [d["top"] for d in dated]
        assert tops == sorted(tops) and len(set(tops)) == len(tops)
        assert [d["date"] for d in dated] == sorted(d["date"] for d in dated)
        assert min(d["top"] for d in undated) > max(tops)
        for d in undated:
            assert d["text"].startswith("undated"), d["text"]
            assert not any(m in d["text"] for m in MONTHS), f"an undated figure was given a date: {d['text']}"
        # One date label per date, each on the axis above its figures.
        bands = chart.locator("g.ml-sc-date-band").evaluate_all(
            "gs => gs.map(g => ({date: g.dataset.date, top: g.getBoundingClientRect().top, text: g.textContent}))")
        assert [b["date"] for b in bands] == sorted({d for _, d in want_dated}) + ["undated"]
        for band in bands[:-1]:
            assert band["text"].startswith(shown_date(__import__("datetime").date.fromisoformat(band["date"])))
        # Floors and ceilings stay open-ended; the text alternative names every figure, undated ones as undated.
        for s in (s for s in case.statements if s.figure):
            open_ended = s.figure.low is None or s.figure.high is None
            assert chart.locator(f'g[data-id="{s.id}"] line[marker-end]').count() == (1 if open_ended else 0)
        description = chart.locator("desc").text_content()
        assert "Undated, kept off the date axis" in description
        screenshot("date-axis")
    page_watch.assert_clean()


def test_a_kept_answer_brings_back_its_model_answer_after_a_reload(site_url: str, page: Page, page_watch) -> None:
    # The course site itself (the fixture books carry no _static/work.js, which keeps the `_keep` traits).
    page.goto(site_url + "book/statements.html", wait_until="networkidle")
    prompt = page.locator('.ml-sc-prompt[data-prompt="gains"]')
    prompt.locator("textarea").fill("Each might want its version believed.")
    expect(prompt.get_by_role("button", name="Compare with a model answer")).to_be_visible()
    page.reload(wait_until="networkidle")
    prompt = page.locator('.ml-sc-prompt[data-prompt="gains"]')
    expect(prompt.locator("textarea")).to_have_value("Each might want its version believed.")
    expect(prompt.get_by_role("button", name="Compare with a model answer")).to_be_visible()
    expect(page.locator('.ml-sc-prompt[data-prompt="verify"] .ml-sc-model-toggle')).to_be_hidden()
    page_watch.assert_clean()
