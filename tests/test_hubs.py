"""Hubness (index/store/hubs.py): a clause's mean cosine to its nearest other clauses, copies
left out; ranking takes a share of it from the dense score (e5-small: ``hub_weight`` 0.2,
index/search/hubs.py), so a clause near everything does not win on its cosine alone, while
relevance reads the cosine."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from index_corpus import build_tiny_index

from index.search import SearchConfig, Searcher
from index.search.hubs import less_hubness
from index.search.ranking import fuse
from index.store.hubs import hubness

# Four unit vectors on a quarter circle: a·b 0.8, a·c 0.6, a·d 0, b·c 0.96, b·d 0.6, c·d 0.8.
A, B, C, D = (1.0, 0.0), (0.8, 0.6), (0.6, 0.8), (0.0, 1.0)


def unit(*rows: tuple[float, float]) -> np.ndarray:
    return np.array(rows, dtype=np.float32)


def test_hubness_is_the_mean_cosine_to_the_nearest_others() -> None:
    assert hubness(unit(A, B, C, D), k=1) == pytest.approx([0.8, 0.96, 0.96, 0.8])
    assert hubness(unit(A, B, C, D), k=2) == pytest.approx([0.7, 0.88, 0.88, 0.7])
    # more neighbours asked than there are: all the others
    assert hubness(unit(A, B, C, D), k=9) == pytest.approx([1.4 / 3, 2.36 / 3, 2.36 / 3, 1.4 / 3])


def test_a_copy_is_not_a_neighbour() -> None:
    """The same text in two files (cosine 1) is not what makes a clause general: a and its
    copy keep a's nearest other clause, b (0.8), and neither raises b's."""
    assert hubness(unit(A, A, B, D), k=1) == pytest.approx([0.8, 0.8, 0.8, 0.6])


def test_a_large_index_is_compared_with_evenly_spaced_clauses_only() -> None:
    """With ``cap`` 2 the reference is the first and last rows (a and d): b's nearest of them
    is a (0.8), c's is d (0.8), a's own is d (0, itself a copy)."""
    assert hubness(unit(A, B, C, D), k=1, cap=2) == pytest.approx([0.0, 0.8, 0.8, 0.0])


def test_one_clause_or_none_has_no_hubness() -> None:
    assert hubness(unit(A), k=5).tolist() == [0.0]
    assert hubness(np.zeros((0, 2), dtype=np.float32)).shape == (0,)


def test_a_clause_near_everything_yields_to_a_distinctive_one_of_nearly_its_cosine() -> None:
    """Cosines 0.80 (hubness 0.95) and 0.79 (hubness 0.60): by cosine the general clause is
    first; less 0.2 of hubness the distinctive one is (0.61 against 0.67)."""
    dense = np.array([0.80, 0.79, 0.40], dtype=np.float32)
    hubs = np.array([0.95, 0.60, 0.70], dtype=np.float32)
    mask = np.ones(3, dtype=bool)
    zero = np.zeros(3)
    cfg = SearchConfig(bm25_weight=0.0)
    assert int(np.argmax(fuse(zero, zero, dense, mask, cfg))) == 0
    assert int(np.argmax(fuse(zero, zero, less_hubness(dense, hubs, 0.2), mask, cfg))) == 1
    assert less_hubness(dense, hubs, 0.0) is dense


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    return Searcher.open(build_tiny_index(tmp_path_factory.mktemp("hubs")), "use-multilingual")


def test_a_generation_knows_each_clauses_hubness_and_relevance_reads_the_cosine(
        searcher: Searcher) -> None:
    """Loading computes one hubness per clause (15 clauses of the tiny corpus); the evidence a
    relevance decision reads is the raw best cosine, whatever the hub weight."""
    gen = searcher._gen
    assert gen.hubs.shape == (len(gen.clauses),) == (15,)
    assert float(gen.hubs.min()) > 0.0 and float(gen.hubs.max()) < 1.0
    sig = searcher.signals("乙方响应时间是多少")
    plain = searcher.rank(sig, 3, config=dataclasses.replace(searcher.config, hub_weight=0.0))
    hubbed = searcher.rank(sig, 3, config=dataclasses.replace(searcher.config, hub_weight=0.2))
    assert plain.evidence[0] == hubbed.evidence[0] == pytest.approx(float(sig.dense.max()))


def test_e5_small_takes_a_fifth_of_the_hubness_and_use_multilingual_none() -> None:
    """Judged on new blind questions for e5-small only (docs/retrieval.md, stop 41)."""
    assert SearchConfig.for_encoder("e5-small").hub_weight == 0.2
    assert SearchConfig.for_encoder("use-multilingual").hub_weight == 0.0


def test_the_hubness_is_computed_on_one_blas_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """On numpy's default threads, OpenBLAS's threads woken at load slowed every later
    question of the process (docs/performance.md, stop 41): the product runs on one."""
    from threadpoolctl import threadpool_info

    import index.search.dense as dense_module

    seen: list[int] = []

    def counting(matrix: np.ndarray) -> np.ndarray:
        seen.extend(p["num_threads"] for p in threadpool_info()  # numpy's own BLAS: its `@`
                    if p["user_api"] == "blas" and "numpy" in p["filepath"])
        return hubness(matrix)

    monkeypatch.setattr(dense_module, "hubness", counting)
    matrix = unit(A, B, C, D)
    vectors = dense_module.DenseVectors(_flat(matrix), np.arange(4), np.array(["k"] * 4))
    assert vectors.hubness() == pytest.approx(hubness(matrix))
    assert seen and set(seen) == {1}


def _flat(matrix: np.ndarray) -> object:
    """An exact FAISS index of ``matrix``'s rows, ids 0…n-1, as a generation stores them."""
    import faiss

    index = faiss.IndexIDMap2(faiss.IndexFlatIP(matrix.shape[1]))
    index.add_with_ids(matrix, np.arange(len(matrix), dtype=np.int64))
    return index
