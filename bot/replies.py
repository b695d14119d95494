"""What every handler shares: replying in the chat and topic, the allow-list guard, the wording
of refused questions, and the one error handler."""

from __future__ import annotations

import logging
import re
from html import escape

from telegram import InlineKeyboardMarkup, Message, ReplyParameters, Update
from telegram.constants import ChatType, ParseMode

from index import (
    EmptyQuestionError,
    NoWordsError,
    QueryError,
    QuestionTooLongError,
    Script,
    UnknownContractError,
    detect_script,
)

from . import texts
from .access import chat_allowed
from .logfilter import describe_update
from .state import ChatData, Ctx

log = logging.getLogger(__name__)
_PATH = re.compile(r"(?<![\w.~])(?:~|\.{1,2})?(?:/[^\s/'\"<>()]+){2,}/?")


def hide_paths(text: str) -> str:
    """``text`` with every file path (two parts or more) cut to its last part: chats never
    see where the server keeps its files."""
    return _PATH.sub(lambda m: m.group(0).rstrip("/").rsplit("/", 1)[-1], text)


def is_private(update: Update) -> bool:
    """True when the update comes from a private chat (more hits, uploads allowed)."""
    return bool(update.effective_chat and update.effective_chat.type == ChatType.PRIVATE)


def sender_id(update: Update) -> int | None:
    """The id of the user who sent the update, when there is one."""
    user = update.effective_user
    return user.id if user else None


def chat_state(context: Ctx) -> ChatData:
    """This chat's state (a throwaway one for an update without a chat)."""
    return context.chat_data if context.chat_data is not None else ChatData()


async def reply(message: Message, html: str, *, markup: InlineKeyboardMarkup | None = None) -> None:
    """Reply to ``message`` in its chat (and forum topic), quoting it."""
    await message.get_bot().send_message(
        chat_id=message.chat_id, text=html, parse_mode=ParseMode.HTML,
        reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True),
        message_thread_id=message.message_thread_id if message.is_topic_message else None,
        reply_markup=markup,
    )


async def guard(update: Update, context: Ctx) -> bool:
    """True when the chat may ask; otherwise reply with the chat id and no contract text."""
    chat, msg = update.effective_chat, update.effective_message
    if chat is None:
        return False
    if chat_allowed(context.bot_data.settings, chat.id, user_id=sender_id(update)):
        return True
    if msg is not None:
        script = detect_script(msg.text or "")
        await reply(msg, texts.say(texts.NOT_ALLOWED, script, chat_id=chat.id))
    return False


def query_error_text(err: QueryError, script: Script) -> str:
    """A question the search refused, in the user's words and script."""
    if isinstance(err, EmptyQuestionError):
        return texts.say(texts.ASK_USAGE, script)
    if isinstance(err, QuestionTooLongError):
        return texts.say(texts.QUESTION_TOO_LONG, script, limit=err.limit)
    if isinstance(err, NoWordsError):
        return texts.say(texts.QUESTION_NO_WORDS, script)
    if isinstance(err, UnknownContractError):
        return texts.say(texts.UNKNOWN_CONTRACT, script, name=escape(err.name))
    return texts.say(texts.QUERY_ERROR, script, reason=escape(hide_paths(str(err))))


async def on_error(update: object, context: Ctx) -> None:
    """Log the error with its update (no message text unless CONTRACTBOT_LOG_TEXT is on), and
    reply briefly when there is a message to reply to."""
    settings = getattr(context.bot_data, "settings", None)
    with_text = bool(settings and settings.log_text)
    log.error("error while handling %s", describe_update(update, with_text=with_text),
              exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await reply(update.effective_message, texts.ERROR)
        except Exception:  # the error handler must not raise
            log.exception("could not send the error reply")
