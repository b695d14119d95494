"""The knobs of ranking and relevance; defaults are the measured best (docs/retrieval.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from importlib import resources
from typing import Literal

from ..store.encoders import canonical_encoder

Mode = Literal["hybrid", "bm25", "dense"]
Fusion = Literal["weighted", "rrf"]
RRF_K = 60


@dataclass(frozen=True)
class SearchConfig:
    """Weights of fusion and structure adjustments, and the relevance thresholds. The defaults
    are the hand-set weights of the first releases; ``for_encoder`` gives the learned ones."""

    mode: Mode = "hybrid"
    fusion: Fusion = "weighted"
    bm25_weight: float = 0.7  # weighted fusion: share of BM25 (dense gets the rest)
    title_weight: float = 0.2  # share of BM25 over chapter and heading titles only
    expansion_weight: float = 0.4  # BM25 weight of thesaurus expansion terms
    char_weight: float = 0.0  # share of BM25 over single characters, beside the words'
    rrf_k: int = RRF_K
    child_weight: float = 0.3  # a heading takes this share of a better child's score
    role_bonus: float = 0.08  # asked party acts in the clause (乙方应/有权/负责…)
    role_penalty: float = 0.25  # another party has the duty (甲方应… for a 乙方 question)
    list_bonus: float = 0.15  # a list question prefers a clause that introduces a list
    definition_penalty: float = 0.3  # definitions rank lower unless a meaning is asked
    per_contract: int = 2  # hits of one contract before others' when several are in scope
    # Typing errors of the same sound (压金 for 押金) are searched as their repaired word when
    # one of this many clauses of highest cosine holds it (index/search/homophones.py); 0: off.
    homophone_top: int = 3
    # ... and, when on, the question is embedded again as it was meant, each clause keeping
    # its better cosine of the two: better answers to typo questions for a second encoding,
    # which breaks the 40 ms bound of a question (docs/retrieval.md and performance.md, stop 40)
    homophone_dense: bool = False
    # The dense score fusion reads is the cosine less this share of the clause's hubness
    # (hubs.py: its mean cosine to its nearest clauses), so a clause near everything does not
    # win on that alone; relevance reads the cosine itself (docs/retrieval.md, stop 41).
    hub_weight: float = 0.0
    # Relevance: on topic when the best cosine reaches min_dense, or reaches weak_dense while
    # the top hit holds at least min_coverage of the question's content words. Cosines mean
    # different things for each encoder, so the thresholds are calibrated per encoder by
    # scripts/tune.py (index/data/ranking.json); untuned, every question is on topic.
    min_dense: float = -1.0
    weak_dense: float = -1.0
    min_coverage: float = 0.5

    @classmethod
    def for_encoder(cls, encoder: str) -> SearchConfig:
        """The weights and thresholds learned for ``encoder`` by scripts/tune.py (shipped in
        index/data/ranking.json), also under a short name (``e5``); the defaults for an
        encoder nobody tuned."""
        learned = json.loads(
            (resources.files("index") / "data" / "ranking.json").read_text("utf-8"))
        known = {f.name for f in fields(cls)}
        knobs = learned.get(canonical_encoder(encoder), {})
        return cls(**{k: v for k, v in knobs.items() if k in known})

    def is_relevant(self, best_dense: float, coverage: float, *, scoped: bool = False) -> bool:
        """Whether the best hit is about the question at all (off-topic questions are not): a
        close enough dense match, or a weaker one whose hit holds enough of the question's
        words (``coverage``); or, for a question limited to contracts it names (``scoped``:
        《委托合同》报酬), a hit holding every word it asks, however terse (a contract's own
        cosines run lower than the library's best; docs/retrieval.md, stop 33)."""
        if best_dense >= self.min_dense or (scoped and coverage >= 1.0):
            return True
        return best_dense >= self.weak_dense and coverage >= self.min_coverage
