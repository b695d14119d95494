"""Building an index generation from contract files: plan → rows → embed → write, the per-file
work in worker processes (fenced) or on a Dask cluster."""

from __future__ import annotations

from . import versions
from .cluster import ClusterAddressError, ClusterError, cluster_address
from .collections import DEFAULT_COLLECTION, collection_of
from .fence import BuildStopped, Limits
from .parallel import Reading, read_contracts
from .pipeline import build_from_sources, build_index
from .plan import Parser
from .report import REVISION_ADVICE, BuildReport, name_in, revision_why, source_names
from .sources import EMPTY_FOLDER, collect_sources, missing_sources, not_a_source
from .versions import contract_parser, redone_after_upgrade, source_hash

__all__ = ["DEFAULT_COLLECTION", "EMPTY_FOLDER", "REVISION_ADVICE", "TEXT_VERSION",
           "BuildReport", "BuildStopped",
           "ClusterAddressError", "ClusterError", "Limits", "Parser", "Reading",
           "build_from_sources", "build_index", "cluster_address",
           "collect_sources", "collection_of", "contract_parser", "missing_sources",
           "name_in", "not_a_source", "read_contracts", "redone_after_upgrade",
           "revision_why", "source_hash", "source_names"]


def __getattr__(name: str) -> int:
    """``TEXT_VERSION``, read from its one home, ``versions``, when asked for: a copy made at
    import kept its value when that home was patched."""
    if name == "TEXT_VERSION":
        return int(getattr(versions, name))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
