"""medialit.grading without nbgrader runs: form checks, scoring policy, and the autograde preprocessors.

Specs here are built from the public PRACTICE key (case.loaded_language, paragraphs 1-11), never from a
graded key: the graded keys live only in the hidden tests of solutions/.
"""
from __future__ import annotations

import json

import nbformat
import pytest

from medialit import CASE, grading, load_case
from medialit.grading import (
    ANSWER_MIME,
    STASHED_NOTE,
    AnswerError,
    ScoreAnswers,
    StashHiddenTests,
    check_labels,
    check_numbers,
    check_phrases,
    check_words,
    hidden_awards,
    plain,
    score_task,
    split_hidden,
)


@pytest.fixture(scope="module")
def case():
    return load_case(CASE)


@pytest.fixture(scope="module")
def practice_spec(case) -> dict:
    """A phrases spec for paragraph 3 from the public practice key."""
    key = [p for p in case.loaded_language if p.paragraph == 3]
    assert len(key) >= 2
    return {"kind": "phrases", "points": 3, "paragraphs": [3],
            "key": [{"phrase": p.text, "technique": p.technique, "why": p.reason} for p in key]}


# --- plain values -----------------------------------------------------------------------------------

class RiggedStr(str):
    def __eq__(self, other):
        return True

    def __hash__(self):
        return 0


@pytest.mark.parametrize("value", [RiggedStr("x"), [RiggedStr("x")], type("L", (list,), {})(["x"]),
                                   {"a": RiggedStr("b")}, {1: "a"}, {"x"}, float("nan"), object()])
def test_plain_refuses_anything_but_builtin_values(value) -> None:
    with pytest.raises(AnswerError):
        plain(value)


def test_plain_copies_builtin_values() -> None:
    value = {"a": ["x", 1, 2.5, None, True], "b": ("y",)}
    assert plain(value) == {"a": ["x", 1, 2.5, None, True], "b": ["y"]}


# --- form checks --------------------------------------------------------------------------------------

def test_check_phrases_gives_specific_hints(case) -> None:
    with pytest.raises(AnswerError, match="must be a list of strings.*square brackets"):
        check_phrases("unprovoked massacre", 1, name="phrases_1", case=case)
    with pytest.raises(AnswerError, match="phrases_1.*does not occur in paragraph 1"):
        check_phrases(["not in the article"], 1, name="phrases_1", case=case)
    with pytest.raises(AnswerError, match="at most 10 words"):
        check_phrases([" ".join(case.paragraph(1).text.split()[:12])], 1, case=case)
    with pytest.raises(AnswerError, match="is empty"):
        check_phrases([], 1, case=case)
    assert check_phrases(["  Unprovoked Massacre "], 1, case=case) == ["Unprovoked Massacre"]


def test_check_labels_and_numbers_and_words(case) -> None:
    allowed = {"attribution": ["named", "unsourced"], "kind": ["fact", "interpretation"]}
    with pytest.raises(AnswerError, match="no answer for 'b'"):
        check_labels({"a": {"attribution": "named", "kind": "fact"}}, ["a", "b"], allowed)
    with pytest.raises(AnswerError, match="use one of"):
        check_labels({"a": {"attribution": "maybe", "kind": "fact"}}, ["a"], allowed)
    with pytest.raises(AnswerError, match="must be a number"):
        check_numbers({"x": "20"}, ["x"])
    with pytest.raises(AnswerError, match="does not occur in paragraph 3"):
        check_words({"a": "shouted"}, ["a"], {"a": 3}, case=case)
    assert check_words({"a": "proudly claimed"}, ["a"], {"a": 3}, case=case) == {"a": "proudly claimed"}


# --- scoring policy -----------------------------------------------------------------------------------

def test_phrase_scoring_is_points_times_phrase_credit(case, practice_spec) -> None:
    key = [k["phrase"] for k in practice_spec["key"]]
    assert score_task(practice_spec, key, case=case).points == 3
    one = score_task(practice_spec, key[:1], case=case)
    assert 0 < one.points < 3
    # Ten-word chunks covering the paragraph: high recall, low precision, F1 at most 0.3: no credit.
    words = case.paragraph(3).text.split()
    chunks = [" ".join(words[i:i + 10]) for i in range(0, len(words), 10)][:8]
    assert score_task(practice_spec, chunks, case=case).points == 0
    with pytest.raises(ValueError, match="'min_f1' is no longer a setting"):
        score_task({**practice_spec, "min_f1": 0.4}, key, case=case)
    wrong = score_task(practice_spec, ["not a phrase of paragraph 3"], case=case)
    assert wrong.points == 0 and wrong.feedback.startswith("No points")


