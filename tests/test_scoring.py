"""Unit tests for medialit.scoring: worked cases, feedback, every ValueError path, gaming."""

from __future__ import annotations

import dataclasses
import json
from fractions import Fraction
from pathlib import Path

import pytest

from medialit.scoring import (
    LabelScore,
    SpanScore,
    merge_spans,
    phrases_to_spans,
    score_labels,
    span_prf,
)

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_acff1dda6b78f74e.txt"


def prf(score: SpanScore) -> tuple[float, float, float]:
    return score.precision, score.recall, score.f1


# ====================================================================== span_prf

class TestDesignWorkedCases:
    def test_half_overlap(self) -> None:
        assert prf(span_prf([(15, 25)], [(10, 20)])) == (0.5, 0.5, 0.5)

    def test_over_marking_lowers_precision(self) -> None:
        p, r, f1 = prf(span_prf([(0, 1000)], [(0, 100)]))
        assert (p, r) == (0.1, 1.0)
        assert f1 == pytest.approx(float(Fraction(2, 11)), abs=1e-15)
        assert round(f1, 4) == 0.1818

    def test_under_marking_lowers_recall(self) -> None:
        p, r, f1 = prf(span_prf([(45, 47)], [(40, 60)]))
        assert (p, r) == (1.0, 0.1)
        assert f1 == pytest.approx(2 / 11, abs=1e-15)


class TestEdgeCases:
    def test_both_empty_is_perfect(self) -> None:
        score = span_prf([], [])
        assert prf(score) == (1.0, 1.0, 1.0)
        assert "perfect" in score.summary()

    def test_student_empty(self) -> None:
        score = span_prf([], [(3, 9), (20, 25)])
        assert prf(score) == (0.0, 0.0, 0.0)
        assert [k.status for k in score.key_feedback] == ["missed", "missed"]
        assert "not marked anything" in score.summary()

    def test_key_empty(self) -> None:
        score = span_prf([(3, 9)], ())
        assert prf(score) == (0.0, 0.0, 0.0)
        assert score.unmatched == ((3, 9),)
        assert "nothing to mark" in score.summary()

    def test_disjoint(self) -> None:
        score = span_prf([(20, 30)], [(0, 10)])
        assert prf(score) == (0.0, 0.0, 0.0)
        assert score.unmatched == ((20, 30),)
        assert score.key_feedback[0].status == "missed"

    def test_exact_match(self) -> None:
        assert prf(span_prf([[5, 10]], [[5, 10]])) == (1.0, 1.0, 1.0)

    def test_multiple_key_spans(self) -> None:
        score = span_prf([(5, 25), (45, 50), (60, 70)], [(0, 10), (20, 30), (40, 50)])
        # P: (5+5)/20, 5/5, 0/10 averaged; R: 5/10, 5/10, 5/10 averaged.
        assert score.precision == pytest.approx((0.5 + 1 + 0) / 3, abs=1e-15)
        assert score.recall == pytest.approx(0.5, abs=1e-15)
        assert [(k.status, k.covered) for k in score.key_feedback] == [
            ("partly found", 0.5), ("partly found", 0.5), ("partly found", 0.5)]
        assert score.unmatched == ((60, 70),)

    def test_one_student_span_over_two_key_spans(self) -> None:
        score = span_prf([(0, 15)], [(0, 5), (10, 15)])
        assert score.precision == pytest.approx(10 / 15, abs=1e-15)
        assert score.recall == 1.0
        assert [k.status for k in score.key_feedback] == ["found", "found"]


