"""A follow-up that changes one thing of the question before (那房东呢 after 租客提前退租要赔多少)
was searched for its own words (房东) and answered off the point or refused; it is now read as
that question about the landlord, and its answer says so first, in the asker's script. Each
chat and each forum topic carries its own question, for 30 minutes. The real Application
against the loopback Bot API."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bot_helpers import message
from botapi_server import BOT_USERNAME
from test_bot_e2e import FORUM, GROUP, PRIVATE, running_bot
from test_bot_follow_ups import said, text_of

from index import MAX_QUESTION

TENANT = "乙方提前退租的，应向甲方支付一个月租金作为违约金"
LANDLORD = "甲方（房东）提前收回房屋、要求乙方退租的，应向乙方支付两个月租金作为违约金"
LEASE = {
    "key": "lease",
    "title": "房屋租赁合同（模板一）",
    "parties": {"甲方": "出租人", "乙方": "承租人"},
    "clauses": [
        ["第一条", None, None, "乙方提前退租的，应向甲方支付一个月租金作为违约金。"],
        ["第二条", None, None, LANDLORD + "。"],
        ["第三条", None, None, "押金为两个月租金，租赁期满后甲方无息退还。"],
    ],
}
OTHER = {
    "key": "other",
    "title": "房屋租赁合同（模板二）",
    "parties": {"甲方": "出租人", "乙方": "承租人"},
    "clauses": [
        ["第八条", None, None, "承租人中途退租的，押金不予退还，并赔偿出租人三千元。"],
        ["第九条", None, None, "出租人中途收回房屋的，双倍返还押金。"],
    ],
}
LABOUR = {
    "key": "labour",
    "title": "劳动合同",
    "parties": {"甲方": "用人单位", "乙方": "劳动者"},
    "clauses": [["第一条", None, None, "试用期为三个月，试用期工资为转正工资的八成。"]],
}
ESTATE = {
    "key": "estate",
    "title": "物业服务合同",
    "parties": {"甲方": "业主", "乙方": "物业公司"},
    "clauses": [
        ["第一条", None, None, "物业公司每年对共用设施设备维修一次。"],
        ["第二条", None, None, "房东每两年对房屋内部设施维修一次。"],
        ["第三条", None, None, "员工福利按每月工资的百分之五计算，老板福利另行约定。"],
    ],
}
MENTION = [{"type": "mention", "offset": 0, "length": len(BOT_USERNAME) + 1}]


def first_clause(sent: list[dict[str, Any]]) -> str:
    """The first quoted clause of an answer."""
    return text_of(sent).split("<blockquote>", 1)[1].split("</blockquote>", 1)[0]


async def test_a_follow_up_in_private_asks_the_question_before_changed(
        tmp_path: Path) -> None:
    async with running_bot(tmp_path, LEASE, OTHER) as api:
        # Nothing asked yet: searched for its own words, as before
        alone = text_of(await said(api, message(PRIVATE, "那房东呢", message_id=1)))
        assert "按「" not in alone

        asked = await said(api, message(PRIVATE, "租客提前退租要赔多少", message_id=2))
        assert TENANT in first_clause(asked)
        landlord = await said(api, message(PRIVATE, "那房东呢", message_id=3))
        assert text_of(landlord).startswith("按「房东提前退租要赔多少」回答：")
        assert LANDLORD in first_clause(landlord)
        # the next follow-up carries the question as it was read: back to the tenant
        tenant = await said(api, message(PRIVATE, "如果是租客呢", message_id=4))
        assert text_of(tenant).startswith("按「租客提前退租要赔多少」回答：")
        assert TENANT in first_clause(tenant)

        # a contract named: the same question of that contract only
        other = await said(api, message(PRIVATE, "那模板二呢", message_id=5))
        assert text_of(other).startswith(
            "按「《房屋租赁合同（模板二）》：租客提前退租要赔多少」回答：")
        assert "模板二" in text_of(other) and "模板一" not in text_of(other).split("：", 2)[2]
        assert "承租人中途退租的" in first_clause(other)

        # a question of its own is asked as it is, and carried by nothing
        own = text_of(await said(api, message(PRIVATE, "押金呢怎么退", message_id=6)))
        assert "按「" not in own

        # in Traditional, the reading is shown in Traditional
        await said(api, message(PRIVATE, "租客提前退租要賠多少", message_id=7))
        taiwan = await said(api, message(PRIVATE, "換成房東呢", message_id=8))
        assert text_of(taiwan).startswith("按「房東提前退租要賠多少」回答：")
        assert "甲方（房東）提前收回房屋" in first_clause(taiwan)

        # a question asked more than 30 minutes before is not carried
        old = int(time.time()) - 31 * 60
        await said(api, message(PRIVATE, "租客提前退租要赔多少", message_id=9, date=old))
        late = text_of(await said(api, message(PRIVATE, "那房东呢", message_id=10)))
        assert "按「" not in late

        # another chat has its own question before: none here
        group = text_of(await said(api, message(GROUP, "/ask 那房东呢", message_id=11)))
        assert "按「" not in group


async def test_each_forum_topic_carries_its_own_question(tmp_path: Path) -> None:
    forum: dict[str, Any] = {"chat": {"id": FORUM, "type": "supergroup", "is_forum": True},
                             "is_topic_message": True}

    def in_topic(topic: int, text: str, number: int) -> dict[str, Any]:
        mention: dict[str, Any] = {"entities": MENTION} if text.startswith("@") else {}
        return message(FORUM, text, message_id=number, message_thread_id=topic, **mention,
                       **forum)

    async with running_bot(tmp_path, LEASE, OTHER) as api:
        await said(api, in_topic(77, "/ask 租客提前退租要赔多少", 21))
        await said(api, in_topic(78, "/ask 押金怎么退", 22))
        there = await said(api, in_topic(77, f"@{BOT_USERNAME} 那房东呢", 23))
        assert text_of(there).startswith("按「房东提前退租要赔多少」回答：")
        assert LANDLORD in first_clause(there)
        here = await said(api, in_topic(78, f"@{BOT_USERNAME} 那房东呢", 24))
        assert text_of(here).startswith("按「房东押金怎么退」回答：")
        none = await said(api, in_topic(79, f"@{BOT_USERNAME} 那房东呢", 25))
        assert "按「" not in text_of(none)
        assert {s.get("message_thread_id") for s in api.sent()} == {77, 78, 79}


async def test_a_reply_to_an_older_answer_carries_that_answers_question(
        tmp_path: Path) -> None:
    """In a busy group, 那房东呢 sent as a reply to the answer of ten minutes ago asks that
    answer's question changed, not the last one asked; the 30 minutes run from that answer's
    question, and a reply to an answer whose question is not known (from before a restart)
    is searched for its own words."""
    async with running_bot(tmp_path, LEASE, OTHER) as api:
        tenant = await said(api, message(GROUP, "/ask 租客提前退租要赔多少", message_id=31))
        await said(api, message(GROUP, "/ask 押金怎么退", message_id=32))  # asked since
        under = await said(api, message(GROUP, "那房东呢", message_id=33,
                                        reply_to_message=tenant[0]))
        assert text_of(under).startswith("按「房东提前退租要赔多少」回答：")
        assert LANDLORD in first_clause(under)
        # a reply to the reply carries the question it was read as: back to the tenant
        again = await said(api, message(GROUP, "那租客呢", message_id=34,
                                        reply_to_message=under[0]))
        assert text_of(again).startswith("按「租客提前退租要赔多少」回答：")

        # an answer of a question asked 31 minutes ago carries nothing, though the group
        # asked another question since
        old = int(time.time()) - 31 * 60
        stale = await said(api, message(GROUP, "/ask 押金怎么退", message_id=35, date=old))
        await said(api, message(GROUP, "/ask 租客提前退租要赔多少", message_id=36))
        late = await said(api, message(GROUP, "那房东呢", message_id=37,
                                       reply_to_message=stale[0]))
        assert "按「" not in text_of(late)

        # the bot's message whose question it does not know: its own words, as before
        unknown = {**tenant[0], "message_id": 9999}
        alone = await said(api, message(GROUP, "那房东呢", message_id=38,
                                        reply_to_message=unknown))
        assert "按「" not in text_of(alone)


async def test_a_hong_kong_tenants_cantonese_follow_up_swaps_the_party(tmp_path: Path) -> None:
    """咁房東呢 and 如果係房東呢 (Cantonese for 那房东呢, 如果是房东呢) were read as the words
    咁房东 and 系房东 added to the question before; they now swap its party, shown in
    Traditional, and 按金點退呢 is a question of its own."""
    async with running_bot(tmp_path, LEASE, OTHER) as api:
        await said(api, message(PRIVATE, "租客提前退租要賠幾多", message_id=1))
        landlord = await said(api, message(PRIVATE, "咁房東呢", message_id=2))
        assert text_of(landlord).startswith("按「房東提前退租要賠幾多」回答：")
        assert "甲方（房東）提前收回房屋" in first_clause(landlord)
        tenant = await said(api, message(PRIVATE, "如果係租客呢", message_id=3))
        assert text_of(tenant).startswith("按「租客提前退租要賠幾多」回答：")
        own = text_of(await said(api, message(PRIVATE, "按金點退呢", message_id=4)))
        assert "按「" not in own


async def test_a_cantonese_pointer_after_a_carried_answer_quotes_its_clause(
        tmp_path: Path) -> None:
    """咁呢條呢 (那这条呢) after a carried answer quotes that answer's clause again: it was read
    as a follow-up adding 呢条 to the question before."""
    async with running_bot(tmp_path, LEASE, OTHER) as api:
        await said(api, message(PRIVATE, "租客提前退租要賠多少", message_id=1))
        carried = await said(api, message(PRIVATE, "咁房東呢", message_id=2))
        assert text_of(carried).startswith("按「房東提前退租要賠多少」回答：")
        again = text_of(await said(api, message(PRIVATE, "咁呢條呢", message_id=3)))
        assert "按「" not in again and again.count("<blockquote>") == 1
        assert "甲方（房東）提前收回房屋" in again


async def test_a_follow_up_to_a_question_near_the_limit_is_not_too_long(tmp_path: Path) -> None:
    """那押金呢 after a question of nearly ``MAX_QUESTION`` characters carried it past the limit
    and was told 问题太长 for its 4 characters; it is now searched for its own words."""
    long = "租客" + "提前退租要赔多少" * ((MAX_QUESTION - 2) // 8)
    assert MAX_QUESTION - 8 < len(long) <= MAX_QUESTION
    async with running_bot(tmp_path, LEASE, OTHER) as api:
        await said(api, message(PRIVATE, long, message_id=1))
        deposit = text_of(await said(api, message(PRIVATE, "那押金呢", message_id=2)))
        assert "按「" not in deposit and "太长" not in deposit
        assert "押金为两个月租金" in deposit


async def test_a_refused_question_leaves_the_question_before(tmp_path: Path) -> None:
    """A message refused (nothing relevant) between 租客提前退租要赔多少 and 那房东呢 became the
    question before, and 那房东呢 carried it; the answered one is carried now. A carried
    follow-up refused is kept: the next follow-up reads on from it."""
    async with running_bot(tmp_path, LEASE, OTHER, LABOUR) as api:
        await said(api, message(PRIVATE, "租客提前退租要赔多少", message_id=1))
        refused = text_of(await said(api, message(PRIVATE, "明天会下雨吗", message_id=2)))
        assert refused.startswith("没有找到与问题相关的条款。")
        landlord = await said(api, message(PRIVATE, "那房东呢", message_id=3))
        assert text_of(landlord).startswith("按「房东提前退租要赔多少」回答：")
        assert LANDLORD in first_clause(landlord)

        # in Traditional, with a refused question in Traditional
        await said(api, message(PRIVATE, "租客提前退租要賠多少", message_id=4))
        await said(api, message(PRIVATE, "明天會下雨嗎", message_id=5))
        taiwan = await said(api, message(PRIVATE, "換成房東呢", message_id=6))
        assert text_of(taiwan).startswith("按「房東提前退租要賠多少」回答：")

        # a carried follow-up refused is the question before all the same: the next one reads
        # on from it (the reading line shows what was asked)
        await said(api, message(PRIVATE, "租客提前退租要赔多少", message_id=7))
        labour = text_of(await said(api, message(PRIVATE, "那劳动合同呢", message_id=8)))
        assert labour.startswith("按「《劳动合同》：租客提前退租要赔多少」回答：")
        assert "没有找到与问题相关的条款。" in labour
        again = text_of(await said(api, message(PRIVATE, "那房东呢", message_id=9)))
        assert again.startswith("按「《劳动合同》：房东提前退租要赔多少」回答：")


async def test_a_follow_up_asking_what_then_swaps_the_party(tmp_path: Path) -> None:
    """那房东怎么办, Hong Kong's 咁業主點算 and 那乙方呢怎么样 ask what 那房东呢 asks: they were
    searched for their own words; 那房东不修怎么办 is still a question of its own."""
    async with running_bot(tmp_path, LEASE, OTHER) as api:
        await said(api, message(PRIVATE, "租客提前退租要赔多少", message_id=1))
        landlord = await said(api, message(PRIVATE, "那房东怎么办", message_id=2))
        assert text_of(landlord).startswith("按「房东提前退租要赔多少」回答：")
        assert LANDLORD in first_clause(landlord)
        tenant = await said(api, message(PRIVATE, "那乙方呢怎麼樣", message_id=3))
        assert text_of(tenant).startswith("按「乙方提前退租要賠多少」回答：")
        await said(api, message(PRIVATE, "租客提早退租要賠幾多", message_id=4))
        owner = await said(api, message(PRIVATE, "咁業主點算", message_id=5))
        assert text_of(owner).startswith("按「業主提早退租要賠幾多」回答：")
        own = text_of(await said(api, message(PRIVATE, "那房东不修怎么办", message_id=6)))
        assert "按「" not in own


async def test_a_word_a_party_word_closes_is_swapped_whole(tmp_path: Path) -> None:
    """物业公司多久维修一次, then 那房东呢, asked 物业房东多久维修一次 (公司 is a party word of
    the thesaurus); it asks 房东多久维修一次, and 员工福利 + 那老板呢 still asks 老板福利."""
    async with running_bot(tmp_path, LEASE, OTHER, ESTATE) as api:
        await said(api, message(PRIVATE, "物业公司多久维修一次", message_id=1))
        landlord = await said(api, message(PRIVATE, "那房东呢", message_id=2))
        assert text_of(landlord).startswith("按「房东多久维修一次」回答：")
        await said(api, message(PRIVATE, "员工福利怎么算", message_id=3))
        boss = await said(api, message(PRIVATE, "那老板呢", message_id=4))
        assert text_of(boss).startswith("按「老板福利怎么算」回答：")
