"""End to end, the collection an upload's caption names: an existing one however it is written
(客戶甲 for 客户甲, full-width letters, another case), and one that neither exists nor is read by
any chat, which is not made before the admin says so. The real Application and HTTP client
against the loopback Bot API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot_helpers import message
from index_corpus import LEASE, MAINT
from team_bot import ADMIN, access_file, ask, press, team_bot

from bot import texts
from bot.access import parse_access
from bot.captions import Destination, gather_collections, upload_destination

GROUP_A, GROUP_B = -701, -702
LAYOUT: dict[str, list[dict]] = {"客户甲": [MAINT], "customer-b": [{**MAINT, "key": "service"}]}
TAIWAN: dict[str, Any] = {"from": {"id": ADMIN, "is_bot": False, "first_name": "A",
                                   "language_code": "zh-TW"}}
OFFICE = {**LEASE, "key": "office", "title": "办公室租赁合同"}


def _send(api: Any, name: str, contract: dict, caption: str, message_id: int) -> None:
    """The admin sends ``contract`` as the document ``name`` with ``caption``, in Traditional."""
    data = json.dumps(contract, ensure_ascii=False).encode()
    api.files[f"documents/{name}"] = data
    api.push("message", message(ADMIN, None, message_id=message_id, caption=caption, document={
        "file_id": name, "file_unique_id": name, "file_name": name, "file_size": len(data)},
        **TAIWAN))


def _last_shown(api: Any) -> dict[str, Any]:
    """The message the bot sent last, as the server made it (the newest of that text)."""
    text = api.sent()[-1]["text"]
    return max((m for m in api.messages.values() if m["text"] == text),
               key=lambda m: m["message_id"])


def _visible(src: Path) -> list[str]:
    """The files and folders of ``src`` a build or an operator sees (not the hidden ones)."""
    return sorted(p.relative_to(src).as_posix() for p in src.rglob("*")
                  if not any(part.startswith(".") for part in p.relative_to(src).parts))


async def test_a_caption_in_the_other_script_or_width_goes_to_the_existing_collection(
        tmp_path: Path) -> None:
    """客戶甲 for the collection 客户甲 made a second folder, 客戶甲, that no chat reads (and
    ＣＵＳＴＯＭＥＲ－Ｂ was refused as no plain folder name): each goes to its collection, so
    the group given it answers from it."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["客户甲"], GROUP_B: ["customer-b"]})
    src = tmp_path / "src"
    async with team_bot(tmp_path, LAYOUT, access_file=rules) as (api, _):
        _send(api, "office.txt", OFFICE, "客戶甲", 1)
        sent = await api.wait_for("sendMessage", 2, timeout=30)
        _send(api, "lease.txt", LEASE, " ＣＵＳＴＯＭＥＲ－Ｂ ", 2)
        sent = await api.wait_for("sendMessage", 4, timeout=30)
        answer_a = await ask(api, GROUP_A, "/contracts")
        answer_b = await ask(api, GROUP_B, "/contracts")
    assert [s["text"] for s in sent] == [
        "已收到，正在收錄……", "已收錄《辦公室租賃合同》，共 5 條。",
        "已收到，正在收錄……", "已收錄《房屋租賃合同》，共 5 條。"]
    assert (src / "客户甲" / "office.txt").is_file() and not (src / "客戶甲").exists()
    assert (src / "customer-b" / "lease.txt").is_file()
    assert "办公室租赁合同" in answer_a and "房屋租赁合同" not in answer_a
    assert "lease" in answer_b and "办公室" not in answer_b


