"""What a chat set up outlives a restart of the bot (a deploy, a reboot): /use scopes per forum
topic, the answers an edited question replaces, the script a user asks in. Kept in
``chats.json`` beside the index, as JSON; 更多 pages are not kept, and an old 更多 button says
so instead of showing another question's hits. The real Application, stopped and started again
against the same loopback Bot API."""

from __future__ import annotations

import asyncio
import json
import stat
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot_helpers import message
from botapi_server import FakeBotApi, running
from index_corpus import FAST_ENCODER, write_corpus
from team_bot import build, button, buttons, callback, sent_message
from test_bot_e2e import FORUM, MAINT, PRIVATE, UPGRADE
from test_bot_edits import edited
from test_bot_topics import in_topic

from bot.app import build_application
from bot.persistence import STATE_FILE, chat_from, chat_record, user_from, user_record
from bot.settings import Settings
from bot.state import (
    MAX_ANSWERS,
    MAX_KNOWN,
    MAX_QUOTED_TOPICS,
    MAX_TOLD_PAIRS,
    ChatData,
    UserData,
    pair_key,
)
from index import Revision, has_index
from index.search import Searcher


@asynccontextmanager
async def bot_session(api: FakeBotApi, tmp_path: Path, *contracts: dict) -> AsyncIterator[None]:
    """One run of the bot over the index in ``tmp_path``, built on the first run from
    ``contracts`` (UPGRADE and MAINT by default)."""
    src, idx = tmp_path / "src", tmp_path / "index"
    if not has_index(idx):
        write_corpus(src, *(contracts or (UPGRADE, MAINT)))
        await asyncio.to_thread(build, [src], idx)
    settings = Settings(index_dir=idx, sources_dir=src, telegram_token="123456:TEST-token",
                        telegram_base_url=api.base_url,
                        telegram_base_file_url=api.base_file_url,
                        allowed_chats=frozenset({PRIVATE, FORUM}), embed_model=FAST_ENCODER)
    searcher = await asyncio.to_thread(Searcher.open, idx, FAST_ENCODER)
    async with running(build_application(settings, searcher=searcher, build=build), api=api):
        yield


async def replies_to(api: FakeBotApi, chat: int, message_id: int) -> list[dict[str, Any]]:
    """Every message the bot sent in reply to ``message_id`` of ``chat``, once it has
    handled every update (a long answer takes several messages)."""
    def found() -> list[dict[str, Any]]:
        return [s for s in api.sent() if int(s["chat_id"]) == chat
                and (s.get("reply_parameters") or {}).get("message_id") == message_id]
    await api.settled()
    if not found():
        raise AssertionError(f"no reply to {message_id}")
    return found()


async def test_scopes_answers_and_scripts_outlive_a_restart(tmp_path: Path) -> None:
    api = FakeBotApi()
    await api.start()
    try:
        async with bot_session(api, tmp_path):
            api.push("message", in_topic("/use maint", 1, 77))
            await replies_to(api, FORUM, 1)
            api.push("message", message(PRIVATE, "乙方響應時間是多少", message_id=2))
            answer = await replies_to(api, PRIVATE, 2)
            shown = sent_message(api, answer[-1])
            more = button(shown, "更多")
        kept = tmp_path / "index" / STATE_FILE
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600
        assert "乙方" not in kept.read_text("utf-8")  # ids and contract keys, no questions
        before = len(api.sent())
        async with bot_session(api, tmp_path):
            api.push("message", in_topic("/ask 乙方响应时间是多少", 3, 77))
            [scoped, *_] = await replies_to(api, FORUM, 3)
            api.push("message", message(PRIVATE, "乙方響應時間是多少？", message_id=4))
            newer = await replies_to(api, PRIVATE, 4)
            assert any(b["text"] == "更多" for b in buttons(sent_message(api, newer[-1])))
            api.push("callback_query", callback(PRIVATE, shown, more["callback_data"]))
            api.push("edited_message", edited(PRIVATE, "乙方響應時間是多久", 2))
            edits = await api.wait_for("editMessageText", len(answer))
            api.push("message", message(PRIVATE, "/help", message_id=5))
            [helped] = await replies_to(api, PRIVATE, 5)
            expired = api.sent()[before + 1 + len(newer):-1]
    finally:
        await api.stop()
    assert "《软件维护服务合同》" in scoped["text"] and "在线客服" not in scoped["text"]
    assert [s["text"] for s in expired] == ["沒有更多結果了。"]  # no second answer either
    assert {e["message_id"] for e in edits} == {sent_message(api, a)["message_id"]
                                                for a in answer}
    assert "問題" in helped["text"]  # the user last asked in Traditional: /help follows


