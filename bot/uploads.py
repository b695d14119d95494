"""Uploaded contracts on disk: a checked name, a private staging file, and a move into place
that never destroys what it replaces.

An upload is downloaded into ``<folder>/.uploads/<random>/`` (hidden folders are not sources)
and read there. Only then is it moved into the sources folder: with a hard link that fails if
the name was taken meanwhile, or, replacing a file of the same name, with one atomic rename;
neither follows a link at the target. The files it replaces (same stem, any extension) are
first linked into ``<folder>/.replaced/<time>-<stem>/``, so an undo can put them back: for
``UNDO_DAYS``, after which the folder is swept (``held.drop_old_backups``).
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import filecmp
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from index import (
    SOURCE_SUFFIXES,
    Contract,
    ContractbotError,
    Reading,
    SourceEntry,
    index_status,
    key_stem,
    private_dir,
    read_contracts,
    source_hash,
)

STAGING = ".uploads"
REPLACED = ".replaced"
STALE = 24 * 3600.0  # seconds after which an unconfirmed upload is dropped
# How long 撤销替换 works, across restarts: a wrong replacement is noticed when the contract is
# next asked about, and a week spans a weekend and a working week; its backup folder (the
# replaced files, and the upload once undone) is swept after it, so .replaced does not grow.
UNDO_DAYS = 7
UNDO_WINDOW = UNDO_DAYS * 24 * 3600.0


def _own_dir(path: Path) -> Path:
    """``path`` as a private folder of ours; a link there is refused, never followed."""
    if path.is_symlink():
        raise OSError(f"{path.name} is a symbolic link")
    return private_dir(path)


def open_staging(folder: Path, name: str) -> tuple[Path, BinaryIO]:
    """A new private file ``name`` under ``folder``'s staging area, open for writing."""
    drop_stale_staging(folder)
    area = Path(tempfile.mkdtemp(dir=_own_dir(folder / STAGING)))
    path = area / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    return path, os.fdopen(fd, "wb")


def discard(staged: Path) -> None:
    """Remove a staged upload and its staging folder."""
    shutil.rmtree(staged.parent, ignore_errors=True)


def drop_stale_staging(folder: Path, *, older_than: float = STALE) -> None:
    """Remove staging folders left by uploads never confirmed (or by a crash)."""
    area = folder / STAGING
    if not area.is_dir() or area.is_symlink():
        return
    limit = time.time() - older_than
    for item in area.iterdir():
        if item.is_dir() and not item.is_symlink() and item.stat().st_mtime < limit:
            shutil.rmtree(item, ignore_errors=True)


def same_name(folder: Path, stem: str) -> list[Path]:
    """Entries of ``folder`` (files or links) a build would index under the key ``stem``."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.stem == stem and p.suffix.lower() in SOURCE_SUFFIXES
                  and not p.name.startswith(".") and (p.is_symlink() or not p.is_dir()))


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` lies inside ``folder`` (both resolved)."""
    return path.resolve().is_relative_to(folder.resolve())


def check_upload(path: Path, *, rules_file: Path | None = None,
                 ocr_cache: Path | None = None,
                 reading: Reading | None = None) -> Contract | str:
    """The contract of a staged upload, or why it cannot be indexed (its reason in the
    words ``index status`` uses); a scan read here is kept in ``ocr_cache`` for the build. It
    is read in a worker process within the limits of ``reading``: a file that would take too
    long or too much memory costs that process, never the bot's."""
    try:
        contract = read_contracts([path], rules_file=rules_file, ocr_cache=ocr_cache,
                                  reading=reading)[path]
    except ContractbotError as err:  # the bot is stopping
        return str(err)
    if isinstance(contract, str):
        return contract
    return contract if contract.clauses else "no clauses found"


def indexed_namesakes(target: Path, *, index_dir: Path, collection: str) -> list[Path]:
    """The files (still there) of the indexed contracts of ``target``'s file name in its
    ``collection``; none with no index yet, and never another collection's."""
    try:
        indexed = index_status(index_dir).sources
    except ContractbotError:  # no index yet
        return []
    return [Path(e.source) for e in indexed if key_stem(e.contract) == target.stem
            and e.collection == collection and Path(e.source).is_file()]


