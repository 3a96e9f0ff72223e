"""The graded-task report in Chromium: it asks for nothing but itself, fits 390 px, and axe finds nothing serious."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from medialit.assessment.tasks import main

from support import planted_class  # the planted class of tests/test_task_analysis.py
from support.site import artifact_path

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = pytest.mark.browser


def test_task_report_renders_offline_and_fits_a_phone(browser: Browser, tmp_path: Path) -> None:
    course = planted_class.build(tmp_path / "course")
    report = tmp_path / "private" / "tasks.html"
    assert main(["--course", str(course), "-o", str(report)]) == 0
    for width in (1280, 390):
        page = browser.new_page(viewport={"width": width, "height": 900})
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(report.as_uri())
        assert requests == [report.as_uri()], "the report must load nothing but itself"
        # The written answer's levels (an image) and the items' scatter (a group of focusable points); the spreads
        # are HTML bars with their shares written beside them.
        svgs = page.locator("svg[role='img'], svg[role='group']")
        assert svgs.count() == 2
        for svg in svgs.all():
            box = svg.bounding_box()
            assert box and box["width"] > 200 and box["height"] > 40
        assert page.locator("svg[role='img'] rect").count() > 0 and page.locator("svg.scatter g.pt").count() == 4
        bars = page.locator(".items .bar")
        assert bars.count() == 2 + 3  # two key phrases, three label items
        for bar in bars.all():
            box = bar.bounding_box()
            assert box and box["width"] > 200 and bar.locator("span").count() > 0
        assert page.locator("mark").count() == 2
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
        page.screenshot(path=str(artifact_path(f"task-report-{width}")), full_page=True)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
            .violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}))""")
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert not serious, serious
        page.close()
