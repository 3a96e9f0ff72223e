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
from conftest import build_fixture_book
from playwright.sync_api import Locator, Page, expect

from medialit import CASE, load_case
from medialit.scoring import span_prf
from medialit.widgets import Highlighter
from medialit.widgets.highlighter import tokenize

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


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture pages built into a one-chapter book with the project's _config.yml."""
    seeds = hostile_seeds(tmp_path_factory.mktemp("hostile-seeds"))
    hostile = (PAGES / "hostile.md").read_text(encoding="utf-8")
    assert "CASE_ROOT" in hostile
    return build_fixture_book(tmp_path_factory.mktemp("highlighter-book"), {
        "highlighter": (PAGES / "highlighter.md").read_text(encoding="utf-8"),
        "hostile": hostile.replace("CASE_ROOT", str(seeds)),
        "saved": (PAGES / "saved.md").read_text(encoding="utf-8"),
    })


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
    """The one token reading exactly `word` in the paragraph labelled `Paragraph <paragraph>`."""
    block = widget.locator(".ml-hl-paragraph").filter(has=widget.page.get_by_text(f"Paragraph {paragraph}", exact=True))
    found = block.locator(".ml-hl-tok").filter(has_text=re.compile(f"^{re.escape(word)}$"))
    expect(found).to_have_count(1)
    return found


def marks(widget: Locator) -> list[str]:
    return [text.strip() for text in widget.locator(".ml-hl-marklist .ml-hl-quote").all_inner_texts()]


def shown_scores(widget: Locator) -> dict[str, str]:
    scores = widget.locator(".ml-hl-scores")
    return {name: scores.locator(f".ml-{name} dd").inner_text() for name in ("precision", "recall", "f1")}


def expected_scores(case, paragraphs: list[int], phrases: list[tuple[str, int]]):
    key = Highlighter(case, paragraphs=paragraphs).key_spans
    return span_prf([span_of(case, text, n) for text, n in phrases], key, text_length=len(case.text))


def key_item(widget: Locator, case, phrase_text: str) -> Locator:
    phrase_id = next(p.id for p in case.loaded_language if p.text == phrase_text)
    return widget.locator(f'.ml-hl-keyitem[data-key-id="{phrase_id}"]')


# -----------------------------------------------------------------------------------------------

