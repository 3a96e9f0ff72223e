"""The Highlighter on a page built by Jupyter Book, driven in Chromium with the mouse and the keyboard.

The book is built in a temporary folder from tests/browser/widget_pages/ with the project's own
_config.yml, so the widget runs exactly as on the course site: saved widget state, no kernel, every
file served from the site. Expected scores come from medialit.scoring.span_prf, never from the page.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from medialit import CASE, load_case
from medialit.scoring import span_prf
from medialit.widgets import Highlighter
from medialit.widgets.highlighter import tokenize

from support.fixture_book import CASE_ROOT, FixturePage, register

ROOT = Path(__file__).resolve().parents[2]
PAGES = Path(__file__).resolve().parent / "widget_pages"
SPAN_CASES = ROOT / "tests" / "fixtures" / "span_cases.json"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

HOSTILE_REASON = 'Reason <script>window.__pwned = "script"</script> then <img src=x onerror="window.__pwned = \'img\'"> end.'
HOSTILE_NEUTRAL = "<b>bold?</b> &amp; <a href=\"javascript:alert(1)\">link</a>"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def hostile_seeds(folder: Path) -> Path:
    """A copy of the case whose first key phrase has HTML in its reason and neutral wording."""
    shutil.copytree(ROOT / "seeds" / CASE, folder / CASE)
    path = folder / CASE / "loaded_language.yaml"
    text = path.read_text(encoding="utf-8")
    first = load_case(CASE).loaded_language[0]
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == f"- id: {first.id}")
    for i in range(start + 1, len(lines)):
        if lines[i].strip().startswith("- id:"):
            break
        # JSON strings are valid YAML scalars: the markup reaches the loader unchanged.
        if lines[i].startswith("    reason:"):
            lines[i] = f"    reason: {json.dumps(HOSTILE_REASON)}\n"
        if lines[i].startswith("    neutral_alternative:"):
            lines[i] = f"    neutral_alternative: {json.dumps(HOSTILE_NEUTRAL)}\n"
    path.write_text("".join(lines), encoding="utf-8")
    copied = load_case(CASE, root=folder).loaded_language[0]
    assert (copied.reason, copied.neutral_alternative) == (HOSTILE_REASON, HOSTILE_NEUTRAL)
    return folder


HOSTILE_TEXT = (PAGES / "hostile.md").read_text(encoding="utf-8")
register(
    FixturePage("highlighter", (PAGES / "highlighter.md").read_text(encoding="utf-8")),
    FixturePage("highlighter-hostile", HOSTILE_TEXT, case=hostile_seeds),
    FixturePage("highlighter-saved", (PAGES / "saved.md").read_text(encoding="utf-8")),
)


@pytest.fixture(scope="module")
def site(fixture_site: Path) -> Path:
    """The session's fixture book (the project's _config.yml), which has this module's pages from widget_pages/."""
    assert CASE_ROOT in HOSTILE_TEXT, "widget_pages/hostile.md no longer loads the hostile copy of the case"
    return fixture_site


@pytest.fixture
def site_url(site: Path, serve):
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def case():
    return load_case(CASE)


def span_of(case, phrase: str, paragraph: int) -> tuple[int, int]:
    p = case.paragraph(paragraph)
    assert p.text.count(phrase) == 1, f"{phrase!r} is ambiguous in paragraph {paragraph}"
    at = p.start + p.text.index(phrase)
    return (at, at + len(phrase))


def open_widget(page: Page, url: str) -> Locator:
    page.goto(url, wait_until="networkidle")
    widget = page.locator(".ml-hl")
    expect(widget).to_have_count(1)
    expect(widget.locator(".ml-hl-tok").first).to_be_visible()
    return widget


def shoot_widget(widget: Locator, label: str) -> None:
    """Save a picture of the widget alone (the theme's sticky header garbles full-page pictures)."""
    folder = ROOT / "test-artifacts"
    folder.mkdir(exist_ok=True)
    page = widget.page
    size = page.viewport_size
    # A window taller than the widget, so the picture needs no scrolling under the sticky header.
    page.set_viewport_size({"width": size["width"], "height": int(widget.bounding_box()["height"]) + 300})
    widget.scroll_into_view_if_needed()
    widget.screenshot(path=str(folder / f"highlighter-{label}.png"))
    page.set_viewport_size(size)


