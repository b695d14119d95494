"""A loopback Telegram Bot API server for end-to-end bot tests (plain asyncio HTTP/1.1), and
``running``: a bot Application run against it inside the test's event loop.

It answers the methods the bot uses, serves queued updates to getUpdates (long poll with a short
wait) and files for download, and records every call so tests can assert on what was sent.
It answers errors as Telegram does: editing a message (its text or buttons) to what it already
is is a 400 "message is not modified", editing a message it never sent (or deleted) a 400
"message to edit not found", deleting one a 400 "message to delete not found", getFile of a
file over 20 MB a 400 "file is too big", anything sent to a group after it became a supergroup
(a pushed ``migrate_to_chat_id``) a 400 "group chat was upgraded to a supergroup chat" with the
supergroup's id, sending (or editing to) a text over 4096 characters a 400 "message is too long"
(counted as Telegram does: after HTML parsing, in UTF-16 code units), anything sent to a chat
the bot was removed from (``kick``) a 403 "bot was kicked from the supergroup chat"; ``fail``
makes a method answer with a given error.
Forum topics are as Telegram has them (tests/botapi_topics.py): a message sent into a topic
comes back in it, a topic the forum lacks is a 400 "message thread not found"; createForumTopic
(or ``create_topic``, a member's) sends the service message that created the topic, which the
messages pushed into it reply to.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html import unescape
from typing import Any
from urllib.parse import parse_qsl, unquote

from botapi_topics import Topics, forum_topic

BOT_ID = 999
BOT_USERNAME = "contract_bot"
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Contracts", "username": BOT_USERNAME}
MIGRATED = (400, "Bad Request: group chat was upgraded to a supergroup chat")
MAX_DOWNLOAD = 20 * 1024 * 1024  # getFile answers 400 "file is too big" past it, as Telegram does
MAX_TEXT = 4096  # a message's text after entity parsing, in UTF-16 code units, as Telegram counts
TOO_LONG = (400, "Bad Request: message is too long")
_TAG = re.compile(r"<[^>]*>")


class FakeBotApi:
    """Serve on 127.0.0.1:port; ``base_url``/``base_file_url`` go to the Application builder.

    With ``token`` set, any other token is rejected as Telegram does: 401 Unauthorized."""

    def __init__(self, *, token: str | None = None) -> None:
        self.token = token
        self.rejected = 0  # requests refused for their token
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.files: dict[str, bytes] = {}
        self._updates: list[dict[str, Any]] = []
        self._next_update = 1
        self._next_message = 1000
        self._new = asyncio.Event()
        self._server: asyncio.base_events.Server | None = None
        self.port = 0
        self._writers: set[asyncio.StreamWriter] = set()
        self.rejected_token: str | None = None  # answered 401 Unauthorized, as Telegram does
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}  # (chat, id) -> sent message
        self.fail: dict[str, tuple[int, str]] = {}  # method -> (error code, description)
        self.slow: dict[str, float] = {}  # method -> seconds before it is answered
        self.slow_arrivals: list[str] = []  # the slow methods called, as they arrive
        self.webhook: dict[str, Any] = {}  # the last setWebhook call's parameters
        self.received: set[int] = set()  # ids of the updates the watched bot was given
        self.handled: set[int] = set()  # ids of those its handlers are done with
        self._watching = False
        self.forum = Topics()  # the chats and topics learnt from the updates pushed
        self.migrated: dict[int, int] = {}  # group id -> its supergroup's (migrate_to_chat_id)
        self.kicked: set[int] = set()  # chats the bot was removed from (``kick``)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            for writer in list(self._writers):
                writer.close()
            await self._server.wait_closed()

    # ------------------------------------------------------------ test side

    def push(self, kind: str, payload: dict[str, Any]) -> None:
        """Queue one update (kind "message", "edited_message" or "callback_query"); a message
        in a topic whose creation was seen replies to it, as in Telegram (``Topics.threaded``)."""
        if kind in ("message", "edited_message"):
            payload = self.forum.threaded(payload)
        if kind == "message" and payload.get("migrate_to_chat_id") is not None:
            self.migrated[int(payload["chat"]["id"])] = int(payload["migrate_to_chat_id"])
        self.forum.learn(payload.get("message", payload))
        self._updates.append({"update_id": self._next_update, kind: payload})
        self._next_update += 1
        self._new.set()

    def create_topic(self, chat_id: int, name: str, *, user_id: int = 7,
                     icon_color: int | None = None) -> int:
        """A member (``user_id``) creates the topic ``name`` in the forum ``chat_id``: the
        service message of its creation is pushed; the topic's id (its message_thread_id)."""
        creator = {"id": user_id, "is_bot": False, "first_name": "U"}
        service = self.forum.create(chat_id, name, message_id=self._new_message_id(),
                                    date=int(time.time()), creator=creator,
                                    icon_color=icon_color)
        self.push("message", service)
        return int(service["message_thread_id"])

    def kick(self, chat_id: int) -> None:
        """A member removes the bot from the group ``chat_id``: whatever it sends there is
        refused (403) until it is added again (``kicked.discard``)."""
        self.kicked.add(chat_id)

    def _new_message_id(self) -> int:
        """The id of the next message Telegram numbers (sent by the bot, or a service one)."""
        self._next_message += 1
        return self._next_message

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [p for m, p in self.calls if m == method]

    def watch(self, app: Any) -> None:
        """Follow ``app`` (a python-telegram-bot Application) from each update it is given
        (polled or posted to its webhook: both go through its update queue) to the end of its
        handling (process_update returned: the handlers and what they await, an album's other
        photos, a rebuild), for ``settled``."""
        queue, process = app.update_queue, app.process_update

        async def put(update: Any) -> None:
            if hasattr(update, "update_id"):  # not the application's stop signal
                self.received.add(update.update_id)
            await type(queue).put(queue, update)

        async def process_update(update: Any) -> None:
            try:
                await process(update)
            finally:
                if hasattr(update, "update_id"):
                    self.handled.add(update.update_id)

        queue.put, app.process_update = put, process_update
        self._watching = True

    async def settled(self, timeout: float = 60.0) -> None:
        """Wait until the watched bot is done with every update it was given: each update
        pushed was fetched, and each update fetched (or posted to its webhook) was handled to
        the end. The bot handles updates concurrently, so the answer to a later update proves
        nothing about an earlier one; a fixed wait for a message NOT to come passes wrongly on
        a slow machine. After this, every message the bot would send for them has been sent
        (a "typing…" action runs beside the answer and may still be on its way)."""
        assert self._watching, "settled() needs running(app, api=...) or api.watch(app)"
        deadline = time.monotonic() + timeout
        while not (set(range(1, self._next_update)) <= self.received <= self.handled):
            if time.monotonic() > deadline:
                raise AssertionError(f"updates not handled: received {sorted(self.received)}, "
                                     f"handled {sorted(self.handled)}")
            await asyncio.sleep(0.01)

    async def wait_for(self, method: str, count: int, timeout: float = 10.0) -> list[dict]:
        """Wait until ``count`` calls of ``method`` were recorded; return them."""
        deadline = time.monotonic() + timeout
        while len(self.sent(method)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{method}: {len(self.sent(method))} calls, wanted {count}")
            await asyncio.sleep(0.01)
        return self.sent(method)

    # ------------------------------------------------------------ HTTP side

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                method, target, _ = line.decode().split(" ", 2)
                headers = {}
                while (h := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    k, _, v = h.decode().partition(":")
                    headers[k.strip().lower()] = v.strip()
                body = await reader.readexactly(int(headers.get("content-length", 0)))
                status, ctype, data = await self._handle(method, target, headers, body)
                writer.write(
                    f"HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\n"
                    f"Content-Length: {len(data)}\r\n\r\n".encode() + data
                )
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    async def _handle(self, verb: str, target: str, headers: dict[str, str],
                      body: bytes) -> tuple[int, str, bytes]:
        path = unquote(target.split("?", 1)[0])
        if self.token is not None and not self._token_ok(path):
            self.rejected += 1
            return 401, "application/json", json.dumps(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}).encode()
        if path.startswith("/file/bot"):
            name = path.split("/", 3)[3]
            if name in self.files:
                return 200, "application/octet-stream", self.files[name]
            return 404, "text/plain", b"no file"
        api = path.rsplit("/", 1)[1]
        if self.rejected_token and self.rejected_token in path:
            return 401, "application/json", json.dumps(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}).encode()
        params = self._params(headers.get("content-type", ""), body)
        if api in self.slow:  # a busy Telegram: the call is recorded when it is answered
            self.slow_arrivals.append(api)
            await asyncio.sleep(self.slow[api])
        self.calls.append((api, params))
        failure = self.fail.get(api) or self._refusal(api, params)
        if failure is not None:
            code, description = failure
            answer: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
            if failure == MIGRATED and _chat(params) in self.migrated:
                answer["parameters"] = {"migrate_to_chat_id": self.migrated[_chat(params)]}
            return code, "application/json", json.dumps(answer).encode()
        result = await self._result(api, params)
        return 200, "application/json", json.dumps({"ok": True, "result": result}).encode()

    def _token_ok(self, path: str) -> bool:
        """Whether the request's path carries the accepted token (/bot<token>/method or
        /file/bot<token>/path)."""
        rest = path.removeprefix("/file")
        return rest.startswith(f"/bot{self.token}/")

    def _refusal(self, api: str, p: dict[str, Any]) -> tuple[int, str] | None:
        """The 400 Telegram answers an edit that cannot or need not change the message, the
        deletion of a message that is gone, or getFile of a file over the 20 MB bots may
        download; anything sent to a group that became a supergroup is refused with the
        supergroup's id, anything sent to a chat the bot was removed from, and a text too long
        for a message."""
        if _chat(p) in self.migrated:
            return MIGRATED
        if _chat(p) in self.kicked:
            kind = "supergroup" if self.forum.chat(_chat(p)).get("type") == "supergroup" \
                else "group"
            return 403, f"Forbidden: bot was kicked from the {kind} chat"
        if api in ("sendMessage", "editMessageText") and text_length(p) > MAX_TEXT:
            return TOO_LONG
        if api == "sendMessage":
            return self.forum.placing(p)[1]
        if api == "createForumTopic":
            return self.forum.refusal(p)
        if api == "getFile":
            big = len(self.files.get(f"documents/{p.get('file_id')}", b"")) > MAX_DOWNLOAD
            return (400, "Bad Request: file is too big") if big else None
        if api not in ("editMessageReplyMarkup", "editMessageText", "deleteMessage"):
            return None
        sent = self.messages.get((int(p.get("chat_id", 0)), int(p.get("message_id", 0))))
        if sent is None:
            what = "delete" if api == "deleteMessage" else "edit"
            return 400, f"Bad Request: message to {what} not found"
        if api != "deleteMessage" and p.get("text", sent["text"]) == sent["text"] and \
                _markup(p.get("reply_markup")) == _markup(sent.get("reply_markup")):
            return 400, ("Bad Request: message is not modified: specified new message content "
                         "and reply markup are exactly the same as a current content and reply "
                         "markup of the message")
        return None

    @staticmethod
    def _params(ctype: str, body: bytes) -> dict[str, Any]:
        if not body:
            return {}
        if "json" in ctype:
            return json.loads(body)
        out: dict[str, Any] = {}
        for k, v in parse_qsl(body.decode(), keep_blank_values=True):
            try:
                out[k] = json.loads(v)
            except ValueError:
                out[k] = v
        return out

    async def _result(self, api: str, p: dict[str, Any]) -> Any:
        if api == "getMe":
            return {**BOT_USER, "can_join_groups": True}
        if api == "getUpdates":
            offset = int(p.get("offset", 0) or 0)
            if offset > 0:  # Telegram forgets the updates an offset confirms
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            pending = [u for u in self._updates if u["update_id"] >= offset]
            if not pending:
                self._new.clear()
                try:
                    await asyncio.wait_for(self._new.wait(), timeout=0.2)
                except TimeoutError:
                    pass
                pending = [u for u in self._updates if u["update_id"] >= offset]
            return pending
        if api == "sendMessage":
            message_id = self._new_message_id()
            chat_id = int(p["chat_id"])
            sent = {"message_id": message_id, "date": int(time.time()),
                    "chat": self.forum.chat(chat_id),
                    "from": dict(BOT_USER),
                    "text": p.get("text", ""), **self.forum.placing(p)[0]}
            if _markup(p.get("reply_markup")):
                sent["reply_markup"] = p["reply_markup"]
            self.messages[(chat_id, message_id)] = sent
            self.forum.learn(sent)
            return sent
        if api == "createForumTopic":  # Telegram sends the bot its service message too
            service = self.forum.create(
                int(p["chat_id"]), str(p["name"]), message_id=self._new_message_id(),
                date=int(time.time()), creator=dict(BOT_USER), icon_color=p.get("icon_color"),
                icon_custom_emoji_id=p.get("icon_custom_emoji_id"))
            self.push("message", service)
            return forum_topic(service)
        if api == "deleteMessage":
            del self.messages[(int(p["chat_id"]), int(p["message_id"]))]
            return True
        if api in ("editMessageReplyMarkup", "editMessageText"):
            sent = self.messages[(int(p["chat_id"]), int(p["message_id"]))]
            sent["text"] = p.get("text", sent["text"])
            if _markup(p.get("reply_markup")):
                sent["reply_markup"] = p["reply_markup"]
            else:
                sent.pop("reply_markup", None)
            return sent
        if api == "setWebhook":
            self.webhook = dict(p)
            return True
        if api == "getWebhookInfo":
            return {"url": self.webhook.get("url", ""), "has_custom_certificate": False,
                    "pending_update_count": 0}
        if api == "getFile":
            fid = str(p["file_id"])
            return {"file_id": fid, "file_unique_id": fid,
                    "file_size": len(self.files.get(f"documents/{fid}", b"")),
                    "file_path": f"documents/{fid}"}
        return True


