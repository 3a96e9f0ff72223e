"""Practice sets (seeds/<case>/practice.yaml): the data, its schema and the loader's checks, the scoring through
medialit.scoring, and a hint aimed at each kind of mistake (issue 13, "Practice that teaches back")."""
from __future__ import annotations

import json
import re
from difflib import SequenceMatcher
from pathlib import Path

import pytest
import yaml

from medialit import CASE, load_case, practice
from medialit.assessment.check import load_check
from medialit.grading.checks import AnswerError
from medialit.records import LOADED, NOT_LOADED, PRACTICE_SKILLS
from medialit.techniques import techniques

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="module")
def case():
    return load_case(CASE)


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


# --- the data ------------------------------------------------------------------------------------------------------

def test_every_skill_has_a_practice_set_with_article_and_invented_items(case):
    for skill in PRACTICE_SKILLS:
        items = case.practice_set(skill)
        assert len(items) >= 3, f"{skill}: a practice set needs at least three items"
        assert all(i.mistakes for i in items), f"{skill}: every item needs hints aimed at likely mistakes"
    assert any(not i.invented for i in case.practice_items), "some items should practise on the article itself"
    assert any(i.invented for i in case.practice_items)
    assert set(case.practice_skills) == set(PRACTICE_SKILLS)


def test_no_item_quotes_a_graded_or_practice_keyed_paragraph(case):
    kept = {n for skill in ("loaded_language", "claims", "capstone") for n in case.graded_paragraphs(skill)}
    keyed = {n for skill in ("loaded_language", "claims", "capstone") for n in case.practice_paragraphs(skill)}
    looped = list(case.practice_items)
    assert looped, "nothing to check: case.practice_items is empty"
    for item in looped:
        if item.paragraph is not None:
            assert item.paragraph not in kept | keyed, item.id
            assert item.text in case.paragraph(item.paragraph).text, f"{item.id}: the passage must be verbatim"


def test_no_text_of_a_graded_paragraph_appears_in_an_item(case):
    """Invented items and hints must not borrow a graded paragraph's wording either (runs of 6 words)."""
    kept = sorted({n for skill in ("loaded_language", "claims", "capstone") for n in case.graded_paragraphs(skill)})
    raw = (SEEDS / CASE / "practice.yaml").read_text(encoding="utf-8")
    ours = _words(raw)
    looped = list(kept)
    assert looped, "nothing to check: kept is empty"
    for number in looped:
        words = _words(case.paragraph(number).text).split()
        for i in range(len(words) - 5):
            run = " ".join(words[i:i + 6])
            assert run not in ours, f"practice.yaml repeats paragraph {number}'s words: {run!r}"


def test_no_item_copies_or_closely_paraphrases_a_check_item(case):
    """The discernment check measures learning: its items must stay unseen, so practice never reuses them."""
    check_texts = [_words(item.text) for item in load_check(CASE).all_items()]
    looped = list(case.practice_items)
    assert looped, "nothing to check: case.practice_items is empty"
    for item in looped:
        mine = _words(item.text)
        for theirs in check_texts:
            ratio = SequenceMatcher(None, mine, theirs).ratio()
            assert ratio < 0.6, f"{item.id} is too close to a check item ({ratio:.2f}): {theirs!r}"


def test_invented_items_are_labelled_and_the_notice_says_so(case):
    assert "invented" in case.practice_notice.casefold() and "not news" in case.practice_notice.casefold()
    raw = yaml.safe_load((SEEDS / CASE / "practice.yaml").read_text(encoding="utf-8"))
    for entry in raw["items"]:
        assert ("passage" in entry) != bool(entry.get("invented")), entry["id"]


def test_technique_items_offer_the_course_vocabulary(case):
    item = case.practice_item("ll-19-technique")
    assert [o.value for o in item.options] == [t.label for t in techniques() if t.in_course]
    assert [o.label for o in item.options] == [t.name for t in techniques() if t.in_course]


def test_contested_items_accept_every_defensible_answer_with_a_reason(case):
    contested_choice = [i for i in case.practice_items if len(i.accepted) > 1]
    contested_phrase = [p for i in case.practice_items for p in i.phrases if len(p.accepted) > 1]
    assert contested_choice and contested_phrase, "the sets should teach at least one contested call of each kind"
    for item in contested_choice:
        for value, why in item.accepted:
            assert why.strip()
            assert practice.is_right(item, value), f"{item.id}: {value} is accepted, so it must score as right"
    item = case.practice_item("ll-invented-praise")  # "swift": praise or a description of speed
    assert practice.is_right(item, ["a flawless operation", "swift"])
    assert practice.is_right(item, ["a flawless operation"])


