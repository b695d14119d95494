"""Processes on this machine: whether one still runs.

One home for the question two layers ask: the build's workers watch the building process,
and the OCR cache removes a write only when the process that began it is gone.
"""

from __future__ import annotations

import os

_GONE = ("Z", "X")  # a zombie or a dead process: finished, only not yet reaped
_PROC = "/proc"  # where Linux tells of each process; macOS and Windows have none


def running(pid: int) -> bool:
    """Whether process ``pid`` runs here. A zombie does not; when unsure (no /proc, another
    user's process), it does, so nothing of a live process is taken for abandoned."""
    if pid <= 0:
        return False
    try:
        with open(f"{_PROC}/{pid}/stat") as f:
            return f.read().rpartition(")")[2].split()[0] not in _GONE
    except FileNotFoundError:
        if os.path.isdir(_PROC):  # no such process; without /proc at all, ask the kernel
            return False
    except (OSError, IndexError):  # no /proc here, or a line we cannot read
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # another user's (EPERM), or no such number here
        return True
    return True
