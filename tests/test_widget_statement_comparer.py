"""StatementComparer (Python side): the statement payload, prompts, the answers and revealed traits."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import traitlets

from medialit import CASE, load_case
from medialit.widgets import StatementComparer
from medialit.widgets.statement_comparer import PROMPTS, comparer_data

HERE = Path(__import__("medialit.widgets.statement_comparer", fromlist=["x"]).__file__).parent


@pytest.fixture(scope="module")
def case():
    return load_case(CASE)


def test_sends_every_actor_question_and_statement(case) -> None:
    data = StatementComparer(case).data
    assert [a["id"] for a in data["actors"]] == [a.id for a in case.actors]
    assert "author" in [a["id"] for a in data["actors"]], "the article's own voice is a row like any other"
    assert [q["id"] for q in data["questions"]] == list(case.questions)
    assert [q["text"] for q in data["questions"]] == list(case.questions.values())
    assert [s["id"] for s in data["statements"]] == [s.id for s in case.statements]


def test_statement_fields_are_plain_json_copies_of_the_records(case) -> None:
    data = StatementComparer(case).data
    assert json.loads(json.dumps(data)) == data
    for sent, record in zip(data["statements"], case.statements):
        assert sent["words"] == record.words and sent["verbatim"] is record.verbatim
        assert sent["paragraph"] == record.paragraph and sent["actor"] == record.actor
        assert sent["date"] == (record.date.isoformat() if record.date else None)
        assert sent["source_note"] == record.source_note and sent["article_use"] == record.article_use
        if record.figure is None:
            assert sent["figure"] is None
        else:
            f = record.figure
            assert sent["figure"] == {"kind": f.kind, "side": f.side, "low": f.low, "high": f.high,
                                      "label": f.label, "reading": f.reading}


def test_open_ended_and_vague_figures_keep_their_missing_bounds(case) -> None:
    figures = [s["figure"] for s in comparer_data(case)["statements"] if s["figure"]]
    figures += [r["figure"] for r in comparer_data(case)["later_reports"] if r["figure"]]
    expected = [s.figure for s in case.statements if s.figure] + [r.figure for r in case.later_reports if r.figure]
    assert [(f["low"], f["high"]) for f in figures] == [(f.low, f.high) for f in expected]
    assert any(f["low"] is None for f in figures), "the data has an 'up to' figure; the chart must get it as such"


def test_later_reports_are_sent_with_who_reported_them(case) -> None:
    reports = StatementComparer(case).data["later_reports"]
    assert len(reports) == len(case.later_reports)
    for sent, record in zip(reports, case.later_reports):
        assert (sent["date"], sent["who"], sent["what"], sent["reported_by"]) == (
            record.date.isoformat(), record.who, record.what, record.reported_by)


def test_later_reports_can_be_left_out(case) -> None:
    assert StatementComparer(case, later_reports=False).data["later_reports"] == []


def test_default_prompts_and_custom_prompts(case) -> None:
    assert StatementComparer(case).prompts == [{"id": k, "text": v} for k, v in PROMPTS.items()]
    custom = StatementComparer(case, prompts={"who": "Who could count the dead?"})
    assert custom.prompts == [{"id": "who", "text": "Who could count the dead?"}]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"prompts": {}}, "non-empty dict"),
        ({"prompts": ["a"]}, "non-empty dict"),
        ({"prompts": {"a": ""}}, "non-empty"),
        ({"prompts": {"": "Question?"}}, "non-empty"),
        ({"prompts": {"a": 3}}, "non-empty"),
        ({"later_reports": "yes"}, "True or False"),
    ],
)
def test_bad_options_raise_value_errors(case, kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        StatementComparer(case, **kwargs)


def test_needs_a_case() -> None:
    with pytest.raises(ValueError, match="load_case"):
        StatementComparer({"statements": []})  # type: ignore[arg-type]


def test_synced_traits(case) -> None:
    synced = set(StatementComparer(case).trait_names(sync=True))
    assert {"data", "prompts", "answers", "revealed", "_esm", "_css"} <= synced


def test_answers_and_revealed_round_trip_through_the_widget_state(case) -> None:
    comparer = StatementComparer(case)
    assert comparer.answers == {} and comparer.revealed is False
    comparer.answers = {"checkable": "The SOHR count: monitors could list names.", "verify": ""}
    comparer.revealed = True
    state = json.loads(json.dumps(comparer.get_state(["answers", "revealed"])))
    other = StatementComparer(case)
    other.set_state(state)  # what ipywidgets does with a message from the browser
    assert other.answers == comparer.answers and other.revealed is True


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (["text"], "must be a dict of prompt id"),
        ("text", "must be a dict of prompt id"),
        ({"opinion": "x"}, "no prompt 'opinion'"),
        ({"checkable": 3}, "must be text"),
        ({"checkable": None}, "must be text"),
    ],
)
def test_bad_answers_raise_value_errors_and_leave_answers_unchanged(case, answers, message) -> None:
    comparer = StatementComparer(case)
    comparer.answers = {"gains": "first draft"}
    with pytest.raises(ValueError, match=message) as error:
        comparer.answers = answers
    assert isinstance(error.value, traitlets.TraitError)
    assert comparer.answers == {"gains": "first draft"}


def test_custom_prompt_ids_are_the_allowed_answer_keys(case) -> None:
    comparer = StatementComparer(case, prompts={"who": "Who could count the dead?"})
    comparer.answers = {"who": "Hospitals, monitors."}
    with pytest.raises(ValueError, match="the prompts are: who"):
        comparer.answers = {"checkable": "x"}


def test_the_prompts_ask_the_same_of_every_source() -> None:
    # Neutral wording: no prompt singles out one actor by name.
    names = ("pentagon", "syria", "russia", "damascus", "sohr", "observatory", "wsws", "van auken")
    looped = list(PROMPTS.values())
    assert looped, "nothing to check: PROMPTS.values() is empty"
    for text in looped:
        assert not any(name in text.lower() for name in names), text


@pytest.mark.parametrize("name", ["statement_comparer.js", "statement_comparer.css"])
def test_front_end_files_load_nothing_from_the_network_and_never_parse_html(name: str) -> None:
    source = (HERE / name).read_text()
    # The SVG namespace URI is an identifier, not a request.
    source = source.replace('"http://www.w3.org/2000/svg"', '""')
    assert not re.search(r"https?://|@import|\bimport\s*\(|^\s*import\s", source, re.MULTILINE), "no network imports"
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "DOMParser", "createContextualFragment"):
        assert sink not in source, f"{name} uses {sink}: data must be inserted as text"


# ---- model answers (issue 13): in statements.yaml, sent only for the course's own prompts -------------------------

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
# The statements the statements assignment grades (its CHECK_ITEMS and Task 1's killed figures): a model answer must
# not work on them, or it would hand the student the graded comparison.
GRADED_STATEMENTS = ("st-01", "st-03", "st-04", "st-05", "st-11", "st-12", "st-13", "st-14", "st-15")
# How a model answer names each source (a short name a reader would use).
SHORT_NAMES = {"pentagon": "Pentagon", "us-officials-anonymous": "unnamed", "syrian-government": "Damascus",
               "russian-defence-ministry": "Defence Ministry", "russian-foreign-ministry": "Foreign Ministry",
               "sohr": "Observatory", "author": "article"}


def quoted_spans(text: str) -> list[str]:
    """The '…' quotations in a model answer (an apostrophe inside or after a word does not open one)."""
    return re.findall(r"(?:(?<=^)|(?<=[\s(]))'([^']+?)'(?=[\s,.;:)]|$)", text)


def test_every_course_prompt_has_one_model_answer_with_a_rubric(case) -> None:
    assert sorted(m.prompt for m in case.model_answers) == sorted(PROMPTS)
    for m in case.model_answers:
        assert m.rubric and all(line.strip() for line in m.rubric) and m.answer.strip()
    sent = StatementComparer(case).model_answers
    assert sent == {m.prompt: {"rubric": list(m.rubric), "answer": m.answer} for m in case.model_answers}
    assert json.loads(json.dumps(sent)) == sent


def test_a_custom_prompt_gets_a_model_answer_only_for_the_same_question(case) -> None:
    assert StatementComparer(case, prompts={"gains": "Who gains from war?"}).model_answers == {}
    same = StatementComparer(case, prompts={"gains": PROMPTS["gains"], "who": "Who could count the dead?"})
    assert list(same.model_answers) == ["gains"]


def test_model_answers_quote_only_the_article_and_the_case_data(case) -> None:
    # Every outside fact comes from the statements data (itself from SOURCES.md); every quotation is found there
    # or in the article, word for word.
    data_text = " ".join([case.text]
                         + [f"{s.words} {s.source_note} {s.article_use or ''} {s.figure.label if s.figure else ''}"
                            for s in case.statements]
                         + [f"{r.who} {r.what} {r.reported_by} {r.figure.label if r.figure else ''}"
                            for r in case.later_reports])
    checked = 0
    for m in case.model_answers:
        for span in quoted_spans(m.answer):
            assert span in data_text, f"model answer for {m.prompt!r} quotes {span!r}, found neither in the article nor the data"
            checked += 1
    assert checked >= 6, "the model answers quote the sources' words; the quotation finder found too few"
    assert quoted_spans("the Times' 'estimated 200–300' and Russia's 'five'") == ["estimated 200–300", "five"]


def test_model_answers_leave_the_graded_statements_to_the_student(case) -> None:
    graded = {s.id: s for s in case.statements if s.id in GRADED_STATEMENTS}
    assert len(graded) == len(GRADED_STATEMENTS)
    for m in case.model_answers:
        assert not re.search(r"\bst-\d+", m.answer), "no statement ids in a model answer"
        answer = " ".join(re.findall(r"[\w-]+", m.answer.lower()))
        for s in graded.values():
            words = re.findall(r"[\w-]+", s.words.lower())
            for i in range(max(1, len(words) - 3)):
                window = " ".join(words[i:i + 4])
                assert window not in answer, f"the model answer for {m.prompt!r} quotes graded statement {s.id}: {window!r}"
            if s.figure:
                assert f"'{s.figure.label}'" not in m.answer, f"{m.prompt!r} quotes graded figure {s.figure.label!r}"


def test_the_model_for_gains_names_every_source_that_spoke_on_its_question(case) -> None:
    model = next(m for m in case.model_answers if m.prompt == "gains")
    assert model.works_on in case.questions
    speakers = {s.actor for s in case.statements if s.question == model.works_on}
    assert speakers <= set(SHORT_NAMES), f"add a short name for {speakers - set(SHORT_NAMES)}"
    missing = [a for a in speakers if SHORT_NAMES[a] not in model.answer]
    assert not missing, f"the model answer on {model.works_on} names no gain for {missing}"
    assert "author" in speakers, "the article's own voice is one of the sources asked"


def test_model_answers_model_hedged_comparison_not_a_verdict(case) -> None:
    looped = list(case.model_answers)
    assert looped, "nothing to check: case.model_answers is empty"
    for m in looped:
        text = m.answer.lower()
        assert any(w in text for w in (" might ", " could ", " may ")), m.prompt
        for verdict in ("the truth is", "is lying", "are lying", "the real figure", "proves that", "clearly"):
            assert verdict not in text, f"{m.prompt!r}: {verdict!r} is a verdict, not a method"


@pytest.fixture
def statements_copy(case_copy):
    """edit(change) rewrites statements.yaml in a copy of the case and returns the error load_case raises."""
    return lambda change: case_copy("statements", change)


def test_a_prompt_with_two_model_answers_is_refused(statements_copy) -> None:
    message = statements_copy(lambda d: d["model_answers"].append(dict(d["model_answers"][0])))
    assert "model_answers for prompt 'checkable'" in message and "more than once" in message


def test_a_model_answer_without_an_answer_is_refused(statements_copy) -> None:
    message = statements_copy(lambda d: d["model_answers"][0].pop("answer"))
    assert "answer" in message
