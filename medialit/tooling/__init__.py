"""Course tooling: command-line helpers for authors and the build."""
