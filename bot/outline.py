"""A contract's clause tree as indented text: what ``contractbot parse`` prints without --json."""

from __future__ import annotations

from index import Contract

PREVIEW_CHARS = 40


def format_tree(contract: Contract) -> str:
    """The clause tree as indented readable text (``contractbot parse`` without --json)."""
    lines = [f"《{contract.title}》 ({contract.key}, {len(contract.clauses)} clauses)"]
    if contract.parties:
        lines.append("  " + "  ".join(f"{k}: {v}" for k, v in contract.parties.items()))
    chapter: str | None = None
    for c in contract.clauses:
        if c.chapter != chapter:
            chapter = c.chapter
            if chapter is not None:
                lines.append(f"{chapter} {c.chapter_title or ''}".rstrip())
        indent = "  " * (c.level - 1 + (1 if c.chapter else 0))
        head = c.title or c.text.replace("\n", " ")
        if len(head) > PREVIEW_CHARS:
            head = head[:PREVIEW_CHARS] + "…"
        page = f"  [p.{c.page}]" if c.page is not None else ""
        lines.append(f"{indent}{c.clause} {head}{page}")
    return "\n".join(lines)
