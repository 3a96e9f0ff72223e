"""The `medialit` command: one entry point whose --help lists every command, each running its module's main."""
from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from medialit.cli import COMMANDS, main

# The console script pip installs beside this Python (pyproject.toml, [project.scripts]).
MEDIALIT = Path(sys.executable).parent / "medialit"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(MEDIALIT), *args], capture_output=True, text=True, timeout=120)


def test_the_console_script_is_installed() -> None:
    assert MEDIALIT.is_file(), f"{MEDIALIT} is missing: the editable install predates [project.scripts]; " \
                               "run `bash scripts/setup` (or `.venv/bin/pip install -e .`)"


def test_help_lists_every_command() -> None:
    result = run("--help")
    assert result.returncode == 0, result.stderr
    assert len(COMMANDS) >= 9
    for command in COMMANDS:
        assert f"    {command.name} " in result.stdout, f"{command.name} is not listed in `medialit --help`"
    # The nine `python -m` commands the course had, each reachable under one name.
    modules = {(c.module, c.prefix) for c in COMMANDS}
    for module, prefix in [("medialit.casekit.cli", ()), ("medialit.grading.report", ("report",)), ("medialit.grading.report", ("export",)),
                           ("medialit.grading.class_runner", ()), ("medialit.assessment.report", ()),
                           ("medialit.assessment.tasks", ()), ("medialit.assessment.forms", ()),
                           ("medialit.tooling.locate", ()), ("medialit.detector", ()),
                           ("medialit.tooling.build_book", ())]:
        assert (module, prefix) in modules, f"no medialit command runs {module} {' '.join(prefix)}"


def test_every_command_names_a_module_with_main_and_names_are_unique() -> None:
    names = [command.name for command in COMMANDS]
    assert len(names) == len(set(names)), f"two commands share a name: {names}"
    for command in COMMANDS:
        assert callable(getattr(importlib.import_module(command.module), "main", None)), command.module


def test_a_command_runs_its_module_like_the_old_form() -> None:
    new = run("locate", "8", "so-called")
    old = subprocess.run([sys.executable, "-m", "medialit.tooling.locate", "8", "so-called"],
                         capture_output=True, text=True, timeout=120)
    assert new.returncode == old.returncode == 0, new.stderr + old.stderr
    assert new.stdout == old.stdout and "text: 'so-called'" in new.stdout


def test_python_dash_m_medialit_is_the_same_command() -> None:
    result = subprocess.run([sys.executable, "-m", "medialit", "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "check-report" in result.stdout


def test_the_command_s_own_options_and_exit_status_pass_through(capsys: pytest.CaptureFixture[str]) -> None:
    # `medialit report --help` is the grading report's own help, not the dispatcher's.
    with pytest.raises(SystemExit) as done:
        main(["report", "--help"])
    assert done.value.code == 0 and "course_dir" in capsys.readouterr().out
    # A command's failure is the command's exit status.
    assert main(["detector", "no-such-action"]) == 2
    assert "usage: python -m medialit.detector" in capsys.readouterr().err


def test_an_unknown_command_is_refused_with_the_list() -> None:
    result = run("grade")
    assert result.returncode == 2
    assert "invalid choice: 'grade'" in result.stderr and "grade-class" in result.stderr
