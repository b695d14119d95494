"""The plan stage's safety rules, decided before anything is written, so that a mistake (a
mistyped path, an empty folder, one folder of a two-folder library) never costs the live index.

- A build rebuilds the source roots it is given, or, given none, the ones the index remembers.
- A root that does not exist stops the build (MissingSourceError).
- A build that would leave the index empty, drop more than half of its contracts, or drop the
  contracts of a source root it remembers that this build leaves out (one folder of a
  two-folder library) or finds empty, or of a collection folder it finds empty
  (``lib/customer-a``, a disk not mounted there), stops (WouldDropError) unless ``replace``
  says that is what the user wants. Dropping what disappeared from the sources themselves is
  an ordinary rebuild.
- A build with another encoder than the live index's stops (WouldChangeEncoderError) unless
  ``replace``.
- A build that would put a file the index holds in another collection than it is in (the
  same file read from other roots: ``lib/customer-a`` given where ``lib`` was) stops
  (WouldMoveError) unless ``replace``: chats given its collection would lose it, and chats
  given the new one (``default``) would read it. A file moved on disk to another collection's
  folder is followed: indexed where it now lies, under its key, and the build names the move
  (moved_contracts).
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

from ..errors import (
    IndexDamagedError,
    NoIndexToRebuildError,
    NoSourcesError,
    WouldChangeEncoderError,
    WouldDropError,
    WouldMoveError,
)
from ..models import Contract
from ..store import (
    Manifest,
    SourceEntry,
    current_generation,
    generation_dir,
    named_generation,
    read_manifest,
    remembered_roots,
    require_generation,
)
from .report import source_names
from .sources import EMPTY_FOLDER, missing_sources


def live_manifest(index_dir: Path) -> Manifest | None:
    """The manifest of the live generation of ``index_dir``, None when there is none;
    IndexDamagedError when it cannot be read (or the pointer names one that is gone)."""
    gen = current_generation(index_dir)
    if gen is None and named_generation(index_dir) is not None:
        require_generation(index_dir)  # raises: the generation it names is gone
    return None if gen is None else read_manifest(generation_dir(index_dir, gen))


def resolve_roots(sources: Sequence[Path] | None, index_dir: Path) -> tuple[Path, ...]:
    """The roots a build reads: ``sources`` as given, or (None) the ones the index remembers.

    NoSourcesError when there are none (NoIndexToRebuildError: none given, and no index), or
    one is the index folder itself;
    MissingSourceError, naming them as given, when any does not exist."""
    if sources is None:
        try:
            live = live_manifest(index_dir)
            remembered = live.roots if live is not None else ()
        except IndexDamagedError as err:  # the last whole generation remembers them too
            live, remembered = None, remembered_roots(index_dir)
            if not remembered:
                raise NoSourcesError(f"no SOURCES given, and {err}, so the sources it "
                                     "remembers are unknown: give them") from None
        if live is None and not remembered:
            raise NoIndexToRebuildError(index_dir)
        if not remembered:
            raise NoSourcesError(f"no SOURCES given, and the index at {index_dir} does not "
                                 "remember its sources (built by an older version): give them")
        roots = [Path(r) for r in remembered]
    else:
        roots = [Path(s) for s in sources]
        if not roots:
            raise NoSourcesError("no sources given")
    missing = [r for r in roots if not r.exists()]
    if missing:
        raise missing_sources(missing)
    own = index_dir.resolve()
    for root in roots:  # an index inside a source folder is fine, and the other way round
        if root.resolve() == own:
            raise NoSourcesError(f"the source {root} is the index folder: give the contracts' "
                                 "folder and --index DIR apart")
    return tuple(dict.fromkeys(roots))


def root_names(roots: Sequence[Path]) -> tuple[str, ...]:
    """The roots as the manifest records them: absolute, each once, a link kept as the link
    (``contracts -> releases/v2``, switched on each deploy: the next build reads where it
    points then)."""
    return tuple(dict.fromkeys(os.path.abspath(r) for r in roots))


def _under(path: Path, root: Path) -> bool:
    """True when ``path`` is ``root`` or inside it."""
    return path == root or root in path.parents


def dropped_sources(kept: Collection[str], live: Manifest | None) -> tuple[SourceEntry, ...]:
    """The live index's contracts a build keeping the contract keys ``kept`` would drop."""
    return tuple(s for s in live.sources if s.contract not in kept) if live else ()


