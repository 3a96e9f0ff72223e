"""The invented case's site, built by `medialit case build` into a temporary folder, works without a kernel: every
page loads only from the site, its widgets render and answer, axe finds nothing moderate or worse, each page says
the article is invented, and each page with widgets stays within the course's page-weight budget."""
from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from medialit.case import SEEDS_DIR
from medialit.casekit.build import build_case
from medialit.tooling.page_weight import measure_load

from support.axe import FAILING_IMPACTS, RUN_AXE, format_violations
from support.page_weight import BUDGET_BYTES, widget_chapters
from support.site import AXE_SCRIPT, serve_directory, site_pages, wait_for_widgets

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(1200)]

INVENTED = "velmora-ferry-2031"


@pytest.fixture(scope="module")
def invented_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    out = tmp_path_factory.mktemp("casekit-site") / INVENTED
    build_case(SEEDS_DIR / INVENTED, out=out)
    result = subprocess.run([sys.executable, "-m", "medialit.tooling.build_book", "build", str(out), "-W", "--keep-going"],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"the invented case's site did not build:\n{result.stdout[-3000:]}"
    site = out / "_build" / "html"
    with serve_directory(site) as url:
        yield site, url


def test_every_page_works_offline_is_accessible_and_says_it_is_invented(
        invented_site: tuple[Path, str], page: Page, page_watch) -> None:
    if not AXE_SCRIPT.is_file():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `npm ci`.", pytrace=False)
    site, url = invented_site
    pages = [p for p in site_pages(site) if p.startswith("pages/")]
    assert len(pages) == 6, pages
    widgets, serious = 0, []
    for relative in pages:
        page.goto(url + relative, wait_until="load")
        widgets += wait_for_widgets(page)
        expect(page.locator("main")).to_contain_text("An invented article.")
        page.add_script_tag(path=str(AXE_SCRIPT))
        result = page.evaluate(RUN_AXE)
        assert "color-contrast" in result["passes"] or any(v["id"] == "color-contrast" for v in result["violations"])
        serious += format_violations(relative, [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS])
    assert widgets == 7, f"expected the case's 7 widget views, found {widgets}"
    assert not serious, "accessibility violations:\n" + "\n".join(serious)
    page_watch.assert_clean()


def test_a_practice_item_answers_in_the_browser(invented_site: tuple[Path, str], page: Page, page_watch) -> None:
    _, url = invented_site
    page.goto(url + "pages/practice.html", wait_until="load")
    wait_for_widgets(page)
    card = page.locator(".ml-ps-item[data-item='src-invented-anonymous']")
    card.get_by_role("radio", name="An anonymous source").check()
    card.get_by_role("button", name="Check").click()
    expect(card.locator(".ml-ps-feedback")).to_contain_text("asked not to be named")
    page_watch.assert_clean()


def test_each_widget_page_stays_within_the_page_weight_budget(invented_site: tuple[Path, str], browser: Browser) -> None:
    site, url = invented_site
    chapters = widget_chapters(site)
    assert len(chapters) == 4, chapters
    weights = {chapter: measure_load(browser, url + chapter, timeout_ms=30_000)["bytes"] for chapter in chapters}
    assert all(0 < weight <= BUDGET_BYTES for weight in weights.values()), weights
