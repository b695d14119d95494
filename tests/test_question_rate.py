"""The per-user question rate: N questions a minute, then one polite reply and silence."""

from __future__ import annotations

from pathlib import Path

from bot_helpers import message
from team_bot import callback
from test_bot_e2e import GROUP, PRIVATE, STRANGER, reply_id, running_bot

from bot import ratelimit
from bot.ratelimit import QuestionRate, Verdict


def test_a_sliding_window_per_user() -> None:
    now = [0.0]
    rate = QuestionRate(3, window=60.0, clock=lambda: now[0])
    verdicts = []
    for t in (0.0, 10.0, 20.0):
        now[0] = t
        verdicts.append(rate.check(1))
    assert verdicts == [Verdict.ANSWER] * 3
    assert rate.check(1) is Verdict.REFUSE  # told once
    assert rate.check(1) is Verdict.IGNORE  # then silence
    assert rate.check(2) is Verdict.ANSWER  # others are not affected
    now[0] = 59.9
    assert rate.check(1) is Verdict.IGNORE
    now[0] = 60.0  # the first question left the window
    assert rate.check(1) is Verdict.ANSWER
    assert rate.check(1) is Verdict.REFUSE
    assert QuestionRate(0).check(1) is Verdict.ANSWER and QuestionRate(3).check(None) is \
        Verdict.ANSWER



def test_an_update_from_no_user_is_never_limited() -> None:
    """None is no one: updates without a sender do not share one window and run out of it."""
    rate = QuestionRate(2)
    assert [rate.check(None) for _ in range(4)] == [Verdict.ANSWER] * 4

def test_only_idle_windows_are_forgotten_when_there_are_too_many(monkeypatch) -> None:
    """Past MAX_USERS windows the idle ones go; a user who asked a moment ago keeps theirs,
    even when their first question of it is old."""
    monkeypatch.setattr(ratelimit, "MAX_USERS", 2)
    now = [0.0]
    rate = QuestionRate(2, window=60.0, clock=lambda: now[0])
    assert [rate.check(1), rate.check(2)] == [Verdict.ANSWER] * 2
    now[0] = 50.0
    assert rate.check(1) is Verdict.ANSWER  # user 1: questions at 0 and 50
    now[0] = 70.0
    assert rate.check(3) is Verdict.ANSWER  # a third user: user 2's idle window goes
    assert rate.check(1) is Verdict.ANSWER  # the question at 0 left the window, 50 did not
    assert rate.check(1) is Verdict.REFUSE


async def test_a_burst_of_questions_gets_the_limit_and_one_polite_reply(tmp_path: Path) -> None:
    async with running_bot(tmp_path, questions_per_minute=3) as api:
        for i in range(1, 9):
            api.push("message", message(PRIVATE, "乙方响应时间是多少", message_id=i))
        await api.wait_for("sendMessage", 4, timeout=30)
        other = PRIVATE + 1  # another user in an allowed group is still answered
        api.push("message", message(-200, "/ask 乙方响应时间是多少", user_id=other, message_id=20))
        await api.wait_for("sendMessage", 5, timeout=30)
        await api.settled()  # every question of the burst handled: nothing more comes
        sent = api.sent()
    mine = [s for s in sent if s["chat_id"] == PRIVATE]
    answered = {reply_id(s) for s in mine if "<blockquote>" in s["text"]}
    polite = [reply_id(s) for s in mine if "每分钟最多 3 个问题" in s["text"]]
    assert len(answered) == 3 and len(polite) == 1
    assert {reply_id(s) for s in mine} == answered | set(polite)  # the other 4: nothing
    assert [reply_id(s) for s in sent if s["chat_id"] == -200] == [20]


async def test_traditional_askers_are_told_in_traditional(tmp_path: Path) -> None:
    async with running_bot(tmp_path, questions_per_minute=1) as api:
        api.push("message", message(PRIVATE, "乙方響應時間是多少", message_id=1))
        api.push("message", message(PRIVATE, "乙方響應時間是多少", message_id=2))
        sent = await api.wait_for("sendMessage", 2, timeout=30)
    assert any("每分鐘最多 1 個問題" in s["text"] for s in sent)


