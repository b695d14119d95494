"""Plan a build: for each source file, carry its contract over from the previous generation
(content unchanged) or parse it; files that cannot be indexed are failures with a reason."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SourceError
from ..models import Contract
from ..parse import check_source
from ..store import RowRef, file_hash
from .previous import Previous

Parser = Callable[[Path], Contract]


@dataclass(frozen=True)
class Reused:
    """A source whose content is unchanged: its contract and rows come from the previous
    generation."""

    path: Path
    contract: Contract  # without clauses
    digest: str
    refs: tuple[RowRef, ...]


@dataclass(frozen=True)
class Parsed:
    """A new or changed source, parsed into its clause tree."""

    path: Path
    contract: Contract
    digest: str


@dataclass(frozen=True)
class BuildPlan:
    """The sources to index in order, and those that failed with their reasons."""

    items: tuple[Reused | Parsed, ...]
    failed: tuple[tuple[str, str], ...]

    @property
    def notes(self) -> list[tuple[str, str]]:
        """(source, note) of every indexed source that parsing changed (split clauses)."""
        return [(str(item.path), n) for item in self.items for n in item.contract.notes]


def progress_bar(total: int, enabled: bool | None, desc: str) -> Any:
    """A tqdm bar on stderr; by default only when stderr is a terminal."""
    from tqdm import tqdm

    if enabled is None:
        enabled = sys.stderr.isatty()
    return tqdm(total=total, desc=desc, disable=not enabled, file=sys.stderr, leave=False)


class PageBar:
    """The progress bar of the pages OCR reads in a build (scans take seconds a page), shown
    under the parsing bar from the first scanned page on; each source adds its pages."""

    def __init__(self, enabled: bool | None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=0, desc="OCR", unit="page", disable=not self.enabled,
                            file=sys.stderr, leave=False, position=1)
        if done == 0:
            self.bar.total += total
            self.bar.refresh()
        else:
            self.bar.update(1)

    def close(self) -> None:
        """Remove the bar (if one was shown)."""
        if self.bar is not None:
            self.bar.close()


def plan_build(files: Sequence[Path], previous: Previous | None, parse: Parser, *,
               salt: bytes = b"", failed: Sequence[tuple[str, str]] = (),
               progress: bool | None = None) -> BuildPlan:
    """Reuse or parse each file; ``failed`` are earlier failures (missing sources) to keep."""
    items: list[Reused | Parsed] = []
    failures = list(failed)
    keys: set[str] = set()
    bar = progress_bar(len(files), progress, "parsing")
    for path in files:
        bar.update(1)
        try:  # a file extraction would not read is named with its reason, and not hashed
            check_source(path)
        except SourceError as err:
            failures.append((str(path), err.reason))
            continue
        try:
            digest = file_hash(path, salt)
        except OSError as err:
            failures.append((str(path), f"cannot read file: {err.strerror or err}"))
            continue
        old = previous.contracts.get((str(path.resolve()), digest)) if previous else None
        if previous is not None and old is not None and old.key not in keys:
            keys.add(old.key)
            items.append(Reused(path, old, digest, previous.rows_of.get(old.key, ())))
            continue
        try:
            contract = parse(path)
        except SourceError as err:
            failures.append((str(path), err.reason))
            continue
        except Exception as err:  # a parser bug in one file must not stop the others
            failures.append((str(path), f"could not be parsed ({type(err).__name__}: {err})"))
            continue
        if contract.key in keys:
            failures.append((str(path), f"another source already has the contract name "
                                        f"{contract.key}"))
        elif not contract.clauses:
            failures.append((str(path), "no clauses found"))
        else:
            keys.add(contract.key)
            items.append(Parsed(path, contract, digest))
    bar.close()
    return BuildPlan(tuple(items), tuple(failures))
