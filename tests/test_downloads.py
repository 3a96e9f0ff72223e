"""The exercises zip holds exactly the student notebooks and refuses anything that carries hidden tests."""
import zipfile
from pathlib import Path

import pytest

from medialit.tooling.downloads import DownloadError, write_exercises_zip

ROOT = Path(__file__).resolve().parent.parent


def test_zip_holds_every_student_notebook_and_nothing_else(tmp_path):
    names = write_exercises_zip(ROOT / "exercises", tmp_path / "exercises.zip")
    expected = sorted("exercises/" + p.relative_to(ROOT / "exercises").as_posix()
                      for p in (ROOT / "exercises").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    # One per assignment in solutions/ (the five graded ones and the discernment check's three forms).
    assert names == expected and len(names) == len(list((ROOT / "solutions").glob("*/*.ipynb"))) == 8
    with zipfile.ZipFile(tmp_path / "exercises.zip") as archive:
        assert archive.namelist() == expected
        for name in expected:
            assert archive.read(name) == (ROOT / name).read_bytes()


def test_zip_is_reproducible(tmp_path):
    write_exercises_zip(ROOT / "exercises", tmp_path / "a.zip")
    write_exercises_zip(ROOT / "exercises", tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_a_notebook_with_hidden_tests_is_refused(tmp_path):
    leaked = tmp_path / "exercises" / "a" / "a.ipynb"
    leaked.parent.mkdir(parents=True)
    leaked.write_text('{"cells": [{"source": "### BEGIN HIDDEN TESTS"}]}', encoding="utf-8")
    with pytest.raises(DownloadError, match="contains hidden tests"):
        write_exercises_zip(tmp_path / "exercises", tmp_path / "out.zip")


def test_missing_exercises_folder_says_how_to_create_it(tmp_path):
    with pytest.raises(DownloadError, match="nbgrader generate_assignment"):
        write_exercises_zip(tmp_path / "nothing-here", tmp_path / "out.zip")
