"""Print the [start, end) offsets of a phrase in a paragraph, for authors adding annotation records.

    python -m medialit.tooling.locate 8 "so-called"
"""
from __future__ import annotations

import argparse

from .. import current_case, load_case
from ..scoring import phrases_to_spans


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paragraph", type=int, help="paragraph number in the canonical article")
    parser.add_argument("phrase", help="the words exactly as they appear")
    parser.add_argument("--case", default=current_case())
    args = parser.parse_args(argv)
    case = load_case(args.case)
    paragraph = case.paragraph(args.paragraph)
    try:
        [(start, end)] = phrases_to_spans([args.phrase], case.text, within=(paragraph.start, paragraph.end))
    except ValueError as error:
        parser.exit(2, f"{error}\n")
    print(f"    paragraph: {paragraph.number}\n    start: {start}\n    end: {end}\n    text: {case.text[start:end]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
