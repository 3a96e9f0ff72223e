"""Browser contexts for the saved-work tests: one that may reach only loopback (served) or only files (from disk),
and opening a page in it with its errors recorded.
"""
from __future__ import annotations

from playwright.sync_api import Browser, BrowserContext, Page

from support.site import is_loopback_url, wait_for_widgets


def new_context(browser: Browser, *, from_disk: bool) -> tuple[BrowserContext, list[str]]:
    """A context that may reach only loopback (served) or only files (from disk); returns it and its errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True,
                                  service_workers="block")
    errors: list[str] = []
    local = {"file", "data", "blob", "about"} if from_disk else set()

    def route(r):
        url = r.request.url
        if url.split(":", 1)[0] in local or (not from_disk and is_loopback_url(url)):
            r.continue_()
        else:
            errors.append(f"request left the site: {url}")
            r.abort("blockedbyclient")

    context.route("**/*", route)
    return context, errors


def open_page(context: BrowserContext, errors: list[str], url: str) -> Page:
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on("console", lambda m: errors.append(f"console error: {m.text}") if m.type == "error" else None)
    page.goto(url)
    if page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count():
        wait_for_widgets(page)
    else:
        page.wait_for_load_state("load")
    return page