class TestMerging:
    def test_overlapping_student_spans_merge(self) -> None:
        score = span_prf([(0, 6), (4, 10)], [(0, 10)])
        assert prf(score) == (1.0, 1.0, 1.0)
        assert score.student_spans == ((0, 10),)
        assert score.marked == 2
        assert "joined" in score.summary()

    def test_overlapping_key_spans_merge(self) -> None:
        score = span_prf([(0, 12)], [(3, 12), (0, 6)])
        assert score.key_spans == ((0, 12),)
        assert prf(score) == (1.0, 1.0, 1.0)

    def test_chain_nested_and_duplicate_spans_merge(self) -> None:
        assert merge_spans([(4, 8), (0, 3), (2, 5), (4, 8), (5, 6), (20, 21)]) == [(0, 8), (20, 21)]

    def test_touching_spans_do_not_merge(self) -> None:
        # The official scorer merges spans only when their character sets intersect.
        assert merge_spans([(2, 10), (0, 2)]) == [(0, 2), (2, 10)]
        score = span_prf([(0, 2), (2, 10)], [(0, 2)])
        assert score.student_spans == ((0, 2), (2, 10))
        assert score.precision == 0.5  # merged, it would be 2/10
        assert score.recall == 1.0
        assert score.unmatched == ((2, 10),)

    def test_touching_key_spans_stay_two_phrases(self) -> None:
        score = span_prf([(0, 10)], [(0, 5), (5, 10)])
        assert score.key_spans == ((0, 5), (5, 10))
        assert prf(score) == (1.0, 1.0, 1.0)

    def test_order_of_input_does_not_matter(self) -> None:
        a = span_prf([(30, 40), (0, 5)], [(30, 35), (0, 5)])
        b = span_prf([[0, 5], [30, 40]], [[0, 5], [30, 35]])
        assert prf(a) == prf(b) == (0.75, 1.0, pytest.approx(6 / 7, abs=1e-15))


class TestFeedbackAndOutput:
    def test_key_feedback_statuses(self) -> None:
        score = span_prf([(0, 9), (27, 30), (40, 41)], [(0, 9), (25, 35), (100, 110)])
        assert [(k.start, k.end, k.status, k.covered_chars, k.covered) for k in score.key_feedback] == [
            (0, 9, "found", 9, 1.0), (25, 35, "partly found", 3, 0.3), (100, 110, "missed", 0, 0.0)]
        assert score.unmatched == ((40, 41),)

    def test_summary_explains_the_numbers(self) -> None:
        student = [(0, 9), (20, 30), (40, 41), (50, 60), (70, 80), (3, 8)]
        score = span_prf(student, [(0, 9), (25, 35), (100, 110), (50, 55)])
        text = score.summary()
        assert "You marked 5 phrases (some of your 6 marks overlapped, so they were joined into 5)" in text
        assert "3 overlap the key and 2 do not" in text
        assert "The key has 4 phrases: you found 2 in full, found 1 in part and missed 1." in text
        assert f"Precision {score.precision:.2f}" in text and "Recall 0.62" in text
        assert "To raise precision" in text and "To raise recall" in text

    def test_summary_singular_and_perfect(self) -> None:
        text = span_prf([(5, 10)], [(5, 10)]).summary()
        assert "You marked 1 phrase; it overlaps the key." in text
        assert "you found 1 in full." in text
        assert "To raise" not in text

    def test_to_dict_is_json_and_complete(self) -> None:
        score = span_prf([(0, 6), (4, 10), (50, 60)], [(0, 20)], text_length=100)
        data = json.loads(json.dumps(score.to_dict()))
        assert data["precision"] == score.precision and data["f1"] == score.f1
        assert data["student_spans"] == [[0, 10], [50, 60]]
        assert data["key_feedback"] == [{"start": 0, "end": 20, "status": "partly found",
                                         "covered_chars": 10, "covered": 0.5}]
        assert data["unmatched"] == [[50, 60]]
        assert data["summary"] == score.summary()

    def test_result_is_frozen_and_detached_from_input(self) -> None:
        student = [[0, 10]]
        score = span_prf(student, [[0, 10]])
        student[0][1] = 500
        assert score.student_spans == ((0, 10),)
        with pytest.raises(dataclasses.FrozenInstanceError):
            score.precision = 0.0  # type: ignore[misc]


