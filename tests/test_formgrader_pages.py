"""Formgrader and feedback pages of a hostile submission, end to end (issue 11: nothing a student writes runs
in a grader's browser; the rubric where graders grade; "not graded yet").

One course: the hostile-HTML student of tests/submissions (script in a written answer, in a raw cell and in
code outputs, plus a 30 MB one-line print) is autograded in the sandbox and its feedback generated; a real
`jupyter server` with nbgrader's formgrader serves its submission page on loopback; headless Chromium loads
that page and the feedback page and reports whether any attack ran or any request left the machine.
"""
from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest

from tests.submissions import (
    ATTACKED,
    HUGE_PRINT_CHARS,
    PWNED_GLOBALS,
    attack_html,
    generate_all,
    make_course,
    nbgrader,
    source_nb,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

STUDENT = "hostile-html"
WRITTEN = "ll-rewrite18"  # loaded-language's written answer
KEPT = ("STUDENT-WRITTEN-ANSWER-KEPT", "STYLED-TEXT-KEPT", "RAW-CELL-KEPT", "BOLD-HTML-KEPT", "HTML-STYLED-KEPT",
        "MARKDOWN-OUTPUT-KEPT", "LATEX-KEPT", "HUGE-PRINT-START")
# Markup that would run or fetch if it reached the page as markup (the student's code cell shows the same
# text escaped, as source, which is harmless and expected).
ACTIVE = ("onerror=", "onload=", "<script>window", "<iframe", "=\"javascript:", "srcdoc", "<svg", "expression(",
          "https://example.org")


@dataclass
class Course:
    root: Path
    autograded: Path
    feedback_pending: str  # before any manual grade
    feedback_graded: str  # after the written answer got its manual grade
    feedback_log: str
    autograde_seconds: float


def _rubric_sample() -> str:
    cell = next(c for c in source_nb(ATTACKED).cells if c.metadata.get("nbgrader", {}).get("grade_id") == WRITTEN)
    return cell.source.split('*Sample:* "', 1)[1][:50]


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    root = make_course(tmp_path_factory.mktemp("formgrader") / "course")
    generate_all(root)
    path = root / "submitted" / STUDENT / ATTACKED / f"{ATTACKED}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(attack_html(ATTACKED, root), str(path))
    start = time.monotonic()
    graded = nbgrader(["autograde", ATTACKED, "--student", STUDENT], root, timeout=240)
    seconds = time.monotonic() - start
    assert graded.returncode == 0, graded.stderr[-3000:]
    feedback = nbgrader(["generate_feedback", ATTACKED, "--student", STUDENT], root, timeout=120)
    assert feedback.returncode == 0, feedback.stderr[-3000:]
    page = root / "feedback" / STUDENT / ATTACKED / f"{ATTACKED}.html"
    pending = page.read_text(encoding="utf-8")

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        grade = gb.find_grade(WRITTEN, ATTACKED, ATTACKED, STUDENT)
        # What Formgrader's grade API does when a grader enters a score (nbgrader's apihandlers.py).
        grade.manual_score = 2
        grade.needs_manual_grade = False
        gb.db.commit()
    again = nbgrader(["generate_feedback", ATTACKED, "--student", STUDENT, "--force"], root, timeout=120)
    assert again.returncode == 0, again.stderr[-3000:]
    return Course(root, root / "autograded" / STUDENT / ATTACKED / f"{ATTACKED}.ipynb", pending,
                  page.read_text(encoding="utf-8"), feedback.stderr, seconds)


def _assert_inert(html: str, where: str) -> None:
    for text in KEPT:
        assert text in html, f"{where}: the student's harmless content {text!r} is missing"
    rendered = html.split('id="notebook-container"', 1)[1]
    # Code cells show the attack's source escaped; strip their highlighted input before looking for markup.
    markup = "".join(part.split("</div>", 1)[-1] for part in rendered.split('<div class="input_area">'))
    for text in ACTIVE:
        assert text not in markup, f"{where}: {text!r} survived as markup"
    assert "[medialit: an output of type application/javascript was removed" in html
    assert "application/vnd.jupyter.widget-view+json was removed" in html
    assert "image/png (not a valid image) was removed" in html
    assert "data:image/svg+xml;base64," in html  # the SVG is shown only as an <img>


# --- autograde ------------------------------------------------------------------------------------------

def test_autograde_keeps_the_notebook_small_and_the_points(course: Course) -> None:
    size = course.autograded.stat().st_size
    assert size < 1_000_000, f"autograded notebook is {size:,} bytes after a {HUGE_PRINT_CHARS:,}-character print"
    nb = nbformat.read(str(course.autograded), as_version=4)
    text = nbformat.writes(nb)
    # The 30 MB print is one message over the sandbox's size limit: the executor drops it (with the rest of that
    # cell's outputs) and says so in the cell, and the cell's answer still counts (below).
    assert "[medialit: output dropped" in text
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course.root / 'gradebook.db'}") as gb:
        # The automatic answers are right: capping a huge output in an answer cell costs no point.
        assert gb.find_submission_notebook(ATTACKED, ATTACKED, STUDENT).score >= 11


