"""The texts a clause is found by: its BM25 text and its embedding text, both Simplified.

A clause's search text carries its chapter and heading titles and, for a heading, the text of
its descendants, so a question about a heading's subject reaches it. Titles alone form a second
BM25 field.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Clause, Contract
from ..text import normalize_text

CHILD_TEXT_LIMIT = 400  # characters of descendants' text a heading's embedding carries
_MAX_DEPTH = 6  # descendants this deep below a heading are part of its text


def _context(c: Clause, by_id: dict[str, Clause]) -> list[str]:
    """Titles on the path from the chapter down to this clause."""
    parts: list[str] = []
    if c.chapter_title:
        parts.append(c.chapter_title)
    chain: list[str] = []
    seen: set[str] = set()
    parent = c.parent
    while parent and parent in by_id and parent not in seen:
        seen.add(parent)
        p = by_id[parent]
        if p.title:
            chain.append(p.title)
        parent = p.parent
    parts.extend(reversed(chain))
    if c.title and c.title != c.text:
        parts.append(c.title)
    return [normalize_text(p) for p in parts]


def title_parts(clauses: Sequence[Clause]) -> list[list[str]]:
    """For each clause, the titles above and of it (chapter, headings): the title field."""
    by_contract: dict[str, dict[str, Clause]] = {}
    for c in clauses:
        by_contract.setdefault(c.contract, {}).setdefault(c.clause, c)
    out = []
    for c in clauses:
        parts = _context(c, by_contract[c.contract])
        if c.title and c.title == c.text:  # a heading whose text is its title
            parts.append(normalize_text(c.title))
        out.append(parts)
    return out


def clause_rows(contract: Contract) -> list[tuple[Clause, list[str], str]]:
    """For each clause: (clause, the parts of its BM25 text, its embedding text)."""
    by_id = {c.clause: c for c in contract.clauses}
    own = {c.clause: normalize_text(c.text_simplified or c.text) for c in contract.clauses}
    children: dict[str, list[str]] = {}
    for c in contract.clauses:
        if c.parent:
            children.setdefault(c.parent, []).append(c.clause)

    def descendants(cid: str, depth: int = 0) -> list[str]:
        if depth > _MAX_DEPTH:
            return []
        out: list[str] = []
        for k in children.get(cid, []):
            out.append(own[k])
            out.extend(descendants(k, depth + 1))
        return out

    title = normalize_text(contract.title)
    rows = []
    for c in contract.clauses:
        ctx = _context(c, by_id)
        below = descendants(c.clause)
        child_text = " ".join(below)[:CHILD_TEXT_LIMIT]
        embed = f"{title} {' '.join(ctx)}：{own[c.clause]} {child_text}".strip()
        rows.append((c, [*ctx, own[c.clause], *below], embed))
    return rows
