"""What a build did: counts, failures and notes per source, and how much was reused."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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
    repaired: str = ""  # why the live generation could not be read (all was read again)
    kept: tuple[tuple[str, str], ...] = ()  # (failed source, what of it the index kept)
    # (folder source as given, contracts): two or more folder sources whose contracts all lie
    # directly in them, so in collection default (collections.flat_roots)
    flat_roots: tuple[tuple[str, int], ...] = ()

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
            return (f"nothing could be indexed ({_count(len(self.failed), 'source')} skipped); "
                    "no index was written")
        dropped = f"{len(self.dropped)} dropped; " if self.dropped else ""
        repaired = (f" (it replaces an index that could not be read: {self.repaired})"
                    if self.repaired else "")
        return (
            f"indexed {_count(self.contracts, 'contract')}, {_count(self.clauses, 'clause')} "
            f"({self.parsed} parsed, {self.reused} reused, {_count(self.embedded, 'text')} embedded"
            f"{f', {self.cached} from the cache of an unfinished build' if self.cached else ''}); "
            f"{dropped}{len(self.failed)} failed; generation {self.generation}{repaired}"
        )
