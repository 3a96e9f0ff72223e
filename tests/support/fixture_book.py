"""One fixture book for the widget tests, built once and kept by the hash of its inputs (as scripts/setup keeps the site).

A browser test module that needs pages the course site does not have (hostile data, preset state, a probe of the
runtime) registers them here when it is imported: ``register(FixturePage("claims-hostile", TEXT, case=...))``.
The session fixture ``fixture_site`` (tests/browser/conftest.py) builds every registered page into one book with
the project's _config.yml, so the widgets run exactly as on the site (executed at build time, saved state, the
self-hosted runtime), in one jupyter-book run instead of one per module. A build whose inputs have not changed
(the pages, the case copies they read, _config.yml, seeds/ and medialit/) is reused, also by the other xdist
worker, which waits on a lock while the first one builds.
"""
from __future__ import annotations

import fcntl
import hashlib
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from support.site import ROOT, run_fixture_book_build

CACHE = ROOT / "_build" / "fixture-book"
# In a page's text, the folder its changed copy of the case is written to (an absolute path once built).
CASE_ROOT = "CASE_ROOT"
DONE = ".built"


@dataclass(frozen=True)
class FixturePage:
    """One page of the fixture book: book/<name>.html, built from a MyST notebook."""

    name: str
    text: str
    # Writes a changed copy of the case into the folder it is given and returns the root to load it from
    # (the page's text says CASE_ROOT there); None for a page that reads the course's own case.
    case: Callable[[Path], Path] | None = None


_PAGES: dict[str, FixturePage] = {}


def register(*pages: FixturePage) -> None:
    """Add pages to the book; a name must be unique across the test modules (it is the page's file name)."""
    for page in pages:
        known = _PAGES.get(page.name)
        if known is not None and (known.text, known.case) != (page.text, page.case):
            raise ValueError(f"two fixture pages are named {page.name!r}; give each its own name")
        _PAGES[page.name] = page


def registered() -> list[FixturePage]:
    """The registered pages, in name order (the book's table of contents)."""
    return [_PAGES[name] for name in sorted(_PAGES)]


def _digest(folders: list[tuple[Path, str]]) -> str:
    digest = hashlib.sha256()
    for folder, label in folders:
        files = [folder] if folder.is_file() else sorted(p for p in folder.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" in path.parts:
                continue
            relative = path.name if folder.is_file() else path.relative_to(folder).as_posix()
            digest.update(f"{label}/{relative}\0".encode())
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()[:20]


def fixture_book(pages: list[FixturePage]) -> Path:
    """Build `pages` as one book (or reuse the build with the same inputs); returns its _build/html."""
    if not pages:
        raise ValueError("no fixture pages are registered: a test module must register() its pages")
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE, prefix="staging-") as staging_name:
        staging = Path(staging_name)
        case_roots: dict[str, Path] = {}
        for page in pages:
            (staging / "pages").mkdir(exist_ok=True)
            (staging / "pages" / f"{page.name}.md").write_text(page.text, encoding="utf-8")
            if page.case is not None:
                folder = staging / "cases" / page.name
                folder.mkdir(parents=True)
                case_roots[page.name] = page.case(folder).relative_to(staging)
        key = _digest([(staging, "staging"), (ROOT / "_config.yml", "config"), (ROOT / "seeds", "seeds"),
                       (ROOT / "medialit", "medialit")])
        book = CACHE / key
        html = book / "_build" / "html"
        with (CACHE / f"{key}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # the other worker waits here while this one builds
            if (book / DONE).is_file():
                return html
            shutil.rmtree(book, ignore_errors=True)
            book.mkdir()
            if (staging / "cases").is_dir():
                shutil.copytree(staging / "cases", book / "cases")
            texts = {page.name: page.text.replace(CASE_ROOT, str(book / case_roots[page.name]))
                     if page.name in case_roots else page.text for page in pages}
            result = run_fixture_book_build(book, texts)
            assert result.returncode == 0, (
                f"building the fixture book failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
            (book / DONE).write_text(key, encoding="utf-8")
    # Older builds (of other inputs) are of no further use.
    for other in CACHE.iterdir():
        if other.is_dir() and other.name != key and not other.name.startswith("staging-"):
            shutil.rmtree(other, ignore_errors=True)
        elif other.suffix == ".lock" and other.stem != key:
            other.unlink(missing_ok=True)
    return html
