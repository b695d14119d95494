"""A build stopped part-way by Ctrl-C or SIGTERM, as the command line and cron run it: SIGTERM
unwinds it as Ctrl-C does, and one line says what it left on disk (the live index as it was,
unless it had just switched; the vectors embedded so far, kept in the index's cache)."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from index import live_generation, unfinished_vectors


class Terminated(KeyboardInterrupt):
    """SIGTERM during a build: it unwinds the build as Ctrl-C does (its worker processes end,
    the lock is released, nothing is switched)."""


@contextlib.contextmanager
def terminated_as_interrupt() -> Iterator[None]:
    """While a build runs in the main thread, SIGTERM raises Terminated there instead of
    killing the process at once, so that the build can say it was stopped."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise Terminated

    before = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before if before is not None else signal.SIG_DFL)


def end_by_sigterm() -> None:
    """End the process by SIGTERM, after flushing its output: what a service manager and a
    shell saw before a stopped build said so (a shell shows 143 either way; systemd counts it
    a clean stop, not a failure)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


def interrupted(index_dir: Path, before: str | None, *, terminated: bool) -> str:
    """The line of a build stopped part-way (Ctrl-C, SIGTERM): what it left, said as it is on
    disk. ``before``: the generation that was live when it started."""
    how = "stopped (SIGTERM)" if terminated else "interrupted"
    try:
        now, kept = live_generation(index_dir), unfinished_vectors(index_dir)
    except OSError:  # it cannot be read: say what holds for an index that is there
        now, kept = before, 0
    if now != before:  # stopped after the switch, before it could report
        return (f"the build was {how} just after it made its new index live (generation "
                f"{now}); `contractbot index status` describes it")
    left = "the index is unchanged" if before is not None else "nothing was built"
    if kept:
        left += (f"; the vectors of the {kept} texts embedded so far are kept for the next "
                 "build")
    return f"the build was {how}: {left}"
