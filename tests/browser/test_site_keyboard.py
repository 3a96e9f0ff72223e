"""Keyboard-only walkthroughs of each widget on its real chapter page of the built site.

Each test opens the chapter, reaches the widget with Tab from the top of the page (the number of presses is
limited and printed), completes the task with keys alone, and reads the feedback the widget gives. No click,
no ``.focus()``, no ``.check()`` is used after the page has loaded: only ``page.keyboard``. The expected
feedback comes from the Python side (medialit.scoring through the widgets' ``score()``), never from the page.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from medialit import CASE, load_case
from medialit.scoring import span_prf
from medialit.widgets import ClaimSorter, Highlighter

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# Generous for a chapter's navigation, prose links and code-cell buttons; a page that needs more is a trap.
TAB_LIMIT = 150
ATTRIBUTION_ORDER = ["named", "anonymous", "unsourced"]  # the order of the radios in the claim sorter
KIND_ORDER = ["fact", "interpretation"]


@pytest.fixture(scope="module")
def case():
    return load_case(CASE)


def focused(page: Page) -> Locator:
    return page.locator(":focus")


def tab_until(page: Page, predicate: str, limit: int, what: str, *, backwards: bool = False) -> int:
    """Press Tab until ``predicate`` (JS, given the focused element) holds; return how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate(f"Boolean(({predicate})(document.activeElement))"):
            return presses
    raise AssertionError(f"{limit} Tab presses did not reach {what}; focus ended on "
                         f"{page.evaluate('document.activeElement.outerHTML.slice(0, 200)')}")


def open_from_top(page: Page, url: str, wait_for_widgets) -> None:
    page.goto(url, wait_until="load")
    wait_for_widgets(page)
    # Sequential focus navigation starts at the top of the document, as after loading the page.
    assert page.evaluate("document.activeElement === document.body"), "something took the focus on load"


