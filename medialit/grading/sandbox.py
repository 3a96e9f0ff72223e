"""The jail every student kernel runs in while it is autograded (nbgrader autograde and class_runner alike).

A student's notebook is code written by someone who gains from a higher grade. Run as the grader, it
could read the keys in solutions/ or gradebook.db, edit a classmate's submission or the gradebook,
leave a process behind, or exhaust the machine. So ``SandboxedKernelManager`` starts each kernel
inside Debian's bubblewrap (``bwrap``), and what the kernel sees is only:

* the system folders, the Python installation, the virtual environment, the very ``medialit``
  package the grader imported (first on the kernel's module path) and the case data, all read-only,
  at their real paths (wherever they live, ``/tmp`` or a symlinked folder included);
* a fresh home on a size-limited tmpfs holding a copy of the submission's own files (never the
  notebook being graded: on disk it still carries the hidden tests), and small private ``/tmp`` and
  ``/dev/shm``;
* its connection file (read-only) and a small tmpfs of its own for its IPC sockets. The kernel has
  no network, not even the host's loopback, so it talks to the grader over Unix sockets, which the
  grader reaches through ``/proc/<sandbox>/root``: nothing of the host's disk is writable to it.

bubblewrap itself starts with an empty environment (its own process is the sandbox's pid 1, whose
``/proc/1/environ`` the kernel could read), the kernel's stdout and stderr are a pipe the grader reads
and caps (kernel_log.py: no descriptor of the grader's reaches the kernel), and a seccomp filter
(seccomp_filter.py, built with libseccomp) denies ptrace, mounts, namespaces, the keyring, BPF and
the like; when bubblewrap runs unprivileged it also gets ``--disable-userns``. It runs in new PID,
network, IPC and UTS namespaces, dies with the grader (``--die-with-parent``), and every process it
starts dies with it (the PID namespace ends with the kernel: no daemon survives its notebook).
``kernel_jail.py`` sets limits on address space, CPU time, processes, file size and open files, and
when the grader runs as root it becomes a throw-away unprivileged user first. The hidden tests never
reach the kernel (``nbgrader_steps.StashHiddenTests``).

Not covered: a kernel bug or a bubblewrap escape, CPU and memory contention between kernels (the
limits are per kernel), and timing side channels; docs/grading.md says how to add a container.
"""
from __future__ import annotations

import asyncio
import functools
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import zmq
from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, Int

from .kernel_log import KernelOutput

