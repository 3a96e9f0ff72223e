"""Fixtures shared by every test folder, and the lanes the suite is run and timed in.

One Chromium per test session (per xdist worker): Playwright's sync API allows one running instance per
thread, so the browser tests (tests/browser/) and the grading pages' tests (tests/test_formgrader_pages.py)
share it.

Lanes: every test is in one of four, told apart by its markers, and the run ends with each lane's count and
its summed test time (with two workers the lanes run side by side, so the wall time is printed by
scripts/test). `bash scripts/test -m "not slow"` runs only the fast lane.
"""
from __future__ import annotations

import shutil
from collections import defaultdict
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


# ---- lanes ----------------------------------------------------------------------------------------------------

LANES = ("fast", "slow", "browser", "notebooks")
BROWSER_TESTS = Path(__file__).resolve().parent / "browser"
# Fixtures that take a minute to set up (a planted class of 200 students autograded-like into a gradebook): a test
# that uses one, directly or through another fixture, is slow.
SLOW_FIXTURES = {"planted_class_200"}


def lane_of(markers: set[str]) -> str:
    """The lane of a test with these marker names (browser and notebook tests are also marked slow)."""
    if "browser" in markers:
        return "browser"
    if "notebook" in markers:
        return "notebooks"
    return "slow" if "slow" in markers else "fast"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # nbval's cells (the notebooks scripts/test passes) run in kernels; browser tests need the built site and
    # Chromium: both are slow, so `-m "not slow"` is the fast lane alone. (tests/browser/conftest.py marks
    # its own tests `browser` before this hook runs: conftest hooks of deeper folders run first.)
    for item in items:
        if Path(str(item.path)).suffix == ".ipynb":
            item.add_marker(pytest.mark.notebook)
            item.add_marker(pytest.mark.slow)
        elif item.get_closest_marker("browser") is not None or BROWSER_TESTS in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.slow)
        elif SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


_lane_seconds: dict[str, float] = defaultdict(float)
_lane_tests: dict[str, int] = defaultdict(int)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # Runs where the reports arrive: in the one process, or in xdist's controller for every worker's tests.
    lane = lane_of({name for name, value in report.keywords.items() if value})
    _lane_seconds[lane] += report.duration
    if report.when == "call" or (report.when == "setup" and not report.passed):
        _lane_tests[lane] += 1


def pytest_terminal_summary(terminalreporter) -> None:
    if not _lane_tests:
        return
    terminalreporter.section("lanes (summed test time: set-up, call and tear-down)")
    for lane in LANES:
        if _lane_tests.get(lane):
            terminalreporter.write_line(f"{lane:>9}: {_lane_tests[lane]:5d} tests, {_lane_seconds[lane]:7.1f} s")

@pytest.fixture(scope="session")
def planted_class_200(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """A course of every assignment for 200 students with planted answers and statuses (tests/support/planted_class.py),
    built once per session: (its folder, what was planted)."""
    from support import planted_class

    root = tmp_path_factory.mktemp("class200") / "course"
    return root, planted_class.build_class(root)
