"""The `medialit` console command: one entry point with a group per area (installed by pyproject.toml's
`[project.scripts]`). Each group lives in its own module, which exposes `add_parser(subparsers)` and handles its
own arguments; this file only dispatches.

    medialit case new|import|check|build ...     (medialit.casekit.cli)
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    from .casekit import cli as case_cli

    parser = argparse.ArgumentParser(prog="medialit", description=__doc__.split("\n\n")[0])
    groups = parser.add_subparsers(dest="group", required=True, metavar="GROUP")
    case_cli.add_parser(groups).set_defaults(run=case_cli.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
