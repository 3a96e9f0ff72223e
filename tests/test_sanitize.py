"""medialit.grading.sanitize and rubric: the pieces, without nbgrader runs (fast).

The whole path (autograde, generate_feedback, a real Formgrader in Chromium) is tests/test_formgrader_pages.py.
"""
from __future__ import annotations

import base64
import re

import nbformat
import pytest
from traitlets.config import Config

from medialit.grading import rubric, sanitize
from tests.submissions import ASSIGNMENTS, REPO, meta

pytestmark = pytest.mark.timeout(60)

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20).decode()


@pytest.mark.parametrize("html, gone, kept", [
    ('<img src=x onerror="alert(1)">ok', ["onerror", "alert"], ["ok"]),
    ("<script>alert(1)</script>after", ["script", "alert"], ["after"]),
    ('<a href="javascript:alert(1)">link</a>', ["javascript"], ["link"]),
    ('<iframe src="https://example.org"></iframe>text', ["iframe", "example.org"], ["text"]),
    ('<div style="width: expression(alert(1))">styled</div>', ["style=", "expression"], ["styled"]),
    ('<svg onload="alert(1)"><script>alert(2)</script></svg>svg', ["<svg", "onload", "alert"], ["svg"]),
    ('<img src="https://example.org/pixel.png">', ["example.org"], ["<img"]),
    ('<a href="/api/contents/solutions">x</a>', ["/api/contents"], ["x"]),
    ('<form action="/x"><input name="token"></form>', ["form", "input"], []),
    ('<span class="navbar-fixed-top k">x</span>', ["navbar"], ['class="k"']),
    ('<a href="data:text/html,<script>alert(1)</script>">d</a>', ["data:", "alert"], ["d"]),
])
def test_clean_html_removes_what_runs_or_fetches(html: str, gone: list[str], kept: list[str]) -> None:
    cleaned = sanitize.clean_html(html)
    looped = list(gone)
    assert looped, "nothing to check: gone is empty"
    for text in looped:
        assert text not in cleaned, (html, cleaned)
    for text in kept:
        assert text in cleaned, (html, cleaned)


def test_clean_html_keeps_tables_links_and_inline_images() -> None:
    html = (f'<table class="dataframe"><tr><th>a</th><td colspan="2">1</td></tr></table>'
            f'<a href="https://example.org/x">ref</a><img src="data:image/png;base64,{PNG}" alt="plot">')
    cleaned = sanitize.clean_html(html)
    assert '<table class="dataframe">' in cleaned and 'colspan="2"' in cleaned
    assert 'href="https://example.org/x"' in cleaned and 'rel="noopener noreferrer nofollow"' in cleaned
    assert f'src="data:image/png;base64,{PNG}"' in cleaned


def test_a_forged_inline_image_loses_its_src() -> None:
    forged = base64.b64encode(b"<html>not a png</html>").decode()
    assert "src" not in sanitize.clean_html(f'<img src="data:image/png;base64,{forged}">')


def _cell_with_outputs(*outputs: dict) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    nb.cells = [cell]
    return nb


