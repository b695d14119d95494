"""Composed answers to Telegram HTML messages, each at most 4096 characters with balanced tags
(counted as Telegram counts them, in UTF-16 code units: 𠮷 or an emoji is two)."""

from __future__ import annotations

import re
from html import escape

from index import to_script

from .compose import BLANK_FLAG, ComposedAnswer, quote_text

LIMIT = 4096
MIN_ROOM = 1000  # characters of a clause's text a message holds, whatever its heading
HEADING_CHARS = 400  # a heading line longer than this (a title of a whole line) is cut
_SENTENCE = re.compile(r"(?<=[。！？；!?;\n])")


def size(text: str) -> int:
    """How long Telegram finds ``text``: UTF-16 code units (a character outside the Basic
    Multilingual Plane, 𠮷 of CJK Extension B or an emoji, is two). Counted on the HTML, tags
    and entities included, which is never less than Telegram's count of the parsed text."""
    return len(text.encode("utf-16-le")) // 2


def _split_long(text: str, room: int) -> list[str]:
    """Cut a plain text into parts of at most ``room`` escaped characters, at sentence ends
    (at least ``MIN_ROOM`` and one character a part: a heading or note that leaves less room
    makes a part too long for Telegram, which is refused and said, never an endless loop)."""
    room = max(room, MIN_ROOM)
    parts: list[str] = []
    current = ""
    for piece in (s for s in _SENTENCE.split(text) if s):
        while size(escape(piece)) > room:  # one sentence longer than the room: hard cut
            cut = room
            while cut > 1 and size(escape(piece[:cut])) > room:
                cut -= 1
            if current:
                parts.append(current)
                current = ""
            parts.append(piece[:cut])
            piece = piece[cut:]
        if size(escape(current + piece)) > room and current:
            parts.append(current)
            current = ""
        current += piece
    if current:
        parts.append(current)
    return parts


def _cut(text: str, limit: int) -> str:
    """``text``, or its first ``limit`` - 1 characters and "…"."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def clause_blocks(answer: ComposedAnswer) -> list[str]:
    """One HTML block per clause (heading in bold, text in a blockquote), the notes (a cited
    number not found, who 甲方/乙方 are) at the head of the clause they precede, so that a
    note is never a message of its own when the clause after it is long."""
    flag = to_script(BLANK_FLAG, answer.script)
    blocks: list[str] = []
    notes = [answer.lead] if answer.lead else []
    for group in answer.groups:
        if group.note:
            notes.append(group.note)
        for hit in group.hits:
            head = "".join(f"<i>{escape(n)}</i>\n\n" for n in notes)
            notes = []
            heading = _cut(hit.heading, HEADING_CHARS)
            head += f"<b>{escape(heading)}</b>"
            if hit.also:
                head += f"\n{escape(hit.also)}"
            tail = f"\n{escape(flag)}" if hit.blank else ""
            text = quote_text(hit)
            quote = f"<blockquote>{escape(text)}</blockquote>"
            block = f"{head}\n{quote}{tail}"
            if size(block) <= LIMIT:
                blocks.append(block)
                continue
            room = LIMIT - size(head) - size(tail) - len("\n<blockquote></blockquote>") - 8
            for i, part in enumerate(_split_long(text, room)):
                lead = head if i == 0 else f"<b>{escape(heading)}</b>"
                blocks.append(f"{lead}\n<blockquote>{escape(part)}</blockquote>")
            if tail:
                blocks[-1] += tail
    return blocks


def pack(blocks: list[str], *, limit: int = LIMIT, sep: str = "\n\n") -> list[str]:
    """Join blocks with ``sep`` (a blank line) into as few messages as fit the limit (never
    splitting one)."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}{sep}{block}" if current else block
        if size(candidate) > limit and current:
            messages.append(current)
            current = block
        else:
            current = candidate
    if current:
        messages.append(current)
    return messages


def with_line(messages: list[str], line: str, *, limit: int = LIMIT) -> list[str]:
    """``messages`` with ``line`` under the last one, or as a message of its own when the
    last has no room for it (a note must not make an answer too long for Telegram)."""
    if messages and size(messages[-1]) + 1 + size(line) <= limit:
        return [*messages[:-1], f"{messages[-1]}\n{line}"]
    return [*messages, line]


def render_answer(answer: ComposedAnswer) -> list[str]:
    """The HTML messages of ``answer``; a plain escaped line when nothing was found."""
    if not answer.found:
        return [escape(answer.nothing or "")]
    return pack(clause_blocks(answer))


def with_line_above(messages: list[str], line: str, *, limit: int = LIMIT) -> list[str]:
    """``messages`` with ``line`` above the first one, or as a message of its own before them
    when the first has no room for it (as ``with_line``, for a note said first)."""
    if messages and size(line) + 1 + size(messages[0]) <= limit:
        return [f"{line}\n{messages[0]}", *messages[1:]]
    return [line, *messages]
