"""SandboxedExecute on small notebooks, without nbgrader: restarts, replays, the restart ceiling, interrupts,
the jail's walls tried from inside the kernel, and the budgets that hold while a notebook runs."""
from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from medialit.grading.execute import SandboxedExecute

# Real sandboxed kernels, interrupted, killed and restarted: about 30 s, so not in the fast lane.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


def run(tmp_path: Path, *sources: str, **settings: object) -> tuple[nbformat.NotebookNode, dict]:
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    resources: dict = {"metadata": {"path": str(tmp_path)}}
    SandboxedExecute(timeout=5, **settings).preprocess(nb, resources)
    return nb, resources


def text(cell: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")


def errors(cell: nbformat.NotebookNode) -> list[str]:
    return [o["ename"] for o in cell.outputs if o.get("output_type") == "error"]


def test_a_dead_kernel_is_restarted_and_earlier_cells_replayed(tmp_path: Path) -> None:
    nb, resources = run(tmp_path, "x = 41", "import os\nos._exit(3)", "print(x + 1)")
    assert errors(nb.cells[1]) == ["DeadKernelError"]
    assert text(nb.cells[2]) == "42\n"  # x came back from the replayed first cell
    kinds = [i["kind"] for i in resources["medialit"]["incidents"]]
    assert kinds == ["kernel_died", "kernel_restarted"]


def test_an_interrupt_that_is_swallowed_ends_in_a_restart(tmp_path: Path) -> None:
    loop = "import time\nwhile True:\n    try:\n        time.sleep(0.2)\n    except:\n        pass"
    nb, resources = run(tmp_path, "y = 'kept'", loop, "print(y)")
    assert errors(nb.cells[1]) == ["CellTimeoutError"]
    assert text(nb.cells[2]) == "kept\n"
    assert resources["medialit"]["incidents"][0]["kind"] == "timeout"


def test_an_interrupt_reaches_the_sandboxed_kernel(tmp_path: Path) -> None:
    # No restart needed: the cell stops with KeyboardInterrupt and the kernel keeps its state.
    nb, resources = run(tmp_path, "z = 7", "import time\ntime.sleep(60)", "print(z)")
    assert "KeyboardInterrupt" in errors(nb.cells[1])
    assert text(nb.cells[2]) == "7\n"
    assert resources["medialit"]["incidents"] == []


def test_restarts_have_a_ceiling(tmp_path: Path) -> None:
    die = "import os\nos._exit(1)"
    nb, resources = run(tmp_path, die, die, die, "print('never')", max_restarts=2)
    assert [errors(c) for c in nb.cells] == [["DeadKernelError"], ["DeadKernelError"], ["DeadKernelError"], ["NotRun"]]
    assert text(nb.cells[3]) == ""


def test_a_deep_temporary_folder_does_not_break_the_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A Unix socket's path holds at most 107 bytes; grade_class's workers and the tests set deep TMPDIRs.
    deep = tmp_path / ("d" * 100)
    deep.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(deep))
    nb, resources = run(tmp_path, "print('ran')")
    assert text(nb.cells[0]) == "ran\n"
    assert list(deep.iterdir()) == []  # the kernel's folders are gone after the run


# --- the jail's walls, each tried from inside the kernel (issue 23) ---------------------------------------
# Each probe is one cell that leaves what it saw in `seen`; EXPECT says what the jail must have allowed.
# tests/test_unprivileged_grader.py runs the same probes under a grader that is not root.

SECRET = "medialit-secret-token"
PROBES = {
    # bubblewrap's own process is the jail's pid 1; it used to keep the grader's environment, which an
    # unprivileged grader's kernel could read (as root the kernel's other uid is refused anyway).
    "environ": """
seen = {}
for pid in [p for p in os.listdir('/proc') if p.isdigit()]:
    try:
        seen[pid] = open(f'/proc/{pid}/environ', 'rb').read().decode(errors='replace')
    except OSError as error:
        seen[pid] = 'refused: ' + error.strerror""",
    "userns": """
import subprocess
libc = ctypes.CDLL(None, use_errno=True)
result = libc.unshare(0x10000000)  # CLONE_NEWUSER
seen = {'unshare': result, 'errno': ctypes.get_errno(),
        'unshare_Ur': subprocess.run(['unshare', '-Ur', 'true'], capture_output=True).returncode}""",
    "seccomp": """
import threading
libc = ctypes.CDLL(None, use_errno=True)
seen = {}
seen['ptrace'] = (libc.ptrace(0, 0, 0, 0), ctypes.get_errno())  # PTRACE_TRACEME
seen['keyctl'] = (libc.syscall(250, 0, -3, 0), ctypes.get_errno())  # KEYCTL_GET_KEYRING_ID, session keyring
seen['mode'] = [l.split()[1] for l in open('/proc/self/status') if l.startswith('Seccomp:')][0]
thread = threading.Thread(target=lambda: None); thread.start(); thread.join()
seen['threads_work'] = True""",
    # ipykernel keeps copies of its stdout and stderr; they were the grader's log file, which a cell
    # rewrote from the start. Now they are the grader's pipe, which cannot seek or shrink.
    "descriptors": """
import stat
seen = {'files': [], 'rewritten': []}
for fd in range(3, 256):
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        continue
    if stat.S_ISREG(mode):
        seen['files'].append(os.readlink(f'/proc/self/fd/{fd}'))
for fd in range(0, 256):
    try:
        os.lseek(fd, 0, 0); os.ftruncate(fd, 0); os.write(fd, b'LOG-REWRITTEN')
        seen['rewritten'].append(fd)
    except OSError:
        pass""",
    # The runtime folder was a bind of the host's /tmp: 5 x 60 MiB went through. The jail's root is
    # bubblewrap's tmpfs, which an unprivileged grader's kernel owns: it must be read-only.
    "disk": """
seen = {'written': 0}
chunk = b'x' * (1 << 20)
try:
    for i in range(5):
        with open(os.path.join(os.environ['JUPYTER_RUNTIME_DIR'], f'fill-{i}'), 'wb') as f:
            for _ in range(60):
                f.write(chunk); f.flush(); seen['written'] += len(chunk)
except OSError as error:
    seen['stopped'] = error.strerror
try:
    open('/fill', 'wb').write(chunk)
    seen['root'] = 'written'
except OSError as error:
    seen['root'] = 'refused: ' + error.strerror""",
}