def test_mouse_marking_check_feedback_answers_and_reset(page: Page, page_watch, site_url: str, case, screenshot) -> None:
    widget = open_widget(page, site_url + "book/highlighter.html")
    expect(widget.locator(".ml-hl-number")).to_have_text(["Paragraph 1", "Paragraph 2"])

    # Click a word, then Shift+click to extend it into a phrase.
    token(widget, "unprovoked", 1).click()
    token(widget, "massacre", 1).click(modifiers=["Shift"])
    # Drag across a phrase.
    start = token(widget, "far", 1).bounding_box()
    end = token(widget, "stage", 1).bounding_box()
    page.mouse.move(start["x"] + 3, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] - 3, end["y"] + end["height"] / 2, steps=8)
    page.mouse.up()
    # One word that is not in the key, and one clicked twice (marked, then unmarked).
    token(widget, "artillery", 1).click()
    token(widget, "Euphrates", 2).click()
    token(widget, "Euphrates", 2).click()
    assert marks(widget) == ["“artillery”", "“unprovoked massacre”", "“far more dangerous stage”"]
    expect(token(widget, "massacre", 1)).to_have_attribute("aria-selected", "true")
    expect(token(widget, "Euphrates", 2)).to_have_attribute("aria-selected", "false")
    expect(widget.locator(".ml-hl-feedback")).to_be_hidden()

    # Show answers opens only after a first attempt: before Check it says so and shows nothing.
    answers = widget.get_by_role("button", name="Show answers")
    expect(answers).to_have_attribute("aria-disabled", "true")
    expect(widget.locator(".ml-hl-answers-note")).to_be_visible()
    answers.click(force=True)  # aria-disabled, so Playwright would wait for it; a reader can still press it
    expect(widget.locator(".ml-hl-status")).to_have_text("Press Check first: the answers open after your first attempt.")
    expect(widget.locator(".ml-hl-tok.ml-key")).to_have_count(0)
    expect(widget.locator(".ml-hl-feedback")).to_be_hidden()

    widget.get_by_role("button", name="Check").click()
    expect(answers).not_to_have_attribute("aria-disabled", "true")
    expect(widget.locator(".ml-hl-answers-note")).to_be_hidden()
    # A legend says what each kind of checked mark looks like, in words and symbols, not by colour alone.
    legend = widget.locator(".ml-hl-legend")
    expect(legend).to_be_visible()
    for words in ("Found:", "Partly found:", "Missed:", "Not in the key:"):
        expect(legend).to_contain_text(words)
    expected = expected_scores(case, [1, 2], [("artillery", 1), ("unprovoked massacre", 1), ("far more dangerous stage", 1)])
    assert 0 < expected.f1 < 1
    assert shown_scores(widget) == {
        "precision": f"{expected.precision:.2f}", "recall": f"{expected.recall:.2f}", "f1": f"{expected.f1:.2f}",
    }
    # The plain-words explanation says what SpanScore.summary() says.
    explanation = widget.locator(".ml-hl-explain p").all_inner_texts()
    assert explanation == expected.summary().split("\n")
    assert explanation[0] == "You marked 3 phrases; 2 overlap the key and 1 does not."
    expect(widget.locator(".ml-hl-kind")).to_contain_text("about 0.5")
    expect(widget.locator(".ml-hl-kind")).to_contain_text("0.6 against our key is good work")

    # Per key phrase: found / missed, and what the student marked that matches nothing.
    expect(key_item(widget, case, "unprovoked massacre").locator(".ml-hl-badge")).to_have_text("✓ Found")
    expect(key_item(widget, case, "far more dangerous stage").locator(".ml-hl-badge")).to_have_text("✓ Found")
    missed = key_item(widget, case, "war crime")
    expect(missed.locator(".ml-hl-badge")).to_have_text("✗ Missed")
    expect(missed).not_to_contain_text("war crime")  # not given away before "Show answers"
    expect(widget.locator(".ml-hl-extraitem")).to_have_count(1)
    expect(widget.locator(".ml-hl-extraitem")).to_contain_text("“artillery”")
    expect(widget.locator(".ml-hl-extraitem .ml-hl-badge")).to_have_text("? Not in the key")
    assert "ml-extra" in token(widget, "artillery", 1).get_attribute("class")
    assert "ml-hit" in token(widget, "massacre", 1).get_attribute("class")

    # A disclosure opens the technique, the reason and the neutral alternative.
    ll01 = next(p for p in case.loaded_language if p.text == "unprovoked massacre")
    found = key_item(widget, case, "unprovoked massacre")
    expect(found.get_by_text(ll01.reason)).to_be_hidden()
    found.locator("summary").click()
    expect(found.get_by_text(ll01.reason)).to_be_visible()
    expect(found.get_by_text(ll01.neutral_alternative, exact=True)).to_be_visible()
    expect(found.get_by_text("Loaded language", exact=True)).to_be_visible()
    screenshot("checked")
    shoot_widget(widget, "site-checked")

    # The score stays as checked until the next Check: marking "crime" changes nothing in the feedback (no
    # guess-and-check), and a note says the marks changed since.
    token(widget, "crime", 2).click()
    expect(widget.locator(".ml-hl-stale")).to_be_visible()
    expect(missed.locator(".ml-hl-badge")).to_have_text("✗ Missed")
    assert shown_scores(widget) == {
        "precision": f"{expected.precision:.2f}", "recall": f"{expected.recall:.2f}", "f1": f"{expected.f1:.2f}",
    }
    assert "ml-hit" not in token(widget, "crime", 2).get_attribute("class")  # no colour verdict on a new mark
    # Partly found, after the next Check: "crime" only, inside the quotation marks.
    widget.get_by_role("button", name="Check").click()
    expect(widget.locator(".ml-hl-stale")).to_have_count(0)
    expect(missed.locator(".ml-hl-badge")).to_have_text(re.compile(r"◐ Partly found \(\d+%\)"))
    expect(found.locator("details")).to_have_attribute("open", "")  # the student's open disclosure stays open

    # Show answers boxes every key phrase in the text and names the missed ones.
    widget.get_by_role("button", name="Show answers").click()
    expect(widget.get_by_role("button", name="Hide answers")).to_have_attribute("aria-pressed", "true")
    expect(missed).to_contain_text("“war crime”")
    key_words = [case.text[s:e] for phrase in case.loaded_language if phrase.paragraph in (1, 2)
                 for s, e in tokenize(phrase.text, phrase.start)]
    assert widget.locator(".ml-hl-tok.ml-key").all_inner_texts() == key_words
    screenshot("answers")
    shoot_widget(widget, "site-answers")

    widget.get_by_role("button", name="Reset").click()
    expect(widget.locator(".ml-hl-feedback")).to_be_hidden()
    expect(widget.locator(".ml-hl-tok[aria-selected=true]")).to_have_count(0)
    expect(widget.get_by_role("button", name="Show answers")).to_have_attribute("aria-pressed", "false")
    expect(widget.locator(".ml-hl-status")).to_have_text(re.compile("Nothing marked"))
    page_watch.assert_clean()


