"""The webhook server: where it listens (checked before the webhook is registered), on which
path, and the secret token Telegram sends with every update, checked in constant time."""

from __future__ import annotations

import errno
import hmac
import ipaddress
import secrets
import socket
from typing import Any
from urllib.parse import urlparse

from index import ContractbotError

from .logfilter import protect_secret
from .settings import Settings, SettingsError


class WebhookPortError(ContractbotError):
    """The webhook server cannot listen where the settings say: another program holds the
    port (the bot already running, most often)."""


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


def check_listening(options: dict[str, Any]) -> None:
    """Take the webhook server's address and port for a moment, before the bot registers its
    webhook with the Bot API: python-telegram-bot calls setWebhook first and listens after, so
    a port another program held (the bot already running) ended the start in 'Address already
    in use' after telling Telegram a new secret, which the running bot then refused (403) for
    every update. SettingsError for an address that is not this machine's or a port this user
    may not take; WebhookPortError for a port another program holds."""
    host, port = options["listen"], options["port"]
    try:
        found = socket.getaddrinfo(host, port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0,
                                   socket.AI_PASSIVE)
    except socket.gaierror as err:
        raise SettingsError(f"TELEGRAM_WEBHOOK_LISTEN: {host!r} is not an address of this "
                            f"machine ({err.strerror}); {_ADDRESSES}") from None
    for family, kind, proto, _, address in found:
        with socket.socket(family, kind, proto) as sock:  # as tornado will bind it
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                sock.bind(address)
            except OSError as err:
                if err.errno == errno.EADDRNOTAVAIL and host == "localhost":
                    continue  # ::1 on a machine without IPv6: tornado skips it too
                raise _listen_problem(host, port, err) from None


_ADDRESSES = "127.0.0.1 (the default: a TLS proxy on this machine) or 0.0.0.0 (every interface)"


def _listen_problem(host: str, port: int, err: OSError) -> ContractbotError:
    """One line for an address and port the webhook server cannot take, naming the setting."""
    if err.errno == errno.EADDRINUSE:
        return WebhookPortError(
            f"cannot listen on {host}:{port} for the webhook: another program listens there "
            "(the bot already running?); stop it, or set TELEGRAM_WEBHOOK_PORT to a free port "
            "and point the TLS proxy at it")
    if err.errno == errno.EADDRNOTAVAIL:
        return SettingsError(f"TELEGRAM_WEBHOOK_LISTEN: {host!r} is not an address of this "
                             f"machine; {_ADDRESSES}")
    if err.errno == errno.EACCES:
        return SettingsError(f"TELEGRAM_WEBHOOK_PORT: this user may not listen on port {port} "
                             "(ports below 1024 need root); choose one from 1024, the TLS "
                             "proxy forwards to it")
    return WebhookPortError(f"cannot listen on {host}:{port} for the webhook: "
                            f"{err.strerror or err}")
