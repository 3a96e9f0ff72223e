"""The student's work is kept in the browser: marks, answers, notes and "checked" survive a reload, served and
from disk; the My work page lists them chapter by chapter, downloads them and starts over only when confirmed.

Each test opens its own browser context, so its localStorage starts empty; a reload (a new page in the same
context) sees what the earlier page stored, as a student coming back would.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, expect

from support.saved_work import new_context, open_page
from support.site import save_screenshot

pytestmark = pytest.mark.browser

NOTE = "It sounds like an attack; I know little about the outlet."
REWRITE = "The Pentagon says a column of 500 pro-government fighters tried to take territory held by the SDF."
COMPARER_NOTE = "The Pentagon's figure could be checked against hospital records."



def word(widget: Locator, text: str, paragraph: int) -> Locator:
    found = widget.locator(f'.ml-hl-text[data-paragraph="{paragraph}"] .ml-hl-tok').filter(
        has_text=re.compile(f"^{re.escape(text)}$"))
    expect(found).to_have_count(1)
    return found


def mark_words(widget: Locator, words: str) -> None:
    """Mark a phrase by typing its words into the Highlighter's box (it occurs once in the widget's text)."""
    box = widget.get_by_role("textbox", name="Type the words to mark:")
    box.fill(words)
    box.press("Enter")
    expect(widget.locator(".ml-hl-marklist .ml-hl-quote").filter(has_text=words)).to_have_count(1)


def do_some_work(context: BrowserContext, errors: list[str], base: Callable[[str], str]) -> None:
    """Mark and check in the first Highlighter, answer a claim, write a comparer note and the Stop notes."""
    page = open_page(context, errors, base("book/loaded-language.html"))
    highlighter = page.locator(".ml-hl").first
    mark_words(highlighter, "unprovoked massacre")
    highlighter.get_by_role("button", name="Check").click()
    expect(highlighter.locator(".ml-hl-sentence")).to_be_visible()
    page.close()

    page = open_page(context, errors, base("book/sourcing.html"))
    card = page.locator(".ml-cs-card").first
    card.locator("input[value='named']").check()
    page.locator(".ml-cs").first.get_by_role("button", name="Check my answers").click()
    expect(card.locator(".ml-cs-feedback")).to_be_visible()
    page.close()

    page = open_page(context, errors, base("book/statements.html"))
    page.locator("textarea.ml-sc-answer").first.fill(COMPARER_NOTE)
    page.get_by_role("button", name="Reveal what later reports said").click()
    page.close()

    page = open_page(context, errors, base("book/article.html"))
    page.get_by_label(re.compile("Your notes before reading")).fill(NOTE)
    page.close()


def assert_work_is_back(context: BrowserContext, errors: list[str], base: Callable[[str], str]) -> None:
    page = open_page(context, errors, base("book/loaded-language.html"))
    highlighter = page.locator(".ml-hl").first
    expect(word(highlighter, "massacre", 1)).to_have_class(re.compile("ml-marked"))
    expect(highlighter.locator(".ml-hl-marklist .ml-hl-quote")).to_have_text(["“unprovoked massacre”"])
    expect(highlighter.locator(".ml-hl-sentence")).to_be_visible()  # still checked
    # The other Highlighters on the page are untouched.
    expect(page.locator(".ml-hl").nth(1).locator(".ml-hl-tok.ml-marked")).to_have_count(0)
    page.close()

    page = open_page(context, errors, base("book/sourcing.html"))
    card = page.locator(".ml-cs-card").first
    expect(card.locator("input[value='named']")).to_be_checked()
    expect(card.locator(".ml-cs-feedback")).to_be_visible()  # still checked
    expect(page.locator(".ml-cs-summary").first).to_contain_text("attributions right")
    page.close()

    page = open_page(context, errors, base("book/statements.html"))
    expect(page.locator("textarea.ml-sc-answer").first).to_have_value(COMPARER_NOTE)
    expect(page.get_by_role("button", name="Hide the later reports")).to_have_attribute("aria-expanded", "true")
    page.close()

    page = open_page(context, errors, base("book/article.html"))
    expect(page.get_by_label(re.compile("Your notes before reading"))).to_have_value(NOTE)
    page.close()


def test_work_survives_a_reload_served(browser: Browser, site_url: str) -> None:
    context, errors = new_context(browser, from_disk=False)
    try:
        do_some_work(context, errors, lambda path: site_url + path)
        assert_work_is_back(context, errors, lambda path: site_url + path)
    finally:
        context.close()
    assert not errors, errors


def test_work_survives_a_reload_from_disk(browser: Browser, built_site: Path) -> None:
    context, errors = new_context(browser, from_disk=True)
    try:
        do_some_work(context, errors, lambda path: (built_site / path).as_uri())
        assert_work_is_back(context, errors, lambda path: (built_site / path).as_uri())
        # My work, opened from disk too, finds the same entries and lists them under the right chapters.
        page = open_page(context, errors, (built_site / "book/my-work.html").as_uri())
        hrefs = page.locator(".ml-work-chapter h2 a").evaluate_all("links => links.map((a) => a.href)")
        assert [h.rsplit("/", 1)[-1] for h in hrefs] == [
            "article.html", "loaded-language.html", "sourcing.html", "statements.html"], hrefs
        assert all(h.startswith((built_site / "book").as_uri()) for h in hrefs), hrefs
        expect(page.locator("#ml-my-work")).to_contain_text(NOTE)
        page.close()
    finally:
        context.close()
    assert not errors, errors


def test_a_new_edition_does_not_restore_marks_into_changed_text(browser: Browser, site_url: str) -> None:
    """Entries are keyed by a hash of the widget's data: an entry made for other data is not restored."""
    context, errors = new_context(browser, from_disk=False)
    try:
        page = open_page(context, errors, site_url + "book/loaded-language.html")
        mark_words(page.locator(".ml-hl").first, "unprovoked")
        # Re-key the stored entry as an older edition with different data would have keyed it.
        moved = page.evaluate("""() => {
            const keys = Object.keys(localStorage).filter((k) => k.includes(':widget:'));
            if (keys.length !== 1) return keys;
            const record = JSON.parse(localStorage.getItem(keys[0]));
            localStorage.removeItem(keys[0]);
            record.widgetHash = 'oldedition';
            localStorage.setItem(keys[0].replace(/:widget:[^:]+$/, ':widget:oldedition'), JSON.stringify(record));
            return 'moved';
        }""")
        assert moved == "moved", f"expected one widget entry, found {moved}"
        page.close()
        page = open_page(context, errors, site_url + "book/loaded-language.html")
        expect(page.locator(".ml-hl").first.locator(".ml-hl-tok.ml-marked")).to_have_count(0)
    finally:
        context.close()
    assert not errors, errors