async def test_a_state_file_that_cannot_be_read_is_set_aside(tmp_path: Path) -> None:
    (tmp_path / "index").mkdir(mode=0o700)
    (tmp_path / "index" / STATE_FILE).write_text("{not json", "utf-8")
    api = FakeBotApi()
    await api.start()
    try:
        async with bot_session(api, tmp_path):
            api.push("message", message(PRIVATE, "乙方响应时间是多少", message_id=1))
            [answer, *_] = await replies_to(api, PRIVATE, 1)
    finally:
        await api.stop()
    assert "<b>《" in answer["text"]  # answered as ever
    aside = tmp_path / "index" / f"{STATE_FILE}.unreadable"
    assert aside.read_text("utf-8") == "{not json"
    assert json.loads((tmp_path / "index" / STATE_FILE).read_text("utf-8"))["format"] == 1


def test_records_keep_what_they_should_and_drop_odd_shapes() -> None:
    chat = ChatData()
    chat.set_scope(None, "upgrade")
    chat.set_scope(77, "maint")
    for q in range(MAX_ANSWERS + 5):
        chat.keep_answer(q, (1000 + q,))
    back = chat_from(json.loads(json.dumps(chat_record(chat))))
    assert back.scopes == {None: "upgrade", 77: "maint"}
    assert back.answers == chat.answers and len(back.answers) == MAX_ANSWERS
    assert chat_record(ChatData()) == {} and user_record(UserData()) == {}
    odd = chat_from({"scopes": {"x": "k", "5": 7, "-3": "k"},
                     "answers": [[1, [2, "3"]], ["1", [2]], [4, [5, 6]], 7]})
    assert odd.scopes == {-3: "k"} and odd.answers == {4: (5, 6)}
    assert user_from({"script": "traditional"}).script == "traditional"
    assert user_from({"script": "klingon"}).script is None


def test_told_pairs_are_kept_as_digests_a_bounded_few_and_odd_ones_dropped() -> None:
    """The pairs of versions a chat was told of are kept as digests of their paths (chats.json
    holds no server path), the newest ``MAX_TOLD_PAIRS``; a key of another shape is left
    out, and a record without any (an older chats.json) loads with none."""
    pairs = [Revision(f"/srv/lib/lease{i}.txt", f"/srv/lib/lease{i}_v2.txt", 3, 5, True)
             for i in range(MAX_TOLD_PAIRS + 5)]
    chat = ChatData()
    for pair in pairs:
        chat.mark_told(pair)
    text = json.dumps(chat_record(chat))
    assert "srv" not in text and "lease" not in text
    back = chat_from(json.loads(text))
    assert back.told_pairs == chat.told_pairs and len(back.told_pairs) == MAX_TOLD_PAIRS
    assert back.news_of(pairs) == tuple(pairs[:5])  # the oldest, beyond the bound, are news
    key = pair_key(pairs[0])
    assert chat_from({"told": [key, 7, "zz", key.upper(), "/srv/lib/x", [key], key]}
                     ).told_pairs == (key,)
    assert chat_from({"told": "abc"}).told_pairs == ()
    assert chat_from({"scopes": {"": "lease"}}).told_pairs == ()


