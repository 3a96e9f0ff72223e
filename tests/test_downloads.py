"""The exercises zip runs on its own: the student notebooks, the package and data they import, a README and
requirements; never solutions, never a notebook with hidden tests, never a graded key."""
from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from medialit.tooling.downloads import TOP_FOLDER, DownloadError, write_exercises_zip

# The key-leak scan's own records and matcher (tests/support/key_scan.py; tests/ is on sys.path).
from support.key_scan import PAGE_SUFFIXES, article_sentences, key_records, normalise, scan_text

ROOT = Path(__file__).resolve().parent.parent
TOP = TOP_FOLDER + "/"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("zip") / "exercises.zip"
    write_exercises_zip(ROOT, path)
    return path


def _members(archive: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(archive) as bundle:
        return {name: bundle.read(name) for name in bundle.namelist()}


def test_zip_holds_every_student_notebook_byte_for_byte_and_no_other_notebook(archive: Path) -> None:
    members = _members(archive)
    expected = sorted(TOP + p.relative_to(ROOT).as_posix() for p in (ROOT / "exercises").rglob("*.ipynb")
                      if ".ipynb_checkpoints" not in p.parts)
    # One per assignment in solutions/ (the five graded ones and the discernment check's three forms).
    assert len(expected) == len(list((ROOT / "solutions").glob("*/*.ipynb"))) == 8
    assert sorted(n for n in members if n.endswith(".ipynb")) == expected
    for name in expected:
        assert members[name] == (ROOT / name.removeprefix(TOP)).read_bytes()


def test_zip_carries_what_pip_install_needs_and_says_how(archive: Path) -> None:
    members = _members(archive)
    assert all(name.startswith(TOP) for name in members), "everything sits in one top folder"
    for needed in ("README.md", "requirements.txt", "pyproject.toml", "LICENSE", "LICENSE-TEXT",
                   "medialit/__init__.py", "medialit/case.py", "medialit/grading/checks.py",
                   "medialit/widgets/highlighter.js", "medialit/schemas/article.schema.json",
                   "medialit/lexicons/detector_lexicon.json", "seeds/deir-ezzor-2018/article.yaml",
                   "seeds/README.md"):
        assert TOP + needed in members, f"{needed} is missing from the zip"
    readme = members[TOP + "README.md"].decode()
    assert "pip install -r requirements.txt" in readme and "jupyter lab" in readme
    requirements = members[TOP + "requirements.txt"].decode()
    assert re.search(r"^-e \.$", requirements, flags=re.M), "requirements.txt must install the package in place"
    # Left out: the site's build tools, caches, and everything that is the teacher's.
    for name in members:
        parts = name.split("/")
        assert not {"solutions", "tooling", "__pycache__", "tests", "docs"} & set(parts), name
        assert not name.endswith(".pyc"), name


def test_student_requirements_pin_the_versions_the_course_is_tested_with() -> None:
    pinned: dict[str, str] = {}
    for source in ("constraints.txt", "requirements.txt"):
        for line in (ROOT / source).read_text(encoding="utf-8").splitlines():
            if "==" in line and not line.startswith("#"):
                name, version = line.split("==")
                pinned[name.strip().lower()] = version.strip()
    student = [line for line in (ROOT / "student" / "requirements.txt").read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")]
    assert "-e ." in student
    for line in student:
        if line == "-e .":
            continue
        name, version = line.split("==")
        assert pinned.get(name.lower()) == version, f"student/requirements.txt: {line} is not the tested version"
    assert not any(line.startswith("nbgrader") for line in student), "students need no grading tools"


def test_no_graded_key_is_in_the_zip(archive: Path) -> None:
    records = [r for found in key_records().values() for r in found]
    article = article_sentences()
    leaks = []
    for name, data in _members(archive).items():
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        suffix = Path(name).suffix
        for hit in scan_text(normalise(text, markup=suffix == ".html"), records,
                             page=suffix in PAGE_SUFFIXES, article=article):
            leaks.append(f"{name}: {hit}")
        if suffix == ".ipynb":
            assert "BEGIN HIDDEN TESTS" not in text and "grading.award(" not in text, name
    assert not leaks, "graded keys in the exercises zip:\n" + "\n".join(sorted(set(leaks)))


def test_the_key_scan_of_the_zip_would_see_a_planted_key(tmp_path: Path) -> None:
    """Without this, a zip scan that reads nothing would pass."""
    root = _copy_of_the_course(tmp_path)
    key = next(r for found in key_records().values() for r in found if not r.compact and not r.bare_phrase
               and r.label is None)
    (root / "seeds" / "notes.md").write_text(f"Answer: {key.needle}\n", encoding="utf-8")
    write_exercises_zip(root, tmp_path / "planted.zip")
    with pytest.raises(AssertionError, match="graded keys"):
        test_no_graded_key_is_in_the_zip(tmp_path / "planted.zip")


@pytest.mark.slow
def test_a_notebook_runs_from_the_unzipped_folder_alone(archive: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    with zipfile.ZipFile(archive) as bundle:
        bundle.extractall(tmp_path)
    folder = (tmp_path / TOP_FOLDER).resolve()
    notebook = folder / "exercises" / "sourcing" / "sourcing.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    first_answer = next(i for i, cell in enumerate(nb.cells) if cell.metadata.get("nbgrader", {}).get("solution"))
    probe = nbformat.v4.new_code_cell(
        "import medialit, medialit.case\nprint(medialit.__file__)\nprint(medialit.case.SEEDS_DIR)")
    nb.cells = [probe] + nb.cells[:first_answer]
    assert sum(c.cell_type == "code" for c in nb.cells) >= 3
    # What `pip install -e .` in the folder gives the kernel: the folder on the path, and nothing of the repo.
    monkeypatch.setenv("PYTHONPATH", str(folder))
    monkeypatch.chdir(folder)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(notebook.parent)}}
                   ).execute()
    where = nb.cells[0].outputs[0]["text"].split()
    assert Path(where[0]).resolve() == folder / "medialit" / "__init__.py", f"medialit came from {where[0]}"
    assert Path(where[1]).resolve() == folder / "seeds"
    printed = "".join(o.get("text", "") for cell in nb.cells[1:] for o in cell.get("outputs", []))
    assert "[6]" in printed and "[17]" in printed, "the setup cells did not print the paragraphs"