def test_my_work_lists_downloads_and_starts_over(browser: Browser, site_url: str) -> None:
    context, errors = new_context(browser, from_disk=False)
    base = lambda path: site_url + path  # noqa: E731
    try:
        do_some_work(context, errors, base)
        page = open_page(context, errors, base("book/loaded-language.html"))
        page.get_by_label("Your neutral rewrite of the first sentence of paragraph 8.").fill(REWRITE)
        page.close()
        page = open_page(context, errors, base("book/my-work.html"))
        work = page.locator("#ml-my-work")
        # Chapter by chapter, in the book's order.
        expect(work.locator(".ml-work-chapter h2")).to_have_count(4)
        hrefs = work.locator(".ml-work-chapter h2 a").evaluate_all("links => links.map((a) => a.getAttribute('href'))")
        pages = [href.rsplit("/", 1)[-1] for href in hrefs]
        assert pages == ["article.html", "loaded-language.html", "sourcing.html", "statements.html"], pages
        expect(work).to_contain_text(NOTE)
        expect(work).to_contain_text("“unprovoked massacre”")
        expect(work).to_contain_text("named source")
        expect(work).to_contain_text(COMPARER_NOTE)
        # Within a chapter, in the page's own order: the Highlighter comes before the rewrite box.
        chapter = work.locator(".ml-work-chapter").nth(1)
        expect(chapter.locator(".ml-work-item h3")).to_have_text(
            ["Loaded language, paragraphs 1, 2", "Your neutral rewrite of the first sentence of paragraph 8."])
        assert all(t.strip() for t in work.locator(".ml-work-chapter h2").all_inner_texts()), "a chapter has no title"
        save_screenshot(page, "my-work-1280")
        page.set_viewport_size({"width": 390, "height": 844})
        save_screenshot(page, "my-work-390")
        sizes = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert sizes[0] <= sizes[1] + 1, f"My work scrolls sideways at 390 px: {sizes}"
        page.set_viewport_size({"width": 1280, "height": 900})

        with page.expect_download() as info:
            page.get_by_role("button", name="Download as Markdown").click()
        markdown = Path(info.value.path()).read_text(encoding="utf-8")
        assert markdown.startswith("# My work")
        for text in (NOTE, "“unprovoked massacre”", COMPARER_NOTE, "named source"):
            assert text in markdown, f"{text!r} missing from the Markdown download"
        with page.expect_download() as info:
            page.get_by_role("button", name="Download as JSON").click()
        data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
        notes = [item["text"] for chapter in data["chapters"] for item in chapter["items"] if item["kind"] == "note"]
        assert notes == [NOTE, REWRITE]

        # Start over asks first; Cancel deletes nothing.
        page.get_by_role("button", name="Start over…").click()
        expect(page.locator(".ml-work-confirm")).to_contain_text("Delete all 5 saved items")
        page.get_by_role("button", name="Cancel").click()
        expect(work).to_contain_text(NOTE)
        page.get_by_role("button", name="Start over…").click()
        page.get_by_role("button", name="Yes, delete all my work").click()
        expect(page.locator(".ml-work-status")).to_contain_text("Deleted 5 saved items")
        expect(work.locator(".ml-work-chapter")).to_have_count(0)
        expect(work).to_contain_text("Nothing saved yet")
        page.close()

        page = open_page(context, errors, base("book/article.html"))
        expect(page.get_by_label(re.compile("Your notes before reading"))).to_have_value("")
        page.close()
        page = open_page(context, errors, base("book/loaded-language.html"))
        expect(page.locator(".ml-hl").first.locator(".ml-hl-tok.ml-marked")).to_have_count(0)
        page.close()
    finally:
        context.close()
    assert not errors, errors


