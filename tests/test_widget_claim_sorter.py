"""ClaimSorter (Python side): the practice payload, refusing graded paragraphs, the answers trait and .score()."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import traitlets

from medialit import CASE, load_case
from medialit.case import CaseDataError
from medialit.records import ATTRIBUTIONS, CLAIM_KINDS
from medialit.scoring import CLAIM_MISTAKES, LabelScore, claim_mistake
from medialit.widgets import ClaimSorter
from medialit.widgets.claim_sorter import NO_VERB, claim_words


@pytest.fixture(scope="module")
def case():
    return load_case(CASE)


def full_marks(claims: list[dict]) -> dict[str, dict[str, str]]:
    """Answers that copy the key the widget was given."""
    return {c["id"]: {"attribution": c["attribution"], "kind": c["kind"],
                      "reporting_verb": c["reporting_verb"] or NO_VERB} for c in claims}


def test_is_an_anywidget_with_its_module_and_stylesheet_beside_it() -> None:
    import anywidget

    assert issubclass(ClaimSorter, anywidget.AnyWidget)
    here = Path(__import__("medialit.widgets.claim_sorter", fromlist=["x"]).__file__).parent
    assert (here / "claim_sorter.js").is_file() and (here / "claim_sorter.css").is_file()


def test_sends_the_claims_of_the_chosen_paragraphs_with_their_key_and_text(case) -> None:
    sorter = ClaimSorter(case, paragraphs=[2, 3, 4])
    expected = [c for n in (2, 3, 4) for c in case.claims if c.paragraph == n]
    assert [c["id"] for c in sorter.claims] == [c.id for c in expected]
    for sent, claim in zip(sorter.claims, expected):
        assert sent == {"id": claim.id, "paragraph": claim.paragraph, "text": claim.text,
                        "attribution": claim.attribution, "kind": claim.kind,
                        "reporting_verb": claim.reporting_verb, "reason": claim.reason, "notes": dict(claim.notes)}
    assert sorter.mistakes == case.claim_mistakes
    assert sorter.passages == [{"paragraph": n, "text": case.paragraph(n).text} for n in (2, 3, 4)]
    assert sorter.paragraphs == [2, 3, 4]
    assert sorter.answers == {}


def test_without_paragraphs_it_uses_every_practice_paragraph(case) -> None:
    sorter = ClaimSorter(case)
    assert sorter.paragraphs == list(case.practice_paragraphs("claims"))
    assert {c["id"] for c in sorter.claims} == {c.id for c in case.claims}


def test_repeated_paragraphs_are_sent_once(case) -> None:
    assert ClaimSorter(case, paragraphs=[3, 3, 2]).paragraphs == [3, 2]


def test_synced_traits_are_tagged_for_the_browser(case) -> None:
    synced = set(ClaimSorter(case, paragraphs=[2]).trait_names(sync=True))
    assert {"claims", "passages", "mistakes", "answers", "checked", "_checked_answers", "_esm", "_css"} <= synced


@pytest.mark.parametrize("which", range(4))
def test_graded_paragraphs_are_refused_naming_the_practice_ones(case, which: int) -> None:
    graded = case.graded_paragraphs("claims")
    number = graded[which]
    practice = ", ".join(map(str, case.practice_paragraphs("claims")))
    with pytest.raises(ValueError, match=re.escape(practice)) as error:
        ClaimSorter(case, paragraphs=[2, number])
    assert f"paragraph {number}" in str(error.value) and "graded" in str(error.value)


def test_no_graded_paragraph_text_reaches_the_browser(case) -> None:
    state = json.dumps(ClaimSorter(case).get_state(), ensure_ascii=False)
    looped = list(case.graded_paragraphs("claims"))
    assert looped, "nothing to check: case.graded_paragraphs('claims') is empty"
    for number in looped:
        assert case.paragraph(number).text not in state


@pytest.mark.parametrize(
    ("paragraphs", "message"),
    [
        ([8], "not a practice paragraph"),
        ([99], "not a practice paragraph"),
        ([], "empty"),
        (["2"], "whole numbers"),
        ([2.0], "whole numbers"),
        ([True], "whole numbers"),
        ("2, 3", "list of paragraph numbers"),
        (3, "list of paragraph numbers"),
    ],
)
def test_bad_paragraphs_raise_value_errors_that_say_what_to_choose(case, paragraphs, message) -> None:
    with pytest.raises(ValueError, match=message) as error:
        ClaimSorter(case, paragraphs=paragraphs)
    assert ", ".join(map(str, case.practice_paragraphs("claims"))) in str(error.value)


def test_needs_a_case() -> None:
    with pytest.raises(ValueError, match="load_case"):
        ClaimSorter("deir-ezzor-2018", paragraphs=[2])  # type: ignore[arg-type]


def test_answers_round_trip_through_the_widget_state(case) -> None:
    sorter = ClaimSorter(case, paragraphs=[3])
    chosen = {"cl-05": {"attribution": "named", "kind": "fact", "reporting_verb": "proudly claimed"},
              "cl-06": {"attribution": "anonymous", "kind": None, "reporting_verb": NO_VERB}}
    sorter.answers = chosen
    assert sorter.answers == chosen
    state = sorter.get_state("answers")
    assert json.loads(json.dumps(state)) == {"answers": chosen}
    # The browser sends state the same way; set_state is what ipywidgets calls with it.
    other = ClaimSorter(case, paragraphs=[3])
    other.set_state(state)
    assert other.answers == chosen


def test_partial_answers_are_filled_in_with_none(case) -> None:
    sorter = ClaimSorter(case, paragraphs=[4])
    sorter.answers = {"cl-07": {"kind": "fact"}}
    assert sorter.answers == {"cl-07": {"attribution": None, "kind": "fact", "reporting_verb": None}}


def test_reporting_verb_spacing_and_case_are_tidied(case) -> None:
    sorter = ClaimSorter(case, paragraphs=[3])
    sorter.answers = {"cl-05": {"reporting_verb": "  Proudly \n claimed "}, "cl-06": {"reporting_verb": " "}}
    assert sorter.answers["cl-05"]["reporting_verb"] == "Proudly claimed"
    assert sorter.answers["cl-06"]["reporting_verb"] is None


def test_claim_words_drop_the_punctuation_stuck_to_them() -> None:
    assert claim_words("denounced the attack as a “war crime” and “direct support to terrorism,”") == [
        "denounced", "the", "attack", "as", "a", "war", "crime", "and", "direct", "support", "to", "terrorism"]


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([], "must be a dict"),
        ({"cl-99": {}}, "no claim 'cl-99'"),
        ({"cl-01": {}}, "no claim 'cl-01'"),  # a real claim, but not in paragraph 3
        ({"cl-05": "named"}, "must be a dict"),
        ({"cl-05": {"source": "named"}}, "unknown keys"),
        ({"cl-05": {"attribution": "Named"}}, "use one of: named, anonymous, unsourced"),
        ({"cl-05": {"kind": "opinion"}}, "use one of: fact, interpretation"),
        ({"cl-05": {"reporting_verb": "announced"}}, "not a run of words"),
        ({"cl-05": {"reporting_verb": "claimed proudly"}}, "not a run of words"),
        ({"cl-05": {"reporting_verb": 3}}, "must be a string"),
    ],
)
def test_bad_answers_raise_value_errors_and_leave_answers_unchanged(case, answers, message) -> None:
    sorter = ClaimSorter(case, paragraphs=[3])
    before = {"cl-05": {"attribution": "named", "kind": None, "reporting_verb": None}}
    sorter.answers = before
    with pytest.raises(ValueError, match=message) as error:
        sorter.answers = answers
    assert isinstance(error.value, traitlets.TraitError)
    assert sorter.answers == before


def test_full_marks_when_the_answers_copy_the_key(case) -> None:
    sorter = ClaimSorter(case, paragraphs=[1, 2, 3, 4, 5, 9, 10])
    sorter.answers = full_marks(sorter.claims)
    result = sorter.score()
    assert isinstance(result, LabelScore)
    assert (result.correct, result.total, result.score) == (3 * len(sorter.claims), 3 * len(sorter.claims), 1.0)


def test_one_wrong_label_costs_one_point_and_is_explained_with_the_reason(case) -> None:
    sorter = ClaimSorter(case, paragraphs=[3])
    answers = full_marks(sorter.claims)
    target = sorter.claims[0]
    wrong = next(a for a in ATTRIBUTIONS if a != target["attribution"])
    answers[target["id"]]["attribution"] = wrong
    sorter.answers = answers
    result = sorter.score()
    assert result.correct == result.total - 1
    [miss] = [i for i in result.items if not i.correct]
    assert (miss.item, miss.field, miss.given, miss.expected) == (target["id"], "attribution", wrong, target["attribution"])
    assert miss.explanation == target["reason"]


def test_no_reporting_verb_is_scored_as_none(case) -> None:
    sorter = ClaimSorter(case, paragraphs=[1])
    without_verb = [c for c in sorter.claims if c["reporting_verb"] is None]
    assert without_verb, "paragraph 1's claims have no verb in the key; pick another paragraph for this test"
    claim = without_verb[0]
    sorter.answers = {claim["id"]: {"reporting_verb": NO_VERB}}
    [item] = [i for i in sorter.score().items if i.item == claim["id"] and i.field == "reporting_verb"]
    assert item.correct
    sorter.answers = {claim["id"]: {"reporting_verb": claim_words(claim["text"])[0]}}
    [item] = [i for i in sorter.score().items if i.item == claim["id"] and i.field == "reporting_verb"]
    assert not item.correct


def test_blank_answers_score_zero_with_no_answer_given(case) -> None:
    sorter = ClaimSorter(case, paragraphs=[4])
    result = sorter.score()
    assert result.correct == 0 and result.total == 3 * len(sorter.claims)
    assert {i.message for i in result.items} == {"no answer given"}


def test_the_key_uses_only_the_allowed_labels(case) -> None:
    key = ClaimSorter(case).key()
    assert {v["attribution"] for v in key.values()} <= set(ATTRIBUTIONS)
    assert {v["kind"] for v in key.values()} <= set(CLAIM_KINDS)


@pytest.mark.parametrize("name", ["claim_sorter.js", "claim_sorter.css"])
def test_front_end_files_load_nothing_from_the_network_and_never_parse_html(name: str) -> None:
    source = (Path(__import__("medialit.widgets.claim_sorter", fromlist=["x"]).__file__).parent / name).read_text()
    assert not re.search(r"https?://|@import|\bimport\s*\(|^\s*import\s", source, re.MULTILINE), "no network imports"
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "DOMParser", "createContextualFragment"):
        assert sink not in source, f"{name} uses {sink}: data must be inserted as text"


# ---- the kind of mistake: one message per kind, from claims.yaml ----------------------------------------------

SCHEMA = Path(__file__).resolve().parents[1] / "medialit" / "schemas" / "claims.schema.json"

# One answer per kind of mistake: (claim, field, the wrong answer, the kind of mistake it is).
EACH_MISTAKE = [
    ("cl-05", "attribution", "anonymous", "anonymous-for-named"),
    ("cl-06", "attribution", "unsourced", "unsourced-for-named"),
    ("cl-10", "attribution", "named", "named-for-anonymous"),
    ("cl-10", "attribution", "unsourced", "unsourced-for-anonymous"),
    ("cl-01", "attribution", "named", "named-for-unsourced"),
    ("cl-02", "attribution", "anonymous", "anonymous-for-unsourced"),
    ("cl-10", "kind", "interpretation", "interpretation-for-fact"),
    ("cl-02", "kind", "fact", "fact-for-interpretation"),
    ("cl-05", "reporting_verb", "claimed", "verb-near-miss"),
    ("cl-06", "reporting_verb", "claimed", "verb-in-claim"),
    ("cl-10", "reporting_verb", NO_VERB, "verb-missing"),
    ("cl-01", "reporting_verb", "carried out", "verb-not-attributing"),
]


def test_every_kind_of_mistake_has_one_message_in_the_data_and_the_schema_lists_the_same_kinds(case) -> None:
    assert {m for *_, m in EACH_MISTAKE} == set(CLAIM_MISTAKES)
    assert set(case.claim_mistakes) == set(CLAIM_MISTAKES)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert set(schema["properties"]["mistakes"]["required"]) == set(CLAIM_MISTAKES)
    assert set(schema["properties"]["claims"]["items"]["properties"]["notes"]["propertyNames"]["enum"]) == set(CLAIM_MISTAKES)
    assert len(set(case.claim_mistakes.values())) == len(CLAIM_MISTAKES), "each kind needs its own message"


@pytest.mark.parametrize(("claim_id", "field", "given", "mistake"), EACH_MISTAKE)
def test_each_kind_of_mistake_gets_its_own_message_and_the_claims_note(case, claim_id, field, given, mistake) -> None:
    sorter = ClaimSorter(case, paragraphs=[1, 3, 9])
    sorter.answers = {claim_id: {field: given}}
    item = sorter.feedback()[claim_id][field]
    claim = next(c for c in case.claims if c.id == claim_id)
    assert item == {"given": given, "correct": False, "mistake": mistake,
                    "message": case.claim_mistakes[mistake], "note": claim.note(mistake)}
    explained = sorter.explain()
    assert case.claim_mistakes[mistake] in explained
    if claim.note(mistake):
        assert claim.note(mistake) in explained


def test_claimed_for_proudly_claimed_is_a_near_miss_with_the_claims_note(case) -> None:
    text = next(c for c in case.claims if c.id == "cl-05").text
    assert claim_mistake("reporting_verb", "claimed", "proudly claimed", text) == "verb-near-miss"
    assert claim_mistake("reporting_verb", "Proudly", "proudly claimed", text) == "verb-near-miss"
    assert claim_mistake("reporting_verb", "Pentagon proudly claimed", "proudly claimed", text) == "verb-near-miss"
    assert claim_mistake("reporting_verb", "killed", "proudly claimed", text) == "verb-in-claim"
    assert claim_mistake("reporting_verb", "proudly  Claimed", "proudly claimed", text) is None
    # In cl-06 "claimed" is part of what Damascus said, away from the key's "allowed": not a near miss.
    text = next(c for c in case.claims if c.id == "cl-06").text
    assert claim_mistake("reporting_verb", "claimed", "allowed", text) == "verb-in-claim"
    assert claim_mistake("reporting_verb", "allowed that", "allowed", text) == "verb-near-miss"


def test_right_and_blank_labels_are_no_mistake(case) -> None:
    sorter = ClaimSorter(case, paragraphs=[3])
    sorter.answers = {"cl-05": {"attribution": "named", "kind": None, "reporting_verb": "proudly claimed"}}
    fields = sorter.feedback()["cl-05"]
    assert fields["attribution"] == {"given": "named", "correct": True, "mistake": None, "message": None, "note": None}
    assert fields["kind"] == {"given": None, "correct": False, "mistake": None, "message": None, "note": None}
    assert "Fact or interpretation: no answer yet." in sorter.explain()


def test_claim_mistake_refuses_an_unknown_field_or_label() -> None:
    with pytest.raises(ValueError, match="field must be"):
        claim_mistake("source", "named", "named", "x")
    with pytest.raises(ValueError, match="not a label"):
        claim_mistake("attribution", "rumour", "named", "x")


def test_the_general_messages_name_no_source_of_the_case(case) -> None:
    """A message for a kind of mistake teaches attribution in general: it names none of the case's sources, so it
    cannot lean toward one (notes on a particular claim may quote it)."""
    names = {a.name for a in case.actors} | {"Pentagon", "Damascus", "Moscow", "Syria", "Russia", "US "}
    looped = list(case.claim_mistakes.items())
    assert looped, "nothing to check: case.claim_mistakes.items() is empty"
    for mistake, message in looped:
        for name in names:
            assert name not in message, f"the message for {mistake} names {name!r}"


def test_words_quoted_in_notes_are_the_claims_own(case) -> None:
    quoted = re.compile(r"“([^”]+)”")
    notes = [(c, note) for c in case.claims for _, note in c.notes]
    assert notes
    for claim, note in notes:
        for words in quoted.findall(note):
            assert words in case.paragraph(claim.paragraph).text, f"{claim.id}: “{words}” is not in its paragraph"


def _case_with(tmp_path: Path, change) -> Path:
    import shutil

    import yaml

    from medialit.case import SEEDS_DIR

    shutil.copytree(SEEDS_DIR / CASE, tmp_path / CASE)
    path = tmp_path / CASE / "claims.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return tmp_path


def test_a_note_for_a_mistake_the_claim_cannot_have_is_refused(tmp_path: Path) -> None:
    # cl-05's key is "named": no one can answer "named" for it and be wrong.
    root = _case_with(tmp_path, lambda d: d["claims"][4]["notes"].update({"named-for-unsourced": "A note."}))
    with pytest.raises(CaseDataError, match="cl-05.*named-for-unsourced.*no one can make"):
        load_case(CASE, root=root)


def test_a_note_for_an_unknown_mistake_or_a_missing_message_is_refused(tmp_path: Path) -> None:
    root = _case_with(tmp_path / "a", lambda d: d["claims"][4]["notes"].update({"verb-too-long": "A note."}))
    with pytest.raises(CaseDataError, match="verb-too-long"):
        load_case(CASE, root=root)
    root = _case_with(tmp_path / "b", lambda d: d["mistakes"].pop("verb-missing"))
    with pytest.raises(CaseDataError, match="verb-missing"):
        load_case(CASE, root=root)
