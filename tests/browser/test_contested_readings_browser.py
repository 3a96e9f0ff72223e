"""A contested call taught as contested, in the browser: the Highlighter on the course's loaded-language chapter,
after "so-called" is marked and checked, shows every other defensible technique with its case."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from medialit import CASE, load_case

from support.site import wait_for_widgets

pytestmark = pytest.mark.browser


def test_the_feedback_names_each_other_defensible_reading(page: Page, page_watch, site_url: str) -> None:
    phrase = next(p for p in load_case(CASE).loaded_language if p.also_accepted)
    page.goto(site_url + "book/loaded-language.html")
    wait_for_widgets(page)
    widget = page.locator(".ml-hl").filter(has=page.locator(".ml-hl-number", has_text=f"Paragraph {phrase.paragraph}"))
    widget = widget.first
    expect(widget).to_be_visible()
    # Mark the phrase by typing it, one of the Highlighter's ways to mark (the words are unique in the paragraph).
    box = widget.get_by_role("textbox", name="Type the words to mark:")
    box.fill(phrase.text)
    box.press("Enter")
    widget.get_by_role("button", name="Check").click()
    item = widget.locator(f'.ml-hl-keyitem[data-key-id="{phrase.id}"]')
    expect(item).to_have_count(1)
    item.locator("summary").click()
    facts = item.locator(".ml-hl-facts")
    assert phrase.also_accepted, "the case has no contested phrase any more: the test would check nothing"
    expect(facts.locator("dt", has_text="Also defensible")).to_have_count(len(phrase.also_accepted))
    for reading in phrase.also_accepted:
        expect(facts).to_contain_text(reading.reason.split(". ")[0])
    page_watch.assert_clean()
