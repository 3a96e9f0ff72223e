"""The `case` command group: `medialit case new|import|check|build` (also `python -m medialit.casekit ...`).

Exit status: 0 when the command did what it says, 2 when the input was refused (each problem on its own line,
naming the file, the record and what to do), with nothing half-written.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .files import KitError

REFUSED = 2


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `case` group to a parent command's subparsers (medialit.cli)."""
    parser = subparsers.add_parser("case", help="make a case (an article and its annotations) for the course",
                                   description=__doc__.split("\n\n")[0])
    _fill(parser)
    return parser


def _fill(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="case_command", required=True, metavar="COMMAND")
    new = commands.add_parser("new", help="a case folder from an article's text, with skeleton annotation files")
    new.add_argument("folder", type=Path, metavar="DIR", help="the new case folder, e.g. seeds/city-budget-2026")
    new.add_argument("--text", type=Path, required=True, metavar="ARTICLE.txt", help="the article as plain UTF-8 text")
    new.add_argument("--title", help="the headline (default: the text's first line, if it looks like one)")
    new.add_argument("--author", help="the author (default: from a 'By ...' line)")
    new.add_argument("--outlet", help="the publication")
    new.add_argument("--date", help="the publication date, YYYY-MM-DD (default: from a date line)")
    new.add_argument("--url", help="the article's address")
    imp = commands.add_parser("import", help="loaded-language spans from a PTC, Label Studio or doccano export")
    imp.add_argument("folder", type=Path, metavar="DIR")
    imp.add_argument("--format", required=True, choices=("ptc", "labelstudio", "doccano"), dest="fmt")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--partial", action="store_true", help="write the spans that pass even if others are refused")
    check = commands.add_parser("check", help="check a case; offsets drifted after an edit are found and fixed")
    check.add_argument("folder", type=Path, metavar="DIR")
    check.add_argument("--fix", action="store_true", help="write the offsets found for drifted spans")
    build = commands.add_parser("build", help="practice notebooks, book pages and nbgrader source notebooks")
    build.add_argument("folder", type=Path, metavar="DIR")
    build.add_argument("--out", type=Path, metavar="COURSE_DIR",
                       help="where the course folder goes (default: courses/<case> beside seeds/)")


def run(args: argparse.Namespace) -> int:
    try:
        if args.case_command == "new":
            from .new import new_case, terminal_prompt
            lines = new_case(args.folder, args.text, title=args.title, author=args.author, outlet=args.outlet,
                             published=args.date, url=args.url, ask=terminal_prompt())
            print("\n".join(lines))
            return 0
        if args.case_command == "import":
            from .imports import import_spans
            imported, refused = import_spans(args.folder, args.fmt, args.file, partial=args.partial)
            print("\n".join(imported))
            for line in refused:
                print(f"refused: {line}", file=sys.stderr)
            if refused and not args.partial:
                print(f"{len(refused)} span(s) refused: nothing was written. Fix them, or import the others with "
                      "--partial.", file=sys.stderr)
                return REFUSED
            print(f"{len(imported) - 1} span(s) imported, {len(refused)} refused. Next: fill in each TODO, then "
                  f"`medialit case check {args.folder}`.")
            return 0
        if args.case_command == "check":
            from .checks import check_case
            problems, fixed = check_case(args.folder, fix=args.fix)
            for line in fixed:
                print(f"fixed: {line}")
            for line in problems:
                print(line, file=sys.stderr)
            if problems:
                return REFUSED
            print(f"{args.folder}: the case is complete and consistent.")
            return 0
        from .build import build_case
        print("\n".join(build_case(args.folder, out=args.out)))
        return 0
    except KitError as error:
        print(error, file=sys.stderr)
        return REFUSED


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m medialit.casekit", description=__doc__.split("\n\n")[0])
    _fill(parser)
    return run(parser.parse_args(argv))
