"""Practice that makes students read (issue 19, item 1): no chapter text before a practice widget names that widget's
key items (its key phrases, reporting verbs or claims), so the widget cannot be answered from the text above it.

For every practice widget in the book, the share of its key items that the chapter's prose names before it is
computed; the target is 0. An item counts as named when the prose before the widget contains its key phrase (for
the Highlighter and the practice sets' loaded phrases), its reporting verb quoted from the article or the first
words of its claim (for the Claim sorter), compared after normalising quotation marks, case and spacing.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from medialit import CASE, load_case
from medialit.records import LOADED

BOOK = Path(__file__).resolve().parents[1] / "book"
CALL = re.compile(r"(?P<widget>Highlighter|ClaimSorter|PracticeSet)\((?:load_case\(CASE\)|case), "
                  r"(?:paragraphs=\[(?P<paragraphs>[\d, ]+)\]|\"(?P<skill>\w+)\")\)")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _norm(text: str) -> str:
    return " ".join(text.translate(_QUOTES).casefold().split())


def _prose(text: str) -> str:
    """The chapter text a reader reads: code cells and page metadata left out."""
    text = re.sub(r"^---\n.*?\n---\n", " ", text, flags=re.S)
    return _norm(re.sub(r"```.*?```", " ", text, flags=re.S))


def key_items(case, widget: str, paragraphs: list[int], skill: str | None) -> list[tuple[str, list[str]]]:
    """(item, the words that would give it away) for each key item of one widget."""
    if widget == "Highlighter":
        return [(p.id, [p.text.strip("“”\"")]) for p in case.loaded_language if p.paragraph in paragraphs]
    if widget == "ClaimSorter":
        items = []
        for c in case.claims:
            if c.paragraph in paragraphs:
                tells = [" ".join(c.text.split()[:8])]
                if c.reporting_verb:
                    tells.append(f"{{article}}`{c.reporting_verb}")
                items.append((c.id, tells))
        return items
    out = []
    for item in case.practice_set(skill):
        if item.answer_type == "mark":
            out += [(f"{item.id} {p.text!r}", [p.text]) for p in item.phrases if LOADED in p.accepted]
        else:  # a choice about a passage: giving the passage away with its answer starts by quoting it
            out.append((item.id, [" ".join(item.text.split()[:8])]))
    return out


def pre_answered() -> dict[str, tuple[int, int, list[str]]]:
    """For each widget, (items named before it, items, which): keyed 'page:line widget'."""
    case = load_case(CASE)
    found = {}
    for page in sorted(BOOK.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        cells = [m.span() for m in re.finditer(r"```\{code-cell\}.*?```", text, flags=re.S)]
        for match in CALL.finditer(text):
            if not any(a <= match.start() < b for a, b in cells):
                continue  # a usage example in plain code, not a widget on the page
            before = _prose(text[:match.start()])
            paragraphs = [int(n) for n in (match["paragraphs"] or "").replace(" ", "").split(",") if n]
            items = key_items(case, match["widget"], paragraphs, match["skill"])
            named = [item for item, tells in items if any(_norm(t) in before for t in tells)]
            line = text[:match.start()].count("\n") + 1
            found[f"{page.name}:{line} {match['widget']}"] = (len(named), len(items), named)
    return found


def test_every_practice_widget_is_measured() -> None:
    widgets = pre_answered()
    assert {w.split(" ")[1] for w in widgets} == {"Highlighter", "ClaimSorter", "PracticeSet"}, widgets
    assert all(total > 0 for _, total, _ in widgets.values()), widgets


@pytest.mark.parametrize("widget", sorted(pre_answered()))
def test_no_key_item_is_named_before_its_widget(widget: str) -> None:
    named, total, which = pre_answered()[widget]
    assert named == 0, f"{widget}: {named} of {total} key items ({named / total:.0%}) are named before it: {which}"
