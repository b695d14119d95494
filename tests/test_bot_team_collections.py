"""End to end, one bot for many teams, as collections change: a contract that leaves a chat's
collections, /reindex per customer, a group upgraded to a supergroup, uploads named like another
collection's contract, big libraries listed by pages. The real Application and HTTP client
against the loopback Bot API (the teams' layout is test_bot_teams.py's)."""

from __future__ import annotations

import asyncio
import copy
import json
from pathlib import Path
from typing import Any

from bot_helpers import message
from index_corpus import LEASE, MAINT
from team_bot import (
    ADMIN,
    access_file,
    answer_with_buttons,
    ask,
    button,
    callback,
    press,
    sent_message,
    team_bot,
)
from test_bot_teams import GROUP_A, LABOR_A, LABOR_B, LAYOUT, PRIVATE_B, SUPPLY


async def test_more_after_its_contract_left_the_chats_collections_has_nothing_more(
        tmp_path: Path) -> None:
    """The chat asked within one contract; its collection is then taken away: the next page
    of that answer is empty, and 更多 says so instead of "no relevant clause"."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["*"]})
    async with team_bot(tmp_path, LAYOUT, access_file=rules) as (api, _):
        await ask(api, GROUP_A, "/use lease")
        before = len(api.sent())
        api.push("message", message(GROUP_A, "/ask 押金租金违约金转租期限", message_id=2))
        await api.settled()
        shown = answer_with_buttons(api, before)
        access_file(rules, {GROUP_A: ["customer-a"]})
        said = await press(api, GROUP_A, shown, "更多")
    assert said["text"] == "没有更多结果了。"


async def test_reindex_in_a_customers_group_speaks_of_its_collections_only(
        tmp_path: Path) -> None:
    """An admin's /reindex in customer A's group reports A's contracts and A's unreadable
    files: the count, names and reasons of customer B's files are not shown to A's members,
    neither after a build nor when a build is refused."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"]})
    async with team_bot(tmp_path, LAYOUT, access_file=rules) as (api, _):
        src = tmp_path / "src"
        (src / "customer-a" / "a-broken.txt").write_text("not json", "utf-8")
        (src / "customer-b" / "b-merger-plan.txt").write_text("not json", "utf-8")
        built = await ask(api, GROUP_A, "/reindex", user_id=ADMIN)
        everything = await ask(api, ADMIN, "/reindex")
        (src / "customer-a" / "maint.txt").unlink()
        (src / "customer-b" / "lease.txt").unlink()
        refused = await ask(api, GROUP_A, "/reindex", user_id=ADMIN)
        refused_all = await ask(api, ADMIN, "/reindex")
    assert built.startswith("索引已重建：2 份合同") and "a-broken.txt" in built
    assert "b-merger-plan" not in built
    assert everything.startswith("索引已重建：3 份合同") and "b-merger-plan.txt" in everything
    assert "maint.txt" in refused and "lease.txt" not in refused and "3 份" not in refused
    assert "lease.txt" in refused_all


async def test_a_group_upgraded_to_a_supergroup_keeps_its_state_and_the_operator_is_told(
        tmp_path: Path, caplog: Any) -> None:
    """A group becomes a supergroup (topics turned on): its chat id changes. Its /use scope
    goes with it, and the log says which id to list in the access file in place of the old."""
    new_id = -100501
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"]})
    async with team_bot(tmp_path, LAYOUT, access_file=rules) as (api, app):
        assert "《软件维护服务合同》" in await ask(api, GROUP_A, "/use maint", chat_type="group")
        with caplog.at_level("WARNING", logger="bot"):
            api.push("message", message(GROUP_A, None, chat_type="group", message_id=9,
                                        migrate_to_chat_id=new_id))
            for _ in range(100):
                if new_id in app.chat_data:
                    break
                await asyncio.sleep(0.05)
        assert "尚未获准" in await ask(api, new_id, "/ask 押金是多少")
        access_file(rules, {new_id: ["customer-a"]})
        answer = await ask(api, new_id, "/ask 逾期交付违约金")
    assert app.chat_data[new_id].scope(None) == "maint" and GROUP_A not in app.chat_data
    assert "《软件维护服务合同》" in answer and "设备采购" not in answer
    warned = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any(str(GROUP_A) in w and str(new_id) in w and "access" in w for w in warned)