def token(widget: Locator, word: str, paragraph: int) -> Locator:
    """The one word span reading exactly `word` in paragraph `paragraph` (for checking how it is drawn)."""
    found = widget.locator(f'.ml-hl-text[data-paragraph="{paragraph}"] .ml-hl-tok').filter(
        has_text=re.compile(f"^{re.escape(word)}$"))
    expect(found).to_have_count(1)
    return found


def marks(widget: Locator) -> list[str]:
    return [text.strip() for text in widget.locator(".ml-hl-marklist .ml-hl-quote").all_inner_texts()]


def shown_scores(widget: Locator) -> dict[str, str]:
    """The three figures inside "How this is scored" (opened first, as a student would)."""
    how = widget.locator("details.ml-hl-how")
    if how.get_attribute("open") is None:
        how.locator("summary").click()
    scores = how.locator(".ml-hl-scores")
    return {name: scores.locator(f".ml-{name} dd").inner_text() for name in ("precision", "recall", "f1")}


def expected_scores(case, paragraphs: list[int], phrases: list[tuple[str, int]]):
    key = Highlighter(case, paragraphs=paragraphs).key_spans
    return span_prf([span_of(case, text, n) for text, n in phrases], key, text_length=len(case.text))


def key_item(widget: Locator, case, phrase_text: str) -> Locator:
    phrase_id = next(p.id for p in case.loaded_language if p.text == phrase_text)
    return widget.locator(f'.ml-hl-keyitem[data-key-id="{phrase_id}"]')


# Select `phrase` (its nth occurrence) in one paragraph with the Selection API: what a mouse drag or a phone's
# selection handles leave behind. The selection may start and end inside words, as a finger's does.
SELECT_TEXT = """(root, [phrase, number, nth, trim]) => {
  const p = root.querySelector(`.ml-hl-text[data-paragraph="${number}"]`);
  const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let text = "";
  for (let n = walker.nextNode(); n; n = walker.nextNode()) { nodes.push([n, text.length]); text += n.data; }
  let at = -1;
  for (let i = 0; i <= nth; i += 1) at = text.indexOf(phrase, at + 1);
  if (at < 0) throw new Error(`${phrase} is not in paragraph ${number}`);
  const startPoint = (offset) => { for (const [n, s] of nodes) if (offset < s + n.data.length) return [n, offset - s]; };
  const endPoint = (offset) => { for (const [n, s] of nodes) if (offset <= s + n.data.length) return [n, offset - s]; };
  const range = document.createRange();
  range.setStart(...startPoint(at + trim));
  range.setEnd(...endPoint(at + phrase.length - trim));
  const selection = getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}"""


def select_text(widget: Locator, phrase: str, paragraph: int, *, nth: int = 0, trim: int = 0) -> None:
    """Select the words; `trim` characters are left off each end (a sloppy drag that stops inside a word)."""
    widget.evaluate(SELECT_TEXT, [phrase, paragraph, nth, trim])


def mark_by_selection(widget: Locator, phrase: str, paragraph: int, **how) -> None:
    select_text(widget, phrase, paragraph, **how)
    expect(widget.locator(".ml-hl-selection-note")).to_contain_text("Selected:")
    widget.get_by_role("button", name="Mark selected words").click()


def mark_by_typing(widget: Locator, words: str) -> None:
    box = widget.get_by_role("textbox", name="Type the words to mark:")
    box.fill(words)
    box.press("Enter")


# -----------------------------------------------------------------------------------------------

def test_paragraphs_read_as_prose_in_the_accessibility_tree(page: Page, page_watch, site_url: str, case) -> None:
    widget = open_widget(page, site_url + "book/highlighter.html")
    tree = widget.aria_snapshot()
    assert "option" not in tree and "listbox" not in tree, f"the text is exposed as options:\n{tree}"
    # Chromium's own accessibility tree (through the DevTools protocol), not just the DOM.
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    roles = [n.get("role", {}).get("value") for n in nodes]
    assert "option" not in roles and "listbox" not in roles
    for number in (1, 2):
        paragraph = case.paragraph(number).text
        assert f"- paragraph: {paragraph}" in tree.replace("\n  ", " ") or paragraph[:60] in tree, \
            f"paragraph {number} is not read as one paragraph of text:\n{tree[:2000]}"
    # Nothing inside the text is a tab stop: the words are not focusable.
    assert widget.locator(".ml-hl-text [tabindex], .ml-hl-text button").count() == 0
    page_watch.assert_clean()


