"""The built site for the browser tests: serving a folder on loopback, the request watch every page gets,
waiting for saved widgets to render, building a fixture book, screenshots into test-artifacts/.

Every page opened through the ``page`` fixture (tests/browser/conftest.py) may only reach 127.0.0.0/8 or ::1.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import ipaddress
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import ConsoleMessage, Page, Request, Response, Route

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
ARTIFACTS = ROOT / "test-artifacts"
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"

# Schemes that never leave the browser (anywidget imports each widget's ES module from a blob: URL).
LOCAL_SCHEMES = {"data", "blob", "about"}


def is_loopback_url(url: str) -> bool:
    """True when the URL stays inside the browser or on this machine's loopback interface."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    host = parts.hostname
    if host is None:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def site_pages(site: Path = SITE) -> list[str]:
    """Every HTML page of the built site, as paths relative to its root (theme assets excluded)."""
    skip = ("_static/", "_sources/", "_images/")
    return sorted(
        path.relative_to(site).as_posix()
        for path in site.rglob("*.html")
        if not path.relative_to(site).as_posix().startswith(skip)
    )


@contextlib.contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """Serve ``directory`` over HTTP on 127.0.0.1 at a free port; yield the base URL (ending in /)."""

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
            pass  # request logs would bury the test output

    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@dataclass
class PageWatch:
    """What a page did that a self-contained, working site must never do."""

    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return (
            [f"blocked request to another host: {url}" for url in self.blocked]
            + [f"failed request: {item}" for item in self.failed]
            + [f"uncaught page error: {item}" for item in self.page_errors]
            + [f"console error: {item}" for item in self.console_errors]
        )

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, "the page misbehaved:\n  " + "\n  ".join(problems)

    # Event handlers, wired up by the ``page`` fixture.
    def _on_route(self, route: Route) -> None:
        url = route.request.url
        if is_loopback_url(url):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    def _on_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def _on_request_failed(self, request: Request) -> None:
        if request.url not in self.blocked:
            self.failed.append(f"{request.url} ({request.failure})")

    def _on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.url} (HTTP {response.status})")

    def _on_page_error(self, error: Exception) -> None:
        self.page_errors.append(str(error))

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} at {message.location.get('url', '?')}")


# True once every saved widget view on the page is rendered: the site's widget runtime
# (medialit/tooling/widget_runtime.js) puts a div.widget-subarea before each view's <script>
# and the view's element inside it, and the widget's own render() fills that element.
WIDGETS_RENDERED = """() => [...document.querySelectorAll(
    'script[type="application/vnd.jupyter.widget-view+json"]')].every((tag) => {
  const area = tag.previousElementSibling;
  return area !== null && area.classList.contains("widget-subarea")
    && area.firstElementChild !== null && area.firstElementChild.childElementCount > 0;
})"""


def wait_for_widgets(page: Page, timeout_ms: float = 30_000) -> int:
    """Wait until every saved widget on the page has rendered, then for the network to settle.

    ``networkidle`` alone is not enough: the runtime imports each widget's module after the page
    is parsed, which can be after the network first went quiet.
    Returns the number of widget views on the page.
    """
    page.wait_for_function(WIDGETS_RENDERED, timeout=timeout_ms)
    page.wait_for_load_state("networkidle")
    return page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()


# The front matter of a MyST Markdown notebook run by the Python 3 kernel: the start of every fixture page.
MYST_PAGE_HEAD = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""


def run_fixture_book_build(folder: Path, pages: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Write `pages` (name -> MyST notebook text) as a small book with the project's _config.yml and run
    `jupyter-book build -W` on it (tests/support/fixture_book.py builds the session's fixture book with it)."""
    shutil.copyfile(ROOT / "_config.yml", folder / "_config.yml")
    names = list(pages)
    toc = f"format: jb-book\nroot: book/{names[0]}\n"
    if names[1:]:
        toc += "chapters:\n" + "".join(f"  - file: book/{n}\n" for n in names[1:])
    (folder / "_toc.yml").write_text(toc, encoding="utf-8")
    (folder / "book").mkdir()
    for name, text in pages.items():
        (folder / "book" / f"{name}.md").write_text(text, encoding="utf-8")
    bin_dir = Path(sys.executable).parent
    # The kernel that executes the pages must be this environment's Python, which has medialit.
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run([sys.executable, "-m", "medialit.tooling.build_book", "build", str(folder), "-W", "--keep-going"],
                          capture_output=True, text=True, timeout=600, env=env)


def artifact_path(name: str, suffix: str = ".png") -> Path:
    """A path under test-artifacts/ for a file named after ``name`` (made filesystem-safe)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "artifact"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{safe}{suffix}"


def save_screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save a PNG of ``page`` into test-artifacts/ and return its path."""
    path = artifact_path(name)
    page.screenshot(path=str(path), full_page=full_page)
    return path

