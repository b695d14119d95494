"""The lexical index: BM25 (Lucene variant, as bm25s computes it) over pre-tokenised Chinese.

Stored per generation as numpy arrays and a JSON vocabulary (no pickle): the term counts of
every document (so the next build copies the rows of unchanged documents instead of
re-tokenising them) and, derived from them, each term's BM25 weight in each document.
Scores: idf = ln(1 + (N - df + 0.5) / (df + 0.5)), tf part = tf / (k1 (1 - b + b dl / avgdl) + tf),
k1 = 1.5, b = 0.75; a query's score is the sum over its distinct known terms.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

K1 = 1.5
B = 0.75
TermRow = tuple[np.ndarray, np.ndarray]  # (term ids, counts) of one document


class LexicalIndex:
    """BM25 scores of every document for a list of query tokens."""

    def __init__(self, vocab: list[str], indptr: np.ndarray, terms: np.ndarray,
                 counts: np.ndarray) -> None:
        self.vocab = vocab
        self.vocab_ids = {t: i for i, t in enumerate(vocab)}
        self.indptr, self.terms, self.counts = indptr, terms, counts
        self.num_docs = len(indptr) - 1
        self._ready = False  # weights are computed on the first question (a build only copies)

    # ------------------------------------------------------------------ building

    @classmethod
    def build(cls, docs: Sequence[Sequence[str] | TermRow],
              vocab: Sequence[str] = ()) -> LexicalIndex:
        """Index documents given as token lists or, for documents copied from an earlier index
        with the same ``vocab`` prefix, as (term ids, counts) rows; document i keeps position i."""
        words = list(vocab)
        ids = {t: i for i, t in enumerate(words)}
        rows: list[TermRow] = []
        for doc in docs:
            if isinstance(doc, tuple):
                rows.append(doc)
                continue
            tally = Counter(t for t in doc if t)
            for t in tally:
                if t not in ids:
                    ids[t] = len(words)
                    words.append(t)
            rows.append((np.fromiter((ids[t] for t in tally), np.int32, len(tally)),
                         np.fromiter(tally.values(), np.int32, len(tally))))
        lengths = np.fromiter((len(r[0]) for r in rows), np.int64, len(rows))
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        terms = np.concatenate([r[0] for r in rows]) if rows else np.zeros(0, np.int32)
        counts = np.concatenate([r[1] for r in rows]) if rows else np.zeros(0, np.int32)
        return cls(words, indptr, terms.astype(np.int32), counts.astype(np.int32))

    def row(self, doc: int) -> TermRow:
        """The (term ids, counts) of document ``doc``, to carry it into the next build."""
        lo, hi = self.indptr[doc], self.indptr[doc + 1]
        return self.terms[lo:hi], self.counts[lo:hi]

    def _weights(self) -> None:
        """Each term's BM25 weight in each document, grouped by term for fast scoring."""
        self._ready = True
        n, nnz = self.num_docs, len(self.terms)
        doc_of = np.repeat(np.arange(n, dtype=np.int32), np.diff(self.indptr))
        length = np.bincount(doc_of, weights=self.counts, minlength=n).astype(np.float64)
        length[length == 0] = 1  # an empty document counts as one empty token (as in bm25s)
        avg = float(length.mean()) if n else 1.0
        df = np.bincount(self.terms, minlength=len(self.vocab)).astype(np.float64)
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        tf = self.counts.astype(np.float64)
        weight = idf[self.terms] * tf / (K1 * ((1 - B) + B * length[doc_of] / avg) + tf)
        order = np.argsort(self.terms, kind="stable") if nnz else np.zeros(0, np.int64)
        self._docs = doc_of[order]
        self._weight = weight[order].astype(np.float32)
        self._term_ptr = np.zeros(len(self.vocab) + 1, dtype=np.int64)
        np.cumsum(df.astype(np.int64), out=self._term_ptr[1:])

    def document_frequencies(self) -> np.ndarray:
        """How many documents hold each term of ``vocab`` (0 for a term left in the vocabulary
        by an earlier build whose documents are gone)."""
        return np.bincount(self.terms, minlength=len(self.vocab))

    # ------------------------------------------------------------------ disk

    def save(self, folder: Path) -> None:
        """Write the counts as .npy arrays and the vocabulary as JSON."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "vocab.json").write_text(json.dumps(self.vocab, ensure_ascii=False), "utf-8")
        for name in ("indptr", "terms", "counts"):
            np.save(folder / f"{name}.npy", getattr(self, name), allow_pickle=False)

    @classmethod
    def load(cls, folder: Path, num_docs: int | None = None) -> LexicalIndex:
        """Read an index written by ``save``."""
        vocab = json.loads((folder / "vocab.json").read_text("utf-8"))
        arrays = [np.load(folder / f"{n}.npy", allow_pickle=False)
                  for n in ("indptr", "terms", "counts")]
        index = cls(vocab, *arrays)
        if num_docs is not None and index.num_docs != num_docs:
            raise ValueError(f"{folder}: {index.num_docs} documents, expected {num_docs}")
        return index

    # ------------------------------------------------------------------ scoring

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every document for ``tokens`` (repeated tokens count once)."""
        if not self._ready:
            self._weights()
        out = np.zeros(self.num_docs, dtype=np.float32)
        for t in dict.fromkeys(tokens):
            i = self.vocab_ids.get(t) if t else None
            if i is not None:
                lo, hi = self._term_ptr[i], self._term_ptr[i + 1]
                out[self._docs[lo:hi]] += self._weight[lo:hi]  # a document once per term
        return out
