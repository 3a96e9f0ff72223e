"""`nbgrader autograde <assignment>` with a stopwatch on each step; run inside a course directory.

    python benchmarks/autograde_steps.py OUT.json autograde <assignment> [nbgrader options]

The command is nbgrader's own (NbGraderApp.launch_instance, as the `nbgrader` script runs it, with
the course's nbgrader_config.py); only timers are added around nbgrader's import, the per-student
set-up (init_assignment), every preprocessor call and the notebook writes. Wall-clock timers, not
cProfile: cProfile's per-call cost inflates the many small gradebook queries several times over.
"""
from __future__ import annotations

import atexit
import collections
import json
import sys
import time
from typing import Any, Callable

started = time.perf_counter()
from nbconvert.preprocessors.base import Preprocessor  # noqa: E402
from nbgrader.apps.nbgraderapp import NbGraderApp  # noqa: E402
from nbgrader.converters import autograde, base  # noqa: E402

imported = time.perf_counter() - started
seconds: dict[str, float] = collections.defaultdict(float)
calls: collections.Counter[str] = collections.Counter()


def stopwatch(label: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        begin = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            seconds[label] += time.perf_counter() - begin
            calls[label] += 1
    return timed


original_call = Preprocessor.__call__


def timed_preprocessor(self: Preprocessor, nb: Any, resources: Any) -> Any:
    return stopwatch(f"preprocessor {type(self).__name__}", original_call)(self, nb, resources)


Preprocessor.__call__ = timed_preprocessor  # type: ignore[method-assign]
autograde.Autograde.init_assignment = stopwatch("init_assignment (gradebook: student, submission, files)",
                                                autograde.Autograde.init_assignment)
autograde.Autograde.convert_single_notebook = stopwatch("convert_single_notebook (everything per notebook)",
                                                        autograde.Autograde.convert_single_notebook)
base.BaseConverter.write_single_notebook = stopwatch("write notebooks", base.BaseConverter.write_single_notebook)


@atexit.register
def report() -> None:
    out = {
        "import_nbgrader_seconds": round(imported, 3),
        "total_seconds": round(time.perf_counter() - started, 3),
        "steps": {k: {"seconds": round(v, 3), "calls": calls[k]} for k, v in sorted(seconds.items(), key=lambda kv: -kv[1])},
    }
    with open(out_path, "w") as f:
        json.dump(out, f, indent=1)


out_path = sys.argv[1]
sys.argv = ["nbgrader", *sys.argv[2:]]
NbGraderApp.launch_instance()
