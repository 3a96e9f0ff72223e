"""load_case returns typed records, and every kind of bad data fails loudly with file, record and fix."""
import shutil
from pathlib import Path

import pytest

from medialit import CASE, CaseDataError, Claim, LoadedPhrase, Statement, load_case
from medialit.records import QUESTIONS, TECHNIQUES

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_load_case_returns_text_and_three_record_types():
    case = load_case(CASE)
    assert case.text.startswith("US warplanes and artillery batteries")
    assert case.loaded_language and all(isinstance(r, LoadedPhrase) for r in case.loaded_language)
    assert case.claims and all(isinstance(r, Claim) for r in case.claims)
    assert case.statements and all(isinstance(r, Statement) for r in case.statements)
    for record in (*case.loaded_language, *case.claims):
        assert case.text[record.start:record.end] == record.text
    assert {s.question for s in case.statements} == set(QUESTIONS)


def test_loaded_language_key_includes_officials_language_not_only_the_authors():
    case = load_case(CASE)
    speakers = {r.speaker for r in case.loaded_language}
    assert "author" in speakers and len(speakers - {"author"}) >= 3
    officials = {r.text for r in case.loaded_language if r.speaker != "author"}
    assert {"war crime", "unprovoked attack", "illegal presence"} <= officials


def test_figures_keep_bounds():
    case = load_case(CASE)
    by_label = {s.figure.label: s.figure for s in case.statements if s.figure}
    assert (by_label["up to 100"].low, by_label["up to 100"].high) == (None, 100)
    dozens = by_label["dozens"]
    assert dozens.low is not None and dozens.high is not None and dozens.low < dozens.high


FLOOR_WORDS = ("confirmed", "aware only of", "at least", "more than")
CEILING_WORDS = ("up to", "at most")


def test_minimums_and_maximums_are_stored_open_ended():
    """A confirmed count or "aware only of" is a floor: drawn as a point it would read as a total."""
    case = load_case(CASE)
    worded = [(s.id, s.words, s.figure) for s in case.statements if s.figure]
    worded += [(f"later_reports[{i}]", r.what, r.figure) for i, r in enumerate(case.later_reports) if r.figure]
    checked = 0
    for where, words, figure in worded:
        text = words.lower()
        if any(w in text for w in FLOOR_WORDS):
            checked += 1
            assert figure.low is not None and figure.high is None, (
                f"{where}: {words!r} states a minimum; store it as low={figure.low}, high=null (open upwards).")
        if any(w in text for w in CEILING_WORDS):
            checked += 1
            assert figure.low is None and figure.high is not None, (
                f"{where}: {words!r} states a maximum; store it as low=null, high={figure.high}.")
    assert checked >= 4, "the floor/ceiling rule matched almost nothing: check FLOOR_WORDS against the data"
    by_id = {s.id: s.figure for s in case.statements}
    assert (by_id["st-03"].low, by_id["st-03"].high) == (20, None)
    assert (by_id["st-04"].low, by_id["st-04"].high) == (25, None)


def test_statements_are_dated_only_when_a_source_dates_those_words():
    """A date on a quotation needs a report of the same statement; the article gives none for st-07 or st-13."""
    case = load_case(CASE)
    by_id = {s.id: s for s in case.statements}
    for sid in ("st-07", "st-13"):
        assert by_id[sid].date is None, f"{sid}: nothing in SOURCES.md dates these words; set date: null."
    for s in case.statements:
        if s.date is not None and s.actor != "author":
            assert s.date_note and any(ch.isdigit() for ch in s.date_note), (
                f"{s.id}: a date needs a date_note naming the report that gives it.")


def test_practice_and_graded_paragraphs_are_disjoint_and_records_are_practice_only():
    case = load_case(CASE)
    practice = {n for skill in ("loaded_language", "claims", "capstone") for n in case.practice_paragraphs(skill)}
    graded = {n for skill in ("loaded_language", "claims", "capstone") for n in case.graded_paragraphs(skill)}
    assert practice and graded and not practice & graded
    assert {r.paragraph for r in case.loaded_language} <= set(case.practice_paragraphs("loaded_language"))
    assert {r.paragraph for r in case.claims} <= set(case.practice_paragraphs("claims"))


