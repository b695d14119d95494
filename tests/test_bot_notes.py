"""A note said with an answer (a contract named in 《》 asked instead of the /use one, a /use
contract no longer indexed) goes under (or above) the answer's last (first) message when it
fits, and in a message of its own when it does not: Telegram refuses a message over 4096
characters (tests/botapi_server.py refuses it as Telegram does), and the asker got the error
handler's apology instead of the answer."""

from __future__ import annotations

from pathlib import Path

from bot_helpers import message
from botapi_server import MAX_TEXT, FakeBotApi, text_length
from index_corpus import LEASE, MAINT
from team_bot import ADMIN, ask, team_bot
from test_bot_e2e import FORUM, reply_id

from bot import texts
from bot.render import LIMIT

TITLE = "长篇条款测试合同"
HEAD = f"<b>《{TITLE}》 第一条</b>"
_ROOM = LIMIT - 2 - len(HEAD) - len("\n<blockquote></blockquote>")
TEXT = ("双方应按本合同约定履行各自义务。" * 300)[:_ROOM - 1] + "。"
CLAUSE = f"{HEAD}\n<blockquote>{TEXT}</blockquote>"  # one message, 2 characters short of 4096
LONG = {"key": "long", "title": TITLE, "parties": {},
        "clauses": [["第一条", None, None, TEXT]]}
ASKED = f"/ask 《{TITLE}》第一条"


async def _said(api: FakeBotApi, text: str, message_id: int, topic: int | None) -> None:
    """Send ``text`` in the forum, in ``topic`` (None: General), and wait till it is handled."""
    extra: dict = {"chat": {"id": FORUM, "type": "supergroup", "is_forum": True}}
    if topic is not None:
        extra.update(message_thread_id=topic, is_topic_message=True)
    api.push("message", message(FORUM, text, message_id=message_id, **extra))
    await api.settled()


def _sent_to(api: FakeBotApi, message_id: int) -> list[dict]:
    """The messages the bot sent in reply to message ``message_id``."""
    return [s for s in api.sent() if reply_id(s) == message_id]


async def test_a_note_under_a_full_answer_is_a_message_of_its_own(tmp_path: Path) -> None:
    """A chat limited by /use to one contract asks a long clause of another, named in 《》:
    the line saying so went under the clause's message, past 4096 characters."""
    async with team_bot(tmp_path, {"": [MAINT, LONG]}, allowed_chats=frozenset({FORUM})) \
            as (api, _):
        await _said(api, "/use maint", 1, 77)
        await _said(api, ASKED, 2, 77)
        answer = _sent_to(api, 2)
    over = texts.say(texts.SCOPE_OVERRIDDEN, "simplified", named=f"《{TITLE}》")
    assert text_length({"text": f"{CLAUSE}\n{over}", "parse_mode": "HTML"}) > MAX_TEXT
    assert [s["text"] for s in answer] == [CLAUSE, over]
    assert "reply_markup" not in answer[0] and answer[1]["reply_markup"]  # 👍/👎 under it


async def test_a_lapsed_use_said_above_a_full_answer_is_a_message_of_its_own(
        tmp_path: Path) -> None:
    """A topic and General limited by /use to the lease, whose file then left the index: the
    line saying so went above the next answer's first message, past 4096 characters, for a
    question (in the topic) and for /clause (in General) alike."""
    chats = frozenset({ADMIN, FORUM})
    async with team_bot(tmp_path, {"": [MAINT, LEASE, LONG]}, allowed_chats=chats) as (api, _):
        await _said(api, "/use lease", 1, 77)
        await _said(api, "/use lease", 2, None)
        (tmp_path / "src" / "lease.txt").unlink()
        assert (await ask(api, ADMIN, "/reindex")).startswith("索引已重建：2 份合同")
        await _said(api, ASKED, 3, 77)
        await _said(api, f"/clause 第一条 {TITLE}", 4, None)
        asked, quoted = _sent_to(api, 3), _sent_to(api, 4)
    topic = texts.say(texts.SCOPE_LAPSED_TOPIC, "simplified")
    general = texts.say(texts.SCOPE_LAPSED_GENERAL, "simplified")
    assert text_length({"text": f"{topic}\n{CLAUSE}", "parse_mode": "HTML"}) > MAX_TEXT
    assert [s["text"] for s in asked] == [topic, CLAUSE]
    assert "reply_markup" not in asked[0] and asked[1]["reply_markup"]  # 👍/👎 under it
    assert [s["text"] for s in quoted] == [general, CLAUSE]
