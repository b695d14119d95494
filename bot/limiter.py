"""Flood limits with answers first: python-telegram-bot's AIORateLimiter, except that a
"typing…" action never waits in line. It is sent only while the bot-wide bucket (and a
group's) is at most a fifth full, as it is when the bot is not busy, and skipped otherwise, so
200 chats asking at once spend Telegram's 30 requests a second on answers, not on chat actions
(docs/load.md)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter

SPARE = 0.8  # share of a bucket that must be free for a chat action to be sent
Callback = Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]]


class AnswersFirstLimiter(AIORateLimiter):
    """AIORateLimiter that skips chat actions when the buckets they would use are filling."""

    def _room(self, chat_id: object) -> bool:
        buckets = [getattr(self, "_base_limiter", None)]
        if (isinstance(chat_id, int) and chat_id < 0) or isinstance(chat_id, str):
            buckets.append(getattr(self, "_group_limiters", {}).get(chat_id))
        return all(b is None or b.has_capacity(SPARE * b.max_rate) for b in buckets)

    async def process_request(self, callback: Callback, args: Any, kwargs: dict[str, Any],
                              endpoint: str, data: dict[str, Any],
                              rate_limit_args: int | None) -> bool | dict[str, Any] | list[
                                  dict[str, Any]]:
        """Send the request under the flood limits; a chat action only when there is room."""
        if endpoint == "sendChatAction":
            chat_id = data.get("chat_id")
            try:
                chat_id = int(chat_id)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                pass
            if not self._room(chat_id):
                return True  # what Telegram answers; nobody waits for a skipped action
        return await super().process_request(callback, args, kwargs, endpoint, data,
                                             rate_limit_args)
