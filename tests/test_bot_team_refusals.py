"""A refused /reindex in a chat that reads some collections only tells it nothing of the
others: not the clause count of the whole index (a new encoder), not the names of missing
source folders. An admin's own private chat still gets the whole story. The real
Application against the loopback Bot API."""

from __future__ import annotations

import asyncio
from pathlib import Path

from index_corpus import LEASE, MAINT, parse_json, write_corpus
from team_bot import ADMIN, access_file, ask, build, team_bot

from index.build import build_index
from index.store.encoders import load_encoder

GROUP_A = -701
LAYOUT: dict[str, list[dict]] = {"customer-a": [MAINT], "customer-b": [LEASE]}  # 10 and 5 clauses


async def test_a_missing_source_folder_is_not_named_in_a_customers_group(
        tmp_path: Path) -> None:
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"]})
    async with team_bot(tmp_path, LAYOUT, access_file=rules) as (api, _):
        archive = tmp_path / "b-merger-archive"
        write_corpus(archive, {**LEASE, "key": "merger"})
        await asyncio.to_thread(build, [tmp_path / "src", archive], tmp_path / "index")
        archive.joinpath("merger.txt").unlink()
        archive.rmdir()
        refused = await ask(api, GROUP_A, "/reindex", user_id=ADMIN)
        refused_admin = await ask(api, ADMIN, "/reindex")
    assert refused == ("索引未更改：找不到部分合同来源。管理员可在与机器人的私聊中发送 "
                       "/reindex 查看详情。")
    assert "b-merger-archive" in refused_admin


async def test_an_encoder_change_counts_the_customers_clauses_only(tmp_path: Path) -> None:
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"]})
    async with team_bot(tmp_path, LAYOUT, access_file=rules) as (api, _):
        await asyncio.to_thread(build_index, [tmp_path / "src"], tmp_path / "index",
                                load_encoder("e5-small"), parse=parse_json,
                                progress=False, replace=True)
        refused = await ask(api, GROUP_A, "/reindex", user_id=ADMIN)
        refused_admin = await ask(api, ADMIN, "/reindex")
    assert "全部 10 条" in refused and "15" not in refused
    assert "全部 15 条" in refused_admin
