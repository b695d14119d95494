"""Hubness: how close a clause's vector sits to many others. A clause near everything (a
general clause, boilerplate that many contracts word alike) wins questions it does not answer
on its cosine alone; ranking takes a share of this from its dense score (``less_hubness``).

A clause's hubness is its mean cosine to its ``HUB_K`` nearest other clauses, copies (cosine
above ``COPY``: the same text in two files, and the clause itself) left out, against at most
``REFERENCE_CAP`` evenly spaced clauses so that a large index loads in about a second
(docs/retrieval.md, stop 41)."""

from __future__ import annotations

import numpy as np

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


def less_hubness(dense: np.ndarray, hubs: np.ndarray, weight: float) -> np.ndarray:
    """``dense`` (cosines) less ``weight`` times each clause's hubness: what fusion scales."""
    if not weight:
        return dense
    return (dense - weight * hubs).astype(np.float32)
