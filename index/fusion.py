"""Combining ranked lists: reciprocal rank fusion and weighted score fusion.

Both take per-list scores keyed by document id and return (id, fused score) best first; ties
are broken by id order of first appearance so results are deterministic.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

RRF_K = 60


def rrf(rankings: Sequence[Sequence[K]], k: int = RRF_K,
        weights: Sequence[float] | None = None) -> list[tuple[K, float]]:
    """Reciprocal rank fusion: score(d) = sum_i w_i / (k + rank_i(d)), ranks from 1."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[K, float] = {}
    for ranking, w in zip(rankings, weights, strict=True):
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = scores.get(doc, 0.0) + w / (k + rank)
    return _sorted(scores)


def min_max(scores: Mapping[K, float]) -> dict[K, float]:
    """Scale scores to [0, 1] (all equal -> all 0, an empty map stays empty)."""
    if not scores:
        return {}
    lo, hi = min(scores.values()), max(scores.values())
    if hi <= lo:
        return {d: 0.0 for d in scores}
    return {d: (s - lo) / (hi - lo) for d, s in scores.items()}


def weighted(score_maps: Sequence[Mapping[K, float]], weights: Sequence[float],
             normalize: bool = True) -> list[tuple[K, float]]:
    """Weighted score fusion: sum_i w_i * norm_i(d), each list min-max scaled; missing = 0."""
    scores: dict[K, float] = {}
    for smap, w in zip(score_maps, weights, strict=True):
        scaled = min_max(smap) if normalize else dict(smap)
        for doc, s in scaled.items():
            scores[doc] = scores.get(doc, 0.0) + w * s
        for doc in smap:
            scores.setdefault(doc, 0.0)
    return _sorted(scores)


def _sorted(scores: dict[K, float]) -> list[tuple[K, float]]:
    order = {d: i for i, d in enumerate(scores)}
    return sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))
