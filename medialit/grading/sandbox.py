"""The jail every student kernel runs in while it is autograded (nbgrader autograde and class_runner alike).

A student's notebook is code written by someone who gains from a higher grade. Run as the grader, it
could read the keys in solutions/ or gradebook.db, edit a classmate's submission or the gradebook,
leave a process behind, or exhaust the machine. So ``SandboxedKernelManager`` starts each kernel
inside Debian's bubblewrap (``bwrap``), and what the kernel sees is only:

* the system folders, the Python installation, the virtual environment, the ``medialit`` package and
  the case data, all read-only;
* a fresh home on a size-limited tmpfs holding a copy of the submission's own files (never the
  notebook being graded: on disk it still carries the hidden tests), and a small private ``/tmp``;
* one folder with the kernel's connection file and IPC sockets (the kernel has no network, not even
  the host's loopback, so it talks to the grader over Unix sockets instead of TCP).

It runs in new PID, network, IPC and UTS namespaces, dies with the grader (``--die-with-parent``),
and every process it starts dies with it (the PID namespace ends with the kernel: no daemon survives
its notebook). Its environment is scrubbed. ``kernel_jail.py`` sets limits on address space, CPU
time, processes, file size and open files, and when the grader runs as root it becomes a throw-away
unprivileged user first. The hidden tests never reach the kernel (``nbgrader_steps.StashHiddenTests``).

Not covered: a kernel bug or a bubblewrap escape, CPU and memory contention between kernels (the
limits are per kernel), and timing side channels; docs/grading.md says how to add a container.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import zmq
from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, Int

JAIL_SCRIPT = Path(__file__).with_name("kernel_jail.py")
HOME = "/home/student"
WORK = HOME + "/work"
FILES = "/srv/submission-files"
# The folders of the system a Python kernel needs, read-only (Debian's merged /usr makes most links).
SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
# Files copied into the kernel's home from the submission's folder: never notebooks (the one being
# graded sits there with its hidden tests restored), never more than this much.
MAX_FILES_BYTES = 64 * 1024 * 1024
RECONNECT_MS = 10
MAX_SOCKET_PATH = 100  # sockaddr_un holds 107 bytes; ipykernel names its sockets <ip>-<port>
INSTALL_HINT = ("Install Debian's bubblewrap (`sudo apt-get install bubblewrap`; scripts/setup does this), "
                "or grade inside a container as docs/grading.md describes.")


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces here; the message says what to do."""


@dataclass(frozen=True)
class Limits:
    """Per-kernel resource limits (setrlimit), generous for the course's notebooks, small for a machine."""

    memory_bytes: int = 2 * 1024**3
    cpu_seconds: int = 600
    processes: int = 128  # threads count too; an idle ipykernel has about 10
    file_bytes: int = 64 * 1024**2
    open_files: int = 256
    home_bytes: int = 256 * 1024**2  # the tmpfs holding the kernel's home and the work folder
    tmp_bytes: int = 64 * 1024**2  # /tmp and /dev/shm each


def bwrap_path() -> str:
    """The bubblewrap binary, or SandboxUnavailable saying how to get it."""
    path = shutil.which("bwrap")
    if path is None:
        raise SandboxUnavailable("Autograding refuses to run student code unsandboxed: `bwrap` was not found. "
                                 + INSTALL_HINT)
    return path


def check_sandbox() -> None:
    """Start one trivial sandbox as a kernel would; raise SandboxUnavailable with bubblewrap's own words."""
    argv = [bwrap_path(), *_system_binds(), *_namespace_args(), "--proc", "/proc", "--dev", "/dev", "true"]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        raise SandboxUnavailable(
            f"bubblewrap cannot create a sandbox here ({result.stderr.strip() or result.returncode}). On some "
            "systems unprivileged user namespaces are off (sysctl kernel.unprivileged_userns_clone=1 or "
            "user.max_user_namespaces > 0). " + INSTALL_HINT)


def readonly_paths() -> list[str]:
    """Everything outside the system folders that the kernel must read: Python, the venv, medialit, its data."""
    import medialit
    from medialit.case import SCHEMAS_DIR, SEEDS_DIR

    package = Path(medialit.__file__).resolve().parent
    paths = {sys.base_prefix, sys.prefix, str(package), str(SEEDS_DIR), str(SCHEMAS_DIR)}
    paths = {os.path.realpath(p) for p in paths if os.path.exists(p)}
    # A nested path would be bound twice; the outer bind already shows it.
    return sorted(p for p in paths if not any(p != q and p.startswith(q + os.sep) for q in paths)
                  and not any(p == s or p.startswith(s + os.sep) for s in SYSTEM_PATHS))


