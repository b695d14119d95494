"""Dense search: the cosine of a question's vector with every clause of a generation.

An exact index is kept as one matrix (a product over all vectors beats a k = n FAISS search);
an approximate (HNSW) index returns its nearest candidates, and a question limited to one
contract is scored exactly over that contract's stored vectors.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np

from ..store.blas import one_blas_thread
from ..store.hubs import hubness
from ..store.vectors import flat_vectors, is_exact, reconstruct

DENSE_CANDIDATES = 256  # clauses an approximate (HNSW) vector index returns per question
_SCOPED_CACHE = 16  # contracts whose vectors an approximate index keeps at hand
SUBSET_EXACT = 30_000  # a question limited to at most this many clauses is scored exactly
_SUBSET_CACHE = 8  # clause subsets (collection sets) whose vectors are kept at hand


Rows = tuple[np.ndarray, np.ndarray]  # clause positions and their stored vectors

def cosines(matrix: np.ndarray, query: np.ndarray) -> np.ndarray:
    """``matrix @ query`` on one BLAS thread. With two, OpenBLAS's thread wake-ups cost more
    than the product whenever the other core is busy (the encoder, another question, a
    build): 1,700 clauses took 0.4 ms on one thread against 0.8-2.8 ms on two, 30,000 clauses
    6-7 ms against 15-17 ms (docs/performance.md)."""
    with one_blas_thread():
        return np.asarray(matrix @ query)


class _Recent:
    """The vectors of a few clause sets read from an approximate index, the oldest dropped
    first; shared by the worker threads searches run in."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._rows: dict[Hashable, Rows] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, read: Callable[[], Rows]) -> Rows:
        """The rows kept for ``key``, read (and kept) the first time."""
        with self._lock:
            rows = self._rows.get(key)
            if rows is None:
                rows = read()
                if len(self._rows) >= self._size:
                    self._rows.pop(next(iter(self._rows)))
                self._rows[key] = rows
            return rows


class DenseVectors:
    """A generation's vectors, aligned with its clause order by id."""

    def __init__(self, index: Any, ids: np.ndarray, contract_of: np.ndarray) -> None:
        self._ids = np.asarray(ids, dtype=np.int64)  # clause ids in clause order
        self._contract_of = contract_of
        self._sorted_pos = np.argsort(self._ids)
        self._sorted_ids = self._ids[self._sorted_pos]
        self._index: Any = None
        self._matrix: np.ndarray | None = None
        self._matrix_pos: np.ndarray | None = None  # matrix row -> clause position
        if is_exact(index) and index.ntotal > 0:
            matrix, matrix_ids = flat_vectors(index)
            self._matrix = matrix
            self._matrix_pos = self._positions(matrix_ids)
        else:
            self._index = index
        self._scoped = _Recent(_SCOPED_CACHE)  # contract -> its rows
        self._subsets = _Recent(_SUBSET_CACHE)  # subset key -> its rows

    def hubness(self) -> np.ndarray:
        """Each clause's hubness (``store.hubs.hubness``), in clause order, for a generation
        that does not store it (built before stop 42); zeros over an approximate index, whose
        vectors are not all in memory (above ANN_THRESHOLD)."""
        out = np.zeros(len(self._ids), dtype=np.float32)
        if self._matrix is not None and self._matrix_pos is not None:
            with one_blas_thread():  # as a question's (cosines)
                out[self._matrix_pos] = hubness(self._matrix)
        return out

    @property
    def exact(self) -> bool:
        """Whether questions are compared with every vector (no approximate index)."""
        return self._index is None

    def _positions(self, ids: np.ndarray) -> np.ndarray:
        return np.asarray(self._sorted_pos[np.searchsorted(self._sorted_ids, ids)])

    def scores(self, query: np.ndarray, scope: frozenset[str] = frozenset(), *,
               subset: tuple[Hashable, np.ndarray] | None = None) -> np.ndarray:
        """Cosine of ``query`` (a unit vector) with every clause; for an approximate index the
        clauses it did not return get the lowest candidate's score. A question limited to some
        contracts (``scope``) is scored exactly over theirs; ``subset`` (a key and the positions
        a question may reach, e.g. a chat's collections) is scored exactly over an approximate
        index when it is small enough, so its clauses are not crowded out of the candidates by
        clauses the question may not reach."""
        n = len(self._ids)
        out = np.full(n, -1.0, dtype=np.float32)
        if self._matrix is not None and self._matrix_pos is not None:
            out[self._matrix_pos] = cosines(self._matrix, query)
            return out
        if n == 0:
            return out
        if scope:  # some contracts: exact over their clauses, whatever the index
            for contract in sorted(scope):
                pos, matrix = self._contract_vectors(contract)
                out[pos] = cosines(matrix, query)
            return out
        if subset is not None and len(subset[1]) <= SUBSET_EXACT:
            pos, matrix = self._subset_vectors(*subset)
            if len(pos):
                out[pos] = cosines(matrix, query)
            return out
        sims, ids = self.nearest(query[None, :])
        found = ids[0] >= 0
        out[:] = float(sims[0][found].min()) if found.any() else -1.0  # unseen: below the rest
        out[self._positions(ids[0][found])] = sims[0][found]
        return out

    def _rows(self, pos: np.ndarray) -> Rows:
        """Positions and stored vectors of some clauses (approximate index only)."""
        return pos, reconstruct(self._index, [int(i) for i in self._ids[pos]])

    def _contract_vectors(self, contract: str) -> Rows:
        """Positions and stored vectors of one contract's clauses."""
        return self._scoped.get(
            contract, lambda: self._rows(np.flatnonzero(self._contract_of == contract)))

    def _subset_vectors(self, key: Hashable, pos: np.ndarray) -> Rows:
        """Positions and stored vectors of a clause subset."""
        return self._subsets.get(key, lambda: self._rows(pos))

    def nearest(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(similarities, ids) of the approximate index's DENSE_CANDIDATES nearest clauses.

        One OpenMP thread: for a single question FAISS's parallel region only adds thread
        wake-ups that fight numpy's BLAS threads (6 ms of a 8 ms question at 1,000 clauses,
        docs/performance.md). The setting is per calling thread and restored after."""
        import faiss

        before = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        try:
            return self._index.search(query, min(len(self._ids), DENSE_CANDIDATES))
        finally:
            faiss.omp_set_num_threads(before)