def indexed_copy(staged: Path, target: Path, *, index_dir: Path, collection: str,
                 rules_file: Path | None = None) -> SourceEntry | None:
    """The indexed contract of ``collection`` that holds exactly the bytes of ``staged``, both
    in the index (its manifest's hash, as a build with ``rules_file`` records it) and in its
    file, still there (a file edited on the server since the last build holds other text than
    the index, and the next build reads the file): the one at ``target`` first; None with no
    index or no such contract. Only files of its size are read."""
    try:
        indexed = index_status(index_dir).sources
    except ContractbotError:  # no index yet
        return None
    digest = source_hash(staged, rules_file=rules_file)
    size = staged.stat().st_size
    here = os.path.realpath(target)
    mine = sorted((e for e in indexed if e.collection == collection and e.hash == digest),
                  key=lambda e: os.path.realpath(e.source) != here)
    for entry in mine:
        source = Path(entry.source)
        try:
            if source.is_file() and source.stat().st_size == size \
                    and filecmp.cmp(source, staged, shallow=False):
                return entry
        except OSError:  # gone or unreadable meanwhile: not a copy we can vouch for
            continue
    return None


def to_replace(target: Path, *, sources: Path, index_dir: Path, collection: str) -> list[Path]:
    """What moving an upload to ``target`` replaces: entries of its folder with its stem in
    any extension (x.docx beside x.txt), and the source of the indexed contract of that file
    name in its ``collection`` when it lies inside ``sources``; never another collection's
    file of the same name."""
    found = same_name(target.parent, target.stem)
    seen = {os.path.realpath(p) for p in found}  # not Path.resolve: a link loop raises there
    return found + [p for p in indexed_namesakes(target, index_dir=index_dir,
                                                 collection=collection)
                    if os.path.realpath(p) not in seen and inside(p, sources)]


def saved_unindexed(staged: Path, target: Path, replaced: Sequence[Path], *, index_dir: Path,
                    collection: str) -> bool:
    """Whether what an upload would replace is only the file at ``target``, holding its very
    bytes and not indexed: saved by an earlier upload whose rebuild could not run (another
    build held the index). Indexing it replaces nothing. (One indexed, then edited on the
    server, is not: the admin is asked, as for any replacement.)"""
    if list(replaced) != [target] or target.is_symlink():
        return False
    indexed = indexed_namesakes(target, index_dir=index_dir, collection=collection)
    if any(os.path.realpath(p) == os.path.realpath(target) for p in indexed):
        return False
    try:
        return target.is_file() and filecmp.cmp(target, staged, shallow=False)
    except OSError:  # gone or unreadable meanwhile: not a file we can vouch for
        return False


def held_elsewhere(target: Path, *, sources: Path, index_dir: Path,
                   collection: str) -> list[Path]:
    """The indexed namesakes of ``target`` that lie outside ``sources`` (a library indexed
    with `contractbot index build`): an upload can neither replace them (it never moves the
    operator's files, ``to_replace``) nor be indexed beside them (one name per collection)."""
    return [p for p in indexed_namesakes(target, index_dir=index_dir, collection=collection)
            if not inside(p, sources)]


@dataclass(frozen=True)
class Replacement:
    """An upload moved into place and what it replaced: enough to undo it."""

    installed: Path
    backup: Path  # the folder under .replaced holding the replaced files
    saved: tuple[tuple[Path, Path], ...] = ()  # (where a replaced file was, its copy in backup)
    created: float = field(default_factory=time.time)  # its undo lasts UNDO_WINDOW from then

    @property
    def names(self) -> list[str]:
        """Names of the replaced files."""
        return [original.name for original, _ in self.saved]


def install(staged: Path, target: Path, replaced: Sequence[Path], *, sources: Path) -> Replacement:
    """Move ``staged`` to ``target`` and ``replaced`` out of the way, keeping copies of them
    under ``sources``/.replaced; FileExistsError when ``target`` appeared meanwhile."""
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
    backup = sources / REPLACED / f"{stamp}-{target.stem}-{secrets.token_hex(3)}"
    saved = []
    if replaced:
        _own_dir(backup.parent)
        backup.mkdir(mode=0o700)
        for i, old in enumerate(replaced):
            copy = backup / f"{i}-{old.name}"
            os.link(old, copy, follow_symlinks=False)
            saved.append((old, copy))
    if any(old == target for old in replaced):
        os.replace(staged, target)  # one atomic rename; a link at target is replaced, not followed
    else:
        os.link(staged, target, follow_symlinks=False)  # never overwrites
        staged.unlink()
    discard(staged)
    for old in replaced:
        if old != target:
            old.unlink()
    return Replacement(target, backup, tuple(saved))