def test_mouse_selection_check_feedback_answers_and_reset(page: Page, page_watch, site_url: str, case, screenshot) -> None:
    widget = open_widget(page, site_url + "book/highlighter.html")
    expect(widget.locator(".ml-hl-number")).to_have_text(["Paragraph 1", "Paragraph 2"])

    # Check with nothing marked is no attempt: it says so, and no feedback or answer opens.
    widget.get_by_role("button", name="Check").click()
    expect(widget.locator(".ml-hl-status")).to_have_text("Mark at least one phrase first, then press Check.")
    expect(widget.locator(".ml-hl-feedback")).to_be_hidden()

    # A real mouse drag across "far more dangerous stage", starting and ending inside words.
    start = token(widget, "far", 1).bounding_box()
    end = token(widget, "stage", 1).bounding_box()
    page.mouse.move(start["x"] + 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] - 2, end["y"] + end["height"] / 2, steps=8)
    page.mouse.up()
    expect(widget.locator(".ml-hl-selection-note")).to_have_text("Selected: “far more dangerous stage”.")
    widget.get_by_role("button", name="Mark selected words").click()
    # A sloppy selection that stops inside the words still marks whole words.
    mark_by_selection(widget, "unprovoked massacre", 1, trim=2)
    mark_by_selection(widget, "artillery", 1)
    assert marks(widget) == ["“artillery”", "“unprovoked massacre”", "“far more dangerous stage”"]
    assert "ml-marked" in token(widget, "massacre", 1).get_attribute("class")
    # Each mark is an item in the list after the text, with its own Remove button.
    mark_by_selection(widget, "Euphrates", 2)
    widget.get_by_role("button", name="Remove mark “Euphrates”").click()
    assert marks(widget) == ["“artillery”", "“unprovoked massacre”", "“far more dangerous stage”"]
    assert "ml-marked" not in token(widget, "Euphrates", 2).get_attribute("class")
    expect(widget.locator(".ml-hl-feedback")).to_be_hidden()

    # Show answers opens only after a first attempt: before Check it says so and shows nothing.
    answers = widget.get_by_role("button", name="Show answers")
    expect(answers).to_have_attribute("aria-disabled", "true")
    expect(widget.locator(".ml-hl-answers-note")).to_be_visible()
    answers.click(force=True)  # aria-disabled, so Playwright would wait for it; a reader can still press it
    expect(widget.locator(".ml-hl-status")).to_contain_text("the answers open after your first attempt")
    expect(widget.locator(".ml-hl-tok.ml-key")).to_have_count(0)

    widget.get_by_role("button", name="Check").click()
    expect(answers).not_to_have_attribute("aria-disabled", "true")
    expect(widget.locator(".ml-hl-answers-note")).to_be_hidden()
    feedback = widget.locator(".ml-hl-feedback")
    # Teaching first: the one-sentence score, then the verdict on each phrase; the arithmetic and the legend
    # wait behind "How this is scored".
    order = feedback.evaluate("""f => [...f.children].map((c) => c.className)""")
    assert order.index("ml-hl-sentence") < order.index("ml-hl-keylist") < order.index("ml-hl-details ml-hl-how"), order
    n_key = len(Highlighter(case, paragraphs=[1, 2]).key_spans)
    expected = expected_scores(case, [1, 2], [("artillery", 1), ("unprovoked massacre", 1), ("far more dangerous stage", 1)])
    expect(feedback.locator(".ml-hl-sentence")).to_have_text(
        f"You found 2 of the key's {n_key} phrases; 1 mark of yours is not in the key (F1 {expected.f1:.2f}; 0.6 is good work).")
    how = feedback.locator("details.ml-hl-how")
    expect(how.locator(".ml-hl-legend")).to_be_hidden()
    expect(how.locator(".ml-hl-scores")).to_be_hidden()
    how.locator("summary").click()
    legend = how.locator(".ml-hl-legend")
    for words in ("Found:", "Found in part:", "Missed:", "Extra:"):
        expect(legend).to_contain_text(words)
    assert 0 < expected.f1 < 1
    assert shown_scores(widget) == {
        "precision": f"{expected.precision:.2f}", "recall": f"{expected.recall:.2f}", "f1": f"{expected.f1:.2f}",
    }
    # The plain-words explanation says what SpanScore.summary() says.
    explanation = how.locator(".ml-hl-explain p").all_inner_texts()
    assert explanation == expected.summary().split("\n")
    # The threshold in terms of careful human readers, not machines.
    kind = how.locator(".ml-hl-kind")
    expect(kind).to_contain_text("trained annotators agreed only moderately")
    expect(kind).to_contain_text("0.6 against our key is good work")
    expect(kind).not_to_contain_text("systems")

    # Per key phrase: found with its reason; missed with a hint and no words given away.
    found = key_item(widget, case, "unprovoked massacre")
    ll01 = next(p for p in case.loaded_language if p.text == "unprovoked massacre")
    expect(found.locator(".ml-hl-badge")).to_have_text("✓ Found")
    expect(found.locator(".ml-hl-reason")).to_have_text(f"Why: {ll01.reason}")
    expect(key_item(widget, case, "far more dangerous stage").locator(".ml-hl-badge")).to_have_text("✓ Found")
    missed = key_item(widget, case, "war crime")
    ll03 = next(p for p in case.loaded_language if p.text == "war crime")
    expect(missed.locator(".ml-hl-badge")).to_have_text("✗ Missed")
    expect(missed).not_to_contain_text("war crime")  # not given away before the answer
    expect(missed.locator(".ml-hl-hint")).to_contain_text("paragraph 2")
    expect(widget.locator(".ml-hl-extraitem")).to_have_count(1)
    expect(widget.locator(".ml-hl-extraitem")).to_contain_text("“artillery”")
    expect(widget.locator(".ml-hl-extraitem .ml-hl-badge")).to_have_text("? Extra")
    assert "ml-extra" in token(widget, "artillery", 1).get_attribute("class")
    assert "ml-hit" in token(widget, "massacre", 1).get_attribute("class")
    # The disclosure opens the technique, whose words and the neutral alternative.
    expect(found.get_by_text(ll01.neutral_alternative, exact=True)).to_be_hidden()
    found.locator("summary").click()
    expect(found.get_by_text(ll01.neutral_alternative, exact=True)).to_be_visible()
    expect(found.get_by_text("Loaded language", exact=True)).to_be_visible()
    screenshot("checked")
    shoot_widget(widget, "site-checked")

    # The hint ladder for a missed phrase: hint, bigger hint, then the answer with its reason.
    missed.get_by_role("button", name="Bigger hint").click()
    expect(missed.locator(".ml-hl-bigger")).to_contain_text(ll03.neutral_alternative)
    expect(missed).not_to_contain_text("“war crime”")
    missed.get_by_role("button", name="Show the answer").click()
    expect(missed).to_contain_text("“war crime”")
    expect(missed.locator(".ml-hl-reason")).to_have_text(f"Why: {ll03.reason}")
    expect(missed.locator(".ml-hl-badge")).to_have_text("✗ Missed")  # the answer shown is not a find

    # The score stays as checked until the next Check (no guess-and-check), and a note says the marks changed.
    mark_by_typing(widget, "crime")
    expect(widget.locator(".ml-hl-stale")).to_be_visible()
    expect(missed.locator(".ml-hl-badge")).to_have_text("✗ Missed")
    assert shown_scores(widget) == {
        "precision": f"{expected.precision:.2f}", "recall": f"{expected.recall:.2f}", "f1": f"{expected.f1:.2f}",
    }
    assert "ml-hit" not in token(widget, "crime", 2).get_attribute("class")  # no colour verdict on a new mark
    # Found in part, after the next Check: "crime" only leaves out a word that does the work.
    widget.get_by_role("button", name="Check").click()
    expect(widget.locator(".ml-hl-stale")).to_have_count(0)
    expect(missed.locator(".ml-hl-badge")).to_have_text(re.compile(r"◐ Found in part \(\d+%\)"))
    expect(found.locator("details.ml-hl-details")).to_have_attribute("open", "")  # an open disclosure stays open

    # Show answers boxes every key phrase in the text.
    widget.get_by_role("button", name="Show answers").click()
    expect(widget.get_by_role("button", name="Hide answers")).to_have_attribute("aria-pressed", "true")
    key_words = [case.text[s:e] for phrase in case.loaded_language if phrase.paragraph in (1, 2)
                 for s, e in tokenize(phrase.text, phrase.start)]
    assert widget.locator(".ml-hl-tok.ml-key").all_inner_texts() == key_words
    screenshot("answers")
    shoot_widget(widget, "site-answers")

    widget.get_by_role("button", name="Reset").click()
    expect(widget.locator(".ml-hl-feedback")).to_be_hidden()
    expect(widget.locator(".ml-hl-tok.ml-marked")).to_have_count(0)
    expect(widget.get_by_role("button", name="Show answers")).to_have_attribute("aria-pressed", "false")
    expect(widget.locator(".ml-hl-status")).to_have_text(re.compile("Nothing marked"))
    page_watch.assert_clean()


