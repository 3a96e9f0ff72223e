"""The instructor's report: ``python -m medialit.grading report``."""
from __future__ import annotations


def report(course: str = ".") -> list[str]:
    """One line per submission: automatic score, flags, and submissions nbgrader could not grade."""
    from pathlib import Path

    from nbgrader.api import Gradebook

    root = Path(course)
    lines = []
    with Gradebook(f"sqlite:///{(root / 'gradebook.db').resolve()}") as gb:
        for assignment in sorted(gb.assignments, key=lambda a: a.name):
            for submission in sorted(assignment.submissions, key=lambda s: s.student.id):
                student = submission.student.id
                notes = []
                if any(nb.flagged for nb in submission.notebooks):
                    notes.append("FLAGGED: locked cells edited or deleted (see the autograde log)")
                for nb in submission.notebooks:
                    path = root / "autograded" / student / assignment.name / f"{nb.name}.ipynb"
                    if (root / "submitted" / student / assignment.name / f"{nb.name}.ipynb").exists() \
                            and not path.exists():
                        notes.append(f"NOT GRADED: {nb.name}.ipynb failed to autograde (counts 0; see the log)")
                manual = sum(1 for nb in submission.notebooks for g in nb.grades if g.needs_manual_grade)
                if manual:
                    notes.append(f"{manual} answer(s) to grade by hand")
                lines.append(f"{assignment.name:<16} {student:<24} {submission.score:6.2f} / "
                             f"{submission.max_score:6.2f}  {'; '.join(notes)}".rstrip())
    return lines

