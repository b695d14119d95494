"""The rows of a new generation, in source order: carried-over rows (with their vectors and BM25
term counts) and new rows (tokenized, their vectors still to embed)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..models import Contract
from ..store import RowRef, StoredClause, clause_id
from ..store.lexical import TermRow
from ..store.tokenize import TokenMode, tokenize_parts
from .plan import BuildPlan, Parsed
from .previous import Previous
from .texts import clause_rows, title_parts


@dataclass(frozen=True)
class Rows:
    """Everything a generation stores, row by row (position = order in the new generation)."""

    contracts: tuple[tuple[Contract, str], ...]  # (contract without clauses, source hash)
    rows: tuple[StoredClause | RowRef, ...]
    new_rows: tuple[StoredClause, ...]
    shifts: tuple[tuple[str, int], ...]  # carried contract -> how far its rows' order moves
    lexical: tuple[list[str] | TermRow, ...]  # BM25 tokens, or term counts carried over
    titles: tuple[list[str] | TermRow, ...]  # the same for the titles field
    vectors: np.ndarray  # carried vectors filled in, zeros where a text is to be embedded
    to_embed: tuple[tuple[int, str], ...]  # (row position, embedding text)


def make_rows(plan: BuildPlan, previous: Previous | None, *, dim: int,
              mode: TokenMode, memo: dict[str, tuple[list[str], list[str]]] | None = None,
              ) -> Rows:
    """Lay out the rows of ``plan``: a contract's rows stay contiguous, in source order.

    ``memo`` holds text pieces already tokenized (by the workers that read the sources)."""
    contracts: list[tuple[Contract, str]] = []
    rows: list[StoredClause | RowRef] = []
    new_rows: list[StoredClause] = []
    shifts: list[tuple[str, int]] = []
    lexical: list[list[str] | TermRow] = []
    titles: list[list[str] | TermRow | None] = []
    carried: dict[int, np.ndarray] = {}
    to_embed: list[tuple[int, str]] = []
    used: set[int] = set()  # clause ids taken so far
    memo = {} if memo is None else memo  # tokens of each distinct text piece
    for item in plan.items:
        if isinstance(item, Parsed):
            c = item.contract
            contracts.append((Contract(key=c.key, title=c.title, parties=c.parties, clauses=(),
                                       script=c.script, source=str(item.path.resolve()),
                                       collection=c.collection),
                              item.digest))
            for clause, parts, embed in clause_rows(c):
                salt, cid = 0, clause_id(clause.contract, clause.clause, clause.text)
                while cid in used:
                    salt += 1
                    cid = clause_id(clause.contract, clause.clause, clause.text, salt)
                used.add(cid)
                to_embed.append((len(rows), embed))
                new_rows.append(StoredClause(cid, len(rows), clause, " ".join(parts), embed))
                rows.append(new_rows[-1])
                lexical.append(tokenize_parts(parts, mode, memo))
                titles.append(None)  # tokenized below, from the contract's own titles
            continue
        assert previous is not None
        contracts.append((item.contract, item.digest))
        if item.refs:  # a contract's rows are contiguous in every generation we write
            assert item.refs[-1].order - item.refs[0].order == len(item.refs) - 1
            shifts.append((item.contract.key, len(rows) - item.refs[0].order))
        for ref in item.refs:
            used.add(ref.id)
            lexical.append(previous.lexical.row(ref.order))
            titles.append(previous.titles.row(ref.order))
            carried[len(rows)] = previous.vectors[ref.order]
            rows.append(ref)
    new_titles = iter(title_parts([r.clause for r in new_rows]))
    title_rows = [t if t is not None else tokenize_parts(next(new_titles), mode, memo)
                  for t in titles]
    vectors = np.zeros((len(rows), dim), dtype=np.float32)
    for pos, vector in carried.items():
        vectors[pos] = vector
    return Rows(tuple(contracts), tuple(rows), tuple(new_rows), tuple(shifts),
                tuple(lexical), tuple(title_rows), vectors,
                tuple(to_embed))