def test_label_feedback_does_not_reveal_the_key() -> None:
    spec = {"kind": "labels", "points": 2, "allowed": ["named", "anonymous", "unsourced"],
            "key": {"x": "anonymous", "y": "named"}}
    result = score_task(spec, {"x": "named", "y": "named"})
    assert result.points == 1
    assert "anonymous" not in result.feedback and "not right" in result.feedback


CONTESTED_SPEC = {"kind": "labels", "points": 3, "allowed": ["named", "anonymous", "unsourced"],
                  "key": {"x": [{"label": "named", "why": "The ministry is named as the source."},
                                {"label": "unsourced", "why": "The word 'pointed' is the writer's own."}],
                          "y": "named", "z": "anonymous"}}


@pytest.mark.parametrize("accepted", ["named", "unsourced"])
def test_each_accepted_label_earns_full_credit(accepted: str) -> None:
    result = score_task(CONTESTED_SPEC, {"x": accepted, "y": "named", "z": "anonymous"})
    assert result.points == 3
    assert "x: right (more than one reading is defensible here" in result.feedback


def test_a_label_not_accepted_earns_no_credit_for_that_item() -> None:
    result = score_task(CONTESTED_SPEC, {"x": "anonymous", "y": "named", "z": "anonymous"})
    assert result.points == 2
    assert "x: not right (more than one reading is defensible here" in result.feedback


def test_contested_feedback_reveals_neither_the_labels_nor_their_case() -> None:
    for answer in ({"x": "named", "y": "anonymous", "z": "named"}, {"x": "anonymous", "y": "unsourced", "z": "named"}):
        feedback = score_task(CONTESTED_SPEC, answer).feedback
        for entry in CONTESTED_SPEC["key"]["x"]:
            assert entry["why"] not in feedback
        for label in ("named", "anonymous", "unsourced"):
            assert label not in feedback.replace("not right", "")
        assert "y: not right" in feedback and "(more than one" not in feedback.split("y: not right")[1].split("\n")[0]


def _graded_label_specs() -> list[tuple[str, dict]]:
    from pathlib import Path
    specs = []
    for path in sorted((Path(__file__).resolve().parents[1] / "solutions").glob("*/*.ipynb")):
        for cell in nbformat.read(str(path), as_version=4).cells:
            hidden = split_hidden(cell.source)[1] if cell.cell_type == "code" else None
            specs += [(task, spec) for task, spec in hidden_awards(hidden or "") if spec["kind"] == "labels"]
    return specs


def test_every_accepted_answer_of_the_graded_keys_earns_full_credit(case) -> None:
    """Read in the grader's way (never copied here): for each contested item of the hidden label keys,
    every accepted answer earns the whole task's points when the rest of the answer is right, and each
    other allowed answer does not. At least the contested items issue 12 names must exist."""
    contested = 0
    for task, spec in _graded_label_specs():
        def readings(value):
            return [entry["label"] for entry in value] if isinstance(value, list) else [value]
        first = {item: ({f: readings(v)[0] for f, v in value.items()} if isinstance(value, dict)
                        else readings(value)[0]) for item, value in spec["key"].items()}
        assert score_task(spec, first, case=case).points == spec["points"], task
        for item, value in spec["key"].items():
            fields = value.items() if isinstance(value, dict) else [(None, value)]
            for field, labels in fields:
                if not isinstance(labels, list):
                    continue
                contested += 1
                assert all(entry["why"].strip() for entry in labels), f"{task} {item}: a reading without its case"
                allowed = spec["allowed"][field] if field else spec["allowed"]
                for label in allowed:
                    answer = json.loads(json.dumps(first))
                    if field:
                        answer[item][field] = label
                    else:
                        answer[item] = label
                    points = score_task(spec, answer, case=case).points
                    if label in readings(labels):
                        assert points == spec["points"], f"{task} {item}: {label} is accepted but not credited"
                    else:
                        assert points < spec["points"], f"{task} {item}: {label} is credited but not accepted"
    assert contested >= 4


def test_numbers_use_the_tolerance() -> None:
    spec = {"kind": "numbers", "points": 2, "key": {"a": {"value": 5.0, "tolerance": 0.01}, "b": {"value": 3}}}
    assert score_task(spec, {"a": 5.004, "b": 3}).points == 2
    assert score_task(spec, {"a": 5.1, "b": 3}).points == 1


def test_award_refuses_to_score_inside_an_unconfigured_autograde(monkeypatch, practice_spec) -> None:
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(RuntimeError, match="configure_nbgrader"):
        grading.award("t", practice_spec)


