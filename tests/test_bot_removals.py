"""Contracts that leave the index while the bot runs: /reindex names the files it dropped
(as `index build` does), within one message and within the chat's collections."""

from __future__ import annotations

from pathlib import Path

from index_corpus import LEASE, MAINT
from team_bot import ADMIN, access_file, ask, team_bot
from test_bot_teams import GROUP_A, LABOR_A, LABOR_B, SUPPLY


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

