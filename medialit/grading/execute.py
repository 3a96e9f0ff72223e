"""Run a submission for autograding: in the sandbox, and so that one mistake costs only its own task.

``SandboxedExecute`` replaces nbgrader's ``Execute`` step. Each notebook gets a fresh kernel in the
jail of ``sandbox.py``. When a cell does not finish within the course's timeout even after the
interrupt (a bare ``except:`` in a retry loop swallows it), or the kernel dies (``os._exit``, a
memory limit, a segfault), nbgrader would fail the whole notebook and every right answer in it
would score 0. Here the kernel is killed and restarted instead, the cells that had already run
without error are run again (quietly: their saved outputs stay as they were) so later cells find
their variables, the failed cell gets an error output that says what happened, and grading goes on
with the next cell. Each such event is recorded in ``resources["medialit"]["incidents"]``.

Budgets hold while the notebook runs, not after it: each output over ``output_chars`` and everything
past ``notebook_output_chars`` is dropped as it arrives (errors are kept, shortened: nbgrader reads
them), so a flood of display data never piles up in the grader's memory; each notebook has
``notebook_timeout`` seconds of wall-clock time, after which its remaining cells are not run. Both
are recorded as incidents. Both are set in nbgrader_config.py (``c.SandboxedExecute.*``). A kernel
that cannot start at all fails only its notebook, with what the sandbox said as the reason in the
status store (status.py), so the report says why.
"""
from __future__ import annotations

import contextlib
import copy
import math
import time
from queue import Empty
from typing import Any

from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import Int

from .kernel_log import install_terminal_filter
from .sandbox import MAX_MESSAGE_BYTES, KernelStartError, SandboxedKernelManager

OUTPUT_TYPES = ("stream", "display_data", "execute_result", "update_display_data", "error")
MAX_ERROR_CHARS = 4000  # an error output kept past the budget: its name, value and last lines

# What ends a cell badly enough that the kernel cannot be trusted any more.
# nbclient's words when the kernel replied but its outputs did not all arrive (nbgrader raises on it).
IOPUB_TIMEOUT = "Timeout waiting for IOPub output"
RECONNECT_SECONDS = 10
KERNEL_FAILURES = (CellTimeoutError, DeadKernelError, TimeoutError, RuntimeError)