def test_outputs_are_rebuilt_from_safe_types_with_visible_notes() -> None:
    nb = _cell_with_outputs(
        {"output_type": "display_data", "metadata": {"image/png": {"width": '1" onerror="x'}},
         "data": {"application/javascript": "alert(1)", "text/plain": "<Javascript>"}},
        {"output_type": "display_data", "metadata": {},
         "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "m"}}},
        {"output_type": "display_data", "metadata": {}, "data": {"image/png": '"><img onerror=alert(1)>'}},
        {"output_type": "display_data", "metadata": {}, "data": {"image/png": PNG}},
        {"output_type": "display_data", "metadata": {}, "data": {"text/latex": r"$\href{javascript:x}{y}$"}},
        {"output_type": "display_data", "metadata": {}, "data": {"application/x-unknown": "?"}},
        {"output_type": "execute_result", "execution_count": 1, "metadata": {"filenames": {"image/png": "/etc"}},
         "data": {"text/html": "<b>bold</b><script>alert(1)</script>"}},
    )
    nb.cells[0]["svg_filename"] = "../../solutions"  # extra keys a template might print are not carried over
    out = sanitize.sanitize_notebook(nb).cells[0].outputs
    data = [o.get("data", {}) for o in out]
    text = nbformat.writes(nb)
    assert not any("application/javascript" in d or "application/vnd.jupyter.widget-view+json" in d for d in data)
    notes = [o.text for o in out if o.output_type == "stream"]
    assert any("application/javascript" in n for n in notes) and any("widget-view" in n for n in notes)
    assert any("image/png (not a valid image)" in n for n in notes) and any("application/x-unknown" in n for n in notes)
    assert {"image/png": PNG} in data  # a real PNG stays
    assert {"text/plain": r"$\href{javascript:x}{y}$"} in data  # LaTeX shown as source, never typeset
    assert {"text/html": "<b>bold</b>"} in data
    assert all(o.get("metadata", {}) == {} for o in out) and "onerror" not in text and "filenames" not in text
    assert "svg_filename" not in text


def test_metadata_is_cut_to_validated_nbgrader_fields() -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata.update({"title": "<script>alert(1)</script>", "widgets": {"x": "</script><script>alert(1)"},
                        "language_info": {"name": '"><script>'}})
    good = nbformat.v4.new_markdown_cell("answer", metadata={
        "tags": ['x"><script>'], "nbgrader": {"grade_id": "ll-rewrite18", "grade": True, "solution": True,
                                              "points": 3, "comment": "<script>", "score": 99}})
    bad = nbformat.v4.new_markdown_cell("other", metadata={"nbgrader": {"grade_id": 'x" onfocus="alert(1)',
                                                                          "grade": True}})
    raw = nbformat.v4.new_raw_cell("<script>alert(1)</script>RAW", metadata={"raw_mimetype": "text/html"})
    nb.cells = [good, bad, raw]
    sanitize.sanitize_notebook(nb)
    assert dict(nb.metadata) == {"language_info": {"name": "python"}}
    assert dict(nb.cells[0].metadata) == {"nbgrader": {"grade_id": "ll-rewrite18", "grade": True,
                                                       "solution": True, "points": 3}}
    assert dict(nb.cells[1].metadata) == {}  # unsafe grade_id: shown as a plain cell, no attribute to break
    assert nb.cells[2].source == "RAW" and "raw_mimetype" not in nb.cells[2].metadata


def test_a_huge_output_is_cut_per_output_and_per_cell() -> None:
    nb = _cell_with_outputs(
        {"output_type": "stream", "name": "stdout", "text": "A" * 30_000_000},
        *({"output_type": "stream", "name": "stdout", "text": "B" * 90_000} for _ in range(40)),
        {"output_type": "error", "ename": "E", "evalue": "v" * 5000, "traceback": ["t" * 200_000]},
    )
    cell = nb.cells[0]
    cuts = sanitize.cap_outputs(cell)
    sizes = [len(o.get("text", "")) + sum(len(t) for t in o.get("traceback", [])) for o in cell.outputs]
    assert max(sizes) <= sanitize.MAX_OUTPUT_CHARS + 200
    assert sum(sizes) <= sanitize.MAX_CELL_CHARS + 200 * len(sizes)
    assert "29,900,000 characters were not kept" in cell.outputs[0].text
    assert [o.output_type for o in cell.outputs][-1] == "error"  # nbgrader still sees the error
    assert cuts and "output 0 (stream)" in cuts
    before = nbformat.writes(nb)
    assert sanitize.cap_outputs(cell) == [] and nbformat.writes(nb) == before  # capping twice changes nothing


def test_markdown_is_rendered_once_then_cleaned() -> None:
    context = {"cell": {}}
    html = sanitize.safe_markdown2html(context, "**bold** `<b>` [x](javascript:alert(1))\n\n"
                                                             "<img src=x onerror=alert(1)>\n\n&lt;script&gt;")
    assert "<strong>bold</strong>" in html and "<code>&lt;b&gt;</code>" in html
    assert "javascript" not in html and "onerror" not in html
    assert "&lt;script&gt;" in html and "<script" not in html  # escaped text stays escaped, not parsed again


def test_nonces_only_for_the_templates_own_scripts() -> None:
    page = ('<html><head><script src="/formgrader/static/js/a.js"></script>'
            '<script src="https://cdnjs.example/mathjax.js"></script><script>var x = 1;</script></head>'
            '<body><div class="container" id="notebook-container"><script>alert(1)</script></div></body></html>')
    stamped = sanitize.add_nonce(page, "N0NCE")
    head, body = stamped.split('id="notebook-container"')
    assert head.count('nonce="N0NCE"') == 3  # two of the template's scripts and the MathJax stub
    assert '<script src="https://cdnjs.example/mathjax.js">' in head
    assert "nonce" not in body
    policy = sanitize.submission_csp("N0NCE")
    assert "script-src 'nonce-N0NCE'" in policy and "'unsafe-inline'" not in policy.split("style-src")[0]
    assert "frame-ancestors 'self'" in policy and "object-src 'none'" in policy and "base-uri 'none'" in policy


def test_configure_html_caps_after_limit_output_and_wires_both_pages() -> None:
    from nbgrader.preprocessors import GetGrades, LimitOutput

    from medialit.grading.nbgrader_steps import configure_nbgrader

    c = Config()
    configure_nbgrader(c)
    steps = c.Autograde.autograde_preprocessors
    assert steps.index(sanitize.CapOutputs) == steps.index(LimitOutput) + 1
    assert c.HTMLExporter.preprocessors == [sanitize.SanitizeForHTML]
    assert c.HTMLExporter.filters["markdown2html"] is sanitize.safe_markdown2html
    feedback = c.GenerateFeedback.preprocessors
    assert feedback.index(sanitize.MarkPending) == feedback.index(GetGrades) + 1
    assert c.GenerateFeedback.exporter_class is sanitize.FeedbackHTMLExporter
    assert "template_name" not in c.HTMLExporter  # Formgrader keeps its own 'formgrade' template


def test_no_rubric_without_formgrader() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("answer", metadata={"nbgrader": {
        "grade_id": "ll-rewrite18", "grade": True, "solution": True, "points": 3}})]
    assert rubric.insert_rubrics(nb, {"assignment_id": "loaded-language", "notebook_id": "loaded-language"},
                                 log=None) == 0
    assert len(nb.cells) == 1


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_rubrics_exist_and_never_reach_exercises(assignment: str) -> None:
    rubrics = rubric.written_answer_rubrics(REPO / "solutions" / assignment / f"{assignment}.ipynb")
    assert rubrics, f"{assignment} has no written answer with a rubric"
    released = (REPO / "exercises" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8")
    for grade_id, text in rubrics.items():
        assert "*Sample:*" in text, f"{grade_id}: the rubric should give a sample answer per level"
        levels = re.findall(r"\*\*(\d[–-]?\d? points?)", text)
        assert len(levels) >= 3, f"{grade_id}: expected three or more levels, found {levels}"
        for sample in re.findall(r"\*Sample:\* \"([^\"]{20,60})", text):
            assert sample not in released, f"{grade_id}: a rubric sample is in exercises/{assignment}"
    cells = nbformat.reads(released, as_version=4).cells
    assert {meta(c).get("grade_id") for c in cells} >= set(rubrics)


def test_student_markup_cannot_draw_the_rubric_frame() -> None:
    """The real rubric box is an <aside> with the course's class and a data- attribute (rubric.rubric_box);
    nh3 strips both from anything a student writes, in markdown or as HTML."""
    forged = ('<aside class="medialit-rubric" data-medialit-rubric="ll-rewrite18" style="border: 3px double">'
              '<p class="medialit-rubric-title">Rubric for <code>ll-rewrite18</code></p></aside>\n\n'
              '> **Rubric for `ll-rewrite18`**, for graders only')
    html = sanitize.markdown_to_safe_html(forged)
    assert "Rubric for" in html  # the text stays, as the student's text
    assert rubric.BOX_CLASS not in html and "data-" not in html and "style=" not in html
    real = rubric.rubric_box("ll-rewrite18", "<p>levels</p>", "solutions/x.ipynb")
    assert real.startswith(f'<aside class="{rubric.BOX_CLASS}" data-medialit-rubric="ll-rewrite18"')


def test_rubric_boxes_replace_only_their_own_token() -> None:
    boxes = {"medialitrubricabc": "<aside>BOX</aside>"}
    page = "<head></head><p>medialitrubricabc</p><p>text medialitrubricabc</p>"
    placed = rubric.place_boxes(page, boxes)
    assert placed.count("<aside>BOX</aside>") == 1 and "<p>text medialitrubricabc</p>" in placed
    assert rubric.BOX_STYLE in placed.split("</head>")[0]
