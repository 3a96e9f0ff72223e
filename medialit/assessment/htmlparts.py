"""The pieces every HTML page of the assessment is built from: escaping, numbers as text, figure ids, SVG figures.

One module, so the check report (``report.py``), the graded-task sections (``tasks.py``) and the class
overview (``overview.py``) escape the same way and draw figures with the same text alternative:

    ids = FigureIds("tasks")              # one per page: ids are unique within it, and no global counter
    svg(ids, "Title", "What it shows, in words", 600, 120, body)

Every figure is an inline ``<svg role="img">`` whose accessible name is its ``<title>`` and whose
description is its ``<desc>``; nothing is fetched, nothing is scripted.
"""
from __future__ import annotations

import html
import re

__all__ = ["FigureIds", "esc", "fmt", "pct", "svg", "scrolls", "slug", "shorten", "TABLE", "CELL", "NUM"]


def esc(text: object) -> str:
    """Text (or a number) made safe inside an element or a quoted attribute."""
    return html.escape(str(text), quote=True)


def fmt(value: float, digits: int = 2) -> str:
    """A signed number with a true minus sign, and no "−0.00"."""
    text = f"{value:.{digits}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace("-", "\u2212")


def pct(share: float) -> str:
    """A share as a whole percentage, e.g. 0.7 -> "70 %"."""
    return f"{round(100 * share)} %"


def slug(text: str) -> str:
    """A fragment of an id attribute made from any text (letters, digits and hyphens only)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "x"


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word and marked with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return (cut if len(cut) > limit // 2 else text[: limit - 1]) + "…"


class FigureIds:
    """Ids for one page's figures: ``next()`` gives "<prefix>-fig1", "<prefix>-fig2", ... (never twice)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = slug(prefix)
        self.count = 0

    def next(self) -> str:
        self.count += 1
        return f"{self.prefix}-fig{self.count}"


def svg(ids: FigureIds, title: str, description: str, width: float, height: float, body: str, *,
        css_class: str = "", role: str = "img") -> str:
    """An inline SVG figure with its title and text description (the figure's name and description for AT).

    ``role="group"`` is for a figure whose parts can take keyboard focus (a scatter's points): an image's
    children are hidden from assistive technology, so focusable points cannot sit inside one.
    """
    figure = ids.next()
    tid, did = f"{figure}-t", f"{figure}-d"
    klass = f' class="{esc(css_class)}"' if css_class else ""
    return (f'<svg id="{figure}" viewBox="0 0 {width:g} {height:g}" role="{role}" aria-labelledby="{tid} {did}"{klass} '
            f'xmlns="http://www.w3.org/2000/svg"><title id="{tid}">{esc(title)}</title>'
            f'<desc id="{did}">{esc(description)}</desc>{body}</svg>')


def scrolls(table: str, label: str = "table (scrolls sideways on a narrow screen)") -> str:
    """A table in a box that scrolls sideways on a narrow screen (focusable, so a keyboard can scroll it).

    Positioned, so text hidden for screen readers (absolutely positioned) scrolls with the table instead of
    widening the page."""
    return f'<div style="overflow-x:auto;position:relative" tabindex="0" role="region" aria-label="{esc(label)}">{table}</div>'


# Inline styles of the graded-task tables: the sections are embedded in other pages, so they carry their own.
TABLE = 'style="border-collapse:collapse;margin:0.5rem 0 1rem"'
CELL = 'style="border:1px solid #767676;padding:0.2rem 0.5rem;text-align:left;vertical-align:top"'
NUM = 'style="border:1px solid #767676;padding:0.2rem 0.5rem;text-align:right;font-variant-numeric:tabular-nums"'
