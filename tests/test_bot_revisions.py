"""A new version of a contract saved beside the old: the bot's /reindex reply, and the reply to
an upload that looks like a version of a contract already collected, name the pair (both
answer) and say, of each file, how the reader can take it out (a file the bot saved: /remove
in private; one put in a collection folder on the server: whoever runs the server), as `index
build` does: once, when the pair first appears; a chat that reads some collections hears of
its own only, once, also of a pair another chat's /reindex or `index build` first saw, and
not again after a restart of the bot (chats.json keeps a digest of the pair, no path) or after
an upload's reply in that chat named it. The real Application, the loopback Bot API."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from index_corpus import LEASE, MAINT, write_corpus
from team_bot import ADMIN, access_file, admin_bot, ask, build, team_bot
from test_bot_moves import GROUP_A, GROUP_B, LAYOUT
from test_bot_upload_reasons import CONTRACT, _upload, real_bot
from test_revisions import LEASE_V2
from test_uploads import NEW

from bot import texts
from bot.persistence import STATE_FILE
from index.build import build_from_sources

SEEN = ("lease.txt 和 lease_v2.txt 看起来是同一份合同的两个版本（3/5 条逐字相同，文件名只差一个"
        "版本标记）：两份都已收录，提问时可能两份都被引用，或先引用旧版。删除不再适用的一份：")
ON_SERVER = ("lease.txt、lease_v2.txt 是在服务器上收录的，不能在这里删除，请服务器管理员移出合同"
             "文件夹后重建索引。")
PAIR = SEEN + ON_SERVER


async def test_reindex_names_a_new_version_beside_the_old_once(tmp_path: Path) -> None:
    """Both files were put in customer-b's folder on the server (the upload folder is another):
    /remove would refuse them, so the reply sends the reader to whoever runs the server."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"],
                                                    GROUP_B: ["customer-b"]})
    (tmp_path / "uploads").mkdir()
    async with team_bot(tmp_path, LAYOUT, access_file=rules,
                        sources_dir=tmp_path / "uploads") as (api, _):
        write_corpus(tmp_path / "src" / "customer-b", LEASE_V2)
        first = await ask(api, GROUP_B, "/reindex", user_id=ADMIN)
        again = await ask(api, GROUP_B, "/reindex", user_id=ADMIN)
        write_corpus(tmp_path / "src" / "customer-b", {**MAINT, "key": "lease(1)"})
        elsewhere = await ask(api, GROUP_A, "/reindex", user_id=ADMIN)  # customer-b's pair
        refused = await ask(api, ADMIN, "/remove lease_v2.txt")  # the advice is true
    assert first.split("\n") == ["索引已重建：2 份合同，10 条。", PAIR]
    assert again == "索引已重建：2 份合同，10 条。"
    assert elsewhere.startswith("索引已重建：1 份合同") and "lease" not in elsewhere
    assert "是在服务器上收录的，不能在这里删除" in refused


