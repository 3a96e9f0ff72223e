"""The 'machine' assignment: its hidden key says what the detector really does, and the student version
carries neither the key nor the solution."""
from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

from medialit.detector import detect, sentence_score
from medialit.grading.award import hidden_awards, score_task, split_hidden

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "solutions" / "machine" / "machine.ipynb"
EXERCISE = ROOT / "exercises" / "machine" / "machine.ipynb"


def cell(nb, grade_id: str):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


@pytest.fixture(scope="module")
def solution():
    return nbformat.read(SOLUTION, as_version=4)


@pytest.fixture(scope="module")
def pairs(solution) -> dict[str, tuple[str, str]]:
    tree = ast.parse(cell(solution, "mr-setup").source)
    assign = next(n for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "PAIRS")
    return ast.literal_eval(assign.value)


def hidden_spec(solution, grade_id: str, task: str) -> dict:
    _, hidden = split_hidden(cell(solution, grade_id).source)
    [(found, spec)] = hidden_awards(hidden)
    assert found == task
    return spec


@pytest.fixture(scope="module")
def spec(solution) -> dict:
    """Both hidden keys, joined per pair as {"higher": ..., "why": ...}."""
    higher = hidden_spec(solution, "mr-check-higher", "machine/higher")
    why = hidden_spec(solution, "mr-check-why", "machine/why")
    return {"higher": higher, "why": why,
            "key": {k: {"higher": higher["key"][k], "why": why["key"][k]} for k in higher["key"]}}


def test_the_key_says_what_the_machine_does(pairs, spec):
    assert set(spec["key"]) == set(pairs)
    for name, (a, b) in pairs.items():
        score_a, score_b = sentence_score(a), sentence_score(b)
        higher = "A" if score_a > score_b else "B" if score_b > score_a else "same"
        assert spec["key"][name]["higher"] == higher, (name, score_a, score_b)
        if spec["key"][name]["why"] == "strong entry":
            # The higher sentence has a marked word the other lacks.
            assert {m.text.lower() for m in detect(a)} != {m.text.lower() for m in detect(b)}
        else:
            assert [m.text for m in detect(a)] == [m.text for m in detect(b)], name


def test_only_the_key_earns_full_marks(spec):
    assert score_task(spec["higher"], spec["higher"]["key"]).points == 2
    first = {k: v[0]["label"] if isinstance(v, list) else v for k, v in spec["why"]["key"].items()}
    assert score_task(spec["why"], first).points == 2
    # pair-3 and pair-4 are contested (the decisions register): each defensible reason earns the point.
    others = {k: v[-1]["label"] if isinstance(v, list) else v for k, v in spec["why"]["key"].items()}
    assert others != first and score_task(spec["why"], others).points == 2
    assert score_task(spec["why"], {k: "facts" for k in spec["why"]["key"]}).points == 0


def test_student_version_has_no_key_and_no_solution(spec):
    text = EXERCISE.read_text(encoding="utf-8")
    assert "BEGIN HIDDEN TESTS" not in text and "grading.award" not in text
    assert "Rubric (instructors only" not in text
    exercise = nbformat.read(EXERCISE, as_version=4)
    for grade_id in ("mr-answer-higher", "mr-answer-why"):
        assert "NotImplementedError" in cell(exercise, grade_id).source
        assert "= {" not in cell(exercise, grade_id).source
