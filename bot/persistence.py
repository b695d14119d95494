"""What the bot remembers across restarts, in one JSON file beside the index (``chats.json``,
no pickle): each chat's /use scopes (per forum topic), the messages that answered its recent
questions, the clauses its newest answers quoted first (by message id and, the last one, by
topic: contract keys and clause numbers, which a follow-up resolves against the index in use
then), the pairs of versions of one contract it was told of (as short digests: no server
path), the script each forum topic (and the chat outside topics) was last asked in, the
contracts it read at its last answer (``collection/stem`` and title: what its next answer
says has left the index), and each user's script. 更多 pages and 👍/👎 keys are not kept:
they hold search results and questions, and after a restart their buttons say they have
expired."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
from pathlib import Path
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from index import Script, private_dir, write_atomic

from .state import (
    MAX_ANSWERS,
    MAX_KNOWN,
    MAX_QUOTED_TOPICS,
    MAX_TOLD_PAIRS,
    PAIR_KEY_BYTES,
    BotState,
    ChatData,
    Pointed,
    Quoted,
    UserData,
)

log = logging.getLogger(__name__)
STATE_FILE = "chats.json"
FORMAT = 1
SAVE_EVERY = 30.0  # seconds between saves; a stop (SIGTERM) saves at once
_SCRIPTS: tuple[Script, ...] = ("simplified", "traditional")
KEPT_QUOTED = 50  # answer messages per chat whose clause a reply to them finds after a restart
KEPT_TOPICS = 20  # topics per chat whose last answer's clause a bare follow-up finds then
_PAIR_KEY = re.compile(f"[0-9a-f]{{{2 * PAIR_KEY_BYTES}}}")  # state.pair_key's digests


def _pointed_record(pointed: Pointed) -> list[list[Any]]:
    return [[q.contract, q.clause, q.chapter, q.several] for q in pointed]


def _pointed_from(record: Any) -> Pointed:
    """The clauses of a record; none when it does not have the expected shape."""
    if not isinstance(record, list) or not all(
            isinstance(q, list) and len(q) == 4 and isinstance(q[0], str)
            and isinstance(q[1], str) and (q[2] is None or isinstance(q[2], str))
            and isinstance(q[3], bool) for q in record):
        return ()
    return tuple(Quoted(*q) for q in record)


def chat_record(data: ChatData) -> dict[str, Any]:
    """The part of a chat's state that is kept, as JSON (empty when there is nothing)."""
    record: dict[str, Any] = {}
    if data.scopes:
        record["scopes"] = {"" if t is None else str(t): key for t, key in data.scopes.items()}
    if data.answers:
        record["answers"] = [[q, list(ms)] for q, ms in data.answers.items()]
    if data.quoted:
        record["quoted"] = [[m, _pointed_record(p)]
                            for m, p in list(data.quoted.items())[-KEPT_QUOTED:]]
    if data.last_quoted:
        record["last"] = [[t, _pointed_record(p)]
                          for t, p in list(data.last_quoted.items())[-KEPT_TOPICS:]]
    if data.told_pairs:  # digests of the pairs' paths (state.pair_key), never a path
        record["told"] = list(data.told_pairs[-MAX_TOLD_PAIRS:])
    if data.scripts:  # oldest first, as ChatData.spoken reads them
        record["scripts"] = [[t, s] for t, s in list(data.scripts.items())[-MAX_QUOTED_TOPICS:]]
    if data.known:
        record["known"] = [[name, title] for name, title in list(data.known.items())[:MAX_KNOWN]]
    return record


def chat_from(record: dict[str, Any]) -> ChatData:
    """A chat's state from its record; what does not have the expected shape is left out."""
    data = ChatData()
    for topic, key in dict(record.get("scopes") or {}).items():
        if isinstance(key, str) and (topic == "" or str(topic).lstrip("-").isdigit()):
            data.set_scope(None if topic == "" else int(topic), key)
    for item in list(record.get("answers") or [])[-MAX_ANSWERS:]:
        if (isinstance(item, list) and len(item) == 2 and isinstance(item[0], int)
                and isinstance(item[1], list) and all(isinstance(m, int) for m in item[1])):
            data.keep_answer(item[0], tuple(item[1]))
    for message, pointed in _pairs(record.get("quoted"), KEPT_QUOTED):
        if message is not None:
            data.quoted[message] = pointed
    for topic, pointed in _pairs(record.get("last"), KEPT_TOPICS):
        data.last_quoted[topic] = pointed
    told = record.get("told")
    data.told_pairs = tuple(dict.fromkeys(
        k for k in (told if isinstance(told, list) else [])[-MAX_TOLD_PAIRS:]
        if isinstance(k, str) and _PAIR_KEY.fullmatch(k)))
    for topic, script in _topic_scripts(record.get("scripts")):
        data.heard(topic, script)
    known = record.get("known")
    data.known = dict((k[0], k[1]) for k in (known if isinstance(known, list) else [])[:MAX_KNOWN]
                      if isinstance(k, list) and len(k) == 2
                      and isinstance(k[0], str) and isinstance(k[1], str))
    return data


def _topic_scripts(items: Any) -> list[tuple[int | None, Script]]:
    """The newest ``[topic, script]`` pairs of a record that have the expected shape."""
    return [(item[0], item[1]) for item in list(items if isinstance(items, list) else [])
            [-MAX_QUOTED_TOPICS:]
            if isinstance(item, list) and len(item) == 2
            and (item[0] is None or type(item[0]) is int) and item[1] in _SCRIPTS]


