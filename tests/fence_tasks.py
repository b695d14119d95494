"""Tasks for the fenced pool's tests, importable by its worker processes."""

from __future__ import annotations

import os
import time


def double(x: int) -> int:
    """A task that works."""
    return 2 * x


def endless(_: object) -> None:
    """A task that never ends."""
    while True:
        time.sleep(0.05)


def hungry(_: object) -> int:
    """A task that wants 4 GB."""
    blocks = [bytearray(64 * 1024 * 1024) for _ in range(64)]
    return len(blocks)


def steady(steps: int) -> int:
    """A task that takes ``steps`` half-seconds and reports each one (as OCR reports pages)."""
    from index.build.fence_child import report_progress

    for step in range(steps):
        time.sleep(0.5)
        report_progress((step + 1, steps))
    return steps


def reserves(_: object) -> int:
    """A task that reserves 2 GB of address space and uses little of it (as the OCR engine and
    threads do)."""
    import mmap

    area = mmap.mmap(-1, 2 * 1024**3)
    area[:1024] = b"x" * 1024
    size = len(area)
    area.close()
    return size


def dies(_: object) -> None:
    """A task whose process exits under it."""
    os._exit(3)


def aborts(_: object) -> None:
    """A task whose process is ended by a signal (SIGABRT), as a crashing C library ends it."""
    os.abort()


def fails(_: object) -> None:
    """A task that raises."""
    raise ValueError("broken input")


def my_pid(_: object) -> int:
    """The worker's process id."""
    time.sleep(0.2)
    return os.getpid()


def parent_pid(_: object) -> int:
    """The worker's parent process (a fork server, or the pool's own process)."""
    return os.getppid()
