"""Build the python-telegram-bot Application: handlers, rate limiter, searcher in post_init."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import signal
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from telegram import Bot, BotCommand
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from index import BuildReport, ContractbotError, Searcher, build_from_sources

from . import asking, browsing, hints, placing, receiving, reindexing, removing, replies, votes
from .access import AccessFile
from .compat import TolerantRequest
from .edits import replacing_earlier
from .errors import BotApiError, TokenRejectedError
from .feedback import LOG_FILE, QuestionLog
from .held import drop_old_backups, held_uploads, undoable_uploads
from .limiter import AnswersFirstLimiter
from .logfilter import is_webhook_refusal, protect_logs, protect_output
from .persistence import STATE_FILE, JsonPersistence
from .ratelimit import QuestionRate
from .settings import Settings, SettingsError
from .sigterm import held
from .state import CONTEXT_TYPES, BotApp, BotState, Builder, ChatData, Ctx, UserData
from .webhook import check_listening, listening, webhook_options

log = logging.getLogger(__name__)
# The menu is the same in every chat, so it gives no example of one library's contracts (a
# group that reads only leases has no 乙方响应时间 and maybe no 7.2); /help gives the chat's own.
COMMANDS = [
    ("ask", "提问：/ask 加问题"),
    ("contracts", "列出已收录的合同"),
    ("use", "只在一份合同中查找：/use 编号；/use all 取消"),
    ("clause", "引用条款原文：/clause 条款号"),
    ("compare", "比较各合同的约定：/compare 主题"),
    ("help", "帮助"),
    ("start", "介绍与本聊天 ID"),
]


class BotFilesError(ContractbotError):
    """A file of the bot's own beside the index that this user may not open."""


def _owner(uid: int) -> str:
    import pwd

    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"user {uid}"


def check_bot_files(index_dir: Path) -> None:
    """BotFilesError when the chat settings or the question log beside the index (or the
    folder, where they are written anew) exist but may not be read and written by this user:
    a bot once run by another user (root) left them; said before anything is touched."""
    for path in (index_dir, index_dir / STATE_FILE, index_dir / LOG_FILE):
        mode = os.R_OK | os.W_OK | (os.X_OK if path == index_dir else 0)
        if path.exists() and not os.access(path, mode):
            raise BotFilesError(f"cannot write {path}: it belongs to "
                                f"{_owner(path.stat().st_uid)} and the bot runs as "
                                f"{_owner(os.getuid())}; give it to that user (chown)")


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


def _exit() -> None:
    raise SystemExit  # what python-telegram-bot's own signal handler does


async def _exit_when_running(app: BotApp) -> None:
    """Stop the application as soon as it has started, from the loop as a signal would."""
    while not app.running:
        await asyncio.sleep(0.05)
    asyncio.get_running_loop().call_soon(_exit)


def say_stopping(state: BotState | None = None,
                 sig: signal.Signals = signal.SIGTERM) -> None:
    """The one line a stop by signal logs (`SIGTERM: stopping`), once: with the bot's state,
    only when it is not already stopping, which it then is."""
    if state is not None:
        if state.stopping.is_set():
            return
        state.stopping.set()
    log.info("%s: stopping", sig.name)


