"""The ``{notes}`` directive: a text box where the book asks the student to write, kept in the browser (a Sphinx extension).

In a chapter::

    :::{notes} stop
    Your three sentences: what happened, how the headline makes you feel, what you know about the outlet.
    :::

The argument is the box's id, unique on its page (it keys the saved text, so keep it when the prompt's wording
changes); the content is the box's label, the prompt the student answers. The HTML is a plain ``<textarea>``,
so the box works as a text box even without scripts; ``_static/work.js`` fills it from, and saves it to, the
browser's localStorage, and the "My work" page (book/my-work.md) lists every saved note chapter by chapter.
Nothing is sent anywhere: the static site has no server.

Enabled in _config.yml with ``sphinx: extra_extensions: [medialit.tooling.notes]``.
"""

from __future__ import annotations

import html
import re
from typing import Any

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class NotesDirective(SphinxDirective):
    """A labelled text box whose text the site keeps (see the module docstring)."""

    required_arguments = 1
    has_content = True
    option_spec = {"rows": lambda value: int(value)}

    def run(self) -> list[nodes.Node]:
        box_id = self.arguments[0]
        if not ID_PATTERN.match(box_id):
            raise self.error(f"notes id {box_id!r} must be lower-case letters, digits and hyphens, such as 'stop-notes'.")
        if not self.content:
            raise self.error(f"notes {box_id!r} needs a label: the prompt the student answers, as the directive's content.")
        # Sphinx empties temp_data after each page, so this set holds the ids of the current page only.
        seen: set[str] = self.env.temp_data.setdefault("medialit_notes_ids", set())
        if box_id in seen:
            raise self.error(f"notes id {box_id!r} is used twice on this page; each box needs its own id (it keys the saved text).")
        seen.add(box_id)
        rows = self.options.get("rows", 5)
        element_id = f"ml-notes-{box_id}"
        label = html.escape(" ".join(line.strip() for line in self.content if line.strip()))
        # One raw block: a <label> must contain or point at its textarea, which docutils nodes cannot express.
        markup = (
            f'<div class="ml-notes" data-notes-id="{box_id}">'
            f'<label class="ml-notes-prompt" for="{element_id}">{label}</label>'
            f'<textarea id="{element_id}" class="ml-notes-text" rows="{rows}" spellcheck="true" '
            f'aria-describedby="{element_id}-status"></textarea>'
            f'<p class="ml-notes-status" id="{element_id}-status"></p>'
            "</div>"
        )
        return [nodes.raw("", markup, format="html")]


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point."""
    app.add_directive("notes", NotesDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
