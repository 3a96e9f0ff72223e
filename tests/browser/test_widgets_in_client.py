"""The ClaimSorter and the StatementComparer in a real client: JupyterLab on loopback, the widgets run in
Chromium, answered with the mouse and the keyboard, and a following cell prints what reached Python.

The static-site tests (test_claim_sorter_browser.py, test_statement_comparer_browser.py) have no kernel; these
check the other half of a student's path: each choice travels through the widget's comm to `answers` (and
`revealed`), where the kernel validates it and notebook code reads it.
"""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from support.jupyter import (
    LAB,
    SLOW,
    Server,
    assert_clean_client,
    expect_printed,
    open_and_run_all,
    output_of,
    rerun,
    write_notebook,
)

# One JupyterLab per session: every test that uses it is in one xdist group, so one worker starts it.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("jupyterlab")]


@pytest.fixture
def server(lab_server: Server) -> Server:
    """The session's one JupyterLab (tests/browser/conftest.py); this module's notebooks have names of their own."""
    return lab_server


# json.dumps with sorted keys: one exact line to compare, whatever order the browser sent the keys in.
SORTER_CELLS = [
    """\
from medialit import CASE, load_case
from medialit.widgets import ClaimSorter

sorter = ClaimSorter(load_case(CASE), paragraphs=[2, 3])
sorter""",
    'import json\nprint("ANSWERS", json.dumps(sorter.answers, sort_keys=True))',
]


def test_claim_sorter_answers_reach_python(server: Server, page: Page, page_watch) -> None:
    cells = open_and_run_all(server, page, write_notebook(server, "claim-sorter.ipynb", SORTER_CELLS), 2)
    widget = cells.nth(0).locator(".ml-cs")
    expect(widget, "the ClaimSorter did not render in JupyterLab").to_be_visible(timeout=SLOW)
    expect(output_of(cells.nth(1))).to_have_text("ANSWERS {}", timeout=SLOW)
    card = lambda claim_id: widget.locator(f'.ml-cs-card[data-claim="{claim_id}"]')  # noqa: E731

    # cl-03 with the mouse: two radios and one word.
    box = card("cl-03")
    box.get_by_label("Named source").check()
    box.get_by_label(re.compile("^Interpretation")).check()
    box.locator(".ml-cs-token").filter(has_text=re.compile("^denounced$")).click()
    expect(box.locator(".ml-cs-chosen")).to_have_text("Reporting verb: “denounced”.")

    # cl-05 with the keyboard only: Space picks a radio; the arrow keys walk the words; Enter picks one and
    # Enter on its neighbour extends the choice. JupyterLab has shortcuts for all of these keys.
    box = card("cl-05")
    box.get_by_label("Anonymous source").focus()
    page.keyboard.press("Space")
    box.get_by_label(re.compile("^Fact")).focus()
    page.keyboard.press("Space")
    box.locator(".ml-cs-token").first.focus()
    words = box.locator(".ml-cs-token").all_inner_texts()
    for _ in range(words.index("proudly")):
        page.keyboard.press("ArrowRight")
    expect(box.locator(".ml-cs-token").nth(words.index("proudly"))).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    expect(box.locator(".ml-cs-chosen")).to_have_text("Reporting verb: “proudly claimed”.")
    expect(box.get_by_label("Anonymous source")).to_be_checked()
    expect(cells, "a notebook shortcut fired (Space, arrows and Enter all have one)").to_have_count(2)

    rerun(page, cells.nth(1))
    answers = {
        "cl-03": {"attribution": "named", "kind": "interpretation", "reporting_verb": "denounced"},
        "cl-05": {"attribution": "anonymous", "kind": "fact", "reporting_verb": "proudly claimed"},
    }
    expect_printed(cells.nth(1), f"ANSWERS {json.dumps(answers, sort_keys=True)}",
                   "the choices made in JupyterLab did not reach ClaimSorter.answers")
    assert_clean_client(page_watch, LAB)


