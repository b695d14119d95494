"""Whether a generation's files can be read, checked from their headers and page structure
without loading the index: what ``index status`` reports for a monitoring script.

A part that is there but cannot be read (a corrupt or cut-short database, a vector file cut
short, arrays of another length than the manifest's clause count) is damage as much as a part
that is missing: ``ask`` and the bot fail on it.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np

from .generations import (
    BM25_DIR,
    CLAUSES_DB,
    HUBS,
    TITLES_BM25_DIR,
    VECTORS,
    first_line,
    missing_parts,
)

Fault = tuple[str, str]  # (part, why it cannot be read)


def unreadable_parts(gen_dir: Path, clauses: int) -> tuple[Fault, ...]:
    """The parts of generation ``gen_dir`` that are there but cannot be read, or do not hold
    the ``clauses`` its manifest counts, each with the reason (missing parts are left to
    ``missing_parts``, and a missing hubness file to ``status.index_damage``: a generation
    built before stop 42 has none)."""
    missing = set(missing_parts(gen_dir))
    if not (gen_dir / HUBS).exists():
        missing.add(HUBS)
    checks = ((CLAUSES_DB, _clauses_fault), (VECTORS, _vectors_fault),
              (BM25_DIR, _bm25_fault), (TITLES_BM25_DIR, _bm25_fault), (HUBS, _hubs_fault))
    faults = []
    for part, check in checks:
        if part in missing:
            continue
        try:
            reason = check(gen_dir / part, clauses)
        except (OSError, RuntimeError, ValueError, KeyError, TypeError, sqlite3.Error) as err:
            reason = first_line(err) or type(err).__name__
        if reason:
            faults.append((part, reason))
    return tuple(faults)


def _count(found: int, clauses: int) -> str | None:
    """Why a part holding ``found`` clauses does not match a manifest of ``clauses``."""
    return None if found == clauses else f"{found} clauses where the manifest has {clauses}"


def _clauses_fault(path: Path, clauses: int) -> str | None:
    """SQLite's own check of every page of the file, and its clause count."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        problems = [row[0] for row in db.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            return "; ".join(problems[:2])
        found = int(db.execute("SELECT count(*) FROM clauses").fetchone()[0])
    finally:
        db.close()
    return _count(found, clauses)


def _vectors_fault(path: Path, clauses: int) -> str | None:
    """The FAISS file read mapped (its vectors are not loaded), and its vector count."""
    import faiss

    index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
    return _count(int(index.ntotal), clauses)


def _hubs_fault(path: Path, clauses: int) -> str | None:
    """The hubness array's header (mapped, not read): float32, one per clause."""
    hubs = np.load(path, mmap_mode="r", allow_pickle=False)
    if hubs.dtype != np.float32 or hubs.ndim != 1:
        return f"it holds {hubs.dtype} of shape {hubs.shape}, not one float32 per clause"
    return _count(len(hubs), clauses)


def _bm25_fault(folder: Path, clauses: int) -> str | None:
    """The BM25 arrays' headers (mapped, not read), their lengths, and the vocabulary."""
    indptr, terms, counts = (np.load(folder / f"{n}.npy", mmap_mode="r", allow_pickle=False)
                             for n in ("indptr", "terms", "counts"))
    if len(terms) != len(counts) or (len(indptr) and int(indptr[-1]) != len(terms)):
        return "its arrays do not match"
    json.loads((folder / "vocab.json").read_text("utf-8"))
    return _count(len(indptr) - 1, clauses)
