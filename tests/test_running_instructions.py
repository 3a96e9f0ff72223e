"""What the book tells a reader about running the course matches what the course needs."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INTRO = ROOT / "book" / "intro.md"


def _sentences_naming(word: str, text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.:;])\s+", " ".join(text.split())) if word in s]


def test_the_intro_does_not_ask_for_node_js() -> None:
    """The site and the notebooks need no Node.js; only the course's own tests install npm packages."""
    text = INTRO.read_text(encoding="utf-8")
    for sentence in _sentences_naming("Node", text):
        assert "not needed" in sentence or "only the course's own tests" in sentence, sentence


def test_the_intro_asks_for_python_311_or_newer() -> None:
    text = " ".join(INTRO.read_text(encoding="utf-8").split())
    assert "Python 3.11 or newer" in text
    assert not re.search(r"Python 3\.11(?! or newer)", text), "the intro still asks for exactly Python 3.11"
