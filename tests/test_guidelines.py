"""The annotation guidelines page (issue 12): public, listed under Reference, and the keys follow its rules.

The graded keys are read from the hidden tests of solutions/ the way the grader reads them (never copied here).
"""
from __future__ import annotations

from pathlib import Path

import nbformat
import yaml

from medialit import CASE, load_case
from medialit.grading import hidden_awards, split_hidden

REPO = Path(__file__).resolve().parents[1]
PAGE = REPO / "book/guidelines.md"
NEUTRAL_VERBS = {"said", "says", "reported", "told", "stated"}


def _hidden_phrase_entries() -> list[dict]:
    entries = []
    for path in sorted((REPO / "solutions").glob("*/*.ipynb")):
        for cell in nbformat.read(str(path), as_version=4).cells:
            hidden = split_hidden(cell.source)[1] if cell.cell_type == "code" else None
            entries += [e for _t, spec in hidden_awards(hidden or "") if spec["kind"] == "phrases" for e in spec["key"]]
    return entries


def test_the_page_is_listed_under_reference() -> None:
    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    reference = next(part for part in toc["parts"] if part["caption"] == "Reference")
    assert {"file": "book/guidelines"} in reference["chapters"]


def test_the_page_states_a_rule_for_each_kind_of_call() -> None:
    text = PAGE.read_text(encoding="utf-8")
    for heading in ("## What counts as loaded", "## What counts as a fact, and what as an interpretation",
                    "## Who is the source", "## What counts as a neutral rewrite"):
        section = text.split(heading, 1)[1].split("\n## ", 1)[0]
        assert "**The rule.**" in section, heading
    assert text.count("**Hard case") >= 3


def test_keys_follow_the_reporting_verb_rule() -> None:
    """A neutral reporting verb on its own is never a key phrase; 'claimed', 'allowed', 'insisting' are Loaded language."""
    practice = load_case(CASE).loaded_language
    phrases = [(p.text, p.technique) for p in practice] + [(e["phrase"], e["technique"]) for e in _hidden_phrase_entries()]
    looped = list(phrases)
    assert looped, "nothing to check: phrases is empty"
    for text, technique in looped:
        assert text.casefold().strip() not in NEUTRAL_VERBS, text
    for p in practice:
        if {"claimed", "allowed", "insisting"} & set(p.text.split()):
            assert p.technique == "Loaded_Language", p.id


def test_a_reported_judgment_is_an_interpretation_in_the_practice_keys() -> None:
    claims = {c.id: c for c in load_case(CASE).claims}
    # 'denounced the attack as a "war crime"': a named source's judgment, sorted by its content.
    denounced = [c for c in claims.values() if "denounced" in c.text]
    assert denounced and all(c.kind == "interpretation" and c.attribution == "named" for c in denounced)
    capstone = (REPO / "book/capstone.md").read_text(encoding="utf-8")
    row = next(line for line in capstone.splitlines() if line.startswith("| the State Department said"))
    assert "interpretation" in row.split("|")[-2]
