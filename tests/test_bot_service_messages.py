"""Service messages, through the real bot on the loopback Bot API: members joining and
leaving, a pinned message, a new title, topics created, edited, closed and reopened, General
hidden, a group upgraded to a supergroup: none gets a reply or logs an error. In a forum topic
every message that replies to no other replies to the service message that created the topic,
sent by whoever created it (the bot, when it did): that is no answer of the bot's to follow up
on, and chatter under it is not addressed to the bot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bot_helpers import message
from botapi_server import BOT_USER, BOT_USERNAME, FakeBotApi
from index_corpus import MAINT
from team_bot import ask, team_bot
from test_bot_e2e import FORUM, GROUP, PRIVATE, UPGRADE

from bot.persistence import STATE_FILE

LAYOUT: dict[str, list[dict]] = {"": [UPGRADE, MAINT]}
IN_FORUM: dict[str, Any] = {"chat": {"id": FORUM, "type": "supergroup", "is_forum": True}}
MEMBER = {"id": 31, "is_bot": False, "first_name": "V"}
QUESTION = f"@{BOT_USERNAME} 乙方响应时间是多少"
MENTION = [{"type": "mention", "offset": 0, "length": len(BOT_USERNAME) + 1}]


def in_topic(text: str | None, message_id: int, topic: int, **extra: Any) -> dict[str, Any]:
    """A member's message in ``topic`` of the forum FORUM (replying to no other)."""
    return message(FORUM, text, message_id=message_id, user_id=31, message_thread_id=topic,
                   is_topic_message=True, **IN_FORUM, **extra)


def services(api: FakeBotApi) -> list[dict[str, Any]]:
    """One service message of each kind, in a private chat, a group and a forum, to push;
    the topics' creations are pushed at once (a member creates them)."""
    api.create_topic(PRIVATE, "合同问题", user_id=PRIVATE)  # a private chat with topics
    topic = api.create_topic(FORUM, "客户甲", user_id=31)
    pinned = message(GROUP, "押金是多少", message_id=1, chat_type="group")

    def group(message_id: int, **service: Any) -> dict[str, Any]:
        return message(GROUP, None, message_id=message_id, chat_type="group", **service)

    def forum(message_id: int, **service: Any) -> dict[str, Any]:
        return message(FORUM, None, message_id=message_id, **IN_FORUM, **service)

    return [
        message(PRIVATE, None, message_id=2,
                pinned_message=message(PRIVATE, "押金是多少", message_id=1)),
        group(2, new_chat_members=[MEMBER]), group(3, new_chat_members=[BOT_USER]),
        group(4, left_chat_member=MEMBER), group(5, pinned_message=pinned),
        group(6, new_chat_title="合同组"), group(7, group_chat_created=True),
        forum(2, new_chat_members=[MEMBER]), forum(3, left_chat_member=MEMBER),
        forum(4, new_chat_title="合同"), forum(5, general_forum_topic_hidden={}),
        forum(6, general_forum_topic_unhidden={}),
        in_topic(None, 7, topic, forum_topic_edited={"name": "客户乙"}),
        in_topic(None, 8, topic, forum_topic_closed={}),
        in_topic(None, 9, topic, forum_topic_reopened={}),
        in_topic(None, 10, topic, pinned_message=in_topic("押金", 1, topic)),
    ]


