"""Embed the texts of new rows: each distinct text once, and not at all when a carried row, the
previous generation or the cache of an unfinished build already has its vector (template
clauses repeat across a library; a killed build resumes).

Texts go out in chunks, to the workers of a runner (every core, or a cluster) or to the encoder
in this process; each chunk's vectors are kept in the cache as soon as they come back.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from ..errors import EncoderError
from ..store.embed_cache import EmbedCache
from ..store.encoders import Encoder
from .fence import Failure
from .parallel import Runner
from .previous import Previous
from .progress import BuildProgress
from .rows import Rows
from .work import EmbedTask, embed_texts

CHUNK = 64  # texts a worker embeds per task, at most (and a cache batch)
HERE_CHUNK = 512  # texts per encoder call in this process (it spreads them over the cores)


def embed_rows(rows: Rows, encoder: Encoder, previous: Previous | None, *,
               cache: EmbedCache | None = None, runner: Runner | None = None,
               progress: BuildProgress | None = None) -> tuple[np.ndarray, int, int]:
    """The generation's vectors with every new row's filled in, how many texts were encoded,
    and how many came from the cache."""
    vectors = rows.vectors.copy()
    if not rows.to_embed:
        return vectors, 0, 0
    pending = {pos for pos, _ in rows.to_embed}
    known: dict[str, np.ndarray] = {
        r.embed_text: vectors[i] for i, r in enumerate(rows.rows) if i not in pending
    }
    wanted = list(dict.fromkeys(t for _, t in rows.to_embed if t not in known))
    if previous is not None:  # rows of the previous generation: ``order`` is theirs there
        missing = set(wanted)
        known.update((r.embed_text, previous.vectors[r.order]) for r in previous.refs
                     if r.embed_text in missing)
    cached = cache.get_many(t for t in wanted if t not in known) if cache is not None else {}
    known.update(cached)
    new = [t for t in wanted if t not in known]
    if progress is not None:
        progress.embedding(len(new))
    for chunk, chunk_vectors in _encode(new, encoder, runner):
        if cache is not None:
            cache.put(chunk, chunk_vectors)
        known.update(zip(chunk, chunk_vectors, strict=True))
        if progress is not None:
            progress.embedded(len(chunk))
    for pos, text in rows.to_embed:
        vectors[pos] = known[text]
    return vectors, len(new), len(cached)


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
    size = max(1, min(CHUNK, -(-len(texts) // runner.size)))  # every worker gets some
    chunks = [tuple(texts[i : i + size]) for i in range(0, len(texts), size)]
    tasks = [EmbedTask(encoder.name, c) for c in chunks]
    for i, outcome in runner.run(embed_texts, tasks, fenced=False):
        if isinstance(outcome, Failure):
            raise EncoderError(f"the encoder {encoder.name!r} failed in a worker "
                               f"({outcome.kind}{': ' + outcome.detail if outcome.detail else ''})")
        vectors = np.asarray(outcome, dtype=np.float32)
        if vectors.shape != (len(chunks[i]), encoder.dim):
            raise EncoderError(f"the encoder {encoder.name!r} returned vectors of shape "
                               f"{vectors.shape} for {len(chunks[i])} texts")
        yield chunks[i], vectors
