"""The practice sets on the built site (no kernel): the ladder's steps, kept across a reload, by mouse and keyboard,
at 390 px (issue 13, "Practice that teaches back").

Wrong answer -> a hint aimed at that mistake -> a bigger hint -> the answer with its reason; the bigger hint and the
answer stay closed until a first Check; everything shown survives a reload (localStorage, through the runtime's
`_keep` traits).
"""
from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from support.site import save_screenshot, wait_for_widgets

pytestmark = pytest.mark.browser


def open_practice(page: Page, site_url: str) -> None:
    page.goto(site_url + "book/practice.html")
    wait_for_widgets(page)


def item(page: Page, item_id: str) -> Locator:
    found = page.locator(f".ml-ps-item[data-item='{item_id}']")
    expect(found).to_have_count(1)
    return found


def phrase(card: Locator, text: str) -> Locator:
    return card.locator(f".ml-ps-phrase[data-phrase='{text}']")


def test_the_ladder_on_a_mark_item_and_its_state_after_a_reload(page: Page, site_url: str, page_watch) -> None:
    open_practice(page, site_url)
    expect(page.locator(".ml-ps")).to_have_count(3)
    card = item(page, "ll-19-mark")
    more = card.get_by_role("button", name="Bigger hint")
    show = card.get_by_role("button", name="Show the answer")
    # Before any attempt: no bigger hint, no answer, and the card says why.
    expect(more).to_be_disabled()
    expect(show).to_be_disabled()
    expect(card.locator(".ml-ps-locked")).to_be_visible()
    expect(card.locator(".ml-ps-answer")).to_have_count(0)

    # A wrong answer that marks an actor's name gets the hint aimed at that mistake, in words and an icon.
    phrase(card, "proxy ground force").click()
    phrase(card, "the US military").click()
    expect(phrase(card, "the US military")).to_have_attribute("aria-pressed", "true")
    card.get_by_role("button", name="Check").click()
    feedback = card.locator(".ml-ps-feedback")
    expect(feedback.locator(".ml-ps-verdict")).to_contain_text("✗ Not yet")
    expect(feedback.locator(".ml-ps-hint")).to_contain_text("names who acts")
    expect(card).to_have_attribute("data-result", "not-yet")

    # Unmark the name: now the hint speaks to the phrase still missing.
    phrase(card, "the US military").click()
    expect(feedback).to_contain_text("You changed your answer")
    card.get_by_role("button", name="Check").click()
    expect(feedback.locator(".ml-ps-hint")).to_contain_text("sentence's second word")

    # The next rungs: a bigger hint, then the answer with its reason.
    expect(more).to_be_enabled()
    more.click()
    expect(feedback.locator(".ml-ps-bigger")).to_contain_text("how US troops came to be in the country")
    show.click()
    expect(feedback.locator(".ml-ps-answer")).to_contain_text("Mark “invading” and “proxy ground force”")

    # A reload (a student coming back) finds the marks, the verdict, the hint and the answer as they were.
    page.reload()
    wait_for_widgets(page)
    card = item(page, "ll-19-mark")
    feedback = card.locator(".ml-ps-feedback")
    expect(phrase(card, "proxy ground force")).to_have_attribute("aria-pressed", "true")
    expect(phrase(card, "the US military")).to_have_attribute("aria-pressed", "false")
    expect(feedback.locator(".ml-ps-hint")).to_contain_text("sentence's second word")
    expect(feedback.locator(".ml-ps-bigger")).to_be_visible()
    expect(feedback.locator(".ml-ps-answer")).to_be_visible()
    expect(card.get_by_role("button", name="Show the answer")).to_be_disabled()

    # Right at last: the reason is given.
    phrase(card, "invading").click()
    card.get_by_role("button", name="Check").click()
    expect(feedback.locator(".ml-ps-verdict")).to_contain_text("✓ Right.")
    expect(feedback.locator(".ml-ps-why")).to_contain_text("settles a legal question")
    page_watch.assert_clean()


