"""Write a new generation beside the live one (with the manifest that describes it), make it
durable, then switch the pointer to it.

Until the one atomic rename of the pointer, readers keep the previous generation; a build
killed at any moment leaves it serving.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import secrets
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..store import (
    BM25_DIR,
    TITLES_BM25_DIR,
    Manifest,
    Revision,
    SourceEntry,
    cleanup_generations,
    current_generation,
    generation_dir,
    newest_readable_manifest,
    newest_whole_generation,
    switch_generation,
    sync_dir,
    writable,
    write_manifest,
    write_tables,
    write_vectors,
)
from ..store.encoders import Encoder, fingerprint_of
from ..store.hubs import write_hubs
from ..store.lexical import LexicalIndex
from ..store.private import PRIVATE_DIR, make_private, private_dir
from ..store.tokenize import TokenMode
from . import versions
from .previous import Previous
from .rows import Rows


def new_generation_name() -> str:
    """A sortable, unique generation id: UTC time and a random suffix."""
    now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
    return f"{now}-{secrets.token_hex(3)}"


def write_generation(index_dir: Path, gen: str, rows: Rows, vectors: np.ndarray,
                     manifest: Manifest, *, previous: Previous | None = None,
                     ann_threshold: int | None = None) -> None:
    """Write generation ``gen`` of ``index_dir`` and make it live; older generations but the
    one it replaces are deleted. Every clause's hubness is computed anew from all ``vectors``
    (it depends on every clause, so a one-file rebuild changes others') and stored with it."""
    # the one it replaces: the live one, or, when the pointer names one that is gone, the
    # newest whole one (kept, not deleted with the rest); and when the live one cannot be
    # read, the newest one that reads too, so a build never deletes the last good one
    replaced = current_generation(index_dir) or newest_whole_generation(index_dir)
    readable = newest_readable_manifest(index_dir)
    survivor = readable.generation if readable is not None else None
    gen_dir = generation_dir(index_dir, gen)
    with writable(gen_dir):  # a full disk: nothing switched, nothing of it left behind
        private_dir(gen_dir.parent)
        gen_dir.mkdir(mode=PRIVATE_DIR)
        write_tables(gen_dir, rows.contracts, rows.new_rows,
                     previous.dir if previous else None, rows.shifts)
        ids = np.array([r.id for r in rows.rows], dtype=np.int64)
        write_vectors(gen_dir, ids, vectors, manifest.dim, ann_threshold=ann_threshold)
        manifest = dataclasses.replace(manifest, hubness=write_hubs(gen_dir, vectors))
        LexicalIndex.build(rows.lexical, previous.lexical.vocab if previous else ()).save(
            gen_dir / BM25_DIR)
        LexicalIndex.build(rows.titles, previous.titles.vocab if previous else ()).save(
            gen_dir / TITLES_BM25_DIR)
        write_manifest(gen_dir, manifest)
        make_private(gen_dir)
        sync_dir(gen_dir)
        switch_generation(index_dir, gen)
    cleanup_generations(index_dir, [g for g in (gen, replaced, survivor) if g])


def generation_manifest(gen: str, rows: Rows, encoder: Encoder, mode: TokenMode,
                        failed: Sequence[tuple[str, str]], notes: Sequence[tuple[str, str]],
                        roots: Sequence[str], *, revisions: Sequence[Revision] = ()
                        ) -> Manifest:
    """The manifest of generation ``gen``: what it holds (``rows``), how it was built (encoder,
    tokenizer, versions), what failed or was noted, the roots it was built from, and its files
    that look like two versions of one contract (``revisions``)."""
    counts: dict[str, int] = {}
    for row in rows.rows:
        counts[row.contract] = counts.get(row.contract, 0) + 1
    return Manifest(
        generation=gen, encoder=encoder.name, encoder_fingerprint=fingerprint_of(encoder),
        dim=encoder.dim, tokenizer=mode,
        text_version=versions.TEXT_VERSION, parse_version=versions.PARSE_VERSION,
        built_at=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        sources=tuple(SourceEntry(c.source, c.key, c.title, h, counts.get(c.key, 0),
                                  collection=c.collection)
                      for c, h in rows.contracts),
        failed=tuple(failed),
        notes=tuple((str(Path(s).resolve()), n) for s, n in notes),
        roots=tuple(roots),
        revisions=tuple(revisions),
    )
