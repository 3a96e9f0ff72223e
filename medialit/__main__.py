"""python -m medialit COMMAND ...: the same as the `medialit` command (medialit/cli.py)."""
from medialit.cli import main

raise SystemExit(main())
