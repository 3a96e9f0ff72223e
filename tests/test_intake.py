"""Intake (medialit/grading/intake.py): what a submission folder may hold before any tool of the instructor reads it.

Fast unit tests on folders made here; the same submissions autograded for real are in tests/test_intake_attacks.py.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from medialit.grading import intake
from medialit.grading.intake import (
    IntakeRefused,
    Limits,
    UnsafeId,
    check_id,
    copy_submission,
    inspect_submission,
    json_depth_exceeds,
    load_notebook_json,
    read_manifest,
    read_timestamp,
    stage_submission,
    suggest_id,
    unsafe_submissions,
    write_manifest,
)

NOTEBOOK = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _submission(tmp_path: Path) -> Path:
    folder = tmp_path / "submitted" / "alice" / "a1"
    folder.mkdir(parents=True)
    (folder / "a1.ipynb").write_text(json.dumps(NOTEBOOK))
    (folder / "notes.txt").write_text("my notes")
    return folder


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "solutions-key.txt"
    path.write_text("THE KEY")
    return path


# --- ids ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["alice", "a.b-c_d", "s1234567", "_x", "A" * 64])
def test_safe_ids_pass(value: str) -> None:
    assert check_id(value) == value


@pytest.mark.parametrize("value", ['x";fetch("/api")//', "<meta http-equiv=refresh content=0;url=//e.org>", "=1+2",
                                   "+1", "-rf", "@SUM(A1)", "\tx", "x\ry", "x[1]", "a*", "..", ".hidden", "a/b", "",
                                   "ä", "A" * 65, "name with space"])
def test_unsafe_ids_are_refused_with_a_name_to_use(value: str) -> None:
    with pytest.raises(UnsafeId) as info:
        check_id(value, "student")
    message = str(info.value)
    assert "letters, digits" in message and "Rename" in message
    suggestion = message.split("to e.g. ")[1].split(" and ")[0].strip("'\"")
    assert intake.is_safe_id(suggestion), suggestion
    assert suggest_id(value) == suggestion


def test_unsafe_submission_folders_are_listed(tmp_path: Path) -> None:
    for student in ("alice", "x[1]", "=cmd"):
        (tmp_path / student / "a1").mkdir(parents=True)
    found = dict(unsafe_submissions(tmp_path))
    assert set(found) == {("a1", "x[1]"), ("a1", "=cmd")}
    assert "Rename" in found[("a1", "x[1]")]


# --- files ---------------------------------------------------------------------------------------------

def test_regular_files_are_accepted(tmp_path: Path) -> None:
    found = inspect_submission(_submission(tmp_path), ["a1"])
    assert found.accepted == ["a1.ipynb", "notes.txt"]
    assert found.refused == [] and found.notebooks_refused == {} and found.flags() == []


def test_links_pipes_and_hard_links_are_refused_and_never_copied(tmp_path: Path, secret: Path) -> None:
    folder = _submission(tmp_path)
    (folder / "key.txt").symlink_to(secret)
    (folder / "dir-link").symlink_to(tmp_path, target_is_directory=True)
    (folder / "dangling").symlink_to(tmp_path / "nothing")
    os.mkfifo(folder / "pipe")
    os.link(secret, folder / "hard.txt")
    (folder / "sub").mkdir()
    (folder / "sub" / "shadow").symlink_to("/etc/shadow")
    (folder / "sub" / "fine.txt").write_text("fine")
    dest = tmp_path / "copy"
    found = copy_submission(folder, dest, notebooks=["a1"])
    refused = {r.path: r.reason for r in found.refused}
    assert set(refused) == {"key.txt", "dir-link", "dangling", "pipe", "hard.txt", "sub/shadow"}
    assert refused["key.txt"].startswith("a symbolic link (to ")
    assert "named pipe" in refused["pipe"] and "hard link" in refused["hard.txt"]
    assert found.accepted == ["a1.ipynb", "notes.txt", "sub/fine.txt"]
    copied = sorted(str(p.relative_to(dest)) for p in dest.rglob("*"))
    assert copied == ["a1.ipynb", "notes.txt", "sub", "sub/fine.txt"]
    assert not any(p.is_symlink() for p in dest.rglob("*"))
    assert "THE KEY" not in "".join(p.read_text() for p in dest.rglob("*") if p.is_file())
    flags = found.flags()
    assert len(flags) == 6 and all("not copied and not graded" in f for f in flags)
    assert any("'key.txt'" in f for f in flags)


def test_the_notebook_itself_as_a_link_refuses_the_submission(tmp_path: Path, secret: Path) -> None:
    folder = _submission(tmp_path)
    (folder / "a1.ipynb").unlink()
    (folder / "a1.ipynb").symlink_to(secret)
    found = inspect_submission(folder, ["a1"])
    assert "a symbolic link" in found.notebooks_refused["a1"]
    assert "submit the notebook file itself" in found.refusal_reason()


def test_the_folder_itself_as_a_link_is_refused(tmp_path: Path) -> None:
    real = _submission(tmp_path)
    link = tmp_path / "submitted" / "bob"
    link.mkdir()
    (link / "a1").symlink_to(real, target_is_directory=True)
    with pytest.raises(IntakeRefused, match="symbolic link"):
        inspect_submission(link / "a1", ["a1"])


def test_size_and_entry_limits(tmp_path: Path) -> None:
    folder = _submission(tmp_path)
    (folder / "big.bin").write_bytes(b"x" * 2000)
    for i in range(5):
        (folder / f"f{i}").write_text("x")
    found = inspect_submission(folder, ["a1"], limits=Limits(file_bytes=1000, entries=6))
    refused = {r.path: r.reason for r in found.refused}
    assert "over the limit" in refused["big.bin"]
    assert sum("more than 6 entries" in r for r in refused.values()) == 2


# --- notebooks: depth and size ----------------------------------------------------------------------------

def test_depth_scanner() -> None:
    assert json_depth_exceeds(b"[" * 200_000 + b"]" * 200_000, 100)
    assert not json_depth_exceeds(json.dumps({"a": [[1], {"b": "[[[[[[[["}]}).encode(), 3)
    assert json_depth_exceeds(json.dumps({"a": [[1], {"b": [["x"]]}]}).encode(), 4)
    assert not json_depth_exceeds(json.dumps({"s": "\\\"[[[[\\"}).encode(), 1)


def test_a_deep_notebook_is_refused_before_parsing_and_quickly(tmp_path: Path) -> None:
    folder = _submission(tmp_path)
    (folder / "a1.ipynb").write_bytes(b'{"cells": ' + b"[" * 200_000 + b"]" * 200_000 + b"}")
    started = time.perf_counter()
    found = inspect_submission(folder, ["a1"])
    assert time.perf_counter() - started < 2
    assert "nested more than 100 levels" in found.notebooks_refused["a1"]
    with pytest.raises(IntakeRefused, match="nested more than"):
        load_notebook_json(folder, "a1.ipynb")


def test_a_huge_notebook_is_refused(tmp_path: Path) -> None:
    folder = _submission(tmp_path)
    (folder / "a1.ipynb").write_bytes(b'{"x": "' + b"a" * 5000 + b'"}')
    found = inspect_submission(folder, ["a1"], limits=Limits(notebook_bytes=1000))
    assert "over the limit of 1,000" in found.notebooks_refused["a1"]


# --- timestamps -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["garbage", "2026-13-45 99:99:99", "9" * 150, "\x00\x01"])
def test_a_garbage_timestamp_is_named_and_ignored(tmp_path: Path, text: str) -> None:
    folder = _submission(tmp_path)
    (folder / "timestamp.txt").write_text(text)
    stamp, problem = read_timestamp(folder)
    assert stamp is None and problem.startswith("timestamp unreadable: ") and str(folder / "timestamp.txt") in problem
    dest = tmp_path / "copy"
    found = copy_submission(folder, dest, notebooks=["a1"])
    assert found.timestamp_problem == problem and problem in found.flags()
    assert not (dest / "timestamp.txt").exists(), "a bad timestamp is not carried on to trip the next reader"


def test_a_linked_timestamp_is_not_read(tmp_path: Path, secret: Path) -> None:
    folder = _submission(tmp_path)
    (folder / "timestamp.txt").symlink_to(secret)
    stamp, problem = read_timestamp(folder)
    assert stamp is None and "symbolic link" in problem and "THE KEY" not in problem


def test_a_good_timestamp_is_read(tmp_path: Path) -> None:
    folder = _submission(tmp_path)
    (folder / "timestamp.txt").write_text("2026-12-01 10:00:00.000000 UTC")
    assert read_timestamp(folder)[0].year == 2026
    assert read_timestamp(tmp_path) == (None, None)


# --- staging for grade-class, the manifest --------------------------------------------------------------------

def test_staging_carries_refusals_to_the_worker(tmp_path: Path, secret: Path) -> None:
    course, worker = tmp_path, tmp_path / "worker"
    folder = _submission(course)
    (folder / "key.txt").symlink_to(secret)
    write_manifest(course, "a1", "alice", [intake.Refusal("inbound-link", "a symbolic link", "collect")])
    stage_submission(course, worker, "submitted", "a1", "alice")
    staged = worker / "submitted" / "alice" / "a1"
    assert sorted(p.name for p in staged.iterdir()) == ["a1.ipynb", "notes.txt"]
    carried = {r.path: r.stage for r in read_manifest(worker, "a1", "alice")}
    assert carried == {"key.txt": "grade-class", "inbound-link": "collect"}
    # The worker's autograde sees them as refusals of the staged folder.
    found = inspect_submission(staged, ["a1"], earlier=read_manifest(worker, "a1", "alice"))
    assert {r.path for r in found.refused} == {"key.txt", "inbound-link"}
    write_manifest(worker, "a1", "alice", [])
    assert read_manifest(worker, "a1", "alice") == []


# --- CSV cells (csv_cells.py) ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["=1+2", "+1+2", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\tx", "\rx",
                                  '=HYPERLINK("https:example.org","x")'])
def test_formula_prefixes_are_neutralised(text: str) -> None:
    from medialit.grading.csv_cells import safe_cell

    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-2.5, 0, 14.0, "-2.5", "-3", "1e-3", "alice", "graded", "", "'quoted"])
def test_numbers_and_plain_text_stay_as_they_are(value: object) -> None:
    from medialit.grading.csv_cells import safe_cell

    assert safe_cell(value) == value
    assert safe_cell(None) == ""