def stop_on_signals(app: BotApp) -> None:
    """SIGTERM, SIGINT: stop a running build first (its worker processes end within a
    fraction of a second), then let python-telegram-bot stop, which waits for the handlers;
    one line says so. A SIGTERM held while the bot loaded or connected (``sigterm``) stops it
    now, before it polls."""
    loop = asyncio.get_running_loop()
    waiting: set[asyncio.Task[None]] = set()

    def stop(sig: signal.Signals) -> None:
        say_stopping(app.bot_data, sig)
        if app.running:
            _exit()
        # Still registering with the Bot API: ending its request half-way leaves tracebacks.
        task = loop.create_task(_exit_when_running(app))
        waiting.add(task)  # kept until done (the loop holds tasks weakly)
        task.add_done_callback(waiting.discard)

    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on this platform
            loop.add_signal_handler(sig, stop, sig)
    if held():  # it came before the handlers above: while the bot loaded or connected
        say_stopping(app.bot_data)
        app.stop_running()  # in post_init: it shuts down without starting to poll


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
                                             settings.embed_model, missing_ok=True)
            await asyncio.to_thread(opened.warm_up)
            app.bot_data.searcher = opened
        await asyncio.to_thread(app.bot_data.access.check_collections)
        held = await asyncio.to_thread(held_uploads, settings.sources_dir)
        app.bot_data.uploads.restore(held)  # their buttons work after a restart
        await asyncio.to_thread(drop_old_backups, settings.sources_dir)  # their undo ended
        undoable = await asyncio.to_thread(undoable_uploads, settings.sources_dir)
        app.bot_data.uploads.restore_undo(undoable)  # so do 撤销替换's
        if settings.question_log:  # a file beside the index: opened when the bot starts
            app.bot_data.log = await asyncio.to_thread(
                QuestionLog.open, settings.index_dir, days=settings.log_days)
        try:
            await app.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])
        except TelegramError as err:  # the menu is a convenience: answer questions anyway
            log.warning("could not register the command menu: %s", err)
        stop_on_signals(app)
        log.info("bot @%s ready", app.bot.username)

    async def post_shutdown(app: BotApp) -> None:
        if app.bot_data.log is not None:
            app.bot_data.log.close()

    builder: ApplicationBuilder[Any, Ctx, UserData, ChatData, BotState, Any] = (
        Application.builder()
        .token(settings.telegram_token)
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .context_types(CONTEXT_TYPES)
        .request(TolerantRequest(connection_pool_size=256))
        .get_updates_request(TolerantRequest(connection_pool_size=1))
        .concurrent_updates(True)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .persistence(JsonPersistence(settings.index_dir / STATE_FILE))
    )
    if rate_limit:
        builder = builder.rate_limiter(AnswersFirstLimiter())
    app = builder.build()
    app.bot_data.settings = settings
    app.bot_data.build = build or _default_builder(settings, app.bot_data.stopping)
    app.bot_data.question_rate = QuestionRate(settings.questions_per_minute)
    app.bot_data.access = AccessFile(settings.access_file, allow_list=settings.allowed_chats,
                                     admins=settings.admins,
                                     known=lambda: _indexed_collections(app.bot_data))
    anew = replacing_earlier  # an edited command is answered anew, its earlier reply deleted
    app.add_handler(CommandHandler("start", anew(asking.cmd_start)))
    app.add_handler(CommandHandler("help", anew(asking.cmd_help)))
    app.add_handler(CommandHandler("ask", asking.cmd_ask))  # its answer is edited in place
    app.add_handler(CommandHandler("contracts", anew(browsing.cmd_contracts)))
    app.add_handler(CommandHandler("use", anew(browsing.cmd_use)))
    app.add_handler(CommandHandler("clause", anew(browsing.cmd_clause)))
    app.add_handler(CommandHandler("compare", anew(browsing.cmd_compare)))
    app.add_handler(CommandHandler("feedback", votes.cmd_feedback))
    new = filters.UpdateType.MESSAGE  # an edited upload or /reindex is not done again
    app.add_handler(CommandHandler("reindex", reindexing.cmd_reindex, filters=new))
    app.add_handler(CommandHandler("remove", removing.cmd_remove, filters=new))
    app.add_handler(CallbackQueryHandler(asking.on_more, pattern=r"^(?:more|near):"))
    app.add_handler(CallbackQueryHandler(placing.on_upload_button, pattern=r"^upload:"))
    app.add_handler(CallbackQueryHandler(removing.on_remove_button, pattern=r"^remove:"))
    app.add_handler(CallbackQueryHandler(votes.on_vote, pattern=rf"^{votes.PREFIX}"))
    group_media = ~filters.ChatType.PRIVATE & new & ~filters.TEXT & ~filters.StatusUpdate.ALL
    app.add_handler(MessageHandler(group_media, hints.on_group_media))  # uploads: in private
    app.add_handler(MessageHandler(new & filters.Document.ALL, receiving.on_document))
    members = ~filters.User(user_id=settings.admins, allow_empty=False)  # not admins
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & new & filters.PHOTO & members,
                                   hints.on_member_photo))
    app.add_handler(MessageHandler(new & filters.PHOTO, receiving.on_photo))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, asking.on_migrate))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, asking.on_text))
    private = filters.ChatType.PRIVATE & new
    app.add_handler(MessageHandler(new & filters.COMMAND, hints.on_unknown_command))
    app.add_handler(MessageHandler(private & ~filters.TEXT & ~filters.Document.ALL
                                   & ~filters.PHOTO & ~filters.StatusUpdate.ALL, hints.on_other))
    app.add_error_handler(replies.on_error)
    return app


def _indexed_collections(state: BotState) -> frozenset[str] | None:
    """The collections the searcher in use holds a contract of; None before it is opened."""
    searcher = getattr(state, "searcher", None)
    if searcher is None:
        return None
    return frozenset(c.collection for c in searcher.contracts())


def api_problem(settings: Settings, err: Exception) -> ContractbotError:
    """One line for a failed Bot API call: the URL without the token, and the reason; a
    rejected token or webhook URL is a setting that cannot be used (SettingsError, exit 2)."""

    token = settings.telegram_token or ""
    reason = (str(err).replace(token, "<token>") if token else str(err)) or type(err).__name__
    url = settings.telegram_base_url
    if isinstance(err, InvalidToken):
        return TokenRejectedError("Telegram rejected the bot token (TELEGRAM_BOT_TOKEN); "
                                  "check it with @BotFather")
    if is_webhook_refusal(err):  # a host it cannot resolve or reach, a certificate …
        return SettingsError(f"TELEGRAM_WEBHOOK_URL: Telegram refused {settings.webhook_url}: "
                             f"{reason}")
    return BotApiError(f"cannot reach the Bot API at {url}: {reason}")


async def check_bot_api(settings: Settings) -> str:
    """Ask the Bot API who the bot is (getMe) before starting; the bot's username, or
    BotApiError when the API cannot be reached or refuses the token."""
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
    if held():  # a SIGTERM while it loaded (sigterm.py): a clean stop, as once it runs
        say_stopping()
        return 0
    protect_logs(settings.telegram_token, log_text=settings.log_text)  # before any request
    protect_output()
    quiet_http_logs()  # httpx logs request URLs, and they hold the token
    check_bot_files(settings.index_dir)
    options = webhook_options(settings) if settings.webhook_url else None
    if options is not None:  # before setWebhook: a taken port must not change the secret
        check_listening(options)
    username = asyncio.run(check_bot_api(settings))
    log.info("connected to the Bot API as @%s", username)
    app = build_application(settings)
    try:
        if options is not None:
            log.info("%s", listening(options))
            app.run_webhook(**options)
        else:
            app.run_polling()
    except TelegramError as err:
        raise api_problem(settings, err) from None
    return 0
