"""Hybrid retrieval over one index generation: BM25 + dense, fused, with clause structure.

``Searcher.open(index_dir, encoder)`` loads everything once; ``search`` answers one question.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np

from . import store
from .ann import flat_vectors, is_exact
from .bm25 import LexicalIndex
from .encoders import Encoder, load_encoder
from .errors import (
    EmptyQuestionError,
    EncoderMismatchError,
    NoWordsError,
    QueryError,
    QuestionTooLongError,
    UnknownContractError,
)
from .fusion import RRF_K, rrf
from .models import Clause, ContractInfo, Hit, SearchResult
from .query import (
    ParsedQuery,
    Thesaurus,
    TitleIndex,
    asks_definition,
    asks_list,
    clause_actor,
    clause_number_forms,
    clause_obligor,
    condition_subject,
    detect_scope,
    is_definition,
    normalize_text,
    parse_query,
    unknown_title,
)
from .tokenize import DEFAULT_MODE

Mode = Literal["hybrid", "bm25", "dense"]
Fusion = Literal["weighted", "rrf"]
MAX_QUESTION = 500
DENSE_CANDIDATES = 256  # clauses an approximate (HNSW) vector index returns per question
_WORD_RE = re.compile(r"[\w\u3400-\u9fff]")  # a letter, digit or Chinese character


@dataclass(frozen=True)
class SearchConfig:
    """Knobs of the ranking; defaults are the measured best (docs/retrieval.md)."""

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


class Searcher:
    """Loaded index generation plus encoder; cheap to query, reload when the pointer moves."""

    def __init__(self, index_dir: Path, encoder: Encoder, config: SearchConfig | None = None,
                 thesaurus: Thesaurus | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.encoder = encoder
        self.config = config or SearchConfig()
        self.thesaurus = thesaurus if thesaurus is not None else Thesaurus.load()
        self._generation = ""
        self._load()

    @classmethod
    def open(cls, index_dir: Path, encoder: str, config: SearchConfig | None = None) -> Searcher:
        """Open the live generation of ``index_dir`` for the encoder called ``encoder``.

        EncoderMismatchError (before loading the model) when the index was built with another.
        """
        gen_dir = store.require_generation(Path(index_dir))
        _check_encoder(Path(index_dir), store.read_manifest(gen_dir).get("encoder"), encoder)
        return cls(Path(index_dir), load_encoder(encoder), config)

    # ------------------------------------------------------------------ loading

    def _load(self) -> None:
        gen_dir = store.require_generation(self.index_dir)
        manifest = store.read_manifest(gen_dir)
        _check_encoder(self.index_dir, manifest.get("encoder"), self.encoder.name)
        rows = store.read_clauses(gen_dir)
        self._manifest = manifest
        self._mode = str(manifest.get("tokenizer") or DEFAULT_MODE)
        self._rows = rows
        self._clauses: list[Clause] = [r.clause for r in rows]
        self._search_text = [r.search_text for r in rows]
        self._pos = {r.id: i for i, r in enumerate(rows)}
        self._contract_of = np.array([c.contract for c in self._clauses], dtype=object)
        self._contracts = {c.key: c for c, _ in store.read_contracts(gen_dir)}
        self._titles = {k: c.title for k, c in self._contracts.items()}
        self._title_index = TitleIndex(self._titles)
        self._lexical = LexicalIndex.load(gen_dir / store.BM25_DIR, len(rows))
        self._titles_lexical = LexicalIndex.load(gen_dir / store.TITLES_BM25_DIR, len(rows))
        self._lexical.scores([])  # compute the weights now, not on the first question
        self._titles_lexical.scores([])
        self._vectors, self._matrix, self._matrix_pos = _dense_store(store.read_vectors(gen_dir))
        self._scoped: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._scoped_lock = threading.Lock()
        self._parent_pos = self._parents()
        self._norm_text = [normalize_text(c.text_simplified or c.text) for c in self._clauses]
        children = np.bincount(self._parent_pos[self._parent_pos >= 0], minlength=len(rows))
        first_child: dict[int, int] = {}
        for i, p in enumerate(self._parent_pos):
            first_child.setdefault(int(p), i)
        # who acts in a clause; a bare heading speaks through its first sub-clause
        role_text = [
            self._norm_text[first_child[i]] if i in first_child and self._is_heading(i) else t
            for i, t in enumerate(self._norm_text)
        ]
        self._actors = np.array([clause_actor(t) for t in role_text], dtype=object)
        self._obligors = np.array([clause_obligor(t) for t in role_text], dtype=object)
        self._conditions = np.array([condition_subject(t) for t in self._norm_text], dtype=object)
        self._lists = np.array([
            bool(children[i] >= 2 or re.search(r"[:：]\s*$", t))
            for i, t in enumerate(self._norm_text)
        ], dtype=bool)
        self._definitions = np.array([is_definition(t) for t in self._norm_text], dtype=bool)
        ids = np.array([r.id for r in rows], dtype=np.int64)
        self._sorted_pos = np.argsort(ids)
        self._sorted_ids = ids[self._sorted_pos]
        if self._matrix_pos is not None:  # matrix rows (faiss order) -> clause positions
            self._matrix_pos = self._sorted_pos[np.searchsorted(self._sorted_ids,
                                                                self._matrix_pos)]
        self._generation = str(manifest.get("generation") or gen_dir.name)
        self._gen_name = gen_dir.name

    def _is_heading(self, i: int) -> bool:
        c = self._clauses[i]
        return c.title is not None and normalize_text(c.title) == self._norm_text[i]

    def _parents(self) -> np.ndarray:
        """Position of each clause's parent (-1 at top level)."""
        index: dict[tuple[str, str], int] = {}
        for i, c in enumerate(self._clauses):
            index.setdefault((c.contract, c.clause), i)
        return np.array(
            [index.get((c.contract, c.parent), -1) if c.parent else -1 for c in self._clauses],
            dtype=np.int64,
        )

    def warm_up(self) -> None:
        """Load what loads lazily (encoder weights, jieba's dictionary) now, so the first
        question is answered as fast as the others."""
        self.encoder.encode(["合同"])
        parse_query("合同的期限", self.thesaurus, self._mode)  # type: ignore[arg-type]

    @property
    def generation(self) -> str:
        """Id of the loaded generation."""
        return self._gen_name

    def refreshed(self) -> Searcher:
        """This searcher, or a new one over the live generation when the index was rebuilt
        since it was opened (the old one keeps answering the questions already running)."""
        current = store.current_generation(self.index_dir)
        if current is None or current == self._gen_name:
            return self
        return Searcher(self.index_dir, self.encoder, self.config, self.thesaurus)

    def reload_if_changed(self) -> bool:
        """Re-open when the index's pointer moved to another generation; True if reloaded."""
        current = store.current_generation(self.index_dir)
        if current is None or current == self._gen_name:
            return False
        self._load()
        return True

    # ------------------------------------------------------------------ listing & lookup

    def contracts(self) -> list[ContractInfo]:
        """Indexed contracts in build order."""
        counts: dict[str, int] = {}
        for c in self._clauses:
            counts[c.contract] = counts.get(c.contract, 0) + 1
        return [
            ContractInfo(key=k, title=c.title, clauses=counts.get(k, 0),
                         parties=dict(c.parties), script=c.script)
            for k, c in self._contracts.items()
        ]

    def all_clauses(self) -> list[Clause]:
        """Every indexed clause, in index order."""
        return list(self._clauses)

    def _check_contract(self, contract: str | None) -> None:
        if contract is not None and contract not in self._contracts:
            raise UnknownContractError(contract)

    def get_clause(self, number: str, contract: str | None = None) -> list[Hit]:
        """Clauses whose number is ``number`` ("7.2", "第7.2条", "第十二條"), in index order."""
        self._check_contract(contract)
        if not number.strip():
            raise QueryError("no clause number given")
        forms = clause_number_forms(number)
        hits = []
        for c in self._clauses:
            if contract is not None and c.contract != contract:
                continue
            if normalize_text(c.clause).replace(" ", "") in forms:
                hits.append(Hit(c, self._titles.get(c.contract, c.contract), 1.0))
        return hits

    # ------------------------------------------------------------------ search

    def search(self, question: str, contract: str | None = None, top_k: int = 5) -> SearchResult:
        """The clauses that best answer ``question``, best first."""
        if not question or not question.strip():
            raise EmptyQuestionError("the question is empty")
        if len(question) > MAX_QUESTION:
            raise QuestionTooLongError(MAX_QUESTION)
        if not _WORD_RE.search(question):
            raise NoWordsError("the question has no words to search for")
        self._check_contract(contract)
        pq = parse_query(question, self.thesaurus, self._mode)  # type: ignore[arg-type]
        scope = contract or detect_scope(pq.text, self._title_index)
        if scope is None and (named := unknown_title(question, self._title_index)):
            raise UnknownContractError(f"《{named}》")
        n = len(self._clauses)
        if n == 0:
            return SearchResult(question=question, hits=(), scope=scope, relevant=False)
        mask = (self._contract_of == scope) if scope else np.ones(n, dtype=bool)
        lexical = self._bm25(pq, self._lexical)
        titles = self._bm25(pq, self._titles_lexical)
        dense = self._dense(pq, scope)
        fused = self._fuse(lexical, titles, dense, mask)
        fused = self._structure(fused, pq, mask)
        ranked = _top(fused, mask, max(top_k, 0) + 5)
        order = self._without_bare_headings(ranked)[: max(top_k, 0)]
        hits = tuple(
            Hit(self._clauses[i], self._titles.get(self._clauses[i].contract, ""),
                float(fused[i]))
            for i in order
        )
        parties = {
            h.clause.contract: dict(self._contracts[h.clause.contract].parties)
            for h in hits if h.clause.contract in self._contracts
        }
        relevant = self._relevant(pq, dense, mask, order)
        return SearchResult(question=question, hits=hits, scope=scope, parties=parties,
                            relevant=relevant)

    def _without_bare_headings(self, ranked: list[int]) -> list[int]:
        """Drop a heading with no text of its own when one of its sub-clauses ranks near the
        top too: the sub-clause carries the answer, the bare heading would repeat it."""
        present = set(ranked)
        covered = {int(self._parent_pos[i]) for i in ranked if self._parent_pos[i] in present}
        return [i for i in ranked if not (i in covered and self._is_heading(i))]

    def _bm25(self, pq: ParsedQuery, index: LexicalIndex) -> np.ndarray:
        scores = index.scores(pq.tokens)
        if pq.expansion and self.config.expansion_weight:
            scores = scores + self.config.expansion_weight * index.scores(pq.expansion)
        return scores

    def _contract_vectors(self, contract: str) -> tuple[np.ndarray, np.ndarray]:
        """Positions and stored vectors of one contract's clauses (approximate index only)."""
        with self._scoped_lock:  # searches run in worker threads
            cached = self._scoped.get(contract)
            if cached is None:
                pos = np.flatnonzero(self._contract_of == contract)
                ids = [self._rows[i].id for i in pos]
                cached = (pos, store.reconstruct(self._vectors, ids))
                if len(self._scoped) >= 16:
                    self._scoped.pop(next(iter(self._scoped)))
                self._scoped[contract] = cached
            return cached

    def _dense(self, pq: ParsedQuery, scope: str | None = None) -> np.ndarray:
        """Cosine similarity of the question to every clause: one matrix product for an exact
        index; for an approximate one, its nearest candidates (the others get the lowest
        candidate's score), or every clause of the contract the question is limited to."""
        n = len(self._clauses)
        query = self.encoder.encode([pq.text])
        out = np.full(n, -1.0, dtype=np.float32)
        if self._matrix is not None and self._matrix_pos is not None:
            out[self._matrix_pos] = self._matrix @ query[0]
            return out
        if scope is not None:  # one contract: exact over its clauses, whatever the index
            pos, matrix = self._contract_vectors(scope)
            out[pos] = matrix @ query[0]
            return out
        sims, ids = self.nearest(query)
        found = ids[0] >= 0
        out[:] = float(sims[0][found].min()) if found.any() else -1.0  # unseen: below the rest
        slot = np.searchsorted(self._sorted_ids, ids[0][found])
        out[self._sorted_pos[slot]] = sims[0][found]
        return out

    def nearest(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(similarities, ids) of the approximate index's DENSE_CANDIDATES nearest clauses.

        One OpenMP thread: for a single question FAISS's parallel region only adds thread
        wake-ups that fight numpy's BLAS threads (6 ms of a 8 ms question at 1,000 clauses,
        docs/performance.md). The setting is per calling thread and restored after."""
        import faiss

        before = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        try:
            return self._vectors.search(query, min(len(self._clauses), DENSE_CANDIDATES))
        finally:
            faiss.omp_set_num_threads(before)

    def _fuse(self, lexical: np.ndarray, titles: np.ndarray, dense: np.ndarray,
              mask: np.ndarray) -> np.ndarray:
        cfg = self.config
        n = len(lexical)
        lex = (1 - cfg.title_weight) * _scaled(lexical, mask) + cfg.title_weight * _scaled(
            titles, mask)
        if cfg.mode == "bm25":
            return lex + 1e-3 * _scaled(dense, mask)
        if cfg.mode == "dense":
            return dense.astype(np.float64)
        if cfg.fusion == "rrf":
            idx = np.flatnonzero(mask)
            rank_l = [int(i) for i in idx[np.argsort(-lex[idx], kind="stable")] if lex[i] > 0]
            rank_d = [int(i) for i in idx[np.argsort(-dense[idx], kind="stable")]]
            out = np.zeros(n)
            for i, s in rrf([rank_l, rank_d], k=cfg.rrf_k):
                out[i] = s
            return out
        return cfg.bm25_weight * lex + (1 - cfg.bm25_weight) * _scaled(dense, mask)

    def _structure(self, fused: np.ndarray, pq: ParsedQuery, mask: np.ndarray) -> np.ndarray:
        cfg = self.config
        fused = fused.astype(np.float64)
        out = fused.copy()
        if cfg.child_weight:
            child = np.flatnonzero(mask & (self._parent_pos >= 0))
            parent = self._parent_pos[child]
            lifted = cfg.child_weight * fused[child] + (1 - cfg.child_weight) * fused[parent]
            np.maximum.at(out, parent, lifted)
        span = float(out[mask].max() - out[mask].min()) if mask.any() else 0.0
        if pq.role:
            out[self._actors == pq.role] += cfg.role_bonus * span
            duty_elsewhere = ((self._obligors != None) & (self._obligors != pq.role)  # noqa: E711
                              & (self._actors != pq.role) & (self._conditions != pq.role))
            out[duty_elsewhere] -= cfg.role_penalty * span
        if asks_list(pq.text):
            out[self._lists] += cfg.list_bonus * span
        if not asks_definition(pq.text):
            out[self._definitions] -= cfg.definition_penalty * span
        return out

    def _relevant(self, pq: ParsedQuery, dense: np.ndarray, mask: np.ndarray,
                  order: list[int]) -> bool:
        """Whether the best hit is about the question at all (off-topic questions are not)."""
        if not order:
            return False
        cfg = self.config
        best_dense = float(dense[mask].max())
        if best_dense >= cfg.min_dense:
            return True
        words = [w for w in pq.words if len(w) > 1] or list(pq.words)
        if not words or best_dense < cfg.weak_dense:
            return False
        text = self._search_text[order[0]]
        found = sum(
            1 for w in words
            if w in text or any(t in text for t in self.thesaurus.entries.get(w, ()))
        )
        return found / len(words) >= cfg.min_coverage

    def with_config(self, **changes: object) -> Searcher:
        """A copy of this searcher with other ranking knobs (shares the loaded index)."""
        other = object.__new__(Searcher)
        other.__dict__.update(self.__dict__)
        other.config = replace(self.config, **changes)  # type: ignore[arg-type]
        return other


def _dense_store(index: Any) -> tuple[Any, np.ndarray | None, np.ndarray | None]:
    """(faiss index, vectors, their ids) for an exact index: its vectors are kept as one matrix
    (a product over all of them beats a k = n search) and the faiss index is dropped; an
    approximate index is kept as it is."""
    if not is_exact(index) or index.ntotal == 0:
        return index, None, None
    matrix, ids = flat_vectors(index)
    return None, matrix, ids


def _check_encoder(index_dir: Path, built_with: object, configured: str) -> None:
    """EncoderMismatchError unless the index was built with the configured encoder."""
    if built_with != configured:
        raise EncoderMismatchError(
            f"the index at {index_dir} was built with encoder '{built_with}' but '{configured}'"
            " is configured; rebuild it: contractbot index build SOURCES..."
        )


def _top(scores: np.ndarray, mask: np.ndarray, m: int) -> list[int]:
    """Positions of the ``m`` best masked scores, best first, ties in index order (as a full
    stable sort would give) without sorting the whole index."""
    idx = np.flatnonzero(mask)
    vals = -scores[idx]
    if len(idx) > m > 0:
        kth = np.partition(vals, m - 1)[m - 1]
        keep = np.flatnonzero(vals <= kth)
        idx, vals = idx[keep], vals[keep]
    return [int(i) for i in idx[np.argsort(vals, kind="stable")][:m]]


def _scaled(scores: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Min-max scale the masked scores to [0, 1] (others 0)."""
    out = np.zeros(len(scores), dtype=np.float64)
    if not mask.any():
        return out
    vals = scores[mask].astype(np.float64)
    lo, hi = float(vals.min()), float(vals.max())
    if hi > lo:
        out[mask] = (vals - lo) / (hi - lo)
    return out