def _member(update: dict[str, Any], user: int) -> dict[str, Any]:
    """``update`` sent by ``user``, whose Telegram is in English (no script of their own)."""
    return dict(update, **{"from": {"id": user, "is_bot": False, "first_name": "U",
                                    "language_code": "en"}})


async def test_the_script_a_topic_asks_in_outlives_a_restart(tmp_path: Path) -> None:
    """A Traditional topic's member whose words show no script (保密期限, which both scripts
    write alike) was answered in Simplified after a deploy: the script each topic (and the
    chat) was last asked in lived in memory only. It is kept in chats.json."""
    api = FakeBotApi()
    await api.start()
    try:
        async with bot_session(api, tmp_path, MAINT):
            api.push("message", in_topic("/ask 乙方响应时间是多少", 1, 77))  # Simplified
            await replies_to(api, FORUM, 1)
            api.push("message", in_topic("/ask 保密義務多長", 2, 88))  # Traditional, last
            await replies_to(api, FORUM, 2)
        async with bot_session(api, tmp_path, MAINT):
            api.push("message", _member(in_topic("/ask 保密期限", 3, 88), 34))
            [topic, *_] = await replies_to(api, FORUM, 3)
            api.push("message", _member(in_topic("/ask 保密期限", 4, 77), 35))
            [simplified, *_] = await replies_to(api, FORUM, 4)
            api.push("message", _member(in_topic("/ask 保密期限", 5, 99), 36))
            [new_topic, *_] = await replies_to(api, FORUM, 5)
    finally:
        await api.stop()
    assert "《軟件維護服務合同》 第四章 保密 › 4.2" in topic["text"]
    assert "《软件维护服务合同》 第四章 保密 › 4.2" in simplified["text"]
    assert "《軟件維護服務合同》 第四章 保密 › 4.2" in new_topic["text"]  # the chat's last


def test_topic_scripts_are_kept_bounded_and_odd_ones_dropped() -> None:
    """The newest ``MAX_QUOTED_TOPICS`` topics' scripts, oldest first (the chat's last one
    is the newest); a record without them (an older chats.json) loads with none."""
    chat = ChatData()
    for topic in range(MAX_QUOTED_TOPICS + 5):
        chat.heard(topic, "simplified")
    chat.heard(None, "traditional")
    back = chat_from(json.loads(json.dumps(chat_record(chat))))
    assert back.scripts == chat.scripts and len(back.scripts) == MAX_QUOTED_TOPICS
    assert back.spoken(12345) == "traditional"
    odd = chat_from({"scripts": [[1, "klingon"], ["2", "simplified"], [3, "traditional"],
                                 [True, "simplified"], [None], 7, [None, "simplified"]]})
    assert odd.scripts == {3: "traditional", None: "simplified"}
    assert chat_from({"scripts": "traditional"}).scripts == {}
    assert chat_from({"scopes": {"": "lease"}}).scripts == {}


def test_the_contracts_a_chat_read_are_kept_bounded_and_odd_ones_dropped() -> None:
    """What a chat read at its last answer (file stem and title), so an index rebuilt during
    a restart is said; the first ``MAX_KNOWN``; a record without it loads with none."""
    chat = ChatData()
    chat.gone_from([(f"c{n}", f"合同{n}") for n in range(MAX_KNOWN + 5)])
    back = chat_from(json.loads(json.dumps(chat_record(chat), ensure_ascii=False)))
    assert back.known == chat.known and len(back.known) == MAX_KNOWN
    assert back.gone_from([("c1", "合同1")])[:2] == [("c0", "合同0"), ("c2", "合同2")]
    assert back.gone_from([("c1", "合同1")]) == []  # said once
    assert chat_from({"known": [["a", "甲"], ["b"], [1, "x"], "c", ["d", None]]}).known == {
        "a": "甲"}
    assert chat_from({"known": {"a": "甲"}}).known == {}
    assert chat_from({"scopes": {"": "lease"}}).known == {}