def _pairs(items: Any, kept: int) -> list[tuple[int | None, Pointed]]:
    """The newest ``kept`` of ``[id, clauses]`` pairs (a topic's id may be None) that have
    the expected shape."""
    pairs: list[tuple[int | None, Pointed]] = []
    for item in list(items if isinstance(items, list) else [])[-kept:]:
        if (isinstance(item, list) and len(item) == 2
                and (item[0] is None or type(item[0]) is int)
                and (pointed := _pointed_from(item[1]))):
            pairs.append((item[0], pointed))
    return pairs


def user_record(data: UserData) -> dict[str, Any]:
    """The part of a user's state that is kept, as JSON (empty when there is nothing)."""
    if data.script is None:
        return {}
    return {"script": data.script, "named": True} if data.named else {"script": data.script}


def user_from(record: dict[str, Any]) -> UserData:
    """A user's state from its record."""
    script = next((s for s in _SCRIPTS if s == record.get("script")), None)
    return UserData(script=script, named=script is not None and record.get("named") is True)


class JsonPersistence(BasePersistence[UserData, ChatData, BotState]):
    """python-telegram-bot's persistence for chat and user data, in one JSON file written
    whole (a temporary file renamed over it), at most once per save."""

    def __init__(self, path: Path, *, update_interval: float = SAVE_EVERY) -> None:
        super().__init__(store_data=PersistenceInput(bot_data=False, callback_data=False),
                         update_interval=update_interval)
        self.path = Path(path)
        self._chats: dict[int, dict[str, Any]] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._loaded = False
        self._dirty = False
        self._saving: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    def _load(self) -> None:
        """Read the file once; one that cannot be read is set aside, and the bot starts afresh."""
        if self._loaded:
            return
        self._loaded = True
        try:
            raw = json.loads(self.path.read_text("utf-8"))
            if raw.get("format") != FORMAT:
                raise ValueError(f"format {raw.get('format')!r}, not {FORMAT}")
            self._chats = {int(k): dict(v) for k, v in dict(raw.get("chats") or {}).items()}
            self._users = {int(k): dict(v) for k, v in dict(raw.get("users") or {}).items()}
        except FileNotFoundError:
            return
        except (OSError, ValueError, TypeError, AttributeError) as err:
            aside = self.path.with_name(self.path.name + ".unreadable")
            log.warning("cannot read %s (%s): set aside as %s; chats start without /use scopes",
                        self.path, err, aside.name)
            self._chats, self._users = {}, {}
            if self.path.exists():
                os.replace(self.path, aside)

    async def get_chat_data(self) -> dict[int, ChatData]:
        """Every chat's kept state."""
        self._load()
        return {chat: chat_from(record) for chat, record in self._chats.items()}

    async def get_user_data(self) -> dict[int, UserData]:
        """Every user's kept state."""
        self._load()
        return {user: user_from(record) for user, record in self._users.items()}

    async def update_chat_data(self, chat_id: int, data: ChatData) -> None:
        """Keep ``chat_id``'s state (saved with the others of this round)."""
        self._put(self._chats, chat_id, chat_record(data))

    async def update_user_data(self, user_id: int, data: UserData) -> None:
        """Keep ``user_id``'s state (saved with the others of this round)."""
        self._put(self._users, user_id, user_record(data))

    async def drop_chat_data(self, chat_id: int) -> None:
        """Forget ``chat_id``."""
        self._put(self._chats, chat_id, {})

    async def drop_user_data(self, user_id: int) -> None:
        """Forget ``user_id``."""
        self._put(self._users, user_id, {})

    def _put(self, table: dict[int, dict[str, Any]], key: int, record: dict[str, Any]) -> None:
        """Change one record; a save follows once the round of updates is done."""
        if table.get(key, {}) == record:
            return
        if record:
            table[key] = record
        else:
            table.pop(key, None)
        self._dirty = True
        if self._saving is None or self._saving.done():
            self._saving = asyncio.get_running_loop().create_task(self._save())

    async def _save(self) -> None:
        """Write the file if anything changed (the round's other updates run first)."""
        await asyncio.sleep(0)
        async with self._lock:
            if not self._dirty:
                return
            self._dirty = False
            text = json.dumps({"format": FORMAT,
                               "chats": {str(k): v for k, v in self._chats.items()},
                               "users": {str(k): v for k, v in self._users.items()}},
                              ensure_ascii=False, separators=(",", ":"))
            try:
                await asyncio.to_thread(_save_text, self.path, text)
            except OSError as err:
                self._dirty = True  # tried again with the next change or at the stop
                log.error("cannot save %s: %s", self.path, err)

    async def flush(self) -> None:
        """Save now (the bot is stopping)."""
        if self._saving is not None:
            await self._saving
        await self._save()

    async def refresh_chat_data(self, chat_id: int, chat_data: ChatData) -> None:
        """Nothing: the running bot's state is the newest."""

    async def refresh_user_data(self, user_id: int, user_data: UserData) -> None:
        """Nothing: the running bot's state is the newest."""

    async def refresh_bot_data(self, bot_data: BotState) -> None:
        """Nothing: bot data is not kept."""

    async def get_bot_data(self) -> BotState:
        """Not kept (store_data.bot_data is off): never asked for."""
        return BotState()

    async def update_bot_data(self, data: BotState) -> None:
        """Not kept."""

    async def get_callback_data(self) -> Any:
        """Not kept."""
        return None

    async def update_callback_data(self, data: Any) -> None:
        """Not kept."""

    async def get_conversations(self, name: str) -> dict[Any, Any]:
        """The bot has no conversations."""
        return {}

    async def update_conversation(self, name: str, key: Any, new_state: object | None) -> None:
        """The bot has no conversations."""


def _save_text(path: Path, text: str) -> None:
    """Write the file whole (the index folder made first if a test gave none)."""
    private_dir(path.parent)
    write_atomic(path, lambda f: f.write(text.encode("utf-8")))