def moved_contracts(placed: Iterable[Contract], live: Manifest | None,
                    ) -> tuple[tuple[str, str, str], ...]:
    """(source, collection before, collection now) of each of the contracts ``placed`` that the
    live index holds, under its key, in another collection: a file the operator moved on disk
    from ``customer-a/`` to ``customer-b/``, or a move --replace allowed. Chats given the old
    collection no longer read it, chats given the new one do: the build says so."""
    before = {s.contract: s.collection for s in live.sources} if live else {}
    return tuple((c.source, before[c.key], c.collection) for c in placed
                 if c.key in before and before[c.key] != c.collection)


def held_empty(folders: Sequence[Path], live: Manifest | None) -> tuple[tuple[str, str], ...]:
    """(folder, EMPTY_FOLDER) for each of the empty collection folders ``folders`` under which
    the index ``live`` holds a contract: a failure of the build that the rule on dropping
    refuses. One whose collection the index does not hold (a new customer's folder, not
    filled yet) is nothing to say."""
    held = [Path(s.source) for s in live.sources] if live is not None else []
    return tuple((str(f), EMPTY_FOLDER) for f in folders
                 if any(_under(s, p) for s in held
                        for p in (Path(os.path.abspath(f)), f.resolve())))


def check_encoder(live: Manifest | None, encoder: str, *, replace: bool) -> None:
    """WouldChangeEncoderError when the live index holds contracts embedded with another
    encoder than ``encoder``, unless ``replace``: an encoder set differently by mistake (another
    shell, another ``.env``) would re-embed everything and leave an index that whatever serves
    the old one cannot read."""
    if replace or live is None or not live.sources or live.encoder == encoder:
        return
    raise WouldChangeEncoderError(live.encoder, encoder, sum(s.clauses for s in live.sources))


def check_drops(kept: Collection[str], live: Manifest | None, *, roots: Sequence[str],
                replace: bool, failed: Sequence[tuple[str, str]] = ()) -> None:
    """WouldDropError unless keeping the contracts ``kept`` (keys) is safe: the index would not
    be left empty, at most half of its contracts would go, and none would go because a root
    it remembers is left out of this build or is an empty folder now, or because a collection
    folder is (a disk not mounted: an ordinary build never empties a source it remembers).
    ``replace`` allows all of these.
    ``failed`` (files this build could not index, and sources it found empty) travel with the
    error."""
    refusal = drop_refusal(kept, live, roots=roots, replace=replace, failed=failed)
    if refusal is not None:
        raise refusal