# --- feedback -------------------------------------------------------------------------------------------

def test_feedback_page_is_sanitized_small_and_script_free(course: Course) -> None:
    _assert_inert(course.feedback_pending, "feedback")
    assert len(course.feedback_pending) < 1_000_000
    assert '<meta content="default-src \'none\'' in course.feedback_pending  # CSP: no script, nothing fetched


def test_feedback_says_not_graded_yet_and_warns(course: Course) -> None:
    assert "not graded yet (out of 3.0)" in course.feedback_pending
    assert "Not final." in course.feedback_pending and "Score so far" in course.feedback_pending
    assert "0.0 / 3.0" not in course.feedback_pending
    assert f"not graded yet ({WRITTEN})" in course.feedback_log


def test_feedback_shows_the_manual_grade_once_given(course: Course) -> None:
    assert "not graded yet" not in course.feedback_graded and "Not final." not in course.feedback_graded
    assert "2.0 / 3.0" in course.feedback_graded


def test_feedback_never_shows_the_rubric(course: Course) -> None:
    for page in (course.feedback_pending, course.feedback_graded):
        # (The student's answer forges the box's wording: only the real box's frame and text count.)
        assert _rubric_sample() not in page and 'class="medialit-rubric' not in page


# --- a real Formgrader -----------------------------------------------------------------------------------