def _chat(p: dict[str, Any]) -> int:
    """The chat a call's parameters name (0: none)."""
    try:
        return int(p.get("chat_id") or 0)
    except ValueError:  # an @username
        return 0


def text_length(p: dict[str, Any]) -> int:
    """The length Telegram holds a message's text to: in UTF-16 code units, of the text left
    after parsing its HTML (tags dropped, entities such as &lt; one character each)."""
    text = str(p.get("text", ""))
    if str(p.get("parse_mode", "")).upper() == "HTML":
        text = unescape(_TAG.sub("", text))
    return len(text.encode("utf-16-le")) // 2


def _markup(markup: Any) -> list[Any]:
    """The inline keyboard of a reply_markup parameter (empty when there is none)."""
    if isinstance(markup, str):
        markup = json.loads(markup) if markup else None
    return list((markup or {}).get("inline_keyboard") or [])


@asynccontextmanager
async def running(app: Any, *, poll_interval: float = 0.0, timeout: int = 1,
                  webhook: dict[str, Any] | None = None,
                  api: FakeBotApi | None = None) -> AsyncIterator[Any]:
    """``app`` (a python-telegram-bot Application) started as ``run_polling`` starts it,
    post_init included, or as ``run_webhook`` with the ``webhook`` options, inside the caller's
    event loop; stopped and shut down on leaving. ``api`` watches it (``FakeBotApi.settled``)."""
    if api is not None:
        api.watch(app)
    await app.initialize()
    assert app.post_init is not None and app.updater is not None
    await app.post_init(app)
    await app.start()
    if webhook is not None:
        await app.updater.start_webhook(**webhook)
    else:
        await app.updater.start_polling(poll_interval=poll_interval, timeout=timeout)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
