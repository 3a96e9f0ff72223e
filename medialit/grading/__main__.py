"""python -m medialit.grading report|export|grade-class ...   (each subcommand's --help says more)"""
import sys

USAGE = """usage: python -m medialit.grading COMMAND ...
  report [COURSE_DIR]               every student x assignment: status, score, flags, incidents, failures
  export [--to FILE] [COURSE_DIR]   grades.csv with a status column; warns while grades are provisional
         [--canvas FILE [--per-task] [--canvas-id sis-login|sis-user] [--section S] [--include-provisional]]
                                    a file for Canvas's gradebook import (one row per student)
                                    exit status of every export: 0 written, 1 written with warnings, 2 refused
  roster import [--canvas] FILE [--course-dir DIR]
                                    add the roster's students (with their LMS ids) to the gradebook
  late extend ASSIGNMENT STUDENT --hours H [--course-dir DIR]
                                    one student's extension (due dates: nbgrader db assignment add A --duedate=...)
  grade-class [OPTIONS]             autograde the class in parallel (= python -m medialit.grading.class_runner)"""

command = sys.argv[1] if len(sys.argv) > 1 else None
if command in ("report", "export"):
    from .report import main

    sys.exit(main(sys.argv[1:]))
if command == "late":
    from .late import main

    sys.exit(main(sys.argv[2:]))
if command == "roster":
    from .roster import main

    sys.exit(main(sys.argv[2:]))
if command == "grade-class":
    from .class_runner import main

    sys.exit(main(sys.argv[2:]))
sys.exit(USAGE)
