"""What is not a question in words: a sticker or voice message in private, a non-admin's
photo in private, a photo or file that addresses the bot in a group, and a command the bot does
not have; each gets a hint (or, a photo's caption, an answer) instead of silence."""

from __future__ import annotations

from html import escape

from telegram import Update

from . import texts
from .addressing import addressed_command, addressed_text
from .asking import answer
from .chat_examples import chat_examples
from .examples import example_values
from .receiving import group_media_hint, on_photo
from .replies import asker_script, guard, is_private, reply
from .state import Ctx


async def on_other(update: Update, context: Ctx) -> None:
    """A sticker, voice message, video … in private: say that questions are asked in words."""
    msg = update.effective_message
    if msg is not None and (access := await guard(update, context)) is not None:
        script = asker_script(update, context)
        values = example_values(await chat_examples(update, context, access), script)
        await reply(msg, texts.say(texts.NOT_TEXT, script, **values))


async def on_member_photo(update: Update, context: Ctx) -> None:
    """A photo from someone who is not an admin, in private: the bot reads no picture of
    theirs (only an admin's photo is read, as a contract), so it says so, and answers the
    caption as a question when there is one. An album stays an upload refused once."""
    msg = update.effective_message
    if msg is None:
        return
    if msg.media_group_id is not None:
        await on_photo(update, context)
        return
    if (access := await guard(update, context)) is None:
        return
    caption = (msg.caption or "").strip()
    script = asker_script(update, context, caption)
    values = example_values(await chat_examples(update, context, access), script)
    await reply(msg, texts.say(texts.PHOTO_CAPTION_ONLY if caption else texts.PHOTO_NOT_READ,
                               script, **values))
    if caption:
        await answer(update, context, caption, access)


async def on_group_media(update: Update, context: Ctx) -> None:
    """A photo, file, sticker … in a group that addresses the bot (its caption mentions it, or
    it replies to the bot): ``group_media_hint``; other media stay unheard."""
    msg = update.effective_message
    if msg is None or addressed_text(msg, context.bot.username, context.bot.id) is None:
        return
    if (access := await guard(update, context)) is not None:
        script = asker_script(update, context, msg.caption)
        values = example_values(await chat_examples(update, context, access), script)
        await reply(msg, texts.say(group_media_hint(update, context), script, **values))


async def on_unknown_command(update: Update, context: Ctx) -> None:
    """A command the bot does not have, in private or addressed to it by name in a group
    (/foo@thisbot): point to /help."""
    msg = update.effective_message
    if msg is None or not msg.text:
        return
    if not is_private(update) and not addressed_command(msg, context.bot.username):
        return
    if await guard(update, context) is None:
        return
    command = escape(msg.text.split()[0])
    await reply(msg, texts.say(texts.UNKNOWN_COMMAND, asker_script(update, context),
                               command=command))
