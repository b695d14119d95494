"""Plan a build: for each source file, carry its contract over from the previous generation
(content unchanged) or parse it; files that cannot be indexed are failures with a reason.

A source that is still there but cannot be indexed this time (its permissions changed, a copy
still being written, a folder the build may not list) keeps the contracts the previous
generation has from it (``BuildPlan.kept`` says so): only a source that is gone drops them."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import SourceError
from ..models import DEFAULT_COLLECTION, Contract, key_stem
from ..parse import check_source
from ..store import RowRef, file_hash
from .keys import Named, assign_keys
from .previous import Previous
from .sources import EMPTY_FOLDER

KEPT_FILE = "the version indexed before is kept"
KEPT_FOLDER = "the contracts indexed from it before are kept"
# a failed source's earlier version that cannot be kept: its collection has its name now
LOST_REASON = "the version indexed before is dropped: {}"
# why a file whose collection has another file of its contract's name is not indexed
CLASH_REASON = "another source of its collection already has the contract name {}"
_CLASH_PREFIX = CLASH_REASON.split("{", 1)[0]
# ... when the build cannot reuse the previous generation: the clauses it stored are indexed
# again (embedded with this build's encoder, tokenized with its tokenizer)
AGAIN_FILE, AGAIN_FOLDER = "its clauses indexed again", "their clauses indexed again"

Parser = Callable[[Path], Contract]
# Reads files elsewhere (worker processes): each file's contract, or why it was not read.
Reader = Callable[[Sequence[Path]], dict[Path, Contract | str]]
# The contracts indexed before, with their clauses, by (source, hash): read when needed.
Indexed = Callable[[], Mapping[tuple[str, str], Contract]]


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
    again: bool = False  # not read: its clauses as indexed before, to index again


@dataclass(frozen=True)
class BuildPlan:
    """The sources to index in order, and those that failed with their reasons."""

    items: tuple[Reused | Parsed, ...]
    failed: tuple[tuple[str, str], ...]
    kept: tuple[tuple[str, str], ...] = ()  # (failed source, what of it was carried over)
    # (source indexed before, why it is dropped): a contract of a failed source that could not
    # be carried over, for another file of its collection has its name now
    lost: tuple[tuple[str, str], ...] = ()

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


def plan_build(files: Sequence[Path], previous: Previous | None, parse: Parser | None = None,
               *, salt: bytes = b"", failed: Sequence[tuple[str, str]] = (),
               progress: bool | None = None, reader: Reader | None = None,
               collection: Callable[[Path], str] = lambda _: DEFAULT_COLLECTION,
               known_keys: Mapping[str, str] | None = None,
               indexed: Indexed | None = None,
               stem_of: Callable[[Path], str] | None = None) -> BuildPlan:
    """Reuse or parse each file; ``failed`` are earlier failures (missing sources) to keep.

    Each contract is keyed by ``keys.assign_keys``: ``collection`` tells a file's collection,
    ``known_keys`` the key each source (resolved) had in the index before, kept.

    The files to parse are read by ``reader`` (worker processes: in parallel, each within its
    limits) or, without one, by ``parse`` here, one after the other. A file that is still
    there but cannot be read keeps what ``previous`` has of it or, with no ``previous`` to
    carry rows from, what ``indexed`` gives of it, indexed again.

    ``stem_of`` tells the key stem a file's contract will have from its name (the standard
    parser's): a file that would clash with an unchanged one of its collection is refused
    before it is read, so nothing of it is read or embedded for nothing."""
    failures = list(failed)
    known_keys = known_keys or {}
    triaged: list[Reused | tuple[Path, str]] = []
    for path in files:
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
        if previous is not None and old is not None:
            triaged.append(Reused(path, old, digest, previous.rows_of.get(old.key, ())))
        else:
            triaged.append((path, digest))
    clashed = _certain_clashes(triaged, stem_of, collection, known_keys)
    triaged = [t for t in triaged if isinstance(t, Reused) or t[0] not in clashed]
    to_read = [t[0] for t in triaged if isinstance(t, tuple)]
    if reader is not None:
        read = reader(to_read)
    else:
        assert parse is not None
        read = _parse_here(to_read, parse, progress)
    ready: list[Reused | Parsed] = []
    for item in triaged:
        if isinstance(item, Reused):
            ready.append(item)
            continue
        path, digest = item
        contract = read[path]
        if isinstance(contract, str):
            failures.append((str(path), contract))
        elif not contract.clauses:
            failures.append((str(path), "no clauses found"))
        else:
            ready.append(Parsed(path, contract, digest))
    before = dict(known_keys)
    before.update((str(i.path.resolve()), i.contract.key) for i in ready if isinstance(i, Reused))
    keyed = assign_keys([Named(str(i.path.resolve()), collection(i.path),
                               key_stem(i.contract.key)) for i in ready], before)
    failures.extend((str(path), _clash(stem)) for path, stem in clashed.items())
    items: list[Reused | Parsed] = []
    for one, key in zip(ready, keyed, strict=True):
        if key is None or (isinstance(one, Reused) and key != one.contract.key):
            failures.append((str(one.path), _clash(key_stem(one.contract.key))))
        elif isinstance(one, Parsed):
            items.append(replace(one, contract=one.contract.rekeyed(key)))
        else:
            items.append(one)
    taken = _Taken({item.contract.key for item in items},
                   {(collection(item.path), key_stem(item.contract.key)) for item in items},
                   collection)
    lost: list[tuple[str, str]] = []
    kept = [] if previous is None and indexed is None else [
        (source, note) for source, reason in failures
        if (note := _keep_unread(source, reason, previous, indexed, taken, items, lost))
        is not None]
    return BuildPlan(tuple(items), tuple(failures), tuple(kept), tuple(lost))


def _clash(stem: str) -> str:
    """Why a file whose collection has another file of its contract's name is not indexed."""
    return CLASH_REASON.format(stem)