def test_a_choice_item_by_keyboard_gets_the_hint_for_its_mistake(page: Page, site_url: str, page_watch) -> None:
    open_practice(page, site_url)
    card = item(page, "src-12-plant")
    # Keyboard only: focus the first option, choose it with Space, then Tab to Check and press Enter.
    card.locator("input[type=radio]").first.focus()
    page.keyboard.press("Space")
    expect(card.get_by_label("Named source")).to_be_checked()
    card.get_by_role("button", name="Check").focus()
    page.keyboard.press("Enter")
    hint = card.locator(".ml-ps-hint")
    expect(hint).to_contain_text("subject of the claim, not as the one telling us")
    # Arrow keys move within the radio group (one answer), as in any radio group.
    card.get_by_label("Named source").focus()
    page.keyboard.press("ArrowDown")
    expect(card.get_by_label("Anonymous source")).to_be_checked()
    card.get_by_role("button", name="Check").click()
    expect(hint).to_contain_text("Is anyone, named or not, said to have told the writer")
    card.get_by_label("No source given").check()
    card.get_by_role("button", name="Check").click()
    expect(card.locator(".ml-ps-verdict")).to_contain_text("✓ Right.")
    # The feedback is announced: a status region.
    expect(card.locator(".ml-ps-feedback")).to_have_attribute("role", "status")
    page_watch.assert_clean()


def test_a_mark_item_is_usable_by_keyboard(page: Page, site_url: str) -> None:
    open_practice(page, site_url)
    card = item(page, "ll-invented-mark")
    expect(card.locator(".ml-ps-notice")).to_contain_text("Invented example")
    phrase(card, "arrogant planners").focus()
    page.keyboard.press("Enter")
    expect(phrase(card, "arrogant planners")).to_have_attribute("aria-pressed", "true")
    phrase(card, "a disgrace").focus()
    page.keyboard.press("Space")
    phrase(card, "axed").focus()
    page.keyboard.press("Enter")
    expect(card.locator(".ml-ps-marked")).to_have_text("You have marked: “a disgrace”, “arrogant planners”, “axed”.")
    card.get_by_role("button", name="Check").focus()
    page.keyboard.press("Space")
    expect(card.locator(".ml-ps-verdict")).to_contain_text("✓ Right.")
    # The dramatic verb is decided once in the register (decisions.yaml), and the feedback says it is the same call.
    expect(card.locator(".ml-ps-why")).to_contain_text("slashed")


def test_a_checked_empty_answer_is_an_answer_for_a_mark_item(page: Page, site_url: str) -> None:
    """Paragraph 12 has nothing loaded among its phrases: checking with nothing marked is the right answer."""
    open_practice(page, site_url)
    card = item(page, "ll-12-mark")
    card.get_by_role("button", name="Check").click()
    expect(card.locator(".ml-ps-verdict")).to_contain_text("✓ Right.")


def test_no_sideways_scroll_at_390px(page: Page, site_url: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    open_practice(page, site_url)
    card = item(page, "cmp-15-questions")
    card.get_by_label("She states that the US account is false").check()
    card.get_by_role("button", name="Check").click()
    card.get_by_role("button", name="Show the answer").click()
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the practice page scrolls sideways by {overflow}px at 390px"
    wide = page.evaluate("""() => [...document.querySelectorAll('.ml-ps *')]
        .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map((e) => e.className || e.tagName)""")
    assert not wide, f"elements wider than the screen: {wide[:5]}"
    save_screenshot(page, "practice-390")


def test_my_work_lists_the_practice(page: Page, site_url: str) -> None:
    open_practice(page, site_url)
    card = item(page, "cmp-invented-minimum")
    card.get_by_label("No, they cannot both be true").check()
    card.get_by_role("button", name="Check").click()
    card.get_by_role("button", name="Bigger hint").click()
    page.goto(site_url + "book/my-work.html")
    page.wait_for_load_state("load")
    work = page.locator("#ml-my-work")
    expect(work).to_contain_text("Practice set: Comparing statements")
    expect(work).to_contain_text("Item 2 (invented example): “No, they cannot both be true”; not yet right, 1 check; bigger hint seen.")