async def test_a_collection_no_chat_reads_is_not_made_until_the_admin_says_so(
        tmp_path: Path) -> None:
    """客戶乙, a collection that does not exist and that no chat reads, was saved in a new
    folder and indexed, "已收錄", though no group would ever see it. The admin is told, in
    their script, which collections there are and which chats read them, and how to send it
    to one; nothing is saved or indexed. 取消 drops it (said so); sent again, 新建集合 makes
    the collection and indexes it."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["客户甲"], GROUP_B: ["customer-b"]})
    src, idx = tmp_path / "src", tmp_path / "index"
    async with team_bot(tmp_path, LAYOUT, access_file=rules) as (api, _):
        before = (idx / "CURRENT").read_bytes(), _visible(src)
        _send(api, "office.txt", OFFICE, "客戶乙", 1)
        await api.settled()
        working, asked = (s["text"] for s in api.sent())
        after = (idx / "CURRENT").read_bytes(), _visible(src)
        shown = _last_shown(api)
        dropped = await press(api, ADMIN, shown, "取消")
        await api.settled()
        staged_left = list(src.rglob("office.txt"))
        _send(api, "office.txt", OFFICE, "客戶乙", 2)
        await api.settled()
        shown = _last_shown(api)
        made = await press(api, ADMIN, shown, "新建集合")
        listing = await ask(api, ADMIN, "/contracts")
    assert working == "已收到，正在收錄……"
    assert asked == "\n".join([
        "還沒有名為“客戶乙”的集合，也沒有聊天讀取它：收錄到這個新集合的合同，任何群組都看不到，"
        "所以 office.txt（《office》，5 條）還沒有儲存。",  # read as text: titled by its name
        "現有 2 個集合：customer-b（聊天 -702 讀取）、客户甲（聊天 -701 讀取）。要收錄到其中一個，"
        "請重新發送，說明文字寫它的名字，例如 customer-b。",
        "確實要新建集合“客戶乙”，請按“新建集合”，再在權限檔案（CONTRACTBOT_ACCESS_FILE）中"
        "把它分給要讀取的聊天。"])
    assert after == before  # nothing indexed, no folder made
    assert dropped["text"] == "已取消，office.txt 沒有儲存。" and staged_left == []
    assert made["text"] == "已收錄《辦公室租賃合同》，共 5 條。"
    assert (src / "客戶乙" / "office.txt").is_file()
    assert "《辦公室租賃合同》 5 條 · 客戶乙" in listing


async def test_an_upload_without_a_caption_that_no_group_would_read_is_asked_about(
        tmp_path: Path) -> None:
    """An admin sends a customer's contract without the name of its collection (a file sent in
    a group's topic is told to go to the private chat, and the caption is forgotten there): it
    was indexed in ``default``, which no chat reads, 已收录, and no group ever saw it. It is asked
    about as a new collection is, nothing saved meanwhile; 新建集合 still files it there."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["客户甲"], GROUP_B: ["customer-b"]})
    src, idx = tmp_path / "src", tmp_path / "index"
    async with team_bot(tmp_path, LAYOUT, access_file=rules) as (api, _):
        before = (idx / "CURRENT").read_bytes(), _visible(src)
        data = json.dumps(OFFICE, ensure_ascii=False).encode()
        api.files["documents/office.txt"] = data
        api.push("message", message(ADMIN, None, message_id=1, document={
            "file_id": "office.txt", "file_unique_id": "office.txt", "file_name": "office.txt",
            "file_size": len(data)}))
        await api.settled()
        asked = api.sent()[-1]["text"]
        after = (idx / "CURRENT").read_bytes(), _visible(src)
        made = await press(api, ADMIN, _last_shown(api), "新建集合")
        listing = await ask(api, ADMIN, "/contracts")
    assert asked == "\n".join([
        "没有写说明文字的文件收入默认集合“default”，但没有聊天读取它：收录在那里的合同，任何群组都"
        "看不到，所以 office.txt（《office》，5 条）还没有保存。",
        "现有 2 个集合：customer-b（聊天 -702 读取）、客户甲（聊天 -701 读取）。要收录到其中一个，"
        "请重新发送，说明文字写它的名字，例如 customer-b。",
        "确实要新建集合“default”，请按“新建集合”，再在权限文件（CONTRACTBOT_ACCESS_FILE）中"
        "把它分给要读取的聊天。"])
    assert after == before  # nothing indexed or saved
    assert made["text"] == "已收录《办公室租赁合同》，共 5 条。"
    assert (src / "office.txt").is_file() and "《办公室租赁合同》 5 条 · default" in listing


async def test_a_photos_collection_and_a_collection_a_chat_waits_for(tmp_path: Path) -> None:
    """A collection the access file gives a chat is made at once (that chat reads it); the
    question about a new one shows a photo's caption as collection/name."""
    from bot.captions import new_collection_text

    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["客户丙"]})
    async with team_bot(tmp_path, {"": [MAINT]}, access_file=rules) as (api, _):
        _send(api, "office.txt", OFFICE, "客戶丙", 1)
        sent = await api.wait_for("sendMessage", 2, timeout=30)
    assert sent[-1]["text"] == "已收錄《辦公室租賃合同》，共 5 條。"
    assert (tmp_path / "src" / "客户丙" / "office.txt").is_file()
    known = gather_collections({"default", "客户甲"}, parse_access('[chats]\n"-1" = ["客户甲"]'),
                               ())
    place = upload_destination(tmp_path, "客户乙", known)
    assert place == Destination(tmp_path / "客户乙", "客户乙", new=True)
    text = new_collection_text(place, known, name="合同.jpg", title="合同", clauses=2,
                               caption="客户乙/合同", script="simplified")
    assert "例如 客户甲/合同。" in text
    empty = gather_collections({"default"}, {}, ())
    text = new_collection_text(place, empty, name="合同.jpg", title="合同", clauses=2,
                               caption="客户乙/合同", script="simplified")
    assert texts.UPLOAD_NO_COLLECTIONS in text


