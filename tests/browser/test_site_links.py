"""Links, downloads and the absence of solutions in the built site (_build/html), read from disk.

No browser is needed: every <a href> of every page is parsed and resolved the way a browser resolves it
(relative to the page), then checked against the files of the build. External links are only checked for
form (absolute http(s) URLs with a host): the tests never fetch anything from another host.
"""
from __future__ import annotations

import html.parser
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = ROOT / "exercises"
ZIP_PATH = "_static/exercises.zip"
HIDDEN_TESTS_MARKER = "BEGIN HIDDEN TESTS"
# A made-up origin: resolving a link against it shows where the link points inside the site.
ORIGIN = "http://site.invalid/"
# Files whose text could carry a leaked key (anything that is not an image, font or archive).
TEXT_SUFFIXES = {".html", ".js", ".css", ".txt", ".md", ".ipynb", ".json", ".py", ".yaml", ".yml", ".inv", ".svg", ""}

pytestmark = pytest.mark.browser


@dataclass
class PageLinks:
    """What one HTML page offers: its ids and the href of each <a>, plus every src/href of other tags."""

    ids: set[str] = field(default_factory=set)
    anchors: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)


class _LinkParser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.result = PageLinks()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        for name in ("id", "name") if tag == "a" else ("id",):
            if name in values:
                self.result.ids.add(values[name])
        if tag == "a" and "href" in values:
            self.result.anchors.append(values["href"])
        elif tag != "a":
            self.result.resources.extend(values[name] for name in ("href", "src") if name in values)


@pytest.fixture(scope="module")
def parsed(built_site: Path, site_pages) -> dict[str, PageLinks]:
    pages = {}
    for relative in site_pages(built_site):
        parser = _LinkParser()
        parser.feed((built_site / relative).read_text(encoding="utf-8"))
        pages[relative] = parser.result
    return pages


