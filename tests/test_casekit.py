"""The case kit (medialit.casekit, `medialit case ...`): new -> import (three formats) -> check -> build, the case
setting, and bad input refused by name with nothing half-written. Fast: no kernels, no site build (the slow
round trip is tests/test_casekit_course.py)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from medialit import CASE, current_case, load_case
from medialit.case import CASE_ENV, SEEDS_DIR, _chosen
from medialit.casekit.build import build_case
from medialit.casekit.cli import main
from medialit.grading import hidden_awards, split_hidden
from medialit.tooling.book_roles import check_quotation

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "docs" / "case-kit-example"
INVENTED = "velmora-ferry-2031"
EXPORTS = {"ptc": "ptc.labels", "labelstudio": "labelstudio-export.json", "doccano": "doccano-export.jsonl"}


def snapshot(*roots: Path) -> dict[str, bytes]:
    """Every file under the roots, by path: compared before and after a refused command."""
    return {str(p): p.read_bytes() for root in roots if root.exists() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def new_case(tmp_path: Path) -> Path:
    """`case new` on the worked example's text, with the shipped case's passages.yaml."""
    folder = tmp_path / "seeds" / INVENTED
    assert main(["new", str(folder), "--text", str(EXAMPLE / "article.txt"), "--outlet", "The Ostrand Courier (invented)"]) == 0
    shutil.copy(SEEDS_DIR / INVENTED / "passages.yaml", folder / "passages.yaml")
    return folder


# --- the one case setting ----------------------------------------------------------------------------------------

def test_the_configured_case_is_deir_ezzor_unless_the_environment_or_a_notebook_says_otherwise(monkeypatch) -> None:
    monkeypatch.delenv(CASE_ENV, raising=False)
    assert current_case() == CASE == "deir-ezzor-2018"  # from _config.yml's sphinx.config.medialit_case
    monkeypatch.setenv(CASE_ENV, INVENTED)
    assert current_case() == INVENTED
    monkeypatch.setenv(CASE_ENV, "../etc")
    with pytest.raises(ValueError, match="not a case id"):
        current_case()
    monkeypatch.delenv(CASE_ENV)
    monkeypatch.setattr("medialit.case._chosen", [INVENTED])
    assert current_case() == INVENTED
    assert _chosen == []  # the real process-wide choice is untouched


def test_the_engine_follows_the_setting(monkeypatch) -> None:
    from medialit import practice
    from medialit.grading import check_phrases

    monkeypatch.setenv(CASE_ENV, INVENTED)
    assert check_phrases(["in chaos"], 5) == ["in chaos"]  # paragraph 5 of the invented article
    assert practice._item("cmp-invented-minimum").skill == "statements"
    monkeypatch.delenv(CASE_ENV)
    assert practice._item("src-12-plant").skill == "claims"  # a Deir Ezzor item again


def test_the_detector_labs_sentence_is_case_data_and_unchanged_for_deir_ezzor() -> None:
    from medialit.widgets import DetectorLab

    # The case's own sentence (issue 24 made it ll-01's neutral wording read back; tests/test_neutral_rewrites.py).
    assert DetectorLab(load_case(CASE), paragraphs=[1]).rewrite == load_case(CASE).detector_rewrite == (
        "US warplanes and artillery batteries carried out an attack, unprovoked in the writer's account, that caused "
        "the deaths of up to 100 pro-government troops in the northeastern province of Deir Ezzor Wednesday.")
    invented = load_case(INVENTED)
    assert DetectorLab(invented, paragraphs=[1]).rewrite == invented.detector_rewrite != ""


def test_no_engine_module_names_an_article() -> None:
    """No module holds the case id as a value (a default, an argument); examples in docstrings and messages may."""
    import ast

    allowed = {REPO / "medialit" / "case.py"}  # FALLBACK_CASE, only when nothing configures a case
    named = [f"{p.relative_to(REPO)}:{node.lineno}" for p in sorted((REPO / "medialit").rglob("*.py")) if p not in allowed
             for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
             if isinstance(node, ast.Constant) and node.value == "deir-ezzor-2018"]
    assert not named, f"modules that name the Deir Ezzor case: {named}"


# --- new ----------------------------------------------------------------------------------------------------------

def test_new_splits_paragraphs_recognises_the_heading_and_footer_and_keeps_the_raw_text(new_case: Path) -> None:
    article = yaml.safe_load((new_case / "article.yaml").read_text(encoding="utf-8"))
    assert article["title"] == "Ferry service halted after Velmora harbour crane collapse"
    assert article["author"] == "Mira Tallis" and article["date"] == "2031-03-14"
    assert len(article["paragraphs"]) == 8 and article["paragraphs"][0].startswith("A loading crane collapsed")
    assert [r["kind"] for r in article["repairs"]] == ["heading_to_metadata", "drop_footer"]
    assert (new_case / "source.txt").read_bytes() == (EXAMPLE / "article.txt").read_bytes()
    assert article["paragraphs"] == yaml.safe_load((SEEDS_DIR / INVENTED / "article.yaml").read_text())["paragraphs"]
    for name in ("passages", "loaded_language", "claims", "statements", "practice", "provenance"):
        assert (new_case / f"{name}.yaml").read_text(encoding="utf-8").startswith("#"), f"{name}.yaml has no header"


def test_new_refuses_a_missing_field_and_an_existing_folder_and_writes_nothing(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "seeds" / "some-case"
    assert main(["new", str(folder), "--text", str(EXAMPLE / "article.txt")]) == 2
    assert "--outlet" in capsys.readouterr().err
    assert not (tmp_path / "seeds").exists()
    (folder / "x").parent.mkdir(parents=True)
    (folder / "x").write_text("mine")
    assert main(["new", str(folder), "--text", str(EXAMPLE / "article.txt"), "--outlet", "O"]) == 2
    assert "not empty" in capsys.readouterr().err and sorted(p.name for p in folder.iterdir()) == ["x"]
    assert main(["new", str(tmp_path / "Bad Name"), "--text", str(EXAMPLE / "article.txt"), "--outlet", "O"]) == 2


# --- import -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", sorted(EXPORTS))
def test_each_format_imports_the_same_spans_public_keys_to_seeds_graded_keys_to_the_private_file(
        new_case: Path, fmt: str) -> None:
    assert main(["import", str(new_case), "--format", fmt, str(EXAMPLE / EXPORTS[fmt])]) == 0
    phrases = yaml.safe_load((new_case / "loaded_language.yaml").read_text())["phrases"]
    shipped = yaml.safe_load((SEEDS_DIR / INVENTED / "loaded_language.yaml").read_text())["phrases"]
    assert [(p["paragraph"], p["start"], p["end"], p["text"], p["technique"]) for p in phrases] == \
        [(p["paragraph"], p["start"], p["end"], p["text"], p["technique"]) for p in shipped]
    assert phrases[1]["technique"] == "Name_Calling,Labeling"  # the export's "Name calling", an alias
    private = yaml.safe_load((new_case.parent.parent / "graded" / f"{INVENTED}.yaml").read_text())
    shipped_private = yaml.safe_load((REPO / "graded" / f"{INVENTED}.yaml").read_text())
    assert [[(k["phrase"], k["start"], k["end"]) for k in e["key"]] for e in private["loaded_language"]] == \
        [[(k["phrase"], k["start"], k["end"]) for k in e["key"]] for e in shipped_private["loaded_language"]]
    seeds_text = "".join(p.read_text() for p in new_case.glob("*.yaml"))
    assert "in chaos" not in seeds_text.replace(new_case.joinpath("article.yaml").read_text(), "")


def _export_with(tmp_path: Path, spans: list[tuple[int, int, str]], text: str | None = None) -> Path:
    raw = text if text is not None else (EXAMPLE / "article.txt").read_text()
    path = tmp_path / "exports" / "export.jsonl"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({"text": raw, "label": [list(s) for s in spans]}) + "\n")
    return path


def _span(words: str, label: str = "Loaded_Language") -> tuple[int, int, str]:
    raw = (EXAMPLE / "article.txt").read_text()
    start = raw.index(words)
    return start, start + len(words), label


@pytest.mark.parametrize("bad, named", [
    ((5000, 5010, "Loaded_Language"), "ends past the end of the text"),
    (_span("a scandal", "Whataboutery"), "unknown technique 'Whataboutery'"),
    (_span(" a scandal"), "starts or ends on a space or punctuation"),
    (_span("a scandal and"), None),  # a clean span, to make sure the others are not refused for another reason
    (_span("Ferry service halted"), "not inside one paragraph"),  # the headline
    (_span("Dana Keel"), None),
    (_span("had passed"), "neither as practice nor as graded"),  # paragraph 4: claims practice only
])
def test_a_bad_span_is_refused_by_name_and_nothing_is_written(new_case: Path, tmp_path: Path, capsys, bad, named) -> None:
    good = _span("disaster waiting to happen")
    before = snapshot(new_case.parent, new_case.parent.parent / "graded")
    status = main(["import", str(new_case), "--format", "doccano", str(_export_with(tmp_path, [good, bad]))])
    err = capsys.readouterr().err
    if named is None:
        assert status == 0, err
        return
    assert status == 2 and named in err and "nothing was written" in err, err
    assert snapshot(new_case.parent, new_case.parent.parent / "graded") == before


def test_a_duplicate_span_in_the_file_and_one_already_imported_are_refused(new_case: Path, tmp_path: Path, capsys) -> None:
    span = _span("disaster waiting to happen")
    assert main(["import", str(new_case), "--format", "doccano", str(_export_with(tmp_path, [span, span]))]) == 2
    assert "duplicate of an earlier span" in capsys.readouterr().err
    assert main(["import", str(new_case), "--format", "doccano", str(_export_with(tmp_path, [span]))]) == 0
    before = snapshot(new_case)
    assert main(["import", str(new_case), "--format", "doccano", str(_export_with(tmp_path, [span]))]) == 2
    assert "duplicates record ll-01" in capsys.readouterr().err and snapshot(new_case) == before
    # The same span with another technique is a contested reading of the record, not a new record.
    assert main(["import", str(new_case), "--format", "doccano",
                 str(_export_with(tmp_path, [(*span[:2], "Exaggeration")]))]) == 0
    [record] = yaml.safe_load((new_case / "loaded_language.yaml").read_text())["phrases"]
    assert record["also_accepted"][0]["technique"] == "Exaggeration,Minimisation"


def test_partial_writes_the_spans_that_pass(new_case: Path, tmp_path: Path, capsys) -> None:
    export = _export_with(tmp_path, [_span("disaster waiting to happen"), _span("a scandal", "Nonsense")])
    assert main(["import", str(new_case), "--format", "doccano", "--partial", str(export)]) == 0
    assert "unknown technique 'Nonsense'" in capsys.readouterr().err
    assert len(yaml.safe_load((new_case / "loaded_language.yaml").read_text())["phrases"]) == 1


@pytest.mark.parametrize("fmt, file", [("ptc", "labelstudio-export.json"), ("doccano", "ptc.labels"),
                                       ("labelstudio", "doccano-export.jsonl"), ("labelstudio", "ptc.labels")])
def test_a_file_in_the_wrong_format_is_refused_naming_the_format(new_case: Path, capsys, fmt: str, file: str) -> None:
    before = snapshot(new_case.parent, new_case.parent.parent / "graded")
    assert main(["import", str(new_case), "--format", fmt, str(EXAMPLE / file)]) == 2
    assert f"not a {fmt} export" in capsys.readouterr().err
    assert snapshot(new_case.parent, new_case.parent.parent / "graded") == before


def test_an_export_of_another_text_is_refused(new_case: Path, tmp_path: Path, capsys) -> None:
    export = _export_with(tmp_path, [(0, 4, "Loaded_Language")], text="Some other article entirely.")
    assert main(["import", str(new_case), "--format", "doccano", str(export)]) == 2
    assert "neither this case's raw text nor its canonical text" in capsys.readouterr().err


# --- check --------------------------------------------------------------------------------------------------------

def test_the_shipped_invented_case_checks_clean(capsys) -> None:
    assert main(["check", str(SEEDS_DIR / INVENTED)]) == 0, capsys.readouterr().err


def test_check_lists_each_placeholder_left_by_new_and_import(new_case: Path, capsys) -> None:
    main(["import", str(new_case), "--format", "ptc", str(EXAMPLE / "ptc.labels")])
    capsys.readouterr()
    assert main(["check", str(new_case)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert any("loaded_language.yaml: record ll-01 field reason: is still a TODO placeholder" in line for line in lines)
    assert any("provenance.yaml: top level field publisher_note" in line for line in lines)
    assert all(": " in line and "Fix:" in line for line in lines), lines


@pytest.fixture
def invented_copy(tmp_path: Path) -> Path:
    """The shipped invented case and its private graded file, copied into a scratch seeds/ and graded/."""
    shutil.copytree(SEEDS_DIR / INVENTED, tmp_path / "seeds" / INVENTED)
    (tmp_path / "graded").mkdir()
    shutil.copy(REPO / "graded" / f"{INVENTED}.yaml", tmp_path / "graded" / f"{INVENTED}.yaml")
    return tmp_path / "seeds" / INVENTED


def test_an_edit_of_the_text_is_found_and_check_fix_shifts_the_offsets(invented_copy: Path, capsys) -> None:
    path = invented_copy / "article.yaml"
    path.write_text(path.read_text().replace("A loading crane collapsed", "A large loading crane collapsed"))
    assert main(["check", str(invented_copy)]) == 2
    err = capsys.readouterr().err
    assert "loaded_language.yaml: record ll-01: 'disaster waiting to happen' no longer stands at [150, 176)" in err
    assert "now stand at [156, 182) (a shift of +6)" in err and "--fix" in err
    assert "graded" in err and "'in chaos'" in err  # the private keys drift too
    assert main(["check", str(invented_copy), "--fix"]) == 0, capsys.readouterr().err
    assert load_case(INVENTED, root=invented_copy.parent).loaded_language[0].span == (156, 182)


def test_a_drifted_span_whose_words_are_gone_is_reported_without_a_fix(invented_copy: Path, capsys) -> None:
    path = invented_copy / "article.yaml"
    path.write_text(path.read_text().replace("a disaster waiting to happen", "an accident foretold"))
    assert main(["check", str(invented_copy), "--fix"]) == 2
    assert "record ll-01" in (err := capsys.readouterr().err) and "do not occur exactly once" in err


def test_a_duplicate_id_and_a_graded_paragraph_also_practice_are_refused(invented_copy: Path, capsys) -> None:
    path = invented_copy / "loaded_language.yaml"
    path.write_text(path.read_text().replace("id: ll-02", "id: ll-01"))
    assert main(["check", str(invented_copy)]) == 2
    assert "phrases id ll-01" in capsys.readouterr().err
    path.write_text(path.read_text().replace("id: ll-01\n  paragraph: 6", "id: ll-02\n  paragraph: 6"))
    passages = invented_copy / "passages.yaml"
    passages.write_text(passages.read_text().replace("loaded_language: [1, 6]", "loaded_language: [1, 5, 6]"))
    before = snapshot(invented_copy.parent.parent)
    assert main(["check", str(invented_copy)]) == 2
    assert "paragraph 5: is graded here but a practice paragraph" in capsys.readouterr().err
    assert main(["build", str(invented_copy), "--out", str(invented_copy.parent.parent / "course")]) == 2
    assert "nothing was built" in capsys.readouterr().err
    assert snapshot(invented_copy.parent.parent) == before


# --- build --------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("course") / INVENTED
    build_case(SEEDS_DIR / INVENTED, out=out)
    return out


def test_build_writes_pages_practice_and_graded_sources(course: Path) -> None:
    assert sorted(p.name for p in (course / "pages").iterdir()) == [
        "article.md", "index.md", "loaded-language.md", "practice.md", "sourcing.md", "statements.md"]
    assert sorted(p.name for p in (course / "practice").iterdir()) == [
        "loaded-language.ipynb", "sourcing.ipynb", "statements.ipynb"]
    assert sorted(p.name for p in (course / "solutions").iterdir()) == ["loaded-language", "sourcing"]
    assert yaml.safe_load((course / "_config.yml").read_text())["sphinx"]["config"]["medialit_case"] == INVENTED


def test_every_page_and_notebook_of_the_invented_case_says_it_is_invented(course: Path) -> None:
    for page in (course / "pages").glob("*.md"):
        assert "**An invented article.**" in page.read_text(), page.name
    for notebook in (course / "solutions").glob("*/*.ipynb"):
        assert "An invented article" in nbformat.read(notebook, as_version=4).cells[0].source, notebook.name


def test_every_quotation_on_the_pages_is_verbatim(course: Path) -> None:
    import re

    quotes = [q for page in (course / "pages").glob("*.md") for q in re.findall(r"\{article\}`([^`]+)`", page.read_text())]
    assert len(quotes) == len(load_case(INVENTED).loaded_language)
    assert [check_quotation(q, INVENTED) for q in quotes] == [None] * len(quotes)
    assert check_quotation("a scandalous record", INVENTED) is not None  # the check can fail


def test_graded_keys_are_only_in_hidden_tests_and_name_their_case(course: Path) -> None:
    private = yaml.safe_load((REPO / "graded" / f"{INVENTED}.yaml").read_text())
    whys = [k["why"] for e in private["loaded_language"] for k in e["key"]] + \
           [v["why"] for e in private["claims"] for v in e["key"].values()]
    published = "".join(p.read_text() for p in [*(course / "pages").glob("*.md"), *(course / "practice").glob("*"),
                                                 *(SEEDS_DIR / INVENTED).glob("*")])
    assert not [w for w in whys if w in published]
    for notebook in (course / "solutions").glob("*/*.ipynb"):
        specs = []
        for cell in nbformat.read(notebook, as_version=4).cells:
            visible, hidden = split_hidden(cell.source)
            assert not any(w in visible for w in whys), f"{notebook.name}: a key's reason outside the hidden tests"
            specs += [spec for _, spec in hidden_awards(hidden)] if hidden else []
        assert specs and all(spec["case"] == INVENTED for spec in specs)


def test_the_graded_notebooks_set_their_own_case(course: Path) -> None:
    for notebook in (course / "solutions").glob("*/*.ipynb"):
        setup = nbformat.read(notebook, as_version=4).cells[1].source
        assert f'use_case("{INVENTED}")' in setup


def test_building_twice_gives_the_same_bytes(course: Path, tmp_path: Path) -> None:
    again = tmp_path / INVENTED
    build_case(SEEDS_DIR / INVENTED, out=again)
    assert {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()} == \
        {p.relative_to(course): p.read_bytes() for p in course.rglob("*") if p.is_file()}


def test_new_asks_on_a_terminal_for_what_it_did_not_recognise(tmp_path: Path) -> None:
    from medialit.casekit.new import new_case

    asked: list[str] = []
    new_case(tmp_path / "seeds" / "asked-case", EXAMPLE / "article.txt",
             ask=lambda prompt: asked.append(prompt) or "The Asked Outlet")
    assert asked == ["The article's outlet: "]
    assert yaml.safe_load((tmp_path / "seeds" / "asked-case" / "article.yaml").read_text())["outlet"] == "The Asked Outlet"


def test_the_private_graded_file_is_outside_everything_published_and_the_graded_kernels_view() -> None:
    from medialit.grading.sandbox import readonly_paths
    from medialit.tooling.downloads import student_files

    private = (REPO / "graded" / f"{INVENTED}.yaml").resolve()
    assert private.is_file()
    assert not [p for p in readonly_paths() if private.is_relative_to(p)], "the graded kernel could read the keys"
    assert not [name for name in student_files(REPO) if name.startswith("graded/")], "the exercises zip holds keys"
    config = yaml.safe_load((REPO / "_config.yml").read_text())
    assert "graded" in config["exclude_patterns"] and "courses" in config["exclude_patterns"]
