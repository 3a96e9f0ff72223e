"""Fast imports for code that runs in every kernel (book chapters, exercises, nbgrader autograding)."""
from __future__ import annotations

import sys
from typing import Any


def import_jsonschema() -> Any:
    """jsonschema, without the 2.5 s its optional `rfc3987_syntax` import costs every kernel.

    Jupyter installs rfc3987_syntax, and jsonschema builds its IRI grammar at import time; every notebook
    that loads the case (the book, exercises, each nbgrader autograde) paid for it. Our schemas use no IRI
    formats, so that optional checker is hidden during the import only; other code can still import it.
    """
    if "jsonschema" in sys.modules:
        return sys.modules["jsonschema"]
    hidden = "rfc3987_syntax" not in sys.modules
    if hidden:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # makes `import` raise ImportError
    try:
        import jsonschema
    finally:
        if hidden:
            del sys.modules["rfc3987_syntax"]
    return jsonschema
