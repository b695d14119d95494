"""Logs that never show a secret and, unless a setting asks, no question or clause text.

python-telegram-bot logs the Bot API URL (which holds the token) and every request's parameters
and result (questions, answers, clause text) at DEBUG; httpx logs request URLs at INFO. Rather
than trust each library's levels, every log record is cleaned when it is made (a record
factory, so it holds for every logger and every handler, DEBUG included): the token is replaced
wherever it appears, tracebacks included, and the arguments of the Telegram and HTTP libraries'
records that could carry message text are hidden unless ``CONTRACTBOT_LOG_TEXT`` is on.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from telegram import Update
from telegram.error import BadRequest, Conflict, InvalidToken

REDACTED = "[token]"
HIDDEN = "[text hidden]"
PAYLOAD_LOGGERS = ("telegram", "httpx", "httpcore")  # their arguments may carry message text
_PLAIN_ARG = re.compile(r"[ -~]{0,120}")  # short printable ASCII: method names, library words


class _Protection:
    """What the record factory removes: secrets (longest first) and, when hiding, payloads."""

    def __init__(self) -> None:
        self.secrets: list[str] = []
        self.hide_text = True
        self.lock = threading.Lock()

    def add_secret(self, token: str) -> None:
        """Remove ``token`` (and its secret half, plain and URL-quoted) from every record."""
        forms = {token, quote(token, safe=""), token.partition(":")[2]}
        with self.lock:
            self.secrets = sorted({*self.secrets, *(f for f in forms if len(f) >= 8)},
                                  key=len, reverse=True)

    def redact(self, text: str) -> str:
        """``text`` with every known secret replaced."""
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text


_PROTECTION = _Protection()
_INSTALLED: list[Callable[..., logging.LogRecord]] = []  # the factory we wrapped, once


def redact(text: str) -> str:
    """``text`` without any registered secret."""
    return _PROTECTION.redact(text)


def protect_logs(token: str | None, *, log_text: bool = False) -> None:
    """Clean every log record from now on: remove ``token``; hide library payloads (message
    text) unless ``log_text``. Safe to call again (for another token or setting)."""
    if token:
        _PROTECTION.add_secret(token)
    _PROTECTION.hide_text = not log_text
    if not _INSTALLED:
        _INSTALLED.append(logging.getLogRecordFactory())
        logging.setLogRecordFactory(_make_record)


def protect_secret(secret: str) -> None:
    """Remove ``secret`` (the webhook's secret token) from every log record from now on, as
    the bot token is: it is a parameter of setWebhook, logged with CONTRACTBOT_LOG_TEXT=on."""
    _PROTECTION.add_secret(secret)


def is_webhook_refusal(err: BaseException | None) -> bool:
    """Whether ``err`` is Telegram refusing the webhook URL when it is registered (setWebhook's
    'Bad Request: bad webhook: failed to resolve host …')."""
    return isinstance(err, BadRequest) and str(err).lower().startswith("bad webhook")


class _DropSaidInOneLine(logging.Filter):
    """Drops the library's traceback for a rejected token or a refused webhook URL (``run``
    says each in one line) and for getUpdates refused because another program polls with the
    token (the error handler says it: bot/fetching.py)."""

    def filter(self, record: logging.LogRecord) -> bool:
        err = record.exc_info[1] if record.exc_info else None
        return not (isinstance(err, InvalidToken | Conflict) or is_webhook_refusal(err))


def protect_output() -> None:
    """Also clean what bypasses logging: uncaught exceptions (main thread and others) and
    warnings (routed through logging); a rejected token or webhook URL is left to the caller's
    one line."""
    logging.captureWarnings(True)
    for handler in [*logging.getLogger().handlers, logging.lastResort]:
        if handler is not None:
            handler.addFilter(_DropSaidInOneLine())

    def excepthook(kind: type[BaseException], err: BaseException, tb: Any) -> None:
        text = "".join(traceback.format_exception(kind, err, tb))
        sys.stderr.write(redact(text))

    sys.excepthook = excepthook

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        excepthook(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback)

    threading.excepthook = thread_hook


def _make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _INSTALLED[0](*args, **kwargs)
    try:
        _clean(record)
    except Exception:  # a log record must never break the code that logs it
        record.msg, record.args = "[log record could not be cleaned]", ()
        record.exc_info = record.exc_text = None
    return record


def _clean(record: logging.LogRecord) -> None:
    """Format the record now, then remove secrets (and payloads) from its text."""
    if _PROTECTION.hide_text and record.name.startswith(PAYLOAD_LOGGERS) and record.args:
        record.args = _hide_args(record.args)
    record.msg, record.args = _PROTECTION.redact(record.getMessage()), ()
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = _PROTECTION.redact(record.exc_text)
    if record.stack_info:
        record.stack_info = _PROTECTION.redact(record.stack_info)


def _hide_args(args: Any) -> Any:
    """Log arguments with anything that may hold message text replaced by HIDDEN."""
    if isinstance(args, dict):
        return {k: _hide_arg(v) for k, v in args.items()}
    return tuple(_hide_arg(a) for a in args)


def _hide_arg(value: object) -> object:
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, type):
        return value.__name__
    if isinstance(value, str) and _PLAIN_ARG.fullmatch(value):
        return value
    return HIDDEN


def describe_update(update: object, *, with_text: bool = False) -> str:
    """An update for the error log: its id, chat and user; its text only ``with_text``."""
    if not isinstance(update, Update):
        return type(update).__name__
    chat, user = update.effective_chat, update.effective_user
    parts = [f"update {update.update_id}", f"chat {chat.id if chat else '-'}",
             f"user {user.id if user else '-'}"]
    msg = update.effective_message
    if with_text and msg is not None and (msg.text or msg.caption):
        parts.append(f"text {msg.text or msg.caption!r}")
    elif update.callback_query is not None:
        parts.append("button")
    elif msg is not None and msg.document is not None:
        parts.append("document")
    return ", ".join(parts)
