"""Exact FAISS index below the threshold, HNSW above: ids, reconstruct, recall and search."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from index_corpus import LEASE, MAINT, fast_encoder, parse_json, write_corpus

from index import store
from index.build import build_index
from index.search import Searcher
from index.store.vectors import is_exact, make_index, recall_at, recall_by_score


def _unit(rng: np.random.Generator, n: int, dim: int = 32) -> np.ndarray:
    v = rng.normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_threshold_picks_flat_then_hnsw() -> None:
    assert is_exact(make_index(8, 100, threshold=100))
    assert not is_exact(make_index(8, 101, threshold=100))


def test_hnsw_round_trip_keeps_ids_and_vectors(tmp_path) -> None:
    rng = np.random.default_rng(7)
    vectors = _unit(rng, 500)
    ids = np.arange(10_000, 10_500, dtype=np.int64) * 7919
    store.write_vectors(tmp_path, ids, vectors, 32, ann_threshold=100)
    index = store.read_vectors(tmp_path)
    assert not is_exact(index) and index.ntotal == 500
    np.testing.assert_array_equal(store.reconstruct(index, [int(ids[3]), int(ids[499])]),
                                  vectors[[3, 499]])
    queries = _unit(rng, 50)
    exact = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]
    _, found = index.search(queries, 10)
    positions = np.searchsorted(ids, found)
    assert (positions[:, 0] == exact[:, 0]).all()  # the nearest is always found
    assert recall_at(exact, positions, 10) >= 0.95


def test_recall_at_counts_shared_ids() -> None:
    assert recall_at(np.array([[1, 2], [3, 4]]), np.array([[2, 9], [3, 4]]), 2) == 0.75


def test_recall_by_score_accepts_an_equal_twin() -> None:
    exact = np.array([[0.9, 0.8, 0.8, 0.1]])  # clauses 1 and 2 are identical
    assert recall_by_score(exact, np.array([[0.9, 0.8]]), 2) == 1.0  # either twin is right
    assert recall_by_score(exact, np.array([[0.9, 0.1]]), 2) == 0.5


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[Searcher, Searcher]:
    root = tmp_path_factory.mktemp("ann")
    write_corpus(root / "src", MAINT, LEASE)
    enc = fast_encoder()
    build_index([root / "src"], root / "exact", enc, parse=parse_json, progress=False)
    build_index([root / "src"], root / "hnsw", enc, parse=parse_json, progress=False,
                ann_threshold=0)
    exact, hnsw = Searcher(root / "exact", enc), Searcher(root / "hnsw", enc)
    assert exact._gen.dense.exact and not hnsw._gen.dense.exact
    return exact, hnsw


@pytest.mark.parametrize("question", ["押金是多少", "维护响应时间", "租金什么时候付", "违约责任"])
def test_search_over_hnsw_ranks_like_exact(both: tuple[Searcher, Searcher],
                                           question: str) -> None:
    exact, hnsw = both
    a, b = exact.search(question, top_k=3), hnsw.search(question, top_k=3)
    assert [h.clause.clause for h in a.hits] == [h.clause.clause for h in b.hits]
    assert a.relevant == b.relevant


def test_scoped_search_over_hnsw_is_exact_within_the_contract(
    both: tuple[Searcher, Searcher]
) -> None:
    exact, hnsw = both
    key = str(LEASE["key"])
    a, b = exact.search("押金", contract=key, top_k=3), hnsw.search("押金", contract=key, top_k=3)
    assert [(h.clause.clause, round(h.score, 6)) for h in a.hits] == [
        (h.clause.clause, round(h.score, 6)) for h in b.hits]


@pytest.mark.parametrize("question", ["押金是多少", "维护响应时间"])
def test_signals_narrowed_to_a_contract_equal_asking_it(both: tuple[Searcher, Searcher],
                                                        question: str) -> None:
    for searcher in both:  # exact and HNSW
        first = searcher.signals(question, contract=str(MAINT["key"]))
        for key in (str(MAINT["key"]), str(LEASE["key"])):
            direct = searcher.rank(searcher.signals(question, contract=key), 3)
            narrowed = searcher.rank(searcher.scoped(first, key), 3)
            assert [(h.clause.clause, round(h.score, 6)) for h in narrowed.hits] == [
                (h.clause.clause, round(h.score, 6)) for h in direct.hits]
            assert (narrowed.relevant, narrowed.evidence) == (direct.relevant, direct.evidence)
            assert narrowed.scopes == (key,)


def test_a_comparison_encodes_its_question_once(both: tuple[Searcher, Searcher],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from index import compare_contracts

    _, hnsw = both
    calls: list[int] = []
    real = hnsw.encoder.encode_queries

    def counting(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        return real(texts)

    monkeypatch.setattr(hnsw.encoder, "encode_queries", counting)
    rows = compare_contracts(hnsw, "押金是多少").rows
    assert calls == [1] and len(rows) == 2
    found = {r.contract: r.hit.clause.contract if r.hit else None for r in rows}
    assert found == {LEASE["key"]: LEASE["key"], MAINT["key"]: None}  # no deposit in MAINT


def test_hnsw_question_runs_faiss_on_one_thread_and_restores_the_setting(
    both: tuple[Searcher, Searcher], monkeypatch: pytest.MonkeyPatch
) -> None:
    import faiss

    _, hnsw = both
    inner = hnsw._gen.dense._index
    seen: list[int] = []

    class Spy:
        """The real index, noting how many OpenMP threads a search may use."""

        def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
            seen.append(faiss.omp_get_max_threads())
            return inner.search(query, k)

    faiss.omp_set_num_threads(2)
    monkeypatch.setattr(hnsw._gen.dense, "_index", Spy())
    hits = hnsw.search("押金是多少", top_k=1).hits
    assert seen == [1] and faiss.omp_get_max_threads() == 2
    assert hits and hits[0].clause.contract == LEASE["key"]


def test_hnsw_question_limited_to_collections_scores_them_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over an approximate index, a chat's collections are scored exactly: with two
    candidates only, the other collection's clauses would otherwise take them all."""
    from index.search import dense

    write_corpus(tmp_path / "src" / "a", MAINT)
    write_corpus(tmp_path / "src" / "b", LEASE)
    enc = fast_encoder()
    build_index([tmp_path / "src"], tmp_path / "hnsw", enc, parse=parse_json, progress=False,
                ann_threshold=0)
    build_index([tmp_path / "src"], tmp_path / "exact", enc, parse=parse_json, progress=False)
    monkeypatch.setattr(dense, "DENSE_CANDIDATES", 2)
    hnsw, exact = Searcher(tmp_path / "hnsw", enc), Searcher(tmp_path / "exact", enc)
    assert not hnsw._gen.dense.exact and exact._gen.dense.exact
    only_b = frozenset({"b"})
    question = "乙方应该多久响应故障"  # the maintenance contract's subject, asked of the lease
    got = hnsw.search(question, top_k=5, collections=only_b)
    want = exact.search(question, top_k=5, collections=only_b)
    assert [h.clause.clause for h in got.hits] == [h.clause.clause for h in want.hits]
    assert [round(h.score, 5) for h in got.hits] == [round(h.score, 5) for h in want.hits]