def test_which_collection_a_caption_names(tmp_path: Path) -> None:
    """Width, script and case are folded; a chat that reads every collection reads a new one
    too (made at once, as before); two collections one caption could mean are neither."""
    table = parse_access('[chats]\n"-1" = ["客户甲"]\n"-2" = ["customer-b"]')
    known = gather_collections({"default", "客户甲", "Customer-B", "x", "X"}, table, ())
    src = tmp_path
    assert upload_destination(src, None, known) == Destination(src, "default")
    unread = gather_collections({"客户甲", "customer-b"}, table, ())  # no contract in default
    assert upload_destination(src, None, unread) == Destination(src, "default", new=True)
    assert upload_destination(src, "default", unread) == Destination(src, "default")  # named
    for reads in (gather_collections({"客户甲"}, {}, ()),  # no access file: the admin alone
                  gather_collections({"客户甲"}, table, (5,)),  # a chat reads everything
                  gather_collections({"客户甲"}, parse_access('[chats]\n"-1" = ["default"]'),
                                     ())):
        assert upload_destination(src, None, reads) == Destination(src, "default")
    assert upload_destination(src, "ＤＥＦＡＵＬＴ", known) == Destination(src, "default")
    assert upload_destination(src, "客戶甲", known) == Destination(src / "客户甲", "客户甲")
    assert upload_destination(src, "customer-b", known) == Destination(
        src / "customer-b", "customer-b")  # the access file's spelling: a chat reads it
    assert upload_destination(src, "Customer-B", known) == Destination(
        src / "Customer-B", "Customer-B")
    assert upload_destination(src, "ｘ", known) == Destination(src / "ｘ", "ｘ", new=True)
    assert upload_destination(src, "../x", known) is None
    everyone = gather_collections({"default"}, parse_access('[chats]\n"-1" = ["*"]'), ())
    assert upload_destination(src, "客戶乙", everyone) == Destination(src / "客戶乙", "客戶乙")
    allowed = gather_collections({"default"}, {}, (5,))
    assert upload_destination(src, "客戶乙", allowed) == Destination(src / "客戶乙", "客戶乙")



async def test_a_held_upload_outlives_a_restart(tmp_path: Path) -> None:
    """The bot was restarted (a deploy) while an upload for a new collection waited for the
    admin: 新建集合 then answered 這個操作已過期或已處理過, and the file lay in the staging
    folder until swept. The question is kept beside the staged file: the button works after
    the restart, once; a button of an upload the bot no longer holds asks to send it again."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["客户甲"], GROUP_B: ["customer-b"]})
    src = tmp_path / "src"
    async with team_bot(tmp_path, LAYOUT, access_file=rules) as (api, _):
        _send(api, "office.txt", OFFICE, "客戶乙", 1)
        await api.settled()
        shown = _last_shown(api)
    records = {p: p.read_text("utf-8") for p in src.glob(".uploads/*/.held.json")}
    async with team_bot(tmp_path, LAYOUT, access_file=rules) as (api, _):
        made = await press(api, ADMIN, shown, "新建集合")
        again = await press(api, ADMIN, shown, "新建集合")
        forged = await press(api, ADMIN, {**shown, "reply_markup": {"inline_keyboard": [[
            {"text": "取消", "callback_data": "upload:drop:0badf00d"}]]}}, "取消")
        listing = await ask(api, ADMIN, "/contracts")
    assert made["text"] == "已收錄《辦公室租賃合同》，共 5 條。"
    assert (src / "客戶乙" / "office.txt").is_file()
    [(record, text)] = records.items()
    assert str(tmp_path) not in text and not record.parent.exists()  # no server path; gone
    assert "《辦公室租賃合同》 5 條 · 客戶乙" in listing
    assert again["text"] == "這個操作已過期或已處理過。"  # answered: as before
    assert forged["text"] == "這個上傳已過期，沒有儲存。如還要收錄，請重新發送檔案。"
