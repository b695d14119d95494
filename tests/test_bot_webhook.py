"""Webhook mode end to end: the bot listens on the path of TELEGRAM_WEBHOOK_URL, gives
setWebhook a secret token, answers updates that carry it and refuses (403) those that do not."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import httpx
import pytest
from bot_helpers import message
from index_corpus import MAINT
from team_bot import team_bot

from bot.settings import Settings, SettingsError
from bot.webhook import webhook_options

CHAT = 700
SECRET = "s3cret_TOKEN-1"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def update(update_id: int, text: str) -> bytes:
    return json.dumps({"update_id": update_id, "message": message(CHAT, text)}).encode()


async def test_webhook_checks_the_secret_and_listens_on_the_urls_path(tmp_path: Path) -> None:
    port = free_port()
    async with team_bot(tmp_path, {"": [MAINT]}, webhook=True,
                        allowed_chats=frozenset({CHAT}),
                        webhook_url="https://bot.example.org/hook/contracts",
                        webhook_listen="127.0.0.1", webhook_port=port,
                        webhook_secret=SECRET) as (api, _):
        assert api.webhook["url"] == "https://bot.example.org/hook/contracts"
        assert api.webhook["secret_token"] == SECRET
        url = f"http://127.0.0.1:{port}/hook/contracts"
        async with httpx.AsyncClient() as client:
            plain = await client.post(url, content=update(1, "乙方响应时间是多少"),
                                      headers={"Content-Type": "application/json"})
            wrong = await client.post(url, content=update(2, "乙方响应时间是多少"), headers={
                "Content-Type": "application/json", HEADER: "guess"})
            root = await client.post(f"http://127.0.0.1:{port}/", content=update(3, "x"),
                                     headers={"Content-Type": "application/json",
                                              HEADER: SECRET})
            await api.settled()
            assert api.received == set()  # none of them reached the bot (answered before)
            good = await client.post(url, content=update(4, "乙方响应时间是多少"), headers={
                "Content-Type": "application/json", HEADER: SECRET})
            await api.wait_for("sendMessage", 1)
            await api.settled()
            [sent] = api.sent()
    assert api.received == api.handled == {4}
    assert (plain.status_code, wrong.status_code, root.status_code) == (403, 403, 404)
    assert good.status_code == 200
    assert sent["chat_id"] == CHAT and "› 2.1" in sent["text"]


def test_an_unset_secret_is_made_at_random_each_start(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path, sources_dir=tmp_path, telegram_token="1:x",
                        webhook_url="https://bot.example.org/tg")
    first, second = webhook_options(settings), webhook_options(settings)
    assert first["url_path"] == "tg" and first["webhook_url"] == "https://bot.example.org/tg"
    assert first["secret_token"] != second["secret_token"]
    assert len(first["secret_token"]) >= 32
    assert all(c.isalnum() or c in "-_" for c in first["secret_token"])


def test_secret_setting_is_checked_and_never_shown(tmp_path: Path) -> None:
    import pytest

    env = {"TELEGRAM_WEBHOOK_SECRET": SECRET, "TELEGRAM_WEBHOOK_URL": "https://x.org/h"}
    settings = Settings.from_env(env)
    assert settings.webhook_secret == SECRET and SECRET not in repr(settings)
    for bad in ("has spaces", "x" * 257):  # Telegram takes 1 to 256 of A-Z a-z 0-9 _ -
        with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_SECRET"):
            Settings.from_env({"TELEGRAM_WEBHOOK_SECRET": bad})
    assert Settings.from_env({"TELEGRAM_WEBHOOK_SECRET": "x" * 256}).webhook_secret == "x" * 256


async def test_the_secret_is_not_logged_even_with_log_text_on(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """CONTRACTBOT_LOG_TEXT=on lets library payloads into the logs; the setWebhook call's
    secret_token is one of them, and is cleaned like the bot token (docs/security.md)."""
    port = free_port()
    with caplog.at_level("DEBUG"):
        async with team_bot(tmp_path, {"": [MAINT]}, webhook=True, log_text=True,
                            webhook_url="https://bot.example.org/hook", webhook_listen="127.0.0.1",
                            webhook_port=port, webhook_secret=SECRET) as (api, _):
            assert api.webhook["secret_token"] == SECRET
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "setWebhook" in logged and SECRET not in logged


def test_a_webhook_url_telegram_would_refuse_is_a_setting_error() -> None:
    """Telegram calls webhooks over HTTPS only: a URL without https:// and a host was taken,
    and the bot stopped at setWebhook with 'cannot reach the Bot API … bad webhook'."""
    import pytest

    for url in ("bot.example.org/telegram/contracts", "http://bot.example.org/hook",
                "https:///hook"):
        with pytest.raises(SettingsError, match=r"^TELEGRAM_WEBHOOK_URL: .* is not an https:// "):
            Settings.from_env({"TELEGRAM_WEBHOOK_URL": url})
    ok = Settings.from_env({"TELEGRAM_WEBHOOK_URL": "https://bot.example.org:8443/hook"})
    assert ok.webhook_url == "https://bot.example.org:8443/hook"
    local = Settings.from_env({"TELEGRAM_WEBHOOK_URL": "http://10.0.0.2:8080/hook",
                               "TELEGRAM_BASE_URL": "http://10.0.0.1:8081/bot"})
    assert local.webhook_url == "http://10.0.0.2:8080/hook"  # a self-hosted Bot API allows it


def test_a_webhook_url_on_a_port_telegram_does_not_call_is_a_setting_error() -> None:
    """Telegram calls webhooks on ports 443, 80, 88 and 8443 only: a URL on 8080 was taken, and
    setWebhook's refusal ended the start in a traceback; a port that is not a number was
    taken too. A self-hosted Bot API calls any port."""
    import pytest

    with pytest.raises(SettingsError) as err:
        Settings.from_env({"TELEGRAM_WEBHOOK_URL": "https://bot.example.org:8080/hook"})
    assert str(err.value) == ("TELEGRAM_WEBHOOK_URL: Telegram calls webhooks on ports 443, 80, "
                              "88 or 8443 only, not 8080: let the TLS proxy listen on one of them")
    with pytest.raises(SettingsError, match=r"^TELEGRAM_WEBHOOK_URL: 'https://bot.example.org:"
                                            r"84a3/hook' has a port that is not a number"):
        Settings.from_env({"TELEGRAM_WEBHOOK_URL": "https://bot.example.org:84a3/hook"})
    for port in (443, 80, 88, 8443):
        url = f"https://bot.example.org:{port}/hook"
        assert Settings.from_env({"TELEGRAM_WEBHOOK_URL": url}).webhook_url == url
    local = Settings.from_env({"TELEGRAM_WEBHOOK_URL": "https://10.0.0.2:8080/hook",
                               "TELEGRAM_BASE_URL": "http://10.0.0.1:8081/bot"})
    assert local.webhook_url == "https://10.0.0.2:8080/hook"


async def test_the_secret_is_compared_in_constant_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """python-telegram-bot checks the header with ``!=``, which stops at the first character
    that differs (a timing side channel); given a WebhookSecret, its check goes through
    hmac.compare_digest. A guess of the secret's length, right but for its last character, is
    refused as before, and so is a header that is not ASCII (no error: 403)."""
    import hmac

    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def compare_digest(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", compare_digest)
    port = free_port()
    guess = SECRET[:-1] + "2"
    async with team_bot(tmp_path, {"": [MAINT]}, webhook=True,
                        allowed_chats=frozenset({CHAT}),
                        webhook_url="https://bot.example.org/hook", webhook_listen="127.0.0.1",
                        webhook_port=port, webhook_secret=SECRET) as (api, _):
        url = f"http://127.0.0.1:{port}/hook"
        async with httpx.AsyncClient() as client:
            near = await client.post(url, content=update(1, "乙方响应时间是多少"), headers={
                "Content-Type": "application/json", HEADER: guess})
            odd = await client.post(url, content=update(2, "乙方响应时间是多少"), headers={
                b"Content-Type": b"application/json", HEADER.encode(): "密钥".encode()})
            good = await client.post(url, content=update(3, "乙方响应时间是多少"), headers={
                "Content-Type": "application/json", HEADER: SECRET})
            await api.wait_for("sendMessage", 1)
            await api.settled()
    assert (near.status_code, odd.status_code, good.status_code) == (403, 403, 200)
    assert api.received == {3}
    checked = [pair for pair in compared if pair[1] != SECRET.encode()]  # not the good one
    assert checked == [(SECRET.encode(), guess.encode()),
                       (SECRET.encode(), "密钥".encode().decode("latin-1").encode())]


def test_a_webhook_secret_is_the_string_it_holds() -> None:
    """Sent to setWebhook, cleaned from the logs and kept in sets as the plain string is."""
    from bot.webhook import WebhookSecret

    secret = WebhookSecret(SECRET)
    assert secret == SECRET and SECRET == secret and not (secret != SECRET)
    assert "guess" != secret and secret != "guess" and secret != 1 and secret != b"x"
    assert "密钥" != secret and hash(secret) == hash(SECRET) and secret in {SECRET}
    assert json.dumps({"secret_token": secret}) == json.dumps({"secret_token": SECRET})


def test_the_webhook_server_listens_on_this_machine_unless_told(tmp_path: Path) -> None:
    """Telegram calls an HTTPS URL and the server speaks plain HTTP, so a TLS proxy is always
    in front, most often on the same machine: by default the server listens on 127.0.0.1
    only (it was 0.0.0.0, every interface). TELEGRAM_WEBHOOK_LISTEN=0.0.0.0 opens it, and
    the start-up line then says other machines can reach it."""
    from bot.webhook import listening

    env = {"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram/contracts"}
    local = webhook_options(Settings.from_env(env))
    assert (local["listen"], local["port"]) == ("127.0.0.1", 8443)
    assert listening(local) == ("webhook server listening on 127.0.0.1:8443, path "
                                "/telegram/contracts")
    public = webhook_options(Settings.from_env(env | {"TELEGRAM_WEBHOOK_LISTEN": "0.0.0.0"}))
    assert listening(public) == (
        "webhook server listening on 0.0.0.0:8443, path /telegram/contracts (reachable from "
        "other machines, in plain HTTP: let only your TLS proxy reach this port)")
    for host in ("::1", "localhost", "127.0.0.2"):
        assert listening({**public, "listen": host}).endswith("path /telegram/contracts")
    for host in ("::", "10.0.0.5", "bot.example.org"):
        assert "reachable from other machines" in listening({**public, "listen": host})


def test_settings_made_in_code_listen_on_this_machine_too(tmp_path: Path) -> None:
    """Settings built by a program (scripts/loadtest.py, an embedding service) rather than
    from the environment take the same default: 127.0.0.1, not every interface."""
    from bot.webhook import listening

    settings = Settings(index_dir=tmp_path, sources_dir=tmp_path, telegram_token="1:x",
                        webhook_url="https://bot.example.org/tg")
    options = webhook_options(settings)
    assert (options["listen"], options["port"]) == ("127.0.0.1", 8443)
    assert "reachable from other machines" not in listening(options)
