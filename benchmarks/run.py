"""Measure what the course costs to build, check, grade and load; write benchmarks/results.json.

Run by hand after `bash scripts/setup` (never part of the test command):

    .venv/bin/python benchmarks/run.py all                 # everything (about 30 minutes on 2 cores)
    .venv/bin/python benchmarks/run.py build nbval         # just some parts
    .venv/bin/python benchmarks/run.py grading --students 20 --class-students 100
    .venv/bin/python benchmarks/run.py table               # print results.json as the README table

Parts:
  build    jupyter-book build, cold (empty output and execution cache) then warm (nothing changed)
  nbval    pytest --nbval-lax over the notebooks scripts/test gives it
  grading  a synthetic class: plain nbclient execution vs sequential `nbgrader autograde`,
           grade_class with 1, 2 and 4 workers
  class    100 students x every assignment with grade_class's default workers; wall time against the CPU floor
  sandbox  the same notebooks autograded sandboxed and unsandboxed (sequential nbgrader), per-notebook cost
  unsafe   concurrent `nbgrader autograde --student` processes on one SQLite gradebook (why grade_class exists)
  profile  one `nbgrader autograde` run with a stopwatch on each step: where the time per notebook goes
  site     headless Chromium on loopback: bytes and time to the first interactive widget on a chapter
           page, against the same page with the widget runtime blocked and a page without widgets
  slow-phone  the same on a simulated slow phone (1.6 Mbit/s, 150 ms, CPU 4x slower, through the DevTools
           protocol): bytes, first widget usable and load event for widget chapters and the same pages
           without their widgets, loaded in alternation, served plain and gzip-compressed

Every part records wall-clock seconds and, where processes do the work, their CPU seconds: the
machine's load average is recorded too, because other work on the machine stretches wall time.
"""
from __future__ import annotations

import argparse
import contextlib
import gzip
import http.server
import json
import os
import platform
import re
import resource
import shutil
import socketserver
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterator

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results.json"
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO / "benchmarks"))

from synthetic_class import MODES, class_of, make_course, make_submissions, nbgrader  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


# --------------------------------------------------------------------------------------------
# measuring
# --------------------------------------------------------------------------------------------

def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@contextlib.contextmanager
def timed(into: dict[str, Any], name: str) -> Iterator[None]:
    """Record wall seconds, CPU seconds (this process and finished children) and the load average."""
    load = os.getloadavg()[0]
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    wall, cpu = time.perf_counter(), child_cpu() + self_cpu()
    yield
    into[name] = {
        "started": started,
        "seconds": round(time.perf_counter() - wall, 2),
        "cpu_seconds": round(child_cpu() + self_cpu() - cpu, 2),
        "load_before": round(load, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }
    print(f"  {name}: {into[name]}", flush=True)


def env_with_venv() -> dict[str, str]:
    return dict(os.environ, PATH=str(BIN) + os.pathsep + os.environ.get("PATH", ""))


def run(cmd: list[str], cwd: Path = REPO, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, cwd=cwd, env=env_with_venv(), capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return result


def machine() -> dict[str, Any]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "unknown"
    with contextlib.suppress(OSError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    os_name = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"')
    versions = {}
    for package in ("jupyter-book", "nbgrader", "nbclient", "nbval", "ipykernel", "playwright"):
        with contextlib.suppress(Exception):
            from importlib.metadata import version

            versions[package] = version(package)
    chromium = shutil.which("chromium")
    if chromium:
        versions["chromium"] = run([chromium, "--version"], check=False).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": mem,
        "os": os_name,
        "python": platform.python_version(),
        "versions": versions,
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    }


# --------------------------------------------------------------------------------------------
# parts
# --------------------------------------------------------------------------------------------

def bench_build(results: dict[str, Any], args: argparse.Namespace) -> None:
    out = Path(args.workdir) / "build"
    shutil.rmtree(out, ignore_errors=True)
    # A separate output folder (with its own execution cache) leaves the author's _build alone.
    # The build scripts/setup runs: jupyter-book through medialit.tooling.build_book (faster start-up).
    cmd = [sys.executable, "-m", "medialit.tooling.build_book", "build", str(REPO), "--path-output", str(out),
           "-W", "--keep-going"]
    part: dict[str, Any] = {}
    with timed(part, "cold"):
        run(cmd)
    with timed(part, "warm"):
        run(cmd)
    part["warm_over_cold"] = round(part["warm"]["seconds"] / part["cold"]["seconds"], 3)
    part["pages"] = len(list((out / "_build" / "html").rglob("*.html")))
    part["html_dir"] = str(out / "_build" / "html")
    results["build"] = part


def notebooks_for_nbval() -> list[str]:
    # The same set scripts/test hands to nbval.
    found = [p for d in ("solutions", "book") for p in (REPO / d).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts]
    return sorted(str(p.relative_to(REPO)) for p in found)


def bench_nbval(results: dict[str, Any], args: argparse.Namespace) -> None:
    notebooks = notebooks_for_nbval()
    part: dict[str, Any] = {"notebooks": len(notebooks), "files": notebooks}
    if not notebooks:
        part["missing"] = "no .ipynb in solutions/ or book/"
        results["nbval"] = part
        return
    with timed(part, "run"):
        result = run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax", "--nbval-current-env",
             *notebooks],
            check=False,
        )
    part["outcome"] = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-500:]
    results["nbval"] = part


