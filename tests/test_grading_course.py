"""The course directory (medialit/grading/course.py): a missing gradebook is its own error, and the grading
modules import jsonschema the fast way without each calling import_jsonschema() before its imports."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from medialit.grading import class_runner, report
from medialit.grading.course import GradebookMissing, load_course

REPO = Path(__file__).resolve().parents[1]


def test_a_missing_gradebook_is_gradebook_missing_and_says_what_to_run(tmp_path: Path) -> None:
    shutil.copy(REPO / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    with pytest.raises(GradebookMissing) as info:
        load_course(tmp_path)
    assert "no gradebook at" in str(info.value) and "nbgrader generate_assignment" in str(info.value)
    assert not (tmp_path / "gradebook.db").exists()
    # The report's and the class runner's names are the course module's, not copies.
    assert report.GradebookMissing is GradebookMissing and class_runner.load_course is load_course
    with pytest.raises(GradebookMissing):
        report.open_course(tmp_path)


def test_other_course_errors_are_plain_value_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="does not exist") as info:
        load_course(tmp_path / "nowhere")
    assert not isinstance(info.value, GradebookMissing)


def test_grading_modules_import_jsonschema_without_its_iri_grammar() -> None:
    # medialit/grading/__init__.py imports jsonschema the fast way before any grading module imports nbformat.
    code = ("import sys, medialit.grading.sanitize, medialit.grading.report, medialit.grading.nbgrader_steps, "
            "medialit.grading.class_runner; print('jsonschema' in sys.modules, 'rfc3987_syntax' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"], result.stdout
