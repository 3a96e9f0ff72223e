"""scripts/setup picks Python 3.11 when present, accepts any newer Python, and says what it found otherwise.

The script's own `pick_python` and `python_ok` run in bash against stand-in interpreters on a private PATH.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

SETUP = Path(__file__).resolve().parent.parent / "scripts" / "setup"


def _functions() -> str:
    text = SETUP.read_text(encoding="utf-8")
    return text[text.index("MIN_PYTHON="):text.index("# A stamp holds")]


def _fake_python(folder: Path, name: str, version: str) -> None:
    """A stand-in interpreter: answers the two questions setup asks (version check, version string)."""
    major, minor = (int(part) for part in version.split(".")[:2])
    path = folder / name
    path.write_text(
        "#!/bin/sh\n"
        f'case "$2" in *version_info*) [ {minor} -ge 11 ] && [ {major} -eq 3 ];; *) echo {version};; esac\n',
        encoding="utf-8")
    path.chmod(0o755)


def _pick(tmp_path: Path, interpreters: dict[str, str]) -> subprocess.CompletedProcess[str]:
    for name, version in interpreters.items():
        _fake_python(tmp_path, name, version)
    script = _functions() + "pick_python\n"
    return subprocess.run(["/bin/bash", "-c", script], capture_output=True, text=True,
                          env={"PATH": str(tmp_path)})


@pytest.mark.parametrize(("interpreters", "chosen"), [
    ({"python3.11": "3.11.7", "python3": "3.13.1"}, "python3.11"),   # 3.11 preferred when present
    ({"python3": "3.13.1"}, "python3"),                              # newer accepted
    ({"python3": "3.10.12", "python3.12": "3.12.3"}, "python3.12"),  # an old default is passed over
])
def test_setup_prefers_311_and_accepts_newer(tmp_path: Path, interpreters: dict[str, str], chosen: str) -> None:
    result = _pick(tmp_path, interpreters)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / chosen)


def test_setup_says_which_pythons_it_found_when_none_is_new_enough(tmp_path: Path) -> None:
    result = _pick(tmp_path, {"python3": "3.10.12"})
    assert result.returncode != 0
    assert "Python 3.11 or newer is required; found only: python3 3.10.12." in result.stderr


def test_setup_says_when_there_is_no_python_at_all(tmp_path: Path) -> None:
    result = _pick(tmp_path, {})
    assert result.returncode != 0 and "found no python3 on PATH" in result.stderr


def test_an_existing_venv_is_kept_unless_its_python_is_too_old() -> None:
    text = SETUP.read_text(encoding="utf-8")
    assert 'if [[ -x "$VENV/bin/python" ]] && ! python_ok "$VENV/bin/python"; then' in text
    assert "!= (3, 11)" not in text, "an exact-3.11 check would rebuild a working 3.12 .venv on every run"
