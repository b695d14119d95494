"""Follow-ups that only point at the answer before: 这条是什么意思 after an answer, 什么意思 as a
reply to one, 這個條款呢 in Traditional. They were searched as words and refused as off-topic;
the clause the answer quoted first is now quoted again whole, with its sub-clauses, under the
line that the bot quotes and does not interpret. A follow-up with words of its own (那违约金呢)
is a question; the answer pointed at is the chat's and the forum topic's own, never another's.
The real Application against the loopback Bot API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot_helpers import message
from botapi_server import BOT_USERNAME, FakeBotApi
from index_corpus import MAINT
from team_bot import press, sent_message
from test_bot_e2e import FORUM, GROUP, PRIVATE, running_bot

from bot import texts
from bot.followups import points_back

HOUSE = {
    "key": "house",
    "title": "房屋租赁合同",
    "parties": {"甲方": "出租人", "乙方": "承租人"},
    "clauses": [
        ["五", None, None, "租金每月两千元，违约金为一个月租金。"],
        ["六", None, None, "租赁期间的其它约定事项", None, "租赁期间的其它约定事项"],
        ["六第1项", None, None, "甲方提供完好的房屋及设施。", "六"],
        ["六第2项", None, None, "乙方退租时应结清各项费用并交还钥匙。", "六"],
        ["七", None, None, "本合同一式两份，双方各执一份。"],
    ],
}
MENTION = [{"type": "mention", "offset": 0, "length": len(BOT_USERNAME) + 1}]
ITEM = "乙方退租时应结清各项费用并交还钥匙"  # a sub-clause of 六: quoted with it
QUOTES = "我只引用合同原文，不作解释。"


def which(clause: str, cited: str) -> str:
    """The reply to a follow-up that points at no clause, its /clause example ``clause`` (one
    of the contracts the chat reads: bot/examples.py) and that clause's number as a question
    cites it, ``cited`` (it said 第七条, which the chat's contracts may not have)."""
    return f"请说明是哪一条，例如：{cited}是什么意思，或 /clause {clause}"


async def said(api: FakeBotApi, payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Push one message and return every message the bot sent for it (as the server made
    them: their ids)."""
    before = len(api.sent())
    api.push("message", payload)
    await api.settled()
    out = []
    for params in api.sent()[before:]:
        made = max((m for (chat, _), m in api.messages.items()
                    if chat == int(params["chat_id"]) and m["text"] == params["text"]),
                   key=lambda m: m["message_id"])
        out.append(made)
    return out


def text_of(sent: list[dict[str, Any]]) -> str:
    return "\n".join(m["text"] for m in sent)


def test_what_points_back_and_what_is_a_question() -> None:
    for bare in ("这条是什么意思", "这个条款呢", "這條是什麼意思？", "它呢", "上面那条什么意思",
                 "该条怎么理解", "這款呢", "全文", "全文呢", "这条全文"):
        assert points_back(bare, replying=False), bare
    for asked in ("那违约金呢", "这条和违约金有关吗", "违约金是什么意思", "其它费用呢", "押金",
                  "违约金全文", "合同全文"):
        assert not points_back(asked, replying=False) and not points_back(asked, replying=True)
    assert points_back("什么意思", replying=True) and not points_back("什么意思", replying=False)
    assert not points_back("是吗", replying=True) and not points_back("？", replying=True)


def test_what_points_back_in_cantonese() -> None:
    """Hong Kong's 嗰條 (那条), 頭先嗰條 (刚才那条) and 呢條款 point back, and 咁 (那) says
    nothing of its own: 咁呢條呢 was taken for a question, and after an answer, for a
    follow-up adding the word 呢条 to the question before."""
    for bare in ("咁呢條呢", "噉呢條呢", "嗰條呢", "咁嗰條呢", "嗰個條款呢", "呢條款呢",
                 "頭先嗰條係咩意思", "咁呢個呢"):
        assert points_back(bare, replying=False), bare
    for asked in ("咁按金呢", "咁業主呢", "咁"):
        assert not points_back(asked, replying=False), asked


async def test_a_follow_up_quotes_the_answers_clause_again_in_its_chat_and_topic(
        tmp_path: Path) -> None:
    forum: dict[str, Any] = {"chat": {"id": FORUM, "type": "supergroup", "is_forum": True},
                             "is_topic_message": True}
    async with running_bot(tmp_path, HOUSE, MAINT) as api:
        # Nothing answered yet: the asker is asked which clause, the library is not searched
        first = await said(api, message(PRIVATE, "这条是什么意思", message_id=1))
        assert [m["text"] for m in first] == [which("4.2 2", "4.2")]

        answer = await said(api, message(PRIVATE, "第六条怎么约定", message_id=2))
        assert "六 租赁期间的其它约定事项" in answer[0]["text"]
        again = text_of(await said(api, message(PRIVATE, "这条是什么意思", message_id=3)))
        assert QUOTES in again and "六 租赁期间的其它约定事项" in again and ITEM in again
        assert "仍然显示最接近的条款" not in again  # not refused as off-topic

        whole = text_of(await said(api, message(PRIVATE, "全文", message_id=31)))
        assert QUOTES in whole and ITEM in whole  # not searched for the word, and refused

        own = text_of(await said(api, message(PRIVATE, "那违约金呢", message_id=4)))
        assert QUOTES not in own and "违约金为一个月租金" in own  # a question of its own

        taiwan = text_of(await said(api, message(PRIVATE, "這個條款呢", message_id=5)))
        assert taiwan.startswith("<i>我只引用合同原文，不作解釋。")

        # In a group: 什么意思 as a reply to the bot's answer
        group = await said(api, message(GROUP, "/ask 第六条怎么约定", message_id=11))
        under = await said(api, message(GROUP, "什么意思", message_id=12,
                                        reply_to_message=group[0]))
        assert QUOTES in under[0]["text"] and ITEM in text_of(under)

        # A forum topic has its own last answer: none from the group, the private chat or
        # another topic
        def in_topic(topic: int, text: str, number: int) -> dict[str, Any]:
            mention: dict[str, Any] = {"entities": MENTION} if text.startswith("@") else {}
            return message(FORUM, text, message_id=number, message_thread_id=topic,
                           **mention, **forum)

        none = await said(api, in_topic(77, f"@{BOT_USERNAME} 这条是什么意思", 21))
        assert [m["text"] for m in none] == [which("4.2 2", "4.2")]
        assert "六 租赁期间的其它约定事项" in text_of(
            await said(api, in_topic(78, "/ask 第六条怎么约定", 22)))
        still = await said(api, in_topic(77, f"@{BOT_USERNAME} 这个条款呢", 23))
        assert [m["text"] for m in still] == [which("4.2 2", "4.2")]
        there = text_of(await said(api, in_topic(78, f"@{BOT_USERNAME} 这个条款呢", 24)))
        assert QUOTES in there and ITEM in there
        topics = {s.get("message_thread_id") for s in api.sent() if s["chat_id"] == FORUM}
        assert topics == {77, 78}


async def test_a_follow_up_to_a_refusal_quotes_nothing_until_the_closest_are_shown(
        tmp_path: Path) -> None:
    """A refusal quotes no clause: 这条 right after it, or 什么意思 replied to it, is asked
    which clause, never given the clause of the answer before the refusal. Once the asker
    pressed 仍然显示最接近的条款, the clauses shown are an answer like another: a reply under
    them, or 这条 right after, points at the first of them; the refusal itself still none."""
    async with running_bot(tmp_path, HOUSE) as api:
        await said(api, message(PRIVATE, "第六条怎么约定", message_id=1))
        refusal = await said(api, message(PRIVATE, "今天天气怎么样", message_id=2))
        assert texts.CLOSEST in str(refusal[-1].get("reply_markup"))
        bare = await said(api, message(PRIVATE, "这条是什么意思", message_id=3))
        under = await said(api, message(PRIVATE, "什么意思", message_id=4,
                                        reply_to_message=refusal[-1]))
        closest = sent_message(api, await press(api, PRIVATE, refusal[-1], texts.CLOSEST))
        await api.settled()
        shown = text_of(await said(api, message(PRIVATE, "什么意思", message_id=5,
                                                reply_to_message=closest)))
        after = text_of(await said(api, message(PRIVATE, "这条是什么意思", message_id=6)))
        still = await said(api, message(PRIVATE, "什么意思", message_id=7,
                                        reply_to_message=refusal[-1]))
    assert [m["text"] for m in bare] == [which("五", "第五条")]  # not 六, answered before
    assert [m["text"] for m in under] == [which("五", "第五条")]
    assert closest["text"].startswith(f"<i>{texts.UNSURE}</i>")
    first = next(line for line in closest["text"].split("\n") if line.startswith("<b>"))
    assert QUOTES in shown and first in shown, shown
    assert after.startswith(f"<i>{texts.FOLLOW_UP}</i>") and first in after  # quoted: one
    assert [m["text"] for m in still] == [which("五", "第五条")]


async def test_the_which_clause_example_is_the_chats_own_and_works_copied(
        tmp_path: Path) -> None:
    """A follow-up with nothing to point at was told 例如：第七条是什么意思 whatever the chat
    reads (a contract numbered 1.1 … or with no 第七条); it is now told the number of its
    /clause example, and that question, copied, quotes that clause."""
    async with running_bot(tmp_path, HOUSE) as api:
        asked = text_of(await said(api, message(PRIVATE, "这条是什么意思", message_id=1)))
        assert asked == "请说明是哪一条，例如：第五条是什么意思，或 /clause 五"
        copied = text_of(await said(api, message(PRIVATE, "第五条是什么意思", message_id=2)))
        assert "<blockquote>租金每月两千元" in copied.split("\n\n")[0], copied
