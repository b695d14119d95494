"""Build the python-telegram-bot Application: handlers, rate limiter, searcher in post_init."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import signal
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from telegram import BotCommand
from telegram.error import InvalidToken
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from index import BuildReport, Searcher, build_from_sources

from . import admin, asking, replies
from .errors import BotApiError, TokenRejectedError
from .logfilter import protect_logs, protect_output
from .ratelimit import QuestionRate
from .settings import Settings
from .state import CONTEXT_TYPES, BotApp, BotState, Builder, ChatData, Ctx

log = logging.getLogger(__name__)
COMMANDS = [
    ("ask", "提问，例如 /ask 乙方响应时间是多少"),
    ("contracts", "列出已收录的合同"),
    ("use", "只在一份合同中查找：/use 编号；/use all 取消"),
    ("clause", "引用条款原文：/clause 7.2"),
    ("help", "帮助"),
    ("start", "介绍与本聊天 ID"),
]


def quiet_http_logs() -> None:
    """httpx logs request URLs (with the token) at INFO: keep those loggers at WARNING (and
    faiss's loader, which logs every CPU variant it tries)."""
    for name in ("httpx", "httpcore", "faiss.loader"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _default_builder(settings: Settings, stop: threading.Event) -> Builder:
    reading = dataclasses.replace(settings.reading(), stop=stop)

    def build(sources: Sequence[Path] | None, index_dir: Path, *,
              replace: bool = False) -> BuildReport:
        return build_from_sources(sources, index_dir, settings.embed_model,
                                  rules_file=settings.rules_file, progress=False,
                                  replace=replace, reading=reading)
    return build


def stop_on_signals(app: BotApp) -> None:
    """SIGTERM, SIGINT: stop a running build first (its worker processes end within a
    fraction of a second), then let python-telegram-bot stop, which waits for the handlers."""
    loop = asyncio.get_running_loop()

    def stop() -> None:
        app.bot_data.stopping.set()
        raise SystemExit  # what python-telegram-bot's own handler does

    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on this platform
            loop.add_signal_handler(sig, stop)


def build_application(settings: Settings, *, searcher: Searcher | None = None,
                      build: Builder | None = None, rate_limit: bool = True) -> BotApp:
    """The bot's Application; the Searcher is opened in post_init unless one is given."""
    if not settings.telegram_token:
        raise ValueError("no TELEGRAM_BOT_TOKEN")
    protect_logs(settings.telegram_token, log_text=settings.log_text)
    quiet_http_logs()

    async def post_init(app: BotApp) -> None:
        if searcher is not None:
            app.bot_data.searcher = searcher
        else:
            opened = await asyncio.to_thread(Searcher.open, settings.index_dir,
                                             settings.embed_model)
            await asyncio.to_thread(opened.warm_up)
            app.bot_data.searcher = opened
        await app.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])
        stop_on_signals(app)
        log.info("bot @%s ready", app.bot.username)

    builder: ApplicationBuilder[Any, Ctx, dict[Any, Any], ChatData, BotState, Any] = (
        Application.builder()
        .token(settings.telegram_token)
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(True)
        .post_init(post_init)
    )
    if rate_limit:
        builder = builder.rate_limiter(AIORateLimiter())
    app = builder.build()
    app.bot_data.settings = settings
    app.bot_data.build = build or _default_builder(settings, app.bot_data.stopping)
    app.bot_data.question_rate = QuestionRate(settings.questions_per_minute)
    app.add_handler(CommandHandler("start", asking.cmd_start))
    app.add_handler(CommandHandler("help", asking.cmd_help))
    app.add_handler(CommandHandler("ask", asking.cmd_ask))
    app.add_handler(CommandHandler("contracts", asking.cmd_contracts))
    app.add_handler(CommandHandler("use", asking.cmd_use))
    app.add_handler(CommandHandler("clause", asking.cmd_clause))
    app.add_handler(CommandHandler("reindex", admin.cmd_reindex))
    app.add_handler(CallbackQueryHandler(asking.on_more, pattern=r"^more:"))
    app.add_handler(CallbackQueryHandler(admin.on_upload_button, pattern=r"^upload:"))
    app.add_handler(MessageHandler(filters.Document.ALL, admin.on_document))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, asking.on_text))
    app.add_error_handler(replies.on_error)
    return app


def api_problem(settings: Settings, err: Exception) -> BotApiError:
    """One line for a failed Bot API call: the URL without the token, and the reason."""

    token = settings.telegram_token or ""
    reason = (str(err).replace(token, "<token>") if token else str(err)) or type(err).__name__
    url = settings.telegram_base_url
    if isinstance(err, InvalidToken):
        return TokenRejectedError("Telegram rejected the bot token (TELEGRAM_BOT_TOKEN); "
                                  "check it with @BotFather")
    return BotApiError(f"cannot reach the Bot API at {url}: {reason}")


async def check_bot_api(settings: Settings) -> str:
    """Ask the Bot API who the bot is (getMe) before starting; the bot's username, or
    BotApiError when the API cannot be reached or refuses the token."""
    from telegram import Bot
    from telegram.error import TelegramError

    bot = Bot(settings.telegram_token or "", base_url=settings.telegram_base_url,
              base_file_url=settings.telegram_base_file_url)
    try:
        async with bot:  # initialize() calls getMe
            return bot.username
    except TelegramError as err:
        raise api_problem(settings, err) from None


def run(settings: Settings) -> int:
    """Run the bot until interrupted: webhook when webhook_url is set, long polling otherwise.

    The Bot API is asked once first, so an unreachable API (BotApiError) or a rejected token
    (TokenRejectedError) is one line without the token, not the library's retry log."""
    from telegram.error import TelegramError

    protect_logs(settings.telegram_token, log_text=settings.log_text)  # before any request
    protect_output()
    quiet_http_logs()  # httpx logs request URLs, and they hold the token
    username = asyncio.run(check_bot_api(settings))
    log.info("connected to the Bot API as @%s", username)
    app = build_application(settings)
    try:
        if settings.webhook_url:
            app.run_webhook(listen=settings.webhook_listen, port=settings.webhook_port,
                            webhook_url=settings.webhook_url)
        else:
            app.run_polling()
    except TelegramError as err:
        raise api_problem(settings, err) from None
    return 0
