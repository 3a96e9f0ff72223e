"""Shared fixtures for browser tests: the built site, served on loopback, in Debian's Chromium.

Every page opened through the ``page`` fixture may only reach 127.0.0.0/8 or
::1. Any other request is aborted and recorded, as are failed requests, HTTP
errors, uncaught page errors and console errors; ``page_watch.assert_clean()``
fails the test if any occurred. The site is never rebuilt here: run
``bash scripts/setup`` first (scripts/test does).
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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response, Route

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
ARTIFACTS = ROOT / "test-artifacts"
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"

# Chromium itself is launched once per session by the `browser` fixture in tests/conftest.py.

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
_WIDGETS_RENDERED = """() => [...document.querySelectorAll(
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
    page.wait_for_function(_WIDGETS_RENDERED, timeout=timeout_ms)
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


def build_fixture_book(folder: Path, pages: dict[str, str]) -> Path:
    """Build `pages` (name -> MyST notebook text) as a small book with the project's _config.yml.

    The widget tests use it for pages the course site does not have (hostile data, preset state), so the
    widgets run exactly as on the site: executed at build time, saved state, the self-hosted runtime.
    Returns the book's _build/html.
    """
    result = run_fixture_book_build(folder, pages)
    assert result.returncode == 0, f"building the fixture book failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return folder / "_build" / "html"


def run_fixture_book_build(folder: Path, pages: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Write `pages` as a small book with the project's _config.yml and run `jupyter-book build -W` on it."""
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


@pytest.fixture(scope="session")
def serve() -> Callable[[Path], contextlib.AbstractContextManager[str]]:
    """``with serve(directory) as url:`` serves another directory on loopback (for extra test sites)."""
    return serve_directory


@pytest.fixture(scope="session")
def loopback_only() -> Callable[[str], bool]:
    """The rule the ``page`` fixture applies to every request URL."""
    return is_loopback_url


@pytest.fixture(scope="session", name="wait_for_widgets")
def wait_for_widgets_fixture() -> Callable[..., int]:
    """``wait_for_widgets(page)``: block until the page's saved widgets have rendered (see the function)."""
    return wait_for_widgets


@pytest.fixture(scope="session", name="site_pages")
def site_pages_fixture() -> Callable[[Path], list[str]]:
    """``site_pages(site)`` lists a built site's HTML pages, relative to its root."""
    return site_pages


@pytest.fixture(scope="session")
def built_site() -> Path:
    """The built site; fails (never skips) when it has not been built."""
    if not (SITE / "index.html").is_file():
        pytest.fail(
            f"{SITE / 'index.html'} does not exist: run `bash scripts/setup` to build the site "
            "before the browser tests (scripts/test does this for you).",
            pytrace=False,
        )
    return SITE


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """Base URL (ending in /) of the built site, served on 127.0.0.1."""
    with serve_directory(built_site) as url:
        yield url


@pytest.fixture
def page_watch() -> PageWatch:
    """Records what the ``page`` fixture's page did; call ``.assert_clean()`` in the test."""
    return PageWatch()


@pytest.fixture
def page(browser: Browser, page_watch: PageWatch, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh page that can only reach loopback; screenshotted into test-artifacts/ when the test fails."""
    # Service workers would serve requests past the route handler, so they are blocked.
    context = browser.new_context(service_workers="block", viewport={"width": 1280, "height": 900})
    context.route("**/*", page_watch._on_route)
    page = context.new_page()
    page.on("request", page_watch._on_request)
    page.on("requestfailed", page_watch._on_request_failed)
    page.on("response", page_watch._on_response)
    page.on("pageerror", page_watch._on_page_error)
    page.on("console", page_watch._on_console)
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed and not page.is_closed():
            with contextlib.suppress(Exception):  # a screenshot must not hide the real failure
                save_screenshot(page, f"FAILED-{request.node.nodeid}")
        context.close()


@pytest.fixture
def screenshot(page: Page, request: pytest.FixtureRequest) -> Callable[[str], Path]:
    """``screenshot("label")`` saves the current page into test-artifacts/<test>-<label>.png."""

    def take(label: str) -> Path:
        return save_screenshot(page, f"{request.node.nodeid}-{label}")

    return take


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    # Keep the call-phase report on the item so the page fixture knows whether to screenshot.
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Everything in tests/browser/ drives a browser; mark it so `-m "not browser"` works.
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
