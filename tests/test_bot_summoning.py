"""A teammate summons the bot under someone's question ("@bot" or "/ask" alone as a reply):
that question is answered. In private, what is not a question in words (a sticker, a voice
message, a command the bot does not have) gets a hint instead of silence; groups stay quiet.
The real Application against the loopback Bot API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot_helpers import message
from botapi_server import BOT_ID, BOT_USERNAME
from test_bot_e2e import GROUP, PRIVATE, STRANGER, reply_id, running_bot

MENTION = [{"type": "mention", "offset": 0, "length": len(BOT_USERNAME) + 1}]


def under(message_id: int, text: str, *, sender: int = 8) -> dict[str, Any]:
    """The message a reply replies to: ``text`` from ``sender`` in GROUP."""
    return {"message_id": message_id, "date": 0, "chat": {"id": GROUP, "type": "supergroup"},
            "from": {"id": sender, "is_bot": sender == BOT_ID, "first_name": "C"},
            "text": text}


async def test_a_bare_mention_or_ask_under_a_question_answers_it(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as api:
        api.push("message", message(GROUP, "乙方响应时间是多少", message_id=1))  # chatter
        api.push("message", message(GROUP, f"@{BOT_USERNAME}", message_id=2, entities=MENTION,
                                    reply_to_message=under(1, "乙方响应时间是多少")))
        api.push("message", message(GROUP, "/ask", message_id=3,
                                    reply_to_message=under(1, "乙方响应时间是多少")))
        api.push("message", message(GROUP, f"@{BOT_USERNAME}", message_id=4, entities=MENTION,
                                    reply_to_message=under(900, "x", sender=BOT_ID)))
        await api.wait_for("sendMessage", 3)
        await api.settled()
        sent = {reply_id(s): s["text"] for s in api.sent()}
    assert sorted(sent) == [2, 3, 4]
    assert "› 7.2</b>" in sent[2] and "› 7.2</b>" in sent[3]
    assert sent[4].startswith("请在 /ask 后写上问题")  # under the bot's own message: nothing asked


async def test_what_is_not_a_question_in_words_gets_a_hint_in_private(tmp_path: Path) -> None:
    sticker = {"file_id": "S1", "file_unique_id": "S1", "type": "regular", "width": 512,
               "height": 512, "is_animated": False, "is_video": False}
    voice = {"file_id": "V1", "file_unique_id": "V1", "duration": 3}
    async with running_bot(tmp_path) as api:
        api.push("message", message(PRIVATE, None, message_id=1, sticker=sticker))
        api.push("message", message(PRIVATE, None, message_id=2, voice=voice))
        api.push("message", message(PRIVATE, "/foo bar", message_id=3))
        api.push("message", message(GROUP, None, message_id=4, sticker=sticker))
        api.push("message", message(GROUP, "/foo", message_id=5))
        api.push("message", message(STRANGER, None, message_id=6, sticker=sticker))
        await api.wait_for("sendMessage", 4)
        await api.settled()
        sent = {(s["chat_id"], reply_id(s)): s["text"] for s in api.sent()}
    assert sorted(sent) == [(PRIVATE, 1), (PRIVATE, 2), (PRIVATE, 3), (STRANGER, 6)]
    assert sent[(PRIVATE, 1)] == sent[(PRIVATE, 2)] == (
        "我只能回答文字问题。请直接用文字提问，例如：乙方响应时间是多少。/help 查看用法。")
    assert sent[(PRIVATE, 3)] == "没有这个命令：/foo。/help 查看可用的命令。"
    assert "尚未获准" in sent[(STRANGER, 6)]  # a stranger learns the chat id, nothing more