class TestSpanValidation:
    @pytest.mark.parametrize("bad, message", [
        (None, "student_spans must be a list of (start, end) pairs such as [(10, 20), (35, 41)], not None"),
        ("0,5", "student_spans must be a list of (start, end) pairs such as [(10, 20), (35, 41)], not '0,5' (a string)"),
        ({(0, 5)}, "not a set"),
        ({0: 5}, "not a dict"),
        ((10, 20), "student_spans is (10, 20), which looks like a single span; wrap it in a list: [(10, 20)]"),
        ([(1, 2), 5], "student_spans: span 2 (counting from 1) is 5; each span must be a (start, end) pair such as (10, 20)"),
        ([(1, 2, 3)], "student_spans: span 1 (counting from 1) has 3 items; each span must have exactly two: (start, end)"),
        ([(1.0, 2)], "student_spans: span 1 (counting from 1) has a start of 1.0 (a float); the start must be a whole number (int) such as 12"),
        ([(1, "9")], "has an end of '9' (a string); the end must be a whole number (int)"),
        ([(True, 9)], "has a start of True (a bool); the start must be a whole number"),
        ([(-1, 9)], "student_spans: span 1 (counting from 1) is (-1, 9): the start must be 0 or more"),
        ([(1, 2), (3, 4), (40, 12)], "student_spans: span 3 (counting from 1) is (40, 12): the start must be smaller than the end"),
        ([(7, 7)], "is (7, 7): it is empty because the start equals the end; remove it or make the end larger than the start"),
    ])
    def test_bad_student_spans(self, bad: object, message: str) -> None:
        with pytest.raises(ValueError) as caught:
            span_prf(bad, [(0, 5)])
        assert message in str(caught.value)

    def test_errors_name_the_key_side(self) -> None:
        with pytest.raises(ValueError, match=r"^key_spans: span 1 \(counting from 1\) is \(5, 2\)"):
            span_prf([(0, 5)], [(5, 2)])

    def test_text_length_bounds_spans(self) -> None:
        assert span_prf([(0, 10)], [(0, 10)], text_length=10).f1 == 1.0
        with pytest.raises(ValueError, match=r"span 1 \(counting from 1\) is \(5, 11\): it goes past "
                                             r"the end of the text, which has 10 characters"):
            span_prf([(5, 11)], [(0, 10)], text_length=10)
        with pytest.raises(ValueError, match=r"^key_spans: .* goes past the end of the text"):
            span_prf([(0, 5)], [(0, 50)], text_length=10)

    @pytest.mark.parametrize("bad", [-1, True, "10", 10.0])
    def test_bad_text_length(self, bad: object) -> None:
        with pytest.raises(ValueError, match="text_length must be a whole number of characters"):
            span_prf([(0, 5)], [(0, 5)], text_length=bad)  # type: ignore[arg-type]


class TestGaming:
    def test_int_subclass_with_rigged_eq_is_rejected(self) -> None:
        class Sly(int):
            def __eq__(self, other: object) -> bool:
                return True

            __hash__ = int.__hash__

        with pytest.raises(ValueError, match="has a start of a Sly; the start must be a whole number"):
            span_prf([(Sly(0), 10)], [(0, 10)])

    def test_object_posing_as_a_number_is_rejected(self) -> None:
        class Rigged:
            def __int__(self) -> int:
                return 0

            __index__ = __int__

            def __eq__(self, other: object) -> bool:
                return True

            def __lt__(self, other: object) -> bool:
                return True

            def __hash__(self) -> int:
                return 0

            def __repr__(self) -> str:  # pragma: no cover - must never be called
                raise AssertionError("repr of an untrusted object was called")

        with pytest.raises(ValueError, match="has an end of a Rigged"):
            span_prf([(0, Rigged())], [(0, 10)])

    def test_container_is_read_only_once(self) -> None:
        class Shifty(list):
            reads = 0

            def __iter__(self):
                Shifty.reads += 1
                return iter([(0, 10)] if Shifty.reads == 1 else [(0, 1000)])

        score = span_prf(Shifty(), [(0, 10)])
        assert score.student_spans == ((0, 10),) and score.f1 == 1.0
        assert Shifty.reads == 1

    def test_many_tiny_marks_do_not_beat_the_key_on_recall(self) -> None:
        # Splitting one long mark into many separate ones changes precision's
        # average but cannot raise recall above the characters actually covered.
        score = span_prf([(i, i + 1) for i in range(0, 100, 2)], [(0, 100)])
        assert score.recall == 0.5


# ====================================================================== score_labels

KEY = {"c1": "named", "c2": "anonymous", "c3": "unsourced"}
ALLOWED = ["named", "anonymous", "unsourced"]


