"""Keep every page of the built site light (a Sphinx extension, run after the HTML build).

A chapter page used to load about 2.5 MB, most of it things no reader needed (benchmarks/README.md,
*Light pages*): the theme's Font Awesome script (1.5 MB) and web font (157 KB), Sphinx's search index
on every page (53 KB, though the inline search that uses it is off), and CSS for components the site
never shows (Bootstrap's utilities, Font Awesome's 2,000 icon rules). After the build this extension

- takes Font Awesome's script tag out of every page and deletes the script and its web fonts from
  ``_static``; ``icons.css`` (copied to ``_static/medialit/icons.css``) draws the icons the site shows,
  and the build fails, naming it, on a page that uses an icon that file lacks;
- takes the search index and its two helper scripts out of every page but ``search.html`` (the search
  box submits to that page, which loads them itself);
- drops the theme's ``<link rel="preload">`` of its two deferred bundles and defers the head scripts
  that wait for DOMContentLoaded anyway, so the stylesheets, the page and the widget runtime get the
  bandwidth first (what that buys on a slow phone: benchmarks/README.md);
- removes from the theme's stylesheets every rule that cannot match anything the site contains: a rule
  survives if each class its selector requires appears as a word in some page or script of the site,
  or starts with a prefix that a script glues to a variable (``"bs-" + name``), so classes that
  scripts add at run time are kept. Font Awesome's own rules and ``@font-face`` go in any case.

It runs on every build, full or incremental, and is idempotent. Enabled in _config.yml with
``sphinx: extra_extensions: [medialit.tooling.light_pages]``.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import tinycss2

ICONS_SOURCE = Path(__file__).with_name("icons.css")
# Where the icons are served, relative to _static/.
ICONS_STATIC_PATH = "medialit/icons.css"

# The course's own stylesheets are small and written for the site: only the theme's are trimmed.
OWN_CSS = {"course.css", "work.css"}
OWN_CSS_FOLDER = "medialit"

FONT_AWESOME_FILES = ("scripts/fontawesome.js", "scripts/fontawesome.js.map", "scripts/fontawesome.js.LICENSE.txt")
FONT_AWESOME_FOLDER = "vendor/fontawesome"

# pydata-sphinx-theme's layout.html writes these exactly so (with a ?digest=... suffix).
FONT_AWESOME_SCRIPT = re.compile(
    r'[ \t]*<!-- So that users can add custom icons -->\s*'
    r'<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>\n?'
)
# The theme preloads its two deferred bundles at the top of <head>, where they take bandwidth from the
# stylesheets and the page itself; as plain deferred scripts at the end of <body> they still load.
THEME_PRELOADS = re.compile(
    r'[ \t]*<!-- Pre-loaded scripts that we\'ll load fully later -->\n?'
    r'|[ \t]*<link rel="preload" as="script" href="[^"]*_static/scripts/(?:bootstrap|pydata-sphinx-theme)\.js[^"]*" />\n?'
)
# Scripts in <head> that only act on DOMContentLoaded (or check readyState first), so deferring them
# changes nothing but this: the parser no longer stops at each one, waiting for it and every stylesheet
# before it. documentation_options.js stays (inline scripts after it use DOCUMENTATION_OPTIONS), and so
# does work.js, which the widget runtime calls as soon as the page is parsed.
DEFERRABLE_SCRIPTS = re.compile(
    r'<script ((?:data-[\w-]+="[^"]*" )*)src="([^"]*_static/'
    r'(?:doctools|sphinx_highlight|clipboard\.min|copybutton|scripts/sphinx-book-theme|togglebutton|design-tabs|course)'
    r'\.js(?:\?[^"]*)?)"></script>'
)
SEARCH_SCRIPTS = re.compile(
    r'[ \t]*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)"></script>\n?'
)
# An icon element as the theme writes it: <i class="fa-solid fa-bars">, <span class="fas fa-download">.
CLASS_ATTRIBUTE = re.compile(r'\bclass="([^"]*)"')
FONT_AWESOME_STYLE = re.compile(r"^(fa|fas|far|fab|fa-solid|fa-regular|fa-brands|fa-classic|fa-sharp)$")
FONT_AWESOME_CLASS = re.compile(r"^(fa|fas|far|fab|fa-.+)$")
SIZE_CLASSES = {"fa-lg", "fa-xs", "fa-sm", "fa-xl", "fa-2xs", "fa-2xl", "fa-fw"}
WORD = re.compile(r"[A-Za-z_][\w-]*")
# A class-name prefix a script completes at run time: "bs-" + x, `bs-${x}`, 'col-' + n.
DYNAMIC_PREFIX = re.compile(r"([A-Za-z_][\w-]*-)(?:\$\{|[\"'`]\s*\+)")
# At-rules whose block holds ordinary rules, to be trimmed like the top level.
NESTING_AT_RULES = {"media", "supports", "layer", "container", "document"}


class LightPagesError(RuntimeError):
    """A page uses an icon the site cannot draw."""


# --------------------------------------------------------------------------------------------
# pages
# --------------------------------------------------------------------------------------------

def icons_available(icons_css: str) -> set[str]:
    """The icon names (``bars`` for ``.fa-bars``) that icons.css draws."""
    return set(re.findall(r"^\.fa-([a-z0-9-]+)\s*\{\s*--ml-icon-width", icons_css, re.M))


def icons_used(html: str) -> set[str]:
    """The Font Awesome icon names a page's elements ask for (size and style classes left out)."""
    names = set()
    for attribute in CLASS_ATTRIBUTE.findall(html):
        classes = attribute.split()
        if not any(FONT_AWESOME_STYLE.match(c) for c in classes):
            continue
        for name in classes:
            if name.startswith("fa-") and not FONT_AWESOME_STYLE.match(name) and name not in SIZE_CLASSES:
                names.add(name[3:])
    return names


