"""JupyterLab and Notebook 7 on loopback for the browser tests: starting a server (one per session: the
`lab_server` fixture in tests/browser/conftest.py), writing a notebook, opening it and running every cell,
re-running a cell and reading its output.
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
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import Locator, Page, expect

SLOW = 90_000  # ms: a first load compiles a lot of JavaScript, and CI is a fresh 2-core machine


@dataclass(frozen=True)
class App:
    """A Jupyter client a student may use: the command that starts it and how its notebook page looks."""

    name: str  # the `jupyter <name>` subcommand
    title: str
    notebook_path: str  # URL path of an open notebook, before its name
    # Text that shows once the page's kernel is connected and idle (the two apps show it in different places).
    kernel_idle: str


LAB = App("lab", "JupyterLab", "/lab/tree/", ".jp-StatusBar-Widget")
NOTEBOOK7 = App("notebook", "Notebook 7", "/notebooks/", ".jp-Notebook-ExecutionIndicator")
APPS = [LAB, NOTEBOOK7]


@dataclass(frozen=True)
class Server:
    app: App
    base: str
    token: str
    folder: Path  # the server's root: notebooks written here can be opened by name

    def url(self, notebook: str) -> str:
        # `reset` starts JupyterLab from a clean layout; Notebook 7 ignores it.
        return f"{self.base}{self.app.notebook_path}{urllib.parse.quote(notebook)}?token={self.token}&reset"

    def sessions(self) -> list[dict]:
        with urllib.request.urlopen(f"{self.base}/api/sessions?token={self.token}", timeout=10) as response:
            return json.load(response)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(app: App, url: str, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"jupyter {app.name} exited with {process.returncode}:\n{log.read_text()[-3000:]}",
                        pytrace=False)
        with contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError):
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.5)
    pytest.fail(f"jupyter {app.name} did not answer within {timeout}s:\n{log.read_text()[-3000:]}", pytrace=False)


@contextlib.contextmanager
def jupyter_server(app: App, folder: Path) -> Iterator[Server]:
    """`jupyter lab` or `jupyter notebook` on 127.0.0.1 with a random token, serving folder/work.

    The server runs in its own process group, so stopping it also stops the kernels it started, even when
    the test failed.
    """
    work = folder / "work"
    work.mkdir()
    # Private settings: no news or update checks (they would try the internet), no saved layout.
    settings = folder / "settings"
    notification = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True)
    notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8")
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        # The kernel must be this environment's Python, which has medialit.
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(folder / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
    }
    # JupyterLab's own update check; Notebook 7 has no such option (and no news feed).
    lab_only = (["--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
                if app is LAB else [])
    token = secrets.token_hex(16)
    port = free_port()
    log = folder / f"jupyter-{app.name}.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [str(bin_dir / "jupyter"), app.name, "--no-browser", f"--ServerApp.token={token}", f"--port={port}",
             "--ip=127.0.0.1", f"--ServerApp.root_dir={work}", *lab_only,
             # CI containers run as root; Jupyter refuses that unless asked.
             *(["--allow-root"] if os.geteuid() == 0 else [])],
            cwd=work, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(app, f"{base}/api/status?token={token}", process, log)
        yield Server(app, base, token, work)
    finally:
        # Only the server started here (and its kernels, in its own process group) are stopped.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def write_notebook(server: Server, name: str, cells: list[str]) -> str:
    """A notebook of code cells in the server's folder, for the python3 kernel; returns its name."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, server.folder / name)
    return name


def wait_for_idle_kernel(server: Server, page: Page, notebook: str) -> None:
    """Until the server has an idle kernel for `notebook` and the page shows it is connected and idle."""
    deadline = time.monotonic() + SLOW / 1000
    sessions: list[dict] = []
    while time.monotonic() < deadline:
        sessions = server.sessions()
        # Match the name too: Notebook 7 sometimes registers the session under a UUID path with the file as name.
        if any(notebook in (s["path"], s["name"]) and (s["kernel"] or {}).get("execution_state") == "idle"
               for s in sessions):
            break
        # Not time.sleep: Playwright's sync API runs the page fixture's request router only while we call into
        # it, so sleeping here would hold every request of the page (Notebook 7 then never asks for a kernel).
        page.wait_for_timeout(500)
    else:
        pytest.fail(f"{server.app.title} started no idle kernel for {notebook} within {SLOW // 1000}s; "
                    f"the server's sessions: {sessions}", pytrace=False)
    # The server's state alone is not enough: the page must have connected to that kernel too.
    if server.app is LAB:
        expect(page.locator(LAB.kernel_idle, has_text=re.compile(r"Python 3.*\|\s*Idle"))).to_be_visible(timeout=SLOW)
    else:
        expect(page.locator(".jp-Toolbar-kernelName")).to_contain_text("Python 3", timeout=SLOW)
        expect(page.locator(NOTEBOOK7.kernel_idle)).to_have_attribute("data-status", "idle", timeout=SLOW)


def open_and_run_all(server: Server, page: Page, notebook: str, cell_count: int) -> Locator:
    """Open `notebook` in the server's client, wait for its kernel, run every cell from the menu bar.

    Returns the notebook's cells; the caller waits for the outputs it needs.
    """
    page.set_default_timeout(60_000)
    page.goto(server.url(notebook), wait_until="domcontentloaded")
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
    cells = panel.locator(".jp-Cell")
    expect(cells, f"{server.app.title} did not show the notebook {notebook}").to_have_count(cell_count, timeout=SLOW)
    wait_for_idle_kernel(server, page, notebook)
    # Run > Run All Cells: the same menu, with the same labels, in both apps.
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    return cells


def output_of(cell: Locator) -> Locator:
    return cell.locator(".jp-OutputArea-output")


def rerun(page: Page, cell: Locator) -> None:
    """Run one cell again (Ctrl+Enter runs it and stays on it, in both apps)."""
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+Enter")


def expect_printed(cell: Locator, line: str, what: str) -> None:
    """The cell's output is exactly `line`; the message says what did not reach Python."""
    expect(output_of(cell), f"{what}: the cell printed something else").to_have_text(line, timeout=SLOW)


# Notebook 7.6.5 throws this while loading its settings, before any notebook runs: its keyboard-shortcut plugin
# reads `.schema` of a plugin it has not loaded (notebook_core.js, `pluginChanged` handler). Not ours; every other
# uncaught error still fails the test.
KNOWN_CLIENT_ERRORS = {NOTEBOOK7.name: {"Cannot read properties of undefined (reading 'schema')"}}


def assert_clean_client(page_watch, app: App) -> None:
    """The client reached only loopback and threw nothing of ours."""
    assert not page_watch.blocked, f"{app.title} tried to reach other hosts: {page_watch.blocked}"
    errors = [e for e in page_watch.page_errors if e not in KNOWN_CLIENT_ERRORS.get(app.name, set())]
    assert not errors, f"uncaught errors in {app.title}: {errors}"

