"""A task whose module never finishes importing in a worker process: a child that never
starts (the test process imports it at once)."""

from __future__ import annotations

import multiprocessing
import time

if multiprocessing.parent_process() is not None:
    while True:
        time.sleep(0.05)


def stuck_double(x: int) -> int:
    """A task that would work, were its module ever imported."""
    return 2 * x
