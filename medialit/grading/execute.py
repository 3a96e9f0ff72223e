"""Run a submission for autograding: in the sandbox, and so that one mistake costs only its own task.

``SandboxedExecute`` replaces nbgrader's ``Execute`` step. Each notebook gets a fresh kernel in the
jail of ``sandbox.py``. When a cell does not finish within the course's timeout even after the
interrupt (a bare ``except:`` in a retry loop swallows it), or the kernel dies (``os._exit``, a
memory limit, a segfault), nbgrader would fail the whole notebook and every right answer in it
would score 0. Here the kernel is killed and restarted instead, the cells that had already run
without error are run again (quietly: their saved outputs stay as they were) so later cells find
their variables, the failed cell gets an error output that says what happened, and grading goes on
with the next cell. Each such event is recorded in ``resources["medialit"]["incidents"]``.
"""
from __future__ import annotations

import copy
from typing import Any

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import Int

from .sandbox import SandboxedKernelManager

# What ends a cell badly enough that the kernel cannot be trusted any more.
KERNEL_FAILURES = (CellTimeoutError, DeadKernelError, TimeoutError, RuntimeError)


class SandboxedExecute(Execute):
    """nbgrader's Execute with sandboxed kernels, kernel restarts and a start-up retry."""

    max_restarts = Int(3, help="Kernel restarts per notebook before the remaining cells are left unrun.").tag(
        config=True)
    start_attempts = Int(3, help="Tries to start a kernel before the notebook fails.").tag(config=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # nbgrader's Execute sets its own default kernel manager through a keyword, which would win over config.
        kwargs["kernel_manager_class"] = SandboxedKernelManager
        super().__init__(*args, **kwargs)

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> tuple[NotebookNode, Any]:
        self._ran_cleanly: list[int] = []
        self._restarts = 0
        self._incidents = resources.setdefault("medialit", {}).setdefault("incidents", [])
        return super().preprocess(nb, resources, km)

    async def async_start_new_kernel_client(self) -> Any:
        # A kernel that fails to start (a busy machine, a slow disk) is tried again with a fresh manager.
        for attempt in range(1, self.start_attempts + 1):
            try:
                return await super().async_start_new_kernel_client()
            except Exception as error:  # noqa: BLE001 - any start-up failure is worth one more try
                if attempt == self.start_attempts:
                    raise
                self.log.warning("medialit: kernel failed to start (%s); trying again (%d of %d)",
                                 error, attempt + 1, self.start_attempts)
                self.km = self.create_kernel_manager()
                await self.async_start_new_kernel()
        raise AssertionError("unreachable")

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> tuple[NotebookNode, Any]:
        if cell.cell_type != "code":
            return cell, resources
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if self._restarts > self.max_restarts:
            cell.outputs = [_error("NotRun", f"this cell was not run: the kernel had to be restarted "
                                             f"{self.max_restarts} times already in this notebook")]
            return cell, resources
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except KERNEL_FAILURES as error:
            kind = "timeout" if isinstance(error, (CellTimeoutError, TimeoutError)) else "kernel_died"
            what = (f"this cell was still running after the {self.timeout} s limit and did not stop when "
                    "interrupted" if kind == "timeout" else "the kernel stopped while running this cell")
            cell.outputs = [_error("CellTimeoutError" if kind == "timeout" else "DeadKernelError",
                                   f"{what}; it scores 0. The kernel was restarted and the cells before it "
                                   "were run again, so the rest of the notebook was graded.")]
            self._incidents.append({"cell": grade_id, "task": None, "kind": kind, "message": what})
            self.log.warning("medialit: cell %s (%s): %s; restarting the kernel", index, grade_id, what)
            self._restart_and_replay()
            return cell, resources
        if not any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            self._ran_cleanly.append(index)
        return cell, resources

    def _restart_and_replay(self) -> None:
        self._restarts += 1
        if self._restarts > self.max_restarts:
            return
        self._cleanup_kernel()
        self.km = self.create_kernel_manager()
        self.start_new_kernel()
        self.start_new_kernel_client()
        for index in list(self._ran_cleanly):
            # Run a copy: the saved cell keeps the outputs of its first run.
            scratch = copy.deepcopy(self.nb.cells[index])
            try:
                self.execute_cell(scratch, index, store_history=False)
            except KERNEL_FAILURES as error:
                self._incidents.append({"cell": None, "task": None, "kind": "replay_failed",
                                        "message": f"re-running cell {index} after a restart failed: {error}"})
                self._ran_cleanly.remove(index)
                self._restart_and_replay()
                return
        self._incidents.append({"cell": None, "task": None, "kind": "kernel_restarted",
                                "message": f"kernel restarted; {len(self._ran_cleanly)} earlier cell(s) re-run"})


def _error(name: str, message: str) -> NotebookNode:
    return new_output("error", ename=name, evalue=message, traceback=[f"{name}: {message}"])
