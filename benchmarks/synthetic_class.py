"""A synthetic class for grading tests and benchmarks: a temporary course with generated submissions.

Every submission is made from the course's own notebooks, so it follows whatever assignments
solutions/ holds: the released (student) notebook with some of the source answers put back.

    right      every answer from the source notebook: full automatic marks
    untouched  the released notebook as handed out: no automatic points
    even/odd   every other answer (two different halves): partial credit
    syntax     every answer, plus a line that is not Python in the first code answer: broken
    not-json   a file that is not a notebook at all: nbgrader cannot grade it
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

MODES = ("right", "untouched", "even", "odd", "syntax", "not-json")


def assignments(repo: Path) -> list[str]:
    return sorted(
        p.parent.name for p in (repo / "solutions").glob("*/*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )


def nbgrader(*args: str, cwd: Path, timeout: float = 3600) -> subprocess.CompletedProcess:
    """Run nbgrader from this environment, with this environment's kernels on PATH."""
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def release_dir(root: Path) -> Path:
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    return root / CourseDirectory(config=config).release_directory


def make_course(repo: Path, root: Path, extra_config: str = "") -> list[str]:
    """Copy solutions/ and nbgrader_config.py (plus `extra_config` lines) into `root`; generate every assignment."""
    names = assignments(repo)
    if not names:
        raise ValueError(f"{repo / 'solutions'} holds no assignment notebook: nothing to grade")
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(repo / "solutions", root / "solutions", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy2(repo / "nbgrader_config.py", root / "nbgrader_config.py")
    if extra_config:
        with open(root / "nbgrader_config.py", "a") as config:
            config.write("\n" + extra_config + "\n")
    for name in names:
        result = nbgrader("generate_assignment", name, "--force", cwd=root)
        if result.returncode != 0:
            raise RuntimeError(f"nbgrader generate_assignment {name} failed:\n{result.stdout}{result.stderr}")
    return names


def student_version(source: nbformat.NotebookNode, released: nbformat.NotebookNode, mode: str) -> str:
    answers = {
        cell.metadata.nbgrader["grade_id"]: cell.source
        for cell in source.cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }
    submission = nbformat.from_dict(json.loads(nbformat.writes(released)))
    solution_cells = [c for c in submission.cells if c.metadata.get("nbgrader", {}).get("solution")]
    for index, cell in enumerate(solution_cells):
        keep = {"right": True, "syntax": True, "untouched": False, "even": index % 2 == 0, "odd": index % 2 == 1}[mode]
        if keep:
            cell.source = answers[cell.metadata.nbgrader["grade_id"]]
    if mode == "syntax":
        code = [c for c in solution_cells if c.cell_type == "code"]
        if code:
            code[0].source += "\nthis line is not Python (\n"
    return nbformat.writes(submission)


def make_submissions(root: Path, students: dict[str, str], names: list[str]) -> int:
    """Write submitted/<student>/<assignment>/ for every student; returns the number of notebooks."""
    release = release_dir(root)
    count = 0
    for day, (student, mode) in enumerate(sorted(students.items())):
        if mode not in MODES:
            raise ValueError(f"unknown submission mode {mode!r}; use one of {', '.join(MODES)}")
        for name in names:
            folder = root / "submitted" / student / name
            folder.mkdir(parents=True)
            # Distinct times, so a merge that mixed up students' timestamps would show.
            (folder / "timestamp.txt").write_text(f"2026-03-{day % 28 + 1:02d} 09:{day % 60:02d}:00.000000 UTC")
            for source_path in sorted((root / "solutions" / name).glob("*.ipynb")):
                target = folder / source_path.name
                count += 1
                if mode == "not-json":
                    target.write_text('{"cells": [ this is not JSON')
                    continue
                source = nbformat.read(source_path, as_version=4)
                released = nbformat.read(release / name / source_path.name, as_version=4)
                target.write_text(student_version(source, released, mode))
    return count


def class_of(size: int, modes: tuple[str, ...] = MODES) -> dict[str, str]:
    """`size` students whose answers cycle through `modes`."""
    return {f"student{i:03d}": modes[i % len(modes)] for i in range(size)}