def drop_refusal(kept: Collection[str], live: Manifest | None, *, roots: Sequence[str],
                 replace: bool, failed: Sequence[tuple[str, str]] = ()) -> WouldDropError | None:
    """The WouldDropError ``check_drops`` raises for these contracts, None when it raises none.
    Keeping fewer contracts never makes a refused build safe, so a build refused for the
    contracts its files' names promise is refused whatever reading them gives."""
    if replace or live is None or not live.sources:
        return None
    dropped = dropped_sources(kept, live)
    # a root found empty (an unmounted disk's mount point) counts as left out
    found_empty = {os.path.abspath(s) for s, reason in failed if reason == EMPTY_FOLDER}
    # a root is compared as recorded and where it leads (older indexes recorded the latter;
    # sources are recorded resolved)
    new_roots = [p for r in roots if os.path.abspath(r) not in found_empty
                 for p in (Path(r), Path(r).resolve())]
    left_out = [Path(r) for r in live.roots
                if not any(_under(p, n) for p in (Path(r), Path(r).resolve())
                           for n in new_roots)]
    lost_roots = tuple(str(r) for r in left_out
                       if any(_under(Path(s.source), p) for s in dropped
                              for p in (r, r.resolve())))
    # a collection folder found empty (lib/customer-a of lib) whose contracts would go
    given = {os.path.abspath(r) for r in roots}
    collections = tuple(dict.fromkeys(
        s for s, reason in failed if reason == EMPTY_FOLDER and os.path.abspath(s) not in given
        and any(_under(Path(d.source), p) for d in dropped
                for p in (Path(os.path.abspath(s)), Path(s).resolve()))))
    empty = not kept
    if (not empty and 2 * len(dropped) <= len(live.sources) and not lost_roots
            and not collections):
        return None
    emptied = tuple(r for r in lost_roots if os.path.abspath(r) in found_empty)
    missing = tuple(r for r in lost_roots if r not in emptied)
    return WouldDropError(_file_names(dropped, live), len(live.sources),
                          empty=empty, failed=tuple(failed), missing_roots=missing,
                          empty_roots=() if empty else emptied,
                          empty_collections=() if empty else collections,
                          keys=tuple(s.contract for s in dropped),
                          names=_failed_names(failed, live, roots))


def check_moves(placed: Iterable[tuple[str, str]], live: Manifest | None, *,
                replace: bool, failed: Sequence[tuple[str, str]] = (),
                roots: Sequence[str] = ()) -> None:
    """WouldMoveError when a file the live index holds would be in another collection, unless
    ``replace``: ``placed`` gives (source, resolved as the manifest records it; collection) of
    each file this build indexes. ``failed`` (files this build could not index, such as one
    refused because the move puts another file of its name in its collection) travel with the
    error, named from the build's ``roots``."""
    refusal = move_refusal(placed, live, replace=replace, failed=failed, roots=roots)
    if refusal is not None:
        raise refusal


def move_refusal(placed: Iterable[tuple[str, str]], live: Manifest | None, *,
                 replace: bool, failed: Sequence[tuple[str, str]] = (),
                 roots: Sequence[str] = ()) -> WouldMoveError | None:
    """The WouldMoveError ``check_moves`` raises for these files, None when it raises none
    (also for an index written before collections were recorded: none of its contracts was in
    one)."""
    if replace or live is None or not live.sources or not live.collections_recorded:
        return None
    before = {s.source: s for s in live.sources}
    moved = [(before[source], collection) for source, collection in dict(placed).items()
             if source in before and before[source].collection != collection]
    if not moved:
        return None
    names = _file_names([s for s, _ in moved], live)
    return WouldMoveError(tuple((name, s.collection, new)
                                for name, (s, new) in zip(names, moved, strict=True)),
                          len(live.sources), roots=live.roots,
                          keys=tuple(s.contract for s, _ in moved), failed=tuple(failed),
                          names=_failed_names(failed, live, roots))


def _file_names(entries: Sequence[SourceEntry], live: Manifest) -> tuple[str, ...]:
    """The file name of each of ``entries`` (contracts of ``live``), or its path from its
    source root when another contract of ``live`` has that file name (report.source_names)."""
    names = dict(source_names([s.source for s in entries],
                              among=[s.source for s in live.sources], roots=live.roots))
    return tuple(names.get(s.source) or Path(s.source).name for s in entries)


def _failed_names(failed: Sequence[tuple[str, str]], live: Manifest,
                  roots: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """How the ``failed`` sources of a refused build are named (report.source_names): their
    path from the build's ``roots`` when another of them or of ``live``'s has their name."""
    said = [s for s, _ in failed]
    return source_names(said, among=[*(s.source for s in live.sources), *said], roots=roots)
