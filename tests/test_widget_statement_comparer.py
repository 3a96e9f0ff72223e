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
    for text in PROMPTS.values():
        assert not any(name in text.lower() for name in names), text


@pytest.mark.parametrize("name", ["statement_comparer.js", "statement_comparer.css"])
def test_front_end_files_load_nothing_from_the_network_and_never_parse_html(name: str) -> None:
    source = (HERE / name).read_text()
    # The SVG namespace URI is an identifier, not a request.
    source = source.replace('"http://www.w3.org/2000/svg"', '""')
    assert not re.search(r"https?://|@import|\bimport\s*\(|^\s*import\s", source, re.MULTILINE), "no network imports"
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "DOMParser", "createContextualFragment"):
        assert sink not in source, f"{name} uses {sink}: data must be inserted as text"