class TestScoreLabelsSingle:
    def test_all_right(self) -> None:
        score = score_labels(dict(KEY), KEY, allowed=ALLOWED)
        assert (score.score, score.correct, score.total) == (1.0, 3, 3)
        assert all(i.message == "correct" for i in score.items)
        assert "Every answer matches the key." in score.summary()

    def test_wrong_missing_and_blank(self) -> None:
        score = score_labels({"c1": "anonymous", "c2": None, "c3": "  "}, KEY, allowed=ALLOWED,
                             explanations={"c1": "The article names the Pentagon."})
        assert (score.correct, score.total) == (0, 3)
        first, second, third = score.items
        assert (first.item, first.field, first.given, first.expected, first.correct) == \
            ("c1", None, "anonymous", "named", False)
        assert first.message == "you answered 'anonymous'; the key says 'named'"
        assert first.explanation == "The article names the Pentagon."
        assert second.given is None and second.message == "no answer given"
        assert third.given is None and third.message == "no answer given"
        summary = score.summary()
        assert "You got 0 of 3 right (0%)." in summary
        assert "2 answers were left blank." in summary
        assert "Look again at: c1, c2, c3." in summary

    def test_absent_item_counts_as_wrong(self) -> None:
        score = score_labels({"c1": "named"}, KEY)
        assert (score.correct, score.total) == (1, 3)
        assert score.score == pytest.approx(1 / 3)
        assert [i.message for i in score.items][1:] == ["no answer given", "no answer given"]

    def test_case_and_spacing_are_forgiven(self) -> None:
        score = score_labels({"c1": " Named ", "c2": "ANONYMOUS"}, KEY, allowed=ALLOWED)
        assert score.correct == 2
        assert score.items[0].given == "named"  # the allowed spelling
        assert score_labels({"c1": "NAMED"}, KEY).correct == 1

    def test_to_dict_is_json(self) -> None:
        data = json.loads(json.dumps(score_labels({"c1": "named"}, KEY).to_dict()))
        assert data["correct"] == 1 and data["total"] == 3
        assert data["items"][0] == {"item": "c1", "field": None, "given": "named", "expected": "named",
                                    "accepted": ["named"], "reasons": [None], "contested": False,
                                    "correct": True, "explanation": None, "message": "correct"}
        assert isinstance(score_labels({}, KEY), LabelScore)


MULTI_KEY = {
    "c1": {"attribution": "named", "kind": "fact"},
    "c2": {"attribution": "unsourced", "kind": "interpretation"},
}
MULTI_ALLOWED = {"attribution": ALLOWED, "kind": ["fact", "interpretation"]}


class TestScoreLabelsMulti:
    def test_each_field_is_a_point(self) -> None:
        answers = {"c1": {"attribution": "named", "kind": "interpretation"},
                   "c2": {"attribution": "unsourced"}}
        score = score_labels(answers, MULTI_KEY, allowed=MULTI_ALLOWED,
                             explanations={"c1": {"kind": "A count is a checkable fact."},
                                           "c2": "No source is given."})
        assert (score.correct, score.total) == (2, 4)
        assert [(i.item, i.field, i.correct) for i in score.items] == [
            ("c1", "attribution", True), ("c1", "kind", False),
            ("c2", "attribution", True), ("c2", "kind", False)]
        assert score.items[1].explanation == "A count is a checkable fact."
        assert score.items[0].explanation is None
        assert score.items[3].explanation == "No source is given."
        assert score.items[3].message == "no answer given"
        summary = score.summary()
        assert "By question: attribution: 2 of 2; kind: 0 of 2." in summary
        assert "Look again at: c1 (kind), c2 (kind)." in summary

    def test_allowed_as_a_set_lists_labels_in_a_stable_order(self) -> None:
        with pytest.raises(ValueError, match="allowed labels: anonymous, named, unsourced$"):
            score_labels({"c1": "x"}, KEY, allowed=set(ALLOWED))

    def test_list_of_allowed_labels_applies_to_every_field(self) -> None:
        labels = ALLOWED + ["fact", "interpretation"]
        assert score_labels({"c1": None}, MULTI_KEY, allowed=labels).correct == 0

    @pytest.mark.parametrize("answers, message", [
        ({"c1": "named"}, "answers: item 'c1' needs a dict with one answer per field, like "
                          "{'attribution': ..., 'kind': ...}, not 'named' (a string)"),
        ({"c1": {"source": "named"}}, "answers: item 'c1' has no field 'source' (a string); "
                                      "its fields are: attribution, kind"),
        ({"c1": {"kind": "opinion"}}, "answers: item 'c1', field 'kind' is 'opinion', which is not one "
                                      "of the allowed labels: fact, interpretation"),
    ])
    def test_bad_multi_answers(self, answers: dict, message: str) -> None:
        with pytest.raises(ValueError) as caught:
            score_labels(answers, MULTI_KEY, allowed=MULTI_ALLOWED)
        assert str(caught.value) == message