COMPARER_CELLS = [
    """\
from medialit import CASE, load_case
from medialit.widgets import StatementComparer

comparer = StatementComparer(load_case(CASE))
comparer""",
    'import json\nprint("ANSWERS", json.dumps(comparer.answers, sort_keys=True), "REVEALED", comparer.revealed)',
]
# Letters that are JupyterLab command-mode shortcuts (a, b, d, m, y, z...) must go into the text, not the notebook.
CHECKABLE = "A named list of the dead could be checked by a reporter."
GAINS = "Each side, the article's voice too, may gain by a bigger or smaller figure."


def test_statement_comparer_answers_and_reveal_reach_python(server: Server, page: Page, page_watch) -> None:
    cells = open_and_run_all(server, page, write_notebook(server, "statement-comparer.ipynb", COMPARER_CELLS), 2)
    widget = cells.nth(0).locator(".ml-sc")
    expect(widget, "the StatementComparer did not render in JupyterLab").to_be_visible(timeout=SLOW)
    expect(output_of(cells.nth(1))).to_have_text("ANSWERS {} REVEALED False", timeout=SLOW)

    # The first prompt with the mouse, then Tab past its model-answer button (offered once something is written)
    # to the second and type; Tab past its button and the third prompt to the reveal button and press Enter.
    widget.get_by_label("Which of these figures could someone check").click()
    page.keyboard.type(CHECKABLE)
    page.keyboard.press("Tab")
    expect(widget.locator('.ml-sc-prompt[data-prompt="checkable"] .ml-sc-model-toggle')).to_be_focused()
    page.keyboard.press("Tab")
    expect(widget.get_by_label("What might each source")).to_be_focused()
    page.keyboard.type(GAINS)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    reveal = widget.locator("button.ml-sc-reveal")
    expect(reveal).to_be_focused()
    page.keyboard.press("Enter")
    expect(reveal).to_have_attribute("aria-expanded", "true")
    expect(widget.locator(".ml-sc-later")).to_be_visible()
    expect(cells, "a notebook shortcut fired while typing").to_have_count(2)

    rerun(page, cells.nth(1))
    answers = {"checkable": CHECKABLE, "gains": GAINS}
    expect_printed(cells.nth(1), f"ANSWERS {json.dumps(answers, sort_keys=True)} REVEALED True",
                   "the notes typed and the reveal pressed in JupyterLab did not reach StatementComparer")
    assert_clean_client(page_watch, LAB)


LAB_CELLS = [
    """\
from medialit import CASE, load_case
from medialit.widgets import DetectorLab

lab = DetectorLab(load_case(CASE), paragraphs=[3])
lab""",
    'print("LAB", lab.selection, round(lab.threshold, 2), lab.rewrite, round(lab.student_score().f1, 4))',
]
# No JupyterLab command-mode shortcut letters matter inside the text box, but the sentence is plain anyway.
REWRITE = "The strike was a brutal massacre."


def test_detector_lab_marks_threshold_and_rewrite_reach_python(server: Server, page: Page, page_watch) -> None:
    from medialit import CASE, load_case
    from medialit.scoring import span_prf

    cells = open_and_run_all(server, page, write_notebook(server, "detector-lab.ipynb", LAB_CELLS), 2)
    widget = cells.nth(0).locator(".ml-dl")
    expect(widget, "the DetectorLab did not render in JupyterLab").to_be_visible(timeout=SLOW)
    # Keyboard only: Space marks "proudly", the arrow moves on, Space marks "claimed"; two steps of the slider.
    widget.locator(".ml-dl-tok").filter(has_text=re.compile("^proudly$")).focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    widget.locator(".ml-dl-slider").focus()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    widget.get_by_label("Write the spin").fill(REWRITE)
    expect(cells, "a notebook shortcut fired (Space and the arrows all have one)").to_have_count(2)

    case = load_case(CASE)
    p3 = case.paragraph(3)
    start = p3.start + p3.text.index("proudly claimed")
    span = [start, start + len("proudly claimed")]
    f1 = span_prf([tuple(span)], [x.span for x in case.loaded_language if x.paragraph == 3]).f1
    rerun(page, cells.nth(1))
    expect_printed(cells.nth(1), f"LAB [{span}] 0.4 {REWRITE} {round(f1, 4)}",
                   "the marks, threshold and rewrite made in JupyterLab did not reach DetectorLab")
    assert_clean_client(page_watch, LAB)
