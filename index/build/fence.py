"""A pool of worker processes with a fence around each task: a time limit and a memory limit.

A source is read in a child process, so that a file that makes the parser slow or hungry (a
contract that lost its line breaks, a hostile upload) costs that child, never the building
process or the bot: past ``Limits.seconds`` the child is killed, and so it is when its resident
memory grows by more than ``Limits.memory_mb`` (watched from here; an address-space limit set
in the child (``fence_child.py``), ``ADDRESS_HEADROOM_MB`` above that, makes a single huge
allocation fail at once), and the task comes back as a ``Failure`` with a reason; a new child
takes its place. The seconds count from when the child has unpacked the task and warmed up
for it: a new child's start, the task's imports and its module's ``warm_up`` (slow on a busy
machine) are not the source's, and have a limit of their own, ``Limits.start_seconds``.
Resident memory, not address space, is what is limited: the OCR engine reserves far more
address space than it uses (1.2 GB reserved for 0.4 GB used), as do threads (a stack and a
malloc arena each). The same workers embed texts (the encoders' C engines and numpy run a
core each in separate processes, where threads of one process would share the GIL).

Children start with ``forkserver`` (``spawn`` where there is none): never forked from a
process that has threads (the bot, a build's loader threads). In a daemonic process (a Dask
worker's: ``multiprocessing`` lets it have no children) each child is a new interpreter
instead, so that a cluster's workers read sources within the same limits. Children end when
the pool closes, when the building process dies (their pipe closes; on Linux also
PR_SET_PDEATHSIG), and when ``stop`` is set: the pool then kills them and raises
``BuildStopped``.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from ..errors import ContractbotError
from .fence_child import resident, serve

POLL = 0.2  # seconds between checks of ``stop`` and of children's memory while waiting


class BuildStopped(ContractbotError):
    """A build was asked to stop (the bot is shutting down); nothing was written."""


@dataclass(frozen=True)
class Limits:
    """What one source may cost to read: wall-clock seconds and memory (MB) beyond what the
    worker already holds; 0 means no limit. ``start_seconds`` bounds what comes before the
    reading: a new child's start and the task's imports (with ``seconds`` 0, nothing is
    bounded)."""

    seconds: float = 60.0
    memory_mb: int = 2048  # OCR of a page at 200 dpi takes about 0.85 GB
    start_seconds: float = field(default=60.0, kw_only=True)


@dataclass(frozen=True)
class Failure:
    """A task that did not finish: ``kind`` is "time", "memory", "crash" or "error"."""

    kind: str
    detail: str = ""

    def reason(self, limits: Limits) -> str:
        """The task's failure in the words a build report uses for a source."""
        if self.kind == "time":
            return f"too slow to read (stopped after {limits.seconds:g} s)"
        if self.kind == "memory":
            return f"too large to read (it needed more than {limits.memory_mb} MB of memory)"
        if self.kind == "crash":
            return f"could not be read (the reader stopped: {self.detail})"
        return f"could not be parsed ({self.detail})"


Task = Callable[[Any], Any]


def start_method() -> str:
    """How children start: ``forkserver`` where the platform has it, else ``spawn``; and
    ``interpreter`` in a daemonic process (a Dask worker's), which ``multiprocessing`` does not
    let have children."""
    if multiprocessing.current_process().daemon:
        return "interpreter"
    methods = multiprocessing.get_all_start_methods()
    return "forkserver" if "forkserver" in methods else "spawn"


class _Worker:
    """One child process and the parent's end of its pipe."""

    def __init__(self, start: str, memory_mb: int) -> None:
        self.proc: Any
        if start == "interpreter":
            self.conn, child = multiprocessing.Pipe()
            self.proc = _Interpreter(child, memory_mb)
        else:
            ctx: Any = multiprocessing.get_context(start)
            self.conn, child = ctx.Pipe()
            self.proc = ctx.Process(target=serve, args=(child, memory_mb, os.getpid()),
                                    daemon=True, name="contractbot-worker")
            self.proc.start()
        child.close()
        self.task: int | None = None
        self.deadline = float("inf")
        self.max_resident = 0  # bytes of resident memory the running task may reach (0: any)
        self.started = False  # whether the running task has begun (the child said so)

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.proc.kill()
        with contextlib.suppress(Exception):
            self.proc.join(5)
        with contextlib.suppress(Exception):
            self.conn.close()


class _Interpreter:
    """A child started as a new interpreter running ``fence_child.main`` with this process's
    ``sys.path``, its end of the pipe inherited; it offers what the pool uses of a
    ``multiprocessing.Process``: pid, sentinel, is_alive, exitcode, kill and join."""

    def __init__(self, conn: Connection, memory_mb: int) -> None:
        fd = conn.fileno()
        self.sentinel, ended = os.pipe()  # the child holds ``ended``: EOF here once it exits
        code = (f"import sys; sys.path[:] = {list(sys.path)!r}; "
                "from index.build.fence_child import main; main(sys.argv[1:])")
        try:
            self._popen = subprocess.Popen(
                [sys.executable, "-c", code, str(fd), str(memory_mb), str(os.getpid())],
                pass_fds=(fd, ended), stdin=subprocess.DEVNULL)
        finally:
            os.close(ended)
        self.pid = self._popen.pid

    def is_alive(self) -> bool:
        return self._popen.poll() is None

    @property
    def exitcode(self) -> int | None:
        return self._popen.poll()  # negative: the signal that ended it, as multiprocessing's

    def kill(self) -> None:
        self._popen.kill()

    def join(self, timeout: float) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._popen.wait(timeout)
        if self._popen.returncode is not None and self.sentinel >= 0:
            os.close(self.sentinel)
            self.sentinel = -1


