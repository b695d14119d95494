"""Collections: a contract belongs to the first folder below the source root it was found
under (``sources/customer-a/合同.pdf`` -> ``customer-a``); files directly in a root, and files
named on their own, are in ``default``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ..models import DEFAULT_COLLECTION
from .plan import BuildPlan


def collection_of(path: Path, roots: Sequence[Path]) -> str:
    """The collection of source file ``path`` given the build's source roots (the deepest
    folder root that holds it decides)."""
    resolved = path.resolve()
    best: tuple[int, str] | None = None
    for root in roots:
        if not root.is_dir():
            continue
        base = root.resolve()
        try:
            parts = resolved.relative_to(base).parts
        except ValueError:
            continue
        name = parts[0] if len(parts) > 1 else DEFAULT_COLLECTION
        if best is None or len(base.parts) > best[0]:
            best = (len(base.parts), name)
    return best[1] if best else DEFAULT_COLLECTION


def assign_collections(plan: BuildPlan, roots: Sequence[Path]) -> BuildPlan:
    """``plan`` with each contract's collection set from where its file lies (a carried-over
    contract takes its collection from today's roots, not from the previous build)."""
    items = tuple(replace(item, contract=replace(item.contract,
                                                 collection=collection_of(item.path, roots)))
                  for item in plan.items)
    return replace(plan, items=items)
