"""The bot driven through a third-party Bot API emulator: telegram-test-api (npm, pinned in
tests/emulator/package.json; `npm ci` there installs it, .ci/run does). It knows no
sendChatAction or setMyCommands (500), answers edits with null, sends dates in milliseconds and
callback queries without chat_instance: the bot must answer anyway (bot/compat.py)."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from botapi_server import running
from index_corpus import FAST_ENCODER, LEASE, MAINT, fast_encoder, parse_json, write_corpus

from bot.app import build_application
from bot.settings import Settings
from index import Searcher
from index.build import build_index

HERE = Path(__file__).resolve().parent / "emulator"
TOKEN = "123456:EMULATED"
USER = {"id": 1, "first_name": "T", "username": "t", "is_bot": False}
CHAT = {"id": 1, "first_name": "T", "type": "private"}

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (HERE / "node_modules" / "telegram-test-api").is_dir(),
    reason="telegram-test-api not installed: run `npm ci` in tests/emulator")


class Client:
    """The emulator's client side: a user sending messages and pressing buttons."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = httpx.AsyncClient()

    async def say(self, text: str) -> list[dict[str, Any]]:
        payload: dict[str, Any] = {"botToken": TOKEN, "from": USER, "chat": CHAT,
                                   "date": int(time.time()), "text": text}
        route = "sendMessage"
        if text.startswith("/"):
            route = "sendCommand"
            payload["entities"] = [{"offset": 0, "length": len(text.split()[0]),
                                    "type": "bot_command"}]
        await self.http.post(f"{self.base}/{route}", json=payload)
        return await self.replies()

    async def press(self, sent: dict[str, Any], data: str, *,
                    timeout: float = 15.0) -> list[dict[str, Any]]:
        message = {"message_id": sent["messageId"], "date": int(time.time()), "chat": CHAT,
                   "text": sent["message"]["text"]}
        await self.http.post(f"{self.base}/sendCallback", json={
            "botToken": TOKEN, "from": USER, "message": message, "data": data})
        return await self.replies(timeout)

    async def replies(self, timeout: float = 15.0) -> list[dict[str, Any]]:
        """The bot's messages to the chat, once they stop coming."""
        found: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        quiet = None
        while time.monotonic() < deadline:
            got = (await self.http.post(f"{self.base}/getUpdates",
                                        json={"token": TOKEN, "chatId": 1})).json()["result"]
            found += got
            if got:
                quiet = time.monotonic()
            elif found and quiet is not None and time.monotonic() - quiet > 0.7:
                return found
            await asyncio.sleep(0.05)
        return found


@asynccontextmanager
async def emulated_bot() -> AsyncIterator[Client]:
    proc = subprocess.Popen(["node", str(HERE / "server.js")], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline().split()[1])
        base = f"http://127.0.0.1:{port}"
        with tempfile.TemporaryDirectory() as tmp:
            src, idx = Path(tmp) / "src", Path(tmp) / "idx"
            write_corpus(src, MAINT, LEASE)
            await asyncio.to_thread(build_index, [src], idx, fast_encoder(), parse=parse_json,
                                    progress=False)
            settings = Settings(index_dir=idx, sources_dir=src, telegram_token=TOKEN,
                                telegram_base_url=f"{base}/bot",
                                telegram_base_file_url=f"{base}/file/bot",
                                allowed_chats=frozenset({1}), embed_model=FAST_ENCODER)
            searcher = await asyncio.to_thread(Searcher.open, idx, settings.embed_model)
            app = build_application(settings, searcher=searcher)
            async with running(app, poll_interval=0.05, timeout=0):
                yield Client(base)
    finally:
        if proc.stdin:
            proc.stdin.close()
        proc.wait(timeout=10)


def text(replies: list[dict[str, Any]]) -> str:
    return "\n".join(r["message"].get("text", "") for r in replies)


async def test_the_bot_answers_through_a_third_party_emulator() -> None:
    async with emulated_bot() as client:
        answer = await client.say("乙方响应时间是多少")  # sendChatAction: 500 there
        assert "› 2.1</b>" in text(answer) and "出错" not in text(answer)
        last = answer[-1]
        keyboard = last["message"]["reply_markup"]["inline_keyboard"]
        more = next(b for row in keyboard for b in row if b["text"] == "更多")
        first = await client.press(last, more["callback_data"])
        again = await client.press(last, more["callback_data"], timeout=3)
        assert "<blockquote>" in text(first) and "出错" not in text(first)
        assert again == []  # pressed twice: told so in a toast, not in the chat
        heading = await client.say("/clause 4.2")
        assert "› 4.2 保密期限</b>" in text(heading)
        assert "4.2.1 本章义务在合同终止后三年内继续有效。" in text(heading)
        traditional = await client.say("押金是多少錢")
        assert "《房屋租賃合同》" in text(traditional)
        listing = await client.say("/contracts")
        assert "《房屋租賃合同》" in text(listing) and "《軟件維護服務合同》" in text(listing)
        compared = await client.say("/compare 押金")
        assert "未約定" in text(compared) and "第二條" in text(compared)
