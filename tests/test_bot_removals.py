"""Contracts that leave the index while the bot runs: /reindex names the files it dropped
(as `index build` does), within one message and within the chat's collections; a /use scope
whose contract is gone says so once and is cleared; a question that names another contract
than the /use one says which it searched."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from bot_helpers import message
from botapi_server import FakeBotApi
from index_corpus import LEASE, MAINT
from team_bot import ADMIN, access_file, ask, team_bot
from test_bot_e2e import FORUM, reply_id
from test_bot_teams import GROUP_A, LABOR_A, LABOR_B, SUPPLY

from bot import texts


def _small(n: int) -> dict:
    return {"key": f"c{n:02d}", "title": f"服务合同{n}", "parties": {},
            "clauses": [["第一条", None, None, f"服务期限为{n}个月。"]]}


async def test_reindex_names_the_files_it_dropped(tmp_path: Path) -> None:
    """Files deleted from the sources, then /reindex: the reply said only 索引已重建：6 份合同,
    and the admin could not tell which contracts went. It names them as `index build` does;
    past five, a count (…等 6 份), so it stays one short line."""
    async with team_bot(tmp_path, {"": [_small(n) for n in range(12)]},
                        allowed_chats=frozenset({ADMIN})) as (api, _):
        (tmp_path / "src" / "c03.txt").unlink()
        one = await ask(api, ADMIN, "/reindex")
        for n in range(4, 9):
            (tmp_path / "src" / f"c{n:02d}.txt").unlink()
        many = await ask(api, ADMIN, "/reindex")
        again = await ask(api, ADMIN, "/reindex")
    assert one == "索引已重建：11 份合同，11 条。\n已移出索引（文件已不在合同文件夹中）：c03.txt"
    assert many == ("索引已重建：6 份合同，6 条。\n已移出索引（文件已不在合同文件夹中）："
                    "c04.txt、c05.txt、c06.txt、c07.txt、c08.txt")
    assert again == "索引已重建：6 份合同，6 条。"  # said once: the next build drops nothing


async def test_reindex_names_more_dropped_files_with_a_count(tmp_path: Path) -> None:
    async with team_bot(tmp_path, {"": [_small(n) for n in range(12)]},
                        allowed_chats=frozenset({ADMIN})) as (api, _):
        for n in range(6):
            (tmp_path / "src" / f"c{n:02d}.txt").unlink()
        said = await ask(api, ADMIN, "/reindex")
    assert said.endswith("：c00.txt、c01.txt、c02.txt、c03.txt、c04.txt 等 6 份")


async def test_reindex_in_a_customers_group_names_only_its_dropped_files(
        tmp_path: Path) -> None:
    """Customer A's group hears of A's dropped file, never of customer B's."""
    layout = {"customer-a": [MAINT, SUPPLY, LABOR_A], "customer-b": [LEASE, LABOR_B]}
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"]})
    async with team_bot(tmp_path, layout, access_file=rules,
                        allowed_chats=frozenset({ADMIN})) as (api, _):
        (tmp_path / "src" / "customer-a" / "labor-a.txt").unlink()
        (tmp_path / "src" / "customer-b" / "labor-b.txt").unlink()
        group = await ask(api, GROUP_A, "/reindex", user_id=ADMIN)
    assert group == ("索引已重建：2 份合同，15 条。\n"
                     "已移出索引（文件已不在合同文件夹中）：labor-a.txt"), group


def _in_forum(text: str, message_id: int, topic: int | None) -> dict:
    extra: dict = {"chat": {"id": FORUM, "type": "supergroup", "is_forum": True}}
    if topic is not None:
        extra.update(message_thread_id=topic, is_topic_message=True)
    return message(FORUM, text, message_id=message_id, **extra)


async def _said(api: FakeBotApi, text: str, message_id: int, topic: int | None) -> str:
    """The text of every message the bot sent in reply to ``text`` sent in ``topic``."""
    api.push("message", _in_forum(text, message_id, topic))
    await api.settled()
    for _ in range(500):
        said = [s["text"] for s in api.sent() if reply_id(s) == message_id]
        if said:
            return "\n".join(said)
        await asyncio.sleep(0.01)
    raise AssertionError(f"no reply to {text}")


async def test_a_use_scope_whose_contract_left_the_index_says_so_once(tmp_path: Path) -> None:
    """A topic limited by /use to the lease, whose file is then deleted and the index rebuilt:
    the topic went on answering over every contract and nobody was told. The first reply there
    says so, in the asker's script, and the scope is cleared (also in chats.json); another
    topic's /use and the chat outside topics are untouched."""
    chats = frozenset({ADMIN, FORUM})
    async with team_bot(tmp_path, {"": [MAINT, LEASE, SUPPLY]}, allowed_chats=chats) as (api, _):
        await _said(api, "/use lease", 1, 77)
        await _said(api, "/use maint", 2, 88)
        (tmp_path / "src" / "lease.txt").unlink()
        assert (await ask(api, ADMIN, "/reindex")).startswith("索引已重建：2 份合同")
        first = await _said(api, "/ask 乙方響應時間是多少", 3, 77)
        second = await _said(api, "/ask 乙方响应时间是多少", 4, 77)
        other = await _said(api, "/ask 甲方付款", 5, 88)
        listed = await _said(api, "/contracts", 6, 88)
        outside = await _said(api, "/clause 5.1", 7, None)
    lapsed = texts.say(texts.SCOPE_LAPSED_TOPIC, "traditional")
    assert lapsed == "本話題原先用 /use 限定的合同已不再收錄，現在在所有合同中查找。"
    assert first.startswith(lapsed + "\n") and "《軟件維護服務合同》" in first, first
    assert "lease" not in second and "不再收录" not in second and "《软件维护服务合同》" in second
    assert "不再收" not in other + listed + outside  # the other topic and General: untouched
    assert listed.endswith("本话题只在《软件维护服务合同》中查找；/use all 取消。")
    saved = json.loads((tmp_path / "index" / "chats.json").read_text("utf-8"))
    assert saved["chats"][str(FORUM)]["scopes"] == {"88": "maint"}, saved


