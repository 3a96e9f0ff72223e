"""The check tests what the course teaches, evenly across its three forms (issue 24).

Per form: loaded items in a quoted speaker's mouth, a loaded reporting verb, a doubt word and an authority
praising its own action (each item's `devices` in check.yaml); verdicts on people in power and on people who are
not, both negative and positive, across the three forms (`verdicts`); among the named-source controls, one whose
source has a stake in the claim (`stake`), with a reason that does not treat naming as reliability; and no two
items of a form so alike that one answer gives away the other. The tags are the editor's claims about each item,
so they are checked against the words too: a "reporting-verb" item uses a verb the decisions register calls
loaded, a "quoted-speaker" item has a quotation, a "self-praise" item a word the register files under self-praise.
"""
from __future__ import annotations

import itertools
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from medialit import CASE, load_case
from medialit.assessment.check import FORMS

CHECK = Path(__file__).resolve().parents[1] / "seeds" / CASE / "check.yaml"
DEVICES = ("quoted-speaker", "reporting-verb", "doubt", "self-praise")
STOP = set("the a an of to in on at and or by for was were is are be it its that this their his her they said says "
           "say with from as all".split())
TWIN = 0.3  # word overlap (Jaccard, content words) above which two items of a form count as near twins


def _forms() -> dict[str, list[dict]]:
    data = yaml.safe_load(CHECK.read_text(encoding="utf-8"))
    return {form: data["forms"][form]["items"] for form in FORMS}


def _has(text: str, word: str) -> bool:
    return re.search(r"(?<![\w-])" + re.escape(word.casefold()) + r"(?![\w-])", text.casefold()) is not None


def _register_words(device_id: str) -> tuple[str, ...]:
    return load_case(CASE).decision(device_id).words


def device_counts(items: list[dict]) -> Counter:
    return Counter(d for item in items if item["skill"] == "loaded_language" for d in item.get("devices", ()))


def near_twins(items: list[dict]) -> list[tuple[str, str, float]]:
    def words(text: str) -> set[str]:
        return {w for w in re.findall(r"[a-z']+", text.lower()) if w not in STOP}
    found = []
    for a, b in itertools.combinations(items, 2):
        if a["skill"] != b["skill"]:
            continue
        wa, wb = words(a["text"]), words(b["text"])
        overlap = len(wa & wb) / len(wa | wb)
        if overlap > TWIN:
            found.append((a["id"], b["id"], round(overlap, 2)))
    return found


@pytest.mark.parametrize("form", FORMS)
def test_each_form_tests_every_device_the_course_teaches(form: str) -> None:
    counts = device_counts(_forms()[form])
    missing = [d for d in DEVICES if counts[d] < 1]
    assert not missing, f"form {form}: no loaded item tagged {missing} (devices in check.yaml)"


def test_the_forms_test_the_devices_equally() -> None:
    counts = {form: device_counts(items) for form, items in _forms().items()}
    assert len({tuple(sorted(c.items())) for c in counts.values()}) == 1, counts


@pytest.mark.parametrize("form", FORMS)
def test_every_loaded_item_is_tagged_and_its_tags_are_true_to_its_words(form: str) -> None:
    loaded_verbs = _register_words("loaded-attribution-verb")
    praise = _register_words("self-praise")
    doubt = _register_words("name-doubt") + _register_words("account-doubt")
    for item in _forms()[form]:
        devices = item.get("devices", ())
        if item["skill"] != "loaded_language" or item["answer"] != "loaded":
            assert not devices and "verdicts" not in item, f"{item['id']}: only loaded items carry devices"
            continue
        assert devices and item.get("verdicts"), f"{item['id']}: a loaded item needs devices and verdicts"
        text = item["text"]
        if "quoted-speaker" in devices:
            assert "“" in text and "”" in text, f"{item['id']}: tagged quoted-speaker but quotes no one"
        if "reporting-verb" in devices:
            assert any(_has(text, w) for w in loaded_verbs), \
                f"{item['id']}: tagged reporting-verb but uses none of the register's loaded verbs {loaded_verbs}"
        if "self-praise" in devices:
            assert any(_has(text, w) for w in praise), f"{item['id']}: tagged self-praise but uses none of {praise}"
        if "doubt" in devices:
            assert any(_has(text, w) for w in doubt), f"{item['id']}: tagged doubt but uses none of {doubt}"


def test_verdicts_are_spread_across_sides() -> None:
    verdicts = Counter((v["target"], v["direction"]) for items in _forms().values() for item in items
                       for v in item.get("verdicts", ()))
    for side in ("in-power", "not-in-power"):
        for direction in ("negative", "positive"):
            assert verdicts[side, direction] >= 1, f"no {direction} verdict on people {side}: {dict(verdicts)}"
    on_power = verdicts["in-power", "negative"] + verdicts["in-power", "positive"]
    on_others = verdicts["not-in-power", "negative"] + verdicts["not-in-power", "positive"]
    assert max(on_power, on_others) <= 2 * min(on_power, on_others), dict(verdicts)


@pytest.mark.parametrize("form", FORMS)
def test_each_form_has_a_named_source_with_a_stake(form: str) -> None:
    named = [i for i in _forms()[form] if i["skill"] == "claims" and i["answer"] == "named"]
    staked = [i for i in named if i.get("stake")]
    assert len(staked) == 1, f"form {form}: {len(staked)} named-source controls with a stake (want 1)"
    assert "stake" in staked[0]["why"] and "not that" in staked[0]["why"], staked[0]["why"]
    for item in named:
        assert "position to know" not in item["why"], f"{item['id']}: naming is not reliability ({item['why']!r})"


@pytest.mark.parametrize("form", FORMS)
def test_no_two_items_of_a_form_are_near_twins(form: str) -> None:
    assert not near_twins(_forms()[form]), f"form {form}: near-twin items {near_twins(_forms()[form])}"


def test_the_twin_finder_finds_a_twin() -> None:
    items = [{"id": "x-st-01", "skill": "statements", "text": "The airport said 50 flights were cancelled on Monday."},
             {"id": "x-st-02", "skill": "statements", "text": "The airport said 120 flights were cancelled on Monday."}]
    assert near_twins(items) == [("x-st-01", "x-st-02", 1.0)]
