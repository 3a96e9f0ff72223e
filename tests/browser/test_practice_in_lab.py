"""The PracticeSet in a real client: JupyterLab on loopback, answered by keyboard, and a following cell prints what
reached Python (`answers`, validated by the kernel, and how far up the ladder each item went)."""
from __future__ import annotations

import json

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

CELLS = [
    """\
from medialit import CASE, load_case
from medialit.widgets import PracticeSet

practice_set = PracticeSet(load_case(CASE), "loaded_language")
practice_set""",
    'import json\nprint("STATE", json.dumps([practice_set.answers, practice_set.ladder, practice_set.right()], sort_keys=True))',
]


@pytest.fixture
def server(lab_server: Server) -> Server:
    """The session's one JupyterLab (tests/browser/conftest.py); this module's notebooks have names of their own."""
    return lab_server


def test_practice_answers_and_ladder_reach_python(server: Server, page: Page, page_watch) -> None:
    cells = open_and_run_all(server, page, write_notebook(server, "practice-set.ipynb", CELLS), 2)
    widget = cells.nth(0).locator(".ml-ps")
    expect(widget, "the PracticeSet did not render in JupyterLab").to_be_visible(timeout=SLOW)
    expect(output_of(cells.nth(1))).to_have_text('STATE [{}, {}, {}]', timeout=SLOW)

    # Keyboard only, where JupyterLab has shortcuts for Enter and Space: mark a phrase, Check, open the bigger hint.
    card = widget.locator(".ml-ps-item[data-item='ll-19-mark']")
    card.locator(".ml-ps-phrase[data-phrase='proxy ground force']").focus()
    page.keyboard.press("Enter")
    card.get_by_role("button", name="Check").focus()
    page.keyboard.press("Enter")
    expect(card.locator(".ml-ps-hint")).to_contain_text("sentence's second word")
    card.get_by_role("button", name="Bigger hint").focus()
    page.keyboard.press("Space")
    expect(card.locator(".ml-ps-bigger")).to_be_visible()
    # A technique by radio: arrow keys move within the group.
    choice = widget.locator(".ml-ps-item[data-item='ll-19-technique']")
    choice.get_by_label("Loaded language").focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    expect(choice.get_by_label("Name-calling or labelling")).to_be_checked()
    expect(cells, "a notebook shortcut fired").to_have_count(2)

    rerun(page, cells.nth(1))
    answers = {"ll-19-mark": ["proxy ground force"], "ll-19-technique": "Name_Calling,Labeling"}
    ladder = {"ll-19-mark": {"answer_shown": False, "attempts": 1, "bigger_hint": True, "checked": True}}
    right = {"ll-19-mark": False, "ll-19-technique": True}
    expect_printed(cells.nth(1), f"STATE {json.dumps([answers, ladder, right], sort_keys=True)}",
                   "the practice done in JupyterLab did not reach PracticeSet.answers / .ladder")
    assert_clean_client(page_watch, LAB)
