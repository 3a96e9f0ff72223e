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
    looped = list(_sentences_naming("Node", text))
    assert looped, "nothing to check: _sentences_naming('Node', text) is empty"
    for sentence in looped:
        assert "not needed" in sentence or "only the course's own tests" in sentence, sentence


def test_the_intro_asks_for_python_311_or_newer() -> None:
    text = " ".join(INTRO.read_text(encoding="utf-8").split())
    assert "Python 3.11 or newer" in text
    assert not re.search(r"Python 3\.11(?! or newer)", text), "the intro still asks for exactly Python 3.11"


# A code cell's fence line and what follows it up to the closing fence: its options and its code.
CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.S | re.M)


def _cell_tags(cell: str) -> list[str]:
    """The tags of one MyST code cell, written as `:tags: [...]` or in a `---` YAML block."""
    match = re.match(r":tags:\s*\[(.*?)\]", cell) or re.match(r"---\n(?:.*\n)*?tags:\s*\[(.*?)\]\n(?:.*\n)*?---\n", cell)
    return [tag.strip() for tag in match.group(1).split(",")] if match else []


def test_every_code_cell_in_the_book_is_folded_or_hidden() -> None:
    """Readers who do not program see what the code produces; the code is one click away or left out."""
    bare = []
    cells = 0
    for path in sorted((ROOT / "book").glob("*.md")):
        for cell in CODE_CELL.findall(path.read_text(encoding="utf-8")):
            cells += 1
            if not {"hide-input", "remove-input", "remove-cell"} & set(_cell_tags(cell)):
                bare.append(f"book/{path.name}: {cell.strip().splitlines()[0][:70]}")
    assert cells >= 20, f"only {cells} code cells found: is the pattern broken?"
    assert not bare, "code cells shown unfolded (tag them hide-input, or remove-input):\n" + "\n".join(bare)


def test_the_tag_reader_reads_both_spellings() -> None:
    assert _cell_tags(":tags: [remove-input]\nx = 1\n") == ["remove-input"]
    assert _cell_tags("---\ntags: [remove-input, hide-output]\nmystnb:\n  a: b\n---\n\nx\n") == \
        ["remove-input", "hide-output"]
    assert _cell_tags("x = 1\n") == []


def test_the_intro_says_how_to_open_a_chapter_as_a_notebook() -> None:
    text = " ".join(INTRO.read_text(encoding="utf-8").split())
    assert "Open With > Jupytext Notebook" in text and "right-click" in text


def test_the_intro_starts_jupyterlab_with_the_student_settings() -> None:
    """A student following the intro gets no instructor tools (tests/browser/test_student_jupyter.py)."""
    text = INTRO.read_text(encoding="utf-8")
    starts = [line for line in text.splitlines() if ".venv/bin/jupyter lab" in line]  # the commands, not the prose
    assert starts, "the intro no longer says how to start JupyterLab"
    for line in starts:
        assert 'JUPYTER_CONFIG_PATH="$PWD/student/jupyter"' in line, line
    assert (ROOT / "student" / "jupyter" / "labconfig" / "page_config.json").is_file()
