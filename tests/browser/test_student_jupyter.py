"""A student's JupyterLab started with the course's student settings (student/jupyter/) shows no instructor tools
and no exchange errors; the same JupyterLab without them shows both, so the check can fail.

    JUPYTER_CONFIG_PATH="$PWD/student/jupyter" .venv/bin/jupyter lab

The settings turn off nbgrader's Formgrader, Course List and Assignment List server extensions and its
formgrader, create-assignment, course-list, assignment-list and menu plugins (nbgrader's documented switches);
Validate stays. The released notebook's role lines (medialit/grading/cell_roles.py) are checked here as a student
sees them.
"""
from __future__ import annotations

import re
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from medialit.grading.cell_roles import ANSWER_CODE, LOCKED_CODE

from support.jupyter import LAB, SLOW, Server, jupyter_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
STUDENT_SETTINGS = ROOT / "student" / "jupyter"
NOTEBOOK = ROOT / "exercises" / "sourcing" / "sourcing.ipynb"
INSTRUCTOR_ITEMS = ("Formgrader", "Create assignment", "Course List")
EXCHANGE_ERROR = re.compile(r"exchange directory does not exist|Error fetching courses", re.I)


@pytest.fixture(scope="module", params=["student", "course"])
def lab(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Server]]:
    """JupyterLab with the student settings, or with the course's full install (the control)."""
    folder = tmp_path_factory.mktemp(f"lab-{request.param}")
    with pytest.MonkeyPatch.context() as env:
        # A private user folder, so that nothing in ~/.jupyter changes what is tested.
        env.setenv("JUPYTER_CONFIG_DIR", str(folder / "user-config"))
        if request.param == "student":
            env.setenv("JUPYTER_CONFIG_PATH", str(STUDENT_SETTINGS))
        else:
            env.delenv("JUPYTER_CONFIG_PATH", raising=False)
        (folder / "server").mkdir()
        with jupyter_server(LAB, folder / "server") as server:
            shutil.copy(NOTEBOOK, server.folder / NOTEBOOK.name)
            yield request.param, server


