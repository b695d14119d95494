"""Hubness: how close a clause's vector sits to many others. A clause near everything (a
general clause, boilerplate that many contracts word alike) wins questions it does not answer
on its cosine alone; ranking takes a share of this from its dense score
(``index/search/hubs.py``).

A clause's hubness is its mean cosine to its ``HUB_K`` nearest other clauses, copies (cosine
above ``COPY``: the same text in two files, and the clause itself) left out, against at most
``REFERENCE_CAP`` evenly spaced clauses. A build computes it for every clause of the new
generation and stores it beside the vectors (``HUBS``, recorded in the manifest), so loading
reads it, at every size; a generation built before stop 42 has no such file and its hubness
is computed at load (docs/retrieval.md, stop 41 and 42).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import IndexDamagedError
from .blas import one_blas_thread
from .generations import HUBS

HUB_K = 20  # nearest clauses a hubness is the mean of
COPY = 0.98  # cosine above which another clause is a copy, not a neighbour
REFERENCE_CAP = 5_000  # clauses each clause is compared with, at most
BLOCK = 1_024  # rows compared at once (a block's product is BLOCK x reference floats)


def hubness(matrix: np.ndarray, *, k: int = HUB_K, cap: int = REFERENCE_CAP) -> np.ndarray:
    """Each row's mean cosine to its ``k`` nearest rows of the reference (every row, or
    ``cap`` evenly spaced ones), rows above ``COPY`` left out; zeros when there are fewer
    than two rows. ``matrix`` holds unit vectors, one row per clause."""
    n = len(matrix)
    out = np.zeros(n, dtype=np.float32)
    if n < 2 or k < 1:
        return out
    reference = matrix if n <= cap else matrix[np.linspace(0, n - 1, cap).astype(np.int64)]
    take = min(k, len(reference) - 1)
    for start in range(0, n, BLOCK):
        sims = matrix[start:start + BLOCK] @ reference.T
        sims[sims > COPY] = -1.0
        nearest = -np.partition(-sims, take - 1, axis=1)[:, :take]
        out[start:start + BLOCK] = nearest.mean(axis=1)
    return out


@dataclass(frozen=True)
class StoredHubness:
    """How a generation's hubness file was computed, as its manifest records it: a file
    computed with other parameters than this code's is not read (the load computes it)."""

    file: str = HUBS
    k: int = HUB_K
    copy: float = COPY
    reference_cap: int = REFERENCE_CAP
    reference_rows: int = 0  # the clauses each was compared with: min(clauses, cap)

    @property
    def current(self) -> bool:
        """Whether it was computed as this code computes it."""
        return (self.file, self.k, self.copy, self.reference_cap) == (
            HUBS, HUB_K, COPY, REFERENCE_CAP)

    def as_json(self) -> dict[str, object]:
        """The record as the manifest writes it."""
        return {"file": self.file, "k": self.k, "copy": self.copy,
                "reference_cap": self.reference_cap, "reference_rows": self.reference_rows}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StoredHubness:
        """Read a record the manifest wrote."""
        return cls(str(data.get("file") or ""), int(data.get("k") or 0),
                   float(data.get("copy") or 0.0), int(data.get("reference_cap") or 0),
                   int(data.get("reference_rows") or 0))


def write_hubs(gen_dir: Path, vectors: np.ndarray) -> StoredHubness:
    """Compute the hubness of every clause of a new generation (``vectors`` in clause order)
    and write it to ``HUBS`` (float32, no pickle); returns what the manifest records. On one
    BLAS thread: the bot builds in the process that answers questions."""
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    with one_blas_thread():
        hubs = hubness(matrix)
    with (gen_dir / HUBS).open("wb") as f:
        np.save(f, hubs, allow_pickle=False)
    return StoredHubness(reference_rows=min(len(matrix), REFERENCE_CAP))


def read_hubs(gen_dir: Path, stored: StoredHubness | None, clauses: int) -> np.ndarray | None:
    """The stored hubness of a generation of ``clauses`` clauses; None when its manifest
    records none (built before stop 42) or one computed otherwise than this code does. A file
    the manifest records that is missing or of another length raises (damage)."""
    if stored is None or not stored.current:
        return None
    if not (gen_dir / HUBS).is_file():
        raise IndexDamagedError(f"the index generation {gen_dir.name} cannot be read "
                                f"(missing {HUBS})")
    hubs = np.load(gen_dir / HUBS, allow_pickle=False)
    if hubs.dtype != np.float32 or hubs.shape != (clauses,):
        raise ValueError(f"{HUBS} holds {hubs.dtype} {hubs.shape} where the generation "
                         f"has {clauses} clauses")
    return np.asarray(hubs)
