"""What a question is scored with, before any weight applies: its parse, its scope, and the
BM25 and dense scores of every clause.

``Searcher.signals`` computes them once; ``Searcher.rank`` turns them into hits under a
``SearchConfig``. Keeping the two apart lets scripts/tune.py try thousands of weightings of
the same signals in a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .question import ParsedQuery
from .reach import Collections


@dataclass(frozen=True)
class Signals:
    """One question's raw scores over every clause of a generation, aligned by position."""

    question: str  # as the user wrote it
    query: ParsedQuery
    intents: frozenset[str]  # what it asks for (question.question_intents)
    scopes: frozenset[str]  # contracts it is limited to; empty for the whole library
    mask: np.ndarray  # bool: the clauses in scope (and in reach of ``collections``)
    collections: Collections  # the collections it may reach (None: all)
    lexical: np.ndarray  # BM25 of its tokens over clause texts
    lexical_expansion: np.ndarray  # BM25 of its thesaurus expansion tokens
    titles: np.ndarray  # BM25 of its tokens over chapter and heading titles
    titles_expansion: np.ndarray
    characters: np.ndarray  # BM25 of the characters of its content words
    dense: np.ndarray  # cosine of its vector with each clause's
    vector: np.ndarray  # its unit vector (narrowing it to a contract needs no new encoding)
    meant: np.ndarray | None = None  # the vector of its repaired text (homophones.py), if any
    cited: np.ndarray | None = None  # bool: the clauses it cites by number (第十一条, 7.2)
    uncited: tuple[str, ...] = ()  # the numbers it cites that no clause in scope has
    in_order: bool = False  # it asks for chapters and nothing else: cited in document order

    @property
    def scope(self) -> str | None:
        """The one contract it is limited to, if exactly one."""
        return next(iter(self.scopes)) if len(self.scopes) == 1 else None
