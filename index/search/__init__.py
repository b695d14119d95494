"""Answering questions from an index: question parsing, scope, party roles, thesaurus, dense
search, ranking and the Searcher that runs them in order."""

from __future__ import annotations

from .compare import compare_contracts
from .config import SearchConfig
from .reach import Collections
from .scope import plain_name
from .searcher import Searcher
from .signals import Signals

__all__ = ["Collections", "SearchConfig", "Searcher", "Signals", "compare_contracts",
           "plain_name"]
