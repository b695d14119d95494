"""Hubness in ranking: a clause near everything (a general clause, boilerplate that many
contracts word alike) wins questions it does not answer on its cosine alone, so a share of its
hubness (``index/store/hubs.py``: its mean cosine to its nearest other clauses, stored by the
build) is taken from its dense score (docs/retrieval.md, stop 41)."""

from __future__ import annotations

import numpy as np


def less_hubness(dense: np.ndarray, hubs: np.ndarray, weight: float) -> np.ndarray:
    """``dense`` (cosines) less ``weight`` times each clause's hubness: what fusion scales."""
    if not weight:
        return dense
    return (dense - weight * hubs).astype(np.float32)