def test_my_work_by_keyboard_and_axe_with_work_listed(browser: Browser, site_url: str) -> None:
    axe = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
    context, errors = new_context(browser, from_disk=False)
    try:
        page = open_page(context, errors, site_url + "book/article.html")
        page.get_by_label(re.compile("Your notes before reading")).fill(NOTE)
        page.close()
        page = open_page(context, errors, site_url + "book/my-work.html")
        start_over = page.get_by_role("button", name="Start over…")
        start_over.focus()
        page.keyboard.press("Enter")
        # The question gets focus on its safe answer; the destructive one is a Shift+Tab away.
        expect(page.locator(":focus")).to_have_text("Cancel")
        page.add_script_tag(path=str(axe))
        result = page.evaluate("""async () => await axe.run(document.querySelector('main') || document,
            {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
        violations = [f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]
        assert not violations, violations
        page.keyboard.press("Shift+Tab")
        expect(page.locator(":focus")).to_have_text("Yes, delete all my work")
        page.keyboard.press("Enter")
        expect(page.locator(".ml-work-status")).to_contain_text("Deleted 1 saved item.")
        expect(page.locator(":focus")).to_have_text("Start over…")
        assert page.evaluate("() => Object.keys(localStorage).filter((k) => k.startsWith('medialit-work:'))") == []
    finally:
        context.close()
    assert not errors, errors