async def test_a_pair_another_chat_first_saw_is_named_in_its_own_group(tmp_path: Path) -> None:
    """`index build` (or group A's /reindex) first sees customer-b's pair: group B's next
    /reindex names it (the index holds it now), once, and so does the admin's in private (who
    reads customer-a's lease.txt too: by its folder); a pair gone and back is news again."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"],
                                                    GROUP_B: ["customer-b"]})
    (tmp_path / "uploads").mkdir()
    src = tmp_path / "src"
    async with team_bot(tmp_path, LAYOUT, access_file=rules,
                        sources_dir=tmp_path / "uploads") as (api, _):
        write_corpus(src / "customer-b", LEASE_V2)
        write_corpus(src / "customer-a", LEASE)  # A has a lease.txt too: none of B's business
        build([src], tmp_path / "index")  # the command line saw it first
        elsewhere = await ask(api, GROUP_A, "/reindex", user_id=ADMIN)
        group_b = await ask(api, GROUP_B, "/reindex", user_id=ADMIN)
        again = await ask(api, GROUP_B, "/reindex", user_id=ADMIN)
        private = await ask(api, ADMIN, "/reindex")
        (src / "customer-b" / "lease_v2.txt").rename(tmp_path / "lease_v2.txt")
        gone = await ask(api, GROUP_B, "/reindex", user_id=ADMIN)
        (tmp_path / "lease_v2.txt").rename(src / "customer-b" / "lease_v2.txt")
        back = await ask(api, GROUP_B, "/reindex", user_id=ADMIN)
    assert "lease" not in elsewhere
    assert group_b.split("\n") == ["索引已重建：2 份合同，10 条。", PAIR]
    assert again == "索引已重建：2 份合同，10 条。"
    assert private.split("\n")[1:] == [PAIR.replace("lease.txt", "customer-b/lease.txt")]
    assert "lease_v2" not in gone.split("\n", 1)[0] and "看起来" not in gone
    assert back.split("\n")[1:] == [PAIR]


async def test_an_upload_that_looks_like_a_new_version_says_so(tmp_path: Path) -> None:
    """purchase_v2.txt beside purchase.txt: both are indexed, and the reply says they look like
    two versions of one contract and how to remove the old one: purchase.txt lies in the
    upload folder, so by /remove, which takes it (an operator's file: the first test)."""
    async with real_bot(tmp_path) as api:
        _upload(api, "V2", "purchase_v2.txt", NEW.encode(), 1)
        await api.settled()
        said = api.sent()[-1]["text"]
        asked = await ask(api, ADMIN, "/remove purchase.txt")
    assert said.split("\n") == [
        texts.UPLOAD_OK.format(title="设备采购合同（修订）", clauses=2),
        "注意：它和已收录的 purchase.txt 看起来是同一份合同的两个版本（文件名只差一个版本标记），"
        "两份都会被引用。如 purchase.txt 已不再适用：purchase.txt 可在与我的私聊中发送 /remove "
        "purchase.txt 删除。"]
    assert asked.startswith("确定从索引中删除《")  # the advice is true


async def test_an_upload_beside_an_operators_file_sends_that_one_to_the_server(
        tmp_path: Path) -> None:
    """purchase.txt lies in the library the operator built (not the upload folder): /remove
    refuses it, so the upload's reply sends the reader to whoever runs the server; the admin's
    /reindex then does not name the pair again (the upload's reply told this chat; until stop
    39 it did: a group's /reindex names it with each file's way out, the next test)."""
    lib, up, idx = tmp_path / "lib", tmp_path / "uploads", tmp_path / "index"
    lib.mkdir()
    up.mkdir()
    (lib / "purchase.txt").write_text(CONTRACT, encoding="utf-8")
    await asyncio.to_thread(build_from_sources, [lib], idx, "use-multilingual", progress=False)
    async with admin_bot(up, idx, embed_model="use-multilingual") as (api, _):
        _upload(api, "V2", "purchase_v2.txt", NEW.encode(), 1)
        await api.settled()
        said = api.sent()[-1]["text"]
        rebuilt = await ask(api, ADMIN, "/reindex")
    server = "是在服务器上收录的，不能在这里删除，请服务器管理员移出合同文件夹后重建索引"
    assert said.split("\n")[1:] == [
        "注意：它和已收录的 purchase.txt 看起来是同一份合同的两个版本（文件名只差一个版本标记），"
        f"两份都会被引用。如 purchase.txt 已不再适用：purchase.txt {server}。"]
    assert rebuilt == "索引已重建：2 份合同，4 条。"


async def test_an_upload_that_names_a_pair_tells_its_chat_and_not_the_others(
        tmp_path: Path) -> None:
    """The admin uploads lease_v2.txt for customer B, whose lease.txt an operator put on the
    server: the upload's reply names the pair, so the admin's next /reindex in that chat does
    not; customer B's group hears of it once, with each file's way out (the upload by
    /remove, the operator's file by whoever runs the server); customer A's never."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"],
                                                    GROUP_B: ["customer-b"]})
    async with team_bot(tmp_path, LAYOUT, access_file=rules,
                        sources_dir=tmp_path / "uploads") as (api, _):
        _upload(api, "V2", "lease_v2.txt", json.dumps(LEASE_V2, ensure_ascii=False).encode(),
                1, caption="customer-b")
        await api.settled()
        said = api.sent()[-1]["text"]
        private = await ask(api, ADMIN, "/reindex")
        group_b = await ask(api, GROUP_B, "/reindex", user_id=ADMIN)
        again = await ask(api, GROUP_B, "/reindex", user_id=ADMIN)
        group_a = await ask(api, GROUP_A, "/reindex", user_id=ADMIN)
    server = "是在服务器上收录的，不能在这里删除，请服务器管理员移出合同文件夹后重建索引"
    assert said.split("\n")[1:] == [
        "注意：它和已收录的 lease.txt 看起来是同一份合同的两个版本（3/5 条逐字相同，文件名只差"
        f"一个版本标记），两份都会被引用。如 lease.txt 已不再适用：lease.txt {server}。"]
    assert private == "索引已重建：3 份合同，20 条。"
    assert group_b.split("\n") == [
        "索引已重建：2 份合同，10 条。",
        f"{SEEN}lease_v2.txt 可在与我的私聊中发送 /remove lease_v2.txt 删除；lease.txt {server}。"]
    assert again == "索引已重建：2 份合同，10 条。"
    assert "lease" not in group_a


async def test_a_pair_told_before_a_restart_is_not_told_again(tmp_path: Path) -> None:
    """Group B was told of customer B's pair; after a restart of the bot (a new Application
    over the same index folder) its /reindex does not name it again, while the admin's
    private chat, never told, hears of it once. chats.json keeps a digest of the pair: no
    path, no file name."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"],
                                                    GROUP_B: ["customer-b"]})
    (tmp_path / "uploads").mkdir()
    async with team_bot(tmp_path, LAYOUT, access_file=rules,
                        sources_dir=tmp_path / "uploads") as (api, _):
        write_corpus(tmp_path / "src" / "customer-b", LEASE_V2)
        first = await ask(api, GROUP_B, "/reindex", user_id=ADMIN)
    async with team_bot(tmp_path, LAYOUT, access_file=rules,
                        sources_dir=tmp_path / "uploads") as (api, _):
        after = await ask(api, GROUP_B, "/reindex", user_id=ADMIN)
        private = await ask(api, ADMIN, "/reindex")
    assert first.split("\n") == ["索引已重建：2 份合同，10 条。", PAIR]
    assert after == "索引已重建：2 份合同，10 条。"
    assert private.split("\n")[1:] == [PAIR]
    kept = (tmp_path / "index" / STATE_FILE).read_text("utf-8")
    assert all(json.loads(kept)["chats"][str(chat)]["told"] for chat in (GROUP_B, ADMIN))
    for path in (tmp_path, tmp_path.resolve(), "lease", "customer-b"):
        assert str(path) not in kept
