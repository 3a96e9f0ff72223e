"""Hooks for every pytest run from the repository root, including scripts/test's run of the notebooks alone.

nbval's cells (the notebooks scripts/test passes) are the `notebook` lane, and slow: `-m "not slow"` leaves them
out. (tests/conftest.py marks the rest of the lanes.)
"""
from __future__ import annotations

from pathlib import Path

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.path)).suffix == ".ipynb":
            item.add_marker(pytest.mark.notebook)
            item.add_marker(pytest.mark.slow)
