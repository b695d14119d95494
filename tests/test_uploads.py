"""Uploads never destroy: an upload is read aside first; one that matches an indexed contract
(in any extension) replaces it only when the admin says yes, the replaced file is kept for undo,
links are never written through, and odd names get a clear reason. Real parser, real index,
python-telegram-bot against the loopback Bot API."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import docx
import pytest
from bot_helpers import message
from botapi_server import FakeBotApi
from test_bot_e2e import ADMIN, reply_id
from test_bot_upload_reasons import CONTRACT, _scanned_pdf, _status, _upload, real_bot

from bot import texts
from index import Searcher

NEW = ("设备采购合同（修订）\n第一条 乙方应于合同签订后五日内交货。\n"
       "第二条 甲方应在验收合格后七日内付款。\n")
OTHER = "房屋租赁合同\n第一条 租期为一年。\n第二条 押金为两个月租金。\n第三条 租金按月支付。\n"


def _docx(text: str) -> bytes:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _clause_one(tmp_path: Path) -> str:
    """Clause 第一条 of contract ``purchase`` as the live index has it."""
    searcher = Searcher.open(tmp_path / "index", "use-multilingual")
    return searcher.get_clause("第一条", "purchase")[0].clause.text


async def _press(api: FakeBotApi, button: str, count: int, *, cb: str = "cb") -> list[dict]:
    """Press ``button`` of the latest message that has it; wait for ``count`` messages."""
    data = next(b["callback_data"] for s in reversed(api.sent()) if s.get("reply_markup")
                for row in s["reply_markup"]["inline_keyboard"] for b in row
                if b["text"] == button)
    api.push("callback_query", {
        "id": cb, "from": {"id": ADMIN, "is_bot": False, "first_name": "A"},
        "chat_instance": "ci", "data": data,
        "message": {"message_id": 7000, "date": 0, "text": "x",
                    "chat": {"id": ADMIN, "type": "private"}}})
    return await api.wait_for("sendMessage", count, timeout=60)


def _visible(folder: Path) -> list[str]:
    """What a build would look at in ``folder`` (hidden staging and backups left out)."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


