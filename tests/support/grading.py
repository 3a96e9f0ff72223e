"""Helpers for the grading tests: run a medialit command in a course, put a notebook into submitted/, a kernel that
dies, and a course of every assignment with its submissions released (fast_course).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat

from submissions import (
    find,
    generate_all,
    make_course,
    right,
)


def run_module(args: list[str], cwd: Path, timeout: float = 300, env: dict[str, str] | None = None
               ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **(env or {}), "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, env=env, text=True, capture_output=True,
                          timeout=timeout)


def put(course: Path, student: str, name: str, nb: nbformat.NotebookNode | str) -> Path:
    folder = course / "submitted" / student / name
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    if isinstance(nb, str):
        path.write_text(nb, encoding="utf-8")
    else:
        nbformat.write(nb, str(path))
    return path


def dead_kernel(name: str, course: Path) -> nbformat.NotebookNode:
    """The first answer ends its kernel; the other answers are right."""
    nb = right(name, course)
    find(nb, "ll-answer13").source = "import os\nos._exit(1)"
    return nb


def fast_course(root: Path, extra_config: str = "") -> Path:
    """A course whose cells may run 10 s (not 60), so a mistake cannot stall a test; `extra_config` is appended."""
    course = make_course(root)
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write("\nc.ExecutePreprocessor.timeout = 10\n" + extra_config)
    generate_all(course)
    return course


# --- a missing or misconfigured gradebook -------------------------------------------------------

