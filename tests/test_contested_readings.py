"""Contested readings (issue 12): the same device gets the same decision everywhere, and the practice data
carries every defensible technique with its case, through the loader, the schema and the Highlighter.

The graded keys are read from the hidden tests of solutions/ the way the grader reads them (never copied here).
"""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from medialit import CASE, load_case
from medialit.grading import hidden_awards, split_hidden
from medialit.widgets import Highlighter

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"

# A device is one way of doing something with words; each entry lists the words that use it in the article.
# Words that question a name or a status at face value, placed before it:
DEVICES = {"questions a name or a status at face value": ("so-called", "ostensible")}


def _hidden_phrase_keys() -> list[dict]:
    entries = []
    for path in sorted((REPO / "solutions").glob("*/*.ipynb")):
        for cell in nbformat.read(str(path), as_version=4).cells:
            hidden = split_hidden(cell.source)[1] if cell.cell_type == "code" else None
            for _task, spec in hidden_awards(hidden or ""):
                if spec["kind"] == "phrases":
                    entries += spec["key"]
    return entries


def _decision(technique) -> tuple[str, frozenset[str]]:
    """(the key's technique, every accepted technique) from a hidden phrase key's technique field."""
    if isinstance(technique, list):
        assert all(entry["why"].strip() for entry in technique), "an accepted technique without its case"
        labels = [entry["label"] for entry in technique]
        return labels[0], frozenset(labels)
    return technique, frozenset([technique])


def decisions() -> dict[str, dict[str, tuple[str, frozenset[str]]]]:
    """For each device, every word using it (practice or graded) and the decision the key makes for it."""
    practice = {p.text.casefold(): (p.technique, frozenset(p.techniques)) for p in load_case(CASE).loaded_language}
    graded = {e["phrase"].casefold(): _decision(e["technique"]) for e in _hidden_phrase_keys()}
    found: dict[str, dict[str, tuple[str, frozenset[str]]]] = {}
    for device, words in DEVICES.items():
        found[device] = {w: practice.get(w) or graded.get(w) for w in words}
    return found


def test_every_listed_word_is_in_a_key() -> None:
    looped = list(decisions().items())
    assert looped, "nothing to check: decisions().items() is empty"
    for device, words in looped:
        missing = [w for w, d in words.items() if d is None]
        assert not missing, f"{device}: {missing} in no practice or graded key; update DEVICES"


def test_the_same_device_gets_the_same_decision() -> None:
    looped = list(decisions().items())
    assert looped, "nothing to check: decisions().items() is empty"
    for device, words in looped:
        assert len(set(words.values())) == 1, f"{device}: the keys decide differently: {words}"


def test_so_called_is_doubt_and_loaded_language_is_also_accepted_with_its_case() -> None:
    phrase = next(p for p in load_case(CASE).loaded_language if p.text == "so-called")
    assert phrase.techniques == ("Doubt", "Loaded_Language")
    assert all(r.reason.strip() for r in phrase.also_accepted)


def test_highlighter_shows_each_defensible_technique_with_its_case() -> None:
    case = load_case(CASE)
    phrase = next(p for p in case.loaded_language if p.also_accepted)
    widget = Highlighter(case, paragraphs=[phrase.paragraph])
    sent = next(k for k in widget._data["key"] if k["id"] == phrase.id)
    assert [(a["technique"], a["reason"]) for a in sent["also_accepted"]] == \
        [(r.technique, r.reason) for r in phrase.also_accepted]
    assert all(a["technique_label"] and "_" not in a["technique_label"] for a in sent["also_accepted"])
    plain = next(k for k in widget._data["key"] if k["id"] != phrase.id)
    assert plain["also_accepted"] == []
    # What the student sees of it is checked in the browser: tests/browser/test_contested_readings_browser.py.


@pytest.fixture
def edited(case_copy):
    """edit(change) changes the "so-called" record of loaded_language.yaml in a copy; returns load_case's error."""
    return lambda change: case_copy(
        "loaded_language", lambda data: change(next(p for p in data["phrases"] if p["text"] == "so-called")))


@pytest.mark.parametrize("change, fragment", [
    (lambda p: p["also_accepted"].append({"technique": "Doubt", "reason": "again"}), "accepts a technique twice"),
    (lambda p: p["also_accepted"][0].pop("reason"), "reason"),
    (lambda p: p["also_accepted"][0].update(technique="Sarcasm"), "Sarcasm"),
    (lambda p: p.update(also_accepted=[]), "also_accepted"),
])
def test_malformed_alternatives_in_the_practice_data_are_clear_errors(edited, change, fragment) -> None:
    assert fragment in edited(change)