@pytest.mark.parametrize("name", ["purchase.txt", "purchase.pdf"])
async def test_an_unreadable_upload_under_an_existing_name_leaves_the_original(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    original = (tmp_path / "src" / "purchase.txt")
    async with real_bot(tmp_path) as api:
        before = _status(tmp_path / "index", capsys)
        data = _scanned_pdf() if name.endswith(".pdf") else bytes(range(256)) * 40
        _upload(api, "U1", name, data, 1)
        sent = await api.wait_for("sendMessage", 2, timeout=60)
    assert sent[-1]["text"].startswith(f"无法读取 {name}：") and not sent[-1].get("reply_markup")
    assert original.read_text(encoding="utf-8") == CONTRACT
    assert _visible(tmp_path / "src") == ["purchase.txt"]
    assert _status(tmp_path / "index", capsys) == before
    assert _clause_one(tmp_path) == "乙方应于合同签订后十日内交货。"


async def test_a_same_name_upload_waits_for_yes_and_can_be_undone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src"
    async with real_bot(tmp_path) as api:
        _upload(api, "N1", "purchase.txt", NEW.encode(), 1)
        sent = await api.wait_for("sendMessage", 2, timeout=60)
        assert sent[-1]["text"] == texts.UPLOAD_CONFIRM.format(
            existing="purchase.txt", name="purchase.txt", title="设备采购合同（修订）", clauses=2)
        assert (src / "purchase.txt").read_text(encoding="utf-8") == CONTRACT  # not yet
        sent = await _press(api, texts.BUTTON_KEEP, 3)
        assert sent[-1]["text"] == texts.UPLOAD_KEPT.format(name="purchase.txt")
        assert (src / "purchase.txt").read_text(encoding="utf-8") == CONTRACT

        _upload(api, "N2", "purchase.txt", NEW.encode(), 2)
        await api.wait_for("sendMessage", 5, timeout=60)
        sent = await _press(api, texts.BUTTON_REPLACE, 6, cb="cb2")
        assert sent[-1]["text"] == "\n".join([
            texts.UPLOAD_OK.format(title="设备采购合同（修订）", clauses=2),
            texts.UPLOAD_REPLACED.format(old="purchase.txt")])
        assert (src / "purchase.txt").read_text(encoding="utf-8") == NEW
        assert _clause_one(tmp_path) == "乙方应于合同签订后五日内交货。"
        [kept] = (src / ".replaced").glob("*/*purchase.txt")
        assert kept.read_text(encoding="utf-8") == CONTRACT
        assert stat.S_IMODE((src / "purchase.txt").stat().st_mode) == 0o600
        assert stat.S_IMODE((src / ".replaced").stat().st_mode) == 0o700

        sent = await _press(api, texts.BUTTON_UNDO, 7, cb="cb3")
        assert sent[-1]["text"] == texts.UPLOAD_UNDONE.format(old="purchase.txt")
        assert (src / "purchase.txt").read_text(encoding="utf-8") == CONTRACT
        assert _clause_one(tmp_path) == "乙方应于合同签订后十日内交货。"
        [undone] = (src / ".replaced").glob("*/undone-purchase.txt")  # the upload is kept too
        assert undone.read_text(encoding="utf-8") == NEW
        sent = await _press(api, texts.BUTTON_REPLACE, 8, cb="cb4")  # an answered question
        assert sent[-1]["text"] == texts.UPLOAD_EXPIRED
    assert [s["source"] for s in _status(tmp_path / "index", capsys)["sources"]] == [
        str((src / "purchase.txt").resolve())]


async def test_a_docx_beside_an_indexed_txt_replaces_it_only_on_yes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src"
    async with real_bot(tmp_path) as api:
        _upload(api, "D1", "purchase.docx", _docx(NEW), 1)
        sent = await api.wait_for("sendMessage", 2, timeout=60)
        assert sent[-1]["text"].startswith("已有同名合同：purchase.txt。")
        assert not (src / "purchase.docx").exists()
        api.push("message", message(ADMIN, "/reindex", message_id=2))  # staging is no source
        sent = await api.wait_for("sendMessage", 3, timeout=60)
        assert sent[-1]["text"] == texts.REINDEX_OK.format(contracts=1, clauses=2)
        assert _clause_one(tmp_path) == "乙方应于合同签订后十日内交货。"
        await _press(api, texts.BUTTON_REPLACE, 4)
    assert _visible(src) == ["purchase.docx"]
    assert _clause_one(tmp_path) == "乙方应于合同签订后五日内交货。"
    [entry] = _status(tmp_path / "index", capsys)["sources"]
    assert Path(entry["source"]).name == "purchase.docx"


async def test_a_new_name_is_indexed_at_once(tmp_path: Path) -> None:
    async with real_bot(tmp_path) as api:
        _upload(api, "O1", "lease.txt", OTHER.encode(), 1)
        sent = await api.wait_for("sendMessage", 2, timeout=60)
    assert sent[0]["text"] == "已收到，正在收录……"  # no word of scans for a text file
    assert sent[-1]["text"] == texts.UPLOAD_OK.format(title="房屋租赁合同", clauses=3)
    assert (tmp_path / "src" / "lease.txt").read_text(encoding="utf-8") == OTHER


@pytest.mark.parametrize("name", ["委托合同（Word原版）.docx", "房屋租赁合同 模板一.docx"])
async def test_an_upload_keeps_the_name_it_was_sent_under(tmp_path: Path, name: str) -> None:
    """An upload is saved, and named to the admin, as sent (full-width brackets, inner
    spaces): /use finds it by that name, and sending it again is told that name. It was
    saved as 委托合同_Word原版.docx, which /use 委托合同（Word原版） did not find."""
    stem = name.rsplit(".", 1)[0]
    async with real_bot(tmp_path) as api:
        _upload(api, "N1", name, _docx(OTHER), 1)
        sent = await api.wait_for("sendMessage", 2, timeout=60)
        # a DOCX's pasted scans are read by OCR: said so, not "scans and photos"
        assert sent[0]["text"] == "已收到，正在收录……（文档中粘贴的扫描页需识别文字，每页约 5 秒）"
        assert sent[-1]["text"] == texts.UPLOAD_OK.format(title="房屋租赁合同", clauses=3)
        api.push("message", message(ADMIN, f"/use {stem}", message_id=2))
        sent = await api.wait_for("sendMessage", 3, timeout=30)
        assert sent[-1]["text"] == texts.USE_SET.format(title="房屋租赁合同", source="")
        _upload(api, "N2", name, _docx(OTHER), 3)
        sent = await api.wait_for("sendMessage", 5, timeout=60)
    assert sent[-1]["text"].startswith(f"已有同名合同：{name}。要用新上传的 {name}（")
    assert _visible(tmp_path / "src") == sorted([name, "purchase.txt"])


async def test_an_upload_never_writes_through_a_link(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("外部文件，不得改写。", encoding="utf-8")
    link = tmp_path / "src" / "linked.txt"
    async with real_bot(tmp_path) as api:
        link.symlink_to(outside)
        _upload(api, "L1", "linked.txt", OTHER.encode(), 1)
        await api.wait_for("sendMessage", 2, timeout=60)
        assert outside.read_text(encoding="utf-8") == "外部文件，不得改写。"
        sent = await _press(api, texts.BUTTON_REPLACE, 3)
    assert sent[-1]["text"].startswith(texts.UPLOAD_OK.format(title="房屋租赁合同", clauses=3))
    assert outside.read_text(encoding="utf-8") == "外部文件，不得改写。"
    assert not link.is_symlink() and link.read_text(encoding="utf-8") == OTHER
    [kept] = (tmp_path / "src" / ".replaced").glob("*/*linked.txt")
    assert kept.is_symlink()  # the link itself was kept, not what it points to


async def test_an_upload_beside_a_link_loop_of_its_name_replaces_the_link(
        tmp_path: Path) -> None:
    """A link of the upload's name that leads back to itself (lease.txt -> lease.txt) made
    the upload fail with 出错了 (Path.resolve raised RuntimeError on it): it is a file of that
    name like any other, replaced on yes and kept."""
    link = tmp_path / "src" / "lease.txt"
    async with real_bot(tmp_path) as api:
        link.symlink_to("lease.txt")
        _upload(api, "L1", "lease.txt", OTHER.encode(), 1)
        asked = (await api.wait_for("sendMessage", 2, timeout=60))[-1]
        assert asked["text"].startswith("已有同名合同：lease.txt。")
        sent = await _press(api, texts.BUTTON_REPLACE, 3)
    assert sent[-1]["text"].startswith(texts.UPLOAD_OK.format(title="房屋租赁合同", clauses=3))
    assert not link.is_symlink() and link.read_text(encoding="utf-8") == OTHER
    [kept] = (tmp_path / "src" / ".replaced").glob("*/*lease.txt")
    assert kept.is_symlink()


@pytest.mark.parametrize(("name", "words"), [
    ("合" * 300 + ".txt", texts.NAME_TOO_LONG.format(length=304, limit=80)),
    ("bell\x07.txt", texts.NAME_ODD.format(why=texts.NAME_CONTROL)),
    ("right\u202eto-left.txt", texts.NAME_ODD.format(why=texts.NAME_CONTROL)),
    ("！！！.txt", texts.NAME_ODD.format(why=texts.NAME_NO_WORDS)),
    ("../.docx", texts.NAME_ODD.format(why=texts.NAME_NO_WORDS)),
    # 63 characters, but 236 bytes: the folder a replaced file is kept in could not be made
    ("\U00020000" * 59 + ".txt", texts.NAME_TOO_LONG_BYTES),
])
async def test_odd_names_get_a_clear_reason(tmp_path: Path, name: str, words: str) -> None:
    async with real_bot(tmp_path) as api:
        _upload(api, "X1", name, OTHER.encode(), 1)
        await api.settled()  # the upload handled to the end: refused, never downloaded
        [sent] = api.sent()
        assert api.sent("getFile") == []
    assert reply_id(sent) == 1 and sent["text"] == words
    assert _visible(tmp_path / "src") == ["purchase.txt"]


async def test_an_upload_the_build_cannot_index_puts_the_original_back(tmp_path: Path) -> None:
    """The bot reads an upload before moving it in; should the build still reject it (here the
    test builder's JSON parser), the replaced original comes back, on disk and in the index."""
    from test_bot_e2e import running_bot

    original = (tmp_path / "src" / "maint.txt")
    async with running_bot(tmp_path) as api:
        before = original.read_bytes()
        # a real contract to the real parser that reads an upload first, but not the JSON the
        # test builder's parser wants: the build rejects what the check accepted
        plain = "维护服务合同\n第一条 乙方应在接到通知后两小时内响应。\n第二条 甲方按季度付款。\n"
        _upload(api, "J1", "maint.txt", plain.encode(), 1)
        await api.wait_for("sendMessage", 2, timeout=60)
        sent = await _press(api, texts.BUTTON_REPLACE, 3)
        api.push("message", message(ADMIN, "/contracts", message_id=2))
        listing = (await api.wait_for("sendMessage", 4, timeout=30))[-1]["text"]
    # "could not be parsed (JSONDecodeError: ...)" in index status; the admin's words here
    assert sent[-1]["text"] == "\n".join([
        "无法读取 maint.txt：读取时出错，无法解析这个文件",
        texts.UPLOAD_RESTORED.format(old="maint.txt")])
    assert original.read_bytes() == before
    assert "<code>maint</code> 《软件维护服务合同》 10 条" in listing


async def test_an_upload_named_like_a_library_contract_is_refused_without_asking(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A contract indexed from the operator's library (`contractbot index build LIB`), not
    from the upload folder, cannot be replaced from the bot (it never moves those files) nor
    have an upload of its name beside it. The bot asked 替换吗？…可以撤销 all the same, and
    after 替换 said 无法读取 purchase.docx：同一集合中已有另一个文件的合同名也是 purchase; it
    now says so at once, with no button, and nothing changes."""
    import asyncio

    from botapi_server import running

    from bot.app import build_application
    from bot.settings import Settings
    from index import build_from_sources

    library, src, idx = tmp_path / "library", tmp_path / "src", tmp_path / "index"
    library.mkdir()
    (library / "purchase.txt").write_text(CONTRACT, encoding="utf-8")
    await asyncio.to_thread(build_from_sources, [library], idx, "use-multilingual",
                            progress=False)
    api = FakeBotApi()
    await api.start()
    settings = Settings(index_dir=idx, sources_dir=src, telegram_token="123456:TEST-token",
                        telegram_base_url=api.base_url, telegram_base_file_url=api.base_file_url,
                        allowed_chats=frozenset({ADMIN}), admins=frozenset({ADMIN}),
                        embed_model="use-multilingual")
    try:
        async with running(build_application(settings), api=api):
            _upload(api, "D1", "purchase.docx", _docx(NEW), 1)
            sent = await api.wait_for("sendMessage", 2, timeout=60)
            await api.settled()
    finally:
        await api.stop()
    assert sent[-1]["text"] == texts.UPLOAD_NAME_IN_LIBRARY.format(
        existing="purchase.txt", name="purchase.docx")
    assert "reply_markup" not in sent[-1]
    assert not src.exists() or _visible(src) == []
    [entry] = _status(idx, capsys)["sources"]
    assert entry["source"] == str((library / "purchase.txt").resolve())


def test_the_first_reply_to_an_upload_promises_ocr_only_where_it_may_run() -> None:
    """"每页约 5 秒" was said of every file but text: of a DOCX or PDF with a text layer too,
    where OCR does not run. Each kind is now told what may take time in it."""
    from bot.receiving import working_text

    assert working_text("a.txt") == working_text("b.MD") == "已收到，正在收录……"
    assert working_text("a.pdf") == "已收到，正在收录……（扫描版 PDF 需逐页识别文字，每页约 5 秒）"
    assert working_text("a.docx").endswith("（文档中粘贴的扫描页需识别文字，每页约 5 秒）")
    assert working_text("a.jpg") == working_text("photos-1.pdf", photos=True) == (
        "已收到，正在收录……（扫描件和照片需逐页识别文字，每页约 5 秒）")


def test_an_upload_replaces_only_its_namesakes_inside_the_upload_folder(tmp_path: Path) -> None:
    """What confirming an upload would move aside: files of its stem in a contract format in
    its folder, and the indexed contract of its key when that lies in the upload folder; never
    a contract indexed from elsewhere, another key's file, or a file no build reads."""
    from index_corpus import LEASE, MAINT, fast_encoder, parse_json, write_corpus

    from bot.uploads import to_replace
    from index.build import build_index

    src, elsewhere, idx = tmp_path / "src", tmp_path / "elsewhere", tmp_path / "index"
    write_corpus(src, LEASE)
    write_corpus(elsewhere, MAINT)
    (src / "lease.bak").write_text("a note, not a contract", "utf-8")
    build_index([src, elsewhere], idx, fast_encoder(), parse=parse_json, progress=False)
    assert to_replace(src / "lease.docx", sources=src, index_dir=idx,
                      collection="default") == [src / "lease.txt"]
    assert to_replace(src / "maint.txt", sources=src, index_dir=idx,
                      collection="default") == []
    assert to_replace(src / "new.txt", sources=src, index_dir=idx,
                      collection="default") == []


def test_at_most_limit_uploads_wait_and_the_oldest_is_discarded(tmp_path: Path) -> None:
    from bot.uploads import PendingUpload, UploadBook, open_staging

    book = UploadBook(limit=2)
    tokens, staged = [], []
    for name in ("a.txt", "b.txt", "c.txt"):
        path, f = open_staging(tmp_path, name)
        f.close()
        staged.append(path)
        tokens.append(book.ask(PendingUpload(path, tmp_path / name)))
    assert list(book.pending) == tokens[1:]
    assert [p.exists() for p in staged] == [False, True, True]
    answered = book.answer(tokens[2])
    assert book.answer(tokens[0]) is None and answered is not None
    assert answered.staged == staged[2]


def test_a_library_namesake_is_held_elsewhere_only_in_its_collection_while_there(
        tmp_path: Path) -> None:
    """held_elsewhere refuses an upload named as a contract of the operator's library: only
    one of the upload's collection (customer-b's maint.txt says nothing of customer-a's
    maint.docx), and only while its file is there (a library file deleted since the build
    holds no name)."""
    from index_corpus import LEASE, MAINT, fast_encoder, parse_json, write_corpus

    from bot.uploads import held_elsewhere
    from index.build import build_index

    lib, src, idx = tmp_path / "lib", tmp_path / "src", tmp_path / "index"
    [maint] = write_corpus(lib / "customer-b", MAINT)
    write_corpus(lib / "customer-a", LEASE)
    build_index([lib], idx, fast_encoder(), parse=parse_json, progress=False)
    upload = src / "customer-a" / "maint.docx"
    assert held_elsewhere(upload, sources=src / "customer-a", index_dir=idx,
                          collection="customer-b") == [maint]
    assert held_elsewhere(upload, sources=src / "customer-a", index_dir=idx,
                          collection="customer-a") == []
    maint.unlink()
    assert held_elsewhere(upload, sources=src / "customer-a", index_dir=idx,
                          collection="customer-b") == []
