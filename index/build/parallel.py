"""A build's per-file work spread over workers (``runner.py``): which runner a build uses, and
``SourceReader``, which reads the files a build parses (the per-file function
``work.read_source``), keeping the BM25 tokens the workers computed for ``make_rows``, and sends
each file's new texts to be embedded as soon as the file is read (``embed.Embedder``), so
reading and embedding overlap.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..limits import cores
from ..models import Contract
from ..parse import cached_ocr, data_keys, keep_ocr
from ..store.encoders import Encoder, is_builtin
from ..store.tokenize import TokenMode
from .embed import Embedder
from .fence import Failure, Limits
from .progress import BuildProgress
from .runner import LocalRunner, Runner
from .work import EmbedTask, RawTokens, ReadResult, ReadTask, embed_texts, read_source


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


def workers_can_load(encoder: Encoder) -> bool:
    """Whether a worker can load ``encoder`` by its name: a registered encoder (not a model
    object made some other way, as tests do)."""
    return is_builtin(encoder.name)


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
    """Reads files on a runner's workers (a plan's ``Reader``); keeps the tokens they made,
    and with an ``embedder``, has each file's new texts embedded as soon as it is read."""

    def __init__(self, runner: Runner, *, mode: TokenMode | None, rules_file: Path | None,
                 progress: BuildProgress, embedder: Embedder | None = None,
                 ocr_cache: Path | None = None) -> None:
        self.runner = runner
        self.mode = mode
        self.rules_file = rules_file
        self.ocr_cache = ocr_cache
        self.progress = progress
        self.embedder = embedder
        self.tokens: RawTokens = {}
        self._ocr_keys: dict[Path, str] = {}  # cluster: the OCR cache key of each file out

    def _task(self, path: Path) -> ReadTask:
        if not self.runner.remote:
            return ReadTask(str(path), self.mode,
                            str(self.rules_file) if self.rules_file else None,
                            ocr_cache=str(self.ocr_cache) if self.ocr_cache else None,
                            ocr_threads=max(1, cores() // self.runner.size))
        rules = self.rules_file.read_bytes() if self.rules_file and self.rules_file.is_file() \
            else None
        data = path.read_bytes()
        known = None
        if self.ocr_cache is not None:  # what OCR read of it before goes along
            keys = data_keys(data)
            self._ocr_keys[path] = keys[0]
            known = cached_ocr(self.ocr_cache, keys)
        return ReadTask(str(path), self.mode, data=data, rules=rules, ocr_known=known)

    def __call__(self, paths: Sequence[Path]) -> dict[Path, Contract | str]:
        """Each file's contract, or why it was not read (a fence's reason included)."""
        out: dict[Path, Contract | str] = {}
        self.progress.reading(len(paths))
        self.runner.listen(self._page_read)
        reads: dict[int, Path] = {}
        embeds: dict[int, tuple[str, ...]] = {}
        for path in paths:
            try:
                reads[self.runner.submit(read_source, self._task(path), fenced=True)] = path
            except OSError as err:
                out[path] = f"cannot read file: {err.strerror or err}"
        for task, outcome in self.runner.completed():
            if task in embeds:
                self._embedded(embeds.pop(task), outcome)
                continue
            path = reads.pop(task)
            out[path] = self._read(outcome)
            key = self._ocr_keys.pop(path, None)
            if isinstance(outcome, ReadResult) and outcome.ocr_read and self.ocr_cache and key:
                keep_ocr(self.ocr_cache, key, outcome.ocr_read)  # a cluster worker's OCR
            contract = out[path]
            if self.embedder is not None and not isinstance(contract, str):
                for chunk in self.embedder.chunks_of(contract, self.runner.size):
                    task = self.runner.submit(embed_texts, EmbedTask(self.embedder.name, chunk),
                                              fenced=False)
                    embeds[task] = chunk
        return {p: out[p] for p in paths}

    def _read(self, outcome: ReadResult | Failure) -> Contract | str:
        if isinstance(outcome, Failure):
            self.progress.read_one(0, 0)
            return outcome.reason(self.runner.limits)
        contract = outcome.contract
        self.progress.read_one(outcome.pages, len(contract.clauses) if contract else 0)
        if contract is None:
            return outcome.reason or "could not be read"
        self.tokens.update(outcome.tokens)
        return contract

    def _page_read(self, value: object) -> None:
        """A worker's OCR read a page of its source: ``(done, total)``."""
        if isinstance(value, tuple) and len(value) == 2:
            self.progress.ocr_page(*value)

    def _embedded(self, chunk: tuple[str, ...], outcome: object) -> None:
        assert self.embedder is not None
        self.embedder.take(chunk, outcome)
        self.progress.embedded_early(len(chunk))


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
