"""Put the student notebooks on the site as one zip that runs on its own (a Sphinx extension).

Self-learners who do not clone the repository download `_static/exercises.zip` from the "Start here"
page. Unzipped, it is a folder `medialit-course/` that needs only `pip install -r requirements.txt`:

* `exercises/`: exactly the student notebooks nbgrader generates (never anything from `solutions/`);
* `medialit/`: the course package the notebooks import, without `medialit/tooling/` (the site's build
  tools, which need Sphinx); no module of the package holds a graded key (tests/test_no_key_leak.py);
* `seeds/`: the article and the public practice data that `load_case` reads (`medialit/../seeds`);
* `pyproject.toml`, `LICENSE`, `LICENSE-TEXT`: so that `pip install -e .` installs the package in place;
* from `student/`: `README.md` (how to install and start) and `requirements.txt`.

Nothing from `solutions/` and no notebook with hidden tests is ever written: the zip is refused instead.
Entries get a fixed timestamp so unchanged inputs give the same bytes.
Enabled in _config.yml with ``sphinx: extra_extensions: [medialit.tooling.downloads]``.
"""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from sphinx.util import logging

logger = logging.getLogger(__name__)

ZIP_NAME = "_static/exercises.zip"
TOP_FOLDER = "medialit-course"
_FIXED_TIME = (2018, 2, 9, 0, 0, 0)  # the article's date; any constant keeps the zip reproducible
_HIDDEN_MARKER = "BEGIN HIDDEN TESTS"
_SKIPPED_PARTS = {".ipynb_checkpoints", "__pycache__", ".pytest_cache"}
_ROOT_FILES = ("pyproject.toml", "LICENSE", "LICENSE-TEXT")
# Folders of the repository copied whole (less _SKIPPED_PARTS), and the parts of them left out.
_FOLDERS = ("exercises", "medialit", "seeds")
_LEFT_OUT = ("medialit/tooling",)


class DownloadError(RuntimeError):
    """The exercises folder is missing or something that must not be published would be."""


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and not _SKIPPED_PARTS & set(p.parts) and not p.name.endswith(".pyc"))


def exercise_files(exercises: Path) -> list[Path]:
    """Every file under exercises/ except editor checkpoints, sorted."""
    if not exercises.is_dir():
        raise DownloadError(f"{exercises} is missing: run `nbgrader generate_assignment '*'` to create it.")
    files = _files_under(exercises)
    if not any(p.suffix == ".ipynb" for p in files):
        raise DownloadError(f"{exercises} holds no notebooks: run `nbgrader generate_assignment '*'`.")
    return files


def student_files(root: Path) -> dict[str, Path]:
    """What the zip holds: archive name (below the top folder) -> file in the repository `root`."""
    chosen: dict[str, Path] = {}
    for path in exercise_files(root / "exercises"):
        chosen[path.relative_to(root).as_posix()] = path
    for folder in _FOLDERS[1:]:
        if not (root / folder).is_dir():
            raise DownloadError(f"{root / folder} is missing: the notebooks cannot run without it.")
        for path in _files_under(root / folder):
            name = path.relative_to(root).as_posix()
            if not any(name.startswith(left_out + "/") for left_out in _LEFT_OUT):
                chosen[name] = path
    for name in _ROOT_FILES:
        chosen[name] = root / name
    for path in sorted((root / "student").glob("*")):
        if path.is_file():
            chosen[path.name] = path
    for name, path in chosen.items():
        if not path.is_file():
            raise DownloadError(f"{path} is missing: the exercises zip needs it ({name}).")
        if "solutions" in Path(name).parts:
            raise DownloadError(f"{path}: nothing from solutions/ may be published.")
        # Notebooks only: medialit/grading/award.py names the marker because it parses hidden tests.
        if path.suffix == ".ipynb" and _HIDDEN_MARKER in path.read_text(encoding="utf-8", errors="replace"):
            raise DownloadError(f"{path} contains hidden tests: regenerate exercises/ with nbgrader.")
    return dict(sorted(chosen.items()))


def write_exercises_zip(root: Path, destination: Path) -> list[str]:
    """Write the zip from the repository `root`; returns the archive names ('medialit-course/...')."""
    files = student_files(root)
    destination.parent.mkdir(parents=True, exist_ok=True)
    names = []
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, path in files.items():
            info = zipfile.ZipInfo(f"{TOP_FOLDER}/{name}", date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16  # readable files whatever the builder's umask
            archive.writestr(info, path.read_bytes())
            names.append(info.filename)
    return names


def _on_build_finished(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    root = Path(app.srcdir)
    if not (root / "exercises").exists():
        # Small books built from the course config (the widget tests' fixture pages) have no exercises;
        # the course site always does, and tests/browser/test_site_links.py fails if its zip is missing.
        logger.info("medialit.tooling.downloads: no exercises/ folder in %s, so no exercises.zip", app.srcdir)
        return
    write_exercises_zip(root, Path(app.outdir) / ZIP_NAME)


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point."""
    app.connect("build-finished", _on_build_finished)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