async def test_anonymous_admins_of_two_groups_are_two_askers(tmp_path: Path) -> None:
    """Telegram sends every anonymous group admin's message from one account
    (GroupAnonymousBot): the rate is counted per group it speaks as, not for that account."""
    anonymous = 1087968824

    def as_group(group: int, message_id: int) -> dict:
        return message(group, "/ask 乙方响应时间是多少", user_id=anonymous, message_id=message_id,
                       sender_chat={"id": group, "type": "supergroup", "title": "G"})

    async with running_bot(tmp_path, questions_per_minute=1,
                           allowed_chats=frozenset({-601, -602})) as api:
        api.push("message", as_group(-601, 1))
        await api.wait_for("sendMessage", 1, timeout=30)
        api.push("message", as_group(-602, 1))
        await api.wait_for("sendMessage", 2, timeout=30)
        api.push("message", as_group(-601, 2))
        await api.wait_for("sendMessage", 3, timeout=30)
        await api.settled()
        sent = api.sent()
    texts = {(s["chat_id"], reply_id(s)): s["text"] for s in sent}
    assert "<blockquote>" in texts[(-601, 1)] and "<blockquote>" in texts[(-602, 1)]
    assert "每分钟最多 1 个问题" in texts[(-601, 2)]


async def test_commands_and_refusals_count_as_questions(tmp_path: Path) -> None:
    """/compare (a search of every contract), /clause and /contracts are counted like
    questions, and so are the refusals a stranger gets: a member flooding the bot with them
    gets the limit and one polite reply, not a thread pool busy for every other customer."""
    async with running_bot(tmp_path, questions_per_minute=2) as api:
        for i in range(1, 7):
            command = ("/compare 违约金", "/clause 2.1", "/contracts")[i % 3]
            api.push("message", message(GROUP, command, user_id=PRIVATE, message_id=i))
        for i in range(1, 7):
            api.push("message", message(STRANGER, "乙方响应时间是多少", message_id=i))
        await api.wait_for("sendMessage", 6, timeout=30)
        await api.settled()  # every message of the bursts handled: nothing more comes
        sent = api.sent()
    for chat in (GROUP, STRANGER):
        mine = [s for s in sent if s["chat_id"] == chat]
        polite = [reply_id(s) for s in mine if "每分钟最多 2 个问题" in s["text"]]
        assert len({reply_id(s) for s in mine}) == 3 and len(polite) == 1
    assert sum("尚未获准" in s["text"] for s in sent if s["chat_id"] == STRANGER) == 2


async def test_button_presses_in_a_chat_that_is_not_allowed_count_as_refusals(
        tmp_path: Path) -> None:
    """A chat taken out of the allow-list keeps its old 👍/👎 and 更多 buttons; each press
    there gets the refusal with the chat id, and a script pressing them is limited like
    anyone else's messages."""
    old_answer = {"message_id": 5, "text": "x"}
    async with running_bot(tmp_path, questions_per_minute=2) as api:
        for i in range(6):
            data = ("vote:k:up", "more:k")[i % 2]
            api.push("callback_query", callback(STRANGER, old_answer, data, query_id=f"q{i}"))
        await api.wait_for("sendMessage", 3, timeout=30)
        await api.settled()
        sent = api.sent()
    assert len(sent) == 3 and sum("尚未获准" in s["text"] for s in sent) == 2
    assert sum("每分钟最多 2 个问题" in s["text"] for s in sent) == 1


async def test_admin_only_refusals_count_too(tmp_path: Path) -> None:
    """Someone who is not an admin sending /feedback or files in private gets "admins only"
    within the rate, then one polite reply and silence."""
    doc = {"file_id": "F1", "file_unique_id": "F1", "file_name": "x.txt", "file_size": 10}
    async with running_bot(tmp_path, questions_per_minute=2) as api:
        for i in range(1, 7):
            if i % 2:
                api.push("message", message(STRANGER, None, message_id=i, document=doc))
            else:
                api.push("message", message(STRANGER, "/feedback", message_id=i))
        await api.wait_for("sendMessage", 3, timeout=30)
        await api.settled()
        sent = api.sent()
    assert len(sent) == 3 and sum("只有管理员" in s["text"] for s in sent) == 2
