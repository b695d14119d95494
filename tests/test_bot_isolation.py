"""Customer isolation, paths no other team test pins: customer B's contract named in customer
A's group every way a member could (title, file name, 《》, Traditional, /use, /clause,
/compare, in a forum topic) is answered like a contract that does not exist; a title A shares
with B is not ambiguous in A's group; B's contracts count in none of A's pages; a page kept
for 更多 is shown as the chat's collections see it when the button is pressed; a group moved
to another customer reads the new one only, also by an edit that keeps the access file's size
and modification time, and a deleted file revokes access. The real Application against the
loopback Bot API."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from bot_helpers import message
from index_corpus import LEASE, MAINT
from team_bot import (
    ADMIN,
    access_file,
    answer_with_buttons,
    ask,
    press,
    team_bot,
)

from bot.access import GONE_GRACE

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
        shown = answer_with_buttons(api, before)
        access_file(rules, {GROUP_A: ["customer-a"]})
        page = await press(api, GROUP_A, shown, "更多")
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


MERGER: dict = {"key": "merger", "title": "并购保密协议", "parties": {"甲方": "收购方"},
                "clauses": [["第一条", None, None, "双方对本次并购的全部信息保密，期限为十年。"]]}
LABOR_B_OWN: dict = {**LABOR_B, "key": "labor-b"}
TOPIC = 9


async def test_customer_bs_contracts_named_every_way_are_as_if_not_indexed(
        tmp_path: Path) -> None:
    """Each reply that names customer B's 《并购保密协议》 (merger.txt) in A's group is the reply
    for 《厂房买卖协议》 (factory.txt), which no one has, with the name swapped; B's
    劳动合同 makes A's 劳动合同 neither ambiguous nor named by its file."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"]})
    layout: dict[str, list[dict]] = {"customer-a": [MAINT, LABOR_A],
                                     "customer-b": [LEASE, MERGER, LABOR_B_OWN]}
    said = {"并购保密协议": "厂房买卖协议", "併購保密協議": "廠房買賣協議", "merger": "factory"}

    def nowhere(text: str) -> str:
        for b_name, unknown in said.items():
            text = text.replace(b_name, unknown)
        return text

    asked = ["/ask 《并购保密协议》的保密期限", "/ask 《併購保密協議》的保密期限是多久",
             "/use 并购保密协议", "/use 《并购保密协议》", "/use merger.txt", "/use merger",
             "/use customer-b/merger", "/clause 第一条 并购保密协议", "/clause 第一条 merger",
             "/compare 《并购保密协议》保密期限"]
    # one member asks 30 times in one group: no question rate, and no flood limiter, which
    # would hold each reply past a group's 20th a minute for 3 s (tests/test_limiter.py)
    async with team_bot(tmp_path, layout, access_file=rules, questions_per_minute=0,
                        rate_limit=False) as (api, _):
        replies = [(await ask(api, GROUP_A, q), await ask(api, GROUP_A, nowhere(q)))
                   for q in asked]
        forum = {"chat": {"id": GROUP_A, "type": "supergroup", "is_forum": True},
                 "message_thread_id": TOPIC, "is_topic_message": True}
        in_topic = [await ask(api, GROUP_A, q, **forum) for q in (
            "/use maint", "/ask 《并购保密协议》的保密期限", "/use merger", "/use all")]
        in_topic += [await ask(api, GROUP_A, nowhere(q), **forum) for q in (
            "/use maint", "/ask 《并购保密协议》的保密期限", "/use merger")]
        use_labor = await ask(api, GROUP_A, "/use 劳动合同")
        answer = await ask(api, GROUP_A, "/ask 试用期多长")
        compared = await ask(api, GROUP_A, "/compare 试用期")
    for q, (b_reply, unknown) in zip(asked, replies, strict=True):
        assert nowhere(b_reply) == unknown, q
        assert "十年" not in b_reply and "customer-b" not in b_reply.replace(
            "customer-b/merger", ""), q
    assert in_topic[0].startswith("本话题现在只在《软件维护服务合同》中查找")
    assert [nowhere(t) for t in in_topic[1:3]] == in_topic[5:7]
    assert "十年" not in in_topic[1] and "保密" in in_topic[1]  # from the topic's contract
    assert use_labor == "本聊天现在只在《劳动合同》中查找。/use all 取消。"
    for text in (answer, compared):
        assert "《劳动合同》" in text and "labor" not in text and "一个月" not in text


