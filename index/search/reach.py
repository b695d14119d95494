"""What a question may reach: the contracts of some collections, and what a hit carries along.

A chat limited to collections searches under a mask of their clauses, and names contracts only
among their titles, so a contract of another collection is answered exactly like one that does
not exist. Per collection set, the keys, mask and title index are computed once per generation.
A hit carries its sub-clauses (a heading is quoted with them), its contract's file name (with
its collection when another reachable file has that name), the name its contract goes by in
reach (``names``) and whether another reachable contract has the same title.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..models import Clause, Hit, goes_by, names_among, shown_source
from ..text import normalize_text
from .generation import LoadedGeneration
from .scope import TitleIndex

Collections = frozenset[str] | None  # None: every collection
_CACHED_SETS = 32  # collection sets whose mask and titles are kept per generation


@dataclass(frozen=True)
class _Within:
    """What one set of collections reaches in a generation."""

    keys: frozenset[str]  # its contracts
    mask: np.ndarray  # bool: their clauses
    positions: np.ndarray  # the same clauses' positions
    titles: TitleIndex  # their titles, for scope detection


class Reach:
    """Collection filters and hit context over one loaded generation (thread-safe)."""

    def __init__(self, gen: LoadedGeneration) -> None:
        self._gen = gen
        self._lock = threading.Lock()
        self._cache: dict[frozenset[str], _Within] = {}
        self._shared: dict[Collections, frozenset[str]] = {}
        self._names: dict[Collections, dict[str, str]] = {}
        self._children: list[list[int]] | None = None
        self._positions = {id(c): i for i, c in enumerate(gen.clauses)}  # the same objects

    def _within(self, collections: frozenset[str]) -> _Within:
        with self._lock:
            found = self._cache.get(collections)
        if found is not None:
            return found
        gen = self._gen
        keys = frozenset(k for k, c in gen.contracts.items() if c.collection in collections)
        mask = np.fromiter((k in keys for k in gen.contract_of), dtype=bool,
                           count=len(gen.contract_of))
        found = _Within(keys, mask, np.flatnonzero(mask),
                        TitleIndex({k: t for k, t in gen.titles.items() if k in keys}))
        with self._lock:
            if len(self._cache) >= _CACHED_SETS:
                self._cache.pop(next(iter(self._cache)))
            self._cache[collections] = found
        return found

    def position(self, clause: Clause) -> int | None:
        """Where ``clause`` (an object of this generation) is in its clause order."""
        return self._positions.get(id(clause))

    def keys(self, collections: Collections) -> frozenset[str] | None:
        """Keys of the contracts in ``collections`` (None: all)."""
        return None if collections is None else self._within(collections).keys

    def mask(self, collections: Collections) -> np.ndarray | None:
        """Boolean mask of their clauses (None: all)."""
        return None if collections is None else self._within(collections).mask

    def subset(self, collections: Collections) -> tuple[frozenset[str], np.ndarray] | None:
        """(key, clause positions) of ``collections`` for dense search (None: all)."""
        return None if collections is None else (collections,
                                                 self._within(collections).positions)

    def titles(self, collections: Collections) -> TitleIndex:
        """The title index scope detection uses: only reachable contracts' titles."""
        return self._gen.title_index if collections is None else self._within(collections).titles

    def reaches(self, contract: str, collections: Collections) -> bool:
        """Whether ``contract`` is indexed and inside ``collections``."""
        keys = self.keys(collections)
        return contract in self._gen.contracts and (keys is None or contract in keys)

    def shared_titles(self, collections: Collections) -> frozenset[str]:
        """Normalised titles that more than one reachable contract has (kept per set)."""
        found = self._shared.get(collections)
        if found is None:
            keys = self.keys(collections)
            seen: dict[str, int] = {}
            for key, title in self._gen.titles.items():
                if keys is None or key in keys:
                    norm = normalize_text(title)
                    seen[norm] = seen.get(norm, 0) + 1
            found = frozenset(t for t, n in seen.items() if n > 1)
            with self._lock:
                if len(self._shared) >= _CACHED_SETS:
                    self._shared.pop(next(iter(self._shared)))
                self._shared[collections] = found
        return found

    def names(self, collections: Collections) -> dict[str, str]:
        """What each reachable contract is called here: its file stem, or ``collection/stem``
        when another reachable contract has that stem (kept per set). A chat limited to one
        collection never sees that a key was qualified for a file of another one."""
        found = self._names.get(collections)
        if found is None:
            keys = self.keys(collections)
            reachable = [(c.collection, k) for k, c in self._gen.contracts.items()
                         if keys is None or k in keys]
            found = dict(zip((k for _, k in reachable), names_among(reachable), strict=True))
            with self._lock:
                if len(self._names) >= _CACHED_SETS:
                    self._names.pop(next(iter(self._names)))
                self._names[collections] = found
        return found

    def named(self, name: str, collections: Collections) -> list[str]:
        """Keys of the reachable contracts ``name`` names: by key, by file stem, or by
        ``collection/stem``; several when the name is ambiguous here."""
        name = name.strip()
        keys = self.keys(collections)
        return [k for k, c in self._gen.contracts.items()
                if (keys is None or k in keys) and goes_by(name, k, c.collection)]

    def descendants(self, position: int) -> tuple[Clause, ...]:
        """The sub-clauses of the clause at ``position``, all levels, in document order."""
        if self._children is None:
            children: list[list[int]] = [[] for _ in self._gen.clauses]
            for i, p in enumerate(self._gen.features.parent):
                if p >= 0:
                    children[int(p)].append(i)
            self._children = children
        found: list[int] = []
        stack = list(reversed(self._children[position]))
        while stack:
            i = stack.pop()
            found.append(i)
            stack.extend(reversed(self._children[i]))
        return tuple(self._gen.clauses[i] for i in sorted(set(found)))

    def _named(self, hit: Hit, collections: Collections) -> Hit:
        """``hit`` with its contract's name, file name and whether its title is shared, and
        the names of the contracts of its copies (``also``), as ``collections`` see them."""
        c = hit.clause
        contract = self._gen.contracts.get(c.contract)
        names = self.names(collections)
        name = names.get(c.contract, c.contract)
        source = shown_source(name, Path(contract.source).name
                              if contract and contract.source else "")
        return dataclasses.replace(
            hit, source=source, name=name,
            shared_title=normalize_text(hit.title) in self.shared_titles(collections),
            also_names=tuple(names.get(a.contract, a.contract) for a in hit.also))

    def with_context(self, hits: Iterable[Hit], collections: Collections) -> tuple[Hit, ...]:
        """``hits`` (with their copies, ``also``) with their sub-clauses, file names, whether
        their title is shared and their copies' names."""
        out = []
        for hit in hits:
            pos = self.position(hit.clause)
            children = self.descendants(pos) if pos is not None else ()
            out.append(self._named(Hit(hit.clause, hit.title, hit.score, children=children,
                                       also=hit.also), collections))
        return tuple(out)

    def seen_from(self, hits: Iterable[Hit], collections: Collections) -> tuple[Hit, ...]:
        """Hits kept from an earlier search (a page for 更多) as ``collections`` see them now:
        those of a contract out of their reach (or no longer indexed) left out, unless a copy
        of the clause (``also``) is in reach, which is quoted in its place; the others named as
        these collections name them (no file name, collection or copy in a file they do not
        reach, though the chat read more when it asked)."""
        out: list[Hit] = []
        for hit in hits:
            copies = tuple(a for a in hit.also if self.reaches(a.contract, collections))
            if self.reaches(hit.clause.contract, collections):
                out.append(self._named(dataclasses.replace(hit, also=copies), collections))
            elif copies:  # the same words in a file they read: what a search now would give
                first = copies[0]
                out.extend(self.with_context([Hit(
                    first, self._gen.titles.get(first.contract, hit.title), hit.score,
                    also=copies[1:])], collections))
        return tuple(out)
