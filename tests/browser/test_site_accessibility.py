"""axe-core audit of every page of the built site, in the light and the dark colour scheme.

axe-core comes from node_modules/ (npm registry, pinned in package-lock.json by `npm ci`), never from a CDN;
it is injected inline, so the page still makes no request to another host. Each page is audited after its
widgets have rendered. The test fails on moderate, serious or critical violations and prints every violation of
any impact (rule, impact, help, target selectors); the full JSON report goes to test-artifacts/site/.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page

from support.axe import AXE, FAILING_IMPACTS, REPORTS, RUN_AXE, format_violations

pytestmark = pytest.mark.browser



@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_passes_axe(
    scheme: str, built_site: Path, page: Page, page_watch, site_url: str, site_pages, wait_for_widgets
) -> None:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` (bash scripts/setup does).", pytrace=False)
    pages = site_pages(built_site)
    assert len(pages) > 2, f"the built site has almost no pages: {pages}"
    # The theme follows the reader's system setting (html_context.default_mode: auto), so both schemes are real.
    page.emulate_media(color_scheme=scheme)
    report: dict[str, dict] = {}
    for relative in pages:
        page.goto(site_url + relative, wait_until="load")
        wait_for_widgets(page)
        assert page.evaluate("document.documentElement.dataset.theme") == scheme, (
            f"{relative} did not switch to the {scheme} scheme; the audit would test the wrong colours"
        )
        page.add_script_tag(path=str(AXE))
        report[relative] = page.evaluate(RUN_AXE)
        # An audit that checked nothing must not count as a pass.
        assert "color-contrast" in report[relative]["passes"] or any(
            v["id"] == "color-contrast" for v in report[relative]["violations"]
        ), f"axe did not check colour contrast on {relative}"

    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"axe-{scheme}.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    lines = [line for relative, result in report.items() for line in format_violations(relative, result["violations"])]
    print(f"axe-core {next(iter(report.values()))['version']}, {scheme} scheme, {len(pages)} pages")
    print("\n".join(lines) if lines else "no violations of any impact")
    serious = [
        line for relative, result in report.items()
        for line in format_violations(relative, [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS])
    ]
    assert not serious, (
        f"moderate, serious or critical accessibility violations ({scheme} scheme; every violation is printed above, "
        f"the full report is in {REPORTS / f'axe-{scheme}.json'}):\n" + "\n".join(serious)
    )
    page_watch.assert_clean()
