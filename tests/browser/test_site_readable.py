"""The chapters read well for people who do not program, and on a 390 px phone.

Code is folded (or left out) while what it produces, widgets included, shows; at 390 px no page scrolls
sideways, the worked-example key tables stack, code output wraps and the trace diagram is vertical.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from support.axe import AXE, FAILING_IMPACTS, RUN_AXE, format_violations

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CODE_CELL = re.compile(r"^```\{code-cell\}", re.M)
CHAPTERS_WITH_CODE = sorted(f"book/{p.stem}.html" for p in (ROOT / "book").glob("*.md")
                            if CODE_CELL.search(p.read_text(encoding="utf-8")))
WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'


def test_there_are_chapters_with_code() -> None:
    assert len(CHAPTERS_WITH_CODE) >= 6, CHAPTERS_WITH_CODE


@pytest.mark.parametrize("chapter", CHAPTERS_WITH_CODE)
def test_code_is_folded_and_what_it_produces_shows(page: Page, site_url: str, wait_for_widgets, page_watch,
                                                   chapter: str) -> None:
    page.goto(site_url + chapter)
    widgets = wait_for_widgets(page)
    inputs = page.locator(".cell .cell_input")
    shown = [i for i in range(inputs.count()) if inputs.nth(i).is_visible()]
    assert not shown, f"{chapter}: {len(shown)} code cells show their code unfolded"
    # Every widget is on screen (its rendered element, not its code), and so is every cell's output.
    for index in range(widgets):
        area = page.locator(WIDGET_VIEW).nth(index).locator("xpath=preceding-sibling::*[1]")
        expect(area).to_be_visible()
    if inputs.count():
        # A folded cell opens: its code is one click away.
        toggle = page.locator("details.hide.above-input > summary").first
        expect(toggle).to_contain_text("Show code cell source")
        toggle.click()
        expect(page.locator("details.hide.above-input").first.locator(".cell_input")).to_be_visible()
    page_watch.assert_clean()


# --- 390 px ------------------------------------------------------------------------------------------------------

PHONE = {"width": 390, "height": 844}
# The worked examples' key tables, which cut their columns at 390 px before they stacked: (page, caption or
# first header cell).
KEY_TABLES = [("book/loaded-language.html", "The practice key for paragraph 3"),
              ("book/statements.html", "Casualty figures in the article"),
              ("book/sourcing.html", "in an invented sentence")]

# Visible elements of the chapter text that reach past the viewport's edges, except those clipped by a box that
# scrolls or clips them (a code block's lines, the visually hidden header row of a stacked table), and except the
# widgets, whose own tests check them at 390 px.
_PAST_THE_EDGE = """() => {
  const width = document.documentElement.clientWidth;
  const clippedBy = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.overflowX !== "visible" || style.clipPath !== "none") return up;
    }
    return null;
  };
  const found = [];
  for (const el of document.querySelectorAll(".bd-article *")) {
    if (el.closest(".widget-subarea") || !el.checkVisibility({visibilityProperty: true})) continue;
    const box = el.getBoundingClientRect();
    if (!box.width || (box.right <= width + 1 && box.left >= -1)) continue;
    const clip = clippedBy(el);
    if (clip && (clip.tagName === "PRE" || clip.tagName === "THEAD")) continue;
    found.push(`${el.tagName.toLowerCase()}.${String(el.className).slice(0, 40)} reaches ${Math.round(box.right)} px`);
  }
  return found;
}"""


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size(PHONE)
    return page


def test_no_page_scrolls_sideways_or_cuts_text_at_390_px(phone: Page, site_url: str, site_pages, built_site: Path,
                                                          page_watch) -> None:
    problems = []
    pages = site_pages(built_site)
    assert len(pages) >= 12, pages
    for name in pages:
        phone.goto(site_url + name)
        phone.wait_for_load_state("networkidle")
        scroll = phone.evaluate("document.documentElement.scrollWidth")
        if scroll > PHONE["width"]:
            problems.append(f"{name}: the page is {scroll} px wide")
        problems += [f"{name}: {what}" for what in phone.evaluate(_PAST_THE_EDGE)[:5]]
        wide_output = phone.evaluate("""() => [...document.querySelectorAll('.cell_output pre')]
            .filter((pre) => pre.checkVisibility() && pre.scrollWidth > pre.clientWidth + 1).length""")
        if wide_output:
            problems.append(f"{name}: {wide_output} code outputs do not wrap")
    assert not problems, "at 390 px:\n" + "\n".join(problems)
    page_watch.assert_clean()


@pytest.mark.parametrize(("chapter", "title"), KEY_TABLES)
def test_key_tables_stack_at_390_px_with_each_cell_labelled(phone: Page, site_url: str, chapter: str,
                                                            title: str) -> None:
    phone.goto(site_url + chapter)
    phone.wait_for_load_state("networkidle")
    table = phone.locator(".bd-article table").filter(has_text=title).first
    expect(table).to_have_class(re.compile(r"\bml-stacked\b"))
    cells = table.locator("tbody td, tbody th")
    assert cells.count() >= 6
    for index in range(cells.count()):
        cell = cells.nth(index)
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], \
            f"{chapter}: cell {index} ({cell.inner_text()[:40]!r}) is cut at 390 px: {box}"
        # Stacked: each cell takes the row's full width, and says which column it belongs to.
        label = cell.get_attribute("data-label")
        assert label, f"{chapter}: cell {index} has no column label"
        shown = cell.evaluate("(el) => getComputedStyle(el, '::before').content")
        assert label in shown, f"{chapter}: the label {label!r} is not shown before the cell ({shown})"
    first_row = table.locator("tbody tr").first.locator("td, th")
    tops = [first_row.nth(i).bounding_box()["y"] for i in range(first_row.count())]
    assert tops == sorted(tops) and len(set(tops)) == len(tops), f"{chapter}: the row's cells are not stacked"


@pytest.mark.parametrize("chapter", sorted({chapter for chapter, _ in KEY_TABLES}))
def test_stacked_tables_pass_axe_at_390_px(phone: Page, site_url: str, wait_for_widgets, chapter: str) -> None:
    """The same audit as test_site_accessibility.py, on the phone layout (its tables stacked)."""
    assert AXE.is_file(), f"{AXE} is missing: run `npm ci` (scripts/test does)."
    phone.goto(site_url + chapter)
    wait_for_widgets(phone)
    assert phone.locator("table.ml-stacked").count() >= 1
    phone.add_script_tag(path=str(AXE))
    result = phone.evaluate(RUN_AXE)
    failing = [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]
    assert not failing, "\n".join(format_violations(chapter, failing))


@pytest.mark.parametrize(("chapter", "title"), KEY_TABLES)
def test_key_tables_stay_tables_on_a_wide_screen(page: Page, site_url: str, chapter: str, title: str) -> None:
    page.goto(site_url + chapter)
    page.wait_for_load_state("networkidle")
    table = page.locator(".bd-article table").filter(has_text=title).first
    expect(table).not_to_have_class(re.compile(r"\bml-stacked\b"))
    row = table.locator("tbody tr").first.locator("td, th")
    assert len({round(row.nth(i).bounding_box()["y"]) for i in range(row.count())}) == 1


def test_a_table_that_fits_stays_a_table_at_390_px(phone: Page, site_url: str) -> None:
    phone.goto(site_url + "book/machine.html")
    phone.wait_for_load_state("networkidle")
    table = phone.locator(".bd-article table").filter(has_text="six thresholds").first
    expect(table).to_be_visible()
    expect(table).not_to_have_class(re.compile(r"\bml-stacked\b"))


TRACE = 'img[src$="trace-100-figure.svg"]'


def test_the_trace_diagram_is_vertical_at_390_px_and_a_row_on_a_wide_screen(page: Page, site_url: str) -> None:
    page.goto(site_url + "book/sourcing.html")
    wide = page.locator(TRACE).bounding_box()
    assert wide is not None and wide["width"] > 2 * wide["height"], wide
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(100)
    narrow = page.locator(TRACE).bounding_box()
    assert narrow is not None and narrow["height"] > 1.8 * narrow["width"], narrow
    assert narrow["x"] >= 0 and narrow["x"] + narrow["width"] <= PHONE["width"]


@pytest.mark.parametrize(("width", "height", "shown", "hidden", "smallest"), [
    (342, 712, "narrow", "wide", 11.0),  # a 390 px phone: the words as large as the page's small print
    (672, 270, "wide", "narrow", 9.5),   # the desktop page's box: the row as it always was
])
def test_the_trace_svg_draws_the_layout_that_fits_its_box(page: Page, site_url: str, width: int, height: int,
                                                          shown: str, hidden: str, smallest: float) -> None:
    """The SVG decides by its own box, as it does inside the page's image (the sizes measured there)."""
    page.set_viewport_size({"width": width, "height": height})
    page.goto(site_url + "_images/trace-100-figure.svg")
    expect(page.locator(f"svg.{shown}")).to_be_visible()
    expect(page.locator(f"svg.{hidden}")).to_be_hidden()
    # Every word of the drawing lies inside the box, drawn at least `smallest` px high.
    boxes = page.locator(f"svg.{shown} text").evaluate_all(
        "(texts) => texts.map((t) => { const b = t.getBoundingClientRect();"
        " return [b.left, b.right, b.top, b.bottom, parseFloat(getComputedStyle(t).fontSize) * b.height / t.getBBox().height]; })")
    assert len(boxes) >= 15
    for left, right, top, bottom, size in boxes:
        assert left >= 0 and right <= width and top >= 0 and bottom <= height, (left, right, top, bottom)
        assert size >= smallest, f"text drawn at {size:.1f} px"
