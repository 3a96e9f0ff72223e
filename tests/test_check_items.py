"""The discernment check's item bank (seeds/deir-ezzor-2018/check.yaml): balanced, parallel, new, invented.

Balance: in every form and skill, "yes" items and true controls in equal numbers, so that answering
"yes" to everything scores no better than chance. Parallelism: the forms have the same make-up and
similar length. Newness: no item shares six consecutive words with the article, the practice data or
any notebook in solutions/ and exercises/ (graded passages live there).
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from statistics import mean

import pytest
import yaml

from medialit import CASE, CaseDataError, load_case
from medialit.assessment import discernment
from medialit.assessment.check import FORMS, load_check, score_form
from medialit.assessment.forms import form_of

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SHINGLE = 6  # words; shorter runs ("said on Tuesday that the") are ordinary English, not a copied passage


def _words(text: str) -> list[str]:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.findall(r"[a-z0-9']+", text.casefold())


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def _notebook_text(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells)


def _protected_texts() -> dict[str, str]:
    """Every text an item must not copy: the article, the seed data files, every solution and exercise."""
    case = load_case(CASE)
    texts = {"the article": case.text, "the seed as received": (SEEDS / "000_acff1dda6b78f74e.txt").read_text(encoding="utf-8")}
    for path in sorted((SEEDS / CASE).glob("*.yaml")):
        if path.name != "check.yaml":
            texts[str(path.relative_to(REPO))] = path.read_text(encoding="utf-8")
    for folder in ("solutions", "exercises"):
        for path in sorted((REPO / folder).glob("*/*.ipynb")):
            if form_of(path.parent.name) is not None:
                continue  # the check's own forms as assignments, generated from check.yaml (their items, by design)
            texts[str(path.relative_to(REPO))] = _notebook_text(path)
    assert any(k.startswith("solutions/") for k in texts), "the scan must see the graded notebooks"
    return texts


def _copied_from(item_text: str, protected: dict[str, set[tuple[str, ...]]]) -> list[str]:
    mine = _shingles(item_text)
    return [name for name, theirs in protected.items() if mine & theirs]


def test_three_forms_of_about_ten_minutes() -> None:
    check = load_check(CASE)
    assert tuple(check.forms) == FORMS == ("before", "after", "delayed")
    assert check.minutes == 10
    for form in FORMS:
        items = check.items(form)
        # About 25 seconds per short item (read, answer, rate confidence): 18 to 30 items fill ten minutes.
        assert 18 <= len(items) <= 30, (form, len(items))
        words = sum(len(i.text.split()) for i in items)
        assert words < 600, f"form {form} has {words} words to read, too many for ten minutes"


@pytest.mark.parametrize("form", FORMS)
def test_each_form_and_skill_has_signal_and_control_items_in_equal_numbers(form: str) -> None:
    check = load_check(CASE)
    looped = list(check.skills)
    assert looped, "nothing to check: check.skills is empty"
    for skill in looped:
        items = [i for i in check.items(form) if i.skill == skill]
        signal = sum(i.signal for i in items)
        control = len(items) - signal
        assert signal >= 3 and control >= 3, (form, skill, signal, control)
        assert signal == control, f"form {form}, {skill}: {signal} 'yes' items against {control} controls"


@pytest.mark.parametrize("form", FORMS)
def test_answering_yes_or_no_to_everything_scores_chance(form: str) -> None:
    check = load_check(CASE)
    for always_yes in (True, False):
        responses = {}
        for item in check.items(form):
            options = check.questions[item.skill].options
            answer = next(o.value for o in options if o.signal is always_yes)
            responses[item.id] = {"answer": answer, "confidence": 1.0}
        scores = score_form(check, form, responses)
        assert set(scores) == set(check.skills)
        for skill, score in scores.items():
            assert score.d_prime == pytest.approx(0.0, abs=1e-12), (form, skill, always_yes)
            right = score.hits + score.correct_rejections
            total = right + score.misses + score.false_alarms
            assert right / total == 0.5, "a blanket answer must be right on exactly half the items"


def test_perfect_answers_give_positive_d_prime_and_no_bias() -> None:
    check = load_check(CASE)
    looped = list(FORMS)
    assert looped, "nothing to check: FORMS is empty"
    for form in looped:
        responses = {i.id: {"answer": i.answer, "confidence": 1.0} for i in check.items(form)}
        for skill, score in score_form(check, form, responses).items():
            assert score.d_prime == pytest.approx(discernment(4, 0, 0, 4).d_prime)
            assert score.c == pytest.approx(0.0, abs=1e-12) and score.brier == 0.0


def test_forms_are_parallel() -> None:
    check = load_check(CASE)

    def make_up(form: str) -> dict[tuple[str, str], int]:
        counts: dict[tuple[str, str], int] = {}
        for item in check.items(form):
            counts[item.skill, item.answer] = counts.get((item.skill, item.answer), 0) + 1
        return counts

    assert make_up("before") == make_up("after") == make_up("delayed")
    for skill in check.skills:
        for signal in (True, False):
            lengths = {form: mean(len(i.text.split()) for i in check.items(form)
                                  if i.skill == skill and i.signal is signal) for form in FORMS}
            low, high = min(lengths.values()), max(lengths.values())
            assert high <= 1.35 * low, f"{skill} ({'yes' if signal else 'control'}) items differ in length: {lengths}"
        for form in FORMS:
            # The same skill never fills three places in a row: the form does not read as three blocks.
            order = [i.skill for i in check.items(form)]
            assert all(not order[k] == order[k + 1] == order[k + 2] for k in range(len(order) - 2)), form


def test_no_item_copies_a_practice_or_graded_passage() -> None:
    check = load_check(CASE)
    protected = {name: _shingles(text) for name, text in _protected_texts().items()}
    copied = {item.id: _copied_from(item.text, protected) for item in check.all_items()}
    assert not {k: v for k, v in copied.items() if v}
    for item in check.all_items():
        for name, text in _protected_texts().items():
            assert " ".join(_words(item.text)) not in " ".join(_words(text)), (item.id, name)


def test_the_copy_scan_can_fail() -> None:
    """A sentence of the article, or of a graded notebook, inside an item is caught."""
    protected_texts = _protected_texts()
    protected = {name: _shingles(text) for name, text in protected_texts.items()}
    case = load_case(CASE)
    graded = case.paragraph(case.graded_paragraphs("claims")[0]).text
    planted = "An invented example: " + " ".join(graded.split()[:8]) + "."
    assert "the article" in _copied_from(planted, protected)
    solution = next(k for k in protected_texts if k.startswith("solutions/"))
    phrase = " ".join(protected_texts[solution].split()[40:48])
    assert solution in _copied_from(phrase, protected)


def test_every_item_is_an_invented_example_not_news_of_the_event() -> None:
    check = load_check(CASE)
    assert "invented" in check.notice and "not news" in check.notice.replace("None of it is news", "not news")
    assert yaml.safe_load((SEEDS / CASE / "check.yaml").read_text(encoding="utf-8"))["invented"] is True
    # Items are about invented places and people: none names the article's event or its actors.
    case = load_case(CASE)
    names = {"Syria", "Syrian", "Deir Ezzor", "Pentagon", "Russia", "Russian", "Euphrates", "SDF", "Kurdish",
             "Wagner", "Observatory", "Zakharova", "coalition", "Damascus", "Moscow", "Washington"}
    names |= {actor.name.split(" (")[0] for actor in case.actors}
    for item in check.all_items():
        for name in names:
            assert name.casefold() not in item.text.casefold(), f"item {item.id} names {name!r}"


def _copy_seed(tmp_path: Path) -> Path:
    shutil.copytree(SEEDS / CASE, tmp_path / CASE)
    return tmp_path / CASE / "check.yaml"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("old, new, expected", [
    ("answer: loaded", "answer: biased", "is not an answer to 'Loaded language'"),
    ("skill: claims", "skill: sourcing", "Fix: use one of: loaded_language, claims, statements."),
    ('edition: "2026-2"', 'edition: "2026 first"', "field edition"),
    ("\ninvented: true", "\ninvented: false", "field invented"),
    ("id: b-ll-01", "id: b-ll-02", "repeats the id"),
    ("id: b-ll-01", "id: a-ll-01", "its id does not start with 'b'-"),
])
def test_bad_data_fails_with_file_item_and_fix(tmp_path: Path, old: str, new: str, expected: str) -> None:
    path = _copy_seed(tmp_path)
    _edit(path, old, new)
    with pytest.raises(CaseDataError) as info:
        load_check(CASE, root=tmp_path)
    message = str(info.value)
    assert str(path) in message and "Fix:" in message and expected in message, message


def test_a_repeated_text_and_a_form_without_controls_are_refused(tmp_path: Path) -> None:
    path = _copy_seed(tmp_path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    first = data["forms"]["before"]["items"][0]["text"]
    data["forms"]["after"]["items"][0]["text"] = "  " + first.upper()
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CaseDataError, match="same text as item b-"):
        load_check(CASE, root=tmp_path)

    data = yaml.safe_load((SEEDS / CASE / "check.yaml").read_text(encoding="utf-8"))
    data["forms"]["delayed"]["items"] = [i for i in data["forms"]["delayed"]["items"]
                                         if not (i["skill"] == "statements" and i["answer"] == "compatible")]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CaseDataError, match=r"forms.delayed: has no control item for 'statements'.*Fix: add"):
        load_check(CASE, root=tmp_path)


def test_scoring_refuses_items_of_another_form() -> None:
    check = load_check(CASE)
    other = check.items("after")[0].id
    with pytest.raises(ValueError, match=f"not in form 'before': {other}"):
        score_form(check, "before", {other: {"answer": "loaded", "confidence": 0.5}})
