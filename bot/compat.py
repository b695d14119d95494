"""Reading Bot API answers that bend the format, as some Bot API emulators do.

telegram-test-api (npm), used to drive the bot in tests the way a third-party Bot API server
would, sends message dates in milliseconds, users without ``is_bot`` (getMe included),
callback queries without ``chat_instance``, and ``null`` where Telegram answers ``true``.
python-telegram-bot then fails to read the answer to a message that was in fact sent (the
chat gets an error after its answer), or drops a button press. This request class fills in
exactly those fields before python-telegram-bot reads an answer; Telegram's own answers,
which always have them, pass through unchanged.
"""

from __future__ import annotations

from typing import Any

from telegram.request import HTTPXRequest

_MS_DATES = 10**11  # seconds since 1970 stay below this until the year 5138


def _repair(value: Any) -> Any:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "date" and isinstance(item, int) and item > _MS_DATES:
                value[key] = item // 1000
            elif isinstance(item, dict | list):
                _repair(item)
            if key == "from" and isinstance(item, dict) and "id" in item:
                item.setdefault("is_bot", False)
            elif key == "callback_query" and isinstance(item, dict):
                item.setdefault("chat_instance", "")
    elif isinstance(value, list):
        for item in value:
            _repair(item)
    return value


class TolerantRequest(HTTPXRequest):
    """HTTPXRequest that fills in what some Bot API emulators leave out (see above)."""

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        """Parse the answer, then repair null results, millisecond dates, ``is_bot`` and
        ``chat_instance``."""
        data = HTTPXRequest.parse_json_payload(payload)
        if isinstance(data, dict) and data.get("ok") is True and data.get("result", 0) is None:
            data["result"] = True  # Telegram answers true (editMessageReplyMarkup, …)
        result = data.get("result") if isinstance(data, dict) else None
        if isinstance(result, dict) and "username" in result and "first_name" in result \
                and "message_id" not in result and "is_bot" not in result:
            result["is_bot"] = True  # getMe: the only user a result is
        _repair(result)
        return data
