"""Over-long clauses split at sentence ends into parts cited "7.2", "7.2（2/11）", …

A clause is never dropped or truncated; each split is reported as a build note.
"""

from __future__ import annotations

from dataclasses import replace

from ..limits import MAX_CLAUSE_CHARS
from ..models import Clause
from ..text import split_sentences, to_simplified


def _pieces(text: str, limit: int) -> list[str]:
    """Greedy runs of whole sentences of at most ``limit`` characters; a longer sentence is cut."""
    parts: list[str] = []
    current = ""
    for sentence in split_sentences(text):
        while len(sentence) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(sentence[:limit])
            sentence = sentence[limit:]
        if len(current) + len(sentence) > limit:
            parts.append(current)
            current = ""
        current += sentence
    if current:
        parts.append(current)
    return [p for p in parts if p.strip()] or [text[:limit]]


def part_id(clause: str, part: int, parts: int) -> str:
    """The id of part ``part`` (1-based) of a split clause: the first keeps the clause's id."""
    return clause if part == 1 else f"{clause}（{part}/{parts}）"


def split_long_clauses(
    clauses: list[Clause], limit: int = MAX_CLAUSE_CHARS
) -> tuple[list[Clause], list[str]]:
    """Clauses with every one over ``limit`` characters split into parts, and one note per split."""
    out: list[Clause] = []
    notes: list[str] = []
    for c in clauses:
        if len(c.text) <= limit:
            out.append(c)
            continue
        pieces = _pieces(c.text, limit)
        notes.append(
            f"clause {c.clause} has {len(c.text):,} characters, more than {limit:,}: "
            f"split into {len(pieces)} parts"
        )
        same_script = c.text_simplified == c.text
        for k, piece in enumerate(pieces, 1):
            simplified = piece if same_script else to_simplified(piece)
            out.append(replace(c, clause=part_id(c.clause, k, len(pieces)), text=piece,
                               text_simplified=simplified))
    return out, notes
