"""SIGTERM (`kill`, `timeout`, a service manager) during an index build, as the command line and
cron run it: it unwinds the build as Ctrl-C does, and the process still ends by the signal.

A module that imports nothing of the index: ``main`` holds a SIGTERM that comes while the rest
still loads (imports, settings, arguments: a second or more), and the build raises it as soon
as it starts, before it touches the index, so that it says what it left as a later one does
(it ended silently, by the signal's default action). `serve` holds one the same way, until the
bot would start (``app.run``) or has connected (``app.stop_on_signals``): it then stops as on a
SIGTERM once it runs, exit 0 and one line."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType

_held = threading.Event()  # a SIGTERM came while the build was loading
_started = threading.Event()  # the build started (``terminated_as_interrupt``)


class Terminated(KeyboardInterrupt):
    """SIGTERM during a build: it unwinds the build as Ctrl-C does (its worker processes end,
    the lock is released, nothing is switched)."""


def _hold(signum: int, frame: FrameType | None) -> None:
    _held.set()


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def held_while_loading() -> Iterator[None]:
    """While a build command (or `serve`) loads, SIGTERM is held (``held``), not fatal: the
    build raises it when it starts (``terminated_as_interrupt``); a build command that ends
    before that ends by it all the same (the caller calls ``end_by_sigterm`` within it when
    ``held``)."""
    _held.clear()
    _started.clear()
    if not _in_main_thread():
        yield
        return
    before = signal.signal(signal.SIGTERM, _hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before if before is not None else signal.SIG_DFL)
        _held.clear()


def held() -> bool:
    """Whether a SIGTERM came while the build was loading, or after it, before the command
    ended (within ``held_while_loading``)."""
    return _held.is_set()


def started() -> bool:
    """Whether the build started (within ``held_while_loading``): from then on it says how a
    Ctrl-C or SIGTERM stopped it; before that, a Ctrl-C is said by ``exits.NOT_STARTED``."""
    return _started.is_set()


@contextlib.contextmanager
def terminated_as_interrupt() -> Iterator[None]:
    """While a build runs in the main thread, SIGTERM raises Terminated there instead of
    killing the process at once, so that the build can say it was stopped; one held while it
    loaded is raised as it starts, before it has touched the index."""
    _started.set()
    if not _in_main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise Terminated

    before = signal.signal(signal.SIGTERM, stop)
    try:
        if _held.is_set():
            raise Terminated
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
