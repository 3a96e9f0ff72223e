"""Every widget on the real chapter pages of the built site renders and answers a click and a key press.

Which widgets a page should show is read from the chapter's source (each widget constructor called in a
``{code-cell}``), so a widget that the build dropped, or that rendered as "Loading widget..." or as its
Python text repr, fails here. The pages have no kernel: everything below runs in the saved widget state.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "book"
# The widget class, and the class of the element its render() puts on the page.
WIDGET_ROOTS = {"Highlighter": ".ml-hl", "ClaimSorter": ".ml-cs", "StatementComparer": ".ml-sc", "DetectorLab": ".ml-dl"}
CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.S | re.M)
CONSTRUCTOR = re.compile(r"\b(" + "|".join(WIDGET_ROOTS) + r")\(")
# What a page shows when its widgets do not render: a placeholder, an error, or the widget's Python repr.
NOT_RENDERED = re.compile(r"Loading widget|could not start|\b(?:" + "|".join(WIDGET_ROOTS) + r")\(|<medialit\.|Error displaying widget")

pytestmark = pytest.mark.browser


def widgets_in_source(chapter: Path) -> Counter[str]:
    """How many of each widget the chapter's executed code cells construct."""
    return Counter(name for cell in CODE_CELL.findall(chapter.read_text(encoding="utf-8"))
                   for name in CONSTRUCTOR.findall(cell))


WIDGET_CHAPTERS = {f"book/{path.stem}.html": widgets_in_source(path)
                   for path in sorted(BOOK.glob("*.md")) if widgets_in_source(path)}


def test_the_skill_chapters_have_their_widgets() -> None:
    # The course promises one interactive exercise per skill chapter; without them this file tests nothing.
    kinds = {name for counts in WIDGET_CHAPTERS.values() for name in counts}
    assert kinds == set(WIDGET_ROOTS), f"widgets found in book/*.md code cells: {WIDGET_CHAPTERS}"


def exercise_highlighter(page: Page, widget: Locator) -> None:
    marked = widget.locator(".ml-hl-tok.ml-marked")
    expect(marked).to_have_count(0)
    # Select: the words a drag would select (Selection API), then the Mark button.
    first = widget.locator(".ml-hl-text").first
    first.evaluate("""(p) => { const range = document.createRange(); const words = p.querySelectorAll('.ml-hl-tok');
        range.setStart(words[0].firstChild, 0); range.setEnd(words[1].firstChild, words[1].textContent.length);
        getSelection().removeAllRanges(); getSelection().addRange(range); }""")
    widget.get_by_role("button", name="Mark selected words").click()
    expect(widget.locator(".ml-hl-marklist .ml-hl-quote")).to_have_count(1)
    # Keys: type a word of the text into the box and press Enter.
    words = widget.locator(".ml-hl-tok").all_inner_texts()
    unique = next(w for w in words[3:] if len(w) > 3 and words.count(w) == 1)
    box = widget.get_by_role("textbox", name="Type the words to mark:")
    box.fill(unique)
    box.press("Enter")
    expect(widget.locator(".ml-hl-marklist .ml-hl-quote")).to_have_count(2)
    expect(widget.locator(".ml-hl-status")).to_contain_text("2 phrases marked")


def exercise_claim_sorter(page: Page, widget: Locator) -> None:
    card = widget.locator(".ml-cs-card").first
    expect(card.get_by_role("radio", checked=True)).to_have_count(0)
    # Click: a source label checks its radio.
    card.get_by_label("Named source").click()
    expect(card.get_by_label("Named source")).to_be_checked()
    # Keys: Space on the first fact-or-interpretation radio checks it.
    kind = card.locator("input[type=radio][name$='-kind']").first
    kind.focus()
    page.keyboard.press("Space")
    expect(kind).to_be_checked()
    expect(card.get_by_role("radio", checked=True)).to_have_count(2)


def exercise_statement_comparer(page: Page, widget: Locator) -> None:
    rows = widget.locator("svg.ml-sc-svg g.ml-sc-row")
    order = lambda: rows.evaluate_all("gs => gs.map(g => g.dataset.statement)")  # noqa: E731
    before = order()
    assert len(before) >= 2, f"the casualty chart shows {len(before)} figures"
    status = widget.locator(".ml-sc-status")
    # Click: unticking the first source hides its row in the matrix and its figures in the chart.
    sources = widget.get_by_role("group", name="Sources to show").get_by_role("checkbox")
    first = sources.first
    actor = first.get_attribute("value")
    assert actor, "a source checkbox carries no actor id"
    expect(first).to_be_checked()
    first.click()
    expect(first).not_to_be_checked()
    expect(widget.locator(f'tr[data-actor="{actor}"]')).to_be_hidden()
    expect(status).to_contain_text(f"Showing {sources.count() - 1} of {sources.count()} sources")
    first.click()
    expect(first).to_be_checked()
    expect(widget.locator(f'tr[data-actor="{actor}"]')).to_be_visible()
    # Keys: ArrowDown in the sort menu picks the next order; the status says so and no figure is lost.
    select = widget.get_by_label("Sort the chart of casualty figures by")
    start, said = select.input_value(), status.inner_text()
    select.focus()
    page.keyboard.press("ArrowDown")
    expect(select).not_to_have_value(start)
    expect(status).not_to_have_text(said)
    assert sorted(order()) == sorted(before), "the chart lost or gained figures when re-sorted"


def exercise_detector_lab(page: Page, widget: Locator) -> None:
    # The detailed checks (scores equal to span_prf's) are in test_detector_lab_browser.py; here: it answers.
    first = widget.locator(".ml-dl-tok").first
    first.click()
    expect(first).to_have_attribute("aria-pressed", "true")
    expect(widget.locator(".ml-dl-status")).to_contain_text("Marked")
    value = widget.locator(".ml-dl-threshold-value")
    before = value.inner_text()
    widget.locator(".ml-dl-slider").focus()
    page.keyboard.press("ArrowRight")
    expect(value).not_to_have_text(before)


EXERCISE = {
    "Highlighter": exercise_highlighter,
    "ClaimSorter": exercise_claim_sorter,
    "StatementComparer": exercise_statement_comparer,
    "DetectorLab": exercise_detector_lab,
}


@pytest.mark.parametrize("chapter", sorted(WIDGET_CHAPTERS))
def test_widgets_render_and_respond(
    chapter: str, built_site: Path, page: Page, page_watch, site_url: str, wait_for_widgets, screenshot
) -> None:
    assert (built_site / chapter).is_file(), f"{chapter} is missing from the build"
    page.goto(site_url + chapter, wait_until="load")
    views = wait_for_widgets(page)
    expected = WIDGET_CHAPTERS[chapter]
    assert views == sum(expected.values()), f"{chapter}: {views} saved widget views, but the source constructs {dict(expected)}"

    outputs = " ".join(page.locator(".cell_output").all_inner_texts())
    shown_wrong = sorted(set(NOT_RENDERED.findall(outputs)))
    assert not shown_wrong, f"{chapter}: a widget did not render, the page shows {shown_wrong}"
    for name, count in expected.items():
        roots = page.locator(WIDGET_ROOTS[name])
        expect(roots).to_have_count(count)
        for index in range(count):
            widget = roots.nth(index)
            widget.scroll_into_view_if_needed()
            expect(widget).to_be_visible()
            EXERCISE[name](page, widget)
    screenshot(Path(chapter).stem)
    page_watch.assert_clean()
