"""An upload an admin sent before: the same file again is told it is collected and unchanged
(nothing moved, no rebuild), a copy of a collected file under another name is told which
contract holds its text (not indexed twice); a name the file system could not take is told
the name it is filed under. Real parser, real index, the loopback Bot API."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from bot_helpers import message
from test_bot_e2e import ADMIN
from test_bot_upload_reasons import CONTRACT, _status, _upload, real_bot
from test_uploads import NEW, OTHER, _visible

from bot import filenames, texts
from bot.naming import pick_contracts
from index import ContractInfo

# an admin whose Telegram speaks Traditional (zh-TW)
TAIWAN: dict[str, Any] = {"from": {"id": ADMIN, "is_bot": False, "first_name": "A",
                                   "language_code": "zh-TW"}}

def _built(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """The generation the live index is (a rebuild makes a new one)."""
    return str(_status(tmp_path / "index", capsys)["generation"])


async def test_the_same_file_again_is_collected_already_and_not_rebuilt(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """It asked 替换 as if the file differed; 替换 then rebuilt for nothing."""
    async with real_bot(tmp_path) as api:
        before = _built(tmp_path, capsys)
        _upload(api, "S1", "purchase.txt", CONTRACT.encode(), 1)
        await api.settled()
        sent = api.sent()
        assert not any((tmp_path / "src" / ".uploads").iterdir())  # the copy was not kept
        # different bytes under the name still ask
        _upload(api, "S2", "purchase.txt", NEW.encode(), 2)
        await api.settled()
        asked = api.sent()[-1]
    assert [s["text"] for s in sent] == [texts.UPLOAD_WORKING_TEXT, texts.UPLOAD_UNCHANGED.format(
        name="purchase.txt", title="设备采购合同", clauses=2)]
    assert not sent[-1].get("reply_markup")
    assert _built(tmp_path, capsys) == before
    assert _visible(tmp_path / "src") == ["purchase.txt"]
    assert not (tmp_path / "src" / ".replaced").exists()
    assert asked["text"].startswith("已有同名合同：purchase.txt。") and asked.get("reply_markup")


async def test_a_copy_under_another_name_names_the_contract_that_holds_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """It was indexed a second time: every answer then quoted the clause with
    相同条款也见于：采购合同副本."""
    async with real_bot(tmp_path) as api:
        before = _built(tmp_path, capsys)
        _upload(api, "C1", "采购合同副本.txt", CONTRACT.encode(), 1)
        await api.settled()
        said = api.sent()[-1]["text"]
    assert said == texts.UPLOAD_DUPLICATE.format(name="采购合同副本.txt", existing="purchase.txt",
                                                 title="设备采购合同")
    assert _built(tmp_path, capsys) == before
    assert _visible(tmp_path / "src") == ["purchase.txt"]


async def test_a_copy_for_another_collection_is_indexed_there(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Another customer may hold the same text: it is indexed in their collection."""
    async with real_bot(tmp_path) as api:
        _upload(api, "K1", "purchase.txt", CONTRACT.encode(), 1, caption="customer-a")
        await api.settled()
        said = api.sent()[-1]["text"]
    assert said == texts.UPLOAD_OK.format(title="设备采购合同", clauses=2)
    assert (tmp_path / "src" / "customer-a" / "purchase.txt").read_text("utf-8") == CONTRACT
    assert sorted(s["collection"] for s in _status(tmp_path / "index", capsys)["sources"]) == [
        "customer-a", "default"]


async def test_a_renamed_upload_is_told_its_name_and_use_finds_it_by_either(
        tmp_path: Path) -> None:
    """a:b.txt was saved as a_b.txt without a word; /use a:b then said 没有这份合同."""
    async with real_bot(tmp_path) as api:
        _upload(api, "R1", "a:b.txt", OTHER.encode(), 1, **TAIWAN)
        await api.settled()
        told = [s["text"] for s in api.sent()]
        api.push("message", message(ADMIN, "/use a:b", message_id=2))
        await api.settled()
        used = api.sent()[-1]["text"]
    assert told[0] == "已收到，正在收錄……\n檔名中有不能用於檔案的字元，已存為 a_b.txt。"
    assert told[-1] == "已收錄《房屋租賃合同》，共 3 條。"
    assert (tmp_path / "src" / "a_b.txt").read_text("utf-8") == OTHER
    assert used == texts.USE_SET.format(title="房屋租赁合同", source="")


@pytest.mark.parametrize(("sent", "renamed"), [
    ("a:b.txt", True), ("合同?.pdf", True), (".隐藏.txt", True), ("CON.txt", True),
    ("合同.PDF", False), ("../../合同.txt", False), ("dir\\合同.docx", False),
    ("委托合同（Word原版）.docx", False),
])
def test_only_a_changed_stem_is_told(sent: str, renamed: bool) -> None:
    assert filenames.renamed(sent, filenames.safe_name(sent)) is renamed


def test_use_takes_a_name_as_sent_only_when_it_names_nothing_as_it_is() -> None:
    infos = [ContractInfo(key="a_b", title="甲", clauses=1, source="a_b.txt"),
             ContractInfo(key="contract", title="乙", clauses=1, source="contract.txt")]
    assert [c.key for c in pick_contracts(infos, "a:b")] == ["a_b"]
    assert [c.key for c in pick_contracts(infos, "《a:b》")] == ["a_b"]
    assert pick_contracts(infos, "...") == [] and pick_contracts(infos, "x:y") == []


