"""The child's side of the fence (``fence.py``): the loop that runs the tasks a pool sends, within
the memory limit it sets itself, until the pipe closes or the parent is gone.

A pool starts it with ``multiprocessing`` (forkserver or spawn), or, from a daemonic process
that ``multiprocessing`` does not let have children (a Dask worker's), as a new interpreter
that calls ``main`` with the inherited pipe's descriptor. Before a fenced task starts its
clock, the child runs its module's ``warm_up(arg)`` if it has one (``work.warm_up`` loads the
tokenizer's dictionary).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

from ..processes import running

ADDRESS_HEADROOM_MB = 8192  # address space a task may reserve beyond its memory limit
WATCH = 0.5  # seconds between a child's checks that the building process still runs

_reporter: Connection | None = None


def report_progress(value: Any) -> None:
    """Tell the parent how a fenced task is getting on (pages read); each report also gives
    the task a fresh time limit. Outside a pool's child it does nothing."""
    if _reporter is not None:
        with contextlib.suppress(OSError, ValueError):
            _reporter.send(("progress", value))


def serve(conn: Connection, memory_mb: int, parent: int) -> None:
    """A child's loop: run each task sent, send back ("ok", value), ("error", text) or
    ("memory", None), until the pipe closes or None arrives; it ends within a second of the
    building process ``parent`` dying, even in the middle of a task."""
    global _reporter
    with contextlib.suppress(ValueError, OSError):  # Ctrl-C is the building process's to handle
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    threading.Thread(target=_watch, args=(parent,), daemon=True, name="parent-watch").start()
    _reporter = conn
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        fn, arg, fenced = message
        _one_thread_libraries()  # the libraries the last task loaded, too
        limit = None
        if fenced:
            _warm_up(fn, arg)
            if not _send(conn, ("started", resident(os.getpid()))):
                return
            limit = _limit_memory(memory_mb + ADDRESS_HEADROOM_MB if memory_mb else 0)
        try:
            reply: tuple[str, Any] = ("ok", fn(arg))
        except MemoryError:
            reply = ("memory", None)
        except Exception as err:
            reply = ("error", f"{type(err).__name__}: {err}")
        finally:
            _unlimit_memory(limit)
        try:
            sent = _send(conn, reply)
        except MemoryError:
            sent = _send(conn, ("memory", None))
        if not sent or reply[0] == "memory":
            return


def _send(conn: Connection, message: tuple[str, Any]) -> bool:
    """Send ``message`` to the building process; False when it is gone (its end of the pipe
    closed: stopped by SIGTERM, killed), for the child to end quietly instead of printing a
    BrokenPipeError traceback on the operator's terminal."""
    try:
        conn.send(message)
    except OSError:  # BrokenPipeError, ConnectionResetError: nobody reads the reply
        return False
    return True


def _warm_up(fn: Any, arg: Any) -> None:
    """Run ``warm_up(arg)`` of the task's module, if it has one: what every task of the module
    needs once per process (a dictionary) is loaded before the task's time and memory count.
    An error here is left for the task itself to meet and report."""
    warm = getattr(sys.modules.get(getattr(fn, "__module__", ""), None), "warm_up", None)
    if callable(warm):
        with contextlib.suppress(Exception):
            warm(arg)


def _watch(parent: int) -> None:
    """End this process when the building process is gone. (A forkserver child's parent is
    the fork server, which lives as long as any of its children: PR_SET_PDEATHSIG alone would
    leave a child busy on an endless source running for ever.)"""
    while running(parent):
        time.sleep(WATCH)
    os._exit(1)


def _die_with_parent() -> None:
    """Linux: the kernel kills this child when its parent (the fork server, or the building
    process under ``spawn``) dies."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG


def _one_thread_libraries() -> None:
    """Each child runs one task at a time on one core: BLAS and OpenMP on one thread."""
    with contextlib.suppress(Exception):
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)


def _address_space() -> int:
    """Bytes of address space this process holds now (Linux), else 0."""
    return _statm("self", 0)


def resident(pid: int) -> int:
    """Bytes of resident memory of process ``pid`` (Linux), else 0."""
    return _statm(str(pid), 1)


def _statm(pid: str, field: int) -> int:
    """Field ``field`` of /proc/PID/statm (0 size, 1 resident), in bytes; 0 where unknown."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[field]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_memory(memory_mb: int) -> tuple[int, int] | None:
    """Let this process's address space grow by at most ``memory_mb`` MB; the previous
    limits, to restore."""
    if memory_mb <= 0:
        return None
    try:
        import resource
    except ImportError:  # not on a POSIX system
        return None
    used = _address_space()
    if not used:
        return None
    before = resource.getrlimit(resource.RLIMIT_AS)
    soft = used + memory_mb * 1024 * 1024
    if before[1] != resource.RLIM_INFINITY:
        soft = min(soft, before[1])
    resource.setrlimit(resource.RLIMIT_AS, (soft, before[1]))
    return before


def _unlimit_memory(before: tuple[int, int] | None) -> None:
    if before is not None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, before)


def main(argv: list[str]) -> None:
    """Serve a pool from a new interpreter: ``argv`` is this end's file descriptor, the memory
    limit in MB and the pool's process id."""
    fd, memory_mb, parent = (int(a) for a in argv)
    serve(Connection(fd), memory_mb, parent)
