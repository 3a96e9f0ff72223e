"""The sandbox under a grader that is not root, as on a JupyterHub: the core attacks from inside the kernel.

The project's own Python lives under /root (mode 700 here), which another user cannot run, so this
test makes a small virtual environment from Debian's /usr/bin/python3.11 with just what a sandboxed
kernel needs (ipykernel, nbclient and medialit's own imports, pinned by constraints.txt), readable by
everyone and cached by the hash of what went into it (the first run installs for a minute or two;
later ones reuse it). It copies the medialit package beside a script, and runs that script as
`nobody` (via runuser; as a plain user already, it runs as that user): the script checks the sandbox
the way autograding does (check_sandbox) and runs the probes of tests/test_sandbox_execute.py in one
sandboxed kernel, with a secret in the grader's environment. As root most of these hold for a second
reason (the kernel's other uid); here only the jail itself stands in the way.
"""
from __future__ import annotations

import hashlib
import json
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from test_sandbox_execute import EXPECT, PROBE_EPILOGUE, PROBE_PRELUDE, PROBES, SECRET

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
REPO = Path(__file__).resolve().parents[1]
SYSTEM_PYTHON = "/usr/bin/python3.11"
PACKAGES = ("ipykernel", "nbclient", "pyyaml", "jsonschema")
CACHE = Path("/var/tmp/medialit-test-venvs")
USER = "nobody"

SCRIPT = """
import json, sys
sys.path.insert(0, sys.argv[1])
import medialit
from medialit.grading.sandbox import SandboxedKernelManager, check_sandbox
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

check_sandbox()
probes = json.loads(open(sys.argv[2]).read())
nb = new_notebook(cells=[new_code_cell(code) for code in probes.values()])
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
NotebookClient(nb, timeout=60, kernel_manager_class=SandboxedKernelManager, resources={"metadata": {"path": sys.argv[1]}}).execute()
found = {}
for name, cell in zip(probes, nb.cells):
    lines = [l for o in cell.outputs if o.get("output_type") == "stream" for l in o["text"].splitlines()]
    found[name] = next((json.loads(l[6:]) for l in lines if l.startswith("PROBE ")), {"outputs": cell.outputs})
print("FOUND " + json.dumps({"probes": found, "medialit": medialit.__file__}))
"""


def _venv() -> Path:
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        pytest.fail(f"{SYSTEM_PYTHON} is missing: install Debian's python3.11 and python3.11-venv (scripts/setup needs "
                    "no such Python; this test does, to grade as a user who cannot run the project's own Python)")
    key = hashlib.sha256((REPO / "constraints.txt").read_bytes() + " ".join(PACKAGES).encode()).hexdigest()[:16]
    venv = CACHE / f"venv-{key}"
    if (venv / "ready").is_file():
        return venv
    CACHE.mkdir(parents=True, exist_ok=True)
    CACHE.chmod(0o755)
    building = Path(tempfile.mkdtemp(prefix="building-", dir=CACHE))
    subprocess.run([SYSTEM_PYTHON, "-m", "venv", str(building)], check=True, timeout=120)
    # The venv must keep its final path (its scripts name it), so it is built there, then marked ready.
    shutil.rmtree(venv, ignore_errors=True)
    building.rename(venv)
    subprocess.run([SYSTEM_PYTHON, "-m", "venv", "--upgrade", str(venv)], check=True, timeout=120)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-c", str(REPO / "constraints.txt"), *PACKAGES], check=True, timeout=480)
    subprocess.run(["chmod", "-R", "a+rX", str(venv)], check=True)
    (venv / "ready").write_text(key)
    return venv


def test_the_jail_holds_for_an_unprivileged_grader() -> None:
    venv = _venv()
    work = Path(tempfile.mkdtemp(prefix="medialit-unprivileged-", dir="/tmp"))
    try:
        shutil.copytree(REPO / "medialit", work / "medialit", ignore=shutil.ignore_patterns("__pycache__"))
        (work / "grade.py").write_text(SCRIPT, encoding="utf-8")
        (work / "probes.json").write_text(json.dumps({n: PROBE_PRELUDE + c + PROBE_EPILOGUE for n, c in PROBES.items()}))
        (work / "home").mkdir()
        command = [str(venv / "bin" / "python"), str(work / "grade.py"), str(work), str(work / "probes.json")]
        if os.geteuid() == 0:
            account = pwd.getpwnam(USER)
            subprocess.run(["chown", "-R", f"{account.pw_uid}:{account.pw_gid}", str(work)], check=True)
            runuser = shutil.which("runuser", path="/usr/sbin:/usr/bin:/sbin:/bin")
            assert runuser, "runuser (util-linux) is needed to grade as another user"
            command = [runuser, "-u", USER, "--", *command]
        env = {"PATH": "/usr/bin:/bin", "HOME": str(work / "home"), "TMPDIR": str(work), "LANG": "C.UTF-8",
               "JUPYTERHUB_API_TOKEN": SECRET, "PGPASSWORD": SECRET}
        result = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=240)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
        found = json.loads(next(ln for ln in result.stdout.splitlines() if ln.startswith("FOUND "))[6:])
        assert found["medialit"] == str(work / "medialit" / "__init__.py")
        for name, expect in EXPECT.items():
            expect(found["probes"][name])
    finally:
        shutil.rmtree(work, ignore_errors=True)
