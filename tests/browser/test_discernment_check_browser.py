"""The discernment check in Chromium: the JS scores exactly as medialit.assessment, and the real chapter works.

The chapter (book/check.md) is built into a one-page book with the project's _config.yml, so the widget runs
as on the course site: saved state, no kernel, the self-hosted runtime. A form is answered by keyboard and
mouse, handed in, the page reloaded: the answers, the scores and the pictures are still there, from the
browser's localStorage. Expected numbers always come from Python (medialit.assessment), never from the page.
"""
from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from medialit import CASE
from medialit.assessment import brier, discernment
from medialit.assessment.check import FORMS, load_check, score_form

from support.fixture_book import FixturePage, register
from support.site import save_screenshot

ROOT = Path(__file__).resolve().parents[2]
MODULE = ROOT / "medialit" / "widgets" / "discernment_check.js"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


register(FixturePage("check", (ROOT / "book" / "check.md").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def site(fixture_site: Path) -> Path:
    """The session's fixture book, which has the course's check chapter as book/check.html."""
    return fixture_site


@pytest.fixture(scope="module")
def module_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The widget's ES module beside an empty page, to import it alone."""
    folder = tmp_path_factory.mktemp("check-module")
    shutil.copyfile(MODULE, folder / "discernment_check.js")
    (folder / "index.html").write_text("<!doctype html><title>module</title>", encoding="utf-8")
    return folder


def _number(text: str) -> float:
    return float(text.replace("\u2212", "-"))


# ---------------------------------------------------------------------------------------------------------------
# The JS against the Python, on fixed inputs
# ---------------------------------------------------------------------------------------------------------------

def test_js_scoring_equals_python(module_folder: Path, serve, page: Page, page_watch) -> None:
    from statistics import NormalDist

    probabilities = [1e-12, 1e-6, 0.001, 0.02, 0.0749, 0.075, 0.1, 0.25, 0.3, 0.5, 0.61, 0.9, 0.925, 0.98, 0.999,
                     1 - 1e-9, 1 / 3, 2 / 3, 4.5 / 5, 0.5 / 5]
    counts = [(h, m, f, r) for h in range(5) for m in range(5) for f in range(5) for r in range(5)
              if h + m and f + r] + [(12, 3, 9, 6), (40, 0, 0, 40), (0, 17, 23, 0)]
    rng = random.Random(14)
    check = load_check(CASE)
    payload = check.payload()
    forms = []
    for _ in range(30):
        form = rng.choice(FORMS)
        responses = {}
        for item in check.items(form):
            if rng.random() < 0.9:  # some items left out: skipped by both sides
                options = [o.value for o in check.questions[item.skill].options]
                responses[item.id] = {"answer": rng.choice(options),
                                      "confidence": rng.choice([0.5, 0.6, 0.7, 0.8, 0.9, 1.0])}
        forms.append((form, responses))
    briers = [([rng.random() for _ in range(n)], [rng.random() < 0.5 for _ in range(n)]) for n in (1, 2, 7, 24)]

    with serve(module_folder) as url:
        page.goto(url + "index.html")
        got = page.evaluate(
            """async ([url, probabilities, counts, payload, forms, briers]) => {
                const m = await import(url);
                return {
                    z: probabilities.map((p) => m.normInv(p)),
                    d: counts.map(([h, mi, f, r]) => m.discernment(h, mi, f, r)),
                    forms: forms.map(([form, responses]) => m.scoreForm(payload, form, responses)),
                    brier: briers.map(([c, k]) => m.brier(c, k)),
                    zeroD: m.discernment(4, 0, 4, 0).dPrime,
                };
            }""",
            [url + "discernment_check.js", probabilities, counts, payload, forms, briers],
        )
    # statistics.NormalDist.inv_cdf runs the same algorithm (AS241): agreement to the last bits or so.
    for p, z in zip(probabilities, got["z"]):
        assert z == pytest.approx(NormalDist().inv_cdf(p), abs=1e-12, rel=1e-13), p
    for (h, m, f, r), js in zip(counts, got["d"]):
        py = discernment(h, m, f, r)
        assert js["dPrime"] == pytest.approx(py.d_prime, abs=1e-12), (h, m, f, r)
        assert js["c"] == pytest.approx(py.c, abs=1e-12), (h, m, f, r)
        assert js["hitRate"] == py.hit_rate and js["falseAlarmRate"] == py.false_alarm_rate
    for (form, responses), js in zip(forms, got["forms"]):
        py = score_form(check, form, responses)
        assert set(js) == set(py)
        for skill, score in py.items():
            mine = js[skill]
            assert (mine["hits"], mine["misses"], mine["falseAlarms"], mine["correctRejections"]) == \
                (score.hits, score.misses, score.false_alarms, score.correct_rejections)
            assert mine["dPrime"] == pytest.approx(score.d_prime, abs=1e-12)
            assert mine["c"] == pytest.approx(score.c, abs=1e-12)
            assert mine["brier"] == pytest.approx(score.brier, abs=1e-12)
    for (c, k), js in zip(briers, got["brier"]):
        assert js == pytest.approx(brier(c, k), abs=1e-15)
    assert got["zeroD"] == 0
    page_watch.assert_clean()


# ---------------------------------------------------------------------------------------------------------------
# The chapter
# ---------------------------------------------------------------------------------------------------------------

def open_check(page: Page, url: str) -> Locator:
    page.goto(url + "book/check.html", wait_until="networkidle")
    widget = page.locator(".ml-ck")
    expect(widget).to_have_count(1)
    expect(widget.locator(".ml-ck-item").first).to_be_visible()
    return widget


def item_box(widget: Locator, item_id: str) -> Locator:
    return widget.locator(f'.ml-ck-item[data-item="{item_id}"]')


def answer_by_mouse(widget: Locator, item_id: str, answer: str, confidence: float) -> None:
    box = item_box(widget, item_id)
    box.locator(f"label[for$='-a-{answer}']").click()
    box.locator(f"label[for$='-c-{round(confidence * 100)}']").click()


def shown_table(widget: Locator) -> dict[tuple[str, str], dict[str, str]]:
    rows = {}
    for row in widget.locator(".ml-ck-table tbody tr").all():
        rows[row.get_attribute("data-skill"), row.get_attribute("data-form")] = {
            "d": row.locator(".ml-ck-d").inner_text(), "c": row.locator(".ml-ck-c").inner_text(),
            "brier": row.locator(".ml-ck-brier").inner_text(),
        }
    return rows


def expected_table(check, answered: dict[str, dict]) -> dict[tuple[str, str], dict[str, str]]:
    rows = {}
    for form, responses in answered.items():
        for skill, score in score_form(check, form, responses).items():
            rows[skill, form] = {"d": f"{score.d_prime:.2f}", "c": f"{score.c:.2f}", "brier": f"{score.brier:.2f}"}
    return {k: {name: ("0.00" if v == "-0.00" else v).replace("-", "\u2212") for name, v in row.items()}
            for k, row in rows.items()}


def shoot(page: Page, widget: Locator, label: str) -> None:
    save_screenshot(page, f"discernment-check-{label}")
    widget.locator(".ml-ck-results").screenshot(path=str(ROOT / "test-artifacts" / f"discernment-check-{label}-results.png"))


def assert_no_overlap(widget: Locator) -> None:
    """No value label of a bar chart overlaps a skill name, another label, or runs outside its picture."""
    for svg in widget.locator("svg.ml-ck-dprime, svg.ml-ck-bias").all():
        boxes = svg.evaluate("""svg => { const frame = svg.getBoundingClientRect();
            const box = (t) => { const r = t.getBoundingClientRect();
              return {text: t.textContent, cls: t.getAttribute('class'), x0: r.left, x1: r.right, y0: r.top, y1: r.bottom}; };
            return {frame: {x0: frame.left, x1: frame.right},
                    texts: [...svg.querySelectorAll('text.ml-ck-label, text.ml-ck-value')].map(box)}; }""")
        texts = boxes["texts"]
        assert any(t["cls"] == "ml-ck-value" for t in texts) and any(t["cls"] == "ml-ck-label" for t in texts)
        for t in texts:
            assert boxes["frame"]["x0"] - 0.5 <= t["x0"] and t["x1"] <= boxes["frame"]["x1"] + 0.5, f"{t} runs out of the picture"
        for i, a in enumerate(texts):
            for b in texts[i + 1:]:
                apart = a["x1"] <= b["x0"] or b["x1"] <= a["x0"] or a["y1"] <= b["y0"] or b["y1"] <= a["y0"]
                assert apart, f"{a['text']!r} overlaps {b['text']!r}"


def test_answer_by_keyboard_and_mouse_reload_and_see_the_change(site: Path, serve, page: Page, page_watch) -> None:
    check = load_check(CASE)
    before = check.items("before")
    with serve(site) as url:
        widget = open_check(page, url)
        expect(widget.locator(".ml-ck-notice")).to_contain_text("invented example")
        expect(widget.locator(".ml-ck-kind").first).to_have_text("Invented example · " +
                                                                  check.questions[before[0].skill].title)
        expect(widget.get_by_role("radio", name="Before the course")).to_be_checked()
        expect(widget.locator(".ml-ck-item")).to_have_count(len(before))

        # Keyboard: from the form chooser, Tab into item 1's answers, Space picks the first answer, Tab to the
        # confidence scale, Right arrow three times from the lowest level; then item 2 with its second answer.
        # The scale starts at a guess: 33 % for a question with three answers, 50 % for one with two.
        def levels(item) -> list[float]:
            n = len(check.questions[item.skill].options)
            return [0.5, 0.6, 0.7, 0.8, 0.9, 1.0] if n == 2 else [round(100 / n) / 100, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]

        assert {len(check.questions[i.skill].options) for i in before} == {2, 3}
        for item in before[:2]:
            shown = item_box(widget, item.id).locator(".ml-ck-confidence label").all_inner_texts()
            assert shown == [f"{round(level * 100)} %" for level in levels(item)]
        answered: dict[str, dict] = {}
        widget.get_by_role("radio", name="Before the course").focus()
        for item, option_index in ((before[0], 0), (before[1], 1)):
            options = [o.value for o in check.questions[item.skill].options]
            page.keyboard.press("Tab")
            page.keyboard.press("Space")
            for _ in range(option_index):
                page.keyboard.press("ArrowRight")
            page.keyboard.press("Tab")
            page.keyboard.press("Space")
            for _ in range(3):
                page.keyboard.press("ArrowRight")
            answered[item.id] = {"answer": options[option_index], "confidence": levels(item)[3]}
        for item in before[:2]:
            box = item_box(widget, item.id)
            expect(box.locator(f"input[value='{answered[item.id]['answer']}']")).to_be_checked()
            expect(box.locator(f"input[value='{answered[item.id]['confidence']}']")).to_be_checked()

        # Handing in too early says what is missing and moves the focus there.
        widget.get_by_role("button", name="Finish and see my results").click()
        expect(widget.locator(".ml-ck-progress")).to_contain_text("Not yet: items 3, 4")
        assert page.evaluate("document.activeElement.closest('.ml-ck-item').dataset.item") == before[2].id

        # Mouse: a reader who is right on most items and too sure on the ones they miss.
        rng = random.Random(2026)
        for item in before[2:]:
            options = [o.value for o in check.questions[item.skill].options]
            right = rng.random() < 0.7
            answer = item.answer if right else rng.choice([o for o in options if o != item.answer])
            confidence = rng.choice([0.7, 0.8, 0.9]) if right else rng.choice([0.9, 1.0])
            answer_by_mouse(widget, item.id, answer, confidence)
            answered[item.id] = {"answer": answer, "confidence": confidence}
        expect(widget.locator(".ml-ck-progress")).to_contain_text("Every item is answered")
        widget.get_by_role("button", name="Finish and see my results").click()
        expect(widget.locator(".ml-ck-results-title")).to_be_focused()
        assert shown_table(widget) == expected_table(check, {"before": answered})
        expect(widget.locator(".ml-ck-item[data-result]")).to_have_count(len(before))
        wrong = next(i for i in before if answered[i.id]["answer"] != i.answer)
        expect(item_box(widget, wrong.id).locator(".ml-ck-feedback")).to_contain_text(wrong.why)
        # The chosen answer stays readable after finishing: in words, and drawn bold, not greyed out.
        chosen = next(o for o in check.questions[wrong.skill].options if o.value == answered[wrong.id]["answer"])
        expect(item_box(widget, wrong.id).locator(".ml-ck-yours")).to_have_text(
            f"Your answer: “{chosen.label}”, {round(answered[wrong.id]['confidence'] * 100)} % sure. ")
        label = item_box(widget, wrong.id).locator(f"label[for$='-a-{chosen.value}']")
        assert int(label.evaluate("el => getComputedStyle(el).fontWeight")) >= 700
        assert label.evaluate("el => getComputedStyle(el).opacity") == "1"
        # Each skill's result as a sentence, before the numbers.
        verdicts = widget.locator(".ml-ck-verdicts li")
        expect(verdicts).to_have_count(len(check.skills))
        expect(verdicts.first).to_contain_text(re.compile(r"you told \w.* texts from the others"))
        assert_no_overlap(widget)

        # The pictures: three SVGs, each named and described in words with the numbers it shows.
        pictures = widget.locator(".ml-ck-results svg[role='img']")
        expect(pictures).to_have_count(3)
        for svg in pictures.all():
            title, desc = svg.locator("title").text_content(), svg.locator("desc").text_content()
            assert title and len(desc) > 40
            assert svg.get_attribute("aria-labelledby").split() == [svg.locator("title").get_attribute("id"),
                                                                   svg.locator("desc").get_attribute("id")]
        expect(widget.locator(".ml-ck-dprime .ml-ck-bar")).to_have_count(3)
        scores = score_form(check, "before", answered)
        expect(widget.locator(".ml-ck-dprime desc")).to_contain_text(
            f"{check.questions['claims'].title}: before {scores['claims'].d_prime:.2f}".replace("-", "\u2212"))
        calibration = widget.locator(".ml-ck-calibration desc").text_content()
        sure = [r for r in answered.values() if r["confidence"] == 1.0]
        right_when_sure = sum(1 for i in before if answered[i.id]["confidence"] == 1.0 and answered[i.id]["answer"] == i.answer)
        assert f"at 100 % sure, {right_when_sure} of {len(sure)} right" in calibration
        shoot(page, widget, "1280-before")

        # Reload: everything comes back from this browser's storage.
        page.reload(wait_until="networkidle")
        widget = page.locator(".ml-ck")
        expect(widget.locator(".ml-ck-item").first).to_be_visible()
        expect(widget.locator("label[for$='-form-before'] .ml-ck-status")).to_have_text("(finished)")
        assert shown_table(widget) == expected_table(check, {"before": answered})
        expect(widget.locator(".ml-ck-results svg[role='img']")).to_have_count(3)
        keys = [k for k in page.evaluate("Object.keys(localStorage)") if k.startswith("medialit-check:")]
        assert keys == [f"medialit-check:{CASE}:{check.edition}:before"]  # the theme keeps its own keys
        stored = json.loads(page.evaluate(f"localStorage.getItem('{keys[0]}')"))
        assert stored["finished"] is True and stored["responses"] == answered

        # The after form, answered perfectly: two bars per skill and a change in words.
        widget.get_by_role("radio", name="After the course").check()
        after = {i.id: {"answer": i.answer, "confidence": 0.9} for i in check.items("after")}
        for item in check.items("after"):
            answer_by_mouse(widget, item.id, after[item.id]["answer"], 0.9)
        widget.get_by_role("button", name="Finish and see my results").click()
        assert shown_table(widget) == expected_table(check, {"before": answered, "after": after})
        expect(widget.locator(".ml-ck-dprime .ml-ck-bar")).to_have_count(6)
        best = score_form(check, "after", after)["loaded_language"].d_prime
        expect(widget.locator(".ml-ck-verdicts li").filter(has_text="Loaded language")).to_contain_text(
            "you told loaded texts from the others better after the course than before the course")
        assert_no_overlap(widget)
        expect(widget.locator(".ml-ck-change")).to_contain_text(
            f"Loaded language: d′ {scores['loaded_language'].d_prime:.2f} before, {best:.2f} after".replace("-", "\u2212"))
        shoot(page, widget, "1280-after")

        # Half-way answers of the delayed form survive a reload too.
        widget.get_by_role("radio", name="A week or more later").check()
        first = check.items("delayed")[0]
        answer_by_mouse(widget, first.id, first.answer, 0.6)
        page.reload(wait_until="networkidle")
        widget = page.locator(".ml-ck")
        expect(widget.get_by_role("radio", name="Before the course")).to_be_checked()  # the page's own default form
        expect(widget.locator("label[for$='-form-delayed'] .ml-ck-status")).to_have_text(f"(1 of {len(check.items('delayed'))} answered)")
        widget.get_by_role("radio", name="A week or more later").check()
        expect(item_box(widget, first.id).locator("input[value='0.6']")).to_be_checked()

        # Taking a form again clears it, and only it.
        widget.get_by_role("radio", name="Before the course").check()
        widget.get_by_role("button", name="Take this form again (clears its saved answers)").click()
        expect(widget.locator(".ml-ck-item input:checked")).to_have_count(0)
        assert set(shown_table(widget)) == {(s, "after") for s in check.skills}

    assert all(r.startswith(url) or r.startswith(("blob:", "data:")) for r in page_watch.requests), \
        [r for r in page_watch.requests if not r.startswith(url)]
    page_watch.assert_clean()


def test_readable_at_390_px_with_no_serious_accessibility_violations(site: Path, serve, page: Page, page_watch) -> None:
    check = load_check(CASE)
    page.set_viewport_size({"width": 390, "height": 844})
    with serve(site) as url:
        widget = open_check(page, url)
        # Keyboard focus is visible on the answer buttons.
        radio = item_box(widget, check.items("before")[0].id).locator("input").first
        radio.focus()
        page.keyboard.press("Space")
        assert radio.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
        # Every sourcing item wrong, so its d′ is negative: the case where a value label once ran into the names.
        for item in check.items("before"):
            options = [o.value for o in check.questions[item.skill].options]
            wrong = next(o for o in options if o != item.answer)
            answer_by_mouse(widget, item.id, wrong if item.skill == "claims" else item.answer, 0.9)
        widget.get_by_role("button", name="Finish and see my results").click()
        scores = score_form(check, "before", {i.id: {"answer": (next(o.value for o in check.questions[i.skill].options
                                                                     if o.value != i.answer) if i.skill == "claims"
                                                                else i.answer), "confidence": 0.9}
                                              for i in check.items("before")})
        assert scores["claims"].d_prime < 0
        overflow = widget.evaluate("el => el.scrollWidth - el.clientWidth")
        assert overflow <= 1, f"the widget is {overflow}px wider than its box at 390 px"
        for svg in widget.locator(".ml-ck-results svg").all():
            box = svg.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert_no_overlap(widget)
        shoot(page, widget, "390")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            """async () => {
                const r = await axe.run(document.querySelector('.ml-ck'), {resultTypes: ['violations']});
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length}));
            }"""
        )
    serious = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not serious, f"axe-core found accessibility problems in the discernment check: {serious}"
    page_watch.assert_clean()
