"""The pages of one answer (更多) quote each clause once: a sub-clause quoted under its heading
on an earlier page is not quoted again on a later one."""

from __future__ import annotations

from pathlib import Path

from bot_helpers import message
from team_bot import answer_with_buttons, button, buttons, press, team_bot

GROUP = -500
# As 房屋租赁合同 模板一's 六 (租赁期间的其它约定事项) with its items 六第1项 …: a heading the
# answer quotes with its sub-clauses, each of which the question also finds on its own.
TERMS = {
    "key": "terms",
    "title": "房屋租赁合同",
    "parties": {"甲方": "出租方", "乙方": "承租方"},
    "clauses": [
        ["第一条", None, None, "租金为每月三千元，乙方应于每月五日前支付。"],
        ["第二条", None, None, "租赁期满乙方交还房屋后，甲方应当退还押金。"],
        ["第三条", None, None, "押金的退还按下列约定："],
        ["第三条（一）", None, None, "押金在乙方结清水电费后七日内退还。", "第三条"],
        ["第三条（二）", None, None, "乙方损坏房屋的，甲方可从押金中扣除维修费用。", "第三条"],
        ["第三条（三）", None, None, "甲方逾期退还押金的，按日付千分之一的违约金。", "第三条"],
        ["第三条（四）", None, None, "押金不计利息，退还时以银行转账方式支付。", "第三条"],
        ["第四条", None, None, "乙方未按时支付租金的，甲方有权从押金中抵扣。"],
        ["第五条", None, None, "房屋交还时应当保持原状，押金在验收后退还。"],
    ],
}
ITEMS = [str(row[3]) for row in TERMS["clauses"] if str(row[0]).startswith("第三条（")]


async def test_a_later_page_does_not_quote_again_what_its_heading_quoted(tmp_path: Path) -> None:
    """第三条 comes first, quoted with its four items; the items, found on their own too,
    came again on the 更多 pages of a group (three clauses a page)."""
    async with team_bot(tmp_path, {"": [TERMS]}, allowed_chats=frozenset({GROUP})) as (api, _):
        api.push("message", message(GROUP, "/ask 押金什么时候退还", message_id=1))
        await api.settled()
        pages = [answer_with_buttons(api, 0)]
        while any(b["text"] == "更多" for b in buttons(pages[-1])):
            pages.append(await press(api, GROUP, pages[-1], "更多"))
            await api.settled()
            pages[-1] = answer_with_buttons(api, len(api.sent()) - 1)
    first = pages[0]["text"]
    assert "第三条</b>" in first and all(item in first for item in ITEMS)
    quoted = "\n".join(page["text"] for page in pages)
    assert [quoted.count(item) for item in ITEMS] == [1, 1, 1, 1]
    assert all(quoted.count(str(row[3])) == 1 for row in TERMS["clauses"])
    assert button(pages[0], "👍")


CHAT = 640  # a private chat: five clauses a page
# A list of items under 第三条 whose first item the question finds before its heading: four
# other clauses rank between them, so the item is on the first page and 第三条 on the second.
PENALTIES = {
    "key": "penalties",
    "title": "房屋租赁合同",
    "parties": {"甲方": "出租方", "乙方": "承租方"},
    "clauses": [
        ["第一条", None, None, "乙方逾期支付租金的，每逾期一日按月租金的百分之一支付违约金。"],
        ["第二条", None, None, "甲方未按时交付房屋的，按日向乙方支付违约金。"],
        ["第三条", None, None, "其他约定事项："],
        ["第三条（一）", None, None, "乙方擅自转租的，应向甲方支付违约金五千元。", "第三条"],
        ["第三条（二）", None, None, "房屋的水电费由乙方承担。", "第三条"],
        ["第三条（三）", None, None, "本合同未尽事宜由双方协商。", "第三条"],
        ["第四条", None, None, "任何一方违约的，应赔偿对方因此遭受的损失并支付违约金。"],
        ["第五条", None, None, "乙方损坏房屋的，应当修复或者赔偿，并支付违约金。"],
    ],
}
SUBLET = "乙方擅自转租的，应向甲方支付违约金五千元。"


async def test_a_heading_on_a_later_page_leaves_out_what_an_earlier_page_quoted(
        tmp_path: Path) -> None:
    """第三条（一） ranks fifth and 第三条 sixth: the first page quotes the item, and 更多's
    page quoted it again under 第三条 with the other items; now 第三条 lists the others."""
    async with team_bot(tmp_path, {"": [PENALTIES]}, allowed_chats=frozenset({CHAT})) as (api, _):
        api.push("message", message(CHAT, "违约金", message_id=1))
        await api.settled()
        first = answer_with_buttons(api, 0)
        later = await press(api, CHAT, first, "更多")
        await api.settled()
    assert SUBLET in first["text"] and "第三条</b>" not in first["text"]
    assert "第三条</b>" in later["text"] and SUBLET not in later["text"]
    assert "房屋的水电费由乙方承担。" in later["text"]  # the items not quoted before
    quoted = first["text"] + later["text"]
    assert all(quoted.count(str(row[3])) == 1 for row in PENALTIES["clauses"])
