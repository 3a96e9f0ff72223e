"""The DiscernmentCheck in JupyterLab: answers given in the browser (mouse and keyboard) reach Python.

The static-site test (test_discernment_check_browser.py) has no kernel; this checks the notebook path: each
answer and confidence travels through the widget's comm to `responses` and `finished`, and notebook code
scores them with medialit.assessment, the same numbers the widget shows.
"""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from medialit import CASE
from medialit.assessment.check import load_check, score_form

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

CELLS = [
    """\
from medialit import CASE
from medialit.widgets import DiscernmentCheck

check = DiscernmentCheck(CASE)
check""",
    'import json\nprint("CHECK", json.dumps(check.responses["before"], sort_keys=True), check.finished, '
    '{k: round(v.d_prime, 6) for k, v in sorted(check.scores("before").items())})',
]


@pytest.fixture
def server(lab_server: Server) -> Server:
    """The session's one JupyterLab (tests/browser/conftest.py); this module's notebooks have names of their own."""
    return lab_server


def test_answers_reach_python(server: Server, page: Page, page_watch) -> None:
    items = load_check(CASE).items("before")
    cells = open_and_run_all(server, page, write_notebook(server, "check.ipynb", CELLS), 2)
    widget = cells.nth(0).locator(".ml-ck")
    expect(widget, "the DiscernmentCheck did not render in JupyterLab").to_be_visible(timeout=SLOW)
    expect(output_of(cells.nth(1))).to_have_text("CHECK {} [] {}", timeout=SLOW)

    answered = {}
    # Item 1 by keyboard: Space picks the first answer, then Tab, Space and two Right arrows give the third
    # confidence level: 70 % when the lowest is a two-answer guess (50 %), 60 % after a three-answer one (33 %).
    first = widget.locator(f'.ml-ck-item[data-item="{items[0].id}"]')
    first.locator("input").first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(cells, "a notebook shortcut fired while answering").to_have_count(2)
    options = load_check(CASE).questions[items[0].skill].options
    third_level = 0.7 if len(options) <= 2 else 0.6
    answered[items[0].id] = {"answer": options[0].value, "confidence": third_level}
    # The rest with the mouse, every answer the keyed one, at 90 %.
    for item in items[1:]:
        box = widget.locator(f'.ml-ck-item[data-item="{item.id}"]')
        box.locator(f"label[for$='-a-{item.answer}']").click()
        box.locator("label[for$='-c-90']").click()
        answered[item.id] = {"answer": item.answer, "confidence": 0.9}
    widget.get_by_role("button", name="Finish and see my results").click()
    expect(widget.locator(".ml-ck-results svg[role='img']")).to_have_count(3)

    rerun(page, cells.nth(1))
    scores = {k: round(v.d_prime, 6) for k, v in sorted(score_form(load_check(CASE), "before", answered).items())}
    expect_printed(cells.nth(1), f"CHECK {json.dumps(answered, sort_keys=True)} ['before'] {scores}",
                   "the answers given in JupyterLab did not reach DiscernmentCheck.responses")
    assert_clean_client(page_watch, LAB)
