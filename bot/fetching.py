"""What the log says when fetching updates (polling) fails: python-telegram-bot hands such an
error to the error handler with no update, at each retry, and the handler logged it as
'error while handling NoneType' with a traceback. One line instead, saying what happened."""

from __future__ import annotations

import logging
import time

from telegram.error import Conflict, NetworkError

from .state import BotState

log = logging.getLogger("bot.replies")  # the error handler's log, where these lines were
# getUpdates refused because another program polls with the same token
CONFLICT = ("another program fetches this bot's updates with the same token (a second "
            "`contractbot serve`, or a webhook set elsewhere): Telegram gives each update to "
            "one of them only, so this bot misses some; stop the other one (said again every "
            "10 minutes while it lasts)")
CONFLICT_EVERY = 600.0  # seconds between two of those lines (the library retries each second)


def said_fetch_error(state: BotState, err: BaseException | None) -> bool:
    """Log ``err``, an error the error handler got with no update, in one line when it is a
    failed fetch of updates (True); False for any other error, left to the handler. No other
    source of update-less errors in this bot calls Telegram (persistence is a local file)."""
    if isinstance(err, Conflict):
        now = time.monotonic()
        if state.conflict_logged is None or now - state.conflict_logged >= CONFLICT_EVERY:
            state.conflict_logged = now
            log.error("%s", CONFLICT)
        return True
    if isinstance(err, NetworkError):  # Telegram's 502 Bad Gateway, a connection reset …
        log.warning("fetching updates failed (%s); retrying", err)
        return True
    return False