def fresh_class(args: argparse.Namespace, name: str, students: dict[str, str]) -> tuple[Path, list[str], int]:
    root = Path(args.workdir) / name
    shutil.rmtree(root, ignore_errors=True)
    names = make_course(REPO, root)
    count = make_submissions(root, students, names)
    return root, names, count


def execute_plain(root: Path) -> int:
    """Run every submitted notebook with nbclient, a fresh kernel each, as nbgrader does."""
    import nbformat
    from nbclient import NotebookClient

    count = 0
    for path in sorted((root / "submitted").glob("*/*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute()
        count += 1
    return count


def machine_busy_seconds() -> float:
    """CPU seconds every process on the machine has used since boot (/proc/stat: all but idle and iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    busy = sum(fields[:8]) - fields[3] - fields[4]  # user nice system idle iowait irq softirq steal
    return busy / os.sysconf("SC_CLK_TCK")


def run_tree_sampled(cmd: list[str], cwd: Path = REPO) -> tuple[subprocess.CompletedProcess, float]:
    """Run a command; also return the CPU seconds of its whole process tree, sampled every 50 ms.

    RUSAGE_CHILDREN misses sandboxed kernels: bubblewrap's PID namespace ends with a SIGKILL, and the
    kernels' CPU time is never reaped into their parent's account. So every process under the command is
    read from /proc (psutil) while it runs, and each one's last user+system time counts. A process that
    lives under 50 ms can be missed, so the figure is a floor of the true CPU time.
    """
    import psutil

    seen: dict[tuple[int, float], float] = {}
    with subprocess.Popen(cmd, cwd=cwd, env=env_with_venv(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as process:
        root = psutil.Process(process.pid)
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                try:
                    family = [root, *root.children(recursive=True)]
                except psutil.Error:
                    family = []
                for proc in family:
                    with contextlib.suppress(psutil.Error):
                        times = proc.cpu_times()
                        seen[(proc.pid, proc.create_time())] = times.user + times.system
                done.wait(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        out, err = process.communicate()
        done.set()
        sampler.join()
    return subprocess.CompletedProcess(cmd, process.returncode, out, err), round(sum(seen.values()), 2)


def run_grade_class(course: Path, workers: int, log_dir: Path, cpu: dict[str, float] | None = None) -> tuple[int, int]:
    """`python -m medialit.grading.class_runner` as an instructor runs it, start-up included; (graded, failed)."""
    result, tree_cpu = run_tree_sampled([sys.executable, "-m", "medialit.grading.class_runner", "--course-dir",
                                         str(course), "--workers", str(workers), "--log-dir", str(log_dir)])
    if cpu is not None:
        cpu["tree_cpu_seconds"] = tree_cpu
    found = re.search(r"graded (\d+), failed (\d+)", result.stdout)
    if found is None:
        raise RuntimeError(f"grade_class gave no summary ({result.returncode}):\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return int(found.group(1)), int(found.group(2))


def bench_grading(results: dict[str, Any], args: argparse.Namespace) -> None:
    """nbgrader's overhead (plain nbclient vs sequential nbgrader) and grade_class with 1, 2, ... workers.

    --grading-steps runs only one of the two comparisons (each is a pair measured back to back on the
    same notebooks: the synthetic class is deterministic); the other pair's last figures for the same
    class size are kept, with their own times and load averages.
    """
    # Not-JSON submissions cannot run under plain nbclient, so the comparison class leaves them out.
    runnable = tuple(m for m in MODES if m != "not-json")
    base, names, count = fresh_class(args, "class-base", class_of(args.students, runnable))
    earlier = results.get("grading_by_students", {}).get(str(args.students), {})
    part: dict[str, Any] = {**earlier, "students": args.students, "assignments": names, "notebooks": count}
    part.pop("note", None)  # a hand-written remark about earlier runs no longer describes this one

    if "overhead" in args.grading_steps:
        def plain() -> None:
            assert execute_plain(base) == count

        def sequential() -> None:
            seq = Path(args.workdir) / "class-seq"
            shutil.rmtree(seq, ignore_errors=True)
            shutil.copytree(base, seq, symlinks=True)
            for name in names:
                nbgrader("autograde", name, cwd=seq)

        sides = [("nbclient_plain", plain), ("nbgrader_sequential", sequential)]
        runs_of: dict[str, list[dict[str, Any]]] = {key: [] for key, _ in sides}
        # As for the workers below: alternating order over --repeats, each side's fastest run counts.
        for repeat in range(args.repeats):
            for key, step in (sides if repeat % 2 == 0 else list(reversed(sides))):
                record: dict[str, Any] = {}
                with timed(record, key):
                    step()
                runs_of[key].append(record[key])
        for key, done in runs_of.items():
            part[key] = {**min(done, key=lambda r: r["seconds"]), "runs": done}

    if "workers" in args.grading_steps:
        for key in [k for k in part if k.startswith(("grade_class_", "speedup_"))]:
            del part[key]
        # Repeats alternate the order (1 2, 2 1, ...), so load from other work on the machine does not
        # always fall on the same worker count; each count's fastest run is its figure, all are kept.
        runs: dict[int, list[dict[str, Any]]] = {w: [] for w in args.workers}
        for repeat in range(args.repeats):
            for workers in (args.workers if repeat % 2 == 0 else list(reversed(args.workers))):
                copy = Path(args.workdir) / f"class-w{workers}"
                shutil.rmtree(copy, ignore_errors=True)
                shutil.copytree(base, copy, symlinks=True)
                record: dict[str, Any] = {}
                with timed(record, "run"):
                    graded, failed = run_grade_class(copy, workers, Path(args.workdir) / f"logs-w{workers}")
                runs[workers].append({**record["run"], "graded": graded, "failed": failed})
        for workers, done in runs.items():
            part[f"grade_class_{workers}_workers"] = {**min(done, key=lambda r: r["seconds"]), "runs": done}

    if "nbclient_plain" in part and "nbgrader_sequential" in part:
        plain_run, graded_seq = part["nbclient_plain"], part["nbgrader_sequential"]
        part["seconds_per_notebook_nbclient"] = round(plain_run["seconds"] / count, 3)
        part["seconds_per_notebook_nbgrader"] = round(graded_seq["seconds"] / count, 3)
        part["nbgrader_over_nbclient"] = round(graded_seq["seconds"] / plain_run["seconds"], 3)
        part["nbgrader_over_nbclient_cpu"] = round(graded_seq["cpu_seconds"] / plain_run["cpu_seconds"], 3)
    one = part.get("grade_class_1_workers", {}).get("seconds")
    if one:
        for key in [k for k in part if k.startswith("grade_class_") and k.endswith("_workers")]:
            workers = key.split("_")[2]
            part[f"speedup_{workers}_workers"] = round(one / part[key]["seconds"], 3)
        if "nbclient_plain" in part:
            # The course's grading command with one worker, against the same plain execution.
            part["one_worker_grade_class_over_nbclient"] = round(one / part["nbclient_plain"]["seconds"], 3)
    results["grading"] = part
    # Kept per class size too: start-up amortises differently over 4 or 20 students per assignment.
    results.setdefault("grading_by_students", {})[str(args.students)] = part


UNSANDBOXED = "\n# benchmarks/run.py: measuring the sandbox's cost only; never for a real class\nc.SandboxedKernelManager.sandbox = False\n"


def bench_sandbox(results: dict[str, Any], args: argparse.Namespace) -> None:
    """The sandbox's cost: the same notebooks autograded sandboxed and unsandboxed, side by side in one run.

    Sequential `nbgrader autograde <assignment>` per assignment (one notebook at a time, so the figure is
    per notebook, not a parallel speed-up), the course's config with and without
    `c.SandboxedKernelManager.sandbox = False`; --repeats alternates the order, each side's fastest counts.
    """
    runnable = tuple(m for m in MODES if m != "not-json")
    base, names, count = fresh_class(args, "class-sandbox", class_of(args.students, runnable))
    part: dict[str, Any] = {"students": args.students, "assignments": names, "notebooks": count}

    def side(sandboxed: bool) -> None:
        copy = Path(args.workdir) / f"class-sandbox-{'on' if sandboxed else 'off'}"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(base, copy, symlinks=True)
        if not sandboxed:
            with open(copy / "nbgrader_config.py", "a") as config:
                config.write(UNSANDBOXED)
        for name in names:
            _, cpu = run_tree_sampled([sys.executable, "-m", "nbgrader", "autograde", name], cwd=copy)
            tree_cpu[sandboxed] = tree_cpu.get(sandboxed, 0.0) + cpu
        graded = sum(1 for _ in (copy / "autograded").glob("*/*/*.ipynb"))
        if graded != count:
            raise RuntimeError(f"{'sandboxed' if sandboxed else 'unsandboxed'}: {graded} of {count} notebooks graded")

    sides = [("sandboxed", True), ("unsandboxed", False)]
    runs_of: dict[str, list[dict[str, Any]]] = {key: [] for key, _ in sides}
    for repeat in range(args.repeats):
        for key, sandboxed in (sides if repeat % 2 == 0 else list(reversed(sides))):
            record: dict[str, Any] = {}
            tree_cpu: dict[bool, float] = {}
            with timed(record, key):
                side(sandboxed)
            runs_of[key].append({**record[key], "tree_cpu_seconds": round(tree_cpu[sandboxed], 2)})
    for key, done in runs_of.items():
        part[key] = {**min(done, key=lambda r: r["seconds"]), "runs": done}
    on, off = part["sandboxed"], part["unsandboxed"]
    part["seconds_per_notebook_sandboxed"] = round(on["seconds"] / count, 3)
    part["seconds_per_notebook_unsandboxed"] = round(off["seconds"] / count, 3)
    part["sandbox_over_unsandboxed"] = round(on["seconds"] / off["seconds"], 3)
    # CPU from the sampled process trees: RUSAGE_CHILDREN does not see the sandboxed kernels (run_tree_sampled).
    part["sandbox_over_unsandboxed_cpu"] = round(on["tree_cpu_seconds"] / off["tree_cpu_seconds"], 3)
    results["sandbox"] = part


def bench_class(results: dict[str, Any], args: argparse.Namespace) -> None:
    """The target: a class of --class-students students x every assignment, grade_class's default workers."""
    from medialit.grading.class_runner import default_workers

    workers = args.class_workers or default_workers()
    big, names, count = fresh_class(args, "class-big", class_of(args.class_students))
    part: dict[str, Any] = {"students": args.class_students, "assignments": names, "notebooks": count,
                            "workers": workers, "cores": os.cpu_count()}
    tree: dict[str, float] = {}
    busy = machine_busy_seconds()
    with timed(part, "grade_class"):
        part["graded"], part["failed"] = run_grade_class(big, workers, Path(args.workdir) / "logs-big", tree)
    part["grade_class"]["tree_cpu_seconds"] = tree["tree_cpu_seconds"]
    # Everything the machine ran meanwhile, other people's work included: on a shared machine the run
    # cannot beat (its CPU + theirs) / cores, so this floor says whether grade_class left a core idle.
    part["grade_class"]["machine_cpu_seconds"] = round(machine_busy_seconds() - busy, 2)
    part["expected_failed"] = sum(1 for m in class_of(args.class_students).values() if m == "not-json") * len(names)
    # The CPU floor: all the CPU grading took (grade_class, its workers, their kernels), spread over every core.
    # Sampled over the process tree (run_tree_sampled): RUSAGE_CHILDREN misses the sandboxed kernels.
    run = part["grade_class"]
    part["cpu_floor_seconds"] = round(max(run["tree_cpu_seconds"], run["cpu_seconds"]) / (os.cpu_count() or 1), 2)
    part["wall_over_cpu_floor"] = round(run["seconds"] / part["cpu_floor_seconds"], 3)
    part["machine_cpu_floor_seconds"] = round(run["machine_cpu_seconds"] / (os.cpu_count() or 1), 2)
    part["wall_over_machine_cpu_floor"] = round(run["seconds"] / part["machine_cpu_floor_seconds"], 3)
    results["class_100"] = part
    shutil.rmtree(big, ignore_errors=True)


def count_graded(db: Path) -> tuple[int, int]:
    """(submissions with every grade cell scored, submissions recorded at all)."""
    import sqlite3

    con = sqlite3.connect(db)
    try:
        rows = con.execute(
            "SELECT sa.id, SUM(g.auto_score IS NULL AND gc.cell_type = 'code') FROM submitted_assignment sa"
            " JOIN submitted_notebook sn ON sn.assignment_id = sa.id JOIN grade g ON g.notebook_id = sn.id"
            " JOIN grade_cells gc ON gc.id = g.cell_id GROUP BY sa.id"
        ).fetchall()
    finally:
        con.close()
    return sum(1 for _, missing in rows if not missing), len(rows)


def bench_unsafe(results: dict[str, Any], args: argparse.Namespace) -> None:
    """Start several `nbgrader autograde --student` at once on one SQLite gradebook, two ways."""
    students = class_of(args.unsafe_students, ("right",))
    part: dict[str, Any] = {}
    for variant in ("one_assignment_many_students", "new_students_every_assignment"):
        root, names, _ = fresh_class(args, f"class-unsafe-{variant}", students)
        if variant == "one_assignment_many_students":
            jobs = [(names[0], s) for s in sorted(students)]
        else:
            # The same new student in every assignment at once: each process creates the student.
            jobs = [(n, s) for s in sorted(students)[:2] for n in names]
        procs = [
            subprocess.Popen([sys.executable, "-m", "nbgrader", "autograde", n, f"--student={s}"], cwd=root,
                             env=env_with_venv(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for n, s in jobs
        ]
        outputs = [p.communicate()[0] for p in procs]
        complete, recorded = count_graded(root / "gradebook.db")
        part[variant] = {
            "concurrent_processes": len(procs),
            "failed_processes": sum(1 for p in procs if p.returncode != 0),
            "submissions_fully_graded": complete,
            "submissions_expected": len(jobs),
            "database_locked_messages": sum(o.count("database is locked") for o in outputs),
            "integrity_errors": sum(o.count("IntegrityError") for o in outputs),
        }
        print(f"  unsafe {variant}: {part[variant]}", flush=True)
        shutil.rmtree(root, ignore_errors=True)
    results["unsafe_sqlite"] = part


def bench_profile(results: dict[str, Any], args: argparse.Namespace) -> None:
    """Where one `nbgrader autograde <assignment>` spends its time, step by step (benchmarks/autograde_steps.py)."""
    root, names, _ = fresh_class(args, "class-profile", class_of(args.students, ("right", "even", "untouched")))
    name = names[0]
    out = Path(args.workdir) / "autograde-steps.json"
    part: dict[str, Any] = {"assignment": name}
    with timed(part, "run"):
        run([sys.executable, str(REPO / "benchmarks" / "autograde_steps.py"), str(out), "autograde", name], cwd=root)
    measured = json.loads(out.read_text())
    count = len(list((root / "autograded").glob(f"*/{name}/*.ipynb")))
    steps = measured["steps"]

    def total(label: str) -> float:
        return steps.get(label, {}).get("seconds", 0.0)

    per_notebook = total("convert_single_notebook (everything per notebook)") + total(
        "init_assignment (gradebook: student, submission, files)")
    kernel = total("preprocessor Execute")
    part.update({
        "notebooks": count,
        "import_nbgrader_seconds": measured["import_nbgrader_seconds"],
        "process_seconds": measured["total_seconds"],
        "per_notebook_seconds": round(per_notebook / count, 3),
        "per_notebook_kernel_seconds": round(kernel / count, 3),
        "per_notebook_beyond_kernel_seconds": round((per_notebook - kernel) / count, 3),
        "steps_seconds_per_notebook": {label: round(v["seconds"] / count, 3) for label, v in steps.items()},
    })
    results["profile"] = part
    print(f"  profile: {part}", flush=True)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path, handler_class: type[http.server.SimpleHTTPRequestHandler] | None = None) -> Iterator[str]:
    """Serve `directory` on a free loopback port with `handler_class` (default: QuietHandler); yields the base URL."""
    handler = partial(handler_class or QuietHandler, directory=str(directory))
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()


# The first element a widget's ES module renders that a reader can operate: a button or a
# focusable token. Recorded by a MutationObserver, as milliseconds since navigation started.
FIRST_WIDGET_SCRIPT = """
(() => {
  const selector = '.widget-subarea button, .widget-subarea [tabindex], .widget-subarea input, .widget-subarea select';
  const check = () => {
    if (window.__firstWidget === undefined && document.querySelector(selector)) {
      window.__firstWidget = performance.now();
    }
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true});
})();
"""


def load_page(browser: Any, url: str, block_widgets: bool, wait_widget: bool) -> dict[str, Any]:
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(FIRST_WIDGET_SCRIPT)
    sizes: list[int] = []
    outside: list[str] = []

    def finished(request: Any) -> None:
        s = request.sizes()
        sizes.append(s["responseBodySize"] + s["responseHeadersSize"])

    def route(route: Any) -> None:
        request_url = route.request.url
        if not request_url.startswith("http://127.0.0.1"):
            outside.append(request_url)
            route.abort()
        elif block_widgets and ("/_static/medialit/widget-runtime.js" in request_url):
            route.abort()
        else:
            route.continue_()

    page.route("**/*", route)
    page.on("requestfinished", finished)
    page.goto(url, wait_until="load")
    first = None
    if wait_widget:
        page.wait_for_function("window.__firstWidget !== undefined", timeout=30000)
        first = page.evaluate("window.__firstWidget")
    page.wait_for_load_state("networkidle")
    timing = page.evaluate(
        "(() => { const t = performance.getEntriesByType('navigation')[0];"
        " return {dcl: t.domContentLoadedEventEnd, load: t.loadEventEnd}; })()"
    )
    widgets = page.evaluate("document.querySelectorAll('.widget-subarea').length")
    # The heaviest downloads and when each finished (ms since navigation): the profile of a slow page.
    heaviest = page.evaluate(
        "performance.getEntriesByType('resource').map(r => ({name: r.name.split('/').pop().split('?')[0],"
        " bytes: r.encodedBodySize, done_ms: Math.round(r.responseEnd)})).sort((a, b) => b.bytes - a.bytes).slice(0, 5)"
    )
    context.close()
    return {"heaviest": heaviest, "bytes": sum(sizes), "requests": len(sizes), "first_widget_ms": first, "load_ms": timing["load"],
            "dom_content_loaded_ms": timing["dcl"], "widget_areas": widgets, "requests_leaving_loopback": len(outside)}


WIDGET_STATE_SCRIPT = re.compile(
    r'<script type="application/vnd\.jupyter\.widget-(?:state|view)\+json">.*?</script>\s*', re.S)
WIDGET_RUNTIME_TAG = re.compile(r'<script async="" src="[^"]*_static/medialit/widget-runtime\.js[^"]*"></script>\s*')
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".txt")


def without_widgets(html: str) -> str:
    """The page as it would be without its widgets: no saved widget state or views, no widget runtime."""
    return WIDGET_RUNTIME_TAG.sub("", WIDGET_STATE_SCRIPT.sub("", html))


class SlowPhoneHandler(QuietHandler):
    """Serves the site; `?widgets=off` serves a page without its widgets; gzip when the server is told to."""

    gzip = False

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        path, _, query = self.path.partition("?")
        local = Path(self.translate_path(path))
        if local.is_dir():
            local = local / "index.html"
        wants_gzip = self.gzip and "gzip" in self.headers.get("Accept-Encoding", "") and local.suffix in COMPRESSIBLE
        if not local.is_file() or not (wants_gzip or "widgets=off" in query):
            return super().do_GET()
        body = local.read_bytes()
        if "widgets=off" in query and local.suffix == ".html":
            body = without_widgets(body.decode("utf-8")).encode("utf-8")
        if wants_gzip:
            body = gzip.compress(body, compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(local)))
        if wants_gzip:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve_slow_phone_site(directory: Path, compress: bool) -> contextlib.AbstractContextManager[str]:
    return serve(directory, type("Handler", (SlowPhoneHandler,), {"gzip": compress}))


def bench_slow_phone(results: dict[str, Any], args: argparse.Namespace) -> None:
    """Widget chapters and the same pages without widgets, loaded in alternation on the slow-phone profile."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    from medialit.tooling.page_weight import SLOW_PHONE, measure_load

    html = Path(args.html) if args.html else REPO / "_build" / "html"
    if not (html / "index.html").is_file():
        results["slow_phone"] = {"missing": f"no built site at {html}: run scripts/setup first"}
        return
    chromium = shutil.which("chromium")
    if chromium is None:
        results["slow_phone"] = {"missing": "Debian's chromium is not installed (apt-get install -y chromium)"}
        return
    label = args.label or "current"
    part: dict[str, Any] = {
        "html_dir": str(html), "repeats": args.runs, "profile": SLOW_PHONE.__dict__,
        "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load_before": round(os.getloadavg()[0], 2),
        "machine": results.get("machine", {}).get("cpu"), "pages": {},
    }
    keys = ("bytes", "requests", "first_widget_usable_ms", "first_contentful_paint_ms", "dom_content_loaded_ms",
            "load_event_ms", "widget_areas")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for encoding in args.encodings:
                with serve_slow_phone_site(html, encoding == "gzip") as base:
                    for page in args.slow_pages:
                        variants = {"with_widgets": (f"{base}/{page}", True),
                                    "without_widgets": (f"{base}/{page}?widgets=off", False)}
                        timeouts: list[str] = []

                        def load(url: str, widget: bool) -> dict[str, Any]:
                            # A load that does not finish within 60 s (seen once in about a hundred, on a
                            # machine at load 10) is recorded and tried again once, not silently dropped.
                            try:
                                return measure_load(browser, url, profile=SLOW_PHONE, expect_widget=widget)
                            except PlaywrightTimeout as error:
                                timeouts.append(f"{url}: {str(error).splitlines()[0]}")
                                return measure_load(browser, url, profile=SLOW_PHONE, expect_widget=widget)

                        load(*variants["with_widgets"])  # warm-up, not kept
                        samples: dict[str, list[dict[str, Any]]] = {name: [] for name in variants}
                        for repeat in range(args.runs):
                            # Alternate which variant goes first, so drifting load falls on both.
                            order = list(variants) if repeat % 2 == 0 else list(reversed(variants))
                            for name in order:
                                samples[name].append(load(*variants[name]))
                        entry: dict[str, Any] = {"timed_out_and_retried": timeouts}
                        for name, runs in samples.items():
                            summary: dict[str, Any] = {}
                            for key in keys:
                                values = [r[key] for r in runs if r.get(key) is not None]
                                summary[key] = round(statistics.median(values), 1) if values else None
                                summary[f"{key}_all"] = [round(v, 1) for v in values]
                            summary["heaviest_first_run"] = [[int(b), u.split("?")[0].rsplit("/", 1)[-1]]
                                                             for b, u in runs[0]["by_url"][:6]]
                            entry[name] = summary
                        w, wo = entry["with_widgets"], entry["without_widgets"]
                        entry["load_event_with_over_without"] = round(w["load_event_ms"] / wo["load_event_ms"], 3)
                        part["pages"].setdefault(page, {})[encoding] = entry
                        print(f"  {label} {encoding} {page}: first widget usable {w['first_widget_usable_ms']} ms, "
                              f"load {w['load_event_ms']} / {wo['load_event_ms']} ms without widgets, "
                              f"{w['bytes']:,.0f} / {wo['bytes']:,.0f} B", flush=True)
        finally:
            browser.close()
    part["load_after"] = round(os.getloadavg()[0], 2)
    part["finished"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    results.setdefault("slow_phone", {})
    if "missing" in results["slow_phone"]:
        results["slow_phone"] = {}
    results["slow_phone"][label] = part


def bench_site(results: dict[str, Any], args: argparse.Namespace) -> None:
    from playwright.sync_api import sync_playwright

    # The build part's scratch site only when it was built by this same run; an older scratch folder
    # may hold a site from before the last change.
    built_now = bool({"build", "all"} & set(getattr(args, "parts", [])))
    html = Path(results["build"]["html_dir"]) if built_now and "build" in results else REPO / "_build" / "html"
    if not (html / "index.html").is_file():
        results["site"] = {"missing": f"no built site at {html}: run scripts/setup or the build part first"}
        return
    part: dict[str, Any] = {"html_dir": str(html), "runs": args.runs}
    chromium = shutil.which("chromium")
    if chromium is None:
        results["site"] = {"missing": "Debian's chromium is not installed (apt-get install -y chromium)"}
        return
    with serve(html) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            cases = {
                "chapter_with_widgets": (args.page, False, True),
                "same_page_widget_runtime_blocked": (args.page, True, False),
                "page_without_widgets": (args.plain_page, False, False),
            }
            load_page(browser, f"{base}/{args.page}", False, True)  # warm up the browser process once
            for label, (page, block, wait) in cases.items():
                samples = [load_page(browser, f"{base}/{page}", block, wait) for _ in range(args.runs)]
                summary = {"page": page}
                for key in ("bytes", "requests", "first_widget_ms", "load_ms", "dom_content_loaded_ms",
                            "widget_areas", "requests_leaving_loopback"):
                    values = [s[key] for s in samples if s[key] is not None]
                    summary[key] = round(statistics.median(values), 1) if values else None
                    if key == "first_widget_ms" and values:
                        summary["first_widget_ms_max"] = round(max(values), 1)
                summary["heaviest_first_run"] = samples[0]["heaviest"]
                part[label] = summary
                print(f"  {label}: {summary}", flush=True)
        finally:
            browser.close()
    results["site"] = part


# --------------------------------------------------------------------------------------------
# the table
# --------------------------------------------------------------------------------------------

def fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "n/a"
    return f"{value}{unit}"


def table(results: dict[str, Any]) -> str:
    rows = ["| benchmark | result | target | met |", "| --- | --- | --- | --- |"]

    def add(name: str, result: str, target: str = "", met: bool | None = None) -> None:
        rows.append(f"| {name} | {result} | {target} | {'' if met is None else ('yes' if met else '**no**')} |")

    build = results.get("build")
    if build:
        add("site build, cold (empty cache, every notebook executed)", f"{build['cold']['seconds']} s "
            f"(CPU {build['cold']['cpu_seconds']} s)")
        add("site build, warm (nothing changed)", f"{build['warm']['seconds']} s (CPU {build['warm']['cpu_seconds']} s)")
        add("warm / cold", f"{build['warm_over_cold']:.1%}", "< 15%", build["warm_over_cold"] < 0.15)
    else:
        add("site build", "not run")
    nbval = results.get("nbval")
    if nbval and "run" in nbval:
        add(f"nbval over {nbval['notebooks']} notebooks", f"{nbval['run']['seconds']} s ({nbval['outcome']})")
    else:
        add("nbval", (nbval or {}).get("missing", "not run"))
    g = results.get("grading")
    if g:
        size = f"{g['notebooks']} submitted notebooks ({g['students']} students x {len(g['assignments'])} assignments)"
        if "nbgrader_over_nbclient" in g:
            add(f"plain nbclient, {size}", f"{g['seconds_per_notebook_nbclient']} s per notebook")
            add("`nbgrader autograde`, same notebooks, sequential", f"{g['seconds_per_notebook_nbgrader']} s per notebook")
            add("nbgrader / nbclient (wall; CPU)", f"{g['nbgrader_over_nbclient']}x; {g['nbgrader_over_nbclient_cpu']}x",
                "<= 1.5x", g["nbgrader_over_nbclient"] <= 1.5)
        else:
            # `--grading-steps workers` on a class size whose overhead pair was never measured.
            add(f"plain nbclient and `nbgrader autograde`, {size}",
                "not run (`run.py grading --grading-steps overhead`)", "<= 1.5x")
        for key in sorted(k for k in g if k.startswith("grade_class_")):
            workers = key.split("_")[2]
            speed = g.get(f"speedup_{workers}_workers")
            target, met = ("", None)
            if workers == "2" and speed is not None:
                target, met = ">= 1.6x", speed >= 1.6
            add(f"grade_class, {workers} worker(s)", f"{g[key]['seconds']} s, speedup {fmt(speed, 'x')}", target, met)
        if "one_worker_grade_class_over_nbclient" in g:
            add("grade_class with 1 worker / nbclient (wall)", f"{g['one_worker_grade_class_over_nbclient']}x")
    else:
        add("autograding", "not run")
    big = results.get("class_100")
    if big and "grade_class" in big:
        add(f"{big['students']} students x {len(big['assignments'])} assignments ({big['notebooks']} notebooks), "
            f"{big['workers']} workers", f"{big['grade_class']['seconds']} s ({big['graded']} graded, "
            f"{big['failed']} failed of {big['expected_failed']} not-JSON)", "< 600 s", big["grade_class"]["seconds"] < 600)
        if "wall_over_cpu_floor" in big:
            add("same run: wall time / CPU floor (CPU seconds / cores)",
                f"{big['wall_over_cpu_floor']}x ({big['grade_class']['seconds']} s / {big['cpu_floor_seconds']} s; "
                f"load {big['grade_class']['load_before']} -> {big['grade_class']['load_after']})",
                "<= 1.3x", big["wall_over_cpu_floor"] <= 1.3)
        if "wall_over_machine_cpu_floor" in big:
            add("same run: wall time / the machine's CPU floor (all processes' CPU seconds / cores, others' work included)",
                f"{big['wall_over_machine_cpu_floor']}x ({big['grade_class']['machine_cpu_seconds']} CPU s on the machine, "
                f"{big['grade_class']['tree_cpu_seconds']} of them grade_class's)")
    else:
        add("100 students x every assignment, grade_class", "not run (see Targets)", "< 600 s")
    box = results.get("sandbox")
    if box and "sandbox_over_unsandboxed" in box:
        add(f"sandbox cost: sequential `nbgrader autograde`, {box['notebooks']} notebooks, sandboxed / unsandboxed "
            "(wall; CPU)", f"{box['seconds_per_notebook_sandboxed']} / {box['seconds_per_notebook_unsandboxed']} s per "
            f"notebook: {box['sandbox_over_unsandboxed']}x; {box['sandbox_over_unsandboxed_cpu']}x "
            f"({box['sandboxed']['started']}, load {box['sandboxed']['load_before']} -> {box['sandboxed']['load_after']})",
            "<= 1.10x", box["sandbox_over_unsandboxed"] <= 1.10)
    else:
        add("sandbox cost per notebook (sandboxed / unsandboxed)", "not run (`run.py sandbox`)", "<= 1.10x")
    for variant, r in (results.get("unsafe_sqlite") or {}).items():
        if isinstance(r, dict) and "submissions_expected" in r:
            add(f"{r['concurrent_processes']} concurrent `nbgrader autograde` on one SQLite file ({variant.replace('_', ' ')})",
                f"{r['submissions_fully_graded']}/{r['submissions_expected']} fully graded, {r['failed_processes']} failed, "
                f"{r['database_locked_messages']} 'database is locked'")
    site = results.get("site")
    if site and "chapter_with_widgets" in site:
        w, b, p = site["chapter_with_widgets"], site["same_page_widget_runtime_blocked"], site["page_without_widgets"]
        add(f"first widget interactive, {w['page']} (median of {site['runs']}, max)",
            f"{w['first_widget_ms']} ms, max {w.get('first_widget_ms_max')} ms", "< 1500 ms", w["first_widget_ms"] < 1500)
        add("bytes transferred: with widgets / runtime blocked / page without widgets",
            f"{w['bytes']:,.0f} / {b['bytes']:,.0f} / {p['bytes']:,.0f} B")
        add("load event: with widgets / runtime blocked / page without widgets",
            f"{w['load_ms']} / {b['load_ms']} / {p['load_ms']} ms")
    else:
        add("static site", (site or {}).get("missing", "not run"))
    slow = results.get("slow_phone") or {}
    if "missing" in slow:
        add("slow phone", slow["missing"])
    for label in sorted(slow, key=lambda name: (name != "before", name)):
        run_ = slow[label]
        if not isinstance(run_, dict) or "pages" not in run_:
            continue
        when = f"{run_['started']}, load {run_['load_before']} -> {run_['load_after']}"
        for page, by_encoding in run_["pages"].items():
            for encoding, entry in by_encoding.items():
                w, wo = entry["with_widgets"], entry["without_widgets"]
                name = f"slow phone, {label}: {page}, {'gzip' if encoding == 'gzip' else 'uncompressed'} (median of {run_['repeats']})"
                add(f"{name}: bytes transferred with / without widgets", f"{w['bytes']:,.0f} / {wo['bytes']:,.0f} B",
                    "<= 800 KB" if encoding == "identity" else "", w["bytes"] <= 800_000 if encoding == "identity" else None)
                add(f"{name}: first widget usable", f"{w['first_widget_usable_ms']} ms ({when})", "<= 2500 ms",
                    w["first_widget_usable_ms"] <= 2500)
                add(f"{name}: load event with / without widgets",
                    f"{w['load_event_ms']} / {wo['load_event_ms']} ms = {entry['load_event_with_over_without']}x",
                    "<= 1.2x", entry["load_event_with_over_without"] <= 1.2)
    return "\n".join(rows)


PARTS: dict[str, Callable[[dict[str, Any], argparse.Namespace], None]] = {
    "build": bench_build,
    "nbval": bench_nbval,
    "grading": bench_grading,
    "class": bench_class,
    "sandbox": bench_sandbox,
    "unsafe": bench_unsafe,
    "profile": bench_profile,
    "site": bench_site,
    "slow-phone": bench_slow_phone,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("parts", nargs="+", choices=[*PARTS, "all", "table"])
    parser.add_argument("--students", type=int, default=20, help="students per assignment for the timing class")
    parser.add_argument("--class-students", type=int, default=100, help="students in the full-class run (0 skips it)")
    parser.add_argument("--class-workers", type=int, default=None, help="workers in the full-class run (default: grade_class's)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--repeats", type=int, default=1,
                        help="grading part: runs of each side (nbclient/nbgrader, each worker count), in alternating order; the fastest counts")
    parser.add_argument("--grading-steps", nargs="+", choices=["overhead", "workers"], default=["overhead", "workers"],
                        help="grading part: nbgrader vs nbclient ('overhead'), grade_class workers ('workers'), or both")
    parser.add_argument("--unsafe-students", type=int, default=6)
    parser.add_argument("--page", default="book/loaded-language.html", help="chapter page with widgets")
    parser.add_argument("--plain-page", default="book/glossary.html", help="chapter page without widgets")
    parser.add_argument("--runs", type=int, default=5, help="page loads per case (median reported)")
    parser.add_argument("--slow-pages", nargs="+", default=["book/loaded-language.html", "book/machine.html"],
                        help="slow-phone part: widget chapters to load, each with and without its widgets")
    parser.add_argument("--encodings", nargs="+", choices=["identity", "gzip"], default=["identity", "gzip"],
                        help="slow-phone part: serve the site plain, gzip-compressed, or both")
    parser.add_argument("--html", default=None, help="slow-phone part: the built site to load (default: _build/html)")
    parser.add_argument("--label", default=None,
                        help="slow-phone part: the name its figures are kept under in results.json (e.g. before, after)")
    parser.add_argument("--workdir", default=None, help="scratch folder (default: a new temporary one)")
    args = parser.parse_args(argv)
    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    parts = list(PARTS) if "all" in args.parts else [p for p in args.parts if p != "table"]
    if parts:
        args.workdir = args.workdir or tempfile.mkdtemp(prefix="medialit-bench-")
        results["machine"] = machine()
        for name in parts:
            print(f"== {name}", flush=True)
            PARTS[name](results, args)
            RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
