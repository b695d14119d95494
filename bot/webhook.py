"""The webhook server: where it listens, on which path, and the secret token Telegram sends
with every update, checked in constant time."""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from typing import Any
from urllib.parse import urlparse

from .logfilter import protect_secret
from .settings import Settings


class WebhookSecret(str):
    """The webhook's secret token, equal to a string only as ``hmac.compare_digest`` says.

    python-telegram-bot's webhook handler refuses an update whose
    X-Telegram-Bot-Api-Secret-Token header ``!=`` the secret. A plain ``str`` comparison stops
    at the first character that differs, so the time a refusal takes could tell a guesser how
    much of a guess was right. Python asks a ``str`` subclass on the right of ``!=`` or ``==``
    before the ``str`` on the left, so given this secret, the library's own check compares in
    constant time, with no change to the library
    (``tests/test_bot_webhook.py::test_the_secret_is_compared_in_constant_time`` fails if a
    new version of it compares in a way that bypasses this)."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, str):
            return NotImplemented
        return hmac.compare_digest(self.encode(), other.encode("utf-8", "surrogatepass"))

    def __ne__(self, other: object) -> bool:
        if not isinstance(other, str):
            return NotImplemented
        return not self.__eq__(other)

    __hash__ = str.__hash__


def webhook_options(settings: Settings) -> dict[str, Any]:
    """How the webhook server listens: on the path of TELEGRAM_WEBHOOK_URL, checking the
    secret token Telegram sends with every update (TELEGRAM_WEBHOOK_SECRET, or a random one
    made now and given to setWebhook); a request without it gets 403."""
    assert settings.webhook_url
    secret = WebhookSecret(settings.webhook_secret or secrets.token_urlsafe(32))
    protect_secret(secret)
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": urlparse(settings.webhook_url).path.lstrip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": secret,
    }


def listening(options: dict[str, Any]) -> str:
    """The start-up log line saying where the webhook server listens; one that other machines
    can reach says so, since it speaks plain HTTP and only the TLS proxy should reach it."""
    line = (f"webhook server listening on {options['listen']}:{options['port']}, "
            f"path /{options['url_path']}")
    if is_loopback(options["listen"]):
        return line
    return (f"{line} (reachable from other machines, in plain HTTP: let only your TLS proxy "
            "reach this port)")


def is_loopback(host: str) -> bool:
    """Whether ``host`` is an address of this machine only (127.x, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
