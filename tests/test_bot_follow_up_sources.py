"""What a follow-up (这条是什么意思, or 什么意思 replied to the bot) points at after answers
other than a question's: /clause quoted "this clause"; /compare quoted one clause per contract,
so a follow-up is asked which contract's, with the /clause command of each (one contract: its
clause); /clause that quoted its number in several contracts, likewise; after 更多, the page
just shown; after an edited question, its corrected answer. The real Application against the
loopback Bot API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot_helpers import message
from team_bot import answer_with_buttons, press, sent_message
from test_bot_e2e import GROUP, PRIVATE, running_bot
from test_bot_edits import edited
from test_bot_follow_ups import HOUSE, ITEM, QUOTES, said, text_of, which
from test_bot_more_pages import TERMS

from bot import texts

SIX = "六 租赁期间的其它约定事项"
SEVEN = "本合同一式两份，双方各执一份。"
SHOP = {
    "key": "shop",
    "title": "商铺租赁合同",
    "parties": {"甲方": "出租人", "乙方": "承租人"},
    "clauses": [
        ["第一条", None, None, "乙方逾期交付租金的，每日按租金的百分之一支付违约金。"],
        ["第二条", None, None, "商铺仅限用于零售经营，不得改变用途。"],
    ],
}


async def test_after_clause_this_clause_is_the_one_it_quoted(tmp_path: Path) -> None:
    async with running_bot(tmp_path, HOUSE) as api:
        await said(api, message(PRIVATE, "第七条怎么约定", message_id=1))  # quotes several
        first = text_of(await said(api, message(PRIVATE, "这条是什么意思", message_id=11)))
        again = text_of(await said(api, message(PRIVATE, "这条是什么意思", message_id=12)))
        assert first.startswith(f"<i>{texts.FOLLOW_UP_FIRST}</i>") and SEVEN in first
        assert again.startswith(f"<i>{texts.FOLLOW_UP}</i>") and SEVEN in again  # one now
        quoted = await said(api, message(PRIVATE, "/clause 六", message_id=2))
        assert SIX in text_of(quoted)
        after = text_of(await said(api, message(PRIVATE, "这条是什么意思", message_id=3)))
        assert QUOTES in after and SIX in after and ITEM in after and SEVEN not in after

        # A reply under the /clause message points at its clause, whatever came after it
        await said(api, message(PRIVATE, "第七条怎么约定", message_id=4))
        under = text_of(await said(api, message(PRIVATE, "什么意思", message_id=5,
                                                reply_to_message=quoted[0])))
        assert QUOTES in under and SIX in under and SEVEN not in under

        # A clause not found leaves nothing to point at: not the clause before it
        await said(api, message(PRIVATE, "/clause 九十九", message_id=6))
        none = await said(api, message(PRIVATE, "这条是什么意思", message_id=7))
        assert [m["text"] for m in none] == [which("五", "第五条")]


async def test_after_compare_a_follow_up_is_asked_which_contracts_clause(
        tmp_path: Path) -> None:
    async with running_bot(tmp_path, HOUSE, SHOP) as api:
        compared = await said(api, message(GROUP, "/compare 违约金", message_id=1))
        assert "五" in text_of(compared) and "第一条" in text_of(compared)
        under = text_of(await said(api, message(GROUP, "什么意思", message_id=2,
                                                reply_to_message=compared[0])))
        assert under.startswith("我只引用合同原文，不作解释。刚才的比较引用了 2 份合同的条款")
        lines = under.split("\n")[1:]
        assert sorted(lines) == ["《商铺租赁合同》 › 第一条：<code>/clause 第一条 2</code>",
                                 "《房屋租赁合同》 › 五：<code>/clause 五 1</code>"]  # to copy
        bare = text_of(await said(api, message(GROUP, "/ask 这条是什么意思", message_id=3)))
        assert bare == under  # right after it too, and again under its own reply

        # The command offered quotes that contract's clause
        chosen = text_of(await said(api, message(GROUP, "/clause 五 1", message_id=4)))
        assert "违约金为一个月租金" in chosen and "百分之一" not in chosen
        taiwan = text_of(await said(api, message(GROUP, "/ask 這條是什麼意思", message_id=7,
                                                 reply_to_message=compared[0])))
        assert taiwan.startswith("我只引用合同原文，不作解釋。剛才的比較引用了 2 份合同的條款")

        # One contract with a clause on it: its clause, as after an answer
        one = await said(api, message(GROUP, "/compare 零售经营", message_id=5))
        assert "未约定" in text_of(one)
        again = text_of(await said(api, message(GROUP, "什么意思", message_id=6,
                                                reply_to_message=one[0])))
        assert QUOTES in again and "零售经营" in again and "违约金" not in again


async def test_after_an_edited_question_a_follow_up_points_at_its_new_answer(
        tmp_path: Path) -> None:
    async with running_bot(tmp_path, HOUSE) as api:
        answer = await said(api, message(PRIVATE, "第六条怎么约定", message_id=1))
        api.push("edited_message", edited(PRIVATE, "第七条怎么约定", 1))
        await api.settled()
        under = text_of(await said(api, message(PRIVATE, "什么意思", message_id=2,
                                                reply_to_message=answer[0])))
        assert QUOTES in under and SEVEN in under and ITEM not in under
        bare = text_of(await said(api, message(PRIVATE, "这条是什么意思", message_id=3)))
        assert SEVEN in bare and ITEM not in bare

        # Edited into a question no clause answers: the message now refuses, and a reply
        # under it is asked which clause, not given the clause it quoted before the edit
        api.push("edited_message", edited(PRIVATE, "今天天气怎么样", 1))
        await api.settled()
        shown: dict[str, Any] = next(m for (chat, mid), m in api.messages.items()
                                     if chat == PRIVATE and mid == answer[0]["message_id"])
        assert SEVEN not in shown["text"]  # edited in place: a refusal now
        refused = await said(api, message(PRIVATE, "什么意思", message_id=4,
                                          reply_to_message=answer[0]))
        assert [m["text"] for m in refused] == [which("五", "第五条")]


async def test_after_more_this_clause_is_the_first_of_the_page_just_shown(
        tmp_path: Path) -> None:
    """The asker reads the page 更多 sent last: its first clause is "this clause"; a reply
    under the first page still points at that page's."""
    async with running_bot(tmp_path, TERMS) as api:
        await said(api, message(GROUP, "/ask 押金什么时候退还", message_id=1))
        first = answer_with_buttons(api, 0)
        later = sent_message(api, await press(api, GROUP, first, "更多"))
        await api.settled()
        bare = text_of(await said(api, message(GROUP, "/ask 这条是什么意思", message_id=2)))
        under = text_of(await said(api, message(GROUP, "什么意思", message_id=3,
                                                reply_to_message=first)))
        page = text_of(await said(api, message(GROUP, "什么意思", message_id=4,
                                               reply_to_message=later)))
    assert first["text"].startswith("<b>《房屋租赁合同》 第三条</b>")
    assert later["text"].startswith("<b>《房屋租赁合同》 第二条</b>")
    assert QUOTES in bare and "第二条</b>" in bare and "第三条" not in bare
    assert QUOTES in under and "第三条</b>" in under and "第二条" not in under
    assert page == bare


