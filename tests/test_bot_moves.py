"""The bot's rebuild reads the sources the index remembers and the upload folder: an upload
folder set to a folder inside the library (CONTRACTBOT_SOURCES_DIR=lib/customer-b) would become
a source root of its own and put its files in ``default``. /reindex refuses that as
``index build`` does, tells the admin in Chinese, a customer's group of its own contracts only,
and /reindex replace does it. The real Application against the loopback Bot API."""

from __future__ import annotations

from pathlib import Path

from bot_helpers import message
from index_corpus import LEASE, MAINT
from team_bot import ADMIN, access_file, ask, build, team_bot, write_layout

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


async def test_reindex_names_a_contract_moved_to_another_collection(tmp_path: Path) -> None:
    """A file moved on disk from customer-b/ to customer-a/: `index build` names it (moved from
    collection customer-b to customer-a); /reindex said only the counts. Each chat is told of
    its own collections' moves, the other collection unnamed, and of its own folder the move
    emptied (customer-b's group heard it not: the folder's path is in no collection's folder);
    the admin hears both names."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"],
                                                    GROUP_B: ["customer-b"]})
    src = tmp_path / "src"
    async with team_bot(tmp_path, LAYOUT, access_file=rules) as (api, _):
        (src / "customer-b" / "lease.txt").rename(src / "customer-a" / "lease.txt")
        group_b = await ask(api, GROUP_B, "/reindex", user_id=ADMIN)
        (src / "customer-a" / "lease.txt").rename(src / "customer-b" / "lease.txt")
        group_a = await ask(api, GROUP_A, "/reindex", user_id=ADMIN)
        (src / "customer-b" / "lease.txt").rename(src / "customer-a" / "lease.txt")
        admin = await ask(api, ADMIN, "/reindex")
        unmoved = await ask(api, ADMIN, "/reindex")
    moved = "已移到另一个合集（限定原合集的聊天不再能查到，可查看新合集的聊天能查到）："
    assert group_b.split("\n")[1:] == [  # its own folder, emptied by the move: said there too
        "customer-b：文件夹是空的，没有可以收录的文件",
        f"{moved}lease.txt（customer-b → 其他合集）"]
    assert group_a.split("\n")[1:] == [f"{moved}lease.txt（customer-a → 其他合集）"]
    assert admin.split("\n") == ["索引已重建：2 份合同，15 条。",
                                 "customer-b：文件夹是空的，没有可以收录的文件",
                                 f"{moved}lease.txt（customer-b → customer-a）"]
    assert unmoved == "索引已重建：2 份合同，15 条。"  # said once
    assert {s.contract: s.collection for s in index_status(tmp_path / "index").sources} == {
        "maint": "customer-a", "lease": "customer-a"}


async def test_reindex_names_a_contract_whose_earlier_version_it_dropped(
        tmp_path: Path) -> None:
    """Both collections hold a 合同; the library built again as two flat folders (--replace,
    as after a reorganisation) while B's 合同 cannot be read: its earlier version cannot be
    kept (default holds A's 合同 now). `index build` says so; /reindex named only the failure.
    The reply says it too, in the asker's script."""
    from bot.access import EVERYTHING
    from bot.reindexing import _reindex_text

    src, idx = tmp_path / "src", tmp_path / "index"
    write_layout(src, {"customer-a": [{**MAINT, "key": "合同"}],
                       "customer-b": [{**LEASE, "key": "合同"}]})
    build([src], idx)
    (src / "customer-b" / "合同.txt").write_text('{"empty": true}', "utf-8")
    report = build([src / "customer-a", src / "customer-b"], idx, replace=True)
    assert [s for s, _ in report.lost] == [str((src / "customer-b" / "合同.txt").resolve())]
    said = await _reindex_text(None, EVERYTHING, report, "traditional")  # type: ignore[arg-type]
    assert said.split("\n")[1:] == [
        "customer-b/合同.txt：沒有合同文字",
        "customer-b/合同.txt：之前收錄的版本已移出索引：同一集合中已有另一個檔案的合同名也是 合同"]
