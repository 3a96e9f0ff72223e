"""The detector lab and the discernment check keep the student's work too (their `_keep` traits).

DetectorLab (book/machine.html): the marks, the machine's threshold and the student's sentence survive a
reload, served and from disk, and are listed on My work. DiscernmentCheck (book/check.html): the answers,
the confidences and the handed-in form, with its results, survive a reload through the runtime's entry
alone (the widget's own per-form keys removed first), are listed on My work, and "Start over" clears
both stores, so nothing comes back. Each test has its own browser context, so localStorage starts empty.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from medialit import CASE
from medialit.assessment.check import load_check

from support.saved_work import new_context, open_page

pytestmark = pytest.mark.browser

SPIN = "The brave defenders repelled a reckless assault."


def lab_word(lab: Locator, paragraph_index: int, text: str) -> Locator:
    found = lab.locator(".ml-dl-text").nth(paragraph_index).locator(".ml-dl-tok", has_text=re.compile(f"^{text}$"))
    expect(found).to_have_count(1)
    return found


def work_in_the_lab(page: Page) -> None:
    lab = page.locator(".ml-dl")
    lab_word(lab, 2, "proudly").click()
    slider = lab.get_by_label("Machine's threshold")
    slider.focus()
    for _ in range(2):
        page.keyboard.press("ArrowLeft")  # 0.50 -> 0.40
    expect(lab.locator(".ml-dl-threshold-value")).to_have_text("0.40")
    lab.get_by_label("Write the spin").fill(SPIN)


def assert_lab_work_is_back(page: Page) -> None:
    lab = page.locator(".ml-dl")
    expect(lab_word(lab, 2, "proudly")).to_have_class(re.compile(r"\bis-mine\b"))
    expect(lab.locator(".ml-dl-tok.is-mine")).to_have_count(1)
    expect(lab.locator(".ml-dl-threshold-value")).to_have_text("0.40")
    expect(lab.get_by_label("Machine's threshold")).to_have_value("0.4")
    expect(lab.get_by_label("Write the spin")).to_have_value(SPIN)


@pytest.mark.parametrize("from_disk", [False, True], ids=["served", "from-disk"])
def test_detector_lab_work_survives_a_reload(browser: Browser, site_url: str, built_site: Path, from_disk: bool) -> None:
    base: Callable[[str], str] = (lambda p: (built_site / p).as_uri()) if from_disk else (lambda p: site_url + p)
    context, errors = new_context(browser, from_disk=from_disk)
    try:
        page = open_page(context, errors, base("book/machine.html"))
        work_in_the_lab(page)
        page.close()
        page = open_page(context, errors, base("book/machine.html"))
        assert_lab_work_is_back(page)
        page.close()
        page = open_page(context, errors, base("book/my-work.html"))
        work = page.locator("#ml-my-work")
        expect(work).to_contain_text("Detector lab, paragraphs")
        expect(work).to_contain_text("Marked “proudly” (paragraph 3)")
        expect(work).to_contain_text("Machine's threshold: 0.40.")
        expect(work).to_contain_text(SPIN)
        page.close()
    finally:
        context.close()
    assert not errors, errors


def check_item(widget: Locator, item_id: str) -> Locator:
    return widget.locator(f'.ml-ck-item[data-item="{item_id}"]')


def test_discernment_check_answers_and_results_survive_a_reload_and_start_over_clears_them(
        browser: Browser, site_url: str) -> None:
    check = load_check(CASE)
    first_option = lambda item: check.questions[item.skill].options[0].value  # noqa: E731
    last_option = lambda item: check.questions[item.skill].options[-1].value  # noqa: E731
    before = check.forms["before"]
    after_items = check.forms["after"]
    context, errors = new_context(browser, from_disk=False)
    try:
        page = open_page(context, errors, site_url + "book/check.html")
        widget = page.locator(".ml-ck")
        for item in before:
            box = check_item(widget, item.id)
            box.locator(f"label[for$='-a-{first_option(item)}']").click()
            box.locator("label[for$='-c-70']").click()
        widget.get_by_role("button", name="Finish and see my results").click()
        expect(widget.locator(".ml-ck-results svg[role='img']")).to_have_count(3)
        results_text = widget.locator(".ml-ck-table").inner_text()
        # One answer on the "after" form, not handed in.
        widget.get_by_role("radio", name="After the course").check()
        first_after = check_item(widget, after_items[0].id)
        first_after.locator(f"label[for$='-a-{last_option(after_items[0])}']").click()
        first_after.locator("label[for$='-c-90']").click()
        # The widget's own per-form keys go: what comes back below comes from the runtime's `_keep` entry.
        removed = page.evaluate("""() => { const keys = Object.keys(localStorage).filter((k) => k.startsWith('medialit-check:'));
            keys.forEach((k) => localStorage.removeItem(k)); return keys.length; }""")
        assert removed == 2, removed
        page.close()

        page = open_page(context, errors, site_url + "book/check.html")
        widget = page.locator(".ml-ck")
        expect(widget.locator("label[for$='-form-before'] .ml-ck-status")).to_have_text("(finished)")
        expect(widget.locator("label[for$='-form-after'] .ml-ck-status")).to_have_text(
            f"(1 of {len(after_items)} answered)")
        widget.get_by_role("radio", name="Before the course").check()
        for item in before:
            box = check_item(widget, item.id)
            expect(box.locator(f"input[value='{first_option(item)}']")).to_be_checked()
            expect(box.locator("input[value='0.7']")).to_be_checked()
        expect(widget.locator(".ml-ck-results svg[role='img']")).to_have_count(3)
        assert widget.locator(".ml-ck-table").inner_text() == results_text
        widget.get_by_role("radio", name="After the course").check()
        expect(check_item(widget, after_items[0].id).locator("input[value='0.9']")).to_be_checked()
        # A change now writes both stores again: the runtime's entry and the widget's own key.
        check_item(widget, after_items[0].id).locator("label[for$='-c-80']").click()
        assert page.evaluate("() => Object.keys(localStorage).filter((k) => k.startsWith('medialit-check:')).length") == 1
        page.close()

        page = open_page(context, errors, site_url + "book/my-work.html")
        work = page.locator("#ml-my-work")
        expect(work).to_contain_text("Discernment check")
        expect(work).to_contain_text(f"Before the course: {len(before)} of {len(before)} answered, finished")
        expect(work).to_contain_text(f"After the course: 1 of {len(after_items)} answered.")
        expect(page.locator(".ml-work-chapter")).to_have_count(1)
        page.get_by_role("button", name="Start over…").click()
        page.get_by_role("button", name="Yes, delete all my work").click()
        expect(work).to_contain_text("Nothing saved yet")
        assert page.evaluate("() => Object.keys(localStorage).filter((k) => k.startsWith('medialit-'))") == []
        page.close()

        page = open_page(context, errors, site_url + "book/check.html")
        widget = page.locator(".ml-ck")
        expect(widget.locator("label[for$='-form-before'] .ml-ck-status")).to_have_text("")
        expect(widget.locator(".ml-ck-item input:checked")).to_have_count(0)
        page.close()
    finally:
        context.close()
    assert not errors, errors
