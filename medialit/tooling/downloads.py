"""Put the student notebooks on the site as one zip (a Sphinx extension).

Self-learners who do not clone the repository download `_static/exercises.zip` from the "Start here"
page. It holds exactly the files of `exercises/` (the student versions nbgrader generates), never
anything from `solutions/`. Entries get a fixed timestamp so an unchanged folder gives the same bytes.
Enabled in _config.yml with ``sphinx: extra_extensions: [medialit.tooling.downloads]``.
"""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from sphinx.util import logging

logger = logging.getLogger(__name__)

ZIP_NAME = "_static/exercises.zip"
_FIXED_TIME = (2018, 2, 9, 0, 0, 0)  # the article's date; any constant keeps the zip reproducible


class DownloadError(RuntimeError):
    """The exercises folder is missing or holds something that must not be published."""


def exercise_files(exercises: Path) -> list[Path]:
    """Every file under exercises/ except editor checkpoints, sorted."""
    if not exercises.is_dir():
        raise DownloadError(f"{exercises} is missing: run `nbgrader generate_assignment '*'` to create it.")
    files = sorted(
        p for p in exercises.rglob("*")
        if p.is_file() and ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts
    )
    if not any(p.suffix == ".ipynb" for p in files):
        raise DownloadError(f"{exercises} holds no notebooks: run `nbgrader generate_assignment '*'`.")
    for path in files:
        if "BEGIN HIDDEN TESTS" in path.read_text(encoding="utf-8", errors="replace"):
            raise DownloadError(f"{path} contains hidden tests: regenerate exercises/ with nbgrader.")
    return files


def write_exercises_zip(exercises: Path, destination: Path) -> list[str]:
    """Write the zip; returns the archive names (e.g. 'exercises/sourcing/sourcing.ipynb')."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    names = []
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in exercise_files(exercises):
            name = "exercises/" + path.relative_to(exercises).as_posix()
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
            names.append(name)
    return names


def _on_build_finished(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    exercises = Path(app.srcdir) / "exercises"
    if not exercises.exists():
        # Small books built from the course config (the widget tests' fixture pages) have no exercises;
        # the course site always does, and tests/browser/test_site_links.py fails if its zip is missing.
        logger.info("medialit.tooling.downloads: no exercises/ folder in %s, so no exercises.zip", app.srcdir)
        return
    write_exercises_zip(exercises, Path(app.outdir) / ZIP_NAME)


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point."""
    app.connect("build-finished", _on_build_finished)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