def _copy_of_the_course(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    for folder in ("exercises", "medialit", "seeds", "student"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "LICENSE", "LICENSE-TEXT"):
        shutil.copy(ROOT / name, root / name)
    return root


def test_zip_is_reproducible(tmp_path: Path) -> None:
    write_exercises_zip(ROOT, tmp_path / "a.zip")
    write_exercises_zip(ROOT, tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_a_notebook_with_hidden_tests_is_refused(tmp_path: Path) -> None:
    root = _copy_of_the_course(tmp_path)
    leaked = root / "exercises" / "a" / "a.ipynb"
    leaked.parent.mkdir(parents=True)
    leaked.write_text('{"cells": [{"source": "### BEGIN HIDDEN TESTS"}]}', encoding="utf-8")
    with pytest.raises(DownloadError, match="contains hidden tests"):
        write_exercises_zip(root, tmp_path / "out.zip")


def test_missing_exercises_folder_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="nbgrader generate_assignment"):
        write_exercises_zip(tmp_path / "nothing-here", tmp_path / "out.zip")


def test_a_missing_package_file_is_named(tmp_path: Path) -> None:
    root = _copy_of_the_course(tmp_path)
    (root / "pyproject.toml").unlink()
    with pytest.raises(DownloadError, match="pyproject.toml is missing"):
        write_exercises_zip(root, tmp_path / "out.zip")
