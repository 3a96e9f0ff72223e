"""medialit.tooling.light_pages: what it takes out of pages and stylesheets, and what it must keep."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from medialit.tooling.light_pages import (
    ICONS_SOURCE,
    LightPagesError,
    icons_available,
    icons_used,
    lighten_page,
    lighten_site,
    site_words,
    trim_stylesheet,
)

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"

HEAD = """<head>
  <!-- So that users can add custom icons -->
  <script defer src="../_static/scripts/fontawesome.js?digest=55c26ed414f5f8a31ebb"></script>
  <!-- Pre-loaded scripts that we'll load fully later -->
  <link rel="preload" as="script" href="../_static/scripts/bootstrap.js?digest=55c26ed414f5f8a31ebb" />
<link rel="preload" as="script" href="../_static/scripts/pydata-sphinx-theme.js?digest=55c26ed414f5f8a31ebb" />
  <script src="../_static/documentation_options.js?v=9eb32ce0"></script>
  <script data-sd-tabs-storage-prefix="sphinx-design-tab-id-" src="../_static/design-tabs.js?v=fcb327ea"></script>
  <script src="../_static/work.js?v=d206422d"></script>
  <script src="../_static/doctools.js?v=9a2dae69"></script>
    <script src="../_static/searchtools.js"></script>
    <script src="../_static/language_data.js"></script>
    <script src="../searchindex.js"></script>
