"""What the site keeps of a student's work (widget traits listed in `_keep`), the {notes} directive, and feedback
numbers that agree with their words. The browser side is tested in tests/browser/test_saved_work.py."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from medialit import CASE, load_case
from medialit.scoring import span_prf
from medialit.widgets import ClaimSorter, Highlighter, StatementComparer

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def case():
    return load_case(CASE)


def test_each_widget_keeps_only_synced_traits_that_hold_the_students_work(case) -> None:
    widgets = {
        Highlighter(case, paragraphs=[1, 2]): {"selection", "checked", "answers_shown", "_checked_selection", "ladder"},
        ClaimSorter(case, paragraphs=[1, 2, 3]): {"answers", "checked", "_checked_answers"},
        StatementComparer(case): {"answers", "revealed"},
    }
    looped = list(widgets.items())
    assert looped, "nothing to check: widgets.items() is empty"
    for widget, kept in looped:
        assert set(widget._keep) == kept, type(widget).__name__
        for name in [*kept, "_keep"]:
            assert widget.trait_metadata(name, "sync"), f"{type(widget).__name__}.{name} is not synced"
        # The practice data that identifies the exercise (and keys the saved entry) is never in the kept part.
        assert not kept & {"_data", "claims", "passages", "data", "prompts"}


def test_recall_words_use_the_printed_number(case) -> None:
    # Recall 0.475 prints as 0.47 (binary 0.47499...) yet rounds to 48 % as a whole: the words must say 47 %.
    key = [(0, 400)]
    student = [(0, 190)]
    score = span_prf(student, key, text_length=len(case.text))
    assert f"{score.recall:.2f}" == "0.47" and f"{score.recall:.0%}" == "48%"
    assert "Recall 0.47 means that, on average, you covered about 47% of each key phrase." in score.summary()


@pytest.mark.slow  # two Sphinx builds
def test_notes_directive_builds_a_labelled_box_and_refuses_a_repeated_id(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text("extensions = ['myst_parser', 'medialit.tooling.notes']\n"
                                 "myst_enable_extensions = ['colon_fence']\n", encoding="utf-8")
    (src / "index.md").write_text("# T\n\n:::{notes} stop\nYour <notes> & thoughts.\n:::\n", encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(src), str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    page = (out / "index.html").read_text(encoding="utf-8")
    assert '<label class="ml-notes-prompt" for="ml-notes-stop">Your &lt;notes&gt; &amp; thoughts.</label>' in page
    assert '<textarea id="ml-notes-stop"' in page and 'data-notes-id="stop"' in page

    (src / "index.md").write_text("# T\n\n:::{notes} stop\nA\n:::\n\n:::{notes} stop\nB\n:::\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", "-E", str(src), str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "notes id 'stop' is used twice on this page" in result.stderr
