"""One index generation loaded for searching: rows, contracts, BM25, vectors and clause features.

Loaded once (``load_generation``) and never changed after, so searches in many threads share it;
a rebuilt index is a new generation and a new object.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import EncoderMismatchError, ModelChangedError
from ..models import Clause, Contract
from ..store import (
    BM25_DIR,
    TITLES_BM25_DIR,
    Manifest,
    StoredClause,
    read_clauses,
    read_contracts,
    read_manifest,
    read_vectors,
    readable,
    require_generation,
)
from ..store.characters import build_character_index
from ..store.encoders import canonical_encoder
from ..store.hubs import read_hubs
from ..store.lexical import LexicalIndex
from ..store.tokenize import DEFAULT_MODE, TokenMode
from ..store.vectors import make_index
from ..text import normalize_number, normalize_text
from .dense import DenseVectors
from .features import ClauseFeatures, clause_features, parent_positions
from .scope import TitleIndex

NO_GENERATION = ""  # the name of ``empty_generation``: no generation on disk


@dataclass(frozen=True)
class LoadedGeneration:
    """Everything a question is answered from, aligned by clause position."""

    name: str  # folder name of the generation
    manifest: Manifest
    clauses: tuple[Clause, ...]
    search_text: tuple[str, ...]  # what BM25 indexed of each clause
    contract_of: np.ndarray  # object: contract key of each clause
    contract_code: np.ndarray  # int: position of each clause's contract in ``contracts``
    contracts: dict[str, Contract]  # key -> contract (no clauses), in build order
    titles: dict[str, str]  # key -> title
    title_index: TitleIndex
    lexical: LexicalIndex
    titles_lexical: LexicalIndex
    chars_lexical: LexicalIndex  # BM25 over single characters, computed at load
    dense: DenseVectors
    hubs: np.ndarray  # float32: each clause's hubness (store/hubs.py), stored by the build
    features: ClauseFeatures
    same_text: np.ndarray  # int: clauses with one identical normalised text share a number
    numbers: np.ndarray  # object: each clause's number as questions cite it (lookup)
    tokenizer: TokenMode

    def mask(self, contracts: frozenset[str]) -> np.ndarray:
        """Which clauses belong to ``contracts`` (all of them when it is empty)."""
        if not contracts:
            return np.ones(len(self.clauses), dtype=bool)
        keys = list(self.contracts)
        wanted = [keys.index(k) for k in contracts if k in self.contracts]
        return np.isin(self.contract_code, np.array(wanted, dtype=np.int32))


def _same_text(clauses: tuple[Clause, ...]) -> np.ndarray:
    """A number per distinct clause: its id, its normalised text and those of all its
    sub-clauses (7.2 of one file and 7.2 of its copy are one answer; the same sentence under
    another number is not, nor is a heading whose sub-clauses differ: 第三条 付款方式 of two
    contracts that pay differently)."""
    parent = parent_positions(clauses)
    children: list[list[int]] = [[] for _ in clauses]
    for i, p in enumerate(parent):
        if p >= 0:
            children[int(p)].append(i)
    keys: dict[int, int] = {}  # position -> its number
    seen: dict[tuple[str, str, tuple[int, ...]], int] = {}
    open_: set[int] = set()  # on the path being keyed: a parent loop (repeated ids) ends there

    def key(i: int) -> int:
        if i not in keys:
            open_.add(i)
            c = clauses[i]
            below = tuple(key(j) for j in children[i] if j not in open_)
            keys[i] = seen.setdefault(
                (c.clause, normalize_text(c.text_simplified or c.text), below), len(seen))
            open_.discard(i)
        return keys[i]

    return np.array([key(i) for i in range(len(clauses))], dtype=np.int64)


def _clause_numbers(clauses: tuple[Clause, ...]) -> np.ndarray:
    """Each clause's number as questions cite it (``lookup``): normalised, without spaces."""
    seen: dict[str, str] = {}
    return np.array([seen.get(c.clause) or seen.setdefault(
        c.clause, normalize_number(c.clause)) for c in clauses], dtype=object)