def assert_focus_visible(page: Page) -> None:
    style = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return [s.outlineStyle, parseFloat(s.outlineWidth), s.boxShadow]; }""")
    assert (style[0] != "none" and style[1] >= 1) or style[2] != "none", f"no visible focus indicator: {style}"
    assert page.evaluate("""() => { const r = document.activeElement.getBoundingClientRect();
        return r.bottom > 0 && r.top < innerHeight && r.width > 0; }"""), "the focused element is off screen"


def audit_feedback(page: Page, selector: str) -> None:
    """axe-core on the widget as the walkthrough left it (feedback shown), which the page-load audit never sees."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async (selector) => (await axe.run(document.querySelector(selector), {resultTypes: ['violations']}))
             .violations.map((v) => `${v.id} [${v.impact}] ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)""",
        selector,
    )
    print("\n".join(violations) or f"{selector}: no axe violations after the walkthrough")
    serious = [v for v in violations if "[serious]" in v or "[critical]" in v]
    assert not serious, f"{selector} after the walkthrough:\n" + "\n".join(serious)


# -----------------------------------------------------------------------------------------------
# Loaded language: mark a key phrase in the first Highlighter and check it.

def test_highlighter_by_keyboard(page: Page, page_watch, site_url: str, built_site: Path, wait_for_widgets,
                                 case, screenshot) -> None:
    paragraphs = [1, 2]  # the first Highlighter of book/loaded-language.md
    open_from_top(page, site_url + "book/loaded-language.html", wait_for_widgets)
    widget = page.locator(".ml-hl").first
    expect(widget.locator(".ml-hl-number")).to_have_text([f"Paragraph {n}" for n in paragraphs])
    presses = tab_until(page, "el => el.matches('.ml-hl-find') && el.closest('.ml-hl') === document.querySelector('.ml-hl')",
                        TAB_LIMIT, "the first Highlighter's box for typing words")
    print(f"loaded-language: {presses} Tab presses from the top of the page to the Highlighter's box")
    assert_focus_visible(page)
    # The text itself holds no tab stops: it is read as prose, and marked by typing its words.
    assert widget.locator(".ml-hl-text [tabindex]").count() == 0

    # The first key phrase of the passage, typed and marked with Enter.
    phrase = min((p for p in case.loaded_language if p.paragraph in paragraphs), key=lambda p: p.start)
    page.keyboard.type(phrase.text)
    page.keyboard.press("Enter")
    expect(widget.locator(".ml-hl-status")).to_contain_text("1 phrase marked")
    expect(widget.locator(".ml-hl-marklist .ml-hl-quote")).to_have_text([f"“{phrase.text}”"])

    tab_until(page, "el => el.textContent.trim() === 'Check'", 10, "the Check button")
    page.keyboard.press("Enter")

    key = Highlighter(case, paragraphs=paragraphs).key_spans
    expected = span_prf([(phrase.start, phrase.end)], key, text_length=len(case.text))
    assert expected.precision == 1.0, "the phrase marked is in the key, so precision must be 1"
    status = widget.locator(".ml-hl-status")
    expect(status).to_contain_text(f"Checked: you found 1 of {len(key)} phrases (F1 {expected.f1:.2f})")
    item = widget.locator(f'.ml-hl-keyitem[data-key-id="{phrase.id}"]')
    expect(item.locator(".ml-hl-badge")).to_have_text("✓ Found")
    expect(item.locator(".ml-hl-reason")).to_have_text(f"Why: {phrase.reason}")
    # The arithmetic opens from the keyboard, behind "How this is scored".
    tab_until(page, "el => el.matches('summary') && el.textContent === 'How this is scored'", 40, "How this is scored")
    page.keyboard.press("Enter")
    assert widget.locator(".ml-hl-explain p").all_inner_texts() == expected.summary().split("\n")
    screenshot("highlighter-keyboard")
    audit_feedback(page, ".ml-hl")
    page_watch.assert_clean()


# -----------------------------------------------------------------------------------------------
# Sourcing: answer two claim cards of the first ClaimSorter and check.

def answer_card(page: Page, card: Locator, claim: dict) -> None:
    """From anywhere before the card, Tab into it and answer all three questions with keys: the reporting verb
    in the quotation first (its words come first in the card), then the source and the kind."""
    claim_id = claim["id"]
    in_words = f"el => el.classList.contains('ml-cs-token') && el.closest('[data-claim=\"{claim_id}\"]')"
    if not page.evaluate(f"Boolean(({in_words})(document.activeElement))"):  # the sorter's first stop is a card's words
        tab_until(page, in_words, 20, f"the words of {claim_id}")
    if claim["reporting_verb"] is None:
        page.keyboard.press("Tab")
        expect(focused(page)).to_have_text("No reporting verb")
        page.keyboard.press("Enter")
        expect(card.locator(".ml-cs-chosen")).to_have_text("Reporting verb: none (the claim has no attributing word).")
    else:
        words = [re.sub(r"^\W+|\W+$", "", w) for w in card.locator(".ml-cs-token").all_inner_texts()]
        verb = claim["reporting_verb"].split()
        start = next(i for i in range(len(words)) if words[i:i + len(verb)] == verb)
        for _ in range(start):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        for _ in verb[1:]:
            page.keyboard.press("ArrowRight")
            page.keyboard.press("Enter")
        expect(card.locator(".ml-cs-chosen")).to_have_text(f"Reporting verb: “{claim['reporting_verb']}”.")
        page.keyboard.press("Tab")
        expect(focused(page)).to_have_text("No reporting verb")
    page.keyboard.press("Tab")
    expect(focused(page)).to_have_attribute("name", re.compile(r"-attribution$"))
    page.keyboard.press("Space")  # checks the first option
    for _ in range(ATTRIBUTION_ORDER.index(claim["attribution"])):
        page.keyboard.press("ArrowDown")  # moves to the next option and checks it
    page.keyboard.press("Tab")
    expect(focused(page)).to_have_attribute("name", re.compile(r"-kind$"))
    page.keyboard.press("Space")
    for _ in range(KIND_ORDER.index(claim["kind"])):
        page.keyboard.press("ArrowDown")
    expect(card.get_by_role("radio", checked=True)).to_have_count(2)


def test_claim_sorter_by_keyboard(page: Page, page_watch, site_url: str, built_site: Path, wait_for_widgets,
                                  case, screenshot) -> None:
    sorter = ClaimSorter(case, paragraphs=[1, 2, 3])  # the first ClaimSorter of book/sourcing.md
    open_from_top(page, site_url + "book/sourcing.html", wait_for_widgets)
    widget = page.locator(".ml-cs").first
    expect(widget.locator(".ml-cs-card")).to_have_count(len(sorter.claims))
    presses = tab_until(page, "el => el.closest('.ml-cs') === document.querySelector('.ml-cs')",
                        TAB_LIMIT, "the first claim sorter")
    print(f"sourcing: {presses} Tab presses from the top of the page to the claim sorter")
    assert_focus_visible(page)

    # One card without a reporting verb and one with, both answered as the key has them.
    chosen = [next(c for c in sorter.claims if c["reporting_verb"] is None),
              next(c for c in sorter.claims if c["reporting_verb"] is not None)]
    assert chosen[0]["id"] != chosen[1]["id"]
    for claim in sorted(chosen, key=lambda c: [x["id"] for x in sorter.claims].index(c["id"])):
        answer_card(page, widget.locator(f'.ml-cs-card[data-claim="{claim["id"]}"]'), claim)

    tab_until(page, "el => el.textContent.trim() === 'Check my answers'", 40, "the Check my answers button")
    page.keyboard.press("Enter")

    sorter.answers = {c["id"]: {"attribution": c["attribution"], "kind": c["kind"],
                                "reporting_verb": c["reporting_verb"] or "none"} for c in chosen}
    result = sorter.score()
    right = {f: sum(1 for i in result.items if i.field == f and i.correct) for f in ("attribution", "kind", "reporting_verb")}
    assert right == {"attribution": 2, "kind": 2, "reporting_verb": 2}, right
    n = len(sorter.claims)
    expect(widget.locator(".ml-cs-summary")).to_contain_text(
        f"{right['attribution']} of {n} attributions right, {right['kind']} of {n} fact-or-interpretation labels "
        f"right, {right['reporting_verb']} of {n} reporting verbs right ({result.correct} of {result.total} in all).")
    for claim in chosen:
        card = widget.locator(f'.ml-cs-card[data-claim="{claim["id"]}"]')
        expect(card).to_have_attribute("data-result", "correct")
        expect(card.locator(".ml-cs-verdict")).to_contain_text("Correct")
        expect(card.locator(".ml-cs-reason")).to_contain_text(claim["reason"])
    unanswered = next(c for c in sorter.claims if c not in chosen)
    expect(widget.locator(f'.ml-cs-card[data-claim="{unanswered["id"]}"] .ml-cs-verdict')).to_contain_text("Not yet")
    screenshot("claim-sorter-keyboard")
    audit_feedback(page, ".ml-cs")
    page_watch.assert_clean()


# -----------------------------------------------------------------------------------------------
# Statements: filter the sources, sort the chart, write an answer, reveal the later reports.

def test_statement_comparer_by_keyboard(page: Page, page_watch, site_url: str, built_site: Path, wait_for_widgets,
                                        case, screenshot) -> None:
    open_from_top(page, site_url + "book/statements.html", wait_for_widgets)
    widget = page.locator(".ml-sc").first
    presses = tab_until(page, "el => el.closest('.ml-sc') !== null", TAB_LIMIT, "the statement comparer")
    print(f"statements: {presses} Tab presses from the top of the page to the statement comparer")
    assert_focus_visible(page)

    # Untick the article's own column of sources: its author is a source like any other.
    author = next(a for a in case.actors if a.id == "author")
    tab_until(page, "el => el.type === 'checkbox' && el.value === 'author'", 30, "the article's source checkbox")
    expect(focused(page)).to_have_accessible_name(author.name)
    page.keyboard.press("Space")
    expect(widget.locator('tr[data-actor="author"]')).to_be_hidden()

    tab_until(page, "el => el.tagName === 'SELECT'", 30, "the sort menu")
    page.keyboard.press("ArrowDown")
    expect(focused(page)).to_have_value("figure-asc")
    status = widget.locator(".ml-sc-status")
    n = len(case.actors)
    expect(status).to_contain_text(f"Showing {n - 1} of {n} sources")
    expect(status).to_contain_text("sorted by figure")
    figures = [s for s in case.statements if s.figure and s.actor != "author"]
    expect(widget.locator("svg.ml-sc-svg g.ml-sc-row")).to_have_count(len(figures))

    tab_until(page, "el => el.tagName === 'TEXTAREA'", 30, "the first prompt")
    answer = "The confirmed count names who confirmed it."
    page.keyboard.type(answer)
    expect(focused(page)).to_have_value(answer)

    tab_until(page, "el => el.matches('button.ml-sc-reveal')", 30, "the reveal button")
    expect(focused(page)).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(focused(page)).to_have_attribute("aria-expanded", "true")
    expect(focused(page)).to_have_text("Hide the later reports")
    timeline = widget.locator(".ml-sc-later")
    expect(timeline).to_be_visible()
    items = timeline.locator("li")
    expect(items).to_have_count(len(case.later_reports))
    for item, report in zip(items.all(), sorted(case.later_reports, key=lambda r: r.date)):
        expect(item).to_contain_text(report.who)
        expect(item.locator(".ml-sc-by")).to_have_text(f"Reported by: {report.reported_by}")
    screenshot("statement-comparer-keyboard")
    audit_feedback(page, ".ml-sc")
    page_watch.assert_clean()