def test_a_word_more_or_less_at_the_edge_is_found(page: Page, page_watch, site_url: str, case) -> None:
    # The book's own model span for "proudly claimed to have" is "proudly claimed": the feedback agrees with the
    # credit rule and calls it found, never "you left out part of it".
    widget = open_widget(page, site_url + "book/highlighter-saved.html")
    widget.get_by_role("button", name="Remove mark “proudly claimed to have”").click()
    mark_by_typing(widget, "proudly claimed")
    widget.get_by_role("button", name="Check").click()
    item = key_item(widget, case, "proudly claimed to have")
    expect(item.locator(".ml-hl-badge")).to_have_text("✓ Found")
    expect(item.locator(".ml-hl-edge")).to_contain_text("A small word more or less")
    # A content word left out is found in part, with the reason a narrower span can still be fair.
    widget.get_by_role("button", name="Remove mark “proudly claimed”").click()
    mark_by_typing(widget, "claimed to have")
    widget.get_by_role("button", name="Check").click()
    expect(item.locator(".ml-hl-badge")).to_have_text(re.compile("Found in part"))
    expect(item.locator(".ml-hl-edge")).to_contain_text("a fair reading")
    page_watch.assert_clean()


def test_keyboard_only_by_typing_the_words(page: Page, page_watch, site_url: str, case, screenshot) -> None:
    widget = open_widget(page, site_url + "book/highlighter.html")
    # Start sequential focus navigation from the instructions, as a keyboard user tabbing through would.
    widget.locator(".ml-hl-help").click()
    presses = 0

    def press(key: str) -> None:
        nonlocal presses
        presses += 1
        page.keyboard.press(key)

    # The text holds no tab stops: Tab goes from the instructions past the text to the marking tools.
    press("Tab")
    press("Tab")
    box = widget.get_by_role("textbox", name="Type the words to mark:")
    expect(box).to_be_focused()
    outline = box.evaluate("n => [getComputedStyle(n).outlineStyle, parseFloat(getComputedStyle(n).outlineWidth)]")
    assert outline[0] != "none" and outline[1] >= 2, f"the box has no visible focus ring: {outline}"

    # A phrase that occurs once: typed words, then Enter.
    page.keyboard.type("unprovoked massacre")
    expect(widget.locator(".ml-hl-find-result")).to_contain_text("Found once, in paragraph 1")
    expect(token(widget, "massacre", 1)).to_have_class(re.compile("ml-pending"))
    press("Enter")
    assert marks(widget) == ["“unprovoked massacre”"]
    print(f"keyboard: {presses} presses beyond the typed words to mark a phrase that occurs once")
    assert presses <= 10
    # Case, curly quotes and extra spaces do not matter.
    page.keyboard.type("WAR   crime")
    press("Enter")
    assert marks(widget) == ["“unprovoked massacre”", "“war crime”"]

    # Words that are not there: said plainly, nothing marked.
    page.keyboard.type("peace talks")
    expect(widget.locator(".ml-hl-find-result")).to_contain_text("“peace talks” is not in these paragraphs")
    press("Enter")
    expect(widget.locator(".ml-hl-status")).to_contain_text("is not in these paragraphs")
    assert len(marks(widget)) == 2
    box.fill("")
    # Words that occur twice: the widget says so and lets the student choose which.
    counted_from = presses
    p1, p2 = case.paragraph(1).text, case.paragraph(2).text
    assert (p1 + " " + p2).count(" US ") >= 2
    page.keyboard.type("US")
    choices = widget.locator(".ml-hl-choice")
    expect(widget.locator(".ml-hl-find-result")).to_contain_text(re.compile(r"“US” occurs \d+ times"))
    press("Enter")
    expect(widget.locator(".ml-hl-status")).to_contain_text("choose one")
    press("Tab")  # the Mark button
    press("Tab")  # the first occurrence
    press("Tab")  # the second
    expect(choices.nth(1)).to_be_focused()
    expect(choices.nth(1)).to_contain_text("[US]")
    press("Enter")
    print(f"keyboard: {presses - counted_from} presses beyond the typed word to mark the second of several")
    assert presses - counted_from <= 10
    assert len(marks(widget)) == 3
    expect(box).to_be_focused()

    # Remove a mark from the list by keyboard, then Tab on to Check.
    for _ in range(8):
        press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-label')") == "Remove mark “war crime”":
            break
    press("Enter")
    assert marks(widget)[:1] == ["“unprovoked massacre”"] and "“war crime”" not in marks(widget)
    for _ in range(8):
        press("Tab")
        if page.locator(":focus").inner_text() == "Check":
            break
    expect(page.locator(":focus")).to_have_text("Check")
    press("Enter")
    expect(widget.locator(".ml-hl-status")).to_contain_text("Checked: you found 1 of")
    expect(key_item(widget, case, "unprovoked massacre").locator(".ml-hl-badge")).to_have_text("✓ Found")
    summary = key_item(widget, case, "unprovoked massacre").locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    ll01 = next(p for p in case.loaded_language if p.text == "unprovoked massacre")
    expect(key_item(widget, case, "unprovoked massacre").get_by_text(ll01.neutral_alternative, exact=True)).to_be_visible()
    screenshot("keyboard")
    shoot_widget(widget, "site-keyboard")
    page_watch.assert_clean()


