"""A new version of a contract saved beside the old: the bot's /reindex reply, and the reply to
an upload that looks like a version of a contract already collected, name the pair (both
answer) and say what to do, as `index build` does: once, when the pair first appears; a chat
that reads some collections hears of its own only. The real Application, the loopback Bot
API."""

from __future__ import annotations

from pathlib import Path

from index_corpus import MAINT, write_corpus
from team_bot import ADMIN, access_file, ask, team_bot
from test_bot_moves import GROUP_A, GROUP_B, LAYOUT
from test_bot_upload_reasons import _upload, real_bot
from test_revisions import LEASE_V2
from test_uploads import NEW

from bot import texts

PAIR = ("lease.txt 和 lease_v2.txt 看起来是同一份合同的两个版本（3/5 条逐字相同，文件名只差一个"
        "版本标记）：两份都已收录，提问时可能两份都被引用，或先引用旧版。请用 /remove 删除不再"
        "适用的一份（在服务器上收录的，请服务器管理员把它移出合同文件夹后重建索引）。")


async def test_reindex_names_a_new_version_beside_the_old_once(tmp_path: Path) -> None:
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"],
                                                    GROUP_B: ["customer-b"]})
    async with team_bot(tmp_path, LAYOUT, access_file=rules) as (api, _):
        write_corpus(tmp_path / "src" / "customer-b", LEASE_V2)
        first = await ask(api, GROUP_B, "/reindex", user_id=ADMIN)
        again = await ask(api, GROUP_B, "/reindex", user_id=ADMIN)
        write_corpus(tmp_path / "src" / "customer-b", {**MAINT, "key": "lease(1)"})
        elsewhere = await ask(api, GROUP_A, "/reindex", user_id=ADMIN)  # customer-b's pair
    assert first.split("\n") == ["索引已重建：2 份合同，10 条。", PAIR]
    assert again == "索引已重建：2 份合同，10 条。"
    assert elsewhere.startswith("索引已重建：1 份合同") and "lease" not in elsewhere


async def test_an_upload_that_looks_like_a_new_version_says_so(tmp_path: Path) -> None:
    """purchase_v2.txt beside purchase.txt: both are indexed, and the reply says they look like
    two versions of one contract and how to remove the old one."""
    async with real_bot(tmp_path) as api:
        _upload(api, "V2", "purchase_v2.txt", NEW.encode(), 1)
        await api.settled()
        said = api.sent()[-1]["text"]
    assert said.split("\n") == [
        texts.UPLOAD_OK.format(title="设备采购合同（修订）", clauses=2),
        "注意：它和已收录的 purchase.txt 看起来是同一份合同的两个版本（文件名只差一个版本标记），"
        "两份都会被引用。如 purchase.txt 已不再适用，请用 /remove 删除它（在服务器上收录的，"
        "请服务器管理员移出）。"]
