"""The lexical index: bm25s over pre-tokenised Chinese, saved as .npy + JSON (no pickle)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np


class LexicalIndex:
    """BM25 scores of every document for a list of query tokens."""

    def __init__(self, model: object, num_docs: int) -> None:
        self._model = model
        self.num_docs = num_docs

    @classmethod
    def build(cls, docs: Sequence[Sequence[str]]) -> LexicalIndex:
        """Index documents given as token lists (document i keeps position i)."""
        import bm25s

        model = bm25s.BM25()
        corpus = [list(d) if d else [""] for d in docs]
        if corpus:
            model.index(corpus, show_progress=False)
        return cls(model, len(corpus))

    def save(self, folder: Path) -> None:
        """Write the index as numpy arrays and JSON (allow_pickle=False)."""
        folder.mkdir(parents=True, exist_ok=True)
        if self.num_docs:
            self._model.save(str(folder), allow_pickle=False, show_progress=False)  # type: ignore[attr-defined]

    @classmethod
    def load(cls, folder: Path, num_docs: int) -> LexicalIndex:
        """Read an index written by ``save``."""
        import bm25s

        if not num_docs:
            return cls(None, 0)
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        model = bm25s.BM25.load(str(folder), allow_pickle=False, show_progress=False)
        return cls(model, num_docs)

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every document for ``tokens`` (repeated tokens count once)."""
        if not self.num_docs or self._model is None:
            return np.zeros(self.num_docs, dtype=np.float32)
        vocab = self._model.vocab_dict  # type: ignore[attr-defined]
        ids = [vocab[t] for t in dict.fromkeys(tokens) if t and t in vocab]
        if not ids:
            return np.zeros(self.num_docs, dtype=np.float32)
        return np.asarray(self._model.get_scores_from_ids(ids), dtype=np.float32)  # type: ignore[attr-defined]
