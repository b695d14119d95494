"""Answering a question, and answering it again when its asker edits it: the earlier answer is
edited in place, so a corrected typo does not leave two answers under one question; a command
edited (/clause 第二条 made /clause 第三条) is answered anew and its earlier reply deleted."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from .replies import SENT, chat_state, reply
from .state import Ctx

Handler = Callable[[Update, Ctx], Coroutine[Any, Any, None]]

log = logging.getLogger(__name__)


async def send_answer(message: Message, htmls: list[str], markup: InlineKeyboardMarkup | None,
                      *, replacing: tuple[int, ...] = ()) -> tuple[int, ...]:
    """Reply to ``message`` with ``htmls``, the buttons under the last; the ids sent.

    ``replacing`` is an earlier answer to ``message`` (the question was edited since). It is
    edited in place when it has as many messages; else, or when it cannot be edited (deleted
    meanwhile, too old), it is deleted and the answer sent anew."""
    if replacing:
        if len(replacing) == len(htmls) and await _edit_all(message, replacing, htmls, markup):
            return replacing
        await _delete_all(message, replacing)
    sent = []
    for i, html in enumerate(htmls):
        last = i == len(htmls) - 1
        sent.append((await reply(message, html, markup=markup if last else None)).message_id)
    return tuple(sent)


async def _edit_all(message: Message, ids: tuple[int, ...], htmls: list[str],
                    markup: InlineKeyboardMarkup | None) -> bool:
    """Edit messages ``ids`` to ``htmls``; False as soon as one cannot be edited. An answer
    that did not change ("message is not modified") counts as edited."""
    bot = message.get_bot()
    for i, (message_id, html) in enumerate(zip(ids, htmls, strict=True)):
        try:
            await bot.edit_message_text(
                html, chat_id=message.chat_id, message_id=message_id, parse_mode=ParseMode.HTML,
                reply_markup=markup if i == len(ids) - 1 else None)
        except BadRequest as err:
            if "not modified" not in err.message.lower():
                log.info("answer %s in chat %s not edited, sent again: %s",
                         message_id, message.chat_id, err.message)
                return False
    return True


async def _delete_all(message: Message, ids: tuple[int, ...]) -> None:
    """Delete messages ``ids`` of an outdated answer; one already gone is no matter."""
    for message_id in ids:
        try:
            await message.get_bot().delete_message(message.chat_id, message_id)
        except TelegramError as err:
            log.debug("outdated answer %s in chat %s not deleted: %s",
                      message_id, message.chat_id, err)


def replacing_earlier(handler: Handler) -> Handler:
    """``handler`` (a command's: /clause, /contracts …) whose replies are remembered as the
    answer to the command's message, so that the command edited is answered anew and the
    earlier reply deleted, as an edited question's answer is replaced: a corrected
    /clause 第二条 left the wrong clause quoted above the right one."""

    @functools.wraps(handler)
    async def answered(update: Update, context: Ctx) -> None:
        msg = update.effective_message
        if msg is None:
            return await handler(update, context)
        asked, answering = (msg.chat_id, msg.message_id), context.bot_data.answering
        number = answering.begin(asked)
        async with answering.turn(asked, number) as newest:  # the first reply, then an edit's
            if not newest:  # edited again before this one's turn: the newest text is answered
                return None
            sent: list[int] = []
            token = SENT.set(sent)
            try:
                await handler(update, context)
            finally:
                SENT.reset(token)
            if not sent:
                return None
            state = chat_state(context)
            if update.edited_message is not None:
                await _delete_all(msg, state.answers.get(msg.message_id, ()))
            state.keep_answer(msg.message_id, tuple(sent))
        return None
    return answered
