"""Run Jupyter Book's command line with the course's fast jsonschema import.

    python -m medialit.tooling.build_book build . -W --keep-going

jupyter-book imports jsonschema to validate _config.yml, and jsonschema builds the optional IRI grammar
of rfc3987_syntax at import time: about 2 s of a 4.4 s rebuild with nothing to do (benchmarks/README.md).
Jupyter Book's schema checks no formats, so the import can skip that grammar (medialit/_imports.py).
scripts/setup, the benchmarks and the browser tests' fixture books build through this module.
"""
from __future__ import annotations

import sys

from medialit._imports import import_jsonschema


def main(argv: list[str] | None = None) -> int:
    """Run ``jupyter-book <argv>``; return its exit status."""
    import_jsonschema()
    from jupyter_book.cli.main import main as jupyter_book

    try:
        jupyter_book(args=argv if argv is not None else sys.argv[1:], prog_name="jupyter-book")
    except SystemExit as done:
        return int(done.code or 0) if not isinstance(done.code, str) else 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
