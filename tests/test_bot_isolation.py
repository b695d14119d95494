"""Customer isolation, paths no other team test pins: a page kept for 更多 is shown as the
chat's collections see it when the button is pressed, not as they saw it when it was asked.
The real Application against the loopback Bot API."""

from __future__ import annotations

import copy
from pathlib import Path

from bot_helpers import message
from team_bot import access_file, ask, buttons, callback, sent_message, team_bot

GROUP_A = -701
LABOR_A: dict = {"key": "labor", "title": "劳动合同", "parties": {"甲方": "用人单位"}, "clauses": [
    ["第一条", None, None, "劳动合同期限为三年，试用期为三个月。"],
    ["第二条", None, None, "试用期工资不低于转正工资的百分之八十。"],
    ["第三条", None, None, "试用期内乙方可以提前三日通知甲方解除劳动合同。"],
    ["第四条", None, None, "试用期满经考核合格的，甲方予以转正。"],
    ["第五条", None, None, "甲方在试用期内应为乙方缴纳社会保险。"],
]}
LABOR_B: dict = {"key": "labor", "title": "劳动合同", "parties": {"甲方": "用人单位"},
                 "clauses": [["第一条", None, None, "劳动合同期限为一年，试用期为一个月。"]]}


async def test_more_after_the_chat_lost_a_collection_names_no_file_of_it(tmp_path: Path) -> None:
    """Customer A's group read every collection and asked within its labor.txt, which shares
    its file name and title with customer B's: the answer names the file with its collection.
    B is then taken from the group; 更多 on that answer named A's file as
    （customer-a/labor.txt）, telling the group that another collection has a 劳动合同 in a
    labor.txt. It now names the clauses as the group's collections see them."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["*"]})
    layout = {"customer-a": [LABOR_A], "customer-b": [LABOR_B]}
    async with team_bot(tmp_path, layout, access_file=rules) as (api, _):
        await ask(api, GROUP_A, "/use customer-a/labor")
        before = len(api.sent())
        api.push("message", message(GROUP_A, "/ask 试用期", message_id=5))
        await api.settled()
        first = [s["text"] for s in api.sent()[before:]]
        shown = copy.deepcopy(next(sent_message(api, s) for s in api.sent()[before:]
                                   if s.get("reply_markup")))
        more = next(b for b in buttons(shown) if b["text"] == "更多")
        access_file(rules, {GROUP_A: ["customer-a"]})
        count = len(api.sent())
        api.push("callback_query", callback(GROUP_A, shown, more["callback_data"]))
        [page] = (await api.wait_for("sendMessage", count + 1))[count:]
    assert "《劳动合同》（customer-a/labor.txt）" in "".join(first)  # what it read then
    assert "《劳动合同》 第" in page["text"], page["text"]
    assert "customer-" not in page["text"] and "labor.txt" not in page["text"]
