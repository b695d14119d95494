"""Storage of an index: generations behind an atomic pointer, SQLite rows, FAISS vectors, BM25
arrays, the manifest, and the encoders and tokenizer whose output is stored."""

from __future__ import annotations

from .generations import (
    BM25_DIR,
    CLAUSES_DB,
    FORMAT_VERSION,
    GENERATIONS,
    MANIFEST,
    POINTER,
    TITLES_BM25_DIR,
    VECTORS,
    build_lock,
    cleanup_generations,
    current_generation,
    file_hash,
    generation_dir,
    missing_parts,
    ocr_cache_dir,
    readable,
    require_generation,
    switch_generation,
    sync_dir,
)
from .manifest import Manifest, SourceEntry, read_manifest, write_manifest
from .tables import (
    RowRef,
    StoredClause,
    clause_id,
    read_clauses,
    read_contracts,
    read_row_refs,
    write_tables,
)
from .vectors import read_vectors, reconstruct, write_vectors

__all__ = [
    "BM25_DIR",
    "CLAUSES_DB",
    "FORMAT_VERSION",
    "GENERATIONS",
    "MANIFEST",
    "POINTER",
    "TITLES_BM25_DIR",
    "VECTORS",
    "Manifest",
    "RowRef",
    "SourceEntry",
    "StoredClause",
    "build_lock",
    "clause_id",
    "cleanup_generations",
    "current_generation",
    "file_hash",
    "generation_dir",
    "missing_parts",
    "ocr_cache_dir",
    "read_clauses",
    "read_contracts",
    "read_manifest",
    "read_row_refs",
    "read_vectors",
    "readable",
    "reconstruct",
    "require_generation",
    "switch_generation",
    "sync_dir",
    "write_manifest",
    "write_tables",
    "write_vectors",
]
