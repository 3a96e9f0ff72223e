"""One vocabulary of techniques (issue 12): medialit/techniques.yaml gives each technique one readable name, used by
the chapter, the glossary, the widgets, the key tables and the notebooks; the checks accept the name and the label.

The graded keys are read from the hidden tests of solutions/ the way the grader reads them (never copied here).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
import yaml

from medialit import CASE, load_case
from medialit.grading import AnswerError, check_labels, hidden_awards, score_task, split_hidden
from medialit.records import TECHNIQUES
from medialit.techniques import VocabularyError, find, load_techniques, readable, techniques
from medialit.widgets import Highlighter
from medialit.widgets.highlighter import TECHNIQUE_LABELS

REPO = Path(__file__).resolve().parents[1]
IN_COURSE = [t for t in techniques() if t.in_course]


def test_one_list_of_labels_everywhere() -> None:
    labels = {t.label for t in techniques()}
    assert set(TECHNIQUES) == labels and len(labels) == 14
    schema = json.loads((REPO / "medialit/schemas/loaded_language.schema.json").read_text(encoding="utf-8"))
    assert set(schema["$defs"]["technique"]["enum"]) == labels
    assert TECHNIQUE_LABELS == {t.label: t.name for t in techniques()}


@pytest.mark.parametrize("text, label", [
    ("Name_Calling,Labeling", "Name_Calling,Labeling"),
    ("Name-calling or labelling", "Name_Calling,Labeling"),
    ("Name calling, labeling", "Name_Calling,Labeling"),   # the Highlighter's old readable label
    ("  exaggeration OR minimisation ", "Exaggeration,Minimisation"),
    ("Appeal to fear or prejudice", "Appeal_to_fear-prejudice"),
    ("loaded language", "Loaded_Language"),
])
def test_find_accepts_the_name_the_label_and_aliases(text, label) -> None:
    assert find(text).label == label


def test_readable_names_and_a_clear_error() -> None:
    assert readable("Exaggeration,Minimisation") == "Exaggeration or minimisation"
    with pytest.raises(ValueError, match="is not a technique.*use one of: Loaded language"):
        readable("Propaganda")
    assert find("Propaganda") is None and find(3) is None


def test_the_vocabulary_file_is_checked(tmp_path) -> None:
    data = yaml.safe_load((REPO / "medialit/techniques.yaml").read_text(encoding="utf-8"))
    del data["techniques"][0]["definition"]
    (tmp_path / "t.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(VocabularyError, match="entry techniques.0.*definition"):
        load_techniques(tmp_path / "t.yaml")
    data = yaml.safe_load((REPO / "medialit/techniques.yaml").read_text(encoding="utf-8"))
    data["techniques"][1]["aliases"] = ["Loaded language"]
    (tmp_path / "t.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(VocabularyError, match="'Loaded language' also names Loaded_Language"):
        load_techniques(tmp_path / "t.yaml")


def _hidden_specs() -> list[dict]:
    specs = []
    for path in sorted((REPO / "solutions").glob("*/*.ipynb")):
        for cell in nbformat.read(str(path), as_version=4).cells:
            hidden = split_hidden(cell.source)[1] if cell.cell_type == "code" else None
            specs += [spec for _task, spec in hidden_awards(hidden or "")]
    return specs


def _labels_in(technique) -> list[str]:
    return [technique] if isinstance(technique, str) else [reading["label"] for reading in technique]


def test_every_technique_the_keys_use_is_in_the_course_vocabulary() -> None:
    used = {t for p in load_case(CASE).loaded_language for t in p.techniques}
    for spec in _hidden_specs():
        if spec["kind"] == "phrases":
            used |= {label for entry in spec["key"] for label in _labels_in(entry["technique"])}
        elif spec["kind"] == "labels" and all(find(a) for a in spec["allowed"]):
            used |= {find(a).label for a in spec["allowed"]}
    assert used == {t.label for t in IN_COURSE}


def test_the_glossary_defines_every_technique_by_its_name() -> None:
    terms = {line.strip().casefold() for line in (REPO / "book/glossary.md").read_text(encoding="utf-8").splitlines()
             if line and not line[0].isspace()}
    assert {t.name.casefold() for t in IN_COURSE} <= terms


def _prose(path: Path) -> str:
    """A MyST page without its code cells."""
    return re.sub(r"```\{code-cell\}.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)


def test_no_page_prints_a_raw_label() -> None:
    raw = [t.label for t in techniques() if re.search(r"[_,]", t.label)]
    looped = list(sorted((REPO / "book").glob("*.md")))
    assert looped, "nothing to check: sorted((REPO / 'book').glob('*.md')) is empty"
    for page in looped:
        for label in raw:
            assert label not in _prose(page), f"{page.name} prints {label}; use its readable name"


def test_the_key_table_and_the_highlighter_show_readable_names() -> None:
    chapter = (REPO / "book/loaded-language.md").read_text(encoding="utf-8")
    assert 'p.technique.replace("_", " ")' not in chapter and "readable(t) for t in p.techniques" in chapter
    case = load_case(CASE)
    names = {t.name for t in techniques()}
    data = Highlighter(case, paragraphs=case.practice_paragraphs("loaded_language"))._data["key"]
    shown = [p["technique_label"] for p in data] + [o["technique_label"] for p in data for o in p["also_accepted"]]
    assert shown and set(shown) <= names


def test_the_notebook_offers_readable_names() -> None:
    for folder in ("solutions", "exercises"):
        nb = nbformat.read(str(REPO / folder / "loaded-language/loaded-language.ipynb"), as_version=4)
        source = "\n".join(c.source for c in nb.cells)
        choices = re.search(r"TECHNIQUE_CHOICES = (\[.*?\])", source).group(1)
        assert all(find(c) and find(c).name == c for c in eval(choices))  # a literal list of strings


def test_check_labels_accepts_the_name_and_the_label_alike() -> None:
    allowed = ["Loaded_Language", "Name_Calling,Labeling", "Doubt"]
    answer = {"a": "Name-calling or labelling", "b": "loaded_language", "c": "Name calling, labeling"}
    assert check_labels(answer, ["a", "b", "c"], allowed) == {"a": "Name_Calling,Labeling", "b": "loaded_language",
                                                              "c": "Name_Calling,Labeling"}
    readable_allowed = [readable(a) for a in allowed]
    assert check_labels({"a": "Name_Calling,Labeling"}, ["a"], readable_allowed) == {"a": "Name-calling or labelling"}
    with pytest.raises(AnswerError, match="use one of"):
        check_labels({"a": "Exaggeration or minimisation"}, ["a"], allowed)  # a technique, but not offered
    spec = {"kind": "labels", "points": 2, "allowed": allowed,
            "key": {"a": "Name_Calling,Labeling", "b": [{"label": "Doubt", "why": "x"},
                                                       {"label": "Loaded_Language", "why": "y"}]}}
    assert score_task(spec, {"a": "Name-calling or labelling", "b": "Loaded language"}).points == 2
