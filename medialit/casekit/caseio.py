"""Read a case folder's files as written (before they are complete enough for `load_case`), and find its
private graded-spec file."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..article import Paragraph, build_paragraphs
from .files import KitError

GRADED_SCHEMA = "graded/1"


def read_yaml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise KitError(f"{path}: is missing. Create the case with `medialit case new` first.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise KitError(f"{path}: is not valid YAML ({error}). Correct the YAML syntax.") from None
    if not isinstance(data, dict):
        raise KitError(f"{path}: must be a mapping at the top level. Start the file with `schema: ...`.")
    return data


def paragraphs(folder: Path) -> tuple[Paragraph, ...]:
    texts = read_yaml(folder / "article.yaml").get("paragraphs")
    if not isinstance(texts, list) or not all(isinstance(t, str) and t for t in texts):
        raise KitError(f"{folder / 'article.yaml'}: `paragraphs` must be a list of non-empty strings.")
    return build_paragraphs(texts)


def seed_text(folder: Path) -> str | None:
    """The raw text the case was made from (article.yaml `seed`, relative to the folder holding the case)."""
    seed = read_yaml(folder / "article.yaml").get("seed")
    path = folder.parent / seed if isinstance(seed, str) else None
    return path.read_text(encoding="utf-8") if path is not None and path.is_file() else None


def graded_path(folder: Path) -> Path:
    """The private graded-spec file: graded/<case>.yaml beside seeds/, outside seeds/ and anything published."""
    root = folder.resolve().parent
    base = root.parent if root.name == "seeds" else root
    return base / "graded" / f"{folder.name}.yaml"


def read_graded(folder: Path) -> dict[str, Any]:
    path = graded_path(folder)
    if not path.exists():
        return {"schema": GRADED_SCHEMA, "case": folder.name, "loaded_language": []}
    data = read_yaml(path)
    if data.get("schema") != GRADED_SCHEMA or data.get("case") != folder.name:
        raise KitError(f"{path}: must start with `schema: {GRADED_SCHEMA}` and `case: {folder.name}`.")
    return data