CONTESTED = [{"label": "fact", "why": "Consent and a mandate are matters of record."},
             {"label": "interpretation", "why": "'Occupying' is a legal characterisation."}]
KINDS = ["fact", "interpretation"]


class TestScoreLabelsContested:
    """A key may accept more than one answer for an item, each with the reason it is accepted."""

    @pytest.mark.parametrize("answer", ["fact", "interpretation", " Interpretation "])
    def test_each_accepted_answer_earns_full_credit(self, answer: str) -> None:
        result = score_labels({"c7": answer}, {"c7": CONTESTED}, allowed=KINDS)
        assert result.score == 1 and result.items[0].correct

    def test_an_answer_not_accepted_earns_nothing(self) -> None:
        key = {"p": [{"label": "Name_Calling,Labeling", "why": "a label"},
                     {"label": "Loaded_Language", "why": "charged words"}]}
        allowed = ["Name_Calling,Labeling", "Loaded_Language", "Doubt"]
        result = score_labels({"p": "Doubt"}, key, allowed=allowed)
        assert result.score == 0 and not result.items[0].correct
        assert "more than one reading is defensible" in result.items[0].message
        assert score_labels({}, key, allowed=allowed).items[0].message == "no answer given"

    def test_multi_field_item_with_one_contested_field(self) -> None:
        key = {"c7": {"attribution": "unsourced", "kind": CONTESTED}}
        allowed = {"attribution": ALLOWED, "kind": KINDS}
        for kind in KINDS:
            result = score_labels({"c7": {"attribution": "unsourced", "kind": kind}}, key, allowed=allowed)
            assert (result.correct, result.total) == (2, 2)
        result = score_labels({"c7": {"attribution": "named", "kind": "fact"}}, key, allowed=allowed)
        assert (result.correct, result.total) == (1, 2)

    def test_item_reports_every_reading_and_its_case(self) -> None:
        item = score_labels({"c7": "fact"}, {"c7": CONTESTED}, allowed=KINDS).items[0]
        assert item.contested and item.expected == "fact"
        assert item.accepted == ("fact", "interpretation")
        assert item.reasons == tuple(entry["why"] for entry in CONTESTED)
        for entry in CONTESTED:
            assert entry["why"] in item.message
        data = json.loads(json.dumps(item.to_dict()))
        assert data["accepted"] == KINDS and data["contested"] is True
        plain = score_labels({"c1": "named"}, KEY).items[0]
        assert not plain.contested and plain.accepted == ("named",) and plain.reasons == (None,)

    @pytest.mark.parametrize("entries, fragment", [
        ([], "empty list of accepted answers"),
        ([{"label": "fact"}], "exactly the keys 'label' and 'why'"),
        (["fact", "interpretation"], "exactly the keys 'label' and 'why'"),
        ([{"label": "fact", "why": " "}], "non-empty string 'why'"),
        ([{"label": "", "why": "x"}], "non-empty string 'label'"),
        ([{"label": "fact", "why": "x"}, {"label": "FACT", "why": "y"}], "accepts 'FACT' twice"),
        ([{"label": "opinion", "why": "x"}], "not one of the allowed labels"),
    ])
    def test_malformed_alternatives_are_clear_errors(self, entries: list, fragment: str) -> None:
        with pytest.raises(ValueError, match=fragment):
            score_labels({"c7": "fact"}, {"c7": entries}, allowed=KINDS)