async def test_service_messages_get_no_reply_and_log_no_error(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Each kind of service message, in private, a group and a forum (its topics): no reply,
    no "typing…", no warning; the bot then answers a question in each chat as before."""
    async with team_bot(tmp_path, LAYOUT,
                        allowed_chats=frozenset({PRIVATE, GROUP, FORUM})) as (api, _):
        started = len(api.calls)
        with caplog.at_level("WARNING"):
            for payload in services(api):
                api.push("message", payload)
            await api.settled()
        calls = [method for method, _ in api.calls[started:] if method != "getUpdates"]
        answers = [await ask(api, PRIVATE, "乙方响应时间是多少", message_id=20),
                   await ask(api, GROUP, "/ask 乙方响应时间是多少", message_id=20,
                             chat_type="group")]
    assert calls == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= 30] == []
    assert all("《在线客服系统升级服务合同》" in a for a in answers)


async def test_a_topic_the_bot_created_is_no_answer_to_follow_up(tmp_path: Path) -> None:
    """The bot creates a topic (createForumTopic): its service message is from the bot, and
    every message in the topic replies to it. Chatter there is not addressed to the bot; a
    question to it is answered in the topic, and a bare follow-up (这条是什么意思) quotes that
    answer's clause again, not that of "the bot's message" it replies to (the service message,
    which quoted nothing). Until stop 39 the bot answered every message in such a topic, and
    the follow-up was asked which clause it meant."""
    async with team_bot(tmp_path, LAYOUT, allowed_chats=frozenset({FORUM})) as (api, app):
        api.push("message", message(FORUM, "hi", message_id=1, **IN_FORUM))  # the forum seen
        await api.settled()
        topic = (await app.bot.create_forum_topic(FORUM, "客户甲")).message_thread_id
        api.push("message", in_topic("大家好，这个话题讨论客户甲的合同", 2, topic))
        await api.settled()
        chatter = list(api.sent())
        answer = await ask(api, FORUM, QUESTION, message_id=3, user_id=31,
                           message_thread_id=topic, is_topic_message=True, entities=MENTION,
                           **IN_FORUM)
        follow_up = await ask(api, FORUM, f"@{BOT_USERNAME} 这条是什么意思", message_id=4,
                              user_id=31, message_thread_id=topic, is_topic_message=True,
                              entities=MENTION, **IN_FORUM)
        sent = api.sent()
    assert chatter == []
    heading = "<b>《软件维护服务合同》 第二章 响应时间 › 2.1</b>"
    assert answer.split("\n")[:3] == ["<i>本合同中甲方为委托方，乙方为维护方</i>", "", heading]
    assert follow_up.startswith("<i>我只引用合同原文，不作解释。刚才回答中第一个条款的全文如下")
    assert follow_up.split("\n")[2:] == [heading, "<blockquote>乙方应在接到甲方通知后两小时内响应。"
                                                   "</blockquote>"]
    assert [s["message_thread_id"] for s in sent] == [topic, topic]


async def test_a_first_message_in_a_private_topic_the_bot_opened_is_a_question(
        tmp_path: Path) -> None:
    """In a private chat with topics, a topic the bot created: the user's first message there,
    什么意思 (a reply to the topic's service message, from the bot), is searched as a question
    of its own, as outside topics, not taken for a follow-up to an answer that quoted nothing
    (which asked which clause it meant); after an answer, 这条是什么意思 quotes its clause."""
    async with team_bot(tmp_path, LAYOUT, allowed_chats=frozenset({PRIVATE})) as (api, app):
        api.create_topic(PRIVATE, "合同问题", user_id=PRIVATE)  # the chat has topics
        topic = (await app.bot.create_forum_topic(PRIVATE, "押金")).message_thread_id
        said = [await ask(api, PRIVATE, text, message_id=n, message_thread_id=topic,
                          is_topic_message=True)
                for n, text in enumerate(("什么意思", "乙方响应时间是多少", "这条是什么意思"), 2)]
        sent = api.sent()
    assert said[0] == "没有找到与问题相关的条款。\n可用 /contracts 查看已收录的合同。"
    heading = "<b>《软件维护服务合同》 第二章 响应时间 › 2.1</b>"
    assert heading in said[1].split("\n")
    assert said[2].startswith("<i>我只引用合同原文，不作解释。") and heading in said[2]
    assert {s["message_thread_id"] for s in sent} == {topic}


async def test_a_group_migrating_keeps_its_use_scope_whichever_message_comes_first(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A group becomes a supergroup: Telegram sends a service message in each (the old one's
    migrate_to_chat_id, the new one's migrate_from_chat_id), in either order. Neither gets a
    reply or logs an error, and the group's /use scope is the supergroup's after both, also in
    chats.json (kept across a restart), where the old group's is gone."""
    new = -100200
    for first_to in (True, False):
        async with team_bot(tmp_path / str(first_to), LAYOUT,
                            allowed_chats=frozenset({GROUP, new})) as (api, app):
            assert "《软件维护服务合同》" in await ask(api, GROUP, "/use maint", message_id=1,
                                                     chat_type="group")
            before = len(api.sent())
            to = message(GROUP, None, message_id=2, chat_type="group", migrate_to_chat_id=new)
            from_ = message(new, None, message_id=1, migrate_from_chat_id=GROUP)
            with caplog.at_level("WARNING"):
                for payload in ((to, from_) if first_to else (from_, to)):
                    api.push("message", payload)
                    await api.settled()
            assert len(api.sent()) == before
            answer = await ask(api, new, "/ask 乙方响应时间是多少", message_id=2)
            assert app.chat_data[new].scope(None) == "maint" and GROUP not in app.chat_data
        assert "《软件维护服务合同》" in answer and "在线客服" not in answer
        kept = json.loads((tmp_path / str(first_to) / "index" / STATE_FILE).read_text("utf-8"))
        assert kept["chats"][str(new)]["scopes"] == {"": "maint"}
        assert str(GROUP) not in kept["chats"]
    assert [r.getMessage() for r in caplog.records if r.levelno >= 30] == []


async def test_an_answer_to_a_group_that_migrated_meanwhile_is_one_line_in_the_log(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A question asked in a group just before it became a supergroup: Telegram refuses the
    answer to the old id (400, with the supergroup's id). The log says so in one line, no
    traceback, and the bot does not send its error reply to the old id as well (refused alike).
    Until stop 39: two ERROR tracebacks, the second that of the failed error reply."""
    new = -100200
    async with team_bot(tmp_path, LAYOUT, allowed_chats=frozenset({GROUP, new})) as (api, _):
        with caplog.at_level("WARNING"):
            api.push("message", message(GROUP, "/ask 乙方响应时间是多少", message_id=5,
                                        chat_type="group"))
            api.push("message", message(GROUP, None, message_id=6, chat_type="group",
                                        migrate_to_chat_id=new))
            await api.settled()
        refused = api.sent()
        answer = await ask(api, new, "/ask 乙方响应时间是多少", message_id=1)
    assert [s["chat_id"] for s in refused] == [GROUP]  # the answer, refused; no error reply
    assert [r.levelname for r in caplog.records if r.exc_info] == []
    [said] = [r.getMessage() for r in caplog.records if "supergroup" in r.getMessage()]
    assert said == (f"update 1, chat {GROUP}, user 7: the group became supergroup {new} before "
                    "the reply was sent: not delivered; the question has to be asked there "
                    "again")
    assert "《在线客服系统升级服务合同》" in answer
