"""Shared fixtures for browser tests: the built site, served on loopback, in Debian's Chromium.

Every page opened through the ``page`` fixture may only reach 127.0.0.0/8 or
::1. Any other request is aborted and recorded, as are failed requests, HTTP
errors, uncaught page errors and console errors; ``page_watch.assert_clean()``
fails the test if any occurred. The site is never rebuilt here: run
``bash scripts/setup`` first (scripts/test does).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from support.fixture_book import fixture_book, registered
from support.jupyter import LAB, Server, jupyter_server
from support.site import (
    SITE,
    PageWatch,
    is_loopback_url,
    save_screenshot,
    serve_directory,
    site_pages,
    wait_for_widgets,
)

# Chromium itself is launched once per session by the `browser` fixture in tests/conftest.py.


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


@pytest.fixture(scope="session")
def fixture_site() -> Path:
    """The fixture book of every page the test modules registered (tests/support/fixture_book.py): its _build/html.

    Built once for the whole run (and kept while its inputs are unchanged), not once per module.
    """
    return fixture_book(registered())


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One JupyterLab for the session (per xdist worker: its users are all in the xdist group "jupyterlab").

    Each test module writes notebooks of its own names into its folder; stopped at the end even when a test failed.
    """
    with jupyter_server(LAB, tmp_path_factory.mktemp("jupyter-lab")) as running:
        yield running


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
