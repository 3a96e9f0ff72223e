"""What a student's kernel writes outside its notebook reaches the grader's log only capped and inert.

A kernel's own stdout and stderr (C-level writes, ``os.write(1, ...)``, bubblewrap's errors) used to
be the grader's: ipykernel keeps a copy of those descriptors, and a student's cell rewrote the whole
autograde log through it (``lseek``/``ftruncate``/``write``) and sent OSC 52 (clipboard), title and
clear-screen sequences to the instructor's terminal. Now the kernel's stdout and stderr are one pipe
(``KernelOutput``): the grader reads it in a thread, logs at most ``MAX_LOG_BYTES`` of it per kernel
with every control character shown as an escape (``terminal_safe``), and keeps the last lines for the
reason of a kernel that failed to start. ``install_terminal_filter`` applies the same rule to every
record the grading process logs, since incidents and flags quote student text too.
"""
from __future__ import annotations

import logging
import os
import re
import threading
from collections import deque

MAX_LOG_BYTES = 16 * 1024  # per kernel; a kernel that talks more is noted once, then only drained
TAIL_LINES = 20
# C0 controls but tab and newline, DEL, C1 controls (8-bit CSI, OSC...), and the bidirectional
# overrides that make a log line read differently from what it holds.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """``text`` with every character a terminal would act on written as a visible escape (``\\x1b``)."""
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                       text)


class _TerminalSafe(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        safe = terminal_safe(message)
        if safe != message:
            record.msg, record.args = safe, ()
        return True


_FILTER = _TerminalSafe()


def install_terminal_filter(logger: logging.Logger) -> None:
    """Make every handler that ``logger``'s records reach print them terminal-safe (idempotent)."""
    node: logging.Logger | None = logger
    while node is not None:
        for handler in node.handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
        node = node.parent if node.propagate else None


class KernelOutput:
    """A pipe for one kernel's stdout and stderr, read by a thread that logs it capped and terminal-safe."""

    def __init__(self, log: logging.Logger, label: str, max_bytes: int = MAX_LOG_BYTES) -> None:
        self._read, self.write_fd = os.pipe()
        self._log, self._label, self._max = log, label, max_bytes
        self._tail: deque[str] = deque(maxlen=TAIL_LINES)
        self.dropped = 0
        self._thread = threading.Thread(target=self._drain, name=f"kernel-output-{label}", daemon=True)
        self._thread.start()

    def close_write_end(self) -> None:
        """After the kernel started: the grader keeps no copy, so the pipe ends when the kernel does."""
        if self.write_fd >= 0:
            os.close(self.write_fd)
            self.write_fd = -1

    def tail(self, wait: float = 0.0) -> str:
        """The last lines the kernel wrote (waiting up to ``wait`` s for it to finish writing)."""
        if wait:
            self._thread.join(wait)
        return "\n".join(self._tail)

    def _drain(self) -> None:
        logged = 0
        pending = b""
        try:
            while chunk := os.read(self._read, 65536):
                if logged >= self._max:
                    self.dropped += len(chunk)
                    continue
                chunk, rest = chunk[: self._max - logged], chunk[self._max - logged:]
                logged += len(chunk)
                self.dropped += len(rest)
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    self._emit(line)
                if logged >= self._max:
                    self._emit(pending)
                    pending = b""
                    self._log.warning("medialit: kernel %s wrote more than %d bytes outside its notebook; "
                                      "the rest is not logged", self._label, self._max)
            if pending:
                self._emit(pending)
        finally:
            os.close(self._read)

    def _emit(self, raw: bytes) -> None:
        line = terminal_safe(raw.decode("utf-8", "replace").rstrip("\r"))
        if line.strip():
            self._tail.append(line)
            self._log.warning("medialit: kernel %s: %s", self._label, line)