def _system_binds() -> list[str]:
    args: list[str] = []
    for path in SYSTEM_PATHS:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    return args


def _parent_dirs(path: str) -> list[str]:
    # bubblewrap makes missing parents of a bind mode 0700 when run as root, which the kernel's
    # unprivileged user could not pass through; these folders hold nothing but the binds.
    args: list[str] = []
    parents = list(Path(path).parents)[:-1]
    for parent in reversed(parents):
        args += ["--perms", "0755", "--dir", str(parent)]
    return args


def _namespace_args() -> list[str]:
    args = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--hostname", "grading-sandbox", "--die-with-parent", "--new-session"]
    if os.geteuid() != 0:
        # Unprivileged bubblewrap needs a user namespace; as root it would map the kernel to root, so
        # root drops to a throw-away user inside instead (kernel_jail.py).
        args.append("--unshare-user")
    return args


def sandbox_uid() -> int:
    """A user ID no account and no other kernel is likely to hold (used only when grading as root)."""
    taken = set()
    try:
        with open("/etc/passwd", encoding="utf-8", errors="replace") as passwd:
            taken = {int(line.split(":")[2]) for line in passwd if line.count(":") >= 3 and line.split(":")[2].isdigit()}
    except OSError:
        pass
    while True:
        uid = random.randrange(1_000_000, 2_000_000_000)
        if uid not in taken:
            return uid


def stage_files(source: Path, target: Path, max_bytes: int = MAX_FILES_BYTES) -> list[str]:
    """Copy the submission's own files (not notebooks, not links) for the kernel; return what was left out."""
    left_out: list[str] = []
    total = 0
    for root, dirs, files in os.walk(source):
        dirs[:] = sorted(d for d in dirs if not os.path.islink(os.path.join(root, d)) and d != ".ipynb_checkpoints")
        for name in sorted(files):
            path = Path(root, name)
            relative = path.relative_to(source)
            if path.suffix == ".ipynb" or path.is_symlink() or not path.is_file():
                continue
            size = path.stat().st_size
            if total + size > max_bytes:
                left_out.append(str(relative))
                continue
            total += size
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / relative)
    return left_out


