"""Reading the scanned pages of one source: OCR results cached by content hash, progress per page.

The cache is the one piece of I/O around OCR: a folder (beside the index, passed in) holding one
plain JSON file per source content, ``<blake2b of the file and the OCR engine>.json``, with the
pages read so far. An unchanged scan is never read twice, and a build stopped mid-way resumes
where it stopped. A cache that cannot be read or written is ignored: OCR then simply runs.

Pages cached in an earlier format (1, before ruled tables were read; 2, before photographed
sheets were flattened; 3, before tables with a cell merged down over rows were found; 4, before
a photo's light was levelled to find its rules) are still
used where this reader would read them the same: a page whose image holds a ruled table or
shows a sheet is read again (``reads_otherwise`` looks at the
image, a tenth of the time OCR takes).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..processes import running
from .ocr import OcrPage, engine_version, read_page, reads_otherwise

PageProgress = Callable[[int, int], None]  # (pages done, pages of this source)
# 2: the cells of ruled tables (OcrPage.tables); 3: sheets flattened; 4: cells merged down;
# 5: rules found in a photo lit from one side (its light levelled first)
_CACHE_FORMAT = 5
_EARLIER_FORMATS = (4, 3, 2, 1)  # their pages are used where the image reads the same now
# a cache file is written whole under this name, then renamed into place (``_write``)
_TEMPORARY = re.compile(r"\.([0-9a-f]{32})\.([0-9]+)\.tmp")
# seconds after which a temporary file is taken for one a killed writer left: once its
# process is gone (the write takes a moment), or whoever wrote it (another machine's process)
STRAY_AFTER, ABANDONED_AFTER = 60.0, 3600.0


@dataclass(frozen=True)
class OcrOptions:
    """Where OCR results are cached (None: nowhere), whom to tell about each page read, and on
    how many cores to read (None: all)."""

    cache_dir: Path | None = None
    on_page: PageProgress | None = None
    threads: int | None = None


def content_keys(path: Path) -> tuple[str, ...]:
    """The cache keys of a source (a hash of its bytes, of the OCR engine and of the cache
    format): this format's, then the earlier formats', newest first."""
    h = hashlib.blake2b(digest_size=16)
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return _with_engine(h)


def data_keys(data: bytes) -> tuple[str, ...]:
    """``content_keys`` of a source already in memory (a cluster build ships its bytes)."""
    return _with_engine(hashlib.blake2b(data, digest_size=16))


def _with_engine(h: Any) -> tuple[str, ...]:
    keys = []
    for fmt in (_CACHE_FORMAT, *_EARLIER_FORMATS):
        k = h.copy()
        k.update(f"\0{engine_version()}\0{fmt}".encode())
        keys.append(str(k.hexdigest()))
    return tuple(keys)


def read_scans(
    path: Path, pages: Sequence[tuple[int, Callable[[], Any]]], options: OcrOptions
) -> dict[int, OcrPage]:
    """OCR of ``pages`` of ``path`` ((page number, a function rendering its image)), from the
    cache when this content was read before; each page read is cached at once."""
    if not pages:
        return {}
    keys = content_keys(path) if options.cache_dir is not None else ("",)
    cached, unchecked = _load(options.cache_dir, keys)
    out: dict[int, OcrPage] = {}
    if options.on_page is not None:
        options.on_page(0, len(pages))
    for done, (number, render) in enumerate(pages, 1):
        page = cached.get(number)
        if page is None or number in unchecked:  # unchecked: read in an earlier format
            image = render()
            if page is None or reads_otherwise(image):
                page = read_page(image, threads=options.threads)
            cached[number] = page
            unchecked.discard(number)
            _store(options.cache_dir, keys[0], cached, unchecked)
        out[number] = page
        if options.on_page is not None:
            options.on_page(done, len(pages))
    return out


def cached_ocr(folder: Path, keys: tuple[str, ...]) -> str | None:
    """What OCR read of the content ``keys`` names, as a cache file's JSON text in this format
    (None: nothing yet): shipped to a cluster worker, which has no cache of its own."""
    try:
        return (folder / f"{keys[0]}.json").read_text("utf-8")
    except OSError:
        pass
    pages, unchecked = _load(folder, ("", *keys[1:]))
    return _cache_text(pages, unchecked) if pages else None


def keep_ocr(folder: Path, key: str, data: str) -> None:
    """Keep ``data`` (a cache file's JSON, as a cluster worker sends it back) as what OCR read
    of the content ``key``. Pages of another OCR engine are ignored when loaded, as ever."""
    _write(folder, key, data)


def _load(folder: Path | None, keys: tuple[str, ...]) -> tuple[dict[int, OcrPage], set[int]]:
    """The pages cached under this format's key, and which of them were read in an earlier
    format (to be checked); else every page of the newest earlier format's file, unchecked."""
    if folder is None:
        return {}, set()
    for i, key in enumerate(keys):
        earlier = i > 0
        try:
            data = json.loads((folder / f"{key}.json").read_text("utf-8"))
            if data.get("engine") != engine_version():
                continue
            pages = {int(n): OcrPage.from_json(p) for n, p in data["pages"].items()}
            unchecked = set(pages) if earlier else {int(n) for n in data.get("unchecked", ())}
            return pages, unchecked
        except (OSError, ValueError, KeyError, TypeError):
            continue  # no cache yet, or a damaged one: read the pages again
    return {}, set()


def _store(folder: Path | None, key: str, pages: dict[int, OcrPage], unchecked: set[int]) -> None:
    """Keep the pages read so far of the content ``key``."""
    if folder is not None:
        _write(folder, key, _cache_text(pages, unchecked))


def _cache_text(pages: dict[int, OcrPage], unchecked: set[int]) -> str:
    """A cache file's JSON: the engine, the pages, and those not yet checked for a table."""
    data: dict[str, Any] = {"engine": engine_version(),
                            "pages": {str(n): p.as_json() for n, p in sorted(pages.items())}}
    if unchecked:
        data["unchecked"] = sorted(unchecked)
    return json.dumps(data, ensure_ascii=False)


def _write(folder: Path, key: str, text: str) -> None:
    """Write a cache file whole under a temporary name, then rename it into place."""
    tmp = folder / f".{key}.{os.getpid()}.tmp"  # _TEMPORARY
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, "utf-8")
        os.replace(tmp, folder / f"{key}.json")
    except OSError:  # a read-only index: OCR still works, only slower next time
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def drop_stray_writes(folder: Path, *, now: float | None = None) -> tuple[str, ...]:
    """Remove the temporary files (``.<key>.<pid>.tmp``) that processes killed while writing to
    the cache ``folder`` left, and return their names: those of a process that is gone, older
    than STRAY_AFTER, and any older than ABANDONED_AFTER. A file another process is writing
    now (a build's worker, ``contractbot parse``, the bot reading an upload) is kept: its
    process runs and its file is seconds old. Nothing else in the folder is touched."""
    now = time.time() if now is None else now
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:  # no cache yet, or one this user cannot list
        return ()
    for entry in entries:
        found = _TEMPORARY.fullmatch(entry.name)
        try:
            if found is None or not entry.is_file(follow_symlinks=False):
                continue
            age = now - entry.stat(follow_symlinks=False).st_mtime
            if age > ABANDONED_AFTER or (age > STRAY_AFTER and not running(int(found[2]))):
                os.unlink(entry.path)
                removed.append(entry.name)
        except OSError:  # gone meanwhile, or another user's: left to them
            continue
    return tuple(removed)
