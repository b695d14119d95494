"""Helpers for bot tests: an HTML tag-balance check and Telegram update payloads."""

from __future__ import annotations

import time
from html.parser import HTMLParser
from typing import Any

ALLOWED_TAGS = {"b", "i", "u", "s", "code", "pre", "a", "blockquote", "tg-spoiler", "span"}


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag not in ALLOWED_TAGS:
            self.errors.append(f"tag <{tag}> not allowed")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unbalanced </{tag}>")


def html_errors(text: str) -> list[str]:
    """Problems that would make Telegram reject ``text`` as HTML (unknown or unbalanced tags)."""
    p = _Balance()
    p.feed(text)
    p.close()
    return p.errors + [f"unclosed <{t}>" for t in p.stack]


def message(chat_id: int, text: str | None, *, user_id: int | None = None, message_id: int = 1,
            chat_type: str | None = None, **extra: Any) -> dict[str, Any]:
    """A Message payload from a user in ``chat_id`` (private when the id is positive)."""
    kind = chat_type or ("private" if chat_id > 0 else "supergroup")
    uid = user_id if user_id is not None else (chat_id if chat_id > 0 else 7)
    payload: dict[str, Any] = {"message_id": message_id, "date": int(time.time()),
               "chat": {"id": chat_id, "type": kind},
               "from": {"id": uid, "is_bot": False, "first_name": "U"}}
    if text is not None:
        payload["text"] = text
    if text and text.startswith("/"):
        payload["entities"] = [{"type": "bot_command", "offset": 0,
                                "length": len(text.split()[0])}]
    payload.update(extra)
    return payload