class SandboxedExecute(Execute):
    """nbgrader's Execute with sandboxed kernels, kernel restarts and a start-up retry."""

    max_restarts = Int(3, help="Kernel restarts per notebook before the remaining cells are left unrun.").tag(
        config=True)
    start_attempts = Int(3, help="Tries to start a kernel before the notebook fails.").tag(config=True)
    notebook_timeout = Int(300, help="Wall-clock seconds one notebook may run in all; its remaining cells are "
                                     "not run after that (0: no limit).").tag(config=True)
    output_chars = Int(2 * 1024**2, help="Largest single output kept (characters); larger ones are dropped "
                                         "as they arrive.").tag(config=True)
    notebook_output_chars = Int(16 * 1024**2, help="Outputs one notebook may keep in all (characters); "
                                                   "later ones are dropped as they arrive.").tag(config=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # nbgrader's Execute sets its own default kernel manager through a keyword, which would win over config.
        kwargs["kernel_manager_class"] = SandboxedKernelManager
        super().__init__(*args, **kwargs)
        # Incidents and flags quote what students wrote: never a terminal's control sequence in the log.
        install_terminal_filter(self.log)

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> tuple[NotebookNode, Any]:
        self._ran_cleanly: list[int] = []
        self._restarts = 0
        self._incidents = resources.setdefault("medialit", {}).setdefault("incidents", [])
        self._output_used = 0
        self._dropped_in: set[int] = set()
        self._deadline = time.monotonic() + self.notebook_timeout if self.notebook_timeout > 0 else None
        self._out_of_time = False
        self._started = False
        self._start_said = ""
        try:
            return super().preprocess(nb, resources, km)
        except (KernelStartError, RuntimeError) as error:
            if self._started:
                raise
            self._record_start_failure(resources, error)
            raise

    async def _async_cleanup_kernel(self) -> None:
        # nbclient drops its kernel manager here; a kernel that never started leaves its last words first.
        if not self._started and isinstance(self.km, SandboxedKernelManager):
            self._start_said = self.km.start_failure() or self._start_said
        await super()._async_cleanup_kernel()

    def _record_start_failure(self, resources: Any, error: Exception) -> None:
        from .status import _course_root, record_failure

        said = self._start_said
        reason = f"the sandboxed kernel did not start ({error})" + (f"; the sandbox said: {said[-1500:]}" if said else "")
        info = resources.get("nbgrader", {})
        self.log.error("medialit: %s/%s: %s", info.get("student"), info.get("notebook"), reason)
        if {"student", "assignment"} <= set(info):
            record_failure(_course_root(self), info["assignment"], info["student"], reason)

    def _get_timeout(self, cell: NotebookNode | None) -> int | None:
        timeout = super()._get_timeout(cell)
        if cell is None or self._deadline is None:
            return timeout
        left = max(1, math.ceil(self._deadline - time.monotonic()))
        return left if timeout is None else min(timeout, left)

    def process_message(self, msg: dict[str, Any], cell: NotebookNode, cell_index: int) -> NotebookNode | None:
        if msg.get("msg_type") not in OUTPUT_TYPES:
            return super().process_message(msg, cell, cell_index)
        size = _output_size(msg["content"])
        if msg["msg_type"] == "error":
            _shorten_error(msg["content"])
            return super().process_message(msg, cell, cell_index)
        if size > self.output_chars or self._output_used + size > self.notebook_output_chars:
            self._drop(msg, size, cell, cell_index)
            return None
        self._output_used += size
        return super().process_message(msg, cell, cell_index)

    def _drop(self, msg: dict[str, Any], size: int, cell: NotebookNode, cell_index: int) -> None:
        whole = size > self.output_chars
        why = (f"an output of {size:,} characters is over the {self.output_chars:,} limit of one output" if whole
               else f"the notebook's outputs reached their {self.notebook_output_chars:,}-character budget")
        if cell_index in self._dropped_in:
            return
        self._dropped_in.add(cell_index)
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        self._incidents.append({"cell": grade_id, "task": None, "kind": "output_dropped",
                                "message": f"output dropped while the cell ran: {why}"})
        self.log.warning("medialit: cell %s (%s): output dropped: %s", cell_index, grade_id, why)
        cell.outputs.append(new_output("stream", name="stderr",
                                       text=f"[medialit: output dropped while this cell ran: {why}]\n"))

    async def async_start_new_kernel_client(self) -> Any:
        # A kernel that fails to start (a busy machine, a slow disk) is tried again with a fresh manager.
        for attempt in range(1, self.start_attempts + 1):
            try:
                client = await super().async_start_new_kernel_client()
                self._started = True
                return client
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
        if self._out_of_time or (self._deadline is not None and time.monotonic() >= self._deadline):
            self._note_out_of_time(grade_id, index)
            cell.outputs = [_error("NotRun", f"this cell was not run: the notebook's {self.notebook_timeout} s "
                                             "time budget ran out before it")]
            return cell, resources
        limit = self._get_timeout(cell)
        started = time.monotonic()
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
            if self._deadline is not None and time.monotonic() >= self._deadline:
                self._note_out_of_time(grade_id, index)
        except CellTimeoutError as error:
            # After a timeout nbclient makes up the kernel's reply and then waits for outputs too: the same words,
            # but that cell is still running. Only a cell that ended within its limit has a real reply.
            replied = limit is None or time.monotonic() - started < limit
            if IOPUB_TIMEOUT not in str(error) or not replied:
                return self._kernel_failure(cell, resources, index, grade_id, error)
            # The kernel answered (the cell ran to its end, its variables are defined), but its outputs stopped
            # arriving: one over the sandbox's message limit (sandbox.MAX_MESSAGE_BYTES) ends the output
            # connection, which reconnects by itself. The cell keeps what arrived and says what was lost; no
            # restart, so the answers it defined still count.
            self._note_lost_outputs(cell, grade_id, index)
            self._reconnect_channels()
            return cell, resources
        except KERNEL_FAILURES as error:
            return self._kernel_failure(cell, resources, index, grade_id, error)
        if not any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            self._ran_cleanly.append(index)
        return cell, resources

    def _note_lost_outputs(self, cell: NotebookNode, grade_id: str | None, index: int) -> None:
        what = ("this cell's outputs stopped arriving after it ran (an output over the sandbox's "
                f"{MAX_MESSAGE_BYTES // 1024**2} MiB message limit is dropped with the rest of the cell's outputs)")
        self._incidents.append({"cell": grade_id, "task": None, "kind": "output_dropped", "message": what})
        self.log.warning("medialit: cell %s (%s): %s", index, grade_id, what)
        cell.outputs.append(new_output("stream", name="stderr", text=f"[medialit: output dropped: {what}]\n"))

    def _reconnect_channels(self) -> None:
        # libzmq does not reconnect a socket it dropped for an oversized message: open the output channel
        # again (the kernel, which binds it, keeps running with its state), and wait until it carries messages
        # (a subscription takes a moment to reach the kernel; a kernel_info request's status messages show it).
        kc = self.kc
        if kc is None:
            return
        kc.iopub_channel.close()
        kc._iopub_channel = None
        get_iopub = run_sync(kc.get_iopub_msg)
        deadline = time.monotonic() + RECONNECT_SECONDS
        while time.monotonic() < deadline:
            run_sync(kc.get_shell_msg)(timeout=RECONNECT_SECONDS) if kc.kernel_info() else None
            try:
                get_iopub(timeout=0.5)
            except Empty:
                continue
            with contextlib.suppress(Empty):
                while True:  # what is left of the kernel_info request's messages
                    get_iopub(timeout=0.2)
            return
        raise DeadKernelError(f"the kernel's output channel did not come back within {RECONNECT_SECONDS} s")

    def _kernel_failure(self, cell: NotebookNode, resources: Any, index: int, grade_id: str | None,
                        error: Exception) -> tuple[NotebookNode, Any]:
        if self._deadline is not None and time.monotonic() >= self._deadline:
            self._note_out_of_time(grade_id, index)
            cell.outputs = [_error("CellTimeoutError", f"this cell was still running when the notebook's "
                                                       f"{self.notebook_timeout} s time budget ran out")]
            return cell, resources
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

    def _note_out_of_time(self, grade_id: str | None, index: int) -> None:
        if self._out_of_time:
            return
        self._out_of_time = True
        what = (f"the notebook's {self.notebook_timeout} s time budget ran out at cell {index}; "
                "this cell and the ones after it score 0 (c.SandboxedExecute.notebook_timeout)")
        self._incidents.append({"cell": grade_id, "task": None, "kind": "notebook_timeout", "message": what})
        self.log.warning("medialit: %s", what)

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


def _output_size(content: dict[str, Any]) -> int:
    """An output's size in characters, as it will be stored (text, every MIME type's data, a traceback)."""
    size = len(str(content.get("text", "")))
    for value in (content.get("data") or {}).values():
        size += len(value) if isinstance(value, str) else len(str(value))
    for line in content.get("traceback") or ():
        size += len(str(line))
    return size


def _shorten_error(content: dict[str, Any]) -> None:
    content["evalue"] = str(content.get("evalue", ""))[:MAX_ERROR_CHARS]
    kept: list[str] = []
    total = 0
    for line in reversed([str(line) for line in content.get("traceback") or ()]):
        if total + len(line) > MAX_ERROR_CHARS:
            break
        kept.insert(0, line)
        total += len(line)
    content["traceback"] = kept


def _error(name: str, message: str) -> NotebookNode:
    return new_output("error", ename=name, evalue=message, traceback=[f"{name}: {message}"])
