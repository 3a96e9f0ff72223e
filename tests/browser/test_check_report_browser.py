"""The class report of the discernment check in Chromium: it draws every picture and asks for nothing else."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from medialit import CASE
from medialit.assessment.check import load_check
from medialit.assessment.report import main

from support.check_class import synthetic_class
from support.site import artifact_path

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = pytest.mark.browser


def test_report_renders_offline_with_text_alternatives(browser: Browser, tmp_path: Path) -> None:
    rows, _ = synthetic_class(load_check(CASE), per_group=30)
    responses = tmp_path / "responses.csv"
    with responses.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = tmp_path / "report.html"
    assert main([str(responses), "-o", str(report), "--rounds", "300"]) == 0

    for width in (1280, 390):
        page = browser.new_page(viewport={"width": width, "height": 900})
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(report.as_uri())
        assert requests == [report.as_uri()], "the report must load nothing but itself"
        assert not errors
        svgs = page.locator("svg[role='img']")
        assert svgs.count() == 20
        for svg in svgs.all():
            box = svg.bounding_box()
            assert box and box["width"] > 200 and box["height"] > 40
            assert svg.locator("circle").count() > 0
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
        page.screenshot(path=str(artifact_path(f"check-report-{width}")))
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
            .violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}))""")
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert not serious, serious
        page.close()
