"""Embed the texts of new rows: each distinct text once, and not at all when a carried row, the
previous generation or the cache of an unfinished build already has its vector (template
clauses repeat across a library; a killed build resumes).

With workers, an ``Embedder`` has each file's new texts embedded as soon as the file is read
(``parallel.SourceReader``), in chunks; ``embed_rows`` then embeds what is left (nothing, when
every file was read by the workers) and fills in the rows. Every chunk's vectors are kept in the
cache as soon as they come back.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from ..errors import EncoderError
from ..models import Contract
from ..store.embed_cache import EmbedCache
from ..store.encoders import Encoder
from .fence import Failure
from .previous import Previous
from .progress import BuildProgress
from .rows import Rows
from .runner import Runner, run_all
from .texts import clause_rows
from .work import EmbedTask, embed_texts

CHUNK = 64  # texts a worker embeds per task, at most (and a cache batch)
HERE_CHUNK = 512  # texts per encoder call in this process (it spreads them over the cores)


class Embedder:
    """The vectors of one build: what it finds (previous generation, cache) and what it
    embeds, by text."""

    def __init__(self, encoder: Encoder, previous: Previous | None,
                 cache: EmbedCache | None) -> None:
        self.encoder = encoder
        self.name = encoder.name
        self.cache = cache
        self.previous = previous
        self._old = {r.embed_text for r in previous.refs} if previous is not None else set()
        self.vectors: dict[str, np.ndarray] = {}  # embedded by this build
        self._asked: set[str] = set()

    def chunks_of(self, contract: Contract, workers: int) -> list[tuple[str, ...]]:
        """The new texts of a contract just read, in chunks for the workers (each text is
        asked for once per build)."""
        new = [embed for _, _, embed in clause_rows(contract)]
        new = [t for t in dict.fromkeys(new) if t not in self._asked and t not in self._old
               and (self.cache is None or t not in self.cache)]
        self._asked.update(new)
        return chunked(new, workers)

    def take(self, chunk: Sequence[str], outcome: object) -> None:
        """Keep the vectors a worker sent back for ``chunk`` (in the cache too)."""
        vectors = _checked(outcome, len(chunk), self.encoder)
        if self.cache is not None:
            self.cache.put(chunk, vectors)
        self.vectors.update(zip(chunk, vectors, strict=True))


def chunked(texts: Sequence[str], workers: int) -> list[tuple[str, ...]]:
    """``texts`` in chunks of at most CHUNK, at least one per worker, texts of a length
    together (less padding in a batch)."""
    if not texts:
        return []
    size = max(1, min(CHUNK, -(-len(texts) // max(1, workers))))
    ordered = sorted(texts, key=len)
    return [tuple(ordered[i : i + size]) for i in range(0, len(ordered), size)]


def embed_rows(rows: Rows, embedder: Embedder, *, runner: Runner | None = None,
               progress: BuildProgress | None = None) -> tuple[np.ndarray, int, int]:
    """The generation's vectors with every new row's filled in, how many of its texts this
    build encoded (not those of a file read and then left out, such as one the one-name guard
    refused: the workers embed each file as soon as it is read), and how many came from the
    cache of an unfinished build."""
    vectors = rows.vectors.copy()
    if not rows.to_embed:
        return vectors, 0, 0
    pending = {pos for pos, _ in rows.to_embed}
    known: dict[str, np.ndarray] = {
        r.embed_text: vectors[i] for i, r in enumerate(rows.rows) if i not in pending
    }
    wanted = list(dict.fromkeys(t for _, t in rows.to_embed if t not in known))
    previous = embedder.previous
    if previous is not None:  # rows of the previous generation: ``order`` is theirs there
        missing = set(wanted)
        known.update((r.embed_text, previous.vectors[r.order]) for r in previous.refs
                      if r.embed_text in missing)
    known.update((t, embedder.vectors[t]) for t in wanted if t in embedder.vectors)
    cache = embedder.cache
    cached = cache.get_many(t for t in wanted if t not in known) if cache is not None else {}
    known.update(cached)
    new = [t for t in wanted if t not in known]
    if progress is not None:
        progress.embedding(len(new))
    for chunk, chunk_vectors in _encode(new, embedder.encoder, runner):
        if cache is not None:
            cache.put(chunk, chunk_vectors)
        known.update(zip(chunk, chunk_vectors, strict=True))
        embedder.vectors.update(zip(chunk, chunk_vectors, strict=True))
        if progress is not None:
            progress.embedded(len(chunk))
    for pos, text in rows.to_embed:
        vectors[pos] = known[text]
    held = {text for _, text in rows.to_embed}
    return vectors, sum(1 for t in embedder.vectors if t in held), len(cached)


def _encode(texts: Sequence[str], encoder: Encoder,
            runner: Runner | None) -> Iterator[tuple[Sequence[str], np.ndarray]]:
    """(chunk, its vectors) as each chunk is done."""
    if not texts:
        return
    if runner is None:
        for i in range(0, len(texts), HERE_CHUNK):
            chunk = texts[i : i + HERE_CHUNK]
            yield chunk, encoder.encode(chunk)
        return
    chunks = chunked(texts, runner.size)
    tasks = [EmbedTask(encoder.name, c) for c in chunks]
    for i, outcome in run_all(runner, embed_texts, tasks, fenced=False):
        yield chunks[i], _checked(outcome, len(chunks[i]), encoder)


def _checked(outcome: object, count: int, encoder: Encoder) -> np.ndarray:
    """A worker's vectors for ``count`` texts, or EncoderError."""
    if isinstance(outcome, Failure):
        raise EncoderError(f"the encoder {encoder.name!r} failed in a worker "
                           f"({outcome.kind}{': ' + outcome.detail if outcome.detail else ''})")
    vectors = np.asarray(outcome, dtype=np.float32)
    if vectors.shape != (count, encoder.dim):
        raise EncoderError(f"the encoder {encoder.name!r} returned vectors of shape "
                           f"{vectors.shape} for {count} texts")
    return vectors
