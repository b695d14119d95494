"""Errors at the bot's edge with the Bot API; importing this module does not import telegram,
so the command line can name them cheaply."""

from __future__ import annotations

from index import ContractbotError


class BotApiError(ContractbotError):
    """The Bot API cannot be reached (the message never holds the token)."""


class TokenRejectedError(BotApiError):
    """Telegram rejects the bot token: a wrong setting (the message never holds it)."""
