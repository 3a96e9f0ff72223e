"""Submissions for the nbgrader round trip, made at test time from the released and source notebooks.

No answer key is written here: right answers are copied from the solution cells of solutions/, so these
generators stay correct when the notebooks change. Each attack or breakage is one student whose
submission is built by one function below; `build_class` writes them all into a course directory.
"""
from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
# The graded assignments (solutions with keys in hidden tests). The discernment check's forms are assignments too,
# generated from check.yaml and graded for participation only (medialit.assessment.forms): CHECK_ASSIGNMENTS.
ASSIGNMENTS = ("loaded-language", "sourcing", "statements", "machine", "capstone")
CHECK_ASSIGNMENTS = ("check-before", "check-after", "check-delayed")
# The attacks and breakages are all tried on one assignment: the grading machinery is the same in all four.
ATTACKED = "loaded-language"
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


# --- course directory ------------------------------------------------------------------------

def nbgrader(args: list[str], cwd: Path, timeout: float = 1800) -> subprocess.CompletedProcess[str]:
    """Run an nbgrader command with this environment's Python (its kernel must see medialit)."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env, text=True,
                          capture_output=True, timeout=timeout)


def make_course(root: Path) -> Path:
    """A throw-away course: the repository's nbgrader_config.py and solutions/, nothing else."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(REPO / "solutions", root / "solutions")
    return root


def generate_all(course: Path) -> subprocess.CompletedProcess[str]:
    result = nbgrader(["generate_assignment", "*", "--force"], course)
    if result.returncode != 0:
        raise AssertionError(f"nbgrader generate_assignment failed:\n{result.stdout}\n{result.stderr}")
    return result


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def source_nb(name: str, course: Path | None = None) -> nbformat.NotebookNode:
    return read((course or REPO) / "solutions" / name / f"{name}.ipynb")


def released_nb(name: str, course: Path) -> nbformat.NotebookNode:
    return read(course / "exercises" / name / f"{name}.ipynb")


def meta(cell: nbformat.NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def auto_points(name: str) -> float:
    """The autograded points of an assignment, read from its source notebook's test cells."""
    return sum(float(meta(c)["points"]) for c in source_nb(name).cells
               if meta(c).get("grade") and not meta(c).get("solution"))


def answer_cells(nb: nbformat.NotebookNode, *, code_only: bool = True) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if meta(c).get("solution") and (c.cell_type == "code" or not code_only)]


