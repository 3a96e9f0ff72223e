"""The site also works opened straight from disk (file://), as the README promises: text, search and widgets."""
from urllib.parse import urlsplit

import pytest

from support.site import WIDGETS_RENDERED, save_screenshot

pytestmark = pytest.mark.browser

WIDGET_PAGES = ["book/loaded-language.html", "book/sourcing.html", "book/statements.html"]


@pytest.mark.parametrize("page_path", WIDGET_PAGES)
def test_widget_page_works_from_disk(browser, built_site, page_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    leaving: list[str] = []
    errors: list[str] = []

    def only_files(route):
        if urlsplit(route.request.url).scheme in {"file", "data", "blob", "about"}:
            route.continue_()
        else:
            leaving.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", only_files)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        page.goto((built_site / page_path).as_uri())
        page.wait_for_function(WIDGETS_RENDERED, timeout=30_000)
        assert page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count() > 0
        assert page.get_by_text("Loading widget").count() == 0
        save_screenshot(page, f"from-disk-{page_path}", full_page=False)
    finally:
        context.close()
    assert not leaving, f"{page_path} opened from disk tried to reach: {leaving}"
    assert not errors, f"{page_path} opened from disk logged errors: {errors}"