class FencedPool:
    """Runs tasks in up to ``workers`` child processes; ``results()`` yields (task id, value or
    Failure) as they finish. Fenced tasks (reading a source) get ``limits``; unfenced ones
    (embedding) run unlimited. Use as a context manager: leaving it ends every child."""

    def __init__(self, workers: int, limits: Limits = Limits(), *,
                 stop: threading.Event | None = None,
                 on_progress: Callable[[int, Any], None] | None = None) -> None:
        self.size = max(1, workers)
        self.limits = limits
        self.stop = stop
        self.on_progress = on_progress
        self._start = start_method()
        self._workers: list[_Worker] = []
        self._queue: deque[tuple[int, Task, Any, bool]] = deque()
        self._next = 0
        self._running = 0

    def __enter__(self) -> FencedPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def submit(self, fn: Task, arg: Any, *, fenced: bool = True) -> int:
        """Queue ``fn(arg)`` (both picklable; ``fn`` a module-level function); its task id."""
        self._next += 1
        self._queue.append((self._next, fn, arg, fenced))
        return self._next

    @property
    def pending(self) -> int:
        """Tasks queued or running."""
        return len(self._queue) + self._running

    def results(self) -> Iterator[tuple[int, Any]]:
        """(task id, result or Failure) of each task as it finishes, until none is left;
        tasks may be submitted meanwhile. BuildStopped when ``stop`` is set."""
        while self.pending:
            self._check_stop()
            self._dispatch()
            busy = [w for w in self._workers if w.task is not None]
            now = time.monotonic()
            timeout = min([POLL, *(max(0.0, w.deadline - now) for w in busy)])
            ready = set(wait([w.conn for w in busy] + [w.proc.sentinel for w in busy],
                             timeout))
            for w in busy:
                outcome = self._collect(w, ready)
                if outcome is not None:
                    yield outcome

    def _collect(self, w: _Worker, ready: set[Any]) -> tuple[int, Any] | None:
        """The outcome of ``w``'s task if it has one now (a reply, a death or a timeout)."""
        task = w.task
        assert task is not None
        if w.conn in ready:
            try:
                kind, value = w.conn.recv()
            except (EOFError, OSError):
                kind, value = "dead", None
            if kind == "started":  # a fenced task began: its time and memory count from here
                w.started = True
                if self.limits.seconds:
                    w.deadline = time.monotonic() + self.limits.seconds
                if self.limits.memory_mb and value:
                    w.max_resident = value + self.limits.memory_mb * 1024 * 1024
                return None
            if kind == "progress":
                if self.limits.seconds:  # a task that shows progress gets more time
                    w.deadline = time.monotonic() + self.limits.seconds
                if self.on_progress is not None:
                    self.on_progress(task, value)
                return None
            if kind != "dead":
                self._done(w)
                if kind == "memory":  # its heap may be broken: a new child takes over
                    self._retire(w)
                    return task, Failure("memory")
                return task, value if kind == "ok" else Failure("error", value)
        if w.proc.sentinel in ready or not w.proc.is_alive():
            self._done(w)
            self._retire(w)
            code = w.proc.exitcode
            if code is not None and code < 0 and -code == 9:
                return task, Failure("memory", "killed")  # the kernel's out-of-memory killer
            return task, Failure("crash", f"exit status {code}")
        if time.monotonic() >= w.deadline:
            started = w.started
            self._done(w)
            self._retire(w)
            if not started:
                return task, Failure("crash", "it did not start within "
                                              f"{self.limits.start_seconds:g} s")
            return task, Failure("time")
        if w.max_resident and resident(w.proc.pid) > w.max_resident:
            self._done(w)
            self._retire(w)
            return task, Failure("memory")
        return None

    def _done(self, w: _Worker) -> None:
        w.task, w.deadline, w.max_resident, w.started = None, float("inf"), 0, False
        self._running -= 1

    def _retire(self, w: _Worker) -> None:
        w.kill()
        self._workers.remove(w)

    def _dispatch(self) -> None:
        """Hand queued tasks to idle children, starting children up to the pool's size."""
        while self._queue:
            idle = next((w for w in self._workers if w.task is None), None)
            if idle is None and len(self._workers) < self.size:
                idle = _Worker(self._start, self.limits.memory_mb)
                self._workers.append(idle)
            if idle is None:
                return
            task, fn, arg, fenced = self._queue.popleft()
            try:
                idle.conn.send((fn, arg, fenced))
            except (OSError, ValueError):  # the child died while idle: replace it
                self._retire(idle)
                self._queue.appendleft((task, fn, arg, fenced))
                continue
            idle.task = task
            self._running += 1
            if fenced and self.limits.seconds:
                idle.deadline = time.monotonic() + self.limits.start_seconds

    def _check_stop(self) -> None:
        if self.stop is not None and self.stop.is_set():
            self.close()
            raise BuildStopped("the build was stopped")

    def close(self) -> None:
        """End every child now (killing any that still works)."""
        workers, self._workers = self._workers, []
        for w in workers:
            if w.task is None:
                with contextlib.suppress(Exception):
                    w.conn.send(None)
        for w in workers:
            if w.task is None:
                w.proc.join(0.5)
            w.kill()
        self._queue.clear()
        self._running = 0
