"""The dense product runs on one BLAS thread and leaves the process's setting as it was."""

from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_info

from index.search.dense import DenseVectors, cosines


def _blas_threads() -> list[int]:
    # numpy's own BLAS, the one its `@` runs on: a worker that ran other tests first has more
    # BLAS libraries loaded (torch's, ...), after dense.py's controller was made
    return [lib["num_threads"] for lib in threadpool_info()
            if lib["user_api"] == "blas" and "numpy" in lib["filepath"]]


def test_cosines_are_the_product_on_one_thread_and_the_setting_is_restored() -> None:
    rng = np.random.default_rng(7)
    matrix = rng.standard_normal((300, 16)).astype(np.float32)
    query = rng.standard_normal(16).astype(np.float32)
    before = _blas_threads()
    assert before, "numpy's BLAS not found: the check below would hold for nothing"
    seen: list[list[int]] = []

    class Watched(np.ndarray):
        """A matrix that notes the BLAS threads in force when it is multiplied."""

        def __matmul__(self, other: object) -> np.ndarray:
            seen.append(_blas_threads())
            return np.asarray(self).__matmul__(other)

    got = cosines(matrix.view(Watched), query)
    assert np.allclose(got, matrix @ query, atol=1e-5)
    assert seen and all(n == 1 for n in seen[0])
    assert _blas_threads() == before


def test_an_exact_index_scores_every_clause_with_its_cosine() -> None:
    import faiss

    vectors = np.eye(3, dtype=np.float32)
    index = faiss.IndexIDMap2(faiss.IndexFlatIP(3))
    index.add_with_ids(vectors, np.array([30, 10, 20], dtype=np.int64))
    dense = DenseVectors(index, np.array([10, 20, 30]), np.array(["a", "a", "b"]))
    scores = dense.scores(np.array([0.0, 1.0, 0.0], dtype=np.float32))
    assert scores.tolist() == [1.0, 0.0, 0.0]  # clause order: ids 10, 20, 30