JAIL_SCRIPT = Path(__file__).resolve().with_name("kernel_jail.py")  # a real path: the jail binds real paths
SECCOMP_SCRIPT = Path(__file__).with_name("seccomp_filter.py")
HOME = "/home/student"
WORK = HOME + "/work"
FILES = "/srv/submission-files"
# The kernel's sockets, on a tmpfs of the jail's own; the grader connects through /proc/<pid>/root.
RUNTIME = "/run/kernel"
CONNECTION = "/run/medialit/kernel.json"
# The folders of the system a Python kernel needs, read-only (Debian's merged /usr makes most links).
SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
# Files copied into the kernel's home from the submission's folder: never notebooks (the one being
# graded sits there with its hidden tests restored), never more than this much.
MAX_FILES_BYTES = 64 * 1024 * 1024
RECONNECT_MS = 10
MAX_MESSAGE_BYTES = 8 * 1024**2  # above execute.py's largest output (2 M characters) and its JSON
MAX_QUEUED_MESSAGES = 64
WORKSPACE_PREFIX = "medialit-kernel-"
OWNER_FILE = "owner.json"
# Pythons that may hold libseccomp's own binding (Debian's python3-seccomp is for the system Python).
SECCOMP_PYTHONS = ("/usr/bin/python3",)
INSTALL_HINT = ("Install Debian's bubblewrap and libseccomp's Python binding (`sudo apt-get install bubblewrap "
                "python3-seccomp`; scripts/setup does this), or grade inside a container as docs/grading.md describes.")


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces here; the message says what to do."""


class KernelStartError(RuntimeError):
    """The jail ended before the kernel in it started; the message holds what bubblewrap or Python said."""


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
    runtime_bytes: int = 1024**2  # the sockets' folder: five sockets need no space at all

    def rlimits(self) -> dict[str, int]:
        """The limits kernel_jail.py sets with setrlimit (the tmpfs sizes are bubblewrap's)."""
        return {k: v for k, v in asdict(self).items() if not k.endswith(("home_bytes", "tmp_bytes", "runtime_bytes"))}


def bwrap_path() -> str:
    """The bubblewrap binary, or SandboxUnavailable saying how to get it."""
    path = shutil.which("bwrap")
    if path is None:
        raise SandboxUnavailable("Autograding refuses to run student code unsandboxed: `bwrap` was not found. "
                                 + INSTALL_HINT)
    return os.path.realpath(path)


@functools.lru_cache(maxsize=1)
def seccomp_program() -> bytes:
    """The seccomp filter as BPF (seccomp_filter.py, run once per process by a Python with libseccomp)."""
    tried = []
    for python in SECCOMP_PYTHONS:
        if not os.access(python, os.X_OK):
            tried.append(f"{python}: not found")
            continue
        result = subprocess.run([python, "-I", str(SECCOMP_SCRIPT)], capture_output=True, timeout=60, env={})
        if result.returncode == 0 and result.stdout:
            return result.stdout
        tried.append(f"{python}: {result.stderr.decode(errors='replace').strip().splitlines()[-1:] or result.returncode}")
    raise SandboxUnavailable("Autograding refuses to run student code without its seccomp filter: libseccomp's "
                             f"Python binding could not build it ({'; '.join(map(str, tried))}). " + INSTALL_HINT)


def seccomp_fd() -> int:
    """A pipe holding the filter, for one bubblewrap (which reads it to the end); the caller closes it."""
    program = seccomp_program()
    read, write = os.pipe()
    os.write(write, program)  # far below a pipe's 64 KiB: never blocks
    os.close(write)
    return read


def kernel_python() -> str:
    """This interpreter, by a path that exists inside the jail: its folder resolved (a symlinked /tmp
    clone), its name kept (a virtual environment's python is found by the name it was started with)."""
    return os.path.join(os.path.realpath(os.path.dirname(sys.executable)), os.path.basename(sys.executable))


def package_root() -> str:
    """The folder holding the ``medialit`` this grader imported; it goes first on the kernel's module path."""
    import medialit

    return str(Path(medialit.__file__).resolve().parent.parent)


def check_sandbox() -> None:
    """Start the real jail once, with Python importing medialit as a kernel would; raise SandboxUnavailable
    with what bubblewrap or Python said when it fails (and clean what killed earlier runs left)."""
    import medialit

    bwrap_path()
    clean_leftovers()
    expected = str(Path(medialit.__file__).resolve())
    # What a kernel needs first: its connection file, a socket in its runtime folder, then medialit.
    code = (f"import json, socket, sys; json.load(open({CONNECTION!r})); "
            f"socket.socket(socket.AF_UNIX).bind({RUNTIME + '/check'!r}); "
            "import medialit; sys.stdout.write(medialit.__file__)")
    with tempfile.TemporaryDirectory(prefix="medialit-check-") as tmp:
        files, connection = Path(tmp, "files"), Path(tmp, "kernel.json")
        files.mkdir()
        connection.write_text("{}", encoding="utf-8")
        uid = sandbox_uid() if os.geteuid() == 0 else os.geteuid()
        if os.geteuid() == 0:
            os.chown(connection, uid, uid)
        fd = seccomp_fd()
        try:
            argv = jail_argv(python=kernel_python(), connection_file=connection, files=files, limits=Limits(),
                             uid=uid, kernel=["-c", code], seccomp=fd)
            result = subprocess.run(argv, capture_output=True, text=True, timeout=60, env={}, pass_fds=(fd,))
        finally:
            os.close(fd)
    if result.returncode != 0 or result.stdout != expected:
        said = (result.stderr.strip() or result.stdout.strip() or f"exit status {result.returncode}")[-1500:]
        raise SandboxUnavailable(
            f"the grading sandbox cannot start a kernel here: Python in the jail, importing medialit from "
            f"{expected}, said: {said}. If bubblewrap cannot create namespaces, unprivileged user namespaces "
            "may be off (user.max_user_namespaces > 0). " + INSTALL_HINT)


def readonly_paths() -> list[str]:
    """Everything outside the system folders that the kernel must read: Python, the venv, medialit, its data."""
    import medialit
    from medialit.case import SCHEMAS_DIR, SEEDS_DIR

    package = Path(medialit.__file__).resolve().parent
    paths = {sys.base_prefix, sys.prefix, os.path.dirname(kernel_python()), str(package), str(SEEDS_DIR),
             str(SCHEMAS_DIR)}
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
        # root drops to a throw-away user inside instead (kernel_jail.py), and the seccomp filter
        # alone keeps it from making namespaces of its own.
        args += ["--unshare-user", "--disable-userns"]
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


def jail_argv(*, python: str, connection_file: Path, files: Path, limits: Limits, uid: int,
              kernel: list[str], seccomp: int | None) -> list[str]:
    """The bubblewrap command line that starts ``kernel`` (``-m MODULE ARGS...`` or ``-c CODE``) in the jail.

    ``seccomp`` is the descriptor of the filter (``seccomp_fd()``), passed to bubblewrap; None only
    where a test switches the filter off to show what it stops."""
    argv = [bwrap_path(), *_system_binds(),
            "--proc", "/proc",
            "--dev", "/dev",
            # Every tmpfs before any bind: a bind under /tmp (a clone or venv there) must stay visible
            # on top of the jail's own /tmp, not be hidden by it.
            "--perms", "1777", "--size", str(limits.tmp_bytes), "--tmpfs", "/tmp",
            "--perms", "1777", "--size", str(limits.tmp_bytes), "--tmpfs", "/dev/shm",
            "--size", str(limits.home_bytes), "--tmpfs", HOME,
            *_parent_dirs(RUNTIME), "--size", str(limits.runtime_bytes), "--tmpfs", RUNTIME]
    for path in readonly_paths():
        argv += [*_parent_dirs(path), "--ro-bind", path, path]
    argv += [
        "--ro-bind", str(files), FILES,
        *_parent_dirs(CONNECTION), "--ro-bind", str(connection_file), CONNECTION,
        # The jail's root is bubblewrap's own tmpfs, without a size: read-only once everything is mounted
        # (under an unprivileged grader the kernel owns it and could fill the machine's memory).
        "--remount-ro", "/",
        *_namespace_args(),
        *(["--seccomp", str(seccomp)] if seccomp is not None else []),
        "--chdir", HOME,
        "--clearenv",
        "--setenv", "HOME", HOME,
        "--setenv", "PATH", f"{os.path.dirname(python)}:/usr/local/bin:/usr/bin:/bin",
        "--setenv", "LANG", "C.UTF-8",
        "--setenv", "PYTHONNOUSERSITE", "1",
        "--setenv", "PYDEVD_DISABLE_FILE_VALIDATION", "1",  # debugpy's start-up warning, once per kernel
        "--setenv", "MPLBACKEND", "Agg",
        # medialit.grading.award refuses to score inside a kernel that is being autograded.
        "--setenv", "NBGRADER_EXECUTION", "autograde",
        "--setenv", "JUPYTER_RUNTIME_DIR", RUNTIME,
        "--setenv", "IPYTHONDIR", HOME + "/.ipython",
    ]
    settings = {"files": FILES, "work": WORK, "runtime": RUNTIME, "uid": uid, "limits": limits.rlimits(),
                "sys_path": [package_root()]}
    return [*argv, python, "-I", str(JAIL_SCRIPT), json.dumps(settings), "--", *kernel]


def _pid_start(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def clean_leftovers(*folders: Path) -> list[Path]:
    """Remove the kernel folders (connection files, staged submission files) of grading processes that
    are gone (killed, timed out); ``folders`` default to the temporary folder and /tmp."""
    removed = []
    for folder in {Path(f) for f in (folders or (tempfile.gettempdir(), "/tmp"))}:
        try:
            candidates = [p for p in folder.iterdir() if p.name.startswith((WORKSPACE_PREFIX, "mlk-"))]
        except OSError:
            continue
        for path in candidates:
            try:
                if path.is_symlink() or path.stat().st_uid != os.geteuid():
                    continue  # another user's, or not a folder of ours
                owner = json.loads((path / OWNER_FILE).read_text(encoding="utf-8"))
                alive = _pid_start(int(owner["pid"])) == owner["start"]
            except (OSError, ValueError, KeyError, TypeError):
                # No owner record: an older run's folder, or one being made right now (keep it a minute).
                alive = time.time() - path.stat().st_mtime < 60 if path.exists() else False
            if not alive and path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    return removed


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        return []


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels run in the jail above, over IPC sockets in the jail's own tmpfs."""

    sandbox = Bool(True, help="Run each kernel in bubblewrap. False only for measuring the sandbox's cost "
                              "(benchmarks/): student code then runs with the grader's rights.").tag(config=True)
    memory_bytes = Int(Limits.memory_bytes, help="Address-space limit per kernel (bytes).").tag(config=True)
    cpu_seconds = Int(Limits.cpu_seconds, help="CPU-time limit per kernel process (seconds).").tag(config=True)
    processes = Int(Limits.processes, help="Processes and threads per kernel.").tag(config=True)
    start_seconds = Int(30, help="Seconds the jail may take to start before the kernel counts as failed to start."
                        ).tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._workspace: Path | None = None
        self.output: KernelOutput | None = None
        self._seccomp: int | None = None
        if self.sandbox:
            bwrap_path()
            seccomp_program()  # refuses here, before any kernel, when the filter cannot be built
            self._workspace = Path(tempfile.mkdtemp(prefix=WORKSPACE_PREFIX))
            # Which process this folder belongs to, so a later run removes it if this one is killed.
            (self._workspace / OWNER_FILE).write_text(json.dumps({"pid": os.getpid(), "start": _pid_start(os.getpid())}),
                                                      encoding="utf-8")
            self.files_dir = self._workspace / "files"
            self.files_dir.mkdir()
            self.transport = "ipc"
            # The kernel's view; the grader's (through /proc/<pid>/root) is set once the jail runs.
            self.ip = RUNTIME + "/kernel"
            self.connection_file = str(self._workspace / "kernel.json")
            self.uid = sandbox_uid() if os.geteuid() == 0 else os.geteuid()
            self.left_out: list[str] = []
            self.label = "kernel"

    @property
    def limits(self) -> Limits:
        return Limits(memory_bytes=self.memory_bytes, cpu_seconds=self.cpu_seconds, processes=self.processes)

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        if not self.sandbox:
            return await super()._async_pre_start_kernel(**kw)
        assert self._workspace is not None
        cwd = kw.pop("cwd", None)
        # A restarted kernel starts from the submission's files again, not from what the last one left.
        shutil.rmtree(self.files_dir)
        self.files_dir.mkdir()
        if cwd:
            self.left_out = stage_files(Path(cwd), self.files_dir)
            self.label = "/".join(Path(cwd).parts[-2:])
        kw["cwd"] = str(self._workspace)
        self.ip = RUNTIME + "/kernel"
        self._seccomp = seccomp_fd()
        kernel_cmd, kw = await super()._async_pre_start_kernel(**kw)
        self.output = KernelOutput(self.log, self.label)
        # bubblewrap starts with nothing of the grader's: no environment (its own process stays the
        # sandbox's pid 1), no descriptor but the filter's and the output pipe.
        kw.update(env={}, stdout=self.output.write_fd, stderr=self.output.write_fd, pass_fds=(self._seccomp,))
        return kernel_cmd, kw

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        command = super().format_kernel_cmd(extra_arguments)
        if not self.sandbox:
            return command
        if os.geteuid() == 0:
            # Written by the grader just now, readable only by it: the kernel's user must read it.
            os.chown(self.connection_file, self.uid, self.uid)
        kernel = ["-m", "ipykernel_launcher", "-f", CONNECTION,
                  *[a for a in command if a.startswith("--HistoryManager")]]
        return jail_argv(python=kernel_python(), connection_file=Path(self.connection_file), files=self.files_dir,
                         limits=self.limits, uid=self.uid, kernel=kernel, seccomp=self._seccomp)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        if not self.sandbox:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        try:
            await super()._async_launch_kernel(kernel_cmd, **kw)
        finally:
            for fd in (self._seccomp,):
                if fd is not None:
                    os.close(fd)
            self._seccomp = None
            if self.output is not None:
                self.output.close_write_end()
        jail = await self._jail_pid()
        # The grader reaches the kernel's sockets inside the jail's mount namespace.
        self.ip = f"/proc/{jail}/root{RUNTIME}/kernel"

    async def _jail_pid(self) -> int:
        """The sandbox's pid 1 as the grader sees it (bubblewrap's child), waiting for bubblewrap to fork."""
        process = self.provisioner.process  # type: ignore[union-attr]
        deadline = time.monotonic() + self.start_seconds
        while time.monotonic() < deadline:
            children = _children(process.pid)
            if children:
                return children[0]
            if process.poll() is not None:
                break
            await asyncio.sleep(0.002)
        said = self.output.tail(wait=2) if self.output is not None else ""
        raise KernelStartError(f"the sandbox ended before the kernel started (exit status {process.poll()}): "
                               f"{said or 'bubblewrap said nothing'}")

    def start_failure(self) -> str:
        """What the jail said before it ended: the reason a kernel did not start, for the status store."""
        return self.output.tail(wait=2) if self.output is not None else ""

    def client(self, **kwargs: Any) -> Any:
        client = super().client(**kwargs)
        # A kernel binds its sockets a moment after it starts, and ZeroMQ retries a connection that
        # found nothing only every 100 ms by default; over Unix sockets that wait was most of the
        # sandbox's cost per notebook (a kernel ready in about 0.57 s instead of 0.83 s, measured).
        client.context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
        if self.sandbox:
            # The grader's memory is bounded before any output budget can look at a message: one larger
            # than this ends the connection (the cell then loses its outputs), and few wait unread.
            client.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
            client.context.setsockopt(zmq.RCVHWM, MAX_QUEUED_MESSAGES)
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
        if self._workspace is not None:
            # jupyter_client removes "<ip>-<port>" files: never through /proc into a jail that may be
            # another's by now; the workspace holds no sockets, so this removes nothing.
            self.ip = str(self._workspace / "kernel")
        await super()._async_cleanup_resources(restart=restart)
        if self.output is not None:
            self.output.tail(wait=0.2)  # the kernel is gone: let its last words reach the log first (not longer:
            # a process of the jail that still holds the pipe must not cost every notebook seconds)
        if not restart and self._workspace is not None:
            shutil.rmtree(self._workspace, ignore_errors=True)
            self._workspace = None

    cleanup_resources = _async_cleanup_resources
