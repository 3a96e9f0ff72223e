"""Every key follows the decisions register (seeds/<case>/decisions.yaml): one decision per device, everywhere.

The keys checked: the practice key (loaded_language.yaml, claims.yaml), the practice sets (practice.yaml), the
check's items (check.yaml), the examples in the guidelines and the chapters (a sentence that names a technique
for a quoted phrase), the machine assignment, and the graded keys, read from the hidden tests of solutions/ the
way tests/test_no_key_leak.py reads them. A graded key names the decision it follows in its own hidden test
(``"decisions": {<phrase or item>: <id or [ids]>}``), so nothing graded is written into the register or here;
failure messages name a graded item by its task and position, never by its answer.

A key belongs to a device when its phrase (or claim, or check item) contains one of the device's words, or when
its hidden test names the device. It must then carry the device's decision, and every other key of the device
the same one: a failure names the key, the register entry and the places that decide otherwise. A decision that
differs by speaker is reported as such.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from medialit import CASE, load_case
from medialit.assessment.check import load_check
from medialit.grading import hidden_awards, split_hidden
from medialit.records import LOADED, NOT_LOADED
from medialit.techniques import techniques

REPO = Path(__file__).resolve().parents[1]
SEEDS = f"seeds/{CASE}"
PROSE = ("guidelines.md", "loaded-language.md", "sourcing.md", "statements.md", "machine.md", "capstone.md",
         "glossary.md")
# Graded tasks whose keys make a decision the register records; the others (numbers, predictions of the
# machine's scores, the capstone's sources) hold no device decision.
REGISTER_TASKS = {"phrases": "techniques", "loaded-language/p18-techniques": "techniques", "sourcing/sort": None,
                  "sourcing/signals": "signals", "machine/why": "reasons"}
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'"})


@dataclass
class Key:
    place: str                      # where the key is, for the failure message
    skill: str                      # the register's skill the key is checked under
    text: str                       # the words matched against the register's `words` ("" for graded keys)
    speaker: str | None = None
    tags: tuple[str, ...] = ()      # decisions named by a graded key's hidden test
    graded: bool = False
    values: dict[str, frozenset[str]] = field(default_factory=dict)  # attribute -> what the key accepts
    sentence: str | None = None     # a check item's key ("loaded"/"neutral"): its words must not contradict it
    subset: bool = False            # prose: the techniques named must be among those the decision accepts
    must_match: bool = False        # a loaded phrase or a label key: it must have a decision


def _norm(text: str) -> str:
    return " ".join(text.translate(_QUOTES).casefold().split())


def _has(text: str, word: str) -> bool:
    return re.search(r"(?<![\w-])" + re.escape(_norm(word)) + r"(?![\w-])", _norm(text)) is not None


def _loaded(accepted) -> frozenset[str]:
    return frozenset("loaded" if a == LOADED else "not_loaded" for a in accepted if a in (LOADED, NOT_LOADED))


def _accepted(value) -> frozenset[str]:
    """A hidden key's label, or a contested item's accepted labels ([{"label", "why"}, ...])."""
    if isinstance(value, list):
        return frozenset(entry["label"] if isinstance(entry, dict) else entry for entry in value)
    return frozenset([value])


# --- reading every key ------------------------------------------------------------------------------------

def _speaker_in(passage: str, phrase: str) -> str:
    """A practice phrase's speaker as the passage shows it: inside quotation marks "quoted", else the writer."""
    before = passage[:passage.find(phrase)]
    quoted = before.count("“") > before.count("”") or before.count('"') % 2 == 1
    return "quoted" if quoted else "author"


