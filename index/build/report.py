"""What a build did: counts, failures and notes per source, and how much was reused."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..store import Revision


def _count(n: int, word: str) -> str:
    """``1 contract``, ``2 contracts``: a count and its English noun, plural unless one."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@dataclass(frozen=True)
class BuildReport:
    """The outcome of one build, for the CLI, the bot and cron mail."""

    index_dir: Path
    generation: str
    contracts: int
    clauses: int
    failed: tuple[tuple[str, str], ...] = ()  # (source, reason): not indexed
    parsed: int = 0
    reused: int = 0
    embedded: int = 0
    cached: int = 0  # texts whose vectors an unfinished earlier build had embedded
    sources: int = 0
    notes: tuple[tuple[str, str], ...] = ()  # (source, note): indexed, but changed (split)
    dropped: tuple[str, ...] = ()  # sources of contracts the index held and no longer does
    # (source, collection before, collection now): contracts the index held in another collection
    moved: tuple[tuple[str, str, str], ...] = ()
    repaired: str = ""  # why the live generation could not be read (all was read again)
    kept: tuple[tuple[str, str], ...] = ()  # (failed source, what of it the index kept)
    # (source indexed before, why it is dropped though it is there): a contract of a failed
    # source that could not be kept, another file of its collection having its name now
    lost: tuple[tuple[str, str], ...] = ()
    # (folder source as given, contracts): two or more folder sources whose contracts all lie
    # directly in them, so in collection default (collections.flat_roots)
    flat_roots: tuple[tuple[str, int], ...] = ()
    # (source, how it is named): a source of the messages above whose file name another source
    # of the build has (``source_names``); any other is named by its file name
    names: tuple[tuple[str, str], ...] = ()
    # files that look like two versions of one contract, first seen by this build (the
    # manifest holds every such pair: ``index status``)
    revisions: tuple[Revision, ...] = ()
    # not written, over a live index that holds no contracts (emptied with --replace): it is
    # left as it was
    held_none: bool = False

    def name_of(self, source: str) -> str:
        """How ``source`` (of ``failed``, ``kept``, ``lost``, ``notes``, ``dropped`` or ``moved``)
        is named in a message: its file name, or its path from its source root when another
        source of the build has that file name."""
        return name_in(self.names, source)

    @property
    def written(self) -> bool:
        """Whether a new generation was written (not when there was nothing to index)."""
        return bool(self.generation)

    @property
    def exit_code(self) -> int:
        """0 all indexed, 3 some skipped, 4 nothing indexed."""
        if self.contracts == 0:
            return 4
        return 3 if self.failed else 0

    def summary(self) -> str:
        """One line for logs and cron mail."""
        if not self.written:
            left = ("the index is unchanged: it holds no contracts" if self.held_none
                    else "no index was written")
            return (f"nothing could be indexed ({_count(len(self.failed), 'source')} skipped); "
                    f"{left}")
        gone = len(self.dropped) + len(self.lost)
        dropped = f"{gone} dropped; " if gone else ""
        if self.moved:
            dropped += f"{len(self.moved)} moved to another collection; "
        repaired = (f" (it replaces an index that could not be read: {self.repaired})"
                    if self.repaired else "")
        return (
            f"indexed {_count(self.contracts, 'contract')}, {_count(self.clauses, 'clause')} "
            f"({self.parsed} parsed, {self.reused} reused, {_count(self.embedded, 'text')} embedded"
            f"{f', {self.cached} from the cache of an unfinished build' if self.cached else ''}); "
            f"{dropped}{len(self.failed)} failed; generation {self.generation}{repaired}"
        )


def revision_why(revision: Revision) -> str:
    """Why two files look like two versions of one contract, in the command line's words."""
    why = [f"{revision.same} of {revision.of} clauses word for word"] if revision.same else []
    if revision.by_name:
        why.append("one's file name is the other's with a version marker")
    return "; ".join(why)


# what a build says of a pair it sees first: both answer; what to do
REVISION_ADVICE = ("both are indexed and both answer, so a question may get the same clause twice "
                   "or the old one first: move the one no longer in force out of the sources and "
                   "build again (the build drops it; an uploaded one: /remove in the bot)")


def name_in(names: Iterable[tuple[str, str]], source: str) -> str:
    """How ``source`` is named in a message, given ``names`` (``source_names``): as there, or
    by its file name."""
    return dict(names).get(source) or Path(source).name


def source_names(sources: Iterable[str], *, among: Iterable[str],
                 roots: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """(source, name) for each of ``sources`` whose file name another of ``among`` (every
    source of the build: the files it found, those that failed, those it dropped) has: its
    path from the folder of ``roots`` that holds it (``customer-b/合同.pdf`` for a build of
    ``lib``), with as many folders above as tell it from the others of that name
    (``customer-b/合同.pdf`` too for a build of ``lib/customer-a lib/customer-b``), or, when
    none does, its whole path. Two files of one name are never named alike in a message."""
    everywhere = {os.path.abspath(s) for s in [*among, *sources]}
    by_name: dict[str, list[str]] = {}
    for path in everywhere:
        by_name.setdefault(os.path.basename(path), []).append(path)
    bases = [os.path.abspath(r) for r in roots]
    out: dict[str, str] = {}
    for source in sources:
        path = os.path.abspath(source)
        others = [o for o in by_name[os.path.basename(path)] if o != path]
        if others and source not in out:
            out[source] = _distinct_tail(path, others, _depth(path, bases))
    return tuple(out.items())


def _depth(path: str, roots: Sequence[str]) -> int:
    """How many parts of ``path`` lie below the deepest of the folder ``roots`` holding it (1:
    none holds it)."""
    below = [len(Path(path).relative_to(r).parts) for r in roots
             if Path(r) in Path(path).parents]
    return min(below, default=1)


def _distinct_tail(path: str, others: Sequence[str], depth: int) -> str:
    """The last ``depth`` parts of ``path`` or more, as few as no other of ``others`` ends in;
    the whole path when every tail is another's too."""
    parts = Path(path).parts
    for n in range(depth, len(parts)):
        tail = parts[-n:]
        if all(Path(o).parts[-n:] != tail for o in others):
            return "/".join(tail)
    return path
