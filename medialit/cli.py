"""The `medialit` command: one entry point for what the course's `python -m medialit...` commands do.

    medialit --help                     the commands
    medialit COMMAND --help             one command's own options (the same as its `python -m` form)

Each command is a module with ``main(argv) -> int``; the old ``python -m`` forms keep working, and this
dispatcher only imports the module of the command it runs (so `medialit --help` is quick). To add a command,
add one ``Command`` to ``COMMANDS``: its name, the module, and a line of help. A group with sub-commands of its
own (``medialit case new|import|check|build``, medialit/casekit/cli.py) is one Command whose module parses them.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str
    module: str  # a module with main(argv: list[str]) -> int
    help: str
    # Words put before the user's arguments: the module's own sub-command, where one module has several.
    prefix: tuple[str, ...] = ()
    group: str = ""


COMMANDS: list[Command] = [
    Command("report", "medialit.grading.report", "every student x assignment: status, score, flags, incidents",
            ("report",), "grading"),
    Command("export", "medialit.grading.report", "grades.csv with a status column, or a Canvas import file",
            ("export",), "grading"),
    Command("grade-class", "medialit.grading.class_runner", "autograde the class in parallel, in the sandbox",
            group="grading"),
    Command("check-report", "medialit.assessment.report", "the discernment check's class report (HTML)",
            group="the check"),
    Command("check-forms", "medialit.assessment.forms", "write the check's forms as nbgrader source notebooks",
            group="the check"),
    Command("task-report", "medialit.assessment.tasks", "the graded tasks' class report (HTML, shows keys)",
            group="grading"),
    Command("locate", "medialit.tooling.locate", "print a phrase's [start, end) offsets, for annotation records",
            group="authoring"),
    Command("detector", "medialit.detector", "the loaded-language detector: export its lexicon, or score it",
            group="authoring"),
    Command("build-book", "medialit.tooling.build_book", "run jupyter-book with the course's faster start-up",
            group="authoring"),
    Command("case", "medialit.casekit.cli", "make a case: case new|import|check|build (docs/case-kit.md)",
            group="authoring"),
]


def _commands_help() -> str:
    width = max(len(command.name) for command in COMMANDS)
    lines = ["commands (`medialit COMMAND --help` for each one's options):"]
    for group in dict.fromkeys(command.group for command in COMMANDS):
        lines.append(f"  {group or 'other'}:")
        lines += [f"    {c.name:<{width}}  {c.help}" for c in COMMANDS if c.group == group]
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    """The top-level parser: a command name, then everything after it for the command's own parser."""
    top = argparse.ArgumentParser(
        prog="medialit", description="The medialit course's command line.", epilog=_commands_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument("command", choices=[command.name for command in COMMANDS], metavar="COMMAND",
                     help="one of the commands below")
    top.add_argument("arguments", nargs=argparse.REMAINDER, help="the command's own arguments")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run `medialit COMMAND ARGUMENTS...`; returns the command's exit status."""
    args = parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    command = next(c for c in COMMANDS if c.name == args.command)
    run = importlib.import_module(command.module).main
    status = run([*command.prefix, *args.arguments])
    return int(status or 0)


if __name__ == "__main__":
    raise SystemExit(main())