def lighten_page(html: str, pagename: str) -> str:
    """The page without Font Awesome's script and the theme's preloads, its head scripts deferred, and
    without the search scripts, unless it is the search page (whose search code runs as the page loads)."""
    html = FONT_AWESOME_SCRIPT.sub("", html)
    html = THEME_PRELOADS.sub("", html)
    if pagename != "search":
        html = SEARCH_SCRIPTS.sub("", html)
        html = DEFERRABLE_SCRIPTS.sub(r'<script \1defer src="\2"></script>', html)
    return html


# --------------------------------------------------------------------------------------------
# stylesheets
# --------------------------------------------------------------------------------------------

def site_words(texts: Iterable[str]) -> tuple[set[str], tuple[str, ...]]:
    """Every word in the site's pages and scripts, and the class prefixes scripts complete at run time."""
    words: set[str] = set()
    prefixes: set[str] = set()
    for text in texts:
        # Scripts embedded in JSON (the widgets' modules) carry \n and \" escapes glued to words.
        text = text.replace("\\n", " ").replace("\\t", " ").replace('\\"', '"')
        words.update(WORD.findall(text))
        prefixes.update(DYNAMIC_PREFIX.findall(text))
    return words, tuple(sorted(prefixes))


def _split_selectors(prelude: list) -> list[list]:
    selectors: list[list] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append([])
        else:
            selectors[-1].append(token)
    return [s for s in selectors if any(t.type not in ("whitespace", "comment") for t in s)]


def _required_classes(selector: list) -> list[str]:
    # Classes at the selector's top level: every one must be on some element for it to match. Classes
    # inside :not(), :is(), :where(), :has() are left out, so such a selector is judged more leniently.
    classes = []
    for before, token in zip(selector, selector[1:]):
        if before.type == "literal" and before.value == "." and token.type == "ident":
            classes.append(token.value)
    return classes


def _strip_edges(tokens: list) -> list:
    while tokens and tokens[0].type == "whitespace":
        tokens = tokens[1:]
    while tokens and tokens[-1].type == "whitespace":
        tokens = tokens[:-1]
    return tokens


def _is_font_awesome_at_rule(rule: Any) -> bool:
    name = rule.lower_at_keyword
    if name == "font-face":
        return "font awesome" in tinycss2.serialize(rule.content or []).lower()
    if name == "keyframes":
        return any(t.type == "ident" and t.value.startswith("fa-") for t in rule.prelude)
    return False


def _only_font_awesome_variables(rule: Any) -> bool:
    # Font Awesome's `:root{--fa-font-solid: ...}` blocks, which name its fonts.
    names = [d.lower_name for d in tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True)
             if d.type == "declaration"]
    return bool(names) and all(name.startswith("--fa-") for name in names)


