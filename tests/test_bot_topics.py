"""Forum topics: a support group often keeps a topic per customer, so /use limits the topic it
is sent in, not the whole group; the chat outside topics keeps its own scope."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot_helpers import message
from index_corpus import LEASE, MAINT
from team_bot import button, callback, sent_message
from test_bot_e2e import FORUM, reply_id, running_bot, wait_markup


def in_topic(text: str, message_id: int, topic: int | None) -> dict[str, Any]:
    """A message in the forum FORUM: in ``topic``, or outside topics when None."""
    extra: dict[str, Any] = {"chat": {"id": FORUM, "type": "supergroup", "is_forum": True}}
    if topic is not None:
        extra.update(message_thread_id=topic, is_topic_message=True)
    return message(FORUM, text, message_id=message_id, **extra)


async def test_use_in_a_topic_limits_that_topic_only(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as api:
        api.push("message", in_topic("/use maint", 1, 77))
        [set_reply] = await api.wait_for("sendMessage", 1)
        asked = {}
        for n, topic in enumerate((77, 88, None), 2):
            api.push("message", in_topic("/ask 乙方响应时间是多少", n, topic))
            asked[topic] = (await api.wait_for("sendMessage", n))[-1]
        api.push("message", in_topic("/clause 7.2", 5, 77))  # only the other contract has one
        clause = (await api.wait_for("sendMessage", 5))[-1]
        api.push("message", in_topic("/use all", 6, 77))
        cleared = (await api.wait_for("sendMessage", 6))[-1]
        api.push("message", in_topic("/ask 乙方响应时间是多少", 7, 77))
        again = (await api.wait_for("sendMessage", 7))[-1]
    assert set_reply["text"].startswith("本话题现在只在《软件维护服务合同》中查找")
    assert set_reply["message_thread_id"] == 77
    assert "《软件维护服务合同》" in asked[77]["text"] and "在线客服" not in asked[77]["text"]
    for other in (88, None):  # another topic and the chat outside topics: every contract
        assert "《在线客服系统升级服务合同》" in asked[other]["text"]
    assert asked[88]["message_thread_id"] == 88
    assert clause["text"] == ("没有找到条款 7.2。\n"
                              "本话题只在《软件维护服务合同》中查找；/use all 取消。")
    assert cleared["text"] == "本话题现在在所有合同中查找。"
    assert "《在线客服系统升级服务合同》" in again["text"]


async def test_use_outside_topics_says_the_topics_keep_theirs(tmp_path: Path) -> None:
    """In a forum, /use outside topics (General) limits only General: saying 本聊天 (the whole
    chat) made a lead think every topic had followed."""
    async with running_bot(tmp_path) as api:
        for n, text in enumerate(("/use maint", "/contracts", "/use all"), 1):
            api.push("message", in_topic(text, n, None))
            await api.wait_for("sendMessage", n)
        used, listing, cleared = (m["text"] for m in api.sent())
    assert used == ("话题之外（General）现在只在《软件维护服务合同》中查找（各话题不变）。"
                    "/use all 取消。")
    assert listing.endswith("\n话题之外（General）只在《软件维护服务合同》中查找；/use all 取消。")
    assert cleared == "话题之外（General）现在在所有合同中查找（各话题不变）。"


async def test_the_closest_clauses_of_a_refusal_go_to_its_topic(tmp_path: Path) -> None:
    """A refusal in a topic offers the closest clauses; pressing the button sends them into the
    same topic, not to the chat outside topics."""
    async with running_bot(tmp_path) as api:
        api.push("message", in_topic("/ask 明天的天气怎么样", 1, 77))
        [refusal] = await api.wait_for("sendMessage", 1)
        [[offer]] = refusal["reply_markup"]["inline_keyboard"]
        api.push("callback_query", callback(FORUM, sent_message(api, refusal),
                                            offer["callback_data"], user_id=31))
        closest = (await api.wait_for("sendMessage", 2))[-1]
    assert refusal["message_thread_id"] == 77 and offer["text"] == "仍然显示最接近的条款"
    assert closest["message_thread_id"] == 77 and "《" in closest["text"]


async def test_a_contract_named_in_a_question_overrules_the_topics_use(tmp_path: Path) -> None:
    """A topic kept for one customer's contract (/use maint) where an agent asks of another one
    by its title in 《》: the answer quoted the /use contract's clauses, not the one named."""
    async with running_bot(tmp_path) as api:
        api.push("message", in_topic("/use maint", 1, 77))
        await api.wait_for("sendMessage", 1)
        api.push("message", in_topic("/ask 《在線客服系統升級服務合同》乙方響應時間是多少", 2, 77))
        api.push("message", in_topic("/ask 乙方響應時間是多少", 3, 77))
        await api.settled()
    named = "".join(s["text"] for s in api.sent() if reply_id(s) == 2)
    unnamed = "".join(s["text"] for s in api.sent() if reply_id(s) == 3)
    assert named.startswith("<i>本合同中甲方為維護方，乙方為用戶方</i>\n\n"
                            "<b>《在線客服系統升級服務合同》 第七章 質量保證 › 7.2</b>")
    assert "軟件維護服務合同" not in named
    assert "《軟件維護服務合同》" in unnamed and "在線客服" not in unnamed  # /use still holds


