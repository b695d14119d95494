"""Size limits on what we index, and splitting of over-long clauses into cited parts.

File size and page count limits live next to the readers that enforce them (index/extract.py,
index/pdf.py); they are re-exported here so the README and error messages have one place to
point at. A clause longer than MAX_CLAUSE_CHARS is not dropped or truncated: it is split at
sentence ends into parts "7.2", "7.2（2/11）", … and the split is reported as a build note.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .extract import MAX_BINARY_BYTES, MAX_TEXT_BYTES
from .models import Clause
from .pdf import MAX_PAGES

# The longest clause in the 24 sample and real contracts is ~2,800 characters; a Telegram
# message holds 4,096, so one part and its citation always fit in one message.
MAX_CLAUSE_CHARS = 3000

__all__ = ["MAX_BINARY_BYTES", "MAX_CLAUSE_CHARS", "MAX_PAGES", "MAX_TEXT_BYTES",
           "split_long_clauses"]

_SENTENCE_END = re.compile(r"(?<=[。！？；!?;\n])")


def _pieces(text: str, limit: int) -> list[str]:
    """Greedy runs of whole sentences of at most ``limit`` characters; a longer sentence is cut."""
    parts: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text):
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
    from .clauses import _to_simplified

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
            simplified = piece if same_script else _to_simplified(piece)
            out.append(replace(c, clause=part_id(c.clause, k, len(pieces)), text=piece,
                               text_simplified=simplified))
    return out, notes
