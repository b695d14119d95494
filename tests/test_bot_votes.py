"""Who voted, as the question log keeps it: a pseudonym that is one member's on one answer
only, keyed anew each time the bot starts; a vote is thanked in the voter's script, a press
the bot never offered records nothing, and a chat whose access was withdrawn votes no more.
The real Application against the loopback Bot API."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from bot_helpers import message
from index_corpus import LEASE, MAINT
from team_bot import access_file, buttons, callback, sent_message, team_bot

from bot.feedback import LOG_FILE

GROUP, MEMBER = -630, 7


def _rows(tmp_path: Path) -> list[tuple[str, int, str]]:
    db = sqlite3.connect(tmp_path / "index" / LOG_FILE)
    try:
        return db.execute("SELECT answer, chat_id, kind FROM entries WHERE kind != 'unanswered' "
                          "ORDER BY id").fetchall()
    finally:
        db.close()


async def test_one_members_votes_on_two_answers_are_not_linked(tmp_path: Path) -> None:
    """A member votes 👎 on two answers: two rows, and nothing in them says one member cast
    both (the pseudonym depends on the answer as well as on the member)."""
    async with team_bot(tmp_path, {"": [MAINT, LEASE]},
                        allowed_chats=frozenset({GROUP})) as (api, _):
        api.push("message", message(GROUP, "/ask 押金是多少", user_id=MEMBER, message_id=1))
        api.push("message", message(GROUP, "/ask 乙方响应时间是多少", user_id=MEMBER,
                                    message_id=2))
        answers = await api.wait_for("sendMessage", 2)
        for i, sent in enumerate(answers):
            shown = sent_message(api, sent)
            down = next(b["callback_data"] for b in buttons(shown) if b["text"] == "👎")
            api.push("callback_query", callback(GROUP, shown, down, user_id=MEMBER,
                                                chat_type="supergroup", query_id=f"v{i}"))
            await api.settled()
    rows = _rows(tmp_path)
    assert [(chat, kind) for _, chat, kind in rows] == [(GROUP, "down"), (GROUP, "down")]
    keys = [answer.split(":")[1] for answer, _, _ in rows]
    pseudonyms = [answer.split(":")[2] for answer, _, _ in rows]
    assert len(set(keys)) == 2 and len(set(pseudonyms)) == 2


def test_the_voter_key_lives_as_long_as_the_process() -> None:
    """The same member on the same answer is one pseudonym while the bot runs, and another
    after a restart: the key is made at start and never written, so a kept log cannot be
    matched to user ids (an unkeyed hash of answer and user id could be, by trying ids)."""
    code = ("from bot.votes import voter_pseudonym as p; "
            "print(p('-5:aaaa0001', 7), p('-5:aaaa0001', 7))")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=os.environ.copy(), check=True, timeout=60).stdout.split()
            for _ in range(2)]
    (first, again), (restarted, _) = runs
    assert first == again and len(first) == 16 and set(first) <= set("0123456789abcdef")
    assert restarted != first


async def test_a_vote_is_thanked_in_the_voters_script_and_a_forged_one_is_not_kept(
        tmp_path: Path) -> None:
    """A Traditional asker's 👍 is thanked in Traditional. A press carrying a vote the bot
    never offered (a forged client) is answered as expired and records nothing."""
    chat = 631
    async with team_bot(tmp_path, {"": [MAINT, LEASE]},
                        allowed_chats=frozenset({chat})) as (api, _):
        api.push("message", message(chat, "押金怎麼退", message_id=1))
        [answer] = await api.wait_for("sendMessage", 1)
        shown = sent_message(api, answer)
        up = next(b["callback_data"] for b in buttons(shown) if b["text"] == "👍")
        api.push("callback_query", callback(chat, shown, up, query_id="v1"))
        await api.settled()
        forged = up.rsplit(":", 1)[0] + ":sideways"
        api.push("callback_query", callback(chat, shown, forged, query_id="v2"))
        await api.settled()
        answered = {a["callback_query_id"]: a.get("text") for a in
                    api.sent("answerCallbackQuery")}
    assert answered == {"v1": "已記錄，謝謝回饋。", "v2": "這條回答已過期，無法記錄回饋。"}
    assert [kind for _, _, kind in _rows(tmp_path)] == ["up"]


async def test_a_chat_whose_access_was_withdrawn_votes_no_more(tmp_path: Path) -> None:
    """The access file is read again when it changes: a group taken out of it can no longer
    vote on the answers it got before (its members are told the chat is not allowed)."""
    rules = access_file(tmp_path / "access.toml", {GROUP: ["customer-b"]})
    async with team_bot(tmp_path, {"customer-a": [MAINT], "customer-b": [LEASE]},
                        access_file=rules) as (api, _):
        api.push("message", message(GROUP, "/ask 押金是多少", user_id=MEMBER, message_id=1))
        [answer] = await api.wait_for("sendMessage", 1)
        shown = sent_message(api, answer)
        down = next(b["callback_data"] for b in buttons(shown) if b["text"] == "👎")
        access_file(rules, {-632: ["customer-a", "customer-b"]})
        api.push("callback_query", callback(GROUP, shown, down, user_id=MEMBER,
                                            chat_type="supergroup", query_id="v1"))
        await api.settled()
        said = [s["text"] for s in api.sent()[1:]]
    assert _rows(tmp_path) == []
    assert len(said) == 1 and "尚未获准" in said[0]


def test_a_busy_chat_keeps_its_newest_answers_buttons() -> None:
    """A chat keeps the 👍/👎 of its last MAX_VOTES answers and its last MAX_MORE_PAGES 更多 /
    closest-clauses pages: the oldest goes first, so the buttons of the answer just sent
    always work, and a bot running for months holds no more than that per chat."""
    from bot.state import MAX_MORE_PAGES, MAX_VOTES, ChatData, MorePage, Voted
    from index import SearchResult

    chat = ChatData()
    for i in range(MAX_VOTES + 1):
        chat.keep_vote(f"k{i}", Voted(f"q{i}", ()))
    assert len(chat.votes) == MAX_VOTES
    assert "k0" not in chat.votes and f"k{MAX_VOTES}" in chat.votes
    keys = [chat.keep(MorePage(SearchResult(f"q{i}", ()), 0, 5, "simplified"))
            for i in range(MAX_MORE_PAGES + 1)]
    assert len(chat.pages) == MAX_MORE_PAGES
    assert chat.take(keys[0]) is None and chat.take(keys[-1]) is not None
    # pressed twice, a page is known as taken (a toast), as far as the last MAX_MORE_PAGES
    # taken go; a key never kept here (a button from before a restart) is not
    assert not chat.was_taken(keys[0]) and chat.was_taken(keys[-1])
    for key in keys[1:-1]:
        chat.take(key)
    chat.take(chat.keep(MorePage(SearchResult("newer", ()), 0, 5, "simplified")))
    assert len(chat.taken) == MAX_MORE_PAGES and not chat.was_taken(keys[-1])
    assert chat.was_taken(keys[1]) and chat.was_taken(keys[-2])