def test_touch_selection_on_a_phone(browser, page_watch, site_url: str, case) -> None:
    # Playwright cannot drag a phone's selection handles, so the selection they leave is made with the
    # Selection API in a touch-emulating 390 px context, and the button is pressed with a real tap.
    context = browser.new_context(service_workers="block", viewport={"width": 390, "height": 844},
                                  has_touch=True, is_mobile=True, device_scale_factor=2)
    context.route("**/*", page_watch._on_route)
    page = context.new_page()
    page.on("pageerror", page_watch._on_page_error)
    page.on("console", page_watch._on_console)
    try:
        widget = open_widget(page, site_url + "book/highlighter.html")
        assert page.evaluate("() => matchMedia('(pointer: coarse)').matches")
        # A tap on a word marks nothing by itself (a finger that taps is reading or scrolling).
        token(widget, "massacre", 1).tap()
        assert marks(widget) == []
        select_text(widget, "far more dangerous stage", 1, trim=1)
        expect(widget.locator(".ml-hl-selection-note")).to_have_text("Selected: “far more dangerous stage”.")
        widget.get_by_role("button", name="Mark selected words").tap()
        assert marks(widget) == ["“far more dangerous stage”"]
        widget.get_by_role("button", name="Check").tap()
        expect(key_item(widget, case, "far more dangerous stage").locator(".ml-hl-badge")).to_have_text("✓ Found")
        sizes = widget.evaluate("n => [n.scrollWidth, n.clientWidth]")
        assert sizes[0] <= sizes[1] + 1, f"the widget scrolls sideways at 390 px: {sizes}"
        shoot_widget(widget, "site-touch-390px")
    finally:
        context.close()
    page_watch.assert_clean()