</head>"""


def trim(css: str, *texts: str) -> str:
    used, prefixes = site_words(texts)
    return trim_stylesheet(css, used, prefixes)


def test_font_awesome_and_the_search_index_leave_a_chapter() -> None:
    page = lighten_page(HEAD, "book/machine")
    assert "fontawesome" not in page and "So that users" not in page
    assert "searchindex" not in page and "searchtools" not in page and "language_data" not in page
    assert "preload" not in page and "Pre-loaded" not in page
    assert '<script defer src="../_static/doctools.js?v=9a2dae69"></script>' in page
    assert '<script data-sd-tabs-storage-prefix="sphinx-design-tab-id-" defer src="../_static/design-tabs.js' in page
    # DOCUMENTATION_OPTIONS is used by inline scripts, work.js by the widget runtime as the page is parsed.
    assert '<script src="../_static/documentation_options.js?v=9eb32ce0"></script>' in page
    assert '<script src="../_static/work.js?v=d206422d"></script>' in page
    assert lighten_page(page, "book/machine") == page, "running twice changes nothing"


def test_the_search_page_keeps_its_index() -> None:
    page = lighten_page(HEAD, "search")
    assert "fontawesome" not in page
    assert "searchindex.js" in page and "searchtools.js" in page
    assert '<script src="../_static/doctools.js?v=9a2dae69"></script>' in page, "its scripts run in order, undeferred"


def test_a_font_awesome_tag_the_step_does_not_know_fails_the_build(tmp_path: Path) -> None:
    (tmp_path / "_static").mkdir()
    (tmp_path / "page.html").write_text('<script async src="_static/scripts/fontawesome.js"></script>', encoding="utf-8")
    with pytest.raises(LightPagesError, match="page still loads Font Awesome's script.*FONT_AWESOME_SCRIPT"):
        lighten_site(tmp_path)


def test_rules_for_classes_no_page_uses_are_dropped_and_used_ones_kept() -> None:
    css = ".used{color:red}.unused{color:blue}.used .unused{x:1}div{margin:0}.used,.unused{top:0}"
    out = trim(css, '<div class="used">')
    assert ".used{color:red}" in out
    assert "div{margin:0}" in out, "element selectors are kept"
    assert ".unused" not in out
    assert ".used{top:0}" in out, "a selector list keeps its live selectors"


def test_classes_a_script_adds_are_kept() -> None:
    css = ".show{a:1}.bs-tooltip-auto .tooltip-arrow{b:2}.collapsing{c:3}.bs-popover-end{d:4}"
    script = 'e.classList.add("show");t.classList.add(`bs-${this.constructor.NAME}-auto`);x="tooltip-arrow"'
    out = trim(css, script)
    assert ".show{a:1}" in out
    assert ".bs-tooltip-auto .tooltip-arrow{b:2}" in out, "a prefix glued to a variable keeps its classes"
    assert ".bs-popover-end{d:4}" in out
    assert ".collapsing" not in out


def test_classes_inside_not_do_not_decide() -> None:
    out = trim(".a:not(.never){x:1}.never{y:2}", 'class="a"')
    assert ".a:not(.never){x:1}" in out and ".never{y:2}" not in out


def test_media_blocks_are_trimmed_inside_and_dropped_when_empty() -> None:
    css = "@media (min-width:960px){.used{a:1}.unused{b:2}}@media print{.unused{c:3}}"
    out = trim(css, 'class="used"')
    assert "@media (min-width:960px){.used{a:1}}" in out
    assert "print" not in out


def test_font_awesome_rules_go_but_theme_rules_about_icons_stay() -> None:
    css = (
        '/*!\n * Font Awesome Free 6.5.2 */.fa-solid,.fas{font-weight:900}.fa-bars:before{content:"\\f0c9"}'
        '@font-face{font-family:"Font Awesome 6 Free";src:url(../vendor/fontawesome/webfonts/fa-solid-900.woff2)}'
        "@keyframes fa-spin{0%{transform:rotate(0)}}"
        ':root{--fa-font-solid:normal 900 1em/1 "Font Awesome 6 Free"}:root{--pst-x:1}'
        ".bd-search .fa-solid.fa-magnifying-glass{position:absolute}"
        "/*!\n * Bootstrap v5.3.3 */.btn{x:1}"
    )
    out = trim(css, '<form class="bd-search"><i class="fa-solid fa-magnifying-glass fa-bars"></i><a class="btn">')
    assert "Font Awesome" not in out and "fa-solid-900" not in out and "f0c9" not in out and "fa-spin" not in out
    assert ".bd-search .fa-solid.fa-magnifying-glass{position:absolute}" in out
    assert ":root{--pst-x:1}" in out
    assert "Bootstrap v5.3.3" in out, "licence headers stay"


def test_icons_used_reads_any_element_and_skips_sizes() -> None:
    html = '<i class="fa-solid fa-sun fa-lg"></i><span class="fa-solid fa-bars"></span><i class="fas fa-download"></i>'
    html += '<p class="fa-not-an-icon-without-a-style">'
    assert icons_used(html) == {"sun", "bars", "download"}


def test_icons_css_draws_each_icon_the_theme_uses() -> None:
    available = icons_available(ICONS_SOURCE.read_text(encoding="utf-8"))
    assert {"bars", "list", "magnifying-glass", "sun", "moon", "circle-half-stroke", "download", "expand",
            "file", "file-pdf", "arrow-up", "angle-left", "angle-right", "outdent", "xmark"} <= available
    css = ICONS_SOURCE.read_text(encoding="utf-8")
    assert not re.search(r"url\((?![\"']?data:)", css), "icons are inline: no file or host to fetch"


def test_a_page_with_an_unknown_icon_fails_the_build_naming_it(tmp_path: Path) -> None:
    (tmp_path / "_static").mkdir()
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "page.html").write_text('<i class="fa-solid fa-rocket"></i>', encoding="utf-8")
    with pytest.raises(LightPagesError, match=r"icons\.css does not draw \(book/page: rocket\)"):
        lighten_site(tmp_path)


@pytest.mark.skipif(not (SITE / "index.html").is_file(), reason="needs the built site: run bash scripts/setup")
def test_the_built_site_has_no_font_awesome_script_and_draws_every_icon() -> None:
    available = icons_available(ICONS_SOURCE.read_text(encoding="utf-8"))
    assert not (SITE / "_static" / "scripts" / "fontawesome.js").exists()
    assert not (SITE / "_static" / "vendor" / "fontawesome").exists()
    assert (SITE / "_static" / "medialit" / "icons.css").is_file()
    for page in SITE.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "fontawesome" not in html, page
        assert icons_used(html) <= available, page
        if page.name != "search.html":
            assert "searchindex.js" not in html, page
    theme_css = (SITE / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    assert "Font Awesome" not in theme_css and "sourceMappingURL" not in theme_css
