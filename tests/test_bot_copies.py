"""A clause two customers' files hold word for word, walked through the bot: a chat reading
both is quoted it once, with its own file in the heading and the other file named (as /clause
takes it there) on the line after, in Simplified or Traditional; a chat reading one customer
never learns the other has it, also on a 更多 page kept from before it lost that customer.
The real Application against the loopback Bot API."""

from __future__ import annotations

from pathlib import Path

from bot_helpers import html_errors, message
from team_bot import access_file, answer_with_buttons, ask, press, team_bot

GROUP_A, BOTH = -901, 902
PROBATION = [
    ["第二条", None, None, "试用期工资不低于转正工资的百分之八十。"],
    ["第三条", None, None, "试用期内乙方可以提前三日通知甲方解除劳动合同。"],
    ["第四条", None, None, "试用期满经考核合格的，甲方予以转正。"],
    ["第五条", None, None, "甲方在试用期内应为乙方缴纳社会保险。"],
]
LABOR_A: dict = {"key": "labor", "title": "劳动合同", "parties": {}, "clauses": [
    ["第一条", None, None, "劳动合同期限为三年，试用期为三个月。"], *PROBATION]}
LABOR_B: dict = {"key": "labor", "title": "劳动合同", "parties": {}, "clauses": [
    ["第一条", None, None, "劳动合同期限为一年，试用期为一个月。"], *PROBATION]}
LAYOUT = {"customer-a": [LABOR_A], "customer-b": [LABOR_B]}


async def test_a_chat_reading_both_files_is_told_both_in_its_script(tmp_path: Path) -> None:
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"]})
    async with team_bot(tmp_path, LAYOUT, access_file=rules,
                        allowed_chats=frozenset({BOTH})) as (api, _):
        simplified = await ask(api, BOTH, "试用期工资是多少")
        traditional = await ask(api, BOTH, "試用期工資是多少")
        clause = await ask(api, BOTH, "/clause 第二条 customer-b/labor")
    assert simplified.startswith(
        "<b>《劳动合同》（customer-a/labor.txt） 第二条</b>\n相同条款也见于：customer-b/labor\n"
        "<blockquote>试用期工资不低于转正工资的百分之八十。</blockquote>"), simplified
    assert traditional.startswith(
        "<b>《勞動合同》（customer-a/labor.txt） 第二條</b>\n相同條款也見於：customer-b/labor\n"
        "<blockquote>試用期工資不低於轉正工資的百分之八十。</blockquote>"), traditional
    for block in simplified.split("\n\n"):  # each clause but 第一条 is in both files
        own = "customer-a" if "customer-a/labor.txt" in block else "customer-b"
        other = "customer-b" if own == "customer-a" else "customer-a"
        named = f"</b>\n相同条款也见于：{other}/labor\n<blockquote>" in block
        assert named == ("第一条</b>" not in block), block
    assert "试用期工资不低于" in clause  # the name given is the one /clause takes
    assert html_errors(simplified) == [] and html_errors(traditional) == []


async def test_a_group_reading_one_customer_never_hears_of_the_others_copy(
        tmp_path: Path) -> None:
    """Customer A's group reads both customers, asks, is taken off customer B, then presses
    更多: its first page named B's copies, the page it now sees names none (nor B's file)."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["*"]})
    async with team_bot(tmp_path, LAYOUT, access_file=rules) as (api, _):
        before = len(api.sent())
        api.push("message", message(GROUP_A, "/ask 试用期", message_id=5))
        await api.settled()
        first = "".join(s["text"] for s in api.sent()[before:])
        shown = answer_with_buttons(api, before)
        access_file(rules, {GROUP_A: ["customer-a"]})
        page = (await press(api, GROUP_A, shown, "更多"))["text"]
        again = await ask(api, GROUP_A, "/ask 试用期工资是多少", message_id=9)
    assert "相同条款也见于：customer-b/labor" in first, first  # what it read then
    assert "《劳动合同》 第" in page, page
    for text in (page, again):
        assert "相同条款" not in text and "customer-" not in text and "labor" not in text, text
