"""Outlines of clauses: a contract's clause tree as indented text (what ``contractbot parse``
prints without --json), the outline /clause replies with for a chapter too long to quote, and
the range of numbers it names for a number a contract lacks."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from index import Clause, Contract, Hit, Script, to_script

from . import texts
from .compose import chapter_line
from .render import pack

PREVIEW_CHARS = 40
OUTLINE_WORDS = 16  # an untitled clause in a chapter's outline: its first characters
# /clause quotes a chapter of one contract whole when it fits these many messages; a longer
# one (第二部分 of the 完整版 construction contract: 17) gets its outline instead.
CLAUSE_MESSAGES = 3
_INDENT = "\u3000"  # a full-width space: Telegram keeps it at the start of a line


def clause_head(clause: Clause, chars: int) -> str:
    """A clause in a list: its heading title, else the first ``chars`` characters of its first
    line ("…" when cut)."""
    head = clause.title or clause.text.strip().split("\n", 1)[0]
    return head[:chars].rstrip("，、；：,;: ") + "…" if len(head) > chars else head


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


def chapter_outline(hits: Sequence[Hit], script: Script, *, messages: int,
                    pick: str) -> list[str]:
    """/clause's reply to the clauses ``hits`` of one contract (a chapter's) when quoting them
    takes ``messages`` messages, more than ``CLAUSE_MESSAGES``: the chapter's heading, each
    clause's number and title (first words when untitled) with those of its direct
    sub-clauses (without them when they do not fit one message), and how to ask for one
    (``pick`` names the contract: its number in /contracts)."""
    def line(clause: Clause, indent: str = "") -> str:
        return escape(to_script(f"{indent}{clause.clause} {clause_head(clause, OUTLINE_WORDS)}",
                                script)).rstrip()

    top = [line(h.clause) for h in hits]
    nested = [text for h in hits for text in (line(h.clause), *(
        line(c, _INDENT) for c in h.children if c.level == h.clause.level + 1))]
    first = hits[0]
    example = next((c.clause for c in first.children), first.clause.clause)
    head = [f"<b>{escape(chapter_line(first, script))}</b>",
            texts.say(texts.CLAUSE_OUTLINE, script, messages=messages, count=len(hits))]
    ask = texts.say(texts.CLAUSE_OUTLINE_ASK, script, example=escape(to_script(example, script)),
                    pick=escape(pick))
    out = pack([*head, *nested, ask], sep="\n")
    return out if len(out) == 1 else pack([*head, *top, ask], sep="\n")


def numbering_hint(clauses: Sequence[Clause], script: Script, *, pick: str) -> str:
    """How a contract's ``clauses`` are numbered, for /clause of a number it lacks: the first
    and last numbers of its top-level clauses and how to ask for the first (``pick`` names
    the contract); "" when it has none."""
    tops = [escape(to_script(c.clause, script)) for c in clauses if c.level == 1]
    if not tops:
        return ""
    if len(tops) == 1:
        return texts.say(texts.CLAUSE_NUMBERING_ONE, script, first=tops[0], pick=pick)
    return texts.say(texts.CLAUSE_NUMBERING, script, first=tops[0], last=tops[-1], pick=pick)
