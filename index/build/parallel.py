"""A build's per-file work spread over workers: local child processes (``fence.FencedPool``) or
a Dask cluster (``cluster.DaskRunner``), behind one small interface, ``Runner``.

``SourceReader`` reads the files a build parses (the per-file function ``work.read_source``),
keeping the BM25 tokens the workers computed for ``make_rows``; ``embed_rows`` sends the texts
to embed through the same runner (``work.embed_texts``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..models import Contract
from ..store.encoders import ALIASES, ENCODERS, Encoder
from ..store.tokenize import TokenMode
from .fence import FencedPool, Limits
from .progress import BuildProgress
from .work import RawTokens, ReadResult, ReadTask, read_source


class Runner(Protocol):
    """Runs a module-level function over many arguments on workers."""

    limits: Limits
    remote: bool  # the workers cannot read our files: sources travel as bytes
    size: int  # how many tasks run at once

    def run(self, fn: Callable[[Any], Any], args: Sequence[Any], *, fenced: bool,
            on_progress: Callable[[Any], None] | None = None) -> Iterator[tuple[int, Any]]:
        """(position in ``args``, fn's result or a fence.Failure) as each one finishes;
        ``on_progress`` hears what running tasks report (fence.report_progress)."""
        ...

    def close(self) -> None:
        """Release the workers."""
        ...


class LocalRunner:
    """Child processes of this machine, one per core by default, each task fenced."""

    remote = False

    def __init__(self, workers: int, limits: Limits, *,
                 stop: threading.Event | None = None) -> None:
        self.limits = limits
        self.pool = FencedPool(workers, limits, stop=stop)
        self.size = self.pool.size

    def run(self, fn: Callable[[Any], Any], args: Sequence[Any], *, fenced: bool,
            on_progress: Callable[[Any], None] | None = None) -> Iterator[tuple[int, Any]]:
        """Submit every argument, then yield the outcomes as they come."""
        self.pool.on_progress = None if on_progress is None else \
            (lambda _task, value: on_progress(value))
        ids = {self.pool.submit(fn, arg, fenced=fenced): i for i, arg in enumerate(args)}
        for task, outcome in self.pool.results():
            yield ids[task], outcome

    def close(self) -> None:
        """End the child processes."""
        self.pool.close()


@dataclass(frozen=True)
class Reading:
    """How a build reads and embeds its sources: ``workers`` child processes (None: one per
    core; 0: in the building process itself, without a fence), each source within ``limits``;
    or the workers of the Dask scheduler at ``cluster``. ``stop`` set: the build stops
    (BuildStopped) and its children end."""

    workers: int | None = None
    limits: Limits = field(default_factory=Limits)
    cluster: str | None = None
    stop: threading.Event | None = None


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def workers_can_load(encoder: Encoder) -> bool:
    """Whether a worker can load ``encoder`` by its name: a registered encoder (not a model
    object made some other way, as tests do)."""
    return ALIASES.get(encoder.name, encoder.name) in ENCODERS


def make_runner(reading: Reading) -> Runner | None:
    """The runner ``reading`` asks for (None: work in this process)."""
    if reading.cluster:
        from .cluster import DaskRunner

        return DaskRunner(reading.cluster, reading.limits, stop=reading.stop)
    workers = cores() if reading.workers is None else reading.workers
    if workers <= 0:
        return None
    return LocalRunner(workers, reading.limits, stop=reading.stop)


class SourceReader:
    """Reads files on a runner's workers (a plan's ``Reader``); keeps the tokens they made."""

    def __init__(self, runner: Runner, *, mode: TokenMode | None, rules_file: Path | None,
                 progress: BuildProgress, ocr_cache: Path | None = None) -> None:
        self.runner = runner
        self.mode = mode
        self.rules_file = rules_file
        self.ocr_cache = ocr_cache
        self.progress = progress
        self.tokens: RawTokens = {}

    def _task(self, path: Path) -> ReadTask:
        if not self.runner.remote:
            return ReadTask(str(path), self.mode,
                            str(self.rules_file) if self.rules_file else None,
                            ocr_cache=str(self.ocr_cache) if self.ocr_cache else None,
                            ocr_threads=max(1, cores() // self.runner.size))
        rules = self.rules_file.read_bytes() if self.rules_file and self.rules_file.is_file() \
            else None
        return ReadTask(str(path), self.mode, data=path.read_bytes(), rules=rules)

    def __call__(self, paths: Sequence[Path]) -> dict[Path, Contract | str]:
        """Each file's contract, or why it was not read (a fence's reason included)."""
        out: dict[Path, Contract | str] = {}
        self.progress.reading(len(paths))
        if not paths:
            return out
        tasks = []
        for path in paths:
            try:
                tasks.append(self._task(path))
            except OSError as err:
                out[path] = f"cannot read file: {err.strerror or err}"
        todo = [p for p in paths if p not in out]
        for i, outcome in self.runner.run(read_source, tasks, fenced=True,
                                          on_progress=self._page_read):
            path = todo[i]
            if not isinstance(outcome, ReadResult):
                out[path] = outcome.reason(self.runner.limits)
            elif outcome.contract is None:
                out[path] = outcome.reason or "could not be read"
            else:
                out[path] = outcome.contract
                self.tokens.update(outcome.tokens)
            self.progress.read_one(outcome.pages if isinstance(outcome, ReadResult) else 0,
                                   len(outcome.contract.clauses)
                                   if isinstance(outcome, ReadResult) and outcome.contract
                                   else 0)
        return {p: out[p] for p in paths}

    def _page_read(self, value: Any) -> None:
        """A worker's OCR read a page of its source: ``(done, total)``."""
        if isinstance(value, tuple) and len(value) == 2:
            self.progress.ocr_page(*value)


def read_contracts(paths: Sequence[Path], *, rules_file: Path | None = None,
                   ocr_cache: Path | None = None, reading: Reading | None = None,
                   progress: bool | None = False) -> dict[Path, Contract | str]:
    """Parse files in worker processes, each within its limits (the bot's upload check and
    ``contractbot parse``): each file's contract, or why it cannot be read, in the words a
    build report uses (``<reason>``, e.g. "too slow to read (stopped after 60 s)"). What OCR
    reads is kept in ``ocr_cache``; ``progress`` shows the build's bars (None: on a terminal)."""
    reading = reading or Reading()
    runner = make_runner(Reading(workers=min(len(paths), reading.workers or cores()) or 1,
                                 limits=reading.limits, stop=reading.stop))
    assert runner is not None
    bars = BuildProgress(progress)
    try:
        reader = SourceReader(runner, mode=None, rules_file=rules_file, ocr_cache=ocr_cache,
                              progress=bars)
        return reader(paths)
    finally:
        bars.close()
        runner.close()
