"""Fusion of ranked lists: exact orders and scores on hand-made lists."""

from __future__ import annotations

import pytest

from index.fusion import min_max, rrf, weighted


def test_rrf_exact_scores_and_order() -> None:
    fused = rrf([["a", "b", "c"], ["c", "a", "d"]], k=1)
    # a: 1/2 + 1/3, c: 1/4 + 1/2, b: 1/3, d: 1/4
    assert [d for d, _ in fused] == ["a", "c", "b", "d"]
    assert fused[0][1] == pytest.approx(1 / 2 + 1 / 3)
    assert fused[1][1] == pytest.approx(1 / 4 + 1 / 2)


def test_rrf_k_changes_the_balance() -> None:
    lists = [["x", "y", "z"], ["z", "w", "x"]]
    assert [d for d, _ in rrf(lists, k=1)][:2] == ["x", "z"]
    # with a large k ranks matter less; x and z tie and the first seen (x) wins
    assert [d for d, _ in rrf(lists, k=1000)][:2] == ["x", "z"]


def test_rrf_weights() -> None:
    fused = rrf([["a", "b"], ["b", "a"]], k=0, weights=[1.0, 3.0])
    assert [d for d, _ in fused] == ["b", "a"]


def test_min_max() -> None:
    assert min_max({"a": 2.0, "b": 4.0, "c": 3.0}) == {"a": 0.0, "b": 1.0, "c": 0.5}
    assert min_max({"a": 1.0, "b": 1.0}) == {"a": 0.0, "b": 0.0}
    assert min_max({}) == {}


def test_weighted_fusion_exact() -> None:
    bm25 = {"a": 10.0, "b": 5.0, "c": 0.0}
    dense = {"a": 0.2, "b": 0.8, "c": 0.5}
    fused = dict(weighted([bm25, dense], [0.5, 0.5]))
    assert fused["a"] == pytest.approx(0.5)
    assert fused["b"] == pytest.approx(0.75)
    assert fused["c"] == pytest.approx(0.25)
    assert [d for d, _ in weighted([bm25, dense], [0.5, 0.5])] == ["b", "a", "c"]
    assert [d for d, _ in weighted([bm25, dense], [0.9, 0.1])] == ["a", "b", "c"]


def test_weighted_missing_docs_score_zero_in_that_list() -> None:
    fused = weighted([{"a": 1.0, "b": 0.0}, {"c": 1.0, "a": 0.0}], [0.6, 0.4])
    assert fused == [("a", pytest.approx(0.6)), ("c", pytest.approx(0.4)), ("b", 0.0)]