class TestScoreLabelsValidation:
    @pytest.mark.parametrize("answers, message", [
        (None, "answers must be a dict such as {'c1': 'named'}, not None"),
        ([("c1", "named")], "answers must be a dict such as {'c1': 'named'}, not a list"),
        ({"c9": "named"}, "answers: there is no item 'c9'; the items are: c1, c2, c3"),
        ({1: "named"}, "answers: item ids must be strings such as 'c1', not 1"),
        ({"c1": "nmaed"}, "answers: item 'c1' is 'nmaed', which is not one of the allowed labels: "
                          "named, anonymous, unsourced"),
        ({"c1": 3}, "answers: item 'c1' must be a string label such as 'named', not 3"),
        ({"c1": ["named"]}, "answers: item 'c1' must be a string label such as 'named', not a list"),
    ])
    def test_bad_answers(self, answers: object, message: str) -> None:
        with pytest.raises(ValueError) as caught:
            score_labels(answers, KEY, allowed=ALLOWED)
        assert str(caught.value) == message

    def test_rigged_string_label_is_rejected(self) -> None:
        class Chameleon(str):
            def __eq__(self, other: object) -> bool:
                return True

            __hash__ = str.__hash__

        with pytest.raises(ValueError, match="must be a string label such as 'named', not a Chameleon"):
            score_labels({"c1": Chameleon("x")}, KEY)
        with pytest.raises(ValueError, match="item ids must be strings such as 'c1', not a Chameleon"):
            score_labels({Chameleon("c1"): "named"}, KEY)

    @pytest.mark.parametrize("key, allowed, message", [
        ({}, None, "the key has no items to score"),
        ("named", None, "key must be a dict"),
        ({"c1": "named", "c2": {"kind": "fact"}}, None, "every item must have the same shape"),
        ({"c1": 5}, None, "key: item 'c1' must be a label, a list of accepted answers or a dict of fields, not 5"),
        ({"c1": ""}, None, "key: item 'c1' needs a non-empty string label"),
        ({"c1": {}}, None, "key: item 'c1' has no fields"),
        ({"c1": "opinion"}, ALLOWED, "key: item 'c1' has the label 'opinion', which is not one of the "
                                     "allowed labels: named, anonymous, unsourced"),
        (KEY, {"attribution": ALLOWED}, "allowed is a dict of fields, but the key gives one label per item"),
        (MULTI_KEY, {"attribution": ALLOWED}, "allowed has no labels for the field 'kind'"),
        (KEY, "named", "allowed must be a list of labels"),
        (KEY, [], "allowed is empty"),
        (KEY, ["named", 3], "allowed must contain only non-empty strings, not 3"),
    ])
    def test_bad_key_or_allowed(self, key: object, allowed: object, message: str) -> None:
        with pytest.raises(ValueError) as caught:
            score_labels({}, key, allowed=allowed)
        assert message in str(caught.value)

    @pytest.mark.parametrize("explanations, message", [
        ("why", "explanations must be a dict"),
        ({"c9": "why"}, "explanations: 'c9' (a string) is not an item of the key"),
        ({"c1": 5}, "explanations: item 'c1' must be a string, not 5"),
        ({"c1": {"x": "why"}}, "explanations: item 'c1' must be a string, not a dict"),
    ])
    def test_bad_explanations(self, explanations: object, message: str) -> None:
        with pytest.raises(ValueError) as caught:
            score_labels({}, KEY, explanations=explanations)
        assert message in str(caught.value)


# ====================================================================== phrases_to_spans

TEXT = "Alpha said “war crime” here. The Pentagon’s figures are suspect.\n\nThe  figures\nagain; aaa."


