"""Uploads held for an admin's answer (替换 / 保留原文件 under a replacement, 新建集合 / 取消
under a new collection) outlive a restart: the question's token and where the upload goes are
kept in a small record beside the staged file, in its hidden staging folder (``.uploads``,
never read by a build), and read back when the bot starts. The record holds no server path
(where the upload goes is written relative to the folder of its staging area), and it goes
with its staging folder: when the upload is answered, or is dropped as stale."""

from __future__ import annotations

import json
import logging
import re
import time
from pathlib import Path
from typing import Any

from index import write_atomic

from .uploads import STAGING, STALE, PendingUpload

log = logging.getLogger(__name__)
RECORD = ".held.json"  # an upload's name never starts with a dot (filenames.safe_name)
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
