"""Write a set of files all at once or not at all, and dump YAML the way the case files are written."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml


class KitError(ValueError):
    """Bad input to a case-kit command. The message names the file, the record and what to do."""


def dump_yaml(data: Any) -> str:
    """YAML as the case files are written: keys in order, long lines kept whole, Unicode as is."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100000, default_flow_style=False)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def readable(path: Path) -> Path:
    """Give a staged file or folder the mode a plain write would (mkstemp and mkdtemp make them private), so a
    graded kernel running as another user can read the case."""
    path.chmod((0o777 if path.is_dir() else 0o666) & ~_umask())
    return path


def write_all(files: dict[Path, str]) -> None:
    """Write every file, or none: each goes to a temporary file beside it first, then all are renamed."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            staged.append((readable(Path(name)), path))
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, path in staged:
        os.replace(temporary, path)


def create_folder(folder: Path, files: dict[str, str]) -> None:
    """Create `folder` holding `files` (name -> text); it appears complete or not at all."""
    if folder.exists() and any(folder.iterdir()):
        raise KitError(f"{folder}: already exists and is not empty. Choose a new folder, or remove this one first.")
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = readable(Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent)))
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        if folder.exists():
            folder.rmdir()
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
