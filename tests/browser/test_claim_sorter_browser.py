"""ClaimSorter on a page built by Jupyter Book (the project's _config.yml), driven in headless Chromium.

The page has no kernel: everything the student sees after "Check" is computed by claim_sorter.js, and the test
compares it with medialit.scoring (through ClaimSorter.score()) on the same answers.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Locator, Page, expect

from medialit import CASE, load_case
from medialit.scoring import CLAIM_MISTAKES
from medialit.widgets import ClaimSorter

from support.fixture_book import FixturePage, register
from support.site import MYST_PAGE_HEAD

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PARAGRAPHS = [2, 3, 4]
# Markup that must show as text. The img payload would also make a request for "x", which the page fixture reports.
SCRIPT_PAYLOAD = "<script>window.__pwned=1</script>"
IMG_PAYLOAD = '<img src=x onerror="window.__pwned=2">'

pytestmark = [pytest.mark.browser, pytest.mark.slow]


PRACTICE_PAGE = MYST_PAGE_HEAD + f"""# Claim sorter test page

```{{code-cell}} ipython3
from medialit import CASE, load_case
from medialit.widgets import ClaimSorter

ClaimSorter(load_case(CASE), paragraphs={PARAGRAPHS!r})
```
"""

# Answers set in Python before the page is saved: the browser must show them (the Python -> browser path).
PRESET = {
    "cl-05": {"attribution": "named", "kind": "fact", "reporting_verb": "proudly claimed"},
    "cl-04": {"attribution": "unsourced", "kind": None, "reporting_verb": "none"},
}
PRESET_PAGE = MYST_PAGE_HEAD + f"""# Claim sorter with answers set in Python

```{{code-cell}} ipython3
from medialit import CASE, load_case
from medialit.widgets import ClaimSorter

sorter = ClaimSorter(load_case(CASE), paragraphs={PARAGRAPHS!r})
sorter.answers = {PRESET!r}
sorter
```
"""

# One wrong answer of nearly every kind (the last, unsourced-for-anonymous, is made by clicking in the test).
MISTAKE_PARAGRAPHS = [1, 3, 9]
MISTAKE_ANSWERS = {
    "cl-01": {"attribution": "named", "kind": "interpretation", "reporting_verb": "carried out"},
    "cl-02": {"attribution": "anonymous", "kind": "fact", "reporting_verb": "none"},
    "cl-05": {"attribution": "anonymous", "kind": "fact", "reporting_verb": "claimed"},
    "cl-06": {"attribution": "unsourced", "kind": "fact", "reporting_verb": "claimed"},
    "cl-10": {"attribution": "named", "kind": "interpretation", "reporting_verb": "none"},
}
MISTAKES_PAGE = MYST_PAGE_HEAD + f"""# Claim sorter with a wrong answer of each kind

```{{code-cell}} ipython3
from medialit import CASE, load_case
from medialit.widgets import ClaimSorter

sorter = ClaimSorter(load_case(CASE), paragraphs={MISTAKE_PARAGRAPHS!r})
sorter.answers = {MISTAKE_ANSWERS!r}
sorter
```
"""
# Measured at 390 px on book/sourcing.html, paragraphs 1-10 (tests/browser, Debian chromium): 956-1343 px a card
# before the compact layout, 405-530 px after. The limit leaves room for fonts, not for a return to the old card.
CARD_HEIGHT_LIMIT = 560

HOSTILE_PAGE = MYST_PAGE_HEAD + """# Claim sorter with markup in its data