def expect_environ(seen: dict) -> None:
    assert "1" in seen
    assert not any(SECRET in environ for environ in seen.values()), seen


def expect_userns(seen: dict) -> None:
    assert seen["unshare"] == -1 and seen["errno"] == errno.EPERM, seen
    assert seen["unshare_Ur"] != 0


def expect_seccomp(seen: dict) -> None:
    assert seen["ptrace"] == [-1, errno.EPERM], seen
    assert seen["keyctl"] == [-1, errno.EPERM], seen
    assert seen["mode"] == "2"  # a filter is loaded
    assert seen["threads_work"] is True  # clone3 -> ENOSYS, glibc falls back to clone


def expect_descriptors(seen: dict) -> None:
    assert seen["files"] == [] and seen["rewritten"] == [], seen


def expect_disk(seen: dict) -> None:
    assert seen["written"] <= 2 * 1024**2 and seen.get("stopped"), seen
    assert seen["root"].startswith("refused"), seen


EXPECT = {"environ": expect_environ, "userns": expect_userns, "seccomp": expect_seccomp,
          "descriptors": expect_descriptors, "disk": expect_disk}
PROBE_PRELUDE = "import json, os, ctypes, errno\n"
PROBE_EPILOGUE = "\nprint('PROBE ' + json.dumps(seen))"


def seen_in(cell: nbformat.NotebookNode) -> dict:
    line = next((ln for ln in text(cell).splitlines() if ln.startswith("PROBE ")), None)
    assert line is not None, cell.outputs
    return json.loads(line[len("PROBE "):])


def probe(tmp_path: Path, code: str, **settings: object) -> dict:
    nb, _ = run(tmp_path, PROBE_PRELUDE + code + PROBE_EPILOGUE, **settings)
    return seen_in(nb.cells[0])


def test_the_sandbox_init_holds_none_of_the_graders_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", SECRET)
    expect_environ(probe(tmp_path, PROBES["environ"]))


def test_no_nested_user_namespace(tmp_path: Path) -> None:
    expect_userns(probe(tmp_path, PROBES["userns"]))


def test_seccomp_denies_what_a_notebook_never_needs(tmp_path: Path) -> None:
    expect_seccomp(probe(tmp_path, PROBES["seccomp"]))