def test_keyboard_only(page: Page, page_watch, site_url: str, case, screenshot) -> None:
    widget = open_widget(page, site_url + "book/highlighter.html")
    # Roving tabindex: the whole text is one tab stop.
    expect(widget.locator(".ml-hl-tok[tabindex='0']")).to_have_count(1)
    # Start sequential focus navigation from the instructions, as a keyboard user tabbing through would.
    widget.locator(".ml-hl-help").click()
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("US")
    expect(focused).to_have_attribute("role", "option")
    outline = focused.evaluate("n => [getComputedStyle(n).outlineStyle, parseFloat(getComputedStyle(n).outlineWidth)]")
    assert outline[0] != "none" and outline[1] >= 2, f"the focused word has no visible focus ring: {outline}"

    def move_to(word: str, limit: int = 80) -> None:
        for _ in range(limit):
            if page.locator(":focus").inner_text() == word:
                return
            page.keyboard.press("ArrowRight")
        raise AssertionError(f"ArrowRight never reached {word!r}")

    move_to("unprovoked")
    page.keyboard.press("Space")
    page.keyboard.press("Shift+ArrowRight")  # extends onto "massacre"
    expect(widget.locator(".ml-hl-status")).to_have_text(re.compile("1 phrase marked"))
    page.keyboard.press("ArrowDown")  # first word of paragraph 2
    expect(page.locator(":focus")).to_have_text("The")
    move_to("war")
    page.keyboard.press("Enter")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("ArrowRight")  # moving without Shift marks nothing
    page.keyboard.press("ArrowRight")
    expect(page.locator(":focus")).to_have_text("and")
    page.keyboard.press("Space")
    page.keyboard.press("Space")  # and unmark it again
    assert marks(widget) == ["“unprovoked massacre”", "“war crime”"]
    expect(widget.locator(".ml-hl-tok[tabindex='0']")).to_have_count(1)

    # Tab on to the Check button (past the two Remove buttons) and press it with the keyboard.
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.locator(":focus").inner_text() == "Check":
            break
    expect(page.locator(":focus")).to_have_text("Check")
    page.keyboard.press("Enter")
    expected = expected_scores(case, [1, 2], [("unprovoked massacre", 1), ("war crime", 2)])
    assert expected.precision == 1.0 and 0 < expected.recall < 1
    assert shown_scores(widget)["recall"] == f"{expected.recall:.2f}"
    expect(widget.locator(".ml-hl-status")).to_contain_text(f"F1 {expected.f1:.2f}")
    expect(key_item(widget, case, "war crime").locator(".ml-hl-badge")).to_have_text("✓ Found")
    # Open a disclosure from the keyboard.
    summary = key_item(widget, case, "war crime").locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    ll03 = next(p for p in case.loaded_language if p.text == "war crime")
    expect(key_item(widget, case, "war crime").get_by_text(ll03.reason)).to_be_visible()
    screenshot("keyboard")
    shoot_widget(widget, "site-keyboard")
    page_watch.assert_clean()


