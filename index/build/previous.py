"""The previous generation as a build sees it: which sources it may carry over unchanged, with
their rows, vectors and BM25 term counts."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..errors import IndexDamagedError
from ..models import Clause, Contract
from ..store import (
    BM25_DIR,
    TITLES_BM25_DIR,
    Manifest,
    RowRef,
    current_generation,
    generation_dir,
    named_generation,
    read_clauses,
    read_contracts,
    read_manifest,
    read_row_refs,
    read_vectors,
    readable,
    reconstruct,
    whole_generations,
)
from ..store.lexical import LexicalIndex


@dataclass(frozen=True)
class Previous:
    """A live generation built with the same encoder and texts as this build. Its vectors serve
    whatever the tokenizer (embedding texts do not depend on it); its rows and BM25 counts only
    a build with the same ``tokenizer``."""

    dir: Path
    tokenizer: str
    contracts: dict[tuple[str, str], Contract]  # (source, hash) -> contract, notes included
    refs: tuple[RowRef, ...]  # its rows in its order
    rows_of: dict[str, tuple[RowRef, ...]]  # contract key -> its rows
    vectors: np.ndarray  # row ``order`` -> vector
    lexical: LexicalIndex
    titles: LexicalIndex


def whole_previous(index_dir: Path, *, encoder: str, text_version: int) -> Previous | None:
    """When the live generation is damaged or gone: the newest other generation that reads
    whole, if a build with this encoder and these texts may reuse it, so that repairing an
    index does not embed every text again."""
    named = named_generation(index_dir)
    for gen in whole_generations(index_dir):
        if gen == named:
            continue
        try:
            manifest = read_manifest(generation_dir(index_dir, gen))
            return reusable_previous(index_dir, manifest, encoder=encoder,
                                     text_version=text_version, gen=gen)
        except IndexDamagedError:
            continue
    return None


def reusable_previous(index_dir: Path, live: Manifest | None, *, encoder: str,
                      text_version: int, gen: str | None = None) -> Previous | None:
    """The live generation (``live``: its manifest, as the build read it under its lock; or
    generation ``gen`` and its manifest) when a build with this encoder and these texts may
    reuse it, else None; IndexDamagedError when a file of it is missing or corrupt."""
    gen = gen or current_generation(index_dir)
    if live is None or gen is None or not live.reusable_for(encoder=encoder,
                                                            text_version=text_version):
        return None
    gen_dir = generation_dir(index_dir, gen)
    with readable(gen_dir):  # its files
        refs = read_row_refs(gen_dir)
        stored_contracts = read_contracts(gen_dir)
        vectors = reconstruct(read_vectors(gen_dir), [r.id for r in refs])
        lexical = LexicalIndex.load(gen_dir / BM25_DIR)
        titles = LexicalIndex.load(gen_dir / TITLES_BM25_DIR)
    rows_of: dict[str, list[RowRef]] = {}
    for r in refs:
        rows_of.setdefault(r.contract, []).append(r)
    return Previous(
        dir=gen_dir,
        tokenizer=live.tokenizer,
        contracts=_with_notes(stored_contracts, live),
        refs=tuple(refs),
        rows_of={k: tuple(v) for k, v in rows_of.items()},
        vectors=vectors,
        lexical=lexical,
        titles=titles,
    )


def indexed_contracts(gen_dir: Path, manifest: Manifest) -> dict[tuple[str, str], Contract]:
    """The contracts of generation ``gen_dir`` (``manifest``: its manifest) with their clauses
    and build notes, keyed by (source, hash): what a build that cannot reuse the generation
    (another encoder, other texts or tokens) indexes again of a source it cannot read this
    time. IndexDamagedError when its files cannot be read."""
    with readable(gen_dir):
        stored = read_contracts(gen_dir)
        rows = read_clauses(gen_dir)
    clauses: dict[str, list[Clause]] = {}
    for row in rows:
        clauses.setdefault(row.clause.contract, []).append(row.clause)
    return {key: replace(c, clauses=tuple(clauses.get(c.key, ())))
            for key, c in _with_notes(stored, manifest).items()}


def _with_notes(contracts: list[tuple[Contract, str]],
                manifest: Manifest) -> dict[tuple[str, str], Contract]:
    """Contracts keyed by (source, hash), each with the build notes its source had."""
    notes: dict[str, list[str]] = {}
    for source, note in manifest.notes:
        notes.setdefault(source, []).append(note)
    return {(c.source, h): replace(c, notes=tuple(notes.get(c.source, ())))
            for c, h in contracts}


def indexed_later(index_dir: Path, manifest: Manifest | None
                  ) -> Callable[[], dict[tuple[str, str], Contract]] | None:
    """The contracts of the generation ``manifest`` describes, with their clauses, read once
    when first asked for (none when it cannot be read): a source this build cannot read keeps
    its version indexed there, indexed again."""
    if manifest is None or not manifest.sources:
        return None

    @functools.cache
    def read() -> dict[tuple[str, str], Contract]:
        try:
            return indexed_contracts(generation_dir(index_dir, manifest.generation), manifest)
        except IndexDamagedError:
            return {}
    return read