async def test_a_question_the_use_contract_cannot_answer_says_where_it_looked(
        tmp_path: Path) -> None:
    """A topic kept for one contract (/use maint) where an agent asks for 第五条, which only
    the lease has: the refusal said 没有找到第五条 and pointed to /contracts, as if no contract
    had it. It now says, as /clause does, that the topic searches the /use contract only; a
    question that names the lease in 《》 asks the lease and is not told so."""
    async with running_bot(tmp_path, MAINT, LEASE) as api:
        api.push("message", in_topic("/use maint", 1, 77))
        await api.wait_for("sendMessage", 1)
        for n, text in enumerate(("/ask 第五条", "/ask 第五條寫了什麼", "/ask 明天的天气怎么样",
                                  "/ask 《房屋租赁合同》第九条"), 2):
            api.push("message", in_topic(text, n, 77))
            await api.wait_for("sendMessage", n)
        replies = [s["text"] for s in api.sent()[1:]]
    scope = "\n本话题只在《软件维护服务合同》中查找；/use all 取消。"
    assert replies[0] == "没有找到第五条。\n可用 /contracts 查看已收录的合同。" + scope
    assert replies[1] == ("沒有找到第五條。\n可用 /contracts 查看已收錄的合同。"
                          "\n本話題只在《軟件維護服務合同》中查找；/use all 取消。")
    assert replies[2] == "没有找到与问题相关的条款。\n可用 /contracts 查看已收录的合同。" + scope
    assert replies[3] == ("没有找到第九条。\n可用 /contracts 查看已收录的合同。\n"  # the lease
                          "这次按问题所写，在《房屋租赁合同》中查找，"  # asked, and said so
                          "没有限于 /use 所选的合同。")


async def test_more_pressed_outside_topics_stays_outside_topics(tmp_path: Path) -> None:
    """An answer in a forum's General topic is a reply, so Telegram gives it (and the button
    press on it) the reply chain's message_thread_id without is_topic_message: 更多 must send
    the next page to General, not to a "topic" Telegram refuses (message thread not found)."""
    async with running_bot(tmp_path) as api:
        api.push("message", in_topic("/ask 乙方响应时间是多少", 1, None))
        first = sent_message(api, await wait_markup(api, 0))
        more = button(first, "更多")["callback_data"]
        api.push("callback_query", callback(FORUM, first, more))
        page = (await api.wait_for("sendMessage", 2))[-1]
    assert first["message_thread_id"] == 1 and "is_topic_message" not in first
    assert page.get("message_thread_id") is None
    assert "is_topic_message" not in sent_message(api, page)  # sent, not refused
