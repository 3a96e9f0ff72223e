"""`medialit case new DIR --text ARTICLE.txt`: a case folder from an article's text.

The raw text is kept as the case's seed (`source.txt`), so that offsets from annotation tools, which count over
the text they were given, can be mapped onto the paragraphs. The headline, byline, a date line and a footer are
recognised (medialit.casekit.text) and become metadata; what is neither recognised nor given as an option is
asked for on a terminal, or refused by name otherwise. Every other file is a skeleton with its header comments.
"""
from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from string import Template
from typing import Any

from ..case import CASE_ID_PATTERN
from .files import KitError, create_folder, dump_yaml
from .text import blocks, recognise

TEMPLATES = Path(__file__).resolve().parent / "templates" / "case"
SEED_NAME = "source.txt"
_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%B %d, %Y", "%d %b %Y", "%b %d, %Y")


def _parse_date(text: str | None) -> str | None:
    for form in _DATE_FORMATS:
        try:
            return datetime.strptime((text or "").strip(), form).date().isoformat()
        except ValueError:
            continue
    return None


def case_id(folder: Path) -> str:
    name = folder.name
    if not re.match(CASE_ID_PATTERN, name):
        raise KitError(f"{folder}: the folder's name {name!r} is the case id and must be lower-case letters, digits "
                       "and hyphens (e.g. city-budget-2026).")
    return name


def new_case(folder: Path, text_file: Path, *, title: str | None = None, author: str | None = None,
             outlet: str | None = None, published: str | None = None, url: str | None = None,
             ask: Callable[[str], str] | None = None) -> list[str]:
    """Create the case folder; returns the lines of the report. `ask` prompts for what is missing (None: refuse)."""
    name = case_id(folder)
    try:
        raw = text_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise KitError(f"{text_file}: cannot be read as UTF-8 text ({error}). Save the article as plain UTF-8 text.")
    layout = recognise(blocks(raw))
    if not layout.body:
        raise KitError(f"{text_file}: holds no paragraphs. Paragraphs are separated by a blank line.")
    byline = re.sub(r"^(by|von|par)\s+", "", layout.byline or "", flags=re.IGNORECASE) or None
    values: dict[str, str | None] = {"title": title or layout.headline, "author": author or byline, "outlet": outlet,
              "date": published or _parse_date(layout.date_line)}
    for key, option in (("title", "--title"), ("author", "--author"), ("outlet", "--outlet"), ("date", "--date")):
        if not values[key] and ask is not None:
            values[key] = ask(f"The article's {key}{' (YYYY-MM-DD)' if key == 'date' else ''}: ").strip() or None
        if not values[key]:
            raise KitError(f"{text_file}: no {key} was recognised in the text; give it with {option}.")
    filled = {key: value for key, value in values.items() if value}
    try:
        date.fromisoformat(filled["date"])
    except ValueError:
        raise KitError(f"--date {values['date']!r} is not a date: write it as YYYY-MM-DD.") from None
    repairs = []
    if layout.headline or layout.byline or layout.date_line:
        repairs.append({"kind": "heading_to_metadata", "what": "The first lines of the text (" + ", ".join(
            w for w, v in (("headline", layout.headline), ("byline", layout.byline), ("date", layout.date_line)) if v)
            + ") become the title, author and date fields above, not paragraphs."})
    if layout.footer:
        repairs.append({"kind": "drop_footer", "what": f"The footer ({layout.footer!r}) is left out of the paragraphs."})
    article: dict[str, Any] = {"schema": "article/1", "seed": f"{name}/{SEED_NAME}", "title": filled["title"],
                               "author": filled["author"], "date": filled["date"], "outlet": filled["outlet"]}
    if url:
        article["outlet_url"] = url
    article |= {"repairs": repairs, "paragraphs": [b.text for b in layout.body]}
    # The paragraphs are numbered in comments, as in the other cases' article.yaml.
    lines, number = [], 0
    in_paragraphs = False
    for line in dump_yaml(article).splitlines():
        if line == "paragraphs:":
            in_paragraphs = True
        elif in_paragraphs and line.startswith("- "):
            number += 1
            lines.append(f"  # {number}")
            line = "  " + line
        lines.append(line)
    header = (f"# The canonical article of case {name}: the one text every part of the course reads.\n"
              f"# It is {SEED_NAME} (the text as received, kept for annotation tools' offsets) with the repairs listed\n"
              "# under `repairs`. Paragraph numbers are 1-based and stable: annotations and exercises refer to them.\n"
              "# Edit a paragraph only with care: run `medialit case check` afterwards, it finds offsets that drifted.\n")
    provenance: dict[str, Any] = {
        "schema": "provenance/1", "case": name, "seed_file": SEED_NAME, "outlet": filled["outlet"],
        "author": filled["author"], "published": filled["date"], "original_address": url,
        "publisher_note": "TODO: who publishes the outlet, and what a reader should know about it before weighing its "
                          "words (from sources you cite, not from memory)."}
    if layout.footer:
        provenance["footer_as_received"] = layout.footer
    substitutions = {"case": name, "case_dir": str(folder), "author": filled["author"], "outlet": filled["outlet"]}
    files = {SEED_NAME: raw, "article.yaml": header + "\n".join(lines) + "\n",
             "provenance.yaml": "# Where the article comes from and what a reader should find out about its outlet.\n"
                                + dump_yaml(provenance)}
    for template in sorted(TEMPLATES.glob("*.yaml")):
        files[template.name] = Template(template.read_text(encoding="utf-8")).substitute(substitutions)
    create_folder(folder, files)
    recognised = [f"{w}: {v!r}" for w, v in (("headline", layout.headline), ("byline", layout.byline),
                                               ("date line", layout.date_line), ("footer", layout.footer)) if v]
    return [f"created {folder} ({len(layout.body)} paragraphs)",
            "recognised " + ("; ".join(recognised) if recognised else "no headline, byline, date or footer"),
            f"next: choose practice and graded paragraphs in {folder / 'passages.yaml'}, then "
            f"`medialit case import {folder} --format labelstudio EXPORT.json` (or ptc, doccano)"]


def terminal_prompt() -> Callable[[str], str] | None:
    """A prompt on an interactive terminal; None when stdin is not one (then a missing field is refused)."""
    return input if sys.stdin.isatty() else None
