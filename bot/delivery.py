"""Telegram refusing to deliver what the bot sends to a chat it can no longer write in: the bot
was removed from the group, or the forum topic was closed or deleted while it answered. Such a
refusal is the chat's doing, not the bot's fault: the error handler logs it in one line, with
no traceback, and sends no error reply (it would be refused alike)."""

from __future__ import annotations

from telegram.error import BadRequest, Forbidden

# Telegram's 400s (lower case, as python-telegram-bot words them) for a place that cannot be
# written in, and what each means for the operator reading the log.
_GONE = (
    ("message thread not found", "the forum topic was deleted"),
    ("topic_deleted", "the forum topic was deleted"),
    ("topic_closed", "the forum topic is closed"),
    ("chat not found", "the chat is gone"),
    ("not enough rights to send", "the bot may not write in this chat"),
    ("have no rights to send", "the bot may not write in this chat"),
    ("chat_write_forbidden", "the bot may not write in this chat"),
)


def undeliverable(err: BaseException | None) -> str | None:
    """Why Telegram would not take a message to this chat or topic, for the log (the bot was
    removed or blocked, the topic closed or deleted), or None when ``err`` is anything else."""
    if isinstance(err, Forbidden):  # kicked, blocked by the user, not a member
        return f"the bot cannot write there ({err.message})"
    if isinstance(err, BadRequest):
        said = err.message.lower()
        for words, meaning in _GONE:
            if words in said:
                return f"{meaning} ({err.message})"
    return None
