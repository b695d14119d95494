"""On-disk index generations: clause metadata (SQLite), vectors (FAISS), BM25, manifest (JSON).

Layout of an index dir::

    CURRENT                   pointer file: the id of the live generation (switched atomically)
    .lock                     fcntl lock held by a build
    generations/<id>/manifest.json, clauses.sqlite, vectors.faiss, bm25/, bm25-titles/

A reader resolves CURRENT once and reads only that generation, so it never sees half an index.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .errors import IndexBusyError, IndexMissingError
from .models import Clause, Contract

FORMAT_VERSION = 3  # 3: our own BM25 arrays (term counts per clause, reused by builds)
POINTER = "CURRENT"
LOCK = ".lock"
GENERATIONS = "generations"
MANIFEST = "manifest.json"
CLAUSES_DB = "clauses.sqlite"
VECTORS = "vectors.faiss"
BM25_DIR = "bm25"
TITLES_BM25_DIR = "bm25-titles"

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


def file_hash(path: Path, extra: bytes = b"") -> str:
    """Content hash of a source file (plus anything else that changes its parse)."""
    h = hashlib.blake2b(digest_size=16)
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    h.update(extra)
    return h.hexdigest()


# ----------------------------------------------------------------------------- pointer & lock


def current_generation(index_dir: Path) -> str | None:
    """Id of the live generation, or None when the dir holds no index."""
    try:
        gen = (index_dir / POINTER).read_text("utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return gen if gen and (index_dir / GENERATIONS / gen / MANIFEST).is_file() else None


def generation_dir(index_dir: Path, gen: str) -> Path:
    """Folder of one generation."""
    return index_dir / GENERATIONS / gen


def require_generation(index_dir: Path) -> Path:
    """Folder of the live generation; IndexMissingError when there is none."""
    gen = current_generation(index_dir)
    if gen is None:
        raise IndexMissingError(
            f"no index at {index_dir}; build one with: contractbot index build SOURCES..."
        )
    return generation_dir(index_dir, gen)


def sync_dir(path: Path) -> None:
    """fsync every file in ``path`` and the directory itself: a generation is on disk before
    the pointer names it, so even a power cut cannot leave the pointer at half-written files."""
    for item in [*sorted(path.rglob("*"), reverse=True), path]:  # files before their folders
        try:
            fd = os.open(item, os.O_RDONLY)
        except OSError:
            if item.is_dir():  # folders cannot be opened on some systems (Windows): skip them
                continue
            raise
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def switch_generation(index_dir: Path, gen: str) -> None:
    """Make ``gen`` live with one atomic rename of the pointer file."""
    tmp = index_dir / f".{POINTER}.{os.getpid()}.tmp"
    tmp.write_text(gen + "\n", "utf-8")
    with tmp.open("rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, index_dir / POINTER)


def cleanup_generations(index_dir: Path, keep: Sequence[str]) -> None:
    """Delete generations other than ``keep`` (the current and the previous one)."""
    root = index_dir / GENERATIONS
    if not root.is_dir():
        return
    for child in root.iterdir():
        if child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index's build lock; IndexBusyError at once if another build holds it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / LOCK).open("a+") as f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            raise IndexBusyError(f"another index build is running on {index_dir}") from err
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


# ----------------------------------------------------------------------------- manifest


def read_manifest(gen_dir: Path) -> dict[str, Any]:
    """The manifest of a generation."""
    return dict(json.loads((gen_dir / MANIFEST).read_text("utf-8")))


def write_manifest(gen_dir: Path, manifest: dict[str, object]) -> None:
    """Write a generation's manifest."""
    (gen_dir / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8"
    )


# ----------------------------------------------------------------------------- metadata


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


def write_metadata(
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
            "script TEXT, source TEXT, hash TEXT, clauses INTEGER)"
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
            "INSERT INTO contracts VALUES (?,?,?,?,?,?,?)",
            [
                (c.key, c.title, json.dumps(c.parties, ensure_ascii=False), c.script,
                 c.source, h, counts.get(c.key, 0))
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
    """Contracts of a generation (without clauses) with their source hashes."""
    db = sqlite3.connect(f"file:{gen_dir / CLAUSES_DB}?mode=ro", uri=True)
    try:
        rows = db.execute(
            "SELECT key, title, parties, script, source, hash FROM contracts ORDER BY rowid"
        ).fetchall()
    finally:
        db.close()
    return [
        (Contract(key=k, title=t, parties=json.loads(p), script=s, source=src), h)
        for k, t, p, s, src, h in rows
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


# ----------------------------------------------------------------------------- vectors


def write_vectors(gen_dir: Path, ids: np.ndarray, vectors: np.ndarray, dim: int,
                  ann_threshold: int | None = None) -> None:
    """Store unit vectors under their ids in a FAISS inner-product IndexIDMap2: exact (flat)
    up to ``ann_threshold`` vectors, an HNSW graph above (index.ann)."""
    import faiss

    from .ann import ANN_THRESHOLD, make_index

    threshold = ANN_THRESHOLD if ann_threshold is None else ann_threshold
    index = make_index(dim, len(ids), threshold)
    if len(ids):
        index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32),
                           np.asarray(ids, dtype=np.int64))
    faiss.write_index(index, str(gen_dir / VECTORS))


def read_vectors(gen_dir: Path):
    """The generation's FAISS index, ready to search."""
    import faiss

    from .ann import prepare_for_search

    return prepare_for_search(faiss.read_index(str(gen_dir / VECTORS)))


def reconstruct(index, ids: Sequence[int]) -> np.ndarray:
    """Stored vectors of ``ids`` (to reuse them in the next generation without re-embedding).

    When the ids are a large share of the index (a rebuild carrying clauses over) all stored
    vectors are read in one pass; a few (one contract's, for a scoped question) one by one."""
    if not ids:
        return np.zeros((0, index.d), dtype=np.float32)
    if len(ids) < 256 or 4 * len(ids) < index.ntotal or not hasattr(index, "id_map"):
        return np.vstack([index.reconstruct(int(i)) for i in ids]).astype(np.float32)
    import faiss

    stored = faiss.vector_to_array(index.id_map)
    order = np.argsort(stored)
    by_id = stored[order]
    want = np.asarray(ids, dtype=np.int64)
    found = np.minimum(np.searchsorted(by_id, want), len(by_id) - 1)
    if not np.array_equal(by_id[found], want):
        missing = want[by_id[found] != want][0]
        raise KeyError(f"vector {int(missing)} is not in the index")
    return index.index.reconstruct_n(0, index.ntotal)[order[found]].astype(np.float32)
