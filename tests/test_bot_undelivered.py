"""A support team's forum: a topic closed or deleted while the bot answers in it, or the bot
removed from the group. Telegram refuses the answer (400 "TOPIC_CLOSED", 400 "message thread
not found", 403 "bot was kicked"); the log says so in one line, no traceback, and the bot sends
no error reply there (refused alike) and answers the next question elsewhere. The real
Application against the loopback Bot API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bot_helpers import message
from index_corpus import LEASE, MAINT
from team_bot import access_file, ask, team_bot

FORUM, OTHER = -1001001, -1002002
LAYOUT: dict[str, list[dict]] = {"customer-a": [MAINT], "customer-b": [LEASE]}


def in_topic(chat: int, text: str, message_id: int, topic: int) -> dict[str, Any]:
    """A member's message in forum topic ``topic`` of ``chat``."""
    return message(chat, text, message_id=message_id, message_thread_id=topic,
                   is_topic_message=True,
                   chat={"id": chat, "type": "supergroup", "is_forum": True})


async def test_an_answer_refused_by_a_closed_or_deleted_topic_or_a_removal_is_one_line(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Until stop 41 each was an ERROR with a traceback, then an error reply sent where the
    answer had just been refused, and a second ERROR with its traceback."""
    rules = access_file(tmp_path / "access.toml", {FORUM: ["customer-a"],
                                                   OTHER: ["customer-b"]})
    async with team_bot(tmp_path, LAYOUT, access_file=rules) as (api, _):
        closed, deleted, kept = (api.create_topic(FORUM, name) for name in ("甲", "乙", "丙"))
        other = api.create_topic(OTHER, "丁")
        api.forum.close(FORUM, closed)
        api.forum.delete(FORUM, deleted)
        with caplog.at_level("WARNING"):
            api.push("message", in_topic(FORUM, "/ask 乙方响应时间是多少", 11, closed))
            api.push("message", in_topic(FORUM, "/ask 乙方响应时间是多少", 12, deleted))
            await api.settled()
            answered = await ask(api, FORUM, "/ask 乙方响应时间是多少", message_id=13,
                                 message_thread_id=kept, is_topic_message=True)
            api.kick(OTHER)
            api.push("message", in_topic(OTHER, "/ask 押金是多少", 14, other))
            await api.settled()
    sent = [(s["chat_id"], s.get("message_thread_id")) for s in api.sent()]
    assert sorted(sent) == sorted([(FORUM, closed), (FORUM, deleted), (FORUM, kept),
                                   (OTHER, other)])  # the two first are handled side by side
    assert "《软件维护服务合同》" in answered
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []
    assert sorted(r.getMessage() for r in caplog.records if r.levelno >= 30) == [
        f"update 5, chat {FORUM}, user 7, topic {closed}: the reply was not delivered: the "
        "forum topic is closed (Topic_closed)",
        f"update 6, chat {FORUM}, user 7, topic {deleted}: the reply was not delivered: the "
        "forum topic was deleted (Message thread not found)",
        f"update 8, chat {OTHER}, user 7, topic {other}: the reply was not delivered: the bot "
        "cannot write there (Forbidden: bot was kicked from the supergroup chat)"]
