"""The course's interactive widgets (anywidget): they run in JupyterLab, Notebook 7 and on the static site.

    from medialit.widgets import Highlighter, ClaimSorter, StatementComparer, DetectorLab, DiscernmentCheck, PracticeSet

Each widget lives in its own module with one .js and one .css file beside it. The modules are imported
on first use, so `import medialit.widgets` stays cheap and one widget's module failing to import does
not hide the others.
"""
from __future__ import annotations

import importlib
from typing import Any

# Public name -> module (inside this package) that defines it.
_WIDGETS = {
    "Highlighter": "highlighter",
    "ClaimSorter": "claim_sorter",
    "StatementComparer": "statement_comparer",
    "DetectorLab": "detector_lab",
    "DiscernmentCheck": "discernment_check",
    "PracticeSet": "practice_set",
}

__all__ = list(_WIDGETS)


def __getattr__(name: str) -> Any:
    module_name = _WIDGETS.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}; the widgets are: {', '.join(_WIDGETS)}")
    try:
        module = importlib.import_module(f"{__name__}.{module_name}")
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.{module_name}":
            raise  # a real missing dependency inside the module: show it as it is
        raise ImportError(
            f"{name} is not available yet: medialit/widgets/{module_name}.py does not exist in this checkout."
        ) from None
    value = getattr(module, name)
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WIDGETS))
