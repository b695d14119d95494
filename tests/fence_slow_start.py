"""A task whose module takes 2 s to import in a worker process, as a new child's imports do on
a busy machine (the test process imports it at once)."""

from __future__ import annotations

import multiprocessing
import time

if multiprocessing.parent_process() is not None:
    time.sleep(2)


def slow_double(x: int) -> int:
    """A task that works, once its module is imported."""
    return 2 * x
