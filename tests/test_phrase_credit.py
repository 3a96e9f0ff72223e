"""One mapping from span F1 to credit (issue 12): medialit.scoring.phrase_credit, used by every graded phrase task.

The graded keys are read from the hidden tests of solutions/ the way the grader reads them (never copied here).
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from medialit import scoring
from medialit.grading import hidden_awards, score_task, split_hidden
from medialit.grading.checks import course_case, paragraph_region

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("f1, credit", [(1.0, 1.0), (0.8, 1.0), (0.6, 1.0), (0.5, 2 / 3), (0.45, 0.5),
                                        (0.4, 1 / 3), (0.3, 0.0), (0.1, 0.0), (0.0, 0.0), (0, 0.0)])
def test_worked_cases(f1, credit) -> None:
    assert scoring.phrase_credit(f1) == pytest.approx(credit)


def test_credit_never_falls_as_f1_rises_and_has_no_cliff() -> None:
    values = [scoring.phrase_credit(i / 1000) for i in range(1001)]
    assert all(a <= b for a, b in zip(values, values[1:]))
    assert max(b - a for a, b in zip(values, values[1:])) < 0.01


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan"), "0.5", None, True])
def test_bad_f1_is_a_clear_error(bad) -> None:
    with pytest.raises(ValueError, match="an F1 must be a number from 0 to 1"):
        scoring.phrase_credit(bad)


def _phrase_tasks() -> list[tuple[str, dict]]:
    tasks = []
    for path in sorted((REPO / "solutions").glob("*/*.ipynb")):
        for cell in nbformat.read(str(path), as_version=4).cells:
            hidden = split_hidden(cell.source)[1] if cell.cell_type == "code" else None
            tasks += [(task, spec) for task, spec in hidden_awards(hidden or "") if spec["kind"] == "phrases"]
    return tasks


PHRASE_TASKS = _phrase_tasks()


def test_there_are_graded_phrase_tasks() -> None:
    assert {task for task, _ in PHRASE_TASKS} >= {"capstone/phrases", "loaded-language/p13", "loaded-language/p24"}


@pytest.mark.parametrize("task, spec", PHRASE_TASKS, ids=[t for t, _ in PHRASE_TASKS])
def test_every_phrase_task_pays_phrase_credit(task, spec) -> None:
    case = course_case()
    assert "min_f1" not in spec, "one mapping for every phrase task: remove min_f1"
    key = [entry["phrase"] for entry in spec["key"]]
    assert score_task(spec, key, case=case).points == spec["points"]
    # Every answer's points equal points x phrase_credit(F1), rounded down to 0.01.
    start, end, where = paragraph_region(case, spec["paragraphs"])
    key_spans = scoring.phrases_to_spans(key, case.text, within=(start, end), where=where)
    opening = " ".join(case.paragraph(spec["paragraphs"][0]).text.split()[:4])
    for answer in (key[:1], key[1:], key[:1] + [opening]):
        spans = scoring.phrases_to_spans(answer, case.text, within=(start, end), where=where)
        f1 = scoring.span_prf(spans, key_spans).f1
        expected = int(spec["points"] * scoring.phrase_credit(f1) * 100 + 1e-9) / 100
        assert score_task(spec, answer, case=case).points == pytest.approx(expected)


@pytest.mark.parametrize("task, spec", PHRASE_TASKS, ids=[t for t, _ in PHRASE_TASKS])
def test_marking_whole_paragraphs_earns_nothing(task, spec) -> None:
    case = course_case()
    start, end, where = paragraph_region(case, spec["paragraphs"])
    key = scoring.phrases_to_spans([e["phrase"] for e in spec["key"]], case.text, within=(start, end), where=where)
    for paragraph in spec["paragraphs"]:
        p_start, p_end, _ = paragraph_region(case, [paragraph])
        assert scoring.phrase_credit(scoring.span_prf([(p_start, p_end)], key).f1) == 0
    assert scoring.phrase_credit(scoring.span_prf([(start, end)], key).f1) == 0


def _one_word_wider(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The span grown by the neighbouring word on the left, and on the right, where there is one."""
    wider = []
    left = re.search(r"(\w[\w'-]*)\W*$", text[max(0, start - 40):start])
    if left:
        wider.append((start - (len(text[max(0, start - 40):start]) - left.start(1)), end))
    right = re.match(r"\W*?(\w[\w'-]*)", text[end:end + 40])
    if right:
        wider.append((start, end + right.end(1)))
    return wider


def test_the_capstone_credit_is_stable_against_one_word_more_or_less() -> None:
    """The capstone's key is short (four single words and one six-word prediction, under 90 characters): tiny
    choices swing its F1, not its credit."""
    case = course_case()
    spec = dict(PHRASE_TASKS)["capstone/phrases"]
    start, end, where = paragraph_region(case, spec["paragraphs"])
    key = scoring.phrases_to_spans([e["phrase"] for e in spec["key"]], case.text, within=(start, end), where=where)
    assert sum(e - s for s, e in key) < 90
    checked = 0
    # Each key phrase marked one word wider, on either side: full credit.
    for i, (s, e) in enumerate(key):
        for wider in _one_word_wider(case.text, s, e):
            answer = key[:i] + [wider] + key[i + 1:]
            assert scoring.phrase_credit(scoring.span_prf(answer, key).f1) == 1, case.text[wider[0]:wider[1]]
            checked += 1
    # Every key phrase one word wider at once: still full credit.
    all_wider = [_one_word_wider(case.text, s, e)[0] for s, e in key]
    assert scoring.phrase_credit(scoring.span_prf(all_wider, key).f1) == 1
    assert checked >= len(key)