def test_the_kernel_holds_no_descriptor_of_the_graders(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    expect_descriptors(probe(tmp_path, PROBES["descriptors"]))
    assert "LOG-REWRITTEN" not in capfd.readouterr().out


def test_terminal_escapes_reach_the_log_inert(tmp_path: Path, capfd: pytest.CaptureFixture[str],
                                               caplog: pytest.LogCaptureFixture) -> None:
    probe(tmp_path, """
for fd in (1, 2):
    os.write(fd, b'\\x1b]52;c;ZXZpbA==\\x07\\x1b]0;owned\\x07\\x1b[2J\\x1b[H ESCAPES-SENT\\n')
seen = {}""")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "ESCAPES-SENT" in logged  # the kernel's words are kept, for the instructor to read
    assert "\\x1b]52" in logged and "\x1b" not in logged
    captured = capfd.readouterr()
    assert "\x1b" not in captured.out + captured.err


def test_the_runtime_folder_is_a_small_mount_of_its_own(tmp_path: Path) -> None:
    expect_disk(probe(tmp_path, PROBES["disk"]))


def test_an_output_flood_is_dropped_as_it_arrives(tmp_path: Path) -> None:
    # 200 outputs of 1 MB each: each under the per-output cap, together far over the notebook's budget.
    # Run in a child process so its peak memory can be read; unprotected it keeps all 200 MB (and a
    # copy or two), which this machine survives.
    script = f"""
import json, resource, sys
sys.path.insert(0, {str(Path(__file__).parent)!r})
from test_sandbox_execute import run
from pathlib import Path
def peak():
    return [int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:')][0] * 1024
run(Path({str(tmp_path)!r}), "display({{'text/plain': 'warm-up'}}, raw=True)")
before = peak()
nb, resources = run(Path({str(tmp_path)!r}), "for i in range(200):\\n    display({{'text/plain': 'x' * 1_000_000}}, raw=True)",
                    notebook_output_chars=8_000_000)
kept = sum(len(str(o.get('data', {{}}).get('text/plain', ''))) for o in nb.cells[0].outputs)
grown = peak() - before
print(json.dumps({{'kept': kept, 'grown': grown, 'incidents': resources['medialit']['incidents']}}))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=170)
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["kept"] <= 8_000_000
    assert [i["kind"] for i in seen["incidents"]] == ["output_dropped"]
    # The grader's peak grows by what one message and the kept budget take, not by the flood's 200 MB.
    assert seen["grown"] < 100 * 1024**2, seen["grown"]


def test_a_notebook_has_a_wall_clock_budget(tmp_path: Path) -> None:
    # Three cells of sleep(25) used to take 80 s with nothing recorded; here the budget is 6 s.
    started = time.monotonic()
    slow = "import time\ntime.sleep(4)"
    nb, resources = run(tmp_path, slow, slow, slow, "print('late')", notebook_timeout=6)
    assert time.monotonic() - started < 25
    assert errors(nb.cells[2]) == ["NotRun"] and errors(nb.cells[3]) == ["NotRun"], [c.outputs for c in nb.cells]
    assert [i["kind"] for i in resources["medialit"]["incidents"]] == ["notebook_timeout"]


def test_a_kernel_that_cannot_start_says_why_in_the_status(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from medialit.grading import sandbox
    from medialit.grading.status import read_status

    monkeypatch.setattr(sandbox, "kernel_python", lambda: "/nonexistent/bin/python")
    monkeypatch.chdir(tmp_path)
    nb = new_notebook(cells=[new_code_cell("print(1)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    resources = {"metadata": {"path": str(tmp_path)},
                 "nbgrader": {"student": "s1", "assignment": "a1", "notebook": "n1"}}
    with pytest.raises(Exception):
        SandboxedExecute(timeout=5, start_attempts=1).preprocess(nb, resources)
    record = read_status(tmp_path, "a1", "s1")
    assert record["status"] == "failed", record
    assert "did not start" in record["reason"] and "/nonexistent/bin/python" in record["reason"], record
    with pytest.raises(sandbox.SandboxUnavailable, match="/nonexistent/bin/python"):
        sandbox.check_sandbox()


def test_the_kernel_imports_the_graders_own_medialit_from_under_tmp(tmp_path: Path) -> None:
    # A course folder with its own copy of medialit/, under /tmp, reached through a symlink: the kernel
    # must import that copy (not the editable install's), and the jail's /tmp must not hide it.
    import medialit

    real = tmp_path / "real-course"
    real.mkdir()
    shutil.copytree(Path(medialit.__file__).parent, real / "medialit", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "course").symlink_to(real)
    assert str(tmp_path).startswith("/tmp/")
    script = f"""
import sys
sys.path.insert(0, {str(tmp_path / 'course')!r})
import medialit
from medialit.grading.sandbox import check_sandbox
check_sandbox()
sys.path.insert(0, {str(Path(__file__).parent)!r})
from test_sandbox_execute import run, text
from pathlib import Path
nb, _ = run(Path({str(tmp_path)!r}), "import medialit; print(medialit.__file__)")
print('KERNEL', text(nb.cells[0]).strip(), 'GRADER', medialit.__file__)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=170,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    line = result.stdout.strip().splitlines()[-1]
    assert line == f"KERNEL {real / 'medialit' / '__init__.py'} GRADER {tmp_path / 'course' / 'medialit' / '__init__.py'}", line


def test_a_killed_runs_kernel_folders_are_removed_by_the_next(tmp_path: Path) -> None:
    from medialit.grading.sandbox import OWNER_FILE, WORKSPACE_PREFIX, _pid_start, clean_leftovers

    gone = subprocess.Popen(["true"])
    gone.wait()
    dead, alive = tmp_path / f"{WORKSPACE_PREFIX}dead", tmp_path / f"{WORKSPACE_PREFIX}alive"
    for folder, pid in ((dead, gone.pid), (alive, os.getpid())):
        folder.mkdir()
        (folder / "kernel.json").write_text("{}")
        (folder / OWNER_FILE).write_text(json.dumps({"pid": pid, "start": _pid_start(pid) or "gone"}))
    assert clean_leftovers(tmp_path) == [dead]
    assert alive.is_dir() and not dead.exists()
