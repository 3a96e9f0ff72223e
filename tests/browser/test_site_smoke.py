"""The built site is self-contained: its pages and its widget runtime load from the site alone.

The last test builds a one-page book with the project's own _config.yml and a
real anywidget, because whether the site's widget runtime is wired correctly must
not depend on which chapters happen to contain widgets (what the runtime does is
tested in test_widget_runtime.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from support.fixture_book import FixturePage, register
from support.site import MYST_PAGE_HEAD

ROOT = Path(__file__).resolve().parents[2]


pytestmark = pytest.mark.browser


def test_loopback_rule_only_accepts_this_machine(loopback_only) -> None:
    is_loopback_url = loopback_only
    assert is_loopback_url("http://127.0.0.1:8000/index.html")
    assert is_loopback_url("http://127.3.4.5/")
    assert is_loopback_url("http://localhost:9/")
    assert is_loopback_url("http://[::1]:80/")
    assert is_loopback_url("blob:http://127.0.0.1:8000/3f1c")
    assert not is_loopback_url("https://cdn.jsdelivr.net/npm/anywidget@0.11.0/dist/index.js")
    assert not is_loopback_url("http://10.0.0.1/")
    assert not is_loopback_url("http://127.0.0.1.example.com/")


def test_index_page_loads_everything_from_the_site(page: Page, page_watch, site_url: str, screenshot) -> None:
    page.goto(site_url, wait_until="networkidle")
    # index.html redirects to the book's first page.
    page.wait_for_url(re.compile(r".*/book/.+\.html"))
    page.wait_for_load_state("networkidle")
    # The theme also keeps a hidden print-only <h1>; the role query sees only the visible one.
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    assert page.title(), "the first page has no <title>"
    screenshot("index")
    served = [url for url in page_watch.requests if url.startswith(site_url)]
    assert any(url.endswith(".css") or ".css?" in url for url in served), "the theme's CSS was not loaded"
    page_watch.assert_clean()


def test_every_page_loads_only_from_the_site(
    built_site: Path, page: Page, page_watch, site_url: str, site_pages, wait_for_widgets
) -> None:
    pages = site_pages(built_site)
    assert "index.html" in pages and len(pages) > 1, f"the built site has no book pages: {pages}"
    problems: dict[str, list[str]] = {}
    widget_views = 0
    for relative in pages:
        page.goto(site_url + relative, wait_until="load")
        try:
            widget_views += wait_for_widgets(page)
        except PlaywrightTimeoutError:
            page_watch.page_errors.append("its saved widgets did not all render within 30 s")
        if page_watch.problems():
            problems[relative] = page_watch.problems()
        # Each page is judged on its own events.
        for record in (page_watch.blocked, page_watch.failed, page_watch.page_errors, page_watch.console_errors):
            record.clear()
    assert not problems, "pages that misbehaved:\n" + "\n".join(
        f"{name}:\n  " + "\n  ".join(items) for name, items in problems.items()
    )
    # Not a requirement on the book's content: it makes a widget-free site visible in the report.
    print(f"{len(pages)} pages, {widget_views} saved widget views rendered")


def test_no_page_names_a_script_or_stylesheet_on_another_host(built_site: Path, site_pages) -> None:
    # Static companion of the browser checks: also covers files a page loads only on demand.
    offenders = []
    for relative in site_pages(built_site):
        html = (built_site / relative).read_text(encoding="utf-8")
        tags = re.findall(r"<script\b[^>]*>", html) + [
            tag for tag in re.findall(r"<link\b[^>]*>", html)
            if re.search(r'\brel="(?:stylesheet|preload|modulepreload|icon|shortcut icon)"', tag)
        ]
        for tag in tags:
            url = re.search(r'\s(?:src|href)="([^"]+)"', tag)
            if url and ("://" in url.group(1) or url.group(1).startswith("//")):
                offenders.append(f"{relative}: {tag}")
    assert not offenders, "\n".join(offenders)


WIDGET_PAGE = MYST_PAGE_HEAD + '''# Widget runtime check

```{code-cell} ipython3
import anywidget
import traitlets


class Counter(anywidget.AnyWidget):
    _esm = """
    function render({ model, el }) {
      const button = document.createElement("button");
      button.className = "counter-button";
      const show = () => { button.textContent = `count is ${model.get("value")}`; };
      button.addEventListener("click", () => {
        model.set("value", model.get("value") + 1);
        model.save_changes();
      });
      model.on("change:value", show);
      show();
      el.appendChild(button);
    }
    export default { render };
    """
    value = traitlets.Int(0).tag(sync=True)


Counter(value=41)
```
'''


register(FixturePage("widget", WIDGET_PAGE))


@pytest.fixture(scope="module")
def widget_site(fixture_site: Path) -> Path:
    """The session's fixture book (built with the project's _config.yml), with the counter page; its _build/html."""
    return fixture_site


@pytest.mark.slow
def test_saved_widget_renders_and_responds_offline(widget_site: Path, page: Page, page_watch, serve, screenshot) -> None:
    html = (widget_site / "book" / "widget.html").read_text(encoding="utf-8")
    assert "application/vnd.jupyter.widget-state+json" in html, "myst-nb did not save the widget state into the page"
    script_sources = re.findall(r'<script[^>]*\ssrc="([^"]+)"', html)
    assert script_sources and not [src for src in script_sources if "://" in src], script_sources

    with serve(widget_site) as url:
        page.goto(url + "book/widget.html", wait_until="networkidle")
        button = page.locator("button.counter-button")
        expect(button).to_have_text("count is 41")
        button.click()
        expect(button).to_have_text("count is 42")
        screenshot("widget")

    runtime_requests = [u for u in page_watch.requests if "/_static/medialit/widget-runtime.js" in u]
    assert runtime_requests, f"the site's widget runtime was not fetched from the site: {page_watch.requests}"
    scripts = [u.split("?")[0].rsplit("/", 1)[-1] for u in page_watch.requests if ".js" in u]
    assert not {"require.js", "embed-amd.js"} & set(scripts), f"a second widget runtime was loaded: {scripts}"
    page_watch.assert_clean()
