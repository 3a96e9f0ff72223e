"""DetectorLab (Python side): what it sends the browser, the scores it reads back, and clear errors."""
from __future__ import annotations

import json

import pytest

from medialit import CASE, load_case
from medialit.detector import LEXICON_PATH, detect_paragraphs
from medialit.scoring import span_prf
from medialit.widgets import DetectorLab


@pytest.fixture(scope="module")
def case():
    return load_case(CASE)


def test_payload_holds_practice_paragraphs_key_and_the_one_lexicon(case):
    lab = DetectorLab(case)
    data = lab._data
    assert [p["number"] for p in data["paragraphs"]] == list(case.practice_paragraphs("loaded_language"))
    assert {k["text"] for k in data["key"]} == {p.text for p in case.loaded_language}
    # The browser gets exactly the committed lexicon file's words: one definition.
    assert data["lexicon"]["words"] == json.loads(LEXICON_PATH.read_text(encoding="utf-8"))["words"]
    for p in data["paragraphs"]:
        assert p["text"] == case.text[p["start"]:p["end"]]


def test_graded_paragraphs_are_refused(case):
    graded = case.graded_paragraphs("loaded_language")[0]
    with pytest.raises(ValueError, match="graded"):
        DetectorLab(case, paragraphs=[graded])


def test_scores_are_span_prf(case):
    lab = DetectorLab(case, paragraphs=[3])
    p = case.paragraph(3)
    start = p.start + p.text.index("proudly")
    lab.selection = [[start, start + len("proudly claimed to have")]]
    key = [x.span for x in case.loaded_language if x.paragraph == 3]
    machine = [m.span for m in detect_paragraphs(case, [3])]
    assert lab.student_score().f1 == span_prf([tuple(s) for s in lab.selection], key).f1
    assert lab.machine_score().f1 == span_prf(machine, key).f1
    assert lab.machine_vs_student().f1 == span_prf(machine, [tuple(s) for s in lab.selection]).f1
    lab.threshold = 0.2
    assert len(lab.machine_marks()) > len(machine)


def test_rewrite_score_moves(case):
    lab = DetectorLab(case)
    neutral = lab.rewrite_score()
    lab.rewrite = "US warplanes carried out a brutal, horrific massacre of helpless troops."
    assert lab.rewrite_score() > neutral


@pytest.mark.parametrize("bad", [0.0, 1.5, float("nan")])
def test_bad_threshold_is_a_clear_error(case, bad):
    lab = DetectorLab(case)
    with pytest.raises(Exception, match="threshold"):
        lab.threshold = bad


@pytest.mark.parametrize("bad", ["x", [[5, 2]], [[0, 10]], [[1, 2, 3]]])
def test_bad_selection_is_a_clear_error(case, bad):
    lab = DetectorLab(case, paragraphs=[3])
    with pytest.raises(ValueError, match="selection"):
        lab.selection = bad