def find(nb: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    for cell in nb.cells:
        if meta(cell).get("grade_id") == grade_id:
            return cell
    raise KeyError(grade_id)


def _unmarked(source: str) -> str:
    return "\n".join(line for line in source.split("\n") if line.strip() not in MARKERS)


# --- submissions -------------------------------------------------------------------------------

def right(name: str, course: Path) -> nbformat.NotebookNode:
    """The student version with every answer cell (code and written) taken from the solutions."""
    nb, solved = released_nb(name, course), source_nb(name, course)
    for cell in answer_cells(nb, code_only=False):
        cell.source = _unmarked(find(solved, meta(cell)["grade_id"]).source)
    return nb


def untouched(name: str, course: Path) -> nbformat.NotebookNode:
    return released_nb(name, course)


def partial(name: str, course: Path) -> nbformat.NotebookNode:
    """Only the first autograded answer is right; the rest are left as released."""
    nb, solved = released_nb(name, course), source_nb(name, course)
    first = answer_cells(nb)[0]
    first.source = _unmarked(find(solved, meta(first)["grade_id"]).source)
    return nb


def _wrong_answers(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Well-formed but wrong answers for loaded-language (plain values that pass the form checks)."""
    wrong = {
        "ll-answer13": 'phrases_13 = ["Turkey and Iraq"]',
        "ll-answer24": 'phrases_24 = ["Mosul in Iraq"]',
        "ll-answer18": 'techniques_18 = {k: "Appeal_to_fear-prejudice" for k in PHRASES_18}',
    }
    for grade_id, source in wrong.items():
        find(nb, grade_id).source = source
    return nb


def attack_monkeypatch(name: str, course: Path) -> nbformat.NotebookNode:
    """Redefine the scorer, the grading helpers and award() before the tests run."""
    nb = _wrong_answers(released_nb(name, course))
    find(nb, "ll-answer13").source = '''
import medialit.grading
import medialit.scoring


class Perfect:
    precision = recall = f1 = 1.0
    key_feedback = unmatched = ()

    def summary(self):
        return "perfect"


medialit.scoring.span_prf = lambda *args, **kwargs: Perfect()
medialit.scoring.score_labels = lambda *args, **kwargs: type("S", (), {"score": 1.0, "correct": 9, "total": 9, "items": ()})()
medialit.grading.score_task = lambda spec, answer, **kwargs: medialit.grading.TaskResult(spec["points"], spec["points"], "")
medialit.grading.award = lambda task, spec: float(spec["points"])
grading.award = medialit.grading.award
phrases_13 = ["Turkey and Iraq"]
'''
    return nb


def attack_rigged_eq(name: str, course: Path) -> nbformat.NotebookNode:
    """Answers whose __eq__ and __hash__ say they equal anything."""
    nb = released_nb(name, course)
    find(nb, "ll-answer13").source = '''
class Anything(str):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __hash__(self):
        return 0

    def __contains__(self, other):
        return True


class AnyList(list):
    def __eq__(self, other):
        return True


class AnyDict(dict):
    def __eq__(self, other):
        return True

    def __getitem__(self, key):
        return Anything("Loaded_Language")


phrases_13 = AnyList([Anything("Turkey and Iraq")])
'''
    find(nb, "ll-answer24").source = 'phrases_24 = [Anything("Mosul in Iraq")]'
    find(nb, "ll-answer18").source = 'techniques_18 = AnyDict({k: Anything("Loaded_Language") for k in PHRASES_18})'
    return nb


def attack_edit_locked(name: str, course: Path) -> nbformat.NotebookNode:
    """Replace the checks with numbers, raise a test cell's points, unlock cells; answers wrong."""
    nb = _wrong_answers(released_nb(name, course))
    find(nb, "ll-check13").source = "3"
    cell = find(nb, "ll-check24")
    cell.source = "print(4)\n4"
    meta(cell)["points"] = 40
    meta(cell)["locked"] = False
    find(nb, "ll-setup").source += "\ngrading.check_phrases = lambda phrases, **kwargs: phrases"
    return nb


def attack_delete_cells(name: str, course: Path) -> nbformat.NotebookNode:
    """Delete a test cell and an answer cell (the answer for paragraph 13 is right)."""
    nb = right(name, course)
    nb.cells = [c for c in nb.cells if meta(c).get("grade_id") not in {"ll-check13", "ll-answer24"}]
    return nb


def attack_print_number(name: str, course: Path) -> nbformat.NotebookNode:
    """Print and display numbers, and have a hook put a number into every later cell's outputs."""
    nb = _wrong_answers(released_nb(name, course))
    find(nb, "ll-answer13").source = '''
import sys

ip = get_ipython()


def forge(result):
    print(4)
    sys.displayhook(4.0)  # an execute_result in whatever cell just ran


ip.events.register("post_run_cell", forge)
phrases_13 = ["Turkey and Iraq"]
print(3)
3
'''
    return nb


def attack_display_hooks(name: str, course: Path) -> nbformat.NotebookNode:
    """Patch IPython's formatters and input transformers so every test cell shows full points."""
    nb = _wrong_answers(released_nb(name, course))
    find(nb, "ll-answer13").source = '''
ip = get_ipython()
plain_text = ip.display_formatter.formatters["text/plain"]
plain_text.for_type(float, lambda obj, printer, cycle: printer.text("4.0"))
plain_text.for_type(int, lambda obj, printer, cycle: printer.text("4"))
plain_text.for_type(type(None), lambda obj, printer, cycle: printer.text("4"))


def replace_tests(lines):
    # Any cell that records an answer becomes a bare number, or a forged pair of answer records.
    text = "".join(lines)
    if "grading.submit" in text:
        return ["from IPython.display import display\\n",
                "display({'application/vnd.medialit.answer+json': {'task': 'loaded-language/p13', 'answer': []}}, raw=True)\\n",
                "display({'application/vnd.medialit.answer+json': {'task': 'loaded-language/p13', 'answer': []}}, raw=True)\\n",
                "4.0\\n"]
    return lines


ip.input_transformers_cleanup.append(replace_tests)
phrases_13 = ["Turkey and Iraq"]
'''
    return nb


def broken_syntax(name: str, course: Path) -> nbformat.NotebookNode:
    nb = right(name, course)
    find(nb, "ll-answer13").source = 'phrases_13 = ["determined to deny",\n'
    return nb


def broken_loop(name: str, course: Path) -> nbformat.NotebookNode:
    nb = right(name, course)
    find(nb, "ll-answer13").source = "while True:\n    pass"
    return nb


def broken_output(name: str, course: Path) -> nbformat.NotebookNode:
    """Megabytes of output instead of the first answer; the other answers are right."""
    nb = right(name, course)
    find(nb, "ll-answer13").source = 'print("x" * 3_000_000)\nfor i in range(100_000):\n    print(i)'
    return nb


NOT_JSON = '{"cells": [{"cell_type": "code", "source": "phrases_13 = [\\"oops\\"]"'  # cut off mid-file


EVERY_ASSIGNMENT: dict[str, Callable[[str, Path], nbformat.NotebookNode]] = {
    "right": right,
    "untouched": untouched,
    "partial": partial,
}
ATTACKS: dict[str, Callable[[str, Path], nbformat.NotebookNode]] = {
    "attack-monkeypatch": attack_monkeypatch,
    "attack-rigged-eq": attack_rigged_eq,
    "attack-edit-locked": attack_edit_locked,
    "attack-delete-cells": attack_delete_cells,
    "attack-print-number": attack_print_number,
    "attack-display-hooks": attack_display_hooks,
    "broken-syntax": broken_syntax,
    "broken-loop": broken_loop,
    "broken-output": broken_output,
}
NOT_JSON_STUDENT = "broken-not-json"


def build_class(course: Path) -> dict[tuple[str, str], Path]:
    """Write every submission into course/submitted/<student>/<assignment>/; return their paths."""
    made: dict[tuple[str, str], Path] = {}

    def put(student: str, name: str) -> Path:
        folder = course / "submitted" / student / name
        folder.mkdir(parents=True, exist_ok=True)
        made[(student, name)] = folder / f"{name}.ipynb"
        return made[(student, name)]

    for name in ASSIGNMENTS:
        for student, make in EVERY_ASSIGNMENT.items():
            nbformat.write(make(name, course), str(put(student, name)))
    for student, make in ATTACKS.items():
        nb = make(ATTACKED, course)
        nbformat.write(copy.deepcopy(nb), str(put(student, ATTACKED)))
    put(NOT_JSON_STUDENT, ATTACKED).write_text(NOT_JSON, encoding="utf-8")
    return made


# --- sandbox attacks and ordinary mistakes (tests/test_grading_sandbox.py) ----------------------
#
# Each attack reports what it could see from inside its kernel as one printed line
# `MEDIALIT-PROBE {json}`, so the test asserts the escape itself, not only the score. Every attack
# is bounded so that it could not harm the machine even if the sandbox failed: at most 6 GiB of
# memory, 1000 sleeping processes, 512 MB of disk, and a daemon that only sleeps and writes a marker.

PROBE = "MEDIALIT-PROBE "
PROBE_PRELUDE = '''
import json as _json, os as _os
def probe(name, value):
    print("MEDIALIT-PROBE " + _json.dumps({"name": name, "value": value}))
def attempt(action):
    try:
        return "DONE: " + repr(action())[:200]
    except BaseException as error:
        return "refused: " + type(error).__name__
'''


def _attack(nb: nbformat.NotebookNode, code: str) -> nbformat.NotebookNode:
    """Wrong but well-formed answers everywhere, and `code` run first in the first answer cell."""
    nb = _wrong_answers(nb)
    cell = find(nb, "ll-answer13")
    cell.source = PROBE_PRELUDE + code + "\n" + cell.source
    return nb


def attack_read_keys(name: str, course: Path) -> nbformat.NotebookNode:
    """Read the keys from solutions/, the gradebook, its own notebook on disk and the grader's memory,
    and answer with them if that worked."""
    nb = _attack(released_nb(name, course), _read_keys_code(course, name))
    # The answers taken from the key stay in force: the later answer cells only fill in when it failed.
    for grade_id in ("ll-answer24", "ll-answer18"):
        cell = find(nb, grade_id)
        cell.source = f"if not ANSWERS_FROM_KEY:\n    {cell.source}"
    cell = find(nb, "ll-answer13")
    cell.source = cell.source.replace('\nphrases_13 = ["Turkey and Iraq"]',
                                      '\nif not ANSWERS_FROM_KEY:\n    phrases_13 = ["Turkey and Iraq"]')
    return nb


def _read_keys_code(course: Path, name: str) -> str:
    return f'''
course = {str(course)!r}
solution = course + "/solutions/{name}/{name}.ipynb"
probe("solutions", attempt(lambda: open(solution).read(200)))
probe("gradebook", attempt(lambda: open(course + "/gradebook.db", "rb").read(100)))
probe("config", attempt(lambda: open(course + "/nbgrader_config.py").read(100)))
probe("classmate", attempt(lambda: open(course + "/submitted/right/{name}/{name}.ipynb").read(100)))
walked = []
for up in range(0, 8):
    folder = _os.path.normpath(_os.path.join(_os.getcwd(), *[".."] * up))
    try:
        walked += [_os.path.join(folder, entry) for entry in _os.listdir(folder)]
    except OSError:
        pass
probe("walked", sorted(set(p for p in walked if "solutions" in p or "gradebook" in p or p.endswith(".ipynb"))))
readable_hidden = []
for root, dirs, files in _os.walk(_os.getcwd()):
    for f in files:
        try:
            if "HIDDEN TESTS" in open(_os.path.join(root, f), errors="replace").read():
                readable_hidden.append(f)
        except OSError:
            pass
probe("hidden_tests_near_me", readable_hidden)
others = {{}}
for pid in [p for p in _os.listdir("/proc") if p.isdigit()]:
    others[pid] = attempt(lambda: open(f"/proc/{{pid}}/cmdline").read()[:60])
probe("processes", others)
probe("parent_memory", attempt(lambda: open(f"/proc/{{_os.getppid()}}/mem", "rb").read(1)))
probe("jupyter_runtime", attempt(lambda: _os.listdir(_os.path.expanduser("~root/.local/share/jupyter/runtime"))))
probe("environment", dict(_os.environ))
probe("uid", _os.getuid())
# Use the key if it could be read: its solution cells hold the answers.
try:
    for cell in _json.load(open(solution))["cells"]:
        if cell.get("metadata", {{}}).get("nbgrader", {{}}).get("solution") and cell["cell_type"] == "code":
            exec("".join(cell["source"]).replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", ""))
    ANSWERS_FROM_KEY = True
except BaseException:
    ANSWERS_FROM_KEY = False
probe("answers_from_key", ANSWERS_FROM_KEY)
'''


def attack_write(name: str, course: Path) -> nbformat.NotebookNode:
    """Overwrite a classmate's submission, the gradebook and the config (a backdoor for the next run)."""
    return _attack(released_nb(name, course), f'''
course = {str(course)!r}
victim = course + "/submitted/right/{name}/{name}.ipynb"
probe("classmate", attempt(lambda: open(victim, "w").write("{{}}")))
probe("classmate_autograded", attempt(lambda: open(course + "/autograded/right/{name}/{name}.ipynb", "w").write("{{}}")))
probe("gradebook", attempt(lambda: open(course + "/gradebook.db", "r+b").write(b"garbage")))
probe("config", attempt(lambda: open(course + "/nbgrader_config.py", "a").write("\\nraise SystemExit('backdoor')\\n")))
probe("new_file_in_course", attempt(lambda: open(course + "/planted.py", "w").write("pwned")))
''')


DAEMON_MARKER = "medialit-daemon-"


def attack_daemon(name: str, course: Path) -> nbformat.NotebookNode:
    """Leave a detached process that edits the course after the notebook is saved."""
    return _attack(released_nb(name, course), f'''
import subprocess
marker = {str(course / "daemon-was-here")!r}
script = "sleep 4; echo pwned > " + marker + "; sleep 30 # {DAEMON_MARKER}{name}"
child = subprocess.Popen(["/bin/sh", "-c", script], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
probe("daemon_started", child.pid)
''')


def attack_network(name: str, course: Path, port: int) -> nbformat.NotebookNode:
    """Reach a service on the grader's loopback and the outside world."""
    return _attack(released_nb(name, course), f'''
import socket
probe("loopback", attempt(lambda: socket.create_connection(("127.0.0.1", {port}), timeout=3).send(b"pwned")))
probe("outside", attempt(lambda: socket.create_connection(("1.1.1.1", 53), timeout=3)))
probe("dns", attempt(lambda: socket.gethostbyname("pypi.org")))
''')


def attack_exhaust(name: str, course: Path) -> nbformat.NotebookNode:
    """A fork bomb, a memory bomb and a disk filler, each with a ceiling a machine survives unsandboxed."""
    return _attack(released_nb(name, course), '''
import signal, time
children = []
try:
    for _ in range(1000):
        pid = _os.fork()
        if pid == 0:
            time.sleep(30)
            _os._exit(0)
        children.append(pid)
except OSError as error:
    pass
probe("processes_started", len(children))
for pid in children:
    _os.kill(pid, signal.SIGKILL)
    _os.waitpid(pid, 0)
blocks = []
try:
    for _ in range(24):  # 24 x 256 MiB = 6 GiB at most
        blocks.append(bytearray(256 * 1024 * 1024))
except MemoryError:
    pass
probe("memory_mib", 256 * len(blocks))
del blocks
written = 0
try:
    with open("filler.bin", "wb") as out:
        for _ in range(64):  # 64 x 8 MiB = 512 MiB at most
            out.write(b"x" * (8 * 1024 * 1024))
            out.flush()
            written += 8
except OSError:
    pass
probe("file_mib", written)
_os.remove("filler.bin")
''')


def mistake_swallowed_interrupt(name: str, course: Path) -> nbformat.NotebookNode:
    """A retry loop whose bare `except:` swallows the timeout's interrupt; the other answers are right."""
    nb = right(name, course)
    find(nb, "ll-answer13").source = ("import time\nwhile True:\n    try:\n        time.sleep(0.5)\n"
                                       "    except:\n        pass")
    return nb


def mistake_dead_kernel(name: str, course: Path) -> nbformat.NotebookNode:
    """The kernel exits in the middle of the notebook; the other answers are right."""
    nb = right(name, course)
    find(nb, "ll-answer13").source = "import os\nos._exit(1)"
    return nb


def mistake_stray_marker(name: str, course: Path) -> nbformat.NotebookNode:
    """nbgrader's hidden-test delimiter typed into a comment of a right answer."""
    nb = right(name, course)
    cell = find(nb, "ll-answer13")
    cell.source = "# ### BEGIN HIDDEN TESTS (I wondered what these are)\n" + cell.source
    return nb


def mistake_pasted_locked_cell(name: str, course: Path) -> nbformat.NotebookNode:
    """A locked markdown cell copied and pasted further down (same metadata); every answer right."""
    nb = right(name, course)
    locked = next(c for c in nb.cells if c.cell_type == "markdown" and meta(c).get("locked"))
    nb.cells.insert(len(nb.cells) - 1, copy.deepcopy(locked))
    return nb


SANDBOX_ATTACKS: dict[str, Callable[[str, Path], nbformat.NotebookNode]] = {
    "attack-read-keys": attack_read_keys,
    "attack-write": attack_write,
    "attack-daemon": attack_daemon,
    "attack-exhaust": attack_exhaust,
}
MISTAKES: dict[str, Callable[[str, Path], nbformat.NotebookNode]] = {
    "mistake-swallowed-interrupt": mistake_swallowed_interrupt,
    "mistake-dead-kernel": mistake_dead_kernel,
    "mistake-stray-marker": mistake_stray_marker,
    "mistake-pasted-locked-cell": mistake_pasted_locked_cell,
}


def probes(notebook: nbformat.NotebookNode) -> dict[str, object]:
    """What an attack reported from inside its kernel (the MEDIALIT-PROBE lines of its outputs)."""
    import json

    found: dict[str, object] = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            text = output.get("text", "") if output.get("output_type") == "stream" else ""
            for line in text.splitlines():
                if line.startswith(PROBE):
                    record = json.loads(line[len(PROBE):])
                    found[record["name"]] = record["value"]
    return found


# --- hostile HTML (sanitize.py): what a student writes must not run in a grader's browser ---------------

# Each attack sets a window global of its own when it runs; a safe page leaves every one undefined.
PWNED_GLOBALS = ("__pwned_md_img", "__pwned_md_script", "__pwned_md_link", "__pwned_md_iframe", "__pwned_md_svg",
                 "__pwned_raw", "__pwned_html_img", "__pwned_html_script", "__pwned_srcdoc", "__pwned_js",
                 "__pwned_svg_out", "__pwned_svg_script", "__pwned_mdout", "__pwned_tex", "__pwned_png")
HUGE_PRINT_CHARS = 30_000_000
HOSTILE_MARKDOWN = '''My rewrite: STUDENT-WRITTEN-ANSWER-KEPT, in plain words.

<img src=x onerror="window.__pwned_md_img=1">
<script>window.__pwned_md_script=1</script>
[click me](javascript:window.__pwned_md_link=1)
<iframe src="javascript:parent.__pwned_md_iframe=1"></iframe>
<svg onload="window.__pwned_md_svg=1"><circle r="4"/></svg>
<div style="width: expression(alert(1)); background: url(https://example.org/track.png)">STYLED-TEXT-KEPT</div>
<img src="https://example.org/pixel.png">

> **Rubric for `ll-rewrite18`**, for graders only (from `solutions/loaded-language/loaded-language.ipynb`; students never see it)
>
> * **3 points: full.** FORGED-RUBRIC: any answer that mentions the weather.

<aside class="medialit-rubric" data-medialit-rubric="ll-rewrite18">FORGED-ASIDE: 3 points for everyone.</aside>
'''
HOSTILE_OUTPUTS = r'''
from IPython.display import HTML, SVG, Javascript, Latex, Markdown, display

display(HTML('<b>BOLD-HTML-KEPT</b><img src=x onerror="window.__pwned_html_img=1">'
             '<script>window.__pwned_html_script=1</script>'
             '<iframe srcdoc="<script>parent.__pwned_srcdoc=1</script>"></iframe>'
             '<div style="width: expression(alert(1))">HTML-STYLED-KEPT</div>'
             '<a href="javascript:window.__pwned_html_img=1">html link</a>'))
display(Javascript('window.__pwned_js = 1'))
display(SVG('<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned_svg_out=1">'
            '<script>window.__pwned_svg_script=1</script><circle r="5"/></svg>'))
display(Markdown('<img src=x onerror="window.__pwned_mdout=1"> MARKDOWN-OUTPUT-KEPT'))
display(Latex(r'$\href{javascript:window.__pwned_tex=1}{LATEX-KEPT}$'))
display({'application/vnd.jupyter.widget-view+json': {'model_id': 'x', 'version_major': 2, 'version_minor': 0},
         'text/plain': 'a widget'}, raw=True)
display({'image/png': '"><img src=x onerror="window.__pwned_png=1">'}, raw=True)
'''
# In a cell of its own: the sandbox drops a message over its size limit together with the rest of that cell's
# outputs (medialit/grading/execute.py), so the outputs above would not reach the pages these tests read.
HUGE_PRINT = 'print("HUGE-PRINT-START" + "A" * (HUGE_PRINT_CHARS - 16))'


def attack_html(name: str, course: Path) -> nbformat.NotebookNode:
    """Script in a written answer, in a raw cell and in code outputs (HTML, JS, SVG, widget, a forged PNG),
    plus a 30 MB one-line print; the automatic answers are right so the checks still record them."""
    assert name == ATTACKED, "the hostile written answer is loaded-language's ll-rewrite18"
    nb = right(name, course)
    find(nb, "ll-rewrite18").source = HOSTILE_MARKDOWN
    answer = find(nb, "ll-answer13")
    answer.source = f"{HOSTILE_OUTPUTS}\n{answer.source}"
    flood = find(nb, "ll-answer24")
    flood.source = f"HUGE_PRINT_CHARS = {HUGE_PRINT_CHARS}\n{HUGE_PRINT}\n{flood.source}"
    nb.cells.append(nbformat.v4.new_raw_cell('<script>window.__pwned_raw=1</script>RAW-CELL-KEPT',
                                             metadata={"raw_mimetype": "text/html"}))
    return nb


# --- intake attacks (medialit/grading/intake.py, tests/test_intake_attacks.py) -------------------------------
#
# What a student controls outside their code: the files beside the notebook, the notebook file itself, their
# id, the notebook's shape and timestamp.txt. Each builder writes a whole submission folder, since the attack
# is in the folder, not only in the notebook.

LINKED_FILES = ("key.txt", "gradebook.db", "shadow", "hard-key.txt", "config-dir")


def attack_linked_files(name: str, course: Path, folder: Path) -> None:
    """Links beside the notebook to the key, the gradebook and /etc/shadow, a hard link to the key, a link to a
    folder; the notebook answers with the key when its kernel can read it, and reports what it could read."""
    solution = course / "solutions" / name / f"{name}.ipynb"
    code = f'''
for entry in {list(LINKED_FILES)!r}:
    probe(entry, attempt(lambda: open(entry, "rb").read(300).decode("utf-8", "replace")))
probe("listing", sorted(_os.listdir(".")))
try:
    for cell in _json.load(open("key.txt"))["cells"]:
        if cell.get("metadata", {{}}).get("nbgrader", {{}}).get("solution") and cell["cell_type"] == "code":
            exec("".join(cell["source"]).replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", ""))
    ANSWERS_FROM_KEY = True
except BaseException:
    ANSWERS_FROM_KEY = False
probe("answers_from_key", ANSWERS_FROM_KEY)
'''
    nb = _attack(released_nb(name, course), code)
    for grade_id in ("ll-answer24", "ll-answer18"):
        cell = find(nb, grade_id)
        cell.source = f"if not ANSWERS_FROM_KEY:\n    {cell.source}"
    cell = find(nb, "ll-answer13")
    cell.source = cell.source.replace('\nphrases_13 = ["Turkey and Iraq"]',
                                      '\nif not ANSWERS_FROM_KEY:\n    phrases_13 = ["Turkey and Iraq"]')
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(folder / f"{name}.ipynb"))
    (folder / "key.txt").symlink_to(os.path.relpath(solution, folder))
    (folder / "gradebook.db").symlink_to(course / "gradebook.db")
    (folder / "shadow").symlink_to("/etc/shadow")
    os.link(solution, folder / "hard-key.txt")
    (folder / "config-dir").symlink_to(course, target_is_directory=True)
    os.mkfifo(folder / "pipe")


def attack_notebook_link(name: str, course: Path, folder: Path) -> None:
    """The notebook itself is a link to the solution notebook."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.ipynb").symlink_to(os.path.relpath(course / "solutions" / name / f"{name}.ipynb", folder))


DEEP_LEVELS = 200_000


def attack_deep_json(name: str, course: Path, folder: Path) -> None:
    """A notebook nested 200k levels deep (about 400 kB): every JSON parser's recursion gives out."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.ipynb").write_bytes(b'{"cells": [], "metadata": {"x": ' + b"[" * DEEP_LEVELS
                                           + b"]" * DEEP_LEVELS + b'}, "nbformat": 4, "nbformat_minor": 5}')


GARBAGE_TIMESTAMP = "the twelfth of never, 25:61"


def garbage_timestamp(name: str, course: Path, folder: Path) -> None:
    """Right answers and a timestamp.txt that is not a date."""
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(right(name, course), str(folder / f"{name}.ipynb"))
    (folder / "timestamp.txt").write_text(GARBAGE_TIMESTAMP, encoding="utf-8")


def pasted_foreign_cells(name: str, course: Path, folder: Path) -> None:
    """Right answers, plus a graded cell pasted from another assignment and an invented grade cell worth 100."""
    nb = right(name, course)
    other = next(c for c in released_nb("sourcing", course).cells if meta(c).get("grade") and meta(c).get("solution"))
    invented = nbformat.v4.new_code_cell("100")
    invented.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": False, "points": 100,
                                     "grade_id": "invented-full-marks", "schema_version": 3}
    nb.cells[3:3] = [copy.deepcopy(other), invented]
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(folder / f"{name}.ipynb"))


