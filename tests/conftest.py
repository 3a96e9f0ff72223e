"""Fixtures shared by every test folder.

One Chromium per test session: Playwright's sync API allows one running instance per thread, so the
browser tests (tests/browser/) and the grading pages' tests (tests/test_formgrader_pages.py) must share it.
"""
from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser, sync_playwright

from medialit import CASE
from medialit.case import SEEDS_DIR, CaseDataError, load_case

# Offline, as root: without the background-networking flags Chromium keeps
# trying Google's hosts, which this machine refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, launched through Playwright (never `playwright install`)."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "Debian's chromium is not on PATH: install it with `apt-get install -y chromium` "
            "(scripts/test does this for you).",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def case_copy(tmp_path: Path) -> Callable[[str, Callable[[Any], None]], str]:
    """A writable copy of the case; edit(file_stem, change) rewrites one YAML file with change(data), expects the one
    loader to refuse it, naming the file and the fix, and returns the error's text (tests of bad data use it)."""
    shutil.copytree(SEEDS_DIR / CASE, tmp_path / CASE)

    def edit(file_stem, change):
        path = tmp_path / CASE / f"{file_stem}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        with pytest.raises(CaseDataError) as info:
            load_case(CASE, root=tmp_path)
        error = info.value
        assert error.file == path, "the error must name the file"
        assert error.fix, "the error must say how to fix it"
        return str(error)

    return edit


@pytest.fixture(scope="session")
def planted_class_200(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """A course of every assignment for 200 students with planted answers and statuses (tests/planted_class.py),
    built once per session: (its folder, what was planted)."""
    import planted_class

    root = tmp_path_factory.mktemp("class200") / "course"
    return root, planted_class.build_class(root)
