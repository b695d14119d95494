"""Contract body text -> the clause tree (chapters, clauses, sub-clauses). OWNER: clause tree."""

from __future__ import annotations

from .models import Clause


def split_clauses(text: str, contract: str, first_page: int | None = None) -> list[Clause]:
    """Split a cleaned contract body into clauses in document order."""
    raise NotImplementedError