# --- hidden tests and preprocessors -------------------------------------------------------------------

def _test_cell(practice_spec: dict) -> nbformat.NotebookNode:
    source = ("answer = grading.check_phrases(p, paragraph=3)\ngrading.submit('t', answer)\n"
              "### BEGIN HIDDEN TESTS\n" f"grading.award('t', {practice_spec!r})\n" "### END HIDDEN TESTS")
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "points": 3,
                                 "grade_id": "t-check", "schema_version": 3}
    return cell


def test_hidden_awards_read_the_literal_spec(practice_spec) -> None:
    visible, hidden = split_hidden(_test_cell(practice_spec).source)
    assert "award" not in visible
    assert hidden_awards(hidden) == [("t", practice_spec)]
    with pytest.raises(ValueError):
        hidden_awards("grading.award('t', make_spec())")


def _graded(practice_spec: dict, outputs: list) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=[_test_cell(practice_spec)])
    nb, resources = StashHiddenTests().preprocess(nb, {})
    assert nb.cells[0].source.endswith(STASHED_NOTE) and "award" not in nb.cells[0].source
    nb.cells[0].outputs = [nbformat.from_dict(o) for o in outputs]
    nb, _ = ScoreAnswers().preprocess(nb, resources)
    return nb.cells[0]


def _record(answer) -> dict:
    return {"output_type": "display_data", "metadata": {},
            "data": {ANSWER_MIME: {"task": "t", "answer": answer}, "text/plain": "recorded"}}


FORGED = {"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": {"text/plain": "3.0"}}


def test_score_answers_scores_the_record_and_drops_forged_outputs(practice_spec) -> None:
    key = [k["phrase"] for k in practice_spec["key"]]
    cell = _graded(practice_spec, [FORGED, _record(["not a phrase"])])
    assert [o.output_type for o in cell.outputs] == ["display_data", "execute_result"]
    assert cell.outputs[-1].data["text/plain"] == "0.0"
    cell = _graded(practice_spec, [_record(key)])
    assert cell.outputs[-1].data["text/plain"] == "3.0"


def test_score_answers_gives_zero_without_exactly_one_record(practice_spec) -> None:
    key = [k["phrase"] for k in practice_spec["key"]]
    for outputs in ([FORGED], [_record(key), _record(key)]):
        cell = _graded(practice_spec, outputs)
        assert [o.output_type for o in cell.outputs] == ["error"]


def test_score_answers_keeps_only_errors_when_a_check_failed(practice_spec) -> None:
    error = {"output_type": "error", "ename": "AnswerError", "evalue": "bad", "traceback": []}
    cell = _graded(practice_spec, [FORGED, error])
    assert [o.output_type for o in cell.outputs] == ["stream", "error"]


def test_configure_nbgrader_inserts_the_preprocessors_in_order() -> None:
    from nbgrader.preprocessors import DeduplicateIds, Execute, OverwriteCells
    from traitlets.config import Config

    from medialit.grading import nbgrader_steps
    from medialit.grading.execute import SandboxedExecute

    c = Config()
    grading.configure_nbgrader(c)
    sanitize, autograde = c.Autograde.sanitize_preprocessors, c.Autograde.autograde_preprocessors
    # The sandbox check comes before anything reads the submission; duplicates are settled before nbgrader's pass.
    assert sanitize[0] is nbgrader_steps.RequireSandbox
    assert sanitize.index(nbgrader_steps.SettleDuplicateCells) == sanitize.index(DeduplicateIds) - 1
    # nbgrader's OverwriteCells and SaveAutoGrades are replaced by subclasses that fix what they get wrong for the
    # course (missing_cells.py: KeyError on deleted cells; regrade.py: a regrade un-grades hand grading).
    from nbgrader.preprocessors import SaveAutoGrades

    from medialit.grading.missing_cells import RestoreMissingCells
    from medialit.grading.regrade import KeepHandGrading

    assert OverwriteCells not in sanitize and SaveAutoGrades not in autograde
    assert issubclass(RestoreMissingCells, OverwriteCells) and issubclass(KeepHandGrading, SaveAutoGrades)
    assert sanitize.index(grading.FlagTampering) == sanitize.index(RestoreMissingCells) - 1
    assert KeepHandGrading in autograde
    # nbgrader's own Execute is replaced: no student code may run in an unsandboxed kernel.
    assert Execute not in autograde
    i = autograde.index(SandboxedExecute)
    assert autograde[i - 1] is grading.StashHiddenTests and autograde[i + 1] is grading.ScoreAnswers
    assert c.OverwriteCells.add_missing_cells is True
    json.dumps(str(c))  # the config stays printable
