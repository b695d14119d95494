"""Where a build's per-file work runs: local child processes (``fence.FencedPool``) or a Dask
cluster (``cluster.DaskRunner``), behind one small interface.

Tasks are module-level functions of one picklable argument; ``submit`` queues one (also while
``completed`` is being iterated: a file read is followed by the embedding of its texts), and
``completed`` yields (task id, result or ``fence.Failure``) as tasks finish, until none is left.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

from .fence import FencedPool, Limits


class Runner(Protocol):
    """Runs module-level functions on workers."""

    limits: Limits
    remote: bool  # the workers cannot read our files: sources travel as bytes
    size: int  # how many tasks run at once

    def submit(self, fn: Callable[[Any], Any], arg: Any, *, fenced: bool) -> int:
        """Queue ``fn(arg)``; its task id."""
        ...

    def completed(self) -> Iterator[tuple[int, Any]]:
        """(task id, result or Failure) of each task as it finishes, until none is left."""
        ...

    def listen(self, on_progress: Callable[[Any], None] | None) -> None:
        """Have ``on_progress`` hear what running tasks report (``fence.report_progress``)."""
        ...

    def close(self) -> None:
        """Release the workers."""
        ...


class LocalRunner:
    """Child processes of this machine, one per core by default, each source fenced."""

    remote = False

    def __init__(self, workers: int, limits: Limits, *,
                 stop: threading.Event | None = None) -> None:
        self.limits = limits
        self.pool = FencedPool(workers, limits, stop=stop)
        self.size = self.pool.size

    def submit(self, fn: Callable[[Any], Any], arg: Any, *, fenced: bool) -> int:
        """Queue ``fn(arg)`` for the next free worker."""
        return self.pool.submit(fn, arg, fenced=fenced)

    def completed(self) -> Iterator[tuple[int, Any]]:
        """Outcomes as the workers finish."""
        return self.pool.results()

    def listen(self, on_progress: Callable[[Any], None] | None) -> None:
        """Pass what the workers' tasks report (pages OCR read) to ``on_progress``."""
        self.pool.on_progress = None if on_progress is None else \
            (lambda _task, value: on_progress(value))

    def close(self) -> None:
        """End the child processes."""
        self.pool.close()


def run_all(runner: Runner, fn: Callable[[Any], Any], args: Sequence[Any], *,
            fenced: bool) -> Iterator[tuple[int, Any]]:
    """(position in ``args``, outcome) of ``fn`` over every argument, as each finishes."""
    ids = {runner.submit(fn, arg, fenced=fenced): i for i, arg in enumerate(args)}
    for task, outcome in runner.completed():
        yield ids[task], outcome
