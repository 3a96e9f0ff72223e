"""The `article` role: quote the case article in book prose, checked at build time (a Sphinx extension).

In a MyST chapter write {article}`exact words`. The words render as an inline quotation
(``<q class="article-quote">``), and the build emits a warning (an error under ``-W``) when they are
not verbatim in ``load_case(CASE).text``: a misquotation cannot reach the site.

Enabled in _config.yml with ``sphinx: extra_extensions: [medialit.tooling.book_roles]``.
tests/test_book_text.py checks the same rule straight from the Markdown sources, so a misquotation
is also caught without a build.
"""
from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole

from medialit import CASE, load_case

logger = logging.getLogger(__name__)

# Characters a writer easily types in place of the article's own: the article mixes straight and curly
# quotation marks (SOURCES.md), so a near miss is common and deserves a precise hint.
_LOOKALIKES = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'", "\u2014": "-", "\u2013": "-",
})


class article_quote(nodes.Inline, nodes.TextElement):  # noqa: N801 (docutils names nodes in lower case)
    """Words quoted from the case article."""


def normalise_whitespace(words: str) -> str:
    """Line breaks inside a role in the Markdown source are spaces in the quotation."""
    return re.sub(r"\s+", " ", words).strip()


def paragraph_numbers(words: str, case_name: str = CASE) -> list[int]:
    """Numbers of the article paragraphs that contain `words` verbatim (empty if none)."""
    case = load_case(case_name)
    return [p.number for p in case.paragraphs if words in p.text]


def explain_mismatch(words: str, case_name: str = CASE) -> str:
    """Why `words` are not verbatim in the article, and what the article has instead where possible."""
    text = load_case(case_name).text
    if not words:
        return "the quotation is empty."
    folded_text = text.translate(_LOOKALIKES)
    folded_words = words.translate(_LOOKALIKES)
    position = folded_text.find(folded_words)
    if position >= 0:
        actual = text[position:position + len(words)]
        return (f"the quotation marks, apostrophes or dashes differ from the article's; "
                f"the article has {actual!r}: copy it exactly.")
    if folded_text.lower().find(folded_words.lower()) >= 0:
        position = folded_text.lower().find(folded_words.lower())
        actual = text[position:position + len(words)]
        return f"the capitalisation differs; the article has {actual!r}."
    # Longest opening of the quotation that the article does contain: shows where the words go astray.
    low, high = 0, len(folded_words)
    while low < high:
        middle = (low + high + 1) // 2
        if folded_words[:middle] in folded_text:
            low = middle
        else:
            high = middle - 1
    if low >= 8:
        return (f"the article has {words[:low]!r} but not what follows it "
                f"({words[low:low + 30]!r}); check the words after that point.")
    return "no part of it occurs in the article; check the paragraph you are quoting."


def check_quotation(words: str, case_name: str = CASE) -> str | None:
    """None if `words` are verbatim in one paragraph of the article, else a message saying what to fix.

    Whitespace is normalised first, so a quotation can never span the blank line between two paragraphs.
    """
    if paragraph_numbers(words, case_name):
        return None
    return explain_mismatch(words, case_name)


class ArticleRole(SphinxRole):
    """{article}`exact words`: an inline quotation that must be verbatim in the case article."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        words = normalise_whitespace(self.text)
        case_name = self.config.medialit_case
        problem = check_quotation(words, case_name)
        node = article_quote(self.rawtext, words, classes=["article-quote"])
        if problem is None:
            node["paragraphs"] = paragraph_numbers(words, case_name)
        else:
            logger.warning(
                "{article} quotation %r is not verbatim in the article (case %s): %s",
                words, case_name, problem,
                location=self.get_location(), type="medialit", subtype="article_quote",
            )
            node["paragraphs"] = []
        return [node], []


def visit_article_quote_html(self: Any, node: article_quote) -> None:
    attributes: dict[str, str] = {}
    if node["paragraphs"]:
        numbers = ", ".join(str(n) for n in node["paragraphs"])
        label = "paragraph" if len(node["paragraphs"]) == 1 else "paragraphs"
        attributes["data-paragraph"] = numbers
        attributes["title"] = f"From the article, {label} {numbers}"
    self.body.append(self.starttag(node, "q", "", **attributes))


def depart_article_quote_html(self: Any, node: article_quote) -> None:
    self.body.append("</q>")


def visit_article_quote_text(self: Any, node: article_quote) -> None:
    # Builders without <q> (text, LaTeX, man) still need visible quotation marks.
    self.add_text("\u201c") if hasattr(self, "add_text") else self.body.append("\u201c")


def depart_article_quote_text(self: Any, node: article_quote) -> None:
    self.add_text("\u201d") if hasattr(self, "add_text") else self.body.append("\u201d")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("medialit_case", CASE, "env", types=[str])
    app.add_node(
        article_quote,
        html=(visit_article_quote_html, depart_article_quote_html),
        latex=(visit_article_quote_text, depart_article_quote_text),
        text=(visit_article_quote_text, depart_article_quote_text),
        man=(visit_article_quote_text, depart_article_quote_text),
        texinfo=(visit_article_quote_text, depart_article_quote_text),
    )
    app.add_role("article", ArticleRole())
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
