"""Reading the scanned pages of one source: OCR results cached by content hash, progress per page.

The cache is the one piece of I/O around OCR: a folder (beside the index, passed in) holding one
plain JSON file per source content, ``<blake2b of the file and the OCR engine>.json``, with the
pages read so far. An unchanged scan is never read twice, and a build stopped mid-way resumes
where it stopped. A cache that cannot be read or written is ignored: OCR then simply runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .ocr import OcrPage, engine_version, read_page

PageProgress = Callable[[int, int], None]  # (pages done, pages of this source)
_CACHE_FORMAT = 2  # 2: the cells of ruled tables (OcrPage.tables)


@dataclass(frozen=True)
class OcrOptions:
    """Where OCR results are cached (None: nowhere), whom to tell about each page read, and on
    how many cores to read (None: all)."""

    cache_dir: Path | None = None
    on_page: PageProgress | None = None
    threads: int | None = None


def content_key(path: Path) -> str:
    """The cache key of a source: a hash of its bytes and of the OCR engine that reads them."""
    h = hashlib.blake2b(digest_size=16)
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return _with_engine(h)


def data_key(data: bytes) -> str:
    """``content_key`` of a source already in memory (a cluster build ships its bytes)."""
    return _with_engine(hashlib.blake2b(data, digest_size=16))


def _with_engine(h: Any) -> str:
    h.update(f"\0{engine_version()}\0{_CACHE_FORMAT}".encode())
    return str(h.hexdigest())


def read_scans(
    path: Path, pages: Sequence[tuple[int, Callable[[], Any]]], options: OcrOptions
) -> dict[int, OcrPage]:
    """OCR of ``pages`` of ``path`` ((page number, a function rendering its image)), from the
    cache when this content was read before; each page read is cached at once."""
    if not pages:
        return {}
    key = content_key(path) if options.cache_dir is not None else ""
    cached = _load(options.cache_dir, key)
    out: dict[int, OcrPage] = {}
    if options.on_page is not None:
        options.on_page(0, len(pages))
    for done, (number, render) in enumerate(pages, 1):
        page = cached.get(number)
        if page is None:
            page = read_page(render(), threads=options.threads)
            cached[number] = page
            _store(options.cache_dir, key, cached)
        out[number] = page
        if options.on_page is not None:
            options.on_page(done, len(pages))
    return out


def cached_ocr(folder: Path, key: str) -> str | None:
    """What OCR read of the content ``key``, as its cache file's JSON text (None: nothing yet):
    shipped to a cluster worker, which has no cache of its own."""
    try:
        return (folder / f"{key}.json").read_text("utf-8")
    except OSError:
        return None


def keep_ocr(folder: Path, key: str, data: str) -> None:
    """Keep ``data`` (a cache file's JSON, as a cluster worker sends it back) as what OCR read
    of the content ``key``. Pages of another OCR engine are ignored when loaded, as ever."""
    _write(folder, key, data)


def _load(folder: Path | None, key: str) -> dict[int, OcrPage]:
    if folder is None:
        return {}
    try:
        data = json.loads((folder / f"{key}.json").read_text("utf-8"))
        if data.get("engine") != engine_version():
            return {}
        return {int(n): OcrPage.from_json(p) for n, p in data["pages"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # no cache yet, or a damaged one: read the pages again


def _store(folder: Path | None, key: str, pages: dict[int, OcrPage]) -> None:
    """Keep the pages read so far of the content ``key``."""
    if folder is None:
        return
    data = {"engine": engine_version(),
            "pages": {str(n): p.as_json() for n, p in sorted(pages.items())}}
    _write(folder, key, json.dumps(data, ensure_ascii=False))


def _write(folder: Path, key: str, text: str) -> None:
    """Write a cache file whole under a temporary name, then rename it into place."""
    tmp = folder / f".{key}.{os.getpid()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, "utf-8")
        os.replace(tmp, folder / f"{key}.json")
    except OSError:  # a read-only index: OCR still works, only slower next time
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
