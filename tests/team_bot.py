"""A running bot for the team-feature tests: the real Application against the loopback Bot
API, over an index built from a folder layout of JSON contracts (collections are folders)."""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot_helpers import message
from botapi_server import FakeBotApi, running
from index_corpus import FAST_ENCODER, fast_encoder, parse_json, write_corpus

from bot.app import build_application
from bot.settings import Settings
from bot.state import Builder
from index.build import BuildReport, build_index
from index.search import Searcher

ADMIN = 42


def build(sources: Sequence[Path] | None, index_dir: Path, *,
          replace: bool = False) -> BuildReport:
    """The tests' builder: JSON contracts, the tests' fast encoder."""
    return build_index(sources, index_dir, fast_encoder(), parse=parse_json, progress=False,
                       replace=replace)


def write_layout(src: Path, layout: Mapping[str, Sequence[dict]]) -> None:
    """Contracts per folder below ``src`` ("" for the root itself)."""
    for folder, contracts in layout.items():
        write_corpus(src / folder if folder else src, *contracts)


def access_file(path: Path, chats: dict[int, list[str]]) -> Path:
    """Write the access file giving each chat its collections."""
    path.write_text("[chats]\n" + "".join(
        f'"{chat}" = [{", ".join(chr(34) + n + chr(34) for n in names)}]\n'
        for chat, names in chats.items()), "utf-8")
    return path


async def ask(api: FakeBotApi, chat_id: int, text: str | None, **extra: Any) -> str:
    """Send ``text`` from ``chat_id`` and return the text of the one reply."""
    before = len(api.sent())
    api.push("message", message(chat_id, text, **extra))
    await api.settled()
    sent = await api.wait_for("sendMessage", before + 1)
    return str(sent[before]["text"])


def callback(chat_id: int, sent: dict[str, Any], data: str, *, user_id: int | None = None,
             chat_type: str | None = None, query_id: str = "q") -> dict[str, Any]:
    """A callback query for a button of message ``sent`` (as the server recorded it): its
    ``message`` is that message as Telegram gives it, in its forum topic if it was sent into
    one (``chat_type`` overrides the chat's type)."""
    uid = user_id if user_id is not None else chat_id
    chat = dict(sent.get("chat") or {"id": chat_id})
    chat["type"] = chat_type or chat.get("type") or ("private" if chat_id > 0 else "supergroup")
    message = {"message_id": sent["message_id"], "date": int(time.time()),
               "chat": {**chat, "id": chat_id}, "text": sent.get("text", "")}
    for key in ("from", "message_thread_id", "is_topic_message", "reply_markup"):
        if sent.get(key):
            message[key] = sent[key]
    return {"id": query_id, "from": {"id": uid, "is_bot": False, "first_name": "U"},
            "chat_instance": "ci", "data": data, "message": message}


def sent_message(api: FakeBotApi, params: dict[str, Any]) -> dict[str, Any]:
    """The message the server made of one sendMessage call (its id and buttons)."""
    for (chat, _), made in api.messages.items():
        if chat == int(params["chat_id"]) and made["text"] == params["text"]:
            return made
    raise AssertionError("not sent")


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Every inline button of a sent message, row by row."""
    return [b for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row]


def button(message: dict[str, Any], text: str) -> dict[str, Any]:
    """The inline button of a sent message that reads ``text`` (更多, 👍 …)."""
    return next(b for b in buttons(message) if b["text"] == text)


def answer_with_buttons(api: FakeBotApi, since: int) -> dict[str, Any]:
    """A copy of the first message sent after the first ``since`` calls that has buttons, as
    the server made it (its id and keyboard; a copy, so later edits leave it as shown)."""
    return copy.deepcopy(next(sent_message(api, s) for s in api.sent()[since:]
                              if s.get("reply_markup")))


async def press(api: FakeBotApi, chat_id: int, shown: dict[str, Any], text: str) -> dict[str, Any]:
    """Press the button ``text`` of the message ``shown`` in ``chat_id``; the next message the
    bot sends."""
    count = len(api.sent())
    api.push("callback_query", callback(chat_id, shown, button(shown, text)["callback_data"]))
    return (await api.wait_for("sendMessage", count + 1))[count]


@asynccontextmanager
async def admin_bot(src: Path, idx: Path, *, embed_model: str,
                    build: Builder | None = None) -> AsyncIterator[tuple[FakeBotApi, Any]]:
    """The real Application of one admin (``ADMIN``, the only chat allowed) over the loopback
    Bot API: an index ``idx`` (or none yet), uploads saved in ``src``, the production build
    unless ``build`` is given; the running server (stopped on leaving) and the Application."""
    server = FakeBotApi()
    await server.start()
    settings = Settings(index_dir=idx, sources_dir=src, telegram_token="123456:TEST-token",
                        telegram_base_url=server.base_url,
                        telegram_base_file_url=server.base_file_url,
                        allowed_chats=frozenset({ADMIN}), admins=frozenset({ADMIN}),
                        embed_model=embed_model)
    try:
        async with running(build_application(settings, build=build), api=server) as app:
            yield server, app
    finally:
        await server.stop()


@asynccontextmanager
async def team_bot(tmp_path: Path, layout: Mapping[str, Sequence[dict]], *,
                   webhook: bool = False, rate_limit: bool = True,
                   **settings: Any) -> AsyncIterator[tuple[FakeBotApi, Any]]:
    """A real Application over ``layout``; polling, or a webhook server when ``webhook``;
    without Telegram's flood limits when not ``rate_limit`` (for a test that sends more than a
    group's 20 messages a minute: past them each reply waits 3 s)."""
    src, idx = tmp_path / "src", tmp_path / "index"
    write_layout(src, layout)
    await asyncio.to_thread(build, [src], idx)
    api = FakeBotApi()
    await api.start()
    config = Settings(index_dir=idx, sources_dir=src, telegram_token="123456:TEST-token",
                      telegram_base_url=api.base_url, telegram_base_file_url=api.base_file_url,
                      admins=frozenset({ADMIN}), embed_model=FAST_ENCODER)
    config = dataclasses.replace(config, **settings)
    searcher = await asyncio.to_thread(Searcher.open, idx, config.embed_model)
    app = build_application(config, searcher=searcher, build=build, rate_limit=rate_limit)
    options = None
    if webhook:
        from bot.webhook import webhook_options

        options = webhook_options(config)
    try:
        async with running(app, webhook=options, api=api):
            yield api, app
    finally:
        await api.stop()
