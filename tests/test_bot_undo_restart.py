"""撤销替换 outlives a restart (a deploy): the undo of a replacement is kept in a record in its
backup folder (bot/held.py), read back when the bot starts; the old button then puts the
original back and indexes it, once. A button the bot holds no undo for (undone already, never
ours) or whose backup was removed on the server says it expired, in the asker's script, and
moves nothing. The real Application, parser and build against the loopback Bot API."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

from team_bot import ADMIN, admin_bot, answer_with_buttons, press
from test_bot_upload_reasons import CONTRACT, _upload
from test_uploads import NEW, _clause_one

from bot import texts
from bot.held import SPENT_RECORD, UNDO_RECORD
from index.build import build_from_sources

TAIWAN: dict[str, Any] = {"from": {"id": ADMIN, "is_bot": False, "first_name": "A",
                                   "language_code": "zh-TW"}}
REPLACE, UNDO = (texts.say(b, "traditional") for b in (texts.BUTTON_REPLACE, texts.BUTTON_UNDO))
EXPIRED = texts.say(texts.UPLOAD_EXPIRED, "traditional")


async def _replaced(tmp_path: Path, api: Any) -> dict[str, Any]:
    """Send a new purchase.txt in Traditional and press 替換: the reply with 撤銷替換."""
    _upload(api, "N1", "purchase.txt", NEW.encode(), 1, **TAIWAN)
    await api.wait_for("sendMessage", 1, timeout=60)
    await api.settled()
    done = await press(api, ADMIN, answer_with_buttons(api, 0), REPLACE)
    assert done["text"].endswith(texts.say(texts.UPLOAD_REPLACED, "traditional",
                                           old="purchase.txt"))
    assert (tmp_path / "src" / "purchase.txt").read_text(encoding="utf-8") == NEW
    return answer_with_buttons(api, len(api.sent()) - 1)


async def _library(tmp_path: Path) -> tuple[Path, Path]:
    """The upload folder holding purchase.txt, indexed."""
    src, idx = tmp_path / "src", tmp_path / "index"
    src.mkdir()
    (src / "purchase.txt").write_text(CONTRACT, encoding="utf-8")
    await asyncio.to_thread(build_from_sources, [src], idx, "use-multilingual", progress=False)
    return src, idx


async def test_an_undo_button_works_after_a_restart_once(tmp_path: Path) -> None:
    src, idx = await _library(tmp_path)
    async with admin_bot(src, idx, embed_model="use-multilingual") as (api, _):
        shown = await _replaced(tmp_path, api)
    [record] = src.glob(f".replaced/*/{UNDO_RECORD}")
    assert str(tmp_path) not in record.read_text("utf-8")  # no server path in it
    async with admin_bot(src, idx, embed_model="use-multilingual") as (api, _):
        undone = await press(api, ADMIN, shown, UNDO)
        again = await press(api, ADMIN, shown, UNDO)
    assert undone["text"] == texts.say(texts.UPLOAD_UNDONE, "traditional", old="purchase.txt")
    assert (src / "purchase.txt").read_text(encoding="utf-8") == CONTRACT
    assert _clause_one(tmp_path) == "乙方应于合同签订后十日内交货。"  # indexed again
    [kept] = src.glob(".replaced/*/undone-purchase.txt")  # the upload is kept beside
    assert kept.read_text(encoding="utf-8") == NEW
    assert again["text"] == EXPIRED
    assert [p.name for p in record.parent.glob(".*.json")] == [SPENT_RECORD]
    async with admin_bot(src, idx, embed_model="use-multilingual") as (api, _):
        later = await press(api, ADMIN, shown, UNDO)  # spent: another restart does not offer it
    assert later["text"] == EXPIRED
    assert (src / "purchase.txt").read_text(encoding="utf-8") == CONTRACT


async def test_an_unknown_button_or_a_removed_backup_says_it_expired(tmp_path: Path) -> None:
    src, idx = await _library(tmp_path)
    async with admin_bot(src, idx, embed_model="use-multilingual") as (api, _):
        shown = await _replaced(tmp_path, api)
        forged = await press(api, ADMIN, {**shown, "reply_markup": {"inline_keyboard": [[
            {"text": UNDO, "callback_data": "upload:undo:0badf00d"}]]}}, UNDO)
        [backup] = (src / ".replaced").iterdir()
        shutil.rmtree(backup)  # the operator cleared the backups
        removed = await press(api, ADMIN, shown, UNDO)
    assert forged["text"] == removed["text"] == EXPIRED
    assert (src / "purchase.txt").read_text(encoding="utf-8") == NEW  # nothing moved
    assert _clause_one(tmp_path) == "乙方应于合同签订后五日内交货。"