async def test_clause_and_contracts_say_a_lapsed_scope_too(tmp_path: Path) -> None:
    """/clause and /contracts consult the /use scope as a question does: the first of them
    after the contract left says it, once."""
    chats = frozenset({ADMIN, FORUM})
    async with team_bot(tmp_path, {"": [MAINT, LEASE, SUPPLY]}, allowed_chats=chats) as (api, _):
        await _said(api, "/use lease", 1, None)
        await _said(api, "/use lease", 2, 77)
        (tmp_path / "src" / "lease.txt").unlink()
        await ask(api, ADMIN, "/reindex")
        clause = await _said(api, "/clause 5.1", 3, None)
        listed = await _said(api, "/contracts", 4, 77)
        again = await _said(api, "/contracts", 5, 77)
    assert clause.startswith("话题之外（General）原先用 /use 限定的合同已不再收录，"
                             "现在在所有合同中查找。\n"), clause
    assert listed.endswith("\n本话题原先用 /use 限定的合同已不再收录，现在在所有合同中查找。")
    assert "不再收录" not in again


async def test_a_question_naming_another_contract_than_the_use_one_says_which_it_searched(
        tmp_path: Path) -> None:
    """/use 委托-like scope (maint), then a question naming the lease in 《》: the lease is
    asked (README) but nothing said that the /use contract was set aside. One line says so;
    a question naming the /use contract itself, or none, gets no such line."""
    chats = frozenset({ADMIN, FORUM})
    async with team_bot(tmp_path, {"": [MAINT, LEASE]}, allowed_chats=chats) as (api, _):
        await _said(api, "/use maint", 1, 77)
        named = await _said(api, "/ask 《房屋租赁合同》押金是多少", 2, 77)
        same = await _said(api, "/ask 《软件维护服务合同》乙方响应时间是多少", 3, 77)
        unnamed = await _said(api, "/ask 乙方响应时间是多少", 4, 77)
    line = "这次按问题所写，在《房屋租赁合同》中查找，没有限于 /use 所选的合同。"
    assert named.endswith("\n" + line), named
    assert "《房屋租赁合同》" in named.split(line)[0]
    assert "这次按问题所写" not in same + unnamed


GROUP_B = -502  # a second customer group reading the same collection as GROUP_A


async def test_a_group_is_told_once_that_a_contract_it_read_left_the_index(
        tmp_path: Path) -> None:
    """Groups A and B read one collection; an admin deletes the lease's file and runs /reindex
    in A. A's reply named it, but B's members went on asking and simply no longer got it. B's
    next answer says so in one line, in the asker's script, once; A, told by its /reindex
    reply, does not hear it again; a group that never asked before hears nothing."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["shared"], GROUP_B: ["shared"],
                                                   -503: ["shared"]})
    async with team_bot(tmp_path, {"shared": [MAINT, LEASE, SUPPLY]},
                        access_file=rules) as (api, _):
        await ask(api, GROUP_A, "/ask 押金是多少")
        before = await ask(api, GROUP_B, "/ask 押金是多少")
        (tmp_path / "src" / "shared" / "lease.txt").unlink()
        rebuilt = await ask(api, GROUP_A, "/reindex", user_id=ADMIN)
        told = await ask(api, GROUP_B, "/ask 乙方響應時間是多少")
        again = await ask(api, GROUP_B, "/ask 押金是多少")
        in_a = await ask(api, GROUP_A, "/ask 押金是多少")
        new = await ask(api, -503, "/ask 押金是多少")
    assert "《房屋租赁合同》" in before
    assert rebuilt.endswith("已移出索引（文件已不在合同文件夹中）：lease.txt")
    assert told.startswith("《房屋租賃合同》已不再收錄，回答中不會再引用。\n") and "響應" in told
    assert "不再收录" not in again + in_a + new and "房屋租赁合同" not in again


async def test_a_contract_gone_while_the_bot_was_stopped_is_said_after_the_restart(
        tmp_path: Path) -> None:
    """The operator rebuilt the index without the lease during a deploy: what a group read is
    kept in chats.json, so its first answer after the restart says the lease left, once; a
    title another contract still has is told apart by its file's name."""
    twin = {**LEASE, "key": "lease-2024", "clauses": list(LEASE["clauses"])[:1]}
    rules = access_file(tmp_path / "access.toml", {GROUP_B: ["shared"]})
    async with team_bot(tmp_path, {"shared": [MAINT, LEASE, SUPPLY, twin]},
                        access_file=rules) as (api, _):
        await ask(api, GROUP_B, "/contracts")
    (tmp_path / "src" / "shared" / "lease.txt").unlink()
    (tmp_path / "src" / "shared" / "supply.txt").unlink()
    async with team_bot(tmp_path, {"shared": [MAINT, twin]}, access_file=rules) as (api, _):
        told = await ask(api, GROUP_B, "/ask 乙方响应时间是多少")
        again = await ask(api, GROUP_B, "/contracts")
    assert told.startswith("《房屋租赁合同》（lease）、《设备采购合同》已不再收录，"
                           "回答中不会再引用。\n"), told
    assert "不再收录" not in again