def check_encoder(index_dir: Path, built_with: object, configured: str) -> None:
    """EncoderMismatchError unless the index was built with the configured encoder (or the
    encoder a short name such as ``use`` stands for)."""
    if built_with != canonical_encoder(configured):
        raise EncoderMismatchError(index_dir, str(built_with), canonical_encoder(configured))


def check_model_files(index_dir: Path, manifest: Manifest, fingerprint: str) -> None:
    """ModelChangedError when the index records the fingerprint of its model's files and the
    model loaded (``fingerprint``) is another one at the same name. An index that records none
    (a built-in encoder, or built by a version that did not record it) cannot tell."""
    if manifest.encoder_fingerprint and manifest.encoder_fingerprint != fingerprint:
        raise ModelChangedError(index_dir, manifest.encoder)


def load_generation(index_dir: Path, encoder: str, *, fingerprint: str = "") -> LoadedGeneration:
    """Load the live generation of ``index_dir``; EncoderMismatchError (before reading the
    vectors) when it was built with another encoder than ``encoder`` (ModelChangedError: with
    other model files than those of ``fingerprint``), IndexDamagedError when a file of it is
    missing or corrupt."""
    gen_dir = require_generation(index_dir)
    manifest = read_manifest(gen_dir)
    check_encoder(index_dir, manifest.encoder, encoder)
    check_model_files(index_dir, manifest, fingerprint)
    with readable(gen_dir):  # its files; what is computed from them below is not damage
        rows = read_clauses(gen_dir)
        stored_contracts = read_contracts(gen_dir)
        lexical = LexicalIndex.load(gen_dir / BM25_DIR, len(rows))
        titles_lexical = LexicalIndex.load(gen_dir / TITLES_BM25_DIR, len(rows))
        vectors = read_vectors(gen_dir)
        hubs = read_hubs(gen_dir, manifest.hubness, len(rows))
    return _assemble(gen_dir.name, manifest, rows, [c for c, _ in stored_contracts],
                     lexical, titles_lexical, vectors, hubs=hubs)


def empty_generation(encoder: str, dim: int) -> LoadedGeneration:
    """A generation of no contract, named ``NO_GENERATION``: what a bot started before the
    first build answers from (every question finds nothing) until a build makes one live."""
    manifest = Manifest(generation=NO_GENERATION, encoder=encoder, dim=dim,
                        tokenizer=DEFAULT_MODE, text_version=0, built_at="")
    return _assemble(NO_GENERATION, manifest, [], [], LexicalIndex.build([]),
                     LexicalIndex.build([]), make_index(dim, 0))


def _assemble(name: str, manifest: Manifest, rows: Sequence[StoredClause],
              contracts_in_order: Sequence[Contract], lexical: LexicalIndex,
              titles_lexical: LexicalIndex, vectors: Any, *,
              hubs: np.ndarray | None = None) -> LoadedGeneration:
    """A generation's stored parts, with what questions need computed from them (the
    hubness too when it does not store it: built before stop 42)."""
    clauses = tuple(r.clause for r in rows)
    contract_of = np.array([c.contract for c in clauses], dtype=object)
    contracts = {c.key: c for c in contracts_in_order}
    code = {k: i for i, k in enumerate(contracts)}
    titles = {k: c.title for k, c in contracts.items()}
    lexical.scores([])  # compute the weights now, not on the first question
    titles_lexical.scores([])
    search_text = tuple(r.search_text for r in rows)
    chars_lexical = build_character_index(search_text)
    chars_lexical.scores([])
    ids = np.array([r.id for r in rows], dtype=np.int64)
    dense = DenseVectors(vectors, ids, contract_of)
    return LoadedGeneration(
        name=name,
        manifest=manifest,
        clauses=clauses,
        search_text=search_text,
        contract_of=contract_of,
        contract_code=np.array([code.get(c.contract, -1) for c in clauses], dtype=np.int32),
        contracts=contracts,
        titles=titles,
        title_index=TitleIndex(titles),
        lexical=lexical,
        titles_lexical=titles_lexical,
        chars_lexical=chars_lexical,
        dense=dense,
        hubs=dense.hubness() if hubs is None else hubs,
        features=clause_features(clauses),
        same_text=_same_text(clauses),
        numbers=_clause_numbers(clauses),
        tokenizer=manifest.tokenizer or DEFAULT_MODE,  # type: ignore[arg-type]
    )
