"""Every CSV the course writes goes through ``safe_row``: no cell a spreadsheet would run as a formula.

A student chooses their id (an exchange folder, an LMS file name), and reasons and flags quote their file
names. Written verbatim, ``=HYPERLINK(...)`` or ``@SUM(...)`` in grades.csv or the Canvas file is a formula
for the spreadsheet that opens it. OWASP's CSV-injection guidance: a cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is prefixed with a single quote, so it shows as text. Numbers stay numbers:
Python numbers pass unchanged, and so does text that is only a decimal number (``-2.5``, a score the course
formatted), which no spreadsheet runs; ``-2+3+cmd|...`` is not a number and gets the quote.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


def safe_cell(value: Any) -> Any:
    """One cell: None as blank, numbers as they are, text that a spreadsheet would run with a leading quote."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def safe_row(values: Iterable[Any]) -> list[Any]:
    """A row for csv.writer with every cell through safe_cell."""
    return [safe_cell(value) for value in values]