async def test_a_file_of_a_collected_ones_size_but_other_bytes_is_indexed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Only the size of a collected file is no copy: 五日 for 十日 is as long in bytes."""
    changed = CONTRACT.replace("十日", "五日")
    assert len(changed.encode()) == len(CONTRACT.encode()) and changed != CONTRACT
    async with real_bot(tmp_path) as api:
        _upload(api, "Z1", "采购合同二.txt", changed.encode(), 1)
        await api.settled()
        said = api.sent()[-1]["text"]
    assert said == texts.UPLOAD_OK.format(title="设备采购合同", clauses=2)
    assert _visible(tmp_path / "src") == ["purchase.txt", "采购合同二.txt"]
    assert len(_status(tmp_path / "index", capsys)["sources"]) == 2


async def test_the_same_file_again_is_told_unchanged_where_a_copy_of_it_is_collected_too(
        tmp_path: Path) -> None:
    """purchase.txt and a copy of it both collected (put there on the server): purchase.txt
    sent again is itself unchanged, not a copy of the other file."""
    from index import build_from_sources

    async with real_bot(tmp_path) as api:
        (tmp_path / "src" / "副本.txt").write_text(CONTRACT, encoding="utf-8")
        await asyncio.to_thread(build_from_sources, [tmp_path / "src"], tmp_path / "index",
                                "use-multilingual", progress=False)
        for number, name in enumerate(("purchase.txt", "副本.txt"), start=1):
            _upload(api, f"U{number}", name, CONTRACT.encode(), number)
            await api.settled()
        said = [s["text"] for s in api.sent() if s["text"] != texts.UPLOAD_WORKING_TEXT]
    assert said == [texts.UPLOAD_UNCHANGED.format(name=name, title="设备采购合同", clauses=2)
                    for name in ("purchase.txt", "副本.txt")]


async def test_a_copy_sent_by_a_traditional_admin_names_its_contract_in_traditional(
        tmp_path: Path) -> None:
    async with real_bot(tmp_path) as api:
        _upload(api, "T1", "副本.txt", CONTRACT.encode(), 1, **TAIWAN)
        await api.settled()
        said = api.sent()[-1]["text"]
    assert said == ("副本.txt 與已收錄的 purchase.txt（《設備採購合同》）內容完全相同，"
                    "沒有重複收錄。")


async def test_the_file_edited_on_the_server_and_sent_is_no_copy_of_what_the_index_holds(
        tmp_path: Path) -> None:
    """purchase.txt edited on the server and not rebuilt, then sent as edited: it was told
    已收录……内容没有变化，索引未重建 (the file beside it has those bytes) while the index still
    answered from the old text. Unchanged is what the index holds (its manifest's hash) and the
    file on disk alike: the index's text sent while the disk holds another is asked 替换 too
    (the next build would index the disk's)."""
    from test_uploads import _clause_one, _press

    async with real_bot(tmp_path) as api:
        (tmp_path / "src" / "purchase.txt").write_text(NEW, encoding="utf-8")
        _upload(api, "E1", "purchase.txt", NEW.encode(), 1)
        await api.settled()
        asked = api.sent()[-1]
        said = (await _press(api, texts.BUTTON_REPLACE, 3))[-1]["text"]
        # and the other way round: the index's text sent back while the disk holds another
        (tmp_path / "src" / "purchase.txt").write_text(CONTRACT, encoding="utf-8")
        _upload(api, "E2", "purchase.txt", NEW.encode(), 4)
        await api.settled()
        again = api.sent()[-1]
    assert asked["text"] == texts.UPLOAD_CONFIRM.format(
        existing="purchase.txt", name="purchase.txt", title="设备采购合同（修订）", clauses=2)
    assert said.startswith(texts.UPLOAD_OK.format(title="设备采购合同（修订）", clauses=2))
    assert _clause_one(tmp_path) == "乙方应于合同签订后五日内交货。"
    assert again["text"].startswith("已有同名合同：purchase.txt。") and again.get("reply_markup")


async def test_two_files_of_one_new_name_sent_together_never_replace_each_other_unasked(
        tmp_path: Path) -> None:
    """Two versions of 新合同.txt sent while another upload was being indexed: both were read
    while no file had their name, so neither asked; the first was put in place, then the second
    replaced it without 替换 (told 原来的 新合同.txt 已另存 afterwards). The second is now told
    that a file of its name was just put there (同名文件…刚被创建，请重新上传: sent again, it asks
    替换), and the first stays."""
    from test_uploads import _visible

    training = "培训服务合同\n" + "".join(
        f"第{i}条 乙方应按照甲方的书面要求提供第{i}项培训服务，内容包括系统操作与日常维护。\n"
        for i in range(1, 400))
    async with real_bot(tmp_path) as api:
        _upload(api, "L1", "培训.txt", training.encode(), 1)
        while not (tmp_path / "src" / "培训.txt").exists():  # its rebuild holds the queue
            await asyncio.sleep(0.01)
        _upload(api, "N1", "新合同.txt", OTHER.encode(), 2)
        _upload(api, "N2", "新合同.txt", NEW.encode(), 3)
        await api.settled()
        said = {s["reply_parameters"]["message_id"]: s["text"] for s in api.sent()}
    # whichever was read first is put in place (its reading may end second)
    first, kept, title = (2, OTHER, "房屋租赁合同") if said[2].startswith("已收录") \
        else (3, NEW, "设备采购合同（修订）")
    assert said[first] == texts.UPLOAD_OK.format(title=title, clauses=len(kept.splitlines()) - 1)
    assert said[5 - first] == texts.UPLOAD_NAME_TAKEN.format(name="新合同.txt")
    assert (tmp_path / "src" / "新合同.txt").read_text("utf-8") == kept
    assert _visible(tmp_path / "src") == ["purchase.txt", "培训.txt", "新合同.txt"]
    assert not (tmp_path / "src" / ".replaced").exists()