def test_narrow_screen_and_accessibility_audit(page: Page, page_watch, site_url: str, screenshot) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    widget = open_widget(page, site_url + "book/highlighter.html")
    token(widget, "unprovoked", 1).click()
    token(widget, "massacre", 1).click(modifiers=["Shift"])
    token(widget, "Wednesday", 1).click()
    widget.get_by_role("button", name="Check").click()
    widget.get_by_role("button", name="Show answers").click()
    widget.locator(".ml-hl-keyitem summary").first.click()
    sizes = widget.evaluate("n => [n.scrollWidth, n.clientWidth, n.getBoundingClientRect().right, window.innerWidth]")
    assert sizes[0] <= sizes[1] + 1, f"the widget scrolls sideways at 390 px: {sizes}"
    assert sizes[2] <= sizes[3] + 1, f"the widget is wider than a 390 px screen: {sizes}"
    for button in widget.locator(".ml-hl-button").all():
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
    widget = open_widget(page, site_url + "book/hostile.html")
    widget.get_by_role("button", name="Check").click()
    widget.get_by_role("button", name="Show answers").click()
    item = widget.locator(".ml-hl-keyitem").first
    item.locator("summary").click()
    expect(item.get_by_text(HOSTILE_REASON, exact=True)).to_be_visible()
    expect(item.get_by_text(HOSTILE_NEUTRAL, exact=True)).to_be_visible()
    assert widget.locator("script, img, b, a").count() == 0, "markup from the data became elements"
    assert page.evaluate("() => window.__pwned") is None, "markup from the data ran"
    screenshot("hostile")
    page_watch.assert_clean()  # an <img src=x> would also show up here as a failed request


def test_marks_saved_from_python_show_on_the_static_page(page: Page, page_watch, site_url: str, case) -> None:
    widget = open_widget(page, site_url + "book/saved.html")
    assert marks(widget) == ["“proudly claimed to have”"]
    expect(token(widget, "proudly", 3)).to_have_attribute("aria-selected", "true")
    expect(widget.locator(".ml-hl-feedback")).to_be_visible()
    expected = expected_scores(case, [3], [("proudly claimed to have", 3)])
    assert shown_scores(widget)["f1"] == f"{expected.f1:.2f}"
    expect(key_item(widget, case, "proudly claimed to have").locator(".ml-hl-badge")).to_have_text("✓ Found")
    # The page keeps working without a kernel: unmark a word, and the feedback follows at the next Check.
    token(widget, "proudly", 3).click()
    expect(key_item(widget, case, "proudly claimed to have").locator(".ml-hl-badge")).to_have_text("✓ Found")
    widget.get_by_role("button", name="Check").click()
    expect(key_item(widget, case, "proudly claimed to have").locator(".ml-hl-badge")).to_have_text(re.compile("Partly found"))
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
    token(widget, "Khasham", 2).click()  # a place name: who or where, not how the words lean
    token(widget, "artillery", 1).click()
    widget.get_by_role("button", name="Check").click()
    items = widget.locator(".ml-hl-extraitem")
    expect(items.filter(has_text="Khasham")).to_contain_text("looks like a name")
    expect(items.filter(has_text="artillery")).not_to_contain_text("looks like a name")
    expect(items.filter(has_text="artillery")).to_contain_text("your reading may still be fair")
    # A neutral reporting verb (none stands alone in paragraphs 1-2, so the module's function is asked directly,
    # with the list the page was given by highlighter.py).
    advice = page.evaluate(
        """async () => {
          const states = [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-state+json"]')]
            .flatMap((s) => Object.values(JSON.parse(s.textContent).state)).map((m) => m.state || {});
          const state = states.find((st) => typeof st._esm === 'string' && st._esm.includes('adviceForUnmatched'));
          const mod = await import(URL.createObjectURL(new Blob([state._esm], {type: 'text/javascript'})));
          return [mod.adviceForUnmatched('said', state._data.neutral_verbs),
                  mod.adviceForUnmatched('“according to', state._data.neutral_verbs),
                  mod.adviceForUnmatched('the Pentagon', state._data.neutral_verbs)];
        }"""
    )
    assert "neutral reporting verb" in advice[0] and "neutral reporting verb" in advice[1]
    assert "looks like a name" in advice[2]
    page_watch.assert_clean()
