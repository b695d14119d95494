"""Ranking maths as pure array functions: scaling, fusion, structure adjustments, top-k, relevance.

Every function takes score arrays aligned with the clause order and a boolean ``mask`` of the
clauses in scope, and returns new arrays; none of them needs an index, so each is tested on a
handful of numbers.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

import numpy as np

from .config import RRF_K, SearchConfig
from .features import ClauseFeatures

K = TypeVar("K", bound=Hashable)


def scaled(scores: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Min-max scale the masked scores to [0, 1] (the others, and all-equal scores, give 0)."""
    out = np.zeros(len(scores), dtype=np.float64)
    if not mask.any():
        return out
    vals = scores[mask].astype(np.float64)
    lo, hi = float(vals.min()), float(vals.max())
    if hi > lo:
        out[mask] = (vals - lo) / (hi - lo)
    return out


def rrf(rankings: Sequence[Sequence[K]], k: int = RRF_K,
        weights: Sequence[float] | None = None) -> list[tuple[K, float]]:
    """Reciprocal rank fusion: score(d) = sum_i w_i / (k + rank_i(d)), ranks from 1; best
    first, ties in order of first appearance."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[K, float] = {}
    for ranking, w in zip(rankings, weights, strict=True):
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = scores.get(doc, 0.0) + w / (k + rank)
    order = {d: i for i, d in enumerate(scores)}
    return sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))


def fuse(lexical: np.ndarray, titles: np.ndarray, dense: np.ndarray, mask: np.ndarray,
         cfg: SearchConfig, *, chars: np.ndarray | None = None) -> np.ndarray:
    """One score per clause from BM25 over texts, BM25 over titles and the dense cosine; BM25
    over single characters (``chars``) joins the texts' at ``cfg.char_weight``, scaled on its
    own so that it never takes the whole BM25 share (docs/retrieval.md)."""
    lex = (1 - cfg.title_weight) * scaled(lexical, mask) + cfg.title_weight * scaled(titles, mask)
    if chars is not None and cfg.char_weight:
        lex = (lex + cfg.char_weight * scaled(chars, mask)) / (1 + cfg.char_weight)
    if cfg.mode == "bm25":
        return lex + 1e-3 * scaled(dense, mask)
    if cfg.mode == "dense":
        return dense.astype(np.float64)
    if cfg.fusion == "rrf":
        idx = np.flatnonzero(mask)
        rank_l = [int(i) for i in idx[np.argsort(-lex[idx], kind="stable")] if lex[i] > 0]
        rank_d = [int(i) for i in idx[np.argsort(-dense[idx], kind="stable")]]
        out = np.zeros(len(lexical))
        for i, s in rrf([rank_l, rank_d], k=cfg.rrf_k):
            out[i] = s
        return out
    return cfg.bm25_weight * lex + (1 - cfg.bm25_weight) * scaled(dense, mask)


def adjust_for_structure(fused: np.ndarray, mask: np.ndarray, features: ClauseFeatures,
                         cfg: SearchConfig, *, role: str | None = None,
                         intents: frozenset[str] = frozenset()) -> np.ndarray:
    """Scores moved by clause structure: a heading takes a share of its best child's score;
    the asked party acting is a bonus and another party's duty a penalty; a list question
    (``intents``) prefers list introductions; definitions rank lower unless a meaning is asked.
    Bonuses are shares of the score span in scope."""
    fused = fused.astype(np.float64)
    out = fused.copy()
    if cfg.child_weight:
        child = np.flatnonzero(mask & (features.parent >= 0))
        parent = features.parent[child]
        lifted = cfg.child_weight * fused[child] + (1 - cfg.child_weight) * fused[parent]
        np.maximum.at(out, parent, lifted)
    span = float(out[mask].max() - out[mask].min()) if mask.any() else 0.0
    if role:
        out[features.actor == role] += cfg.role_bonus * span
        duty_elsewhere = ((features.obligor != None) & (features.obligor != role)  # noqa: E711
                          & (features.actor != role) & (features.condition != role))
        out[duty_elsewhere] -= cfg.role_penalty * span
    if "list" in intents:
        out[features.listing] += cfg.list_bonus * span
    if "definition" not in intents:
        out[features.definition] -= cfg.definition_penalty * span
    return out


def lift_cited(fused: np.ndarray, mask: np.ndarray, cited: np.ndarray, *,
               in_order: bool = False) -> np.ndarray:
    """Scores with the clauses a question cites by number (第十一条是什么) above every other
    clause in scope, in their own order: the user named the answer; ``in_order``, in index
    order (the document's), for a question that asks for chapters and nothing else."""
    out = fused.astype(np.float64)
    lifted = cited & mask
    if lifted.any() and in_order:
        at = np.flatnonzero(lifted)
        out[at] = float(out[mask].max()) + 1.0 + np.arange(len(at), 0, -1) / len(at)
    elif lifted.any():
        out[lifted] += float(out[mask].max() - out[mask].min()) + 1.0
    return out


def top_positions(scores: np.ndarray, mask: np.ndarray, m: int) -> list[int]:
    """Positions of the ``m`` best masked scores, best first, ties in index order (as a full
    stable sort would give) without sorting the whole index."""
    idx = np.flatnonzero(mask)
    vals = -scores[idx]
    if len(idx) > m > 0:
        kth = np.partition(vals, m - 1)[m - 1]
        keep = np.flatnonzero(vals <= kth)
        idx, vals = idx[keep], vals[keep]
    return [int(i) for i in idx[np.argsort(vals, kind="stable")][:m]]


def without_bare_headings(ranked: Sequence[int], features: ClauseFeatures,
                          cited: np.ndarray | None = None) -> list[int]:
    """Drop a heading with no text of its own when one of its sub-clauses ranks near the top
    too: the sub-clause carries the answer, the bare heading would repeat it. A clause the
    question ``cited`` stays, and its sub-clauses go instead: it is quoted with them."""
    present = set(ranked)
    if cited is not None:
        ranked = [i for i in ranked if not _under_cited(i, features.parent, cited)]
    covered = {int(features.parent[i]) for i in ranked if features.parent[i] in present}
    keep = cited if cited is not None else np.zeros(len(features.parent), dtype=bool)
    return [i for i in ranked if not (i in covered and features.heading[i] and not keep[i])]


def _under_cited(i: int, parent: np.ndarray, cited: np.ndarray) -> bool:
    """Whether a clause above ``i`` (its parent, or theirs …) is cited."""
    j = int(parent[i])
    while j >= 0:
        if cited[j]:
            return True
        j = int(parent[j])
    return False


def merge_same_text(ranked: Sequence[int], same_text: np.ndarray,
                    contract_of: np.ndarray) -> list[tuple[int, list[int]]]:
    """Ranked positions with the same text from other contracts folded into the first:
    (position, [positions of its copies]), in rank order."""
    out: list[tuple[int, list[int]]] = []
    first: dict[int, int] = {}  # text number -> index in ``out``
    for i in ranked:
        k = int(same_text[i])
        if k in first and contract_of[out[first[k]][0]] != contract_of[i]:
            out[first[k]][1].append(i)
            continue
        first.setdefault(k, len(out))
        out.append((i, []))
    return out


def spread_over_contracts(merged: Sequence[tuple[int, list[int]]], contract_of: np.ndarray,
                          per_contract: int) -> list[tuple[int, list[int]]]:
    """At most ``per_contract`` hits of any one contract, in rank order; the hits over that
    follow the others (a question over a library answers from many contracts)."""
    if per_contract <= 0:
        return list(merged)
    counts: dict[object, int] = {}
    first: list[tuple[int, list[int]]] = []
    later: list[tuple[int, list[int]]] = []
    for item in merged:
        key = contract_of[item[0]]
        counts[key] = counts.get(key, 0) + 1
        (first if counts[key] <= per_contract else later).append(item)
    return first + later


def pick_hits(fused: np.ndarray, mask: np.ndarray, features: ClauseFeatures,
              same_text: np.ndarray, contract_of: np.ndarray, top_k: int, *,
              per_contract: int = 0, extra: int = 5,
              cited: np.ndarray | None = None) -> list[tuple[int, list[int]]]:
    """The ``top_k`` hits to show, as (position, [positions of its copies in other files]):
    best first, bare headings dropped for their sub-clauses (judged among the best
    ``top_k + extra``, the rest filling in for merged copies) unless ``cited`` (then their
    sub-clauses go), the same text in several files folded into one hit, and with
    ``per_contract`` > 0 at most that many of one contract before the others' best; the
    ``cited`` clauses lead all the same (spread among themselves)."""
    want = max(top_k, 0)
    ranked = top_positions(fused, mask, 2 * want + extra)
    head = want + extra
    kept = without_bare_headings(ranked[:head], features, cited) + without_bare_headings(
        ranked[head:], features, cited)
    merged = merge_same_text(kept, same_text, contract_of)
    named = [m for m in merged if cited is not None and cited[m[0]]]
    rest = [m for m in merged if cited is None or not cited[m[0]]]
    return (spread_over_contracts(named, contract_of, per_contract)
            + spread_over_contracts(rest, contract_of, per_contract))[:want]


def coverage(words: Sequence[str], text: str, synonyms: Mapping[str, Iterable[str]], *,
             titles: str = "") -> float:
    """Share of ``words`` found in ``text``, directly or through one of their synonyms; a word
    is also found when it is two words of two characters or more that ``titles`` (the clause's
    headings) both hold: 合同期限 in a clause headed 合同性质与期限."""
    if not words:
        return 0.0

    def held(word: str, where: str) -> bool:
        return word in where or any(t in where for t in synonyms.get(word, ()))

    def joined(word: str) -> bool:
        return any((held(word[:i], titles) or joined(word[:i]))
                   and (held(word[i:], titles) or joined(word[i:]))
                   for i in range(2, len(word) - 1))

    found = sum(1 for w in words if held(w, text) or (titles and joined(w)))
    return found / len(words)
