"""Every chapter with widgets stays at most 683 KB transferred (issues 13 and 22, *Light pages*).

Counted as the slow-phone benchmark counts it (medialit.tooling.page_weight.measure_load: Chromium's
encodedDataLength over every request until the load event, the first usable widget and network quiet),
served by Python's http.server, which does not compress: the heavier of the two ways the benchmark
serves the site. Unthrottled here; the timings belong to the benchmark (benchmarks/run.py slow-phone).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from medialit.tooling.page_weight import measure_load

from support.page_weight import BUDGET_BYTES, widget_chapters

pytestmark = pytest.mark.browser

def test_the_site_has_widget_chapters_to_weigh(built_site: Path) -> None:
    chapters = widget_chapters(built_site)
    assert "book/loaded-language.html" in chapters and "book/machine.html" in chapters, chapters


def test_each_widget_chapter_weighs_at_most_its_budget(browser: Browser, built_site: Path, site_url: str) -> None:
    heavy = {}
    for chapter in widget_chapters(built_site):
        load = measure_load(browser, site_url + chapter, timeout_ms=30_000)
        assert load["widget_areas"] > 0, f"{chapter}: no widget rendered"
        if load["bytes"] > BUDGET_BYTES:
            heaviest = ", ".join(f"{url.rsplit('/', 1)[-1].split('?')[0]} {int(size):,} B"
                                 for size, url in load["by_url"][:5])
            heavy[chapter] = f"{load['bytes']:,} B (heaviest: {heaviest})"
    assert not heavy, (
        f"chapters above the {BUDGET_BYTES:,} B budget: {heavy}. See benchmarks/README.md (Light pages) for "
        "what the site already trims (medialit/tooling/light_pages.py) before adding weight."
    )
