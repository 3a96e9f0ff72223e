"""The detector lab chapter on the built site, in Chromium with no kernel: the threshold slider by keyboard, the
three-way comparison, the rewrite box, no request leaving the site. Expected values come from Python
(medialit.detector and medialit.scoring.span_prf), never from the page."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from medialit import CASE, load_case
from medialit.detector import detect_paragraphs, score_paragraphs, sentence_score
from medialit.scoring import span_prf

from support.site import save_screenshot, wait_for_widgets

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def case():
    return load_case(CASE)


def open_lab(page: Page, site_url: str):
    page.goto(site_url + "book/machine.html")
    wait_for_widgets(page)
    lab = page.locator(".ml-dl")
    expect(lab).to_have_count(1)
    return lab


def row(lab, pair: str) -> list[str]:
    return lab.locator(f'tr[data-pair="{pair}"] td').all_inner_texts()


def check_one_word(lab, word: str = "proudly") -> None:
    """Mark one word of paragraph 3 and press Check my marks: the real attempt that opens the key's rows."""
    lab.locator(".ml-dl-text").nth(2).locator(".ml-dl-tok", has_text=re.compile(f"^{word}$")).click()
    lab.get_by_role("button", name="Check my marks").click()


def test_the_key_and_scores_against_it_wait_for_a_real_attempt(page: Page, site_url: str, page_watch, case):
    lab = open_lab(page, site_url)
    # Before any mark: no score against the key, and the key does not open.
    assert row(lab, "machine-key") == ["—"] * 3 and row(lab, "you-key") == ["—"] * 3
    expect(lab.locator(".ml-dl-locked")).to_be_visible()
    key_button = lab.get_by_role("button", name="Show the key")
    expect(key_button).to_have_attribute("aria-disabled", "true")
    key_button.click(force=True)
    expect(lab.locator(".ml-dl-status")).to_contain_text("the key opens after your first attempt")
    expect(lab.locator(".ml-dl-tok.is-key")).to_have_count(0)
    expect(lab.locator(".ml-dl-key-item")).to_have_count(0)
    # Check with nothing marked is not an attempt.
    lab.get_by_role("button", name="Check my marks").click()
    expect(lab.locator(".ml-dl-status")).to_contain_text("Mark at least one word first")
    assert row(lab, "you-key") == ["—"] * 3
    # One mark, then Check: the rows open; the score against the key stays as checked while marks change.
    check_one_word(lab)
    expect(lab.locator(".ml-dl-locked")).to_be_hidden()
    p3 = case.paragraph(3)
    at = p3.start + p3.text.index("proudly")
    you = span_prf([(at, at + len("proudly"))], [p.span for p in case.loaded_language])
    assert row(lab, "you-key") == [f"{you.precision:.2f}", f"{you.recall:.2f}", f"{you.f1:.2f}"]
    lab.locator(".ml-dl-text").nth(2).locator(".ml-dl-tok", has_text=re.compile("^claimed$")).first.click()
    assert row(lab, "you-key") == [f"{you.precision:.2f}", f"{you.recall:.2f}", f"{you.f1:.2f}"]
    expect(lab.locator('tr[data-pair="you-key"] th')).to_have_text("you against the key (your marks as checked)")
    page_watch.assert_clean()


def test_threshold_slider_by_keyboard_moves_the_machine(page: Page, site_url: str, page_watch, case):
    lab = open_lab(page, site_url)
    check_one_word(lab)
    at_default = score_paragraphs(case)
    assert row(lab, "machine-key") == [f"{at_default.precision:.2f}", f"{at_default.recall:.2f}", f"{at_default.f1:.2f}"]
    slider = lab.get_by_label("Machine's threshold")
    slider.focus()
    for _ in range(4):
        page.keyboard.press("ArrowLeft")  # 0.50 -> 0.30 in steps of 0.05
    expect(lab.locator(".ml-dl-threshold-value")).to_have_text("0.30")
    lower = score_paragraphs(case, threshold=0.3)
    assert row(lab, "machine-key") == [f"{lower.precision:.2f}", f"{lower.recall:.2f}", f"{lower.f1:.2f}"]
    underlined = lab.locator(".ml-dl-tok.is-machine").count()
    expected_words = sum(len(re.findall(r"\S+", m.text)) for m in detect_paragraphs(case, case.practice_paragraphs("loaded_language"), 0.3))
    assert underlined >= len(detect_paragraphs(case, case.practice_paragraphs("loaded_language"), 0.3))
    assert underlined <= expected_words + 5
    page_watch.assert_clean()


def test_three_way_comparison(page: Page, site_url: str, page_watch, case):
    lab = open_lab(page, site_url)
    paragraph = lab.locator(".ml-dl-text").nth(2)  # paragraph 3
    word = paragraph.locator(".ml-dl-tok", has_text=re.compile(r"^proudly$"))
    word.focus()
    page.keyboard.press("Space")
    for _ in range(3):  # claimed to have
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Space")
    p3 = case.paragraph(3)
    start = p3.start + p3.text.index("proudly claimed to have")
    mine = [(start, start + len("proudly claimed to have"))]
    key = [p.span for p in case.loaded_language]
    machine = [m.span for m in detect_paragraphs(case, case.practice_paragraphs("loaded_language"))]
    you = span_prf(mine, key)
    versus = span_prf(machine, mine)
    assert row(lab, "you-key") == ["—"] * 3  # no live score against the key before Check
    lab.get_by_role("button", name="Check my marks").click()
    assert row(lab, "you-key") == [f"{you.precision:.2f}", f"{you.recall:.2f}", f"{you.f1:.2f}"]
    assert row(lab, "machine-you") == [f"{versus.precision:.2f}", f"{versus.recall:.2f}", f"{versus.f1:.2f}"]
    expect(lab.locator(".ml-dl-tok.is-mine")).to_have_count(4)
    # The key is hidden until asked for, then boxed and listed with its speaker.
    expect(lab.locator(".ml-dl-tok.is-key")).to_have_count(0)
    lab.get_by_role("button", name="Show the key").click()
    assert lab.locator(".ml-dl-tok.is-key").count() > 0
    expect(lab.locator(".ml-dl-key-item").first).to_contain_text("said by")
    # Every machine mark explains itself with the entries that fired.
    expect(lab.locator(".ml-dl-machine-item", has_text="killed")).to_contain_text("VADER valence -3.5")
    page_watch.assert_clean()


def test_rewrite_box_moves_the_score(page: Page, site_url: str, page_watch):
    lab = open_lab(page, site_url)
    box = lab.get_by_label("Write the spin")
    score = lab.locator(".ml-dl-spin-score")
    expect(score).to_contain_text(f"{sentence_score(box.input_value()):.2f}")
    loaded = "US warplanes carried out a brutal, horrific massacre of helpless troops."
    box.fill(loaded)
    expect(score).to_contain_text(f"Machine's score for your sentence: {sentence_score(loaded):.2f}")
    assert sentence_score(loaded) > 1
    spin = "US warplanes carried out a so-called “defensive” strike, the Pentagon claimed."
    box.fill(spin)
    expect(score).to_contain_text(f"Machine's score for your sentence: {sentence_score(spin):.2f}")
    page_watch.assert_clean()


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots(page: Page, site_url: str, page_watch, width: int):
    page.set_viewport_size({"width": width, "height": 900})
    lab = open_lab(page, site_url)
    lab.scroll_into_view_if_needed()
    save_screenshot(page, f"detector-lab-{width}")
    # Nothing in the widget is wider than the page.
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"
    page_watch.assert_clean()
