"""One name per thing (issue 19, item 10): medialit/vocabulary.yaml names each skill, source category, kind of claim
and role once; the practice sets and the check use those names, and no retired name appears anywhere a student
reads (the book, the case data, the widgets' code and data)."""
from __future__ import annotations

from pathlib import Path

import yaml

from medialit import CASE, load_case
from medialit.assessment.check import load_check

ROOT = Path(__file__).resolve().parents[1]
VOCABULARY = yaml.safe_load((ROOT / "medialit" / "vocabulary.yaml").read_text(encoding="utf-8"))
READ_BY_STUDENTS = [*sorted((ROOT / "book").glob("*.md")), *sorted((ROOT / "seeds" / CASE).glob("*.yaml")),
                    *sorted((ROOT / "medialit" / "widgets").glob("*.py")),
                    *sorted((ROOT / "medialit" / "widgets").glob("*.js"))]


def test_the_practice_sets_use_the_vocabulary() -> None:
    case = load_case(CASE)
    for skill, names in case.practice_skills.items():
        assert names["title"] == VOCABULARY["skills"][skill], f"practice.yaml skills.{skill}.title"
    for item in case.practice_items:
        for option in item.options:
            if option.value in VOCABULARY["sources"]:
                assert option.label == VOCABULARY["sources"][option.value], f"practice.yaml {item.id}: {option.label!r}"


def test_the_check_uses_the_vocabulary() -> None:
    check = load_check(CASE)
    for skill, question in check.questions.items():
        assert question.title == VOCABULARY["skills"][skill], f"check.yaml questions.{skill}.title"
        for option in question.options:
            if option.value in VOCABULARY["sources"]:
                assert option.label == VOCABULARY["sources"][option.value], f"check.yaml {skill}: {option.label!r}"


def test_no_retired_name_is_used() -> None:
    found = [f"{path.relative_to(ROOT)}: {name!r}" for path in READ_BY_STUDENTS
             for name in VOCABULARY["retired"] if name.casefold() in path.read_text(encoding="utf-8").casefold()]
    assert not found, "retired names (medialit/vocabulary.yaml) still in use:\n" + "\n".join(found)


def test_the_writer_is_the_writer_in_the_widgets() -> None:
    from medialit.widgets.highlighter import speaker_name

    assert speaker_name(load_case(CASE), "author") == VOCABULARY["roles"]["author"]
