"""A build's per-file work on a Dask distributed cluster (``index build --cluster tcp://HOST:PORT``).

Each source's bytes go to a worker, which runs the same per-file function as a local build
(``work.read_source``: parse, OCR, tokens) and sends back the contract; texts to embed go out in
chunks and come back as vectors (``work.embed_texts``). The building process keeps everything
else: it reads the previous generation, decides what to reuse, and writes the new generation
itself, atomically, as a local build does.

The fence is the same: a Dask worker runs tasks in threads, which cannot be killed, so each
worker thread reads sources in a child process of its own (``run_fenced``; started as a new
interpreter, since a nanny's worker is a daemonic process), within the build's time and memory
limits; a worker past its own ``--memory-limit`` is restarted by its nanny and the source is
reported as too large to read. Needs the optional extra ``contractbot[cluster]``
(``distributed``), on the building machine and on every worker, with the same version of
contractbot.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from ..errors import ContractbotError
from .fence import POLL, BuildStopped, Failure, FencedPool, Limits, Task

CLUSTER_EXTRA = "pip install 'contractbot[cluster]'"
CONNECT_SECONDS = 2.0  # to open a connection to the scheduler: a dead address fails quickly
# its client logs a lost scheduler (with a traceback): our one line says it
DASK_LOGS = ("distributed", "distributed.client")


class ClusterError(ContractbotError):
    """The Dask scheduler cannot be used (not installed, unreachable, no workers)."""


class ClusterAddressError(ClusterError):
    """A scheduler address that is not ``tcp://HOST:PORT``: a usage error, nothing was tried."""


def cluster_address(text: str) -> str:
    """``text`` as a Dask scheduler address ``tcp://HOST:PORT`` (``HOST:PORT`` alone is taken
    as TCP, as Dask does); ClusterAddressError when it is not one."""
    address = text if "://" in text else f"tcp://{text}"
    try:
        parts = urlsplit(address)
        port = parts.port  # ValueError past 65535
    except ValueError:
        parts, port = None, None
    if (parts is None or parts.scheme != "tcp" or not parts.hostname or not port
            or parts.username or parts.password or parts.path or parts.query or parts.fragment):
        raise ClusterAddressError(f"not a Dask scheduler address: {text!r} (expected "
                                  "tcp://HOST:PORT)")
    return address


class DaskRunner:
    """The workers of the Dask scheduler at ``address``."""

    remote = True

    def __init__(self, address: str, limits: Limits, *, stop: threading.Event | None = None,
                 timeout: float = 5.0) -> None:
        address = cluster_address(address)
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise ClusterError(f"--cluster needs the optional extra: {CLUSTER_EXTRA}") from None
        self.limits = limits
        self.stop = stop
        self.address = address
        _reach(address)
        self.client = _connect(address, timeout)
        try:
            self.client.wait_for_workers(1, timeout=timeout)
        except (OSError, TimeoutError):
            self.client.close()
            raise ClusterError(f"the Dask scheduler at {address} has no workers") from None
        self._log_levels = {name: logging.getLogger(name).level for name in DASK_LOGS}
        for name in DASK_LOGS:
            logging.getLogger(name).setLevel(logging.CRITICAL)
        threads = self.client.nthreads()
        self.size = max(1, sum(threads.values()))
        self._pending: dict[int, Any] = {}  # task id -> its Dask future
        self._next = 0

    def submit(self, fn: Callable[[Any], Any], arg: Any, *, fenced: bool) -> int:
        """Send ``fn(arg)`` to the cluster; its task id."""
        self._next += 1
        if fenced and (self.limits.seconds or self.limits.memory_mb):
            fn, arg = run_fenced, (fn, arg, self.limits)
        self._pending[self._next] = self.client.submit(fn, arg, pure=False)
        return self._next

    def completed(self) -> Iterator[tuple[int, Any]]:
        """Outcomes as the cluster finishes them (tasks may be submitted meanwhile)."""
        try:
            while self._pending:
                if self.stop is not None and self.stop.is_set():
                    raise BuildStopped("the build was stopped")
                done = [t for t, f in self._pending.items() if f.done()]
                if not done:
                    time.sleep(POLL / 4)
                for task in done:
                    future = self._pending.pop(task)
                    if future.status == "cancelled":  # the scheduler went away
                        raise ClusterError(f"lost the Dask scheduler at {self.address} during "
                                           "the build (it stopped answering)")
                    yield task, _outcome(future)
        finally:
            if self._pending:
                self.client.cancel(list(self._pending.values()))
                self._pending.clear()

    def listen(self, on_progress: Callable[[Any], None] | None) -> None:
        """A cluster's workers report no progress (nor get more time for it)."""

    def close(self) -> None:
        """Disconnect from the scheduler (the cluster keeps running)."""
        try:
            self.client.close()
        finally:
            for name, level in self._log_levels.items():
                logging.getLogger(name).setLevel(level)


def _reach(address: str) -> None:
    """Open and close a connection to the scheduler's port, within CONNECT_SECONDS: nobody
    listening is said at once (Dask would retry until its own timeout)."""
    parts = urlsplit(address)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=CONNECT_SECONDS).close()
    except OSError as err:
        reason = err.strerror or str(err) or type(err).__name__
        raise ClusterError(f"cannot reach the Dask scheduler at {address} ({reason})") from None


def _connect(address: str, timeout: float) -> Any:
    """A Dask client of the scheduler at ``address``; ClusterError when it does not answer as
    one. A client that failed to start is marked closed: Dask's own clean-up of it would wait
    10 s at exit and print a traceback."""
    from distributed import Client

    class _Client(Client):
        def start(self, **kwargs: Any) -> None:
            try:
                super().start(**kwargs)
            except BaseException:
                if self.status != "closed":
                    self.status = "closed"
                    self._loop_runner.stop()
                raise

    try:
        return _Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as err:
        raise ClusterError(f"cannot reach the Dask scheduler at {address} "
                           f"({type(err).__name__}: {err})") from None
    except Exception as err:  # something else listens there (it answered garbage)
        raise ClusterError(f"the Dask scheduler at {address} did not answer as one: is "
                           f"something else listening there? ({type(err).__name__}: {err})"
                           ) from None


_pools = threading.local()  # on a Dask worker: each thread's pool of one child


def run_fenced(job: tuple[Task, Any, Limits]) -> Any:
    """On a Dask worker: ``fn(arg)`` in this thread's child process, within ``limits``, as a
    local build reads a source (a Failure past them). The child is started on the thread's
    first source and kept for the next ones (a new one after a failure)."""
    fn, arg, limits = job
    pool: FencedPool | None = getattr(_pools, "pool", None)
    if pool is None or pool.limits != limits:
        if pool is not None:
            pool.close()
        pool = _pools.pool = FencedPool(1, limits)
    pool.submit(fn, arg)
    for _task, outcome in pool.results():
        return outcome
    raise AssertionError("a submitted task always has an outcome")


def _outcome(future: Any) -> Any:
    """A finished future's result, or the Failure a build reports."""
    if future.status == "finished":
        return future.result()
    err = future.exception()
    name = type(err).__name__
    if name == "KilledWorker":  # its workers died on it: usually past their memory limit
        return Failure("crash", "its Dask workers died, usually past their memory limit")
    if isinstance(err, MemoryError):
        return Failure("memory")
    return Failure("error", f"{name}: {err}")
