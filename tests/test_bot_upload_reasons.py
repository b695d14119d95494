"""Admin uploads through the real parser: the bot's reply gives the reason (or note) that
``index status`` records for that file, in the admin's words (Chinese, in their script)."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from bot_helpers import message
from botapi_server import FakeBotApi
from team_bot import admin_bot
from test_bot_e2e import ADMIN, reply_id

from bot import texts
from bot.cli import main
from bot.reasons import reason_words
from index.build import build_from_sources

CONTRACT = "设备采购合同\n第一条 乙方应于合同签订后十日内交货。\n第二条 甲方应在验收合格后付款。\n"


def _scanned_pdf() -> bytes:
    import io

    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.rect(100, 100, 300, 400, fill=1)
    c.showPage()
    c.save()
    return buf.getvalue()


@asynccontextmanager
async def real_bot(tmp_path: Path) -> AsyncIterator[FakeBotApi]:
    """The bot with the production builder (real parsing) over one real text contract."""
    src, idx = tmp_path / "src", tmp_path / "index"
    src.mkdir()
    (src / "purchase.txt").write_text(CONTRACT, encoding="utf-8")
    await asyncio.to_thread(build_from_sources, [src], idx, "use-multilingual", progress=False)
    async with admin_bot(src, idx, embed_model="use-multilingual") as (server, _):
        yield server


def _status(idx: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    capsys.readouterr()
    assert main(["index", "status", "--json", "--index", str(idx)]) == 0
    return dict(json.loads(capsys.readouterr().out))


def _upload(api: FakeBotApi, file_id: str, name: str, data: bytes, message_id: int,
            **fields: Any) -> None:
    """The admin sends ``data`` as the document ``name`` (``fields``: more of the message)."""
    api.files[f"documents/{file_id}"] = data
    api.push("message", message(ADMIN, None, message_id=message_id, **fields, document={
        "file_id": file_id, "file_unique_id": file_id, "file_name": name,
        "file_size": len(data)}))


async def test_bad_upload_reply_gives_the_reason_index_status_records(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with real_bot(tmp_path) as api:
        before = _status(tmp_path / "index", capsys)
        _upload(api, "S1", "scan.pdf", _scanned_pdf(), 1)
        sent = await api.wait_for("sendMessage", 2, timeout=60)
    [reply] = [s["text"] for s in sent if reply_id(s) == 1 and "无法读取" in s["text"]]
    # the upload was read aside: neither the sources folder nor the index changed
    assert not (tmp_path / "src" / "scan.pdf").exists()
    assert _status(tmp_path / "index", capsys) == before
    # the same file built from a folder is reported with the words of the reply (with nothing
    # else to index, no index is written: the report is the build's line on stderr)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "scan.pdf").write_bytes(_scanned_pdf())
    capsys.readouterr()
    assert main(["index", "build", str(tmp_path / "elsewhere"), "--index",
                 str(tmp_path / "scratch")]) == 4
    [line] = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("scan.pdf: ")]
    reason = line.partition(": ")[2]
    assert reason == "scanned PDF: OCR found no text"
    assert reply == f"无法读取 scan.pdf：{reason_words(reason, 'simplified')}"
    assert reply == "无法读取 scan.pdf：扫描版 PDF，没有识别出文字"


@pytest.mark.parametrize(("language", "caption", "words"), [
    ("zh-hans", None, "无法读取 合同.docx：不是有效的 DOCX 文件（可能已损坏）"),
    ("zh-hant", None, "無法讀取 合同.docx：不是有效的 DOCX 檔案（可能已損壞）"),
    ("en", "客戶甲", "無法讀取 合同.docx：不是有效的 DOCX 檔案（可能已損壞）"),  # its caption
])
async def test_an_unreadable_upload_is_told_why_in_the_admins_script(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], language: str, caption: str | None,
    words: str,
) -> None:
    """The reason index/ gives in English ("not a valid DOCX file", as ``index build`` says
    it) reaches the admin in Chinese, Traditional to one who writes or reads Traditional."""
    data = b"this is not a DOCX package"
    async with real_bot(tmp_path) as api:
        api.files["documents/D1"] = data
        sent_by_admin = message(ADMIN, None, message_id=1, caption=caption, document={
            "file_id": "D1", "file_unique_id": "D1", "file_name": "合同.docx",
            "file_size": len(data)})
        sent_by_admin["from"]["language_code"] = language
        api.push("message", sent_by_admin)
        sent = await api.wait_for("sendMessage", 2, timeout=60)
    assert sent[-1]["text"] == words
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "合同.docx").write_bytes(data)
    capsys.readouterr()
    main(["index", "build", str(tmp_path / "elsewhere"), "--index", str(tmp_path / "scratch")])
    assert "合同.docx: not a valid DOCX file" in capsys.readouterr().err.splitlines()


async def test_long_clause_upload_reply_gives_the_split_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "乙方应按照甲方的书面要求提供培训服务，培训内容包括系统操作与日常维护。" * 200
    data = f"培训服务合同\n第一条 {body}\n第二条 甲方应按月支付服务费用。\n".encode()
    async with real_bot(tmp_path) as api:
        _upload(api, "L1", "training.txt", data, 1)
        sent = await api.wait_for("sendMessage", 2, timeout=60)
    reply = sent[-1]["text"]
    [note] = _status(tmp_path / "index", capsys)["notes"]
    assert Path(note["source"]).name == "training.txt"
    assert note["note"].startswith("clause 第一条 has 7,000 characters, more than 3,000: split")
    assert reply.startswith("已收录《培训服务合同》，共 ") and reply.endswith(
        f"\n注意：{reason_words(note['note'], 'simplified')}")
    assert reply.endswith("\n注意：条款 第一条 有 7,000 个字，超过 3,000 个，已分成 3 段")


async def test_a_photo_is_read_by_ocr_and_indexed(
    shared: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An admin sends a photo of a contract page (named by its caption): read and indexed."""
    from scans import crop, render_page, scanned

    page = render_page(shared / "contracts-real" / "劳动合同（已填写样例）.pdf", 1)
    buf = io.BytesIO()
    scanned(crop(page, 0.09, 0.535)).save(buf, "JPEG", quality=85)
    async with real_bot(tmp_path) as api:
        api.files["documents/P1"] = buf.getvalue()
        api.push("message", message(ADMIN, None, message_id=1, caption="劳动合同", photo=[
            {"file_id": "P1", "file_unique_id": "P1", "width": 1654, "height": 1040,
             "file_size": len(buf.getvalue())}]))
        sent = await api.wait_for("sendMessage", 2, timeout=120)
    assert sent[-1]["text"] == "已收录《劳动合同》，共 2 条。"
    assert (tmp_path / "src" / "劳动合同.jpg").is_file()
    [entry] = [s for s in _status(tmp_path / "index", capsys)["sources"]
               if Path(s["source"]).name == "劳动合同.jpg"]
    assert entry["clauses"] == 2