def toc_chapters() -> list[str]:
    """Every file the table of contents lists (root first), e.g. "book/intro"."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", [{"chapters": toc.get("chapters", [])}]):
        files.extend(chapter["file"] for chapter in part["chapters"])
    return files


def resolve(page: str, href: str) -> tuple[str, str] | None:
    """(path inside the site, fragment) a link on `page` points to; None when it leaves the site."""
    target = urlsplit(urljoin(ORIGIN + page, href))
    if f"{target.scheme}://{target.netloc}/" != ORIGIN:
        return None
    path = unquote(target.path).lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path, unquote(target.fragment)


def is_well_formed_external(href: str) -> bool:
    parts = urlsplit(href)
    return (
        parts.scheme in {"http", "https"}
        and bool(parts.hostname)
        and "." in parts.hostname
        and not any(char.isspace() for char in href)
    )


def test_the_site_has_every_chapter(built_site: Path, parsed: dict[str, PageLinks]) -> None:
    missing = [f"{chapter}.html" for chapter in toc_chapters() if f"{chapter}.html" not in parsed]
    assert not missing, f"chapters listed in _toc.yml are missing from the build: {missing}"


def test_no_broken_internal_link_or_anchor(built_site: Path, parsed: dict[str, PageLinks]) -> None:
    broken: list[str] = []
    checked = 0
    for page, links in parsed.items():
        for href in links.anchors:
            if href.startswith(("mailto:", "tel:")):
                continue
            if href.strip().lower().startswith("javascript:"):
                broken.append(f"{page}: a script link {href!r} (use a button)")
                continue
            target = resolve(page, href)
            if target is None:
                continue  # external: checked for form in the next test
            path, fragment = target
            checked += 1
            file = built_site / PurePosixPath(path)
            if not file.is_file():
                broken.append(f"{page}: {href!r} -> {path} does not exist in _build/html")
                continue
            if fragment and path.endswith(".html"):
                ids = parsed[path].ids if path in parsed else page_ids(file)
                if fragment not in ids:
                    broken.append(f"{page}: {href!r} -> no element with id {fragment!r} on {path}")
    assert checked > len(parsed), f"only {checked} internal links found on {len(parsed)} pages: is the build complete?"
    assert not broken, f"{len(broken)} broken internal links:\n  " + "\n  ".join(broken)


def page_ids(file: Path) -> set[str]:
    """Ids on a page outside the page list (e.g. under _static)."""
    parser = _LinkParser()
    parser.feed(file.read_text(encoding="utf-8"))
    return parser.result.ids


def test_external_links_are_well_formed(parsed: dict[str, PageLinks]) -> None:
    external = {
        (page, href) for page, links in parsed.items() for href in links.anchors
        if not href.startswith(("mailto:", "tel:", "javascript:")) and resolve(page, href) is None
    }
    bad = sorted(f"{page}: {href!r}" for page, href in external if not is_well_formed_external(href))
    assert not bad, "external links that are not absolute http(s) URLs with a host:\n  " + "\n  ".join(bad)
    # Not a requirement on the content: shows in the report what was checked.
    print(f"{len(external)} external links checked for form: {sorted({href for _, href in external})}")


def test_well_formed_rule_rejects_what_it_should() -> None:
    assert is_well_formed_external("https://www.wsws.org/en/articles/2018/02/09/syri-f09.html")
    assert is_well_formed_external("http://example.org/a?b=c#d")
    for bad in ("www.example.org/page", "https:/example.org", "ftp://example.org/x", "https://exa mple.org/",
                "https://localhost/x", "//example.org/x"):
        assert not is_well_formed_external(bad), bad


def test_each_notebook_chapter_offers_its_source_for_download(built_site: Path, parsed: dict[str, PageLinks]) -> None:
    problems = []
    notebooks = 0
    for chapter in toc_chapters():
        source = next((ROOT / f"{chapter}{suffix}" for suffix in (".md", ".ipynb")
                       if (ROOT / f"{chapter}{suffix}").is_file()), None)
        assert source is not None, f"{chapter} is in _toc.yml but has no .md or .ipynb file"
        text = source.read_text(encoding="utf-8")
        if source.suffix == ".md" and "kernelspec:" not in text.split("\n---", 1)[0]:
            continue  # plain MyST page, not a notebook
        notebooks += 1
        page = f"{chapter}.html"
        wanted = f"_sources/{chapter}{source.suffix}"
        downloads = [href for href in parsed[page].anchors if (resolve(page, href) or ("", ""))[0] == wanted]
        if not downloads:
            problems.append(f"{page} has no download link to {wanted}")
            continue
        served = built_site / wanted
        if not served.is_file():
            problems.append(f"{page} links {wanted}, which is not in _build/html")
        elif served.read_text(encoding="utf-8") != text:
            problems.append(f"{wanted} differs from {source.relative_to(ROOT)}: rebuild the site")
    assert notebooks >= 5, f"only {notebooks} chapters are notebooks; expected the course's executable chapters"
    assert not problems, "\n".join(problems)


def test_no_solution_is_linked_or_present(built_site: Path, parsed: dict[str, PageLinks]) -> None:
    problems = []
    for path in built_site.rglob("*"):
        relative = path.relative_to(built_site)
        if "solutions" in relative.parts or "source" in relative.parts[:1]:
            problems.append(f"{relative} is a solutions file in the site")
        if path.is_file() and path.suffix in TEXT_SUFFIXES:
            if HIDDEN_TESTS_MARKER in path.read_text(encoding="utf-8", errors="replace"):
                problems.append(f"{relative} contains {HIDDEN_TESTS_MARKER!r}")
    for page, links in parsed.items():
        for href in links.anchors + links.resources:
            target = resolve(page, href)
            path = target[0] if target else urlsplit(href).path
            if "solutions/" in path or path.startswith("source/"):
                problems.append(f"{page} links {href!r}")
    assert not problems, "solutions reach the site:\n  " + "\n  ".join(problems)


def test_start_page_offers_the_student_exercises_as_a_zip(built_site: Path, parsed: dict[str, PageLinks]) -> None:
    start = f"{toc_chapters()[0]}.html"
    links = [href for href in parsed[start].anchors if (resolve(start, href) or ("", ""))[0] == ZIP_PATH]
    assert links, f"{start} does not link {ZIP_PATH}"
    archive = built_site / ZIP_PATH
    assert archive.is_file(), (
        f"{start} links {ZIP_PATH}, but the build has no such file: the build must package exercises/ into it"
    )
    assert zipfile.is_zipfile(archive), f"{ZIP_PATH} is not a zip file"
    student = {path.relative_to(EXERCISES).as_posix(): path.read_bytes() for path in EXERCISES.glob("*/*.ipynb")}
    # One per assignment in solutions/: the five graded ones and the discernment check's three forms.
    sources = sorted(path.relative_to(ROOT / "solutions").as_posix() for path in (ROOT / "solutions").glob("*/*.ipynb"))
    assert sorted(student) == sources and len(student) == 8, f"exercises/ holds {sorted(student)}, solutions/ {sources}"
    with zipfile.ZipFile(archive) as bundle:
        assert bundle.testzip() is None, f"{ZIP_PATH} has a corrupt member"
        members = {info.filename: info for info in bundle.infolist() if not info.is_dir()}
        contents = {name: bundle.read(name) for name in members}
    # The marker counts in notebooks: the course package in the zip names it where it parses hidden tests
    # (medialit/grading/award.py); tests/test_downloads.py scans the whole zip for the keys themselves.
    leaked = [name for name, data in contents.items()
              if "solutions" in PurePosixPath(name).parts
              or (name.endswith(".ipynb") and HIDDEN_TESTS_MARKER.encode() in data)]
    assert not leaked, f"{ZIP_PATH} carries solution material: {leaked}"
    # Each student notebook is in the zip, byte for byte, at <assignment>/<assignment>.ipynb (any top folder).
    for name, data in student.items():
        matches = [member for member in contents if member == name or member.endswith("/" + name)]
        assert matches, f"{ZIP_PATH} lacks {name}; it holds {sorted(contents)}"
        assert contents[matches[0]] == data, f"{matches[0]} in {ZIP_PATH} differs from exercises/{name}: rebuild the site"
    notebooks = [name for name in contents if name.endswith(".ipynb")]
    assert len(notebooks) == len(student), f"{ZIP_PATH} holds other notebooks too: {sorted(notebooks)}"


def test_links_resolve_as_a_browser_resolves_them() -> None:
    assert resolve("book/intro.html", "../_static/exercises.zip") == ("_static/exercises.zip", "")
    assert resolve("book/sourcing.html", "#worked-example") == ("book/sourcing.html", "worked-example")
    assert resolve("book/sourcing.html", "glossary.html#term-claim") == ("book/glossary.html", "term-claim")
    assert resolve("book/sourcing.html", "../") == ("index.html", "")
    assert resolve("search.html", "book/a%20b.html?q=1") == ("book/a b.html", "")
    assert resolve("book/sourcing.html", "https://example.org/x.html") is None
