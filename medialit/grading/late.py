"""A late penalty per day: ``c.AssignLatePenalties.plugin_class = "medialit.grading.late.PerDayPenalty"``.

nbgrader's own ``LateSubmissionPlugin`` knows two policies, ``none`` (lateness shown, nothing taken off) and
``zero`` (a late notebook scores 0). ``PerDayPenalty`` takes ``points_per_day`` off for each started day (24 h)
after the due date, the student's extension included; nbgrader caps a penalty at the notebook's score.
nbgrader computes the penalty when it autogrades, from the score then: after grading by hand, regrade
(``grade-class --force``: hand grades are kept, medialit/grading/regrade.py) so the penalty is taken from
the final score. docs/grading.md, "Late work".
"""
from __future__ import annotations

import math
from typing import Any

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float

DAY_SECONDS = 24 * 3600


def late_text(seconds_late: float | None, penalty: float | None) -> str:
    """The one wording of lateness in report, grades.csv, Canvas's status column and feedback ("" when on time)."""
    if not seconds_late or seconds_late <= 0:
        return ""
    return f"late by {seconds_late / 3600:.1f} h, penalty {round(float(penalty or 0.0), 2) + 0.0:g}"


class PerDayPenalty(LateSubmissionPlugin):
    """points_per_day for each started day late (nbgrader's penalty_method is not used)."""

    points_per_day = Float(1.0, help="points taken off per started day after the due date").tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float | None:
        if total_seconds_late <= 0:
            return None
        days = math.ceil(total_seconds_late / DAY_SECONDS)
        self.log.info("medialit: %s is %.1f h late: penalty %s point(s) per day x %d day(s)", student_id,
                      total_seconds_late / 3600, self.points_per_day, days)
        return days * self.points_per_day


def extend(course_dir: str, assignment: str, student: str, hours: float) -> Any:
    """Give `student` `hours` more for `assignment` (nbgrader keeps extensions on the submission; it is made if new)."""
    import datetime

    from nbgrader.api import Gradebook, MissingEntry

    from .course import open_course

    if hours < 0:
        raise ValueError(f"an extension cannot be negative ({hours} h)")
    course = open_course(course_dir)
    with Gradebook(course.db_url, course.course_id) as gb:
        try:
            gb.find_student(student)
            gb.find_assignment(assignment)
        except MissingEntry as error:
            raise ValueError(f"{error}: import the roster and generate the assignment first") from None
        submission = gb.update_or_create_submission(assignment, student)
        submission.extension = datetime.timedelta(hours=hours) if hours else None
        gb.db.commit()
        return submission.duedate


def main(argv: list[str] | None = None) -> int:
    """`python -m medialit.grading late extend ASSIGNMENT STUDENT --hours H [--course-dir DIR]`."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m medialit.grading late", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    ext = sub.add_parser("extend", help="give one student more time for one assignment (0 removes the extension)")
    ext.add_argument("assignment")
    ext.add_argument("student")
    ext.add_argument("--hours", type=float, required=True, help="hours after the assignment's due date")
    ext.add_argument("--course-dir", default=".", help="the course directory (default: .)")
    args = parser.parse_args(argv)
    try:
        due = extend(args.course_dir, args.assignment, args.student, args.hours)
    except ValueError as error:
        print(f"python -m medialit.grading late: {error}", file=sys.stderr)
        return 2
    print(f"{args.student} is due for {args.assignment} at {due} UTC" if due else
          f"{args.student}: extension of {args.hours:g} h recorded; {args.assignment} has no due date yet "
          f"(nbgrader db assignment add {args.assignment} --duedate=...)")
    return 0
