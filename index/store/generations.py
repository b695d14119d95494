"""Index generations on disk: the pointer to the live one, the build lock, and their folders.

Layout of an index dir::

    CURRENT                   pointer file: the id of the live generation (switched atomically)
    .lock                     fcntl lock held by a build
    generations/<id>/manifest.json, clauses.sqlite, vectors.faiss, bm25/, bm25-titles/,
                    hubs.npy (each clause's hubness; generations built before stop 42 lack it)
    cache/ocr/<hash>.json     what OCR read of each scanned source (kept across generations)

A reader resolves CURRENT once and reads only that generation, so it never sees half an index.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..errors import (
    ContractbotError,
    IndexBusyError,
    IndexDamagedError,
    IndexMissingError,
    IndexWriteError,
)
from .private import PRIVATE_FILE, private_dir

FORMAT_VERSION = 3  # 3: our own BM25 arrays (term counts per clause, reused by builds)
POINTER = "CURRENT"
LOCK = ".lock"
PROBE = ".write-probe"  # a file a build creates and removes to see that it may write
GENERATIONS = "generations"
MANIFEST = "manifest.json"
CLAUSES_DB = "clauses.sqlite"
VECTORS = "vectors.faiss"
BM25_DIR = "bm25"
TITLES_BM25_DIR = "bm25-titles"
HUBS = "hubs.npy"  # float32, one per clause in clause order (store/hubs.py); in the manifest
OCR_CACHE = "cache/ocr"
EMPTY_POINTER = ""  # what ``named_generation`` gives for a pointer file with nothing in it


@contextlib.contextmanager
def readable(gen_dir: Path) -> Iterator[None]:
    """Reading generation ``gen_dir``: whatever reading it fails with (a file missing or cut
    short, a corrupt database or vector file) becomes IndexDamagedError naming it, an error a
    user can act on (rebuild) instead of a crash."""
    try:
        yield
    except ContractbotError:
        raise
    except (OSError, RuntimeError, ValueError, KeyError, TypeError, sqlite3.Error) as err:
        missing = missing_parts(gen_dir)
        reason = (f"missing {', '.join(missing)}" if missing
                  else f"{type(err).__name__}: {first_line(err)}")
        raise IndexDamagedError(f"the index generation {gen_dir.name} cannot be read "
                                f"({reason})") from err


@contextlib.contextmanager
def writable(gen_dir: Path) -> Iterator[None]:
    """Writing generation ``gen_dir`` and switching to it: whatever the system refuses (a full
    disk, a folder that cannot be written) removes what was written of it and becomes
    IndexWriteError, the live generation untouched; so does a stop (Ctrl-C, SIGTERM) before the
    switch, which goes on as it came."""
    try:
        yield
    except ContractbotError:
        shutil.rmtree(gen_dir, ignore_errors=True)
        raise
    except (OSError, RuntimeError, sqlite3.Error) as err:
        shutil.rmtree(gen_dir, ignore_errors=True)
        if isinstance(err, OSError):
            reason = err.strerror or type(err).__name__
            reason += f": {err.filename}" if err.filename else ""
        else:  # faiss: "… write error in …/vectors.faiss: 1 != 2 (File too large)"
            line = first_line(err)
            last = re.search(r"\(([^()]+)\)$", line)
            reason = f"{last[1]}: {gen_dir / VECTORS}" if last and VECTORS in line else (
                line or type(err).__name__)
        raise IndexWriteError(f"cannot write the new index generation {gen_dir.name} "
                              f"({reason})") from err
    except BaseException:  # Ctrl-C, SIGTERM: what was written of it goes, unless it went live
        if named_generation(gen_dir.parent.parent) != gen_dir.name:
            shutil.rmtree(gen_dir, ignore_errors=True)
        raise


def require_writable(index_dir: Path) -> None:
    """IndexWriteError unless a build can write ``index_dir`` (its pointer) and its
    generations folder: said before the sources are read and embedded, not at the switch."""
    for folder in (index_dir, index_dir / GENERATIONS):
        if not folder.is_dir():
            continue
        probe = folder / f"{PROBE}.{os.getpid()}"
        try:
            os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                             PRIVATE_FILE))
            probe.unlink()
        except OSError as err:
            raise IndexWriteError(f"the index folder {folder} cannot be written "
                                  f"({err.strerror or type(err).__name__})") from None


def first_line(err: Exception) -> str:
    """What went wrong, without a library's source locations ("Error in faiss::… at
    /project/faiss/…/io.cpp:69: Error: …")."""
    text = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return re.sub(r"^Error in .*? at \S+:\d+: (?:Error: )?", "", text)


