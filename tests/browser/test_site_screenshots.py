"""Full-page screenshots of every chapter at desktop (1280 px) and phone (390 px) widths.

Saved as test-artifacts/site/<chapter>-<width>.png for people to look at (CI keeps test-artifacts/). The
test also checks what a picture cannot show at a glance: each page reflows to the width without sideways
scrolling (WCAG 1.4.10), and its widgets rendered before the picture was taken.
"""
from __future__ import annotations

import struct
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "site"
WIDTHS = {1280: 900, 390: 844}  # width -> window height

pytestmark = pytest.mark.browser


def toc_chapters() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", [{"chapters": toc.get("chapters", [])}]):
        files.extend(chapter["file"] for chapter in part["chapters"])
    return files


# Elements that stick out of the window and that no scrolling box of theirs contains (those make the page scroll).
WIDEST = """() => [...document.querySelectorAll('body *')].filter((el) => {
  const box = el.getBoundingClientRect();
  if (!(box.right > innerWidth + 1 && box.width > 0)) return false;
  if (getComputedStyle(el).position === 'fixed') return false;  // off-canvas drawers do not widen the page
  for (let up = el.parentElement; up; up = up.parentElement) {
    const style = getComputedStyle(up);
    if (style.overflowX !== 'visible' || style.position === 'fixed') return false;
  }
  return true;
}).slice(0, 4).map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${el.textContent.slice(0, 60)}"`
  + ` in #${el.closest('section[id]')?.id ?? '?'}`)"""


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("width", sorted(WIDTHS, reverse=True))
def test_every_chapter_screenshot(
    width: int, built_site: Path, page: Page, page_watch, site_url: str, wait_for_widgets
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": WIDTHS[width]})
    overflowing = []
    for chapter in toc_chapters():
        relative = f"{chapter}.html"
        assert (built_site / relative).is_file(), f"{relative} is missing from the build"
        page.goto(site_url + relative, wait_until="load")
        wait_for_widgets(page)
        path = SHOTS / f"{Path(chapter).name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        shot_width, shot_height = png_size(path)
        assert shot_height >= WIDTHS[width], f"{path.name} is only {shot_height}px tall: not the full page"
        extra = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
        if extra > 1 or shot_width != width:
            overflowing.append(f"{relative}: {extra}px wider than the window; the widest content: "
                               f"{page.evaluate(WIDEST)}")
    assert not overflowing, f"pages that scroll sideways at {width}px:\n  " + "\n  ".join(overflowing)
    page_watch.assert_clean()