def test_narrow_screen_and_accessibility_audit(page: Page, page_watch, site_url: str, screenshot) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    widget = open_widget(page, site_url + "book/highlighter.html")
    mark_by_selection(widget, "unprovoked massacre", 1)
    mark_by_typing(widget, "Wednesday")
    widget.get_by_role("button", name="Check").click()
    widget.get_by_role("button", name="Show answers").click()
    widget.locator(".ml-hl-keyitem summary").first.click()
    widget.locator("details.ml-hl-how summary").click()
    mark_by_typing(widget, "the")  # several occurrences: the list of choices is on screen too
    sizes = widget.evaluate("n => [n.scrollWidth, n.clientWidth, n.getBoundingClientRect().right, window.innerWidth]")
    assert sizes[0] <= sizes[1] + 1, f"the widget scrolls sideways at 390 px: {sizes}"
    assert sizes[2] <= sizes[3] + 1, f"the widget is wider than a 390 px screen: {sizes}"
    for button in widget.locator(".ml-hl-button, .ml-hl-choice").all():
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 391, "a button runs off a 390 px screen"
    screenshot("390px")
    shoot_widget(widget, "site-390px")

    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document.querySelector('.ml-hl'),
             {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}" for v in result["violations"]
    ]
    assert not violations, "axe-core found problems in the widget:\n" + "\n".join(violations)
    assert any(p["id"] == "color-contrast" for p in result["passes"]), "axe did not check colour contrast"
    page_watch.assert_clean()


