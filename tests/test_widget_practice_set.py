"""The PracticeSet widget's Python side, and the browser module's rules against medialit.practice's.

The widget checks answers in the browser (practice_set.js) so that it runs on the static site; these tests make
sure the browser says "right" and picks a hint exactly as medialit.practice (scored by medialit.scoring) does, for
every answer an item allows: every option, every set of marked phrases.
"""
from __future__ import annotations

import itertools
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from medialit import CASE, load_case, practice
from medialit.widgets import PracticeSet
from medialit.widgets.practice_set import PracticeAnswerError

ROOT = Path(__file__).resolve().parents[1]
JS = ROOT / "medialit" / "widgets" / "practice_set.js"


@pytest.fixture(scope="module")
def case():
    return load_case(CASE)


def test_one_set_per_skill_with_its_items(case):
    for skill in ("loaded_language", "claims", "statements"):
        widget = PracticeSet(case, skill)
        assert [i["id"] for i in widget.items] == [i.id for i in case.practice_set(skill)]
        assert widget.title == case.practice_skills[skill]["title"]
        assert widget._keep == ["answers", "ladder"]


def test_mark_items_carry_each_phrase_where_it_stands(case):
    widget = PracticeSet(case, "loaded_language")
    looped = list(widget.items)
    assert looped, "nothing to check: widget.items is empty"
    for entry in looped:
        for phrase in entry["phrases"]:
            assert entry["text"][phrase["start"]:phrase["end"]] == phrase["text"]


def test_bad_arguments_say_what_to_do(case):
    with pytest.raises(ValueError, match="skill must be one of"):
        PracticeSet(case, "capstone")
    with pytest.raises(ValueError, match="needs a case from medialit.load_case"):
        PracticeSet("deir-ezzor-2018", "claims")


def test_answers_are_read_and_scored_with_the_one_scorer(case):
    widget = PracticeSet(case, "claims")
    widget.answers = {"src-12-plant": "No source given", "src-16-gathered": "anonymous"}
    assert widget.answers == {"src-12-plant": "unsourced", "src-16-gathered": "anonymous"}
    assert widget.right() == {"src-12-plant": True, "src-16-gathered": False}
    assert widget.score("src-16-gathered").correct == 0
    with pytest.raises(ValueError, match="has no answer yet"):
        widget.score("src-invented-verb")


@pytest.mark.parametrize("bad, words", [
    ({"src-99": "named"}, "there is no item"),
    ({"src-12-plant": "sourced"}, "not one of the options"),
    ({"src-12-plant": ["named"]}, "must be one of the options"),
    ([], "must be a dict"),
])
def test_bad_answers_are_refused_and_rolled_back(case, bad, words):
    widget = PracticeSet(case, "claims")
    widget.answers = {"src-12-plant": "named"}
    with pytest.raises(PracticeAnswerError, match=words):
        widget.answers = bad
    assert widget.answers == {"src-12-plant": "named"}


def test_mark_answers_keep_the_items_spelling(case):
    widget = PracticeSet(case, "loaded_language")
    widget.answers = {"ll-19-mark": ["Proxy Ground Force", "invading"]}
    assert widget.answers == {"ll-19-mark": ["proxy ground force", "invading"]}
    assert widget.right() == {"ll-19-mark": True}


def every_answer(item):
    if item.answer_type == "choose":
        return [o.value for o in item.options]
    texts = [p.text for p in item.phrases]
    return [list(c) for n in range(len(texts) + 1) for c in itertools.combinations(texts, n)]


def test_the_browser_rules_match_medialit_practice(case, tmp_path):
    # Node.js is needed by scripts/test anyway (npm installs axe-core), so this never skips.
    assert shutil.which("node"), "Node.js is needed to run the browser module's rules (scripts/test requires it)"
    widget_items = {i["id"]: i for s in ("loaded_language", "claims", "statements") for i in PracticeSet(case, s).items}
    cases, expected = [], []
    for item in case.practice_items:
        for answer in every_answer(item):
            cases.append({"item": item.id, "answer": answer})
            expected.append([practice.is_right(item, answer),
                             None if practice.is_right(item, answer) else practice.targeted_hint(item, answer)])
    module = tmp_path / "practice_set.mjs"
    module.write_text(JS.read_text(encoding="utf-8"), encoding="utf-8")
    runner = tmp_path / "run.mjs"
    runner.write_text(
        "import { isRight, targetedHint } from './practice_set.mjs';\n"
        "import { readFileSync } from 'node:fs';\n"
        "const { items, cases } = JSON.parse(readFileSync(process.argv[2], 'utf8'));\n"
        "const out = cases.map(({ item, answer }) => { const it = items[item]; const ok = isRight(it, answer);"
        " return [ok, ok ? null : targetedHint(it, answer)]; });\n"
        "console.log(JSON.stringify(out));\n", encoding="utf-8")
    data = tmp_path / "cases.json"
    data.write_text(json.dumps({"items": widget_items, "cases": cases}), encoding="utf-8")
    result = subprocess.run(["node", str(runner), str(data)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert len(cases) > 100
    mismatches = [(c, e, g) for c, e, g in zip(cases, expected, got) if e != g]
    assert not mismatches, f"{len(mismatches)} answers judged differently, e.g. {mismatches[:2]}"
