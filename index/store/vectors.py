"""A generation's clause vectors in FAISS: exact below a size, an HNSW graph above it.

An exact search is one matrix product over every vector: about 0.3 ms at 10,000 clauses and
9 ms at 100,000 on the 2-core box (docs/performance.md), so above ANN_THRESHOLD vectors the
question budget (10 ms) goes to an HNSW graph instead, which answers in under a millisecond with
a recall@10 measured against exact search in docs/performance.md. Both are wrapped in an
IndexIDMap2, so ids and ``reconstruct`` (used to reuse vectors across builds) work the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .generations import VECTORS

ANN_THRESHOLD = 30_000  # vectors; at this size an exact product costs ~3 ms a question
HNSW_M = 32  # graph degree
EF_CONSTRUCTION = 64
EF_SEARCH = 512  # candidate list while searching: recall over speed, both are cheap here


def make_index(dim: int, count: int, threshold: int = ANN_THRESHOLD) -> Any:
    """An empty id-mapped inner-product index for ``count`` vectors of ``dim``."""
    import faiss

    if count <= threshold:
        return faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
    inner = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    inner.hnsw.efConstruction = EF_CONSTRUCTION
    inner.hnsw.efSearch = EF_SEARCH
    return faiss.IndexIDMap2(inner)


def prepare_for_search(index: Any) -> Any:
    """Set search-time parameters on an index read from disk; returns it."""
    import faiss

    inner = faiss.downcast_index(index.index) if hasattr(index, "id_map") else index
    if isinstance(inner, faiss.IndexHNSW):
        inner.hnsw.efSearch = max(inner.hnsw.efSearch, EF_SEARCH)
    return index


def is_exact(index: Any) -> bool:
    """Whether ``index`` compares a question with every vector (a flat index)."""
    import faiss

    inner = faiss.downcast_index(index.index) if hasattr(index, "id_map") else index
    return isinstance(inner, faiss.IndexFlat)


def flat_vectors(index: Any) -> tuple[np.ndarray, np.ndarray]:
    """(vectors, ids) of an id-mapped index, in its internal order."""
    import faiss

    inner = faiss.downcast_index(index.index)
    vectors = inner.reconstruct_n(0, index.ntotal) if index.ntotal else np.zeros((0, index.d))
    ids = faiss.vector_to_array(index.id_map).astype(np.int64)
    return np.ascontiguousarray(vectors, dtype=np.float32), ids


def recall_at(exact: np.ndarray, approximate: np.ndarray, k: int = 10) -> float:
    """Mean share of each row's exact top ``k`` ids found in the approximate top ``k``."""
    if len(exact) == 0:
        return 1.0
    hits = [len(set(e[:k]) & set(a[:k])) / k for e, a in zip(exact, approximate, strict=True)]
    return float(np.mean(hits))


def recall_by_score(exact_scores: np.ndarray, found_scores: np.ndarray, k: int = 10) -> float:
    """Tie-aware recall@k: the share of the approximate top ``k`` whose true score reaches the
    exact k-th best score of its row (identical clauses have identical vectors, so which of
    several equal ones an exact search lists is arbitrary)."""
    if len(exact_scores) == 0:
        return 1.0
    kth = np.sort(exact_scores, axis=1)[:, -k][:, None]
    good = (found_scores[:, :k] >= kth - 1e-6).sum(axis=1)
    return float(np.mean(np.minimum(good, k) / k))


def write_vectors(gen_dir: Path, ids: np.ndarray, vectors: np.ndarray, dim: int, *,
                  ann_threshold: int | None = None) -> None:
    """Store unit vectors under their ids in a FAISS inner-product IndexIDMap2: exact (flat)
    up to ``ann_threshold`` vectors (default ``ANN_THRESHOLD``), an HNSW graph above."""
    import faiss

    threshold = ANN_THRESHOLD if ann_threshold is None else ann_threshold
    index = make_index(dim, len(ids), threshold)
    if len(ids):
        index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32),
                           np.asarray(ids, dtype=np.int64))
    faiss.write_index(index, str(gen_dir / VECTORS))


def read_vectors(gen_dir: Path) -> Any:
    """The generation's FAISS index, ready to search."""
    import faiss

    return prepare_for_search(faiss.read_index(str(gen_dir / VECTORS)))


def reconstruct(index: Any, ids: Sequence[int]) -> np.ndarray:
    """Stored vectors of ``ids`` (to reuse them in the next generation without re-embedding).

    When the ids are a large share of the index (a rebuild carrying clauses over) all stored
    vectors are read in one pass; a few (one contract's, for a scoped question) one by one."""
    if not ids:
        return np.zeros((0, index.d), dtype=np.float32)
    if len(ids) < 256 or 4 * len(ids) < index.ntotal or not hasattr(index, "id_map"):
        return np.vstack([index.reconstruct(int(i)) for i in ids]).astype(np.float32)
    import faiss

    stored = faiss.vector_to_array(index.id_map)
    order = np.argsort(stored)
    by_id = stored[order]
    want = np.asarray(ids, dtype=np.int64)
    found = np.minimum(np.searchsorted(by_id, want), len(by_id) - 1)
    if not np.array_equal(by_id[found], want):
        missing = want[by_id[found] != want][0]
        raise KeyError(f"vector {int(missing)} is not in the index")
    return index.index.reconstruct_n(0, index.ntotal)[order[found]].astype(np.float32)