# Ids a student can choose (an exchange folder, an LMS file name); each is refused with the name to use.
# A folder name holds no "/": the script spells the Contents API's path in base64 ("/api/contents/PWNED.txt").
SCRIPT_ID = ('x";window.__pwned_id=1;fetch(atob("L2FwaS9jb250ZW50cy9QV05FRC50eHQ="),{method:"PUT",'
             'body:JSON.stringify({type:"file",format:"text",content:"pwned"})});"')
META_ID = "<meta http-equiv=refresh content=0;url=https:\\\\example.org>"
FORMULA_ID = "=HYPERLINK(\"https:example.org\",\"x\")"
GLOB_ID = "x[1]"
UNSAFE_IDS = (SCRIPT_ID, META_ID, FORMULA_ID, GLOB_ID)


def unsafe_id(name: str, course: Path, folder: Path) -> None:
    """Right answers under a student id outside the safe set."""
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(right(name, course), str(folder / f"{name}.ipynb"))


INTAKE_ATTACKS: dict[str, Callable[[str, Path, Path], None]] = {
    "intake-linked-files": attack_linked_files,
    "intake-notebook-link": attack_notebook_link,
    "intake-deep-json": attack_deep_json,
    "intake-garbage-timestamp": garbage_timestamp,
    "intake-pasted-cells": pasted_foreign_cells,
    **{student: unsafe_id for student in UNSAFE_IDS},
}
