"""A follow-up to an answer outlives a restart of the bot: what the newest answers quoted
first (contract keys and clause numbers, by message id, and the last answer by chat and forum
topic) is kept in ``chats.json``, bounded, and looked up again in the index in use then: a
clause that is no longer there (its contract rebuilt) gets the which-clause reply, never
another clause. Never across chats or topics. The real Application, stopped and started again
over the same index folder, against the same loopback Bot API."""

from __future__ import annotations

import asyncio
import json
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

from bot_helpers import message
from botapi_server import BOT_USERNAME, FakeBotApi
from index_corpus import write_corpus
from team_bot import answer_with_buttons, build, button, callback, sent_message
from test_bot_e2e import FORUM, PRIVATE
from test_bot_follow_ups import HOUSE, ITEM, QUOTES, said, text_of, which
from test_bot_more_pages import TERMS
from test_bot_restart import bot_session
from test_bot_topics import in_topic

from bot import texts
from bot.persistence import KEPT_QUOTED, KEPT_TOPICS, STATE_FILE, chat_from, chat_record
from bot.state import ChatData, Quoted

SIX = "六 租赁期间的其它约定事项"
MENTION = [{"type": "mention", "offset": 0, "length": len(BOT_USERNAME) + 1}]
# HOUSE rebuilt: its 六 is now a clause of 第二章 with other words, 七 as it was
REBUILT = {**HOUSE, "clauses": [
    ["五", None, None, "租金每月两千元，违约金为一个月租金。"],
    ["六", "第二章", "其他", "本合同自双方签字之日起生效。"],
    ["七", None, None, "本合同一式两份，双方各执一份。"],
]}


def session(api: FakeBotApi, tmp_path: Path) -> AbstractAsyncContextManager[None]:
    """One run of the bot over the index in ``tmp_path`` (built from HOUSE on the first)."""
    return bot_session(api, tmp_path, HOUSE)


def mentioned(text: str, number: int, topic: int) -> dict[str, Any]:
    return {**in_topic(f"@{BOT_USERNAME} {text}", number, topic), "entities": MENTION}


async def test_a_follow_up_to_an_answer_outlives_a_restart(tmp_path: Path) -> None:
    api = FakeBotApi()
    await api.start()
    try:
        async with session(api, tmp_path):
            answer = await said(api, message(PRIVATE, "第六条怎么约定", message_id=1))
            topic = await said(api, in_topic("/ask 第七条怎么约定", 2, 77))
        kept = json.loads((tmp_path / "index" / STATE_FILE).read_text("utf-8"))
        assert set(kept["chats"][str(PRIVATE)]) == {"answers", "quoted", "last", "scripts",
                                                     "known"}
        async with session(api, tmp_path):
            under = text_of(await said(api, message(PRIVATE, "什么意思", message_id=3,
                                                    reply_to_message=answer[0])))
            bare = text_of(await said(api, message(PRIVATE, "这条是什么意思", message_id=4)))
            in_77 = text_of(await said(api, mentioned("这条是什么意思", 5, 77)))
            in_78 = await said(api, mentioned("这条是什么意思", 6, 78))
            # the private answer's id, replied to in the forum: that chat has no such answer
            other = {**answer[0], "chat": {"id": FORUM, "type": "supergroup", "is_forum": True}}
            elsewhere = await said(api, {**in_topic("什么意思", 7, 79),
                                         "reply_to_message": other})
        write_corpus(tmp_path / "src", REBUILT)
        await asyncio.to_thread(build, [tmp_path / "src"], tmp_path / "index", replace=True)
        async with session(api, tmp_path):
            rebuilt = await said(api, message(PRIVATE, "什么意思", message_id=8,
                                              reply_to_message=answer[0]))
            still = text_of(await said(api, mentioned("这条是什么意思", 9, 77)))
    finally:
        await api.stop()
    assert QUOTES in under and SIX in under and ITEM in under
    assert under.startswith(f"<i>{texts.FOLLOW_UP_FIRST}</i>")  # the answer quoted several
    assert bare.startswith(f"<i>{texts.FOLLOW_UP}</i>") and SIX in bare and ITEM in bare
    assert QUOTES in in_77 and "本合同一式两份" in in_77 and SIX not in in_77
    assert [m["text"] for m in in_78] == [which("五", "第五条")]  # no answer in topic 78
    assert topic and [m["text"] for m in elsewhere] == [which("五", "第五条")]
    # 六 is now another clause (of 第二章): not quoted in place of the one answered
    assert [m["text"] for m in rebuilt] == [which("五", "第五条")]
    assert "本合同一式两份" in still  # 七 is as it was


def test_the_kept_clauses_are_bounded_and_odd_shapes_left_out() -> None:
    chat = ChatData()
    for n in range(KEPT_QUOTED + 30):
        chat.keep_quoted(n % (KEPT_TOPICS + 10), (n,), (Quoted("house", f"{n}", None),))
    chat.keep_quoted(None, (1000, 1001), (Quoted("a", "1", "第一章"), Quoted("b", "2", None)))
    back = chat_from(json.loads(json.dumps(chat_record(chat))))
    assert len(back.quoted) == KEPT_QUOTED and len(back.last_quoted) == KEPT_TOPICS
    assert list(back.quoted.items()) == list(chat.quoted.items())[-KEPT_QUOTED:]
    assert back.last_quoted[None] == (Quoted("a", "1", "第一章"), Quoted("b", "2", None))
    odd = chat_from({"quoted": [[1, [["k", "1", None, False]]], ["2", [["k", "1", None, False]]],
                                [3, [["k", 1, None, False]]], [4, []], [True, [["k", "1", None,
                                                                               False]]], 5],
                     "last": [[None, [["k", "2", "第二章", True]]], [7, "x"]]})
    assert odd.quoted == {1: (Quoted("k", "1", None),)}
    assert odd.last_quoted == {None: (Quoted("k", "2", "第二章", True),)}


async def test_a_follow_up_after_more_in_a_forum_topic_outlives_a_restart(
        tmp_path: Path) -> None:
    """更多 pressed in a forum topic (the button's message is in that topic, as Telegram sends
    it): after a restart, 这条 in that topic is the first clause of the page 更多 sent, a
    reply under the first page still that page's, and another topic has none."""
    api = FakeBotApi()
    await api.start()
    try:
        async with bot_session(api, tmp_path, TERMS):
            await said(api, in_topic("/ask 押金什么时候退还", 1, 77))
            first = answer_with_buttons(api, 0)
            count = len(api.sent())
            more = button(first, "更多")["callback_data"]
            api.push("callback_query", callback(FORUM, first, more))
            later = sent_message(api, (await api.wait_for("sendMessage", count + 1))[count])
            await api.settled()
        async with bot_session(api, tmp_path):
            bare = text_of(await said(api, in_topic("/ask 这条是什么意思", 2, 77)))
            under = text_of(await said(api, {**in_topic("什么意思", 3, 77),
                                             "reply_to_message": first}))
            page = text_of(await said(api, {**in_topic("什么意思", 4, 77),
                                            "reply_to_message": later}))
            other = await said(api, in_topic("/ask 这条是什么意思", 5, 78))
    finally:
        await api.stop()
    assert first["text"].startswith("<b>《房屋租赁合同》 第三条</b>")
    assert later["text"].startswith("<b>《房屋租赁合同》 第二条</b>")
    assert QUOTES in bare and "第二条</b>" in bare and "第三条" not in bare, bare
    assert QUOTES in under and "第三条</b>" in under and "第二条" not in under, under
    assert page == bare
    assert [m["text"] for m in other] == [which("第三条", "第三条")]