def public_keys(case) -> list[Key]:
    keys: list[Key] = []
    for p in case.loaded_language:
        keys.append(Key(f"{SEEDS}/loaded_language.yaml {p.id} ({p.text!r})", "loaded_language", p.text, p.speaker,
                        values={"decision": frozenset(["loaded"]), "techniques": frozenset(p.techniques)},
                        must_match=True))
    for c in case.claims:
        keys.append(Key(f"{SEEDS}/claims.yaml {c.id}", "claims", c.text, c.source,
                        values={"kinds": frozenset([c.kind]), "attributions": frozenset([c.attribution])}))
    for item in case.practice_items:
        where = f"{SEEDS}/practice.yaml {item.id}"
        if item.answer_type == "mark":
            for phrase in item.phrases:
                loaded = _loaded(phrase.accepted)
                keys.append(Key(f"{where} ({phrase.text!r})", "loaded_language", phrase.text,
                                _speaker_in(item.text, phrase.text), values={"decision": loaded},
                                must_match="loaded" in loaded))
        elif item.skill == "loaded_language":  # a technique to choose for the phrase the question quotes
            phrase = re.search(r"“(.+?)”", item.question).group(1)
            keys.append(Key(f"{where} ({phrase!r})", "loaded_language", phrase,
                            values={"techniques": frozenset(value for value, _ in item.accepted)}, must_match=True))
        elif item.skill == "claims" and {o.value for o in item.options} == {"named", "anonymous", "unsourced"}:
            keys.append(Key(where, "claims", item.text,
                            values={"attributions": frozenset(value for value, _ in item.accepted)}))
    return keys


def check_keys() -> list[Key]:
    keys = []
    for form, items in load_check(CASE).forms.items():
        for item in items:
            place = f"{SEEDS}/check.yaml {item.id}"
            if item.skill == "loaded_language":
                keys.append(Key(place, "loaded_language", item.text, sentence=item.answer))
            elif item.skill == "claims":
                keys.append(Key(place, "claims", item.text, values={"attributions": frozenset([item.answer])}))
    return keys


def _hidden_specs():
    for path in sorted((REPO / "solutions").glob("*/*.ipynb")):
        for cell in nbformat.read(str(path), as_version=4).cells:
            hidden = split_hidden(cell.source)[1] if cell.cell_type == "code" else None
            for task, spec in hidden_awards(hidden or ""):
                yield path.relative_to(REPO), task, spec


def _tags(spec: dict, item: str) -> tuple[str, ...]:
    named = spec.get("decisions", {}).get(item, ())
    return (named,) if isinstance(named, str) else tuple(named)


def graded_keys() -> list[Key]:
    keys: list[Key] = []
    verbs: dict[str, dict] = {}
    for path, task, spec in _hidden_specs():
        where = f"{path} (hidden test of {task})"
        if spec["kind"] == "phrases":
            for number, entry in enumerate(spec["key"], 1):
                keys.append(Key(f"{where}, key phrase {number}", "loaded_language", "", entry.get("speaker"),
                                _tags(spec, entry["phrase"]), True, must_match=True,
                                values={"decision": frozenset(["loaded"]),
                                        "techniques": _accepted(entry["technique"])}))
        elif task == "loaded-language/p18-techniques":
            for item, value in spec["key"].items():
                keys.append(Key(f"{where}, {item}", "loaded_language", "", None, _tags(spec, item), True,
                                values={"techniques": _accepted(value)}, must_match=True))
        elif task == "sourcing/sort":
            for item, value in spec["key"].items():
                keys.append(Key(f"{where}, {item}", "claims", "", None, _tags(spec, item), True, must_match=True,
                                values={"kinds": _accepted(value["kind"]),
                                        "attributions": _accepted(value["attribution"])}))
        elif task == "sourcing/verbs":
            verbs = spec["key"]
        elif task == "sourcing/signals":
            for item, value in spec["key"].items():
                keys.append(Key(f"{where}, {item}", "claims", "", None, _tags(spec, item), True, must_match=True,
                                values={"signals": _accepted(value)}))
                # Each verb the verbs task accepts for the claim must send the signal this task accepts.
                for number, form in enumerate(verbs.get(item, ()), 1):
                    keys.append(Key(f"{path} (hidden test of sourcing/verbs), {item} accepted form {number}",
                                    "verb", form, None, (), True, values={"signals": _accepted(value)}))
        elif task == "machine/why":
            for item, value in spec["key"].items():
                keys.append(Key(f"{where}, {item}", "machine", "", None, _tags(spec, item), True, must_match=True,
                                values={"reasons": _accepted(value)}))
    return keys