def first_phrase(data):
    return data["phrases"][0]


def test_unchanged_copy_loads(tmp_path):
    shutil.copytree(SEEDS / CASE, tmp_path / CASE)
    assert load_case(CASE, root=tmp_path).text == load_case(CASE).text


def test_span_text_mismatch(case_copy):
    message = case_copy("loaded_language", lambda d: first_phrase(d).update(start=first_phrase(d)["start"] + 1,
                                                                              end=first_phrase(d)["end"] + 1))
    assert "ll-01" in message and "does not match the article" in message and "medialit.tooling.locate" in message


def test_unknown_technique(case_copy):
    message = case_copy("loaded_language", lambda d: first_phrase(d).update(technique="Propaganda"))
    assert "phrases[0] (id ll-01)" in message and "Loaded_Language" in message


def test_unknown_attribution(case_copy):
    message = case_copy("claims", lambda d: d["claims"][0].update(attribution="rumour"))
    assert "claims[0] (id cl-01)" in message and "named, anonymous, unsourced" in message


def test_inverted_span(case_copy):
    message = case_copy("loaded_language", lambda d: first_phrase(d).update(start=80, end=60))
    assert "ll-01" in message and "inverted" in message


def test_empty_span(case_copy):
    message = case_copy("loaded_language", lambda d: first_phrase(d).update(start=60, end=60))
    assert "ll-01" in message and "empty" in message


def test_span_past_the_end_of_the_article(case_copy):
    message = case_copy("claims", lambda d: d["claims"][0].update(start=100_000, end=100_010))
    assert "cl-01" in message and "past the article" in message


def test_negative_offset(case_copy):
    message = case_copy("claims", lambda d: d["claims"][0].update(start=-5))
    assert "claims[0] (id cl-01) field start" in message


def test_duplicate_ids(case_copy):
    message = case_copy("claims", lambda d: d["claims"][1].update(id=d["claims"][0]["id"]))
    assert "cl-01" in message and "used twice" in message


def test_record_in_a_graded_paragraph_is_refused(case_copy):
    def move_to_graded(data):
        data["phrases"].append({**first_phrase(data), "id": "ll-leak", "paragraph": 13})
    message = case_copy("loaded_language", move_to_graded)
    assert "ll-leak" in message


def test_graded_paragraph_also_practice(case_copy):
    message = case_copy("passages", lambda d: d["graded"]["claims"].append(1))
    assert "graded.claims" in message and "[1]" in message


def test_unknown_speaker(case_copy):
    message = case_copy("loaded_language", lambda d: first_phrase(d).update(speaker="nobody"))
    assert "'nobody'" in message and "pentagon" in message


def test_statement_words_must_be_verbatim(case_copy):
    message = case_copy("statements", lambda d: d["statements"][0].update(words="the Pentagon said 100"))
    assert "st-01" in message and "do not occur in paragraph 3" in message


def test_figure_bounds_inverted(case_copy):
    message = case_copy("statements", lambda d: d["statements"][1]["figure"].update(low=200, high=10))
    assert "st-02" in message and "above high" in message


def test_invalid_yaml(tmp_path):
    shutil.copytree(SEEDS / CASE, tmp_path / CASE)
    (tmp_path / CASE / "claims.yaml").write_text("claims: [unclosed\n", encoding="utf-8")
    with pytest.raises(CaseDataError, match="not valid YAML"):
        load_case(CASE, root=tmp_path)


def test_unknown_case_name_lists_known_cases():
    with pytest.raises(ValueError, match="Known cases: deir-ezzor-2018"):
        load_case("no-such-case")


def test_techniques_are_the_semeval_list():
    assert len(TECHNIQUES) == 14