OFFICE = {
    "key": "office",
    "title": "办公室租赁合同",
    "parties": {"甲方": "出租人", "乙方": "承租人"},
    "clauses": [
        ["第六条", None, None, "乙方应按时缴纳物业管理费。"],
        ["第七条", None, None, "本合同自双方盖章之日起生效。"],
    ],
}
SEVERAL = "我只引用合同原文，不作解释。刚才的回复引用了 2 份合同的条款，请说明是哪一份的"


async def test_after_clause_in_several_contracts_a_follow_up_is_asked_which(
        tmp_path: Path) -> None:
    """/clause 七 in a chat that reads two contracts with a 七 quoted both, and a follow-up
    quoted the first contract's again (its hint, /clause and the number, only showed both
    again): it is asked which contract's, with the /clause command of each, as after a
    /compare, never the one that happens to come first."""
    async with running_bot(tmp_path, HOUSE, OFFICE) as api:
        both = await said(api, message(GROUP, "/clause 七", message_id=1))
        assert SEVEN in text_of(both) and "盖章之日起生效" in text_of(both)
        bare = text_of(await said(api, message(GROUP, "/ask 这条是什么意思", message_id=2)))
        under = text_of(await said(api, message(GROUP, "什么意思", message_id=3,
                                                reply_to_message=both[0])))
        taiwan = text_of(await said(api, message(GROUP, "/ask 這條是什麼意思", message_id=4,
                                                 reply_to_message=both[0])))
        chosen = text_of(await said(api, message(GROUP, "/clause 第七条 2", message_id=5)))
        after = text_of(await said(api, message(GROUP, "/ask 这条是什么意思", message_id=6)))
    assert bare.startswith(SEVERAL) and SEVEN not in bare, bare
    assert sorted(bare.split("\n")[1:]) == [
        "《办公室租赁合同》 › 第七条：<code>/clause 第七条 2</code>",
        "《房屋租赁合同》 › 七：<code>/clause 七 1</code>"]
    assert under == bare  # replied to, too
    assert taiwan.startswith("我只引用合同原文，不作解釋。剛才的回覆引用了 2 份合同的條款")
    assert "盖章之日起生效" in chosen and SEVEN not in chosen  # the command offered quotes it
    assert after.startswith(f"<i>{texts.FOLLOW_UP}</i>") and "盖章之日起生效" in after


async def test_a_follow_up_tells_apart_contracts_of_the_same_title(tmp_path: Path) -> None:
    """After /compare over two contracts titled 《房屋租赁合同》, the follow-up's lines name
    each by its file as /compare and /contracts do (they read 《房屋租赁合同》 twice)."""
    other = {**HOUSE, "key": "house-b", "clauses": [
        ["五", None, None, "违约金为两个月租金。"]]}
    async with running_bot(tmp_path, HOUSE, other) as api:
        compared = text_of(await said(api, message(PRIVATE, "/compare 违约金", message_id=1)))
        bare = text_of(await said(api, message(PRIVATE, "这条是什么意思", message_id=2)))
    assert "《房屋租赁合同》（house.txt）" in compared  # as /compare names them
    assert sorted(bare.split("\n")[1:]) == [
        "《房屋租赁合同》（house-b.txt） › 五：<code>/clause 五 1</code>",
        "《房屋租赁合同》（house.txt） › 五：<code>/clause 五 2</code>"]
