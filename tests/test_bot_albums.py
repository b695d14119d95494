"""Photos an admin sends together (a Telegram album) are the pages of one contract: one PDF,
pages in the order sent, named by the album's caption, read by OCR and indexed once."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from bot_helpers import message
from test_bot_e2e import ADMIN, PRIVATE, reply_id
from test_bot_upload_reasons import real_bot

from bot import texts
from bot.cli import main

LABOUR = "劳动合同.pdf"


def photo_of(shared: Path, page: int, top: float, bottom: float) -> bytes:
    """A band of a page of 劳动合同.pdf, scanned, as the JPEG Telegram keeps of a photo."""
    from scans import crop, render_page, scanned

    buf = io.BytesIO()
    image = crop(render_page(shared / "contracts-real" / LABOUR, page), top, bottom)
    scanned(image).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def album_photo(chat: int, message_id: int, file_id: str, data: bytes, *,
                group: str = "A1", **extra: Any) -> dict[str, Any]:
    return message(chat, None, message_id=message_id, media_group_id=group, photo=[
        {"file_id": file_id, "file_unique_id": file_id, "width": 1654, "height": 1000,
         "file_size": len(data)}], **extra)


async def test_an_album_of_photos_is_one_contract_in_the_order_sent(
        shared: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The foot of page 3 (第一条 begins) and the head of page 4 (第一条 ends, 第二条): one
    contract whose 第一条 runs across the two photos. They arrive out of order, and the caption
    is under the second. (The saved PDF's clauses are shown by ``parse`` with the bot's index,
    whose OCR cache holds what the bot's build read of these very bytes: OCR reads the pages
    once.)"""
    first, second = photo_of(shared, 3, 0.6, 0.97), photo_of(shared, 4, 0.02, 0.4)
    async with real_bot(tmp_path) as api:
        api.files["documents/P1"], api.files["documents/P2"] = first, second
        api.push("message", album_photo(ADMIN, 11, "P2", second, caption="劳动合同相片"))
        api.push("message", album_photo(ADMIN, 10, "P1", first))
        sent = await api.wait_for("sendMessage", 2, timeout=120)
        await api.settled()  # both photos handled: the second started no upload of its own
        assert len(api.sent()) == 2  # one upload, not two
    assert sent[0]["text"] == texts.UPLOAD_WORKING  # photos: read by OCR, not "a scanned PDF"
    assert sent[-1]["text"].startswith("已收录《") and "共 2 条" in sent[-1]["text"]
    assert {reply_id(s) for s in sent} <= {10, 11}
    saved = tmp_path / "src" / "劳动合同相片.pdf"
    assert saved.is_file() and [p.name for p in (tmp_path / "src").iterdir()
                                if p.suffix in (".jpg", ".pdf")] == [saved.name]
    monkeypatch.setenv("CONTRACTBOT_INDEX_DIR", str(tmp_path / "index"))
    assert main(["parse", str(saved), "--json"]) == 0
    clauses = json.loads(capsys.readouterr().out)["clauses"]
    assert [c["clause"] for c in clauses] == ["第一条", "第二条"]
    assert "终止情形出现时止" in clauses[0]["text"]  # page 3's foot, then page 4's head


async def test_an_album_from_someone_else_gets_one_refusal(shared: Path, tmp_path: Path) -> None:
    data = photo_of(shared, 3, 0.6, 0.97)
    async with real_bot(tmp_path) as api:
        api.files["documents/P1"] = data
        for n in range(3):
            api.push("message", album_photo(PRIVATE, 20 + n, "P1", data, group="B7"))
        sent = await api.wait_for("sendMessage", 1)
        await api.settled()
    assert len(api.sent()) == 1 and "只有管理员" in sent[0]["text"]
    assert not list((tmp_path / "src").glob("*.pdf"))
