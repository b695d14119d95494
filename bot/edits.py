"""Answering a question, and answering it again when its asker edits it: the earlier answer is
edited in place, so a corrected typo does not leave two answers under one question."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from .replies import reply

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
