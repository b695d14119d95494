"""Which messages speak to the bot, and what they ask: a group message that mentions it or
replies to it, a command named for it (/foo@thisbot), the question under which a teammate
summons it, and the bot's message a reply points at (a reply to a service message is none);
and a message's bare words, as the lists of whole-message requests read them."""

from __future__ import annotations

import re

from telegram import Message, Update
from telegram.constants import MessageEntityType
from telegram.ext import filters

from index import to_simplified

_MARKS = re.compile(r"[\W_]+")  # punctuation and spaces


def addressed_text(message: Message, username: str, bot_id: int) -> str | None:
    """The question in a group message addressed to the bot, or None when it is chatter."""
    text = message.text or message.caption or ""  # a photo's or a file's caption
    mentioned = False
    parts = message.parse_entities() if message.text else message.parse_caption_entities()
    for entity, part in parts.items():
        name = part.lstrip("@").lower()
        if entity.type == MessageEntityType.MENTION and name == username.lower():
            mentioned = True
            text = text.replace(part, " ")
        elif entity.type == MessageEntityType.TEXT_MENTION and entity.user and \
                entity.user.id == bot_id:
            mentioned = True
            text = text.replace(part, " ")
    if mentioned or replied_answer(message, bot_id) is not None:
        return text.strip()
    return None


def replied_question(message: Message, bot_id: int) -> str:
    """The text of the message ``message`` replies to, when that is someone's question (a
    teammate summons the bot under it with "@bot" or "/ask"); else empty."""
    replied = replied_to(message)
    if replied is None or (replied.from_user is not None and replied.from_user.id == bot_id):
        return ""
    return (replied.text or replied.caption or "").strip()


def replied_answer(message: Message, bot_id: int) -> int | None:
    """The id of the bot's message ``message`` replies to, if it replies to one."""
    replied = replied_to(message)
    if replied is None or replied.from_user is None or replied.from_user.id != bot_id:
        return None
    return replied.message_id


def addressed_command(message: Message, username: str) -> bool:
    """Whether the command that starts ``message`` names this bot (/foo@thisbot): in a group,
    only such a command is the bot's to answer; /foo alone may be another bot's."""
    command = (message.text or "").split(maxsplit=1)[0] if message.text else ""
    _, at, name = command.partition("@")
    return bool(at) and name.lower() == username.lower()


def replied_to(message: Message) -> Message | None:
    """The message ``message`` replies to, unless it is a service message: in a forum topic
    each message that replies to no other replies to the one that created the topic (from the
    bot, when it created it), which is neither an answer of the bot's nor a question."""
    replied = message.reply_to_message
    if replied is None or filters.StatusUpdate.ALL.check_update(Update(0, message=replied)):
        return None
    return replied


def bare_words(text: str) -> str:
    """A message as the whole-message word lists read it (这条是什么意思, 下一條呢, 有哪些合同):
    in Simplified, lower-cased, without punctuation or spaces."""
    return _MARKS.sub("", to_simplified(text)).lower()
