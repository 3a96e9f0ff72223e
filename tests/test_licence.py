"""Licences (issue 12): BSD-3-Clause for code, CC BY 4.0 for the course's text, stated in the licence files,
pyproject.toml and the site's footer; the article's status stated in seeds/ and on the article page."""
from __future__ import annotations

import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def test_licence_files() -> None:
    code = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert code.startswith("BSD 3-Clause License") and "Neither the name of the copyright holder" in code
    text = (REPO / "LICENSE-TEXT").read_text(encoding="utf-8")
    assert "Creative Commons Attribution 4.0 International Public License" in text
    assert "Creative Commons may be contacted at creativecommons.org." in text
    for licence in (code, text):
        assert "seeds/README.md" in licence  # each says the article is not covered


def test_pyproject_states_the_code_licence() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "BSD-3-Clause"
    assert project["license-files"] == ["LICENSE", "LICENSE-TEXT"]


def test_the_site_footer_states_both_licences_and_the_article() -> None:
    footer = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))["html"]["extra_footer"]
    for words in ("CC BY 4.0", "BSD 3-Clause", "World Socialist Web Site", "criticism and teaching"):
        assert words in footer


def test_the_article_is_stated_to_be_its_publishers() -> None:
    for path in (REPO / "seeds/README.md", REPO / "book/article.md"):
        text = " ".join(path.read_text(encoding="utf-8").split())
        assert "reproduces it whole" in text and "criticism and teaching" in text, path
        assert "World Socialist Web Site" in text, path
