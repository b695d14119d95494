"""Embed the texts of new rows: each distinct text once, and not at all when a carried row or
the previous generation already has its vector (template clauses repeat across a library)."""

from __future__ import annotations

import numpy as np

from ..store.encoders import Encoder
from .plan import progress_bar
from .previous import Previous
from .rows import Rows

BATCH = 512  # the encoder spreads each chunk over the cores; the bar moves per chunk


def embed_rows(rows: Rows, encoder: Encoder, previous: Previous | None, *,
               progress: bool | None = None) -> tuple[np.ndarray, int]:
    """The generation's vectors with every new row's filled in, and how many texts were
    encoded."""
    vectors = rows.vectors.copy()
    if not rows.to_embed:
        return vectors, 0
    pending = {pos for pos, _ in rows.to_embed}
    known: dict[str, np.ndarray] = {
        r.embed_text: vectors[i] for i, r in enumerate(rows.rows) if i not in pending
    }
    if previous is not None:  # rows of the previous generation: ``order`` is theirs there
        wanted = {t for _, t in rows.to_embed} - known.keys()
        known.update((r.embed_text, previous.vectors[r.order]) for r in previous.refs
                     if r.embed_text in wanted)
    new = list(dict.fromkeys(t for _, t in rows.to_embed if t not in known))
    bar = progress_bar(len(new), progress, "embedding")
    for i in range(0, len(new), BATCH):
        chunk = new[i : i + BATCH]
        known.update(zip(chunk, encoder.encode(chunk), strict=True))
        bar.update(len(chunk))
    bar.close()
    for pos, text in rows.to_embed:
        vectors[pos] = known[text]
    return vectors, len(new)