def prose_keys() -> list[Key]:
    """A sentence of the book that quotes a phrase and names a technique for it."""
    names = {t.name: t.label for t in techniques() if t.in_course}
    keys = []
    for page in PROSE:
        text = (REPO / "book" / page).read_text(encoding="utf-8")
        text = re.sub(r"```.*?```", " ", text, flags=re.S)  # code cells: the worked examples' spans are tested apart
        blocks = re.split(r"\n\s*\n|\n\s*[-*] |\n: |\*\*\s", text)  # paragraphs, list items, definitions, bold heads
        sentences = [s for block in blocks for s in re.split(r"(?<=[.;])\s+(?=[A-Z*{\"“])", block)]
        for sentence in sentences:
            phrases = re.findall(r"\{article\}`([^`]+)`", sentence)
            named = frozenset(label for name, label in names.items() if re.search(rf"\b{re.escape(name)}\b", sentence))
            for phrase in phrases:
                if named:
                    keys.append(Key(f"book/{page} ({phrase!r}, named as {', '.join(sorted(named))})",
                                    "loaded_language", phrase, values={"techniques": named}, subset=True))
    return keys


def all_keys(case) -> list[Key]:
    return public_keys(case) + check_keys() + graded_keys() + prose_keys()


# --- comparing them with the register ---------------------------------------------------------------------

def _devices_for(key: Key, case) -> list:
    if key.skill == "verb":
        found = [d for d in case.decisions if d.signals and any(_has(key.text, w) for w in d.words)]
        colouring = [d for d in found if d.signals != ("neutral",)]
        if colouring:
            return colouring  # a colouring word decides the signal over the plain verb beside it
        plain = {w for d in found for w in d.words}
        rest = [w for w in re.findall(r"[\w'-]+", _norm(key.text)) if w not in plain]
        # Words beyond the plain verb may colour it (the register lists public colouring words only): only a form
        # that is nothing but a plain verb is known to send the plain verb's signal.
        return [] if rest else found
    by_word = [d for d in case.decisions if d.skill == key.skill and key.text and any(_has(key.text, w) for w in d.words)]
    by_tag = []
    for tag in key.tags:
        device = case.decision(tag)
        assert any(getattr(device, attribute) for attribute in key.values), \
            f"{key.place}: names decision {tag!r}, which decides none of {sorted(key.values)}"
        by_tag.append(device)
    return list({d.id: d for d in by_word + by_tag}.values())


def _wanted(devices, attribute: str) -> frozenset[str] | None:
    wanted = [frozenset(getattr(d, attribute)) for d in devices if getattr(d, attribute)]
    if attribute == "decision":
        calls = {d.decision for d in devices if d.decision}
        if not calls:
            return None
        return frozenset(["loaded"]) if "loaded" in calls else (
            frozenset(["loaded", "not_loaded"]) if "contested" in calls else frozenset(["not_loaded"]))
    return frozenset().union(*wanted) if wanted else None