def test_markup_in_the_data_is_shown_as_text(page: Page, page_watch, site_url: str, screenshot) -> None:
    widget = open_widget(page, site_url + "book/highlighter-hostile.html")
    first = widget.locator(".ml-hl-tok").first.inner_text()
    mark_by_typing(widget, first)
    if widget.locator(".ml-hl-choice").count():
        widget.locator(".ml-hl-choice").first.click()
    widget.get_by_role("button", name="Check").click()
    widget.get_by_role("button", name="Show answers").click()
    item = widget.locator(".ml-hl-keyitem").first
    item.locator("summary").click()
    expect(item.get_by_text(f"Why: {HOSTILE_REASON}", exact=True)).to_be_visible()
    expect(item.get_by_text(HOSTILE_NEUTRAL, exact=True)).to_be_visible()
    assert widget.locator("script, img, b, a").count() == 0, "markup from the data became elements"
    assert page.evaluate("() => window.__pwned") is None, "markup from the data ran"
    screenshot("hostile")
    page_watch.assert_clean()  # an <img src=x> would also show up here as a failed request


def test_marks_saved_from_python_show_on_the_static_page(page: Page, page_watch, site_url: str, case) -> None:
    widget = open_widget(page, site_url + "book/highlighter-saved.html")
    assert marks(widget) == ["“proudly claimed to have”"]
    assert "ml-marked" in token(widget, "proudly", 3).get_attribute("class")
    expect(widget.locator(".ml-hl-feedback")).to_be_visible()
    expected = expected_scores(case, [3], [("proudly claimed to have", 3)])
    assert shown_scores(widget)["f1"] == f"{expected.f1:.2f}"
    expect(key_item(widget, case, "proudly claimed to have").locator(".ml-hl-badge")).to_have_text("✓ Found")
    # The page keeps working without a kernel: change the marks, and the feedback follows at the next Check.
    widget.get_by_role("button", name="Remove mark “proudly claimed to have”").click()
    expect(key_item(widget, case, "proudly claimed to have").locator(".ml-hl-badge")).to_have_text("✓ Found")
    mark_by_typing(widget, "claimed")  # twice in paragraph 3: the student chooses the first
    expect(widget.locator(".ml-hl-choice")).to_have_count(2)
    widget.locator(".ml-hl-choice").first.click()
    assert marks(widget) == ["“claimed”"]
    widget.get_by_role("button", name="Check").click()
    expect(key_item(widget, case, "proudly claimed to have").locator(".ml-hl-badge")).to_have_text(re.compile("Found in part"))
    page_watch.assert_clean()


