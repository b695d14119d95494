"""Hybrid retrieval over one index generation: BM25 and dense scores, fused, with clause structure.

``Searcher.open(index_dir, encoder)`` loads the live generation once; ``search`` answers one
question: check it, parse it, find its scope, score, fuse, adjust for structure, rank, and judge
whether the best hit is relevant at all.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import QueryError, UnknownContractError
from ..models import Clause, ContractInfo, Hit, SearchResult
from ..store import current_generation, read_manifest, require_generation
from ..store.encoders import Encoder, load_encoder
from ..store.lexical import LexicalIndex
from ..text import normalize_text
from .config import SearchConfig
from .generation import LoadedGeneration, check_encoder, load_generation
from .lookup import clause_number_forms
from .question import ParsedQuery, asks_definition, asks_list, check_question, parse_query
from .ranking import (
    adjust_for_structure,
    coverage,
    fuse,
    is_relevant,
    top_positions,
    without_bare_headings,
)
from .reach import Collections, Reach
from .scope import detect_scope, unknown_title
from .thesaurus import Thesaurus

_EXTRA_CANDIDATES = 5  # ranked beyond top_k, so dropping bare headings still leaves top_k


class Searcher:
    """A loaded index generation plus its encoder; cheap to query, safe across threads."""

    def __init__(self, index_dir: Path, encoder: Encoder, config: SearchConfig | None = None,
                 thesaurus: Thesaurus | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.encoder = encoder
        self.config = config or SearchConfig()
        self.thesaurus = thesaurus if thesaurus is not None else Thesaurus.load()
        self._gen: LoadedGeneration = load_generation(self.index_dir, encoder.name)
        self._reach = Reach(self._gen)

    @classmethod
    def open(cls, index_dir: Path, encoder: str, config: SearchConfig | None = None) -> Searcher:
        """Open the live generation of ``index_dir`` for the encoder called ``encoder``.

        EncoderMismatchError (before loading the model) when the index was built with another.
        """
        manifest = read_manifest(require_generation(Path(index_dir)))
        check_encoder(Path(index_dir), manifest.encoder, encoder)
        return cls(Path(index_dir), load_encoder(encoder), config)

    @property
    def generation(self) -> str:
        """Id of the loaded generation."""
        return self._gen.name

    def refreshed(self) -> Searcher:
        """This searcher, or a new one over the live generation when the index was rebuilt
        since it was opened (the old one keeps answering the questions already running)."""
        current = current_generation(self.index_dir)
        if current is None or current == self._gen.name:
            return self
        return Searcher(self.index_dir, self.encoder, self.config, self.thesaurus)

    def warm_up(self) -> None:
        """Load what loads lazily (encoder weights, jieba's dictionary) now, so the first
        question is answered as fast as the others."""
        self.encoder.encode(["合同"])
        parse_query("合同的期限", self.thesaurus, self._gen.tokenizer)

    # ------------------------------------------------------------------ listing & lookup

    def contracts(self, *, collections: Collections = None) -> list[ContractInfo]:
        """Indexed contracts in build order (only those in ``collections`` when given)."""
        counts: dict[str, int] = {}
        for c in self._gen.clauses:
            counts[c.contract] = counts.get(c.contract, 0) + 1
        return [
            ContractInfo(key=k, title=c.title, clauses=counts.get(k, 0),
                         parties=dict(c.parties), script=c.script, collection=c.collection,
                         source=Path(c.source).name if c.source else "")
            for k, c in self._gen.contracts.items() if self._reach.reaches(k, collections)
        ]

    def all_clauses(self) -> list[Clause]:
        """Every indexed clause, in index order."""
        return list(self._gen.clauses)

    def _check_contract(self, contract: str | None, collections: Collections = None) -> None:
        if contract is not None and not self._reach.reaches(contract, collections):
            raise UnknownContractError(contract)

    def get_clause(self, number: str, contract: str | None = None, *,
                   collections: Collections = None) -> list[Hit]:
        """Clauses whose number is ``number`` ("7.2", "第7.2条", "第十二條"), in index order,
        each with its sub-clauses."""
        self._check_contract(contract, collections)
        if not number.strip():
            raise QueryError("no clause number given")
        forms = clause_number_forms(number)
        keys = self._reach.keys(collections)
        return list(self._reach.with_context((
            Hit(c, self._gen.titles.get(c.contract, c.contract), 1.0)
            for c in self._gen.clauses
            if (contract is None or c.contract == contract)
            and (keys is None or c.contract in keys)
            and normalize_text(c.clause).replace(" ", "") in forms
        ), collections))

    # ------------------------------------------------------------------ search

    def search(self, question: str, contract: str | None = None, top_k: int = 5, *,
               collections: Collections = None) -> SearchResult:
        """The clauses that best answer ``question``, best first; with ``collections``, only
        clauses of contracts in those collections (others are as if not indexed)."""
        check_question(question)
        self._check_contract(contract, collections)
        gen, cfg = self._gen, self.config
        pq = parse_query(question, self.thesaurus, gen.tokenizer)
        titles = self._reach.titles(collections)
        scope = contract or detect_scope(pq.text, titles)
        if scope is None and (named := unknown_title(question, titles)):
            raise UnknownContractError(f"《{named}》")
        n = len(gen.clauses)
        mask = (gen.contract_of == scope) if scope else np.ones(n, dtype=bool)
        if (reachable := self._reach.mask(collections)) is not None:
            mask = mask & reachable
        if n == 0 or not mask.any():
            return SearchResult(question=question, hits=(), scope=scope, relevant=False)
        dense = gen.dense.scores(self.encoder.encode([pq.text])[0], scope,
                                 subset=self._reach.subset(collections))
        fused = fuse(self._bm25(pq, gen.lexical), self._bm25(pq, gen.titles_lexical), dense,
                     mask, cfg)
        fused = adjust_for_structure(fused, mask, gen.features, cfg, role=pq.role,
                                     wants_list=asks_list(pq.text),
                                     wants_definition=asks_definition(pq.text))
        ranked = top_positions(fused, mask, max(top_k, 0) + _EXTRA_CANDIDATES)
        order = without_bare_headings(ranked, gen.features)[: max(top_k, 0)]
        hits = self._reach.with_context((Hit(gen.clauses[i], gen.titles.get(
            gen.clauses[i].contract, ""), float(fused[i])) for i in order), collections)
        parties = {h.clause.contract: dict(gen.contracts[h.clause.contract].parties)
                   for h in hits if h.clause.contract in gen.contracts}
        return SearchResult(question=question, hits=hits, scope=scope, parties=parties,
                            relevant=bool(order) and self._relevant(pq, dense, mask, order[0]))

    def _bm25(self, pq: ParsedQuery, index: LexicalIndex) -> np.ndarray:
        scores = index.scores(pq.tokens)
        if pq.expansion and self.config.expansion_weight:
            scores = scores + self.config.expansion_weight * index.scores(pq.expansion)
        return scores

    def _relevant(self, pq: ParsedQuery, dense: np.ndarray, mask: np.ndarray, top: int) -> bool:
        words = [w for w in pq.words if len(w) > 1] or list(pq.words)
        share = coverage(words, self._gen.search_text[top], self.thesaurus.entries)
        return is_relevant(float(dense[mask].max()), share, self.config)
