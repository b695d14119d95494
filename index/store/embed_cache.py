"""Vectors embedded by a build that has not finished yet, kept on disk so that the next build
resumes where a killed one stopped instead of embedding everything again.

Layout, beside the generations (kept across them; plain files, no pickle)::

    cache/embed/<encoder>/<batch>.npy   the batch's vectors, float32, one row per text
                                        (<encoder>: its identity, with the fingerprint of a
                                        sentence-transformers model's files)
    cache/embed/<encoder>/<batch>.json  {"encoder", "dim", "texts": [blake2b of each text]}

A batch is written as its .npy first and its .json last, each by an atomic rename: a batch
without its .json is an unfinished write and is ignored (and removed). A generation written
holds its vectors itself, so a finished build empties its encoder's cache; one that changes
the index's encoder empties every encoder's (``clear_embed_caches``): the builds they would
resume were of an index that is gone, and their vectors would stay on disk for good.

The cache only saves work: a folder of it this build may not write (left by a killed build of
another user, such as root) or a full disk stops the caching, never the build.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import secrets
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from .private import private_dir, write_atomic

EMBED_CACHE = "cache/embed"


def embed_cache_dir(index_dir: Path, encoder: str) -> Path:
    """Where the index keeps the vectors an unfinished build of ``encoder`` embedded."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", encoder).strip("._") or "encoder"
    digest = hashlib.blake2b(encoder.encode(), digest_size=4).hexdigest()
    return Path(index_dir) / EMBED_CACHE / f"{slug[-60:]}-{digest}"


def clear_embed_caches(index_dir: Path) -> None:
    """Remove the vectors of every encoder's unfinished builds."""
    shutil.rmtree(Path(index_dir) / EMBED_CACHE, ignore_errors=True)


def unfinished_texts(index_dir: Path) -> int:
    """How many texts the vectors unfinished builds left in ``index_dir``'s cache are of (every
    encoder's; a batch without its .json is an unfinished write, not counted)."""
    total = 0
    for meta in (Path(index_dir) / EMBED_CACHE).glob("*/*.json"):
        try:
            total += len(json.loads(meta.read_text("utf-8"))["texts"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return total


def text_key(text: str) -> str:
    """The cache key of one text."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class EmbedCache:
    """The vectors of one encoder's unfinished builds, by text."""

    def __init__(self, folder: Path, encoder: str, dim: int) -> None:
        self.folder = folder
        self.encoder = encoder
        self.dim = dim
        self._where: dict[str, tuple[Path, int]] = {}  # text key -> (.npy, row)
        self._arrays: dict[Path, np.ndarray] = {}
        self._writable = True  # until a write fails: the build goes on without caching
        self._load()

    @classmethod
    def open(cls, index_dir: Path, encoder: str, dim: int) -> EmbedCache:
        """The cache of ``encoder`` under ``index_dir`` (nothing is created until a put)."""
        return cls(embed_cache_dir(index_dir, encoder), encoder, dim)

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and text_key(text) in self._where

    def _load(self) -> None:
        if not self.folder.is_dir():
            return
        for meta in sorted(self.folder.glob("*.json")):
            try:
                data = json.loads(meta.read_text("utf-8"))
                keys = data["texts"]
                ok = data["encoder"] == self.encoder and data["dim"] == self.dim
            except (OSError, ValueError, KeyError, TypeError):
                ok = False
            vectors = meta.with_suffix(".npy")
            if not ok or not vectors.is_file():
                continue
            for row, key in enumerate(keys):
                self._where[str(key)] = (vectors, row)
        for tmp in self.folder.glob("*.tmp"):  # a write a killed build left half done
            with contextlib.suppress(OSError):  # another user's: left to them
                tmp.unlink(missing_ok=True)

    def get(self, text: str) -> np.ndarray | None:
        """The cached vector of ``text``, or None."""
        found = self._where.get(text_key(text))
        if found is None:
            return None
        path, row = found
        array = self._arrays.get(path)
        if array is None:
            try:
                array = self._arrays[path] = np.load(path, mmap_mode="r", allow_pickle=False)
            except (OSError, ValueError):
                return None
        if array.ndim != 2 or array.shape[1] != self.dim or row >= array.shape[0]:
            return None
        return np.array(array[row], dtype=np.float32)

    def get_many(self, texts: Iterable[str]) -> dict[str, np.ndarray]:
        """The cached vectors of those ``texts`` that have one."""
        out = {}
        for text in texts:
            vector = self.get(text)
            if vector is not None:
                out[text] = vector
        return out

    def put(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Keep a batch of vectors (row i is the vector of texts[i]) durably, when the cache
        can be written (else nothing: a build killed later embeds them again)."""
        if not len(texts) or not self._writable:
            return
        name = secrets.token_hex(8)
        keys = [text_key(t) for t in texts]
        npy = self.folder / f"{name}.npy"
        meta = {"encoder": self.encoder, "dim": self.dim, "texts": keys}
        try:
            private_dir(self.folder)
            write_atomic(npy, lambda f: np.save(f, np.asarray(vectors, dtype=np.float32),
                                                   allow_pickle=False))
            write_atomic(self.folder / f"{name}.json",
                         lambda f: f.write(json.dumps(meta).encode("utf-8")))
        except OSError:
            self._writable = False
            with contextlib.suppress(OSError):
                npy.unlink(missing_ok=True)
            return
        for row, key in enumerate(keys):
            self._where[key] = (npy, row)

    def clear(self) -> None:
        """Forget every cached vector (a generation now holds them)."""
        self._where.clear()
        self._arrays.clear()
        shutil.rmtree(self.folder, ignore_errors=True)
