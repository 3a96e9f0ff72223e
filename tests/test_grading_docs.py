"""docs/grading.md: its numbers match the notebooks, and every command of the LMS-to-LMS route is run by a test.

The route (sections "From Canvas or Moodle", "Late work", the regrade paragraph and the export commands) is
checked command by command: each command in those code blocks must be one of RUN_BY below, and each entry
names the test file that runs it and the argument list that file passes (found in that file's source, so a
test that stops running a documented command fails here). A documented command with no entry fails too.
"""
from __future__ import annotations

import re
from pathlib import Path

from submissions import ASSIGNMENTS, auto_points, meta, source_nb

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "grading.md"
TESTS = REPO / "tests"

# documented command -> (test file, the arguments as that test writes them)
RUN_BY = {
    "python -m medialit.grading roster import --canvas roster.csv":
        ("test_lms_roundtrip.py", '"roster", "import", "--canvas", "roster.csv"'),
    "python -m medialit.grading roster import --canvas roster.csv --canvas-id sis-user":
        ("test_roster.py", '"import", "--canvas", str(path), "--canvas-id", "sis-user"'),
    "python -m medialit.grading roster import students.csv": ("test_roster.py", '"import", str(path)'),
    'nbgrader db assignment add loaded-language --duedate="2026-03-01 12:00:00 UTC"':
        ("test_lms_roundtrip.py", '"db", "assignment", "add", ATTACKED, f"--duedate={DUE}"'),
    "python -m medialit.grading late extend loaded-language grace --hours 48":
        ("test_lms_roundtrip.py", '"late", "extend", ATTACKED, "grace", "--hours", "48"'),
    "nbgrader zip_collect loaded-language": ("test_lms_roundtrip.py", '["zip_collect", ATTACKED]'),
    "nbgrader zip_collect loaded-language --force": ("test_lms_roundtrip.py", '["zip_collect", ATTACKED, "--force"]'),
}
SECTIONS = ("#### From Canvas or Moodle", "#### Late work")


def _route_commands() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(SECTIONS[0])
    end = text.index("### 3. Autograde", start)
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", text[start:end], flags=re.S):
        for line in block.splitlines():
            command = re.sub(r"\s+#.*$", "", line).strip()
            if command:
                commands.append(re.sub(r"\s+", " ", command))
    return commands


def test_every_command_of_the_lms_route_is_run_by_a_test() -> None:
    commands = _route_commands()
    assert commands, "no commands found between the LMS section and '### 3. Autograde'"
    assert set(commands) == set(RUN_BY), {"documented, not in RUN_BY": set(commands) - set(RUN_BY),
                                          "in RUN_BY, no longer documented": set(RUN_BY) - set(commands)}
    for command, (test_file, arguments) in RUN_BY.items():
        assert arguments in (TESTS / test_file).read_text(encoding="utf-8"), (command, test_file)


def test_regrade_and_export_commands_are_run_by_tests() -> None:
    regrade = (TESTS / "test_regrade.py").read_text(encoding="utf-8")
    assert '["autograde", ATTACKED, "--force"]' in regrade and '"--student", GRADED_BY_HAND' in regrade
    assert '"grade-class"' in regrade and '"--force", ATTACKED' in regrade
    route = (TESTS / "test_lms_roundtrip.py").read_text(encoding="utf-8")
    for arguments in ('"export", "--to", "grades.csv"', '"export", "--canvas", "canvas.csv"', '"--include-provisional"',
                      '["generate_feedback", ATTACKED, "--force"]', '"grade-class", "--workers", "2", ATTACKED'):
        assert arguments in route, arguments


def test_the_automatic_points_line_matches_the_notebooks() -> None:
    line = next(line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("Automatic points:"))
    for name in ASSIGNMENTS:
        total = sum(float(meta(c)["points"]) for c in source_nb(name).cells if meta(c).get("grade"))
        assert f"{name} {auto_points(name):g} of {total:g}" in line, (name, line)
