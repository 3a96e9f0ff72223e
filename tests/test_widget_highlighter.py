"""The Highlighter widget's Python side: synced traits, state round trips, refusals, and what it sends.

The browser side (marking, checking, the JS scorer) is tested in tests/browser/test_highlighter_browser.py
and tests/browser/test_jupyterlab.py.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from medialit import CASE, load_case
from medialit.scoring import span_prf
from medialit.widgets import Highlighter
from medialit.widgets.highlighter import tokenize

WIDGETS = Path(__file__).resolve().parents[1] / "medialit" / "widgets"


@pytest.fixture(scope="module")
def case():
    return load_case(CASE)


def span_of(case, phrase: str, paragraph: int) -> list[int]:
    p = case.paragraph(paragraph)
    at = p.text.index(phrase)
    assert p.text.count(phrase) == 1, f"{phrase!r} is ambiguous in paragraph {paragraph}"
    return [p.start + at, p.start + at + len(phrase)]


def _import_module_text(esm: str, folder: Path, body: str) -> str:
    """Import `esm` as an ES module in Node, run `body` with it bound to `module`; returns what it printed."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH; the tests need Node.js (see CONTRIBUTING.md)", pytrace=False)
    (folder / "widget.mjs").write_text(esm, encoding="utf-8")
    (folder / "run.mjs").write_text(f'import * as module from "./widget.mjs";\n{body}', encoding="utf-8")
    result = subprocess.run([node, str(folder / "run.mjs")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


# --- traits and files ---------------------------------------------------------------------------

def test_synced_traits_and_front_end_files(case, tmp_path: Path) -> None:
    widget = Highlighter(case, paragraphs=[1, 2])
    for name in ("selection", "checked", "answers_shown", "_data"):
        assert widget.trait_metadata(name, "sync"), f"{name} is not synced to the browser"
    state = widget.get_state()
    assert state["selection"] == [] and state["checked"] is False and state["answers_shown"] is False
    # The state carries a module the browser can run on its own: Node imports exactly the text sent, finds the
    # widget's render function and scores spans as Python does; the stylesheet comes with it.
    run = _import_module_text(state["_esm"], tmp_path, """
      if (typeof module.default.render !== "function") throw new Error("no default export with render()");
      console.log(JSON.stringify(module.spanPRF([[0, 10], [20, 30]], [[5, 15]])));
    """)
    expected = span_prf([(0, 10), (20, 30)], [(5, 15)])
    assert json.loads(run)["f1"] == pytest.approx(expected.f1)
    assert state["_css"].strip() and ".ml-hl" in state["_css"]


def test_front_end_never_parses_data_as_html_and_imports_nothing() -> None:
    source = (WIDGETS / "highlighter.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "DOMParser", "eval("):
        assert sink not in source, f"highlighter.js uses {sink}: insert data with textContent only"
    assert not re.search(r"^\s*import\b", source, re.M), "highlighter.js must import nothing (no CDN, no network)"
    assert not re.search(r"https?://", source), "highlighter.js names a URL: nothing may load from the network"
    assert not re.search(r"https?://|@import", (WIDGETS / "highlighter.css").read_text(encoding="utf-8"))


def test_default_shows_every_practice_paragraph(case) -> None:
    widget = Highlighter(case)
    assert widget.paragraphs == case.practice_paragraphs("loaded_language")
    assert [p["number"] for p in widget._data["paragraphs"]] == list(widget.paragraphs)


def test_case_can_be_given_by_name(case) -> None:
    assert Highlighter(CASE, paragraphs=[3]).key_spans == Highlighter(case, paragraphs=[3]).key_spans


# --- selection round trips ------------------------------------------------------------------------

def test_selection_set_in_python_reads_back(case) -> None:
    widget = Highlighter(case, paragraphs=[1, 2])
    spans = [span_of(case, "unprovoked massacre", 1), span_of(case, "war crime", 2)]
    widget.selection = spans
    assert widget.selection == spans
    assert widget.marked_phrases() == ["unprovoked massacre", "war crime"]
    assert widget.get_state()["selection"] == spans


def test_selection_from_the_browser_goes_through_the_same_checks(case) -> None:
    # ipywidgets applies a browser update with set_state; the validator must run there too.
    widget = Highlighter(case, paragraphs=[2])
    start, end = span_of(case, "war crime", 2)
    widget.set_state({"selection": [[start + 1, end - 1]]})
    assert widget.marked_phrases() == ["war crime"]
    with pytest.raises(ValueError, match="not inside one of this widget's paragraphs"):
        widget.set_state({"selection": [[0, 5]]})


def test_selection_snaps_to_whole_tokens_and_joins_neighbours(case) -> None:
    widget = Highlighter(case, paragraphs=[1, 2])
    start, end = span_of(case, "unprovoked massacre", 1)
    widget.selection = [[start + 2, start + 5]]  # inside "unprovoked"
    assert widget.marked_phrases() == ["unprovoked"]
    widget.selection = [[start, start + 10], [end - 8, end]]  # two words with a space between
    assert widget.selection == [[start, end]]
    quoted_start, quoted_end = span_of(case, "“war crime”", 2)
    widget.selection = [[quoted_start + 1, quoted_end - 1]]  # the quotation marks are separate tokens
    assert widget.marked_phrases() == ["war crime"]
    widget.selection = [[end - 3, end], [end - 8, end - 2]]  # overlapping, unsorted
    assert widget.marked_phrases() == ["massacre"]


def test_selection_never_joins_across_paragraphs(case) -> None:
    widget = Highlighter(case, paragraphs=[1, 2])
    p1, p2 = case.paragraph(1), case.paragraph(2)
    last_word = [p1.end - len("Syria."), p1.end]
    first_word = [p2.start, p2.start + len("The")]
    widget.selection = [last_word, first_word]
    assert widget.marked_phrases() == ["Syria.", "The"]
    assert len(widget.selection) == 2


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("52-71", "must be a list of"),
        ([52, 71], "looks like a single span; wrap it"),
        ([[52]], "each span must be a"),
        ([[52, 71, 80]], "each span must be a"),
        ([[52.0, 71]], "whole numbers"),
        ([[True, 71]], "whole numbers"),
        ([[71, 52]], "0 <= start < end"),
        ([[60, 60]], "0 <= start < end"),
        ([[-1, 5]], "0 <= start < end"),
        ([[290, 310]], "may not cross a paragraph break"),
        ([[400, 410]], "not inside one of this widget's paragraphs"),
        ([[10**6, 10**6 + 4]], "not inside one of this widget's paragraphs"),
    ],
)
def test_bad_selection_is_refused_with_a_clear_error(case, bad, message) -> None:
    widget = Highlighter(case, paragraphs=[1])
    widget.selection = [span_of(case, "unprovoked", 1)]
    with pytest.raises(ValueError, match=message):
        widget.selection = bad
    assert widget.marked_phrases() == ["unprovoked"], "a refused selection must leave the old one in place"


def test_selection_of_only_spaces_is_refused(case) -> None:
    widget = Highlighter(case, paragraphs=[1])
    space = case.paragraph(1).text.index(" ")
    with pytest.raises(ValueError, match="covers only spaces"):
        widget.selection = [[space, space + 1]]


def test_selection_can_be_given_at_construction(case) -> None:
    span = span_of(case, "war crime", 2)
    assert Highlighter(case, paragraphs=[2], selection=[span]).selection == [span]
    with pytest.raises(ValueError, match="not inside"):
        Highlighter(case, paragraphs=[2], selection=[[0, 5]])


# --- scoring --------------------------------------------------------------------------------------

def test_score_uses_the_practice_key_of_the_shown_paragraphs(case) -> None:
    widget = Highlighter(case, paragraphs=[1, 2])
    key = sorted((p.start, p.end) for p in case.loaded_language if p.paragraph in (1, 2))
    assert sorted(widget.key_spans) == key and key
    widget.selection = [list(span) for span in key]
    assert widget.score().f1 == 1.0
    chosen = [span_of(case, "unprovoked massacre", 1), span_of(case, "artillery batteries", 1)]
    widget.selection = chosen
    expected = span_prf([tuple(s) for s in chosen], key, text_length=len(case.text))
    assert widget.score() == expected
    assert 0 < widget.score().precision < 1 and 0 < widget.score().recall < 1


def test_score_with_nothing_marked_is_zero(case) -> None:
    score = Highlighter(case, paragraphs=[3]).score()
    assert (score.precision, score.recall, score.f1) == (0.0, 0.0, 0.0)
    assert all(k.status == "missed" for k in score.key_feedback)


def test_every_practice_key_phrase_can_be_marked_exactly(case) -> None:
    # Selections snap to tokens, so a key phrase that did not start and end on a token boundary
    # could never be found in full.
    widget = Highlighter(case)
    looped = list(case.loaded_language)
    assert looped, "nothing to check: case.loaded_language is empty"
    for phrase in looped:
        widget.selection = [[phrase.start, phrase.end]]
        assert widget.selection == [[phrase.start, phrase.end]], f"{phrase.id} {phrase.text!r} is not whole tokens"


def test_tokens_split_punctuation_but_keep_words_whole() -> None:
    text = "a “war crime,” the so-called SDF’s 3,000 men—[ISIS]"
    assert [text[s:e] for s, e in tokenize(text)] == [
        "a", "“", "war", "crime", ",", "”", "the", "so-called", "SDF’s", "3,000", "men", "—", "[", "ISIS", "]",
    ]
    assert tokenize("ab cd", offset=10) == [(10, 12), (13, 15)]


# --- paragraphs the widget refuses ------------------------------------------------------------------

def test_graded_paragraphs_are_refused_naming_the_allowed_ones(case) -> None:
    practice = ", ".join(map(str, case.practice_paragraphs("loaded_language")))
    looped = list(case.graded_paragraphs("loaded_language"))
    assert looped, "nothing to check: case.graded_paragraphs('loaded_language') is empty"
    for graded in looped:
        with pytest.raises(ValueError, match="graded exercise") as error:
            Highlighter(case, paragraphs=[1, graded])
        assert practice in str(error.value)


@pytest.mark.parametrize(
    ("paragraphs", "message"),
    [
        ([4], "not a practice paragraph"),
        ([99], "not a practice paragraph"),
        ([], "is empty"),
        ([1, 1], "twice"),
        (["1"], "not a whole number"),
        ([1.0], "not a whole number"),
        ("1", "must be a list"),
        (3, "must be a list"),
    ],
)
def test_bad_paragraph_lists_are_refused(case, paragraphs, message) -> None:
    with pytest.raises(ValueError, match=message):
        Highlighter(case, paragraphs=paragraphs)


# --- what reaches the browser ------------------------------------------------------------------------

def test_payload_holds_only_the_chosen_practice_paragraphs_and_their_key(case) -> None:
    widget = Highlighter(case, paragraphs=[2, 3])
    sent = json.dumps(widget.get_state(), ensure_ascii=False)
    data = widget.get_state()["_data"]
    assert [p["number"] for p in data["paragraphs"]] == [2, 3]
    assert {k["id"] for k in data["key"]} == {p.id for p in case.loaded_language if p.paragraph in (2, 3)}
    for paragraph in case.paragraphs:
        if paragraph.number not in (2, 3):
            assert paragraph.text not in sent, f"paragraph {paragraph.number} was sent to the browser"
    for phrase in case.loaded_language:
        if phrase.paragraph not in (2, 3):
            assert phrase.reason not in sent, f"{phrase.id}'s key entry was sent to the browser"
    for p in data["paragraphs"]:
        assert all(p["start"] <= s < e <= p["end"] for s, e in p["tokens"])


def test_payload_holds_no_graded_paragraph_or_key(case) -> None:
    widget = Highlighter(case)
    sent = json.dumps(widget.get_state(), ensure_ascii=False)
    graded = {n for skill in ("loaded_language", "claims", "capstone") for n in case.graded_paragraphs(skill)}
    assert graded, "the case lists no graded paragraphs: this test would check nothing"
    for number in graded:
        assert case.paragraph(number).text not in sent, f"graded paragraph {number} was sent to the browser"
    keyed = {k["paragraph"] for k in widget._data["key"]}
    assert keyed <= set(case.practice_paragraphs("loaded_language")) and not keyed & graded


def hostile_case(tmp_path: Path, reason: str):
    """A copy of the case whose first practice phrase has `reason` as its reason."""
    root = tmp_path / "seeds"
    shutil.copytree(Path(__file__).resolve().parents[1] / "seeds" / CASE, root / CASE)
    path = root / CASE / "loaded_language.yaml"
    text = path.read_text(encoding="utf-8")
    first = load_case(CASE).loaded_language[0]
    original = next(line for line in text.splitlines(keepends=True)
                    if line.startswith("    reason:") and first.reason[:20] in line)
    # JSON strings are valid YAML scalars, so the markup survives quoting untouched.
    path.write_text(text.replace(original, f"    reason: {json.dumps(reason)}\n", 1), encoding="utf-8")
    return load_case(CASE, root=root)


def test_payload_carries_markup_as_plain_text(tmp_path) -> None:
    reason = 'Sneaky <script>window.__pwned = 1</script> and <img src=x onerror="window.__pwned = 2"> end.'
    case = hostile_case(tmp_path, reason)
    widget = Highlighter(case, paragraphs=[1])
    assert widget._data["key"][0]["reason"] == reason  # unchanged: escaping is the browser's job (textContent)


def test_widgets_package_exports_and_reports_unknown_names() -> None:
    import medialit.widgets as widgets

    assert widgets.Highlighter is Highlighter
    with pytest.raises(AttributeError, match="the widgets are"):
        widgets.NoSuchWidget  # noqa: B018
