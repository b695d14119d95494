"""A photo the bot cannot take as a contract (OCR found no text in it, or no contract) tells
the admin how to send the pages of one (through the loopback Bot API and the real OCR)."""

from __future__ import annotations

import io
from pathlib import Path

from bot_helpers import message
from test_bot_e2e import ADMIN, reply_id
from test_bot_upload_reasons import real_bot

from bot import texts


def _jpeg(image: object) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=70)  # type: ignore[attr-defined]
    return buf.getvalue()


async def test_a_photo_without_a_contract_is_told_how_to_send_the_pages(tmp_path: Path) -> None:
    """A photo of a blank sheet: the reply said only 无法读取 …：图片中没有识别出文字, though
    most photos OCR finds no text or no contract in (看起来不是合同: the parties page of a
    contract holds no clause) are a page of a contract sent alone, or taken from afar."""
    from PIL import Image

    blank = Image.new("L", (800, 1100), 245)
    data = _jpeg(blank)
    async with real_bot(tmp_path) as api:
        api.files["documents/P1"] = data
        api.push("message", message(ADMIN, None, message_id=1, caption="白纸", photo=[
            {"file_id": "P1", "file_unique_id": "P1", "width": blank.width,
             "height": blank.height, "file_size": len(data)}]))
        sent = await api.wait_for("sendMessage", 2, timeout=120)
    assert [s["text"] for s in sent if reply_id(s) == 1][-1] == \
        f"无法读取 白纸.jpg：图片中没有识别出文字\n{texts.UPLOAD_PHOTO_HINT}"
    assert not list((tmp_path / "src").glob("*.jpg"))  # nothing of it is kept
