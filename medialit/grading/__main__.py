"""python -m medialit.grading report [COURSE_DIR]"""
import sys

from .report import report

if sys.argv[1:2] != ["report"]:
    sys.exit("usage: python -m medialit.grading report [COURSE_DIR]   (run after nbgrader autograde)")
print("\n".join(report(sys.argv[2] if len(sys.argv) > 2 else ".")))