async def test_an_upload_named_like_another_collections_contract_is_its_own(
        tmp_path: Path) -> None:
    """An admin sends lease.txt for customer A while customer B has lease.txt: it is indexed
    in customer A beside B's (no 替换 asked, nothing of B's touched), and each customer's chat
    answers from its own file. Until 2026-11-29 such an upload was refused: names were one
    per index."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"],
                                                   PRIVATE_B: ["customer-b"]})
    async with team_bot(tmp_path, LAYOUT, access_file=rules) as (api, _):
        data = json.dumps(dict(LEASE, title="仓库租赁合同", clauses=[
            ["第二条", None, None, "押金为三个月租金。"] if row[0] == "第二条" else row
            for row in LEASE["clauses"]]), ensure_ascii=False).encode()
        api.files["documents/F1"] = data
        doc = {"file_id": "F1", "file_unique_id": "F1", "file_name": "lease.txt",
               "file_size": len(data)}
        api.push("message", message(ADMIN, None, document=doc, caption="customer-a"))
        sent = await api.wait_for("sendMessage", 2, timeout=30)
        answer_a = await ask(api, GROUP_A, "/ask 押金是多少")
        answer_b = await ask(api, PRIVATE_B, "押金是多少")
    assert sent[-1]["text"] == "已收录《仓库租赁合同》，共 5 条。"
    assert (tmp_path / "src" / "customer-b" / "lease.txt").read_text("utf-8") == json.dumps(
        LEASE, ensure_ascii=False)
    assert (tmp_path / "src" / "customer-a" / "lease.txt").is_file()
    assert "《仓库租赁合同》 第二条" in answer_a and "房屋租赁" not in answer_a
    assert "《房屋租赁合同》 第二条" in answer_b and "仓库" not in answer_b


async def test_a_collection_no_contract_is_in_is_logged_at_start_and_on_change(
        tmp_path: Path, caplog: Any) -> None:
    """A typo in the access file (custmer-a) leaves that chat an empty library and the
    operator nothing to go on: the log names the chat and the collection when the bot starts,
    and again when the file changes; a right name is not logged."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["custmer-a"],
                                                   PRIVATE_B: ["customer-b"]})
    with caplog.at_level("WARNING", logger="bot"):
        async with team_bot(tmp_path, LAYOUT, access_file=rules) as (api, _):
            at_start = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
            caplog.clear()
            access_file(rules, {GROUP_A: ["customer-a"], PRIVATE_B: ["customer-bb"]})
            await ask(api, PRIVATE_B, "/contracts")  # the file is read again on use
            on_change = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    [typo] = [w for w in at_start if "custmer-a" in w]
    assert str(GROUP_A) in typo and "customer-a, customer-b" in typo
    assert not any("customer-b," in w and str(PRIVATE_B) in w for w in at_start)
    [changed] = [w for w in on_change if "no indexed contract" in w]
    assert "customer-bb" in changed and str(PRIVATE_B) in changed and "custmer" not in changed


async def test_a_big_library_is_listed_a_page_at_a_time(tmp_path: Path) -> None:
    """65 contracts: /contracts gives the first 30 and says how to see the next page; the
    numbers stay those of the whole list, so /use 31 takes the first of page 2."""
    many = [{"key": f"c{n:02d}", "title": f"第{n}号服务合同", "parties": {},
             "clauses": [["第一条", None, None, f"服务期限为{n}个月。"]]} for n in range(1, 66)]
    async with team_bot(tmp_path, {"": many}) as (api, _):
        first = await ask(api, ADMIN, "/contracts")
        second = await ask(api, ADMIN, "/contracts 2")
        last = await ask(api, ADMIN, "/contracts 3")
        beyond = await ask(api, ADMIN, "/contracts 4")
        used = await ask(api, ADMIN, "/use 31")
        helped = await ask(api, ADMIN, "/help")
    assert first.count("号服务合同》") == 30
    assert "\n1. <code>c01</code>" in first and "\n30. <code>c30</code>" in first
    assert "\n31. " not in first
    assert first.rstrip().endswith("共 65 份合同，第 1/3 页；下一页：/contracts 2")
    assert "\n31. <code>c31</code>" in second and "\n60. <code>c60</code>" in second
    assert "\n61. " not in second and "\n1. " not in second
    assert last.count("号服务合同》") == 5 and last.rstrip().endswith("共 65 份合同，第 3/3 页。")
    assert beyond == "没有第 4 页：共 3 页。"
    assert "第31号服务合同" in used
    assert "/contracts [页码] — 列出已收录的合同，例如 /contracts 2\n" in helped  # a page 2 here


async def test_clause_names_a_contract_among_the_chats_collections_only(tmp_path: Path) -> None:
    """/clause 第一条 劳动合同 in a chat limited to customer-a quotes customer-a's 劳动合同:
    customer-b's file of the same title is not a second candidate the chat is asked to choose
    between (nor named to it)."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"]})
    same_file = dict(LABOR_B, key="labor-a")  # labor-a.txt in customer-b too
    async with team_bot(tmp_path, {"customer-a": [LABOR_A], "customer-b": [same_file]},
                        access_file=rules) as (api, _):
        quoted = await ask(api, GROUP_A, "/clause 第一条 劳动合同")
    assert "劳动合同期限为三年" in quoted
    assert "customer-b" not in quoted and "一年" not in quoted
    assert "labor-a.txt" not in quoted  # one 《劳动合同》 here: no file name to tell it apart


async def test_a_chat_whose_collections_hold_no_contract_is_told_so(tmp_path: Path) -> None:
    """A question from a chat whose collections hold no indexed contract (custmer-a) is
    answered as by an empty library, though other collections hold contracts."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["custmer-a"]})
    async with team_bot(tmp_path, LAYOUT, access_file=rules) as (api, _):
        answer = await ask(api, GROUP_A, "/ask 押金是多少")
    assert answer == "目前还没有收录任何合同。"


async def test_more_pressed_in_a_chat_no_longer_allowed_is_answered(tmp_path: Path) -> None:
    """The chat is told it is not allowed, and the press is answered (no spinner left on the
    button until the client gives up)."""
    chat = 641
    rules = access_file(tmp_path / "access.toml", {chat: ["customer-a"]})
    async with team_bot(tmp_path, {"customer-a": [MAINT, LEASE, SUPPLY]},
                        access_file=rules) as (api, _):
        api.push("message", message(chat, "乙方负责什么", message_id=7))
        [first] = await api.wait_for("sendMessage", 1)
        shown = copy.deepcopy(sent_message(api, first))
        access_file(rules, {-642: ["customer-a"]})
        api.push("callback_query", callback(chat, shown, button(shown, "更多")["callback_data"],
                                            query_id="w1"))
        await api.settled()
        answered = [c["callback_query_id"] for c in api.sent("answerCallbackQuery")]
        said = [s["text"] for s in api.sent()[1:]]
    assert answered == ["w1"]
    assert len(said) == 1 and "尚未获准" in said[0]