```{code-cell} ipython3
from medialit import CASE, load_case
from medialit.widgets import ClaimSorter

ClaimSorter(load_case(CASE, root=r"CASE_ROOT"), paragraphs=[1])
```
"""


def hostile_seeds(folder: Path) -> Path:
    """A copy of the case whose paragraph 1 starts with markup (so claim cl-01 does) and whose reason is markup.

    The replaced text has the same length, so every offset in the case stays right; records whose text
    overlaps it are updated from the new article text.
    """
    root = folder / "seeds"
    shutil.copytree(ROOT / "seeds" / CASE, root / CASE)
    article_path, claims_path, phrases_path = (root / CASE / f"{n}.yaml" for n in ("article", "claims", "loaded_language"))
    article = yaml.safe_load(article_path.read_text(encoding="utf-8"))
    first = article["paragraphs"][0]
    article["paragraphs"][0] = SCRIPT_PAYLOAD + first[len(SCRIPT_PAYLOAD):]
    article_path.write_text(yaml.safe_dump(article, allow_unicode=True, sort_keys=False, width=10**6), encoding="utf-8")
    text = "\n\n".join(article["paragraphs"])
    for path, key in ((claims_path, "claims"), (phrases_path, "phrases")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for record in data[key]:
            record["text"] = text[record["start"]:record["end"]]
            if key == "claims" and record["paragraph"] == 1:
                record["reason"] = f"{IMG_PAYLOAD} {record['reason']}"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6), encoding="utf-8")
    case = load_case(CASE, root=root)  # must still validate
    assert case.claims[0].text.startswith(SCRIPT_PAYLOAD)
    return root


register(
    FixturePage("claims", PRACTICE_PAGE),
    FixturePage("claims-hostile", HOSTILE_PAGE, case=hostile_seeds),
    FixturePage("claims-preset", PRESET_PAGE),
    FixturePage("claims-mistakes", MISTAKES_PAGE),
)


@pytest.fixture(scope="module")
def site(fixture_site: Path) -> Path:
    """The session's fixture book, which has this module's pages (claims, claims-hostile, -preset, -mistakes)."""
    return fixture_site


@pytest.fixture(scope="module")
def sorter() -> ClaimSorter:
    """The same widget in Python: the key the page was built with, and the scorer to compare with."""
    return ClaimSorter(load_case(CASE), paragraphs=PARAGRAPHS)


def open_page(page: Page, url: str) -> Locator:
    page.goto(url, wait_until="networkidle")
    widget = page.locator(".ml-cs")
    expect(widget).to_have_count(1)
    return widget


def card(widget: Locator, claim_id: str) -> Locator:
    return widget.locator(f'.ml-cs-card[data-claim="{claim_id}"]')


def click_words(box: Locator, words: list[str]) -> None:
    for word in words:
        box.locator(".ml-cs-token", has_text=re.compile(rf"^\W*{re.escape(word)}\W*$")).first.click()


def test_cards_show_each_claim_with_its_paragraph(site: Path, serve, page: Page, page_watch, sorter) -> None:
    with serve(site) as url:
        widget = open_page(page, url + "book/claims.html")
        expect(widget.locator(".ml-cs-card")).to_have_count(len(sorter.claims))
        for index, claim in enumerate(sorter.claims, start=1):
            box = card(widget, claim["id"])
            expect(box.locator(".ml-cs-claim")).to_have_text(claim["text"])
            expect(box.locator(".ml-cs-card-title")).to_have_text(
                f"Claim {index} of {len(sorter.claims)} · paragraph {claim['paragraph']}")
            expect(box.locator("fieldset legend")).to_have_text(["Source", "Fact or interpretation"])
            expect(box.get_by_role("radio")).to_have_count(5)
            expect(box.get_by_role("button", name=f"Check claim {index}", exact=True)).to_have_count(1)
        # Nothing is judged, and no answer shown, before the student asks.
        expect(widget.locator(".ml-cs-feedback:visible")).to_have_count(0)
        expect(widget.get_by_role("button", name=re.compile("Show"))).to_have_count(0)
    page_watch.assert_clean()


def test_instructions_appear_once_above_the_cards(site: Path, serve, page: Page, page_watch) -> None:
    with serve(site) as url:
        widget = open_page(page, url + "book/claims.html")
        cards = widget.locator(".ml-cs-card")
        for words in ("choose a neighbouring word to add it", "(it could be checked, in principle)"):
            expect(widget.get_by_text(words)).to_have_count(1)
            expect(cards.get_by_text(words)).to_have_count(0)
        intro_bottom = widget.locator(".ml-cs-intro").evaluate("el => el.getBoundingClientRect().bottom")
        assert intro_bottom <= cards.first.evaluate("el => el.getBoundingClientRect().top")
        # Every word group is described by the one hint.
        hint_id = widget.locator(".ml-cs-hint").get_attribute("id")
        groups = widget.locator(".ml-cs-tokens")
        expect(groups).to_have_count(cards.count())
        for described in groups.evaluate_all("gs => gs.map(g => g.getAttribute('aria-describedby'))"):
            assert described == hint_id
    page_watch.assert_clean()


def test_mouse_and_keyboard_answers_get_the_feedback_python_computes(
        site: Path, serve, page: Page, page_watch, screenshot, sorter) -> None:
    claims = {c["id"]: c for c in sorter.claims}
    with serve(site) as url:
        widget = open_page(page, url + "book/claims.html")

        # cl-03 by mouse, all three as in the key.
        box = card(widget, "cl-03")
        box.get_by_label("Named source").check()
        box.get_by_label(re.compile("^Interpretation")).check()
        click_words(box, ["denounced"])
        expect(box.locator(".ml-cs-chosen")).to_have_text("Reporting verb: “denounced”.")

        # cl-05 by keyboard only: Space picks a radio; arrows move between words; Enter picks, a neighbour extends.
        box = card(widget, "cl-05")
        box.get_by_label("Named source").focus()
        page.keyboard.press("Space")
        box.get_by_label(re.compile("^Fact")).focus()
        page.keyboard.press("Space")
        box.locator(".ml-cs-token").first.focus()
        page.keyboard.press("End")
        page.keyboard.press("Home")
        words = box.locator(".ml-cs-token").all_inner_texts()
        for _ in range(words.index("proudly")):
            page.keyboard.press("ArrowRight")
        expect(box.locator(".ml-cs-token").nth(words.index("proudly"))).to_be_focused()
        page.keyboard.press("Enter")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        expect(box.locator(".ml-cs-chosen")).to_have_text("Reporting verb: “proudly claimed”.")
        expect(box.locator('.ml-cs-token[aria-pressed="true"]')).to_have_count(2)

        # cl-04: a wrong source, a right kind, and "no reporting verb" where the key has one.
        box = card(widget, "cl-04")
        box.get_by_label("Anonymous source").check()
        box.get_by_label(re.compile("^Fact")).check()
        box.get_by_role("button", name="No reporting verb").click()
        expect(box.get_by_role("button", name="No reporting verb")).to_have_attribute("aria-pressed", "true")

        # cl-06 and cl-07 stay blank.
        widget.get_by_role("button", name="Check my answers").focus()
        page.keyboard.press("Enter")

        answers = {
            "cl-03": {"attribution": "named", "kind": "interpretation", "reporting_verb": "denounced"},
            "cl-05": {"attribution": "named", "kind": "fact", "reporting_verb": "proudly claimed"},
            "cl-04": {"attribution": "anonymous", "kind": "fact", "reporting_verb": "none"},
        }
        sorter.answers = answers
        result = sorter.score()
        right = {f: sum(1 for i in result.items if i.field == f and i.correct)
                 for f in ("attribution", "kind", "reporting_verb")}
        n = len(sorter.claims)
        summary = widget.locator(".ml-cs-summary")
        expect(summary).to_contain_text(
            f"{right['attribution']} of {n} attributions right, {right['kind']} of {n} fact-or-interpretation labels "
            f"right, {right['reporting_verb']} of {n} reporting verbs right ({result.correct} of {result.total} in all).")

        for claim_id in claims:
            items = {i.field: i for i in result.items if i.item == claim_id}
            box = card(widget, claim_id)
            all_right = all(i.correct for i in items.values())
            expect(box).to_have_attribute("data-result", "correct" if all_right else "not-yet")
            verdict = box.locator(".ml-cs-verdict")
            expect(verdict).to_contain_text("Correct" if all_right else "Not yet")
            expect(verdict.locator(".ml-cs-icon")).to_have_text("✓" if all_right else "✗")
            # The reason explains the key, so it shows only when the card is right (or its answer is asked for).
            expect(box.locator(".ml-cs-reason")).to_have_count(1 if all_right else 0)
            if all_right:
                expect(box.locator(".ml-cs-reason")).to_contain_text(claims[claim_id]["reason"])
            for field, item in items.items():
                line = box.locator(f'li[data-field="{field}"]')
                expected = "right" if item.correct else ("no answer yet" if item.given is None else "not yet")
                expect(line).to_contain_text(expected)
        expect(card(widget, "cl-04").locator('li[data-field="attribution"]')).to_contain_text("you chose anonymous source")
        screenshot("checked")

        # Blank cards were checked, but with no attempt their answer is not offered.
        expect(card(widget, "cl-06").locator(".ml-cs-attempt")).to_be_visible()
        expect(card(widget, "cl-06").get_by_role("button", name="Show the answer")).to_have_count(0)

        # After an attempt, the answer on request: the key's verb is outlined in the quotation.
        box = card(widget, "cl-04")
        box.get_by_role("button", name="Show the answer").click()
        expect(box.locator(".ml-cs-key")).to_contain_text("reporting verb “insisting”")
        expect(box.locator(".ml-cs-reason")).to_contain_text(claims["cl-04"]["reason"])
        expect(box.locator('.ml-cs-claim .ml-cs-token[data-key="true"]')).to_have_text(["insisting"])
        screenshot("answer-shown")

        widget.get_by_role("button", name="Clear my answers").click()
        expect(widget.get_by_role("radio", checked=True)).to_have_count(0)
        expect(widget.locator('.ml-cs-token[aria-pressed="true"]')).to_have_count(0)
    page_watch.assert_clean()


def test_choosing_a_run_of_words_and_no_verb(site: Path, serve, page: Page, page_watch) -> None:
    with serve(site) as url:
        widget = open_page(page, url + "book/claims.html")
        box = card(widget, "cl-06")
        chosen = box.locator(".ml-cs-chosen")
        tokens = box.locator(".ml-cs-token")
        words = tokens.all_inner_texts()
        first, last = words.index("Damascus"), words.index("that")
        tokens.nth(first).click()
        tokens.nth(last).click(modifiers=["Shift"])
        expect(chosen).to_have_text("Reporting verb: “Damascus allowed that”.")
        tokens.nth(first).click()  # an end word of the run: removed
        expect(chosen).to_have_text("Reporting verb: “allowed that”.")
        tokens.nth(last).click()
        expect(chosen).to_have_text("Reporting verb: “allowed”.")
        tokens.nth(first + 1).click()  # the only chosen word: cleared
        expect(chosen).to_have_text("Reporting verb: not chosen yet.")
        # Keyboard: Enter picks a word, Shift+Enter on a later word extends the run to it.
        tokens.nth(first).focus()
        page.keyboard.press("Enter")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Shift+Enter")
        expect(chosen).to_have_text("Reporting verb: “Damascus allowed that”.")
        none = box.get_by_role("button", name="No reporting verb")
        none.click()
        expect(none).to_have_attribute("aria-pressed", "true")
        expect(box.locator('.ml-cs-token[aria-pressed="true"]')).to_have_count(0)
        expect(chosen).to_have_text("Reporting verb: none (the claim has no attributing word).")
        tokens.nth(first + 1).click()
        expect(none).to_have_attribute("aria-pressed", "false")
        expect(chosen).to_have_text("Reporting verb: “allowed”.")
    page_watch.assert_clean()


def test_answers_saved_from_python_show_on_the_page(site: Path, serve, page: Page, page_watch) -> None:
    with serve(site) as url:
        widget = open_page(page, url + "book/claims-preset.html")
        box = card(widget, "cl-05")
        expect(box.get_by_label("Named source")).to_be_checked()
        expect(box.get_by_label(re.compile("^Fact"))).to_be_checked()
        expect(box.locator('.ml-cs-token[aria-pressed="true"]')).to_have_text(["proudly", "claimed"])
        box = card(widget, "cl-04")
        expect(box.get_by_label("No source given")).to_be_checked()
        expect(box.locator("input[name$='-kind']:checked")).to_have_count(0)
        expect(box.get_by_role("button", name="No reporting verb")).to_have_attribute("aria-pressed", "true")
        expect(card(widget, "cl-03").get_by_role("radio", checked=True)).to_have_count(0)
    page_watch.assert_clean()


def test_markup_in_the_data_shows_as_text(site: Path, serve, page: Page, page_watch, screenshot) -> None:
    with serve(site) as url:
        widget = open_page(page, url + "book/claims-hostile.html")
        first = widget.locator(".ml-cs-card").first
        expect(first.locator(".ml-cs-claim")).to_contain_text(SCRIPT_PAYLOAD)
        expect(first.locator(".ml-cs-token").first).to_contain_text(SCRIPT_PAYLOAD)
        first.get_by_label("Named source").check()
        first.get_by_role("button", name="Check claim 1").click()
        first.get_by_role("button", name="Show the answer").click()
        expect(first.locator(".ml-cs-reason")).to_contain_text(IMG_PAYLOAD)
        assert widget.locator("script, img").count() == 0
        assert page.evaluate("window.__pwned") is None
        screenshot("hostile")
    page_watch.assert_clean()


def card_heights(widget: Locator) -> list[float]:
    return widget.locator(".ml-cs-card").evaluate_all("cs => cs.map(c => c.getBoundingClientRect().height)")


def test_readable_at_390_px_and_no_serious_accessibility_violations(
        site: Path, serve, page: Page, page_watch, screenshot) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    with serve(site) as url:
        widget = open_page(page, url + "book/claims.html")
        heights = card_heights(widget)
        print(f"claim cards at 390 px: {[round(h) for h in heights]} px high")
        assert max(heights) < CARD_HEIGHT_LIMIT, f"a claim card is {max(heights):.0f} px high at 390 px"
        # The options of a question sit in one row on a phone.
        for options in widget.locator(".ml-cs-card").first.locator(".ml-cs-options").all():
            tops = options.locator(".ml-cs-option").evaluate_all("os => os.map(o => Math.round(o.getBoundingClientRect().top))")
            assert len(set(tops)) == 1, f"the options wrap onto {len(set(tops))} rows at 390 px"
        widget.get_by_role("button", name="Check my answers").click()
        for where, overflow in (
            ("the page", page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")),
            ("the widget", widget.evaluate("el => el.scrollWidth - el.clientWidth")),
        ):
            assert overflow <= 1, f"{where} is {overflow}px wider than the screen at 390 px: sideways scroll"
        for box in widget.locator(".ml-cs-card").all():
            edges = box.evaluate("el => { const r = el.getBoundingClientRect(); return [r.left, r.right]; }")
            assert edges[0] >= 0 and edges[1] <= 390, f"a card runs off the screen: {edges}"
        # Keyboard focus is visible: an outline appears on the focused word button.
        token = widget.locator(".ml-cs-token").first
        token.focus()
        page.keyboard.press("ArrowRight")
        focused = widget.locator(".ml-cs-token:focus")
        assert focused.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
        screenshot("390px")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            """async () => {
                const r = await axe.run(document.querySelector('.ml-cs'), {resultTypes: ['violations']});
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length}));
            }"""
        )
    serious = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not serious, f"axe-core found accessibility problems in the claim sorter: {serious}"
    page_watch.assert_clean()


def test_a_card_checks_alone_and_its_score_stays_as_checked_until_the_next_check(
        site: Path, serve, page: Page, page_watch, screenshot) -> None:
    with serve(site) as url:
        widget = open_page(page, url + "book/claims.html")
        box = card(widget, "cl-05")
        box.get_by_label("Anonymous source").check()
        box.get_by_label(re.compile("^Fact")).check()
        click_words(box, ["claimed"])
        # The chosen verb is marked in the quotation itself, not in a separate list.
        chosen = box.locator('.ml-cs-claim .ml-cs-token[aria-pressed="true"]')
        expect(chosen).to_have_text(["claimed"])
        looks = chosen.evaluate("el => [getComputedStyle(el).fontWeight, getComputedStyle(el).textDecorationStyle]")
        assert looks == ["700", "solid"], f"a chosen word must stand out by weight and underline, not colour alone: {looks}"
        expect(box.locator(".ml-cs-token:not([aria-pressed='true'])").first).to_have_css("font-weight", "400")

        box.get_by_role("button", name="Check claim 3", exact=True).click()
        live = box.locator(".ml-cs-live")
        expect(live).to_have_attribute("aria-live", "polite")
        expect(box.locator(".ml-cs-verdict")).to_contain_text("Not yet: 1 of 3 right.")
        # Only this card was checked.
        expect(widget.locator(".ml-cs-feedback:visible")).to_have_count(1)
        expect(widget.locator(".ml-cs-summary")).to_contain_text("1 of 5 cards checked")
        expect(card(widget, "cl-03")).not_to_have_attribute("data-result", re.compile("."))

        # Putting the answers right changes nothing on screen but a note, until the next Check.
        box.get_by_label("Named source").check()
        click_words(box, ["proudly"])
        expect(box.locator(".ml-cs-chosen")).to_have_text("Reporting verb: “proudly claimed”.")
        expect(box.locator(".ml-cs-verdict")).to_contain_text("Not yet: 1 of 3 right.")
        expect(box.locator('li[data-field="attribution"]')).to_contain_text("you chose anonymous source")
        expect(box.locator(".ml-cs-stale")).to_contain_text("press Check again")
        expect(box).to_have_attribute("data-result", "not-yet")
        expect(widget.locator(".ml-cs-summary")).to_contain_text("0 of 5 attributions right")
        screenshot("frozen")

        box.get_by_role("button", name="Check claim 3", exact=True).click()
        expect(box.locator(".ml-cs-verdict")).to_contain_text("Correct: all 3 right.")
        expect(box.locator(".ml-cs-stale")).to_have_count(0)
        expect(box).to_have_attribute("data-result", "correct")
        expect(box.locator(".ml-cs-reason")).to_be_visible()
        expect(widget.locator(".ml-cs-summary")).to_contain_text("1 of 5 attributions right")
    page_watch.assert_clean()


def mistake_of(box: Locator, field: str) -> Locator:
    return box.locator(f'li[data-field="{field}"]')


def test_each_kind_of_mistake_gets_the_message_python_gives(site: Path, serve, page: Page, page_watch, screenshot) -> None:
    sorter = ClaimSorter(load_case(CASE), paragraphs=MISTAKE_PARAGRAPHS)
    seen: set[str] = set()

    def compare(widget: Locator) -> None:
        for claim_id, fields in sorter.feedback().items():
            box = card(widget, claim_id)
            for field, item in fields.items():
                line = mistake_of(box, field)
                if item["mistake"] is None:
                    expect(line).not_to_have_attribute("data-mistake", re.compile("."))
                    expect(line.locator(".ml-cs-message")).to_have_count(0)
                    continue
                seen.add(item["mistake"])
                expect(line).to_have_attribute("data-mistake", item["mistake"])
                expect(line.locator(".ml-cs-message")).to_have_text(item["message"])
                if item["note"]:
                    expect(line.locator(".ml-cs-note")).to_have_text(item["note"])
                else:
                    expect(line.locator(".ml-cs-note")).to_have_count(0)

    with serve(site) as url:
        widget = open_page(page, url + "book/claims-mistakes.html")
        widget.get_by_role("button", name="Check my answers").click()
        sorter.answers = MISTAKE_ANSWERS
        compare(widget)
        near = mistake_of(card(widget, "cl-05"), "reporting_verb")
        expect(near).to_contain_text("Near miss")
        screenshot("mistakes")

        # The last kind by hand: "No source given" for anonymous officials.
        box = card(widget, "cl-10")
        box.get_by_label("No source given").check()
        box.get_by_role("button", name=re.compile(r"^Check claim")).click()
        sorter.answers = {**MISTAKE_ANSWERS, "cl-10": {**MISTAKE_ANSWERS["cl-10"], "attribution": "unsourced"}}
        compare(widget)
    assert seen == set(CLAIM_MISTAKES), f"kinds never shown: {set(CLAIM_MISTAKES) - seen}"
    page_watch.assert_clean()