def _certain_clashes(triaged: Sequence[Reused | tuple[Path, str]],
                     stem_of: Callable[[Path], str] | None, collection: Callable[[Path], str],
                     known_keys: Mapping[str, str]) -> dict[Path, str]:
    """The files to read (with their stem) that ``keys.assign_keys`` refuses whatever reading
    gives, told by their names (``stem_of``): an unchanged file of their collection, carried
    over with its key, has their stem, and they had no key of that stem before (which might
    win it). None without ``stem_of``: another parser's keys are known once it has read."""
    if stem_of is None:
        return {}
    held = {(collection(t.path), key_stem(t.contract.key)) for t in triaged
            if isinstance(t, Reused)}
    out: dict[Path, str] = {}
    for item in triaged:
        if isinstance(item, Reused):
            continue
        path, stem = item[0], stem_of(item[0])
        old = known_keys.get(str(path.resolve()))
        if (collection(path), stem) in held and (old is None or key_stem(old) != stem):
            out[path] = stem
    return out


@dataclass(frozen=True)
class _Taken:
    """What the contracts of a plan hold: their keys, and (collection, file stem) of each (one
    file of a name per collection), as ``collection`` tells a file's collection."""

    keys: set[str]
    names: set[tuple[str, str]]
    collection: Callable[[Path], str]

    def take(self, at: Path, key: str) -> bool:
        """Whether the contract ``key`` of the file ``at`` may join them (it does)."""
        name = (self.collection(at), key_stem(key))
        if key in self.keys or name in self.names:
            return False
        self.keys.add(key)
        self.names.add(name)
        return True


def _keep_unread(source: str, reason: str, previous: Previous | None, indexed: Indexed | None,
                 taken: _Taken, items: list[Reused | Parsed],
                 lost: list[tuple[str, str]]) -> str | None:
    """What is kept of ``source``, which failed for ``reason``: when it is still there, the
    contracts the previous generation has from it (the file, or every file under the folder)
    are carried over into ``items`` (without ``previous``, those ``indexed`` gives, to be
    indexed again); None when there are none. An empty source folder keeps nothing: emptying
    a folder is how a library is emptied (``--replace``); nor does a file refused because
    another file of its collection has its name, and no contract is kept whose key or name
    (in its collection) another contract of the plan holds: the index never ends with two
    files of one name in a collection; each such contract is added to ``lost``, with why."""
    path = Path(source)
    if reason == EMPTY_FOLDER or reason.startswith(_CLASH_PREFIX) or not os.path.lexists(path):
        return None
    where = path.parent.resolve() / path.name  # the link itself, when it is one
    versions = previous.contracts if previous is not None else indexed() if indexed else {}
    kept = 0
    for (src, digest), contract in versions.items():
        at = Path(src)
        if at != where and where not in at.parents:
            continue
        if not taken.take(at, contract.key):
            lost.append((src, LOST_REASON.format(_clash(key_stem(contract.key)))))
            continue
        items.append(Reused(at, contract, digest, previous.rows_of.get(contract.key, ()))
                     if previous is not None else Parsed(at, contract, digest, again=True))
        kept += 1
    if not kept:
        return None
    folder = where.is_dir() and not where.is_symlink()
    if previous is None:
        return f"{KEPT_FOLDER}, {AGAIN_FOLDER}" if folder else f"{KEPT_FILE}, {AGAIN_FILE}"
    return KEPT_FOLDER if folder else KEPT_FILE


def _parse_here(paths: Sequence[Path], parse: Parser,
                progress: bool | None) -> dict[Path, Contract | str]:
    """Parse each file in this process: its contract, or why it could not be parsed."""
    out: dict[Path, Contract | str] = {}
    bar = progress_bar(len(paths), progress, "parsing")
    for path in paths:
        bar.update(1)
        try:
            out[path] = parse(path)
        except SourceError as err:
            out[path] = err.reason
        except Exception as err:  # a parser bug in one file must not stop the others
            out[path] = f"could not be parsed ({type(err).__name__}: {err})"
    bar.close()
    return out