def missing_parts(gen_dir: Path) -> tuple[str, ...]:
    """The files and folders of generation ``gen_dir`` that are not there (deleted by hand, a
    copy that did not finish): a check that reads nothing, for ``index status``."""
    parts = (MANIFEST, CLAUSES_DB, VECTORS, BM25_DIR, TITLES_BM25_DIR)
    return tuple(p for p in parts if not (gen_dir / p).exists()
                 or ((gen_dir / p).is_dir() and not any((gen_dir / p).iterdir())))


def ocr_cache_dir(index_dir: Path) -> Path:
    """Where the index keeps what OCR read of scans and images, by content hash."""
    return Path(index_dir) / OCR_CACHE


def file_hash(path: Path, extra: bytes = b"") -> str:
    """Content hash of a source file (plus anything else that changes its parse)."""
    h = hashlib.blake2b(digest_size=16)
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    h.update(extra)
    return h.hexdigest()


def named_generation(index_dir: Path) -> str | None:
    """The generation the pointer names, whether or not it is there (EMPTY_POINTER for a
    pointer that names none: damage too); None without a pointer."""
    try:
        gen = (index_dir / POINTER).read_text("utf-8").strip()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    return gen or EMPTY_POINTER


def current_generation(index_dir: Path) -> str | None:
    """Id of the live generation, or None when the dir holds no index (or the pointer names a
    generation that is gone: ``named_generation`` tells the two apart)."""
    gen = named_generation(index_dir)
    return gen if gen and (index_dir / GENERATIONS / gen / MANIFEST).is_file() else None


def whole_generations(index_dir: Path) -> list[str]:
    """The generations with their manifest, newest first: what is left when the pointer names
    one that is gone (deleted by hand, a copy cut short) or damaged, to keep and rebuild from."""
    root = index_dir / GENERATIONS
    if not root.is_dir():
        return []
    return sorted((g.name for g in root.iterdir() if (g / MANIFEST).is_file()), reverse=True)


def newest_whole_generation(index_dir: Path) -> str | None:
    """The newest of ``whole_generations``, if any."""
    return next(iter(whole_generations(index_dir)), None)


def generation_dir(index_dir: Path, gen: str) -> Path:
    """Folder of one generation."""
    return index_dir / GENERATIONS / gen


def require_generation(index_dir: Path) -> Path:
    """Folder of the live generation; IndexMissingError when there is none."""
    gen = current_generation(index_dir)
    if gen is None:
        named = named_generation(index_dir)
        if named == EMPTY_POINTER:  # a copy to a full disk: damage, not none
            raise IndexDamagedError(f"the index pointer {POINTER} is empty")
        if named is not None:  # the pointer names a generation that is gone: damage, not none
            missing = ", ".join(missing_parts(generation_dir(index_dir, named)))
            raise IndexDamagedError(f"the index generation {named} cannot be read (missing "
                                    f"{missing})")
        raise IndexMissingError(f"no index at {index_dir}")
    return generation_dir(index_dir, gen)


def sync_dir(path: Path) -> None:
    """fsync every file in ``path`` and the directory itself: a generation is on disk before
    the pointer names it, so even a power cut cannot leave the pointer at half-written files."""
    for item in [*sorted(path.rglob("*"), reverse=True), path]:  # files before their folders
        try:
            fd = os.open(item, os.O_RDONLY)
        except OSError:
            if item.is_dir():  # folders cannot be opened on some systems (Windows): skip them
                continue
            raise
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def switch_generation(index_dir: Path, gen: str) -> None:
    """Make ``gen`` live with one atomic rename of the pointer file."""
    tmp = index_dir / f".{POINTER}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE_FILE)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(gen + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, index_dir / POINTER)


def cleanup_generations(index_dir: Path, keep: Sequence[str]) -> None:
    """Delete generations other than ``keep`` (the current and the previous one), and any
    file among them (a write probe left by a build killed while it checked the folder); and
    in the index folder, the write probe or temporary pointer of a build killed while it
    checked the folder or switched the pointer (builds hold the lock: none is this one's)."""
    for stray in (*index_dir.glob(f"{PROBE}.*"), *index_dir.glob(f".{POINTER}.*.tmp")):
        if stray.is_file() or stray.is_symlink():
            stray.unlink(missing_ok=True)
    root = index_dir / GENERATIONS
    if not root.is_dir():
        return
    for child in root.iterdir():
        if child.name in keep:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def remove_unused(index_dir: Path) -> None:
    """Delete ``index_dir`` when a build made it and left nothing in it but its lock file and
    empty folders (no generation, no cached vector or page)."""
    if not index_dir.is_dir() or (index_dir / POINTER).exists():
        return
    if all(p.is_dir() or p.name == LOCK for p in index_dir.rglob("*")):
        shutil.rmtree(index_dir, ignore_errors=True)


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index's build lock; IndexBusyError at once if another build holds it."""
    private_dir(index_dir)
    fd = os.open(index_dir / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, PRIVATE_FILE)
    with os.fdopen(fd, "a+") as f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            raise IndexBusyError(f"another index build is running on {index_dir}") from err
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


