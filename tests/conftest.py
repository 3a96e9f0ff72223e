"""Fixtures shared by every test folder.

One Chromium per test session: Playwright's sync API allows one running instance per thread, so the
browser tests (tests/browser/) and the grading pages' tests (tests/test_formgrader_pages.py) must share it.
"""
from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

# Offline, as root: without the background-networking flags Chromium keeps
# trying Google's hosts, which this machine refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, launched through Playwright (never `playwright install`)."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "Debian's chromium is not on PATH: install it with `apt-get install -y chromium` "
            "(scripts/test does this for you).",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
