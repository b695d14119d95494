"""The loopback Bot API answers forum topics as Telegram does: a message sent into a topic
comes back with its topic, a reply goes where the message it replies to is, the General topic
has none, and a topic the forum lacks is a 400 "message thread not found"; and it refuses a
text over 4096 characters as Telegram does, counted after HTML parsing in UTF-16 code units."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from bot_helpers import message
from botapi_server import FakeBotApi
from team_bot import callback
from telegram import Bot, ForumTopic, Message, ReplyParameters
from telegram.constants import ForumIconColor, ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden

FORUM = -100777
IN_FORUM: dict[str, Any] = {"chat": {"id": FORUM, "type": "supergroup", "is_forum": True}}


@asynccontextmanager
async def bot_on_server() -> AsyncIterator[tuple[FakeBotApi, Bot]]:
    api = FakeBotApi()
    await api.start()
    try:
        async with Bot("123456:TEST-token", base_url=api.base_url) as bot:
            # a member writes in topic 77 (id 5) and in General (id 6)
            api.push("message", message(FORUM, "hi", message_id=5, message_thread_id=77,
                                        is_topic_message=True, **IN_FORUM))
            api.push("message", message(FORUM, "hi", message_id=6, **IN_FORUM))
            yield api, bot
    finally:
        await api.stop()


async def test_a_message_sent_into_a_topic_comes_back_in_it() -> None:
    async with bot_on_server() as (api, bot):
        sent = await bot.send_message(FORUM, "answer", message_thread_id=77)
        edited = await bot.edit_message_text("other", chat_id=FORUM, message_id=sent.message_id)
        general = await bot.send_message(FORUM, "outside topics")
    assert sent.message_thread_id == 77 and sent.is_topic_message
    assert sent.chat.is_forum and isinstance(edited, Message)
    assert edited.message_thread_id == 77 and edited.is_topic_message
    assert general.message_thread_id is None and not general.is_topic_message
    kept = api.messages[(FORUM, sent.message_id)]
    assert (kept["message_thread_id"], kept["is_topic_message"]) == (77, True)
    # a button press on it carries its topic, as Telegram's callback queries do
    pressed = callback(FORUM, kept, "more")["message"]
    assert (pressed["message_thread_id"], pressed["is_topic_message"]) == (77, True)
    assert pressed["chat"]["is_forum"] and pressed["from"]["is_bot"]


async def test_a_topic_the_forum_lacks_is_refused() -> None:
    async with bot_on_server() as (api, bot):
        with pytest.raises(BadRequest, match="Message thread not found"):
            await bot.send_message(FORUM, "answer", message_thread_id=78)
    assert api.sent()[-1]["message_thread_id"] == 78
    assert len(api.messages) == 0


async def test_a_reply_goes_where_the_message_it_replies_to_is() -> None:
    async with bot_on_server() as (_, bot):
        in_77 = await bot.send_message(FORUM, "a", reply_parameters=ReplyParameters(5))
        # the reply wins over another topic's id, as in Telegram
        across = await bot.send_message(FORUM, "b", message_thread_id=78,
                                        reply_parameters=ReplyParameters(5))
        under_bot = await bot.send_message(FORUM, "c", reply_parameters=ReplyParameters(
            in_77.message_id))
        # in General a reply is in the reply chain's thread, not in a topic
        in_general = await bot.send_message(FORUM, "d", reply_parameters=ReplyParameters(6))
    for sent in (in_77, across, under_bot):
        assert sent.message_thread_id == 77 and sent.is_topic_message
    assert in_general.message_thread_id == 6 and not in_general.is_topic_message


async def test_create_forum_topic_answers_a_forum_topic_and_sends_its_service_message() -> None:
    """createForumTopic answers a ForumTopic (id, name, Telegram's default blue icon) and the
    bot is sent the service message that created the topic, from the bot, in the topic, with
    the topic's id as its own; the topic is then the forum's."""
    async with bot_on_server() as (api, bot):
        topic = await bot.create_forum_topic(FORUM, "客户甲")
        updates = await bot.get_updates(offset=3, timeout=0)
        sent = await bot.send_message(FORUM, "answer", message_thread_id=topic.message_thread_id)
    assert isinstance(topic, ForumTopic)
    assert (topic.name, topic.icon_color) == ("客户甲", ForumIconColor.BLUE)
    [update] = updates
    service = update.message
    assert service is not None and service.forum_topic_created is not None
    assert service.forum_topic_created.name == "客户甲"
    assert service.message_id == service.message_thread_id == topic.message_thread_id
    assert service.is_topic_message and service.chat.is_forum
    assert service.from_user is not None and service.from_user.id == bot.id
    assert api.sent("createForumTopic") == [{"chat_id": FORUM, "name": "客户甲"}]
    assert sent.message_thread_id == topic.message_thread_id and sent.is_topic_message


async def test_a_message_in_a_created_topic_replies_to_its_service_message() -> None:
    """A member creates a topic (the service message from them); their message in it, and a
    message in a topic the bot created, replies to the topic's service message, as every
    message in a Telegram topic that replies to no other does; a reply to another message in
    the topic keeps it, and a topic whose creation was not seen (77) gets none."""
    async with bot_on_server() as (api, bot):
        theirs = api.create_topic(FORUM, "合同问题", user_id=31)
        ours = (await bot.create_forum_topic(FORUM, "客户乙")).message_thread_id
        topic = {**IN_FORUM, "is_topic_message": True}
        api.push("message", message(FORUM, "押金是多少", message_id=7, user_id=31,
                                    message_thread_id=theirs, **topic))
        api.push("message", message(FORUM, "押金呢", message_id=8, message_thread_id=ours,
                                    **topic))
        api.push("message", message(FORUM, "对", message_id=9, message_thread_id=theirs,
                                    reply_to_message=message(FORUM, "押金是多少", message_id=7,
                                                             **topic), **topic))
        api.push("message", message(FORUM, "hi", message_id=10, message_thread_id=77, **topic))
        updates = [u.message for u in await bot.get_updates(offset=3, timeout=0)]
    created, service, first, second, under, old = updates
    assert created is not None and created.forum_topic_created is not None
    assert created.from_user is not None and created.from_user.id == 31
    assert created.message_id == created.message_thread_id == theirs
    assert service is not None and service.forum_topic_created is not None
    assert first is not None and first.reply_to_message is not None
    assert first.reply_to_message.message_id == theirs
    assert first.reply_to_message.forum_topic_created is not None
    assert second is not None and second.reply_to_message is not None
    assert second.reply_to_message.message_id == ours
    assert second.reply_to_message.from_user is not None
    assert second.reply_to_message.from_user.id == bot.id
    assert under is not None and under.reply_to_message is not None
    assert under.reply_to_message.message_id == 7
    assert old is not None and old.reply_to_message is None


async def test_create_forum_topic_outside_a_forum_is_refused() -> None:
    """A chat that is not a forum has no topics to create: 400, as Telegram answers."""
    async with bot_on_server() as (api, bot):
        api.push("message", message(-100900, "hi", message_id=5))
        with pytest.raises(BadRequest, match="The chat is not a forum"):
            await bot.create_forum_topic(-100900, "客户甲")
        updates = await bot.get_updates(offset=4, timeout=0)
    assert updates == ()


async def test_a_group_that_became_a_supergroup_refuses_what_is_sent_to_it() -> None:
    """After a group's migrate_to_chat_id, a message sent to its old id is a 400 that names the
    supergroup's id (python-telegram-bot raises ChatMigrated), as Telegram answers."""
    async with bot_on_server() as (api, bot):
        api.push("message", message(-200, None, message_id=5, chat_type="group",
                                    migrate_to_chat_id=-100200))
        with pytest.raises(ChatMigrated) as refused:
            await bot.send_message(-200, "answer")
        sent = await bot.send_message(-100200, "answer")
    assert refused.value.new_chat_id == -100200 and sent.chat.id == -100200


async def test_a_text_over_4096_characters_is_refused_as_telegram_does() -> None:
    """Telegram refuses a message (or an edit) whose text passes 4096 characters: 400 "message
    is too long". It counts the text left after parsing HTML (tags dropped, &lt; one
    character) in UTF-16 code units: a character outside the BMP (𠮷) counts two."""
    html = ParseMode.HTML
    async with bot_on_server() as (api, bot):
        fits = [await bot.send_message(FORUM, "甲" * 4096),
                await bot.send_message(FORUM, f"<b>{'甲' * 4000}</b>\n<i>{'&lt;' * 95}</i>",
                                       parse_mode=html),
                await bot.send_message(FORUM, "𠮷" * 2048)]
        for text, mode in (("甲" * 4097, None), (f"<b>{'甲' * 4097}</b>", html),
                           ("𠮷" * 2048 + "甲", None)):
            with pytest.raises(BadRequest, match="Message is too long"):
                await bot.send_message(FORUM, text, parse_mode=mode)
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.edit_message_text("乙" * 4097, chat_id=FORUM, message_id=fits[0].message_id)
    assert len({m.message_id for m in fits}) == 3  # sent, each a message of its own
    assert len(api.messages) == 3 and len(api.sent()) == 6  # the refused ones were not kept
    assert api.messages[(FORUM, fits[0].message_id)]["text"] == "甲" * 4096  # not edited


async def test_a_closed_or_deleted_topic_and_a_removed_bot_are_refused_as_telegram_does() -> None:
    """A topic a member closed refuses the bot's messages (400 "TOPIC_CLOSED") until it is
    reopened; one deleted is "message thread not found", also for a reply to a message that
    was in it; a group the bot was removed from refuses everything (403)."""
    async with bot_on_server() as (api, bot):
        api.forum.close(FORUM, 77)
        with pytest.raises(BadRequest, match="Topic_closed"):
            await bot.send_message(FORUM, "answer", message_thread_id=77)
        api.forum.reopen(FORUM, 77)
        reopened = await bot.send_message(FORUM, "answer", message_thread_id=77)
        api.forum.delete(FORUM, 77)
        for where in ({"message_thread_id": 77},
                      {"reply_parameters": ReplyParameters(5, allow_sending_without_reply=True)}):
            with pytest.raises(BadRequest, match="Message thread not found"):
                await bot.send_message(FORUM, "answer", **where)
        api.kick(FORUM)
        with pytest.raises(Forbidden, match="bot was kicked from the supergroup chat"):
            await bot.send_message(FORUM, "outside topics")
        api.kicked.discard(FORUM)  # added again
        general = await bot.send_message(FORUM, "outside topics")
    assert reopened.message_thread_id == 77 and general.message_thread_id is None
