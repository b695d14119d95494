"""Uploads held for an admin's answer (替换 / 保留原文件 under a replacement, 新建集合 / 取消
under a new collection), and replacements an admin may undo (撤销替换), outlive a restart: the
button's token and what it acts on are kept in a small record beside the files it concerns,
and read back when the bot starts. An upload's record lies beside its staged file, in its
hidden staging folder (``.uploads``, never read by a build); it goes with that folder, when
the upload is answered or dropped as stale. A replacement's lies in its backup folder
(``.replaced``, never read by a build either); an undo spends it, and the folder is swept
``UNDO_DAYS`` after the replacement. A record holds no server path: paths are written
relative to the folder the staging or backup area belongs to."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

from index import write_atomic

from .uploads import REPLACED, STAGING, STALE, UNDO_WINDOW, PendingUpload, Replacement

log = logging.getLogger(__name__)
RECORD = ".held.json"  # an upload's name never starts with a dot (filenames.safe_name)
UNDO_RECORD = ".undo.json"  # in a backup folder: its undo is offered
SPENT_RECORD = ".undone.json"  # its undo was taken: not offered again, swept on time all the same
SWEEP_AFTER = UNDO_WINDOW + 3600.0  # an hour more: an undo taken in its last second has finished
_TOKEN = re.compile("[0-9a-f]{8}")  # UploadBook's tokens


def keep_held(token: str, upload: PendingUpload) -> None:
    """Write the record of ``upload``, held under ``token``, beside its staged file (a record
    that cannot be written costs only the question's life past a restart: logged)."""
    owner = upload.staged.parent.parent.parent  # <folder>/.uploads/<random>/<name>
    record = {"token": token, "target": upload.target.relative_to(owner).as_posix(),
              "created": upload.created}
    text = json.dumps(record, ensure_ascii=False).encode("utf-8")
    try:
        write_atomic(upload.staged.parent / RECORD, lambda f: f.write(text))
    except (OSError, ValueError) as err:
        log.warning("the question about upload %s will not outlive a restart: %s",
                    upload.staged.name, err)


def forget_held(upload: PendingUpload) -> None:
    """Remove ``upload``'s record (it was answered: a restart must not ask again)."""
    (upload.staged.parent / RECORD).unlink(missing_ok=True)


def held_uploads(sources_dir: Path, *, now: float | None = None) -> list[tuple[str, PendingUpload]]:
    """The uploads held for an answer that the staging areas of ``sources_dir`` (its own and
    its collection folders') keep records of, oldest first: those with the expected shape,
    whose staged file is still there and not stale."""
    now = time.time() if now is None else now
    found = []
    for owner in [sources_dir, *_collection_folders(sources_dir)]:
        area = owner / STAGING
        if not area.is_dir() or area.is_symlink():
            continue
        for folder in area.iterdir():
            if folder.is_dir() and not folder.is_symlink() and (held := _held_from(
                    folder, owner, now, top=owner == sources_dir)) is not None:
                found.append(held)
    return sorted(found, key=lambda held: held[1].created)


def _collection_folders(sources_dir: Path) -> list[Path]:
    """The collection folders of the upload folder (none when it is not there yet)."""
    try:
        return [p for p in sources_dir.iterdir()
                if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")]
    except OSError:
        return []


def _held_from(folder: Path, owner: Path, now: float, *,
               top: bool) -> tuple[str, PendingUpload] | None:
    """The held upload of one staging ``folder`` of ``owner``'s area; None when it has no
    record of the expected shape, its staged file is gone or it is stale. Only the upload
    folder's own area (``top``) holds uploads for a new collection's folder."""
    try:
        record: Any = json.loads((folder / RECORD).read_text("utf-8"))
        token, target, created = record["token"], record["target"], record["created"]
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if not (isinstance(token, str) and _TOKEN.fullmatch(token) and isinstance(target, str)
            and isinstance(created, (int, float)) and not isinstance(created, bool)
            and now - STALE < created <= now + 60):
        return None
    parts = target.split("/")
    if not 1 <= len(parts) <= (2 if top else 1) or any(not p or p.startswith(".") for p in parts):
        return None
    staged = folder / parts[-1]
    if staged.is_symlink() or not staged.is_file():
        return None
    return token, PendingUpload(staged, owner.joinpath(*parts), float(created))


def keep_undoable(token: str, done: Replacement, *, sources_dir: Path) -> None:
    """Write the record of replacement ``done``, undone by ``token``, in its backup folder
    under ``sources_dir``, sweeping backups past their undo first (a record that cannot be
    written costs only the undo's life past a restart: logged)."""
    drop_old_backups(sources_dir)
    try:
        record = {"token": token, "installed": _relative(done.installed, sources_dir),
                  "saved": [[_relative(original, sources_dir), copy.name]
                            for original, copy in done.saved],
                  "created": done.created}
        text = json.dumps(record, ensure_ascii=False).encode("utf-8")
        write_atomic(done.backup / UNDO_RECORD, lambda f: f.write(text))
    except (OSError, ValueError) as err:
        log.warning("the undo of upload %s will not outlive a restart: %s",
                    done.installed.name, err)


def spend_undoable(done: Replacement) -> None:
    """Mark the undo of ``done`` taken: a restart does not offer it again (the record stays,
    renamed, and its time still tells when the folder is swept)."""
    try:
        os.replace(done.backup / UNDO_RECORD, done.backup / SPENT_RECORD)
    except FileNotFoundError:  # never kept (its record could not be written)
        pass


def undoable_uploads(sources_dir: Path, *,
                     now: float | None = None) -> list[tuple[str, Replacement]]:
    """The replacements whose undo the backup folders of ``sources_dir`` still offer, oldest
    first: records of the expected shape, within ``UNDO_WINDOW``, whose copies are there."""
    now = time.time() if now is None else now
    found = [kept for folder in _backup_folders(sources_dir)
             if (kept := _undoable_from(folder, sources_dir, now)) is not None]
    return sorted(found, key=lambda kept: kept[1].created)


def drop_old_backups(sources_dir: Path, *, now: float | None = None) -> None:
    """Remove the backup folders of replacements made ``SWEEP_AFTER`` ago (by their record's
    time, never sooner: the undo is offered while now - created is within ``UNDO_WINDOW``).
    A folder without a record, a contract /remove set aside, is the operator's: kept."""
    limit = (time.time() if now is None else now) - SWEEP_AFTER
    for folder in _backup_folders(sources_dir):
        for name in (UNDO_RECORD, SPENT_RECORD):
            record = folder / name
            try:
                if not record.is_symlink() and record.stat().st_mtime < limit:
                    shutil.rmtree(folder)
                    log.info("removed the backup %s: its undo ended", folder.name)
                    break
            except OSError:  # no such record, or it went meanwhile
                continue


def _backup_folders(sources_dir: Path) -> list[Path]:
    """The folders of the backup area of ``sources_dir`` (none when it is not there)."""
    area = sources_dir / REPLACED
    if not area.is_dir() or area.is_symlink():
        return []
    try:
        return [p for p in area.iterdir() if p.is_dir() and not p.is_symlink()]
    except OSError:
        return []


def _relative(path: Path, owner: Path) -> str:
    """``path`` relative to ``owner``, as a record writes it; ValueError when outside."""
    try:
        return path.relative_to(owner).as_posix()
    except ValueError:
        return path.resolve().relative_to(owner.resolve()).as_posix()


def _inside(relative: object, owner: Path) -> Path | None:
    """The path a record's ``relative`` names under ``owner``: a source file there or in a
    collection folder; None for anything else (a hidden part, ``..``, deeper)."""
    if not isinstance(relative, str):
        return None
    parts = relative.split("/")
    if not 1 <= len(parts) <= 2 or any(not p or p.startswith(".") for p in parts):
        return None
    return owner.joinpath(*parts)


def _undoable_from(folder: Path, sources_dir: Path, now: float) -> tuple[str, Replacement] | None:
    """The undo a backup ``folder`` offers; None when it has no record of the expected shape,
    it is past ``UNDO_WINDOW`` or a copy it names is gone."""
    try:
        record: Any = json.loads((folder / UNDO_RECORD).read_text("utf-8"))
        token, installed, saved, created = (
            record["token"], record["installed"], record["saved"], record["created"])
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if not (isinstance(token, str) and _TOKEN.fullmatch(token) and isinstance(saved, list)
            and saved and isinstance(created, (int, float)) and not isinstance(created, bool)
            and now - UNDO_WINDOW < created <= now + 60):
        return None
    pairs = []
    for pair in saved:
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], str)):
            return None
        original, copy = _inside(pair[0], sources_dir), _inside(pair[1], folder)
        if original is None or copy is None or copy.parent != folder \
                or not os.path.lexists(copy):
            return None
        pairs.append((original, copy))
    if (target := _inside(installed, sources_dir)) is None:
        return None
    return token, Replacement(target, folder, tuple(pairs), float(created))
