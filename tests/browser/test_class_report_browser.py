"""The class report of a class of 200 × every assignment in Chromium (issue 25).

It asks for nothing but itself, loads in under 2 s, fits 390 px without the page scrolling sideways, axe finds
nothing serious, no label overlaps another at 390 and 1280 px, and the scatter's points show their item's
text when hovered and when reached with the keyboard. The command's summary stays under 40 lines.
"""
from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from medialit.assessment.report import main

from support.site import artifact_path

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = pytest.mark.browser

# Every pair of visible text boxes that overlap, within each chart and each item of a spread (JS, run in the page).
OVERLAPS = """() => {
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 ? r : null; };
  const clash = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const found = [];
  let groups = 0;
  const check = (nodes, where) => {
    groups += 1;
    const boxes = nodes.map((n) => [n, visible(n)]).filter(([, r]) => r);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++)
      if (clash(boxes[i][1], boxes[j][1])) found.push(`${where}: "${boxes[i][0].textContent}" / "${boxes[j][0].textContent}"`);
  };
  document.querySelectorAll('svg').forEach((svg, i) => {
    const texts = [...svg.querySelectorAll('text')];
    check(texts, `svg ${svg.id || i}`);
    const frame = svg.getBoundingClientRect();  // and no label runs out of its chart (it would be cut off)
    texts.map((t) => [t, visible(t)]).filter(([, r]) => r && (r.left < frame.left - 1 || r.right > frame.right + 1))
      .forEach(([t]) => found.push(`svg ${svg.id || i}: "${t.textContent}" runs out of the chart`));
  });
  document.querySelectorAll('.items > li').forEach((li, i) =>
    check([li.querySelector('.item-head'), li.querySelector('.bar'), ...li.querySelectorAll('.legend > span')], `item ${i}`));
  // A heatmap cell whose text does not fit would run into its neighbour.
  const cells = [...document.querySelectorAll('.heat td, .heat th')];
  const spilled = cells.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent);
  return {found, groups, cells: cells.length, spilled};
}"""


@pytest.fixture(scope="module")
def report(planted_class_200: tuple[Path, Any], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    course, _plan = planted_class_200
    out = tmp_path_factory.mktemp("private") / "class-report.html"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["--course", str(course), "-o", str(out), "--rounds", "300"]) == 0
    return out, printed.getvalue().splitlines()


def test_the_summary_stays_a_screen_long(report: tuple[Path, list[str]], planted_class_200: tuple[Path, Any]) -> None:
    _out, lines = report
    _course, plan = planted_class_200
    assert len(plan.students) == 200 and len(lines) < 40, lines
    # One line per assignment, in course order (the check's before form first, its later forms last).
    table = [line.split()[0] for line in lines[2:2 + len(plan.assignments)]]
    assert table[0] == "check-before" and table[-2:] == ["check-after", "check-delayed"], table
    assert sorted(table) == plan.assignments
    assert any(line.startswith("items to reread (1): sourcing/signals claim-7a") for line in lines), lines


def _open(browser: Browser, path: Path, width: int) -> tuple[Page, list[str]]:
    page = browser.new_page(viewport={"width": width, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    return page, requests


@pytest.mark.parametrize("width", [1280, 390])
def test_the_report_renders_offline_fast_and_accessible(report: tuple[Path, list[str]], browser: Browser,
                                                        width: int) -> None:
    path, _ = report
    page, requests = _open(browser, path, width)
    try:
        assert requests == [path.as_uri()], "the report must load nothing but itself"
        load = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
        assert 0 < load < 2000, f"loaded in {load:.0f} ms"
        assert page.locator(".heat tbody tr").count() == 200
        assert page.locator(".dists svg[role='img']").count() == 8
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
        result = page.evaluate(OVERLAPS)
        assert result["groups"] > 50 and result["cells"] > 1800, result
        assert not result["found"], result["found"][:10]
        assert not result["spilled"], result["spilled"][:10]
        page.screenshot(path=str(artifact_path(f"class-report-{width}")))
        for name, selector in (("heatmap", "section[aria-labelledby=overview]"),
                               ("scores", "section[aria-labelledby=scores]"), ("scatter", "svg.scatter"),
                               ("task", "section[aria-labelledby=task-sourcing-sort]")):
            page.locator(selector).first.screenshot(path=str(artifact_path(f"class-report-{width}-{name}")))
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
            .violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}))""")
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert not serious, serious
    finally:
        page.close()


def test_the_scatter_shows_each_item_on_hover_and_on_keyboard_focus(report: tuple[Path, list[str]],
                                                                    browser: Browser) -> None:
    path, _ = report
    page, _ = _open(browser, path, 1280)
    try:
        points = page.locator("svg.scatter g.pt")
        assert points.count() > 40
        tips = page.locator("svg.scatter g.pt .tip")
        assert all(box is None for box in (tips.nth(i).bounding_box() for i in range(3))), "tips hidden at rest"
        # Keyboard: Tab from the element before the chart lands on its first point, and shows that point's text.
        page.locator("svg.scatter").evaluate("svg => svg.previousElementSibling.setAttribute('tabindex', '-1')")
        page.locator("svg.scatter").evaluate("svg => svg.previousElementSibling.focus()")
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
        assert focused == points.first.get_attribute("aria-label")
        tip = points.first.locator(".tip text").first
        assert tip.bounding_box() is not None and tip.text_content().split(":")[0] in focused
        page.keyboard.press("Tab")
        assert points.first.locator(".tip").bounding_box() is None, "the tip goes when focus moves on"
        assert points.nth(1).locator(".tip").bounding_box() is not None
        # Hover: the planted item shows its claim's text.
        planted = page.locator("svg.scatter g.pt.flag")
        assert planted.count() == 1 and "claim-7a" in planted.get_attribute("aria-label")
        planted.hover()
        shown = planted.locator(".tip text").first.text_content()
        assert "sourcing/signals claim-7a: the US military said" in shown, shown
    finally:
        page.close()
