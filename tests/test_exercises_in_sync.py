"""exercises/ is exactly what `nbgrader generate_assignment` makes from solutions/ today.

The student versions are committed (students and the site link to them), so an edit to a source notebook
that is not followed by regenerating them would ship stale exercises. This test regenerates every
assignment in a temporary course (the repository's nbgrader_config.py and solutions/, nothing else)
and compares the result with the committed exercises/ byte for byte. Nothing is normalised: nbgrader's
output is deterministic for these notebooks (it writes no timestamps or random ids into them).

To fix a failure, run from the repository root
    nbgrader generate_assignment '*' --force
and commit exercises/ (the gradebook.db it creates is gitignored).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from submissions import ASSIGNMENTS, CHECK_ASSIGNMENTS, REPO, generate_all, make_course

pytestmark = pytest.mark.slow


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".ipynb_checkpoints" not in p.parts}


def test_committed_exercises_match_a_fresh_generation(tmp_path: Path) -> None:
    course = make_course(tmp_path / "course")
    generate_all(course)
    fresh, committed = _files(course / "exercises"), _files(REPO / "exercises")
    assert sorted({name.split("/")[0] for name in fresh}) == sorted(ASSIGNMENTS + CHECK_ASSIGNMENTS)
    missing = sorted(set(fresh) - set(committed))
    extra = sorted(set(committed) - set(fresh))
    changed = sorted(name for name in set(fresh) & set(committed) if fresh[name] != committed[name])
    assert not (missing or extra or changed), (
        "exercises/ is out of date with solutions/: "
        f"missing {missing}, not generated any more {extra}, different {changed}. "
        "Run `nbgrader generate_assignment '*' --force` at the repository root and commit exercises/."
    )