def trim_rules(rules: list, used: set[str], prefixes: tuple[str, ...]) -> list:
    """``rules`` (tinycss2 nodes) without the selectors nothing on the site can match."""

    def class_is_used(name: str) -> bool:
        return name in used or name.startswith(prefixes)

    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            if _only_font_awesome_variables(rule):
                continue
            alive = []
            for selector in _split_selectors(rule.prelude):
                classes = _required_classes(selector)
                if classes and all(FONT_AWESOME_CLASS.match(c) for c in classes):
                    continue  # Font Awesome's own rule: icons.css replaces them
                if all(class_is_used(c) for c in classes):
                    alive.append(tinycss2.serialize(_strip_edges(selector)))
            if alive:
                block = tinycss2.serialize(rule.content)
                kept.append(f"{','.join(alive)}{{{block}}}")
        elif rule.type == "at-rule":
            if _is_font_awesome_at_rule(rule):
                continue
            if rule.lower_at_keyword in NESTING_AT_RULES and rule.content is not None:
                inner = trim_rules(tinycss2.parse_rule_list(rule.content), used, prefixes)
                if inner:
                    kept.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{''.join(inner)}}}")
            else:
                kept.append(rule.serialize())
        elif rule.type == "comment":
            if rule.value.startswith("!") and "Font Awesome" not in rule.value:
                kept.append(f"/*{rule.value}*/\n")  # licence headers stay
        elif rule.type != "whitespace":
            kept.append(rule.serialize())
    return kept


def trim_stylesheet(css: str, used: set[str], prefixes: tuple[str, ...]) -> str:
    """A stylesheet without the rules nothing on the site can match, and without its source-map comment."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=False, skip_whitespace=True)
    return "".join(trim_rules(rules, used, prefixes)) + "\n"


# --------------------------------------------------------------------------------------------
# the Sphinx side
# --------------------------------------------------------------------------------------------

def lighten_site(outdir: Path) -> None:
    """Apply everything above to a built site in ``outdir`` (idempotent)."""
    static = outdir / "_static"
    available = icons_available(ICONS_SOURCE.read_text(encoding="utf-8"))
    texts = []
    missing: dict[str, set[str]] = {}
    for page in sorted(outdir.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        pagename = page.relative_to(outdir).with_suffix("").as_posix()
        lighter = lighten_page(html, pagename)
        if "scripts/fontawesome.js" in lighter:
            raise LightPagesError(
                f"{pagename} still loads Font Awesome's script: the theme no longer writes its tag as "
                "FONT_AWESOME_SCRIPT in medialit/tooling/light_pages.py expects; update that pattern to the new tag."
            )
        if lighter != html:
            page.write_text(lighter, encoding="utf-8")
        unknown = icons_used(lighter) - available
        if unknown:
            missing[pagename] = unknown
        texts.append(lighter)
    if missing:
        listing = "; ".join(f"{page}: {', '.join(sorted(names))}" for page, names in sorted(missing.items()))
        raise LightPagesError(
            f"pages use icons that medialit/tooling/icons.css does not draw ({listing}). Add a "
            "`.fa-NAME { --ml-icon-width: ...; --ml-icon: url(...) }` rule for each, with the icon's SVG "
            "shape (see the file's header)."
        )
    for font_file in FONT_AWESOME_FILES:
        (static / font_file).unlink(missing_ok=True)
    shutil.rmtree(static / FONT_AWESOME_FOLDER, ignore_errors=True)
    scripts = [p for p in static.rglob("*.js") if p.is_file()]
    texts.extend(p.read_text(encoding="utf-8", errors="replace") for p in scripts)
    used, prefixes = site_words(texts)
    for sheet in sorted(static.rglob("*.css")):
        relative = sheet.relative_to(static)
        if relative.parts[0] == OWN_CSS_FOLDER or relative.as_posix() in OWN_CSS:
            continue
        css = sheet.read_text(encoding="utf-8")
        trimmed = trim_stylesheet(css, used, prefixes)
        if trimmed != css:
            sheet.write_text(trimmed, encoding="utf-8")
            # A source map describes the untrimmed file; the trimmed one no longer names it.
            sheet.with_name(sheet.name + ".map").unlink(missing_ok=True)


def _on_builder_inited(app: Any) -> None:
    if app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / ICONS_STATIC_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ICONS_SOURCE, target)


def _on_build_finished(app: Any, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        lighten_site(Path(app.outdir))


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point."""
    app.add_css_file(ICONS_STATIC_PATH)
    app.connect("builder-inited", _on_builder_inited)
    app.connect("build-finished", _on_build_finished)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
