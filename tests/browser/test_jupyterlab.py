"""Real clients: JupyterLab and Notebook 7 on loopback, a notebook with the Highlighter run in Chromium, words
marked with the mouse and the keyboard, and the marks read back in Python by the next cell.

This is the path a student with a kernel takes: the browser writes `selection` through the widget's comm,
the kernel validates it (snapping to whole words), and notebook code sees it.

The helpers (starting a server, opening and running a notebook, re-running a cell) are in tests/support/jupyter.py,
shared with the other tests that drive widgets in a real client; JupyterLab is one server for the session.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from medialit import CASE, load_case

from support.jupyter import (
    APPS,
    LAB,
    SLOW,
    App,
    Server,
    assert_clean_client,
    expect_printed,
    jupyter_server,
    open_and_run_all,
    output_of,
    rerun,
    write_notebook,
)

# One JupyterLab per session: every test that uses it is in one xdist group, so one worker starts it.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("jupyterlab")]


# ---- the Highlighter, in both clients -------------------------------------------------------------------------

HIGHLIGHTER_CELLS = [
    """\
from medialit import CASE, load_case
from medialit.widgets import Highlighter

widget = Highlighter(load_case(CASE), paragraphs=[1])
widget""",
    'print("SELECTION", widget.selection, widget.marked_phrases())',
]


@pytest.fixture(scope="module", params=APPS, ids=[app.name for app in APPS])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The session's JupyterLab, or a Notebook 7 for this module's tests, stopped at the end even when a test failed."""
    app: App = request.param
    if app is LAB:
        yield request.getfixturevalue("lab_server")
        return
    with jupyter_server(app, tmp_path_factory.mktemp(f"jupyter-{app.name}")) as running:
        yield running


def open_highlighter(server: Server, page: Page, name: str) -> tuple[Locator, Locator]:
    """Run a fresh notebook with the Highlighter; returns (its cells, the widget) once Python saw no marks."""
    cells = open_and_run_all(server, page, write_notebook(server, name, HIGHLIGHTER_CELLS), len(HIGHLIGHTER_CELLS))
    widget = cells.nth(0).locator(".ml-hl")
    expect(widget, f"the Highlighter did not render in {server.app.title}").to_be_visible(timeout=SLOW)
    expect(output_of(cells.nth(1))).to_contain_text("SELECTION [] []", timeout=SLOW)
    return cells, widget


def selection_line(phrases: list[str]) -> str:
    """What the read cell prints when `phrases` (each once in paragraph 1) are marked."""
    paragraph = load_case(CASE).paragraph(1)
    spans = []
    for phrase in phrases:
        at = paragraph.start + paragraph.text.index(phrase)
        spans.append([at, at + len(phrase)])
    return f"SELECTION {spans} {phrases}"


def word(widget: Locator, text: str) -> Locator:
    return widget.locator(".ml-hl-tok").filter(has_text=re.compile(f"^{re.escape(text)}$"))


def test_marks_made_with_the_mouse_reach_python(server: Server, page: Page, page_watch, screenshot) -> None:
    cells, widget = open_highlighter(server, page, "highlighter-mouse.ipynb")
    # A real drag across the words selects them in the client's page, and the button marks the selection.
    start = word(widget, "unprovoked").bounding_box()
    end = word(widget, "massacre").bounding_box()
    page.mouse.move(start["x"] + 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] - 2, end["y"] + end["height"] / 2, steps=8)
    page.mouse.up()
    widget.get_by_role("button", name="Mark selected words").click()
    box = widget.get_by_role("textbox", name="Type the words to mark:")
    box.click()
    box.fill("Wednesday")
    widget.get_by_role("button", name="Mark the typed words").click()
    expect(widget.locator(".ml-hl-marklist .ml-hl-quote")).to_have_text(["“unprovoked massacre”", "“Wednesday”"])

    # Run the following cell again before pressing Check (which also syncs): marking alone must reach Python.
    rerun(page, cells.nth(1))
    expect_printed(cells.nth(1), selection_line(["unprovoked massacre", "Wednesday"]),
                   f"the marks made with the mouse in {server.app.title} did not reach Highlighter.selection")
    widget.get_by_role("button", name="Check").click()
    expect(widget.locator(".ml-hl-feedback")).to_be_visible()
    # A window tall enough for the marked text, the feedback and the printed selection in one picture.
    page.set_viewport_size({"width": 1280, "height": 2000})
    widget.locator(".ml-hl-title").scroll_into_view_if_needed()
    screenshot(server.app.name)
    assert_clean_client(page_watch, server.app)


def test_marks_made_with_the_keyboard_reach_python(server: Server, page: Page, page_watch) -> None:
    cells, widget = open_highlighter(server, page, "highlighter-keys.ipynb")
    # The keyboard only, which the client's own shortcuts must not take over: into the box, type the words
    # (letters such as "d", "a" and "b" are notebook shortcuts), Enter marks them, Tab on to "Check" and Enter.
    widget.locator(".ml-hl-find").focus()
    page.keyboard.type("Wednesday")
    page.keyboard.press("Enter")
    expect(widget.locator(".ml-hl-marklist .ml-hl-quote")).to_have_text(["“Wednesday”"])
    for _ in range(8):
        page.keyboard.press("Tab")
        if page.locator(":focus").inner_text() == "Check":
            break
    page.keyboard.press("Enter")
    expect(widget.locator(".ml-hl-feedback")).to_be_visible()
    expect(cells, "a notebook shortcut fired (Enter, arrows and Space all have one)").to_have_count(2)

    rerun(page, cells.nth(1))
    expect_printed(cells.nth(1), selection_line(["Wednesday"]),
                   f"the marks made with the keyboard in {server.app.title} did not reach Highlighter.selection")
    assert_clean_client(page_watch, server.app)
