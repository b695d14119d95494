"""The knobs of ranking and relevance; defaults are the measured best (docs/retrieval.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Mode = Literal["hybrid", "bm25", "dense"]
Fusion = Literal["weighted", "rrf"]
RRF_K = 60


@dataclass(frozen=True)
class SearchConfig:
    """Weights of fusion and structure adjustments, and the relevance thresholds."""

    mode: Mode = "hybrid"
    fusion: Fusion = "weighted"
    bm25_weight: float = 0.7  # weighted fusion: share of BM25 (dense gets the rest)
    title_weight: float = 0.2  # share of BM25 over chapter and heading titles only
    expansion_weight: float = 0.4  # BM25 weight of thesaurus expansion terms
    rrf_k: int = RRF_K
    child_weight: float = 0.3  # a heading takes this share of a better child's score
    role_bonus: float = 0.08  # asked party acts in the clause (乙方应/有权/负责…)
    role_penalty: float = 0.25  # another party has the duty (甲方应… for a 乙方 question)
    list_bonus: float = 0.15  # a list question prefers a clause that introduces a list
    definition_penalty: float = 0.3  # definitions rank lower unless a meaning is asked
    # Relevance (calibrated on the dev sets and off-topic questions, docs/retrieval.md): on
    # topic when the best cosine reaches min_dense, or reaches weak_dense while the top hit
    # holds at least min_coverage of the question's content words.
    min_dense: float = 0.27
    weak_dense: float = 0.17
    min_coverage: float = 0.5