class TestPhrasesToSpans:
    def test_exact_matches_in_order(self) -> None:
        spans = phrases_to_spans(["are suspect", "Alpha said"], TEXT)
        assert [TEXT[s:e] for s, e in spans] == ["are suspect", "Alpha said"]

    @pytest.mark.parametrize("typed, expected", [
        ('"war crime"', "“war crime”"),               # straight for curly quotes
        ("The Pentagon's figures", "The Pentagon’s figures"),  # straight apostrophe
        ("the pentagon’s FIGURES", "The Pentagon’s figures"),  # case
        ("  are suspect.  ", "are suspect."),          # surrounding whitespace
        ("the figures again", "The  figures\nagain"),  # runs of whitespace, line breaks
    ])
    def test_tolerant_matches_map_back_to_exact_text(self, typed: str, expected: str) -> None:
        [(start, end)] = phrases_to_spans([typed], TEXT)
        assert TEXT[start:end] == expected

    def test_exact_match_wins_over_tolerant_ambiguity(self) -> None:
        text = "The cat saw the cat."
        assert phrases_to_spans(["The cat"], text) == [(0, 7)]
        with pytest.raises(ValueError, match="occurs 2 times"):
            phrases_to_spans(["THE CAT"], text)

    def test_within_limits_the_search(self) -> None:
        second = TEXT.index("The  figures")
        [(start, end)] = phrases_to_spans(["figures"], TEXT, within=(second, len(TEXT)))
        assert start > second and TEXT[start:end] == "figures"
        with pytest.raises(ValueError, match=r"^'Alpha' does not occur in paragraph 2; copy the words "
                                             r"exactly as they appear$"):
            phrases_to_spans(["Alpha"], TEXT, within=[second, len(TEXT)], where="paragraph 2")
        # A phrase crossing the region's edge is not inside the region.
        with pytest.raises(ValueError, match="does not occur in characters 0 to 8 of the text"):
            phrases_to_spans(["Alpha said"], TEXT, within=(0, 8))

    def test_not_found_and_ambiguous_messages(self) -> None:
        with pytest.raises(ValueError) as caught:
            phrases_to_spans(["xyz"], TEXT)
        assert str(caught.value) == "'xyz' does not occur in the text; copy the words exactly as they appear"
        with pytest.raises(ValueError) as caught:
            phrases_to_spans(["figures"], TEXT)
        assert str(caught.value) == ("'figures' occurs 2 times in the text, so it is ambiguous; include a "
                                     "few neighbouring words so it matches only one place")
        with pytest.raises(ValueError, match="'aa' occurs 2 times"):  # overlapping hits count
            phrases_to_spans(["aa"], TEXT)

    def test_long_phrases_are_shortened_in_messages(self) -> None:
        with pytest.raises(ValueError, match=r"^'x{57}\.\.\.' does not occur"):
            phrases_to_spans(["x" * 200], TEXT)

    @pytest.mark.parametrize("phrases, message", [
        ("Alpha", "phrases must be a list of strings, e.g. ['first phrase', 'second phrase'], not a single string"),
        (None, "phrases must be a list of strings, not None"),
        ([""], "phrase 1 (counting from 1) is empty; type the words you mean or remove it"),
        (["Alpha", " \n "], "phrase 2 (counting from 1) is empty"),
        (["Alpha", 7], "phrase 2 (counting from 1) is 7; each phrase must be a string in quotes"),
        ([None], "phrase 1 (counting from 1) is None"),
    ])
    def test_bad_phrases(self, phrases: object, message: str) -> None:
        with pytest.raises(ValueError) as caught:
            phrases_to_spans(phrases, TEXT)
        assert message in str(caught.value)

    def test_rigged_string_phrase_is_rejected(self) -> None:
        class Chameleon(str):
            def __eq__(self, other: object) -> bool:
                return True

            __hash__ = str.__hash__

        with pytest.raises(ValueError, match="is a Chameleon; each phrase must be a string"):
            phrases_to_spans([Chameleon("Alpha")], TEXT)

    @pytest.mark.parametrize("kwargs, message", [
        ({"within": (5, 2)}, "within is (5, 2); it must satisfy 0 <= start < end <= "),
        ({"within": (0, 10_000)}, "it must satisfy 0 <= start < end <= "),
        ({"within": (0, 5.0)}, "within must be a (start, end) pair of whole numbers"),
        ({"within": 5}, "within must be a (start, end) pair of whole numbers"),
        ({"within": (True, 5)}, "within must be a (start, end) pair of whole numbers"),
        ({"where": 4}, "where must be a string such as 'paragraph 4'"),
    ])
    def test_bad_region(self, kwargs: dict, message: str) -> None:
        with pytest.raises(ValueError) as caught:
            phrases_to_spans(["Alpha"], TEXT, **kwargs)
        assert message in str(caught.value)

    def test_text_must_be_a_string(self) -> None:
        with pytest.raises(ValueError, match="text must be a string, not None"):
            phrases_to_spans(["Alpha"], None)

    def test_empty_list_gives_no_spans(self) -> None:
        assert phrases_to_spans([], TEXT) == []

    def test_on_the_seed_article_and_into_span_prf(self) -> None:
        article = SEED.read_text(encoding="utf-8")
        phrases = ["the Pentagon's figures are suspect", "unprovoked massacre"]
        spans = phrases_to_spans(phrases, article)
        assert [article[s:e] for s, e in spans] == ["the Pentagon’s figures are suspect",
                                                    "unprovoked massacre"]
        score = span_prf(spans, [spans[1]], text_length=len(article))
        assert (score.precision, score.recall) == (0.5, 1.0)
        assert score.unmatched == (spans[0],)
