"""A real client: JupyterLab on loopback, a notebook with the Highlighter run in Chromium, words marked
with the mouse, and the marks read back in Python by the next cell.

This is the path a student with a kernel takes: the browser writes `selection` through the widget's comm,
the kernel validates it (snapping to whole words), and notebook code sees it.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import Page, expect

from medialit import CASE, load_case

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SETUP_CELL = """\
from medialit import CASE, load_case
from medialit.widgets import Highlighter

widget = Highlighter(load_case(CASE), paragraphs=[1])
widget"""
SLOW = 90_000  # ms
READ_CELL = 'print("SELECTION", widget.selection, widget.marked_phrases())'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"jupyter lab exited with {process.returncode}:\n{log.read_text()[-3000:]}", pytrace=False)
        with contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError):
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.5)
    pytest.fail(f"jupyter lab did not answer within {timeout}s:\n{log.read_text()[-3000:]}", pytrace=False)


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """JupyterLab on 127.0.0.1 in a temporary folder holding the notebook; yields (base URL, token)."""
    work = tmp_path / "work"
    work.mkdir()
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(SETUP_CELL), nbformat.v4.new_code_cell(READ_CELL)]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, work / "highlighter.ipynb")

    # Private settings: no news or update checks (they would try the internet), no saved layout.
    settings = tmp_path / "settings"
    notification = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True)
    notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8")
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
    }
    token = secrets.token_hex(16)
    port = free_port()
    log = tmp_path / "jupyter-lab.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [str(bin_dir / "jupyter"), "lab", "--no-browser", f"--ServerApp.token={token}", f"--port={port}",
             "--ip=127.0.0.1", f"--ServerApp.root_dir={work}", "--LabApp.news_url=None",
             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
             # CI containers run as root; Jupyter refuses that unless asked.
             *(["--allow-root"] if os.geteuid() == 0 else [])],
            cwd=work, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/api/status?token={token}", process, log)
        yield base, token
    finally:
        # Only the server this fixture started (and its kernels, in its own session) are stopped.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_marks_made_in_jupyterlab_reach_python(lab, page: Page, page_watch, screenshot) -> None:
    base, token = lab
    page.set_default_timeout(60_000)
    page.goto(f"{base}/lab/tree/highlighter.ipynb?token={token}&reset", wait_until="domcontentloaded")
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
    # JupyterLab's first load compiles a lot of JavaScript: allow a slow machine its time.
    expect(notebook.locator(".jp-Cell")).to_have_count(2, timeout=SLOW)
    # Wait until the kernel is ready (the status bar says so), then Run > Run All Cells from the menu bar.
    expect(page.locator(".jp-StatusBar-Widget", has_text=re.compile(r"Python 3.*\|\s*Idle"))).to_be_visible(timeout=SLOW)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()

    cells = notebook.locator(".jp-Cell")
    widget = cells.nth(0).locator(".ml-hl")
    expect(widget).to_be_visible(timeout=SLOW)
    expect(cells.nth(1).locator(".jp-OutputArea-output")).to_contain_text("SELECTION [] []", timeout=SLOW)

    word = lambda text: widget.locator(".ml-hl-tok").filter(has_text=re.compile(f"^{re.escape(text)}$"))  # noqa: E731
    word("unprovoked").click()
    word("massacre").click(modifiers=["Shift"])
    # Then the keyboard, which JupyterLab's own shortcuts must not take over: walk to "Wednesday" with
    # the arrow keys, mark it with Space, Tab on to "Check" and press Enter.
    for _ in range(20):
        if page.locator(":focus").inner_text() == "Wednesday":
            break
        page.keyboard.press("ArrowRight")
    expect(page.locator(":focus")).to_have_text("Wednesday")
    page.keyboard.press("Space")
    expect(widget.locator(".ml-hl-marklist .ml-hl-quote")).to_have_text(["“unprovoked massacre”", "“Wednesday”"])
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.locator(":focus").inner_text() == "Check":
            break
    page.keyboard.press("Enter")
    expect(widget.locator(".ml-hl-feedback")).to_be_visible()
    expect(cells).to_have_count(2)  # no notebook shortcut fired (Enter, arrows and Space all have one)

    # Run the following cell again: Python reads the marks the browser sent.
    cells.nth(1).locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+Enter")  # run this cell and stay on it
    case = load_case(CASE)
    paragraph = case.paragraph(1)
    expected = []
    for phrase in ("unprovoked massacre", "Wednesday"):
        at = paragraph.start + paragraph.text.index(phrase)
        expected.append([at, at + len(phrase)])
    line = f"SELECTION {expected} {['unprovoked massacre', 'Wednesday']}"
    expect(cells.nth(1).locator(".jp-OutputArea-output")).to_have_text(line, timeout=SLOW)
    # A window tall enough for the marked text, the feedback and the printed selection in one picture.
    page.set_viewport_size({"width": 1280, "height": 2000})
    widget.locator(".ml-hl-title").scroll_into_view_if_needed()
    screenshot("jupyterlab")
    assert not page_watch.blocked, f"JupyterLab tried to reach other hosts: {page_watch.blocked}"
    assert not page_watch.page_errors, page_watch.page_errors