def conflicts(case, keys: list[Key]) -> list[str]:
    found: list[str] = []
    seen: dict[tuple[str, str], list[tuple[Key, frozenset[str]]]] = defaultdict(list)
    for key in keys:
        devices = _devices_for(key, case)
        if not devices:
            if key.must_match:
                found.append(f"{key.place}: no decision in decisions.yaml covers it "
                             + ("(name one in the hidden test's `decisions`)" if key.graded
                                else "(add its words to a device, or a device for it)"))
            continue
        if key.sentence is not None:  # a check item: its words must not contradict its key
            for device in devices:
                if device.decision in ("loaded", "contested") and key.sentence == "neutral":
                    found.append(f"{key.place}: keyed neutral, but it uses {device.id!r}, which decisions.yaml "
                                 f"decides is {device.decision}")
            continue
        for attribute, got in key.values.items():
            want = _wanted(devices, attribute)
            if want is None:
                continue
            ids = "+".join(d.id for d in devices)
            if len(devices) == 1:  # a key under two devices takes both decisions; compare it with neither alone
                seen[(devices[0].id, attribute)].append((key, got))
            bad = not got <= want if key.subset else got != want
            if bad:
                found.append(f"{key.place}: {attribute} {sorted(got)}, but decisions.yaml ({ids}) decides "
                             f"{sorted(want)}")
    # The same device decided differently in two places, and by speaker.
    for (device_id, attribute), entries in seen.items():
        values = {got for key, got in entries if not key.subset}
        if len(values) > 1:
            places = "; ".join(f"{key.place} -> {sorted(got)}" for key, got in entries if not key.subset)
            found.append(f"{device_id!r} gets different {attribute} in different places: {places}")
            by_speaker = defaultdict(set)
            for key, got in entries:
                if key.speaker and not key.subset:
                    by_speaker[key.speaker].add(got)
            if len({frozenset(v) for v in by_speaker.values()}) > 1:
                found.append(f"{device_id!r}: the {attribute} differs by speaker: "
                             + "; ".join(f"{s}: {sorted(map(sorted, v))}" for s, v in sorted(by_speaker.items())))
    return found


def rejected_reason_uses(case) -> list[str]:
    """Places whose stated reason uses an argument the register rejects."""
    texts = [(f"{SEEDS}/claims.yaml {c.id}", c.reason) for c in case.claims]
    texts += [(f"{SEEDS}/claims.yaml mistakes {k}", v) for k, v in case.claim_mistakes.items()]
    texts += [(f"{SEEDS}/practice.yaml {i.id}", " ".join([i.answer, i.hint, i.bigger_hint, *(w for _, w in i.accepted)]))
              for i in case.practice_items]
    for path, task, spec in _hidden_specs():
        for number, value in enumerate(spec.get("key", {}).values() if isinstance(spec.get("key"), dict) else (), 1):
            for field_value in (value.values() if isinstance(value, dict) else [value]):
                if isinstance(field_value, list):
                    texts += [(f"{path} (hidden test of {task}), item {number}", e["why"])
                              for e in field_value if isinstance(e, dict)]
        texts += [(f"{path} (hidden test of {task}), why", w) for w in (spec.get("why") or {}).values()]
    texts += [(f"book/{page}", (REPO / "book" / page).read_text(encoding="utf-8")) for page in PROSE]
    return [f"{place}: gives the rejected reason {words!r}; {instead}"
            for place, text in texts for words, instead in case.rejected_reasons if words in _norm(text)]


# --- tests -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def case():
    return load_case(CASE)


@pytest.fixture(scope="module")
def keys(case):
    return all_keys(case)


def test_every_key_follows_the_register(case, keys) -> None:
    found = conflicts(case, keys) + rejected_reason_uses(case)
    assert not found, f"{len(found)} conflicts with the decisions register:\n" + "\n".join(found)


def test_the_register_reads_keys_from_every_place(keys) -> None:
    """Without this, a reader that found nothing would pass the test above."""
    places = {k.place.split(" ")[0] for k in keys}
    for where in (f"{SEEDS}/loaded_language.yaml", f"{SEEDS}/claims.yaml", f"{SEEDS}/practice.yaml",
                  f"{SEEDS}/check.yaml", "book/guidelines.md"):
        assert where in places, f"no keys read from {where}"
    graded = {k.place.split(" (hidden test of ")[1].split(")")[0] for k in keys if k.graded}
    assert {"loaded-language/p13", "loaded-language/p24", "loaded-language/p18-techniques", "capstone/phrases",
            "sourcing/sort", "sourcing/signals", "sourcing/verbs", "machine/why"} <= graded


