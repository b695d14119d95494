"""No secret in any output: `contractbot serve` (real python-telegram-bot, a subprocess) against
the loopback Bot API, with a token Telegram rejects and with logging at DEBUG; questions and
clause texts stay out of the logs unless CONTRACTBOT_LOG_TEXT asks for them."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from pathlib import Path

import pytest
from bot_helpers import message
from botapi_server import FakeBotApi
from telegram import Update

from bot.logfilter import HIDDEN, describe_update, protect_logs
from index import build_from_sources

GOOD, BAD = "123456:GOOD-secret-token-abc", "123456:BAD-secret-token-xyz"
USER = 100
QUESTION = "乙方应在多少天内交货"
CLAUSE = "乙方应于合同签订后十日内交货"
CONTRACT = f"设备采购合同\n第一条 {CLAUSE}。\n第二条 甲方应在验收合格后付款。\n"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("secrets")
    (root / "src").mkdir()
    (root / "src" / "purchase.txt").write_text(CONTRACT, encoding="utf-8")
    build_from_sources([root / "src"], root / "idx", "use-multilingual", progress=False)
    return root / "idx"


async def _serve(index_dir: Path, token: str, level: str,
                 *, questions: tuple[str, ...] = ()) -> tuple[int, str, list[dict], int]:
    """Run `contractbot serve` against a loopback Bot API that knows only GOOD; ask
    ``questions`` and stop it once they are answered. Returns its exit status, everything it
    printed, the messages it sent, and how many requests the Bot API refused for their token."""
    api = FakeBotApi(token=GOOD)
    await api.start()
    try:
        code, out = await _run_serve(api, index_dir, token, level, questions)
    finally:
        await api.stop()
    return code, out, api.sent(), api.rejected


async def _run_serve(api: FakeBotApi, index_dir: Path, token: str, level: str,
                     questions: tuple[str, ...]) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONTRACTBOT_", "TELEGRAM_"))}
    env.update(CONTRACTBOT_EMBED_MODEL="use-multilingual",  # the fixture's index
               TELEGRAM_BOT_TOKEN=token, TELEGRAM_BASE_URL=api.base_url,
               TELEGRAM_BASE_FILE_URL=api.base_file_url, CONTRACTBOT_LOG_LEVEL=level,
               CONTRACTBOT_INDEX_DIR=str(index_dir), CONTRACTBOT_ALLOWED_CHATS=str(USER))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "serve", env=env, cwd=index_dir.parent,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        for i, text in enumerate(questions, 1):
            api.push("message", message(USER, text, message_id=i))
        if questions:
            await api.wait_for("sendMessage", len(questions), timeout=90)
            proc.send_signal(signal.SIGINT)
        out, _ = await asyncio.wait_for(proc.communicate(), 90)
    finally:
        if proc.returncode is None:
            proc.kill()
    return int(proc.returncode or 0), out.decode("utf-8", "replace")


def _secrets_in(text: str, token: str) -> list[str]:
    return [s for s in (token, token.partition(":")[2]) if s in text]


async def test_a_rejected_token_is_one_line_without_the_token(index_dir: Path) -> None:
    code, out, _, rejected = await _serve(index_dir, BAD, "INFO")
    assert rejected >= 1  # Telegram's 401 on getMe really happened
    assert code == 2
    assert out.strip().splitlines() == [
        "contractbot: Telegram rejected the bot token (TELEGRAM_BOT_TOKEN); check it with "
        "@BotFather"]
    assert _secrets_in(out, BAD) == []


async def test_a_rejected_token_at_debug_prints_no_token(index_dir: Path) -> None:
    code, out, _, _ = await _serve(index_dir, BAD, "DEBUG")
    assert code == 2 and "Calling Bot API endpoint `getMe`" in out  # DEBUG was on
    assert "Set Bot API URL" in out
    assert _secrets_in(out, BAD) == []


async def test_debug_logs_hold_no_token_question_or_clause_text(index_dir: Path) -> None:
    code, out, sent, _ = await _serve(index_dir, GOOD, "DEBUG",
                                      questions=(QUESTION, "/clause 第一条"))
    assert code == 0
    assert all(CLAUSE in s["text"] for s in sent)  # the bot did answer with the clause
    assert "Call to Bot API endpoint `sendMessage` finished" in out  # DEBUG was on
    assert _secrets_in(out, GOOD) == []
    assert QUESTION not in out and CLAUSE not in out and "第一条" not in out


async def test_a_token_pasted_with_blanks_around_it_is_accepted(index_dir: Path) -> None:
    """A token copied with a space before it and a Windows line end after it (an
    EnvironmentFile saved on Windows) was sent as it was: Telegram refused it, and the
    operator was told to check with @BotFather a token that was right. The blanks go."""
    code, out, sent, rejected = await _serve(index_dir, f" {GOOD}\r", "INFO",
                                             questions=(QUESTION,))
    assert (code, rejected) == (0, 0), out
    assert CLAUSE in sent[0]["text"]
    assert _secrets_in(out, GOOD) == []


def test_log_text_setting_lets_library_payloads_through(caplog: pytest.LogCaptureFixture) -> None:
    payload = {"chat_id": 1, "text": CLAUSE}
    library = logging.getLogger("telegram.ext.ExtBot")
    try:
        protect_logs(GOOD, log_text=True)
        with caplog.at_level(logging.DEBUG, logger="telegram"):
            library.debug("Calling Bot API endpoint `%s` with parameters `%s`", "sendMessage",
                          payload)
            library.debug("Set Bot API URL: %s", f"https://api.telegram.org/bot{GOOD}")
    finally:
        protect_logs(None, log_text=False)
    shown, url = (r.getMessage() for r in caplog.records)
    assert CLAUSE in shown and GOOD not in url and "bot[token]" in url
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="telegram"):
        library.debug("Calling Bot API endpoint `%s` with parameters `%s`", "sendMessage",
                      payload)
        logging.getLogger("bot.asking").error("failed", exc_info=ValueError(f"x {GOOD} y"))
    hidden, failure = caplog.records
    assert hidden.getMessage() == (
        f"Calling Bot API endpoint `sendMessage` with parameters `{HIDDEN}`")
    assert failure.exc_text and GOOD not in failure.exc_text and "x [token] y" in failure.exc_text


def test_the_error_log_names_the_update_without_its_text() -> None:
    update = Update.de_json({"update_id": 7, "message": message(USER, QUESTION)}, None)
    assert describe_update(update) == f"update 7, chat {USER}, user {USER}"
    assert QUESTION in describe_update(update, with_text=True)