@dataclass
class Server:
    base: str
    token: str
    submission_id: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def formgrader(course: Course, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course.root / 'gradebook.db'}") as gb:
        submission_id = gb.find_submission_notebook(ATTACKED, ATTACKED, STUDENT).id
    token, port = secrets.token_hex(16), _free_port()
    runtime = tmp_path_factory.mktemp("jupyter-runtime")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "JUPYTER_RUNTIME_DIR": str(runtime)}
    log = runtime / "server.log"
    with log.open("w") as out:
        # The course folder is the server's root, as for an instructor who runs `jupyter lab` there.
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", "--no-browser", f"--ServerApp.token={token}", f"--port={port}",
             "--ip=127.0.0.1", f"--ServerApp.root_dir={course.root}",
             *(["--allow-root"] if os.geteuid() == 0 else [])],
            cwd=course.root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"jupyter server exited:\n{log.read_text()[-3000:]}"
            with contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError):
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            assert time.monotonic() < deadline, f"jupyter server did not start:\n{log.read_text()[-3000:]}"
            time.sleep(0.3)
        yield Server(base, token, submission_id)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _fetch(server: Server) -> tuple[str, dict[str, str], float]:
    start = time.monotonic()
    request = urllib.request.Request(f"{server.base}/formgrader/submissions/{server.submission_id}/",
                                     headers={"Authorization": f"token {server.token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read().decode(), dict(response.headers), time.monotonic() - start


def test_formgrader_page_is_sanitized_with_a_nonce_csp(formgrader: Server) -> None:
    html, headers, seconds = _fetch(formgrader)
    _assert_inert(html, "formgrader")
    policy = headers["Content-Security-Policy"]
    nonce = policy.split("'nonce-", 1)[1].split("'", 1)[0]
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "frame-ancestors 'self'" in policy
    head, notebook = html.split('id="notebook-container"', 1)
    assert f'nonce="{nonce}"' in head and "nonce=" not in notebook
    assert len(html) < 1_000_000 and seconds < 10, (len(html), seconds)
    again = _fetch(formgrader)[1]["Content-Security-Policy"]
    assert again != policy  # a fresh nonce per page


def test_formgrader_shows_the_rubric_under_the_written_answer(formgrader: Server) -> None:
    html = _fetch(formgrader)[0]
    answer = html.index(f'id="{WRITTEN}-comment"')  # the grader's comment box of the written answer
    rubric = html.index(f'<aside class="medialit-rubric" data-medialit-rubric="{WRITTEN}"')
    assert answer < rubric and _rubric_sample() in html[rubric:]
    assert html.count('<aside class="medialit-rubric"') == 1  # loaded-language has one written answer


def test_a_forged_rubric_cannot_pass_for_the_real_one(formgrader: Server, browser) -> None:
    """The student's answer holds a blockquote worded like the rubric box and an <aside> with its class; only
    the real box has the frame (the sanitizer strips the class and data- attribute from student markup)."""
    html = _fetch(formgrader)[0]
    assert "FORGED-RUBRIC" in html and "FORGED-ASIDE" in html  # the student's text is kept, as text
    context, page, _, _ = _watched_page(browser, formgrader.token)
    try:
        page.goto(f"{formgrader.base}/formgrader/submissions/{formgrader.submission_id}/", wait_until="networkidle")
        boxes = page.evaluate("""() => [...document.querySelectorAll('aside.medialit-rubric')].map(
            box => [box.dataset.medialitRubric, box.innerText.includes('FORGED'), getComputedStyle(box).borderTopStyle])""")
        forged = page.evaluate("""() => [...document.querySelectorAll('blockquote, aside')].filter(
            el => el.innerText.includes('FORGED')).map(el => [el.tagName, el.className,
                                                               getComputedStyle(el).borderTopStyle])""")
    finally:
        context.close()
    assert boxes == [[WRITTEN, False, "double"]], boxes
    assert forged and all(cls == "" and style != "double" for _, cls, style in forged), forged


def _watched_page(browser, token: str | None = None):
    context = browser.new_context(extra_http_headers={"Authorization": f"token {token}"} if token else {})
    page = context.new_page()
    left: list[str] = []
    errors: list[str] = []

    def route(route) -> None:
        parts = urlsplit(route.request.url)
        if parts.scheme in {"data", "file", "about", "blob"} or parts.hostname in {"127.0.0.1", "localhost"}:
            route.continue_()
        else:
            left.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page, left, errors


# `browser` is the session's one Chromium (tests/conftest.py): Playwright's sync API allows one per thread.


def _pwned(page) -> list[str]:
    return page.evaluate(f"() => {list(PWNED_GLOBALS)!r}.filter(name => window[name] !== undefined)")


def test_no_attack_runs_in_formgrader_and_grading_still_works(formgrader: Server, browser, course: Course) -> None:
    context, page, left, errors = _watched_page(browser, formgrader.token)
    try:
        start = time.monotonic()
        page.goto(f"{formgrader.base}/formgrader/submissions/{formgrader.submission_id}/", wait_until="networkidle")
        load_seconds = time.monotonic() - start
        assert _pwned(page) == []
        assert page.evaluate("() => [typeof window.jQuery, typeof window.toggle_name]") == ["function", "function"]
        assert errors == [], errors  # the template's own scripts ran without error under the policy
        # Grading works under the policy: a score typed into the written answer reaches the gradebook.
        page.fill(f"#{WRITTEN}", "2.5")
        page.keyboard.press("Tab")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        assert _pwned(page) == []
    finally:
        context.close()
    assert left == [], f"requests left loopback: {left}"  # MathJax's CDN script is refused by the CSP, unfetched
    assert load_seconds < 15
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course.root / 'gradebook.db'}") as gb:
        assert gb.find_grade(WRITTEN, ATTACKED, ATTACKED, STUDENT).manual_score == 2.5


def test_no_attack_runs_in_the_feedback_page(course: Course, browser) -> None:
    page_file = course.root / "feedback" / STUDENT / ATTACKED / f"{ATTACKED}.html"
    context, page, left, errors = _watched_page(browser)
    try:
        page.goto(page_file.as_uri(), wait_until="load")
        page.wait_for_timeout(300)
        assert _pwned(page) == []
    finally:
        context.close()
    assert left == [], f"requests left the machine: {left}"  # not even nbgrader's MathJax from a CDN


# --- ids on every Formgrader page (issue 23): escaped, and every page under a nonce CSP ----------------------

FORMGRADER_PAGES = ("/formgrader", "/formgrader/manage_assignments", "/formgrader/manage_students",
                    "/formgrader/manage_students/{student}", "/formgrader/manage_students/{student}/{assignment}",
                    "/formgrader/gradebook", "/formgrader/gradebook/{assignment}",
                    "/formgrader/gradebook/{assignment}/{assignment}", "/formgrader/manage_submissions/{assignment}",
                    "/formgrader/submissions/{submission}/")


def _hostile_students(course: Course) -> dict[str, str]:
    """Students whose ids a script or a <meta> refresh, as an old gradebook or `nbgrader db student add` could
    hold them (intake refuses them at collect and autograde), each with a graded submission to open."""
    import shutil

    from nbgrader.api import Gradebook

    from tests.submissions import META_ID, SCRIPT_ID

    made = {}
    with Gradebook(f"sqlite:///{course.root / 'gradebook.db'}") as gb:
        for student in (SCRIPT_ID, META_ID):
            try:
                gb.find_student(student)
            except Exception:
                gb.add_student(student, first_name=student, last_name=student)
                gb.add_submission(ATTACKED, student)
            made[student] = gb.find_submission_notebook(ATTACKED, ATTACKED, student).id
            folder = course.root / "autograded" / student / ATTACKED
            if not folder.exists():
                shutil.copytree(course.autograded.parent, folder)
    return made


def test_every_formgrader_page_has_a_nonce_csp(formgrader: Server, course: Course) -> None:
    from urllib.parse import quote

    from tests.submissions import SCRIPT_ID

    submission = _hostile_students(course)[SCRIPT_ID]
    for path in FORMGRADER_PAGES:
        url = formgrader.base + path.format(student=quote(SCRIPT_ID, safe=""), assignment=ATTACKED,
                                            submission=submission)
        request = urllib.request.Request(url, headers={"Authorization": f"token {formgrader.token}"})
        with urllib.request.urlopen(request, timeout=60) as response:
            html, policy = response.read().decode(), response.headers.get("Content-Security-Policy", "")
        assert "script-src 'nonce-" in policy, (path, policy)
        assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0], path
        # Inside the templates' own scripts the id must be escaped (a quote there ends the string); in markup
        # it may appear inside a quoted attribute (nbconvert re-serializes the page), which the browser test covers.
        scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S | re.I)
        assert not [s for s in scripts if SCRIPT_ID in s], f"{path}: the id is printed unescaped in a script"
        assert "<script>window" not in html and 'x";window' not in html.split("<body", 1)[0], path


def test_a_hostile_id_runs_nothing_and_redirects_nowhere(formgrader: Server, browser, course: Course) -> None:
    from urllib.parse import quote

    from tests.submissions import META_ID, SCRIPT_ID

    submissions = _hostile_students(course)
    context, page, left, errors = _watched_page(browser, formgrader.token)
    visited = []
    try:
        for student in (SCRIPT_ID, META_ID):
            for path in FORMGRADER_PAGES:
                url = formgrader.base + path.format(student=quote(student, safe=""), assignment=ATTACKED,
                                                    submission=submissions[student])
                page.goto(url, wait_until="networkidle")
                page.wait_for_timeout(400)  # a meta refresh with content=0 would have fired by now
                visited.append((url, page.url))
                assert page.url.startswith(formgrader.base), (url, page.url)
                assert page.evaluate("() => window.__pwned_id") is None, url
    finally:
        context.close()
    assert left == [], f"requests left loopback: {left}"
    assert not (course.root / "PWNED.txt").exists(), "the id's script wrote through the Contents API"