def test_js_scorer_agrees_with_python_on_the_shared_cases(page: Page, page_watch, site_url: str) -> None:
    open_widget(page, site_url + "book/highlighter.html")
    cases = json.loads(SPAN_CASES.read_text(encoding="utf-8"))
    assert len(cases) >= 10
    # Import the module exactly as the page received it (from the saved widget state).
    results = page.evaluate(
        """async (cases) => {
          const states = [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-state+json"]')]
            .map((s) => JSON.parse(s.textContent).state);
          const esm = states.flatMap((s) => Object.values(s)).map((m) => m.state && m.state._esm)
            .find((src) => typeof src === 'string' && src.includes('export function spanPRF'));
          const url = URL.createObjectURL(new Blob([esm], {type: 'text/javascript'}));
          const mod = await import(url);
          return cases.map((c) => {
            const s = mod.spanPRF(c.student, c.key);
            return {precision: s.precision, recall: s.recall, f1: s.f1, unmatched: s.unmatched,
                    feedback: s.keyFeedback.map((k) => [k.start, k.end, k.status, k.covered]),
                    summary: mod.explainScore(s)};
          });
        }""",
        cases,
    )
    assert len(results) == len(cases)
    for spec, js in zip(cases, results):
        py = span_prf([tuple(s) for s in spec["student"]], [tuple(s) for s in spec["key"]])
        name = spec["name"]
        for field in ("precision", "recall", "f1"):
            assert js[field] == pytest.approx(getattr(py, field), abs=1e-9), f"{name}: {field}"
        assert js["unmatched"] == [list(s) for s in py.unmatched], name
        assert [f[:3] for f in js["feedback"]] == [[k.start, k.end, k.status] for k in py.key_feedback], name
        for (_, _, _, covered), k in zip(js["feedback"], py.key_feedback):
            assert covered == pytest.approx(k.covered, abs=1e-9), name
        assert js["summary"] == py.summary().split("\n"), name
    page_watch.assert_clean()


def test_js_number_formatting_matches_python(page: Page, page_watch, site_url: str) -> None:
    # The explanation prints scores and percentages; exact ties are where toFixed and Python differ.
    open_widget(page, site_url + "book/highlighter.html")
    values = [0.0, 1.0, 0.125, 0.375, 0.625, 0.875, 0.5, 0.525, 0.545, 0.005, 0.015, 0.335, 2 / 3, 1 / 3, 0.995, 0.9951]
    got = page.evaluate(
        """async (values) => {
          const esm = [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-state+json"]')]
            .flatMap((s) => Object.values(JSON.parse(s.textContent).state)).map((m) => m.state && m.state._esm)
            .find((src) => typeof src === 'string' && src.includes('export function formatFixed'));
          const mod = await import(URL.createObjectURL(new Blob([esm], {type: 'text/javascript'})));
          return values.map((x) => [mod.formatFixed(x, 2), mod.formatFixed(x * 100, 0)]);
        }""",
        values,
    )
    assert got == [[f"{x:.2f}", f"{x:.0%}"[:-1]] for x in values]
    page_watch.assert_clean()


def test_common_wrong_marks_get_specific_advice(page: Page, page_watch, site_url: str) -> None:
    widget = open_widget(page, site_url + "book/highlighter.html")
    mark_by_typing(widget, "Khasham")  # a place name: who or where, not how the words lean
    mark_by_typing(widget, "artillery")
    mark_by_typing(widget, "denounced")  # the verb the sourcing chapter's table discusses
    widget.get_by_role("button", name="Check").click()
    items = widget.locator(".ml-hl-extraitem")
    expect(items.filter(has_text="Khasham")).to_contain_text("looks like a name")
    expect(items.filter(has_text="artillery")).not_to_contain_text("looks like a name")
    expect(items.filter(has_text="artillery")).to_contain_text("your reading may still be fair")
    denounced = items.filter(has_text="“denounced”")
    expect(denounced).to_contain_text("check that the quoted words bear it out")
    expect(denounced).not_to_contain_text("your reading may still be fair")
    # A neutral reporting verb (none stands alone in paragraphs 1-2, so the module's function is asked directly,
    # with the list the page was given by highlighter.py).
    advice = page.evaluate(
        """async () => {
          const states = [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-state+json"]')]
            .flatMap((s) => Object.values(JSON.parse(s.textContent).state)).map((m) => m.state || {});
          const state = states.find((st) => typeof st._esm === 'string' && st._esm.includes('adviceForUnmatched'));
          const mod = await import(URL.createObjectURL(new Blob([state._esm], {type: 'text/javascript'})));
          return [mod.adviceForUnmatched('said', state._data.neutral_verbs, state._data.verb_advice),
                  mod.adviceForUnmatched('“according to', state._data.neutral_verbs, state._data.verb_advice),
                  mod.adviceForUnmatched('the Pentagon', state._data.neutral_verbs, state._data.verb_advice)];
        }"""
    )
    assert "neutral reporting verb" in advice[0] and "neutral reporting verb" in advice[1]
    assert "looks like a name" in advice[2]
    page_watch.assert_clean()
