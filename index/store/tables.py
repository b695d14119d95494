"""Clause and contract rows of a generation in SQLite: what a quote needs, and what a rebuild
carries over.

Clause ids are stable 63-bit hashes of contract + clause + text, shared with the vector index.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..models import Clause, Contract
from .generations import CLAUSES_DB

_CLAUSE_FIELDS = (
    "contract", "clause", "chapter", "chapter_title", "text", "page", "title", "parent",
    "level", "text_simplified",
)


def clause_id(contract: str, clause: str, text: str, salt: int = 0) -> int:
    """A stable positive 63-bit id from contract + clause + content (blake2b)."""
    digest = hashlib.blake2b(
        f"{contract}\0{clause}\0{text}\0{salt}".encode(), digest_size=8
    ).digest()
    return int.from_bytes(digest, "big") & 0x7FFF_FFFF_FFFF_FFFF


@dataclass(frozen=True)
class StoredClause:
    """A clause as stored: its id, order, the texts we search and the clause itself."""

    id: int
    order: int
    clause: Clause
    search_text: str
    embed_text: str

    @property
    def contract(self) -> str:
        """Key of the clause's contract (as RowRef has it)."""
        return self.clause.contract


@dataclass(frozen=True)
class RowRef:
    """What a rebuild needs of a stored clause it carries over: no Clause object is made."""

    id: int
    order: int
    contract: str
    embed_text: str


def read_row_refs(gen_dir: Path) -> list[RowRef]:
    """Id, order, contract and embedding text of every stored clause, in index order."""
    db = sqlite3.connect(f"file:{gen_dir / CLAUSES_DB}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT id, ord, contract, embed_text FROM clauses ORDER BY ord")
        return [RowRef(*r) for r in rows.fetchall()]
    finally:
        db.close()


def write_tables(
    gen_dir: Path, contracts: Sequence[tuple[Contract, str]], rows: Sequence[StoredClause],
    carry_from: Path | None = None, shifts: Sequence[tuple[str, int]] = (),
) -> None:
    """Write contracts (with source hashes) and clauses to the generation's SQLite file.

    ``shifts`` carries over the clauses of those contracts from the generation ``carry_from``,
    each order moved by its shift, inside SQLite (a one-file rebuild copies thousands of rows
    without making a Python object for any of them)."""
    db = sqlite3.connect(gen_dir / CLAUSES_DB)
    try:
        # a new file in a generation nobody reads yet: no journal, no syncs per commit;
        # sync_dir makes the whole generation durable before it goes live
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute(
            "CREATE TABLE contracts (key TEXT PRIMARY KEY, title TEXT, parties TEXT, "
            "script TEXT, source TEXT, hash TEXT, clauses INTEGER, collection TEXT)"
        )
        db.execute(
            "CREATE TABLE clauses (id INTEGER PRIMARY KEY, ord INTEGER, "
            + ", ".join(f"{f} {'INTEGER' if f in ('page', 'level') else 'TEXT'}"
                        for f in _CLAUSE_FIELDS)
            + ", search_text TEXT, embed_text TEXT)"
        )
        counts: dict[str, int] = {}
        for r in rows:
            counts[r.clause.contract] = counts.get(r.clause.contract, 0) + 1
        db.executemany(
            "INSERT INTO contracts VALUES (?,?,?,?,?,?,?,?)",
            [
                (c.key, c.title, json.dumps(c.parties, ensure_ascii=False), c.script,
                 c.source, h, counts.get(c.key, 0), c.collection)
                for c, h in contracts
            ],
        )
        if shifts:
            assert carry_from is not None
            db.execute("ATTACH DATABASE ? AS prev", (str(carry_from / CLAUSES_DB),))
            db.execute("CREATE TEMP TABLE shift (contract TEXT PRIMARY KEY, delta INTEGER)")
            db.executemany("INSERT INTO shift VALUES (?, ?)", shifts)
            fields = ", ".join(f"c.{f}" for f in _CLAUSE_FIELDS)
            db.execute(
                f"INSERT INTO clauses SELECT c.id, c.ord + s.delta, {fields}, c.search_text, "
                "c.embed_text FROM prev.clauses AS c JOIN shift AS s ON c.contract = s.contract"
            )
            db.commit()
            db.execute("DETACH DATABASE prev")
        db.executemany(
            f"INSERT INTO clauses VALUES ({','.join('?' * (len(_CLAUSE_FIELDS) + 4))})",
            [
                (r.id, r.order, *(getattr(r.clause, f) for f in _CLAUSE_FIELDS),
                 r.search_text, r.embed_text)
                for r in rows
            ],
        )
        db.commit()
    finally:
        db.close()


def read_contracts(gen_dir: Path) -> list[tuple[Contract, str]]:
    """Contracts of a generation (without clauses) with their source hashes; a generation
    written before collections existed has every contract in "default"."""
    db = sqlite3.connect(f"file:{gen_dir / CLAUSES_DB}?mode=ro", uri=True)
    try:
        columns = {row[1] for row in db.execute("PRAGMA table_info(contracts)")}
        collection = "collection" if "collection" in columns else "'default'"
        rows = db.execute(
            f"SELECT key, title, parties, script, source, hash, {collection} FROM contracts "
            "ORDER BY rowid"
        ).fetchall()
    finally:
        db.close()
    return [
        (Contract(key=k, title=t, parties=json.loads(p), script=s, source=src,
                  collection=col or "default"), h)
        for k, t, p, s, src, h, col in rows
    ]


def read_clauses(gen_dir: Path, contract: str | None = None) -> list[StoredClause]:
    """Stored clauses of a generation (optionally of one contract) in index order."""
    db = sqlite3.connect(f"file:{gen_dir / CLAUSES_DB}?mode=ro", uri=True)
    try:
        sql = f"SELECT id, ord, {', '.join(_CLAUSE_FIELDS)}, search_text, embed_text FROM clauses"
        args: tuple[str, ...] = ()
        if contract is not None:
            sql += " WHERE contract = ?"
            args = (contract,)
        rows = db.execute(sql + " ORDER BY ord", args).fetchall()
    finally:
        db.close()
    out = []
    for row in rows:
        fields = dict(zip(_CLAUSE_FIELDS, row[2:-2], strict=True))
        out.append(StoredClause(int(row[0]), int(row[1]), Clause(**fields), row[-2], row[-1]))
    return out




def clause_texts(gen_dir: Path, contracts: Iterable[str]) -> dict[str, list[str]]:
    """The clause texts (Simplified) of ``contracts`` in generation ``gen_dir``, by contract
    key: one query, no vectors nor search texts."""
    wanted = set(contracts)
    out: dict[str, list[str]] = {k: [] for k in wanted}
    if not wanted:
        return out
    db = sqlite3.connect(f"file:{gen_dir / CLAUSES_DB}?mode=ro", uri=True)
    try:
        for key, text, simplified in db.execute(
                "SELECT contract, text, text_simplified FROM clauses ORDER BY ord"):
            if key in wanted:
                out[key].append(simplified or text)
    finally:
        db.close()
    return out
