"""The bot's rebuild reads the sources the index remembers and the upload folder: an upload
folder set to a folder inside the library (CONTRACTBOT_SOURCES_DIR=lib/customer-b) would become
a source root of its own and put its files in ``default``. /reindex refuses that as
``index build`` does, tells the admin in Chinese, a customer's group of its own contracts only,
and /reindex replace does it. The real Application against the loopback Bot API."""

from __future__ import annotations

from pathlib import Path

from bot_helpers import message
from index_corpus import LEASE, MAINT
from team_bot import ADMIN, access_file, ask, team_bot

from index import index_status, store

GROUP_A, GROUP_B = -801, -802
LAYOUT: dict[str, list[dict]] = {"customer-a": [MAINT], "customer-b": [LEASE]}


async def test_reindex_that_would_move_contracts_to_default_changes_nothing(
        tmp_path: Path) -> None:
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"],
                                                    GROUP_B: ["customer-b"]})
    idx = tmp_path / "index"
    async with team_bot(tmp_path, LAYOUT, access_file=rules,
                        sources_dir=tmp_path / "src" / "customer-b") as (api, _):
        live = store.current_generation(idx)
        admin = await ask(api, ADMIN, "/reindex")
        group_a = await ask(api, GROUP_A, "/reindex", user_id=ADMIN)
        group_b = await ask(api, GROUP_B, "/reindex", user_id=ADMIN)
        assert store.current_generation(idx) == live
        replaced = await ask(api, ADMIN, "/reindex replace")
    assert admin == (
        "索引未更改：这次重建会把已收录的 2 份合同中的 1 份移到其他合集（lease.txt（customer-b → "
        "default））：限定原合集的聊天将找不到它们，可查看新合集的聊天却能看到。请检查合同来源文件夹的"
        "设置（如 CONTRACTBOT_SOURCES_DIR）；如确要移动，请发送 /reindex replace。")
    assert group_a == ("索引未更改：这次重建被拒绝，本聊天的合同不受影响。"
                       "管理员可在与机器人的私聊中发送 /reindex 查看原因。")
    assert "lease.txt（customer-b → 其他合集）" in group_b and "default" not in group_b
    assert "1 份合同中的 1 份" in group_b and "maint" not in group_b
    assert replaced.startswith("索引已重建：2 份合同")
    assert {s.contract: s.collection for s in index_status(idx).sources} == {
        "maint": "customer-a", "lease": "default"}


async def test_a_move_of_many_contracts_names_three_and_says_there_are_more(
        tmp_path: Path) -> None:
    """Four contracts would move: the admin's refusal counts four, names the first three
    and ends the list with 等, as the CLI's says "and 1 more" (a long list would bury the
    advice)."""
    leases = [{**LEASE, "key": f"lease{i}", "title": f"房屋租赁合同{i}"} for i in range(4)]
    async with team_bot(tmp_path, {"customer-a": [MAINT], "customer-b": leases},
                        sources_dir=tmp_path / "src" / "customer-b") as (api, _):
        live = store.current_generation(tmp_path / "index")
        admin = await ask(api, ADMIN, "/reindex")
        assert store.current_generation(tmp_path / "index") == live
    assert admin.startswith("索引未更改：这次重建会把已收录的 5 份合同中的 4 份移到其他合集（")
    assert admin.count("（customer-b → default）") == 3
    assert "（customer-b → default）等）：" in admin


async def test_an_upload_whose_rebuild_would_move_contracts_is_kept_but_not_indexed(
        tmp_path: Path) -> None:
    """The same upload folder inside the library: an admin's upload is saved, and the rebuild
    it starts is refused as /reindex is (the admin is told why); nothing moves."""
    from bot.settings import SAMPLES_DIR

    async with team_bot(tmp_path, LAYOUT,
                        sources_dir=tmp_path / "src" / "customer-b") as (api, _):
        live = store.current_generation(tmp_path / "index")
        data = sorted(SAMPLES_DIR.glob("*.txt"))[0].read_bytes()  # a real contract
        api.files["documents/F1"] = data
        doc = {"file_id": "F1", "file_unique_id": "F1", "file_name": "supply.txt",
               "file_size": len(data)}
        api.push("message", message(ADMIN, None, document=doc))
        await api.settled()
        said = api.sent()[-1]["text"]
        assert store.current_generation(tmp_path / "index") == live
    assert said.startswith("已保存 supply.txt，但索引暂未更新：索引未更改：这次重建会把已收录的 "
                           "2 份合同中的 1 份移到其他合集（lease.txt（customer-b → default））")
    assert (tmp_path / "src" / "customer-b" / "supply.txt").is_file()
    assert {s.contract: s.collection for s in index_status(tmp_path / "index").sources} == {
        "maint": "customer-a", "lease": "customer-b"}
