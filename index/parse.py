"""One contract file -> Contract: extract, clean, split into clauses, find title and parties."""

from __future__ import annotations

from pathlib import Path

from .clauses import split_clauses
from .errors import EmptySourceError, UnreadableSourceError
from .limits import split_long_clauses
from .models import Clause, Contract
from .parties import find_parties, find_title

PREVIEW_CHARS = 40


def parse_contract(path: Path, rules_file: Path | None = None) -> Contract:
    """Parse a contract source file into its clause tree (key = file stem)."""
    path = Path(path)
    if not path.is_file():
        raise UnreadableSourceError(str(path), f"{path.name}: no such file")
    from .clean import clean_text
    from .extract import extract_document
    from .normalize import detect_script
    from .rules import load_rules

    document = extract_document(path)
    text = clean_text(
        document.text, load_rules(rules_file), join_lines=document.kind == "text"
    )
    if not text.strip():
        raise EmptySourceError(str(path), f"{path.name} holds no contract text")
    key = path.stem
    clauses = split_clauses(text, key, document.first_page)
    if not clauses:
        clauses = _paragraph_clauses(text, key)
    clauses, notes = split_long_clauses(clauses)
    return Contract(
        key=key,
        title=find_title(text, default=key),
        parties=find_parties(text),
        clauses=tuple(clauses),
        script=detect_script(text),
        source=str(path),
        notes=tuple(notes),
    )


def _paragraph_clauses(text: str, key: str) -> list[Clause]:
    """Fallback for a contract without any numbering: one clause per paragraph ("第1段")."""
    from .clauses import _to_simplified

    paragraphs = [p.strip() for p in text.replace("\f", "\n").split("\n") if p.strip()]
    return [
        Clause(key, f"第{i}段", None, None, p, text_simplified=_to_simplified(p))
        for i, p in enumerate(paragraphs, 1)
    ]


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
