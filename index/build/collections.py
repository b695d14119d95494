"""Collections: a contract belongs to the first folder below the source root it was found
under (``sources/customer-a/合同.pdf`` -> ``customer-a``); files directly in a root, and files
named on their own, are in ``default``."""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from dataclasses import replace
from pathlib import Path

from ..models import DEFAULT_COLLECTION
from .plan import BuildPlan


def _placed(path: Path, roots: Sequence[Path]) -> tuple[Path, tuple[str, ...]] | None:
    """The folder root that decides the collection of source file ``path`` (the deepest one
    that holds it), and the path's parts below it; None when no folder root holds it."""
    resolved = Path(os.path.realpath(path))  # Path.resolve raises on a link loop (3.11)
    best: tuple[int, Path, tuple[str, ...]] | None = None
    for root in roots:
        if not root.is_dir():
            continue
        base = root.resolve()
        try:
            parts = resolved.relative_to(base).parts
        except ValueError:
            continue
        if best is None or len(base.parts) > best[0]:
            best = (len(base.parts), root, parts)
    return (best[1], best[2]) if best else None


def collection_of(path: Path, roots: Sequence[Path]) -> str:
    """The collection of source file ``path`` given the build's source roots (the deepest
    folder root that holds it decides)."""
    placed = _placed(path, roots)
    if placed is None or len(placed[1]) < 2:
        return DEFAULT_COLLECTION
    return placed[1][0]


def flat_roots(paths: Sequence[Path], roots: Sequence[Path],
               held: Collection[str]) -> tuple[tuple[str, int], ...]:
    """The folder roots (as given) whose contracts, the files ``paths`` of a build, all lie
    directly in them, so in ``default``, each with how many: collection folders given where
    their parent was meant (``lib/customer-a lib/customer-b``). Only when two or more roots
    are such, and the index held (``held``: resolved sources) none of one of them yet: a
    library built that way on purpose is not told again at every rebuild. Else ()."""
    files: dict[Path, list[Path]] = {}
    nested: set[Path] = set()
    for path in paths:
        placed = _placed(path, roots)
        if placed is not None:
            files.setdefault(placed[0], []).append(path)
            if len(placed[1]) > 1:
                nested.add(placed[0])
    flat = [(root, files[root]) for root in roots if root in files and root not in nested]
    if len(flat) < 2 or all(any(str(p.resolve()) in held for p in found) for _, found in flat):
        return ()
    return tuple((str(root), len(found)) for root, found in flat)


def assign_collections(plan: BuildPlan, roots: Sequence[Path]) -> BuildPlan:
    """``plan`` with each contract's collection set from where its file lies (a carried-over
    contract takes its collection from today's roots, not from the previous build)."""
    items = tuple(replace(item, contract=replace(item.contract,
                                                 collection=collection_of(item.path, roots)))
                  for item in plan.items)
    return replace(plan, items=items)
