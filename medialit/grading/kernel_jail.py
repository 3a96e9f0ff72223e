"""Runs first inside the sandbox, as a plain script (no medialit import): set up, lower rights, start the kernel.

    python -I kernel_jail.py SETTINGS_JSON -- -m MODULE ARGS...    (or -- -c CODE, for check_sandbox)

bubblewrap has already built the kernel's view of the machine (medialit/grading/sandbox.py). This
step does what bubblewrap cannot: copy the submission's own files from ``files`` (read-only) into
``work`` (a size-limited tmpfs), set the resource limits, put ``sys_path`` first on the module path
(the folder holding the very ``medialit`` the grader imported: ``-I`` ignores PYTHONPATH), and, when
the grader runs as root, become ``uid`` (a throw-away unprivileged user: the kernel must not be root,
and Linux does not apply the process limit to root). Then it runs the kernel's module in this same
interpreter (one Python start-up instead of two, about 50 ms per notebook), so the kernel's PID is
this one.
"""
import json
import os
import resource
import runpy
import shutil
import sys

LIMITS = {
    "memory_bytes": resource.RLIMIT_AS,
    "cpu_seconds": resource.RLIMIT_CPU,
    "processes": resource.RLIMIT_NPROC,
    "file_bytes": resource.RLIMIT_FSIZE,
    "open_files": resource.RLIMIT_NOFILE,
}


def main(argv: list) -> None:
    split = argv.index("--")
    (settings,) = argv[:split]
    settings = json.loads(settings)
    kernel = argv[split + 1:]
    uid = int(settings["uid"])
    if os.path.isdir(settings["files"]):
        shutil.copytree(settings["files"], settings["work"], symlinks=True, dirs_exist_ok=True)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    for name, value in settings["limits"].items():
        resource.setrlimit(LIMITS[name], (value, value))
    if os.geteuid() == 0:
        for top in (os.environ["HOME"], settings["runtime"]):
            os.lchown(top, uid, uid)
            for root, dirs, files in os.walk(top):
                for name in (os.path.join(root, n) for n in dirs + files):
                    os.lchown(name, uid, uid)
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
        if os.geteuid() == 0 or os.getuid() == 0:
            sys.exit("kernel_jail: could not drop root")
    os.chdir(settings["work"])
    sys.path[:0] = settings["sys_path"]
    if kernel[:1] == ["-c"] and len(kernel) == 2:
        sys.argv = ["-c"]
        exec(compile(kernel[1], "<check_sandbox>", "exec"), {"__name__": "__main__"})
        return
    if kernel[:1] != ["-m"] or len(kernel) < 2:
        sys.exit(f"kernel_jail: expected `-- -m MODULE ARGS...` or `-- -c CODE`, got {kernel!r}")
    sys.argv = [kernel[1], *kernel[2:]]
    runpy.run_module(kernel[1], run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