async def test_another_customers_many_contracts_count_in_no_page(tmp_path: Path) -> None:
    """Customer B has 40 contracts, A's group reads 2: its list is one page, says no total,
    and a second page does not exist."""
    many = [{"key": f"b{n:02d}", "title": f"第{n}号供货合同", "parties": {},
             "clauses": [["第一条", None, None, f"供货期限为{n}个月。"]]} for n in range(40)]
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"]})
    layout: dict[str, list[dict]] = {"customer-a": [MAINT, LABOR_A], "customer-b": many}
    async with team_bot(tmp_path, layout, access_file=rules) as (api, _):
        listing = await ask(api, GROUP_A, "/contracts")
        second = await ask(api, GROUP_A, "/contracts 2")
    assert listing.count("\n") == 2 and "共" not in listing and "供货" not in listing
    assert second == "没有第 2 页：共 1 页。"


async def test_a_deleted_access_file_refuses_the_group_and_a_file_put_back_answers(
        tmp_path: Path) -> None:
    """The operator deletes the access file while the bot runs: after the moment an editor's
    rename may take, A's group gets the refusal with its chat id, and no contract; the file
    put back, it is answered again."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"]})
    layout: dict[str, list[dict]] = {"customer-a": [MAINT], "customer-b": [LEASE]}
    async with team_bot(tmp_path, layout, access_file=rules) as (api, _):
        assert "十万元" in await ask(api, GROUP_A, "/ask 维护费用是多少")
        rules.unlink()
        await ask(api, GROUP_A, "/contracts")  # the file is first found missing
        await asyncio.sleep(2 * GONE_GRACE)
        refused = [await ask(api, GROUP_A, q) for q in ("/ask 维护费用是多少", "/contracts",
                                                        "/clause 3.1")]
        access_file(rules, {GROUP_A: ["customer-a"]})
        back = await ask(api, GROUP_A, "/ask 维护费用是多少")
    for text in refused:
        assert "尚未获准" in text and str(GROUP_A) in text and "维护" not in text
    assert "十万元" in back


async def test_an_admin_the_file_limits_reads_everything_in_private_and_is_logged(
        tmp_path: Path, caplog: Any) -> None:
    """The operator lists an admin, also customer A's account manager, with customer-a: in
    their private chat the admin still reads every collection (admins do), and nothing said
    so, though README promised a warning as for a chat of CONTRACTBOT_ALLOWED_CHATS. The log
    now names the admin and the collections the file meant; in A's group the admin reads A's."""
    rules = access_file(tmp_path / "access.toml", {ADMIN: ["customer-a"],
                                                   GROUP_A: ["customer-a"]})
    layout: dict[str, list[dict]] = {"customer-a": [MAINT], "customer-b": [LEASE]}
    with caplog.at_level("WARNING", logger="bot"):
        async with team_bot(tmp_path, layout, access_file=rules) as (api, _):
            private = await ask(api, ADMIN, "/contracts")
            in_group = await ask(api, GROUP_A, "/contracts", user_id=ADMIN)
    assert "《房屋租赁合同》" in private and "《房屋租赁合同》" not in in_group
    [warned] = [r.getMessage() for r in caplog.records if "CONTRACTBOT_ADMINS" in r.getMessage()]
    assert warned.startswith(f"user {ADMIN} is in CONTRACTBOT_ADMINS") and "customer-a" in warned
