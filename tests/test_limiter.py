"""Flood limits with answers first: a chat action is skipped, not queued, while the bucket
is filling; answers always go through the limiter."""

from __future__ import annotations

from typing import Any

from bot.limiter import AnswersFirstLimiter


async def test_chat_actions_skip_a_filling_bucket_and_answers_wait_their_turn() -> None:
    limiter = AnswersFirstLimiter(overall_max_rate=4, overall_time_period=60)
    sent: list[str] = []

    async def call(name: str) -> Any:
        sent.append(name)
        return {"ok": name}

    async def request(endpoint: str, chat_id: int) -> Any:
        return await limiter.process_request(call, (endpoint,), {}, endpoint,
                                             {"chat_id": chat_id}, None)

    assert await request("sendChatAction", 1) == {"ok": "sendChatAction"}  # room to spare
    assert await request("sendMessage", 1) == {"ok": "sendMessage"}
    assert await request("sendMessage", 2) == {"ok": "sendMessage"}  # 3 of 4 used
    assert await request("sendChatAction", 3) is True  # skipped: Telegram's own answer
    assert await request("sendMessage", 3) == {"ok": "sendMessage"}
    assert sent == ["sendChatAction", "sendMessage", "sendMessage", "sendMessage"]


async def test_a_groups_own_bucket_counts_too() -> None:
    limiter = AnswersFirstLimiter(overall_max_rate=1000, group_max_rate=2, group_time_period=60)
    sent: list[str] = []

    async def call(name: str) -> Any:
        sent.append(name)
        return True

    for endpoint, chat in (("sendMessage", -100), ("sendMessage", -100),
                           ("sendChatAction", -100), ("sendChatAction", -200)):
        await limiter.process_request(call, (f"{endpoint} {chat}",), {}, endpoint,
                                      {"chat_id": chat}, None)
    # -100's own bucket is full: its action is skipped; -200's is empty
    assert sent == ["sendMessage -100", "sendMessage -100", "sendChatAction -200"]


async def test_a_group_named_by_a_string_id_is_its_own_bucket_too() -> None:
    """A chat id given as a string ("-100") is the group -100, as the library counts it: its
    full bucket skips the chat action."""
    limiter = AnswersFirstLimiter(overall_max_rate=1000, group_max_rate=2, group_time_period=60)
    sent: list[str] = []

    async def call(name: str) -> Any:
        sent.append(name)
        return True

    for endpoint, chat in (("sendMessage", -100), ("sendMessage", "-100"),
                           ("sendChatAction", "-100")):
        await limiter.process_request(call, (f"{endpoint} {chat}",), {}, endpoint,
                                      {"chat_id": chat}, None)
    assert sent == ["sendMessage -100", "sendMessage -100"]