def undo(replacement: Replacement) -> None:
    """Put the replaced files back and keep the upload beside their copies (swept with them).
    Nothing is moved when a copy is gone (its backup was removed: FileNotFoundError) or a
    replaced file's place is taken by another file (FileExistsError)."""
    new = replacement.installed
    if missing := [copy.name for _, copy in replacement.saved if not os.path.lexists(copy)]:
        raise FileNotFoundError(f"the backup of {', '.join(missing)} is gone")
    if taken := [old.name for old, _ in replacement.saved if old != new and os.path.lexists(old)]:
        raise FileExistsError(f"{', '.join(taken)} is there again")
    if new.exists() or new.is_symlink():
        replacement.backup.mkdir(mode=0o700, exist_ok=True)
        os.replace(new, replacement.backup / f"undone-{new.name}")
    for original, copy in replacement.saved:
        os.link(copy, original, follow_symlinks=False)
        copy.unlink()


def remove_new(replacement: Replacement) -> None:
    """Take back an upload that replaced nothing (it could not be indexed)."""
    replacement.installed.unlink(missing_ok=True)


@dataclass(frozen=True)
class PendingUpload:
    """A read upload waiting for the admin to confirm that it replaces an indexed contract."""

    staged: Path
    target: Path
    created: float = field(default_factory=time.time)


class UploadBook:
    """Uploads awaiting an answer and replacements that can be undone, by button token; at
    most ``limit`` of each (the oldest go first: a dropped pending upload is discarded)."""

    def __init__(self, limit: int = 50) -> None:
        self.limit = limit
        self.pending: dict[str, PendingUpload] = {}
        self.answered: dict[str, None] = {}  # tokens of the newest answered uploads
        self.undoable: dict[str, Replacement] = {}
        self.lock = asyncio.Lock()  # one batch of moves into place (placing.py) or undo at a time

    def ask(self, upload: PendingUpload) -> str:
        """Keep ``upload`` until it is answered; returns its token."""
        token = secrets.token_hex(4)
        self.pending[token] = upload
        while len(self.pending) > self.limit:
            discard(self.pending.pop(next(iter(self.pending))).staged)
        return token

    def restore(self, held: Iterable[tuple[str, PendingUpload]]) -> None:
        """Keep uploads held before a restart under their tokens (oldest first)."""
        for token, upload in held:
            self.pending[token] = upload
        while len(self.pending) > self.limit:
            discard(self.pending.pop(next(iter(self.pending))).staged)

    def answer(self, token: str) -> PendingUpload | None:
        """The pending upload of ``token`` (removed), or None when unknown or stale."""
        upload = self.pending.pop(token, None)
        if upload is not None and time.time() - upload.created > STALE:
            discard(upload.staged)
            return None
        if upload is not None:
            self.answered[token] = None
            while len(self.answered) > self.limit:
                self.answered.pop(next(iter(self.answered)))
        return upload

    def was_answered(self, token: str) -> bool:
        """Whether the upload of ``token`` was answered already (as far as the last ``limit``
        answered go, since the bot started)."""
        return token in self.answered

    def keep_undo(self, replacement: Replacement) -> str:
        """Remember ``replacement`` for an undo button; returns its token."""
        token = secrets.token_hex(4)
        self.undoable[token] = replacement
        while len(self.undoable) > self.limit:
            self.undoable.pop(next(iter(self.undoable)))  # its copies stay in .replaced
        return token

    def restore_undo(self, kept: Iterable[tuple[str, Replacement]]) -> None:
        """Offer again the undos kept before a restart under their tokens (oldest first)."""
        for token, replacement in kept:
            self.undoable[token] = replacement
        while len(self.undoable) > self.limit:
            self.undoable.pop(next(iter(self.undoable)))

    def take_undo(self, token: str) -> Replacement | None:
        """The replacement of ``token`` (removed), or None when unknown or past its
        ``UNDO_WINDOW`` (its backup may be swept)."""
        replacement = self.undoable.pop(token, None)
        if replacement is not None and time.time() - replacement.created > UNDO_WINDOW:
            return None
        return replacement


def names_of(paths: Iterable[Path]) -> str:
    """File names for a reply: never the folders they are in."""
    return "、".join(dict.fromkeys(p.name for p in paths))
