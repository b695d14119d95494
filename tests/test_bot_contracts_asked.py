"""Asking in words which contracts there are (你好，请问有哪些合同, 有幾份合約, 合同清单) gets
the list /contracts gives, within the chat's collections and in the asker's script, in private,
in groups when addressed to the bot and in forum topics; it was searched as a question about
clauses (unrelated clauses, or a refusal). A question that says more of them is still searched.
The real Application and HTTP client against the loopback Bot API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bot_helpers import message
from botapi_server import BOT_USERNAME
from index_corpus import LEASE, MAINT
from team_bot import access_file, ask, team_bot
from test_bot_e2e import GROUP, PRIVATE, running_bot
from test_bot_teams import GROUP_A, LAYOUT
from test_bot_topics import in_topic
from test_bot_traditional import member, traditional

from bot import texts
from bot.listing import contracts_asked

ASKED = [
    "你好，請問有哪些合同", "有哪些合同", "都有什么合同", "能查哪些合同", "你这里有什么合同",
    "合同清单", "有幾份合約", "Hi，你们有哪些合同呢？", "目前收录了哪些合同", "有哪些合同可以查",
    "麻烦发一下合同列表，谢谢", "列出所有合同", "一共有多少份合同",
]
SEARCHED = [
    "有哪些合同规定了违约金", "哪些合同提到押金", "什么合同需要交押金", "有哪些劳动合同",
    "这份合同有哪些条款", "合同", "你好", "有什么", "合同期限多久",
]
MENTION = [{"type": "mention", "offset": 0, "length": len(BOT_USERNAME) + 1}]
LEAD = texts.say(texts.CONTRACTS_ASKED, "simplified")
LISTED = "已收录的合同：\n1. <code>lease</code> 《房屋租赁合同》 5 条\n" \
         "2. <code>maint</code> 《软件维护服务合同》 10 条"


@pytest.mark.parametrize("question", ASKED)
def test_a_message_that_only_asks_for_the_list_is_recognised(question: str) -> None:
    assert contracts_asked(question)


@pytest.mark.parametrize("question", SEARCHED)
def test_a_question_that_says_more_of_contracts_is_not(question: str) -> None:
    assert not contracts_asked(question)


def addressed(chat: int, text: str, message_id: int) -> dict[str, Any]:
    """A group message of user 31 (Telegram in English) that mentions the bot first."""
    return member(chat, f"@{BOT_USERNAME} {text}", message_id, user=31, lang="en",
                  entities=MENTION)


async def test_asked_in_private_the_list_is_what_contracts_gives(tmp_path: Path) -> None:
    """你好，请问有哪些合同 and its kin, in private: each was searched and quoted clauses (the
    lease's 第五条 …) with 更多 and 👍/👎; each is now /contracts' list under one line that
    these are the contracts to ask about, without buttons."""
    questions = ["你好，请问有哪些合同", "有哪些合同", "都有什么合同", "能查哪些合同",
                 "你这里有什么合同", "合同清单", "/contracts"]
    async with running_bot(tmp_path, LEASE, MAINT) as api:
        for n, question in enumerate(questions, 1):
            api.push("message", message(PRIVATE, question, message_id=n))
            await api.wait_for("sendMessage", n)
        *asked, listing = api.sent()
    assert listing["text"] == LISTED
    assert [s["text"] for s in asked] == [f"{LEAD}\n{LISTED}"] * (len(questions) - 1)
    assert not any(s.get("reply_markup") for s in asked)


async def test_a_question_that_says_more_of_contracts_is_still_searched(
        tmp_path: Path) -> None:
    """有哪些合同规定了违约金 and 哪些合同提到押金 ask of clauses: they are answered with the
    clauses (the lease's 第五条 违约金, 第二条 押金), 更多 and 👍/👎, as before."""
    async with running_bot(tmp_path, LEASE, MAINT) as api:
        for n, question in enumerate(("有哪些合同规定了违约金", "哪些合同提到押金"), 1):
            api.push("message", message(PRIVATE, question, message_id=n))
            await api.wait_for("sendMessage", n)
        penalty, deposit = api.sent()
    assert penalty["text"].startswith("<b>《房屋租赁合同》 第五条</b>")
    assert deposit["text"].startswith("<b>《房屋租赁合同》 第二条</b>")
    assert "已收录的合同" not in penalty["text"] + deposit["text"]
    assert penalty["reply_markup"] and deposit["reply_markup"]


async def test_asked_in_traditional_in_a_group_and_a_topic_the_list_is_traditional(
        tmp_path: Path) -> None:
    """你好，請問有幾份合約 addressed to the bot in a group, and 有哪些合同 in a forum topic:
    /contracts' list in Traditional (the topic's, in it); said among the members, unheard."""
    async with running_bot(tmp_path, LEASE, MAINT) as api:
        api.push("message", member(GROUP, "有哪些合同", 1, user=31, lang="en"))  # chatter
        api.push("message", addressed(GROUP, "你好，請問有幾份合約？", 2))
        await api.wait_for("sendMessage", 1)
        api.push("message", member(GROUP, "/contracts", 3, user=31, lang="en"))
        await api.wait_for("sendMessage", 2)
        api.push("message", dict(in_topic(f"@{BOT_USERNAME} 有哪些合同", 4, 77), entities=MENTION))
        await api.wait_for("sendMessage", 3)
        await api.settled()
        asked, listing, topic = api.sent()
    lead = texts.say(texts.CONTRACTS_ASKED, "traditional")
    assert listing["text"].startswith("已收錄的合同：\n1. <code>lease</code> 《房屋租賃合同》")
    assert asked["text"] == f"{lead}\n{listing['text']}" and traditional(asked["text"])
    assert asked["reply_parameters"]["message_id"] == 2
    assert topic["message_thread_id"] == 77 and topic["text"] == f"{LEAD}\n{LISTED}"


async def test_a_customers_group_asking_which_contracts_sees_its_own_only(
        tmp_path: Path) -> None:
    """Customer A's group asks the bot 有哪些合同: its collection's two contracts, as its
    /contracts lists them, never customer B's lease; a chat whose collection holds none is
    told there is none, with no line above it."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"], -600: ["nobody"]})
    async with team_bot(tmp_path, LAYOUT, access_file=rules) as (api, _):
        asked = await ask(api, GROUP_A, f"@{BOT_USERNAME} 有哪些合同", entities=MENTION)
        listing = await ask(api, GROUP_A, "/contracts")
        empty = await ask(api, -600, f"@{BOT_USERNAME} 有哪些合同", entities=MENTION)
    assert asked == f"{LEAD}\n{listing}"
    assert "《软件维护服务合同》" in asked and "《设备采购合同》" in asked
    assert "房屋租赁" not in asked and "lease" not in asked
    assert empty == texts.say(texts.NO_CONTRACTS, "simplified")
