"""A pool of worker processes with a fence around each task: a time limit and a memory limit.

A source is read in a child process, so that a file that makes the parser slow or hungry (a
contract that lost its line breaks, a hostile upload) costs that child, never the building
process or the bot: past ``Limits.seconds`` the child is killed, and so it is when its resident
memory grows by more than ``Limits.memory_mb`` (watched from here; an address-space limit set
in the child, ``ADDRESS_HEADROOM_MB`` above that, makes a single huge allocation fail at once),
and the task comes back as a ``Failure`` with a reason; a new child takes its place. Resident
memory, not address space, is what is limited: the OCR engine reserves far more address space
than it uses (1.2 GB reserved for 0.4 GB used), as do threads (a stack and a malloc arena
each). The same workers embed texts (the encoders' C engines and numpy run a core each in
separate processes, where threads of one process would share the GIL).

Children start with ``forkserver`` (``spawn`` where there is none): never forked from a
process that has threads (the bot, a build's loader threads). They end when the pool closes,
when the building process dies (their pipe closes; on Linux also PR_SET_PDEATHSIG), and when
``stop`` is set: the pool then kills them and raises ``BuildStopped``.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from ..errors import ContractbotError

POLL = 0.2  # seconds between checks of ``stop`` and of children's memory while waiting
ADDRESS_HEADROOM_MB = 8192  # address space a task may reserve beyond its memory limit
WATCH = 0.5  # seconds between a child's checks that the building process still runs


class BuildStopped(ContractbotError):
    """A build was asked to stop (the bot is shutting down); nothing was written."""


@dataclass(frozen=True)
class Limits:
    """What one source may cost to read: wall-clock seconds and memory (MB) beyond what the
    worker already holds; 0 means no limit."""

    seconds: float = 60.0
    memory_mb: int = 2048  # OCR of a page at 200 dpi takes about 0.85 GB


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
    """``forkserver`` where the platform has it, else ``spawn``."""
    methods = multiprocessing.get_all_start_methods()
    return "forkserver" if "forkserver" in methods else "spawn"


class _Worker:
    """One child process and the parent's end of its pipe."""

    def __init__(self, ctx: Any, memory_mb: int) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, memory_mb, os.getpid()),
                                daemon=True, name="contractbot-worker")
        self.proc.start()
        child.close()
        self.task: int | None = None
        self.deadline = float("inf")
        self.max_resident = 0  # bytes of resident memory the running task may reach (0: any)

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.proc.kill()
        with contextlib.suppress(Exception):
            self.proc.join(5)
        with contextlib.suppress(Exception):
            self.conn.close()


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
        self._ctx = multiprocessing.get_context(start_method())
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
            if kind == "started":  # a fenced task began: its memory is counted from here
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
            self._done(w)
            self._retire(w)
            return task, Failure("time")
        if w.max_resident and _resident(w.proc.pid) > w.max_resident:
            self._done(w)
            self._retire(w)
            return task, Failure("memory")
        return None

    def _done(self, w: _Worker) -> None:
        w.task, w.deadline, w.max_resident = None, float("inf"), 0
        self._running -= 1

    def _retire(self, w: _Worker) -> None:
        w.kill()
        self._workers.remove(w)

    def _dispatch(self) -> None:
        """Hand queued tasks to idle children, starting children up to the pool's size."""
        while self._queue:
            idle = next((w for w in self._workers if w.task is None), None)
            if idle is None and len(self._workers) < self.size:
                idle = _Worker(self._ctx, self.limits.memory_mb)
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
                idle.deadline = time.monotonic() + self.limits.seconds

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


# ----------------------------------------------------------------------------- in the child

_reporter: Connection | None = None


def report_progress(value: Any) -> None:
    """Tell the parent how a fenced task is getting on (pages read); each report also gives
    the task a fresh time limit. Outside a pool's child it does nothing."""
    if _reporter is not None:
        with contextlib.suppress(OSError, ValueError):
            _reporter.send(("progress", value))


def _serve(conn: Connection, memory_mb: int, parent: int) -> None:
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
            conn.send(("started", _resident(os.getpid())))
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
            conn.send(reply)
        except MemoryError:
            conn.send(("memory", None))
        if reply[0] == "memory":
            return


def _watch(parent: int) -> None:
    """End this process when the building process is gone. (A forkserver child's parent is
    the fork server, which lives as long as any of its children: PR_SET_PDEATHSIG alone would
    leave a child busy on an endless source running for ever.)"""
    while _alive(parent):
        time.sleep(WATCH)
    os._exit(1)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie does not)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rpartition(")")[2].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False
    except OSError:  # no /proc here
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


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
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _resident(pid: int) -> int:
    """Bytes of resident memory of process ``pid`` (Linux), else 0."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
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
