"""Hybrid retrieval over one index generation: BM25 and dense scores, fused, with clause structure.

``Searcher.open(index_dir, encoder)`` loads the live generation once; ``search`` answers one
question in two steps: ``signals`` checks and parses it, finds its scope and scores every clause
(BM25 and dense), and ``rank`` fuses the scores with the encoder's learned weights, adjusts
them for structure, ranks, and judges whether the best hit is relevant at all.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from ..errors import AmbiguousContractError, QueryError, UnknownContractError
from ..models import Clause, ContractInfo, Hit, SearchResult
from ..store import current_generation, named_generation, read_manifest, require_generation
from ..store.encoders import Encoder, files_fingerprint, fingerprint_of, load_encoder
from ..store.tokenize import dictionary_words
from ..text import normalize_text
from .compare_words import Holding, clause_holding, joined, kind_words
from .config import SearchConfig
from .generation import (
    NO_GENERATION,
    LoadedGeneration,
    check_encoder,
    check_model_files,
    empty_generation,
    load_generation,
)
from .homophones import Sounds, confirmed_repairs, readings, repaired_text, sounds_of, with_repairs
from .hubs import less_hubness
from .lookup import cited_chapter_clauses, cited_clauses, contract_infos, numbered_clauses
from .question import ParsedQuery, chapters_only, check_question, parse_query, question_intents
from .ranking import adjust_for_structure, coverage, fuse, lift_cited, pick_hits
from .reach import Collections, Reach
from .scope import (
    asked_words,
    bracketed_scopes,
    detect_scopes,
    unknown_kind,
    unknown_title,
    without_named,
)
from .signals import Signals
from .thesaurus import Thesaurus


class Searcher:
    """A loaded index generation plus its encoder; cheap to query, safe across threads."""

    def __init__(self, index_dir: Path, encoder: Encoder, config: SearchConfig | None = None,
                 thesaurus: Thesaurus | None = None, *,
                 generation: LoadedGeneration | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.encoder = encoder
        self.config = config or SearchConfig.for_encoder(encoder.name)
        self.thesaurus = thesaurus if thesaurus is not None else Thesaurus.load()
        self._gen: LoadedGeneration = generation or load_generation(
            self.index_dir, encoder.name, fingerprint=fingerprint_of(encoder))
        self._reach = Reach(self._gen)
        self._terms: dict[str, str] = {}  # each contract's headings, as ``holding`` reads them
        self._sounds: Sounds | None = None  # the generation's characters by sound, on first use
        self._sounds_lock = threading.Lock()

    @classmethod
    def open(cls, index_dir: Path, encoder: str, config: SearchConfig | None = None, *,
             missing_ok: bool = False) -> Searcher:
        """Open the live generation of ``index_dir`` for the encoder called ``encoder``.

        EncoderMismatchError (before loading the model) when the index was built with another,
        ModelChangedError (before loading it too) when it was built from other files of it.
        With ``missing_ok``, a folder with no index yet (not a damaged one: that is still
        IndexDamagedError) gives a searcher of no contract, which ``refreshed`` replaces with
        the first build's.
        """
        if missing_ok and named_generation(Path(index_dir)) is None:
            model = load_encoder(encoder)
            return cls(Path(index_dir), model, config,
                       generation=empty_generation(model.name, model.dim))
        manifest = read_manifest(require_generation(Path(index_dir)))
        check_encoder(Path(index_dir), manifest.encoder, encoder)
        if fingerprint := files_fingerprint(encoder):  # its files changed: say so before loading
            check_model_files(Path(index_dir), manifest, fingerprint)
        return cls(Path(index_dir), load_encoder(encoder), config)

    @property
    def generation(self) -> str:
        """Id of the loaded generation (NO_GENERATION: no index yet)."""
        return self._gen.name

    def refreshed(self) -> Searcher:
        """This searcher, or a new one over the live generation when the index was rebuilt
        since it was opened (the old one keeps answering the questions already running); with
        no index yet, a pointer that names a generation that cannot be read is damage."""
        current = current_generation(self.index_dir)
        if current is None and self._gen.name == NO_GENERATION and named_generation(
                self.index_dir) is not None:
            require_generation(self.index_dir)  # IndexDamagedError: say it, not "no index"
        if current is None or current == self._gen.name:
            return self
        return Searcher(self.index_dir, self.encoder, self.config, self.thesaurus)

    def warm_up(self) -> None:
        """Load what loads lazily (encoder weights, jieba's dictionary) now, so the first
        question is answered as fast as the others."""
        self.encoder.encode_queries(["合同"])
        parse_query("合同的期限", thesaurus=self.thesaurus, mode=self._gen.tokenizer)
        if self.config.homophone_top > 0:
            self._homophones()
            readings("压")

    # ------------------------------------------------------------------ listing & lookup

    def contracts(self, *, collections: Collections = None) -> list[ContractInfo]:
        """Indexed contracts in build order (only those in ``collections`` when given)."""
        return contract_infos(self._gen, self._reach, collections)

    def reaches(self, contract: str, *, collections: Collections = None) -> bool:
        """Whether ``contract`` is indexed (and inside ``collections`` when given): a set
        lookup, where ``contracts`` counts every clause."""
        return self._reach.reaches(contract, collections)

    def contract_named(self, name: str, *, collections: Collections = None) -> str:
        """The key of the one reachable contract ``name`` names (its key, file stem or
        ``collection/stem``); UnknownContractError for none, AmbiguousContractError, with the
        ``collection/stem`` names to choose from, for several."""
        found = self._reach.named(name, collections)
        if not found:
            raise UnknownContractError(name)
        if len(found) > 1:
            infos = {c.key: c for c in self.contracts(collections=collections)}
            raise AmbiguousContractError(name, tuple(infos[k].qualified for k in found))
        return found[0]

    def in_reach(self, hits: Iterable[Hit], *, collections: Collections = None) -> tuple[Hit, ...]:
        """Hits of an earlier search (perhaps of an earlier index) as a search within
        ``collections`` would give them now: those of contracts out of reach left out (or
        quoted from a copy in reach), file names, shared titles and copies as these
        collections have them."""
        return self._reach.seen_from(hits, collections)

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
        return numbered_clauses(self._gen, self._reach, number, contract, collections)

    # ------------------------------------------------------------------ search

    def search(self, question: str, *, contract: str | None = None, top_k: int = 5,
               collections: Collections = None, preferred: str | None = None) -> SearchResult:
        """The clauses that best answer ``question``, best first; with ``collections``, only
        clauses of contracts in those collections (others are as if not indexed); limited to
        ``contract``, or to ``preferred`` (a chat's /use contract) unless the question names
        contracts in 《》."""
        return self.rank(self.signals(question, contract=contract, collections=collections,
                                      preferred=preferred), top_k)

    def signals(self, question: str, *, contract: str | None = None,
                collections: Collections = None, preferred: str | None = None) -> Signals:
        """Check and parse ``question``, find its scope (within ``collections``), and score
        every clause by BM25 and by its vector; QueryError when it cannot be searched."""
        check_question(question)
        self._check_contract(contract or preferred, collections)
        gen = self._gen
        pq = parse_query(question, thesaurus=self.thesaurus, mode=gen.tokenizer)
        titles = self._reach.titles(collections)
        if contract:
            scopes = frozenset({contract})
        elif preferred:
            scopes = bracketed_scopes(pq.text, titles) or frozenset({preferred})
        else:
            scopes = detect_scopes(pq.text, titles)
        if not scopes and (named := unknown_title(question, titles)):
            raise UnknownContractError(f"《{named}》")
        if not scopes and not contract and not preferred and (
                kind := unknown_kind(question, titles)):
            raise UnknownContractError(kind)
        named = chapters_only(pq.text)  # 劳动合同第三章: the chapter, in the document's order
        in_order = named is not None and (not named or bool(detect_scopes(named, titles)))
        if (asked := without_named(question, scopes, titles)) != question:
            pq = parse_query(asked, thesaurus=self.thesaurus, mode=gen.tokenizer)
        empty = np.zeros(len(gen.clauses), dtype=np.float32)
        vector = self.encoder.encode_queries([pq.text])[0]
        dense = empty
        if len(gen.clauses):
            dense = gen.dense.scores(vector, scopes, subset=self._reach.subset(collections))
        mask = self._mask(scopes, collections)
        pq, dense, meant = self._repaired(pq, dense, mask, scopes, collections)
        cited, uncited = self._cited(pq, mask)
        return Signals(
            question=question, query=pq, intents=question_intents(pq.text), scopes=scopes,
            mask=mask, collections=collections,
            lexical=gen.lexical.scores(pq.tokens),
            lexical_expansion=gen.lexical.scores(pq.expansion) if pq.expansion else empty,
            titles=gen.titles_lexical.scores(pq.tokens),
            titles_expansion=gen.titles_lexical.scores(pq.expansion) if pq.expansion else empty,
            characters=gen.chars_lexical.scores(pq.chars),
            dense=dense, vector=vector, meant=meant,
            cited=cited, uncited=uncited, in_order=in_order,
        )

    def _repaired(self, pq: ParsedQuery, dense: np.ndarray, mask: np.ndarray,
                  scopes: frozenset[str], collections: Collections,
                  ) -> tuple[ParsedQuery, np.ndarray, np.ndarray | None]:
        """``pq`` searching the repairs of its typing errors that the dense ranking confirms
        (压金 as 押金; homophones.py), and ``dense`` with each clause's better cosine of the
        question as typed and as meant (with the meant question's vector; None: no repair)."""
        gen, cfg = self._gen, self.config
        if cfg.homophone_top <= 0:
            return pq, dense, None
        repairs = confirmed_repairs(pq, self._homophones(), dictionary_words(), dense=dense,
                                    mask=mask, search_text=gen.search_text, top=cfg.homophone_top)
        pq = with_repairs(pq, repairs)
        if not (repairs and cfg.homophone_dense and len(gen.clauses)):
            return pq, dense, None
        meant = self.encoder.encode_queries([repaired_text(pq.text, repairs)])[0]
        return pq, np.maximum(dense, gen.dense.scores(
            meant, scopes, subset=self._reach.subset(collections))), meant

    def _homophones(self) -> Sounds:
        """The generation's two-character terms and characters by sound (built once)."""
        if self._sounds is None:
            with self._sounds_lock:
                if self._sounds is None:
                    lexical = self._gen.lexical
                    self._sounds = sounds_of(lexical.vocab, lexical.document_frequencies())
        return self._sounds

    def scoped(self, sig: Signals, contract: str) -> Signals:
        """``sig`` limited to one contract, as ``signals(question, contract=…)`` would give it,
        without parsing or encoding the question again (one question asked of every contract)."""
        self._check_contract(contract, sig.collections)
        scopes = frozenset({contract})
        dense = sig.dense
        if sig.scopes != scopes and not self._gen.dense.exact:  # exact over this contract
            dense = self._gen.dense.scores(sig.vector, scopes)
            if sig.meant is not None:
                dense = np.maximum(dense, self._gen.dense.scores(sig.meant, scopes))
        mask = self._mask(scopes, sig.collections)
        cited, uncited = self._cited(sig.query, mask)
        return dataclasses.replace(sig, scopes=scopes, mask=mask, dense=dense, cited=cited,
                                   uncited=uncited)

    def _cited(self, pq: ParsedQuery,
               mask: np.ndarray) -> tuple[np.ndarray | None, tuple[str, ...]]:
        """The clauses in ``mask`` that ``pq`` cites by number, or heading a chapter it cites
        (None when none), and what it cites that none in ``mask`` has."""
        cited, uncited = cited_clauses(self._gen.numbers, pq.cited, mask, pq.text)
        if not pq.chapters:
            return cited, uncited
        heads, missing = cited_chapter_clauses(self._gen, pq.chapters, mask)
        if heads is not None:
            cited = heads if cited is None else cited | heads
        return cited, uncited + missing

    def _mask(self, scopes: frozenset[str], collections: Collections) -> np.ndarray:
        mask = self._gen.mask(scopes)
        if (reachable := self._reach.mask(collections)) is not None:
            mask = mask & reachable
        return mask

    def rank(self, sig: Signals, top_k: int = 5, *,
             config: SearchConfig | None = None) -> SearchResult:
        """The ``top_k`` best clauses for ``sig``: fused, adjusted for structure, ranked, and
        whether the best is relevant at all (``config`` defaults to the searcher's own)."""
        gen, cfg = self._gen, config or self.config
        scopes = tuple(sorted(sig.scopes))
        if not len(gen.clauses) or not sig.mask.any():
            return SearchResult(question=sig.question, hits=(), scope=sig.scope, scopes=scopes,
                                relevant=False)
        lexical = sig.lexical + cfg.expansion_weight * sig.lexical_expansion
        titles = sig.titles + cfg.expansion_weight * sig.titles_expansion
        chars = sig.characters if sig.query.chars else None  # CPU, 7.2: the words alone
        dense = less_hubness(sig.dense, gen.hubs, cfg.hub_weight)
        fused = fuse(lexical, titles, dense, sig.mask, cfg, chars=chars)
        fused = adjust_for_structure(fused, sig.mask, gen.features, cfg, role=sig.query.role,
                                     intents=sig.intents)
        if sig.cited is not None:
            fused = lift_cited(fused, sig.mask, sig.cited, in_order=sig.in_order)
        merged = pick_hits(fused, sig.mask, gen.features, gen.same_text, gen.contract_of, top_k,
                           per_contract=cfg.per_contract if len(sig.scopes) != 1 else 0,
                           cited=sig.cited)
        hits = self._reach.with_context(
            (Hit(gen.clauses[i], gen.titles.get(gen.clauses[i].contract, ""), float(fused[i]),
                 also=tuple(gen.clauses[j] for j in copies)) for i, copies in merged),
            sig.collections)
        parties = {h.clause.contract: dict(gen.contracts[h.clause.contract].parties)
                   for h in hits if h.clause.contract in gen.contracts}
        evidence = self._evidence(sig, merged[0][0]) if merged else (0.0, 0.0)
        cited = 0  # the cited clauses lead (lift_cited, pick_hits)
        while sig.cited is not None and cited < len(merged) and sig.cited[merged[cited][0]]:
            cited += 1
        return SearchResult(question=sig.question, hits=hits, scope=sig.scope, scopes=scopes,
                            parties=parties, evidence=evidence, cited=cited,
                            uncited=sig.uncited,
                            relevant=bool(merged) and (cited > 0 or cfg.is_relevant(
                                *evidence, scoped=bool(sig.scopes))))

    def share(self, sig: Signals, hit: Hit) -> float:
        """The share of ``sig``'s content words that ``hit`` (a hit of this searcher) holds, as
        ``compare_words.clause_share`` counts them (合同期限 under 合同性质与期限, as 委托期限 in a
        委托合同; 押金 as 保证金 but not as 质量保证金): whether a contract has a clause on a
        topic, where relevance reads the text alone."""
        return self.holding(sig, hit).share

    def holding(self, sig: Signals, hit: Hit) -> Holding:
        """``share`` and whether ``hit``'s headings or its own text hold the words
        (``compare_words.Holding``): which of a contract's clauses /compare quotes."""
        top = self._reach.position(hit.clause)
        if top is None:
            return Holding(0.0)
        gen = self._gen
        headings: list[str] = []
        annex = None  # the heading of the annex the clause is in (附件八 关于保修…的约定)
        at, seen = top, set()
        while at >= 0 and at not in seen:  # the clause's title, then its parents' titles
            seen.add(at)
            if title := gen.clauses[at].title:
                headings.append(normalize_text(title))
            if gen.clauses[at].clause.startswith("附件"):
                annex = normalize_text(gen.clauses[at].title or "")
            at = int(gen.features.parent[at])
        if chapter := hit.clause.chapter_title:
            headings.append(normalize_text(chapter))
        if (hit.clause.chapter or "").startswith("附件"):
            annex = normalize_text(chapter or "")
        key = hit.clause.contract
        if (terms := self._terms.get(key)) is None:  # once per contract: its headings
            terms = self._terms[key] = " ".join(
                normalize_text(gen.clauses[i].title or "")
                for i in np.flatnonzero(gen.mask(frozenset({key}))))
        return clause_holding(joined(self._asked(sig), sig.query.text), gen.search_text[top],
                              own=normalize_text(hit.clause.text), headings=headings[::-1],
                              synonyms=self.thesaurus.entries,
                              kinds=kind_words(gen.titles.get(key, "")), terms=terms,
                              title=normalize_text(hit.clause.title or ""), annex=annex)

    def _asked(self, sig: Signals) -> list[str]:
        words = [w for w in sig.query.words if len(w) > 1] or list(sig.query.words)
        names = [n for k in sig.scopes for n in (k, self._gen.titles.get(k, ""))]
        return asked_words(words, names)

    def _share(self, sig: Signals, top: int) -> float:
        return coverage(self._asked(sig), self._gen.search_text[top], self.thesaurus.entries)

    def _evidence(self, sig: Signals, top: int) -> tuple[float, float]:
        """The best dense score in scope, and the share of the question's content words the
        top hit holds: what decides relevance."""
        return float(sig.dense[sig.mask].max()), self._share(sig, top)