def jail_argv(*, python: str, runtime: Path, files: Path, limits: Limits, uid: int,
              kernel: list[str]) -> list[str]:
    """The bubblewrap command line that starts the kernel (``kernel``: ``-m MODULE ARGS...``) in the jail."""
    argv = [bwrap_path(), *_system_binds()]
    for path in readonly_paths():
        argv += [*_parent_dirs(path), "--ro-bind", path, path]
    argv += [
        *_namespace_args(),
        "--proc", "/proc",
        "--dev", "/dev",
        "--size", str(limits.tmp_bytes), "--tmpfs", "/dev/shm",
        # /tmp first: the runtime folder may live under the host's /tmp and is bound on top of it.
        "--size", str(limits.tmp_bytes), "--tmpfs", "/tmp",
        "--size", str(limits.home_bytes), "--tmpfs", HOME,
        "--ro-bind", str(files), FILES,
        *_parent_dirs(str(runtime)),
        "--bind", str(runtime), str(runtime),
        "--chdir", HOME,
        "--clearenv",
        "--setenv", "HOME", HOME,
        "--setenv", "PATH", f"{os.path.dirname(python)}:/usr/local/bin:/usr/bin:/bin",
        "--setenv", "LANG", "C.UTF-8",
        "--setenv", "PYTHONNOUSERSITE", "1",
        "--setenv", "MPLBACKEND", "Agg",
        # medialit.grading.award refuses to score inside a kernel that is being autograded.
        "--setenv", "NBGRADER_EXECUTION", "autograde",
        "--setenv", "JUPYTER_RUNTIME_DIR", str(runtime),
        "--setenv", "IPYTHONDIR", HOME + "/.ipython",
    ]
    rlimits = {k: v for k, v in asdict(limits).items() if k not in ("home_bytes", "tmp_bytes")}
    return [*argv, python, "-I", str(JAIL_SCRIPT), FILES, WORK, str(uid), json.dumps(rlimits), "--", *kernel]


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        return []


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels run in the jail above, over IPC sockets in a private folder."""

    sandbox = Bool(True, help="Run each kernel in bubblewrap. False only for measuring the sandbox's cost "
                              "(benchmarks/): student code then runs with the grader's rights.").tag(config=True)
    memory_bytes = Int(Limits.memory_bytes, help="Address-space limit per kernel (bytes).").tag(config=True)
    cpu_seconds = Int(Limits.cpu_seconds, help="CPU-time limit per kernel process (seconds).").tag(config=True)
    processes = Int(Limits.processes, help="Processes and threads per kernel.").tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._workspace: Path | None = None
        if self.sandbox:
            bwrap_path()
            self._workspace = Path(tempfile.mkdtemp(prefix="medialit-kernel-"))
            self.runtime_dir = self._workspace / "runtime"
            if len(str(self.runtime_dir / "kernel-99999")) > MAX_SOCKET_PATH:
                # A Unix socket's path has at most 107 bytes; a deep temporary folder (TMPDIR inside a
                # test's or a worker's folder) would make the kernel fail to bind. Sockets go to /tmp then.
                self.runtime_dir = Path(tempfile.mkdtemp(prefix="mlk-", dir="/tmp"))
            self.files_dir = self._workspace / "files"
            self.runtime_dir.mkdir(exist_ok=True)
            self.files_dir.mkdir()
            self.transport = "ipc"
            self.ip = str(self.runtime_dir / "kernel")
            self.connection_file = str(self.runtime_dir / "kernel.json")
            self.uid = sandbox_uid() if os.geteuid() == 0 else os.geteuid()
            self.left_out: list[str] = []

    @property
    def limits(self) -> Limits:
        return Limits(memory_bytes=self.memory_bytes, cpu_seconds=self.cpu_seconds, processes=self.processes)

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        if self.sandbox:
            assert self._workspace is not None
            cwd = kw.pop("cwd", None)
            # A restarted kernel starts from the submission's files again, not from what the last one left.
            shutil.rmtree(self.files_dir)
            self.files_dir.mkdir()
            if cwd:
                self.left_out = stage_files(Path(cwd), self.files_dir)
            kw["cwd"] = str(self._workspace)
        return await super()._async_pre_start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        command = super().format_kernel_cmd(extra_arguments)
        if not self.sandbox:
            return command
        if os.geteuid() == 0:
            # Written by the grader just now, readable only by it: the kernel's user must read it.
            os.chown(self.connection_file, self.uid, self.uid)
            os.chown(self.runtime_dir, self.uid, self.uid)
        python = sys.executable
        kernel = ["-m", "ipykernel_launcher", "-f", self.connection_file,
                  *[a for a in command if a.startswith("--HistoryManager")]]
        return jail_argv(python=python, runtime=self.runtime_dir, files=self.files_dir, limits=self.limits,
                         uid=self.uid, kernel=kernel)

    def client(self, **kwargs: Any) -> Any:
        client = super().client(**kwargs)
        # A kernel binds its sockets a moment after it starts, and ZeroMQ retries a connection that
        # found nothing only every 100 ms by default; over Unix sockets that wait was most of the
        # sandbox's cost per notebook (a kernel ready in about 0.57 s instead of 0.83 s, measured).
        client.context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
        return client

    def kernel_pid(self) -> int | None:
        """The kernel's process ID as the grader sees it: bwrap -> the sandbox's init -> the kernel."""
        process = getattr(self.provisioner, "process", None)
        if process is None:
            return None
        level = [process.pid]
        for _ in range(2):
            level = [child for pid in level for child in _children(pid)]
        return level[0] if level else None

    async def _async_signal_kernel(self, signum: int) -> None:
        if not self.sandbox or signum != signal.SIGINT:
            return await super()._async_signal_kernel(signum)
        # An interrupt must reach the kernel itself: bubblewrap does not pass signals on, so the grader
        # signals the kernel's process (its group, when the kernel leads one, as Jupyter does).
        pid = self.kernel_pid()
        if pid is None:
            return
        try:
            if os.getpgid(pid) == pid:
                os.killpg(pid, signal.SIGINT)
            else:
                os.kill(pid, signal.SIGINT)
        except ProcessLookupError:
            pass

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart and self._workspace is not None:
            shutil.rmtree(self.runtime_dir, ignore_errors=True)
            shutil.rmtree(self._workspace, ignore_errors=True)
            self._workspace = None

    cleanup_resources = _async_cleanup_resources