async def test_a_photos_caption_can_name_its_collection(
    shared: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A caption "customer-b/劳动合同" saves the photo as 劳动合同.jpg in collection customer-b;
    a collection that is not a plain folder name is refused before anything is downloaded."""
    from scans import crop, render_page, scanned

    page = render_page(shared / "contracts-real" / "劳动合同（已填写样例）.pdf", 1)
    buf = io.BytesIO()
    scanned(crop(page, 0.09, 0.535)).save(buf, "JPEG", quality=85)
    photo = [{"file_id": "P1", "file_unique_id": "P1", "width": 1654, "height": 1040,
              "file_size": len(buf.getvalue())}]
    async with real_bot(tmp_path) as api:
        api.files["documents/P1"] = buf.getvalue()
        api.push("message", message(ADMIN, None, message_id=1, caption="../x/劳动合同",
                                    photo=photo))
        [refused] = await api.wait_for("sendMessage", 1)
        await api.settled()  # the refused photo handled to the end: never downloaded
        assert "集合名" in refused["text"] and api.sent("getFile") == []
        api.push("message", message(ADMIN, None, message_id=2, caption=" customer-b / 劳动合同 ",
                                    photo=photo))
        sent = await api.wait_for("sendMessage", 3, timeout=120)
    assert sent[-1]["text"] == "已收录《劳动合同》，共 2 条。"
    assert [p.relative_to(tmp_path / "src").as_posix()
            for p in (tmp_path / "src").rglob("*.jpg")] == ["customer-b/劳动合同.jpg"]
    assert not (tmp_path / "x").exists()
    [entry] = [s for s in _status(tmp_path / "index", capsys)["sources"]
               if Path(s["source"]).name == "劳动合同.jpg"]
    assert entry["collection"] == "customer-b"


def test_a_caption_names_the_collection_then_the_photo() -> None:
    from bot.receiving import split_caption

    assert split_caption(None) == (None, None) and split_caption("  ") == (None, None)
    assert split_caption("劳动合同") == (None, "劳动合同")
    assert split_caption("customer-a/劳动合同") == ("customer-a", "劳动合同")
    assert split_caption("customer-a/") == ("customer-a", None)
    assert split_caption("/劳动合同") == ("", "劳动合同")  # the default collection
    assert split_caption("a/b/c") == ("a", "b/c")  # the name's own "/" is dropped later


def test_a_caption_names_a_plain_folder_below_the_upload_folder(tmp_path: Path) -> None:
    from bot.captions import upload_folder

    src = tmp_path / "src"
    assert [upload_folder(src, c) for c in (None, " ", "default", " customer-a ", "客户甲")] == [
        src, src, src, src / "customer-a", src / "客户甲"]
    for bad in ("../x", "a/b", ".hidden", "-x", "a b"):
        assert upload_folder(src, bad) is None, bad


def test_uploads_of_images_are_taken_others_refused() -> None:
    from bot import texts
    from bot.receiving import upload_refusal

    for name in ("合同.pdf", "scan.PNG", "photo.jpg", "page.jpeg", "pages.tif", "x.webp"):
        assert upload_refusal(name, 1000) is None, name
    assert upload_refusal("prices.xyz", 1000) == texts.UPLOAD_BAD_TYPE
    assert upload_refusal("big.png", 30 * 1024 * 1024) == texts.UPLOAD_TOO_BIG


@pytest.mark.parametrize(("name", "words"), [
    ("委托合同.doc", "这是旧版 Word 文档（.doc），请另存为 .docx 或 PDF 后再发送。"),
    ("价格表.XLSX", "不支持电子表格，请把合同另存为 .docx 或 PDF 后再发送。"),
    ("合同.rtf", "这是 RTF 文档，请另存为 .docx 或 PDF 后再发送。"),
    ("合同.wps", "这是 WPS 文档，请另存为 .docx 或 PDF 后再发送。"),
    ("合同们.zip", "不读取压缩包，请解压后逐份发送合同。"),
])
async def test_a_known_unsupported_type_is_told_what_to_do_not_the_list_of_types(
        tmp_path: Path, name: str, words: str) -> None:
    """A .doc, .xlsx or .rtf was refused with the list of types we read (只支持 PDF、DOCX…);
    the admin is told what to do with that file, as a build says it, in their script (a
    Traditional caption gets Traditional words), before anything is downloaded."""
    async with real_bot(tmp_path) as api:
        _upload(api, "U1", name, b"\xd0\xcf\x11\xe0 not read", 1)
        api.push("message", message(ADMIN, None, message_id=2, caption="客戶甲的合約", document={
            "file_id": "U2", "file_unique_id": "U2", "file_name": name, "file_size": 20}))
        await api.settled()
        simplified, traditional = (s["text"] for s in api.sent())
        assert api.sent("getFile") == []
    assert simplified == words
    assert traditional == texts.in_script(words, "traditional") != words


def test_an_iphone_heic_photo_sent_as_a_file_is_told_how_to_send_it() -> None:
    """A HEIC file (an iPhone photo sent as a file) is refused with what to do instead, not
    with the list of types that names photos."""
    from bot import texts
    from bot.receiving import upload_refusal

    for name in ("IMG_0412.HEIC", "scan.heif"):
        assert upload_refusal(name, 1000) == texts.UPLOAD_HEIC, name
    assert "以照片方式发送" in texts.UPLOAD_HEIC


async def test_a_file_over_20_mb_is_refused_whether_or_not_telegram_said_its_size(
        tmp_path: Path) -> None:
    """Telegram lets bots download 20 MB at most: a file of a size said to be more is refused
    before downloading; one whose size was not said (the field is optional) got getFile's 400
    "file is too big" and the reply 出错了, its empty staging file left behind."""
    from bot import texts

    big = b"x" * (20 * 1024 * 1024 + 1)
    async with real_bot(tmp_path) as api:
        _upload(api, "B1", "big.txt", big, 1)
        await api.settled()
        assert api.sent("getFile") == []
        api.files["documents/B2"] = big
        api.push("message", message(ADMIN, None, message_id=2, document={
            "file_id": "B2", "file_unique_id": "B2", "file_name": "big2.txt"}))
        await api.settled()
        said = [s["text"] for s in api.sent()]
    assert said == [texts.UPLOAD_TOO_BIG, texts.UPLOAD_WORKING_TEXT, texts.UPLOAD_TOO_BIG]
    assert not any((tmp_path / "src" / ".uploads").iterdir())
    assert sorted(p.name for p in (tmp_path / "src").iterdir()) == [".uploads", "purchase.txt"]


async def test_a_download_that_fails_otherwise_leaves_no_staging_file(tmp_path: Path) -> None:
    """Any failed download (not only one too big) leaves nothing in the upload folder."""
    async with real_bot(tmp_path) as api:
        api.fail["getFile"] = (400, "Bad Request: wrong file identifier/HTTP URL specified")
        _upload(api, "W1", "合同.txt", CONTRACT.encode(), 1)
        await api.settled()
    assert not any((tmp_path / "src" / ".uploads").iterdir())
    assert sorted(p.name for p in (tmp_path / "src").iterdir()) == [".uploads", "purchase.txt"]


async def test_an_empty_file_is_told_why_and_changes_nothing(tmp_path: Path) -> None:
    async with real_bot(tmp_path) as api:
        _upload(api, "E1", "空白.txt", b"", 1)
        await api.settled()
        said = api.sent()[-1]["text"]
    assert said.startswith("无法读取 空白.txt：") and "出错" not in said
    assert sorted(p.name for p in (tmp_path / "src").iterdir()) == [".uploads", "purchase.txt"]