def _open(page: Page, server: Server) -> None:
    page.set_default_timeout(SLOW)
    page.goto(server.url(NOTEBOOK.name), wait_until="domcontentloaded")
    expect(page.locator(".jp-NotebookPanel .jp-Cell").first).to_be_visible(timeout=SLOW)
    expect(page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Kernel$"))).to_be_visible(timeout=SLOW)
    # The exchange's errors come from requests made while the plugins start; give them time to arrive.
    page.wait_for_timeout(4000)


def _nbgrader_menu_items(page: Page) -> list[str]:
    menu = page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Nbgrader$"))
    if not menu.count():
        return []
    menu.click()
    items = page.locator(".lm-Menu-itemLabel").all_inner_texts()
    page.keyboard.press("Escape")
    return items


def _status(server: Server, path: str) -> int:
    try:
        with urllib.request.urlopen(f"{server.base}{path}?token={server.token}", timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_student_lab_has_no_instructor_tools_and_no_exchange_errors(lab: tuple[str, Server], page: Page,
                                                                   page_watch) -> None:
    kind, server = lab
    _open(page, server)
    menu_items = _nbgrader_menu_items(page)
    create_assignment = page.locator('[title="Nbgrader Create Assignment"]')
    if kind == "course":
        # The control: the full install shows the instructor tools, and its Assignment List the exchange error.
        assert all(item in menu_items for item in INSTRUCTOR_ITEMS), menu_items
        expect(create_assignment).to_have_count(1)
        assert _status(server, "/formgrader") == 200
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Nbgrader$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Assignment List$")).click()
        expect(page.get_by_text(EXCHANGE_ERROR).first).to_be_visible(timeout=SLOW)
        return
    assert menu_items == [], f"the student's JupyterLab has an Nbgrader menu: {menu_items}"
    expect(create_assignment).to_have_count(0)
    for label in INSTRUCTOR_ITEMS + ("Assignment List",):
        expect(page.get_by_text(label, exact=True)).to_have_count(0)
    assert _status(server, "/formgrader") == 404, "the Formgrader server extension is still on"
    expect(page.locator(".jp-Dialog")).to_have_count(0)
    expect(page.get_by_text(EXCHANGE_ERROR)).to_have_count(0)
    # What a student needs stays: the notebook's Validate button.
    expect(page.locator(".jp-NotebookPanel-toolbar").get_by_text("Validate")).to_be_visible()
    assert not page_watch.blocked and not page_watch.page_errors, (page_watch.blocked, page_watch.page_errors)
    # And the notebook says which cells are the student's (the role lines of medialit/grading/cell_roles.py).
    cells = page.locator(".jp-NotebookPanel .jp-Cell.jp-CodeCell")
    # JupyterLab draws only the cells near the view (the others have empty editors until scrolled to).
    first_lines = [line for text in cells.locator(".jp-InputArea-editor").all_inner_texts()
                   if (line := text.split("\n", 1)[0].strip())]
    assert LOCKED_CODE in first_lines and ANSWER_CODE in first_lines, first_lines
    assert set(first_lines) <= {LOCKED_CODE, ANSWER_CODE}, first_lines



def test_a_chapter_opens_as_a_notebook_as_the_intro_says(lab: tuple[str, Server], page: Page) -> None:
    """book/intro.md: right-click a chapter's file, Open With > Jupytext Notebook (jupytext is installed)."""
    _kind, server = lab
    shutil.copy(ROOT / "book" / "loaded-language.md", server.folder / "loaded-language.md")
    page.set_default_timeout(SLOW)
    page.goto(f"{server.base}/lab?token={server.token}&reset", wait_until="domcontentloaded")
    item = page.locator(".jp-DirListing-item", has_text="loaded-language.md")
    expect(item).to_be_visible(timeout=SLOW)
    item.click(button="right")
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Open With$")).hover()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Jupytext Notebook$")).click()
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    # A notebook, not the Markdown editor: cells (JupyterLab draws them as they come into view) and a kernel.
    expect(panel.locator(".jp-Cell.jp-MarkdownCell").first).to_be_visible(timeout=SLOW)
    expect(panel.locator(".jp-Cell.jp-CodeCell").first).to_be_visible(timeout=SLOW)
    expect(panel.locator(".jp-Toolbar-kernelName")).to_contain_text("Python 3", timeout=SLOW)


def test_running_the_released_notebook_from_the_top_says_what_to_answer(lab: tuple[str, Server], page: Page) -> None:
    """Kernel → Restart Kernel and Run All Cells… on an unanswered notebook: the first answer cell says it has no
    answer yet; the check cell under it, run next, says "answer the cell above first"; no NameError anywhere."""
    _kind, server = lab  # the same with the student settings and with the course's full install
    _open(page, server)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Kernel$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Restart Kernel and Run All Cells…$")).click()
    dialog = page.locator(".jp-Dialog")
    if dialog.count():  # JupyterLab asks before restarting a running kernel
        dialog.locator("button.jp-mod-accept").click()
    cells = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell.jp-CodeCell")
    editors = cells.locator(".jp-InputArea-editor")
    answer_at = next(i for i, text in enumerate(editors.all_inner_texts()) if text.startswith(ANSWER_CODE))
    answer = cells.nth(answer_at)
    expect(answer.locator(".jp-OutputArea-output")).to_contain_text("This task has no answer yet", timeout=SLOW)
    check = cells.nth(answer_at + 1)
    check.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+Enter")
    output = check.locator(".jp-OutputArea-output")
    expect(output).to_contain_text("answer the cell above first", timeout=SLOW)
    expect(page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")).not_to_contain_text("NameError")
    announcement = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell",
                                has_text=re.compile(r"\[YOUR ANSWER\].*your answer goes in the next cell"))
    expect(announcement.first).to_be_visible()