def test_every_example_in_the_register_uses_its_device(case) -> None:
    keys = public_keys(case)
    for device in case.decisions:
        for example in device.examples:
            mine = [k for k in keys if k.place.split(" ")[1] == example]
            assert any(device in _devices_for(k, case) for k in mine), \
                f"decisions.yaml {device.id}: example {example} uses none of its words {list(device.words)}"


def test_a_planted_conflict_is_found_with_both_places_named(case, keys) -> None:
    """The same intensifier keyed as not loaded in a practice set is reported, naming it and the register."""
    planted = Key(f"{SEEDS}/practice.yaml planted ('massive losses')", "loaded_language", "massive losses",
                  values={"decision": frozenset(["loaded", "not_loaded"])})
    found = conflicts(case, keys + [planted])
    assert any(m.startswith(planted.place) and "intensifier" in m for m in found), found
    assert any("'intensifier' gets different decision" in m and "ll-08" in m and "planted" in m for m in found)


def test_the_old_massive_fire_call_is_reported_as_differing_by_speaker(case, keys) -> None:
    """Issue 24's case: Moscow's "massive fire" (quoted, in a practice set) keyed "either" beside Damascus's
    "massive damage" keyed loaded."""
    old = Key(f"{SEEDS}/practice.yaml ll-16-mark ('massive fire', as it was)", "loaded_language", "massive fire",
              _speaker_in('"How ... to open massive fire for effect?" she continued.', "massive fire"),
              values={"decision": frozenset(["loaded", "not_loaded"])})
    assert old.speaker == "quoted"
    found = conflicts(case, [k for k in keys if "ll-16-mark ('massive fire')" not in k.place] + [old])
    assert any("'intensifier': the decision differs by speaker" in m for m in found), found


def test_a_decision_that_differs_by_speaker_is_reported(case, keys) -> None:
    planted = Key(f"{SEEDS}/loaded_language.yaml planted ('unprovoked raid')", "loaded_language", "unprovoked raid",
                  "russian-defence-ministry", values={"decision": frozenset(["loaded"]),
                                                      "techniques": frozenset(["Doubt"])})
    found = conflicts(case, keys + [planted])
    assert any("'unprovoked': the techniques differs by speaker" in m for m in found), found


def test_a_graded_key_without_a_decision_is_reported(case) -> None:
    bare = Key("solutions/x.ipynb (hidden test of x/y), key phrase 1", "loaded_language", "", graded=True,
               must_match=True, values={"decision": frozenset(["loaded"])})
    assert any("no decision in decisions.yaml covers it" in m for m in conflicts(case, [bare]))


def test_a_rejected_reason_is_found(case) -> None:
    assert case.rejected_reasons, "decisions.yaml lists no rejected reasons"
    words = case.rejected_reasons[0][0]
    assert _has(f"It is {words} and could be checked.", words)


def test_a_plain_verb_accepted_for_a_coloured_signal_is_found(case) -> None:
    """Issue 24's case: the verb task accepting "raised" alone while the signal task accepts only "lends weight"."""
    alone = Key("solutions/x.ipynb (hidden test of sourcing/verbs), claim-x accepted form 1", "verb", "raised",
                graded=True, values={"signals": frozenset(["lends weight"])})
    coloured = Key("solutions/x.ipynb (hidden test of sourcing/verbs), claim-x accepted form 2", "verb",
                   "raised sharp questions", graded=True, values={"signals": frozenset(["lends weight"])})
    found = conflicts(case, [alone, coloured])
    assert any(m.startswith(alone.place) and "neutral-reporting-verb" in m for m in found), found
    assert not any(m.startswith(coloured.place) for m in found), found
