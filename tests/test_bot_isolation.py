"""Customer isolation, paths no other team test pins: a page kept for 更多 is shown as the
chat's collections see it when the button is pressed, not as they saw it when it was asked;
a group moved to another customer by an edit that keeps the access file's size and
modification time reads the new customer's contracts only. The real Application against the
loopback Bot API."""

from __future__ import annotations

import copy
import os
from pathlib import Path

from bot_helpers import message
from index_corpus import LEASE, MAINT
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


async def test_a_group_moved_to_another_customer_within_one_clock_tick_reads_the_new_one(
        tmp_path: Path) -> None:
    """The operator moves customer A's group to customer B: "customer-a" becomes
    "customer-b", the file keeps its size, and its modification time stays as it was when the
    edit falls in the tick of the file system's clock of the last write (seconds on some
    file systems). The change was not seen: the group went on reading customer A's
    contracts, which it may no longer read, until some other edit of the file."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"]})
    layout: dict[str, list[dict]] = {"customer-a": [MAINT], "customer-b": [LEASE]}
    async with team_bot(tmp_path, layout, access_file=rules) as (api, _):
        assert "《软件维护服务合同》" in await ask(api, GROUP_A, "/contracts")
        was = rules.stat()
        access_file(rules, {GROUP_A: ["customer-b"]})
        os.utime(rules, ns=(was.st_atime_ns, was.st_mtime_ns))  # the same tick
        assert rules.stat().st_size == was.st_size
        listing = await ask(api, GROUP_A, "/contracts")
        answer = await ask(api, GROUP_A, "/ask 维护费用是多少")
    assert "《房屋租赁合同》" in listing and "维护" not in listing
    assert "十万元" not in answer and "软件维护" not in answer