def test_the_schema_is_valid_json_and_names_the_file_layout():
    schema = json.loads((ROOT / "medialit" / "schemas" / "practice.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["schema"] == {"const": "practice/1"}


# --- the loader refuses bad data, naming the file and the fix ---------------------------------------------------

@pytest.fixture
def edit(case_copy):
    """edit(mutate) rewrites practice.yaml in a copy of the case and returns the error load_case raises."""
    return lambda mutate: case_copy("practice", mutate)


def _item(data, item_id):
    return next(i for i in data["items"] if i["id"] == item_id)


def test_a_graded_paragraph_is_refused(edit, case):
    graded = case.graded_paragraphs("claims")[0]
    paragraph = case.paragraph(graded)

    def to_graded(data):
        _item(data, "src-12-plant")["passage"] = {"paragraph": graded, "start": paragraph.start,
                                                  "end": paragraph.end, "text": paragraph.text}
    assert "kept for graded exercises" in edit(to_graded)


def test_a_practice_keyed_paragraph_is_refused(edit, case):
    paragraph = case.paragraph(case.practice_paragraphs("claims")[0])

    def to_keyed(data):
        _item(data, "src-12-plant")["passage"] = {"paragraph": paragraph.number, "start": paragraph.start,
                                                  "end": paragraph.end, "text": paragraph.text}
    assert "already has a practice key" in edit(to_keyed)


def test_a_misquotation_is_refused(edit):
    def misquote(data):
        _item(data, "src-12-plant")["passage"]["text"] = _item(data, "src-12-plant")["passage"]["text"].replace("2005", "2006")
    assert "does not match the article" in edit(misquote)


def test_a_phrase_not_in_the_passage_is_refused(edit):
    def bad_phrase(data):
        _item(data, "ll-19-mark")["phrases"][0]["text"] = "occupying"
    assert "does not occur" in edit(bad_phrase)


def test_an_accepted_answer_outside_the_options_is_refused(edit):
    def bad_answer(data):
        _item(data, "src-12-plant")["accepted"][0]["answer"] = "unnamed"
    assert "not one of its options" in edit(bad_answer)


def test_a_hint_for_an_accepted_answer_is_refused(edit):
    def hint_on_right(data):
        _item(data, "src-12-plant")["mistakes"].append({"chose": "unsourced", "hint": "no"})
    assert "accepted answer" in edit(hint_on_right)

    def missed_neutral(data):
        _item(data, "ll-19-mark")["mistakes"].append({"missed": "has relied", "hint": "no"})
    assert "aim mistake hints at wrong answers" in edit(missed_neutral)


def test_an_item_with_neither_passage_nor_invented_text_is_refused(edit):
    def neither(data):
        del _item(data, "src-12-plant")["passage"]
    assert "practice.schema.json" in edit(neither)


# --- scoring through the one scorer -----------------------------------------------------------------------------

def test_scores_come_from_score_labels(case):
    item = case.practice_item("ll-19-mark")
    result = practice.score(item, ["invading"])
    assert (result.correct, result.total) == (5, 6)  # one point per phrase, marked or left unmarked
    missed = [i for i in result.items if not i.correct]
    assert [(i.field, i.given, i.expected) for i in missed] == [("proxy ground force", NOT_LOADED, LOADED)]
    choice = practice.score(case.practice_item("src-12-plant"), "named")
    assert (choice.correct, choice.total) == (0, 1)


@pytest.mark.parametrize("item_id, right, wrong", [
    ("ll-19-mark", ["invading", "proxy ground force"], ["proxy ground force"]),
    ("ll-12-mark", [], ["turned it over"]),
    ("src-16-gathered", "named", "anonymous"),
    ("cmp-invented-minimum", "compatible", "conflicting"),
    ("cmp-invented-presence", "conflicting", "compatible"),
])
def test_right_and_wrong_answers(case, item_id, right, wrong):
    item = case.practice_item(item_id)
    assert practice.is_right(item, right)
    assert not practice.is_right(item, wrong)


def test_every_listed_mistake_is_wrong_and_gets_its_own_hint(case):
    """Make each mistake alone (on an otherwise right answer) and check its hint is the one shown."""
    looped = list(case.practice_items)
    assert looped, "nothing to check: case.practice_items is empty"
    for item in looped:
        for mistake in item.mistakes:
            if item.answer_type == "choose":
                answer = mistake.value
            else:
                answer = [p.text for p in item.phrases if LOADED in p.accepted and NOT_LOADED not in p.accepted]
                if mistake.kind == "marked":
                    answer.append(mistake.value)
                else:
                    answer.remove(mistake.value)
                # Other listed mistakes come first in the list only if this answer makes them too: it does not.
            assert not practice.is_right(item, answer), f"{item.id}: {mistake} must be a wrong answer"
            assert practice.targeted_hint(item, answer) == mistake.hint, f"{item.id}: {mistake.kind} {mistake.value}"


def test_a_wrong_answer_with_no_listed_mistake_gets_the_items_hint(case):
    item = case.practice_item("ll-19-technique")
    assert practice.targeted_hint(item, "Doubt") != item.hint
    # Every wrong technique has its own hint here; remove them to see the fallback.
    bare = type(item)(**{**item.__dict__, "mistakes": ()})
    assert practice.targeted_hint(bare, "Doubt") == item.hint


@pytest.mark.parametrize("item_id, answer, words", [
    ("ll-19-mark", ["invading", "proxy ground force", "the US military"], "names who acts"),       # a name
    ("ll-19-mark", ["invading", "proxy ground force", "has relied"], "plain verb"),               # a neutral verb
    ("ll-16-mark", ["she continued"], "the writer's reporting verb"),                             # an attribution verb
    ("ll-invented-mark", ["a disgrace", "arrogant planners", "Ana Ruiz"], "the speaker's name"),  # a speaker's name
    ("ll-invented-mark", ["arrogant planners"], "inside quotation marks count too"),              # a quoted verdict
    ("src-invented-verb", "claimed", "hints that the organisers may be wrong"),                   # "claimed" vs "said"
    ("cmp-invented-minimum", "conflicting", "A minimum is not an exact figure"),                 # a minimum
    ("cmp-invented-when", "conflicting", "when each figure was given"),                          # who says what, when
    ("src-12-plant", "named", "subject of the claim, not as the one telling us"),                 # a name in a claim
])
def test_hints_aim_at_the_mistakes_the_issue_names(case, item_id, answer, words):
    assert words in practice.targeted_hint(case.practice_item(item_id), answer)


# --- the notebook calls -----------------------------------------------------------------------------------------

def test_check_says_why_when_right(capsys):
    assert practice.check("src-invented-anonymous", "Anonymous source") is True
    assert "Right" in capsys.readouterr().out


def test_check_raises_a_friendly_hint_when_wrong():
    with pytest.raises(AnswerError) as info:
        practice.check("src-invented-anonymous", "named", name="answer_2")
    text = str(info.value)
    assert text.startswith("Not yet.") and "where the source works" in text
    assert 'practice.hint("src-invented-anonymous")' in text and 'practice.answer("src-invented-anonymous")' in text
    assert "answer_2" in text


def test_an_unanswered_cell_does_not_fail(capsys):
    assert practice.check("src-12-plant", ...) is None
    assert "Not answered yet" in capsys.readouterr().out


@pytest.mark.parametrize("item_id, bad, words", [
    ("ll-19-mark", "invading", "not one string"),
    ("ll-19-mark", ["occupying"], "not one of this item's phrases"),
    ("src-12-plant", "sourced", "not one of the options"),
    ("src-12-plant", 3, "string in quotes"),
    ("no-such-item", "named", "There is no practice item"),
])
def test_malformed_answers_say_what_to_fix(item_id, bad, words):
    with pytest.raises(AnswerError, match=words):
        practice.check(item_id, bad)


def test_the_answer_comes_only_after_a_check(capsys):
    practice._attempts.pop("cmp-15-questions", None)
    practice.answer("cmp-15-questions")
    assert "Have a go first" in capsys.readouterr().out
    with pytest.raises(AnswerError):
        practice.check("cmp-15-questions", "states_false")
    practice.hint("cmp-15-questions")
    practice.answer("cmp-15-questions")
    out = capsys.readouterr().out
    assert "Bigger hint:" in out and "Answer: She asks questions" in out
